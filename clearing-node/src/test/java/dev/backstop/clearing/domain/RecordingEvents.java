package dev.backstop.clearing.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Records every event the clearing house reports, as value records so two streams compare with {@code equals}.
 * It checks at record time that event sequences are gap-free from 1: a gap fails the test at the command that made
 * it, not at some later assertion.
 */
final class RecordingEvents implements ClearingEvents
{
    interface Event
    {
        long sequence();
    }

    record InstrumentListed(
        long sequence, int instrumentId, String symbol, int initialMarginPpm, int maintenanceMarginPpm,
        int tradeFeePpm, long tickSizeMicros, long lotSizeMicros, long tickValue, long markPriceTicks,
        long openInterestLots) implements Event
    {
    }

    record AccountOpened(long sequence, long accountId, long memberId) implements Event
    {
    }

    record TradeCleared(
        long sequence, long exchangeId, long venueTradeId, int instrumentId, long buyAccountId, long sellAccountId,
        long priceTicks, long quantityLots, long buyerFee, long sellerFee, long buyerRealisedPnl,
        long sellerRealisedPnl) implements Event
    {
    }

    record MarkPriceUpdated(
        long sequence, int instrumentId, int sourceId, long tickPriceTicks, long previousMarkTicks,
        long markPriceTicks) implements Event
    {
    }

    record CollateralMoved(
        long sequence, long accountId, boolean deposit, long amount, long cashAfter, long equityAfter)
        implements Event
    {
    }

    record CommandRefused(long sequence, long senderId, long commandSequence, CommandType command, Outcome outcome)
        implements Event
    {
    }

    final List<Event> events = new ArrayList<>();
    private long expectedNextSequence;

    /**
     * @param firstSequence the sequence the first recorded event must carry (1 for a fresh clearing house, the
     *                      restored event sequence + 1 after a snapshot load).
     */
    RecordingEvents(final long firstSequence)
    {
        expectedNextSequence = firstSequence;
    }

    RecordingEvents()
    {
        this(1);
    }

    int size()
    {
        return events.size();
    }

    Event last()
    {
        return events.get(events.size() - 1);
    }

    /**
     * @param fromIndex first index.
     * @return a copy of the events recorded from that index on.
     */
    List<Event> since(final int fromIndex)
    {
        return new ArrayList<>(events.subList(fromIndex, events.size()));
    }

    public void onInstrumentListed(final long eventSequence, final Instrument instrument)
    {
        add(new InstrumentListed(
            eventSequence, instrument.instrumentId(), instrument.symbol(), instrument.initialMarginPpm(),
            instrument.maintenanceMarginPpm(), instrument.tradeFeePpm(), instrument.tickSizeMicros(),
            instrument.lotSizeMicros(), instrument.tickValue(), instrument.markPriceTicks(),
            instrument.openInterestLots()));
    }

    public void onAccountOpened(final long eventSequence, final long accountId, final long memberId)
    {
        add(new AccountOpened(eventSequence, accountId, memberId));
    }

    public void onTradeCleared(
        final long eventSequence,
        final long exchangeId,
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots,
        final long buyerFee,
        final long sellerFee,
        final long buyerRealisedPnl,
        final long sellerRealisedPnl)
    {
        add(new TradeCleared(
            eventSequence, exchangeId, venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks,
            quantityLots, buyerFee, sellerFee, buyerRealisedPnl, sellerRealisedPnl));
    }

    public void onMarkPriceUpdated(
        final long eventSequence,
        final int instrumentId,
        final int sourceId,
        final long tickPriceTicks,
        final long previousMarkTicks,
        final long markPriceTicks)
    {
        add(new MarkPriceUpdated(
            eventSequence, instrumentId, sourceId, tickPriceTicks, previousMarkTicks, markPriceTicks));
    }

    public void onCollateralMoved(
        final long eventSequence,
        final long accountId,
        final boolean deposit,
        final long amount,
        final long cashAfter,
        final long equityAfter)
    {
        add(new CollateralMoved(eventSequence, accountId, deposit, amount, cashAfter, equityAfter));
    }

    public void onCommandRefused(
        final long eventSequence,
        final long senderId,
        final long sequence,
        final CommandType command,
        final Outcome outcome)
    {
        add(new CommandRefused(eventSequence, senderId, sequence, command, outcome));
    }

    private void add(final Event event)
    {
        if (event.sequence() != expectedNextSequence)
        {
            throw new AssertionError(
                "event sequence gap: expected " + expectedNextSequence + " but got " + event);
        }
        expectedNextSequence++;
        events.add(event);
    }
}
