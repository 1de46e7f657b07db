package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.DefaultFundCalled;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.PoolRedeemed;
import dev.backstop.clearing.domain.RecordingEvents.WaterfallCharge;
import dev.backstop.clearing.domain.RecordingEvents.WaterfallClosed;
import dev.backstop.clearing.domain.RecordingEvents.WaterfallStarted;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.backstop.clearing.domain.WaterfallRung.ASSESSMENTS;
import static dev.backstop.clearing.domain.WaterfallRung.CCP_CAPITAL;
import static dev.backstop.clearing.domain.WaterfallRung.DEFAULTER_COLLATERAL;
import static dev.backstop.clearing.domain.WaterfallRung.DEFAULTER_CONTRIBUTION;
import static dev.backstop.clearing.domain.WaterfallRung.INSURANCE_FUND;
import static dev.backstop.clearing.domain.WaterfallRung.MUTUALISED_CONTRIBUTIONS;
import static dev.backstop.clearing.domain.WaterfallRung.VM_GAINS_HAIRCUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss waterfall against numbers worked out by hand (DESIGN.md 5 items 6 and 11).
 * <p>
 * One instrument: 1 tick = 1 USD per lot, IMR 10%, MMR 5%, no fee. A defaulter buys 100 lots at 1000 with exactly its
 * initial margin (10_000 USD); the mark falls, it goes to the backstop pool whole at the next round (t = 1_100) and is
 * left flat with its negative equity as an open deficit; its waterfall runs 1 ms later.
 */
final class DefaultWaterfallTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final long USD = 1_000_000L;
    static final long POOL = 900;
    static final long DEPOSITOR = 901;

    final RecordingEvents events = new RecordingEvents();
    final ClearingHouse house = new ClearingHouse(events);
    final LiquidationEngine engine =
        new LiquidationEngine(house, new LiquidationEngine.Context().bandPpm(1_000_000).redemptionNoticeMs(5_000));
    long operatorSequence;
    long exchangeSequence;
    long memberSequence;
    long venueTradeId;

    DefaultWaterfallTest()
    {
        ok(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 1, 1, USD));
        tick(0, 1000);
    }

    @Test
    void aTwoMemberDefaultExhaustsTheDefaultersResourcesAndReachesTheMutualisedFund()
    {
        // Member 1: defaulter A (10) and account 11 with 500 free after contributing 300. Member 2: defaulter B (20)
        // and account 21, which contributed its 200. Member 3: C (30), the counterparty, contributes 1_000. Member 4:
        // E (40) contributes 2_000. CCP capital 400, insurance fund empty.
        open(10, 1, 10_000);
        open(11, 1, 800);
        open(20, 2, 10_000);
        open(21, 2, 200);
        open(30, 3, 100_000);
        open(40, 4, 2_000);
        contribute(11, 300);
        contribute(21, 200);
        contribute(30, 1_000);
        contribute(40, 2_000);
        ok(house.injectCcpCapital(OPERATOR, ++operatorSequence, 400 * USD));
        fundPool(40_000);
        trade(10, 30, 1000, 100);
        trade(20, 30, 1000, 100);
        assertEquals(0, house.conservationError());

        // At 880 both have equity 10_000 - 12_000 = -2_000, below 2/3 MM: the pool takes both whole at 1_100.
        tick(1_000, 880);
        runTo(1_100);
        assertEquals(List.of(new WaterfallStarted(started(10).sequence(), 10, 1, 2_000 * USD, 1),
            new WaterfallStarted(started(20).sequence(), 20, 2, 2_000 * USD, 2)), events.ofType(WaterfallStarted.class));
        assertTrue(house.defaultFund().waterfall().isOpen());
        assertEquals(4_000 * USD, house.openDeficits());

        runTo(1_101);
        // A, first by account id: 500 from account 11, 300 own contribution, 0 insurance, 400 CCP capital, and 800
        // from the others' contributions pro rata (member 2 is defaulting too, so only members 3 and 4: C = 3_000):
        // member 3 pays ceil(800 × 1_000 / 3_000) = 266.666667, member 4 ceil(800 × 2_000 / 3_000) = 533.333334;
        // the micro-unit paid above 800 goes to the fee account.
        assertEquals(List.of(
            rung(10, 1, DEFAULTER_COLLATERAL, 500 * USD, 1_500 * USD, 0, 1, 0),
            rung(10, 1, DEFAULTER_CONTRIBUTION, 300 * USD, 1_200 * USD, 0, 1, 0),
            rung(10, 1, INSURANCE_FUND, 0, 1_200 * USD, 0, 0, 0),
            rung(10, 1, CCP_CAPITAL, 400 * USD, 800 * USD, 0, 1, 0),
            rung(10, 1, MUTUALISED_CONTRIBUTIONS, 800 * USD, 0, 2_199_999_999L, 2, 1)), rungs(10));
        assertEquals(List.of(
            charge(10, DEFAULTER_COLLATERAL, 1, 11, 500 * USD, 500 * USD),
            charge(10, MUTUALISED_CONTRIBUTIONS, 3, 0, 1_000 * USD, 266_666_667L),
            charge(10, MUTUALISED_CONTRIBUTIONS, 4, 0, 2_000 * USD, 533_333_334L)), charges(10));

        // B: account 21 has nothing free, 200 own contribution, no insurance fund or CCP capital left, then 1_800
        // from members 3 (733.333333) and 4 (1_466.666666), one third and two thirds exactly.
        assertEquals(List.of(
            rung(20, 2, DEFAULTER_COLLATERAL, 0, 2_000 * USD, 0, 0, 0),
            rung(20, 2, DEFAULTER_CONTRIBUTION, 200 * USD, 1_800 * USD, 0, 1, 0),
            rung(20, 2, INSURANCE_FUND, 0, 1_800 * USD, 0, 0, 0),
            rung(20, 2, CCP_CAPITAL, 0, 1_800 * USD, 0, 0, 0),
            rung(20, 2, MUTUALISED_CONTRIBUTIONS, 1_800 * USD, 0, 399_999_999L, 2, 0)), rungs(20));
        assertEquals(List.of(
            charge(20, MUTUALISED_CONTRIBUTIONS, 3, 0, 733_333_333L, 600 * USD),
            charge(20, MUTUALISED_CONTRIBUTIONS, 4, 0, 1_466_666_666L, 1_200 * USD)), charges(20));

        final List<WaterfallClosed> closed = events.ofType(WaterfallClosed.class);
        assertEquals(new WaterfallClosed(closed.get(0).sequence(), 10, 1, 2_000 * USD, 500 * USD, 300 * USD, 0,
            400 * USD, 800 * USD, 0, 0, 1, 1), closed.get(0));
        assertEquals(new WaterfallClosed(closed.get(1).sequence(), 20, 2, 2_000 * USD, 0, 200 * USD, 0, 0,
            1_800 * USD, 0, 0, 1, 0), closed.get(1));

        assertFalse(house.defaultFund().waterfall().isOpen());
        assertFalse(engine.hasOpenDeficit(10));
        assertFalse(engine.hasOpenDeficit(20));
        assertEquals(0, house.account(10).cash());
        assertEquals(0, house.account(20).cash());
        assertEquals(RiskState.NORMAL, house.account(10).riskState());
        assertEquals(RiskState.NORMAL, house.account(20).riskState());
        assertEquals(0, house.openDeficits());
        assertEquals(1, house.feeAccount());
        assertEquals(133_333_333L, member(3).contribution());
        assertEquals(266_666_666L, member(4).contribution());
        // The first charge at rung 5 started each payer's capped period, its basis the contribution before it.
        assertEquals(1_101, member(3).periodStartMs());
        assertEquals(1_000 * USD, member(3).periodBasis());
        assertEquals(2_000 * USD, member(4).periodBasis());
        final DefaultWaterfall waterfall = house.defaultFund().waterfall();
        assertEquals(500 * USD, waterfall.totalAbsorbed(DEFAULTER_COLLATERAL));
        assertEquals(500 * USD, waterfall.totalAbsorbed(DEFAULTER_CONTRIBUTION));
        assertEquals(400 * USD, waterfall.totalAbsorbed(CCP_CAPITAL));
        assertEquals(2_600 * USD, waterfall.totalAbsorbed(MUTUALISED_CONTRIBUTIONS));
        assertEquals(2, waterfall.closedCount());
        assertEquals(0, house.conservationError());
    }

    @Test
    void anEventReachesAssessmentsCappedAtTwiceTheContributionThenTheVmGainsHaircut()
    {
        // A (member 1) buys 60 lots from C3 (member 3) and 40 from C4 (member 4). Contributions: member 3 100,
        // member 4 300, member 5 600 (its account C5 keeps 10). CCP capital 500.
        open(10, 1, 10_000);
        open(30, 3, 100_000);
        open(40, 4, 100_000);
        open(50, 5, 610);
        contribute(30, 100);
        contribute(40, 300);
        contribute(50, 600);
        ok(house.injectCcpCapital(OPERATOR, ++operatorSequence, 500 * USD));
        fundPool(20_000);
        trade(10, 30, 1000, 60);
        trade(10, 40, 1000, 40);

        // At 800 A has equity 10_000 - 20_000 = -10_000.
        tick(1_000, 800);
        runTo(1_101);
        // Rungs 1-3 have nothing; CCP capital 500; contributions 1_000 (each member pays all it has, starting its
        // capped period: bases 100, 300, 600, caps 200, 600, 1_200). Assessments: member 5's accounts hold only 10,
        // so the capacity is 200 + 600 + 10 = 810 < 8_500 left. Round 1 by basis (W = 1_000): 81, 243, 486 capped
        // at 10; round 2 for 476 left by basis (W = 400): 119 and 357, so member 3 pays 200 and member 4 600, both
        // exactly 2× their contribution: the cap binds. The 7_690 left are the VM gains haircut: C3 gains 12_000
        // and C4 8_000 at 800, so they pay 4_614 and 3_076.
        assertEquals(List.of(
            rung(10, 1, DEFAULTER_COLLATERAL, 0, 10_000 * USD, 0, 0, 0),
            rung(10, 1, DEFAULTER_CONTRIBUTION, 0, 10_000 * USD, 0, 0, 0),
            rung(10, 1, INSURANCE_FUND, 0, 10_000 * USD, 0, 0, 0),
            rung(10, 1, CCP_CAPITAL, 500 * USD, 9_500 * USD, 0, 1, 0),
            rung(10, 1, MUTUALISED_CONTRIBUTIONS, 1_000 * USD, 8_500 * USD, 0, 3, 0),
            rung(10, 1, ASSESSMENTS, 810 * USD, 7_690 * USD, 0, 3, 0),
            rung(10, 1, VM_GAINS_HAIRCUT, 7_690 * USD, 0, 12_310 * USD, 2, 0)), rungs(10));
        assertEquals(List.of(
            charge(10, MUTUALISED_CONTRIBUTIONS, 3, 0, 100 * USD, 100 * USD),
            charge(10, MUTUALISED_CONTRIBUTIONS, 4, 0, 300 * USD, 300 * USD),
            charge(10, MUTUALISED_CONTRIBUTIONS, 5, 0, 600 * USD, 600 * USD),
            charge(10, ASSESSMENTS, 3, 30, 100 * USD, 200 * USD),
            charge(10, ASSESSMENTS, 4, 40, 300 * USD, 600 * USD),
            charge(10, ASSESSMENTS, 5, 50, 600 * USD, 10 * USD),
            charge(10, VM_GAINS_HAIRCUT, 3, 30, 12_000 * USD, 4_614 * USD),
            charge(10, VM_GAINS_HAIRCUT, 4, 40, 8_000 * USD, 3_076 * USD)), charges(10));
        assertEquals(200 * USD, member(3).assessedInPeriod());
        assertEquals(2 * member(3).periodBasis(), member(3).assessedInPeriod());
        assertEquals(2 * member(4).periodBasis(), member(4).assessedInPeriod());
        assertEquals((100_000 - 100 - 200 - 4_614) * USD, house.account(30).cash());
        assertEquals(0, house.account(50).cash());
        assertEquals(0, house.account(10).cash());
        assertEquals(0, house.conservationError());

        // A second default in the same capped period finds members 3 and 4 at their caps: nothing more to assess.
        assertEquals(0, house.defaultFund().waterfall().openCount());
        assertEquals(7_690 * USD, house.defaultFund().waterfall().totalAbsorbed(VM_GAINS_HAIRCUT));
    }

    @Test
    void theVmGainsHaircutIsProRataToTheGainsRoundedUpWithTheOvershootToTheFeeAccount()
    {
        // A (member 1) buys 50 from C3 (member 3) and 50 from C4 (member 4); W (member 6) bought 7 at 873 from C5.
        open(10, 1, 10_000);
        open(30, 3, 10_000);
        open(40, 4, 10_000);
        open(50, 5, 10_000);
        open(60, 6, 10_000);
        fundPool(20_000);
        trade(10, 30, 1000, 50);
        trade(10, 40, 1000, 50);
        trade(60, 50, 873, 7);

        // At 880 A owes 2_000 and nothing but the gains can pay: C3 6_000, C4 6_000, W 7 × 7 = 49 (Σ 12_049).
        // Each pays ceil(2_000 × gain / 12_049): 995.933273, 995.933273 and 8.133456; the 2 micro-units above
        // 2_000 go to the fee account.
        tick(1_000, 880);
        runTo(1_101);
        assertEquals(rung(10, 1, VM_GAINS_HAIRCUT, 2_000 * USD, 0, 10_049 * USD - 2, 3, 2), rungs(10).get(6));
        assertEquals(List.of(
            charge(10, VM_GAINS_HAIRCUT, 3, 30, 6_000 * USD, 995_933_273L),
            charge(10, VM_GAINS_HAIRCUT, 4, 40, 6_000 * USD, 995_933_273L),
            charge(10, VM_GAINS_HAIRCUT, 6, 60, 49 * USD, 8_133_456L)), charges(10));
        assertEquals(2, house.feeAccount());
        assertEquals(10_000 * USD - 8_133_456L, house.account(60).cash());
        assertEquals(0, house.account(10).cash());
        for (int code = 1; code < 7; code++)
        {
            assertEquals(0, rungs(10).get(code - 1).absorbed());
        }
        assertEquals(0, house.conservationError());
    }

    @Test
    void withdrawalsAndRedemptionsWaitWhileAWaterfallIsOpenAndGoOnOnceItCloses()
    {
        open(10, 1, 10_000);
        open(30, 3, 100_000);
        fundPool(20_000);
        house.advanceTime(500);
        ok(house.requestPoolRedemption(MEMBER, ++memberSequence, POOL, DEPOSITOR, 1_000 * USD));
        trade(10, 30, 1000, 100);
        tick(1_000, 880);
        runTo(1_100);

        // C closes its short against the pool and realises its gain: nobody is left with a VM gain, so no rung can
        // absorb A's 2_000 and the waterfall stays open.
        trade(30, POOL, 880, 100);
        runTo(1_101);
        assertEquals(7, rungs(10).size());
        assertEquals(2_000 * USD, rungs(10).get(6).remaining());
        assertTrue(house.defaultFund().waterfall().isOpen());

        // The gates: no withdrawal, no redemption request, and the redemption due at 5_500 waits.
        assertEquals(Outcome.WATERFALL_OPEN, house.withdraw(MEMBER, ++memberSequence, 30, USD));
        assertEquals(Outcome.WATERFALL_OPEN, house.requestPoolRedemption(MEMBER, ++memberSequence, POOL, DEPOSITOR, 1));
        runTo(6_000);
        assertTrue(events.ofType(PoolRedeemed.class).isEmpty());

        // CCP capital closes it at the next attempt, 10 s after the first; then both gates open.
        ok(house.injectCcpCapital(OPERATOR, ++operatorSequence, 2_000 * USD));
        runTo(11_100);
        assertTrue(house.defaultFund().waterfall().isOpen());
        runTo(11_101);
        assertFalse(house.defaultFund().waterfall().isOpen());
        assertEquals(2_000 * USD, last(WaterfallClosed.class).absorbedRung4());
        ok(house.withdraw(MEMBER, ++memberSequence, 30, USD));
        runTo(12_200);
        final PoolRedeemed redeemed = last(PoolRedeemed.class);
        assertTrue(redeemed.sequence() > last(WaterfallClosed.class).sequence());
        assertEquals(1_000 * USD, redeemed.sharesBurned());
        assertEquals(0, house.conservationError());
    }

    @Test
    void anOpenWaterfallAndTheFundSurviveASnapshotAndTheCopyGoesOnTheSame()
    {
        open(10, 1, 10_000);
        open(30, 3, 100_000);
        open(40, 4, 1_000);
        contribute(40, 700);
        ok(house.setDefaultFundParameters(
            OPERATOR, ++operatorSequence, 500 * USD, 60_000, 100_000, 1_000, 3_600_000, 2_000_000, 28L * 86_400_000L,
            10_000));
        ok(house.setStressScenario(OPERATOR, ++operatorSequence, 7, 1, new int[]{BTC}, new int[]{-250_000}));
        fundPool(20_000);
        trade(10, 30, 1000, 100);
        tick(1_000, 880);
        runTo(1_100);
        trade(30, POOL, 880, 100);
        runTo(1_101);
        assertTrue(house.defaultFund().waterfall().isOpen());
        assertTrue(house.defaultFund().openCallCount() > 0);

        final RecordingEvents copyEvents = new RecordingEvents(house.eventSequence() + 1);
        final ClearingHouse copy = SnapshotLoader.copyOf(house, copyEvents);
        assertArrayEquals(LiquidationEngineTest.digest(house), LiquidationEngineTest.digest(copy));
        assertEquals(house.nextDeadlineMs(), copy.nextDeadlineMs());

        final int mark = events.size();
        for (final ClearingHouse h : List.of(house, copy))
        {
            ok(h.injectCcpCapital(OPERATOR, operatorSequence + 1, 1_500 * USD));
            ok(h.contributeDefaultFund(MEMBER, memberSequence + 1, 30, 400 * USD));
            LiquidationEngineTest.advance(h, 4_000_000);
        }
        assertEquals(events.since(mark), copyEvents.events);
        assertArrayEquals(LiquidationEngineTest.digest(house), LiquidationEngineTest.digest(copy));
        assertFalse(copy.defaultFund().waterfall().isOpen());
        assertEquals(0, copy.conservationError());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private RecordingEvents.WaterfallRung rung(
        final long accountId,
        final long memberId,
        final WaterfallRung rung,
        final long absorbed,
        final long remaining,
        final long resourceAfter,
        final long payers,
        final long rounding)
    {
        return new RecordingEvents.WaterfallRung(
            0, accountId, memberId, rung, absorbed, remaining, resourceAfter, payers, rounding);
    }

    private List<RecordingEvents.WaterfallRung> rungs(final long accountId)
    {
        return events.ofType(RecordingEvents.WaterfallRung.class).stream()
            .filter((r) -> r.accountId() == accountId)
            .map((r) -> new RecordingEvents.WaterfallRung(0, r.accountId(), r.memberId(), r.rung(), r.absorbed(),
                r.remaining(), r.resourceAfter(), r.payerCount(), r.roundingToFee()))
            .toList();
    }

    private static WaterfallCharge charge(
        final long accountId,
        final WaterfallRung rung,
        final long payerMemberId,
        final long payerAccountId,
        final long basis,
        final long amount)
    {
        return new WaterfallCharge(0, accountId, rung, payerMemberId, payerAccountId, basis, amount);
    }

    private List<WaterfallCharge> charges(final long accountId)
    {
        return events.ofType(WaterfallCharge.class).stream()
            .filter((c) -> c.accountId() == accountId)
            .map((c) -> new WaterfallCharge(0, c.accountId(), c.rung(), c.payerMemberId(), c.payerAccountId(),
                c.basis(), c.amount()))
            .toList();
    }

    private WaterfallStarted started(final long accountId)
    {
        return events.ofType(WaterfallStarted.class).stream().filter((s) -> s.accountId() == accountId).findFirst()
            .orElseThrow();
    }

    private MemberFund member(final long memberId)
    {
        return house.defaultFund().member(memberId);
    }

    private void open(final long accountId, final long memberId, final long dollars)
    {
        ok(house.openAccount(OPERATOR, ++operatorSequence, accountId, memberId));
        ok(house.deposit(MEMBER, ++memberSequence, accountId, dollars * USD));
    }

    private void contribute(final long accountId, final long dollars)
    {
        ok(house.contributeDefaultFund(MEMBER, ++memberSequence, accountId, dollars * USD));
    }

    private void fundPool(final long dollars)
    {
        ok(house.createPool(OPERATOR, ++operatorSequence, POOL, 9));
        open(DEPOSITOR, 9, dollars);
        ok(house.poolDeposit(MEMBER, ++memberSequence, POOL, DEPOSITOR, dollars * USD));
    }

    private void trade(final long buyer, final long seller, final long priceTicks, final long lots)
    {
        ok(house.clearTrade(EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, buyer, seller, priceTicks, lots));
    }

    private void tick(final long nowMs, final long priceTicks)
    {
        runTo(nowMs);
        ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, priceTicks));
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
