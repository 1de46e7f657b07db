package dev.backstop.gateway.cluster;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * Every command forwarded to the cluster and not yet answered, in the order it was first forwarded, with a send
 * cursor.
 * <p>
 * The list is both the outbound queue and the resend log: entries before the cursor have been offered to the
 * cluster, entries from the cursor on are still to send. A leader change, a reconnect or a silent cluster moves the
 * cursor back to the head so everything unanswered goes again in its original order; the idempotency key
 * (senderId, sequence) makes a second copy harmless. An entry leaves only when its result arrives (or, for a logon's
 * sequence query, when the logon gives up). Entries are pooled, so steady state allocates nothing.
 */
public final class UnacknowledgedCommands
{
    /**
     * Largest encoded command kept: the parameter commands with repeating groups (margin brackets, scenario shocks)
     * are the largest, bounded by the ingress decoder well below this.
     */
    public static final int MAX_COMMAND_LENGTH = 4096;

    /**
     * Initial size of an entry's buffer: almost every command fits; a larger one grows that entry once.
     */
    static final int INITIAL_ENTRY_LENGTH = 256;

    /**
     * What an entry carries.
     */
    public enum Kind
    {
        /** A sender's command keyed by (senderId, sequence). */
        COMMAND,
        /** A sender-sequence query keyed by correlation id. */
        SEQUENCE_QUERY
    }

    /**
     * One unanswered command.
     */
    public static final class Entry
    {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(INITIAL_ENTRY_LENGTH);
        private Kind kind;
        private long senderId;
        private long key;
        private int length;
        private long firstForwardedNs;
        private long lastSentNs;
        private int sendCount;
        private Entry previous;
        private Entry next;

        /**
         * @return what the entry carries.
         */
        public Kind kind()
        {
            return kind;
        }

        /**
         * @return sender of a command (or the sender a query asks about).
         */
        public long senderId()
        {
            return senderId;
        }

        /**
         * @return the sequence of a command, the correlation id of a query.
         */
        public long key()
        {
            return key;
        }

        /**
         * @return the encoded command.
         */
        public DirectBuffer buffer()
        {
            return buffer;
        }

        /**
         * @return length of the encoded command.
         */
        public int length()
        {
            return length;
        }

        /**
         * @return when it was first handed over for forwarding.
         */
        public long firstForwardedNs()
        {
            return firstForwardedNs;
        }

        /**
         * @return when it was last offered to the cluster, 0 if never.
         */
        public long lastSentNs()
        {
            return lastSentNs;
        }

        /**
         * @return how many times it was offered to the cluster.
         */
        public int sendCount()
        {
            return sendCount;
        }

        /**
         * @return the next entry in forwarding order, or null.
         */
        public Entry next()
        {
            return next;
        }
    }

    private final int capacity;
    private final ArrayDeque<Entry> pool = new ArrayDeque<>();
    private final Long2ObjectHashMap<Long2ObjectHashMap<Entry>> commandsBySender = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Entry> queriesByCorrelationId = new Long2ObjectHashMap<>();
    private Entry head;
    private Entry tail;
    private Entry cursor;
    private int size;

    /**
     * @param capacity most entries held; beyond it new commands are refused rather than buffered without bound.
     */
    public UnacknowledgedCommands(final int capacity)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * @return entries held.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return true when no more can be added.
     */
    public boolean isFull()
    {
        return size >= capacity;
    }

    /**
     * @return the oldest entry or null.
     */
    public Entry head()
    {
        return head;
    }

    /**
     * @return the next entry to send, or null when everything has been offered.
     */
    public Entry cursor()
    {
        return cursor;
    }

    /**
     * @param senderId sender.
     * @param sequence sequence.
     * @return the unanswered command or null.
     */
    public Entry command(final long senderId, final long sequence)
    {
        final Long2ObjectHashMap<Entry> bySequence = commandsBySender.get(senderId);
        return null == bySequence ? null : bySequence.get(sequence);
    }

    /**
     * @param senderId sender.
     * @param sequence sequence.
     * @return true when an unanswered command of this sender has a lower sequence.
     */
    public boolean hasEarlierCommand(final long senderId, final long sequence)
    {
        final Long2ObjectHashMap<Entry> bySequence = commandsBySender.get(senderId);
        if (null == bySequence || bySequence.isEmpty())
        {
            return false;
        }
        for (Entry entry = head; null != entry; entry = entry.next)
        {
            if (Kind.COMMAND == entry.kind && entry.senderId == senderId && entry.key < sequence)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the result just arrived for (senderId, sequence) overtook the result of an earlier command, which was
     * then lost on the way: the cluster applies a sender's commands in sequence order and answers them in log order
     * on one egress stream, so when the oldest unanswered command is this sender's, has a lower sequence and was
     * offered no later than the one answered (sent once, so its result is from that send), the earlier result will
     * not come (a back-pressured egress dropped it). Resending at once, while the cluster still holds that result
     * for replay, beats waiting for the resend timeout, by which time a busy sender may have pushed it out of the
     * cluster's window (SEQUENCE_REPLAY_EXPIRED). Only the oldest entry is looked at, so the check costs nothing per
     * result; a loss further back is seen once it is the oldest, or by the resend timeout.
     *
     * @param senderId sender of the result.
     * @param sequence its sequence.
     * @return true when an earlier command's result was lost.
     */
    public boolean resultOvertookEarlier(final long senderId, final long sequence)
    {
        final Entry oldest = head;
        if (null == oldest || Kind.COMMAND != oldest.kind || oldest.senderId != senderId || oldest.key >= sequence ||
            0 == oldest.sendCount)
        {
            return false;
        }
        final Entry answered = command(senderId, sequence);
        return null != answered && 1 == answered.sendCount && oldest.lastSentNs <= answered.lastSentNs;
    }

    /**
     * Appends a command to send.
     *
     * @return the entry, or null when full.
     */
    public Entry addCommand(
        final long senderId, final long sequence, final DirectBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        final Entry entry = append(Kind.COMMAND, senderId, sequence, buffer, offset, length, nowNs);
        if (null != entry)
        {
            commandsBySender.computeIfAbsent(senderId, (id) -> new Long2ObjectHashMap<>()).put(sequence, entry);
        }
        return entry;
    }

    /**
     * Appends a sender-sequence query to send. Queries may exceed capacity by design: a logon must not be starved
     * by a full command queue, and there are at most as many as there are connections.
     *
     * @return the entry.
     */
    public Entry addQuery(
        final long correlationId, final long senderId, final DirectBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        final Entry entry = append(Kind.SEQUENCE_QUERY, senderId, correlationId, buffer, offset, length, nowNs);
        queriesByCorrelationId.put(correlationId, entry);
        return entry;
    }

    /**
     * Removes the command answered by a result.
     *
     * @return true when it was unanswered.
     */
    public boolean acknowledgeCommand(final long senderId, final long sequence)
    {
        final Long2ObjectHashMap<Entry> bySequence = commandsBySender.get(senderId);
        final Entry entry = null == bySequence ? null : bySequence.remove(sequence);
        if (null == entry)
        {
            return false;
        }
        unlink(entry);
        return true;
    }

    /**
     * Removes a query that was answered or abandoned.
     *
     * @return true when it was held.
     */
    public boolean removeQuery(final long correlationId)
    {
        final Entry entry = queriesByCorrelationId.remove(correlationId);
        if (null == entry)
        {
            return false;
        }
        unlink(entry);
        return true;
    }

    /**
     * Marks the cursor entry as offered and moves to the next.
     *
     * @param nowNs time of the offer.
     */
    public void markCursorSent(final long nowNs)
    {
        final Entry entry = cursor;
        if (null != entry)
        {
            entry.lastSentNs = nowNs;
            entry.sendCount++;
            cursor = entry.next;
        }
    }

    /**
     * Everything unanswered is to be sent again, oldest first.
     *
     * @return how many entries will be resent.
     */
    public int rewind()
    {
        int resent = 0;
        for (Entry entry = head; entry != cursor && null != entry; entry = entry.next)
        {
            resent++;
        }
        cursor = head;
        return resent;
    }

    private Entry append(
        final Kind kind,
        final long senderId,
        final long key,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long nowNs)
    {
        if (length > MAX_COMMAND_LENGTH || length <= 0)
        {
            throw new IllegalArgumentException("command length out of range: " + length);
        }
        if (Kind.COMMAND == kind && isFull())
        {
            return null;
        }

        final Entry entry = pool.isEmpty() ? new Entry() : pool.pollFirst();
        entry.kind = kind;
        entry.senderId = senderId;
        entry.key = key;
        entry.buffer.putBytes(0, buffer, offset, length);
        entry.length = length;
        entry.firstForwardedNs = nowNs;
        entry.lastSentNs = 0;
        entry.sendCount = 0;
        entry.next = null;
        entry.previous = tail;
        if (null == tail)
        {
            head = entry;
        }
        else
        {
            tail.next = entry;
        }
        tail = entry;
        if (null == cursor)
        {
            cursor = entry;
        }
        size++;
        return entry;
    }

    private void unlink(final Entry entry)
    {
        if (cursor == entry)
        {
            cursor = entry.next;
        }
        if (null == entry.previous)
        {
            head = entry.next;
        }
        else
        {
            entry.previous.next = entry.next;
        }
        if (null == entry.next)
        {
            tail = entry.previous;
        }
        else
        {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
        size--;
        pool.addFirst(entry);
    }
}
