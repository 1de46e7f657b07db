package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.LiquidationEngine;
import dev.backstop.sbe.cluster.DepositCommandEncoder;
import dev.backstop.sbe.cluster.MessageHeaderDecoder;
import dev.backstop.sbe.cluster.MessageHeaderEncoder;
import dev.backstop.sbe.cluster.OpenAccountCommandEncoder;
import dev.backstop.sbe.cluster.ReplayEventsEncoder;
import dev.backstop.sbe.cluster.ReplayEventsResultDecoder;
import dev.backstop.sbe.cluster.ResultCode;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service's buffer of recent events: it wraps, answers ReplayEvents on the asking session only, says when the
 * start has expired, and survives a snapshot.
 */
class EventReplayTest
{
    private static final long OPERATOR = 1;
    private static final long MEMBER = 2;
    private static final int MAX_EVENTS = 8;

    private final FakeCluster cluster = new FakeCluster();
    private final CapturingSession gateway = new CapturingSession(1);
    private final CapturingSession otherGateway = new CapturingSession(2);
    private final ClearingService service =
        new ClearingService(new LiquidationEngine.Context(), new EventHistory(64 * 1024, MAX_EVENTS));
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH]);
    private final Header header = new Header(0, LogBufferDescriptor.positionBitsToShift(64 * 1024));
    private long position;
    private long memberSequence;

    @BeforeEach
    void start()
    {
        header.buffer(headerBuffer);
        header.offset(0);
        cluster.sessions.add(gateway);
        cluster.sessions.add(otherGateway);
        service.onStart(cluster, null);
        cluster.time = 1_000;
        send(openAccount(11), gateway);
    }

    @Test
    void ringWrapsKeepingTheNewestEventsByCountAndByBytes()
    {
        final EventHistory history = new EventHistory(1024, 100);
        final UnsafeBuffer event = new UnsafeBuffer(new byte[300]);
        for (long sequence = 1; sequence <= 10; sequence++)
        {
            event.putLong(0, sequence);
            history.append(sequence, event, 0, 100 + (int)sequence * 10);
            for (long held = history.oldestSequence(); held <= history.newestSequence(); held++)
            {
                assertEquals(held, history.buffer().getLong(history.offset(held)), "event " + held);
                assertEquals(100 + held * 10, history.length(held));
            }
        }
        assertEquals(10, history.newestSequence());
        assertTrue(history.size() < 10, "bytes bound the buffer");
        assertTrue(history.size() >= 4, "recent events kept");

        final EventHistory counted = new EventHistory(64 * 1024, 3);
        for (long sequence = 1; sequence <= 7; sequence++)
        {
            event.putLong(0, sequence);
            counted.append(sequence, event, 0, 16);
        }
        assertEquals(5, counted.oldestSequence());
        assertEquals(7, counted.newestSequence());
        assertEquals(6, counted.buffer().getLong(counted.offset(6)));

        counted.append(20, event, 0, 16);
        assertEquals(20, counted.oldestSequence(), "a break in the sequence starts the buffer again");
        assertEquals(1, counted.size());
    }

    @Test
    void replaysBufferedEventsFromASequenceOnlyToTheAskingSession()
    {
        deposits(4);
        final List<byte[]> live = eventBytes(otherGateway);
        assertEquals(5, live.size());
        final int othersBefore = otherGateway.messages.size();
        gateway.messages.clear();

        send(replay(77, 3), gateway);

        final List<byte[]> replayed = eventBytes(gateway);
        assertEquals(3, replayed.size());
        for (int i = 0; i < 3; i++)
        {
            assertArrayEquals(live.get(2 + i), replayed.get(i), "replayed event is the original, byte for byte");
        }
        final ReplayEventsResultDecoder result = replayResult(gateway);
        assertEquals(77, result.correlationId());
        assertEquals(3, result.fromEventSequence());
        assertEquals(5, result.lastEventSequence());
        assertEquals(ResultCode.ACCEPTED, result.resultCode());
        assertEquals(othersBefore, otherGateway.messages.size(), "other sessions see nothing of the replay");

        gateway.messages.clear();
        send(replay(78, 6), gateway);
        assertTrue(eventBytes(gateway).isEmpty());
        assertEquals(5, replayResult(gateway).lastEventSequence(), "nothing newer than asked for");
        assertEquals(ResultCode.ACCEPTED, replayResult(gateway).resultCode());
    }

    @Test
    void saysTheStartExpiredOnceTheBufferNoLongerHoldsIt()
    {
        deposits(MAX_EVENTS + 4);
        final EventHistory history = service.eventHistory();
        assertEquals(MAX_EVENTS + 5, history.newestSequence());
        assertEquals(6, history.oldestSequence());
        gateway.messages.clear();

        send(replay(5, 2), gateway);

        assertTrue(eventBytes(gateway).isEmpty());
        final ReplayEventsResultDecoder result = replayResult(gateway);
        assertEquals(ResultCode.SEQUENCE_REPLAY_EXPIRED, result.resultCode());
        assertEquals(5, result.lastEventSequence(), "the events before the oldest held are gone");

        gateway.messages.clear();
        send(replay(6, 6), gateway);
        assertEquals(MAX_EVENTS, eventBytes(gateway).size());
        assertEquals(ResultCode.ACCEPTED, replayResult(gateway).resultCode());
    }

    @Test
    void stopsTheBatchAtTheFirstEventEgressDrops()
    {
        deposits(3);
        gateway.messages.clear();
        gateway.offerResult = io.aeron.Publication.BACK_PRESSURED;

        send(replay(9, 1), gateway);

        gateway.offerResult = 1;
        assertTrue(eventBytes(gateway).isEmpty());
        assertFalse(service.egressDropped() == 0, "the dropped offer is counted");
    }

    @Test
    void snapshotCarriesTheBufferedEventsWithoutChangingTheStateDigest()
    {
        deposits(MAX_EVENTS + 2);
        final EventHistory history = service.eventHistory();

        final List<byte[]> records = new ArrayList<>();
        new SnapshotWriter().write(
            service.clearingHouse(), ClearingService.ONE_TIMER_ID, Long.MAX_VALUE, history,
            (buffer, offset, length) ->
            {
                final byte[] record = new byte[length];
                buffer.getBytes(offset, record);
                records.add(record);
            });

        final ClearingHouse restoredHouse = new ClearingHouse(new ClusterEventPublisher(new Egress()));
        new LiquidationEngine(restoredHouse, new LiquidationEngine.Context());
        final EventHistory restored = new EventHistory(64 * 1024, MAX_EVENTS);
        final SnapshotLoader loader = new SnapshotLoader(restoredHouse, restored);
        loader.loadFrom(source(loader, records), NoOpIdleStrategy.INSTANCE);
        assertTrue(loader.isDone(), "the digest check passed: the events are not part of it");

        assertEquals(history.oldestSequence(), restored.oldestSequence());
        assertEquals(history.newestSequence(), restored.newestSequence());
        for (long sequence = history.oldestSequence(); sequence <= history.newestSequence(); sequence++)
        {
            assertArrayEquals(bytes(history, sequence), bytes(restored, sequence), "event " + sequence);
        }

        // A snapshot without the events (or a loader that skips them) still loads.
        final ClearingHouse skippingHouse = new ClearingHouse(new ClusterEventPublisher(new Egress()));
        new LiquidationEngine(skippingHouse, new LiquidationEngine.Context());
        final SnapshotLoader skipping = new SnapshotLoader(skippingHouse);
        skipping.loadFrom(source(skipping, records), NoOpIdleStrategy.INSTANCE);
        assertTrue(skipping.isDone());
    }

    private static byte[] bytes(final EventHistory history, final long sequence)
    {
        final byte[] bytes = new byte[history.length(sequence)];
        history.buffer().getBytes(history.offset(sequence), bytes);
        return bytes;
    }

    private void deposits(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            send(deposit(11, 1_000_000), gateway);
        }
    }

    private List<byte[]> eventBytes(final CapturingSession session)
    {
        final List<byte[]> found = new ArrayList<>();
        for (final UnsafeBuffer message : session.messages)
        {
            if (message.getShort(4, ByteOrder.LITTLE_ENDIAN) == 103)
            {
                final byte[] bytes = new byte[message.capacity()];
                message.getBytes(0, bytes);
                found.add(bytes);
            }
        }
        return found;
    }

    private ReplayEventsResultDecoder replayResult(final CapturingSession session)
    {
        ReplayEventsResultDecoder found = null;
        for (final UnsafeBuffer message : session.messages)
        {
            headerDecoder.wrap(message, 0);
            if (headerDecoder.schemaId() == 102 && headerDecoder.templateId() == ReplayEventsResultDecoder.TEMPLATE_ID)
            {
                found = new ReplayEventsResultDecoder().wrapAndApplyHeader(message, 0, headerDecoder);
            }
        }
        assertTrue(null != found, "a ReplayEventsResult was sent");
        return found;
    }

    private int openAccount(final long accountId)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new OpenAccountCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(OPERATOR)
            .sequence(1)
            .accountId(accountId)
            .memberId(500 + accountId)
            .encodedLength();
    }

    private int deposit(final long accountId, final long amount)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new DepositCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(MEMBER)
            .sequence(++memberSequence)
            .accountId(accountId)
            .amount(amount)
            .encodedLength();
    }

    private int replay(final long correlationId, final long fromEventSequence)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new ReplayEventsEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .fromEventSequence(fromEventSequence)
            .encodedLength();
    }

    private void send(final int length, final CapturingSession session)
    {
        position += 64;
        final DataHeaderFlyweight frame = new DataHeaderFlyweight(headerBuffer);
        frame.frameLength(32);
        frame.termOffset((int)position - 32);
        frame.termId(0);
        service.onSessionMessage(session, cluster.time, buffer, 0, length, header);
    }

    private static SnapshotLoader.Source source(final SnapshotLoader loader, final List<byte[]> records)
    {
        return new SnapshotLoader.Source()
        {
            private int next;

            public int poll(final int fragmentLimit)
            {
                if (next >= records.size())
                {
                    return 0;
                }
                final byte[] record = records.get(next++);
                loader.onFragment(new UnsafeBuffer(record), 0, record.length, null);
                return 1;
            }

            public boolean isEnded()
            {
                return next >= records.size();
            }
        };
    }
}
