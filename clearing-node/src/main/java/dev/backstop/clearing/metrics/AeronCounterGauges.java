package dev.backstop.clearing.metrics;

import io.aeron.AeronCounters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agrona.concurrent.status.CountersReader;

/**
 * Maps the Aeron counters operators watch to Micrometer gauges (no Prometheus exporter covers the cluster counters).
 * <p>
 * Each gauge looks its counter up by type id in the {@link CountersReader} when scraped, so a counter allocated after
 * binding (an election, a restarted consensus module) is still found; a missing counter reads -1. Counters live in
 * shared memory and may be read from any thread.
 */
public final class AeronCounterGauges
{
    /** Consensus module state (ConsensusModule.State code). */
    public static final int CONSENSUS_MODULE_STATE_TYPE_ID = 200;
    /** Node role: 0 follower, 1 candidate, 2 leader. */
    public static final int CLUSTER_NODE_ROLE_TYPE_ID = 201;
    /** Commit position of the log. */
    public static final int COMMIT_POSITION_TYPE_ID = 203;
    /** Snapshots taken. */
    public static final int SNAPSHOT_COUNTER_TYPE_ID = 205;
    /** Election state (ElectionState code). */
    public static final int ELECTION_STATE_TYPE_ID = 207;
    /** Errors of the consensus module. */
    public static final int CONSENSUS_MODULE_ERROR_COUNT_TYPE_ID = 212;
    /** Errors of the clustered service container. */
    public static final int CLUSTERED_SERVICE_ERROR_COUNT_TYPE_ID = 215;
    /** Elections run. */
    public static final int ELECTION_COUNT_TYPE_ID = 238;
    /** Current leadership term id. */
    public static final int LEADERSHIP_TERM_ID_TYPE_ID = 239;

    private AeronCounterGauges()
    {
    }

    /**
     * Registers the media driver's gauges: errors, NAKs and the sum of sender back-pressure events.
     *
     * @param registry registry to add to.
     * @param counters counters of the driver.
     * @param prefix   meter name prefix, e.g. {@code backstop.node}.
     */
    public static void bindDriver(final MeterRegistry registry, final CountersReader counters, final String prefix)
    {
        gaugeSystem(registry, counters, prefix + ".aeron.driver.errors", AeronCounters.SYSTEM_COUNTER_ID_ERRORS,
            "errors the media driver has logged");
        gaugeSystem(registry, counters, prefix + ".aeron.driver.naks.sent",
            AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_SENT, "NAKs sent (loss seen by receivers)");
        gaugeSystem(registry, counters, prefix + ".aeron.driver.naks.received",
            AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_RECEIVED, "NAKs received (loss seen by peers)");
        Gauge.builder(prefix + ".aeron.driver.back.pressure", counters,
                (reader) -> sumOfType(reader, AeronCounters.DRIVER_SENDER_BPE_TYPE_ID))
            .description("back-pressure events summed over the driver's publications")
            .register(registry);
    }

    /**
     * Registers the cluster's gauges (consensus module and service container counters).
     *
     * @param registry registry to add to.
     * @param counters counters of the node's driver.
     * @param prefix   meter name prefix, e.g. {@code backstop.node}.
     */
    public static void bindCluster(final MeterRegistry registry, final CountersReader counters, final String prefix)
    {
        gaugeType(registry, counters, prefix + ".cluster.module.state", CONSENSUS_MODULE_STATE_TYPE_ID,
            "consensus module state code");
        gaugeType(registry, counters, prefix + ".cluster.role", CLUSTER_NODE_ROLE_TYPE_ID,
            "node role: 0 follower, 1 candidate, 2 leader");
        gaugeType(registry, counters, prefix + ".cluster.commit.position", COMMIT_POSITION_TYPE_ID,
            "commit position of the log");
        gaugeType(registry, counters, prefix + ".cluster.snapshots", SNAPSHOT_COUNTER_TYPE_ID,
            "snapshots taken");
        gaugeType(registry, counters, prefix + ".cluster.election.state", ELECTION_STATE_TYPE_ID,
            "election state code");
        gaugeType(registry, counters, prefix + ".cluster.module.errors", CONSENSUS_MODULE_ERROR_COUNT_TYPE_ID,
            "errors of the consensus module");
        gaugeType(registry, counters, prefix + ".cluster.service.errors", CLUSTERED_SERVICE_ERROR_COUNT_TYPE_ID,
            "errors of the clustered service");
        gaugeType(registry, counters, prefix + ".cluster.elections", ELECTION_COUNT_TYPE_ID,
            "elections run");
        gaugeType(registry, counters, prefix + ".cluster.leadership.term", LEADERSHIP_TERM_ID_TYPE_ID,
            "current leadership term id");
    }

    /**
     * @param counters counters to search.
     * @param typeId   type id of the counter.
     * @return value of the first allocated counter of that type, -1 when none.
     */
    public static long valueOfType(final CountersReader counters, final int typeId)
    {
        final int maxId = counters.maxCounterId();
        for (int id = 0; id < maxId; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_ALLOCATED == state)
            {
                if (counters.getCounterTypeId(id) == typeId)
                {
                    return counters.getCounterValue(id);
                }
            }
            else if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
        }
        return -1;
    }

    /**
     * @param counters counters to search.
     * @param typeId   type id of the counters.
     * @return sum of every allocated counter of that type.
     */
    public static long sumOfType(final CountersReader counters, final int typeId)
    {
        long sum = 0;
        final int maxId = counters.maxCounterId();
        for (int id = 0; id < maxId; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_ALLOCATED == state)
            {
                if (counters.getCounterTypeId(id) == typeId)
                {
                    sum += counters.getCounterValue(id);
                }
            }
            else if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
        }
        return sum;
    }

    private static void gaugeType(
        final MeterRegistry registry,
        final CountersReader counters,
        final String name,
        final int typeId,
        final String description)
    {
        Gauge.builder(name, counters, (reader) -> valueOfType(reader, typeId))
            .description(description)
            .tag("type_id", Integer.toString(typeId))
            .register(registry);
    }

    private static void gaugeSystem(
        final MeterRegistry registry,
        final CountersReader counters,
        final String name,
        final int counterId,
        final String description)
    {
        Gauge.builder(name, counters,
                (reader) -> reader.getCounterState(counterId) == CountersReader.RECORD_ALLOCATED &&
                    reader.getCounterTypeId(counterId) == AeronCounters.DRIVER_SYSTEM_COUNTER_TYPE_ID ?
                    reader.getCounterValue(counterId) : -1)
            .description(description)
            .register(registry);
    }
}
