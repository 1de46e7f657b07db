package dev.backstop.clearing.node;

import dev.backstop.clearing.service.EchoService;
import dev.backstop.sbe.cluster.CommandResultDecoder;
import dev.backstop.sbe.cluster.MessageHeaderDecoder;
import dev.backstop.sbe.cluster.MessageHeaderEncoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.SenderSequenceQueryEncoder;
import dev.backstop.sbe.cluster.SenderSequenceResultDecoder;
import dev.backstop.sbe.cluster.TradeCommandEncoder;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code backstop.node.service=echo}: the same node runs the benchmark's echo baseline, which returns foreign bytes
 * verbatim and gives a gateway's cluster-protocol messages their shortest valid answer.
 */
class EchoNodeTest
{
    private static final int PORT_BASE = 20900;

    @Test
    void theServiceKeyAcceptsOnlyKnownServices()
    {
        final ClearingNode.Context context = new ClearingNode.Context().service("abacus");
        assertThrows(IllegalArgumentException.class, context::conclude);
        assertTrue(new ClearingNode.Context().service(ClearingNodeConfiguration.SERVICE_ECHO).conclude().isEcho());
        assertEquals(ClearingNodeConfiguration.SERVICE_CLEARING, new ClearingNode.Context().conclude().service());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void echoesForeignBytesAndAcknowledgesClusterCommands()
    {
        final ClearingNode.Context context = new ClearingNode.Context()
            .nodeId(0)
            .memberCount(1)
            .portBase(PORT_BASE)
            .baseDir(new File("target/clearing-node-test/echo"))
            .deleteDirsOnStart(true)
            .service(ClearingNodeConfiguration.SERVICE_ECHO);

        final List<byte[]> replies = new ArrayList<>();
        final EgressListener listener = (clusterSessionId, timestamp, buffer, offset, length, header) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            replies.add(copy);
        };

        try (ClearingNode node = ClearingNode.launch(context))
        {
            assertInstanceOf(EchoService.class, node.clusteredService());
            assertThrows(IllegalStateException.class, node::service);

            try (AeronCluster client = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(node.context().aeronDirectoryName())
                .ingressChannel(ClusterTopology.INGRESS_CHANNEL)
                .ingressEndpoints(ClusterTopology.ingressEndpoints(ClusterTopology.DEFAULT_HOSTNAME, PORT_BASE, 1))
                .egressChannel("aeron:udp?endpoint=127.0.0.1:" + (PORT_BASE + 50))
                .egressListener(listener)
                .messageTimeoutNs(TimeUnit.SECONDS.toNanos(10))))
            {
                final byte[] foreign = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
                send(client, new UnsafeBuffer(foreign), foreign.length);
                awaitReplies(client, replies, 1);
                assertArrayEquals(foreign, replies.get(0));

                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
                final TradeCommandEncoder trade = new TradeCommandEncoder()
                    .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                    .senderId(100)
                    .sequence(7)
                    .venueTradeId(1)
                    .instrumentId(1)
                    .buyAccountId(1)
                    .sellAccountId(2)
                    .priceTicks(10)
                    .quantityLots(1);
                send(client, buffer, MessageHeaderEncoder.ENCODED_LENGTH + trade.encodedLength());
                final SenderSequenceQueryEncoder query = new SenderSequenceQueryEncoder()
                    .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                    .correlationId(42)
                    .senderId(100);
                send(client, buffer, MessageHeaderEncoder.ENCODED_LENGTH + query.encodedLength());
                awaitReplies(client, replies, 3);

                final MessageHeaderDecoder header = new MessageHeaderDecoder();
                final UnsafeBuffer result = new UnsafeBuffer(replies.get(1));
                header.wrap(result, 0);
                assertEquals(CommandResultDecoder.TEMPLATE_ID, header.templateId());
                final CommandResultDecoder commandResult = new CommandResultDecoder()
                    .wrapAndApplyHeader(result, 0, header);
                assertEquals(100, commandResult.senderId());
                assertEquals(7, commandResult.sequence());
                assertEquals(ResultCode.ACCEPTED, commandResult.resultCode());

                final UnsafeBuffer sequenceResult = new UnsafeBuffer(replies.get(2));
                final SenderSequenceResultDecoder senderSequence = new SenderSequenceResultDecoder()
                    .wrapAndApplyHeader(sequenceResult, 0, header);
                assertEquals(42, senderSequence.correlationId());
                assertEquals(7, senderSequence.lastAppliedSequence());
                assertEquals(3, ((EchoService)node.clusteredService()).messagesAnswered());
            }
        }
    }

    private static void send(final AeronCluster client, final DirectBuffer buffer, final int length)
    {
        while (client.offer(buffer, 0, length) < 0)
        {
            client.pollEgress();
            sleep();
        }
    }

    private static void awaitReplies(final AeronCluster client, final List<byte[]> replies, final int count)
    {
        while (replies.size() < count)
        {
            if (0 == client.pollEgress())
            {
                sleep();
            }
        }
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(1);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
