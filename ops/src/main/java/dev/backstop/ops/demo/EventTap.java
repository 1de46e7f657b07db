package dev.backstop.ops.demo;

import dev.backstop.gateway.client.EventJson;
import dev.backstop.gateway.client.EventStreamSubscriber;
import dev.backstop.sbe.events.MessageHeaderDecoder;
import dev.backstop.sbe.events.RiskState;
import dev.backstop.sbe.events.RiskStateChangedDecoder;
import dev.backstop.sbe.events.WaterfallStartedDecoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Follows the gateway's event stream on its own thread, as a risk desk would, printing each event as one JSON line
 * and keeping count, so the demo can show that every step it drove came out as an event.
 */
final class EventTap implements AutoCloseable
{
    private static final int MAX_TEMPLATE_ID = 255;

    private final EventStreamSubscriber subscriber;
    private final Narrator narrator;
    private final boolean print;
    private final EventJson json = new EventJson();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RiskStateChangedDecoder riskStateChanged = new RiskStateChangedDecoder();
    private final WaterfallStartedDecoder waterfallStarted = new WaterfallStartedDecoder();
    private final ConcurrentSkipListSet<Long> bankruptMembers = new ConcurrentSkipListSet<>();
    private volatile long marginCalls;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long eventsSeen;
    private volatile long lastEventSequence;
    private volatile long gaps;
    private final AtomicLongArray countsByTemplate = new AtomicLongArray(MAX_TEMPLATE_ID + 1);

    EventTap(final EventStreamSubscriber subscriber, final Narrator narrator, final boolean print)
    {
        this.subscriber = subscriber;
        this.narrator = narrator;
        this.print = print;
        this.thread = new Thread(this::run, "backstop-demo-events");
        this.thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /**
     * @return true once the gateway's event publication reached this subscriber.
     */
    boolean isConnected()
    {
        return subscriber.isConnected();
    }

    long eventsSeen()
    {
        return eventsSeen;
    }

    long lastEventSequence()
    {
        return lastEventSequence;
    }

    long gaps()
    {
        return gaps;
    }

    /**
     * @return accounts that moved into a margin call (RiskStateChanged to MARGIN_CALL).
     */
    long marginCalls()
    {
        return marginCalls;
    }

    /**
     * @return members with at least one account whose deficit entered the loss waterfall (WaterfallStarted).
     */
    long bankruptMembers()
    {
        return bankruptMembers.size();
    }

    /**
     * @return those members' ids, ascending.
     */
    List<Long> bankruptMemberIds()
    {
        return List.copyOf(bankruptMembers);
    }

    /**
     * @param templateId of an event-stream message (schema 103).
     * @return how many events of that type arrived.
     */
    long count(final int templateId)
    {
        return templateId >= 0 && templateId <= MAX_TEMPLATE_ID ? countsByTemplate.get(templateId) : 0;
    }

    /**
     * Wait until the event with the given sequence has arrived.
     *
     * @param eventSequence to wait for.
     * @param timeoutMs     how long at most.
     * @return true if it arrived.
     */
    boolean awaitSequence(final long eventSequence, final long timeoutMs) throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (lastEventSequence < eventSequence)
        {
            if (System.currentTimeMillis() > deadlineMs)
            {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    public void close()
    {
        running = false;
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietClose(subscriber);
    }

    private void run()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(
            10, 20, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
        while (running)
        {
            idle.idle(subscriber.poll(this::onEvent, 16));
        }
    }

    private void onEvent(
        final long eventSequence, final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (print)
        {
            narrator.raw(json.render(buffer, offset, length));
        }
        if (RiskStateChangedDecoder.TEMPLATE_ID == templateId)
        {
            header.wrap(buffer, offset);
            riskStateChanged.wrap(
                buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            if (RiskState.MARGIN_CALL == riskStateChanged.state())
            {
                marginCalls++;
            }
        }
        if (WaterfallStartedDecoder.TEMPLATE_ID == templateId)
        {
            header.wrap(buffer, offset);
            waterfallStarted.wrap(
                buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            bankruptMembers.add(waterfallStarted.memberId());
        }
        if (templateId >= 0 && templateId <= MAX_TEMPLATE_ID)
        {
            countsByTemplate.incrementAndGet(templateId);
        }
        eventsSeen++;
        lastEventSequence = eventSequence;
        gaps = subscriber.gapCount();
    }
}
