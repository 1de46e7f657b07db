package dev.backstop.clearing.domain;

/**
 * Why a liquidation step happened, as a stable numeric code on the event stream so a risk desk can tell a slice
 * offered because the account was below maintenance from a whole-account takeover or a slice held by the price band.
 */
public enum LiquidationCause
{
    /** Equity fell below maintenance margin: the account is taken into liquidation. */
    BELOW_MAINTENANCE(1),
    /** Equity below the whole-account threshold (⅔ MM): the account goes to the backstop pools whole. */
    BELOW_WHOLE_ACCOUNT_THRESHOLD(2),
    /** Equity reached the liquidation target (1.02 × MM): liquidation ends. */
    TARGET_REACHED(3),
    /** Every position is closed and equity is not negative: liquidation ends. */
    NO_POSITIONS(4),
    /** Every position is closed and equity is negative: an open deficit for the loss waterfall. */
    BANKRUPT(5),
    /** The auction sold the whole slice. */
    AUCTION_FILLED(6),
    /** The auction's last step passed with part of the slice unsold: the remainder goes to the pools. */
    AUCTION_EXHAUSTED(7),
    /** The mark is outside the band around its time-weighted average: the takeover waits for a later round. */
    OUTSIDE_PRICE_BAND(8),
    /** No pool has the margin capacity and loss headroom to take the position: it waits for a later round. */
    NO_POOL_CAPACITY(9),
    /** The auction stopped because the account went to the pools whole or reached its target. */
    AUCTION_CANCELLED(10),
    /** The defaulter's position shrank or flipped under the auction (a risk-reducing trade): nothing left to sell. */
    POSITION_CHANGED(11),

    // Auto-deleveraging (issue 4, part A): codes 30-39.

    /**
     * No pool could take the position and auto-deleveraging found no opposite position left to close (every one
     * closed, or too large to value): the rest waits for a later round.
     */
    NO_DELEVERAGING_COUNTERPARTY(30),
    /** No pool could take the position: it was closed against ranked opposite positions, in full. */
    AUTO_DELEVERAGED(31);

    private final int code;

    LiquidationCause(final int code)
    {
        this.code = code;
    }

    /**
     * @return the code published on the event stream.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a code from {@link #code()}.
     * @return the cause, or null when unknown.
     */
    public static LiquidationCause fromCode(final int code)
    {
        for (final LiquidationCause cause : values())
        {
            if (cause.code == code)
            {
                return cause;
            }
        }
        return null;
    }
}
