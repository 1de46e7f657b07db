package dev.backstop.clearing.domain;

/**
 * The numbers an instrument's {@link PriceOracle} decides with (DESIGN.md 5 item 1 and 5.2), each changeable by an
 * operator command through the log.
 * <p>
 * Every setter validates and answers an {@link Outcome}: on {@link Outcome#INVALID_PARAMETER} nothing changed, so
 * an operator's bad value never reaches the oracle. The oracle reads its parameters on every tick, so a change
 * applies from the next tick; sources already flagged as excluded stay so until their next tick.
 */
public final class OracleParameters
{
    /**
     * Default age after which a source is stale: 30 s (dYdX).
     */
    public static final long DEFAULT_SOURCE_AGE_LIMIT_MS = 30_000;

    /**
     * Default exclusion band: 5% from the median of the other fresh sources (Binance index rules).
     */
    public static final int DEFAULT_EXCLUSION_BAND_PPM = 50_000;

    /**
     * Default quorum: one fresh source is enough to move the index.
     */
    public static final int DEFAULT_QUORUM = 1;

    /**
     * Default window of the basis EMA: a trade one window after the last one replaces the average entirely.
     */
    public static final long DEFAULT_EMA_WINDOW_MS = 60_000;

    /**
     * Default number of sources an oracle records.
     */
    public static final int DEFAULT_MAX_SOURCES = 16;

    /**
     * Upper bound of {@link #maxSources()}: the median sort is an insertion sort, fine for a few dozen sources.
     */
    public static final int MAX_SOURCES_LIMIT = 64;

    /**
     * Upper bound of the age limit and the EMA window: one day, which also keeps {@code dt × 1e6} exact.
     */
    public static final long MAX_DURATION_MS = 86_400_000;

    private long sourceAgeLimitMs = DEFAULT_SOURCE_AGE_LIMIT_MS;
    private int exclusionBandPpm = DEFAULT_EXCLUSION_BAND_PPM;
    private int quorum = DEFAULT_QUORUM;
    private MarkBasis markBasis = MarkBasis.INDEX;
    private long emaWindowMs = DEFAULT_EMA_WINDOW_MS;
    private int maxSources = DEFAULT_MAX_SOURCES;

    /**
     * Sets every parameter at once, all or nothing: for an operator command or a snapshot record carrying them all.
     *
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    public Outcome set(
        final long sourceAgeLimitMs,
        final int exclusionBandPpm,
        final int quorum,
        final MarkBasis markBasis,
        final long emaWindowMs,
        final int maxSources)
    {
        final Outcome outcome = validate(
            sourceAgeLimitMs, exclusionBandPpm, quorum, markBasis, emaWindowMs, maxSources);
        if (Outcome.ACCEPTED == outcome)
        {
            this.sourceAgeLimitMs = sourceAgeLimitMs;
            this.exclusionBandPpm = exclusionBandPpm;
            this.quorum = quorum;
            this.markBasis = markBasis;
            this.emaWindowMs = emaWindowMs;
            this.maxSources = maxSources;
        }
        return outcome;
    }

    /**
     * Copies another set of parameters (already valid by construction).
     *
     * @param other parameters to copy.
     * @return this for chaining.
     */
    public OracleParameters copyFrom(final OracleParameters other)
    {
        sourceAgeLimitMs = other.sourceAgeLimitMs;
        exclusionBandPpm = other.exclusionBandPpm;
        quorum = other.quorum;
        markBasis = other.markBasis;
        emaWindowMs = other.emaWindowMs;
        maxSources = other.maxSources;
        return this;
    }

    /**
     * The rules every parameter set obeys: age limit and EMA window in 1 ms .. 1 day, band in 1 .. 1_000_000 ppm,
     * max sources in 1 .. {@link #MAX_SOURCES_LIMIT}, quorum in 1 .. max sources, a basis given.
     *
     * @return {@link Outcome#ACCEPTED} or {@link Outcome#INVALID_PARAMETER}.
     */
    public static Outcome validate(
        final long sourceAgeLimitMs,
        final int exclusionBandPpm,
        final int quorum,
        final MarkBasis markBasis,
        final long emaWindowMs,
        final int maxSources)
    {
        if (sourceAgeLimitMs < 1 || sourceAgeLimitMs > MAX_DURATION_MS ||
            exclusionBandPpm < 1 || exclusionBandPpm > Money.PPM ||
            maxSources < 1 || maxSources > MAX_SOURCES_LIMIT ||
            quorum < 1 || quorum > maxSources ||
            null == markBasis ||
            emaWindowMs < 1 || emaWindowMs > MAX_DURATION_MS)
        {
            return Outcome.INVALID_PARAMETER;
        }
        return Outcome.ACCEPTED;
    }

    /**
     * @param sourceAgeLimitMs age in ms after which a source's last tick no longer counts.
     * @return the outcome; nothing changed unless accepted.
     */
    public Outcome sourceAgeLimitMs(final long sourceAgeLimitMs)
    {
        return set(sourceAgeLimitMs, exclusionBandPpm, quorum, markBasis, emaWindowMs, maxSources);
    }

    /**
     * @param exclusionBandPpm distance from the others' median, in ppm of that median, beyond which a tick is
     *                         excluded.
     * @return the outcome; nothing changed unless accepted.
     */
    public Outcome exclusionBandPpm(final int exclusionBandPpm)
    {
        return set(sourceAgeLimitMs, exclusionBandPpm, quorum, markBasis, emaWindowMs, maxSources);
    }

    /**
     * @param quorum fewest fresh, non-excluded sources that may move the index.
     * @return the outcome; nothing changed unless accepted.
     */
    public Outcome quorum(final int quorum)
    {
        return set(sourceAgeLimitMs, exclusionBandPpm, quorum, markBasis, emaWindowMs, maxSources);
    }

    /**
     * @param markBasis how the mark follows from the index.
     * @return the outcome; nothing changed unless accepted.
     */
    public Outcome markBasis(final MarkBasis markBasis)
    {
        return set(sourceAgeLimitMs, exclusionBandPpm, quorum, markBasis, emaWindowMs, maxSources);
    }

    /**
     * @param emaWindowMs window of the basis EMA in ms.
     * @return the outcome; nothing changed unless accepted.
     */
    public Outcome emaWindowMs(final long emaWindowMs)
    {
        return set(sourceAgeLimitMs, exclusionBandPpm, quorum, markBasis, emaWindowMs, maxSources);
    }

    /**
     * Lowering it below the number of sources already recorded keeps them; only new sources are refused.
     *
     * @param maxSources most sources the oracle records.
     * @return the outcome; nothing changed unless accepted.
     */
    public Outcome maxSources(final int maxSources)
    {
        return set(sourceAgeLimitMs, exclusionBandPpm, quorum, markBasis, emaWindowMs, maxSources);
    }

    public long sourceAgeLimitMs()
    {
        return sourceAgeLimitMs;
    }

    public int exclusionBandPpm()
    {
        return exclusionBandPpm;
    }

    public int quorum()
    {
        return quorum;
    }

    public MarkBasis markBasis()
    {
        return markBasis;
    }

    public long emaWindowMs()
    {
        return emaWindowMs;
    }

    public int maxSources()
    {
        return maxSources;
    }

    public String toString()
    {
        return "OracleParameters{sourceAgeLimitMs=" + sourceAgeLimitMs +
            ", exclusionBandPpm=" + exclusionBandPpm +
            ", quorum=" + quorum +
            ", markBasis=" + markBasis +
            ", emaWindowMs=" + emaWindowMs +
            ", maxSources=" + maxSources + '}';
    }
}
