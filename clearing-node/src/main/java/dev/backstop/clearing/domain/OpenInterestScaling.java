package dev.backstop.clearing.domain;

/**
 * Initial-margin rate that rises with an instrument's open interest [dYdX liquidity tiers] (DESIGN.md section 5
 * item 2): the more of an instrument the market holds, the harder it is to close out in a default, so new exposure
 * costs more.
 * <p>
 * With open-interest notional {@code OI} (micro-units at mark) and caps {@code lower < upper}:
 * <pre>
 *   OI <= lower          : imr' = imr
 *   lower < OI < upper   : imr' = imr + ceil((1e6 − imr) × (OI − lower) / (upper − lower))
 *   OI >= upper          : imr' = 1e6 (100%: no leverage)
 * </pre>
 * all in integer ppm, rounded up because the member owes it. An upper cap of 0 turns scaling off. The caller applies
 * it per bracket as {@code IM = notional × imr' − IM offset(bracket)}, never below the unscaled IM (see
 * {@link MarginBrackets#initialMargin(long, OpenInterestScaling, long)}); maintenance margin is never scaled, so an
 * account is not pushed into liquidation by other members' open interest.
 * <p>
 * The division uses an exact 128-bit product computed bit by bit, so it never allocates and never overflows.
 */
public final class OpenInterestScaling
{
    private static final int PPM = Money.PPM;

    private long lowerCapNotional;
    private long upperCapNotional;

    /**
     * Scaling off.
     */
    public OpenInterestScaling()
    {
    }

    /**
     * @return a scaling that is off.
     */
    public static OpenInterestScaling off()
    {
        return new OpenInterestScaling();
    }

    /**
     * @param lowerCapNotional open interest in micro-units at and below which the IMR is unscaled.
     * @param upperCapNotional open interest in micro-units at and above which the IMR is 100%; 0 = off.
     * @return the scaling.
     * @throws IllegalArgumentException when refused by {@link #validate(long, long)}.
     */
    public static OpenInterestScaling of(final long lowerCapNotional, final long upperCapNotional)
    {
        final OpenInterestScaling scaling = new OpenInterestScaling();
        final Outcome outcome = scaling.set(lowerCapNotional, upperCapNotional);
        if (outcome.isRefusal())
        {
            throw new IllegalArgumentException(outcome.reason());
        }
        return scaling;
    }

    /**
     * Sound caps: off ({@code upper == 0}, and then {@code lower == 0} too, so the state is canonical), or
     * {@code 0 <= lower < upper}.
     *
     * @param lowerCapNotional lower cap in micro-units.
     * @param upperCapNotional upper cap in micro-units, 0 = off.
     * @return {@link Outcome#ACCEPTED} or {@link Outcome#INVALID_PARAMETER}.
     */
    public static Outcome validate(final long lowerCapNotional, final long upperCapNotional)
    {
        if (0 == upperCapNotional)
        {
            return 0 == lowerCapNotional ? Outcome.ACCEPTED : Outcome.INVALID_PARAMETER;
        }
        return lowerCapNotional >= 0 && lowerCapNotional < upperCapNotional ?
            Outcome.ACCEPTED : Outcome.INVALID_PARAMETER;
    }

    /**
     * Changes the caps (an operator command, or a restore from a snapshot).
     *
     * @param lowerCapNotional lower cap in micro-units.
     * @param upperCapNotional upper cap in micro-units, 0 = off.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    public Outcome set(final long lowerCapNotional, final long upperCapNotional)
    {
        final Outcome outcome = validate(lowerCapNotional, upperCapNotional);
        if (!outcome.isRefusal())
        {
            this.lowerCapNotional = lowerCapNotional;
            this.upperCapNotional = upperCapNotional;
        }
        return outcome;
    }

    /**
     * @return lower cap in micro-units.
     */
    public long lowerCapNotional()
    {
        return lowerCapNotional;
    }

    /**
     * @return upper cap in micro-units, 0 when off.
     */
    public long upperCapNotional()
    {
        return upperCapNotional;
    }

    /**
     * @return true when the IMR is never scaled.
     */
    public boolean isOff()
    {
        return 0 == upperCapNotional;
    }

    /**
     * @param imrPpm               the bracket's IMR in ppm, {@code 0..1e6}.
     * @param openInterestNotional the instrument's open interest at mark, in micro-units.
     * @return the scaled IMR in ppm, never below {@code imrPpm} and never above 1e6.
     */
    public int scaledInitialMarginPpm(final int imrPpm, final long openInterestNotional)
    {
        if (isOff() || openInterestNotional <= lowerCapNotional || imrPpm >= PPM)
        {
            return imrPpm;
        }
        if (openInterestNotional >= upperCapNotional)
        {
            return PPM;
        }
        return imrPpm + (int)multiplyDivideRoundedUp(
            PPM - imrPpm, openInterestNotional - lowerCapNotional, upperCapNotional - lowerCapNotional);
    }

    /**
     * {@code ceil(a × b / d)} for {@code 0 <= a <= 1e6 < 2^20} and {@code 0 <= b < d}: Horner over the bits of a,
     * keeping {@code accumulated = q × d + r} with {@code r < d}, so every intermediate fits 64 unsigned bits.
     */
    static long multiplyDivideRoundedUp(final int a, final long b, final long d)
    {
        long quotient = 0;
        long remainder = 0;
        for (int bit = 20; bit >= 0; bit--)
        {
            quotient <<= 1;
            remainder <<= 1;
            if (Long.compareUnsigned(remainder, d) >= 0)
            {
                remainder -= d;
                quotient++;
            }
            if (0 != ((a >>> bit) & 1))
            {
                remainder += b;
                if (Long.compareUnsigned(remainder, d) >= 0)
                {
                    remainder -= d;
                    quotient++;
                }
            }
        }
        return 0 == remainder ? quotient : quotient + 1;
    }
}
