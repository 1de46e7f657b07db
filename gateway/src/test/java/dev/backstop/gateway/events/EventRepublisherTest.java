package dev.backstop.gateway.events;

import dev.backstop.gateway.GatewayCounters;
import dev.backstop.sbe.events.AccountOpenedEncoder;
import dev.backstop.sbe.events.MessageHeaderEncoder;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class EventRepublisherTest
{
    @TempDir
    Path tempDir;

    private MediaDriver driver;
    private Aeron aeron;
    private Subscription subscription;
    private EventRepublisher republisher;
    private final GatewayCounters counters = GatewayCounters.inMemory();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

    @BeforeEach
    void setUp()
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(tempDir.resolve("aeron").toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .ipcTermBufferLength(64 * 1024));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        subscription = aeron.addSubscription("aeron:ipc", 77);
        final ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", 77);
        while (!publication.isConnected())
        {
            Thread.yield();
        }
        republisher = new EventRepublisher(counters, List.of(publication));
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.quietCloseAll(republisher, subscription, aeron, driver, counters);
    }

    @Test
    void republishesVerbatimOnceBySequenceInOrderFillingGapsFromTheCluster()
    {
        // The fake cluster: every event it ever sent, and the replay requests it received.
        final List<byte[]> clusterEvents = new ArrayList<>();
        final List<Long> requests = new ArrayList<>();
        republisher.replayRequester((fromEventSequence) -> requests.add(fromEventSequence));
        final long start = System.nanoTime();
        republisher.doWork(start);
        for (long sequence = 1; sequence <= 9; sequence++)
        {
            final int length = accountOpened(sequence);
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            clusterEvents.add(bytes);
        }

        for (final long sequence : new long[]{1, 2, 2, 1, 3, 6, 7})
        {
            deliver(clusterEvents, sequence);
        }
        republisher.onEvent(buffer, 0, 4);
        assertEquals(3, republisher.lastEventSequence(), "6 and 7 wait for 4 and 5");
        assertTrue(republisher.isGapOpen());
        assertEquals(List.of(4L), requests, "the missing events are asked for at once");

        republisher.doWork(start + EventRepublisher.REPLAY_RETRY_NS + 1);
        assertEquals(List.of(4L, 4L), requests, "and again while the gap stays open");

        // The cluster answers: the replayed events overlap the held live ones.
        for (long sequence = 4; sequence <= 7; sequence++)
        {
            deliver(clusterEvents, sequence);
        }
        republisher.onReplayResult(4, 7, false);
        assertFalse(republisher.isGapOpen());
        assertEquals(7, republisher.lastEventSequence());
        assertEquals(1, republisher.gapsFilled());
        assertEquals(8L, requests.get(requests.size() - 1), "a full batch asks for more");

        final List<byte[]> received = receive(7);
        assertEquals(7, received.size());
        for (int i = 0; i < 7; i++)
        {
            assertArrayEquals(clusterEvents.get(i), received.get(i), "event " + (i + 1) + " in order, byte for byte");
        }
        assertEquals(7, counters.eventsRepublished.get());
        assertEquals(0, counters.eventGaps.get(), "no gap left");
        assertEquals(1, counters.errors.get(), "a truncated event is counted, not thrown");
    }

    @Test
    void asksFromTheLastEventAfterALeaderChangeAndWhenQuiet()
    {
        final List<Long> requests = new ArrayList<>();
        republisher.replayRequester((fromEventSequence) -> requests.add(fromEventSequence));
        final long start = System.nanoTime();
        republisher.doWork(start);
        republisher.onEvent(buffer, 0, accountOpened(1));
        republisher.onEvent(buffer, 0, accountOpened(2));

        republisher.onLeaderChange();
        republisher.doWork(start + 1);
        assertEquals(List.of(3L), requests, "the dying leader's unsent events are asked for");

        republisher.doWork(start + EventRepublisher.IDLE_REPLAY_NS + 2);
        assertEquals(List.of(3L, 3L), requests, "a quiet stream asks whether it missed the tail");
        republisher.doWork(start + EventRepublisher.IDLE_REPLAY_NS + 3);
        assertEquals(2, requests.size(), "not on every duty cycle");
    }

    @Test
    void skipsAGapTheClusterNoLongerHolds()
    {
        final List<Long> requests = new ArrayList<>();
        republisher.replayRequester((fromEventSequence) -> requests.add(fromEventSequence));
        republisher.onEvent(buffer, 0, accountOpened(1));
        republisher.onEvent(buffer, 0, accountOpened(5));
        republisher.onEvent(buffer, 0, accountOpened(6));
        assertEquals(1, republisher.lastEventSequence());

        // The cluster's buffer starts at 4: 2 and 3 are gone for good, 4 is replayed.
        republisher.onReplayResult(2, 3, true);
        assertEquals(1, counters.eventGaps.get());
        assertEquals(3, republisher.lastEventSequence());
        assertEquals(4L, requests.get(requests.size() - 1));
        republisher.onEvent(buffer, 0, accountOpened(4));
        assertEquals(6, republisher.lastEventSequence());
        assertFalse(republisher.isGapOpen());
        assertEquals(4, receive(4).size());
    }

    private void deliver(final List<byte[]> clusterEvents, final long sequence)
    {
        final byte[] bytes = clusterEvents.get((int)sequence - 1);
        buffer.putBytes(0, bytes);
        republisher.onEvent(buffer, 0, bytes.length);
    }

    private List<byte[]> receive(final int expected)
    {
        final List<byte[]> received = new ArrayList<>();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (received.size() < expected && System.nanoTime() < deadline)
        {
            subscription.poll((buf, offset, length, header) ->
            {
                final byte[] bytes = new byte[length];
                buf.getBytes(offset, bytes);
                received.add(bytes);
            }, 10);
            Thread.yield();
        }
        return received;
    }

    private int accountOpened(final long sequence)
    {
        final AccountOpenedEncoder encoder = new AccountOpenedEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .eventSequence(sequence)
            .logPosition(sequence * 64)
            .clusterTime(1_000 + sequence)
            .accountId(10 + sequence)
            .memberId(200);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
