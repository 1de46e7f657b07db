package dev.backstop.clearing.domain;

/**
 * What started a recomputation of the default fund's requirement; {@link #code()} is stable for events.
 */
public enum DefaultFundRecomputeCause
{
    /**
     * The periodic recompute timer.
     */
    TIMER(1),

    /**
     * A member's stress loss moved by more than the exposure threshold since the last recomputation.
     */
    EXPOSURE(2),

    /**
     * An operator changed the stress scenarios or the default fund's parameters.
     */
    PARAMETERS(3);

    private final int code;

    DefaultFundRecomputeCause(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /**
     * @return the cause with that code, or null when none has it.
     */
    public static DefaultFundRecomputeCause fromCode(final int code)
    {
        for (final DefaultFundRecomputeCause cause : values())
        {
            if (cause.code == code)
            {
                return cause;
            }
        }
        return null;
    }
}
