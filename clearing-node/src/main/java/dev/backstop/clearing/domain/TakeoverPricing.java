package dev.backstop.clearing.domain;

/**
 * Prices and cash when a backstop pool takes over a slice or an account (DESIGN.md section 5.1, ISSUE 3 decisions).
 * <p>
 * The pool pays {@code ZP + ⅓ × (MP − ZP)} per unit, which is not a whole tick, so the takeover is settled in money:
 * the position changes hands at the mark MP (no valuation jump) and the defaulter pays its slice's equity share e;
 * the pool receives {@code floor(⅔ e)} and the insurance fund the rest, so the split is exact to the micro-unit.
 * A bankrupt slice (e &lt; 0) changes hands at MP with no payment: its deficit stays as the defaulter's negative cash.
 */
public final class TakeoverPricing
{
    private TakeoverPricing()
    {
    }

    /**
     * The pool's part of the slice's equity share: {@code floor(2 × e / 3)}, zero when {@code e <= 0}.
     *
     * @param equityShare the slice's equity share e in micro-units.
     * @return what the pool receives, in micro-units.
     */
    public static long takeoverPoolPayment(final long equityShare)
    {
        if (equityShare <= 0)
        {
            return 0;
        }
        // 2 × (e / 3) + 2 × (e % 3) / 3 == floor(2e / 3) without overflowing 2e.
        return 2 * (equityShare / 3) + (2 * (equityShare % 3)) / 3;
    }

    /**
     * The insurance fund's part: {@code e − floor(2e / 3)}, zero when {@code e <= 0}.
     *
     * @param equityShare the slice's equity share e in micro-units.
     * @return what the insurance fund receives, in micro-units.
     */
    public static long takeoverInsurancePayment(final long equityShare)
    {
        return equityShare <= 0 ? 0 : equityShare - takeoverPoolPayment(equityShare);
    }

    /**
     * The pool's part of the slice's equity share at a pool share set by the operator: {@code floor(e × ppm / 1e6)},
     * exact for any {@code e}, zero when {@code e <= 0}; {@link Money#TWO_THIRDS_PPM} means exactly ⅔ (the default).
     *
     * @param equityShare  the slice's equity share e in micro-units.
     * @param poolSharePpm the pool's share in ppm, 0 &lt; ppm &lt;= 1_000_000.
     * @return what the pool receives, in micro-units; never more than {@code e}.
     */
    public static long takeoverPoolPayment(final long equityShare, final int poolSharePpm)
    {
        if (equityShare <= 0)
        {
            return 0;
        }
        if (Money.TWO_THIRDS_PPM == poolSharePpm)
        {
            return takeoverPoolPayment(equityShare);
        }
        // e = q × 1e6 + r: floor(e × ppm / 1e6) == q × ppm + floor(r × ppm / 1e6), with no product past e.
        final long millions = equityShare / Money.PPM;
        final long remainder = equityShare % Money.PPM;
        return millions * poolSharePpm + remainder * poolSharePpm / Money.PPM;
    }

    /**
     * The insurance fund's part at a pool share set by the operator: {@code e − pool payment}, so the split is
     * exact and the odd micro-unit goes to the fund; zero when {@code e <= 0}.
     *
     * @param equityShare  the slice's equity share e in micro-units.
     * @param poolSharePpm the pool's share in ppm, 0 &lt; ppm &lt;= 1_000_000.
     * @return what the insurance fund receives, in micro-units.
     */
    public static long takeoverInsurancePayment(final long equityShare, final int poolSharePpm)
    {
        return equityShare <= 0 ? 0 : equityShare - takeoverPoolPayment(equityShare, poolSharePpm);
    }

    /**
     * The nominal takeover price {@code ZP + ⅓ × (MP − ZP)} in thirds of a tick ({@code 2 × ZP + MP}), exact, at the
     * default pool share of ⅔ (a worked reference for the tests; the takeover event carries the payments); the cash actually moves as {@link #takeoverPoolPayment} and {@link #takeoverInsurancePayment}.
     *
     * @param markTicks       MP in ticks.
     * @param bankruptcyTicks ZP in ticks.
     * @return the takeover price in thirds of a tick.
     * @throws ArithmeticException on overflow.
     */
    public static long takeoverPriceThirdsOfTick(final long markTicks, final long bankruptcyTicks)
    {
        return Math.addExact(Math.multiplyExact(2L, bankruptcyTicks), markTicks);
    }
}
