package dev.backstop.ops.bench;

import dev.backstop.sbe.exchange.MessageHeaderDecoder;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.SubmitTradeDecoder;
import dev.backstop.sbe.exchange.SubmitTradeEncoder;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The bare baseline's client: an {@link AeronCluster} session straight to the echo cluster's ingress (no gateway),
 * sending the very bytes an exchange sends the gateway, a SubmitTrade of the exchange protocol whose sequence field
 * carries the message id, and reading each one back from egress as the echo service returns it.
 */
final class EchoTarget implements LoadTarget
{
    private static final long KEEP_ALIVE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final AeronCluster cluster;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
    private final SubmitTradeEncoder encoder = new SubmitTradeEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SubmitTradeDecoder decoder = new SubmitTradeDecoder();
    private final TradeFlow flow;
    private final int length;
    private AnswerListener listener;
    private long nextId;
    private long lastSendNs = System.nanoTime();

    /**
     * @param ctx  a connect context for the echo cluster (ingress endpoints, egress channel, driver directory);
     *             its egress listener is set here.
     * @param flow the trades to send.
     */
    EchoTarget(final AeronCluster.Context ctx, final TradeFlow flow)
    {
        this.flow = flow;
        final EgressListener egress = this::onEgress;
        this.cluster = AeronCluster.connect(ctx.egressListener(egress));
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder);
        this.length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        this.nextId = 1;
    }

    public long trySend()
    {
        final long id = nextId;
        flow.encode(encoder.wrapAndApplyHeader(buffer, 0, headerEncoder).sequence(id), id);
        final long result = cluster.offer(buffer, 0, length);
        if (result < 0)
        {
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new IllegalStateException("echo cluster session lost: " + Publication.errorString(result));
            }
            return result;
        }
        lastSendNs = System.nanoTime();
        nextId = id + 1;
        return id;
    }

    public int poll(final AnswerListener listener)
    {
        this.listener = listener;
        return cluster.pollEgress();
    }

    public void onIdle(final long nowNs)
    {
        if (nowNs - lastSendNs > KEEP_ALIVE_INTERVAL_NS && cluster.sendKeepAlive())
        {
            lastSendNs = nowNs;
        }
    }

    public int messageLength()
    {
        return length;
    }

    public void close()
    {
        CloseHelper.quietClose(cluster);
    }

    private void onEgress(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() ||
            SubmitTradeDecoder.TEMPLATE_ID != headerDecoder.templateId())
        {
            return;
        }
        decoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        listener.onAnswer(decoder.sequence(), length == this.length);
    }
}
