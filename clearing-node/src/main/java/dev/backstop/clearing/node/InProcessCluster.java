package dev.backstop.clearing.node;

import dev.backstop.clearing.service.ClearingService;
import dev.backstop.clearing.service.StateReport;
import org.agrona.CloseHelper;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A whole Backstop cluster inside one JVM, for tests of the clearing node, the gateway and ops: N
 * {@link ClearingNode}s on loopback, each with its own directories under one base directory and its own media
 * driver directory.
 * <p>
 * Members can be stopped (closed, as a crash would look to the others) and restarted with fresh contexts on the same
 * directories, so a restarted member recovers from its latest snapshot plus the log. The first start deletes any
 * previous state; restarts keep it.
 * <p>
 * Tuned for tests on a small box: 2.5 s leader heartbeat timeout, backoff idling, small buffers. Not thread-safe:
 * drive it from one test thread.
 */
public final class InProcessCluster implements AutoCloseable
{
    /**
     * Members in a default cluster.
     */
    public static final int DEFAULT_MEMBER_COUNT = 3;

    private static final long POLL_INTERVAL_MS = 20;

    private final int portBase;
    private final int memberCount;
    private final File baseDir;
    private final Consumer<ClearingNode.Context> customiser;
    private final ClearingNode[] nodes;

    private InProcessCluster(
        final int portBase, final File baseDir, final int memberCount, final Consumer<ClearingNode.Context> customiser)
    {
        this.portBase = portBase;
        this.memberCount = memberCount;
        this.baseDir = baseDir.getAbsoluteFile();
        this.customiser = customiser;
        this.nodes = new ClearingNode[memberCount];
    }

    /**
     * Starts three members from a clean state.
     *
     * @param portBase port base (member i uses portBase + 100 * i ...).
     * @param baseDir  directory for every member's state ({@code baseDir/node-i}).
     * @return the running cluster (await the leader before use).
     */
    public static InProcessCluster start(final int portBase, final File baseDir)
    {
        return start(portBase, baseDir, DEFAULT_MEMBER_COUNT, null);
    }

    /**
     * Starts {@code memberCount} members from a clean state.
     *
     * @param portBase    port base.
     * @param baseDir     directory for every member's state.
     * @param memberCount number of members.
     * @param customiser  applied to each member's context after the defaults (on every start), may be null.
     * @return the running cluster.
     */
    public static InProcessCluster start(
        final int portBase,
        final File baseDir,
        final int memberCount,
        final Consumer<ClearingNode.Context> customiser)
    {
        final InProcessCluster cluster = new InProcessCluster(portBase, baseDir, memberCount, customiser);
        try
        {
            for (int i = 0; i < memberCount; i++)
            {
                cluster.nodes[i] = ClearingNode.launch(cluster.newContext(i, true));
            }
        }
        catch (final RuntimeException ex)
        {
            cluster.close();
            throw ex;
        }
        return cluster;
    }

    /**
     * @return members in the cluster.
     */
    public int memberCount()
    {
        return memberCount;
    }

    /**
     * @return the port base.
     */
    public int portBase()
    {
        return portBase;
    }

    /**
     * @return the directory holding every member's state.
     */
    public File baseDir()
    {
        return baseDir;
    }

    /**
     * @return ingress endpoints for {@code AeronCluster.Context.ingressEndpoints}.
     */
    public String ingressEndpoints()
    {
        return ClusterTopology.ingressEndpoints(ClusterTopology.DEFAULT_HOSTNAME, portBase, memberCount);
    }

    /**
     * @return the consensus module's members string.
     */
    public String clusterMembers()
    {
        return ClusterTopology.clusterMembers(ClusterTopology.DEFAULT_HOSTNAME, portBase, memberCount);
    }

    /**
     * @param index member id.
     * @return the running member, or null when it is stopped.
     */
    public ClearingNode node(final int index)
    {
        return nodes[index];
    }

    /**
     * @param index member id.
     * @return true when the member is running.
     */
    public boolean isRunning(final int index)
    {
        return null != nodes[index];
    }

    /**
     * @param index member id.
     * @return the running member's clearing service.
     * @throws IllegalStateException when the member is stopped.
     */
    public ClearingService service(final int index)
    {
        return running(index).service();
    }

    /**
     * @return id of the current leader among running members, or -1 when none is active.
     */
    public int leaderIndex()
    {
        for (int i = 0; i < memberCount; i++)
        {
            final ClearingNode node = nodes[i];
            if (null != node && node.isLeader())
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Waits for an active leader.
     *
     * @param timeout how long to wait.
     * @return the leader's member id.
     * @throws IllegalStateException on timeout.
     */
    public int awaitLeader(final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final int leader = leaderIndex();
            if (leader >= 0)
            {
                return leader;
            }
            checkDeadline(deadlineNs, "no leader elected within " + timeout);
            sleep();
        }
    }

    /**
     * Waits for an active leader other than {@code formerLeader} (after stopping it, say).
     *
     * @param formerLeader member id that must not be the answer.
     * @param timeout      how long to wait.
     * @return the new leader's member id.
     */
    public int awaitNewLeader(final int formerLeader, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final int leader = leaderIndex();
            if (leader >= 0 && leader != formerLeader)
            {
                return leader;
            }
            checkDeadline(deadlineNs, "no new leader elected within " + timeout);
            sleep();
        }
    }

    /**
     * Stops a member (closes it); its directories are kept. Does nothing when already stopped.
     *
     * @param index member id.
     */
    public void stopNode(final int index)
    {
        final ClearingNode node = nodes[index];
        nodes[index] = null;
        CloseHelper.close(node);
    }

    /**
     * Starts a member again with fresh contexts on its kept directories, so it recovers from its latest snapshot
     * and the log. A running member is stopped first.
     *
     * @param index member id.
     * @return the restarted member.
     */
    public ClearingNode restartNode(final int index)
    {
        stopNode(index);
        final ClearingNode node = ClearingNode.launch(newContext(index, false));
        nodes[index] = node;
        return node;
    }

    /**
     * Takes a snapshot on every running member: sets the leader's snapshot toggle (as ClusterTool does) and waits
     * until every running member's snapshot counter has moved.
     *
     * @param timeout how long to wait.
     * @return the leader's snapshot count afterwards.
     */
    public long takeSnapshot(final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final long[] before = new long[memberCount];
        for (int i = 0; i < memberCount; i++)
        {
            before[i] = null != nodes[i] ? nodes[i].snapshotCount() : -1;
        }

        int leader;
        while (true)
        {
            leader = awaitLeader(Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())));
            if (nodes[leader].requestSnapshot())
            {
                break;
            }
            checkDeadline(deadlineNs, "snapshot toggle stayed busy for " + timeout);
            sleep();
        }

        for (int i = 0; i < memberCount; i++)
        {
            final ClearingNode node = nodes[i];
            if (null == node)
            {
                continue;
            }
            while (node.snapshotCount() <= before[i])
            {
                checkDeadline(deadlineNs, "member " + i + " took no snapshot within " + timeout);
                sleep();
            }
        }
        return nodes[leader].snapshotCount();
    }

    /**
     * Asks one running member for its state report.
     *
     * @param index   member id.
     * @param timeout how long to wait for the service thread.
     * @return the report, or null when the service did not answer in time.
     */
    public StateReport stateReport(final int index, final Duration timeout)
    {
        return running(index).service().stateReport(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until every running member reports the same log position and returns their reports. Members at the
     * same log position must hold the same state, so equal positions with different digests fail at once.
     *
     * @param timeout how long to wait for the members to reach the same position.
     * @return one report per running member, all with the same position and digest.
     * @throws IllegalStateException on a digest mismatch or timeout.
     */
    public List<StateReport> awaitConvergence(final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        List<StateReport> last = List.of();
        while (true)
        {
            final List<StateReport> reports = new ArrayList<>();
            boolean complete = true;
            for (int i = 0; i < memberCount; i++)
            {
                if (null != nodes[i])
                {
                    final StateReport report = nodes[i].service().stateReport(1, TimeUnit.SECONDS);
                    if (null == report)
                    {
                        complete = false;
                        break;
                    }
                    reports.add(report);
                }
            }

            if (complete && !reports.isEmpty())
            {
                last = reports;
                final StateReport first = reports.get(0);
                boolean samePosition = true;
                for (final StateReport report : reports)
                {
                    samePosition &= report.logPosition() == first.logPosition();
                }
                if (samePosition)
                {
                    for (final StateReport report : reports)
                    {
                        if (!report.digestHex().equals(first.digestHex()))
                        {
                            throw new IllegalStateException("state digests differ at the same log position: " + reports);
                        }
                    }
                    return reports;
                }
            }

            checkDeadline(deadlineNs, "members did not reach the same log position within " + timeout + ": " + last);
            sleep();
        }
    }

    /**
     * Stops every member.
     */
    public void close()
    {
        for (int i = 0; i < memberCount; i++)
        {
            stopNode(i);
        }
    }

    private ClearingNode running(final int index)
    {
        final ClearingNode node = nodes[index];
        if (null == node)
        {
            throw new IllegalStateException("member " + index + " is stopped");
        }
        return node;
    }

    private ClearingNode.Context newContext(final int index, final boolean cleanStart)
    {
        final ClearingNode.Context context = new ClearingNode.Context()
            .nodeId(index)
            .memberCount(memberCount)
            .hostname(ClusterTopology.DEFAULT_HOSTNAME)
            .portBase(portBase)
            .baseDir(new File(baseDir, "node-" + index))
            .aeronDirectoryName(ClearingNode.Context.defaultAeronDirectoryName(portBase, index))
            .deleteDirsOnStart(cleanStart)
            .leaderHeartbeatTimeoutMs(2500)
            .leaderHeartbeatIntervalMs(200)
            .electionTimeoutMs(1000)
            .electionStatusIntervalMs(100)
            .startupCanvassTimeoutMs(5000)
            .snapshotIntervalMs(0)
            .errorHandler((throwable) -> reportError(index, throwable));
        if (null != customiser)
        {
            customiser.accept(context);
        }
        return context;
    }

    private static void reportError(final int index, final Throwable throwable)
    {
        synchronized (System.err)
        {
            System.err.println("[backstop node " + index + "] " + throwable);
            throwable.printStackTrace(System.err);
        }
    }

    private static void checkDeadline(final long deadlineNs, final String message)
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new IllegalStateException(message);
        }
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(POLL_INTERVAL_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
