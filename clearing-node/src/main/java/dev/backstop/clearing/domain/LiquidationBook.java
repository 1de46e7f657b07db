package dev.backstop.clearing.domain;

/**
 * The clearing house's books as the liquidation engine sees them: valuations, the two-sided fills that move a
 * position between accounts, cash transfers, the insurance fund and the accounts' risk states.
 * <p>
 * A seam rather than direct calls so the engine depends on a handful of named operations, not on the clearing
 * house's internals; {@link ClearingHouse} implements it in its liquidation wiring.
 */
interface LiquidationBook
{
    /**
     * @return the next event sequence, consumed.
     */
    long nextEventSequence();

    MarginAccount account(long accountId);

    Instrument instrument(int instrumentId);

    long equity(MarginAccount account);

    long initialMargin(MarginAccount account);

    long maintenanceMargin(MarginAccount account);

    /**
     * @return maintenance margin of one position (by index), the weight of its share of the account's equity.
     */
    long positionMaintenanceMargin(MarginAccount account, int positionIndex);

    /**
     * @return the account's initial margin as it would be with {@code deltaLots} more of the instrument at its mark.
     */
    long initialMarginAfter(MarginAccount account, int instrumentId, long deltaLots);

    /**
     * @return cash the account could withdraw now (no more than cash, no more than equity above initial margin).
     */
    long withdrawable(MarginAccount account);

    /**
     * Moves {@code lots} of the instrument from the seller's account to the buyer's at {@code priceTicks} with the
     * fill rules of a cleared trade (realised PnL into cash), no fee and no margin check; all or nothing.
     *
     * @throws ArithmeticException on overflow, with nothing changed.
     */
    void tradeAt(long buyAccountId, long sellAccountId, int instrumentId, long lots, long priceTicks);

    void moveCash(long fromAccountId, long toAccountId, long amount);

    /**
     * Moves {@code amount} of the account's cash to the insurance fund.
     */
    void payInsuranceFund(long fromAccountId, long amount);

    long insuranceFund();

    /**
     * Moves {@code amount} of the account's cash to the CCP's fee account (a rounding remainder).
     */
    void payFeeAccount(long fromAccountId, long amount);

    /**
     * Opens an account for a backstop pool, with its account-opened event, and gives it the pool role.
     *
     * @return false when the account exists.
     */
    boolean openPoolAccount(long accountId, long memberId);

    void markLiquidityProvider(long accountId);

    /**
     * Records an open deficit (the account's negative equity) in the clearing house's ledger.
     */
    void addOpenDeficit(long amount);

    void markLiquidating(long accountId);

    /**
     * Liquidation ended: the account returns to the state the clearing house's own rules give it (normal, or a
     * margin call when still below initial margin).
     */
    void markLiquidationEnded(long accountId);

    void markBankrupt(long accountId);

    /**
     * The clearing house's own evaluation of an account that took positions or cash moved (margin call, cure, and
     * the hand-over to the engine below maintenance).
     */
    void evaluateRisk(long accountId);

    /**
     * The clearing house's own evaluation of an account whose position auto-deleveraging reduced.
     */
    void evaluateRiskAfterDeleveraging(long accountId);
}
