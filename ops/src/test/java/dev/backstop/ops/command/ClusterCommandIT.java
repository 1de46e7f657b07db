package dev.backstop.ops.command;

import dev.backstop.ops.BackstopCli;
import dev.backstop.ops.cluster.ClusterRun;
import dev.backstop.ops.cluster.LocalCluster;
import dev.backstop.ops.cluster.NodeCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's round trip on a detached local cluster, on ports 22000-22499 (the ops test range, shared in time
 * with DemoIT since Failsafe runs one test class at a time): {@code cluster start}, {@code status} showing one leader
 * and two followers, {@code demo --attach} clearing trades with money conserved, {@code snapshot} raising the
 * leader's snapshot counter, {@code leader --node}, and {@code cluster stop} leaving no process or pid file behind.
 */
class ClusterCommandIT
{
    private static final int PORT_BASE = 22000;
    private static final Pattern TRADES_CLEARED = Pattern.compile("\"tradesCleared\":(\\d+)");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldStartInspectClearSnapshotAndStopALocalCluster() throws Exception
    {
        final Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        final Path runDir = moduleDir.resolve("target").resolve("it-runs").resolve(
            "cluster-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
        final String run = runDir.toString();
        final List<Long> pids = new ArrayList<>();
        try
        {
            assertEquals(0, cli("cluster", "start", "--run-dir", run, "--port-base", Integer.toString(PORT_BASE),
                "--config-dir", moduleDir.resolve("config").toString(), "--class-path", childClassPath()).exitCode);

            final ClusterRun clusterRun = ClusterRun.open(runDir).orElseThrow();
            for (final String name : ClusterRun.PROCESS_NAMES)
            {
                final long pid = clusterRun.readPid(name);
                assertTrue(pid > 0, name + " pid file");
                pids.add(pid);
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), name + " alive");
            }

            // followers may still be catching up on the election just after start: poll, as an operator would
            Result status = cli("cluster", "status", "--run-dir", run);
            final long deadlineMs = System.currentTimeMillis() + 60_000;
            while (0 != status.exitCode && System.currentTimeMillis() < deadlineMs)
            {
                Thread.sleep(500);
                status = cli("cluster", "status", "--run-dir", run);
            }
            assertEquals(0, status.exitCode, status.out);
            assertEquals(1, count(status.out, " LEADER "), status.out);
            assertEquals(2, count(status.out, " FOLLOWER "), status.out);
            assertTrue(Pattern.compile("gateway\\s+" + pids.get(3) + "\\s+up").matcher(status.out).find(), status.out);

            final int leader = ClusterCommand.leader(clusterRun);
            assertTrue(leader >= 0, "a leader");
            assertEquals(0, cli("leader", "--run-dir", run, "--node", Integer.toString(leader)).exitCode);
            assertEquals(1, cli("leader", "--run-dir", run, "--node",
                Integer.toString((leader + 1) % LocalCluster.MEMBER_COUNT)).exitCode);

            final Result demo = cli("demo", "--attach", "--run-dir", run, "--no-events");
            final String json = lastJsonLine(demo.out);
            assertEquals(0, demo.exitCode, json);
            final Matcher cleared = TRADES_CLEARED.matcher(json);
            assertTrue(cleared.find(), json);
            assertTrue(Long.parseLong(cleared.group(1)) > 0, json);
            assertTrue(json.contains("\"conservationError\":0,"), json);
            for (final long pid : pids)
            {
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "demo --attach leaves the cluster running: " + pid);
            }
            // the status query is a later command than the demo's closing one and the digest it reports differed from
            // the demo's in practice, so compare the ledger totals it reports rather than the digest itself
            final Result statusAfterDemo = cli("cluster", "status", "--run-dir", run);
            assertEquals(0, statusAfterDemo.exitCode, statusAfterDemo.out);
            assertTrue(Pattern.compile("state digest: [0-9a-f]{64} \\(.*, " + cleared.group(1) + " trades cleared")
                .matcher(statusAfterDemo.out).find(), statusAfterDemo.out);

            // the trader clears its own instrument through the same gateway and checks the ledger at the end
            final Result trader = cli("trader", "--gateway", "127.0.0.1:" + (PORT_BASE + 400), "--duration", "3",
                "--interval-ms", "20");
            final String traderFinal = lastLine(trader.out, "{\"type\":\"final\"");
            assertEquals(0, trader.exitCode, traderFinal);
            assertTrue(traderFinal.contains("\"consistent\":true"), traderFinal);
            assertTrue(Pattern.compile("\"accepted\":[1-9]").matcher(traderFinal).find(), traderFinal);

            final int leaderNow = ClusterCommand.leader(clusterRun);
            final NodeCounters before = NodeCounters.read(clusterRun.nodeAeronDir(leaderNow));
            assertNotNull(before);
            assertEquals(0, cli("snapshot", "--run-dir", run).exitCode);
            final NodeCounters after = NodeCounters.read(clusterRun.nodeAeronDir(leaderNow));
            assertNotNull(after);
            assertTrue(after.snapshotCount() > before.snapshotCount(),
                "snapshot count " + before.snapshotCount() + " -> " + after.snapshotCount());
            // what a trim would work from: the recording log lists the snapshot just taken
            final Result recordings = cli("recordings", "--run-dir", run, "--node", Integer.toString(leaderNow));
            assertEquals(0, recordings.exitCode, recordings.out);
            assertTrue(recordings.out.contains("SNAPSHOT"), recordings.out);
            assertTrue(Pattern.compile("archive .*: [1-9][0-9]* segment files").matcher(recordings.out).find(),
                recordings.out);

            final Result stop = cli("cluster", "stop", "--run-dir", run);
            assertEquals(0, stop.exitCode, stop.out);
            assertTrue(stop.out.contains("snapshot taken on node-"), stop.out);
            for (int i = 0; i < pids.size(); i++)
            {
                final long pid = pids.get(i);
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " gone");
                assertFalse(Files.exists(clusterRun.pidFile(ClusterRun.PROCESS_NAMES[i])), "pid file removed");
            }
            assertEquals(1, cli("cluster", "status", "--run-dir", run).exitCode);
        }
        finally
        {
            ClusterRun.open(runDir).ifPresent((r) -> ClusterCommand.terminateAll(r, 5_000, System.out));
            for (final long pid : pids)
            {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String lastLine(final String out, final String prefix)
    {
        String last = "";
        for (final String line : out.split("\n"))
        {
            if (line.startsWith(prefix))
            {
                last = line;
            }
        }
        return last;
    }

    private static String lastJsonLine(final String out)
    {
        String last = "";
        for (final String line : out.split("\n"))
        {
            if (line.startsWith("{\"nodes\""))
            {
                last = line;
            }
        }
        return last;
    }

    private static int count(final String text, final String word)
    {
        int count = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1))
        {
            count++;
        }
        return count;
    }

    /**
     * Run the command line in this JVM, as ops/bin/backstop would in its own, keeping what it printed.
     */
    private static Result cli(final String... args)
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream tee = new PrintStream(new OutputStream()
        {
            public void write(final int b)
            {
                original.write(b);
                captured.write(b);
            }

            public void write(final byte[] bytes, final int offset, final int length)
            {
                original.write(bytes, offset, length);
                captured.write(bytes, offset, length);
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try
        {
            final int exitCode = BackstopCli.execute(args);
            tee.flush();
            return new Result(exitCode, captured.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(original);
        }
    }

    private static String childClassPath()
    {
        final String testClassPath = System.getProperty("surefire.test.class.path");
        if (null != testClassPath && !testClassPath.isBlank())
        {
            return testClassPath;
        }
        return System.getProperty("java.class.path");
    }

    private record Result(int exitCode, String out)
    {
    }
}
