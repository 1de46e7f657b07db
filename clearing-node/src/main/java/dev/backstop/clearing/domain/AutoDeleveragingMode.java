package dev.backstop.clearing.domain;

/**
 * Whether auto-deleveraging closes a failed position that no pool can take, set by the operator for all
 * instruments or for one (DESIGN.md section 5 item 8). With it off the takeover is held ({@link
 * LiquidationCause#NO_POOL_CAPACITY}) until a pool can take it, as before ADL existed. {@link #code()} is a stable
 * number for commands, events and snapshots.
 */
public enum AutoDeleveragingMode
{
    /**
     * An instrument follows the setting for all instruments (never the setting for all instruments itself).
     */
    FOLLOW_DEFAULT(0),

    /**
     * Opposite positions are closed, ranked, when no pool can take a failed position (the default for all).
     */
    ON(1),

    /**
     * The takeover waits for a pool instead.
     */
    OFF(2);

    private static final AutoDeleveragingMode[] BY_CODE = new AutoDeleveragingMode[3];

    static
    {
        for (final AutoDeleveragingMode mode : values())
        {
            BY_CODE[mode.code] = mode;
        }
    }

    private final int code;

    AutoDeleveragingMode(final int code)
    {
        this.code = code;
    }

    /**
     * @return stable code for commands, events and snapshots.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code stable code.
     * @return the mode with that code, or null when none has it (the caller refuses the command).
     */
    public static AutoDeleveragingMode fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
