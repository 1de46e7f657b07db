package dev.backstop.clearing.domain;

/**
 * Receives the whole state of the clearing house in canonical order. The order depends only on the state, never on
 * its history, so the snapshot writer and the state digest see the same bytes on every node:
 * <ol>
 *     <li>{@link #header}, then {@link #riskLedger}, then {@link #settlementLedger};</li>
 *     <li>per instrument, ascending by id: {@link #instrument}, {@link #instrumentRisk}, {@link #oracle}, then the
 *     settlement records ({@link #instrumentSettlement}, {@link #instrumentFunding}, {@link #instrumentBreaker},
 *     {@link #breakerBucket} per non-empty slot);</li>
 *     <li>{@link #portfolioMargin};</li>
 *     <li>per account, ascending by id: {@link #account}, {@link #accountRisk}, {@link #positionFees} per position
 *     with fees since its last settlement;</li>
 *     <li>{@link #order} per open order, ascending by order id;</li>
 *     <li>{@link #sender} per sender, ascending by id;</li>
 *     <li>{@link #tradeIds} per exchange and chunk, ascending;</li>
 *     <li>then the liquidation engine's own records ({@link LiquidationHooks#writeState});</li>
 *     <li>then the default fund's and the loss waterfall's ({@link WaterfallStateSink}).</li>
 * </ol>
 * Methods added with the risk engine have empty default bodies so an implementation compiles before it handles
 * them; a snapshot writer must override every one (the state digest does).
 */
public interface ClearingStateSink extends LiquidationStateSink, WaterfallStateSink, SettlementStateSink
{
    void header(long eventSequence, long netDeposits, long feeAccount, long tradesCleared);

    /**
     * The clearing house's clock and the funds beside the accounts.
     *
     * @param clusterTimeMs   last cluster time the clearing house was advanced to.
     * @param insuranceFund   the insurance fund's balance in micro-units.
     * @param openDeficits    total open deficits recorded for bankrupt accounts (informational: the deficits are
     *                        the accounts' negative cash).
     */
    default void riskLedger(long clusterTimeMs, long insuranceFund, long openDeficits)
    {
    }

    void instrument(Instrument instrument);

    /**
     * An instrument's risk parameters: underlying, margin brackets, open-interest scaling and margin-rate floors
     * (read them from the instrument's getters).
     */
    default void instrumentRisk(Instrument instrument)
    {
    }

    /**
     * An instrument's price oracle: parameters, sources, index, mark and basis (read them from its getters).
     */
    default void oracle(int instrumentId, PriceOracle oracle)
    {
    }

    /**
     * The portfolio-margin configuration: parameters, default grid and per-underlying grids (read its getters).
     */
    default void portfolioMargin(PortfolioMargin portfolioMargin)
    {
    }

    void account(MarginAccount account);

    /**
     * An account's risk state, margin method and role (its order aggregates follow from the orders).
     */
    default void accountRisk(MarginAccount account)
    {
    }

    /**
     * One open order with its reservation.
     */
    default void order(OpenOrder order)
    {
    }

    void sender(SenderSequence sender);

    /**
     * A chunk of the venue trade ids already cleared for one exchange; called several times for a large set.
     *
     * @param exchangeId          the exchange.
     * @param sortedVenueTradeIds ids in ascending order.
     * @param offset              first id of the chunk.
     * @param count               ids in the chunk, at most {@link ClearingHouse#TRADE_ID_CHUNK}.
     */
    void tradeIds(long exchangeId, long[] sortedVenueTradeIds, int offset, int count);
}
