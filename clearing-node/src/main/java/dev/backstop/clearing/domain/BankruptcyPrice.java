package dev.backstop.clearing.domain;

/**
 * The bankruptcy price ZP of a liquidation slice (DESIGN.md section 5.1): the price at which the slice's share of
 * the account's equity left is exactly zero.
 * <p>
 * The equity left E is shared among the account's positions in proportion to each one's maintenance margin, and a
 * slice takes the part of its position's share proportional to its size [dYdX bankruptcy value of a partial close].
 * Both steps round towards positive infinity: the defaulter owes its equity share to the pool and the insurance
 * fund on a takeover, and what a member owes rounds up. ZP then rounds against the defaulter so that closing the
 * slice at ZP never leaves it with less than zero equity: a long's ZP rounds up, a short's rounds down.
 */
public final class BankruptcyPrice
{
    private BankruptcyPrice()
    {
    }

    /**
     * The slice's share of the account's equity left: {@code E × MM_i / MM_total × |slice| / |position|}, each of
     * the two proportions rounded towards positive infinity (so the defaulter's share, and what it owes, is never
     * under-stated; a negative E gives a negative share rounded towards zero at each step).
     *
     * @param accountEquity equity left of the whole account in micro-units, signed.
     * @param positionMm    maintenance margin of the position the slice is cut from, {@code 0 <= positionMm}.
     * @param totalMm       the account's total maintenance margin, {@code positionMm <= totalMm}, positive.
     * @param sliceLots     size of the slice in lots (sign ignored), {@code |slice| <= |position|}.
     * @param positionLots  size of the whole position in lots (sign ignored), non-zero.
     * @return the slice's equity share in micro-units.
     * @throws IllegalArgumentException when the arguments are inconsistent.
     * @throws ArithmeticException      on overflow.
     */
    public static long equityShare(
        final long accountEquity,
        final long positionMm,
        final long totalMm,
        final long sliceLots,
        final long positionLots)
    {
        final long slice = Math.absExact(sliceLots);
        final long position = Math.absExact(positionLots);
        if (positionMm < 0 || totalMm <= 0 || positionMm > totalMm || 0 == position || slice > position)
        {
            throw new IllegalArgumentException("inconsistent equity share arguments");
        }
        if (accountEquity >= 0)
        {
            final long positionShare = WideArithmetic.mulDivCeil(accountEquity, positionMm, totalMm);
            return WideArithmetic.mulDivCeil(positionShare, slice, position);
        }
        final long positionDeficit = WideArithmetic.mulDivFloor(Math.negateExact(accountEquity), positionMm, totalMm);
        return -WideArithmetic.mulDivFloor(positionDeficit, slice, position);
    }

    /**
     * The price at which the slice's equity share is exactly zero, in whole ticks rounded against the defaulter:
     * long slice {@code ZP = ceil(MP - share / (lots × tickValue))}, short slice
     * {@code ZP = floor(MP + share / (|lots| × tickValue))}; never below one tick.
     *
     * @param markTicks       the mark MP in ticks.
     * @param sliceLotsSigned the slice, signed as the defaulter's position (+ long, - short), non-zero.
     * @param equityShare     the slice's equity share from {@link #equityShare}, signed.
     * @param tickValue       money value of one tick for one lot, positive.
     * @return ZP in ticks, at least 1.
     * @throws ArithmeticException on overflow or a zero slice.
     */
    public static long bankruptcyPriceTicks(
        final long markTicks, final long sliceLotsSigned, final long equityShare, final long tickValue)
    {
        if (0 == sliceLotsSigned || tickValue <= 0)
        {
            throw new ArithmeticException("slice and tick value must be non-zero");
        }
        final long valuePerTick = Math.multiplyExact(Math.absExact(sliceLotsSigned), tickValue);
        final long ticks = Math.floorDiv(equityShare, valuePerTick);
        // ceil(MP - s/v) = MP - floor(s/v); floor(MP + s/v) = MP + floor(s/v).
        final long price = sliceLotsSigned > 0 ? Math.subtractExact(markTicks, ticks) : Math.addExact(markTicks, ticks);
        return Math.max(1L, price);
    }
}
