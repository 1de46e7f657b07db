package dev.backstop.clearing.node;

import dev.backstop.clearing.metrics.AeronCounterGauges;
import dev.backstop.clearing.metrics.MetricsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.agrona.concurrent.status.CountersReader;
import dev.backstop.clearing.service.ClearingService;
import dev.backstop.clearing.service.StateReport;
import dev.backstop.clearing.service.EchoService;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.LogBufferDescriptor;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.backstop.clearing.node.ClearingNodeConfiguration.*;

/**
 * One member of the Backstop cluster in one process: media driver, archive and consensus module
 * ({@link ClusteredMediaDriver}) plus the clustered service container running {@link ClearingService}.
 * <p>
 * Sized for a small box: the driver and the archive each run all their agents on one thread, every agent idles
 * with a backoff strategy (never a busy spin), and every buffer is small (see {@link ClearingNodeConfiguration}).
 * <p>
 * Run it in the foreground with {@code java ... dev.backstop.clearing.node.ClearingNode --config node-0.properties};
 * it stops on SIGINT or SIGTERM, or when the cluster is shut down (ClusterTool shutdown).
 */
public final class ClearingNode implements AutoCloseable
{
    /**
     * Prefix of every meter a node registers (Prometheus names them {@code backstop_node_...}).
     */
    public static final String METRICS_PREFIX = "backstop.node";

    /**
     * Path of the state report on the metrics server: one JSON object with the member id, the log position the
     * service had applied and the state digest at that position, computed on the service thread between messages.
     * Two members reporting the same log position must report the same digest; operators and the chaos checker
     * compare them.
     */
    public static final String STATE_PATH = "/state";

    private final Context context;
    private final ClearingService service;
    private final ClusteredService clusteredService;
    private final ClusteredMediaDriver clusteredMediaDriver;
    private final ClusteredServiceContainer container;
    private final AgentRunner snapshotSchedulerRunner;
    private final MetricsHttpServer metricsServer;
    private volatile boolean closed;

    private ClearingNode(final Context context)
    {
        this.context = context;
        this.service = context.isEcho() ? null : new ClearingService();
        this.clusteredService = context.isEcho() ? new EchoService() : service;

        ClusteredMediaDriver mediaDriver = null;
        ClusteredServiceContainer serviceContainer = null;
        AgentRunner schedulerRunner = null;
        try
        {
            mediaDriver = ClusteredMediaDriver.launch(
                context.mediaDriverContext(), context.archiveContext(), context.consensusModuleContext());
            serviceContainer = ClusteredServiceContainer.launch(context.serviceContainerContext(clusteredService));

            if (context.snapshotIntervalMs() > 0)
            {
                final ConsensusModule.Context cmContext = mediaDriver.consensusModule().context();
                schedulerRunner = new AgentRunner(
                    new SleepingMillisIdleStrategy(Math.min(100, context.snapshotIntervalMs())),
                    context.errorHandlerOrDefault(),
                    null,
                    new SnapshotScheduler(cmContext, context.snapshotIntervalMs()));
                AgentRunner.startOnThread(schedulerRunner);
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(schedulerRunner, serviceContainer, mediaDriver);
            throw ex;
        }

        MetricsHttpServer server = null;
        if (context.metricsPort() > 0)
        {
            try
            {
                server = startMetrics(context, service, mediaDriver);
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietCloseAll(schedulerRunner, serviceContainer, mediaDriver);
                throw ex;
            }
        }

        this.clusteredMediaDriver = mediaDriver;
        this.container = serviceContainer;
        this.snapshotSchedulerRunner = schedulerRunner;
        this.metricsServer = server;
    }

    private static MetricsHttpServer startMetrics(
        final Context context, final ClearingService service, final ClusteredMediaDriver mediaDriver)
    {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", Integer.toString(context.nodeId()));
        final CountersReader counters = mediaDriver.mediaDriver().context().countersManager();
        AeronCounterGauges.bindDriver(registry, counters, METRICS_PREFIX);
        AeronCounterGauges.bindCluster(registry, counters, METRICS_PREFIX);
        final MetricsHttpServer server = MetricsHttpServer.start(
            context.metricsHost(), context.metricsPort(), registry, "backstop-node-" + context.nodeId() + "-metrics");
        if (null != service)
        {
            service.metrics().bindTo(registry, METRICS_PREFIX);
            server.route(STATE_PATH, () -> stateJson(service));
            server.beforeScrape(service.metrics()::registerNewMeters);
        }
        return server;
    }

    private static String stateJson(final ClearingService service)
    {
        final StateReport report = service.stateReport(5, TimeUnit.SECONDS);
        if (null == report)
        {
            return null;
        }
        return "{\"memberId\":" + report.memberId() +
            ",\"logPosition\":" + report.logPosition() +
            ",\"eventSequence\":" + report.eventSequence() +
            ",\"tradesCleared\":" + report.tradesCleared() +
            ",\"netDeposits\":" + report.netDeposits() +
            ",\"feeAccount\":" + report.feeAccount() +
            ",\"leadershipTermId\":" + service.leadershipTermId() +
            ",\"snapshotRecordsLoaded\":" + service.snapshotRecordsLoaded() +
            ",\"digest\":\"" + report.digestHex() + "\"}";
    }

    /**
     * Launches a member. The context is concluded here and cannot be reused: build a fresh one for a restart.
     *
     * @param context configuration of the member.
     * @return the running member.
     */
    public static ClearingNode launch(final Context context)
    {
        context.conclude();
        return new ClearingNode(context);
    }

    /**
     * Runs one member in the foreground until SIGINT/SIGTERM or until the cluster terminates it.
     *
     * @param args {@code [--config <properties file>]}; system properties override the file's keys.
     */
    public static void main(final String[] args)
    {
        final Context context = Context.fromArgs(args);
        // The barrier must outlive the node: its signal hook waits for close(), so it is closed after the node.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            context.terminationHook(barrier::signalAll);
            try (ClearingNode node = launch(context))
            {
                System.out.println(node.describe());
                System.out.flush();
                barrier.await();
                System.out.println("backstop clearing node " + context.nodeId() + " stopping");
            }
        }
    }

    /**
     * @return one line naming the node, its ports and its directories.
     */
    public String describe()
    {
        return "backstop clearing node " + context.nodeId() + " started: memberCount=" + context.memberCount() +
            " hostname=" + context.hostname() + " portBase=" + context.portBase() +
            " ingress=" + ClusterTopology.endpoint(
                context.hostname(), context.nodeId(), context.portBase(), ClusterTopology.INGRESS_PORT_OFFSET) +
            " clusterDir=" + context.clusterDir().getAbsolutePath() +
            " archiveDir=" + context.archiveDir().getAbsolutePath() +
            " aeronDir=" + context.aeronDirectoryName() +
            (context.isEcho() ? " service=" + SERVICE_ECHO : "");
    }

    /**
     * @return the concluded configuration.
     */
    public Context context()
    {
        return context;
    }

    /**
     * @return the clearing service of this member.
     * @throws IllegalStateException when the member runs the echo baseline instead ({@code backstop.node.service}).
     */
    public ClearingService service()
    {
        if (null == service)
        {
            throw new IllegalStateException("this node runs the " + SERVICE_ECHO + " service, not the clearing service");
        }
        return service;
    }

    /**
     * @return the clustered service this member runs: the clearing service or the echo baseline.
     */
    public ClusteredService clusteredService()
    {
        return clusteredService;
    }

    /**
     * @return media driver, archive and consensus module of this member.
     */
    public ClusteredMediaDriver clusteredMediaDriver()
    {
        return clusteredMediaDriver;
    }

    /**
     * @return the container running {@link #service()}.
     */
    public ClusteredServiceContainer container()
    {
        return container;
    }

    /**
     * @return this member's current role, FOLLOWER once closed.
     */
    public Cluster.Role role()
    {
        if (closed)
        {
            return Cluster.Role.FOLLOWER;
        }
        final io.aeron.Counter roleCounter = clusteredMediaDriver.consensusModule().context().clusterNodeRoleCounter();
        return null == roleCounter || roleCounter.isClosed() ? Cluster.Role.FOLLOWER : Cluster.Role.get(roleCounter);
    }

    /**
     * @return true when this member is the leader.
     */
    public boolean isLeader()
    {
        return Cluster.Role.LEADER == role() &&
            ConsensusModule.State.ACTIVE == moduleState();
    }

    /**
     * @return the consensus module's state, CLOSED once closed.
     */
    public ConsensusModule.State moduleState()
    {
        if (closed)
        {
            return ConsensusModule.State.CLOSED;
        }
        final io.aeron.Counter counter = clusteredMediaDriver.consensusModule().context().moduleStateCounter();
        return null == counter || counter.isClosed() ? ConsensusModule.State.CLOSED : ConsensusModule.State.get(counter);
    }

    /**
     * @return snapshots this member has taken since it started, -1 once closed.
     */
    public long snapshotCount()
    {
        if (closed)
        {
            return -1;
        }
        final io.aeron.Counter counter = clusteredMediaDriver.consensusModule().context().snapshotCounter();
        return null == counter || counter.isClosed() ? -1 : counter.get();
    }

    /**
     * @return the commit position of the log as this member knows it, -1 once closed.
     */
    public long commitPosition()
    {
        if (closed)
        {
            return -1;
        }
        final io.aeron.Counter counter = clusteredMediaDriver.consensusModule().context().commitPositionCounter();
        return null == counter || counter.isClosed() ? -1 : counter.get();
    }

    /**
     * Asks the cluster for a snapshot through the consensus module's control toggle, as ClusterTool does. Only the
     * leader acts on it.
     *
     * @return true when the toggle was set (it was neutral), false when another action is pending or closed.
     */
    public boolean requestSnapshot()
    {
        if (closed)
        {
            return false;
        }
        final io.aeron.Counter toggle = clusteredMediaDriver.consensusModule().context().controlToggleCounter();
        return null != toggle && !toggle.isClosed() && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
    }

    /**
     * @return the bound metrics port, 0 when metrics are off.
     */
    public int metricsPort()
    {
        return null == metricsServer ? 0 : metricsServer.port();
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Stops the member: the consensus module first (so the others see it leave as a crash would look), then the
     * service container, archive and media driver. Directories are kept (the media driver's is removed), so a
     * member launched again with the same directories recovers from its snapshot and log.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            // Metrics first: their gauges read the driver's counters, which are unmapped when the driver closes.
            CloseHelper.closeAll(
                metricsServer,
                snapshotSchedulerRunner,
                () -> clusteredMediaDriver.consensusModule().close(),
                container,
                clusteredMediaDriver);
        }
    }

    /**
     * Periodic snapshots: on the leader only, set the snapshot toggle every interval (a follower's toggle is
     * ignored by the cluster, and the leader's snapshot is taken by every member at the same log position).
     */
    private static final class SnapshotScheduler implements Agent
    {
        private final ConsensusModule.Context consensusModuleContext;
        private final long intervalNs;
        private long nextSnapshotNs;

        SnapshotScheduler(final ConsensusModule.Context consensusModuleContext, final long intervalMs)
        {
            this.consensusModuleContext = consensusModuleContext;
            this.intervalNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
            this.nextSnapshotNs = System.nanoTime() + intervalNs;
        }

        public int doWork()
        {
            final long nowNs = System.nanoTime();
            if (nowNs - nextSnapshotNs < 0)
            {
                return 0;
            }

            final io.aeron.Counter roleCounter = consensusModuleContext.clusterNodeRoleCounter();
            final io.aeron.Counter toggle = consensusModuleContext.controlToggleCounter();
            if (null == roleCounter || roleCounter.isClosed() || null == toggle || toggle.isClosed())
            {
                return 0;
            }

            if (Cluster.Role.LEADER == Cluster.Role.get(roleCounter))
            {
                if (!ClusterControl.ToggleState.SNAPSHOT.toggle(toggle))
                {
                    return 0;
                }
            }
            nextSnapshotNs = nowNs + intervalNs;
            return 1;
        }

        public String roleName()
        {
            return "backstop-snapshot-scheduler";
        }
    }

    /**
     * Configuration of one member, Aeron style: defaults, then a properties file, then system properties with the
     * same keys (see {@link ClearingNodeConfiguration}); {@link #conclude()} validates and derives the rest.
     */
    public static final class Context
    {
        private boolean concluded;

        private int nodeId = NODE_ID_DEFAULT;
        private String hostname = HOSTNAME_DEFAULT;
        private String memberHosts = MEMBER_HOSTS_DEFAULT;
        private String[] memberHostnames;
        private int portBase = PORT_BASE_DEFAULT;
        private int memberCount = MEMBER_COUNT_DEFAULT;
        private int clusterId = CLUSTER_ID_DEFAULT;
        private File baseDir;
        private String aeronDirectoryName;
        private boolean deleteDirsOnStart = DELETE_DIRS_ON_START_DEFAULT;
        private int logTermLength = LOG_TERM_LENGTH_DEFAULT;
        private int ingressTermLength = INGRESS_TERM_LENGTH_DEFAULT;
        private int consensusTermLength = CONSENSUS_TERM_LENGTH_DEFAULT;
        private int publicationTermLength = PUBLICATION_TERM_LENGTH_DEFAULT;
        private int ipcTermLength = IPC_TERM_LENGTH_DEFAULT;
        private int archiveSegmentLength = ARCHIVE_SEGMENT_LENGTH_DEFAULT;
        private long leaderHeartbeatTimeoutMs = LEADER_HEARTBEAT_TIMEOUT_MS_DEFAULT;
        private long leaderHeartbeatIntervalMs = LEADER_HEARTBEAT_INTERVAL_MS_DEFAULT;
        private long electionTimeoutMs = ELECTION_TIMEOUT_MS_DEFAULT;
        private long electionStatusIntervalMs = ELECTION_STATUS_INTERVAL_MS_DEFAULT;
        private long startupCanvassTimeoutMs = STARTUP_CANVASS_TIMEOUT_MS_DEFAULT;
        private long sessionTimeoutMs = SESSION_TIMEOUT_MS_DEFAULT;
        private long driverTimeoutMs = DRIVER_TIMEOUT_MS_DEFAULT;
        private long snapshotIntervalMs = SNAPSHOT_INTERVAL_MS_DEFAULT;
        private int metricsPort = METRICS_PORT_DEFAULT;
        private String metricsHost = METRICS_HOST_DEFAULT;
        private String service = SERVICE_DEFAULT;
        private Runnable terminationHook;
        private ErrorHandler errorHandler;

        /**
         * Defaults overridden by any {@code backstop.node.*} system property.
         */
        public Context()
        {
            apply(systemOverrides());
        }

        /**
         * Defaults, then the file's keys, then system properties.
         *
         * @param file a properties file of {@code backstop.node.*} keys.
         * @return the context.
         */
        public static Context load(final Path file)
        {
            final Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file))
            {
                properties.load(in);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read node configuration " + file, ex);
            }
            return fromProperties(properties);
        }

        /**
         * Defaults, then {@code properties}, then system properties.
         *
         * @param properties {@code backstop.node.*} keys.
         * @return the context.
         */
        public static Context fromProperties(final Properties properties)
        {
            final Context context = new Context();
            context.apply(properties);
            context.apply(systemOverrides());
            return context;
        }

        /**
         * Parses {@code [--config <file>]}.
         *
         * @param args command-line arguments.
         * @return the context.
         */
        public static Context fromArgs(final String[] args)
        {
            Path config = null;
            for (int i = 0; i < args.length; i++)
            {
                if ("--config".equals(args[i]) && i + 1 < args.length)
                {
                    config = Path.of(args[++i]);
                }
                else if (args[i].startsWith("--config="))
                {
                    config = Path.of(args[i].substring("--config=".length()));
                }
                else
                {
                    throw new IllegalArgumentException(
                        "unknown argument: " + args[i] + " (usage: ClearingNode [--config <properties file>])");
                }
            }
            return null == config ? new Context() : load(config);
        }

        /**
         * Applies every {@code backstop.node.*} key in {@code properties}.
         *
         * @param properties keys to apply; any other {@code backstop.node.*} key is refused.
         * @return this for a fluent API.
         */
        public Context apply(final Properties properties)
        {
            checkNotConcluded();
            for (final String key : properties.stringPropertyNames())
            {
                if (key.startsWith(PREFIX) && !KEYS.contains(key))
                {
                    throw new IllegalArgumentException("unknown configuration key: " + key + "; known: " + KEYS);
                }
            }

            nodeId = intValue(properties, NODE_ID_PROP, nodeId);
            hostname = properties.getProperty(HOSTNAME_PROP, hostname).trim();
            memberHosts = properties.getProperty(MEMBER_HOSTS_PROP, memberHosts).trim();
            portBase = intValue(properties, PORT_BASE_PROP, portBase);
            memberCount = intValue(properties, MEMBER_COUNT_PROP, memberCount);
            clusterId = intValue(properties, CLUSTER_ID_PROP, clusterId);
            final String baseDirValue = properties.getProperty(BASE_DIR_PROP);
            if (null != baseDirValue)
            {
                baseDir = new File(baseDirValue.trim());
            }
            final String aeronDirValue = properties.getProperty(AERON_DIR_PROP);
            if (null != aeronDirValue)
            {
                aeronDirectoryName = aeronDirValue.trim();
            }
            deleteDirsOnStart = booleanValue(properties, DELETE_DIRS_ON_START_PROP, deleteDirsOnStart);
            logTermLength = sizeValue(properties, LOG_TERM_LENGTH_PROP, logTermLength);
            ingressTermLength = sizeValue(properties, INGRESS_TERM_LENGTH_PROP, ingressTermLength);
            consensusTermLength = sizeValue(properties, CONSENSUS_TERM_LENGTH_PROP, consensusTermLength);
            publicationTermLength = sizeValue(properties, PUBLICATION_TERM_LENGTH_PROP, publicationTermLength);
            ipcTermLength = sizeValue(properties, IPC_TERM_LENGTH_PROP, ipcTermLength);
            archiveSegmentLength = sizeValue(properties, ARCHIVE_SEGMENT_LENGTH_PROP, archiveSegmentLength);
            leaderHeartbeatTimeoutMs = longValue(
                properties, LEADER_HEARTBEAT_TIMEOUT_MS_PROP, leaderHeartbeatTimeoutMs);
            leaderHeartbeatIntervalMs = longValue(
                properties, LEADER_HEARTBEAT_INTERVAL_MS_PROP, leaderHeartbeatIntervalMs);
            electionTimeoutMs = longValue(properties, ELECTION_TIMEOUT_MS_PROP, electionTimeoutMs);
            electionStatusIntervalMs = longValue(
                properties, ELECTION_STATUS_INTERVAL_MS_PROP, electionStatusIntervalMs);
            startupCanvassTimeoutMs = longValue(properties, STARTUP_CANVASS_TIMEOUT_MS_PROP, startupCanvassTimeoutMs);
            sessionTimeoutMs = longValue(properties, SESSION_TIMEOUT_MS_PROP, sessionTimeoutMs);
            driverTimeoutMs = longValue(properties, DRIVER_TIMEOUT_MS_PROP, driverTimeoutMs);
            snapshotIntervalMs = longValue(properties, SNAPSHOT_INTERVAL_MS_PROP, snapshotIntervalMs);
            metricsPort = intValue(properties, METRICS_PORT_PROP, metricsPort);
            metricsHost = properties.getProperty(METRICS_HOST_PROP, metricsHost).trim();
            service = properties.getProperty(SERVICE_PROP, service).trim();
            return this;
        }

        /**
         * Validates the configuration and derives the directories. A context concludes once.
         *
         * @return this for a fluent API.
         * @throws IllegalArgumentException when a value is out of range.
         * @throws IllegalStateException    when already concluded.
         */
        public Context conclude()
        {
            checkNotConcluded();

            require(memberCount >= 1, MEMBER_COUNT_PROP + " must be >= 1: " + memberCount);
            require(nodeId >= 0 && nodeId < memberCount,
                NODE_ID_PROP + " must be in [0, " + memberCount + "): " + nodeId);
            require(null != hostname && !hostname.isBlank(), HOSTNAME_PROP + " must be set");
            if (null != memberHosts && !memberHosts.isBlank())
            {
                final String[] hosts = memberHosts.split(",", -1);
                require(hosts.length == memberCount,
                    MEMBER_HOSTS_PROP + " must name " + memberCount + " addresses: " + memberHosts);
                for (int i = 0; i < hosts.length; i++)
                {
                    hosts[i] = hosts[i].trim();
                    require(!hosts[i].isEmpty(), MEMBER_HOSTS_PROP + " has an empty address: " + memberHosts);
                }
                memberHostnames = hosts;
                hostname = hosts[nodeId];
            }
            else
            {
                memberHostnames = new String[memberCount];
                java.util.Arrays.fill(memberHostnames, hostname);
            }
            require(null != metricsHost && !metricsHost.isBlank(), METRICS_HOST_PROP + " must be set");
            require(portBase > 0 &&
                (long)portBase + (long)(memberCount - 1) * ClusterTopology.PORTS_PER_MEMBER +
                ClusterTopology.PORTS_PER_MEMBER - 1 <= 65535,
                PORT_BASE_PROP + " leaves no room for " + memberCount + " members of " +
                ClusterTopology.PORTS_PER_MEMBER + " ports: " + portBase);
            require(clusterId >= 0, CLUSTER_ID_PROP + " must be >= 0: " + clusterId);

            checkTermLength(LOG_TERM_LENGTH_PROP, logTermLength);
            checkTermLength(INGRESS_TERM_LENGTH_PROP, ingressTermLength);
            checkTermLength(CONSENSUS_TERM_LENGTH_PROP, consensusTermLength);
            checkTermLength(PUBLICATION_TERM_LENGTH_PROP, publicationTermLength);
            checkTermLength(IPC_TERM_LENGTH_PROP, ipcTermLength);
            require(logTermLength >= ingressTermLength,
                LOG_TERM_LENGTH_PROP + " must be >= " + INGRESS_TERM_LENGTH_PROP + " so any ingress message fits the log");
            require(archiveSegmentLength > 0 && Integer.bitCount(archiveSegmentLength) == 1,
                ARCHIVE_SEGMENT_LENGTH_PROP + " must be a power of two: " + archiveSegmentLength);

            requirePositive(LEADER_HEARTBEAT_TIMEOUT_MS_PROP, leaderHeartbeatTimeoutMs);
            requirePositive(LEADER_HEARTBEAT_INTERVAL_MS_PROP, leaderHeartbeatIntervalMs);
            require(leaderHeartbeatIntervalMs < leaderHeartbeatTimeoutMs,
                LEADER_HEARTBEAT_INTERVAL_MS_PROP + " must be below " + LEADER_HEARTBEAT_TIMEOUT_MS_PROP);
            requirePositive(ELECTION_TIMEOUT_MS_PROP, electionTimeoutMs);
            requirePositive(ELECTION_STATUS_INTERVAL_MS_PROP, electionStatusIntervalMs);
            requirePositive(STARTUP_CANVASS_TIMEOUT_MS_PROP, startupCanvassTimeoutMs);
            requirePositive(SESSION_TIMEOUT_MS_PROP, sessionTimeoutMs);
            requirePositive(DRIVER_TIMEOUT_MS_PROP, driverTimeoutMs);
            require(snapshotIntervalMs >= 0, SNAPSHOT_INTERVAL_MS_PROP + " must be >= 0 (0 = off)");
            require(metricsPort >= 0 && metricsPort <= 65535,
                METRICS_PORT_PROP + " must be in [0, 65535] (0 = off): " + metricsPort);
            require(SERVICE_CLEARING.equals(service) || SERVICE_ECHO.equals(service),
                SERVICE_PROP + " must be " + SERVICE_CLEARING + " or " + SERVICE_ECHO + ": " + service);

            if (null == baseDir)
            {
                baseDir = new File("run", "node-" + nodeId);
            }
            baseDir = baseDir.getAbsoluteFile();
            if (null == aeronDirectoryName || aeronDirectoryName.isBlank())
            {
                aeronDirectoryName = defaultAeronDirectoryName(portBase, nodeId);
            }

            concluded = true;
            return this;
        }

        /**
         * The default media driver directory: under /dev/shm when present, unique per user, port base and node.
         *
         * @param portBase port base of the cluster.
         * @param nodeId   member id.
         * @return the directory name.
         */
        public static String defaultAeronDirectoryName(final int portBase, final int nodeId)
        {
            final File shm = new File("/dev/shm");
            final String parent = shm.isDirectory() ? shm.getPath() : System.getProperty("java.io.tmpdir");
            final String user = System.getProperty("user.name", "default").replaceAll("[^A-Za-z0-9_.-]", "_");
            return new File(parent, "backstop-" + user + "-" + portBase + "-node-" + nodeId).getPath();
        }

        public int nodeId()
        {
            return nodeId;
        }

        public Context nodeId(final int nodeId)
        {
            checkNotConcluded();
            this.nodeId = nodeId;
            return this;
        }

        public String hostname()
        {
            return hostname;
        }

        public Context hostname(final String hostname)
        {
            checkNotConcluded();
            this.hostname = hostname;
            return this;
        }

        public int portBase()
        {
            return portBase;
        }

        public Context portBase(final int portBase)
        {
            checkNotConcluded();
            this.portBase = portBase;
            return this;
        }

        public int memberCount()
        {
            return memberCount;
        }

        public Context memberCount(final int memberCount)
        {
            checkNotConcluded();
            this.memberCount = memberCount;
            return this;
        }

        public int clusterId()
        {
            return clusterId;
        }

        public Context clusterId(final int clusterId)
        {
            checkNotConcluded();
            this.clusterId = clusterId;
            return this;
        }

        /**
         * @return the node's persistent directory (absolute once concluded).
         */
        public File baseDir()
        {
            return baseDir;
        }

        public Context baseDir(final File baseDir)
        {
            checkNotConcluded();
            this.baseDir = baseDir;
            return this;
        }

        /**
         * @return {@code baseDir/cluster}: recording log, node state and mark files (ClusterTool's cluster dir).
         */
        public File clusterDir()
        {
            return new File(baseDir, "cluster");
        }

        /**
         * @return {@code baseDir/archive}: log and snapshot recordings.
         */
        public File archiveDir()
        {
            return new File(baseDir, "archive");
        }

        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            checkNotConcluded();
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        public boolean deleteDirsOnStart()
        {
            return deleteDirsOnStart;
        }

        public Context deleteDirsOnStart(final boolean deleteDirsOnStart)
        {
            checkNotConcluded();
            this.deleteDirsOnStart = deleteDirsOnStart;
            return this;
        }

        public int logTermLength()
        {
            return logTermLength;
        }

        public Context logTermLength(final int logTermLength)
        {
            checkNotConcluded();
            this.logTermLength = logTermLength;
            return this;
        }

        public int ingressTermLength()
        {
            return ingressTermLength;
        }

        public Context ingressTermLength(final int ingressTermLength)
        {
            checkNotConcluded();
            this.ingressTermLength = ingressTermLength;
            return this;
        }

        public int consensusTermLength()
        {
            return consensusTermLength;
        }

        public Context consensusTermLength(final int consensusTermLength)
        {
            checkNotConcluded();
            this.consensusTermLength = consensusTermLength;
            return this;
        }

        public int publicationTermLength()
        {
            return publicationTermLength;
        }

        public Context publicationTermLength(final int publicationTermLength)
        {
            checkNotConcluded();
            this.publicationTermLength = publicationTermLength;
            return this;
        }

        public int ipcTermLength()
        {
            return ipcTermLength;
        }

        public Context ipcTermLength(final int ipcTermLength)
        {
            checkNotConcluded();
            this.ipcTermLength = ipcTermLength;
            return this;
        }

        public int archiveSegmentLength()
        {
            return archiveSegmentLength;
        }

        public Context archiveSegmentLength(final int archiveSegmentLength)
        {
            checkNotConcluded();
            this.archiveSegmentLength = archiveSegmentLength;
            return this;
        }

        public long leaderHeartbeatTimeoutMs()
        {
            return leaderHeartbeatTimeoutMs;
        }

        public Context leaderHeartbeatTimeoutMs(final long leaderHeartbeatTimeoutMs)
        {
            checkNotConcluded();
            this.leaderHeartbeatTimeoutMs = leaderHeartbeatTimeoutMs;
            return this;
        }

        public long leaderHeartbeatIntervalMs()
        {
            return leaderHeartbeatIntervalMs;
        }

        public Context leaderHeartbeatIntervalMs(final long leaderHeartbeatIntervalMs)
        {
            checkNotConcluded();
            this.leaderHeartbeatIntervalMs = leaderHeartbeatIntervalMs;
            return this;
        }

        public long electionTimeoutMs()
        {
            return electionTimeoutMs;
        }

        public Context electionTimeoutMs(final long electionTimeoutMs)
        {
            checkNotConcluded();
            this.electionTimeoutMs = electionTimeoutMs;
            return this;
        }

        public long electionStatusIntervalMs()
        {
            return electionStatusIntervalMs;
        }

        public Context electionStatusIntervalMs(final long electionStatusIntervalMs)
        {
            checkNotConcluded();
            this.electionStatusIntervalMs = electionStatusIntervalMs;
            return this;
        }

        public long startupCanvassTimeoutMs()
        {
            return startupCanvassTimeoutMs;
        }

        public Context startupCanvassTimeoutMs(final long startupCanvassTimeoutMs)
        {
            checkNotConcluded();
            this.startupCanvassTimeoutMs = startupCanvassTimeoutMs;
            return this;
        }

        public long sessionTimeoutMs()
        {
            return sessionTimeoutMs;
        }

        public Context sessionTimeoutMs(final long sessionTimeoutMs)
        {
            checkNotConcluded();
            this.sessionTimeoutMs = sessionTimeoutMs;
            return this;
        }

        public long driverTimeoutMs()
        {
            return driverTimeoutMs;
        }

        public Context driverTimeoutMs(final long driverTimeoutMs)
        {
            checkNotConcluded();
            this.driverTimeoutMs = driverTimeoutMs;
            return this;
        }

        public long snapshotIntervalMs()
        {
            return snapshotIntervalMs;
        }

        public Context snapshotIntervalMs(final long snapshotIntervalMs)
        {
            checkNotConcluded();
            this.snapshotIntervalMs = snapshotIntervalMs;
            return this;
        }

        /**
         * @return the members' addresses as configured, comma separated; empty when they share {@link #hostname()}.
         */
        public String memberHosts()
        {
            return memberHosts;
        }

        /**
         * @param memberHosts each member's address, comma separated by member id; empty to share the hostname.
         * @return this.
         */
        public Context memberHosts(final String memberHosts)
        {
            checkNotConcluded();
            this.memberHosts = memberHosts;
            return this;
        }

        /**
         * @return address of each member, by member id (after {@link #conclude()}).
         */
        public String[] memberHostnames()
        {
            return null == memberHostnames ? null : memberHostnames.clone();
        }

        /**
         * @return address the metrics server binds to.
         */
        public String metricsHost()
        {
            return metricsHost;
        }

        public Context metricsHost(final String metricsHost)
        {
            checkNotConcluded();
            this.metricsHost = metricsHost;
            return this;
        }

        /**
         * @return TCP port on {@link #metricsHost()} serving Prometheus metrics and the state report, 0 = off.
         */
        public int metricsPort()
        {
            return metricsPort;
        }

        public Context metricsPort(final int metricsPort)
        {
            checkNotConcluded();
            this.metricsPort = metricsPort;
            return this;
        }

        /**
         * @return which clustered service the member runs, {@code clearing} or {@code echo}.
         */
        public String service()
        {
            return service;
        }

        /**
         * @param service {@code clearing} (default) or {@code echo}, the benchmark's baseline.
         * @return this.
         */
        public Context service(final String service)
        {
            checkNotConcluded();
            this.service = service;
            return this;
        }

        /**
         * @return true when the member runs the echo baseline instead of the clearing service.
         */
        public boolean isEcho()
        {
            return SERVICE_ECHO.equals(service);
        }

        /**
         * @return run when the cluster terminates this member (shutdown, abort), null for none.
         */
        public Runnable terminationHook()
        {
            return terminationHook;
        }

        public Context terminationHook(final Runnable terminationHook)
        {
            checkNotConcluded();
            this.terminationHook = terminationHook;
            return this;
        }

        /**
         * @return error handler for every component, null for Aeron's defaults (the error logs ClusterTool reads).
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        public Context errorHandler(final ErrorHandler errorHandler)
        {
            checkNotConcluded();
            this.errorHandler = errorHandler;
            return this;
        }

        public boolean isConcluded()
        {
            return concluded;
        }

        public String toString()
        {
            return "ClearingNode.Context{nodeId=" + nodeId + ", hostname=" + hostname + ", portBase=" + portBase +
                ", memberCount=" + memberCount + ", clusterId=" + clusterId + ", baseDir=" + baseDir +
                ", aeronDir=" + aeronDirectoryName + ", deleteDirsOnStart=" + deleteDirsOnStart +
                ", logTermLength=" + logTermLength + ", ingressTermLength=" + ingressTermLength +
                ", consensusTermLength=" + consensusTermLength + ", publicationTermLength=" + publicationTermLength +
                ", ipcTermLength=" + ipcTermLength + ", archiveSegmentLength=" + archiveSegmentLength +
                ", leaderHeartbeatTimeoutMs=" + leaderHeartbeatTimeoutMs +
                ", leaderHeartbeatIntervalMs=" + leaderHeartbeatIntervalMs +
                ", electionTimeoutMs=" + electionTimeoutMs + ", electionStatusIntervalMs=" + electionStatusIntervalMs +
                ", startupCanvassTimeoutMs=" + startupCanvassTimeoutMs + ", sessionTimeoutMs=" + sessionTimeoutMs +
                ", driverTimeoutMs=" + driverTimeoutMs + ", snapshotIntervalMs=" + snapshotIntervalMs +
                ", metricsPort=" + metricsPort +
                ", metricsHost=" + metricsHost + ", memberHosts=" + memberHosts + ", service=" + service + '}';
        }

        ErrorHandler errorHandlerOrDefault()
        {
            return null != errorHandler ? errorHandler : Throwable::printStackTrace;
        }

        MediaDriver.Context mediaDriverContext()
        {
            checkConcluded();
            final MediaDriver.Context context = new MediaDriver.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(newIdleStrategy())
                .termBufferSparseFile(true)
                .publicationTermBufferLength(publicationTermLength)
                .ipcTermBufferLength(ipcTermLength)
                .driverTimeoutMs(driverTimeoutMs)
                .dirDeleteOnStart(deleteDirsOnStart)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false)
                .spiesSimulateConnection(false);
            if (null != errorHandler)
            {
                context.errorHandler(errorHandler);
            }
            return context;
        }

        Archive.Context archiveContext()
        {
            checkConcluded();
            final Archive.Context context = new Archive.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .archiveDir(archiveDir())
                .deleteArchiveOnStart(deleteDirsOnStart)
                .archiveId(((long)clusterId << 16) | nodeId)
                .controlChannel(udpChannel(ClusterTopology.ARCHIVE_CONTROL_PORT_OFFSET) + "|term-length=64k")
                .localControlChannel(localArchiveControlChannel())
                .replicationChannel(udpChannel(ClusterTopology.ARCHIVE_REPLICATION_PORT_OFFSET))
                .archiveClientContext(new AeronArchive.Context()
                    .controlResponseChannel("aeron:udp?endpoint=" + hostname + ":0|term-length=64k"))
                .recordingEventsEnabled(false)
                .threadingMode(ArchiveThreadingMode.SHARED)
                .idleStrategySupplier(idleStrategySupplier())
                .segmentFileLength(archiveSegmentLength)
                .controlTermBufferSparse(true)
                .controlTermBufferLength(64 * 1024);
            if (null != errorHandler)
            {
                context.errorHandler(errorHandler);
            }
            return context;
        }

        ConsensusModule.Context consensusModuleContext()
        {
            checkConcluded();
            final ConsensusModule.Context context = new ConsensusModule.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .clusterId(clusterId)
                .clusterMemberId(nodeId)
                .clusterMembers(ClusterTopology.clusterMembers(memberHostnames, portBase))
                .clusterDir(clusterDir())
                .deleteDirOnStart(deleteDirsOnStart)
                .ingressChannel("aeron:udp?term-length=" + ingressTermLength)
                .logChannel("aeron:udp?term-length=" + logTermLength)
                .consensusChannel("aeron:udp?term-length=" + consensusTermLength)
                .replicationChannel(udpChannel(ClusterTopology.CLUSTER_REPLICATION_PORT_OFFSET))
                .archiveContext(localArchiveClientContext())
                .serviceCount(1)
                .leaderHeartbeatTimeoutNs(TimeUnit.MILLISECONDS.toNanos(leaderHeartbeatTimeoutMs))
                .leaderHeartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(leaderHeartbeatIntervalMs))
                .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(electionTimeoutMs))
                .electionStatusIntervalNs(TimeUnit.MILLISECONDS.toNanos(electionStatusIntervalMs))
                .startupCanvassTimeoutNs(TimeUnit.MILLISECONDS.toNanos(startupCanvassTimeoutMs))
                .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs))
                .terminationTimeoutNs(TimeUnit.MILLISECONDS.toNanos(leaderHeartbeatTimeoutMs))
                .idleStrategySupplier(idleStrategySupplier());
            if (null != terminationHook)
            {
                context.terminationHook(terminationHook);
            }
            if (null != errorHandler)
            {
                context.errorHandler(errorHandler);
            }
            return context;
        }

        ClusteredServiceContainer.Context serviceContainerContext(final ClusteredService service)
        {
            checkConcluded();
            final ClusteredServiceContainer.Context context = new ClusteredServiceContainer.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .clusterId(clusterId)
                .clusterDir(clusterDir())
                .archiveContext(localArchiveClientContext())
                .clusteredService(service)
                .serviceId(0)
                .serviceName("backstop-clearing-" + clusterId + "-" + nodeId)
                .idleStrategySupplier(idleStrategySupplier());
            if (null != terminationHook)
            {
                context.terminationHook(terminationHook);
            }
            if (null != errorHandler)
            {
                context.errorHandler(errorHandler);
            }
            return context;
        }

        private AeronArchive.Context localArchiveClientContext()
        {
            return new AeronArchive.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .controlRequestChannel(localArchiveControlChannel())
                .controlRequestStreamId(AeronArchive.Configuration.localControlStreamId())
                .controlResponseChannel("aeron:ipc?term-length=64k");
        }

        private static String localArchiveControlChannel()
        {
            return "aeron:ipc?term-length=64k";
        }

        private String udpChannel(final int portOffset)
        {
            return "aeron:udp?endpoint=" + ClusterTopology.endpoint(hostname, nodeId, portBase, portOffset);
        }

        private static Supplier<IdleStrategy> idleStrategySupplier()
        {
            return Context::newIdleStrategy;
        }

        private static IdleStrategy newIdleStrategy()
        {
            // Spin and yield briefly for latency, then park up to 1 ms: never a busy spin on a small box.
            return new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
        }

        private static Properties systemOverrides()
        {
            final Properties overrides = new Properties();
            final Properties system = System.getProperties();
            for (final String key : system.stringPropertyNames())
            {
                if (key.startsWith(PREFIX))
                {
                    overrides.setProperty(key, system.getProperty(key));
                }
            }
            return overrides;
        }

        private static int intValue(final Properties properties, final String key, final int defaultValue)
        {
            final String value = properties.getProperty(key);
            if (null == value)
            {
                return defaultValue;
            }
            try
            {
                return Integer.parseInt(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(key + " is not an integer: " + value, ex);
            }
        }

        private static long longValue(final Properties properties, final String key, final long defaultValue)
        {
            final String value = properties.getProperty(key);
            if (null == value)
            {
                return defaultValue;
            }
            try
            {
                return Long.parseLong(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(key + " is not an integer: " + value, ex);
            }
        }

        private static int sizeValue(final Properties properties, final String key, final int defaultValue)
        {
            final String value = properties.getProperty(key);
            if (null == value)
            {
                return defaultValue;
            }
            try
            {
                final long size = SystemUtil.parseSize(key, value.trim());
                if (size > Integer.MAX_VALUE)
                {
                    throw new IllegalArgumentException(key + " too large: " + value);
                }
                return (int)size;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(key + " is not a size (like 512k or 1m): " + value, ex);
            }
        }

        private static boolean booleanValue(final Properties properties, final String key, final boolean defaultValue)
        {
            final String value = properties.getProperty(key);
            if (null == value)
            {
                return defaultValue;
            }
            final String trimmed = value.trim();
            if ("true".equalsIgnoreCase(trimmed))
            {
                return true;
            }
            if ("false".equalsIgnoreCase(trimmed))
            {
                return false;
            }
            throw new IllegalArgumentException(key + " must be true or false: " + value);
        }

        private static void checkTermLength(final String key, final int termLength)
        {
            try
            {
                LogBufferDescriptor.checkTermLength(termLength);
            }
            catch (final IllegalStateException ex)
            {
                throw new IllegalArgumentException(key + ": " + ex.getMessage(), ex);
            }
        }

        private static void requirePositive(final String key, final long value)
        {
            require(value > 0, key + " must be > 0: " + value);
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }

        private void checkNotConcluded()
        {
            if (concluded)
            {
                throw new IllegalStateException("ClearingNode.Context already concluded: build a fresh one");
            }
        }

        private void checkConcluded()
        {
            if (!concluded)
            {
                throw new IllegalStateException("ClearingNode.Context not concluded");
            }
        }
    }
}
