package dev.backstop.ops.bench;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives a {@link LoadTarget} on the calling thread and measures it, the same way for every side of the benchmark.
 * <ul>
 *     <li><b>Closed loop</b> ({@link #closedLoop}): keeps {@code window} messages in flight, sending one more as each
 *     answer arrives. Its achieved rate is the benchmark's <em>maximum sustainable rate</em>: every message is
 *     answered (throughput keeps up by construction) and latency stays bounded by window ÷ rate, so it is the
 *     highest rate the system sustains without a queue that grows. Latency runs from each actual send.</li>
 *     <li><b>Fixed rate</b> ({@link #fixedRate}): open loop, message k is due at start + k ÷ rate whatever happened
 *     to the earlier ones, and its latency runs from that <em>intended</em> time, not from when it actually left:
 *     a stall delays every message due during it and each of them counts the wait (coordinated omission
 *     corrected, as in wrk2 and HdrHistogram's own advice). A message that meets back pressure is offered again
 *     on the next pass, still timed from when it was due, and so does one held back because
 *     {@link #FIXED_RATE_MAX_IN_FLIGHT} messages are already unanswered.</li>
 * </ul>
 * Each phase starts with a warm-up whose messages are not recorded, stops sending at its end and then waits for
 * every answer (the drain), so {@code count == sent} unless answers were lost. Latencies go into an HdrHistogram in
 * nanoseconds with three significant digits. Nothing is allocated per message. The thread never busy-spins: with
 * nothing to do it spins briefly, yields, then parks up to 50 µs.
 */
final class LoadGenerator implements LoadTarget.AnswerListener
{
    /**
     * Told when the measured part of a run begins and ends (warm-up and drain excluded), to take readings that
     * belong to exactly that time, such as the processes' CPU time.
     */
    interface Observer
    {
        /**
         * Does nothing.
         */
        Observer NONE = new Observer()
        {
            public void onMeasureStart()
            {
            }

            public void onMeasureEnd()
            {
            }
        };

        /**
         * The first recorded message is about to go.
         */
        void onMeasureStart();

        /**
         * The last recorded message has gone (answers may still be outstanding).
         */
        void onMeasureEnd();
    }

    /**
     * Size of the ring of send times, far more than any run keeps in flight.
     */
    static final int MAX_IN_FLIGHT = 1 << 20;
    /**
     * Most messages a fixed-rate run keeps in flight: one that falls this far behind waits, its messages counting
     * the wait from when they were due. A real sender keeps no more: its client keeps the last 1024 requests for
     * resends, the cluster 4096 results per sender (a command resent behind more than that many newer ones finds
     * its result expired), and a gateway refuses a sender's command beyond its own limit, after which every later
     * command of a pipelining sender is refused as out of sequence.
     */
    static final int FIXED_RATE_MAX_IN_FLIGHT = 1024;
    private static final int MASK = MAX_IN_FLIGHT - 1;
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(300);
    private static final long MIN_DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final Observer observer;
    private final long[] startNs = new long[MAX_IN_FLIGHT];
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private final IdleStrategy idle =
        new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(50));

    private long firstSentId = Long.MAX_VALUE;
    private long lastSentId = Long.MIN_VALUE;
    private long firstRecordedId = Long.MAX_VALUE;
    private long inFlight;
    private long recordedSent;
    private long recordedAnswers;
    private long errors;
    private long strays;
    private long windowStartNs = Long.MAX_VALUE;
    private long windowEndNs = Long.MAX_VALUE;
    private long answersInWindow;
    private long lastAnswerNs;

    /**
     * A generator that reports to no one.
     */
    LoadGenerator()
    {
        this(Observer.NONE);
    }

    /**
     * @param observer told when each measured part begins and ends.
     */
    LoadGenerator(final Observer observer)
    {
        this.observer = observer;
    }

    /**
     * Closed loop with a window: the maximum sustainable rate.
     *
     * @param side     which side this is, for the result.
     * @param target   what to drive.
     * @param window   messages kept in flight.
     * @param warmupNs unrecorded lead-in.
     * @param durationNs measured time.
     * @return the measurement.
     */
    Measurement closedLoop(
        final String side, final LoadTarget target, final int window, final long warmupNs, final long durationNs)
    {
        if (window < 1 || window > MAX_IN_FLIGHT / 2)
        {
            throw new IllegalArgumentException("window out of range: " + window);
        }
        reset();
        final long beginNs = System.nanoTime();
        final long warmEndNs = beginNs + warmupNs;
        final long endNs = warmEndNs + durationNs;
        boolean recording = false;
        while (true)
        {
            final long nowNs = System.nanoTime();
            if (!recording && nowNs - warmEndNs >= 0)
            {
                recording = true;
                observer.onMeasureStart();
                target.takeErrorSummary();
                firstRecordedId = lastSentId + 1;
                windowStartNs = nowNs;
            }
            if (nowNs - endNs >= 0)
            {
                windowEndNs = nowNs;
                observer.onMeasureEnd();
                break;
            }

            int work = 0;
            while (inFlight < window)
            {
                final long id = target.trySend();
                if (id < 0)
                {
                    break;
                }
                onSent(id, System.nanoTime(), recording);
                work++;
            }
            work += target.poll(this);
            idle(target, work, nowNs);
        }
        final long answeredInWindow = answersInWindow;
        final boolean drained = drain(target, durationNs);
        final double seconds = (windowEndNs - windowStartNs) / 1e9;
        return result(side, "max", Double.NaN, window, durationNs, answeredInWindow / seconds, recordedSent,
            drained, target.takeErrorSummary());
    }

    /**
     * Open loop at a fixed offered rate, latency from each message's intended send time.
     *
     * @param side       which side this is, for the result.
     * @param target     what to drive.
     * @param rate       messages per second offered.
     * @param warmupNs   unrecorded lead-in at the same rate.
     * @param durationNs measured time.
     * @return the measurement.
     */
    Measurement fixedRate(
        final String side, final LoadTarget target, final double rate, final long warmupNs, final long durationNs)
    {
        if (!(rate > 0))
        {
            throw new IllegalArgumentException("rate must be positive: " + rate);
        }
        reset();
        final double intervalNs = 1e9 / rate;
        final long warmupCount = (long)(rate * warmupNs / 1e9);
        final long total = warmupCount + Math.max(1, (long)(rate * durationNs / 1e9));
        final long beginNs = System.nanoTime();
        final long scheduleEndNs = beginNs + (long)(total * intervalNs);
        // an overloaded system is not waited for forever: what is still unsent this long after the schedule's end
        // is reported as unsent
        final long giveUpNs = scheduleEndNs + Math.max(MIN_DRAIN_TIMEOUT_NS, durationNs);
        long k = 0;
        while (k < total)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - giveUpNs >= 0)
            {
                break;
            }
            int work = 0;
            long dueNs;
            while (k < total && nowNs - (dueNs = beginNs + (long)(k * intervalNs)) >= 0 &&
                inFlight < FIXED_RATE_MAX_IN_FLIGHT)
            {
                final long id = target.trySend();
                if (id < 0)
                {
                    break;
                }
                if (k == warmupCount)
                {
                    observer.onMeasureStart();
                    target.takeErrorSummary();
                    firstRecordedId = id;
                    windowStartNs = dueNs;
                }
                onSent(id, dueNs, k >= warmupCount);
                k++;
                work++;
            }
            work += target.poll(this);
            idle(target, work, nowNs);
        }
        if (k > warmupCount)
        {
            observer.onMeasureEnd();
        }
        final long unsent = total - k;
        final boolean drained = drain(target, durationNs);
        final double seconds = (lastAnswerNs - windowStartNs) / 1e9;
        final double achieved = recordedAnswers > 0 && seconds > 0 ? recordedAnswers / seconds : 0;
        final Measurement measurement = result(side, "fixed", rate, 0, durationNs, achieved, recordedSent,
            drained && 0 == unsent, target.takeErrorSummary());
        return unsent > 0 ? measurement.withUnsent(unsent) : measurement;
    }

    public void onAnswer(final long id, final boolean accepted)
    {
        if (id < firstSentId || id > lastSentId)
        {
            strays++;
            return;
        }
        final long nowNs = System.nanoTime();
        inFlight--;
        lastAnswerNs = nowNs;
        if (nowNs - windowStartNs >= 0 && nowNs - windowEndNs < 0)
        {
            answersInWindow++;
        }
        if (id >= firstRecordedId)
        {
            recordedAnswers++;
            if (!accepted)
            {
                errors++;
            }
            histogram.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, nowNs - startNs[(int)(id & MASK)])));
        }
    }

    private void onSent(final long id, final long sentNs, final boolean recorded)
    {
        if (Long.MAX_VALUE == firstSentId)
        {
            firstSentId = id;
        }
        else if (id != lastSentId + 1)
        {
            throw new IllegalStateException("message ids must be consecutive: " + id + " after " + lastSentId);
        }
        lastSentId = id;
        startNs[(int)(id & MASK)] = sentNs;
        inFlight++;
        if (recorded)
        {
            recordedSent++;
        }
    }

    private boolean drain(final LoadTarget target, final long durationNs)
    {
        final long deadlineNs = System.nanoTime() + Math.max(MIN_DRAIN_TIMEOUT_NS, durationNs);
        while (inFlight > 0)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - deadlineNs >= 0)
            {
                return false;
            }
            idle(target, target.poll(this), nowNs);
        }
        return true;
    }

    private void idle(final LoadTarget target, final int work, final long nowNs)
    {
        if (0 == work)
        {
            target.onIdle(nowNs);
        }
        idle.idle(work);
    }

    private Measurement result(
        final String side,
        final String mode,
        final double offeredRate,
        final int window,
        final long durationNs,
        final double achievedRate,
        final long sent,
        final boolean complete,
        final String errorCodes)
    {
        return new Measurement(1, side, mode, offeredRate, window, durationNs / 1e9, achievedRate, sent,
            recordedAnswers, errors, complete, 0, errorCodes, Map.of(), Measurement.Latency.of(histogram));
    }

    private void reset()
    {
        histogram.reset();
        idle.reset();
        firstSentId = Long.MAX_VALUE;
        lastSentId = Long.MIN_VALUE;
        firstRecordedId = Long.MAX_VALUE;
        inFlight = 0;
        recordedSent = 0;
        recordedAnswers = 0;
        errors = 0;
        strays = 0;
        windowStartNs = Long.MAX_VALUE;
        windowEndNs = Long.MAX_VALUE;
        answersInWindow = 0;
        lastAnswerNs = 0;
    }
}
