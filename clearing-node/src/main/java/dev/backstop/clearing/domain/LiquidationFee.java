package dev.backstop.clearing.domain;

/**
 * The liquidation fee on a slice sold in an auction [dYdX cap, Deribit size]: the fee rate of the slice notional,
 * rounded up (the defaulter owes it), never more than the equity the slice has left above bankruptcy, so the fee
 * itself can never make an account bankrupt. The fee goes to the insurance fund.
 */
public final class LiquidationFee
{
    private LiquidationFee()
    {
    }

    /**
     * {@code min(ceil(|notional| × feePpm / 1e6), max(0, equityShareAboveBankruptcy))}.
     *
     * @param sliceNotional             notional of the slice in micro-units (sign ignored).
     * @param feePpm                    fee rate in ppm, non-negative (default 5_000).
     * @param equityShareAboveBankruptcy the slice's equity left above bankruptcy in micro-units, signed.
     * @return the fee in micro-units, never negative.
     * @throws ArithmeticException on overflow.
     */
    public static long fee(final long sliceNotional, final int feePpm, final long equityShareAboveBankruptcy)
    {
        if (feePpm < 0)
        {
            throw new ArithmeticException("fee ppm must be non-negative");
        }
        final long uncapped = Money.ppmRoundedUp(Math.absExact(sliceNotional), feePpm);
        return Math.min(uncapped, Math.max(0L, equityShareAboveBankruptcy));
    }
}
