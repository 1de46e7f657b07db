package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.CommandRefused;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.MarginRatesChanged;
import dev.backstop.clearing.domain.RecordingEvents.MarkPriceUpdated;
import dev.backstop.clearing.domain.RecordingEvents.OrderAccepted;
import dev.backstop.clearing.domain.RecordingEvents.OrderCancelled;
import dev.backstop.clearing.domain.RecordingEvents.OrderFilled;
import dev.backstop.clearing.domain.RecordingEvents.RiskParametersChanged;
import dev.backstop.clearing.domain.RecordingEvents.RiskStateChanged;
import dev.backstop.clearing.domain.RecordingEvents.TradeCleared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The risk engine's rules through the clearing house, each against numbers worked out by hand in the comments.
 * <p>
 * BTC-PERP: tick value 100 micro-units (tick 0.1 USD, lot 0.001 BTC), IMR 10%, MMR 5%, no fee, so at 600_000 ticks one
 * lot is worth 600_000 × 100 = 60_000_000 (60 USD), its IM is 6_000_000 and its MM 3_000_000. Bob is a well-funded
 * counterparty (1_000_000 USD). After every test money is conserved and a snapshot copy has the same state and digest.
 */
class ClearingHouseRiskTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final long ORACLE = 4;

    static final int BTC = 1;
    static final int FUT = 2;
    static final long ALICE = 101;
    static final long BOB = 102;
    static final long CAROL = 103;
    static final long HEDGER = 104;

    static final long LOT = 60_000_000L; // value of one lot at 600_000

    RecordingEvents events;
    ClearingHouse house;
    final Map<Long, Long> lastSequence = new HashMap<>();
    long venueTradeId;

    @BeforeEach
    void setUp()
    {
        events = new RecordingEvents();
        house = new ClearingHouse(events);
        accepted(house.listInstrument(OPERATOR, next(OPERATOR), BTC, "BTC-PERP", 100_000, 50_000, 0, 100_000, 1_000,
            100));
        for (long account = ALICE; account <= HEDGER; account++)
        {
            accepted(house.openAccount(OPERATOR, next(OPERATOR), account, account));
        }
        accepted(house.deposit(MEMBER, next(MEMBER), BOB, 1_000_000_000_000L));
        house.advanceTime(1_000);
    }

    @AfterEach
    void booksBalanceAndASnapshotCopyIsIdentical()
    {
        assertEquals(0, house.conservationError());
        assertEquals(events.size(), house.eventSequence());
        final ClearingHouse copy = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        assertEquals(StateDump.of(house), StateDump.of(copy));
        assertEquals(StateDump.digestOf(house), StateDump.digestOf(copy));
    }

    // ---------------------------------------------------------------- orders

    @Test
    void anOrderReservesItsMarginAFillConsumesItAndACancelReleasesIt()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), ALICE, 100_000_000L)); // 100 USD
        tick(1, 600_000);

        // Buy 10 at 600_000: requirement 0 -> IM of 10 lots = 60_000_000; equity 100_000_000 covers it.
        accepted(order(1, ALICE, true, 10, 600_000));
        assertEquals(new OrderAccepted(events.size(), 1, ALICE, BTC, true, 10, 600_000, 60_000_000, 60_000_000),
            events.last());
        final MarginAccount alice = house.account(ALICE);
        assertEquals(60_000_000, alice.reservedMargin());
        // withdrawable: 100_000_000 − IM 0 − reserved 60_000_000.
        assertEquals(40_000_000, house.withdrawable(alice));

        // 10 more at 601_000: 20 lots -> IM 120_000_000, plus the loss if filled above the mark:
        // (10 × 600_000 + 10 × 601_000 − 20 × 600_000) × 100 = 1_000_000; 121_000_000 > 100_000_000.
        refused(Outcome.BELOW_INITIAL_MARGIN, CommandType.SUBMIT_ORDER, EXCHANGE,
            () -> order(2, ALICE, true, 10, 601_000));
        // Sell 5 at 599_000: position − sells = −5 is smaller than position + buys = 10, so the buy side still
        // decides: the requirement stays 60_000_000 and the order reserves nothing.
        accepted(order(3, ALICE, false, 5, 599_000));
        assertEquals(new OrderAccepted(events.size(), 3, ALICE, BTC, false, 5, 599_000, 0, 60_000_000),
            events.last());
        refused(Outcome.ORDER_EXISTS, CommandType.SUBMIT_ORDER, EXCHANGE, () -> order(3, ALICE, false, 1, 599_000));

        // Alice buys 4 at 600_000 against order 1: ⌈60_000_000 × 4 / 10⌉ = 24_000_000 consumed, 36_000_000 left.
        accepted(trade(ALICE, BOB, 600_000, 4, 1, 0));
        assertEquals(new OrderFilled(events.size(), 1, ALICE, 4, 6, 24_000_000, 36_000_000, 36_000_000),
            events.last());
        assertEquals(6, house.order(1).remainingLots());
        assertEquals(36_000_000, alice.reservedMargin());
        // IM 4 × 6_000_000 = 24_000_000 plus 36_000_000 reserved: 40_000_000 still withdrawable.
        assertEquals(24_000_000, house.initialMargin(alice));
        assertEquals(40_000_000, house.withdrawable(alice));
        refused(Outcome.BELOW_INITIAL_MARGIN, CommandType.WITHDRAW, MEMBER,
            () -> house.withdraw(MEMBER, next(MEMBER), ALICE, 40_000_001));

        // A fill must match its order: the side, the quantity left and the limit.
        refused(Outcome.UNKNOWN_ORDER, CommandType.TRADE, EXCHANGE, () -> trade(ALICE, BOB, 600_000, 1, 3, 0));
        refused(Outcome.UNKNOWN_ORDER, CommandType.TRADE, EXCHANGE, () -> trade(CAROL, BOB, 600_000, 1, 1, 0));
        refused(Outcome.INVALID_QUANTITY, CommandType.TRADE, EXCHANGE, () -> trade(ALICE, BOB, 600_000, 7, 1, 0));
        refused(Outcome.INVALID_PRICE, CommandType.TRADE, EXCHANGE, () -> trade(ALICE, BOB, 600_001, 1, 1, 0));
        refused(Outcome.INVALID_PRICE, CommandType.TRADE, EXCHANGE, () -> trade(BOB, ALICE, 598_999, 1, 0, 3));

        // Cancel order 1: its 36_000_000 are released.
        accepted(house.cancelOrder(EXCHANGE, next(EXCHANGE), 1));
        assertEquals(new OrderCancelled(events.size(), 1, ALICE, 6, 36_000_000, 0), events.last());
        assertNull(house.order(1));
        assertEquals(0, alice.reservedMargin());
        refused(Outcome.UNKNOWN_ORDER, CommandType.CANCEL_ORDER, EXCHANGE,
            () -> house.cancelOrder(EXCHANGE, next(EXCHANGE), 1));

        // Order 3 filled in full (selling 5 of a long 4 flips to short 1: IM 6_000_000 is covered).
        accepted(trade(BOB, ALICE, 600_000, 5, 0, 3));
        assertEquals(new OrderFilled(events.size(), 3, ALICE, 5, 0, 0, 0, 0), events.last());
        assertEquals(0, house.openOrderCount());
        assertEquals(0, alice.openOrderCount());
        assertEquals(-1, alice.quantityOf(BTC));
    }

    @Test
    void anOrderIsCheckedOnlyOnceTheInstrumentHasAMarkAndWithSoundTerms()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), ALICE, 100_000_000L));
        refused(Outcome.NO_MARK_PRICE, CommandType.SUBMIT_ORDER, EXCHANGE, () -> order(1, ALICE, true, 1, 600_000));
        tick(1, 600_000);
        refused(Outcome.INVALID_PARAMETER, CommandType.SUBMIT_ORDER, EXCHANGE, () -> order(0, ALICE, true, 1, 1));
        refused(Outcome.INVALID_QUANTITY, CommandType.SUBMIT_ORDER, EXCHANGE, () -> order(1, ALICE, true, 0, 1));
        refused(Outcome.INVALID_PRICE, CommandType.SUBMIT_ORDER, EXCHANGE, () -> order(1, ALICE, true, 1, 0));
        refused(Outcome.UNKNOWN_ACCOUNT, CommandType.SUBMIT_ORDER, EXCHANGE, () -> order(1, 999, true, 1, 1));
        refused(Outcome.UNKNOWN_INSTRUMENT, CommandType.SUBMIT_ORDER, EXCHANGE,
            () -> house.submitOrder(EXCHANGE, next(EXCHANGE), 1, ALICE, 9, true, 1, 1));
    }

    // ---------------------------------------------------------------- trades below initial margin

    @Test
    void aRiskIncreasingTradeBelowInitialMarginIsRefusedAndARiskReducingOneAccepted()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 10_000_000L)); // 10 USD
        // Carol buys 1 at 600_000: IM 6_000_000 <= 10_000_000.
        accepted(trade(CAROL, BOB, 600_000, 1, 0, 0));
        final List<String> books = StateDump.booksOf(house);
        // A second lot: IM 12_000_000 > 10_000_000.
        refused(Outcome.BELOW_INITIAL_MARGIN, CommandType.TRADE, EXCHANGE, () -> trade(CAROL, BOB, 600_000, 1, 0, 0));
        // Either side is checked: Alice has no collateral, so she may not sell to the well-funded Bob.
        refused(Outcome.BELOW_INITIAL_MARGIN, CommandType.TRADE, EXCHANGE, () -> trade(BOB, ALICE, 600_000, 1, 0, 0));
        assertEquals(books, StateDump.booksOf(house), "a refused trade changes nothing");

        // The mark falls to 550_000: equity 10_000_000 − 1 × 50_000 × 100 = 5_000_000 < IM 5_500_000: a call.
        tick(1, 550_000);
        assertEquals(new RiskStateChanged(events.size(), CAROL, RiskState.NORMAL, RiskState.MARGIN_CALL,
            5_000_000, 5_500_000, 2_750_000, RiskCause.MARK_PRICE), events.last());
        // While the call is open only risk-reducing flow is accepted.
        refused(Outcome.MARGIN_CALL_OPEN, CommandType.TRADE, EXCHANGE, () -> trade(CAROL, BOB, 550_000, 1, 0, 0));
        refused(Outcome.MARGIN_CALL_OPEN, CommandType.SUBMIT_ORDER, EXCHANGE, () -> order(7, CAROL, true, 1, 1));
        refused(Outcome.MARGIN_CALL_OPEN, CommandType.TRADE, EXCHANGE, () -> trade(BOB, CAROL, 550_000, 2, 0, 0));
        // A sell order that only closes is accepted, and reserves nothing.
        accepted(order(7, CAROL, false, 1, 550_000));
        assertEquals(new OrderAccepted(events.size(), 7, CAROL, BTC, false, 1, 550_000, 0, 0), events.last());

        // Carol sells her lot at 550_000: realised −5_000_000, flat, equity 5_000_000 >= IM 0: cured.
        accepted(trade(BOB, CAROL, 550_000, 1, 0, 7));
        final List<Event> last = events.since(events.size() - 3);
        // Bob, short 1 at 600_000, realises +5_000_000 as he buys it back.
        assertEquals(new TradeCleared(last.get(0).sequence(), EXCHANGE, venueTradeId, BTC, BOB, CAROL, 550_000, 1, 0,
            0, 5_000_000, -5_000_000), last.get(0));
        assertEquals(new OrderFilled(last.get(1).sequence(), 7, CAROL, 1, 0, 0, 0, 0), last.get(1));
        assertEquals(new RiskStateChanged(last.get(2).sequence(), CAROL, RiskState.MARGIN_CALL, RiskState.NORMAL,
            5_000_000, 0, 0, RiskCause.TRADE), last.get(2));
        assertEquals(5_000_000, house.account(CAROL).cash());
    }

    // ---------------------------------------------------------------- margin calls, cures, liquidation hand-over

    @Test
    void marginCallsAndCuresArePublishedAndBelowMaintenanceTheEngineIsCalled()
    {
        final RecordingHooks hooks = new RecordingHooks(house);
        house.liquidationHooks(hooks);
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 10_000_000L));
        accepted(trade(CAROL, BOB, 600_000, 1, 0, 0));
        assertEquals(List.of(600_000L), hooks.marks, "the first trade's mark is reported");

        tick(1, 550_000); // equity 5_000_000 < IM 5_500_000
        assertEquals(RiskState.MARGIN_CALL, house.account(CAROL).riskState());
        tick(1, 560_000); // equity 6_000_000 >= IM 5_600_000: cured by the mark
        assertEquals(new RiskStateChanged(events.size(), CAROL, RiskState.MARGIN_CALL, RiskState.NORMAL,
            6_000_000, 5_600_000, 2_800_000, RiskCause.MARK_PRICE), events.last());

        // 520_000: equity 2_000_000 < MM 2_600_000: a call, then the engine is told (it does not take the account).
        house.advanceTime(5_000);
        tick(1, 520_000);
        assertEquals(new RiskStateChanged(events.size(), CAROL, RiskState.NORMAL, RiskState.MARGIN_CALL,
            2_000_000, 5_200_000, 2_600_000, RiskCause.MARK_PRICE), events.last());
        assertEquals(List.of(CAROL + "@5000"), hooks.belowMaintenance);
        // still below MM at the next move: told again, because no engine took it.
        tick(1, 519_000);
        assertEquals(List.of(CAROL + "@5000", CAROL + "@5000"), hooks.belowMaintenance);

        // An engine that takes the account: LIQUIDATION is published and the account is no longer the house's.
        hooks.takeAccounts = true;
        tick(1, 518_000);
        assertEquals(new RiskStateChanged(events.size(), CAROL, RiskState.MARGIN_CALL, RiskState.LIQUIDATION,
            1_800_000, 5_180_000, 2_590_000, RiskCause.LIQUIDATION), events.last());
        tick(1, 517_000);
        assertEquals(3, hooks.belowMaintenance.size(), "an account in liquidation is not handed over again");
        refused(Outcome.LIQUIDATION_OPEN, CommandType.WITHDRAW, MEMBER,
            () -> house.withdraw(MEMBER, next(MEMBER), CAROL, 1));
        refused(Outcome.LIQUIDATION_OPEN, CommandType.TRADE, EXCHANGE, () -> trade(CAROL, BOB, 517_000, 1, 0, 0));
        assertEquals(0, house.withdrawable(house.account(CAROL)));
        // a deposit is taken, but the state stays the engine's to change.
        final int before = events.size();
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 50_000_000L));
        assertEquals(before + 1, events.size());
        assertEquals(RiskState.LIQUIDATION, house.account(CAROL).riskState());
        assertEquals(List.of(600_000L, 550_000L, 560_000L, 520_000L, 519_000L, 518_000L, 517_000L), hooks.marks);
    }

    @Test
    void aDepositCuresAMarginCall()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 6_000_000L));
        accepted(trade(CAROL, BOB, 600_000, 1, 0, 0));
        tick(1, 590_000); // equity 6_000_000 − 1_000_000 = 5_000_000 < IM 5_900_000
        assertEquals(RiskState.MARGIN_CALL, house.account(CAROL).riskState());
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 900_000L)); // equity 5_900_000 = IM: cured
        assertEquals(new RiskStateChanged(events.size(), CAROL, RiskState.MARGIN_CALL, RiskState.NORMAL,
            5_900_000, 5_900_000, 2_950_000, RiskCause.DEPOSIT), events.last());
    }

    // ---------------------------------------------------------------- margin parameters

    @Test
    void bracketMarginIsTheTieredSumOfTheNotional()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), ALICE, 1_000_000_000L));
        // Bracket 0 up to 100 USD of notional at 10% / 5%, above it 20% / 10%. Offsets: IM 100e6 × 10% = 10e6,
        // MM 100e6 × 5% = 5e6.
        accepted(house.setMarginBrackets(OPERATOR, next(OPERATOR), BTC, 2, new long[]{100_000_000L, Long.MAX_VALUE},
            new int[]{100_000, 200_000}, new int[]{50_000, 100_000}));
        assertEquals(new RiskParametersChanged(events.size(), CommandType.SET_MARGIN_BRACKETS, BTC, 0),
            events.last());
        accepted(trade(ALICE, BOB, 600_000, 1, 0, 0));
        final MarginAccount alice = house.account(ALICE);
        // 1 lot, 60e6 in bracket 0: IM 6e6, MM 3e6.
        assertEquals(6_000_000, house.initialMargin(alice));
        assertEquals(3_000_000, house.maintenanceMargin(alice));
        accepted(trade(ALICE, BOB, 600_000, 2, 0, 0));
        // 3 lots, 180e6 in bracket 1: IM 180e6 × 20% − 10e6 = 26e6 (= 10e6 + 80e6 × 20%); MM 18e6 − 5e6 = 13e6.
        assertEquals(26_000_000, house.initialMargin(alice));
        assertEquals(13_000_000, house.maintenanceMargin(alice));
        assertEquals(13_000_000, house.positionMaintenanceMargin(alice, 0));

        // Nine brackets, or rates falling with size, are refused.
        final long[] caps = {1, 2, 3, 4, 5, 6, 7, 8, Long.MAX_VALUE};
        final int[] rates = {100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000};
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_MARGIN_BRACKETS, OPERATOR,
            () -> house.setMarginBrackets(OPERATOR, next(OPERATOR), BTC, 9, caps, rates, rates));
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_MARGIN_BRACKETS, OPERATOR,
            () -> house.setMarginBrackets(OPERATOR, next(OPERATOR), BTC, 2, new long[]{100, Long.MAX_VALUE},
                new int[]{100_000, 90_000}, new int[]{50_000, 50_000}));

        // A table cut below the listed 10% / 5% is held at the floor (the rates' floors are the listed rates).
        accepted(house.setMarginBrackets(OPERATOR, next(OPERATOR), BTC, 1, new long[]{Long.MAX_VALUE},
            new int[]{20_000}, new int[]{10_000}));
        assertEquals(18_000_000, house.initialMargin(alice)); // 180e6 × 10%
        assertEquals(9_000_000, house.maintenanceMargin(alice)); // 180e6 × 5%
    }

    @Test
    void aRaiseAppliesAtOnceAndACutIsReleasedInStepsOnTimers()
    {
        // This follows the cut's own timer: the settlement cycles would share it (VM every 60 s, funding at 8 h), so
        // they are off here.
        accepted(house.setVariationMarginInterval(OPERATOR, next(OPERATOR), 0));
        accepted(house.setFundingParameters(OPERATOR, next(OPERATOR), BTC, 0, 100, 500, 5_000));
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 7_000_000L));
        accepted(trade(CAROL, BOB, 600_000, 1, 0, 0));
        assertEquals(Long.MAX_VALUE, house.nextDeadlineMs());

        // IMR 20%, MMR 10% at once; floors 5% / 2.5%; cuts of at most 5 points a minute.
        house.advanceTime(2_000);
        accepted(house.setMarginRate(OPERATOR, next(OPERATOR), BTC, 200_000, 100_000, 50_000, 25_000, 50_000, 60_000));
        // Carol: equity 7_000_000 < IM 12_000_000: called by the parameter change.
        final List<Event> raise = events.since(events.size() - 2);
        assertEquals(new MarginRatesChanged(raise.get(0).sequence(), BTC, 200_000, 100_000, 200_000, 100_000),
            raise.get(0));
        assertEquals(new RiskStateChanged(raise.get(1).sequence(), CAROL, RiskState.NORMAL, RiskState.MARGIN_CALL,
            7_000_000, 12_000_000, 6_000_000, RiskCause.MARGIN_PARAMETERS), raise.get(1));

        // Back to 10% / 5%: nothing moves now; the first step is due one interval later.
        house.advanceTime(3_000);
        accepted(house.setMarginRate(OPERATOR, next(OPERATOR), BTC, 100_000, 50_000, 50_000, 25_000, 50_000, 60_000));
        assertEquals(new MarginRatesChanged(events.size(), BTC, 200_000, 100_000, 100_000, 50_000), events.last());
        assertEquals(12_000_000, house.initialMargin(house.account(CAROL)));
        assertEquals(63_000, house.nextDeadlineMs());

        // Step 1 at 63_000: IMR 15%, MMR 5% (reached). Carol: IM 9_000_000, still called.
        house.onDeadline(63_000);
        assertEquals(new MarginRatesChanged(events.size(), BTC, 150_000, 50_000, 100_000, 50_000), events.last());
        assertEquals(123_000, house.nextDeadlineMs());
        // Step 2 at 123_000: IMR 10%: IM 6_000_000 <= 7_000_000, cured by the step.
        house.onDeadline(123_000);
        final List<Event> step = events.since(events.size() - 2);
        assertEquals(new MarginRatesChanged(step.get(0).sequence(), BTC, 100_000, 50_000, 100_000, 50_000),
            step.get(0));
        assertEquals(new RiskStateChanged(step.get(1).sequence(), CAROL, RiskState.MARGIN_CALL, RiskState.NORMAL,
            7_000_000, 6_000_000, 3_000_000, RiskCause.MARGIN_RATE_STEP), step.get(1));
        assertEquals(Long.MAX_VALUE, house.nextDeadlineMs());

        // A target below its own floor, or an MMR above the IMR, is refused.
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_MARGIN_RATE, OPERATOR, () -> house.setMarginRate(
            OPERATOR, next(OPERATOR), BTC, 40_000, 20_000, 50_000, 20_000, 50_000, 60_000));
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_MARGIN_RATE, OPERATOR, () -> house.setMarginRate(
            OPERATOR, next(OPERATOR), BTC, 100_000, 100_001, 50_000, 20_000, 50_000, 60_000));
    }

    @Test
    void initialMarginRisesWithOpenInterest()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), ALICE, 1_000_000_000L));
        // Unscaled up to 100 USD of open interest, 100% from 1_100 USD.
        accepted(house.setOpenInterestScaling(OPERATOR, next(OPERATOR), BTC, 100_000_000L, 1_100_000_000L));
        accepted(trade(ALICE, BOB, 600_000, 5, 0, 0));
        // OI 5 lots = 300e6: IMR 10% + ⌈90% × 200e6 / 1_000e6⌉ = 28%: IM 300e6 × 28% = 84e6; MM stays 5%: 15e6.
        assertEquals(84_000_000, house.initialMargin(house.account(ALICE)));
        assertEquals(15_000_000, house.maintenanceMargin(house.account(ALICE)));
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_OPEN_INTEREST_SCALING, OPERATOR,
            () -> house.setOpenInterestScaling(OPERATOR, next(OPERATOR), BTC, 5, 5));
    }

    @Test
    void aHedgeCostsLessUnderThePortfolioMethod()
    {
        accepted(house.listInstrument(OPERATOR, next(OPERATOR), FUT, "BTC-FUT", 100_000, 50_000, 0, 100_000, 1_000,
            100));
        accepted(house.setInstrumentUnderlying(OPERATOR, next(OPERATOR), FUT, BTC));
        accepted(house.deposit(MEMBER, next(MEMBER), HEDGER, 200_000_000L));
        // Long 10 BTC-PERP, short 10 BTC-FUT, both at 600_000.
        accepted(house.clearTrade(EXCHANGE, next(EXCHANGE), ++venueTradeId, BTC, HEDGER, BOB, 600_000, 10));
        accepted(house.clearTrade(EXCHANGE, next(EXCHANGE), ++venueTradeId, FUT, BOB, HEDGER, 600_000, 10));
        final MarginAccount hedger = house.account(HEDGER);
        // Linear: each leg on its own, 600e6 × 10% twice.
        assertEquals(120_000_000, house.initialMargin(hedger));
        assertEquals(60_000_000, house.maintenanceMargin(hedger));

        accepted(house.setAccountMarginMethod(OPERATOR, next(OPERATOR), HEDGER, MarginMethod.PORTFOLIO.code()));
        assertEquals(MarginMethod.PORTFOLIO, hedger.marginMethod());
        // Portfolio: every shock moves both legs alike, so no scenario loses; the floor is 1% of the gross 1_200e6.
        assertEquals(12_000_000, house.initialMargin(hedger));
        assertEquals(6_000_000, house.maintenanceMargin(hedger)); // half of IM
        // The engine still weighs each position by its own bracket MM: 600e6 × 5%.
        assertEquals(30_000_000, house.positionMaintenanceMargin(hedger, 0));

        // Unhedged (the future bought back), the worst default shock −15% of 600e6 is 90e6.
        accepted(house.clearTrade(EXCHANGE, next(EXCHANGE), ++venueTradeId, FUT, HEDGER, BOB, 600_000, 10));
        assertEquals(90_000_000, house.initialMargin(hedger));
        // A wider grid for the underlying: ±20% -> 120e6.
        accepted(house.setUnderlyingScenarios(OPERATOR, next(OPERATOR), BTC, 3, new int[]{-200_000, 0, 200_000}));
        assertEquals(120_000_000, house.initialMargin(hedger));

        refused(Outcome.INVALID_PARAMETER, CommandType.SET_ACCOUNT_MARGIN_METHOD, OPERATOR,
            () -> house.setAccountMarginMethod(OPERATOR, next(OPERATOR), HEDGER, 9));
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_INSTRUMENT_UNDERLYING, OPERATOR,
            () -> house.setInstrumentUnderlying(OPERATOR, next(OPERATOR), FUT, 0));
    }

    // ---------------------------------------------------------------- oracle

    @Test
    void everyTickGetsADecisionAndOnlyAnAcceptedOneMovesTheMark()
    {
        // Quorum 2, 5% band, 30 s age limit, mark = index.
        accepted(house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 2, 1, 60_000, 16));
        assertEquals(new RiskParametersChanged(events.size(), CommandType.SET_ORACLE_PARAMETERS, BTC, 0),
            events.last());

        house.advanceTime(1_000);
        tick(1, 600_000); // one fresh source of the two needed
        assertEquals(new MarkPriceUpdated(events.size(), BTC, 1, 600_000, TickDecision.BELOW_QUORUM, 0, 0, 0, 1, 0),
            events.last());
        house.advanceTime(2_000);
        tick(2, 600_200); // index = ⌊(600_000 + 600_200) / 2⌋
        assertEquals(new MarkPriceUpdated(events.size(), BTC, 2, 600_200, TickDecision.ACCEPTED, 0, 600_100,
            600_100, 2, 600_000), events.last());
        assertEquals(600_100, house.instrument(BTC).markPriceTicks());
        tick(3, 660_000); // 10% above the others' median 600_100
        assertEquals(new MarkPriceUpdated(events.size(), BTC, 3, 660_000, TickDecision.EXCLUDED, 600_100, 600_100,
            600_100, 2, 600_100), events.last());
        // A tick observed before the age limit is stale.
        house.advanceTime(40_000);
        accepted(house.applyPriceTick(ORACLE, next(ORACLE), BTC, 1, 601_000, 9_999));
        assertEquals(TickDecision.STALE, ((MarkPriceUpdated)events.last()).decision());
        // At 40 s sources 1 and 2 are stale: a fresh tick alone is below quorum, the mark holds.
        tick(3, 600_300);
        assertEquals(new MarkPriceUpdated(events.size(), BTC, 3, 600_300, TickDecision.BELOW_QUORUM, 600_100,
            600_100, 600_100, 1, 0), events.last());
        assertEquals(600_100, house.instrument(BTC).markPriceTicks());

        refused(Outcome.INVALID_PARAMETER, CommandType.SET_ORACLE_PARAMETERS, OPERATOR,
            () -> house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 0, 1, 60_000, 16));
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_ORACLE_PARAMETERS, OPERATOR,
            () -> house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 1, 9, 60_000, 16));
    }

    @Test
    void refusesATickFromASourceBeyondTheOperatorsMaxSources()
    {
        // Quorum 1, at most 2 sources: sources 1 and 2 are recorded, a third is refused and changes nothing.
        accepted(house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 1, 1, 60_000, 2));
        assertEquals(2, house.instrument(BTC).oracleParameters().maxSources());
        house.advanceTime(1_000);
        tick(1, 600_000);
        tick(2, 600_100);
        refused(Outcome.INVALID_PARAMETER, CommandType.PRICE_TICK, ORACLE,
            () -> house.applyPriceTick(ORACLE, next(ORACLE), BTC, 3, 600_200));
        tick(1, 600_050); // a recorded source still ticks

        // Raised to 3 through the same command, the third source is recorded.
        accepted(house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 1, 1, 60_000, 3));
        tick(3, 600_200);

        // Out of range: 0, above the limit, or below the quorum.
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_ORACLE_PARAMETERS, OPERATOR,
            () -> house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 1, 1, 60_000, 0));
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_ORACLE_PARAMETERS, OPERATOR,
            () -> house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 1, 1, 60_000,
                OracleParameters.MAX_SOURCES_LIMIT + 1));
        refused(Outcome.INVALID_PARAMETER, CommandType.SET_ORACLE_PARAMETERS, OPERATOR,
            () -> house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 3, 1, 60_000, 2));
    }

    // ---------------------------------------------------------------- the engine's book API

    @Test
    void theEngineMovesPositionsAndCashWithoutLosingAMicroUnit()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 20_000_000L));
        accepted(house.deposit(MEMBER, next(MEMBER), HEDGER, 500_000_000L));
        accepted(trade(CAROL, BOB, 600_000, 1, 0, 0));
        accepted(order(5, CAROL, true, 1, 600_000)); // reserves 6_000_000
        assertEquals(6_000_000, house.account(CAROL).reservedMargin());
        tick(1, 520_000);
        house.setAccountRole(HEDGER, AccountRole.BACKSTOP_POOL);
        house.setRiskState(CAROL, RiskState.LIQUIDATION, RiskCause.LIQUIDATION);
        assertEquals(1, house.cancelOrdersOf(CAROL));
        assertEquals(0, house.account(CAROL).reservedMargin());

        // The pool takes Carol's lot at the mark (she realises (520_000 − 600_000) × 100 = −8_000_000, cash
        // 12_000_000); she pays 1_000_000 to the insurance fund and 500_000 to the pool.
        house.tradeAt(HEDGER, CAROL, BTC, 1, 520_000);
        assertEquals(0, house.lastBuyerRealisedPnl());
        assertEquals(-8_000_000, house.lastSellerRealisedPnl()); // (520_000 − 600_000) × 100
        house.creditInsuranceFund(CAROL, 1_000_000);
        house.moveCash(CAROL, HEDGER, 500_000);
        assertEquals(10_500_000, house.account(CAROL).cash());
        assertEquals(1_000_000, house.insuranceFund());
        assertEquals(1, house.account(HEDGER).quantityOf(BTC));
        assertEquals(0, house.account(CAROL).positionCount());
        assertEquals(0, house.conservationError());

        // A fill that would overflow changes nothing.
        assertThrows(ArithmeticException.class, () -> house.tradeAt(HEDGER, BOB, BTC, Long.MAX_VALUE, 520_000));
        assertEquals(1, house.account(HEDGER).quantityOf(BTC));

        // fillAt in a pair, then a deficit recorded.
        assertEquals(0, house.fillAt(CAROL, BTC, 2, 520_000));
        assertEquals(0, house.fillAt(BOB, BTC, -2, 520_000));
        house.addOpenDeficit(123);
        house.setRiskState(CAROL, RiskState.BANKRUPT, RiskCause.TAKEOVER);
        // long 2 at 520_000 with the mark there: equity = cash; IM 104e6 × 10%, MM 104e6 × 5%.
        assertEquals(new RiskStateChanged(events.size(), CAROL, RiskState.LIQUIDATION, RiskState.BANKRUPT,
            10_500_000, 10_400_000, 5_200_000, RiskCause.TAKEOVER), events.last());
        assertEquals(AccountRole.BACKSTOP_POOL, house.account(HEDGER).role());
        // A pool's cash leaves only through redemptions.
        refused(Outcome.NOT_AUTHORISED, CommandType.WITHDRAW, MEMBER,
            () -> house.withdraw(MEMBER, next(MEMBER), HEDGER, 1));
        assertEquals(123, house.openDeficits());
        assertEquals(List.of(HEDGER), holders(BTC).subList(2, 3));
    }

    @Test
    void holdersAreKeptInAccountOrder()
    {
        accepted(house.deposit(MEMBER, next(MEMBER), HEDGER, 100_000_000L));
        accepted(house.deposit(MEMBER, next(MEMBER), ALICE, 100_000_000L));
        accepted(trade(HEDGER, BOB, 600_000, 1, 0, 0));
        accepted(trade(ALICE, BOB, 600_000, 1, 0, 0));
        assertEquals(List.of(ALICE, BOB, HEDGER), holders(BTC));
        accepted(trade(BOB, ALICE, 600_000, 1, 0, 0));
        assertEquals(List.of(BOB, HEDGER), holders(BTC));
    }

    // ---------------------------------------------------------------- snapshot of the risk state

    @Test
    void everyRiskParameterAndOpenOrderSurvivesASnapshotAndTheCopyBehavesTheSame()
    {
        accepted(house.listInstrument(OPERATOR, next(OPERATOR), FUT, "BTC-FUT", 100_000, 50_000, 0, 100_000, 1_000,
            100));
        accepted(house.setInstrumentUnderlying(OPERATOR, next(OPERATOR), FUT, BTC));
        accepted(house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 20_000, 40_000, 1, 3, 30_000, 16));
        accepted(house.setMarginBrackets(OPERATOR, next(OPERATOR), BTC, 2, new long[]{100_000_000L, Long.MAX_VALUE},
            new int[]{100_000, 200_000}, new int[]{50_000, 100_000}));
        accepted(house.setOpenInterestScaling(OPERATOR, next(OPERATOR), BTC, 1_000_000_000L, 9_000_000_000L));
        accepted(house.setMarginRate(OPERATOR, next(OPERATOR), FUT, 200_000, 100_000, 50_000, 25_000, 50_000, 60_000));
        accepted(house.setMarginRate(OPERATOR, next(OPERATOR), FUT, 100_000, 50_000, 50_000, 25_000, 50_000, 60_000));
        accepted(house.setUnderlyingScenarios(OPERATOR, next(OPERATOR), BTC, 3, new int[]{-100_000, 0, 100_000}));
        accepted(house.setAccountMarginMethod(OPERATOR, next(OPERATOR), HEDGER, MarginMethod.PORTFOLIO.code()));
        accepted(house.deposit(MEMBER, next(MEMBER), HEDGER, 300_000_000L));
        accepted(house.deposit(MEMBER, next(MEMBER), CAROL, 6_100_000L));
        tick(1, 600_000);
        tick(2, 600_400);
        accepted(trade(HEDGER, BOB, 600_000, 3, 0, 0));
        accepted(trade(CAROL, BOB, 600_000, 1, 0, 0));
        accepted(order(11, HEDGER, true, 2, 600_500));
        accepted(order(12, HEDGER, false, 1, 599_000));
        house.advanceTime(9_000);
        tick(1, 500_000); // the mark falls below 598_888: Carol (6_100_000 for one lot bought at 600_000) is called
        assertEquals(RiskState.MARGIN_CALL, house.account(CAROL).riskState());
        house.tradeAt(BOB, CAROL, BTC, 1, 560_000);
        house.creditInsuranceFund(CAROL, 77);
        house.addOpenDeficit(5);
        house.setAccountRole(BOB, AccountRole.LIQUIDITY_PROVIDER);

        final RecordingEvents copyEvents = new RecordingEvents(house.eventSequence() + 1);
        final ClearingHouse copy = SnapshotLoader.copyOf(house, copyEvents);
        assertEquals(StateDump.of(house), StateDump.of(copy));
        assertEquals(StateDump.digestOf(house), StateDump.digestOf(copy));
        assertEquals(house.nextDeadlineMs(), copy.nextDeadlineMs());

        // The same commands and timers on both give the same outcomes, events and state.
        final int eventsBefore = events.size();
        final List<Outcome> outcomes = new ArrayList<>();
        final List<Outcome> copyOutcomes = new ArrayList<>();
        for (final ClearingHouse h : List.of(house, copy))
        {
            final List<Outcome> out = h == house ? outcomes : copyOutcomes;
            h.advanceTime(12_000);
            out.add(h.applyPriceTick(ORACLE, lastSequence.get(ORACLE) + 1, BTC, 2, 561_000));
            out.add(h.clearTrade(EXCHANGE, lastSequence.get(EXCHANGE) + 1, 9_001, BTC, HEDGER, BOB, 600_500, 1, 11, 0));
            out.add(h.cancelOrder(EXCHANGE, lastSequence.get(EXCHANGE) + 2, 12));
            h.onDeadline(h.nextDeadlineMs());
        }
        assertEquals(outcomes, copyOutcomes);
        assertEquals(events.since(eventsBefore), copyEvents.events);
        assertEquals(StateDump.of(house), StateDump.of(copy));
        assertEquals(StateDump.digestOf(house), StateDump.digestOf(copy));
        lastSequence.put(ORACLE, lastSequence.get(ORACLE) + 1);
        lastSequence.put(EXCHANGE, lastSequence.get(EXCHANGE) + 2);
    }

    @Test
    void theDigestCoversTheRiskState()
    {
        final List<String> digests = new ArrayList<>();
        for (int variant = 0; variant <= 12; variant++)
        {
            final ClearingHouse h = new ClearingHouse(new RecordingEvents());
            h.restoreHeader(1, 2, 3, 4);
            h.restoreRiskLedger(variant == 1 ? 11 : 10, variant == 2 ? 21 : 20, variant == 3 ? 31 : 30);
            h.restoreInstrument(BTC, "BTC-PERP", 100_000, 50_000, 0, 100_000, 1_000, 100, 600_000, 1);
            h.restoreInstrumentRisk(BTC, variant == 4 ? 7 : BTC, 1, new long[]{Long.MAX_VALUE},
                new int[]{variant == 5 ? 110_000 : 100_000}, new int[]{50_000}, 0, variant == 6 ? 9 : 0);
            h.restoreMarginRateFloor(BTC, true, 100_000, 100_000, variant == 7 ? 90_000 : 100_000, 10_000, 60_000,
                Long.MAX_VALUE);
            h.restoreOracleParameters(BTC, variant == 8 ? 29_000 : 30_000, 50_000, 1, 1, 60_000, 16);
            h.restoreAccount(ALICE, 1, 1_000_000);
            h.restoreAccountRisk(ALICE, variant == 9 ? RiskState.MARGIN_CALL : RiskState.NORMAL,
                variant == 10 ? MarginMethod.PORTFOLIO : MarginMethod.LINEAR, AccountRole.MEMBER);
            h.restoreOrder(1, ALICE, BTC, true, 2, 600_000, variant == 11 ? 13 : 12);
            if (variant == 12)
            {
                h.instrument(BTC).oracle().restoreSource(4, 600_000, 5, false);
            }
            digests.add(StateDump.digestOf(h));
        }
        assertEquals(digests.size(), digests.stream().distinct().count(), "every field changes the digest");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Records what the clearing house tells the engine; optionally takes accounts into liquidation like an engine.
     */
    static final class RecordingHooks implements LiquidationHooks
    {
        final ClearingHouse house;
        final List<String> belowMaintenance = new ArrayList<>();
        final List<Long> marks = new ArrayList<>();
        boolean takeAccounts;

        RecordingHooks(final ClearingHouse house)
        {
            this.house = house;
        }

        public void onBelowMaintenance(final long accountId, final long nowMs)
        {
            belowMaintenance.add(accountId + "@" + nowMs);
            if (takeAccounts)
            {
                house.setRiskState(accountId, RiskState.LIQUIDATION, RiskCause.LIQUIDATION);
            }
        }

        public void onMarkPrice(final int instrumentId, final long markPriceTicks, final long nowMs)
        {
            marks.add(markPriceTicks);
        }

        public long nextDeadlineMs()
        {
            return Long.MAX_VALUE;
        }

        public void onDeadline(final long nowMs)
        {
        }

        public void writeState(final ClearingStateSink sink)
        {
        }
    }

    List<Long> holders(final int instrumentId)
    {
        final Instrument instrument = house.instrument(instrumentId);
        final List<Long> holders = new ArrayList<>();
        for (int i = 0; i < instrument.holderCount(); i++)
        {
            holders.add(instrument.holderAt(i));
        }
        return holders;
    }

    long next(final long sender)
    {
        final long sequence = lastSequence.getOrDefault(sender, 0L) + 1;
        lastSequence.put(sender, sequence);
        return sequence;
    }

    void tick(final int sourceId, final long priceTicks)
    {
        accepted(house.applyPriceTick(ORACLE, next(ORACLE), BTC, sourceId, priceTicks));
    }

    Outcome order(final long orderId, final long accountId, final boolean buy, final long lots, final long limit)
    {
        return house.submitOrder(EXCHANGE, next(EXCHANGE), orderId, accountId, BTC, buy, lots, limit);
    }

    Outcome trade(
        final long buyer, final long seller, final long price, final long lots, final long buyOrderId,
        final long sellOrderId)
    {
        return house.clearTrade(
            EXCHANGE, next(EXCHANGE), ++venueTradeId, BTC, buyer, seller, price, lots, buyOrderId, sellOrderId);
    }

    static void accepted(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }

    void refused(
        final Outcome expected, final CommandType command, final long sender,
        final java.util.function.Supplier<Outcome> action)
    {
        final List<String> books = StateDump.booksOf(house);
        final Outcome outcome = action.get();
        assertEquals(expected, outcome);
        final Event last = events.last();
        assertTrue(last instanceof CommandRefused r && r.command() == command && r.outcome() == expected &&
            r.senderId() == sender, () -> "expected a refusal event, got " + last);
        assertEquals(books, StateDump.booksOf(house), "a refusal changes nothing");
    }
}
