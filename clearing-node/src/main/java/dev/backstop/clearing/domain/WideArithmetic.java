package dev.backstop.clearing.domain;

/**
 * Exact {@code a × b / c} and comparisons of {@code a × b} with {@code c × d} through a 128-bit intermediate,
 * without allocating.
 * <p>
 * Liquidation multiplies money by money (equity by margin, lots by capacity), whose products routinely exceed 63
 * bits for a large account; {@link Money#proportion} falls back to {@code BigInteger} there, which would allocate on
 * every slice. A shift-and-subtract long division is slower than hardware division but allocation-free and exact.
 */
final class WideArithmetic
{
    private WideArithmetic()
    {
    }

    /**
     * {@code floor(a × b / c)} for non-negative {@code a}, {@code b} and positive {@code c}.
     *
     * @throws ArithmeticException when the quotient does not fit in a long, or an argument is out of range.
     */
    static long mulDivFloor(final long a, final long b, final long c)
    {
        checkArguments(a, b, c);
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        if (0 == high && low >= 0)
        {
            return low / c;
        }
        return divide(high, low, c, false);
    }

    /**
     * {@code ceil(a × b / c)} for non-negative {@code a}, {@code b} and positive {@code c}.
     *
     * @throws ArithmeticException when the quotient does not fit in a long, or an argument is out of range.
     */
    static long mulDivCeil(final long a, final long b, final long c)
    {
        checkArguments(a, b, c);
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        if (0 == high && low >= 0)
        {
            final long quotient = low / c;
            return 0 == low % c ? quotient : quotient + 1;
        }
        return divide(high, low, c, true);
    }

    /**
     * {@code (a × b) mod c} for non-negative {@code a}, {@code b} and positive {@code c}: the fractional part of
     * {@link #mulDivFloor} scaled by {@code c}, used to hand out remainder lots.
     */
    static long mulMod(final long a, final long b, final long c)
    {
        checkArguments(a, b, c);
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        if (0 == high && low >= 0)
        {
            return low % c;
        }
        if (Long.compareUnsigned(high, c) >= 0)
        {
            // Reduce the high word first so the division below never overflows; the remainder is unchanged.
            return remainder(Long.remainderUnsigned(high, c), low, c);
        }
        return remainder(high, low, c);
    }

    /**
     * Signed comparison of {@code a × b} with {@code c × d}, exact for all longs.
     *
     * @return negative, zero or positive as {@code a × b} is less than, equal to or greater than {@code c × d}.
     */
    static int compareProducts(final long a, final long b, final long c, final long d)
    {
        final long leftHigh = Math.multiplyHigh(a, b);
        final long rightHigh = Math.multiplyHigh(c, d);
        if (leftHigh != rightHigh)
        {
            return Long.compare(leftHigh, rightHigh);
        }
        return Long.compareUnsigned(a * b, c * d);
    }

    private static void checkArguments(final long a, final long b, final long c)
    {
        if (a < 0 || b < 0 || c <= 0)
        {
            throw new ArithmeticException("wide arithmetic needs a, b >= 0 and c > 0");
        }
    }

    private static long divide(final long high, final long low, final long divisor, final boolean roundUp)
    {
        if (Long.compareUnsigned(high, divisor) >= 0)
        {
            throw new ArithmeticException("quotient does not fit in a long");
        }
        long remainder = high;
        long quotient = 0;
        for (int bit = 63; bit >= 0; bit--)
        {
            // remainder < divisor < 2^63 always, so the shift cannot lose a bit.
            remainder = (remainder << 1) | ((low >>> bit) & 1L);
            if (Long.compareUnsigned(remainder, divisor) >= 0)
            {
                remainder -= divisor;
                quotient |= 1L << bit;
            }
        }
        if (roundUp && 0 != remainder)
        {
            quotient++;
        }
        if (quotient < 0)
        {
            throw new ArithmeticException("quotient does not fit in a long");
        }
        return quotient;
    }

    private static long remainder(final long high, final long low, final long divisor)
    {
        long remainder = high;
        for (int bit = 63; bit >= 0; bit--)
        {
            remainder = (remainder << 1) | ((low >>> bit) & 1L);
            if (Long.compareUnsigned(remainder, divisor) >= 0)
            {
                remainder -= divisor;
            }
        }
        return remainder;
    }
}
