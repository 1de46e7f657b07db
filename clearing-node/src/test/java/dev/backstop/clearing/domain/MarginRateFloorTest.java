package dev.backstop.clearing.domain;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anti-procyclicality: a rate at 10% with a floor of 5%, cuts released by at most 1% (10_000 ppm) per second.
 */
class MarginRateFloorTest
{
    static final long NONE = MarginRateFloor.NO_DEADLINE;

    @Test
    void aCutIsReleasedOneStepPerIntervalDownToItsTarget()
    {
        final MarginRateFloor rate = MarginRateFloor.of(100_000, 50_000, 10_000, 1_000);
        assertEquals(NONE, rate.nextStepDeadlineMs());

        // cut to 7% at t = 0: nothing at once, first step one interval later
        assertEquals(Outcome.ACCEPTED, rate.setTarget(70_000, 0));
        assertEquals(100_000, rate.effectiveRatePpm());
        assertEquals(70_000, rate.targetRatePpm());
        assertEquals(1_000, rate.nextStepDeadlineMs());

        assertFalse(rate.onDeadline(999));
        assertEquals(100_000, rate.effectiveRatePpm());
        // 10% -> 9% -> 8% -> 7%, each a second after the previous step
        assertTrue(rate.onDeadline(1_000));
        assertEquals(90_000, rate.effectiveRatePpm());
        assertEquals(2_000, rate.nextStepDeadlineMs());
        assertTrue(rate.onDeadline(2_000));
        assertEquals(80_000, rate.effectiveRatePpm());
        // a late timer releases one step only, and the next is an interval after it
        assertTrue(rate.onDeadline(3_500));
        assertEquals(70_000, rate.effectiveRatePpm());
        assertEquals(NONE, rate.nextStepDeadlineMs());
        assertFalse(rate.onDeadline(10_000));
    }

    @Test
    void theLastStepStopsAtTheTarget()
    {
        final MarginRateFloor rate = MarginRateFloor.of(100_000, 50_000, 10_000, 1_000);
        rate.setTarget(75_000, 0);
        rate.onDeadline(1_000);
        rate.onDeadline(2_000);
        assertEquals(80_000, rate.effectiveRatePpm());
        assertTrue(rate.onDeadline(3_000));
        // 80_000 − 10_000 = 70_000 is below the target: stop at 75_000
        assertEquals(75_000, rate.effectiveRatePpm());
        assertEquals(NONE, rate.nextStepDeadlineMs());
    }

    @Test
    void aCutBelowTheFloorIsRefusedAndChangesNothing()
    {
        final MarginRateFloor rate = MarginRateFloor.of(100_000, 50_000, 10_000, 1_000);
        assertEquals(Outcome.INVALID_PARAMETER, rate.setTarget(49_999, 0));
        assertEquals(Outcome.INVALID_PARAMETER, rate.setTarget(1_000_001, 0));
        assertEquals(100_000, rate.effectiveRatePpm());
        assertEquals(100_000, rate.targetRatePpm());
        assertEquals(NONE, rate.nextStepDeadlineMs());
        // exactly the floor is allowed, released in five steps
        assertEquals(Outcome.ACCEPTED, rate.setTarget(50_000, 0));
        for (long t = 1_000; t <= 5_000; t += 1_000)
        {
            assertTrue(rate.onDeadline(t));
        }
        assertEquals(50_000, rate.effectiveRatePpm());
    }

    @Test
    void aRaiseAppliesAtOnceAndCancelsAPendingCut()
    {
        final MarginRateFloor rate = MarginRateFloor.of(100_000, 50_000, 10_000, 1_000);
        rate.setTarget(60_000, 0);
        rate.onDeadline(1_000);
        assertEquals(90_000, rate.effectiveRatePpm());
        assertEquals(Outcome.ACCEPTED, rate.setTarget(120_000, 1_200));
        assertEquals(120_000, rate.effectiveRatePpm());
        assertEquals(NONE, rate.nextStepDeadlineMs());
        assertFalse(rate.onDeadline(2_000));
        assertEquals(120_000, rate.effectiveRatePpm());
    }

    @Test
    void aNewCutDuringAReleaseKeepsThePendingDeadline()
    {
        final MarginRateFloor rate = MarginRateFloor.of(100_000, 50_000, 10_000, 1_000);
        rate.setTarget(80_000, 0);
        // re-issued at 900 ms: the step still comes at 1_000, not 1_900
        rate.setTarget(60_000, 900);
        assertEquals(1_000, rate.nextStepDeadlineMs());
        assertTrue(rate.onDeadline(1_000));
        assertEquals(90_000, rate.effectiveRatePpm());
        assertEquals(60_000, rate.targetRatePpm());
    }

    @Test
    void raisingTheFloorLiftsTheRateAtOnce()
    {
        final MarginRateFloor rate = MarginRateFloor.of(60_000, 50_000, 10_000, 1_000);
        assertEquals(Outcome.ACCEPTED, rate.setFloor(80_000, 5_000, 500));
        assertEquals(80_000, rate.effectiveRatePpm());
        assertEquals(80_000, rate.targetRatePpm());
        assertEquals(Outcome.INVALID_PARAMETER, rate.setTarget(70_000, 0));
        assertEquals(Outcome.INVALID_PARAMETER, rate.setFloor(80_000, 0, 500));
        assertEquals(5_000, rate.maxCutPerStepPpm());
        assertEquals(500, rate.stepIntervalMs());
    }

    @Test
    void restoreReproducesThePendingRelease()
    {
        final MarginRateFloor rate = MarginRateFloor.of(100_000, 50_000, 10_000, 1_000);
        rate.setTarget(70_000, 0);
        rate.onDeadline(1_000);
        final MarginRateFloor copy = MarginRateFloor.of(1, 0, 1, 1);
        assertEquals(Outcome.ACCEPTED, copy.restore(
            rate.effectiveRatePpm(), rate.targetRatePpm(), rate.floorPpm(), rate.maxCutPerStepPpm(),
            rate.stepIntervalMs(), rate.nextStepDeadlineMs()));
        for (long t = 2_000; t <= 4_000; t += 1_000)
        {
            assertEquals(rate.onDeadline(t), copy.onDeadline(t));
            assertEquals(rate.effectiveRatePpm(), copy.effectiveRatePpm());
            assertEquals(rate.nextStepDeadlineMs(), copy.nextStepDeadlineMs());
        }
        // a pending cut without a deadline is inconsistent
        assertEquals(Outcome.INVALID_PARAMETER, copy.restore(90_000, 70_000, 50_000, 10_000, 1_000, NONE));
        assertThrows(IllegalArgumentException.class, () -> MarginRateFloor.of(40_000, 50_000, 10_000, 1_000));
    }

    record Op(int kind, int ratePpm, int advanceMs)
    {
    }

    @Provide
    Arbitrary<List<Op>> operations()
    {
        return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 1_000_000),
            Arbitraries.integers().between(0, 3_000))
            .as(Op::new)
            .list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void rateNeverBelowItsFloorAndNeverCutFasterThanTheStep(@ForAll("operations") final List<Op> operations)
    {
        final int maxCut = 25_000;
        final long interval = 1_000;
        final MarginRateFloor rate = MarginRateFloor.of(200_000, 100_000, maxCut, interval);
        long now = 0;
        long lastCutAt = Long.MIN_VALUE / 2;
        for (final Op op : operations)
        {
            now += op.advanceMs();
            final int before = rate.effectiveRatePpm();
            final int floorBefore = rate.floorPpm();
            switch (op.kind())
            {
                case 0, 1 ->
                {
                    final Outcome outcome = rate.setTarget(op.ratePpm(), now);
                    assertEquals(op.ratePpm() < floorBefore, outcome.isRefusal());
                    assertTrue(rate.effectiveRatePpm() >= before, "a target never cuts at once");
                }
                case 2 -> rate.setFloor(op.ratePpm() / 4, maxCut, interval);
                default ->
                {
                    if (rate.nextStepDeadlineMs() <= now)
                    {
                        assertTrue(rate.onDeadline(now));
                    }
                    else
                    {
                        assertFalse(rate.onDeadline(now));
                    }
                }
            }
            final int after = rate.effectiveRatePpm();
            assertTrue(after >= rate.floorPpm(), "below floor");
            assertTrue(rate.targetRatePpm() >= rate.floorPpm(), "target below floor");
            assertTrue(rate.targetRatePpm() <= after);
            assertEquals(rate.targetRatePpm() < after, rate.nextStepDeadlineMs() != NONE);
            if (after < before)
            {
                assertTrue(before - after <= maxCut, "cut faster than a step");
                assertTrue(now - lastCutAt >= interval, "two steps within one interval");
                lastCutAt = now;
            }
        }
    }
}
