package dev.backstop.gateway.events;

import dev.backstop.gateway.GatewayCounters;
import dev.backstop.sbe.events.MessageHeaderDecoder;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Republishes the cluster's event stream (schema 103), byte for byte, on the gateway's event publications: by
 * default a UDP multi-destination-cast publication with dynamic control so any number of risk desks can subscribe,
 * optionally also IPC.
 * <p>
 * Every event carries the state machine's gap-free eventSequence. An event whose sequence is not above the last one
 * republished is a copy (after a leader change the new leader's service sends from its own position) and is dropped;
 * a jump is counted and logged as a gap, because a risk desk must know it should replay from the archive.
 * <p>
 * A back-pressured publication keeps its events in a bounded outbox and retries on later duty cycles; a publication
 * with no subscriber drops them (nobody is listening live; replay covers late joiners).
 */
public final class EventRepublisher implements AutoCloseable
{
    /**
     * Bytes of events kept per publication while it is back pressured.
     */
    public static final int OUTBOX_CAPACITY = 4 * 1024 * 1024;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int EVENT_SEQUENCE_LENGTH = Long.BYTES;

    private final List<Target> targets = new ArrayList<>();
    private final GatewayCounters counters;
    private long lastEventSequence;

    private final class Target
    {
        final Publication publication;
        final ExpandableRingBuffer outbox = new ExpandableRingBuffer(64 * 1024, OUTBOX_CAPACITY, false);
        final ExpandableRingBuffer.MessageConsumer drain;

        Target(final Publication publication)
        {
            this.publication = publication;
            this.drain = (buffer, offset, length, headOffset) -> offerOrDrop(publication, buffer, offset, length);
        }
    }

    /**
     * @param counters     gateway counters.
     * @param publications where events go (owned: closed with this).
     */
    public EventRepublisher(final GatewayCounters counters, final List<? extends Publication> publications)
    {
        this.counters = counters;
        for (final Publication publication : publications)
        {
            targets.add(new Target(publication));
        }
    }

    /**
     * @return the eventSequence of the last event republished, 0 before the first.
     */
    public long lastEventSequence()
    {
        return lastEventSequence;
    }

    /**
     * Takes one event from the cluster's egress.
     *
     * @param buffer holding the event, message header included.
     * @param offset of the message header.
     * @param length of the event.
     */
    public void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH + EVENT_SEQUENCE_LENGTH ||
            buffer.getShort(offset + 4, ByteOrder.LITTLE_ENDIAN) != MessageHeaderDecoder.SCHEMA_ID)
        {
            counters.errors.incrementRelease();
            return;
        }

        // Every event's root block starts with eventSequence (event-stream.xml), so the field is read in place.
        final long eventSequence = buffer.getLong(offset + HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        if (eventSequence <= lastEventSequence)
        {
            counters.eventDuplicates.incrementRelease();
            return;
        }
        if (0 != lastEventSequence && eventSequence != lastEventSequence + 1)
        {
            counters.eventGaps.incrementRelease();
            System.err.println("[gateway] event sequence gap: after " + lastEventSequence + " came " +
                eventSequence + " (" + (eventSequence - lastEventSequence - 1) + " missing; replay from the archive)");
        }
        lastEventSequence = eventSequence;

        for (int i = 0, size = targets.size(); i < size; i++)
        {
            publish(targets.get(i), buffer, offset, length);
        }
        counters.eventsRepublished.incrementRelease();
    }

    /**
     * Retries events held back by back pressure.
     *
     * @return work done.
     */
    public int doWork()
    {
        int workCount = 0;
        for (int i = 0, size = targets.size(); i < size; i++)
        {
            final Target target = targets.get(i);
            if (!target.outbox.isEmpty())
            {
                workCount += target.outbox.consume(target.drain, 64);
            }
        }
        return workCount;
    }

    /**
     * Closes the publications.
     */
    public void close()
    {
        for (final Target target : targets)
        {
            CloseHelper.quietClose(target.publication);
        }
    }

    private void publish(final Target target, final DirectBuffer buffer, final int offset, final int length)
    {
        if (target.outbox.isEmpty() && offerOrDrop(target.publication, buffer, offset, length))
        {
            return;
        }
        if (!target.outbox.append(buffer, offset, length))
        {
            counters.eventsDropped.incrementRelease();
        }
    }

    /**
     * @return true when the event is done with (sent, or dropped for good); false to keep it for a retry.
     */
    private boolean offerOrDrop(
        final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            return true;
        }
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        counters.eventsDropped.incrementRelease();
        return true;
    }
}
