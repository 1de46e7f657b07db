package dev.backstop.clearing.domain;

/**
 * Receives the whole state of the clearing house in canonical order: header, instruments by id, accounts by id,
 * senders by id, then venue trade ids by exchange and id. The order depends only on the state, never on its history,
 * so the snapshot writer and the state digest see the same bytes on every node.
 */
public interface ClearingStateSink
{
    void header(long eventSequence, long netDeposits, long feeAccount, long tradesCleared);

    void instrument(Instrument instrument);

    void account(MarginAccount account);

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
