package dev.backstop.clearing.domain;

/**
 * What an account is for. Every role is margined and marked like any other account; the role only tells the
 * liquidation engine which accounts may take over failed positions (DESIGN.md section 5 items 4 and 5).
 * {@link #code()} is a stable number for snapshots.
 */
public enum AccountRole
{
    /**
     * A clearing member's ordinary margin account.
     */
    MEMBER(1),

    /**
     * A backstop liquidity provider's account: bids in liquidation auctions within its declared capacity.
     */
    LIQUIDITY_PROVIDER(2),

    /**
     * A backstop pool's account: takes the slices no auction filled, within its margin capacity and loss cap.
     */
    BACKSTOP_POOL(3);

    private static final AccountRole[] BY_CODE = new AccountRole[4];

    static
    {
        for (final AccountRole role : values())
        {
            BY_CODE[role.code] = role;
        }
    }

    private final int code;

    AccountRole(final int code)
    {
        this.code = code;
    }

    /**
     * @return stable code for snapshots.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code stable code.
     * @return the role with that code, or null when none has it.
     */
    public static AccountRole fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
