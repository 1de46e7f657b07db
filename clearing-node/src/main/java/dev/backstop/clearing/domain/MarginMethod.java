package dev.backstop.clearing.domain;

/**
 * How an account's margin is computed (DESIGN.md section 5 item 2), chosen per account by the operator.
 * {@link #code()} is a stable number for commands and snapshots.
 */
public enum MarginMethod
{
    /**
     * Each position on its own: {@code notional × rate(bracket) − offset(bracket)}, summed; no offsets between
     * positions.
     */
    LINEAR(1),

    /**
     * A scenario grid of price shocks per underlying: the worst loss over the grid, positions on one underlying
     * offsetting each other ({@link PortfolioMargin}).
     */
    PORTFOLIO(2);

    private static final MarginMethod[] BY_CODE = new MarginMethod[4];

    static
    {
        for (final MarginMethod method : values())
        {
            BY_CODE[method.code] = method;
        }
    }

    private final int code;

    MarginMethod(final int code)
    {
        this.code = code;
    }

    /**
     * @return stable code for commands and snapshots.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code stable code.
     * @return the method with that code, or null when none has it (the caller refuses the command).
     */
    public static MarginMethod fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
