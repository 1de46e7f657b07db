package dev.backstop.clearing.domain;

/**
 * The auto-deleveraging ranking score of an opposite position (DESIGN.md section 5 item 8) [BitMEX ADL ranking], in
 * fixed point: every value is a long in parts per million, every step rounds towards negative infinity, and no
 * floating point is used anywhere, so every node ranks the same accounts in the same order.
 * <ul>
 *     <li>{@code pnlPpm = floor(U × 1e6 / |C|)}: U the position's unrealised PnL at the mark, C its cost basis (the
 *     signed value paid to open it), so PnL% of what was put in.</li>
 *     <li>{@code leveragePpm = floor(G × 1e6 / E)}: G the account's gross notional at the marks (Σ |lots × mark ×
 *     tick value| over all its positions), E its equity, positive (an account with no positive equity has no
 *     leverage and is not scored: it is ranked last).</li>
 *     <li>{@code score = floor(pnlPpm × leveragePpm / 1e6)} when {@code pnlPpm >= 0}; {@code score = floor(pnlPpm ×
 *     1e6 / max(1, leveragePpm))} when {@code pnlPpm < 0}: profit times leverage, loss divided by leverage, so the
 *     most profitable and most leveraged positions are deleveraged first and a losing position ranks above another
 *     only when it loses less per unit of leverage.</li>
 * </ul>
 * A value that does not fit a long saturates at {@code ±Long.MAX_VALUE} (only absurd inputs reach it), so a score is
 * always defined and the order stays total with the account id as the tie-break.
 */
public final class DeleveragingScore
{
    private static final long PPM = Money.PPM;

    private DeleveragingScore()
    {
    }

    /**
     * @param unrealisedPnl unrealised PnL of the position at the mark, micro-units, signed.
     * @param costBasis     cost basis of the position, micro-units (negative for a short; its magnitude is used).
     * @return PnL% in ppm, {@code floor(U × 1e6 / |C|)}, saturated; a zero cost basis gives ±Long.MAX_VALUE by the
     * sign of the PnL (0 when both are 0).
     */
    public static long pnlPpm(final long unrealisedPnl, final long costBasis)
    {
        if (0 == unrealisedPnl)
        {
            return 0;
        }
        if (0 == costBasis || Long.MIN_VALUE == costBasis || Long.MIN_VALUE == unrealisedPnl)
        {
            return unrealisedPnl > 0 ? Long.MAX_VALUE : -Long.MAX_VALUE;
        }
        final long cost = Math.abs(costBasis);
        try
        {
            return unrealisedPnl > 0 ?
                WideArithmetic.mulDivFloor(unrealisedPnl, PPM, cost) :
                -WideArithmetic.mulDivCeil(-unrealisedPnl, PPM, cost);
        }
        catch (final ArithmeticException ex)
        {
            return unrealisedPnl > 0 ? Long.MAX_VALUE : -Long.MAX_VALUE;
        }
    }

    /**
     * @param grossNotional the account's gross notional at the marks, micro-units, not negative.
     * @param equity        the account's equity, micro-units, positive.
     * @return effective leverage in ppm, {@code floor(G × 1e6 / E)}, saturated at Long.MAX_VALUE.
     * @throws IllegalArgumentException when equity is not positive or the notional negative.
     */
    public static long leveragePpm(final long grossNotional, final long equity)
    {
        if (equity <= 0 || grossNotional < 0)
        {
            throw new IllegalArgumentException("leverage needs positive equity and a notional >= 0");
        }
        try
        {
            return WideArithmetic.mulDivFloor(grossNotional, PPM, equity);
        }
        catch (final ArithmeticException ex)
        {
            return Long.MAX_VALUE;
        }
    }

    /**
     * @param pnlPpm      PnL% in ppm from {@link #pnlPpm}.
     * @param leveragePpm effective leverage in ppm from {@link #leveragePpm}, not negative.
     * @return the ranking score in ppm: higher is deleveraged first.
     */
    public static long score(final long pnlPpm, final long leveragePpm)
    {
        if (leveragePpm < 0)
        {
            throw new IllegalArgumentException("negative leverage: " + leveragePpm);
        }
        try
        {
            if (pnlPpm >= 0)
            {
                return WideArithmetic.mulDivFloor(pnlPpm, leveragePpm, PPM);
            }
            // floor of a negative quotient: minus the ceiling of its magnitude.
            return -WideArithmetic.mulDivCeil(-pnlPpm, PPM, Math.max(1, leveragePpm));
        }
        catch (final ArithmeticException ex)
        {
            return pnlPpm >= 0 ? Long.MAX_VALUE : -Long.MAX_VALUE;
        }
    }
}
