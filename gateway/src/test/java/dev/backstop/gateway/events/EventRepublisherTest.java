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
    void republishesVerbatimOnceBySequenceAndCountsGaps()
    {
        final List<byte[]> sent = new ArrayList<>();
        for (final long sequence : new long[]{1, 2, 2, 1, 3, 6, 5})
        {
            final int length = accountOpened(sequence);
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            sent.add(bytes);
            republisher.onEvent(buffer, 0, length);
        }
        republisher.onEvent(buffer, 0, 4);

        final List<byte[]> received = new ArrayList<>();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (received.size() < 4 && System.nanoTime() < deadline)
        {
            subscription.poll((buf, offset, length, header) ->
            {
                final byte[] bytes = new byte[length];
                buf.getBytes(offset, bytes);
                received.add(bytes);
            }, 10);
            Thread.yield();
        }

        assertEquals(4, received.size());
        assertArrayEquals(sent.get(0), received.get(0), "byte for byte");
        assertArrayEquals(sent.get(1), received.get(1));
        assertArrayEquals(sent.get(4), received.get(2));
        assertArrayEquals(sent.get(5), received.get(3));
        assertEquals(6, republisher.lastEventSequence());
        assertEquals(4, counters.eventsRepublished.get());
        assertEquals(3, counters.eventDuplicates.get(), "2 again, 1 again, and 5 after 6");
        assertEquals(1, counters.eventGaps.get(), "4 and 5 missing between 3 and 6");
        assertEquals(1, counters.errors.get(), "a truncated event is counted, not thrown");
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
