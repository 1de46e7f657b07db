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
 * {@code backstop demo --scenario default} end to end from port base 22100 (nodes on 22100-22399, the gateway on
 * 22500-22599; run one at a time with the other demo ITs, as Failsafe does): three
 * clearing-node processes and a gateway process, two members' leveraged longs crashed 30% through the gateway, their
 * positions auto-deleveraged against the shorts, and the summary's default figures: two members bankrupt, the loss
 * waterfall down to the other members' contributions, every waterfall closed, and money conserved to the micro-unit
 * with the default fund and the CCP's capital counted.
 */
class MemberDefaultDemoIT
{
    private static final int PORT_BASE = 22100;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void shouldRunTwoMembersDefaultsDownTheWaterfallAndConserveMoney()
    {
        final Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        final Path runDir = moduleDir.resolve("target").resolve("it-runs").resolve(
            "member-default-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));

        final DemoSummary summary = new Demo(new Demo.Context()
            .configDir(moduleDir.resolve("config"))
            .runDir(runDir)
            .portBase(PORT_BASE)
            .classPath(childClassPath())
            .scenario(Demo.Scenario.fromName("default"))
            .printEvents(false)
            .out(System.out)).run();

        final String json = summary.toJson();
        System.out.println(json);

        assertTrue(summary.problems().isEmpty(), () -> "problems: " + summary.problems());
        assertTrue(summary.isConsistent(), json);
        assertEquals(Demo.Scenario.MEMBER_DEFAULT, summary.scenario(), json);
        assertTrue(summary.bankruptMembers() >= 2, json);
        assertTrue(summary.liquidations() > 0, json);
        assertTrue(summary.adlContracts() >= 0, json);
        long deepRungs = 0;
        for (int rung = 5; rung <= 7; rung++)
        {
            deepRungs += summary.waterfallRung(rung);
        }
        assertTrue(deepRungs > 0, json);
        assertTrue(summary.waterfallRung(1) > 0 && summary.waterfallRung(2) > 0 && summary.waterfallRung(4) > 0, json);
        assertEquals(0, summary.openWaterfalls(), json);
        assertEquals(0, summary.openDeficits(), json);
        assertEquals(0, summary.conservationError(), json);
        assertEquals(0, summary.ledgerConservationError(), json);
        assertEquals(0, summary.eventGaps(), json);
        assertEquals(0, summary.leaderChanges(), json);

        assertTrue(json.contains("\"conservationError\":0,"), json);
        assertTrue(json.contains("\"scenario\":\"default\","), json);
        for (final String field : new String[]{
            "\"defaulterCollateral\":", "\"defaulterContribution\":", "\"insuranceFund\":", "\"ccpCapital\":",
            "\"mutualisedContributions\":", "\"assessments\":", "\"vmGainsHaircut\":", "\"adlContracts\":",
            "\"coverageRatio\":", "\"coverageRatioPpm\":", "\"bankruptMembers\":", "\"defaultFundContributions\":",
            "\"openWaterfalls\":0,", "\"openDeficits\":0," })
        {
            assertTrue(json.contains(field), field + " in " + json);
        }
        assertTrue(json.contains("\"waterfall\":{\"defaulterCollateral\":"), json);
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
