package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * The takeover band [Drift price bands]: a time-weighted average of one instrument's mark over a window (default
 * 5 minutes), and whether a mark is within a band around it (default ±5%). No pool takes over while the mark is
 * outside the band; the slice waits.
 * <p>
 * The mark is piecewise constant between updates, so the average integrates {@code mark × ms} exactly in integers.
 * To keep memory small and the forgetting deterministic, the integral is kept in a ring of time buckets
 * ({@code window / buckets} ms each, default 60 buckets of 5 s): the window is the current bucket and the previous
 * {@code buckets − 1} whole buckets, so it spans between {@code window − bucket} and {@code window} ms, and a bucket
 * drops out as a whole when it leaves. Only time after the first mark counts. The average is rounded down.
 */
public final class PriceBand
{
    /**
     * Default window: 5 minutes.
     */
    public static final long DEFAULT_WINDOW_MS = 300_000L;

    /**
     * Default number of buckets in the window.
     */
    public static final int DEFAULT_BUCKETS = 60;

    /**
     * Default band: ±5% of the average.
     */
    public static final int DEFAULT_BAND_PPM = 50_000;

    private static final long EMPTY = Long.MIN_VALUE;

    private final long bucketMs;
    private final int buckets;
    private final long[] bucketEpochs;
    private final long[] bucketIntegrals;
    private final long[] bucketDurations;
    private boolean hasMark;
    private long lastMarkTicks;
    private long lastMs;

    /**
     * A band with the default window and buckets.
     */
    public PriceBand()
    {
        this(DEFAULT_WINDOW_MS, DEFAULT_BUCKETS);
    }

    /**
     * @param windowMs window of the average, a positive multiple of {@code buckets}.
     * @param buckets  number of buckets, positive.
     */
    public PriceBand(final long windowMs, final int buckets)
    {
        if (buckets <= 0 || windowMs <= 0 || windowMs % buckets != 0)
        {
            throw new IllegalArgumentException("window must be a positive multiple of the bucket count");
        }
        this.buckets = buckets;
        this.bucketMs = windowMs / buckets;
        bucketEpochs = new long[buckets];
        bucketIntegrals = new long[buckets];
        bucketDurations = new long[buckets];
        Arrays.fill(bucketEpochs, EMPTY);
    }

    /**
     * A new mark: the previous mark held from its time until now.
     *
     * @param markTicks the new mark in ticks.
     * @param nowMs     cluster time (a time before the last one is treated as the last one).
     * @throws ArithmeticException on overflow (nothing changed only if thrown before the first bucket is written;
     *                             marks times window must fit in a long).
     */
    public void onMark(final long markTicks, final long nowMs)
    {
        if (!hasMark)
        {
            hasMark = true;
            lastMarkTicks = markTicks;
            lastMs = nowMs;
            return;
        }
        final long to = Math.max(nowMs, lastMs);
        final long oldest = Math.floorDiv(to, bucketMs) - buckets + 1;
        long start = Math.max(lastMs, oldest * bucketMs);
        while (start < to)
        {
            final long epoch = Math.floorDiv(start, bucketMs);
            final long end = Math.min(to, (epoch + 1) * bucketMs);
            final int slot = (int)Math.floorMod(epoch, (long)buckets);
            if (bucketEpochs[slot] != epoch)
            {
                bucketEpochs[slot] = epoch;
                bucketIntegrals[slot] = 0;
                bucketDurations[slot] = 0;
            }
            final long duration = end - start;
            bucketIntegrals[slot] = Math.addExact(bucketIntegrals[slot], Math.multiplyExact(lastMarkTicks, duration));
            bucketDurations[slot] += duration;
            start = end;
        }
        lastMarkTicks = markTicks;
        lastMs = to;
    }

    /**
     * @param nowMs cluster time.
     * @return the time-weighted average mark over the window ending now, rounded down; the last mark when no time
     * has passed since the first; 0 before any mark.
     */
    public long twapTicks(final long nowMs)
    {
        if (!hasMark)
        {
            return 0;
        }
        final long to = Math.max(nowMs, lastMs);
        final long newest = Math.floorDiv(to, bucketMs);
        final long oldest = newest - buckets + 1;
        long integral = 0;
        long duration = 0;
        for (int slot = 0; slot < buckets; slot++)
        {
            final long epoch = bucketEpochs[slot];
            if (epoch != EMPTY && epoch >= oldest && epoch <= newest)
            {
                integral = Math.addExact(integral, bucketIntegrals[slot]);
                duration += bucketDurations[slot];
            }
        }
        final long pendingStart = Math.max(lastMs, oldest * bucketMs);
        if (to > pendingStart)
        {
            integral = Math.addExact(integral, Math.multiplyExact(lastMarkTicks, to - pendingStart));
            duration += to - pendingStart;
        }
        return 0 == duration ? lastMarkTicks : Math.floorDiv(integral, duration);
    }

    /**
     * Whether a mark is within the band: {@code |mark − twap| × 1e6 <= twap × bandPpm}, exact and inclusive. With no
     * history yet, every mark is within the band (it is its own average).
     *
     * @param markTicks the mark to test.
     * @param nowMs     cluster time.
     * @param bandPpm   half-width of the band in ppm of the average (default 50_000).
     * @return true when a pool may take over at this mark.
     */
    public boolean withinBand(final long markTicks, final long nowMs, final int bandPpm)
    {
        if (!hasMark)
        {
            return true;
        }
        final long twap = twapTicks(nowMs);
        final long distance = Math.abs(Math.subtractExact(markTicks, twap));
        return WideArithmetic.compareProducts(distance, Money.PPM, twap, bandPpm) <= 0;
    }

    /**
     * @return window length in ms.
     */
    public long windowMs()
    {
        return bucketMs * buckets;
    }

    /**
     * @return number of buckets (canonical order of the bucket getters: slot 0 first).
     */
    public int bucketCount()
    {
        return buckets;
    }

    /**
     * @return true once a mark was seen.
     */
    public boolean hasMark()
    {
        return hasMark;
    }

    /**
     * @return the last mark in ticks.
     */
    public long lastMarkTicks()
    {
        return lastMarkTicks;
    }

    /**
     * @return cluster time up to which the marks are integrated.
     */
    public long lastMs()
    {
        return lastMs;
    }

    /**
     * @return the bucket number held in a slot ({@code floor(time / bucketMs)}), or {@link Long#MIN_VALUE} if empty.
     */
    public long bucketEpochAt(final int slot)
    {
        return bucketEpochs[slot];
    }

    /**
     * @return the integral of the mark over the bucket in a slot, in tick-milliseconds.
     */
    public long bucketIntegralAt(final int slot)
    {
        return bucketIntegrals[slot];
    }

    /**
     * @return the ms covered by marks in the bucket in a slot.
     */
    public long bucketDurationAt(final int slot)
    {
        return bucketDurations[slot];
    }

    /**
     * Restore the scalar state from a snapshot; follow with {@link #restoreBucket} per slot.
     */
    public void restore(final boolean hasMark, final long lastMarkTicks, final long lastMs)
    {
        this.hasMark = hasMark;
        this.lastMarkTicks = lastMarkTicks;
        this.lastMs = lastMs;
        Arrays.fill(bucketEpochs, EMPTY);
        Arrays.fill(bucketIntegrals, 0);
        Arrays.fill(bucketDurations, 0);
    }

    /**
     * Restore one bucket slot from a snapshot.
     */
    public void restoreBucket(final int slot, final long epoch, final long integral, final long duration)
    {
        bucketEpochs[slot] = epoch;
        bucketIntegrals[slot] = integral;
        bucketDurations[slot] = duration;
    }
}
