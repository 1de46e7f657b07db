package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.BreakerResumed;
import dev.backstop.clearing.domain.RecordingEvents.BreakerTripped;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.MarkPriceUpdated;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Circuit breakers (DESIGN.md 5 item 10) with the defaults: band 10% of the last settlement price around the rolling
 * 60-minute high and low, 2-minute halt. BTC-PERP's first mark is 1_000_000 ticks at T = 1_000_000 ms, so the first
 * settlement price is 1_000_000 and the band 100_000 ticks. Alice is long 5 lots and Bob short 5 when the tests start.
 */
class CircuitBreakerTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;

    static final int BTC = 1;
    static final long ALICE = 1;
    static final long BOB = 2;
    static final long CAROL = 3;
    static final long T = 1_000_000;

    RecordingEvents events;
    ClearingHouse house;
    final Map<Long, Long> lastSequence = new HashMap<>();
    long venueTradeId;
    long orderId;

    @BeforeEach
    void setUp()
    {
        events = new RecordingEvents();
        house = new ClearingHouse(events);
        accepted(house.listInstrument(OPERATOR, next(OPERATOR), BTC, "BTC-PERP", 100_000, 50_000, 0, 100_000, 1_000,
            1));
        for (long account = ALICE; account <= CAROL; account++)
        {
            accepted(house.openAccount(OPERATOR, next(OPERATOR), account, account));
            accepted(house.deposit(MEMBER, next(MEMBER), account, 1_000_000_000L));
        }
        house.advanceTime(T);
        tick(1_000_000);
        accepted(trade(ALICE, BOB, 1_000_000, 5));
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
     * The mark rises to 1_050_000 (a new high, inside the band), then jumps to 1_160_000: beyond the high plus the
     * band, 1_050_000 + 100_000 = 1_150_000. The tick still sets the mark, and new risk is halted until T + 10 s +
     * 120 s. During the halt a trade that increases either side is refused with INSTRUMENT_HALTED, one that reduces
     * both clears, and a reducing order is accepted while an increasing one is not. At the deadline the halt ends by
     * itself and increasing flow clears again.
     */
    @Test
    void aMarkBeyondTheBandHaltsNewRiskForTwoMinutesWhileReducingFlowClears()
    {
        house.advanceTime(T + 5_000);
        tick(1_050_000);
        house.advanceTime(T + 10_000);
        final int before = events.size();
        tick(1_160_000);
        final List<Event> trip = events.since(before);
        assertEquals(new MarkPriceUpdated(before + 1, BTC, 1, 1_160_000, 1_050_000, 1_160_000), trip.get(0));
        assertEquals(new BreakerTripped(before + 2, BTC, 1_160_000, 1_050_000, 1_050_000, 1_000_000, 100_000,
            1_000_000, T + 130_000), trip.get(1));
        assertEquals(1_160_000, house.instrument(BTC).markPriceTicks(), "the tripping tick sets the mark");
        assertTrue(house.instrument(BTC).circuitBreaker().isHalted(T + 10_000));

        house.advanceTime(T + 20_000);
        refused(Outcome.INSTRUMENT_HALTED, trade(ALICE, BOB, 1_160_000, 1)); // both sides grow
        refused(Outcome.INSTRUMENT_HALTED, trade(CAROL, ALICE, 1_160_000, 1)); // Alice reduces, Carol opens
        accepted(trade(BOB, ALICE, 1_160_000, 2)); // both reduce
        assertEquals(3, house.account(ALICE).quantityAt(0));
        refused(Outcome.INSTRUMENT_HALTED, house.submitOrder(
            EXCHANGE, next(EXCHANGE), ++orderId, CAROL, BTC, true, 1, 1_160_000));
        accepted(house.submitOrder(EXCHANGE, next(EXCHANGE), ++orderId, ALICE, BTC, false, 1, 1_160_000));

        // A further jump during the halt neither trips again nor extends it.
        tick(1_400_000);
        assertEquals(1, events.ofType(BreakerTripped.class).size());

        // The halt ends at its deadline on the timer (the VM cycles at T + 20 s and T + 80 s run on the way).
        final int resumeAt = events.size();
        runTo(T + 130_000);
        final List<BreakerResumed> resumed = events.since(resumeAt).stream()
            .filter(BreakerResumed.class::isInstance).map(BreakerResumed.class::cast).toList();
        assertEquals(List.of(new BreakerResumed(resumed.get(0).sequence(), BTC, 1_400_000, false, T + 10_000,
            T + 130_000)), resumed);
        assertFalse(house.instrument(BTC).circuitBreaker().isTripped());
        accepted(trade(CAROL, BOB, 1_400_000, 1));
    }

    @Test
    void aFallBelowTheLowLessTheBandTripsToo()
    {
        house.advanceTime(T + 1_000);
        tick(950_000);
        house.advanceTime(T + 2_000);
        tick(850_000); // inside: 950_000 - 100_000 = 850_000 is the edge, inclusive
        assertTrue(events.ofType(BreakerTripped.class).isEmpty());
        house.advanceTime(T + 3_000);
        tick(749_999);
        assertEquals(new BreakerTripped(events.size(), BTC, 749_999, 850_000, 1_000_000, 850_000, 100_000, 1_000_000,
            T + 123_000), events.last());
    }

    @Test
    void anOperatorResumesEarlyAndAResumeWithoutAHaltIsRefused()
    {
        house.advanceTime(T + 1_000);
        tick(1_200_000);
        assertTrue(house.instrument(BTC).circuitBreaker().isHalted(T + 1_000));
        house.advanceTime(T + 30_000);
        refused(Outcome.INSTRUMENT_HALTED, trade(CAROL, BOB, 1_200_000, 1));

        accepted(house.resumeInstrument(OPERATOR, next(OPERATOR), BTC));
        assertEquals(new BreakerResumed(events.size(), BTC, 1_200_000, true, T + 1_000, T + 121_000), events.last());
        accepted(trade(CAROL, BOB, 1_200_000, 1));
        refused(Outcome.INSTRUMENT_NOT_HALTED, house.resumeInstrument(OPERATOR, next(OPERATOR), BTC));
        refused(Outcome.UNKNOWN_INSTRUMENT, house.resumeInstrument(OPERATOR, next(OPERATOR), 9));

        // The resumed market's range includes the tripping mark: 1_250_000 is inside it now.
        house.advanceTime(T + 31_000);
        tick(1_250_000);
        assertEquals(1, events.ofType(BreakerTripped.class).size());
    }

    @Test
    void aCommandAfterTheDeadlinePublishesTheResumeBeforeItsOwnEvents()
    {
        house.advanceTime(T + 1_000);
        tick(1_200_000);
        house.advanceTime(T + 121_000); // the timer has not fired yet
        final int before = events.size();
        accepted(trade(CAROL, BOB, 1_200_000, 1));
        assertEquals(new BreakerResumed(before + 1, BTC, 1_200_000, false, T + 1_000, T + 121_000),
            events.since(before).get(0));
    }

    @Test
    void theWindowForgetsMarksOlderThanAnHourButNotTheMarkInForce()
    {
        house.advanceTime(T + 1_000);
        tick(1_080_000); // high 1_080_000
        house.advanceTime(T + 2_000);
        tick(1_000_000);
        // An hour and a bucket later the 1_080_000 bucket has left the window: the range is the mark in force alone.
        house.advanceTime(T + 3_662_000);
        final CircuitBreaker breaker = house.instrument(BTC).circuitBreaker();
        breaker.computeRange(1_000_000, T + 3_662_000);
        assertEquals(1_000_000, breaker.rangeHighTicks());
        breaker.computeRange(1_000_000, T + 3_000);
        assertEquals(1_080_000, breaker.rangeHighTicks(), "still inside the window a moment later");
    }

    @Test
    void theBandFollowsTheSettlementPriceOfTheLastVariationMarginCycle()
    {
        house.advanceTime(T + 10_000);
        tick(1_090_000);
        house.advanceTime(T + 20_000);
        runTo(T + 20_000); // the VM cycle at T + 20_000 (a whole minute) settles at 1_090_000
        assertEquals(1_090_000, house.instrument(BTC).settlementPriceTicks());
        // The band is now 109_000: 1_090_000 + 109_000 = 1_199_000 is the edge; the old band would have tripped.
        house.advanceTime(T + 21_000);
        tick(1_199_000);
        assertTrue(events.ofType(BreakerTripped.class).isEmpty());
        house.advanceTime(T + 22_000);
        tick(1_308_001);
        assertEquals(109_000, ((BreakerTripped)events.last()).bandTicks());
        assertEquals(1_199_000, ((BreakerTripped)events.last()).highTicks());
    }

    @Test
    void theOperatorSetsBandWindowAndHaltAndABandOfZeroTurnsTheBreakerOff()
    {
        refused(Outcome.INVALID_PARAMETER, house.setCircuitBreaker(OPERATOR, next(OPERATOR), BTC, 100_000, 61, 1));
        refused(Outcome.INVALID_PARAMETER, house.setCircuitBreaker(OPERATOR, next(OPERATOR), BTC, 100_000, 60, 0));
        refused(Outcome.INVALID_PARAMETER, house.setCircuitBreaker(OPERATOR, next(OPERATOR), BTC, -1, 60, 1));
        accepted(house.setCircuitBreaker(OPERATOR, next(OPERATOR), BTC, 20_000, 600_000, 5_000));
        house.advanceTime(T + 1_000);
        tick(1_021_000); // beyond 1_000_000 + 2% = 1_020_000
        assertEquals(T + 6_000, ((BreakerTripped)events.last()).haltedUntilMs());
        accepted(house.resumeInstrument(OPERATOR, next(OPERATOR), BTC));

        accepted(house.setCircuitBreaker(OPERATOR, next(OPERATOR), BTC, 0, 600_000, 5_000));
        house.advanceTime(T + 2_000);
        tick(2_000_000);
        assertEquals(1, events.ofType(BreakerTripped.class).size(), "off: even a doubling does not trip");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void runTo(final long toMs)
    {
        while (house.nextDeadlineMs() <= toMs)
        {
            house.onDeadline(house.nextDeadlineMs());
        }
        house.advanceTime(toMs);
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
    }
}
