package dev.backstop.clearing.domain;

import java.math.BigInteger;

/**
 * Fixed-point arithmetic for money in micro-units and rates in parts per million (DESIGN.md section 4).
 * <p>
 * Every operation is exact or rounds in a stated direction, and throws {@link ArithmeticException} rather than
 * wrap: callers turn that into {@link Outcome#ARITHMETIC_OVERFLOW} before anything is changed.
 */
public final class Money
{
    /**
     * Parts per million in one whole.
     */
    public static final int PPM = 1_000_000;

    /**
     * The ppm value that stands for exactly two thirds wherever a ppm parameter defaults to ⅔ (the whole-account
     * threshold, the pool's share of a takeover): 666_667 ppm is read as the exact fraction 2/3, not as 0.666667, so
     * the default rules stay the exact ⅔ rules of DESIGN.md 5.2. Every other value is read literally.
     */
    public static final int TWO_THIRDS_PPM = 666_667;

    private Money()
    {
    }

    /**
     * The value of a quantity at a price: {@code lots × priceTicks × tickValue}, signed as the quantity.
     *
     * @param lots       quantity in lots, signed.
     * @param priceTicks price in ticks.
     * @param tickValue  money value of one tick for one lot.
     * @return value in micro-units.
     * @throws ArithmeticException on overflow.
     */
    public static long value(final long lots, final long priceTicks, final long tickValue)
    {
        return Math.multiplyExact(Math.multiplyExact(lots, priceTicks), tickValue);
    }

    /**
     * {@code amount × ppm / 1e6} rounded up (away from zero for what a member owes), without a 128-bit
     * intermediate: the amount is split into whole millions and a remainder so no product can overflow unless the
     * result does.
     *
     * @param amount non-negative amount in micro-units.
     * @param ppm    non-negative rate in parts per million.
     * @return the share, rounded up.
     * @throws ArithmeticException on overflow.
     */
    public static long ppmRoundedUp(final long amount, final int ppm)
    {
        final long millions = amount / PPM;
        final long remainder = amount % PPM;
        final long remainderShare = (remainder * ppm + (PPM - 1)) / PPM;
        return Math.addExact(Math.multiplyExact(millions, ppm), remainderShare);
    }

    /**
     * {@code amount × ppm / 1e6} rounded down (for what a member receives).
     *
     * @param amount non-negative amount in micro-units.
     * @param ppm    non-negative rate in parts per million.
     * @return the share, rounded down.
     * @throws ArithmeticException on overflow.
     */
    public static long ppmRoundedDown(final long amount, final int ppm)
    {
        final long millions = amount / PPM;
        final long remainder = amount % PPM;
        return Math.addExact(Math.multiplyExact(millions, ppm), remainder * ppm / PPM);
    }

    /**
     * {@code value × part / whole}, rounded towards negative infinity, exact for any inputs whose result fits.
     *
     * @param value signed value.
     * @param part  non-negative numerator.
     * @param whole positive denominator.
     * @return the proportional part, rounded down.
     * @throws ArithmeticException when the result does not fit a long.
     */
    public static long proportion(final long value, final long part, final long whole)
    {
        final long high = Math.multiplyHigh(value, part);
        final long low = value * part;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0))
        {
            return Math.floorDiv(low, whole);
        }
        // The product needs 128 bits: rare (positions beyond ~3e9 lots), so a BigInteger is acceptable here.
        return wideDivide(value, part, whole, false);
    }

    /**
     * {@code value × part / whole}, rounded towards positive infinity (what a member owes, or the cost released
     * when it closes part of a position, so that its realised PnL rounds against it).
     *
     * @param value signed value.
     * @param part  non-negative numerator.
     * @param whole positive denominator.
     * @return the proportional part, rounded up.
     * @throws ArithmeticException when the result does not fit a long.
     */
    public static long proportionRoundedUp(final long value, final long part, final long whole)
    {
        final long high = Math.multiplyHigh(value, part);
        final long low = value * part;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0))
        {
            final long quotient = Math.floorDiv(low, whole);
            return 0 == Math.floorMod(low, whole) ? quotient : quotient + 1;
        }
        return wideDivide(value, part, whole, true);
    }

    private static long wideDivide(final long value, final long part, final long whole, final boolean roundUp)
    {
        final BigInteger[] quotientAndRemainder = BigInteger.valueOf(value)
            .multiply(BigInteger.valueOf(part))
            .divideAndRemainder(BigInteger.valueOf(whole));
        BigInteger quotient = quotientAndRemainder[0];
        final int remainderSign = quotientAndRemainder[1].signum();
        if (remainderSign < 0 && !roundUp)
        {
            quotient = quotient.subtract(BigInteger.ONE);
        }
        else if (remainderSign > 0 && roundUp)
        {
            quotient = quotient.add(BigInteger.ONE);
        }
        return quotient.longValueExact();
    }
}
