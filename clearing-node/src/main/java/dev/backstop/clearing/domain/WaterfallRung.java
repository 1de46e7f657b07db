package dev.backstop.clearing.domain;

/**
 * The rungs of the loss waterfall (DESIGN.md section 5 item 6), in the order they absorb a bankrupt account's
 * deficit. A rung absorbs only what every earlier rung could not. {@link #code()} is the rung's number (1 to 7), a
 * stable code for events, snapshots and the ledger's per-rung totals.
 */
public enum WaterfallRung
{
    /**
     * The defaulting member's remaining collateral: what its other accounts (backstop pools excluded) could withdraw.
     */
    DEFAULTER_COLLATERAL(1),

    /**
     * The defaulting member's own default-fund contribution.
     */
    DEFAULTER_CONTRIBUTION(2),

    /**
     * The insurance fund (liquidation fees and the CCP's share of takeovers).
     */
    INSURANCE_FUND(3),

    /**
     * The CCP's own capital put in by the operator (skin in the game).
     */
    CCP_CAPITAL(4),

    /**
     * The non-defaulting members' default-fund contributions, pro rata to them.
     */
    MUTUALISED_CONTRIBUTIONS(5),

    /**
     * Assessments on the non-defaulting members, pro rata to their contributions, capped per capped period.
     */
    ASSESSMENTS(6),

    /**
     * A haircut of the variation-margin gains of winning positions, pro rata to the gains.
     */
    VM_GAINS_HAIRCUT(7);

    /**
     * Number of rungs.
     */
    public static final int COUNT = 7;

    private static final WaterfallRung[] BY_CODE = new WaterfallRung[COUNT + 1];

    static
    {
        for (final WaterfallRung rung : values())
        {
            BY_CODE[rung.code] = rung;
        }
    }

    private final int code;

    WaterfallRung(final int code)
    {
        this.code = code;
    }

    /**
     * @return the rung's number, 1 to 7.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a rung number.
     * @return the rung, or null when none has it.
     */
    public static WaterfallRung fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
