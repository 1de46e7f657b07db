package dev.backstop.clearing.domain;

/**
 * One perpetual instrument's funding (DESIGN.md 5 item 9) [Binance, Hyperliquid]: the time-weighted premium of the
 * mark over the index during an interval, and the rate it gives at the interval's end,
 * {@code F = P + clamp(I − P, −clamp, +clamp)}, then F clamped to {@code ±cap}. Longs pay shorts when F > 0.
 * <p>
 * <b>Premium sampling.</b> The premium {@code (mark − index) / index} is a step function of time: it changes only
 * when an accepted tick moves the index or the mark. Each change is a sample: the premium that held since the
 * previous sample is integrated exactly over the milliseconds it held ({@code premium × ms}), so the average weights
 * every premium by how long it was in force, not by how many ticks carried it. The premium of one sample is kept in
 * parts per billion, rounded towards zero and bounded to ±100% (a larger premium would only hit the cap); while
 * there is no index (no accepted tick yet) no time is counted. At the end of the interval
 * {@code P = integral / ms counted}, rounded towards zero, then to whole ppm towards zero; with no time counted, P
 * is the last premium, or 0 without any.
 * <p>
 * <b>Schedule.</b> Funding is due at multiples of the interval in cluster time (with cluster time in epoch ms and the
 * default 8 h: 00:00, 08:00 and 16:00 UTC). An interval starts when the previous funding was paid (or when the
 * accumulator was last reset) and ends when the cycle actually runs, so a late timer only lengthens the averaged
 * interval. An interval that ends while nobody holds the instrument is simply restarted ({@link #reset}): there is
 * nobody to pay. An interval of 0 turns funding off.
 * <p>
 * Integers only; nothing allocates.
 */
public final class PerpetualFunding
{
    /**
     * Default funding interval: 8 hours.
     */
    public static final long DEFAULT_INTERVAL_MS = 8 * 3_600_000L;

    /**
     * Default interest component per interval: 0.01%.
     */
    public static final int DEFAULT_INTEREST_PPM = 100;

    /**
     * Default clamp of {@code I − P}: ±0.05%.
     */
    public static final int DEFAULT_PREMIUM_CLAMP_PPM = 500;

    /**
     * Default cap of the rate: ±0.5%.
     */
    public static final int DEFAULT_CAP_PPM = 5_000;

    /**
     * Shortest interval an operator may set.
     */
    public static final long MIN_INTERVAL_MS = 1_000;

    /**
     * Longest interval an operator may set: 7 days (so the premium integral fits a long with room to spare).
     */
    public static final long MAX_INTERVAL_MS = 7 * 86_400_000L;

    static final long PPB = 1_000_000_000L;

    private long intervalMs = DEFAULT_INTERVAL_MS;
    private int interestPpm = DEFAULT_INTEREST_PPM;
    private int premiumClampPpm = DEFAULT_PREMIUM_CLAMP_PPM;
    private int capPpm = DEFAULT_CAP_PPM;

    private long nextFundingMs = Long.MAX_VALUE;
    private long intervalStartMs;
    private long premiumIntegral;
    private long premiumDurationMs;
    private boolean hasPremium;
    private long lastPremiumPpb;
    private long lastPremiumMs;

    // Outputs of the last rate(): a rate has three outputs and the timer path must not allocate.
    private int lastPremiumPpm;
    private long lastWindowMs;

    /**
     * Starts the first interval at a listing.
     *
     * @param nowMs cluster time.
     */
    void start(final long nowMs)
    {
        reset(nowMs);
    }

    /**
     * The premium in parts per billion, rounded towards zero and bounded to ±1e9.
     *
     * @param markTicks  mark, positive.
     * @param indexTicks index, positive.
     * @return {@code (mark − index) × 1e9 / index}.
     */
    static long premiumPpb(final long markTicks, final long indexTicks)
    {
        final long distance = markTicks - indexTicks;
        if (Math.abs(distance) >= indexTicks)
        {
            return distance > 0 ? PPB : -PPB;
        }
        final long magnitude = WideArithmetic.mulDivFloor(Math.abs(distance), PPB, indexTicks);
        return distance < 0 ? -magnitude : magnitude;
    }

    /**
     * A new index or mark: the premium that held since the last sample is integrated up to now and the new one
     * holds from now.
     *
     * @param markTicks     the mark now.
     * @param indexTicks    the index now, 0 when there is none.
     * @param nowMs         cluster time.
     * @param nobodyHolds   true when the instrument has no open interest (an interval that ended then restarts).
     */
    void sample(final long markTicks, final long indexTicks, final long nowMs, final boolean nobodyHolds)
    {
        if (nobodyHolds && nowMs >= nextFundingMs)
        {
            reset(nowMs);
        }
        integrateTo(nowMs);
        if (indexTicks > 0 && markTicks > 0)
        {
            hasPremium = true;
            lastPremiumPpb = premiumPpb(markTicks, indexTicks);
        }
    }

    /**
     * Restarts the interval now (after funding was paid, or when an interval ended with nobody to pay): the
     * integral is cleared, the premium in force carries on, and the next funding is the next multiple of the
     * interval after now.
     *
     * @param nowMs cluster time.
     */
    void reset(final long nowMs)
    {
        premiumIntegral = 0;
        premiumDurationMs = 0;
        intervalStartMs = nowMs;
        lastPremiumMs = Math.max(lastPremiumMs, nowMs);
        nextFundingMs = 0 == intervalMs ? Long.MAX_VALUE : boundaryAfter(nowMs, intervalMs);
    }

    /**
     * The funding rate for the interval ending now; {@link #lastPremiumPpm()} and {@link #lastWindowMs()} then hold
     * the averaged premium and the ms it was averaged over.
     *
     * @param nowMs cluster time.
     * @return F in ppm of notional, positive when longs pay.
     */
    int rate(final long nowMs)
    {
        integrateTo(nowMs);
        final long premiumPpb;
        if (premiumDurationMs > 0)
        {
            premiumPpb = premiumIntegral / premiumDurationMs;
        }
        else
        {
            premiumPpb = hasPremium ? lastPremiumPpb : 0;
        }
        lastPremiumPpm = (int)(premiumPpb / 1_000);
        lastWindowMs = premiumDurationMs;
        return rateOf(lastPremiumPpm, interestPpm, premiumClampPpm, capPpm);
    }

    /**
     * {@code F = P + clamp(I − P, −clamp, +clamp)}, then clamped to {@code ±cap}.
     */
    static int rateOf(final int premiumPpm, final int interestPpm, final int premiumClampPpm, final int capPpm)
    {
        final long spread = Math.max(-premiumClampPpm, Math.min(premiumClampPpm, (long)interestPpm - premiumPpm));
        final long rate = premiumPpm + spread;
        return (int)Math.max(-capPpm, Math.min(capPpm, rate));
    }

    /**
     * Sets the parameters (operator command). A new interval restarts the accumulation and moves the next funding to
     * the next multiple of the new interval; new rates apply at the next funding.
     *
     * @param intervalMs      0 (off) or {@link #MIN_INTERVAL_MS} .. {@link #MAX_INTERVAL_MS}.
     * @param interestPpm     interest per interval, {@code −1e6 .. 1e6}.
     * @param premiumClampPpm clamp of {@code I − P}, {@code 0 .. 1e6}.
     * @param capPpm          cap of the rate, {@code 0 .. 1e6}.
     * @param nowMs           cluster time.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    Outcome set(
        final long intervalMs,
        final int interestPpm,
        final int premiumClampPpm,
        final int capPpm,
        final long nowMs)
    {
        if (!validInterval(intervalMs) ||
            interestPpm < -Money.PPM || interestPpm > Money.PPM ||
            premiumClampPpm < 0 || premiumClampPpm > Money.PPM ||
            capPpm < 0 || capPpm > Money.PPM)
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.interestPpm = interestPpm;
        this.premiumClampPpm = premiumClampPpm;
        this.capPpm = capPpm;
        if (intervalMs != this.intervalMs)
        {
            this.intervalMs = intervalMs;
            integrateTo(nowMs);
            reset(nowMs);
        }
        return Outcome.ACCEPTED;
    }

    static boolean validInterval(final long intervalMs)
    {
        return 0 == intervalMs || (intervalMs >= MIN_INTERVAL_MS && intervalMs <= MAX_INTERVAL_MS);
    }

    /**
     * @return the first multiple of {@code intervalMs} strictly after {@code nowMs}.
     */
    static long boundaryAfter(final long nowMs, final long intervalMs)
    {
        return Math.multiplyExact(Math.floorDiv(nowMs, intervalMs) + 1, intervalMs);
    }

    private void integrateTo(final long nowMs)
    {
        if (nowMs <= lastPremiumMs)
        {
            return;
        }
        if (hasPremium && intervalMs > 0)
        {
            final long elapsed = nowMs - lastPremiumMs;
            try
            {
                premiumIntegral = Math.addExact(premiumIntegral, Math.multiplyExact(lastPremiumPpb, elapsed));
                premiumDurationMs = Math.addExact(premiumDurationMs, elapsed);
            }
            catch (final ArithmeticException ex)
            {
                // Only an interval months long could get here (premiums are bounded to ±1e9 ppb): start afresh.
                premiumIntegral = 0;
                premiumDurationMs = 0;
                intervalStartMs = nowMs;
            }
        }
        lastPremiumMs = nowMs;
    }

    /**
     * @return interval between fundings in ms, 0 when funding is off.
     */
    public long intervalMs()
    {
        return intervalMs;
    }

    /**
     * @return interest component per interval in ppm.
     */
    public int interestPpm()
    {
        return interestPpm;
    }

    /**
     * @return clamp of {@code I − P} in ppm.
     */
    public int premiumClampPpm()
    {
        return premiumClampPpm;
    }

    /**
     * @return cap of the rate in ppm.
     */
    public int capPpm()
    {
        return capPpm;
    }

    /**
     * @return cluster time the next funding is due, {@link Long#MAX_VALUE} when off.
     */
    public long nextFundingMs()
    {
        return nextFundingMs;
    }

    /**
     * @return cluster time the current interval started.
     */
    public long intervalStartMs()
    {
        return intervalStartMs;
    }

    /**
     * @return Σ premium × ms over the interval so far, in ppb·ms.
     */
    public long premiumIntegral()
    {
        return premiumIntegral;
    }

    /**
     * @return ms of the interval so far during which a premium was known.
     */
    public long premiumDurationMs()
    {
        return premiumDurationMs;
    }

    /**
     * @return true once an index was seen.
     */
    public boolean hasPremium()
    {
        return hasPremium;
    }

    /**
     * @return the premium in force, in ppb.
     */
    public long lastPremiumPpb()
    {
        return lastPremiumPpb;
    }

    /**
     * @return cluster time up to which the premium is integrated.
     */
    public long lastPremiumMs()
    {
        return lastPremiumMs;
    }

    /**
     * @return the averaged premium of the last {@code rate()}, in ppm.
     */
    int lastPremiumPpm()
    {
        return lastPremiumPpm;
    }

    /**
     * @return the ms the last {@code rate()} averaged over.
     */
    long lastWindowMs()
    {
        return lastWindowMs;
    }

    /**
     * Restores the whole state from a snapshot.
     *
     * @return {@link Outcome#INVALID_PARAMETER} when the parameters are out of range.
     */
    Outcome restore(
        final long intervalMs,
        final int interestPpm,
        final int premiumClampPpm,
        final int capPpm,
        final long nextFundingMs,
        final long intervalStartMs,
        final long premiumIntegral,
        final long premiumDurationMs,
        final boolean hasPremium,
        final long lastPremiumPpb,
        final long lastPremiumMs)
    {
        if (!validInterval(intervalMs) || interestPpm < -Money.PPM || interestPpm > Money.PPM ||
            premiumClampPpm < 0 || premiumClampPpm > Money.PPM || capPpm < 0 || capPpm > Money.PPM ||
            premiumDurationMs < 0 || Math.abs(lastPremiumPpb) > PPB)
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.intervalMs = intervalMs;
        this.interestPpm = interestPpm;
        this.premiumClampPpm = premiumClampPpm;
        this.capPpm = capPpm;
        this.nextFundingMs = nextFundingMs;
        this.intervalStartMs = intervalStartMs;
        this.premiumIntegral = premiumIntegral;
        this.premiumDurationMs = premiumDurationMs;
        this.hasPremium = hasPremium;
        this.lastPremiumPpb = lastPremiumPpb;
        this.lastPremiumMs = lastPremiumMs;
        return Outcome.ACCEPTED;
    }
}
