package dev.backstop.clearing.node;

import java.util.List;

/**
 * Names and defaults of the clearing node's configuration keys. Every key can be set in the properties file given
 * with {@code --config} and overridden by a system property of the same name ({@code -Dbackstop.node.id=1}).
 * <p>
 * The defaults are sized for a laptop or a 2-core box running three members on loopback: small term buffers,
 * sparse files, shared threading and backoff idling (AERON-NOTES "Sizing for this machine").
 */
public final class ClearingNodeConfiguration
{
    /**
     * Prefix of every clearing node key; a key with this prefix that is not listed here is refused (typo guard).
     */
    public static final String PREFIX = "backstop.node.";

    /**
     * Member id of this node, 0 to memberCount - 1.
     */
    public static final String NODE_ID_PROP = "backstop.node.id";
    public static final int NODE_ID_DEFAULT = 0;

    /**
     * Address every member binds to and advertises.
     */
    public static final String HOSTNAME_PROP = "backstop.node.hostname";
    public static final String HOSTNAME_DEFAULT = ClusterTopology.DEFAULT_HOSTNAME;

    /**
     * Address of each member, comma separated and indexed by member id, when members do not share one address
     * (separate hosts, containers, network namespaces). Empty (the default) means every member uses
     * {@link #HOSTNAME_PROP}; when set, this node binds to and advertises its own entry and {@link #HOSTNAME_PROP} is
     * not used.
     */
    public static final String MEMBER_HOSTS_PROP = "backstop.node.memberHosts";
    public static final String MEMBER_HOSTS_DEFAULT = "";

    /**
     * Port base of the cluster; see {@link ClusterTopology}.
     */
    public static final String PORT_BASE_PROP = "backstop.node.portBase";
    public static final int PORT_BASE_DEFAULT = 9000;

    /**
     * Number of members in the cluster.
     */
    public static final String MEMBER_COUNT_PROP = "backstop.node.memberCount";
    public static final int MEMBER_COUNT_DEFAULT = 3;

    /**
     * Cluster id, to tell clusters apart in shared counters.
     */
    public static final String CLUSTER_ID_PROP = "backstop.node.clusterId";
    public static final int CLUSTER_ID_DEFAULT = 0;

    /**
     * Directory holding this node's persistent state: {@code cluster/} (recording log, mark files) and
     * {@code archive/} (log and snapshot recordings). Relative paths are resolved against the working directory.
     * Default {@code run/node-<id>}.
     */
    public static final String BASE_DIR_PROP = "backstop.node.baseDir";

    /**
     * The media driver's directory (memory-mapped buffers; no persistent state). Default
     * {@code /dev/shm/backstop-<user>-<portBase>-node-<id>} (the temp dir when /dev/shm is absent).
     */
    public static final String AERON_DIR_PROP = "backstop.node.aeronDir";

    /**
     * Delete the cluster, archive and aeron directories on start: clean test starts only, since it throws away the
     * recorded log and snapshots a restart would recover from.
     */
    public static final String DELETE_DIRS_ON_START_PROP = "backstop.node.deleteDirsOnStart";
    public static final boolean DELETE_DIRS_ON_START_DEFAULT = false;

    /**
     * Term length of the replicated log (a size: 512k, 1m).
     */
    public static final String LOG_TERM_LENGTH_PROP = "backstop.node.logTermLength";
    public static final int LOG_TERM_LENGTH_DEFAULT = 512 * 1024;

    /**
     * Term length of the ingress channel the consensus module subscribes with (clients set their own).
     */
    public static final String INGRESS_TERM_LENGTH_PROP = "backstop.node.ingressTermLength";
    public static final int INGRESS_TERM_LENGTH_DEFAULT = 128 * 1024;

    /**
     * Term length of the member-to-member consensus channel.
     */
    public static final String CONSENSUS_TERM_LENGTH_PROP = "backstop.node.consensusTermLength";
    public static final int CONSENSUS_TERM_LENGTH_DEFAULT = 64 * 1024;

    /**
     * Media driver default term length for UDP publications without a term-length of their own.
     */
    public static final String PUBLICATION_TERM_LENGTH_PROP = "backstop.node.publicationTermLength";
    public static final int PUBLICATION_TERM_LENGTH_DEFAULT = 256 * 1024;

    /**
     * Media driver term length for IPC publications (service control, snapshots, archive control).
     */
    public static final String IPC_TERM_LENGTH_PROP = "backstop.node.ipcTermLength";
    public static final int IPC_TERM_LENGTH_DEFAULT = 256 * 1024;

    /**
     * Archive segment file length; the archive raises it to the term length of a recording when smaller.
     */
    public static final String ARCHIVE_SEGMENT_LENGTH_PROP = "backstop.node.archiveSegmentLength";
    public static final int ARCHIVE_SEGMENT_LENGTH_DEFAULT = 1024 * 1024;

    /**
     * How long followers wait for the leader's heartbeat before starting an election.
     */
    public static final String LEADER_HEARTBEAT_TIMEOUT_MS_PROP = "backstop.node.leaderHeartbeatTimeoutMs";
    public static final long LEADER_HEARTBEAT_TIMEOUT_MS_DEFAULT = 3000;

    /**
     * How often the leader sends a heartbeat when idle.
     */
    public static final String LEADER_HEARTBEAT_INTERVAL_MS_PROP = "backstop.node.leaderHeartbeatIntervalMs";
    public static final long LEADER_HEARTBEAT_INTERVAL_MS_DEFAULT = 200;

    /**
     * Election timeout (how long a nomination or vote waits).
     */
    public static final String ELECTION_TIMEOUT_MS_PROP = "backstop.node.electionTimeoutMs";
    public static final long ELECTION_TIMEOUT_MS_DEFAULT = 1000;

    /**
     * Interval of election status messages.
     */
    public static final String ELECTION_STATUS_INTERVAL_MS_PROP = "backstop.node.electionStatusIntervalMs";
    public static final long ELECTION_STATUS_INTERVAL_MS_DEFAULT = 100;

    /**
     * How long a starting member canvasses the others before it may elect a leader without all of them.
     */
    public static final String STARTUP_CANVASS_TIMEOUT_MS_PROP = "backstop.node.startupCanvassTimeoutMs";
    public static final long STARTUP_CANVASS_TIMEOUT_MS_DEFAULT = 6000;

    /**
     * A client session with no message or keep-alive for this long is closed.
     */
    public static final String SESSION_TIMEOUT_MS_PROP = "backstop.node.sessionTimeoutMs";
    public static final long SESSION_TIMEOUT_MS_DEFAULT = 10_000;

    /**
     * A client of the media driver (or a driver after kill -9) is considered dead after this long; also how long a
     * restart after a crash must wait before the stale driver and archive are cleared.
     */
    public static final String DRIVER_TIMEOUT_MS_PROP = "backstop.node.driverTimeoutMs";
    public static final long DRIVER_TIMEOUT_MS_DEFAULT = 10_000;

    /**
     * When positive, the leader asks the cluster for a snapshot every this many milliseconds (0 = off).
     */
    public static final String SNAPSHOT_INTERVAL_MS_PROP = "backstop.node.snapshotIntervalMs";
    public static final long SNAPSHOT_INTERVAL_MS_DEFAULT = 0;

    /**
     * TCP port on {@link #METRICS_HOST_PROP} serving Prometheus metrics at {@code /metrics} and the node's state
     * report (log position and state digest, JSON) at {@code /state} (0 = off). Keep it outside the cluster's port
     * plan: the local demo uses 9500 + node id.
     */
    public static final String METRICS_PORT_PROP = "backstop.node.metricsPort";
    public static final int METRICS_PORT_DEFAULT = 0;

    /**
     * Address the metrics server binds to; loopback by default. A node in a network namespace of its own binds it
     * to its namespace address so that the host can reach it.
     */
    public static final String METRICS_HOST_PROP = "backstop.node.metricsHost";
    public static final String METRICS_HOST_DEFAULT = ClusterTopology.DEFAULT_HOSTNAME;

    /**
     * Which clustered service the node runs: {@code clearing} (the clearinghouse, {@code ClearingService}) or
     * {@code echo} ({@code EchoService}, the baseline of {@code backstop bench}: same node, same configuration, no
     * clearing). Every member of a cluster must run the same service.
     */
    public static final String SERVICE_PROP = "backstop.node.service";
    public static final String SERVICE_CLEARING = "clearing";
    public static final String SERVICE_ECHO = "echo";
    public static final String SERVICE_DEFAULT = SERVICE_CLEARING;

    /**
     * Every key the node reads.
     */
    public static final List<String> KEYS = List.of(
        NODE_ID_PROP,
        HOSTNAME_PROP,
        MEMBER_HOSTS_PROP,
        PORT_BASE_PROP,
        MEMBER_COUNT_PROP,
        CLUSTER_ID_PROP,
        BASE_DIR_PROP,
        AERON_DIR_PROP,
        DELETE_DIRS_ON_START_PROP,
        LOG_TERM_LENGTH_PROP,
        INGRESS_TERM_LENGTH_PROP,
        CONSENSUS_TERM_LENGTH_PROP,
        PUBLICATION_TERM_LENGTH_PROP,
        IPC_TERM_LENGTH_PROP,
        ARCHIVE_SEGMENT_LENGTH_PROP,
        LEADER_HEARTBEAT_TIMEOUT_MS_PROP,
        LEADER_HEARTBEAT_INTERVAL_MS_PROP,
        ELECTION_TIMEOUT_MS_PROP,
        ELECTION_STATUS_INTERVAL_MS_PROP,
        STARTUP_CANVASS_TIMEOUT_MS_PROP,
        SESSION_TIMEOUT_MS_PROP,
        DRIVER_TIMEOUT_MS_PROP,
        SNAPSHOT_INTERVAL_MS_PROP,
        METRICS_PORT_PROP,
        METRICS_HOST_PROP,
        SERVICE_PROP);

    private ClearingNodeConfiguration()
    {
    }
}
