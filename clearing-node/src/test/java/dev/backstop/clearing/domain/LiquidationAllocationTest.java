package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The liquidation components allocate nothing once warm (DESIGN.md section 7): auctions with pro-rata steps, BLP
 * capacity, pool minting, redemptions and the loss cap, the price band and the static rules, repeated many times.
 */
class LiquidationAllocationTest
{
    @Test
    void liquidationComponentsDoNotAllocateOnceWarm()
    {
        final BlpRegistry registry = new BlpRegistry();
        registry.register(11, 10_000_000_000L);
        registry.register(22, 20_000_000_000L);
        registry.register(33, 10_000_000_000L);
        final LiquidationAuction auction = new LiquidationAuction();
        final AuctionFills fills = new AuctionFills(16);
        final BackstopPool pool = new BackstopPool(1, 900, BackstopPool.DEFAULT_LOSS_CAP_PPM, 1_000);
        final RedemptionPayouts payouts = new RedemptionPayouts(16);
        final PriceBand band = new PriceBand();
        pool.mintShares(11, 1_000_000_000L, 0);

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = 0;
        long checksum = 0;
        long now = 0;
        long poolEquity = 1_000_000_000L;
        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                now += 100;
                auction.open(i, 9, 1, 10, 1_000, 900, 1_000, now, 5, 20);
                auction.bid(11, 950, 10, registry);
                auction.bid(22, 950, 10, registry);
                auction.bid(33, 940, 10, registry);
                for (long t = now; t <= now + 100; t += 20)
                {
                    checksum += auction.onStep(t, registry, fills);
                }
                for (int f = 0; f < fills.count(); f++)
                {
                    registry.restore(fills.blpAccountIdAt(f), fills.lotsAt(f) * fills.priceTicksAt(f) * 1_000);
                }
                registry.restore(11, Long.MAX_VALUE);
                registry.restore(22, Long.MAX_VALUE);
                registry.restore(33, Long.MAX_VALUE);

                final long minted = pool.mintShares(22, 1_000, poolEquity);
                poolEquity += minted > 0 ? 1_000 : 0;
                pool.requestRedemption(22, 1, now);
                pool.dueRedemptions(now, poolEquity, payouts);
                for (int p = 0; p < payouts.count(); p++)
                {
                    poolEquity -= payouts.amountAt(p);
                }
                checksum += pool.withinLossCap(poolEquity - 1_000) ? 1 : 0;
                pool.markHighWater(poolEquity);

                band.onMark(1_000 + (i % 7), now);
                checksum += band.withinBand(1_002, now, PriceBand.DEFAULT_BAND_PPM) ? 1 : 0;

                final long share = BankruptcyPrice.equityShare(123_456_789_012L, 4_000_000_000L, 7_000_000_000L, 3, 7);
                checksum += BankruptcyPrice.bankruptcyPriceTicks(600_000, 3, share, 100);
                checksum += LiquidationSlicing.sliceLots(1_000 + i, 600_000, 100, 1_000_000_000L, 100_000);
                checksum += LiquidationSlicing.reachedTarget(share, share / 2, 1_020_000) ? 1 : 0;
                checksum += LiquidationFee.fee(60_000_000, 5_000, share);
                checksum += TakeoverPricing.takeoverPoolPayment(share);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertEquals(0L, auction.remainingLots());
        assertTrue(checksum > 0);
        assertTrue(allocated < 1024, "bytes allocated by 20,000 warm liquidation rounds: " + allocated);
    }
}
