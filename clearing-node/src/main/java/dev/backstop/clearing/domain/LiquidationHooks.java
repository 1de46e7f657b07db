package dev.backstop.clearing.domain;

/**
 * What the clearing house asks of the liquidation engine (DESIGN.md section 5 items 4 and 5), and the narrow book
 * API the engine may use in return. The clearing house works with {@link #NONE} until an engine installs itself with
 * {@code ClearingHouse.liquidationHooks(this)}; an engine must be installed before the first command and before a
 * snapshot is loaded.
 * <p>
 * <b>Calls from the clearing house to the engine</b> (all on the command thread, in log order):
 * <ul>
 *     <li>{@link #onBelowMaintenance(long, long)}: an account's equity fell below its maintenance margin while it
 *     was neither in {@link RiskState#LIQUIDATION} nor {@link RiskState#BANKRUPT} and it holds positions. Called
 *     after the command's own events; the engine is expected to set {@link RiskState#LIQUIDATION} (through
 *     {@code setRiskState}) if it takes the account, otherwise it is called again at the account's next change.</li>
 *     <li>{@link #onMarkPrice(int, long, long)}: an instrument's mark moved (for time-weighted averages and price
 *     bands), before the holders are re-evaluated.</li>
 *     <li>{@link #nextDeadlineMs()} and {@link #onDeadline(long)}: time-driven work; the adapter schedules one
 *     cluster timer at the clearing house's {@code nextDeadlineMs()}, which includes the engine's.</li>
 *     <li>{@link #writeState(ClearingStateSink)}: the engine's state, after the clearing house's own records, for
 *     snapshots and the digest. The engine adds the sink methods it needs to {@link ClearingStateSink} (with empty
 *     default bodies, handled in {@code StateDigest}) and its own public restore methods, which the snapshot loader
 *     calls after the clearing house's restore calls.</li>
 * </ul>
 * <b>Calls from the engine to the clearing house</b> (package-private on {@link ClearingHouse}; none checks roles,
 * none publishes a trade event: the engine publishes its own):
 * <ul>
 *     <li>reads: {@code MarginAccount account(long)}, {@code Instrument instrument(int)},
 *     {@code long markPriceTicks(int)}, {@code long equity(MarginAccount)},
 *     {@code long initialMargin(MarginAccount)}, {@code long maintenanceMargin(MarginAccount)},
 *     {@code long positionMaintenanceMargin(MarginAccount, int positionIndex)} (the position's own bracket MM,
 *     whatever the account's method: the weight that shares the equity among positions),
 *     {@code long unrealisedPnl(MarginAccount, int)}, {@code long nowMs()}, {@code long insuranceFund()},
 *     {@code long openDeficits()}, {@code int instrumentCount()}, {@code int instrumentIdAt(int)} (ascending),
 *     {@code long[] sortedAccountIds()} (allocates; for rare scans), holders via {@link Instrument#holderCount()} and
 *     {@link Instrument#holderAt(int)};</li>
 *     <li>{@code long fillAt(long accountId, int instrumentId, long deltaLots, long priceTicks)}: one account's fill
 *     at a price with the exact fill rules of a cleared trade (realised PnL into cash, cost basis, open interest,
 *     holders); no fee, no margin check. Returns the realised PnL. Call it in pairs so positions net to zero;
 *     throws {@link ArithmeticException} with nothing changed on overflow;</li>
 *     <li>{@code void tradeAt(long buyAccountId, long sellAccountId, int instrumentId, long lots, long priceTicks)}:
 *     both fills of a pair, all or nothing (throws {@link ArithmeticException} with nothing changed); the realised
 *     PnL of each side is then read with {@code lastBuyerRealisedPnl()} and {@code lastSellerRealisedPnl()};</li>
 *     <li>{@code void moveCash(long fromAccountId, long toAccountId, long amount)}: cash between accounts (either
 *     may go negative: a deficit is negative cash);</li>
 *     <li>{@code void creditInsuranceFund(long fromAccountId, long amount)}: an account's cash to the fund;</li>
 *     <li>{@code void addOpenDeficit(long amount)}: records (positive) or settles (negative) an open deficit;</li>
 *     <li>{@code void setRiskState(long accountId, RiskState state, RiskCause cause)}: sets the state and publishes
 *     {@link ClearingEvents#onRiskStateChanged}; no re-evaluation;</li>
 *     <li>{@code void evaluateRisk(long accountId, RiskCause cause)}: the clearing house's own margin-call / cure /
 *     below-maintenance evaluation (does nothing for accounts in LIQUIDATION or BANKRUPT);</li>
 *     <li>{@code void setAccountRole(long accountId, AccountRole role)}: registers an account as a backstop pool or
 *     liquidity provider (the role is snapshotted with the account);</li>
 *     <li>{@code int cancelOrdersOf(long accountId)}: cancels every open order of the account, releasing their
 *     reservations, with an {@link ClearingEvents#onOrderCancelled} each;</li>
 *     <li>{@code ClearingEvents events()} and {@code long nextEventSequence()}: publish the engine's events with the
 *     clearing house's gap-free sequence;</li>
 *     <li>{@code Outcome admit(long senderId, long sequence, CommandType command)} (null when the command is to be
 *     applied, otherwise the outcome to return at once) and {@code Outcome complete(Outcome)}: the idempotency key
 *     for the engine's own commands (auction bids, pool deposits...), exactly as for the clearing house's.</li>
 * </ul>
 */
interface LiquidationHooks
{
    /**
     * Hooks that do nothing: no account is ever taken into liquidation.
     */
    LiquidationHooks NONE = new LiquidationHooks()
    {
        public void onBelowMaintenance(final long accountId, final long nowMs)
        {
        }

        public void onMarkPrice(final int instrumentId, final long markPriceTicks, final long nowMs)
        {
        }

        public long nextDeadlineMs()
        {
            return Long.MAX_VALUE;
        }

        public void onDeadline(final long nowMs)
        {
        }

        public void writeState(final ClearingStateSink sink)
        {
        }
    };

    /**
     * An account's equity is below its maintenance margin and it is not yet in liquidation.
     *
     * @param accountId the account.
     * @param nowMs     cluster time.
     */
    void onBelowMaintenance(long accountId, long nowMs);

    /**
     * An instrument's mark moved.
     *
     * @param instrumentId   the instrument.
     * @param markPriceTicks the new mark.
     * @param nowMs          cluster time.
     */
    void onMarkPrice(int instrumentId, long markPriceTicks, long nowMs);

    /**
     * @return cluster time of the engine's next due work, {@link Long#MAX_VALUE} when nothing is due.
     */
    long nextDeadlineMs();

    /**
     * Does whatever is due at {@code nowMs} (liquidation rounds, auction steps, redemptions).
     *
     * @param nowMs cluster time.
     */
    void onDeadline(long nowMs);

    /**
     * Writes the engine's state in canonical order, after the clearing house's own records.
     *
     * @param sink receives the state.
     */
    void writeState(ClearingStateSink sink);
}
