package dev.backstop.clearing.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Loads one clearing house's state into a fresh one the way the service adapter does on a snapshot load: every
 * record {@link ClearingHouse#writeState} emits is turned into the matching {@code restore*} call, with no other
 * access to the source. It also keeps what it saw, so a test can check the record stream itself (chunk sizes,
 * ascending order).
 */
final class SnapshotLoader implements ClearingStateSink
{
    final ClearingHouse target;
    final List<Integer> tradeIdChunkSizes = new ArrayList<>();
    long previousTradeIdExchange = Long.MIN_VALUE;
    long previousTradeId = Long.MIN_VALUE;

    private SnapshotLoader(final ClearingHouse target)
    {
        this.target = target;
    }

    /**
     * @param source the clearing house to copy.
     * @param events the events of the copy.
     * @return the loader, whose {@link #target} is the copy.
     */
    static SnapshotLoader load(final ClearingHouse source, final ClearingEvents events)
    {
        final SnapshotLoader loader = new SnapshotLoader(new ClearingHouse(events));
        source.writeState(loader);
        return loader;
    }

    static ClearingHouse copyOf(final ClearingHouse source, final ClearingEvents events)
    {
        return load(source, events).target;
    }

    public void header(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        target.restoreHeader(eventSequence, netDeposits, feeAccount, tradesCleared);
    }

    public void instrument(final Instrument i)
    {
        target.restoreInstrument(
            i.instrumentId(), i.symbol(), i.initialMarginPpm(), i.maintenanceMarginPpm(), i.tradeFeePpm(),
            i.tickSizeMicros(), i.lotSizeMicros(), i.tickValue(), i.markPriceTicks(), i.openInterestLots());
    }

    public void account(final MarginAccount a)
    {
        target.restoreAccount(a.accountId(), a.memberId(), a.cash());
        for (int i = 0; i < a.positionCount(); i++)
        {
            target.restorePosition(a.accountId(), a.instrumentIdAt(i), a.quantityAt(i), a.costBasisAt(i));
        }
    }

    public void sender(final SenderSequence s)
    {
        target.restoreSender(s.senderId(), s.lastAppliedSequence());
        for (int i = 0; i < s.recentResultCount(); i++)
        {
            target.restoreRecentResult(s.senderId(), s.recentSequenceAt(i), s.recentOutcomeAt(i));
        }
    }

    public void tradeIds(final long exchangeId, final long[] sortedVenueTradeIds, final int offset, final int count)
    {
        if (count > ClearingHouse.TRADE_ID_CHUNK)
        {
            throw new AssertionError("chunk of " + count + " trade ids exceeds " + ClearingHouse.TRADE_ID_CHUNK);
        }
        tradeIdChunkSizes.add(count);
        for (int i = offset; i < offset + count; i++)
        {
            final long id = sortedVenueTradeIds[i];
            if (exchangeId == previousTradeIdExchange && id <= previousTradeId)
            {
                throw new AssertionError("trade ids not ascending for exchange " + exchangeId + ": " + id);
            }
            if (exchangeId < previousTradeIdExchange)
            {
                throw new AssertionError("exchanges not ascending: " + exchangeId);
            }
            previousTradeIdExchange = exchangeId;
            previousTradeId = id;
            target.restoreTradeId(exchangeId, id);
        }
    }
}
