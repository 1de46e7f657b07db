package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.CcpCapitalInjected;
import dev.backstop.clearing.domain.RecordingEvents.DefaultFundCallClosed;
import dev.backstop.clearing.domain.RecordingEvents.DefaultFundCalled;
import dev.backstop.clearing.domain.RecordingEvents.DefaultFundContributed;
import dev.backstop.clearing.domain.RecordingEvents.DefaultFundMemberFlagged;
import dev.backstop.clearing.domain.RecordingEvents.DefaultFundRecomputed;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.MemberRequirementChanged;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default fund against numbers worked out by hand: contributions and CCP capital in the conservation identity,
 * Cover-2 over two scenarios and four members, the exposure trigger, calls met, collected and missed.
 */
final class DefaultFundTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final int ETH = 2;
    static final long USD = 1_000_000L;
    static final long HOUR = 3_600_000L;

    final RecordingEvents events = new RecordingEvents();
    final ClearingHouse house = new ClearingHouse(events);
    final LiquidationEngine engine =
        new LiquidationEngine(house, new LiquidationEngine.Context().bandPpm(1_000_000));
    long operatorSequence;
    long exchangeSequence;
    long memberSequence;
    long venueTradeId;

    DefaultFundTest()
    {
        ok(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 1, 1, USD));
        ok(house.listInstrument(OPERATOR, ++operatorSequence, ETH, "ETH-PERP", 100_000, 50_000, 0, 1, 1, USD));
        ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, 1000));
        ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, ETH, 1, 100));
    }

    @Test
    void contributionsAndCcpCapitalAreBucketsOfTheConservationIdentity()
    {
        open(10, 1, 1_000);
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 10, 400 * USD));
        assertEquals(new DefaultFundContributed(events.size(), 1, 10, 400 * USD, false, 600 * USD, 400 * USD, 400 * USD),
            events.last());
        ok(house.injectCcpCapital(OPERATOR, ++operatorSequence, 250 * USD));
        assertEquals(new CcpCapitalInjected(events.size(), 250 * USD, 250 * USD, 1_250 * USD), events.last());
        assertEquals(1_250 * USD, house.netDeposits());
        assertEquals(600 * USD, house.totalCash());
        assertEquals(400 * USD, house.defaultFund().totalContributions());
        assertEquals(250 * USD, house.defaultFund().ccpCapital());
        assertEquals(0, house.conservationError());

        // No more than the account could withdraw, not from a pool, a positive amount, a known account.
        assertEquals(Outcome.INSUFFICIENT_CASH, house.contributeDefaultFund(MEMBER, ++memberSequence, 10, 601 * USD));
        open(11, 1, 200);
        ok(house.clearTrade(EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, 11, 10, 1000, 1));
        assertEquals(Outcome.BELOW_INITIAL_MARGIN,
            house.contributeDefaultFund(MEMBER, ++memberSequence, 11, 101 * USD));
        assertEquals(Outcome.INVALID_AMOUNT, house.contributeDefaultFund(MEMBER, ++memberSequence, 10, 0));
        assertEquals(Outcome.UNKNOWN_ACCOUNT, house.contributeDefaultFund(MEMBER, ++memberSequence, 99, USD));
        ok(house.createPool(OPERATOR, ++operatorSequence, 90, 1));
        assertEquals(Outcome.NOT_AUTHORISED, house.contributeDefaultFund(MEMBER, ++memberSequence, 90, USD));
        assertEquals(Outcome.INVALID_AMOUNT, house.injectCcpCapital(OPERATOR, ++operatorSequence, -1));
        assertEquals(0, house.conservationError());
    }

    @Test
    void cover2TakesTheTwoLargestUncoveredStressLossesOfTheWorstScenario()
    {
        // Members 1-4 with accounts 101, 201, 301, 401 of 10_000 USD each; contributions 100, 50, 200, 50; CCP
        // capital 180; a static minimum of 50.
        open(101, 1, 10_000);
        open(201, 2, 10_000);
        open(301, 3, 10_000);
        open(401, 4, 10_000);
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 101, 100 * USD));
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 201, 50 * USD));
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 301, 200 * USD));
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 401, 50 * USD));
        ok(house.injectCcpCapital(OPERATOR, ++operatorSequence, 180 * USD));
        parameters(50);
        // Scenario 1: BTC -20%, ETH -30%. Scenario 2: BTC +20%, ETH +10%. Each instrument is its own underlying.
        ok(house.setStressScenario(OPERATOR, ++operatorSequence, 1, 2, new int[]{BTC, ETH}, new int[]{-200_000, -300_000}));
        ok(house.setStressScenario(OPERATOR, ++operatorSequence, 2, 2, new int[]{BTC, ETH}, new int[]{200_000, 100_000}));
        assertEquals(0, house.defaultFund().requirement());
        assertTrue(events.ofType(DefaultFundCalled.class).isEmpty());

        // Positions at the marks (BTC 1000, ETH 100): member 1 +10 BTC (value 10_000, IM 1_000); member 2 -15 BTC
        // and +50 ETH (-15_000 and 5_000, IM 2_000); member 3 +5 BTC and -80 ETH (5_000, -8_000, IM 1_300);
        // member 4 +30 ETH (3_000, IM 300).
        trade(BTC, 101, 201, 1000, 10);
        trade(BTC, 301, 201, 1000, 5);
        trade(ETH, 201, 301, 100, 50);
        trade(ETH, 401, 301, 100, 30);

        // Scenario 1: member 1 loses 2_000 (U = 2_000 - 1_000 - 100 = 900), member 2 gains 3_000 - 1_500, member 3
        // gains 2_400 - 1_000, member 4 loses 900 (U = 900 - 300 - 50 = 550): two largest 900 + 550 = 1_450.
        // Scenario 2: member 2 loses 3_000 - 500 = 2_500 (U = 2_500 - 2_000 - 50 = 450), the others gain: 450.
        // DF_req = 1_450 in scenario 1; requirements pro rata to U there: 900 and 550; members 2 and 3 the minimum.
        // Coverage: (400 contributions + 180 CCP capital) / 1_450 = 40%. The trades made the members dirty: the
        // check a second later finds their stress losses moved (from 0) and recomputes.
        runTo(1_000);
        final DefaultFundRecomputed recomputed = last(DefaultFundRecomputed.class);
        assertEquals(new DefaultFundRecomputed(recomputed.sequence(), DefaultFundRecomputeCause.EXPOSURE, 1_450 * USD,
            400 * USD, 180 * USD, 0, 580 * USD, 400_000, 1, 1, 900 * USD, 4, 550 * USD), recomputed);
        assertEquals(List.of(
            new MemberRequirementChanged(0, 1, 50 * USD, 900 * USD, 100 * USD, 2_000 * USD, 900 * USD, 1_000 * USD),
            new MemberRequirementChanged(0, 4, 50 * USD, 550 * USD, 50 * USD, 900 * USD, 550 * USD, 300 * USD)),
            requirementChangesAfter(recomputed.sequence()));
        assertEquals(50 * USD, house.defaultFund().member(2).requirement());
        assertEquals(50 * USD, house.defaultFund().member(3).requirement());
        // The shortfalls become calls due in an hour.
        assertEquals(List.of(
            new DefaultFundCalled(0, 1, 1, DefaultFundCallCause.REQUIREMENT, 800 * USD, 900 * USD, 100 * USD,
                1_000 + HOUR),
            new DefaultFundCalled(0, 2, 4, DefaultFundCallCause.REQUIREMENT, 500 * USD, 550 * USD, 50 * USD,
                1_000 + HOUR)), callsAfter(recomputed.sequence()));
        assertEquals(400_000, house.defaultFund().coverageRatioPpm());

        // Without scenario 1, scenario 2 is the worst: member 2 alone, 450.
        ok(house.setStressScenario(OPERATOR, ++operatorSequence, 1, 0, new int[0], new int[0]));
        final DefaultFundRecomputed second = last(DefaultFundRecomputed.class);
        assertEquals(new DefaultFundRecomputed(second.sequence(), DefaultFundRecomputeCause.PARAMETERS, 450 * USD,
            400 * USD, 180 * USD, 0, 580 * USD, 1_288_888, 2, 2, 450 * USD, 0, 0), second);
        assertEquals(450 * USD, house.defaultFund().member(2).requirement());
        assertEquals(50 * USD, house.defaultFund().member(1).requirement());
        assertEquals(0, house.conservationError());
    }

    @Test
    void aStressLossMovingByMoreThanTenPercentRecomputesAtTheNextCheck()
    {
        open(101, 1, 10_000);
        open(201, 2, 10_000);
        ok(house.setStressScenario(OPERATOR, ++operatorSequence, 1, 1, new int[]{BTC}, new int[]{-200_000}));
        trade(BTC, 101, 201, 1000, 10);
        runTo(1_000);
        // Member 1's stress loss: 20% of 10_000.
        assertEquals(2_000 * USD, house.defaultFund().member(1).stressLoss());
        final int recomputes = events.ofType(DefaultFundRecomputed.class).size();

        // One more lot: 2_200, exactly 10% more: not more than the threshold, no recomputation.
        house.advanceTime(2_000);
        trade(BTC, 101, 201, 1000, 1);
        runTo(4_000);
        assertEquals(recomputes, events.ofType(DefaultFundRecomputed.class).size());

        // Another: 2_400 against 2_000, 20%: recomputed at the check, a second after the trade.
        trade(BTC, 101, 201, 1000, 1);
        runTo(4_999);
        assertEquals(recomputes, events.ofType(DefaultFundRecomputed.class).size());
        runTo(5_000);
        assertEquals(recomputes + 1, events.ofType(DefaultFundRecomputed.class).size());
        assertEquals(DefaultFundRecomputeCause.EXPOSURE, last(DefaultFundRecomputed.class).cause());
        assertEquals(2_400 * USD, house.defaultFund().member(1).stressLoss());

        // The timer recomputes every 60 s after the last recomputation regardless.
        runTo(64_999);
        assertEquals(recomputes + 1, events.ofType(DefaultFundRecomputed.class).size());
        runTo(65_000);
        assertEquals(recomputes + 2, events.ofType(DefaultFundRecomputed.class).size());
        assertEquals(DefaultFundRecomputeCause.TIMER, last(DefaultFundRecomputed.class).cause());
    }

    @Test
    void callsAreMetByContributionsCollectedAtTheirDeadlineOrMissedAndFlagged()
    {
        open(101, 1, 1_500);
        open(201, 2, 300);
        open(301, 3, 10_000);
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 301, 1_000 * USD));
        parameters(1_000);
        // A minimum of 1_000: members 1 and 2 are called for 1_000 each, due in an hour.
        final List<DefaultFundCalled> calls = events.ofType(DefaultFundCalled.class);
        assertEquals(2, calls.size());
        assertEquals(1_000 * USD, calls.get(0).amount());
        assertEquals(HOUR, calls.get(1).deadline());

        // Member 1 pays 400 of it; at the deadline the other 600 are collected from its free cash.
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 101, 400 * USD));
        assertEquals(600 * USD, house.defaultFund().openCallOutstanding(1));
        runTo(HOUR);
        final List<DefaultFundCallClosed> closed = events.ofType(DefaultFundCallClosed.class);
        assertEquals(new DefaultFundCallClosed(closed.get(0).sequence(), 1, 1, DefaultFundCallCause.REQUIREMENT,
            1_000 * USD, 400 * USD, 600 * USD, 0, 1_000 * USD), closed.get(0));
        assertEquals(500 * USD, house.account(101).cash());

        // Member 2 had 300: collected, 700 missed, the member flagged.
        assertEquals(new DefaultFundCallClosed(closed.get(1).sequence(), 2, 2, DefaultFundCallCause.REQUIREMENT,
            1_000 * USD, 0, 300 * USD, 700 * USD, 300 * USD), closed.get(1));
        assertEquals(new DefaultFundMemberFlagged(closed.get(1).sequence() + 1, 2, true, 700 * USD, 300 * USD,
            1_000 * USD), events.ofType(DefaultFundMemberFlagged.class).get(0));
        assertTrue(house.defaultFund().isFlagged(2));

        // While flagged: no withdrawal and no new risk; a risk-reducing trade still clears.
        ok(house.deposit(MEMBER, ++memberSequence, 201, 2_000 * USD));
        assertEquals(Outcome.DEFAULT_FUND_CALL_MISSED, house.withdraw(MEMBER, ++memberSequence, 201, USD));
        assertEquals(Outcome.DEFAULT_FUND_CALL_MISSED, tradeOutcome(BTC, 201, 301, 1000, 1));
        assertEquals(Outcome.DEFAULT_FUND_CALL_MISSED, tradeOutcome(BTC, 301, 201, 1000, 1));
        assertEquals(Outcome.DEFAULT_FUND_CALL_MISSED, house.submitOrder(
            EXCHANGE, ++exchangeSequence, 77, 201, BTC, true, 1, 1000));

        // Making good its requirement clears the flag.
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 201, 700 * USD));
        assertFalse(house.defaultFund().isFlagged(2));
        assertEquals(new DefaultFundMemberFlagged(events.size(), 2, false, 0, 1_000 * USD, 1_000 * USD),
            last(DefaultFundMemberFlagged.class));
        ok(house.withdraw(MEMBER, ++memberSequence, 201, USD));
        ok(tradeOutcome(BTC, 201, 301, 1000, 1));
        assertEquals(0, house.conservationError());
    }

    @Test
    void aWaterfallThatUsedTheFundCallsForReplenishment()
    {
        open(10, 1, 10_000);
        open(11, 1, 1_000);
        open(30, 3, 100_000);
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 11, 300 * USD));
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 30, 1_000 * USD));
        parameters(200);
        assertTrue(events.ofType(DefaultFundCalled.class).isEmpty());
        ok(house.createPool(OPERATOR, ++operatorSequence, 90, 9));
        open(91, 9, 20_000);
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, 91, 200 * USD));
        ok(house.poolDeposit(MEMBER, ++memberSequence, 90, 91, 19_000 * USD));
        trade(BTC, 10, 30, 1000, 100);

        // At 880 account 10 owes 2_000: 700 from account 11, 300 from member 1's contribution, then the others'.
        runTo(1_000);
        ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, 880));
        runTo(1_101);
        assertEquals(0, house.defaultFund().member(1).contribution());
        // Member 1 (contribution used up) and member 3 (166.666666 left of 1_000) are below their requirement.
        final DefaultFundCalled call = events.ofType(DefaultFundCalled.class).stream()
            .filter((c) -> c.memberId() == 1).findFirst().orElseThrow();
        assertEquals(new DefaultFundCalled(call.sequence(), 1, 1, DefaultFundCallCause.REPLENISHMENT, 200 * USD,
            200 * USD, 0, 1_101 + HOUR), call);
        assertEquals(33_333_334L, house.defaultFund().openCallOutstanding(3));
        assertEquals(0, house.defaultFund().openCallOutstanding(9));
        assertTrue(call.sequence() > last(RecordingEvents.WaterfallClosed.class).sequence());
        assertEquals(0, house.conservationError());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private List<MemberRequirementChanged> requirementChangesAfter(final long sequence)
    {
        return events.ofType(MemberRequirementChanged.class).stream()
            .filter((e) -> e.sequence() > sequence)
            .map((e) -> new MemberRequirementChanged(0, e.memberId(), e.previousRequirement(), e.requirement(),
                e.contribution(), e.stressLoss(), e.uncoveredStressLoss(), e.initialMargin()))
            .toList();
    }

    private List<DefaultFundCalled> callsAfter(final long sequence)
    {
        return events.ofType(DefaultFundCalled.class).stream()
            .filter((e) -> e.sequence() > sequence)
            .map((e) -> new DefaultFundCalled(0, e.callId(), e.memberId(), e.cause(), e.amount(), e.requirement(),
                e.contribution(), e.deadline()))
            .toList();
    }

    private void parameters(final long minimumDollars)
    {
        ok(house.setDefaultFundParameters(OPERATOR, ++operatorSequence, minimumDollars * USD, 60_000, 100_000, 1_000,
            HOUR, 2_000_000, 28L * 86_400_000L, 10_000));
    }

    private void open(final long accountId, final long memberId, final long dollars)
    {
        ok(house.openAccount(OPERATOR, ++operatorSequence, accountId, memberId));
        ok(house.deposit(MEMBER, ++memberSequence, accountId, dollars * USD));
    }

    private void trade(final int instrumentId, final long buyer, final long seller, final long price, final long lots)
    {
        ok(tradeOutcome(instrumentId, buyer, seller, price, lots));
    }

    private Outcome tradeOutcome(
        final int instrumentId, final long buyer, final long seller, final long price, final long lots)
    {
        return house.clearTrade(EXCHANGE, ++exchangeSequence, ++venueTradeId, instrumentId, buyer, seller, price, lots);
    }

    private void runTo(final long toMs)
    {
        LiquidationEngineTest.advance(house, toMs);
    }

    private <T extends Event> T last(final Class<T> type)
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
