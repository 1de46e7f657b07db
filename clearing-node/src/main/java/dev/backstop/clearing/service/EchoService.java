package dev.backstop.clearing.service;

import dev.backstop.sbe.cluster.BooleanType;
import dev.backstop.sbe.cluster.CommandResultEncoder;
import dev.backstop.sbe.cluster.MessageHeaderDecoder;
import dev.backstop.sbe.cluster.MessageHeaderEncoder;
import dev.backstop.sbe.cluster.ReplayEventsDecoder;
import dev.backstop.sbe.cluster.ReplayEventsResultEncoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.SenderSequenceQueryDecoder;
import dev.backstop.sbe.cluster.SenderSequenceResultEncoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The baseline of the end-to-end benchmark ({@code backstop bench}): a clustered service that clears nothing and
 * answers every message at once, run by the same {@link dev.backstop.clearing.node.ClearingNode} launcher and
 * configuration as {@link ClearingService} ({@code backstop.node.service=echo}), so media driver, archive,
 * consensus module, term lengths and idle strategies are identical and only the service differs.
 * <p>
 * Two ways in, so that the baseline can be measured with and without a gateway in front:
 * <ul>
 *     <li>a message of any schema but the cluster protocol (a load generator talking to the cluster directly) is
 *     echoed back to its session byte for byte: the bare Aeron Cluster echo of aeron-io/benchmarks;</li>
 *     <li>a cluster-protocol message (a gateway forwarding an exchange's request) gets the shortest valid answer:
 *     a trade is ACCEPTED with no domain work, a sender-sequence query is answered from the last sequence seen, an
 *     event replay finds nothing to replay. Other commands are not answered (the benchmark sends trades only).</li>
 * </ul>
 * Replies are retried on back pressure until sent, as the reference echo does, rather than dropped: a baseline
 * that lost replies would measure nothing. It keeps no state worth a snapshot; the sequences it remembers are
 * only for a gateway's logon and are lost on restart.
 */
public final class EchoService implements ClusteredService
{
    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TradeCommandDecoder tradeCommand = new TradeCommandDecoder();
    private final SenderSequenceQueryDecoder senderSequenceQuery = new SenderSequenceQueryDecoder();
    private final ReplayEventsDecoder replayEvents = new ReplayEventsDecoder();
    private final CommandResultEncoder commandResult = new CommandResultEncoder();
    private final SenderSequenceResultEncoder senderSequenceResult = new SenderSequenceResultEncoder();
    private final ReplayEventsResultEncoder replayEventsResult = new ReplayEventsResultEncoder();
    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[256]);
    private final Long2LongHashMap lastSequenceBySender = new Long2LongHashMap(0);

    private IdleStrategy idleStrategy;
    private volatile long messagesAnswered;

    /**
     * @return messages answered since start (echoed or acknowledged), for tests.
     */
    public long messagesAnswered()
    {
        return messagesAnswered;
    }

    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        idleStrategy = cluster.idleStrategy();
    }

    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        if (length >= HEADER_LENGTH)
        {
            headerDecoder.wrap(buffer, offset);
            if (MessageHeaderDecoder.SCHEMA_ID == headerDecoder.schemaId())
            {
                answer(session, timestamp, buffer, offset + HEADER_LENGTH, length - HEADER_LENGTH);
                return;
            }
        }
        offer(session, buffer, offset, length);
    }

    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
    }

    public void onRoleChange(final Cluster.Role newRole)
    {
    }

    public void onTerminate(final Cluster cluster)
    {
    }

    private void answer(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int bodyLength)
    {
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        if (bodyLength < blockLength)
        {
            return;
        }

        final int replyLength;
        switch (templateId)
        {
            case TradeCommandDecoder.TEMPLATE_ID:
            {
                tradeCommand.wrap(buffer, bodyOffset, blockLength, version);
                final long senderId = tradeCommand.senderId();
                final long sequence = tradeCommand.sequence();
                lastSequenceBySender.put(senderId, Math.max(sequence, lastSequenceBySender.get(senderId)));
                commandResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                    .senderId(senderId)
                    .sequence(sequence)
                    .resultCode(ResultCode.ACCEPTED)
                    .replayed(BooleanType.FALSE)
                    .clusterTime(timestamp)
                    .templateId(TradeCommandDecoder.TEMPLATE_ID)
                    .reason("");
                replyLength = HEADER_LENGTH + commandResult.encodedLength();
                break;
            }

            case SenderSequenceQueryDecoder.TEMPLATE_ID:
            {
                senderSequenceQuery.wrap(buffer, bodyOffset, blockLength, version);
                final long senderId = senderSequenceQuery.senderId();
                senderSequenceResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                    .correlationId(senderSequenceQuery.correlationId())
                    .senderId(senderId)
                    .lastAppliedSequence(lastSequenceBySender.get(senderId));
                replyLength = HEADER_LENGTH + senderSequenceResult.encodedLength();
                break;
            }

            case ReplayEventsDecoder.TEMPLATE_ID:
            {
                replayEvents.wrap(buffer, bodyOffset, blockLength, version);
                final long fromEventSequence = Math.max(1, replayEvents.fromEventSequence());
                replayEventsResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                    .correlationId(replayEvents.correlationId())
                    .fromEventSequence(fromEventSequence)
                    .lastEventSequence(fromEventSequence - 1)
                    .resultCode(ResultCode.ACCEPTED);
                replyLength = HEADER_LENGTH + replayEventsResult.encodedLength();
                break;
            }

            default:
                return;
        }
        offer(session, replyBuffer, 0, replyLength);
    }

    private void offer(final ClientSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == session)
        {
            return;
        }
        idleStrategy.reset();
        long result;
        while ((result = session.offer(buffer, offset, length)) < 0)
        {
            if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
            {
                return;
            }
            idleStrategy.idle();
        }
        messagesAnswered++;
    }
}
