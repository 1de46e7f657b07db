package dev.backstop.gateway.client;

import dev.backstop.sbe.events.AccountOpenedDecoder;
import dev.backstop.sbe.events.CollateralMovedDecoder;
import dev.backstop.sbe.events.CommandRefusedDecoder;
import dev.backstop.sbe.events.InstrumentListedDecoder;
import dev.backstop.sbe.events.MarkPriceUpdatedDecoder;
import dev.backstop.sbe.events.MessageHeaderDecoder;
import dev.backstop.sbe.events.TradeClearedDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Renders any event-stream message (schema 103) as one line of JSON, for risk desks' tools, the CLI and logs.
 * <p>
 * Field names are stable. Every line starts with {@code seq} (eventSequence), {@code type} (the message name),
 * {@code logPosition} and {@code clusterTime} (ms), then the event's fields. Units are in the names: money in
 * micro-units of the settlement asset ends in {@code Micros} ({@code amountMicros}, {@code buyerFeeMicros}), prices
 * in ticks end in {@code Ticks}, quantities in lots end in {@code Lots}, rates in parts per million end in
 * {@code Ppm}. Enumerations are their names as strings. A message this version does not know renders as
 * {@code {"type":"Unknown","schemaId":..,"templateId":..,"length":..}}; a truncated one as
 * {@code {"type":"Malformed",...}}. Rendering never throws.
 * <p>
 * An instance reuses its decoders and builder (not thread-safe); {@link #toJson} is a convenience that allocates.
 */
public final class EventJson
{
    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TradeClearedDecoder tradeCleared = new TradeClearedDecoder();
    private final MarkPriceUpdatedDecoder markPriceUpdated = new MarkPriceUpdatedDecoder();
    private final CollateralMovedDecoder collateralMoved = new CollateralMovedDecoder();
    private final CommandRefusedDecoder commandRefused = new CommandRefusedDecoder();
    private final InstrumentListedDecoder instrumentListed = new InstrumentListedDecoder();
    private final AccountOpenedDecoder accountOpened = new AccountOpenedDecoder();
    private final StringBuilder builder = new StringBuilder(256);

    /**
     * Renders one event (allocating a renderer; use an instance in a loop).
     *
     * @param buffer holding the event.
     * @param offset of its message header.
     * @param length of the event.
     * @return one line of JSON, no trailing newline.
     */
    public static String toJson(final DirectBuffer buffer, final int offset, final int length)
    {
        return new EventJson().render(buffer, offset, length);
    }

    /**
     * Renders one event.
     *
     * @param buffer holding the event.
     * @param offset of its message header.
     * @param length of the event.
     * @return one line of JSON, no trailing newline.
     */
    public String render(final DirectBuffer buffer, final int offset, final int length)
    {
        builder.setLength(0);
        appendTo(builder, buffer, offset, length);
        return builder.toString();
    }

    /**
     * Appends one event as JSON.
     *
     * @param out    where to append.
     * @param buffer holding the event.
     * @param offset of its message header.
     * @param length of the event.
     * @return out.
     */
    public StringBuilder appendTo(final StringBuilder out, final DirectBuffer buffer, final int offset, final int length)
    {
        final int start = out.length();
        try
        {
            if (length < HEADER_LENGTH)
            {
                return malformed(out, start, -1, length);
            }
            header.wrap(buffer, offset);
            final int templateId = header.templateId();
            final int blockLength = header.blockLength();
            final int version = header.version();
            if (MessageHeaderDecoder.SCHEMA_ID != header.schemaId())
            {
                return unknown(out, header.schemaId(), templateId, length);
            }
            if (length - HEADER_LENGTH < blockLength || blockLength < 24)
            {
                return malformed(out, start, templateId, length);
            }

            final int body = offset + HEADER_LENGTH;
            final int end = offset + length;
            switch (templateId)
            {
                case TradeClearedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < TradeClearedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final TradeClearedDecoder d = tradeCleared.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "TradeCleared", d.logPosition(), d.clusterTime());
                    field(out, "exchangeId", d.exchangeId());
                    field(out, "venueTradeId", d.venueTradeId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "buyAccountId", d.buyAccountId());
                    field(out, "sellAccountId", d.sellAccountId());
                    field(out, "priceTicks", d.priceTicks());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "buyerFeeMicros", d.buyerFee());
                    field(out, "sellerFeeMicros", d.sellerFee());
                    field(out, "buyerRealisedPnlMicros", d.buyerRealisedPnl());
                    field(out, "sellerRealisedPnlMicros", d.sellerRealisedPnl());
                    break;
                }

                case MarkPriceUpdatedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < MarkPriceUpdatedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final MarkPriceUpdatedDecoder d = markPriceUpdated.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "MarkPriceUpdated", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "sourceId", d.sourceId());
                    field(out, "tickPriceTicks", d.tickPriceTicks());
                    field(out, "decision", d.decision().name());
                    field(out, "previousMarkTicks", d.previousMarkTicks());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    break;
                }

                case CollateralMovedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < CollateralMovedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final CollateralMovedDecoder d = collateralMoved.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "CollateralMoved", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "movement", d.movement().name());
                    field(out, "amountMicros", d.amount());
                    field(out, "cashAfterMicros", d.cashAfter());
                    field(out, "equityAfterMicros", d.equityAfter());
                    break;
                }

                case CommandRefusedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < CommandRefusedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final CommandRefusedDecoder d = commandRefused.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "CommandRefused", d.logPosition(), d.clusterTime());
                    field(out, "senderId", d.senderId());
                    field(out, "sequence", d.sequence());
                    field(out, "templateId", d.templateId());
                    field(out, "command", commandName(d.templateId()));
                    field(out, "resultCode", d.resultCode().name());
                    final String reason = varString(buffer, d.limit(), end);
                    if (null == reason)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    field(out, "reason", reason);
                    break;
                }

                case InstrumentListedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < InstrumentListedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final InstrumentListedDecoder d = instrumentListed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "InstrumentListed", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    final long tickSize = d.tickSizeMicros();
                    final long lotSize = d.lotSizeMicros();
                    final long tickValue = d.tickValue();
                    final int im = d.initialMarginPpm();
                    final int mm = d.maintenanceMarginPpm();
                    final int fee = d.tradeFeePpm();
                    final String symbol = varString(buffer, d.limit(), end);
                    if (null == symbol)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    field(out, "symbol", symbol);
                    field(out, "initialMarginPpm", im);
                    field(out, "maintenanceMarginPpm", mm);
                    field(out, "tradeFeePpm", fee);
                    field(out, "tickSizeMicros", tickSize);
                    field(out, "lotSizeMicros", lotSize);
                    field(out, "tickValueMicros", tickValue);
                    break;
                }

                case AccountOpenedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < AccountOpenedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final AccountOpenedDecoder d = accountOpened.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AccountOpened", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "memberId", d.memberId());
                    break;
                }

                default:
                    return unknown(out, MessageHeaderDecoder.SCHEMA_ID, templateId, length);
            }
            return out.append('}');
        }
        catch (final RuntimeException ex)
        {
            return malformed(out, start, -1, length);
        }
    }

    /**
     * @param templateId exchange/cluster protocol request template id.
     * @return its name, or "Unknown".
     */
    public static String commandName(final int templateId)
    {
        switch (templateId)
        {
            case 10: return "SubmitTrade";
            case 11: return "SubmitPriceTick";
            case 12: return "DepositCollateral";
            case 13: return "WithdrawCollateral";
            case 14: return "QueryAccount";
            case 15: return "ListInstrument";
            case 16: return "OpenAccount";
            case 17: return "QueryLedger";
            default: return "Unknown";
        }
    }

    private static void common(
        final StringBuilder out, final long seq, final String type, final long logPosition, final long clusterTime)
    {
        out.append("{\"seq\":").append(seq)
            .append(",\"type\":\"").append(type).append('"')
            .append(",\"logPosition\":").append(logPosition)
            .append(",\"clusterTime\":").append(clusterTime);
    }

    private static void field(final StringBuilder out, final String name, final long value)
    {
        out.append(",\"").append(name).append("\":").append(value);
    }

    private static void field(final StringBuilder out, final String name, final String value)
    {
        out.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static String varString(final DirectBuffer buffer, final int index, final int end)
    {
        if (end - index < 4)
        {
            return null;
        }
        final long length = buffer.getInt(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (length > end - index - 4)
        {
            return null;
        }
        final byte[] bytes = new byte[(int)length];
        buffer.getBytes(index + 4, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static StringBuilder unknown(
        final StringBuilder out, final int schemaId, final int templateId, final int length)
    {
        return out.append("{\"type\":\"Unknown\",\"schemaId\":").append(schemaId)
            .append(",\"templateId\":").append(templateId)
            .append(",\"length\":").append(length).append('}');
    }

    private static StringBuilder malformed(final StringBuilder out, final int start, final int templateId, final int length)
    {
        out.setLength(start);
        return out.append("{\"type\":\"Malformed\",\"templateId\":").append(templateId)
            .append(",\"length\":").append(length).append('}');
    }
}
