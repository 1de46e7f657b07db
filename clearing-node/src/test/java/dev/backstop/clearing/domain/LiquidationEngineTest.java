package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AuctionEnded;
import dev.backstop.clearing.domain.RecordingEvents.AuctionFill;
import dev.backstop.clearing.domain.RecordingEvents.LiquidationEnded;
import dev.backstop.clearing.domain.RecordingEvents.LiquidationFeePaid;
import dev.backstop.clearing.domain.RecordingEvents.LiquidationStarted;
import dev.backstop.clearing.domain.RecordingEvents.OpenDeficit;
import dev.backstop.clearing.domain.RecordingEvents.PoolTakeover;
import dev.backstop.clearing.domain.RecordingEvents.SliceOffered;
import dev.backstop.clearing.domain.RecordingEvents.TakeoverHeld;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The liquidation engine against numbers worked out by hand (DESIGN.md 5 items 4-5, 5.1, ISSUE 3 pricing).
 * <p>
 * One instrument: 1 tick = 1 USD per lot (tick value 1_000_000 micro-units), IMR 10%, MMR 5%, no trade fee. The
 * defaulter A buys 100 lots at 1000 with 10_000 USD (exactly its initial margin) from C.
 */
final class LiquidationEngineTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final long USD = 1_000_000L;
    static final long A = 10;
    static final long A2 = 11;
    static final long C = 20;
    static final long B1 = 30;
    static final long B2 = 31;
    static final long P1 = 50;
    static final long P2 = 51;
    static final long D = 60;

    final RecordingEvents events = new RecordingEvents();
    final ClearingHouse house = new ClearingHouse(events);
    LiquidationEngine engine;
    long operatorSequence;
    long exchangeSequence;
    long memberSequence;
    long venueTradeId;

    private void setUp(final LiquidationEngine.Context context)
    {
        engine = new LiquidationEngine(house, context);
        ok(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 1, 1, USD));
        tick(0, 1000);
        openWith(A, 10_000);
        openWith(C, 1_000_000);
        trade(A, C, 1000, 100);
    }

    private static LiquidationEngine.Context wideBand()
    {
        return new LiquidationEngine.Context().bandPpm(1_000_000);
    }

    @Test
    void liquidatesOneAccountOverSeveralRoundsUntilEquityReachesTheTarget()
    {
        setUp(new LiquidationEngine.Context());
        openWith(B1, 100_000);
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B1, 1_000_000 * USD));

        // At 945: equity 10_000 - 5_500 = 4_500 < MM 5% × 94_500 = 4_725, above ⅔ MM = 3_150: slices.
        tick(1_000, 945);
        assertEquals(
            new LiquidationStarted(
                last(LiquidationStarted.class).sequence(), A, 4_500 * USD, 4_725 * USD,
                LiquidationCause.BELOW_MAINTENANCE),
            last(LiquidationStarted.class));
        assertEquals(RiskState.LIQUIDATION, house.account(A).riskState());

        // Round 1 at 1_100: slice max(ceil(1_000 / 945) = 2, 10% of 100) = 10 lots; its equity share is
        // 4_500 × 10 / 100 = 450, so ZP = 945 - 450 / 10 = 900.
        runTo(1_100);
        final SliceOffered first = last(SliceOffered.class);
        assertEquals(
            new SliceOffered(first.sequence(), first.auctionId(), A, BTC, 10, 945, 900, 4_500 * USD, 4_725 * USD),
            first);

        // Steps 945, 933, 922, 911, 900 (rounded towards ZP): a bid at 930 fills at the end of step 2, at 930.
        house.advanceTime(1_105);
        ok(house.submitAuctionBid(MEMBER, ++memberSequence, first.auctionId(), B1, 930, 10));
        runTo(1_159);
        assertTrue(events.ofType(AuctionFill.class).isEmpty());
        runTo(1_160);
        // Loss against the mark 15 × 10 = 150; fee min(0.5% × 9_300 = 46.5, (930 - 900) × 10 = 300) = 46.5.
        // Equity 4_500 - 150 - 46.5 = 4_303.5; MM 5% × 90 × 945 = 4_252.5: below 1.02 × MM = 4_337.55.
        final AuctionFill fill1 = last(AuctionFill.class);
        assertEquals(
            new AuctionFill(
                fill1.sequence(), first.auctionId(), A, B1, BTC, 930, 10, 46_500_000, 4_500 * USD, 4_725 * USD,
                4_303_500_000L, 4_252_500_000L),
            fill1);
        assertEquals(new LiquidationFeePaid(fill1.sequence() + 1, A, 46_500_000, 46_500_000),
            events.ofType(LiquidationFeePaid.class).get(0));
        assertEquals(LiquidationCause.AUCTION_FILLED, last(AuctionEnded.class).cause());
        assertTrue(engine.isLiquidating(A));

        // Round 2 at 1_200: slice max(2, 9) = 9 lots of 90; share 4_303.5 × 9 / 90 = 430.35, ZP = 945 - 47 = 898.
        runTo(1_200);
        final SliceOffered second = last(SliceOffered.class);
        assertEquals(
            new SliceOffered(
                second.sequence(), second.auctionId(), A, BTC, 9, 945, 898, 4_303_500_000L, 4_252_500_000L),
            second);
        house.advanceTime(1_201);
        ok(house.submitAuctionBid(MEMBER, ++memberSequence, second.auctionId(), B1, 930, 9));
        runTo(1_260);
        // Loss 15 × 9 = 135; fee min(0.5% × 8_370 = 41.85, 32 × 9 = 288) = 41.85; equity 4_126.65, MM 3_827.25.
        final AuctionFill fill2 = last(AuctionFill.class);
        assertEquals(41_850_000, fill2.fee());
        assertEquals(4_126_650_000L, fill2.equityAfter());
        assertEquals(3_827_250_000L, fill2.maintenanceMarginAfter());

        // Round 3 at 1_300: 4_126.65 >= 1.02 × 3_827.25 = 3_903.795: liquidation ends, still under IM: margin call.
        runTo(1_300);
        final LiquidationEnded ended = last(LiquidationEnded.class);
        assertEquals(
            new LiquidationEnded(ended.sequence(), A, 4_126_650_000L, 3_827_250_000L, LiquidationCause.TARGET_REACHED),
            ended);
        assertFalse(engine.isLiquidating(A));
        assertEquals(RiskState.MARGIN_CALL, house.account(A).riskState());
        assertEquals(81, house.account(A).quantityOf(BTC));
        assertEquals(19, house.account(B1).quantityOf(BTC));
        assertEquals(88_350_000, house.insuranceFund());
        assertEquals(0, house.conservationError());
        assertEquals(Long.MAX_VALUE, engine.nextDeadlineMs());
    }

    @Test
    void capsTheFeeAtTheEquityLeftAboveBankruptcy()
    {
        setUp(new LiquidationEngine.Context());
        openWith(B1, 100_000);
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B1, 1_000_000 * USD));
        tick(1_000, 945);
        runTo(1_100);
        final long auctionId = engine.auctionOf(A);

        // A bid at 901 meets only the last step (900), at the end of which it fills at 901: the fee would be
        // 0.5% × 9_010 = 45.05 but the lots have only (901 - 900) × 10 = 10 left above bankruptcy.
        house.advanceTime(1_101);
        ok(house.submitAuctionBid(MEMBER, ++memberSequence, auctionId, B1, 901, 10));
        runTo(1_199);
        assertTrue(events.ofType(AuctionFill.class).isEmpty());
        runTo(1_200);
        final AuctionFill fill = last(AuctionFill.class);
        assertEquals(901, fill.priceTicks());
        assertEquals(10 * USD, fill.fee());
        // Cash 10_000 - 990 - 10 = 9_000; equity 9_000 - 90 × 55 = 4_050.
        assertEquals(4_050 * USD, fill.equityAfter());
        assertEquals(10 * USD, house.insuranceFund());
        assertEquals(0, house.conservationError());
    }

    @Test
    void fillsEqualBidsProRataToRemainingCapacity()
    {
        setUp(new LiquidationEngine.Context());
        openWith(B1, 100_000);
        openWith(B2, 100_000);
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B1, 40_000 * USD));
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B2, 10_000 * USD));
        tick(1_000, 945);
        runTo(1_100);
        final long auctionId = engine.auctionOf(A);
        house.advanceTime(1_101);
        ok(house.submitAuctionBid(MEMBER, ++memberSequence, auctionId, B1, 930, 10));
        ok(house.submitAuctionBid(MEMBER, ++memberSequence, auctionId, B2, 930, 10));
        runTo(1_160);

        // 10 lots × 40_000 / 50_000 = 8 and × 10_000 / 50_000 = 2.
        final List<AuctionFill> fills = events.ofType(AuctionFill.class);
        assertEquals(2, fills.size());
        assertEquals(B1, fills.get(0).blpAccountId());
        assertEquals(8, fills.get(0).lots());
        assertEquals(B2, fills.get(1).blpAccountId());
        assertEquals(2, fills.get(1).lots());
        assertEquals(37_200_000, fills.get(0).fee());
        assertEquals(9_300_000, fills.get(1).fee());
        assertEquals((40_000 - 7_440) * USD, engine.blps().remainingCapacity(B1));
        assertEquals((10_000 - 1_860) * USD, engine.blps().remainingCapacity(B2));
        assertEquals(8, house.account(B1).quantityOf(BTC));
        assertEquals(2, house.account(B2).quantityOf(BTC));
        assertEquals(0, house.conservationError());
    }

    @Test
    void sendsAnAccountBelowTwoThirdsOfMaintenanceToAPoolWhole()
    {
        setUp(wideBand());
        fundPool(P1, 20_000);

        // At 930: equity 3_000 < ⅔ × 4_650 = 3_100. The pool takes all 100 lots at the mark; A pays its equity
        // 3_000: ⌊⅔ × 3_000⌋ = 2_000 to the pool, 1_000 to the insurance fund. ZP = 930 - 3_000 / 100 = 900.
        tick(1_000, 930);
        runTo(1_100);
        final PoolTakeover takeover = last(PoolTakeover.class);
        assertEquals(
            new PoolTakeover(
                takeover.sequence(), A, P1, BTC, 100, 930, 900, 2_000 * USD, 1_000 * USD, 3_000 * USD, 4_650 * USD,
                0, 0),
            takeover);
        assertTrue(events.ofType(SliceOffered.class).isEmpty());
        assertEquals(LiquidationCause.NO_POSITIONS, last(LiquidationEnded.class).cause());
        assertEquals(RiskState.NORMAL, house.account(A).riskState());
        assertEquals(0, house.account(A).cash());
        assertEquals(100, house.account(P1).quantityOf(BTC));
        assertEquals(22_000 * USD, house.account(P1).cash());
        assertEquals(1_100_000, engine.pool(P1).highWaterNavPerMillionShares());
        assertEquals(1_000 * USD, house.insuranceFund());
        assertEquals(0, house.conservationError());
    }

    @Test
    void leavesABankruptAccountsDeficitOpenAfterThePoolTakesItsPositionAtTheMark()
    {
        setUp(wideBand());
        fundPool(P1, 20_000);

        // At 880: equity 10_000 - 12_000 = -2_000. The pool takes at 880 and receives nothing; ZP = 880 + 20 = 900.
        tick(1_000, 880);
        runTo(1_100);
        final PoolTakeover takeover = last(PoolTakeover.class);
        assertEquals(
            new PoolTakeover(
                takeover.sequence(), A, P1, BTC, 100, 880, 900, 0, 0, -2_000 * USD, 4_400 * USD, -2_000 * USD, 0),
            takeover);
        assertEquals(new OpenDeficit(takeover.sequence() + 1, A, 2_000 * USD), last(OpenDeficit.class));
        assertEquals(LiquidationCause.BANKRUPT, last(LiquidationEnded.class).cause());
        assertEquals(RiskState.BANKRUPT, house.account(A).riskState());
        assertEquals(-2_000 * USD, house.account(A).cash());
        assertEquals(2_000 * USD, house.openDeficits());
        assertTrue(engine.hasOpenDeficit(A));
        assertEquals(20_000 * USD, house.account(P1).cash());
        assertEquals(0, house.insuranceFund());
        assertEquals(0, house.conservationError());
    }

    @Test
    void holdsATakeoverWhileTheMarkIsOutsideTheBandAroundItsAverage()
    {
        setUp(new LiquidationEngine.Context());
        fundPool(P1, 20_000);

        // The mark was 1000 from 0 to 1_000 ms, 930 since: at 1_100 the average is (1_000 × 1_000 + 930 × 100) /
        // 1_100 = 993, and 930 is more than 5% below it.
        tick(1_000, 930);
        runTo(1_100);
        final TakeoverHeld held = last(TakeoverHeld.class);
        assertEquals(
            new TakeoverHeld(held.sequence(), A, BTC, 100, 930, 993, LiquidationCause.OUTSIDE_PRICE_BAND), held);

        // At 1_400 the average is 980 and 930 is still 50 > 49 away; at 1_500 it is 976 and 46 <= 48.8.
        runTo(1_400);
        assertTrue(events.ofType(PoolTakeover.class).isEmpty());
        assertEquals(1, events.ofType(TakeoverHeld.class).size());
        assertTrue(engine.isLiquidating(A));
        runTo(1_500);
        assertEquals(P1, last(PoolTakeover.class).poolAccountId());
        assertFalse(engine.isLiquidating(A));
        assertEquals(0, house.conservationError());
    }

    @Test
    void skipsAPoolPastItsLossCap()
    {
        setUp(wideBand());
        openWith(A2, 15_000);
        trade(A2, C, 1000, 100);
        fundPool(P1, 20_000);
        fundPool(P2, 20_000);

        // At 930 P1 takes A whole (as above): equity 22_000, NAV 1.1 per share, its high-water mark.
        tick(1_000, 930);
        runTo(1_100);
        assertEquals(P1, last(PoolTakeover.class).poolAccountId());
        assertEquals(1_100_000, engine.pool(P1).highWaterNavPerMillionShares());

        // At 860 P1's equity is 22_000 - 7_000 = 15_000, NAV 0.75: a 31.8% drawdown, past the 20% cap. A2 (equity
        // 15_000 - 14_000 = 1_000 < ⅔ × 4_300) goes to P2, which receives ⌊⅔ × 1_000⌋.
        tick(2_000, 860);
        runTo(2_100);
        assertFalse(engine.pool(P1).withinLossCap(house.equity(house.account(P1))));
        final PoolTakeover takeover = last(PoolTakeover.class);
        assertEquals(A2, takeover.accountId());
        assertEquals(P2, takeover.poolAccountId());
        assertEquals(666_666_666, takeover.poolPayment());
        assertEquals(333_333_334, takeover.insurancePayment());
        assertEquals(100, house.account(P1).quantityOf(BTC));
        assertEquals(100, house.account(P2).quantityOf(BTC));
        assertEquals(0, house.conservationError());
    }

    @Test
    void sendsTheUnsoldRemainderOfASliceToAPool()
    {
        setUp(wideBand());
        fundPool(P1, 20_000);
        tick(1_000, 945);
        runTo(1_100);
        final long auctionId = engine.auctionOf(A);

        // No bid: after the last step the 10 lots go to P1 at 945; A pays the slice's share 450: 300 to the pool,
        // 150 to the insurance fund. Then round 2 starts the next slice from the same account.
        runTo(1_200);
        final AuctionEnded ended = events.ofType(AuctionEnded.class).get(0);
        assertEquals(new AuctionEnded(ended.sequence(), auctionId, A, 0, 10, LiquidationCause.AUCTION_EXHAUSTED), ended);
        final PoolTakeover takeover = last(PoolTakeover.class);
        assertEquals(
            new PoolTakeover(
                takeover.sequence(), A, P1, BTC, 10, 945, 900, 300 * USD, 150 * USD, 4_500 * USD, 4_725 * USD,
                4_050 * USD, 4_252_500_000L),
            takeover);
        assertEquals(2, events.ofType(SliceOffered.class).size());
        assertEquals(150 * USD, house.insuranceFund());
        assertEquals(0, house.conservationError());
    }

    @Test
    void restoresTheEngineFromASnapshotToTheSameDigest()
    {
        setUp(new LiquidationEngine.Context());
        openWith(B1, 100_000);
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B1, 1_000_000 * USD));
        fundPool(P1, 20_000);
        tick(1_000, 945);
        runTo(1_100);
        house.advanceTime(1_101);
        ok(house.submitAuctionBid(MEMBER, ++memberSequence, engine.auctionOf(A), B1, 925, 4));

        final ClearingHouse copy = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        assertArrayEquals(digest(house), digest(copy));

        // Both go on the same way from the restored state.
        runTo(1_300);
        advance(copy, 1_300);
        assertArrayEquals(digest(house), digest(copy));
        assertEquals(engine.blps().remainingCapacity(B1), copy.liquidationEngine().blps().remainingCapacity(B1));
    }

    @Test
    void paysARedemptionAtTheNavWhenTheNoticeHasPassedWithTheLossesOfTheNotice()
    {
        setUp(wideBand());
        // The notice spans three 8-hour funding intervals and the pool will hold a position, so it would pay funding
        // (0.01% a time at mark = index): off here, to check the redemption's NAV arithmetic alone.
        ok(house.setFundingParameters(OPERATOR, ++operatorSequence, BTC, 0, 100, 500, 5_000));
        fundPool(P1, 20_000);
        house.advanceTime(500);
        ok(house.requestPoolRedemption(MEMBER, ++memberSequence, P1, D, 5_000 * USD));
        final long dueMs = 500 + 86_400_000L;
        assertEquals(dueMs, last(RecordingEvents.PoolRedemptionRequested.class).dueMs());

        // The pool takes A at 930 (+2_000), then the mark falls to 920: equity 22_000 - 1_000 = 21_000 for 20_000
        // shares (one per micro-unit deposited). 5_000 shares are paid 5_000 × 21_000 / 20_000 = 5_250 when due.
        tick(1_000, 930);
        runTo(1_100);
        tick(2_000, 920);
        final long depositorCash = house.account(D).cash();
        runTo(dueMs - 1);
        assertTrue(events.ofType(RecordingEvents.PoolRedeemed.class).isEmpty());
        runTo(dueMs);
        final RecordingEvents.PoolRedeemed paid = last(RecordingEvents.PoolRedeemed.class);
        assertEquals(
            new RecordingEvents.PoolRedeemed(
                paid.sequence(), P1, D, 5_250 * USD, 5_000 * USD, 15_000 * USD, 1_050_000), paid);
        assertEquals(depositorCash + 5_250 * USD, house.account(D).cash());
        assertEquals(15_000 * USD, engine.pool(P1).sharesOf(D));
        assertEquals(Long.MAX_VALUE, engine.nextDeadlineMs());
        assertEquals(0, house.conservationError());
    }

    @Test
    void holdsRedemptionsWhileADeficitIsOpen()
    {
        setUp(wideBand());
        fundPool(P1, 20_000);
        house.advanceTime(500);
        ok(house.requestPoolRedemption(MEMBER, ++memberSequence, P1, D, 5_000 * USD));
        tick(1_000, 880);
        runTo(1_100);
        assertTrue(engine.hasOpenDeficit(A));
        // Issue 4: while the deficit's loss waterfall is open no redemption is requested...
        assertEquals(Outcome.WATERFALL_OPEN, house.requestPoolRedemption(MEMBER, ++memberSequence, P1, D, 1));

        // ...and the waterfall absorbs the deficit at the next deadline (here from the member's other accounts), after
        // which the redemption waiting out its notice is paid when due.
        runTo(1_101);
        assertFalse(engine.hasOpenDeficit(A));
        assertEquals(0, house.openDeficits());
        runTo(500 + 86_400_000L + 10_000);
        assertEquals(1, events.ofType(RecordingEvents.PoolRedeemed.class).size());
        assertEquals(0, engine.pool(P1).pendingCount());
        assertEquals(15_000 * USD, engine.pool(P1).sharesOf(D));
        assertEquals(0, house.conservationError());
    }

    @Test
    void refusesBidsThatCannotStand()
    {
        setUp(new LiquidationEngine.Context());
        openWith(B1, 100_000);
        openWith(B2, 100_000);
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B1, 1_000 * USD));
        tick(1_000, 945);
        runTo(1_100);
        final long auctionId = engine.auctionOf(A);
        house.advanceTime(1_101);

        // Below ZP (900) for a long slice; not a BLP; more notional than the declared capacity; no such auction.
        assertEquals(Outcome.INVALID_PRICE, house.submitAuctionBid(MEMBER, ++memberSequence, auctionId, B1, 899, 1));
        assertEquals(Outcome.NOT_A_LIQUIDITY_PROVIDER,
            house.submitAuctionBid(MEMBER, ++memberSequence, auctionId, B2, 930, 1));
        assertEquals(Outcome.INSUFFICIENT_CAPACITY,
            house.submitAuctionBid(MEMBER, ++memberSequence, auctionId, B1, 930, 2));
        assertEquals(Outcome.NO_AUCTION_OPEN,
            house.submitAuctionBid(MEMBER, ++memberSequence, auctionId + 1, B1, 930, 1));
        assertEquals(4, events.ofType(RecordingEvents.CommandRefused.class).size());
        assertTrue(events.ofType(RecordingEvents.AuctionBid.class).isEmpty());

        // A replay of an applied bid answers the original outcome and changes nothing.
        final long sequence = ++memberSequence;
        ok(house.submitAuctionBid(MEMBER, sequence, auctionId, B1, 930, 1));
        final int eventCount = events.size();
        ok(house.submitAuctionBid(MEMBER, sequence, auctionId, B1, 990, 1));
        assertTrue(house.lastCommandReplayed());
        assertEquals(eventCount, events.size());
        assertEquals(930, engine.auction(auctionId).bidPriceTicksAt(0));
    }

    @Test
    void appliesNewLiquidationParametersThroughTheLog()
    {
        setUp(new LiquidationEngine.Context());
        assertEquals(Outcome.INVALID_PARAMETER, house.setLiquidationParameters(
            OPERATOR, ++operatorSequence, 100, 1_000 * USD, 100_000, 990_000, 5_000, 5, 20, 200_000, 50_000,
            300_000, 86_400_000L, 666_667, 666_667));
        for (final int[] ppm : new int[][] {{0, 666_667}, {1_000_001, 666_667}, {666_667, 0}, {666_667, 1_000_001}})
        {
            assertEquals(Outcome.INVALID_PARAMETER, house.setLiquidationParameters(
                OPERATOR, ++operatorSequence, 100, 1_000 * USD, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 50_000,
                300_000, 86_400_000L, ppm[0], ppm[1]));
        }
        assertEquals(Money.TWO_THIRDS_PPM, engine.context().wholeAccountThresholdPpm());
        assertEquals(Money.TWO_THIRDS_PPM, engine.context().poolSharePpm());
        ok(house.setLiquidationParameters(
            OPERATOR, ++operatorSequence, 50, 500 * USD, 200_000, 1_050_000, 1_000, 3, 10, 100_000, 20_000,
            60_000, 3_600_000L, 600_000, 700_000));
        assertEquals(50, engine.context().roundIntervalMs());
        assertEquals(200_000, engine.context().slicePpm());
        assertEquals(3, engine.context().auctionSteps());
        assertEquals(600_000, engine.context().wholeAccountThresholdPpm());
        assertEquals(700_000, engine.context().poolSharePpm());

        // The next liquidation uses them: round after 50 ms, slice 20% of 100 lots.
        tick(1_000, 945);
        runTo(1_050);
        assertEquals(20, last(SliceOffered.class).lots());
        final ClearingHouse copy = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        assertEquals(50, copy.liquidationEngine().context().roundIntervalMs());
        assertEquals(600_000, copy.liquidationEngine().context().wholeAccountThresholdPpm());
        assertEquals(700_000, copy.liquidationEngine().context().poolSharePpm());
        assertArrayEquals(digest(house), digest(copy));
    }

    @Test
    void aLowerWholeAccountThresholdSendsAnAccountAtSixTenthsOfMaintenanceToAuction()
    {
        setUp(wideBand());
        fundPool(P1, 20_000);
        ok(house.setLiquidationParameters(
            OPERATOR, ++operatorSequence, 100, 1_000 * USD, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 1_000_000,
            300_000, 86_400_000L, 500_000, Money.TWO_THIRDS_PPM));

        // At 928: equity 10_000 - 7_200 = 2_800, MM 5% × 92_800 = 4_640, equity ≈ 0.603 × MM: below the default ⅔
        // (2_800 × 3 < 4_640 × 2, the account would go to the pool whole) but not below ½ (2_800 × 1e6 >= 4_640 ×
        // 500_000). So round 1 offers a slice: max(ceil(1_000 / 928) = 2, 10% of 100) = 10 lots, equity share
        // 2_800 × 10 / 100 = 280, ZP = 928 - 280 / 10 = 900.
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(2_800 * USD, 4_640 * USD, Money.TWO_THIRDS_PPM));
        tick(1_000, 928);
        runTo(1_100);
        final SliceOffered slice = last(SliceOffered.class);
        assertEquals(
            new SliceOffered(slice.sequence(), slice.auctionId(), A, BTC, 10, 928, 900, 2_800 * USD, 4_640 * USD),
            slice);
        assertTrue(events.ofType(PoolTakeover.class).isEmpty());
        assertEquals(100, house.account(A).quantityOf(BTC));
        assertEquals(0, house.conservationError());
    }

    @Test
    void aPoolShareOfOneHalfSplitsATakeoversEquityShareEvenlyWithTheOddMicroUnitToTheInsuranceFund()
    {
        setUp(wideBand());
        fundPool(P1, 20_000);
        ok(house.deposit(MEMBER, ++memberSequence, A, 1)); // one micro-unit more, so the equity is odd
        ok(house.setLiquidationParameters(
            OPERATOR, ++operatorSequence, 100, 1_000 * USD, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 1_000_000,
            300_000, 86_400_000L, Money.TWO_THIRDS_PPM, 500_000));

        // At 930: equity 3_000_000_001 micro < ⅔ × 4_650 USD: the pool takes all 100 lots at the mark. A pays its
        // whole equity: ⌊3_000_000_001 × ½⌋ = 1_500_000_000 to the pool, the other 1_500_000_001 to the insurance
        // fund. ZP = 930 - 30.00000001 rounded up against the long = 900.
        tick(1_000, 930);
        runTo(1_100);
        final PoolTakeover takeover = last(PoolTakeover.class);
        assertEquals(
            new PoolTakeover(
                takeover.sequence(), A, P1, BTC, 100, 930, 900, 1_500_000_000L, 1_500_000_001L, 3_000_000_001L,
                4_650 * USD, 0, 0),
            takeover);
        assertEquals(0, house.account(A).cash());
        assertEquals(21_500 * USD, house.account(P1).cash());
        assertEquals(1_500_000_001L, house.insuranceFund());
        assertEquals(0, house.conservationError());
    }

    @Test
    void aThirtyPercentCrashOverHundredsOfLeveragedAccountsCascadesAndSettles()
    {
        setUp(new LiquidationEngine.Context());
        openWith(B1, 5_000_000);
        openWith(B2, 5_000_000);
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B1, 3_000_000 * USD));
        ok(house.registerBlp(OPERATOR, ++operatorSequence, B2, 1_000_000 * USD));
        fundPool(P1, 20_000_000);
        house.advanceTime(1);
        ok(house.deposit(MEMBER, ++memberSequence, C, 20_000_000 * USD));
        // 300 longs from 3.4x to 10x leverage, all against C.
        for (int i = 0; i < 300; i++)
        {
            final long accountId = 1_000 + i;
            openWith(accountId, 10_000 + 200L * i);
            trade(accountId, C, 1000, 100);
        }
        // Let the mark's average settle at 1000 before the crash.
        tick(400_000, 1000);

        final long[] crash = {960, 910, 850, 790, 740, 700};
        int bidFrom = 0;
        long nowMs = 400_000;
        for (final long price : crash)
        {
            nowMs += 500;
            tick(nowMs, price);
            bidFrom = runWithBids(nowMs + 499, bidFrom);
        }
        bidFrom = runWithBids(nowMs + 600_000, bidFrom);

        assertTrue(events.ofType(LiquidationStarted.class).size() >= 100);
        assertFalse(events.ofType(AuctionFill.class).isEmpty());
        assertFalse(events.ofType(PoolTakeover.class).isEmpty());
        assertEquals(0, engine.liquidationCount(), "every liquidation ended once the band caught up");
        for (final long accountId : house.sortedAccountIds())
        {
            final MarginAccount account = house.account(accountId);
            if (account.positionCount() > 0)
            {
                assertTrue(house.equity(account) >= house.maintenanceMargin(account), "account " + accountId);
            }
        }
        assertTrue(house.insuranceFund() > 0);
        assertEquals(0, house.conservationError());
        final ClearingHouse copy = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        assertArrayEquals(digest(house), digest(copy));
    }

    /**
     * Runs the deadlines to {@code toMs}; after each, both BLPs bid for every new slice halfway between the mark and
     * the bankruptcy price, for the whole slice.
     */
    private int runWithBids(final long toMs, final int fromIndex)
    {
        int seen = fromIndex;
        while (house.nextDeadlineMs() <= toMs)
        {
            final long deadline = house.nextDeadlineMs();
            house.onDeadline(deadline);
            assertEquals(0, house.conservationError());
            final List<SliceOffered> offers = events.ofType(SliceOffered.class);
            for (; seen < offers.size(); seen++)
            {
                final SliceOffered offer = offers.get(seen);
                final long price = (offer.markTicks() + offer.bankruptcyTicks()) / 2;
                house.submitAuctionBid(MEMBER, ++memberSequence, offer.auctionId(), B1, price, Math.abs(offer.lots()));
                house.submitAuctionBid(MEMBER, ++memberSequence, offer.auctionId(), B2, price, Math.abs(offer.lots()));
            }
        }
        house.advanceTime(toMs);
        return seen;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static byte[] digest(final ClearingHouse house)
    {
        final byte[] digest = new byte[32];
        house.stateDigest(digest);
        return digest;
    }

    static void advance(final ClearingHouse house, final long toMs)
    {
        while (house.nextDeadlineMs() <= toMs)
        {
            house.onDeadline(house.nextDeadlineMs());
        }
        house.advanceTime(toMs);
    }

    private void runTo(final long toMs)
    {
        advance(house, toMs);
    }

    private void tick(final long nowMs, final long priceTicks)
    {
        runTo(nowMs);
        ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, priceTicks));
    }

    private void openWith(final long accountId, final long dollars)
    {
        ok(house.openAccount(OPERATOR, ++operatorSequence, accountId, 1));
        ok(house.deposit(MEMBER, ++memberSequence, accountId, dollars * USD));
    }

    private void trade(final long buyer, final long seller, final long priceTicks, final long lots)
    {
        ok(house.clearTrade(EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, buyer, seller, priceTicks, lots));
    }

    private void fundPool(final long poolAccountId, final long dollars)
    {
        ok(house.createPool(OPERATOR, ++operatorSequence, poolAccountId, 7));
        if (null == house.account(D))
        {
            openWith(D, 100_000_000);
        }
        ok(house.poolDeposit(MEMBER, ++memberSequence, poolAccountId, D, dollars * USD));
    }

    private <T extends RecordingEvents.Event> T last(final Class<T> type)
    {
        final List<T> matching = events.ofType(type);
        assertFalse(matching.isEmpty(), "no " + type.getSimpleName());
        return matching.get(matching.size() - 1);
    }

    private static void ok(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }
}
