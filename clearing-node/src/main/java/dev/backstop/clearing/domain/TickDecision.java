package dev.backstop.clearing.domain;

/**
 * What became of one price tick, so the audit trail says why the mark is what it is (DESIGN.md 5 item 1).
 * <p>
 * {@link #code()} equals the value of the SBE {@code TickDecision} of the same name in the event stream schema, which
 * lets the adapter write it to the wire without a lookup table.
 */
public enum TickDecision
{
    /**
     * The tick counts: the index is recomputed from the fresh, non-excluded sources and the mark from the basis.
     */
    ACCEPTED(1),

    /**
     * The tick is older than the age limit or than its source's last recorded tick: it is not recorded.
     */
    STALE(2),

    /**
     * The tick is too far from the median of the other fresh sources: it is recorded but does not count towards the
     * index until its source comes back into the band.
     */
    EXCLUDED(3),

    /**
     * The tick is recorded, but fewer fresh, non-excluded sources than the quorum remain: index and mark stay.
     */
    BELOW_QUORUM(4),

    /**
     * Reserved for a mark held by a price band around its time-weighted average; {@link PriceOracle} never returns
     * it.
     */
    HELD_BY_BAND(5);

    private static final TickDecision[] BY_CODE = new TickDecision[8];

    static
    {
        for (final TickDecision decision : values())
        {
            BY_CODE[decision.code] = decision;
        }
    }

    private final int code;

    TickDecision(final int code)
    {
        this.code = code;
    }

    /**
     * @return the wire code, equal to the SBE {@code TickDecision} value of the same name.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code wire code.
     * @return the decision with that code.
     * @throws IllegalArgumentException if no decision has that code.
     */
    public static TickDecision fromCode(final int code)
    {
        final TickDecision decision = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (null == decision)
        {
            throw new IllegalArgumentException("unknown tick decision code: " + code);
        }
        return decision;
    }
}
