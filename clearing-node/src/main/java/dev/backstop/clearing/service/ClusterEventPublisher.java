package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.ClearingEvents;
import dev.backstop.clearing.domain.CommandType;
import dev.backstop.clearing.domain.Instrument;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandDecoder;
import dev.backstop.sbe.cluster.OpenAccountCommandDecoder;
import dev.backstop.sbe.cluster.PriceTickCommandDecoder;
import dev.backstop.sbe.cluster.QueryAccountCommandDecoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandDecoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import dev.backstop.sbe.cluster.WithdrawCommandDecoder;
import dev.backstop.sbe.events.AccountOpenedEncoder;
import dev.backstop.sbe.events.CollateralMovedEncoder;
import dev.backstop.sbe.events.CollateralMovement;
import dev.backstop.sbe.events.CommandRefusedEncoder;
import dev.backstop.sbe.events.InstrumentListedEncoder;
import dev.backstop.sbe.events.MarkPriceUpdatedEncoder;
import dev.backstop.sbe.events.MessageHeaderEncoder;
import dev.backstop.sbe.events.ResultCode;
import dev.backstop.sbe.events.TickDecision;
import dev.backstop.sbe.events.TradeClearedEncoder;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes what the clearing house reports as event-stream messages (schema 103) and broadcasts each one to every
 * connected client session; gateways republish them to risk desks.
 * <p>
 * Every event carries the clearing house's event sequence plus the log position and cluster time of the command
 * that caused it, which the service sets before each command with {@link #causedBy(long, long)}: all three are the
 * same on every node, so a subscriber can switch gateways without loss or duplication.
 */
final class ClusterEventPublisher implements ClearingEvents
{
    private static final int[] TEMPLATE_ID_BY_COMMAND = new int[CommandType.values().length];

    static
    {
        for (final CommandType type : CommandType.values())
        {
            TEMPLATE_ID_BY_COMMAND[type.ordinal()] = commandTemplateId(type);
        }
    }

    private final Egress egress;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TradeClearedEncoder tradeCleared = new TradeClearedEncoder();
    private final MarkPriceUpdatedEncoder markPriceUpdated = new MarkPriceUpdatedEncoder();
    private final CollateralMovedEncoder collateralMoved = new CollateralMovedEncoder();
    private final CommandRefusedEncoder commandRefused = new CommandRefusedEncoder();
    private final InstrumentListedEncoder instrumentListed = new InstrumentListedEncoder();
    private final AccountOpenedEncoder accountOpened = new AccountOpenedEncoder();

    private long logPosition;
    private long clusterTime;
    private long eventsPublished;

    ClusterEventPublisher(final Egress egress)
    {
        this.egress = egress;
    }

    /**
     * Sets the command the next events are caused by.
     *
     * @param logPosition log position of the command.
     * @param clusterTime cluster time of the command.
     */
    void causedBy(final long logPosition, final long clusterTime)
    {
        this.logPosition = logPosition;
        this.clusterTime = clusterTime;
    }

    long eventsPublished()
    {
        return eventsPublished;
    }

    static int commandTemplateId(final CommandType type)
    {
        switch (type)
        {
            case LIST_INSTRUMENT:
                return ListInstrumentCommandDecoder.TEMPLATE_ID;
            case OPEN_ACCOUNT:
                return OpenAccountCommandDecoder.TEMPLATE_ID;
            case DEPOSIT:
                return DepositCommandDecoder.TEMPLATE_ID;
            case WITHDRAW:
                return WithdrawCommandDecoder.TEMPLATE_ID;
            case TRADE:
                return TradeCommandDecoder.TEMPLATE_ID;
            case PRICE_TICK:
                return PriceTickCommandDecoder.TEMPLATE_ID;
            case QUERY_ACCOUNT:
                return QueryAccountCommandDecoder.TEMPLATE_ID;
            case QUERY_LEDGER:
                return QueryLedgerCommandDecoder.TEMPLATE_ID;
            default:
                // Commands added with the risk engine have no cluster template in this adapter yet.
                return 0;
        }
    }

    public void onInstrumentListed(final long eventSequence, final Instrument instrument)
    {
        // Listing is a rare operator command: encoding the symbol String is the one allocation accepted here.
        instrumentListed.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrument.instrumentId())
            .initialMarginPpm(instrument.initialMarginPpm())
            .maintenanceMarginPpm(instrument.maintenanceMarginPpm())
            .tradeFeePpm(instrument.tradeFeePpm())
            .tickSizeMicros(instrument.tickSizeMicros())
            .lotSizeMicros(instrument.lotSizeMicros())
            .tickValue(instrument.tickValue())
            .symbol(instrument.symbol());
        publish(instrumentListed.encodedLength());
    }

    public void onAccountOpened(final long eventSequence, final long accountId, final long memberId)
    {
        accountOpened.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .memberId(memberId);
        publish(accountOpened.encodedLength());
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
        tradeCleared.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .exchangeId(exchangeId)
            .venueTradeId(venueTradeId)
            .instrumentId(instrumentId)
            .buyAccountId(buyAccountId)
            .sellAccountId(sellAccountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots)
            .buyerFee(buyerFee)
            .sellerFee(sellerFee)
            .buyerRealisedPnl(buyerRealisedPnl)
            .sellerRealisedPnl(sellerRealisedPnl);
        publish(tradeCleared.encodedLength());
    }

    public void onMarkPriceUpdated(
        final long eventSequence,
        final int instrumentId,
        final int sourceId,
        final long tickPriceTicks,
        final dev.backstop.clearing.domain.TickDecision decision,
        final long previousMarkTicks,
        final long markPriceTicks,
        final long indexPriceTicks,
        final int freshSources,
        final long othersMedianTicks)
    {
        // The index, source count and others' median are encoded once the event schema carries them.
        markPriceUpdated.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrumentId)
            .sourceId(sourceId)
            .tickPriceTicks(tickPriceTicks)
            .decision(TickDecision.get((short)decision.code()))
            .previousMarkTicks(previousMarkTicks)
            .markPriceTicks(markPriceTicks);
        publish(markPriceUpdated.encodedLength());
    }

    public void onCollateralMoved(
        final long eventSequence,
        final long accountId,
        final boolean deposit,
        final long amount,
        final long cashAfter,
        final long equityAfter)
    {
        collateralMoved.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .movement(deposit ? CollateralMovement.DEPOSIT : CollateralMovement.WITHDRAWAL)
            .amount(amount)
            .cashAfter(cashAfter)
            .equityAfter(equityAfter);
        publish(collateralMoved.encodedLength());
    }

    public void onCommandRefused(
        final long eventSequence,
        final long senderId,
        final long sequence,
        final CommandType command,
        final Outcome outcome)
    {
        final byte[] reason = ReasonText.of(outcome);
        commandRefused.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .senderId(senderId)
            .sequence(sequence)
            .templateId(TEMPLATE_ID_BY_COMMAND[command.ordinal()])
            .resultCode(ResultCode.get(outcome.code()))
            .putReason(reason, 0, reason.length);
        publish(commandRefused.encodedLength());
    }

    private void publish(final int messageLength)
    {
        eventsPublished++;
        egress.broadcast(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + messageLength);
    }
}
