package dev.backstop.clearing.domain;

/**
 * How much of a failing account is closed in a liquidation round, in which order, and when it stops
 * (DESIGN.md section 5 item 4).
 * <p>
 * A slice is {@code max(min notional, slice ppm of the position)} [dYdX per-block limits; FTX 10% steps], the
 * largest maintenance margin goes first, and the account is liquidated until its equity reaches the target
 * (1.02 × MM [Drift]), unless it is so deep (equity below ⅔ MM [Hyperliquid, FTX]) that it goes to the backstop
 * whole. All comparisons are exact in 128 bits.
 */
public final class LiquidationSlicing
{
    private LiquidationSlicing()
    {
    }

    /**
     * Lots to close this round: {@code min(|pos|, max(ceil(minNotional / (mark × tickValue)),
     * ceil(|pos| × slicePpm / 1e6)))}, at least one lot; zero only for a flat position.
     *
     * @param positionLots     position, signed (the sign is ignored).
     * @param markTicks        mark price in ticks, positive.
     * @param tickValue        money value of one tick for one lot, positive.
     * @param minSliceNotional minimum slice notional in micro-units, non-negative.
     * @param slicePpm         slice as a share of the position in ppm, non-negative.
     * @return lots in the slice, unsigned.
     * @throws ArithmeticException on overflow or non-positive mark or tick value.
     */
    public static long sliceLots(
        final long positionLots,
        final long markTicks,
        final long tickValue,
        final long minSliceNotional,
        final int slicePpm)
    {
        final long position = Math.absExact(positionLots);
        if (0 == position)
        {
            return 0;
        }
        if (markTicks <= 0 || tickValue <= 0 || minSliceNotional < 0 || slicePpm < 0)
        {
            throw new ArithmeticException("mark, tick value, minimum notional and slice ppm must be positive");
        }
        final long lotValue = Math.multiplyExact(markTicks, tickValue);
        final long byNotional = minSliceNotional / lotValue + (0 == minSliceNotional % lotValue ? 0 : 1);
        final long byShare = Money.ppmRoundedUp(position, slicePpm);
        return Math.max(1L, Math.min(position, Math.max(byNotional, byShare)));
    }

    /**
     * The position to slice first: largest maintenance margin, ties to the lower instrument id.
     *
     * @param count              number of positions in the arrays.
     * @param maintenanceMargins maintenance margin per position.
     * @param instrumentIds      instrument id per position.
     * @return index of the position with the largest risk, or -1 when count is zero.
     */
    public static int largestRiskIndex(final int count, final long[] maintenanceMargins, final int[] instrumentIds)
    {
        int best = -1;
        for (int i = 0; i < count; i++)
        {
            if (best < 0 ||
                maintenanceMargins[i] > maintenanceMargins[best] ||
                (maintenanceMargins[i] == maintenanceMargins[best] && instrumentIds[i] < instrumentIds[best]))
            {
                best = i;
            }
        }
        return best;
    }

    /**
     * Whole-account threshold: {@code equity < ⅔ × MM}, exactly ({@code equity × 3 < MM × 2}).
     *
     * @param equity account equity in micro-units, signed.
     * @param mm     maintenance margin in micro-units.
     * @return true when the account skips the slices and goes to the backstop whole.
     */
    public static boolean belowWholeAccountThreshold(final long equity, final long mm)
    {
        return WideArithmetic.compareProducts(equity, 3, mm, 2) < 0;
    }

    /**
     * Whole-account threshold as a parameter: {@code equity × 1e6 < MM × thresholdPpm}, exactly (128-bit), except
     * that {@link Money#TWO_THIRDS_PPM} means exactly ⅔ ({@code equity × 3 < MM × 2}), the default rule.
     *
     * @param equity       account equity in micro-units, signed.
     * @param mm           maintenance margin in micro-units.
     * @param thresholdPpm threshold as a multiple of MM in ppm, 0 &lt; ppm &lt;= 1_000_000.
     * @return true when the account skips the slices and goes to the backstop whole.
     */
    public static boolean belowWholeAccountThreshold(final long equity, final long mm, final int thresholdPpm)
    {
        if (Money.TWO_THIRDS_PPM == thresholdPpm)
        {
            return belowWholeAccountThreshold(equity, mm);
        }
        return WideArithmetic.compareProducts(equity, Money.PPM, mm, thresholdPpm) < 0;
    }

    /**
     * Liquidation target: {@code equity >= MM × targetPpm / 1e6}, exactly ({@code equity × 1e6 >= MM × targetPpm}).
     *
     * @param equity    account equity in micro-units, signed.
     * @param mm        maintenance margin in micro-units.
     * @param targetPpm target as a multiple of MM in ppm (default 1_020_000).
     * @return true when liquidation of the account stops.
     */
    public static boolean reachedTarget(final long equity, final long mm, final int targetPpm)
    {
        return WideArithmetic.compareProducts(equity, Money.PPM, mm, targetPpm) >= 0;
    }
}
