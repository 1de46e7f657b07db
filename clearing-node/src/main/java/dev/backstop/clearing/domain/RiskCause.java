package dev.backstop.clearing.domain;

/**
 * What moved an account's risk state: published with every margin call, cure and liquidation step so the stream
 * says why (DESIGN.md section 5, "each with a cause code"). {@link #code()} is a stable number for events.
 */
public enum RiskCause
{
    /**
     * A trade the account took part in (or one that moved the instrument's open interest).
     */
    TRADE(1),

    /**
     * A mark price move on an instrument the account holds.
     */
    MARK_PRICE(2),

    /**
     * A deposit into the account.
     */
    DEPOSIT(3),

    /**
     * A withdrawal from the account.
     */
    WITHDRAWAL(4),

    /**
     * An operator changed margin parameters (brackets, rates, scaling, method, scenarios, underlying).
     */
    MARGIN_PARAMETERS(5),

    /**
     * A step of a margin-rate cut released on a timer.
     */
    MARGIN_RATE_STEP(6),

    /**
     * The liquidation engine: a trigger, a slice, a takeover or the end of a liquidation.
     */
    LIQUIDATION(7),

    /**
     * A backstop pool or a liquidity provider took over positions.
     */
    TAKEOVER(8),

    // Auto-deleveraging (issue 4, part A): codes 30-39.

    /**
     * Auto-deleveraging closed (part of) the account's position against a failed one.
     */
    AUTO_DELEVERAGING(30),

    // Issue 4, default fund and loss waterfall (W): codes 20-29.

    /**
     * A default-fund contribution or a call collected from the account's free cash.
     */
    DEFAULT_FUND(20),

    /**
     * The loss waterfall charged the account (the defaulter's other collateral, an assessment, a haircut of VM
     * gains) or closed the deficit of a bankrupt account.
     */
    WATERFALL(21),

    // Settlement and circuit breakers (issue 4, S): codes 40-49.

    /**
     * A settlement cycle: funding paid or received (variation margin moves cash but not equity).
     */
    SETTLEMENT(40);

    private static final RiskCause[] BY_CODE = new RiskCause[64];

    static
    {
        for (final RiskCause cause : values())
        {
            BY_CODE[cause.code] = cause;
        }
    }

    private final int code;

    RiskCause(final int code)
    {
        this.code = code;
    }

    /**
     * @return stable code for events.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code stable code.
     * @return the cause with that code, or null when none has it.
     */
    public static RiskCause fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
