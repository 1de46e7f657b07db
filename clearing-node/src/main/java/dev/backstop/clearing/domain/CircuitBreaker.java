package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * One instrument's dynamic circuit breaker (DESIGN.md 5 item 10) [CME dynamic circuit breakers]: a mark outside
 * {@code [low − band, high + band]}, where high and low are the rolling high and low of the mark over the window
 * (default 60 minutes) and {@code band = last settlement price × band%} (default 10%, rounded down), halts new risk
 * on the instrument for the halt duration (default 2 minutes).
 * <p>
 * <b>Window.</b> The high and low are kept in {@value #BUCKETS} buckets of {@code window / }{@value #BUCKETS} ms
 * each (one minute by default), each holding the high and low of the marks set during it: the window is the current
 * bucket and the previous {@value #BUCKETS}{@code − 1}, so it spans between {@code window − bucket} and
 * {@code window}, and a bucket drops out as a whole. The mark in force before the new one is always part of the range
 * (it held until now, even when it was set longer ago than the window), so a quiet market still has a reference.
 * Nothing is allocated per mark: the buckets are fixed arrays and a check scans them.
 * <p>
 * <b>Decisions.</b> The tick that trips still sets the mark: the mark is the CCP's best price, and hiding a real
 * move would leave accounts valued at a stale price (margin calls and liquidations carry on). What the halt stops is
 * new risk from the venues: orders and trades that would increase either side's position. The tripping mark enters the
 * window, so the range reopens around the new level when the halt ends. While halted, further marks are recorded but
 * do not trip again or extend the halt. The halt ends at its deadline (automatically, on the cluster timer, or at the
 * first command that finds it over) or earlier by an operator. A band of 0 turns the breaker off.
 */
public final class CircuitBreaker
{
    /**
     * Buckets in the window.
     */
    public static final int BUCKETS = 60;

    /**
     * Default band: 10% of the last settlement price.
     */
    public static final int DEFAULT_BAND_PPM = 100_000;

    /**
     * Default window of the rolling high and low: 60 minutes.
     */
    public static final long DEFAULT_WINDOW_MS = 3_600_000L;

    /**
     * Default halt: 2 minutes.
     */
    public static final long DEFAULT_HALT_MS = 120_000L;

    /**
     * Longest window or halt an operator may set: one day.
     */
    public static final long MAX_DURATION_MS = 86_400_000L;

    private static final long EMPTY = Long.MIN_VALUE;

    private int bandPpm = DEFAULT_BAND_PPM;
    private long windowMs = DEFAULT_WINDOW_MS;
    private long bucketMs = DEFAULT_WINDOW_MS / BUCKETS;
    private long haltMs = DEFAULT_HALT_MS;
    private final long[] bucketEpochs = new long[BUCKETS];
    private final long[] bucketHighs = new long[BUCKETS];
    private final long[] bucketLows = new long[BUCKETS];

    private boolean halted;
    private long haltedSinceMs;
    private long haltedUntilMs;

    // The range of the last check: what the trip event reports.
    private long rangeHighTicks;
    private long rangeLowTicks;
    private long bandTicks;

    CircuitBreaker()
    {
        Arrays.fill(bucketEpochs, EMPTY);
    }

    /**
     * A new mark: checked against the band unless halted (or off, or without a reference), then recorded.
     *
     * @param previousMarkTicks    the mark before, 0 when none.
     * @param markTicks            the new mark.
     * @param settlementPriceTicks the last settlement price.
     * @param nowMs                cluster time.
     * @return true when the mark trips the breaker (it is then halted until {@link #haltedUntilMs()}).
     */
    boolean onMark(
        final long previousMarkTicks, final long markTicks, final long settlementPriceTicks, final long nowMs)
    {
        boolean tripped = false;
        if (bandPpm > 0 && !halted && previousMarkTicks > 0 && settlementPriceTicks > 0)
        {
            computeRange(previousMarkTicks, nowMs);
            bandTicks = WideArithmetic.mulDivFloor(settlementPriceTicks, bandPpm, Money.PPM);
            // Prices are positive, so neither difference can overflow.
            if (markTicks - rangeHighTicks > bandTicks || rangeLowTicks - markTicks > bandTicks)
            {
                halted = true;
                haltedSinceMs = nowMs;
                haltedUntilMs = nowMs + haltMs;
                tripped = true;
            }
        }
        record(markTicks, nowMs);
        return tripped;
    }

    /**
     * @param nowMs cluster time.
     * @return true while new risk is halted.
     */
    public boolean isHalted(final long nowMs)
    {
        return halted && nowMs < haltedUntilMs;
    }

    /**
     * @return true from a trip until the resume is recorded (which may be after the halt's deadline).
     */
    public boolean isTripped()
    {
        return halted;
    }

    /**
     * Ends the halt.
     */
    void resume()
    {
        halted = false;
    }

    /**
     * Sets the parameters (operator command). A new window clears the buckets (their length changes); a halt in
     * progress keeps its deadline.
     *
     * @param bandPpm  band in ppm of the last settlement price, {@code 0} (off) .. 1e6.
     * @param windowMs window of the high and low, a positive multiple of {@value #BUCKETS} up to one day.
     * @param haltMs   halt duration, 1 ms .. one day.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    Outcome set(final int bandPpm, final long windowMs, final long haltMs)
    {
        if (!valid(bandPpm, windowMs, haltMs))
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.bandPpm = bandPpm;
        this.haltMs = haltMs;
        if (windowMs != this.windowMs)
        {
            this.windowMs = windowMs;
            this.bucketMs = windowMs / BUCKETS;
            Arrays.fill(bucketEpochs, EMPTY);
            Arrays.fill(bucketHighs, 0);
            Arrays.fill(bucketLows, 0);
        }
        return Outcome.ACCEPTED;
    }

    static boolean valid(final int bandPpm, final long windowMs, final long haltMs)
    {
        return bandPpm >= 0 && bandPpm <= Money.PPM &&
            windowMs >= BUCKETS && windowMs <= MAX_DURATION_MS && windowMs % BUCKETS == 0 &&
            haltMs > 0 && haltMs <= MAX_DURATION_MS;
    }

    /**
     * The rolling range with the mark in force: {@link #rangeHighTicks()} and {@link #rangeLowTicks()} after it.
     */
    void computeRange(final long currentMarkTicks, final long nowMs)
    {
        long high = currentMarkTicks;
        long low = currentMarkTicks;
        final long newest = Math.floorDiv(nowMs, bucketMs);
        final long oldest = newest - BUCKETS + 1;
        for (int slot = 0; slot < BUCKETS; slot++)
        {
            final long epoch = bucketEpochs[slot];
            if (epoch != EMPTY && epoch >= oldest && epoch <= newest)
            {
                high = Math.max(high, bucketHighs[slot]);
                low = Math.min(low, bucketLows[slot]);
            }
        }
        rangeHighTicks = high;
        rangeLowTicks = low;
    }

    private void record(final long markTicks, final long nowMs)
    {
        final long epoch = Math.floorDiv(nowMs, bucketMs);
        final int slot = (int)Math.floorMod(epoch, (long)BUCKETS);
        if (bucketEpochs[slot] != epoch)
        {
            bucketEpochs[slot] = epoch;
            bucketHighs[slot] = markTicks;
            bucketLows[slot] = markTicks;
        }
        else
        {
            bucketHighs[slot] = Math.max(bucketHighs[slot], markTicks);
            bucketLows[slot] = Math.min(bucketLows[slot], markTicks);
        }
    }

    /**
     * @return band in ppm of the last settlement price, 0 when the breaker is off.
     */
    public int bandPpm()
    {
        return bandPpm;
    }

    /**
     * @return window of the rolling high and low in ms.
     */
    public long windowMs()
    {
        return windowMs;
    }

    /**
     * @return halt duration in ms.
     */
    public long haltMs()
    {
        return haltMs;
    }

    /**
     * @return cluster time of the last trip.
     */
    public long haltedSinceMs()
    {
        return haltedSinceMs;
    }

    /**
     * @return cluster time the last halt ends (or ended).
     */
    public long haltedUntilMs()
    {
        return haltedUntilMs;
    }

    /**
     * @return high of the range at the last check (window and the mark in force).
     */
    public long rangeHighTicks()
    {
        return rangeHighTicks;
    }

    /**
     * @return low of the range at the last check.
     */
    public long rangeLowTicks()
    {
        return rangeLowTicks;
    }

    /**
     * @return band in ticks at the last check.
     */
    public long bandTicks()
    {
        return bandTicks;
    }

    /**
     * @return bucket number held in a slot ({@code floor(time / bucket)}), {@link Long#MIN_VALUE} when empty.
     */
    public long bucketEpochAt(final int slot)
    {
        return bucketEpochs[slot];
    }

    public long bucketHighAt(final int slot)
    {
        return bucketHighs[slot];
    }

    public long bucketLowAt(final int slot)
    {
        return bucketLows[slot];
    }

    /**
     * Restores parameters and halt state from a snapshot, with empty buckets; follow with
     * {@link #restoreBucket} per non-empty slot.
     *
     * @return {@link Outcome#INVALID_PARAMETER} when the parameters are out of range.
     */
    Outcome restore(
        final int bandPpm,
        final long windowMs,
        final long haltMs,
        final boolean halted,
        final long haltedSinceMs,
        final long haltedUntilMs,
        final long rangeHighTicks,
        final long rangeLowTicks,
        final long bandTicks)
    {
        if (!valid(bandPpm, windowMs, haltMs))
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.bandPpm = bandPpm;
        this.windowMs = windowMs;
        this.bucketMs = windowMs / BUCKETS;
        this.haltMs = haltMs;
        this.halted = halted;
        this.haltedSinceMs = haltedSinceMs;
        this.haltedUntilMs = haltedUntilMs;
        this.rangeHighTicks = rangeHighTicks;
        this.rangeLowTicks = rangeLowTicks;
        this.bandTicks = bandTicks;
        Arrays.fill(bucketEpochs, EMPTY);
        Arrays.fill(bucketHighs, 0);
        Arrays.fill(bucketLows, 0);
        return Outcome.ACCEPTED;
    }

    /**
     * Restores one bucket.
     *
     * @return {@link Outcome#INVALID_PARAMETER} for a slot out of range.
     */
    Outcome restoreBucket(final int slot, final long epoch, final long highTicks, final long lowTicks)
    {
        if (slot < 0 || slot >= BUCKETS || epoch == EMPTY)
        {
            return Outcome.INVALID_PARAMETER;
        }
        bucketEpochs[slot] = epoch;
        bucketHighs[slot] = highTicks;
        bucketLows[slot] = lowTicks;
        return Outcome.ACCEPTED;
    }
}
