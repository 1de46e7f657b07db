package dev.backstop.clearing.domain;

/**
 * Why a default-fund call was made; {@link #code()} is stable for events and snapshots.
 */
public enum DefaultFundCallCause
{
    /**
     * A recomputation (Cover-2) left the member's contribution below its requirement.
     */
    REQUIREMENT(1),

    /**
     * A loss waterfall used the default fund and the member's contribution is now below its requirement.
     */
    REPLENISHMENT(2);

    private final int code;

    DefaultFundCallCause(final int code)
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
    public static DefaultFundCallCause fromCode(final int code)
    {
        for (final DefaultFundCallCause cause : values())
        {
            if (cause.code == code)
            {
                return cause;
            }
        }
        return null;
    }
}
