package dev.backstop.clearing.domain;

/**
 * The outcome of a command, in the rulebook's words. Every refusal names one, so a sender always learns why.
 * <p>
 * {@link #code()} equals the value of the SBE {@code ResultCode} of the same name in every schema, which lets the
 * adapter map outcomes to the wire without a lookup table, and {@link #reason()} is fixed text so a refusal never
 * allocates on the command path.
 */
public enum Outcome
{
    ACCEPTED(0, "accepted"),
    DUPLICATE_TRADE(1, "venue trade id already cleared; nothing changed"),
    SEQUENCE_GAP(2, "sequence is ahead of the next expected sequence; resend from the next expected one"),
    SEQUENCE_REPLAY_EXPIRED(3, "sequence already applied and its result is no longer retained"),
    UNKNOWN_INSTRUMENT(4, "unknown instrument"),
    UNKNOWN_ACCOUNT(5, "unknown account"),
    INSTRUMENT_EXISTS(6, "instrument already listed"),
    ACCOUNT_EXISTS(7, "account already open"),
    INVALID_QUANTITY(8, "quantity must be positive"),
    INVALID_PRICE(9, "price must be positive"),
    INVALID_AMOUNT(10, "amount must be positive"),
    INVALID_PARAMETER(11, "parameter out of range"),
    SELF_TRADE(12, "buyer and seller are the same account"),
    INSUFFICIENT_CASH(13, "amount exceeds the account's cash"),
    BELOW_INITIAL_MARGIN(14, "would take equity below initial margin"),
    ARITHMETIC_OVERFLOW(15, "values too large: the result would overflow"),
    NOT_AUTHORISED(16, "sender not authorised for this command"),
    NO_MARK_PRICE(24, "instrument has no mark price yet"),
    INVALID_SEQUENCE(27, "sequence must be positive: the first sequence of a sender is 1"),
    INTERNAL_ERROR(28, "internal error: the command was not applied"),
    MARGIN_CALL_OPEN(29, "account has an open margin call: only risk-reducing orders and trades are accepted"),
    LIQUIDATION_OPEN(30, "account is in liquidation: only risk-reducing orders and trades are accepted"),
    UNKNOWN_ORDER(31, "unknown order, or not this trade's account, instrument or side"),
    ORDER_EXISTS(32, "order id already open"),
    NOT_A_LIQUIDITY_PROVIDER(33, "account is not a registered backstop liquidity provider"),
    NO_AUCTION_OPEN(34, "no liquidation auction is open for that slice"),
    INSUFFICIENT_CAPACITY(35, "exceeds the remaining declared or margin capacity"),
    UNKNOWN_POOL(36, "unknown backstop pool"),
    // Issue 4, default fund and loss waterfall (W): codes 40-47.
    WATERFALL_OPEN(40, "a default's loss waterfall is open: withdrawals and pool redemptions wait until it closes"),
    DEFAULT_FUND_CALL_MISSED(41,
        "the member missed a default fund call: no withdrawals and only risk-reducing orders and trades until its " +
        "contribution covers its requirement"),
    // settlement and circuit breakers (issue 4, S): codes 50-55
    INSTRUMENT_HALTED(50, "instrument halted by its circuit breaker: only risk-reducing orders and trades are accepted"),
    INSTRUMENT_NOT_HALTED(51, "instrument is not halted");

    private static final Outcome[] BY_CODE = new Outcome[64];

    static
    {
        for (final Outcome outcome : values())
        {
            BY_CODE[outcome.code] = outcome;
        }
    }

    private final int code;
    private final String reason;

    Outcome(final int code, final String reason)
    {
        this.code = code;
        this.reason = reason;
    }

    /**
     * @return the wire code, equal to the SBE {@code ResultCode} value of the same name.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return fixed human-readable reason.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * A duplicate trade is not a refusal: the trade was cleared once, which is what the sender wanted.
     *
     * @return true when the command was refused and changed nothing.
     */
    public boolean isRefusal()
    {
        return this != ACCEPTED && this != DUPLICATE_TRADE;
    }

    /**
     * @param code wire code.
     * @return the outcome with that code.
     * @throws IllegalArgumentException if no outcome has that code.
     */
    public static Outcome fromCode(final int code)
    {
        final Outcome outcome = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (null == outcome)
        {
            throw new IllegalArgumentException("unknown outcome code: " + code);
        }
        return outcome;
    }
}
