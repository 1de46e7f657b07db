package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AutoDeleveraged;
import dev.backstop.clearing.domain.RecordingEvents.AutoDeleveragingEnded;
import dev.backstop.clearing.domain.RecordingEvents.AutoDeleveragingModeChanged;
import dev.backstop.clearing.domain.RecordingEvents.LiquidationEnded;
import dev.backstop.clearing.domain.RecordingEvents.OpenDeficit;
import dev.backstop.clearing.domain.RecordingEvents.RiskParametersChanged;
import dev.backstop.clearing.domain.RecordingEvents.SliceOffered;
import dev.backstop.clearing.domain.RecordingEvents.TakeoverHeld;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Auto-deleveraging against numbers worked out by hand (DESIGN.md 5 item 8, ISSUE 4 decisions): the ranking, the
 * minimal close, both prices, the switch, the last-resort tier and the snapshot.
 * <p>
 * Instruments: 1 tick = 1 USD per lot (tick value 1_000_000 micro-units), IMR 10%, MMR 5%, no trade fee, and no
 * backstop pool: every takeover falls through to ADL. The takeover band is wide open so that it never holds.
 */
final class AutoDeleveragingTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final int ETH = 2;
    static final long USD = 1_000_000L;
    static final long A = 10;
    static final long X = 90;

    final RecordingEvents events = new RecordingEvents();
    final ClearingHouse house = new ClearingHouse(events);
    final LiquidationEngine engine = new LiquidationEngine(house, new LiquidationEngine.Context().bandPpm(1_000_000));
    long operatorSequence;
    long exchangeSequence;
    long memberSequence;
    long venueTradeId;

    AutoDeleveragingTest()
    {
        ok(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 1, 1, USD));
        tick(BTC, 0, 1000);
        openWith(X, 1_000_000);
    }

    /**
     * The ranking of the worked example. A is long 100 at 1000 with 11_000 USD; six accounts are short 20
     * each, sold to the dealer X at different prices and funded to different leverage. At 900 A's equity is 1_000,
     * below ⅔ of its MM (4_500): it goes to the backstop whole, and with no pool, to ADL. Its ZP is
     * 900 - 1_000 / 100 = 890. The shorts at mark 900 (gross 18_000 each):
     * <pre>
     * account  sold at  PnL      PnL%     equity  leverage  score
     *   21     1000     +2_000   10%      6_000   3x        0.10 × 3   =  0.30
     *   22     1200     +6_000   25%      9_000   2x        0.25 × 2   =  0.50
     *   23     1125     +4_500   20%      7_200   2.5x      0.20 × 2.5 =  0.50  (tie with 22: id 22 first)
     *   24      800     -2_000   -12.5%   9_000   2x       -0.125 / 2  = -0.0625
     *   25      900          0   0%       4_500   4x        0
     *   26      800     -2_000   -12.5%   3_600   5x       -0.125 / 5  = -0.025
     * </pre>
     * Order 22, 23, 21, 25, 26, 24; the 100 lots are closed by the first five, 20 each, and 24 keeps its position.
     * E = 1_000 >= 0: the lots close at ZP, settled as 200 USD per 20 lots from A to each counterparty.
     */
    @Test
    void ranksByPnlPercentTimesLeverageWithLossesDividedByLeverageAndTiesByAccountId()
    {
        openWith(A, 11_000);
        trade(A, X, 1000, 100);
        final long[][] shorts = {
            // account, sold at, cash after the fall
            {21, 1000, 4_000}, {22, 1200, 3_000}, {23, 1125, 2_700}, {24, 800, 11_000}, {25, 900, 4_500},
            {26, 800, 5_600}};
        for (final long[] s : shorts)
        {
            // Funded 10_000 USD above the target so the sale at an off-market price passes its IM check, then drawn
            // down to the target once the mark is at 900.
            openWith(s[0], s[2] + 10_000);
            trade(X, s[0], s[1], 20);
        }
        tick(BTC, 1_000, 900);
        for (final long[] s : shorts)
        {
            ok(house.withdraw(MEMBER, ++memberSequence, s[0], 10_000 * USD));
        }
        assertEquals(1_000 * USD, house.equity(house.account(A)));
        final long adlSequence = house.eventSequence();

        runTo(1_100);
        final List<AutoDeleveraged> fills = events.ofType(AutoDeleveraged.class);
        assertEquals(5, fills.size());
        final long seq = fills.get(0).sequence();
        assertTrue(seq > adlSequence);
        assertEquals(
            List.of(
                new AutoDeleveraged(seq, 1, A, 22, BTC, 20, 890, 900, 890, 200 * USD, 200 * USD, 0, 500_000, 250_000,
                    2_000_000, 1, false, -20, 0, 80),
                new AutoDeleveraged(seq + 1, 1, A, 23, BTC, 20, 890, 900, 890, 200 * USD, 200 * USD, 0, 500_000,
                    200_000, 2_500_000, 2, false, -20, 0, 60),
                new AutoDeleveraged(seq + 2, 1, A, 21, BTC, 20, 890, 900, 890, 200 * USD, 200 * USD, 0, 300_000,
                    100_000, 3_000_000, 3, false, -20, 0, 40),
                new AutoDeleveraged(seq + 3, 1, A, 25, BTC, 20, 890, 900, 890, 200 * USD, 200 * USD, 0, 0, 0,
                    4_000_000, 4, false, -20, 0, 20),
                new AutoDeleveraged(seq + 4, 1, A, 26, BTC, 20, 890, 900, 890, 200 * USD, 200 * USD, 0, -25_000,
                    -125_000, 5_000_000, 5, false, -20, 0, 0)),
            fills);
        assertEquals(
            new AutoDeleveragingEnded(seq + 5, 1, A, BTC, 100, 100, 0, 5, 6, 890, 900, 890, 1_000 * USD, 1_000 * USD,
                4_500 * USD, 0, 0, LiquidationCause.AUTO_DELEVERAGED),
            last(AutoDeleveragingEnded.class));

        // A sold at 900 what it bought at 1000 and paid its 1_000 USD of equity: flat at zero, not bankrupt.
        assertEquals(0, house.account(A).positionCount());
        assertEquals(0, house.account(A).cash());
        assertEquals(LiquidationCause.NO_POSITIONS, last(LiquidationEnded.class).cause());
        assertFalse(engine.isLiquidating(A));
        assertEquals(-20, house.account(24).quantityOf(BTC));
        // Account 22: 3_000 cash + 6_000 realised (sold 1200, bought back 900) + 200 at ZP.
        assertEquals(9_200 * USD, house.account(22).cash());
        assertEquals(100, engine.autoDeleveraging().closedLots());
        assertEquals(5, engine.autoDeleveraging().fillCount());
        assertEquals(1, engine.autoDeleveraging().runCount());
        assertTrue(events.ofType(TakeoverHeld.class).isEmpty());
        assertEquals(0, house.conservationError());
    }

    /**
     * A slice smaller than the top counterparty's position: only the slice is closed. A is long 100 at 1000 with
     * 10_000 USD, bought from T1 (60) and T2 (40), both short at 1000; T1 holds less cash, so it is more leveraged
     * and ranks first. At 945 A's equity 4_500 is under MM 4_725 but above ⅔ of it: round 1 offers a slice of 10
     * lots (share 450, ZP 900); nobody bids; at the end of the auction no pool takes the 10 lots, so T1 closes
     * exactly 10 of its 60, at ZP: A pays the slice's share of 450 USD.
     */
    @Test
    void closesOnlyTheFailedSliceFromTheTopCounterparty()
    {
        final long t1 = 31;
        final long t2 = 32;
        openWith(A, 10_000);
        openWith(t1, 20_000);
        openWith(t2, 40_000);
        trade(A, t1, 1000, 60);
        trade(A, t2, 1000, 40);
        tick(BTC, 1_000, 945);
        runTo(1_100);
        assertEquals(10, last(SliceOffered.class).lots());
        runTo(1_199);
        assertTrue(events.ofType(AutoDeleveraged.class).isEmpty());

        runTo(1_200);
        final List<AutoDeleveraged> fills = events.ofType(AutoDeleveraged.class);
        assertEquals(1, fills.size());
        final AutoDeleveraged fill = fills.get(0);
        assertEquals(t1, fill.counterpartyAccountId());
        assertEquals(10, fill.lots());
        assertEquals(1, fill.rank());
        assertEquals(-60, fill.counterpartyPositionBefore());
        assertEquals(-50, fill.counterpartyPositionAfter());
        assertEquals(0, fill.remainingLots());
        assertEquals(900, fill.priceTicks());
        assertEquals(450 * USD, fill.defaulterPayment());
        assertEquals(450 * USD, fill.counterpartyReceipt());
        final AutoDeleveragingEnded ended = last(AutoDeleveragingEnded.class);
        assertEquals(10, ended.lots());
        assertEquals(10, ended.closedLots());
        assertEquals(0, ended.remainingLots());
        assertEquals(1, ended.counterparties());
        assertEquals(2, ended.candidates());
        assertEquals(90, house.account(A).quantityOf(BTC));
        assertEquals(-50, house.account(t1).quantityOf(BTC));
        assertEquals(-40, house.account(t2).quantityOf(BTC));
        // 4_500 - 450: the slice's share went to T1.
        assertEquals(4_050 * USD, house.equity(house.account(A)));
        assertEquals(10, engine.autoDeleveraging().closedLots());
        assertEquals(0, house.conservationError());
    }

    /**
     * A whole account of 50 lots across three counterparties, the last closed in part: U1 (20), U2 (15), U3 (30),
     * all short at 1000 and ranked by leverage. A is long 50 at 1000 with 5_000 USD and one micro-unit; at 930 its
     * equity 1_500.000001 is under ⅔ of MM 2_325: whole, ZP = 930 - 30 = 900. A pays its whole equity, cumulatively
     * rounded up per counterparty: ceil(e × 20 / 50) = 600.000001 (U1 receives floor = 600, 1 micro-unit to the fee
     * account), then 1_050.000001 - 600.000001 = 450 to U2 and 450 to U3.
     */
    @Test
    void spansThreeCounterpartiesClosingTheLastOnlyInPart()
    {
        final long u1 = 41;
        final long u2 = 42;
        final long u3 = 43;
        openWith(A, 5_000);
        ok(house.deposit(MEMBER, ++memberSequence, A, 1));
        trade(A, X, 1000, 50);
        openWith(u1, 3_000);
        openWith(u2, 5_000);
        openWith(u3, 20_000);
        trade(X, u1, 1000, 20);
        trade(X, u2, 1000, 15);
        trade(X, u3, 1000, 30);
        final long feesBefore = house.feeAccount();
        tick(BTC, 1_000, 930);
        runTo(1_100);

        final List<AutoDeleveraged> fills = events.ofType(AutoDeleveraged.class);
        assertEquals(3, fills.size());
        assertEquals(List.of(u1, u2, u3), fills.stream().map(AutoDeleveraged::counterpartyAccountId).toList());
        assertEquals(List.of(20L, 15L, 15L), fills.stream().map(AutoDeleveraged::lots).toList());
        assertEquals(List.of(30L, 15L, 0L), fills.stream().map(AutoDeleveraged::remainingLots).toList());
        assertEquals(List.of(600_000_001L, 450 * USD, 450 * USD),
            fills.stream().map(AutoDeleveraged::defaulterPayment).toList());
        assertEquals(List.of(600 * USD, 450 * USD, 450 * USD),
            fills.stream().map(AutoDeleveraged::counterpartyReceipt).toList());
        assertEquals(List.of(1L, 0L, 0L), fills.stream().map(AutoDeleveraged::feeAccountRemainder).toList());
        assertEquals(-30, fills.get(2).counterpartyPositionBefore());
        assertEquals(-15, fills.get(2).counterpartyPositionAfter());
        assertEquals(0, house.account(u1).positionCount());
        assertEquals(0, house.account(u2).positionCount());
        assertEquals(-15, house.account(u3).quantityOf(BTC));
        assertEquals(0, house.account(A).positionCount());
        assertEquals(0, house.account(A).cash());
        assertEquals(feesBefore + 1, house.feeAccount());
        final AutoDeleveragingEnded ended = last(AutoDeleveragingEnded.class);
        assertEquals(1_500_000_001L, ended.defaulterPayment());
        assertEquals(50, ended.closedLots());
        assertEquals(3, ended.counterparties());
        assertEquals(0, house.conservationError());
    }

    /**
     * E &lt; 0: A (long 100 at 1000, 10_000 USD) at 880 has equity -2_000. The lots close at the mark with no cash:
     * A's equity and its counterparty's are what they were, and the whole deficit of 2_000 stays open for the loss
     * waterfall.
     */
    @Test
    void closesABankruptPositionAtTheMarkLeavingTheDeficitWhole()
    {
        final long t1 = 31;
        openWith(A, 10_000);
        openWith(t1, 50_000);
        trade(A, t1, 1000, 100);
        tick(BTC, 1_000, 880);
        final long counterpartyEquity = house.equity(house.account(t1));
        assertEquals(-2_000 * USD, house.equity(house.account(A)));
        runTo(1_100);

        final AutoDeleveraged fill = last(AutoDeleveraged.class);
        assertEquals(t1, fill.counterpartyAccountId());
        assertEquals(100, fill.lots());
        assertEquals(880, fill.priceTicks());
        assertEquals(880, fill.markTicks());
        assertEquals(900, fill.bankruptcyTicks());
        assertEquals(0, fill.defaulterPayment());
        assertEquals(0, fill.counterpartyReceipt());
        final AutoDeleveragingEnded ended = last(AutoDeleveragingEnded.class);
        assertEquals(-2_000 * USD, ended.equityBefore());
        assertEquals(-2_000 * USD, ended.equityAfter());
        assertEquals(880, ended.priceTicks());
        assertEquals(0, ended.defaulterPayment());
        assertEquals(new OpenDeficit(ended.sequence() + 1, A, 2_000 * USD), last(OpenDeficit.class));
        assertEquals(LiquidationCause.BANKRUPT, last(LiquidationEnded.class).cause());
        assertEquals(2_000 * USD, house.openDeficits());
        assertEquals(2_000 * USD, engine.openDeficit(A));
        assertEquals(counterpartyEquity, house.equity(house.account(t1)));
        assertEquals(0, house.account(t1).positionCount());
        assertEquals(0, house.conservationError());
    }

    /**
     * The switch: with ADL off for the instrument the takeover holds as it did before ADL (no pool); switched back
     * on, the next round closes it and the liquidation ends. Refusals change nothing.
     */
    @Test
    void holdsWhileTheOperatorHasAdlOffAndEndsTheLiquidationOnceItIsOn()
    {
        final long t1 = 31;
        openWith(A, 10_000);
        openWith(t1, 50_000);
        trade(A, t1, 1000, 100);

        assertEquals(Outcome.INVALID_PARAMETER, house.setAutoDeleveraging(
            OPERATOR, ++operatorSequence, 0, AutoDeleveragingMode.FOLLOW_DEFAULT.code()));
        assertEquals(Outcome.INVALID_PARAMETER, house.setAutoDeleveraging(OPERATOR, ++operatorSequence, -1, 1));
        assertEquals(Outcome.INVALID_PARAMETER, house.setAutoDeleveraging(OPERATOR, ++operatorSequence, BTC, 7));
        assertEquals(Outcome.UNKNOWN_INSTRUMENT, house.setAutoDeleveraging(OPERATOR, ++operatorSequence, 99, 2));
        assertTrue(events.ofType(AutoDeleveragingModeChanged.class).isEmpty());
        assertTrue(engine.autoDeleveraging().isEnabled(BTC));

        // Off for all instruments, on for BTC: on. Off for BTC: off, whatever the default.
        ok(house.setAutoDeleveraging(OPERATOR, ++operatorSequence, 0, AutoDeleveragingMode.OFF.code()));
        assertFalse(engine.autoDeleveraging().isEnabled(BTC));
        ok(house.setAutoDeleveraging(OPERATOR, ++operatorSequence, BTC, AutoDeleveragingMode.ON.code()));
        assertTrue(engine.autoDeleveraging().isEnabled(BTC));
        ok(house.setAutoDeleveraging(OPERATOR, ++operatorSequence, 0, AutoDeleveragingMode.ON.code()));
        ok(house.setAutoDeleveraging(OPERATOR, ++operatorSequence, BTC, AutoDeleveragingMode.OFF.code()));
        assertFalse(engine.autoDeleveraging().isEnabled(BTC));
        final AutoDeleveragingModeChanged changed = last(AutoDeleveragingModeChanged.class);
        assertEquals(new AutoDeleveragingModeChanged(changed.sequence(), BTC, AutoDeleveragingMode.OFF), changed);
        assertEquals(
            new RiskParametersChanged(changed.sequence() + 1, CommandType.SET_AUTO_DELEVERAGING, BTC, 0),
            last(RiskParametersChanged.class));

        tick(BTC, 1_000, 880);
        runTo(5_000);
        final TakeoverHeld held = last(TakeoverHeld.class);
        assertEquals(LiquidationCause.NO_POOL_CAPACITY, held.cause());
        assertEquals(1, events.ofType(TakeoverHeld.class).size());
        assertTrue(engine.isLiquidating(A));
        assertTrue(events.ofType(AutoDeleveraged.class).isEmpty());
        assertEquals(100, house.account(A).quantityOf(BTC));

        // Back to the default (on): the next round deleverages and the liquidation ends.
        ok(house.setAutoDeleveraging(
            OPERATOR, ++operatorSequence, BTC, AutoDeleveragingMode.FOLLOW_DEFAULT.code()));
        assertEquals(AutoDeleveragingMode.FOLLOW_DEFAULT, engine.autoDeleveraging().modeOf(BTC));
        runTo(5_100);
        assertEquals(100, last(AutoDeleveragingEnded.class).closedLots());
        assertFalse(engine.isLiquidating(A));
        assertEquals(0, engine.liquidationCount());
        assertEquals(LiquidationCause.BANKRUPT, last(LiquidationEnded.class).cause());
        assertEquals(Long.MAX_VALUE, engine.nextDeadlineMs());
        assertEquals(0, house.conservationError());
    }

    /**
     * An account in liquidation is reached only after every account in good standing, whatever its score. L is long
     * 100 ETH and short 10 BTC; ETH falls to 920 and L is in liquidation, its ETH slice held because ADL is off for
     * ETH. Then BTC falls to 930 and A (long 15 BTC at 1000 with 1_500 USD: equity 450 under ⅔ MM 465) goes to the
     * backstop whole. G (short 10 BTC with 50_000 USD, barely leveraged) comes first although L's score is far
     * higher; L then closes the last 5 lots as a last resort. A's 450 USD is shared 300 / 150.
     */
    @Test
    void reachesAccountsInLiquidationOnlyAsALastResort()
    {
        final long g = 51;
        final long l = 52;
        ok(house.listInstrument(OPERATOR, ++operatorSequence, ETH, "ETH-PERP", 100_000, 50_000, 0, 1, 1, USD));
        tick(ETH, 0, 1000);
        ok(house.setAutoDeleveraging(OPERATOR, ++operatorSequence, ETH, AutoDeleveragingMode.OFF.code()));
        openWith(A, 1_500);
        openWith(g, 50_000);
        openWith(l, 12_000);
        trade(A, X, 1000, 15);
        trade(X, g, 1000, 10);
        trade(X, l, 1000, 10);
        ok(house.clearTrade(EXCHANGE, ++exchangeSequence, ++venueTradeId, ETH, l, X, 1000, 100));

        tick(ETH, 1_000, 920);
        assertTrue(engine.isLiquidating(l));
        runTo(1_250);
        assertEquals(LiquidationCause.NO_POOL_CAPACITY, last(TakeoverHeld.class).cause());
        tick(BTC, 1_300, 930);
        assertTrue(engine.isLiquidating(A));
        runTo(1_400);

        final List<AutoDeleveraged> fills = events.ofType(AutoDeleveraged.class);
        assertEquals(2, fills.size());
        final AutoDeleveraged first = fills.get(0);
        final AutoDeleveraged second = fills.get(1);
        assertEquals(g, first.counterpartyAccountId());
        assertEquals(10, first.lots());
        assertFalse(first.lastResort());
        assertEquals(300 * USD, first.counterpartyReceipt());
        assertEquals(l, second.counterpartyAccountId());
        assertEquals(5, second.lots());
        assertTrue(second.lastResort());
        assertEquals(2, second.rank());
        assertEquals(150 * USD, second.counterpartyReceipt());
        assertEquals(0, second.remainingLots());
        assertTrue(first.scorePpm() < DeleveragingScore.score(
            second.pnlPpm(), DeleveragingScore.leveragePpm(101_300 * USD, 4_700 * USD)), "L alone would rank first");
        assertEquals(-5, house.account(l).quantityOf(BTC));
        assertEquals(0, house.account(g).positionCount());
        assertTrue(engine.isLiquidating(l));
        assertEquals(0, house.conservationError());
    }

    @Test
    void restoresTheSwitchAndTheCountersFromASnapshotToTheSameDigest()
    {
        final long t1 = 31;
        openWith(A, 10_000);
        openWith(t1, 50_000);
        trade(A, t1, 1000, 100);
        ok(house.setAutoDeleveraging(OPERATOR, ++operatorSequence, 0, AutoDeleveragingMode.OFF.code()));
        ok(house.setAutoDeleveraging(OPERATOR, ++operatorSequence, BTC, AutoDeleveragingMode.ON.code()));
        tick(BTC, 1_000, 930);
        runTo(1_100);
        assertEquals(100, engine.autoDeleveraging().closedLots());

        final ClearingHouse copy = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        assertArrayEquals(LiquidationEngineTest.digest(house), LiquidationEngineTest.digest(copy));
        final AutoDeleveraging restored = copy.liquidationEngine().autoDeleveraging();
        assertEquals(AutoDeleveragingMode.OFF, restored.defaultMode());
        assertEquals(AutoDeleveragingMode.ON, restored.modeOf(BTC));
        assertEquals(1, restored.runCount());
        assertEquals(1, restored.fillCount());
        assertEquals(100, restored.closedLots());

        // The digest covers the switch and the counters: copies differing in nothing else digest differently.
        final ClearingHouse otherCount = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        otherCount.liquidationEngine().autoDeleveraging().restore(AutoDeleveragingMode.OFF.code(), 1, 1, 101);
        assertFalse(Arrays.equals(LiquidationEngineTest.digest(house), LiquidationEngineTest.digest(otherCount)));
        final ClearingHouse otherMode = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        otherMode.liquidationEngine().autoDeleveraging().restoreInstrument(BTC, AutoDeleveragingMode.OFF.code());
        assertFalse(Arrays.equals(LiquidationEngineTest.digest(house), LiquidationEngineTest.digest(otherMode)));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void runTo(final long toMs)
    {
        LiquidationEngineTest.advance(house, toMs);
    }

    private void tick(final int instrumentId, final long nowMs, final long priceTicks)
    {
        runTo(nowMs);
        ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, instrumentId, 1, priceTicks));
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
