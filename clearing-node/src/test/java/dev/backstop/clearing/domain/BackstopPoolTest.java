package dev.backstop.clearing.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backstop pool's share register against numbers worked by hand (minting at NAV after a loss, the loss cap at
 * exactly 20%, a redemption paid at the NAV when due) and the property that shares never claim more than the equity.
 */
class BackstopPoolTest
{
    private static final long DAY = BackstopPool.DEFAULT_REDEMPTION_NOTICE_MS;

    @Test
    void depositsAfterALossMintAtTheLowerNav()
    {
        final BackstopPool pool = new BackstopPool(1, 900, BackstopPool.DEFAULT_LOSS_CAP_PPM, DAY);
        // First deposit: one share per micro-unit, NAV 1_000_000 per million shares.
        assertEquals(1_000_000L, pool.mintShares(11, 1_000_000, 0));
        assertEquals(1_000_000L, pool.highWaterNavPerMillionShares());
        // Loss: equity 750_000 over 1_000_000 shares -> NAV 750_000 per million shares.
        assertEquals(750_000L, pool.navPerMillionShares(750_000));
        // 300_000 at NAV 0.75 -> 300_000 × 1_000_000 / 750_000 = 400_000 shares; NAV unchanged after.
        assertEquals(400_000L, pool.mintShares(22, 300_000, 750_000));
        assertEquals(1_400_000L, pool.sharesOutstanding());
        assertEquals(750_000L, pool.navPerMillionShares(1_050_000));
        // Rounded down: 100 × 1_400_000 / 1_050_000 = 133.33 -> 133.
        assertEquals(133L, pool.mintShares(33, 100, 1_050_000));
        // The high-water mark stays at the pre-loss NAV.
        assertEquals(1_000_000L, pool.highWaterNavPerMillionShares());
        // Refusals change nothing.
        assertEquals(0L, pool.mintShares(44, 0, 1_050_100));
        assertEquals(0L, pool.mintShares(44, 100, 0));
        assertEquals(0L, pool.mintShares(44, 1, 1_050_100 * 2)); // 1 × 1_400_133 / 2_100_200 = 0.67 -> 0
        assertEquals(3, pool.depositorCount());
        assertEquals(11L, pool.depositorIdAt(0));
    }

    @Test
    void lossCapHoldsAtExactlyTwentyPercentDrawdown()
    {
        final BackstopPool pool = new BackstopPool(1, 900, 200_000, DAY);
        pool.mintShares(11, 1_000_000, 0);
        // HWM 1_000_000; 20% drawdown = NAV 800_000 = equity 800_000.
        assertTrue(pool.withinLossCap(800_000));
        assertFalse(pool.withinLossCap(799_999));
        // NAV rises to 1.25: HWM 1_250_000; 20% below is 1_000_000.
        pool.markHighWater(1_250_000);
        assertEquals(1_250_000L, pool.highWaterNavPerMillionShares());
        pool.markHighWater(900_000); // never lowers
        assertEquals(1_250_000L, pool.highWaterNavPerMillionShares());
        assertTrue(pool.withinLossCap(1_000_000));
        assertFalse(pool.withinLossCap(999_999));
        assertFalse(pool.withinLossCap(-1));
        pool.resetHighWater(900_000);
        assertTrue(pool.withinLossCap(720_000)); // 900_000 × 0.8
        assertFalse(new BackstopPool(2, 901, 200_000, DAY).withinLossCap(1_000));
    }

    @Test
    void redemptionIsPaidAtTheNavWhenDueSoLossesDuringTheNoticeApply()
    {
        final BackstopPool pool = new BackstopPool(1, 900, 200_000, DAY);
        final RedemptionPayouts payouts = new RedemptionPayouts(1);
        pool.mintShares(11, 1_000_000, 0);
        pool.mintShares(22, 400_000, 1_000_000); // 400_000 shares
        assertEquals(Outcome.ACCEPTED, pool.requestRedemption(11, 500_000, 1_000));
        assertEquals(Outcome.INSUFFICIENT_CASH, pool.requestRedemption(11, 500_001, 2_000)); // 500_000 pending
        assertEquals(Outcome.UNKNOWN_ACCOUNT, pool.requestRedemption(33, 1, 2_000));
        assertEquals(Outcome.INVALID_QUANTITY, pool.requestRedemption(22, 0, 2_000));
        assertEquals(Outcome.ACCEPTED, pool.requestRedemption(22, 400_000, 2_000));
        assertEquals(1_000L + DAY, pool.nextDeadlineMs());
        assertEquals(0, pool.dueRedemptions(DAY, 1_400_000, payouts));
        // A loss during the notice: equity 1_400_000 -> 700_001 over 1_400_000 shares.
        // 11: 500_000 × 700_001 / 1_400_000 = 250_000.36 -> 250_000; equity left 450_001 over 900_000 shares.
        assertEquals(1, pool.dueRedemptions(1_000 + DAY, 700_001, payouts));
        assertEquals(11L, payouts.depositorAt(0));
        assertEquals(500_000L, payouts.sharesAt(0));
        assertEquals(250_000L, payouts.amountAt(0));
        assertEquals(900_000L, pool.sharesOutstanding());
        assertEquals(500_000L, pool.sharesOf(11));
        // 22 at 450_001: 400_000 × 450_001 / 900_000 = 200_000.44 -> 200_000.
        assertEquals(1, pool.dueRedemptions(2_000 + DAY, 450_001, payouts));
        assertEquals(200_000L, payouts.amountAt(0));
        assertEquals(0L, pool.sharesOf(22));
        assertEquals(1, pool.depositorCount());
        assertEquals(Long.MAX_VALUE, pool.nextDeadlineMs());
    }

    @Test
    void takeoverPriceFormAndSplitMatch()
    {
        // Equity share e = 300 on 1 lot, tick value 100 -> ZP 3 ticks below MP 1_000 = 997.
        final long zp = BankruptcyPrice.bankruptcyPriceTicks(1_000, 1, 300, 100);
        assertEquals(997L, zp);
        // The pool pays ZP + (MP - ZP)/3 = 998 per lot: it gains (MP - 998) × 100 = 200 = floor(2/3 × 300) at MP.
        assertEquals(998L * 3, TakeoverPricing.takeoverPriceThirdsOfTick(1_000, zp));
        assertEquals(200L, TakeoverPricing.takeoverPoolPayment(300));
        assertEquals(100L, TakeoverPricing.takeoverInsurancePayment(300));
    }

    @Property(tries = 300)
    void sharesNeverClaimMoreThanTheEquity(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 60) final int ops)
    {
        final Random random = new Random(seed);
        final BackstopPool pool = new BackstopPool(1, 900, 200_000, 1_000);
        final RedemptionPayouts payouts = new RedemptionPayouts(1);
        long equity = 0;
        long now = 0;
        for (int op = 0; op < ops; op++)
        {
            now += random.nextInt(600);
            final long depositor = 1 + random.nextInt(5);
            switch (random.nextInt(4))
            {
                case 0 ->
                {
                    final long amount = 1 + (long)(random.nextDouble() * 1e12);
                    if (pool.mintShares(depositor, amount, equity) > 0)
                    {
                        equity += amount;
                    }
                }
                case 1 -> equity = Math.max(0, equity + (long)((random.nextDouble() - 0.6) * equity) + 7);
                case 2 -> pool.requestRedemption(depositor, 1 + pool.sharesOf(depositor) / (1 + random.nextInt(3)), now);
                default ->
                {
                    pool.dueRedemptions(now, equity, payouts);
                    for (int i = 0; i < payouts.count(); i++)
                    {
                        equity -= payouts.amountAt(i);
                        assertTrue(equity >= 0);
                    }
                }
            }
            long total = 0;
            BigInteger claims = BigInteger.ZERO;
            for (int i = 0; i < pool.depositorCount(); i++)
            {
                total += pool.depositorSharesAt(i);
                claims = claims.add(BigInteger.valueOf(pool.depositorSharesAt(i))
                    .multiply(BigInteger.valueOf(equity)).divide(BigInteger.valueOf(pool.sharesOutstanding())));
            }
            assertEquals(pool.sharesOutstanding(), total);
            assertTrue(claims.compareTo(BigInteger.valueOf(equity)) <= 0);
            final BigInteger atNav = BigInteger.valueOf(pool.sharesOutstanding())
                .multiply(BigInteger.valueOf(pool.navPerMillionShares(equity))).divide(BigInteger.valueOf(1_000_000));
            assertTrue(atNav.compareTo(BigInteger.valueOf(equity)) <= 0);
        }
    }
}
