package dev.backstop.clearing.service;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The most recent encoded events, kept so a gateway that missed some (egress dropped under back pressure, a leader
 * died before sending what it committed, a gateway restarted) can ask for them again by event sequence.
 * <p>
 * Filled as events are encoded, on every member, from the log: it is replicated state and goes into the snapshot.
 * The bytes live in one ring allocated up front; an index by {@code eventSequence % maxEvents} holds each event's
 * offset and length. An event never wraps inside the ring (it starts again at offset 0 when it would not fit at the
 * end), so each event can be offered straight from the ring. The oldest events are evicted when either the bytes or
 * the event count run out. Sequences are contiguous: an event whose sequence does not follow the newest clears the
 * buffer first.
 */
final class EventHistory
{
    /**
     * Bytes of events kept by default.
     */
    static final int DEFAULT_CAPACITY_BYTES = 4 * 1024 * 1024;

    /**
     * Events kept by default.
     */
    static final int DEFAULT_MAX_EVENTS = 64 * 1024;

    private final UnsafeBuffer ring;
    private final int capacity;
    private final int maxEvents;
    private final int[] offsets;
    private final int[] lengths;
    private long oldestSequence = 1;
    private long newestSequence;
    private int writePosition;

    EventHistory()
    {
        this(DEFAULT_CAPACITY_BYTES, DEFAULT_MAX_EVENTS);
    }

    /**
     * @param capacityBytes bytes of events kept; must hold the largest event.
     * @param maxEvents     events kept.
     */
    EventHistory(final int capacityBytes, final int maxEvents)
    {
        if (capacityBytes < 1024 || maxEvents < 1)
        {
            throw new IllegalArgumentException(
                "event history too small: capacityBytes=" + capacityBytes + " maxEvents=" + maxEvents);
        }
        this.capacity = capacityBytes;
        this.maxEvents = maxEvents;
        this.ring = new UnsafeBuffer(new byte[capacityBytes]);
        this.offsets = new int[maxEvents];
        this.lengths = new int[maxEvents];
    }

    /**
     * @return events held.
     */
    int size()
    {
        return (int)(newestSequence - oldestSequence + 1);
    }

    /**
     * @return sequence of the oldest event held; newest + 1 when empty.
     */
    long oldestSequence()
    {
        return oldestSequence;
    }

    /**
     * @return sequence of the newest event held or last seen, 0 before any.
     */
    long newestSequence()
    {
        return newestSequence;
    }

    /**
     * @return true when the event with this sequence is held.
     */
    boolean contains(final long eventSequence)
    {
        return eventSequence >= oldestSequence && eventSequence <= newestSequence;
    }

    /**
     * @return the ring the events are read from with {@link #offset(long)} and {@link #length(long)}.
     */
    DirectBuffer buffer()
    {
        return ring;
    }

    int offset(final long eventSequence)
    {
        return offsets[slot(eventSequence)];
    }

    int length(final long eventSequence)
    {
        return lengths[slot(eventSequence)];
    }

    /**
     * Forgets every event.
     */
    void clear()
    {
        oldestSequence = 1;
        newestSequence = 0;
        writePosition = 0;
    }

    /**
     * Keeps an encoded event, evicting the oldest as needed.
     *
     * @param eventSequence the event's sequence.
     * @param buffer        holding the event, message header included.
     * @param offset        of the message header.
     * @param length        of the event.
     */
    void append(final long eventSequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (eventSequence != newestSequence + 1 || length > capacity)
        {
            // A break in the sequence (or an event that can never fit) would leave a hole in the index.
            clear();
            if (length > capacity)
            {
                oldestSequence = eventSequence + 1;
                newestSequence = eventSequence;
                return;
            }
            oldestSequence = eventSequence;
        }

        final int start = writePosition + length <= capacity ? writePosition : 0;
        // Bytes from the write position up to the end of the new event, cyclically: every event starting in
        // there is overwritten, and those are always the oldest ones.
        final int span = (start - writePosition + capacity) % capacity + length;
        while (size() > 0 && (size() >= maxEvents ||
            ((offsets[slot(oldestSequence)] - writePosition + capacity) % capacity) < span))
        {
            oldestSequence++;
        }

        ring.putBytes(start, buffer, offset, length);
        final int slot = slot(eventSequence);
        offsets[slot] = start;
        lengths[slot] = length;
        newestSequence = eventSequence;
        writePosition = start + length == capacity ? 0 : start + length;
    }

    private int slot(final long eventSequence)
    {
        return (int)(eventSequence % maxEvents);
    }
}
