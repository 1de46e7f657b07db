package dev.backstop.ops.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator's bookkeeping against a fake target that answers at once or stalls on purpose: counts,
 * errors, the closed loop's window, and latency measured from the intended send time (coordinated omission).
 * No assertion here is about speed; the stall is made by the fake, so its effect is known.
 */
class LoadGeneratorTest
{
    @Test
    void closedLoopKeepsTheWindowAndAnswersEverything()
    {
        final FakeTarget target = new FakeTarget();
        final Measurement measurement = new LoadGenerator().closedLoop(
            "fake", target, 8, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(200));

        assertTrue(measurement.sent() > 0);
        assertEquals(measurement.sent(), measurement.count());
        assertEquals(0, measurement.errors());
        assertTrue(measurement.complete());
        assertTrue(target.maxInFlight <= 8, "never more than the window in flight: " + target.maxInFlight);
        assertTrue(measurement.achievedRate() > 0);
        assertTrue(Double.isNaN(measurement.offeredRate()));
    }

    @Test
    void fixedRateSendsTheScheduleAndTimesAStallFromWhenEachMessageWasDue()
    {
        final FakeTarget target = new FakeTarget();
        // no sends get through for 200 ms, a third of the way into a one-second schedule at 1,000/s
        target.refuseFromNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        target.refuseUntilNs = target.refuseFromNs + TimeUnit.MILLISECONDS.toNanos(200);

        final Measurement measurement = new LoadGenerator().fixedRate(
            "fake", target, 1_000, 0, TimeUnit.SECONDS.toNanos(1));

        assertEquals(1_000, measurement.sent());
        assertEquals(1_000, measurement.count());
        assertTrue(measurement.clean());
        // the ~200 messages due during the stall each wait for its end: corrected, about a tenth of all messages
        // is late by up to 200 ms, so p90 and p99 see it; uncorrected only one message would.
        assertTrue(measurement.latency().p99Us() >= 100_000, measurement.toJson());
        assertTrue(measurement.latency().maxUs() >= 150_000, measurement.toJson());
        assertTrue(measurement.latency().p50Us() < 100_000, measurement.toJson());
    }

    @Test
    void countsRefusalsAsErrors()
    {
        final FakeTarget target = new FakeTarget();
        target.refuseEvery = 10;
        final Measurement measurement = new LoadGenerator().fixedRate(
            "fake", target, 2_000, 0, TimeUnit.MILLISECONDS.toNanos(500));

        assertEquals(1_000, measurement.sent());
        assertEquals(1_000, measurement.count());
        assertEquals(100, measurement.errors());
        assertTrue(!measurement.clean());
        assertEquals("REFUSED:100", measurement.errorCodes());
    }

    @Test
    void printsOneParsableJsonLine()
    {
        final Measurement measurement = new LoadGenerator().fixedRate(
            "fake", new FakeTarget(), 1_000, 0, TimeUnit.MILLISECONDS.toNanos(100));
        final String json = measurement.toJson();

        final Map<String, Object> fields = FlatJson.parse(json);
        assertEquals("latency", fields.get("metric"));
        assertEquals("fake", fields.get("side"));
        assertEquals("fixed", fields.get("mode"));
        assertEquals(1_000.0, fields.get("offeredRate"));
        assertEquals(100.0, fields.get("sent"));
        assertEquals(100.0, fields.get("count"));
        assertEquals(0.0, fields.get("errors"));
        for (final String key : new String[]{ "achievedRate", "p50Us", "p90Us", "p99Us", "p999Us", "maxUs" })
        {
            assertTrue(fields.get(key) instanceof Double, key);
        }
    }

    /**
     * Answers every message on the next poll; can refuse sends for a while (a stall) or refuse every n-th message.
     */
    private static final class FakeTarget implements LoadTarget
    {
        private final ArrayDeque<Long> pending = new ArrayDeque<>();
        private long nextId = 1;
        private long refuseFromNs = Long.MAX_VALUE;
        private long refuseUntilNs = Long.MIN_VALUE;
        private int refuseEvery;
        private long refusals;
        private int maxInFlight;

        public long trySend()
        {
            final long nowNs = System.nanoTime();
            if (nowNs - refuseFromNs >= 0 && nowNs - refuseUntilNs < 0)
            {
                return -2;
            }
            pending.addLast(nextId);
            maxInFlight = Math.max(maxInFlight, pending.size());
            return nextId++;
        }

        public int poll(final AnswerListener listener)
        {
            int work = 0;
            Long id;
            while (null != (id = pending.pollFirst()))
            {
                final boolean accepted = 0 == refuseEvery || id % refuseEvery != 0;
                if (!accepted)
                {
                    refusals++;
                }
                listener.onAnswer(id, accepted);
                work++;
            }
            return work;
        }

        public String takeErrorSummary()
        {
            final String summary = refusals > 0 ? "REFUSED:" + refusals : "";
            refusals = 0;
            return summary;
        }

        public int messageLength()
        {
            return 76;
        }

        public void close()
        {
        }
    }
}
