package dev.backstop.clearing.node;

import io.aeron.cluster.ClusterControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code backstop.node.snapshotIntervalMs} on a three-node cluster: every member takes the snapshots the leader asks
 * for, at the same log positions, and only the leader ever asks: a follower's control toggle is never read by its
 * consensus module (which keeps it INACTIVE there), so a follower's toggle found at SNAPSHOT at any sample would mean
 * a second member asking. After the leader is lost the new leader takes over the schedule.
 */
class PeriodicSnapshotClusterTest
{
    // Shares the clearing-node test range with ClearingClusterTest's second cluster; test classes run one at a time.
    private static final int PORT_BASE = 20400;
    private static final long INTERVAL_MS = 400;
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyMemberSnapshotsOnTheLeadersScheduleAndOnlyTheLeaderAsks() throws InterruptedException
    {
        final File dir = new File("target/clearing-node-test/periodic-cluster");
        try (InProcessCluster cluster = InProcessCluster.start(
            PORT_BASE, dir, 3, (context) -> context.snapshotIntervalMs(INTERVAL_MS)))
        {
            final int leader = cluster.awaitLeader(AWAIT);
            awaitSnapshotsOnEveryRunningMember(cluster, leader, 3);

            cluster.stopNode(leader);
            final int newLeader = cluster.awaitNewLeader(leader, AWAIT);
            assertNotEquals(leader, newLeader);
            final long before = cluster.node(newLeader).snapshotCount();
            awaitSnapshotsOnEveryRunningMember(cluster, newLeader, before + 2);
        }
    }

    /**
     * Waits until every running member has taken {@code atLeast} snapshots and all agree on the count, checking at
     * each sample that no member but the leader has set its snapshot toggle.
     */
    private static void awaitSnapshotsOnEveryRunningMember(
        final InProcessCluster cluster, final int leader, final long atLeast) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
        while (true)
        {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < cluster.memberCount(); i++)
            {
                if (!cluster.isRunning(i))
                {
                    continue;
                }
                final ClearingNode node = cluster.node(i);
                if (i != leader)
                {
                    assertNotEquals(ClusterControl.ToggleState.SNAPSHOT, toggleState(node),
                        "follower " + i + " must never ask for a snapshot");
                }
                final long count = node.snapshotCount();
                min = Math.min(min, count);
                max = Math.max(max, count);
            }
            if (min >= atLeast && min == max)
            {
                return;
            }
            assertTrue(System.nanoTime() - deadlineNs < 0,
                "members did not reach " + atLeast + " snapshots together: min " + min + ", max " + max);
            Thread.sleep(20);
        }
    }

    private static ClusterControl.ToggleState toggleState(final ClearingNode node)
    {
        return ClusterControl.ToggleState.get(
            node.clusteredMediaDriver().consensusModule().context().controlToggleCounter());
    }
}
