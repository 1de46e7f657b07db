package dev.backstop.gateway.client;

import dev.backstop.sbe.events.MessageHeaderDecoder;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Follows a gateway's event stream live, for risk desks, tests and the demo.
 * <p>
 * By default it joins the gateway's multi-destination-cast publication (control endpoint 127.0.0.1:9410, dynamic
 * control mode) from a port the operating system picks, so any number of subscribers can follow one gateway. Events
 * whose eventSequence is not above the last one delivered are skipped (a copy), and a jump is counted as a gap: the
 * subscriber should then replay from the archive.
 * <p>
 * Not thread-safe: poll from one thread.
 */
public final class EventStreamSubscriber implements AutoCloseable
{
    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private final ClientMedia media;
    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private EventListener listener;
    private long lastEventSequence;
    private long gapCount;
    private long duplicateCount;

    /**
     * Subscribes.
     *
     * @param ctx settings; concluded here.
     */
    public EventStreamSubscriber(final Context ctx)
    {
        ctx.conclude();
        ClientMedia media = null;
        try
        {
            media = ClientMedia.open(ctx.aeronDirectoryName(), "events");
            subscription = media.aeron().addSubscription(ctx.channel(), ctx.streamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(media);
            throw ex;
        }
        this.media = media;
    }

    /**
     * Subscribes.
     *
     * @param ctx settings; concluded here.
     * @return the subscriber.
     */
    public static EventStreamSubscriber connect(final Context ctx)
    {
        return new EventStreamSubscriber(ctx);
    }

    /**
     * Delivers events received since the last poll.
     *
     * @param listener receives each event once.
     * @param limit    most fragments to read.
     * @return fragments read.
     */
    public int poll(final EventListener listener, final int limit)
    {
        this.listener = listener;
        try
        {
            return subscription.poll(assembler, limit);
        }
        finally
        {
            this.listener = null;
        }
    }

    /**
     * @return true once the gateway's event publication is connected to this subscriber.
     */
    public boolean isConnected()
    {
        return subscription.isConnected();
    }

    /**
     * @return the eventSequence of the last event delivered, 0 before the first.
     */
    public long lastEventSequence()
    {
        return lastEventSequence;
    }

    /**
     * @return gaps seen in the event sequence.
     */
    public long gapCount()
    {
        return gapCount;
    }

    /**
     * @return events skipped as copies.
     */
    public long duplicateCount()
    {
        return duplicateCount;
    }

    /**
     * Unsubscribes and releases the Aeron resources.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(subscription, media);
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH + Long.BYTES ||
            (buffer.getShort(offset + 4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF) != MessageHeaderDecoder.SCHEMA_ID)
        {
            return;
        }
        final int templateId = buffer.getShort(offset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final long eventSequence = buffer.getLong(offset + HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        if (eventSequence <= lastEventSequence)
        {
            duplicateCount++;
            return;
        }
        if (0 != lastEventSequence && eventSequence != lastEventSequence + 1)
        {
            gapCount++;
        }
        lastEventSequence = eventSequence;
        if (null != listener)
        {
            listener.onEvent(eventSequence, templateId, buffer, offset, length);
        }
    }

    /**
     * Subscriber settings. System properties {@code backstop.events.channel} and {@code backstop.events.streamId}
     * override the defaults.
     */
    public static final class Context
    {
        /** Default: join the gateway's MDC publication (control 127.0.0.1:9410) from an OS-chosen port. */
        public static final String CHANNEL_DEFAULT =
            "aeron:udp?endpoint=127.0.0.1:0|control=127.0.0.1:9410|control-mode=dynamic";
        /** Default event stream id. */
        public static final int STREAM_ID_DEFAULT = 2001;

        private boolean concluded;
        private String aeronDirectoryName;
        private String channel = System.getProperty("backstop.events.channel", CHANNEL_DEFAULT);
        private int streamId = Integer.getInteger("backstop.events.streamId", STREAM_ID_DEFAULT);

        /**
         * Builds the subscription channel for a gateway's MDC control endpoint.
         *
         * @param controlEndpoint {@code host:port} of the gateway's event publication control.
         * @return the channel.
         */
        public static String mdcChannel(final String controlEndpoint)
        {
            return "aeron:udp?endpoint=127.0.0.1:0|control=" + controlEndpoint + "|control-mode=dynamic";
        }

        /**
         * Validates.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("EventStreamSubscriber.Context already concluded");
            }
            concluded = true;
            if (null == channel || !channel.startsWith("aeron:"))
            {
                throw new IllegalArgumentException("channel must be an Aeron channel: " + channel);
            }
            if (channel.startsWith("aeron:ipc") && null == aeronDirectoryName)
            {
                throw new IllegalArgumentException("an IPC event channel needs the gateway's aeronDirectoryName");
            }
            return this;
        }

        /** @return driver directory, null for an embedded driver in a fresh temporary directory. */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /** @param dir driver directory, null for an embedded driver. @return this. */
        public Context aeronDirectoryName(final String dir)
        {
            this.aeronDirectoryName = dir;
            return this;
        }

        /** @return subscription channel. */
        public String channel()
        {
            return channel;
        }

        /** @param channel subscription channel. @return this. */
        public Context channel(final String channel)
        {
            this.channel = channel;
            return this;
        }

        /** @return event stream id. */
        public int streamId()
        {
            return streamId;
        }

        /** @param streamId event stream id. @return this. */
        public Context streamId(final int streamId)
        {
            this.streamId = streamId;
            return this;
        }
    }
}
