package dev.backstop.ops.cluster;

import dev.backstop.clearing.node.ClearingNodeConfiguration;
import dev.backstop.ops.process.JavaCommand;
import dev.backstop.ops.process.JavaProcess;
import dev.backstop.ops.process.ProcessGroup;
import io.aeron.cluster.ClusterTool;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Backstop cluster on this machine: one OS process per clearing node and one gateway process, each started
 * from {@code ops/config} with system-property overrides that give it a fresh directory under a run directory
 * and a port range of its own, so a demo, a test and a long-running cluster can share a machine.
 * <p>
 * The leader is found the way an operator would with {@code ClusterTool <cluster-dir> is-leader}: the node's mark
 * file names its media driver, whose counters hold the node role and election state.
 */
public final class LocalCluster implements AutoCloseable
{
    /**
     * Members of the cluster; the configs in {@code ops/config} describe three.
     */
    public static final int MEMBER_COUNT = 3;

    /**
     * Offset of the gateway's block of ports from the cluster's port base (9000 + 400 = 9400).
     */
    public static final int GATEWAY_PORT_OFFSET = 400;

    /**
     * Offset of the metrics ports from the cluster's port base: node i at + 500 + i, the gateway at + 510.
     */
    public static final int METRICS_PORT_OFFSET = 500;

    /**
     * Offset of the gateway's metrics port from the cluster's port base (9000 + 510 = 9510).
     */
    public static final int GATEWAY_METRICS_PORT_OFFSET = METRICS_PORT_OFFSET + 10;

    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    private final Context ctx;
    private final ProcessGroup processes;
    private final JavaProcess[] nodes = new JavaProcess[MEMBER_COUNT];
    private JavaProcess gateway;

    /**
     * @param ctx concluded by this constructor.
     */
    public LocalCluster(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.processes = new ProcessGroup(ctx.stopGraceMs);
    }

    /**
     * @return the configuration.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Start every node process (they elect a leader among themselves).
     */
    public void startNodes()
    {
        for (int i = 0; i < MEMBER_COUNT; i++)
        {
            startNode(i);
        }
    }

    /**
     * Metrics port of a node: {@code portBase + 500 + memberId}, outside every port the cluster and gateway use
     * (9500-9502 for the local demo, matching ops/config and ops/monitoring/prometheus.yml).
     *
     * @param portBase port base of the cluster.
     * @param memberId 0 to 2.
     * @return the node's metrics port.
     */
    public static int nodeMetricsPort(final int portBase, final int memberId)
    {
        return portBase + METRICS_PORT_OFFSET + memberId;
    }

    /**
     * Start one node process with a fresh run directory.
     *
     * @param memberId 0 to 2.
     * @return the process.
     */
    public JavaProcess startNode(final int memberId)
    {
        final Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(ClearingNodeConfiguration.NODE_ID_PROP, Integer.toString(memberId));
        overrides.put(ClearingNodeConfiguration.PORT_BASE_PROP, Integer.toString(ctx.portBase));
        overrides.put(ClearingNodeConfiguration.BASE_DIR_PROP, nodeDir(memberId).toString());
        overrides.put(ClearingNodeConfiguration.AERON_DIR_PROP, nodeAeronDir(memberId).toString());
        overrides.put(ClearingNodeConfiguration.DELETE_DIRS_ON_START_PROP, "true");
        overrides.put(
            ClearingNodeConfiguration.METRICS_PORT_PROP, Integer.toString(nodeMetricsPort(ctx.portBase, memberId)));
        overrides.putAll(ctx.nodeOverrides);

        final String name = "node-" + memberId;
        final List<String> command = JavaCommand.command(
            ctx.nodeHeap,
            ctx.jvmOptions,
            overrides,
            ctx.classPath,
            launcherArgs("node", nodeConfig(memberId)));

        nodes[memberId] = own(JavaProcess.start(name, command, ctx.runDir.resolve(name + ".log"), ctx.workingDir));
        return nodes[memberId];
    }

    /**
     * Start the gateway process.
     *
     * @return the process.
     */
    public JavaProcess startGateway()
    {
        final Map<String, String> overrides = new LinkedHashMap<>(GatewayPorts.overrides(ctx, gatewayAeronDir()));
        overrides.putAll(ctx.gatewayOverrides);

        final List<String> command = JavaCommand.command(
            ctx.gatewayHeap,
            ctx.jvmOptions,
            overrides,
            ctx.classPath,
            launcherArgs("gateway", ctx.configDir.resolve("gateway.properties")));

        gateway = own(JavaProcess.start("gateway", command, ctx.runDir.resolve("gateway.log"), ctx.workingDir));
        return gateway;
    }

    private List<String> launcherArgs(final String subcommand, final Path config)
    {
        // a detached cluster must outlive the command that started it, so its children do not watch their parent
        return ctx.detached ?
            List.of(subcommand, "--config", config.toString()) :
            List.of(subcommand, "--config", config.toString(), "--exit-with-parent", ownPid());
    }

    private JavaProcess own(final JavaProcess process)
    {
        return ctx.detached ? process : processes.add(process);
    }

    /**
     * @param memberId 0 to 2.
     * @return the node's process, null before it is started.
     */
    public JavaProcess node(final int memberId)
    {
        return nodes[memberId];
    }

    /**
     * @return the gateway's process, null before it is started.
     */
    public JavaProcess gateway()
    {
        return gateway;
    }

    /**
     * @param memberId 0 to 2.
     * @return the node's persistent directory (cluster and archive).
     */
    public Path nodeDir(final int memberId)
    {
        return ctx.runDir.resolve("node-" + memberId);
    }

    /**
     * @param memberId 0 to 2.
     * @return the node's consensus module directory, where its cluster mark file lives.
     */
    public Path clusterDir(final int memberId)
    {
        return nodeDir(memberId).resolve("cluster");
    }

    /**
     * @param memberId 0 to 2.
     * @return the node's media driver directory.
     */
    public Path nodeAeronDir(final int memberId)
    {
        return ctx.aeronDirRoot.resolve(ctx.aeronDirPrefix + "-node-" + memberId);
    }

    /**
     * @return the gateway's media driver directory.
     */
    public Path gatewayAeronDir()
    {
        return ctx.aeronDirRoot.resolve(ctx.aeronDirPrefix + "-gateway");
    }

    /**
     * @return the ingress endpoint exchanges and members send to, {@code host:port}.
     */
    public String gatewayEndpoint()
    {
        return GatewayPorts.exchangeEndpoint(ctx.portBase);
    }

    /**
     * @return the event stream's multi-destination control endpoint, {@code host:port}.
     */
    public String eventControlEndpoint()
    {
        return GatewayPorts.eventControlEndpoint(ctx.portBase);
    }

    /**
     * A port in the gateway's block that clients of this cluster may use for their replies.
     *
     * @param index 0 to 49.
     * @return the port.
     */
    public int clientReplyPort(final int index)
    {
        return GatewayPorts.clientReplyPort(ctx.portBase, index);
    }

    /**
     * The live node that is leader of a closed election, as {@code ClusterTool is-leader} reports it.
     *
     * @return member id of the leader, or -1 when there is none right now.
     */
    public int findLeader()
    {
        for (int i = 0; i < MEMBER_COUNT; i++)
        {
            final JavaProcess node = nodes[i];
            final boolean running = ctx.detached ? null == node || node.isAlive() : null != node && node.isAlive();
            if (running && isLeader(i))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Wait until a live node is leader, failing fast when a node or the gateway has died unexpectedly.
     *
     * @param timeoutMs how long to wait.
     * @param excluded  member id that must not count (a node just killed), or -1.
     * @return member id of the leader.
     */
    public int awaitLeader(final long timeoutMs, final int excluded)
    {
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            final int leader = findLeader();
            if (leader >= 0 && leader != excluded)
            {
                return leader;
            }
            checkAlive(excluded);
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new IllegalStateException("no leader after " + timeoutMs + " ms; see logs in " + ctx.runDir);
            }
            sleep(100);
        }
    }

    /**
     * Throw, with the tail of its log, if a process that should run has ended.
     *
     * @param excluded member id that is expected to be dead, or -1.
     */
    public void checkAlive(final int excluded)
    {
        for (int i = 0; i < MEMBER_COUNT; i++)
        {
            if (i != excluded && null != nodes[i] && !nodes[i].isAlive())
            {
                throw new IllegalStateException(describeDeath(nodes[i]));
            }
        }
        if (null != gateway && !gateway.isAlive())
        {
            throw new IllegalStateException(describeDeath(gateway));
        }
    }

    /**
     * SIGKILL a node: a machine lost without warning.
     *
     * @param memberId 0 to 2.
     */
    public void killNode(final int memberId)
    {
        nodes[memberId].kill();
    }

    /**
     * Stop every process (SIGTERM, grace period, SIGKILL) and remove the media driver directories, which hold no
     * state worth keeping; logs and the nodes' cluster and archive directories stay in the run directory.
     */
    public void close()
    {
        processes.close();
        if (!ctx.detached && !ctx.aeronDirRoot.equals(ctx.runDir))
        {
            for (int i = 0; i < MEMBER_COUNT; i++)
            {
                deleteRecursively(nodeAeronDir(i));
            }
            deleteRecursively(gatewayAeronDir());
        }
    }

    private boolean isLeader(final int memberId)
    {
        final Path clusterDir = clusterDir(memberId);
        if (!Files.isDirectory(clusterDir))
        {
            return false;
        }
        try
        {
            return 0 == ClusterTool.isLeader(DISCARD, clusterDir.toFile());
        }
        catch (final RuntimeException ex)
        {
            // a node still starting (mark file not yet written) or stopping (driver gone) is not the leader
            return false;
        }
    }

    private Path nodeConfig(final int memberId)
    {
        return ctx.configDir.resolve("node-" + memberId + ".properties");
    }

    private static String describeDeath(final JavaProcess process)
    {
        return process.name() + " exited with status " + process.exitValue() + "; last lines of " +
            process.logFile() + ":\n  " + String.join("\n  ", process.tail(20));
    }

    private static String ownPid()
    {
        return Long.toString(ProcessHandle.current().pid());
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /**
     * Remove media driver directories named {@code backstop-<pid>-...} whose launcher process is gone (a run that was
     * killed before it could clean up), so they do not accumulate in /dev/shm. Directories of live launchers, and
     * anything not named that way, are left alone.
     *
     * @param root directory to look in, e.g. /dev/shm.
     * @return how many were removed.
     */
    public static int removeStaleAeronDirs(final Path root)
    {
        if (!Files.isDirectory(root))
        {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> dirs = Files.list(root))
        {
            for (final Path dir : (Iterable<Path>)dirs::iterator)
            {
                final String name = dir.getFileName().toString();
                if (!name.startsWith("backstop-") || !Files.isDirectory(dir))
                {
                    continue;
                }
                final int end = name.indexOf('-', "backstop-".length());
                final String owner = name.substring("backstop-".length(), end < 0 ? name.length() : end);
                if (owner.isEmpty() || !owner.chars().allMatch(Character::isDigit) || owner.length() > 18)
                {
                    continue;
                }
                final long pid = Long.parseLong(owner);
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                {
                    continue;
                }
                deleteRecursively(dir);
                removed++;
            }
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // best effort: nothing here is needed for the run
        }
        return removed;
    }

    /**
     * Delete a directory tree, ignoring what has already gone.
     *
     * @param dir to delete.
     */
    public static void deleteRecursively(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(
                (path) ->
                {
                    try
                    {
                        Files.deleteIfExists(path);
                    }
                    catch (final IOException ignore)
                    {
                        // best effort: a file held open by a dying process goes with the process
                    }
                });
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // best effort, as above
        }
    }

    /**
     * Where and how the local cluster runs. Defaults suit {@code backstop demo} from the repository root.
     */
    public static final class Context
    {
        private Path configDir;
        private Path runDir;
        private Path workingDir;
        private Path aeronDirRoot;
        private String aeronDirPrefix;
        private int portBase = ClearingNodeConfiguration.PORT_BASE_DEFAULT;
        private String classPath;
        private String nodeHeap = "256m";
        private String gatewayHeap = "256m";
        private List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> nodeOverrides = new LinkedHashMap<>();
        private final Map<String, String> gatewayOverrides = new LinkedHashMap<>();
        private long stopGraceMs = ProcessGroup.DEFAULT_GRACE_MS;
        private boolean detached;
        private boolean concluded;

        /**
         * Validate and fill in defaults; creates the run directory.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("Context already concluded");
            }
            concluded = true;

            if (null == configDir)
            {
                throw new IllegalArgumentException("configDir is required");
            }
            configDir = configDir.toAbsolutePath().normalize();
            for (int i = 0; i < MEMBER_COUNT; i++)
            {
                requireFile(configDir.resolve("node-" + i + ".properties"));
            }
            requireFile(configDir.resolve("gateway.properties"));

            if (null == runDir)
            {
                throw new IllegalArgumentException("runDir is required");
            }
            runDir = runDir.toAbsolutePath().normalize();
            if (portBase < 1024 || portBase + GATEWAY_METRICS_PORT_OFFSET > 65535)
            {
                throw new IllegalArgumentException("portBase out of range: " + portBase);
            }
            if (null == workingDir)
            {
                workingDir = runDir;
            }
            workingDir = workingDir.toAbsolutePath().normalize();
            if (null == classPath || classPath.isBlank())
            {
                classPath = JavaCommand.classPath();
            }
            if (null == aeronDirRoot)
            {
                final Path shm = Path.of("/dev/shm");
                aeronDirRoot = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : runDir;
            }
            aeronDirRoot = aeronDirRoot.toAbsolutePath().normalize();
            if (null == aeronDirPrefix)
            {
                // the launcher's pid first, so tooling can tell a stale directory (launcher gone) from a live one
                aeronDirPrefix = "backstop-" + ProcessHandle.current().pid() + "-" + portBase;
            }

            try
            {
                Files.createDirectories(runDir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("could not create " + runDir, ex);
            }
            return this;
        }

        private static void requireFile(final Path file)
        {
            if (!Files.isRegularFile(file))
            {
                throw new IllegalArgumentException("missing config file: " + file);
            }
        }

        /**
         * @param configDir directory holding node-0..2.properties and gateway.properties.
         * @return this.
         */
        public Context configDir(final Path configDir)
        {
            this.configDir = configDir;
            return this;
        }

        /**
         * @return directory holding the configs.
         */
        public Path configDir()
        {
            return configDir;
        }

        /**
         * @param runDir fresh directory for node state and logs.
         * @return this.
         */
        public Context runDir(final Path runDir)
        {
            this.runDir = runDir;
            return this;
        }

        /**
         * @return directory for node state and logs.
         */
        public Path runDir()
        {
            return runDir;
        }

        /**
         * @param workingDir working directory of the children (default the run directory).
         * @return this.
         */
        public Context workingDir(final Path workingDir)
        {
            this.workingDir = workingDir;
            return this;
        }

        /**
         * @param aeronDirRoot where media driver directories go (default /dev/shm, else the run directory).
         * @return this.
         */
        public Context aeronDirRoot(final Path aeronDirRoot)
        {
            this.aeronDirRoot = aeronDirRoot;
            return this;
        }

        /**
         * @return where media driver directories go.
         */
        public Path aeronDirRoot()
        {
            return aeronDirRoot;
        }

        /**
         * @param aeronDirPrefix prefix of the media driver directory names (default {@code backstop-<pid>-<portBase>}).
         * @return this.
         */
        public Context aeronDirPrefix(final String aeronDirPrefix)
        {
            this.aeronDirPrefix = aeronDirPrefix;
            return this;
        }

        /**
         * A detached cluster outlives this JVM: its children do not exit with their launcher, are not stopped by
         * {@link LocalCluster#close()}, and keep their media driver directories; a cluster found by its run directory
         * (no processes of this JVM) counts every node whose cluster dir says it leads.
         *
         * @param detached true for {@code backstop cluster start} and {@code demo --attach}.
         * @return this.
         */
        public Context detached(final boolean detached)
        {
            this.detached = detached;
            return this;
        }

        /**
         * @return true when the cluster outlives this JVM.
         */
        public boolean detached()
        {
            return detached;
        }

        /**
         * @return prefix of this cluster's media driver directory names, {@code backstop-<pid>-<portBase>}.
         */
        public String aeronDirPrefix()
        {
            return aeronDirPrefix;
        }

        /**
         * @param portBase node i uses portBase + 100 i .. + 99, the gateway portBase + 400 .. + 499.
         * @return this.
         */
        public Context portBase(final int portBase)
        {
            this.portBase = portBase;
            return this;
        }

        /**
         * @return the port base.
         */
        public int portBase()
        {
            return portBase;
        }

        /**
         * @param classPath class path of the children (default this JVM's).
         * @return this.
         */
        public Context classPath(final String classPath)
        {
            this.classPath = classPath;
            return this;
        }

        /**
         * @param nodeHeap -Xmx of each node, e.g. 256m.
         * @return this.
         */
        public Context nodeHeap(final String nodeHeap)
        {
            this.nodeHeap = nodeHeap;
            return this;
        }

        /**
         * @param gatewayHeap -Xmx of the gateway.
         * @return this.
         */
        public Context gatewayHeap(final String gatewayHeap)
        {
            this.gatewayHeap = gatewayHeap;
            return this;
        }

        /**
         * @param jvmOptions extra JVM options for every child.
         * @return this.
         */
        public Context jvmOptions(final List<String> jvmOptions)
        {
            this.jvmOptions = new ArrayList<>(jvmOptions);
            return this;
        }

        /**
         * @param key   a {@code backstop.node.*} key.
         * @param value its value for every node, overriding the files.
         * @return this.
         */
        public Context nodeOverride(final String key, final String value)
        {
            nodeOverrides.put(key, value);
            return this;
        }

        /**
         * @param key   a gateway key.
         * @param value its value, overriding the file.
         * @return this.
         */
        public Context gatewayOverride(final String key, final String value)
        {
            gatewayOverrides.put(key, value);
            return this;
        }

        /**
         * @param stopGraceMs how long children may take to stop after SIGTERM.
         * @return this.
         */
        public Context stopGraceMs(final long stopGraceMs)
        {
            this.stopGraceMs = stopGraceMs;
            return this;
        }
    }
}
