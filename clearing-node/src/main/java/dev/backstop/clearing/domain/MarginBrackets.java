package dev.backstop.clearing.domain;

/**
 * Margin by notional brackets [Binance leverage brackets] (DESIGN.md section 5 item 2): the bigger a position, the
 * higher the rate on the part of it above each cap, so a large position cannot be carried at the rate of a small one.
 * <p>
 * Bracket {@code k} covers notionals {@code cap(k-1) < notional <= cap(k)} (the last cap is {@link Long#MAX_VALUE}).
 * Within it {@code margin = notional × rate(k) − offset(k)}, with the cumulative offset
 * {@code offset(0) = 0, offset(k) = offset(k-1) + cap(k-1) × (rate(k) − rate(k-1)) / 1e6}, separately for
 * maintenance (MMR) and initial (IMR) margin. The offsets make margin continuous at every cap, and equal to the
 * tiered sum of each slice of the notional at its own bracket's rate. Offsets are kept exactly (whole micro-units
 * plus millionths of a micro-unit) so continuity is exact whatever the caps; only the final margin rounds, up,
 * because the member owes it.
 * <p>
 * Rates are non-decreasing from bracket to bracket and MMR ≤ IMR in each, so margin is non-decreasing in notional
 * and initial margin is never below maintenance margin. Margin calls do not allocate. The table is changed with
 * {@link #set(int, long[], int[], int[])}, which validates it, changes nothing on a refusal, and is also the restore
 * path from a snapshot (the offsets are derived, so a snapshot holds only caps and rates).
 */
public final class MarginBrackets
{
    /**
     * Most brackets a table may have (venues publish 10 or so).
     */
    public static final int MAX_BRACKETS = 16;

    private static final int PPM = Money.PPM;

    private int count;
    private final long[] caps = new long[MAX_BRACKETS];
    private final int[] initialMarginPpm = new int[MAX_BRACKETS];
    private final int[] maintenanceMarginPpm = new int[MAX_BRACKETS];
    private final long[] initialOffsetWhole = new long[MAX_BRACKETS];
    private final int[] initialOffsetFraction = new int[MAX_BRACKETS];
    private final long[] maintenanceOffsetWhole = new long[MAX_BRACKETS];
    private final int[] maintenanceOffsetFraction = new int[MAX_BRACKETS];

    /**
     * An empty table: every margin call fails until {@link #set(int, long[], int[], int[])} accepts one.
     */
    public MarginBrackets()
    {
    }

    /**
     * One bracket covering every notional: plain {@code notional × rate}, as an instrument listed with a single
     * IMR/MMR pair.
     *
     * @param initialMarginPpm     IMR in ppm.
     * @param maintenanceMarginPpm MMR in ppm.
     * @return the table.
     * @throws IllegalArgumentException when the rates are refused by {@link #validate(int, long[], int[], int[])}.
     */
    public static MarginBrackets single(final int initialMarginPpm, final int maintenanceMarginPpm)
    {
        return of(1, new long[]{ Long.MAX_VALUE }, new int[]{ initialMarginPpm }, new int[]{ maintenanceMarginPpm });
    }

    /**
     * A validated table.
     *
     * @param count                number of brackets used from the arrays.
     * @param caps                 ascending notional caps in micro-units, the last {@link Long#MAX_VALUE}.
     * @param initialMarginPpm     IMR per bracket in ppm.
     * @param maintenanceMarginPpm MMR per bracket in ppm.
     * @return the table.
     * @throws IllegalArgumentException when the table is refused.
     */
    public static MarginBrackets of(
        final int count, final long[] caps, final int[] initialMarginPpm, final int[] maintenanceMarginPpm)
    {
        final MarginBrackets brackets = new MarginBrackets();
        final Outcome outcome = brackets.set(count, caps, initialMarginPpm, maintenanceMarginPpm);
        if (outcome.isRefusal())
        {
            throw new IllegalArgumentException(outcome.reason());
        }
        return brackets;
    }

    /**
     * Whether a table is sound: 1 to {@link #MAX_BRACKETS} brackets; caps positive and strictly ascending, the last
     * {@link Long#MAX_VALUE}; {@code 0 < MMR <= IMR <= 1e6} in every bracket; MMR and IMR each non-decreasing.
     *
     * @param count                number of brackets used from the arrays.
     * @param caps                 notional caps in micro-units.
     * @param initialMarginPpm     IMR per bracket in ppm.
     * @param maintenanceMarginPpm MMR per bracket in ppm.
     * @return {@link Outcome#ACCEPTED} or {@link Outcome#INVALID_PARAMETER}.
     */
    public static Outcome validate(
        final int count, final long[] caps, final int[] initialMarginPpm, final int[] maintenanceMarginPpm)
    {
        if (count < 1 || count > MAX_BRACKETS ||
            null == caps || null == initialMarginPpm || null == maintenanceMarginPpm ||
            caps.length < count || initialMarginPpm.length < count || maintenanceMarginPpm.length < count ||
            caps[count - 1] != Long.MAX_VALUE)
        {
            return Outcome.INVALID_PARAMETER;
        }
        for (int k = 0; k < count; k++)
        {
            final int imr = initialMarginPpm[k];
            final int mmr = maintenanceMarginPpm[k];
            if (caps[k] <= 0 || mmr <= 0 || mmr > imr || imr > PPM)
            {
                return Outcome.INVALID_PARAMETER;
            }
            if (k > 0 &&
                (caps[k] <= caps[k - 1] || imr < initialMarginPpm[k - 1] || mmr < maintenanceMarginPpm[k - 1]))
            {
                return Outcome.INVALID_PARAMETER;
            }
        }
        return Outcome.ACCEPTED;
    }

    /**
     * Replaces the table (an operator command, or a restore from a snapshot) and derives the offsets.
     *
     * @param count                number of brackets used from the arrays.
     * @param caps                 ascending notional caps in micro-units, the last {@link Long#MAX_VALUE}.
     * @param initialMarginPpm     IMR per bracket in ppm.
     * @param maintenanceMarginPpm MMR per bracket in ppm.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with the table unchanged.
     */
    public Outcome set(
        final int count, final long[] caps, final int[] initialMarginPpm, final int[] maintenanceMarginPpm)
    {
        final Outcome outcome = validate(count, caps, initialMarginPpm, maintenanceMarginPpm);
        if (outcome.isRefusal())
        {
            return outcome;
        }
        this.count = count;
        System.arraycopy(caps, 0, this.caps, 0, count);
        System.arraycopy(initialMarginPpm, 0, this.initialMarginPpm, 0, count);
        System.arraycopy(maintenanceMarginPpm, 0, this.maintenanceMarginPpm, 0, count);
        deriveOffsets(count, this.caps, this.initialMarginPpm, initialOffsetWhole, initialOffsetFraction);
        deriveOffsets(count, this.caps, this.maintenanceMarginPpm, maintenanceOffsetWhole, maintenanceOffsetFraction);
        return Outcome.ACCEPTED;
    }

    /**
     * @return number of brackets, 0 before a table is set.
     */
    public int count()
    {
        return count;
    }

    /**
     * @param bracket bracket index.
     * @return the bracket's notional cap in micro-units (inclusive).
     */
    public long capAt(final int bracket)
    {
        return caps[bracket];
    }

    /**
     * @param bracket bracket index.
     * @return IMR of the bracket in ppm.
     */
    public int initialMarginPpmAt(final int bracket)
    {
        return initialMarginPpm[bracket];
    }

    /**
     * @param bracket bracket index.
     * @return MMR of the bracket in ppm.
     */
    public int maintenanceMarginPpmAt(final int bracket)
    {
        return maintenanceMarginPpm[bracket];
    }

    /**
     * For display and audit (Binance publishes the same column): the exact offset may carry a fraction of a
     * micro-unit, which margin keeps.
     *
     * @param bracket bracket index.
     * @return the cumulative initial-margin offset in micro-units, rounded down.
     */
    public long initialOffsetAt(final int bracket)
    {
        return initialOffsetWhole[bracket];
    }

    /**
     * @param bracket bracket index.
     * @return the cumulative maintenance-margin offset in micro-units, rounded down.
     */
    public long maintenanceOffsetAt(final int bracket)
    {
        return maintenanceOffsetWhole[bracket];
    }

    /**
     * @param notional non-negative notional in micro-units.
     * @return the bracket that covers it: the first whose cap is at least the notional.
     */
    public int bracketOf(final long notional)
    {
        if (notional < 0)
        {
            throw new IllegalArgumentException("notional must not be negative");
        }
        for (int k = 0; k < count; k++)
        {
            if (notional <= caps[k])
            {
                return k;
            }
        }
        throw new IllegalStateException("no margin brackets set");
    }

    /**
     * @param notional non-negative notional in micro-units (the absolute value of a position at mark).
     * @return {@code notional × MMR(bracket) − maintenance offset(bracket)}, rounded up.
     */
    public long maintenanceMargin(final long notional)
    {
        final int k = bracketOf(notional);
        return margin(notional, maintenanceMarginPpm[k], maintenanceOffsetWhole[k], maintenanceOffsetFraction[k]);
    }

    /**
     * @param notional non-negative notional in micro-units (the absolute value of a position at mark).
     * @return {@code notional × IMR(bracket) − initial offset(bracket)}, rounded up.
     */
    public long initialMargin(final long notional)
    {
        final int k = bracketOf(notional);
        return margin(notional, initialMarginPpm[k], initialOffsetWhole[k], initialOffsetFraction[k]);
    }

    /**
     * Initial margin with the IMR raised for the instrument's open interest [dYdX liquidity tiers]:
     * {@code max(notional × scaledIMR − initial offset(bracket), notional × IMR − initial offset(bracket))},
     * rounded up, where {@code scaledIMR = scaling.scaledInitialMarginPpm(IMR(bracket), openInterestNotional)}. The
     * offset stays the bracket's own, so scaling only ever adds margin.
     *
     * @param notional             non-negative notional in micro-units.
     * @param scaling              the instrument's open-interest scaling (may be off).
     * @param openInterestNotional the instrument's open interest at mark, in micro-units.
     * @return initial margin in micro-units.
     */
    public long initialMargin(final long notional, final OpenInterestScaling scaling, final long openInterestNotional)
    {
        final int k = bracketOf(notional);
        final int imr = initialMarginPpm[k];
        final long unscaled = margin(notional, imr, initialOffsetWhole[k], initialOffsetFraction[k]);
        final int scaledImr = scaling.scaledInitialMarginPpm(imr, openInterestNotional);
        if (scaledImr == imr)
        {
            return unscaled;
        }
        return Math.max(unscaled, margin(notional, scaledImr, initialOffsetWhole[k], initialOffsetFraction[k]));
    }

    /**
     * {@code ceil((notional × rate − (whole × 1e6 + fraction)) / 1e6)} without a 128-bit product: the notional is
     * split into whole millions and a remainder, the offset into whole micro-units and millionths.
     */
    private static long margin(final long notional, final int ratePpm, final long offsetWhole, final int offsetFraction)
    {
        final long millions = notional / PPM;
        final long remainder = notional % PPM;
        final long base = Math.subtractExact(Math.multiplyExact(millions, ratePpm), offsetWhole);
        final long tail = remainder * ratePpm - offsetFraction;
        return Math.addExact(base, -Math.floorDiv(-tail, PPM));
    }

    private static void deriveOffsets(
        final int count, final long[] caps, final int[] rates, final long[] whole, final int[] fraction)
    {
        whole[0] = 0;
        fraction[0] = 0;
        for (int k = 1; k < count; k++)
        {
            final long delta = rates[k] - rates[k - 1];
            final long cap = caps[k - 1];
            // cap × delta = (capMillions × delta) × 1e6 + capRemainder × delta: no product exceeds a long.
            final long capMillions = cap / PPM;
            final long tail = fraction[k - 1] + (cap % PPM) * delta;
            whole[k] = Math.addExact(
                Math.addExact(whole[k - 1], Math.multiplyExact(capMillions, delta)), tail / PPM);
            fraction[k] = (int)(tail % PPM);
        }
    }
}
