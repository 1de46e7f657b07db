package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * One instrument's index and mark price, decided tick by tick from several price sources (DESIGN.md 5 item 1).
 * <p>
 * Each source's last recorded tick is kept; the index is the median of the <em>fresh</em> sources (last tick no
 * older than the age limit) that are not <em>excluded</em> (last tick too far from the median of the others), and
 * only while at least a quorum of them remain. Every tick gets a {@link TickDecision}, and the fields the audit event
 * needs ({@link #previousMarkTicks()}, {@link #othersMedianTicks()}, {@link #freshSourceCount()}) describe the last
 * tick, so anyone can see why the mark is what it is.
 * <p>
 * The rules, in the order they are applied to {@link #onTick(int, long, long, long)}:
 * <ol>
 * <li><b>Stale</b>: a tick older than {@code nowMs − ageLimit}, or older than the time recorded for its source's
 * last tick (out of order), is {@link TickDecision#STALE} and not recorded. A source time ahead of the cluster
 * clock is recorded as {@code nowMs}: a source cannot make itself fresher than the cluster's own clock.</li>
 * <li>Otherwise the tick is recorded as its source's last price and time.</li>
 * <li><b>Excluded</b>: with at least two <em>other</em> fresh, non-excluded sources, a tick more than the exclusion
 * band from their median is {@link TickDecision#EXCLUDED}; the source stays excluded (it does not count towards
 * the index) until one of its ticks is back in the band. The band is inclusive: a tick exactly 5% away counts.
 * Sources already excluded are left out of the others' median, so one bad source among three cannot drag the
 * median of the two others halfway towards itself and exclude a good one.</li>
 * <li><b>Below quorum</b>: fewer fresh, non-excluded sources (this one included) than the quorum:
 * {@link TickDecision#BELOW_QUORUM}, the tick is recorded, index and mark do not move.</li>
 * <li><b>Accepted</b>: the index becomes the median of the fresh, non-excluded sources (for an even count, the floor
 * of the mean of the two middle prices) and the mark is recomputed from the {@link MarkBasis}.</li>
 * </ol>
 * Index and mark move only on an accepted tick, so every mark move comes with the tick that caused it;
 * {@link #onTrade(long, long)} feeds the basis but leaves the mark until the next accepted tick.
 * <p>
 * A tick from a new source when {@link OracleParameters#maxSources()} sources are already recorded is a refusal,
 * not a decision: {@link #checkTick(int, long)} answers {@link Outcome#INVALID_PARAMETER} (and
 * {@link Outcome#INVALID_PRICE} for a price that is not positive) and the caller refuses the command before calling
 * {@link #onTick(int, long, long, long)}, which throws on such input. Recorded sources are never evicted.
 * <p>
 * Sources are kept in arrays sorted by source id and the median is taken in a reused scratch array, so a tick
 * allocates nothing once the arrays have room for the sources (they grow only when a new source is first seen).
 * All arithmetic is on longs; nothing reads a clock: {@code nowMs} is the cluster time passed in.
 */
public final class PriceOracle
{
    private static final int INITIAL_CAPACITY = 4;

    private final OracleParameters parameters;

    private int sourceCount;
    private int[] sourceIds;
    private long[] sourcePriceTicks;
    private long[] sourceTimes;
    private boolean[] sourceExcluded;
    private long[] scratch;

    private long indexPriceTicks;
    private long markPriceTicks;
    private long previousMarkTicks;

    private boolean hasBasis;
    private long emaBasisTicks;
    private long emaTimeMs;
    private long lastTradeTicks;
    private long lastTradeTimeMs;

    private TickDecision lastDecision;
    private long othersMedianTicks;
    private int freshSourceCount;
    private int countedSourceCount;

    /**
     * @param parameters the instrument's oracle parameters, read on every tick (not copied), so an operator change
     *                   applies from the next tick.
     */
    public PriceOracle(final OracleParameters parameters)
    {
        this.parameters = parameters;
        final int capacity = Math.max(INITIAL_CAPACITY, parameters.maxSources());
        sourceIds = new int[capacity];
        sourcePriceTicks = new long[capacity];
        sourceTimes = new long[capacity];
        sourceExcluded = new boolean[capacity];
        scratch = new long[capacity];
    }

    /**
     * @return the parameters this oracle decides with.
     */
    public OracleParameters parameters()
    {
        return parameters;
    }

    /**
     * What the caller checks before {@link #onTick(int, long, long, long)}, so a refusal changes nothing.
     *
     * @param sourceId   price source.
     * @param priceTicks price in ticks.
     * @return {@link Outcome#INVALID_PRICE} for a price that is not positive, {@link Outcome#INVALID_PARAMETER} for
     * a source not yet recorded when {@link OracleParameters#maxSources()} sources already are, else
     * {@link Outcome#ACCEPTED} (the tick will get a decision, which may still be stale, excluded or below quorum).
     */
    public Outcome checkTick(final int sourceId, final long priceTicks)
    {
        if (priceTicks <= 0)
        {
            return Outcome.INVALID_PRICE;
        }
        if (find(sourceId) < 0 && sourceCount >= parameters.maxSources())
        {
            return Outcome.INVALID_PARAMETER;
        }
        return Outcome.ACCEPTED;
    }

    /**
     * Decides a price tick (the rules are in the class comment).
     *
     * @param sourceId     price source.
     * @param priceTicks   price in ticks, positive.
     * @param sourceTimeMs when the source observed the price, in ms on the cluster's time scale.
     * @param nowMs        cluster time.
     * @return the decision, also kept as {@link #lastDecision()}.
     * @throws IllegalArgumentException when {@link #checkTick(int, long)} would not accept the tick.
     */
    public TickDecision onTick(final int sourceId, final long priceTicks, final long sourceTimeMs, final long nowMs)
    {
        if (priceTicks <= 0)
        {
            throw new IllegalArgumentException("price must be positive: " + priceTicks);
        }
        int slot = find(sourceId);
        if (slot < 0 && sourceCount >= parameters.maxSources())
        {
            throw new IllegalArgumentException("no room for source " + sourceId);
        }

        previousMarkTicks = markPriceTicks;
        final long freshFromMs = nowMs - parameters.sourceAgeLimitMs();
        final int others = collectCounted(slot, freshFromMs);
        othersMedianTicks = others > 0 ? medianOfScratch(others) : 0;

        final TickDecision decision;
        if (sourceTimeMs < freshFromMs || (slot >= 0 && sourceTimeMs < sourceTimes[slot]))
        {
            decision = TickDecision.STALE;
        }
        else
        {
            if (slot < 0)
            {
                slot = insert(-slot - 1, sourceId);
            }
            sourcePriceTicks[slot] = priceTicks;
            sourceTimes[slot] = Math.min(sourceTimeMs, nowMs);

            if (others >= 2 && outsideBand(priceTicks, othersMedianTicks, parameters.exclusionBandPpm()))
            {
                sourceExcluded[slot] = true;
                decision = TickDecision.EXCLUDED;
            }
            else
            {
                sourceExcluded[slot] = false;
                final int counted = collectCounted(-1, freshFromMs);
                if (counted < parameters.quorum())
                {
                    decision = TickDecision.BELOW_QUORUM;
                }
                else
                {
                    indexPriceTicks = medianOfScratch(counted);
                    markPriceTicks = computeMark();
                    decision = TickDecision.ACCEPTED;
                }
            }
        }

        int fresh = 0;
        int counted = 0;
        for (int i = 0; i < sourceCount; i++)
        {
            if (sourceTimes[i] >= freshFromMs)
            {
                fresh++;
                if (!sourceExcluded[i])
                {
                    counted++;
                }
            }
        }
        freshSourceCount = fresh;
        countedSourceCount = counted;
        lastDecision = decision;

        return decision;
    }

    /**
     * Feeds the basis with a trade on the venue: the EMA of {@code trade − index} in ticks. The EMA is time-weighted
     * and integer: {@code alpha = min(1e6, dt × 1e6 / emaWindowMs)} ppm (floored), with {@code dt} the ms since the
     * last trade that fed it, and {@code ema += floor((sample − ema) × alpha / 1e6)}; the first sample sets it. A
     * trade before the first accepted tick has no index to compare with: it is remembered as the last trade but does
     * not feed the EMA. The mark is not moved here; it follows at the next accepted tick.
     *
     * @param priceTicks trade price in ticks, positive.
     * @param nowMs      cluster time.
     * @throws IllegalArgumentException for a price that is not positive.
     * @throws ArithmeticException      on overflow, with nothing changed.
     */
    public void onTrade(final long priceTicks, final long nowMs)
    {
        if (priceTicks <= 0)
        {
            throw new IllegalArgumentException("price must be positive: " + priceTicks);
        }
        if (0 != indexPriceTicks)
        {
            final long sample = priceTicks - indexPriceTicks;
            if (!hasBasis)
            {
                emaBasisTicks = sample;
                hasBasis = true;
            }
            else
            {
                final long dt = Math.max(0, nowMs - emaTimeMs);
                final long windowMs = parameters.emaWindowMs();
                final int alphaPpm = dt >= windowMs ? Money.PPM : (int)(dt * Money.PPM / windowMs);
                emaBasisTicks += Money.proportion(Math.subtractExact(sample, emaBasisTicks), alphaPpm, Money.PPM);
            }
            emaTimeMs = nowMs;
        }
        lastTradeTicks = priceTicks;
        lastTradeTimeMs = nowMs;
    }

    /**
     * @return the index in ticks, 0 until the first accepted tick.
     */
    public long indexPriceTicks()
    {
        return indexPriceTicks;
    }

    /**
     * @return the mark in ticks, 0 until the first accepted tick.
     */
    public long markPriceTicks()
    {
        return markPriceTicks;
    }

    /**
     * @return the mark before the last tick (equal to the mark unless the last tick was accepted and moved it).
     */
    public long previousMarkTicks()
    {
        return previousMarkTicks;
    }

    /**
     * @return fresh sources (excluded ones included) at the last tick's cluster time, after that tick.
     */
    public int freshSourceCount()
    {
        return freshSourceCount;
    }

    /**
     * @return fresh, non-excluded sources at the last tick's cluster time, after that tick: those the index counts.
     */
    public int countedSourceCount()
    {
        return countedSourceCount;
    }

    /**
     * @return the median of the other fresh, non-excluded sources the last tick was judged against, 0 when there
     * were none (the band applies only when there were at least two).
     */
    public long othersMedianTicks()
    {
        return othersMedianTicks;
    }

    /**
     * @return the last tick's decision, null before the first tick.
     */
    public TickDecision lastDecision()
    {
        return lastDecision;
    }

    /**
     * @return true once a trade after the first accepted tick has set the EMA basis.
     */
    public boolean hasBasis()
    {
        return hasBasis;
    }

    /**
     * @return the EMA of {@code trade − index} in ticks (0 until {@link #hasBasis()}).
     */
    public long emaBasisTicks()
    {
        return emaBasisTicks;
    }

    /**
     * @return cluster time of the last trade that fed the EMA.
     */
    public long emaTimeMs()
    {
        return emaTimeMs;
    }

    /**
     * @return last trade price in ticks, 0 before the first trade.
     */
    public long lastTradeTicks()
    {
        return lastTradeTicks;
    }

    /**
     * @return cluster time of the last trade.
     */
    public long lastTradeTimeMs()
    {
        return lastTradeTimeMs;
    }

    /**
     * @return sources recorded, in ascending source id at indices 0 .. count − 1.
     */
    public int sourceCount()
    {
        return sourceCount;
    }

    /**
     * @param index 0 .. {@link #sourceCount()} − 1, ascending source id.
     * @return the source id.
     */
    public int sourceIdAt(final int index)
    {
        checkIndex(index);
        return sourceIds[index];
    }

    /**
     * @param index 0 .. {@link #sourceCount()} − 1.
     * @return the source's last recorded price in ticks.
     */
    public long sourcePriceTicksAt(final int index)
    {
        checkIndex(index);
        return sourcePriceTicks[index];
    }

    /**
     * @param index 0 .. {@link #sourceCount()} − 1.
     * @return the time recorded for the source's last tick (its source time, at most the cluster time then).
     */
    public long sourceTimeMsAt(final int index)
    {
        checkIndex(index);
        return sourceTimes[index];
    }

    /**
     * @param index 0 .. {@link #sourceCount()} − 1.
     * @return true when the source's last tick was excluded.
     */
    public boolean isSourceExcludedAt(final int index)
    {
        checkIndex(index);
        return sourceExcluded[index];
    }

    /**
     * Forgets everything, before a restore.
     */
    public void reset()
    {
        sourceCount = 0;
        indexPriceTicks = 0;
        markPriceTicks = 0;
        previousMarkTicks = 0;
        hasBasis = false;
        emaBasisTicks = 0;
        emaTimeMs = 0;
        lastTradeTicks = 0;
        lastTradeTimeMs = 0;
        lastDecision = null;
        othersMedianTicks = 0;
        freshSourceCount = 0;
        countedSourceCount = 0;
    }

    /**
     * Restores one source from a snapshot, after {@link #reset()}, in ascending source id order. Up to
     * {@link OracleParameters#MAX_SOURCES_LIMIT} are accepted even if the parameters now allow fewer.
     *
     * @throws IllegalArgumentException if out of order, the price is not positive or there are too many.
     */
    public void restoreSource(
        final int sourceId, final long priceTicks, final long sourceTimeMs, final boolean excluded)
    {
        if ((sourceCount > 0 && sourceId <= sourceIds[sourceCount - 1]) ||
            priceTicks <= 0 || sourceCount >= OracleParameters.MAX_SOURCES_LIMIT)
        {
            throw new IllegalArgumentException("invalid source in snapshot: " + sourceId);
        }
        final int slot = insert(sourceCount, sourceId);
        sourcePriceTicks[slot] = priceTicks;
        sourceTimes[slot] = sourceTimeMs;
        sourceExcluded[slot] = excluded;
    }

    /**
     * Restores the prices from a snapshot.
     */
    public void restorePrices(final long indexPriceTicks, final long markPriceTicks, final long previousMarkTicks)
    {
        this.indexPriceTicks = indexPriceTicks;
        this.markPriceTicks = markPriceTicks;
        this.previousMarkTicks = previousMarkTicks;
    }

    /**
     * Restores the basis and the last trade from a snapshot.
     */
    public void restoreBasis(
        final boolean hasBasis,
        final long emaBasisTicks,
        final long emaTimeMs,
        final long lastTradeTicks,
        final long lastTradeTimeMs)
    {
        this.hasBasis = hasBasis;
        this.emaBasisTicks = emaBasisTicks;
        this.emaTimeMs = emaTimeMs;
        this.lastTradeTicks = lastTradeTicks;
        this.lastTradeTimeMs = lastTradeTimeMs;
    }

    /**
     * Restores what describes the last tick from a snapshot.
     *
     * @param lastDecision null when no tick had arrived.
     */
    public void restoreLastTick(
        final TickDecision lastDecision,
        final long othersMedianTicks,
        final int freshSourceCount,
        final int countedSourceCount)
    {
        this.lastDecision = lastDecision;
        this.othersMedianTicks = othersMedianTicks;
        this.freshSourceCount = freshSourceCount;
        this.countedSourceCount = countedSourceCount;
    }

    private long computeMark()
    {
        if (!hasBasis)
        {
            return indexPriceTicks;
        }
        switch (parameters.markBasis())
        {
            case INDEX_PLUS_EMA_BASIS:
                return indexPlusBasis();

            case MEDIAN_OF_INDEX_EMA_LAST:
                return medianOfThree(indexPriceTicks, indexPlusBasis(), lastTradeTicks);

            case INDEX:
            default:
                return indexPriceTicks;
        }
    }

    /**
     * A mark must stay a positive price: a basis below −index gives 1 tick, and an overflow saturates.
     */
    private long indexPlusBasis()
    {
        final long sum = indexPriceTicks + emaBasisTicks;
        if (((indexPriceTicks ^ sum) & (emaBasisTicks ^ sum)) < 0)
        {
            return Long.MAX_VALUE;
        }
        return Math.max(1, sum);
    }

    private static long medianOfThree(final long a, final long b, final long c)
    {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /**
     * Copies the prices of fresh, non-excluded sources, except the one at {@code skipSlot}, into the scratch array.
     *
     * @return how many were copied.
     */
    private int collectCounted(final int skipSlot, final long freshFromMs)
    {
        int count = 0;
        for (int i = 0; i < sourceCount; i++)
        {
            if (i != skipSlot && !sourceExcluded[i] && sourceTimes[i] >= freshFromMs)
            {
                scratch[count++] = sourcePriceTicks[i];
            }
        }
        return count;
    }

    /**
     * Sorts the first {@code count} scratch prices in place (insertion sort: a few dozen at most) and takes their
     * median; for an even count, the floor of the mean of the two middle ones, computed without overflow.
     */
    private long medianOfScratch(final int count)
    {
        final long[] values = scratch;
        for (int i = 1; i < count; i++)
        {
            final long value = values[i];
            int j = i - 1;
            while (j >= 0 && values[j] > value)
            {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = value;
        }
        final int middle = count >> 1;
        if ((count & 1) == 1)
        {
            return values[middle];
        }
        final long low = values[middle - 1];
        return low + ((values[middle] - low) >> 1);
    }

    /**
     * {@code |price − median| × 1e6 > band × median}, compared in 128 bits so no price can overflow it: a tick
     * exactly on the band edge is inside.
     */
    private static boolean outsideBand(final long priceTicks, final long medianTicks, final int bandPpm)
    {
        final long distance = Math.abs(priceTicks - medianTicks);
        final long distanceHigh = Math.multiplyHigh(distance, Money.PPM);
        final long distanceLow = distance * Money.PPM;
        final long limitHigh = Math.multiplyHigh(medianTicks, bandPpm);
        final long limitLow = medianTicks * bandPpm;
        if (distanceHigh != limitHigh)
        {
            return distanceHigh > limitHigh;
        }
        return Long.compareUnsigned(distanceLow, limitLow) > 0;
    }

    /**
     * @return the slot of the source, or {@code −(insertion point) − 1} when it is not recorded.
     */
    private int find(final int sourceId)
    {
        return Arrays.binarySearch(sourceIds, 0, sourceCount, sourceId);
    }

    private int insert(final int position, final int sourceId)
    {
        if (sourceCount == sourceIds.length)
        {
            final int capacity = Math.min(
                OracleParameters.MAX_SOURCES_LIMIT, Math.max(sourceCount + 1, sourceCount << 1));
            sourceIds = Arrays.copyOf(sourceIds, capacity);
            sourcePriceTicks = Arrays.copyOf(sourcePriceTicks, capacity);
            sourceTimes = Arrays.copyOf(sourceTimes, capacity);
            sourceExcluded = Arrays.copyOf(sourceExcluded, capacity);
            scratch = new long[capacity];
        }
        final int tail = sourceCount - position;
        System.arraycopy(sourceIds, position, sourceIds, position + 1, tail);
        System.arraycopy(sourcePriceTicks, position, sourcePriceTicks, position + 1, tail);
        System.arraycopy(sourceTimes, position, sourceTimes, position + 1, tail);
        System.arraycopy(sourceExcluded, position, sourceExcluded, position + 1, tail);
        sourceIds[position] = sourceId;
        sourcePriceTicks[position] = 0;
        sourceTimes[position] = 0;
        sourceExcluded[position] = false;
        sourceCount++;
        return position;
    }

    private void checkIndex(final int index)
    {
        if (index < 0 || index >= sourceCount)
        {
            throw new IndexOutOfBoundsException("source index " + index + " of " + sourceCount);
        }
    }

    public String toString()
    {
        return "PriceOracle{index=" + indexPriceTicks + ", mark=" + markPriceTicks + ", sources=" + sourceCount +
            ", lastDecision=" + lastDecision + '}';
    }
}
