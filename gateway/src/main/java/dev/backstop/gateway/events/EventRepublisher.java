package dev.backstop.gateway.events;

import dev.backstop.gateway.GatewayCounters;
import dev.backstop.sbe.events.MessageHeaderDecoder;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Republishes the cluster's event stream (schema 103), byte for byte, on the gateway's event publications: by
 * default a UDP multi-destination-cast publication with dynamic control so any number of risk desks can subscribe,
 * optionally also IPC.
 * <p>
 * Every event carries the state machine's gap-free eventSequence, and what is republished is complete, in order and
 * free of copies. An event whose sequence is not above the last one republished is a copy (after a leader change the
 * new leader's service sends from its own position, and replays overlap live events) and is dropped. An event that
 * jumps ahead is held, with the live events after it, while the missing ones are asked for again
 * ({@link ReplayRequester}, ReplayEvents of the cluster protocol: the service keeps a buffer of recent events); the
 * replayed events are republished, then the held ones. The republisher also asks from its last sequence on after a
 * leader change or reconnect and whenever the stream has been quiet for a while, because the events a dying leader
 * committed but never sent leave no later event to reveal the gap. Only when the cluster no longer holds the missing
 * events, the held ones outgrow their bound or the gap stays open too long is the gap skipped, counted and logged.
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

    /**
     * Bytes of live events held while a gap before them is being filled.
     */
    public static final int HELD_CAPACITY = 4 * 1024 * 1024;

    /**
     * Pause before a replay request is repeated while a gap is open.
     */
    public static final long REPLAY_RETRY_NS = 500_000_000L;

    /**
     * Quiet time after which the republisher asks whether it missed the tail of the stream.
     */
    public static final long IDLE_REPLAY_NS = 2_000_000_000L;

    /**
     * How long a gap may stay open before it is skipped and the held events go out.
     */
    public static final long GAP_GIVE_UP_NS = 30_000_000_000L;

    /**
     * Asks the cluster to send the events from a sequence on again (ReplayEvents).
     */
    @FunctionalInterface
    public interface ReplayRequester
    {
        /**
         * @param fromEventSequence first event wanted.
         * @return true when the request was sent.
         */
        boolean requestReplay(long fromEventSequence);
    }

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int EVENT_SEQUENCE_LENGTH = Long.BYTES;

    private final List<Target> targets = new ArrayList<>();
    private final GatewayCounters counters;
    private long lastEventSequence;
    private final ExpandableRingBuffer held = new ExpandableRingBuffer(64 * 1024, HELD_CAPACITY, false);
    private final ExpandableRingBuffer.MessageConsumer releaseHeld = this::releaseHeld;
    private final ExpandableRingBuffer.MessageConsumer peekHeld = this::peekHeld;
    private long newestHeldSequence;
    private long firstHeldSequence;
    private ReplayRequester replayRequester = (fromEventSequence) -> false;
    private long nowNs;
    private long lastEventNs;
    private long gapOpenedNs;
    private long nextReplayNs;
    private boolean replayDue;
    private long replaysRequested;
    private long gapsFilled;

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
     * @param replayRequester sends ReplayEvents to the cluster.
     */
    public void replayRequester(final ReplayRequester replayRequester)
    {
        this.replayRequester = replayRequester;
    }

    /**
     * @return replay requests sent.
     */
    public long replaysRequested()
    {
        return replaysRequested;
    }

    /**
     * @return gaps closed by replayed events.
     */
    public long gapsFilled()
    {
        return gapsFilled;
    }

    /**
     * @return true while live events are held back waiting for missing ones.
     */
    public boolean isGapOpen()
    {
        return !held.isEmpty();
    }

    /**
     * The cluster connection changed (a new leader or a reconnect): the old leader may have committed events it
     * never sent, so the events after the last one republished are asked for on the next duty cycle.
     */
    public void onLeaderChange()
    {
        if (0 != lastEventSequence)
        {
            replayDue = true;
            nextReplayNs = nowNs;
        }
    }

    /**
     * The end of one batch of replayed events.
     *
     * @param fromEventSequence first event asked for.
     * @param lastSequence      last event sent in the batch; when expired, the last event the cluster no longer holds.
     * @param expired           true when the cluster no longer holds {@code fromEventSequence}.
     */
    public void onReplayResult(final long fromEventSequence, final long lastSequence, final boolean expired)
    {
        if (expired && lastSequence > lastEventSequence && 0 != lastEventSequence)
        {
            final long missing = lastSequence - lastEventSequence;
            counters.eventGaps.incrementRelease();
            System.err.println("[gateway] events " + (lastEventSequence + 1) + ".." + lastSequence +
                " are no longer held by the cluster: " + missing + " missing");
            lastEventSequence = lastSequence;
            drainHeld();
        }
        if (lastSequence >= fromEventSequence)
        {
            // The batch is bounded: ask again from where the stream now stands until a batch brings nothing. A
            // batch that brought nothing while a gap is open is retried on the timer, not at once.
            requestReplay();
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
        lastEventNs = nowNs;
        if (eventSequence <= lastEventSequence)
        {
            counters.eventDuplicates.incrementRelease();
            return;
        }
        if (0 != lastEventSequence && eventSequence != lastEventSequence + 1)
        {
            hold(eventSequence, buffer, offset, length);
            return;
        }

        republish(eventSequence, buffer, offset, length);
        if (!held.isEmpty())
        {
            drainHeld();
        }
    }

    private void hold(final long eventSequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (eventSequence <= newestHeldSequence && !held.isEmpty())
        {
            counters.eventDuplicates.incrementRelease();
            return;
        }
        if (held.isEmpty())
        {
            gapOpenedNs = nowNs;
            firstHeldSequence = eventSequence;
            System.err.println("[gateway] event sequence gap: after " + lastEventSequence + " came " +
                eventSequence + ": asking the cluster for the " + (eventSequence - lastEventSequence - 1) +
                " missing");
            newestHeldSequence = eventSequence;
            held.append(buffer, offset, length);
            requestReplay();
            return;
        }
        if (!held.append(buffer, offset, length))
        {
            // No room to wait any longer: give up on the gap rather than on the live stream.
            skipGap("held events outgrew " + HELD_CAPACITY + " bytes");
            onEvent(buffer, offset, length);
            return;
        }
        newestHeldSequence = eventSequence;
    }

    private void republish(final long eventSequence, final DirectBuffer buffer, final int offset, final int length)
    {
        lastEventSequence = eventSequence;
        for (int i = 0, size = targets.size(); i < size; i++)
        {
            publish(targets.get(i), buffer, offset, length);
        }
        counters.eventsRepublished.incrementRelease();
    }

    /**
     * Republishes the held events that now follow on, dropping those already republished.
     *
     * @return true when a held event was released or dropped.
     */
    private boolean drainHeld()
    {
        final boolean wasOpen = !held.isEmpty();
        final int consumed = held.isEmpty() ? 0 : held.consume(releaseHeld, Integer.MAX_VALUE);
        if (wasOpen && held.isEmpty())
        {
            gapsFilled++;
            replayDue = false;
        }
        else if (!held.isEmpty())
        {
            held.forEach(peekHeld, 1);
        }
        return consumed > 0;
    }

    private boolean releaseHeld(final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        final long eventSequence = buffer.getLong(offset + HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        if (eventSequence <= lastEventSequence)
        {
            counters.eventDuplicates.incrementRelease();
            return true;
        }
        if (eventSequence != lastEventSequence + 1)
        {
            return false;
        }
        republish(eventSequence, buffer, offset, length);
        return true;
    }

    private boolean peekHeld(final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        firstHeldSequence = buffer.getLong(offset + HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        return false;
    }

    private void skipGap(final String why)
    {
        if (held.isEmpty())
        {
            return;
        }
        counters.eventGaps.incrementRelease();
        System.err.println("[gateway] event sequence gap skipped (" + why + "): events " + (lastEventSequence + 1) +
            ".." + (firstHeldSequence - 1) + " missing");
        lastEventSequence = firstHeldSequence - 1;
        drainHeld();
    }

    private void requestReplay()
    {
        if (replayRequester.requestReplay(lastEventSequence + 1))
        {
            replaysRequested++;
            replayDue = false;
        }
        else
        {
            replayDue = true;
        }
        nextReplayNs = nowNs + REPLAY_RETRY_NS;
    }

    /**
     * Retries events held back by back pressure.
     *
     * @return work done.
     */
    public int doWork()
    {
        return doWork(nowNs);
    }

    /**
     * Retries events held back by back pressure and asks for missing events when a gap is open, after a leader
     * change, or when the stream has been quiet for a while.
     *
     * @param nowNs current time.
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int workCount = 0;
        if (!held.isEmpty())
        {
            if (nowNs - gapOpenedNs > GAP_GIVE_UP_NS)
            {
                skipGap("open for " + GAP_GIVE_UP_NS / 1_000_000 + " ms");
                workCount++;
            }
            else if (nowNs - nextReplayNs >= 0)
            {
                requestReplay();
                workCount++;
            }
        }
        else if (0 != lastEventSequence)
        {
            if (replayDue && nowNs - nextReplayNs >= 0)
            {
                requestReplay();
                workCount++;
            }
            else if (nowNs - lastEventNs > IDLE_REPLAY_NS && nowNs - nextReplayNs >= 0)
            {
                // Quiet for a while: ask for anything after the last event, in case the tail was lost.
                requestReplay();
                nextReplayNs = nowNs + IDLE_REPLAY_NS;
                workCount++;
            }
        }

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
