package dev.backstop.ops.command;

import dev.backstop.gateway.client.Ledger;
import dev.backstop.ops.cluster.ClusterRun;
import dev.backstop.ops.cluster.LedgerProbe;
import dev.backstop.ops.cluster.LocalCluster;
import dev.backstop.ops.cluster.NodeCounters;
import dev.backstop.ops.process.JavaProcess;
import io.aeron.cluster.ClusterTool;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code backstop cluster start|stop|status}: a local three-node cluster and its gateway as detached background
 * processes that outlive the command, found again through their run directory (pid files, logs, node state).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Start, inspect and stop a local three-node cluster and gateway running in the background.",
    subcommands = { ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class })
public final class ClusterCommand implements Callable<Integer>
{
    /**
     * Exit code when there is no cluster in the run directory, or it is not healthy.
     */
    static final int NOT_RUNNING = 1;

    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    public Integer call()
    {
        System.err.println("backstop cluster: missing subcommand (start, stop or status)");
        return 2;
    }

    /**
     * {@code cluster start}: launch nodes and gateway detached, wait for a leader, record pids.
     */
    @Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start three nodes and a gateway in the background; returns once a leader is elected.")
    static final class Start implements Callable<Integer>
    {
        @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Logs, pid files and node state (default run/cluster under the repository).")
        Path runDir;

        @Option(names = "--port-base", paramLabel = "PORT", defaultValue = "9000",
            description = "Node i uses PORT + 100 i .. + 99, the gateway PORT + 400 .. + 499 (default ${DEFAULT-VALUE}).")
        int portBase;

        @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Directory with node-0..2.properties and gateway.properties (default ops/config).")
        Path configDir;

        @Option(names = "--node-heap", paramLabel = "SIZE", defaultValue = "256m",
            description = "-Xmx of each node process (default ${DEFAULT-VALUE}).")
        String nodeHeap;

        @Option(names = "--class-path", hidden = true, paramLabel = "CP",
            description = "Class path of the children (default this JVM's; tests pass their own).")
        String classPath;

        @Option(names = "--timeout", paramLabel = "MS", defaultValue = "90000",
            description = "How long to wait for a leader (default ${DEFAULT-VALUE} ms).")
        long timeoutMs;

        public Integer call()
        {
            final Path run = runDir(runDir);
            final Optional<ClusterRun> existing = ClusterRun.open(run);
            if (existing.isPresent() && anyAlive(existing.get()))
            {
                System.err.println("backstop cluster start: a cluster is already running in " + run +
                    " (backstop cluster stop --run-dir " + run + ")");
                return NOT_RUNNING;
            }
            final LocalCluster.Context ctx = new LocalCluster.Context()
                .configDir(null != configDir ? configDir : Home.path().resolve("ops").resolve("config"))
                .runDir(run)
                .portBase(portBase)
                .nodeHeap(nodeHeap)
                .gatewayHeap(nodeHeap)
                .classPath(classPath)
                .aeronDirPrefix(ClusterRun.detachedAeronDirPrefix(portBase))
                .detached(true);
            final LocalCluster cluster = new LocalCluster(ctx);
            final ClusterRun clusterRun = ClusterRun.create(ctx);
            for (int i = 0; i < LocalCluster.MEMBER_COUNT; i++)
            {
                final JavaProcess node = cluster.startNode(i);
                clusterRun.writePid(node.name(), node.pid());
                System.out.println("started " + node.name() + " (pid " + node.pid() + ", log " + node.logFile() + ")");
            }
            try
            {
                final int leader = cluster.awaitLeader(timeoutMs, -1);
                System.out.println("node-" + leader + " is the leader");
                final JavaProcess gateway = cluster.startGateway();
                clusterRun.writePid(gateway.name(), gateway.pid());
                System.out.println("started gateway (pid " + gateway.pid() + ", log " + gateway.logFile() +
                    "): exchanges send to " + cluster.gatewayEndpoint() + ", events via " +
                    cluster.eventControlEndpoint());
            }
            catch (final RuntimeException ex)
            {
                System.err.println("backstop cluster start: " + ex.getMessage() + "; stopping what was started");
                terminateAll(clusterRun, 10_000, System.err);
                return NOT_RUNNING;
            }
            System.out.println("cluster running in " + run + "; ports " + portBase + "-" +
                (portBase + LocalCluster.GATEWAY_PORT_OFFSET + 99));
            return 0;
        }
    }

    /**
     * {@code cluster status}: each node's role, term, commit position and snapshot count, and the gateway.
     */
    @Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "Show each node's role, leadership term, commit position and snapshot count (read from the node's "
                + "CnC counters) and whether the gateway is up.",
            "Exit status 0 when one leader and two followers are up, 1 otherwise."
        })
    static final class Status implements Callable<Integer>
    {
        @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory given to cluster start.")
        Path runDir;

        @Option(names = "--digest", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Query the ledger's state digest through the gateway as the operator (default "
                + "${DEFAULT-VALUE}).")
        boolean digest;

        @Option(names = "--timeout", paramLabel = "MS", defaultValue = "5000",
            description = "How long the ledger query may take (default ${DEFAULT-VALUE} ms).")
        long timeoutMs;

        public Integer call()
        {
            final Optional<ClusterRun> found = ClusterRun.open(runDir(runDir));
            if (found.isEmpty())
            {
                System.out.println("no cluster in " + runDir(runDir));
                return NOT_RUNNING;
            }
            final ClusterRun run = found.get();
            int leaders = 0;
            int followers = 0;
            System.out.printf("%-8s %-8s %-10s %-6s %-16s %-9s %s%n",
                "process", "pid", "role", "term", "commit-position", "snapshots", "state");
            for (int i = 0; i < LocalCluster.MEMBER_COUNT; i++)
            {
                final String name = "node-" + i;
                final Optional<ProcessHandle> process = run.process(name);
                final NodeCounters counters = process.isPresent() ? NodeCounters.read(run.nodeAeronDir(i)) : null;
                if (null == counters)
                {
                    System.out.printf("%-8s %-8s %s%n", name, pidText(run, name, process),
                        process.isPresent() ? "up, no cluster counters yet" : "DOWN");
                    continue;
                }
                if (Cluster.Role.LEADER == counters.role())
                {
                    leaders++;
                }
                else if (Cluster.Role.FOLLOWER == counters.role())
                {
                    followers++;
                }
                System.out.printf("%-8s %-8s %-10s %-6d %-16d %-9d %s%n", name, pidText(run, name, process),
                    counters.role(), counters.leadershipTermId(), counters.commitPosition(),
                    counters.snapshotCount(), stateName(counters.consensusModuleState()));
            }
            final Optional<ProcessHandle> gateway = run.process("gateway");
            System.out.printf("%-8s %-8s %s%n", "gateway", pidText(run, "gateway", gateway),
                gateway.isPresent() ? "up" : "DOWN");
            if (digest && gateway.isPresent())
            {
                printDigest(run, timeoutMs);
            }
            final boolean healthy = 1 == leaders && 2 == followers && gateway.isPresent();
            System.out.println(healthy ? "cluster healthy: 1 leader, 2 followers, gateway up" :
                "cluster NOT healthy: " + leaders + " leader(s), " + followers + " follower(s), gateway " +
                (gateway.isPresent() ? "up" : "down"));
            return healthy ? 0 : NOT_RUNNING;
        }
    }

    /**
     * {@code cluster stop}: snapshot on the leader, then SIGTERM, wait, SIGKILL, remove pid files.
     */
    @Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Take a snapshot on the leader, then stop every process (SIGTERM, grace period, SIGKILL).")
    static final class Stop implements Callable<Integer>
    {
        @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory given to cluster start.")
        Path runDir;

        @Option(names = "--snapshot", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Snapshot on the leader before stopping (default ${DEFAULT-VALUE}).")
        boolean snapshot;

        @Option(names = "--grace", paramLabel = "MS", defaultValue = "15000",
            description = "How long processes may take to exit after SIGTERM (default ${DEFAULT-VALUE} ms).")
        long graceMs;

        public Integer call()
        {
            final Optional<ClusterRun> found = ClusterRun.open(runDir(runDir));
            if (found.isEmpty())
            {
                System.out.println("no cluster in " + runDir(runDir));
                return NOT_RUNNING;
            }
            final ClusterRun run = found.get();
            boolean clean = true;
            if (snapshot)
            {
                final int leader = leader(run);
                if (leader < 0)
                {
                    System.out.println("no leader: stopping without a snapshot");
                    clean = false;
                }
                else if (ClusterTool.snapshot(run.clusterDir(leader).toFile(), System.out))
                {
                    System.out.println("snapshot taken on node-" + leader);
                }
                else
                {
                    System.out.println("snapshot on node-" + leader + " FAILED; stopping anyway");
                    clean = false;
                }
            }
            clean &= terminateAll(run, graceMs, System.out);
            System.out.println("cluster stopped; logs and node state remain in " + run.runDir());
            return clean ? 0 : NOT_RUNNING;
        }
    }

    /**
     * The member whose cluster dir says it leads, among nodes whose process is alive.
     *
     * @param run the cluster.
     * @return member id, or -1.
     */
    static int leader(final ClusterRun run)
    {
        for (int i = 0; i < LocalCluster.MEMBER_COUNT; i++)
        {
            if (run.process("node-" + i).isPresent() && isLeader(run, i))
            {
                return i;
            }
        }
        return -1;
    }

    static boolean isLeader(final ClusterRun run, final int memberId)
    {
        final Path clusterDir = run.clusterDir(memberId);
        try
        {
            return Files.isDirectory(clusterDir) && 0 == ClusterTool.isLeader(DISCARD, clusterDir.toFile());
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    static Path runDir(final Path runDir)
    {
        return (null != runDir ? runDir : Home.path().resolve("run").resolve("cluster")).toAbsolutePath().normalize();
    }

    private static boolean anyAlive(final ClusterRun run)
    {
        for (final String name : ClusterRun.PROCESS_NAMES)
        {
            if (run.process(name).isPresent())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * SIGTERM every recorded process (gateway first, so it does not chase a vanishing cluster), wait one shared
     * grace period, SIGKILL stragglers and their children, then remove pid files and media driver directories.
     *
     * @return true when every process ended on SIGTERM.
     */
    static boolean terminateAll(final ClusterRun run, final long graceMs, final PrintStream out)
    {
        final List<ProcessHandle> live = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (int i = ClusterRun.PROCESS_NAMES.length - 1; i >= 0; i--)
        {
            final String name = ClusterRun.PROCESS_NAMES[i];
            final Optional<ProcessHandle> process = run.process(name);
            if (process.isPresent())
            {
                process.get().destroy();
                live.add(process.get());
                names.add(name);
                out.println("SIGTERM " + name + " (pid " + process.get().pid() + ")");
            }
        }
        final long deadlineMs = System.currentTimeMillis() + graceMs;
        boolean clean = true;
        for (int i = 0; i < live.size(); i++)
        {
            final ProcessHandle process = live.get(i);
            while (process.isAlive() && System.currentTimeMillis() < deadlineMs)
            {
                sleep(50);
            }
            if (process.isAlive())
            {
                clean = false;
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                out.println("SIGKILL " + names.get(i) + " (pid " + process.pid() + "): still running after " +
                    graceMs + " ms");
                final long killDeadlineMs = System.currentTimeMillis() + 5_000;
                while (process.isAlive() && System.currentTimeMillis() < killDeadlineMs)
                {
                    sleep(50);
                }
            }
        }
        for (final String name : ClusterRun.PROCESS_NAMES)
        {
            try
            {
                Files.deleteIfExists(run.pidFile(name));
            }
            catch (final java.io.IOException ignore)
            {
                // best effort: a stale pid file names a dead process and is ignored
            }
        }
        for (final Path dir : run.aeronDirs())
        {
            LocalCluster.deleteRecursively(dir);
        }
        return clean;
    }

    private static void printDigest(final ClusterRun run, final long timeoutMs)
    {
        try
        {
            final Ledger ledger = LedgerProbe.query(run, timeoutMs);
            System.out.println("state digest: " + ledger.stateDigest() + " (QueryLedger as operator " +
                LedgerProbe.OPERATOR_ID + ": term " + ledger.leadershipTermId() + ", " + ledger.tradesCleared() +
                " trades cleared, " + ledger.accountCount() + " accounts, event sequence " + ledger.eventSequence() +
                ")");
        }
        catch (final RuntimeException ex)
        {
            System.out.println("state digest: unavailable (" + ex.getMessage() + ")");
        }
    }

    private static String pidText(final ClusterRun run, final String name, final Optional<ProcessHandle> process)
    {
        return process.map((p) -> Long.toString(p.pid())).orElse(run.readPid(name) > 0 ? "dead" : "-");
    }

    private static String stateName(final long code)
    {
        try
        {
            return ConsensusModule.State.get(code).name();
        }
        catch (final RuntimeException ex)
        {
            return Long.toString(code);
        }
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
        }
    }
}
