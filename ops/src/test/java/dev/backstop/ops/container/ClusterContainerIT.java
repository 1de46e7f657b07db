package dev.backstop.ops.container;

import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The system test of issue 6 in containers: three clearing node containers, a gateway and a trader (the client, in a
 * container of its own on the same internal network) built from ops/docker/Dockerfile. The trader clears a trade
 * every 50 ms throughout while the tests, in order:
 * <ol>
 *     <li>see trades cleared, and take a snapshot on the leader with ClusterTool as an operator would;</li>
 *     <li>disconnect a follower from the network (a partition): clearing goes on without it; reconnected, it catches
 *     up with the leader's log;</li>
 *     <li>pause the other follower ({@code docker pause}): clearing goes on, which needs the member partitioned before
 *     to acknowledge the log, so that member really caught up; resumed, the paused one catches up too;</li>
 *     <li>stop the leader's container ({@code docker stop}): the two others elect a new leader and the trader carries
 *     on; started again, the old leader rejoins and catches up;</li>
 *     <li>stop the trader: the ledger cleared exactly the trades it saw accepted, money is conserved, and all three
 *     members report the same state digest at the same log position.</li>
 * </ol>
 * Nothing is pulled: the image is built on a local base image ({@code -Dbackstop.container.baseImage}, default
 * backstop/base-jre:17 from ops/docker/build-base-image.sh). Without Docker the suite fails, saying so, unless the
 * run opts out with {@code BACKSTOP_SKIP_CONTAINER_TESTS=1} or {@code -Dbackstop.skipContainerTests=true}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisabledIfEnvironmentVariable(named = "BACKSTOP_SKIP_CONTAINER_TESTS", matches = "1|true|yes",
    disabledReason = "container tests skipped on request (BACKSTOP_SKIP_CONTAINER_TESTS)")
@DisabledIfSystemProperty(named = "backstop.skipContainerTests", matches = "true",
    disabledReason = "container tests skipped on request (-Dbackstop.skipContainerTests=true)")
class ClusterContainerIT
{
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final long TRADES_PER_STEP = 40;

    private static ContainerCluster cluster;
    private static int partitioned = -1;

    @BeforeAll
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    static void startCluster()
    {
        if (!DockerClientFactory.instance().isDockerAvailable())
        {
            fail("no Docker engine answers: the container tests need one (start dockerd, or let .ci/run do it). " +
                "To skip them on purpose set BACKSTOP_SKIP_CONTAINER_TESTS=1 or pass -Dbackstop.skipContainerTests=true");
        }

        final String baseImage = System.getProperty("backstop.container.baseImage", "backstop/base-jre:17");
        try
        {
            DockerClientFactory.instance().client().inspectImageCmd(baseImage).exec();
        }
        catch (final NotFoundException ex)
        {
            fail("base image " + baseImage + " is not on this machine and nothing is pulled: build it with " +
                "ops/docker/build-base-image.sh (from Debian packages), or pass -Dbackstop.container.baseImage=<a " +
                "local image with Java 17>");
        }

        final Path opsDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        final Path jar = opsDir.resolve("target/backstop.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the container tests run after `package`");

        cluster = ContainerCluster.start(opsDir, baseImage, opsDir.resolve("target/container-it"));
    }

    @AfterAll
    static void stopCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void clientClearsTradesAndTheOperatorSnapshotsTheLeader()
    {
        awaitMoreTradesAccepted("the trader's first trades");
        final int leader = cluster.awaitLeader(AWAIT);

        // The operator's snapshot in a container: ClusterTool on the leader's node, which every member follows.
        final long before = cluster.snapshotCount(leader);
        final Container.ExecResult snapshot = cluster.clusterTool(leader, "snapshot");
        assertEquals(0, snapshot.getExitCode(), snapshot.getStdout() + snapshot.getStderr());
        for (int i = 0; i < ContainerCluster.MEMBER_COUNT; i++)
        {
            final int member = i;
            awaitTrue(() -> cluster.snapshotCount(member) > before, "node " + member + " took the snapshot");
        }
        final Container.ExecResult log = cluster.clusterTool(leader, "recording-log");
        assertTrue(log.getStdout().contains("SNAPSHOT"), log.getStdout());
    }

    @Test
    @Order(2)
    void aPartitionedFollowerRejoinsAndCatchesUp()
    {
        final int leader = cluster.awaitLeader(AWAIT);
        partitioned = (leader + 1) % ContainerCluster.MEMBER_COUNT;

        cluster.disconnect(partitioned);
        awaitMoreTradesAccepted("with node " + partitioned + " cut off");
        final long stale = cluster.logPosition(partitioned);
        final int leaderNow = cluster.awaitLeaderOtherThan(partitioned, AWAIT);
        assertTrue(stale < cluster.logPosition(leaderNow),
            "node " + partitioned + " cannot follow the log while cut off: it is at " + stale);

        cluster.reconnect(partitioned);
        awaitCaughtUp(partitioned);
    }

    @Test
    @Order(3)
    void aPausedFollowerResumesAndCatchesUp()
    {
        assertNotEquals(-1, partitioned, "runs after the partition test");
        final int leader = cluster.awaitLeaderOtherThan(partitioned, AWAIT);
        final int paused = otherThan(leader, partitioned);

        cluster.pause(paused);
        try
        {
            // The leader needs a second member to commit: the one partitioned before, so it has the whole log.
            awaitMoreTradesAccepted("with node " + paused + " paused and node " + partitioned + " back");
        }
        finally
        {
            cluster.unpause(paused);
        }
        awaitCaughtUp(paused);
    }

    @Test
    @Order(4)
    void clientCarriesOnWhenTheLeaderContainerIsStopped()
    {
        final int leader = cluster.awaitLeader(AWAIT);
        cluster.stop(leader);
        final int newLeader = cluster.awaitLeaderOtherThan(leader, AWAIT);
        assertNotEquals(leader, newLeader);
        awaitMoreTradesAccepted("after node " + leader + ", the leader, was stopped");

        cluster.restart(leader);
        awaitCaughtUp(leader);
        assertNotEquals(ContainerCluster.LEADER_ROLE, cluster.role(leader), "the restarted node follows");
    }

    @Test
    @Order(5)
    void noAcknowledgedTradeIsLostOrAppliedTwiceAndEveryMemberAgrees()
    {
        final long accepted = cluster.traderLog().accepted();
        cluster.stopTrader();
        for (int i = 0; i < 50 && null == cluster.traderLog().finalLine(); i++)
        {
            ContainerCluster.sleep(100); // the log stream may trail the container's exit
        }
        final String finalLine = cluster.traderLog().finalLine();
        assertNotNull(finalLine, "the trader printed no final line; last: " + cluster.traderLog().lastLine());
        assertTrue(finalLine.contains("\"consistent\":true"), finalLine);
        assertTrue(finalLine.contains("\"unanswered\":0,"), finalLine);
        assertTrue(finalLine.contains("\"conservationError\":0,"), finalLine);
        assertTrue(cluster.traderLog().accepted() >= accepted);
        assertTrue(cluster.traderLog().accepted() >= 4 * TRADES_PER_STEP, finalLine);

        // Quiet now: every member settles at the same log position with the same state digest.
        final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
        Set<String> reports = new HashSet<>();
        while (System.nanoTime() - deadlineNs < 0)
        {
            reports = new HashSet<>();
            for (int i = 0; i < ContainerCluster.MEMBER_COUNT; i++)
            {
                reports.add(cluster.positionAndDigest(i));
            }
            if (1 == reports.size() && !reports.contains(null))
            {
                return;
            }
            ContainerCluster.sleep(500);
        }
        assertEquals(1, reports.size(), "members disagree: " + reports);
    }

    private static void awaitMoreTradesAccepted(final String when)
    {
        final long target = cluster.traderLog().accepted() + TRADES_PER_STEP;
        final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
        while (cluster.traderLog().accepted() < target)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("clearing stalled " + when + ": trader at " + cluster.traderLog().lastLine());
            }
            ContainerCluster.sleep(100);
        }
    }

    /**
     * Waits until the member has applied the log as far as the leader had when the wait began, and is back in the
     * cluster as an active member.
     */
    private static void awaitCaughtUp(final int member)
    {
        final int leader = cluster.awaitLeaderOtherThan(member, AWAIT);
        final long target = cluster.logPosition(leader);
        assertTrue(target > 0, "leader " + leader + " reports no log position");
        final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
        long position = -1;
        while (System.nanoTime() - deadlineNs < 0)
        {
            position = cluster.logPosition(member);
            if (position >= target)
            {
                return;
            }
            ContainerCluster.sleep(250);
        }
        fail("node " + member + " did not catch up: at " + position + ", leader " + leader + " was at " + target);
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail(what + ": not within " + AWAIT);
            }
            ContainerCluster.sleep(250);
        }
    }

    private static int otherThan(final int a, final int b)
    {
        for (int i = 0; i < ContainerCluster.MEMBER_COUNT; i++)
        {
            if (i != a && i != b)
            {
                return i;
            }
        }
        throw new IllegalArgumentException(a + ", " + b);
    }
}
