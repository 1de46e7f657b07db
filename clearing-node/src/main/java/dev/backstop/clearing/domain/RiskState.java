package dev.backstop.clearing.domain;

/**
 * Where an account stands against its margin (DESIGN.md section 5 items 3 and 4).
 * <p>
 * The clearing house moves an account between {@link #NORMAL} and {@link #MARGIN_CALL} after every change that can
 * move its equity or margin; the liquidation engine alone moves it into and out of {@link #LIQUIDATION} and
 * {@link #BANKRUPT}. Outside {@link #NORMAL} only risk-reducing orders and trades are accepted.
 * {@link #code()} is a stable number for events and snapshots.
 */
public enum RiskState
{
    /**
     * Equity covers initial margin (or the account was never below it).
     */
    NORMAL(1),

    /**
     * Equity fell below initial margin: a margin call is open until equity is back at or above it.
     */
    MARGIN_CALL(2),

    /**
     * Equity fell below maintenance margin: the liquidation engine is closing the account's positions.
     */
    LIQUIDATION(3),

    /**
     * The account's equity is negative after its positions were taken over: an open deficit.
     */
    BANKRUPT(4);

    private static final RiskState[] BY_CODE = new RiskState[8];

    static
    {
        for (final RiskState state : values())
        {
            BY_CODE[state.code] = state;
        }
    }

    private final int code;

    RiskState(final int code)
    {
        this.code = code;
    }

    /**
     * @return stable code for events and snapshots.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return true when only risk-reducing orders and trades are accepted.
     */
    public boolean restrictsRisk()
    {
        return this != NORMAL;
    }

    /**
     * @param code stable code.
     * @return the state with that code, or null when none has it.
     */
    public static RiskState fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
