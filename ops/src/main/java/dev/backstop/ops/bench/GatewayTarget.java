package dev.backstop.ops.bench;

import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.ResponseListener;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SubmitTradeEncoder;
import io.aeron.Publication;
import org.agrona.CloseHelper;

/**
 * The real way in: an exchange's {@link ExchangeClient}, logged on to the gateway, sending SubmitTrade and reading
 * the CommandResponse the gateway relays from the cluster.
 * <p>
 * Message ids are this target's own: a sequence refused by the gateway before it reached the cluster is used again
 * by the client's next request, so the sequence alone cannot name a message. An answer is matched to the last
 * message sent with its sequence, which is right because the client reuses a sequence only once its refusal has
 * arrived. A replayed ACCEPTED (the gateway resent a command whose result was lost) is a success: the trade was
 * cleared once; anything else is an error, counted by result code.
 */
final class GatewayTarget implements LoadTarget
{
    private static final int MASK = LoadGenerator.MAX_IN_FLIGHT - 1;

    private final ExchangeClient client;
    private final TradeFlow flow;
    private final long[] idBySequence = new long[LoadGenerator.MAX_IN_FLIGHT];
    private final long[] errorsByCode = new long[ResultCode.values().length];
    private final ResponseListener responses = this::onResponse;
    private AnswerListener listener;
    private long nextId = 1;

    /**
     * @param client logged on as an exchange; closed with this target.
     * @param flow   the trades to send.
     */
    GatewayTarget(final ExchangeClient client, final TradeFlow flow)
    {
        this.client = client;
        this.flow = flow;
    }

    public long trySend()
    {
        final long id = nextId;
        final long sequence = client.trySendTrade(id, flow.instrumentId(), flow.buyAccount(id), flow.sellAccount(id),
            flow.priceTicks(), flow.quantityLots());
        if (sequence < 0)
        {
            if (Publication.CLOSED == sequence || Publication.MAX_POSITION_EXCEEDED == sequence)
            {
                throw new IllegalStateException("gateway session lost: " + Publication.errorString(sequence));
            }
            return sequence;
        }
        idBySequence[(int)(sequence & MASK)] = id;
        nextId = id + 1;
        return id;
    }

    public int poll(final AnswerListener listener)
    {
        this.listener = listener;
        return client.pollResponses(responses, 32);
    }

    public int messageLength()
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + SubmitTradeEncoder.BLOCK_LENGTH;
    }

    public String takeErrorSummary()
    {
        final StringBuilder summary = new StringBuilder();
        for (final ResultCode code : ResultCode.values())
        {
            final long count = errorsByCode[code.ordinal()];
            if (count > 0)
            {
                summary.append(summary.length() > 0 ? "," : "").append(code.name()).append(':').append(count);
                errorsByCode[code.ordinal()] = 0;
            }
        }
        return summary.toString();
    }

    public void close()
    {
        CloseHelper.quietClose(client);
    }

    private void onResponse(final long sequence, final ResultCode code, final boolean replayed, final long clusterTime)
    {
        if (sequence < 0)
        {
            errorsByCode[code.ordinal()]++;
            return;
        }
        final boolean accepted = ResultCode.ACCEPTED == code;
        if (!accepted)
        {
            errorsByCode[code.ordinal()]++;
        }
        listener.onAnswer(idBySequence[(int)(sequence & MASK)], accepted);
    }
}
