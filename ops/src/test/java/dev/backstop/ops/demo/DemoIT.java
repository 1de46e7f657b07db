package dev.backstop.ops.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo end to end: three clearing-node processes and a gateway process on ports 22000-22499 (the ops test
 * range), the scripted run through the gateway, the leader killed with SIGKILL half way, and the summary's checks.
 * This is the process-level test of DESIGN.md section 10: no acknowledged trade lost or doubled across a leader
 * failover, and money conserved to the micro-unit.
 */
class DemoIT
{
    private static final int PORT_BASE = 22000;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void shouldClearThroughLeaderFailoverAndConserveMoney() throws Exception
    {
        final Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        final Path runDir = moduleDir.resolve("target").resolve("it-runs").resolve(
            "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));

        final DemoSummary summary = new Demo(new Demo.Context()
            .configDir(moduleDir.resolve("config"))
            .runDir(runDir)
            .portBase(PORT_BASE)
            .classPath(childClassPath())
            .printEvents(true)
            .out(System.out)).run();

        final String json = summary.toJson();
        System.out.println(json);

        assertTrue(summary.problems().isEmpty(), () -> "problems: " + summary.problems());
        assertTrue(summary.isConsistent(), json);
        assertEquals(3, summary.nodes(), json);
        assertTrue(summary.tradesCleared() > 0, json);
        assertEquals(summary.tradesAccepted(), summary.tradesCleared(), json);
        assertEquals(0, summary.conservationError(), json);
        assertEquals(0, summary.ledgerConservationError(), json);
        assertTrue(summary.rejected() >= 1, json);
        assertTrue(summary.duplicates() >= 1, json);
        assertTrue(summary.replayed() >= 1, json);
        assertTrue(summary.leaderChanges() >= 1, json);
        assertTrue(summary.eventsSeen() > 0, json);
        // Gateways replay what a killed leader committed but never sent: the risk desk's stream is complete.
        assertEquals(0, summary.eventsMissed(), json);
        assertEquals(0, summary.eventGaps(), json);

        assertTrue(json.startsWith("{\"nodes\":3,\"tradesCleared\":"), json);
        assertTrue(json.contains("\"conservationError\":0,"), json);
        assertFalse(json.contains("\n"), "one line");

        for (final String log : new String[]{ "node-0.log", "node-1.log", "node-2.log", "gateway.log" })
        {
            assertTrue(Files.size(runDir.resolve(log)) > 0, log + " written");
        }
        assertNoChildLeft();
    }

    /**
     * The children run the same classes as this test JVM; Surefire/Failsafe may hide them behind a manifest-only
     * jar, which a child JVM reads just as well, but the explicit test class path is preferred when present.
     */
    private static String childClassPath()
    {
        final String testClassPath = System.getProperty("surefire.test.class.path");
        if (null != testClassPath && !testClassPath.isBlank())
        {
            return testClassPath;
        }
        return System.getProperty("java.class.path");
    }

    private static void assertNoChildLeft()
    {
        final long stillRunning = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
        assertEquals(0, stillRunning, "every node and gateway process stopped");
    }
}
