package dev.backstop.gateway;

import io.aeron.Aeron;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's operational counters.
 * <p>
 * They are Aeron counters in the gateway's media driver, so AeronStat shows them next to the driver's own, and
 * {@link #bindTo(MeterRegistry)} exposes them to Micrometer for Prometheus. Counters are written only by the agent
 * thread and read from anywhere.
 */
public final class GatewayCounters implements AutoCloseable
{
    /**
     * First Aeron counter type id used by the gateway (Aeron's own ids stay below 1000 and the cluster's below 300).
     */
    public static final int TYPE_ID_BASE = 3100;

    private final List<AtomicCounter> all = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /** Messages received from exchanges, members and operators. */
    public final AtomicCounter messagesReceived;
    /** Messages refused at the gateway (any reason). */
    public final AtomicCounter messagesRefused;
    /** Commands forwarded to the cluster (first sends, not resends). */
    public final AtomicCounter commandsForwarded;
    /** Logons accepted. */
    public final AtomicCounter logonsAccepted;
    /** Logons refused (credential, role, cluster unavailable, timeout). */
    public final AtomicCounter logonsRefused;
    /** Results from the cluster passed on to their sender. */
    public final AtomicCounter resultsDelivered;
    /** Replies dropped: sender gone, reply channel never connected, or outbox full. */
    public final AtomicCounter repliesDropped;
    /** Exceptions caught on the agent thread (input never stops the gateway). */
    public final AtomicCounter errors;
    /** Leader changes seen by the cluster client. */
    public final AtomicCounter leaderChanges;
    /** Connections (first and re-) established to the cluster. */
    public final AtomicCounter clusterConnects;
    /** Times the cluster client closed itself (no new leader within its timeout) and had to reconnect. */
    public final AtomicCounter clusterClientClosures;
    /** Commands offered to the cluster again after a leader change, reconnect or silence. */
    public final AtomicCounter commandsResent;
    /** Results received for commands already answered (from resends); not passed on. */
    public final AtomicCounter duplicateResults;
    /** Commands forwarded and not yet answered (a level, not a count). */
    public final AtomicCounter unacknowledged;
    /** 1 while the cluster client has a connected ingress publication, else 0. */
    public final AtomicCounter clusterConnected;
    /** Events republished on the event stream. */
    public final AtomicCounter eventsRepublished;
    /** Events received again (after a leader change) and not republished. */
    public final AtomicCounter eventDuplicates;
    /** Gaps seen in the event sequence. */
    public final AtomicCounter eventGaps;
    /** Events not delivered on a publication (no subscriber, or outbox full). */
    public final AtomicCounter eventsDropped;
    /** Sessions (image sources) the ingress adapter holds, logged on or not (a level, not a count). */
    public final AtomicCounter sessions;
    /** Results the cluster's egress lost (a later result of the same sender came first): resent at once. */
    public final AtomicCounter lostResults;
    /** Answers by command type and result code, and command latency (Micrometer only, not Aeron counters). */
    public final CommandMetrics commands = new CommandMetrics();

    private interface Allocator
    {
        AtomicCounter allocate(int typeId, String label);
    }

    private GatewayCounters(final Allocator allocator)
    {
        messagesReceived = add(allocator, "messages.received", "messages received");
        messagesRefused = add(allocator, "messages.refused", "messages refused");
        commandsForwarded = add(allocator, "commands.forwarded", "commands forwarded");
        logonsAccepted = add(allocator, "logons.accepted", "logons accepted");
        logonsRefused = add(allocator, "logons.refused", "logons refused");
        resultsDelivered = add(allocator, "results.delivered", "results delivered");
        repliesDropped = add(allocator, "replies.dropped", "replies dropped");
        errors = add(allocator, "errors", "errors");
        leaderChanges = add(allocator, "cluster.leader.changes", "cluster leader changes");
        clusterConnects = add(allocator, "cluster.connects", "cluster connects");
        clusterClientClosures = add(allocator, "cluster.client.closures", "cluster client closures");
        commandsResent = add(allocator, "commands.resent", "commands resent");
        duplicateResults = add(allocator, "results.duplicate", "duplicate results");
        unacknowledged = add(allocator, "commands.unacknowledged", "unacknowledged commands");
        clusterConnected = add(allocator, "cluster.connected", "cluster connected");
        eventsRepublished = add(allocator, "events.republished", "events republished");
        eventDuplicates = add(allocator, "events.duplicate", "duplicate events");
        eventGaps = add(allocator, "events.gaps", "event sequence gaps");
        eventsDropped = add(allocator, "events.dropped", "events dropped");
        sessions = add(allocator, "sessions", "sessions");
        lostResults = add(allocator, "results.lost", "results lost by the cluster's egress");
    }

    /**
     * Counters allocated in an Aeron media driver (visible to AeronStat).
     *
     * @param aeron client of the gateway's driver.
     * @return the counters.
     */
    public static GatewayCounters allocate(final Aeron aeron)
    {
        return new GatewayCounters((typeId, label) -> aeron.addCounter(typeId, "backstop-gateway: " + label));
    }

    /**
     * Counters in process memory only, for tests and tools.
     *
     * @return the counters.
     */
    public static GatewayCounters inMemory()
    {
        final AtomicBuffer metadata = new UnsafeBuffer(new byte[64 * 1024]);
        final AtomicBuffer values = new UnsafeBuffer(new byte[16 * 1024]);
        final CountersManager manager = new CountersManager(metadata, values);
        return new GatewayCounters((typeId, label) -> manager.newCounter(label, typeId));
    }

    /**
     * Registers every counter with a Micrometer registry as {@code backstop.gateway.<name>}.
     *
     * @param registry to register with.
     */
    public void bindTo(final MeterRegistry registry)
    {
        for (int i = 0; i < all.size(); i++)
        {
            final AtomicCounter counter = all.get(i);
            final String name = "backstop.gateway." + names.get(i);
            if (counter == unacknowledged || counter == clusterConnected || counter == sessions)
            {
                Gauge.builder(name, counter, AtomicCounter::get).register(registry);
            }
            else
            {
                FunctionCounter.builder(name, counter, AtomicCounter::get).register(registry);
            }
        }
        commands.bindTo(registry);
    }

    /**
     * Frees the counters.
     */
    public void close()
    {
        for (final AtomicCounter counter : all)
        {
            CloseHelper.quietClose(counter);
        }
    }

    private AtomicCounter add(final Allocator allocator, final String name, final String label)
    {
        final AtomicCounter counter = allocator.allocate(TYPE_ID_BASE + all.size(), label);
        all.add(counter);
        names.add(name);
        return counter;
    }
}
