package dev.backstop.clearing.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dutch auction of a liquidation slice and the BLP registry, against numbers worked by hand, plus properties:
 * never more than the slice, never worse than ZP, pro-rata shares sum exactly and capacity is conserved.
 */
class LiquidationAuctionTest
{
    private static final long TICK_VALUE = 1_000;

    @Test
    void registryKeepsBlpsSortedAndCapacityWithinDeclared()
    {
        final BlpRegistry registry = new BlpRegistry();
        assertEquals(Outcome.ACCEPTED, registry.register(33, 10_000_000));
        assertEquals(Outcome.ACCEPTED, registry.register(11, 5_000_000));
        assertEquals(Outcome.ACCOUNT_EXISTS, registry.register(11, 1));
        assertEquals(Outcome.INVALID_AMOUNT, registry.register(22, 0));
        assertEquals(11L, registry.accountIdAt(0));
        assertEquals(33L, registry.accountIdAt(1));
        assertTrue(registry.consume(33, 4_000_000));
        assertFalse(registry.consume(33, 6_000_001));
        assertEquals(6_000_000L, registry.remainingCapacity(33));
        // Declared 10M -> 8M with 4M consumed: 4M remain.
        assertEquals(Outcome.ACCEPTED, registry.update(33, 8_000_000));
        assertEquals(4_000_000L, registry.remainingCapacity(33));
        // Restore never goes above declared.
        assertTrue(registry.restore(33, 100_000_000));
        assertEquals(8_000_000L, registry.remainingCapacity(33));
        assertEquals(Outcome.ACCEPTED, registry.deregister(11));
        assertEquals(Outcome.UNKNOWN_ACCOUNT, registry.deregister(11));
        assertEquals(1, registry.count());
        registry.clear();
        registry.restoreEntry(5, 10, 7);
        assertEquals(7L, registry.remainingCapacityAt(0));
    }

    @Test
    void stepPricesWalkFromMarkToBankruptcyRoundedTowardsBankruptcy()
    {
        final LiquidationAuction auction = new LiquidationAuction();
        // Long slice, MP 1_000, ZP 903: distance 97 over 4 intervals = 24.25 per step, rounded towards ZP (down).
        assertEquals(Outcome.ACCEPTED, auction.open(1, 9, 1, 10, 1_000, 903, TICK_VALUE, 1_000, 5, 20));
        assertEquals(1_000L, auction.stepPriceTicks(0));
        assertEquals(975L, auction.stepPriceTicks(1)); // 1_000 - ceil(24.25)
        assertEquals(951L, auction.stepPriceTicks(2)); // 1_000 - ceil(48.5)
        assertEquals(927L, auction.stepPriceTicks(3)); // 1_000 - ceil(72.75)
        assertEquals(903L, auction.stepPriceTicks(4));
        // Short slice, MP 1_000, ZP 1_097: rounded towards ZP (up).
        assertEquals(Outcome.ACCEPTED, auction.open(2, 9, 1, -10, 1_000, 1_097, TICK_VALUE, 1_000, 5, 20));
        assertEquals(1_025L, auction.stepPriceTicks(1));
        assertEquals(1_049L, auction.stepPriceTicks(2));
        assertEquals(1_073L, auction.stepPriceTicks(3));
        assertEquals(1_097L, auction.stepPriceTicks(4));
        // Step 0 is matched at start + 20, step 4 at start + 100.
        assertEquals(1_020L, auction.nextDeadlineMs());
    }

    @Test
    void bidsWorseThanBankruptcyOrBeyondCapacityAreRefused()
    {
        final BlpRegistry registry = new BlpRegistry();
        registry.register(11, 1_000_000);
        final LiquidationAuction auction = new LiquidationAuction();
        auction.open(1, 9, 1, 10, 1_000, 900, TICK_VALUE, 0, 5, 20);
        assertEquals(Outcome.INVALID_PRICE, auction.bid(11, 899, 1, registry));
        assertEquals(Outcome.ACCEPTED, auction.bid(11, 900, 1, registry)); // 900_000 <= 1_000_000
        // 2 lots at 950 = 1_900_000 > 1_000_000.
        assertEquals(Outcome.INSUFFICIENT_CASH, auction.bid(11, 950, 2, registry));
        assertEquals(Outcome.NOT_AUTHORISED, auction.bid(12, 950, 1, registry));
        assertEquals(Outcome.INVALID_QUANTITY, auction.bid(11, 950, 0, registry));
        // Short slice: a bid above ZP is worse.
        auction.open(2, 9, 1, -10, 1_000, 1_100, TICK_VALUE, 0, 5, 20);
        assertEquals(Outcome.INVALID_PRICE, auction.bid(11, 1_101, 1, registry));
        assertEquals(Outcome.ACCEPTED, auction.bid(11, 990, 1, registry));
        auction.cancel();
        assertEquals(Outcome.INVALID_PARAMETER, auction.bid(11, 990, 1, registry));
        assertEquals(Long.MAX_VALUE, auction.nextDeadlineMs());
    }

    @Test
    void equalBidsAtAStepFillProRataToRemainingCapacityWithRemainderToLargestFractionThenLowerId()
    {
        final BlpRegistry registry = new BlpRegistry();
        registry.register(11, 10_000_000);
        registry.register(22, 20_000_000);
        registry.register(33, 10_000_000);
        final LiquidationAuction auction = new LiquidationAuction();
        final AuctionFills fills = new AuctionFills(2);
        // Long slice of 10 lots, MP 1_000, ZP 900: steps 1_000, 975, 950, 925, 900 at 1_020 .. 1_100.
        auction.open(7, 9, 1, 10, 1_000, 900, TICK_VALUE, 1_000, 5, 20);
        assertEquals(Outcome.ACCEPTED, auction.bid(11, 950, 10, registry)); // 9_500_000 <= 10_000_000
        assertEquals(Outcome.ACCEPTED, auction.bid(22, 950, 10, registry));
        assertEquals(Outcome.ACCEPTED, auction.bid(33, 950, 10, registry));
        assertEquals(0, auction.onStep(1_019, registry, fills));
        assertEquals(0, auction.onStep(1_020, registry, fills)); // step 0 at 1_000: 950 not good enough
        assertEquals(0, auction.onStep(1_040, registry, fills)); // step 1 at 975
        // Step 2 at 950: rooms 10 each (capacity / 950_000 >= 10), 30 > 10 lots: pro rata 10 : 20 : 10.
        // Quotas 10 × 10/40 = 2.5 -> 2, 10 × 20/40 = 5, 2.5 -> 2; 1 lot left; fractions 0.5, 0, 0.5 -> tie to 11.
        assertEquals(3, auction.onStep(1_060, registry, fills));
        assertFill(fills, 0, 11, 950, 3, 2);
        assertFill(fills, 1, 22, 950, 5, 2);
        assertFill(fills, 2, 33, 950, 2, 2);
        assertEquals(0L, auction.remainingLots());
        assertFalse(auction.isOpen());
        assertEquals(Long.MAX_VALUE, auction.nextDeadlineMs());
        // Capacity consumed at the fill price: 3 × 950 × 1_000 = 2_850_000.
        assertEquals(7_150_000L, registry.remainingCapacity(11));
        assertEquals(15_250_000L, registry.remainingCapacity(22));
        assertEquals(8_100_000L, registry.remainingCapacity(33));
    }

    @Test
    void bestPriceFillsFirstAndLotsACappedBidCannotTakeAreSharedAgain()
    {
        final BlpRegistry registry = new BlpRegistry();
        registry.register(11, 10_000_000);
        registry.register(22, 20_000_000);
        registry.register(33, 10_000_000);
        registry.register(44, 10_000_000);
        final LiquidationAuction auction = new LiquidationAuction();
        final AuctionFills fills = new AuctionFills(2);
        auction.open(7, 9, 1, 10, 1_000, 900, TICK_VALUE, 1_000, 5, 20);
        auction.bid(44, 960, 4, registry);
        auction.bid(11, 950, 10, registry);
        auction.bid(22, 950, 1, registry);
        auction.bid(33, 950, 10, registry);
        // Late call: steps 0, 1 and 2 are all matched now, in order. 44 at 960 fills 4 first (at step 2: 960 < 975).
        // 6 lots left at 950, weights 10M : 20M : 10M. Quotas 1.5 -> 1, 3 capped at 22's 1 lot, 1.5 -> 1; 3 left;
        // fractions 0.5 (11), 0.5 (33): one each -> 2, 2; 1 left shared again between 11 and 33 (10M : 10M):
        // quotas 0, fractions equal -> lower id 11. Totals 11: 3, 22: 1, 33: 2.
        assertEquals(4, auction.onStep(1_065, registry, fills));
        assertFill(fills, 0, 44, 960, 4, 2);
        assertFill(fills, 1, 11, 950, 3, 2);
        assertFill(fills, 2, 22, 950, 1, 2);
        assertFill(fills, 3, 33, 950, 2, 2);
        assertEquals(0L, auction.remainingLots());
        assertEquals(10L, auction.filledLots());
    }

    @Test
    void whatNoBidTakesByTheLastStepIsLeftForThePools()
    {
        final BlpRegistry registry = new BlpRegistry();
        registry.register(11, 10_000_000);
        final LiquidationAuction auction = new LiquidationAuction();
        final AuctionFills fills = new AuctionFills(2);
        // Short slice of 10: the CCP buys; 11 offers 3 lots at 1_090, filled at step 4 (price 1_100).
        auction.open(7, 9, 1, -10, 1_000, 1_100, TICK_VALUE, 1_000, 5, 20);
        auction.bid(11, 1_090, 3, registry);
        assertEquals(0, auction.onStep(1_080, registry, fills)); // steps 0..3: 1_000, 1_025, 1_050, 1_075
        assertTrue(auction.isOpen());
        assertEquals(1_100L, auction.nextDeadlineMs());
        assertEquals(1, auction.onStep(1_100, registry, fills));
        assertFill(fills, 0, 11, 1_090, 3, 4);
        assertFalse(auction.isOpen());
        assertEquals(7L, auction.remainingLots());
    }

    @Test
    void snapshotRestoreReproducesTheAuction()
    {
        final BlpRegistry registry = new BlpRegistry();
        registry.register(11, 10_000_000);
        registry.register(22, 10_000_000);
        final LiquidationAuction auction = new LiquidationAuction();
        auction.open(7, 9, 1, 10, 1_000, 900, TICK_VALUE, 1_000, 5, 20);
        auction.bid(22, 930, 5, registry);
        auction.bid(11, 940, 5, registry);
        final AuctionFills fills = new AuctionFills(2);
        auction.onStep(1_040, registry, fills);

        final LiquidationAuction copy = new LiquidationAuction();
        copy.restore(auction.auctionId(), auction.defaulterAccountId(), auction.instrumentId(),
            auction.sliceLotsSigned(), auction.remainingLots(), auction.markTicks(), auction.bankruptcyTicks(),
            auction.tickValue(), auction.startMs(), auction.steps(), auction.stepIntervalMs(), auction.nextStep(),
            auction.isOpen());
        for (int i = auction.bidCount() - 1; i >= 0; i--)
        {
            copy.restoreBid(auction.bidAccountIdAt(i), auction.bidPriceTicksAt(i), auction.bidLotsAt(i));
        }
        final BlpRegistry registryCopy = new BlpRegistry();
        registryCopy.restoreEntry(22, 10_000_000, 10_000_000);
        registryCopy.restoreEntry(11, 10_000_000, 10_000_000);
        final AuctionFills copyFills = new AuctionFills(2);
        assertEquals(auction.onStep(1_100, registry, fills), copy.onStep(1_100, registryCopy, copyFills));
        assertEquals(2, fills.count());
        for (int i = 0; i < fills.count(); i++)
        {
            assertFill(copyFills, i, fills.blpAccountIdAt(i), fills.priceTicksAt(i), fills.lotsAt(i), fills.stepAt(i));
        }
    }

    @Property(tries = 300)
    void neverMoreThanTheSliceNeverWorseThanBankruptcyAndCapacityConserved(
        @ForAll @LongRange(min = 1, max = 500) final long lots,
        @ForAll final boolean longSlice,
        @ForAll @LongRange(min = 0, max = 200) final long distance,
        @ForAll @IntRange(min = 0, max = 12) final int bidders,
        @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final long mark = 10_000;
        final long zp = longSlice ? mark - distance : mark + distance;
        final BlpRegistry registry = new BlpRegistry();
        for (int b = 1; b <= bidders; b++)
        {
            registry.register(b, 1 + (random.nextInt(4) == 0 ? 1 : random.nextInt(600)) * 10_000L * TICK_VALUE);
        }
        final LiquidationAuction auction = new LiquidationAuction();
        auction.open(1, 999, 1, longSlice ? lots : -lots, mark, zp, TICK_VALUE, 0, 5, 20);
        for (int b = 1; b <= bidders; b++)
        {
            final long offset = random.nextInt((int)distance + 3) - 1; // sometimes one tick worse than ZP
            final long price = longSlice ? zp + offset : zp - offset;
            auction.bid(b, price, 1 + random.nextInt(600), registry);
        }
        final long[] capacityBefore = new long[bidders + 1];
        for (int b = 1; b <= bidders; b++)
        {
            capacityBefore[b] = registry.remainingCapacity(b);
        }
        final AuctionFills fills = new AuctionFills(1);
        long filled = 0;
        final long[] spent = new long[bidders + 1];
        for (long now = 0; ; now = Math.min(100, now + 10 + random.nextInt(30)))
        {
            auction.onStep(now, registry, fills);
            for (int i = 0; i < fills.count(); i++)
            {
                assertTrue(fills.lotsAt(i) > 0);
                assertTrue(longSlice ? fills.priceTicksAt(i) >= zp : fills.priceTicksAt(i) <= zp);
                filled += fills.lotsAt(i);
                spent[(int)fills.blpAccountIdAt(i)] += fills.lotsAt(i) * fills.priceTicksAt(i) * TICK_VALUE;
            }
            if (100 == now)
            {
                break;
            }
        }
        assertFalse(auction.isOpen());
        assertTrue(filled <= lots);
        assertEquals(lots - auction.remainingLots(), filled);
        for (int b = 1; b <= bidders; b++)
        {
            assertTrue(registry.remainingCapacity(b) >= 0);
            assertEquals(capacityBefore[b], registry.remainingCapacity(b) + spent[b]);
        }
    }

    @Property(tries = 300)
    void proRataSharesAtOnePriceSumExactly(
        @ForAll @LongRange(min = 1, max = 1_000) final long lots,
        @ForAll @IntRange(min = 1, max = 12) final int bidders,
        @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final BlpRegistry registry = new BlpRegistry();
        final LiquidationAuction auction = new LiquidationAuction();
        auction.open(1, 999, 1, lots, 1_000, 900, TICK_VALUE, 0, 5, 20);
        long totalRoom = 0;
        for (int b = 1; b <= bidders; b++)
        {
            // Capacity for 1 .. 1_000 lots at 950, plus a random remainder below one lot.
            final long capacityLots = 1 + random.nextInt(1_000);
            registry.register(b, capacityLots * 950 * TICK_VALUE + random.nextInt(950_000));
            final long bidLots = 1 + random.nextInt(1_000);
            if (Outcome.ACCEPTED == auction.bid(b, 950, bidLots, registry))
            {
                totalRoom += Math.min(Math.min(bidLots, lots), capacityLots);
            }
        }
        final AuctionFills fills = new AuctionFills(1);
        auction.onStep(60, registry, fills);
        long filled = 0;
        for (int i = 0; i < fills.count(); i++)
        {
            assertEquals(2, fills.stepAt(i));
            filled += fills.lotsAt(i);
        }
        assertEquals(Math.min(lots, totalRoom), filled);
    }

    private static void assertFill(
        final AuctionFills fills, final int index, final long blp, final long price, final long lots, final int step)
    {
        assertEquals(blp, fills.blpAccountIdAt(index), "blp of fill " + index);
        assertEquals(price, fills.priceTicksAt(index), "price of fill " + index);
        assertEquals(lots, fills.lotsAt(index), "lots of fill " + index);
        assertEquals(step, fills.stepAt(index), "step of fill " + index);
    }
}
