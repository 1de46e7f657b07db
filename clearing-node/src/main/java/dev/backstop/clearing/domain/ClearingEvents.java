package dev.backstop.clearing.domain;

/**
 * What the clearing house reports as it applies commands. The service adapter encodes each call as an event on the
 * stream; tests record them. Every event carries a sequence assigned by the clearing house: gap-free from 1 and
 * identical on every node, so a subscriber can detect a gap and de-duplicate across gateways.
 */
public interface ClearingEvents
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

    void onMarkPriceUpdated(
        long eventSequence,
        int instrumentId,
        int sourceId,
        long tickPriceTicks,
        long previousMarkTicks,
        long markPriceTicks);

    void onCollateralMoved(
        long eventSequence, long accountId, boolean deposit, long amount, long cashAfter, long equityAfter);

    /**
     * A command that changed nothing: a refusal with its reason, or a duplicate venue trade id.
     */
    void onCommandRefused(long eventSequence, long senderId, long sequence, CommandType command, Outcome outcome);
}
