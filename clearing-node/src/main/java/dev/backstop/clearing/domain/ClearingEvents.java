package dev.backstop.clearing.domain;

/**
 * What the clearing house reports as it applies commands. The service adapter encodes each call as an event on the
 * stream; tests record them. Every event carries a sequence assigned by the clearing house: gap-free from 1 and
 * identical on every node, so a subscriber can detect a gap and de-duplicate across gateways.
 * <p>
 * The events added with the risk engine (orders, risk states, parameter changes) have empty default bodies so an
 * implementation compiles before it encodes them; an adapter that publishes the stream must override every one.
 */
public interface ClearingEvents extends LiquidationEvents, WaterfallEvents, SettlementEvents
{
    void onInstrumentListed(long eventSequence, Instrument instrument);

    void onAccountOpened(long eventSequence, long accountId, long memberId);

    void onTradeCleared(
        long eventSequence,
        long exchangeId,
        long venueTradeId,
        int instrumentId,
        long buyAccountId,
        long sellAccountId,
        long priceTicks,
        long quantityLots,
        long buyerFee,
        long sellerFee,
        long buyerRealisedPnl,
        long sellerRealisedPnl);

    /**
     * The decision on one price tick (DESIGN.md 5 item 1), published for every tick whatever the decision, and for
     * the first trade of an instrument without a mark (source 0, decision {@link TickDecision#ACCEPTED}).
     *
     * @param eventSequence     gap-free event sequence.
     * @param instrumentId      instrument.
     * @param sourceId          the price source, 0 for the first trade.
     * @param tickPriceTicks    the tick's price.
     * @param decision          what became of the tick.
     * @param previousMarkTicks mark before the tick (0 when none).
     * @param markPriceTicks    mark after the tick (equal to the previous one unless the tick moved it).
     * @param indexPriceTicks   index after the tick (median of the fresh, counted sources), 0 when none.
     * @param freshSources      fresh, non-excluded sources counted after the tick.
     * @param othersMedianTicks median of the other fresh sources the tick was compared with, 0 when none.
     */
    void onMarkPriceUpdated(
        long eventSequence,
        int instrumentId,
        int sourceId,
        long tickPriceTicks,
        TickDecision decision,
        long previousMarkTicks,
        long markPriceTicks,
        long indexPriceTicks,
        int freshSources,
        long othersMedianTicks);

    void onCollateralMoved(
        long eventSequence, long accountId, boolean deposit, long amount, long cashAfter, long equityAfter);

    /**
     * A command that changed nothing: a refusal with its reason, or a duplicate venue trade id.
     */
    void onCommandRefused(long eventSequence, long senderId, long sequence, CommandType command, Outcome outcome);

    /**
     * An order passed the pre-trade check and reserves initial margin.
     *
     * @param reservedMargin        the order's reservation.
     * @param accountReservedMargin the account's total reservation after it.
     */
    default void onOrderAccepted(
        long eventSequence,
        long orderId,
        long accountId,
        int instrumentId,
        boolean buy,
        long lots,
        long limitPriceTicks,
        long reservedMargin,
        long accountReservedMargin)
    {
    }

    /**
     * An open order was filled in part or in full by a cleared trade; the filled part of its reservation is
     * consumed (it has become position margin).
     *
     * @param remainingLots         lots still open, 0 when the order is gone.
     * @param consumedMargin        reservation consumed by this fill.
     * @param reservedMargin        reservation left on the order.
     * @param accountReservedMargin the account's total reservation after the fill.
     */
    default void onOrderFilled(
        long eventSequence,
        long orderId,
        long accountId,
        long filledLots,
        long remainingLots,
        long consumedMargin,
        long reservedMargin,
        long accountReservedMargin)
    {
    }

    /**
     * An open order was cancelled (by its sender, or by the liquidation engine) and its reservation released.
     */
    default void onOrderCancelled(
        long eventSequence,
        long orderId,
        long accountId,
        long remainingLots,
        long releasedMargin,
        long accountReservedMargin)
    {
    }

    /**
     * An account's risk state changed: a margin call (NORMAL to MARGIN_CALL), a cure (MARGIN_CALL to NORMAL), or a
     * liquidation step set by the engine. Equity and margins are the account's at the moment of the change.
     */
    default void onRiskStateChanged(
        long eventSequence,
        long accountId,
        RiskState previousState,
        RiskState state,
        long equity,
        long initialMargin,
        long maintenanceMargin,
        RiskCause cause)
    {
    }

    /**
     * An instrument's effective margin rates (those of its first bracket's floor) changed, at once or by a step of
     * a released cut.
     *
     * @param initialMarginPpm           effective IMR floor now.
     * @param maintenanceMarginPpm       effective MMR floor now.
     * @param targetInitialMarginPpm     IMR the operator asked for.
     * @param targetMaintenanceMarginPpm MMR the operator asked for.
     */
    default void onMarginRatesChanged(
        long eventSequence,
        int instrumentId,
        int initialMarginPpm,
        int maintenanceMarginPpm,
        int targetInitialMarginPpm,
        int targetMaintenanceMarginPpm)
    {
    }

    /**
     * An operator command changed risk parameters; the new values are in the state (snapshot, queries).
     *
     * @param command      which command.
     * @param instrumentId the instrument (or underlying for scenarios), 0 when none.
     * @param accountId    the account, 0 when none.
     */
    default void onRiskParametersChanged(long eventSequence, CommandType command, int instrumentId, long accountId)
    {
    }
}
