package dev.backstop.clearing.domain;

/**
 * What a settlement cycle settles (DESIGN.md 5 item 9): variation margin (unrealised PnL at the mark becomes cash)
 * or perpetual funding (longs pay shorts, or the reverse, a rate times their notional). {@link #code()} equals the
 * SBE {@code SettlementKind} value of the same name.
 */
public enum SettlementKind
{
    VARIATION_MARGIN(1),
    FUNDING(2);

    private final int code;

    SettlementKind(final int code)
    {
        this.code = code;
    }

    /**
     * @return the wire code.
     */
    public int code()
    {
        return code;
    }
}
