package dev.backstop.ops.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code backstop demo --scenario crash} end to end on ports 22500-22999: three clearing-node processes and a gateway
 * process, a leveraged book crashed 30% through the gateway, a BLP bidding from the event stream, and the summary's
 * risk figures: the cascade ran (liquidations, auction fills, pool takeovers, an insurance fund) and money was
 * conserved to the micro-unit with the pool, the BLP and the insurance fund counted.
 */
class CrashDemoIT
{
    private static final int PORT_BASE = 22500;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void shouldRunTheLiquidationCascadeAndConserveMoney()
    {
        final Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        final Path runDir = moduleDir.resolve("target").resolve("it-runs").resolve(
            "crash-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));

        final DemoSummary summary = new Demo(new Demo.Context()
            .configDir(moduleDir.resolve("config"))
            .runDir(runDir)
            .portBase(PORT_BASE)
            .classPath(childClassPath())
            .scenario(Demo.Scenario.CRASH)
            .crashAccounts(60)
            .printEvents(false)
            .out(System.out)).run();

        final String json = summary.toJson();
        System.out.println(json);

        assertTrue(summary.problems().isEmpty(), () -> "problems: " + summary.problems());
        assertTrue(summary.isConsistent(), json);
        assertEquals(Demo.Scenario.CRASH, summary.scenario(), json);
        assertTrue(summary.liquidations() > 0, json);
        assertTrue(summary.auctionFills() > 0, json);
        assertTrue(summary.poolTakeovers() > 0, json);
        assertTrue(summary.insuranceFund() > 0, json);
        assertTrue(summary.openDeficits() >= 0, json);
        assertEquals(0, summary.conservationError(), json);
        assertEquals(0, summary.ledgerConservationError(), json);
        assertEquals(0, summary.leaderChanges(), json);

        assertTrue(json.contains("\"conservationError\":0,"), json);
        for (final String field : new String[]{
            "\"liquidations\":", "\"auctionFills\":", "\"poolTakeovers\":", "\"insuranceFund\":", "\"openDeficits\":" })
        {
            assertTrue(json.contains(field), field + " in " + json);
        }
        assertFalse(json.contains("\n"), "one line");
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
            "every node and gateway process stopped");
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
}
