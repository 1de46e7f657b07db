package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AccountSettled;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.SettlementSummary;
import dev.backstop.clearing.domain.RecordingEvents.TradeCleared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement cycles (DESIGN.md 5 item 9) against numbers worked out by hand in the comments: a variation margin
 * cycle, and funding with F > 0, with F < 0 and with the clamp and the cap binding, each showing the rounding
 * remainder that goes to the fee account. After every test money is conserved and a snapshot copy has the same state.
 * <p>
 * Alice (1) and Carol (3) are long, Bob (2) is short, so events come in account id order Alice, Bob, Carol.
 */
class SettlementCycleTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;

    static final int BTC = 1;
    static final long ALICE = 1;
    static final long BOB = 2;
    static final long CAROL = 3;

    RecordingEvents events;
    ClearingHouse house;
    final Map<Long, Long> lastSequence = new HashMap<>();
    long venueTradeId;

    @BeforeEach
    void setUp()
    {
        events = new RecordingEvents();
        house = new ClearingHouse(events);
    }

    @AfterEach
    void booksBalanceAndASnapshotCopyIsIdentical()
    {
        assertEquals(0, house.conservationError());
        final ClearingHouse copy = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        assertEquals(StateDump.of(house), StateDump.of(copy));
        assertEquals(StateDump.digestOf(house), StateDump.digestOf(copy));
    }

    /**
     * BTC-PERP with tick value 100 micro-units and a 0.05% fee. Alice buys 10 lots from Bob at 500_000 (value
     * 500_000_000, fee 250_000 each); the mark moves to 510_000, so Alice is 10 × 10_000 × 100 = 10_000_000 up and Bob
     * as much down. The cycle at 60_000 turns that into cash and moves both cost bases to the mark; equity does not
     * move. Alice then sells 4 to Carol at 505_000: her realised PnL is measured from the settlement price, not from
     * her trade price: −4 × 505_000 × 100 − (−4/10 × 510_000_000) = 202_000_000 − 204_000_000 = −2_000_000. Her PnL
     * in all is 10_000_000 − 2_000_000 = 8_000_000 = 4 lots × 5_000 × 100 + 6 lots × 10_000 × 100, as if nothing had
     * been settled in between. The next cycle at 508_000 nets to zero only with that realised loss counted: VM is
     * Alice 6 × −2_000 × 100 = −1_200_000, Bob −10 × −2_000 × 100 = +2_000_000, Carol 4 × 3_000 × 100 = +1_200_000,
     * so paid = 1_200_000 + 2_000_000 (realised) = 3_200_000 = received.
     */
    @Test
    void variationMarginTurnsUnrealisedPnlIntoCashAndALaterCloseRealisesFromTheSettlementPrice()
    {
        listAndFund(500, 100, 100_000_000_000L);
        house.advanceTime(30_000);
        tick(500_000);
        accepted(trade(ALICE, BOB, 500_000, 10));
        assertEquals(60_000, house.nextDeadlineMs(), "the first position schedules the next whole minute");
        house.advanceTime(40_000);
        tick(510_000);
        final long aliceEquity = house.equity(house.account(ALICE));
        final long bobEquity = house.equity(house.account(BOB));
        final long aliceCash = house.account(ALICE).cash();
        final long bobCash = house.account(BOB).cash();

        final int before = events.size();
        house.onDeadline(60_000);
        final List<Event> cycle = events.since(before);
        assertEquals(List.of(
            new AccountSettled(before + 1, 1, SettlementKind.VARIATION_MARGIN, BTC, ALICE, 10, 510_000, 10_000_000, 0,
                250_000, aliceCash, aliceCash + 10_000_000),
            new AccountSettled(before + 2, 1, SettlementKind.VARIATION_MARGIN, BTC, BOB, -10, 510_000, -10_000_000, 0,
                250_000, bobCash, bobCash - 10_000_000),
            new SettlementSummary(before + 3, 1, SettlementKind.VARIATION_MARGIN, BTC, 510_000, 510_000, 0, 0, 0,
                10_000_000, 10_000_000, 0, 0, 2, 0, 500_000, 0, 0)), cycle);
        assertEquals(510_000_000, house.account(ALICE).costBasisAt(0), "cost basis moved to the mark");
        assertEquals(-510_000_000, house.account(BOB).costBasisAt(0));
        assertEquals(0, house.unrealisedPnl(house.account(ALICE), 0));
        assertEquals(aliceEquity, house.equity(house.account(ALICE)), "equity does not move");
        assertEquals(bobEquity, house.equity(house.account(BOB)));
        assertEquals(510_000, house.instrument(BTC).settlementPriceTicks());
        assertEquals(120_000, house.nextVariationMarginMs());

        house.advanceTime(70_000);
        accepted(trade(CAROL, ALICE, 505_000, 4));
        final TradeCleared close = (TradeCleared)events.ofType(TradeCleared.class).get(1);
        assertEquals(-2_000_000, close.sellerRealisedPnl());
        assertEquals(101_000, close.sellerFee()); // 4 × 505_000 × 100 × 0.05%
        assertEquals(306_000_000, house.account(ALICE).costBasisAt(0), "the rest of the settled cost stays");

        house.advanceTime(80_000);
        tick(508_000);
        final int second = events.size();
        house.onDeadline(120_000);
        final List<AccountSettled> settled = events.since(second).stream()
            .filter(AccountSettled.class::isInstance).map(AccountSettled.class::cast).toList();
        assertEquals(List.of(-1_200_000L, 2_000_000L, 1_200_000L),
            settled.stream().map(AccountSettled::variationMargin).toList());
        assertEquals(List.of(101_000L, 0L, 101_000L), settled.stream().map(AccountSettled::fees).toList());
        final SettlementSummary summary = (SettlementSummary)events.last();
        assertEquals(new SettlementSummary(summary.sequence(), 2, SettlementKind.VARIATION_MARGIN, BTC, 508_000,
            508_000, 0, 0, 60_000, 3_200_000, 3_200_000, 0, 0, 3, 0, 202_000, 2_000_000, 0), summary);
    }

    /**
     * F > 0. Funding every 10 s from 100_000; tick value 1, no fee. The mark is the index plus the EMA of the venue's
     * basis (window 1 ms, so the last trade's basis): trades at 1_001_000 against an index of 1_000_000 put the mark
     * at 1_001_000 from the tick at 102_000. The premium is 0 from 100_000 to 102_000 and 1_000 / 1_000_000 = 1_000 ppm
     * from 102_000 to 110_000: weighted by time P = (0 × 2_000 + 1_000 × 8_000) / 10_000 = 800 ppm. With I = 100 ppm,
     * {@code I − P = −700} clamps to −500, so F = 800 − 500 = 300 ppm: longs pay. At 1_001_000: Alice (7 lots,
     * notional 7_007_000) owes 2_102.1 → pays 2_103; Carol (3 lots, 3_003_000) owes 900.9 → pays 901; Bob (short 10,
     * 10_010_000) is owed 3_003.0 → receives 3_003. Paid 3_004 = received 3_003 + remainder 1 to the fee account.
     */
    @Test
    void fundingWithAPositiveRateMakesLongsPayShortsAndTheRoundingRemainderGoesToTheFeeAccount()
    {
        fundingMarket(1_001_000);
        house.advanceTime(102_000);
        tick(1_000_000);
        assertEquals(1_001_000, house.instrument(BTC).markPriceTicks());
        final long feeAccount = house.feeAccount();

        final List<Event> cycle = runTo(110_000);
        assertEquals(List.of(
            new AccountSettled(cycle.get(0).sequence(), 1, SettlementKind.FUNDING, BTC, ALICE, 7, 1_001_000, 0, -2_103,
                0, 10_000_000, 10_000_000 - 2_103),
            new AccountSettled(cycle.get(1).sequence(), 1, SettlementKind.FUNDING, BTC, BOB, -10, 1_001_000, 0, 3_003,
                0, 10_000_000, 10_000_000 + 3_003),
            new AccountSettled(cycle.get(2).sequence(), 1, SettlementKind.FUNDING, BTC, CAROL, 3, 1_001_000, 0, -901, 0,
                10_000_000, 10_000_000 - 901),
            new SettlementSummary(cycle.get(3).sequence(), 1, SettlementKind.FUNDING, BTC, 1_001_000, 1_000_000, 800,
                300, 100_000, 3_004, 3_003, 1, 0, 3, 0, 0, 0, 0)), cycle);
        assertEquals(feeAccount + 1, house.feeAccount());
        assertEquals(120_000, house.instrument(BTC).funding().nextFundingMs(), "the next interval");
    }

    /**
     * F < 0. A trade at 999_000 against an index of 1_000_000 puts the mark 1_000 ticks below the index for the whole
     * interval: P = −1_000 ppm, {@code I − P = 1_100} clamps to +500, F = −500 ppm: shorts pay longs. At 999_000: Bob
     * (short 10, notional 9_990_000) owes 4_995.0 → pays 4_995; Alice (6_993_000) is owed 3_496.5 → receives 3_496;
     * Carol (2_997_000) is owed 1_498.5 → receives 1_498. Paid 4_995 = received 4_994 + remainder 1.
     */
    @Test
    void fundingWithANegativeRateMakesShortsPayLongs()
    {
        fundingMarket(999_000);
        tick(1_000_000); // at 100_000: the mark takes the basis at once
        assertEquals(999_000, house.instrument(BTC).markPriceTicks());

        final List<Event> cycle = runTo(110_000);
        assertEquals(List.of(3_496L, -4_995L, 1_498L),
            cycle.subList(0, 3).stream().map(e -> ((AccountSettled)e).funding()).toList());
        final SettlementSummary summary = (SettlementSummary)cycle.get(3);
        assertEquals(-1_000, summary.premiumPpm());
        assertEquals(-500, summary.fundingRatePpm());
        assertEquals(4_995, summary.paid());
        assertEquals(4_994, summary.received());
        assertEquals(1, summary.feeRemainder());
        assertEquals(0, summary.net());
    }

    /**
     * The clamp and the cap bind. A basis of +30_001 ticks on 1_000_000 is a premium of 30_001 ppm (3.0001%):
     * {@code I − P = −29_901} clamps to −500, F = 29_501 ppm, capped at 5_000 (0.5%). At 1_030_001: Alice owes
     * 7_210_007 / 200 = 36_050.035 → 36_051, Carol 3_090_003 / 200 = 15_450.015 → 15_451, Bob is owed
     * 10_300_010 / 200 = 51_500.05 → 51_500. Paid 51_502 = received 51_500 + remainder 2.
     */
    @Test
    void theClampAndTheCapBindOnALargePremium()
    {
        fundingMarket(1_030_001);
        tick(1_000_000);
        assertEquals(1_030_001, house.instrument(BTC).markPriceTicks());

        final List<Event> cycle = runTo(110_000);
        assertEquals(List.of(-36_051L, 51_500L, -15_451L),
            cycle.subList(0, 3).stream().map(e -> ((AccountSettled)e).funding()).toList());
        final SettlementSummary summary = (SettlementSummary)cycle.get(3);
        assertEquals(30_001, summary.premiumPpm());
        assertEquals(5_000, summary.fundingRatePpm());
        assertEquals(51_502, summary.paid());
        assertEquals(51_500, summary.received());
        assertEquals(2, summary.feeRemainder());
        assertEquals(0, summary.net());
        assertEquals(5_000, PerpetualFunding.rateOf(30_001, 100, 500, 5_000));
        assertEquals(29_501, PerpetualFunding.rateOf(30_001, 100, 500, 1_000_000), "the clamp alone");
    }

    @Test
    void theRateFollowsTheFormulaOnEitherSideOfTheClamp()
    {
        // F = P + clamp(I − P, ±500), capped at ±5_000.
        assertEquals(100, PerpetualFunding.rateOf(0, 100, 500, 5_000), "no premium: the interest");
        assertEquals(100, PerpetualFunding.rateOf(300, 100, 500, 5_000), "|I − P| within the clamp: I");
        assertEquals(100, PerpetualFunding.rateOf(-400, 100, 500, 5_000));
        assertEquals(101, PerpetualFunding.rateOf(601, 100, 500, 5_000), "P − 500 above it");
        assertEquals(-401, PerpetualFunding.rateOf(-901, 100, 500, 5_000), "P + 500 below it");
        assertEquals(-5_000, PerpetualFunding.rateOf(-900_000, 100, 500, 5_000));
        assertEquals(1_000_000L, PerpetualFunding.premiumPpb(1_001_000, 1_000_000));
        assertEquals(-333_333_333L, PerpetualFunding.premiumPpb(2, 3), "rounded towards zero");
        assertEquals(1_000_000_000L, PerpetualFunding.premiumPpb(5, 2), "bounded to 100%");
    }

    @Test
    void nothingIsDueWhileNobodyHoldsAPositionAndAnIdleScheduleRollsForward()
    {
        listAndFund(0, 1, 10_000_000);
        house.advanceTime(100_000);
        tick(1_000_000);
        assertEquals(Long.MAX_VALUE, house.nextDeadlineMs(), "no open interest: no timer");

        house.advanceTime(30_000_000); // past the first 8-hour funding boundary
        accepted(trade(ALICE, BOB, 1_000_000, 1));
        assertEquals(30_060_000, house.nextDeadlineMs(), "VM at the next whole minute, not at once");
        assertEquals(57_600_000, house.instrument(BTC).funding().nextFundingMs(), "funding at the next 8 hours");
        accepted(trade(BOB, ALICE, 1_000_000, 1));
        assertEquals(Long.MAX_VALUE, house.nextDeadlineMs(), "flat again: nothing due");
    }

    @Test
    void operatorCommandsSetTheIntervalsAndRefuseWhatIsOutOfRange()
    {
        listAndFund(0, 1, 10_000_000);
        house.advanceTime(100_500);
        accepted(house.setVariationMarginInterval(OPERATOR, next(OPERATOR), 1_000));
        assertEquals(101_000, house.nextVariationMarginMs());
        refused(Outcome.INVALID_PARAMETER, house.setVariationMarginInterval(OPERATOR, next(OPERATOR), 999));
        refused(Outcome.INVALID_PARAMETER, house.setFundingParameters(OPERATOR, next(OPERATOR), BTC, 500, 100, 500,
            5_000));
        refused(Outcome.INVALID_PARAMETER, house.setFundingParameters(OPERATOR, next(OPERATOR), BTC, 10_000, 100, -1,
            5_000));
        refused(Outcome.UNKNOWN_INSTRUMENT, house.setFundingParameters(OPERATOR, next(OPERATOR), 9, 10_000, 100, 500,
            5_000));
        accepted(house.setFundingParameters(OPERATOR, next(OPERATOR), BTC, 0, 100, 500, 5_000));
        assertEquals(Long.MAX_VALUE, house.instrument(BTC).funding().nextFundingMs(), "funding off");
        assertEquals(new RecordingEvents.RiskParametersChanged(
            events.size(), CommandType.SET_FUNDING_PARAMETERS, BTC, 0), events.last());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * The funding market: tick value 1, no fee, mark = index + the last trade's basis, funding every 10 s from
     * 100_000; Alice buys 7 and Carol 3 from Bob at {@code tradePrice} against an index of 1_000_000.
     */
    private void fundingMarket(final long tradePrice)
    {
        listAndFund(0, 1, 10_000_000);
        accepted(house.setOracleParameters(OPERATOR, next(OPERATOR), BTC, 30_000, 50_000, 1,
            MarkBasis.INDEX_PLUS_EMA_BASIS.code(), 1, 16));
        house.advanceTime(100_000);
        accepted(house.setFundingParameters(OPERATOR, next(OPERATOR), BTC, 10_000, 100, 500, 5_000));
        accepted(house.setVariationMarginInterval(OPERATOR, next(OPERATOR), 0));
        tick(1_000_000);
        accepted(trade(ALICE, BOB, tradePrice, 7));
        accepted(trade(CAROL, BOB, tradePrice, 3));
        assertEquals(110_000, house.nextDeadlineMs());
    }

    private void listAndFund(final int feePpm, final long tickValue, final long deposit)
    {
        accepted(house.listInstrument(OPERATOR, next(OPERATOR), BTC, "BTC-PERP", 100_000, 50_000, feePpm, 100_000,
            1_000, tickValue));
        for (long account = ALICE; account <= CAROL; account++)
        {
            accepted(house.openAccount(OPERATOR, next(OPERATOR), account, account));
            accepted(house.deposit(MEMBER, next(MEMBER), account, deposit));
        }
    }

    private List<Event> runTo(final long toMs)
    {
        final int before = events.size();
        while (house.nextDeadlineMs() <= toMs)
        {
            house.onDeadline(house.nextDeadlineMs());
        }
        house.advanceTime(toMs);
        return events.since(before);
    }

    private void tick(final long price)
    {
        accepted(house.applyPriceTick(EXCHANGE, next(EXCHANGE), BTC, 1, price));
    }

    private Outcome trade(final long buyer, final long seller, final long price, final long lots)
    {
        return house.clearTrade(EXCHANGE, next(EXCHANGE), ++venueTradeId, BTC, buyer, seller, price, lots);
    }

    private long next(final long sender)
    {
        final long sequence = lastSequence.getOrDefault(sender, 0L) + 1;
        lastSequence.put(sender, sequence);
        return sequence;
    }

    private static void accepted(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }

    private static void refused(final Outcome expected, final Outcome outcome)
    {
        assertEquals(expected, outcome);
        assertTrue(outcome.isRefusal());
    }
}
