package dev.backstop.ops.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A very short {@code backstop bench}: the echo cluster (straight and through a gateway) and the clearing cluster
 * as separate processes on port base 22600, about two seconds per measurement. It checks what a script reading the
 * output relies on, never a speed: every line parses, every side answered everything it sent with success, and the
 * ratio lines are there with positive figures. Everything started is stopped.
 */
class EndToEndBenchIT
{
    private static final int PORT_BASE = 22600;
    private static final String[] SIDES = { "echo", "echo-gateway", "backstop" };

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void measuresEverySideAndPrintsTheRatios() throws Exception
    {
        final Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        final Path runDir = moduleDir.resolve("target").resolve("it-runs").resolve(
            "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();

        final EndToEndBench.Result result;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8))
        {
            result = new EndToEndBench(new EndToEndBench.Context()
                .configDir(moduleDir.resolve("config"))
                .runDir(runDir)
                .portBase(PORT_BASE)
                .classPath(childClassPath())
                .nodeHeap("256m")
                .nodeOverride("backstop.node.metricsPort", "0")
                .gatewayOverride("backstop.gateway.metricsPort", "0")
                .warmupMs(1_000)
                .durationMs(2_000)
                .window(32)
                // a modest fixed rate: this test checks the plumbing, not what a loaded machine can take
                .fixedRate(1_000)
                .out(out)
                .log(System.out)).run();
        }
        final String text = captured.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        final List<Map<String, Object>> lines = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            if (!line.isBlank())
            {
                lines.add(FlatJson.parse(line));
            }
        }
        assertEquals("config", lines.get(0).get("metric"), text);

        for (final String side : SIDES)
        {
            for (final String mode : new String[]{ "max", "fixed" })
            {
                final Map<String, Object> line = find(lines, side, mode);
                assertNotNull(line, side + " " + mode + " missing:\n" + text);
                final double sent = number(line, "sent");
                assertTrue(sent > 0, side + " " + mode + " sent nothing");
                assertEquals(sent, number(line, "count"), side + " " + mode + ": every message answered");
                assertEquals(0.0, number(line, "errors"), side + " " + mode + ": no refusals");
                assertTrue(number(line, "achievedRate") > 0);
                assertTrue(number(line, "p99Us") > 0 && number(line, "p99Us") <= number(line, "maxUs"));
                assertTrue(number(line, "p50Us") <= number(line, "p99Us"));
            }
        }
        assertEquals(1_000.0, number(find(lines, "backstop", "fixed"), "offeredRate"));

        final Map<String, Object> throughput = metric(lines, "throughputVsEcho", text);
        assertTrue(number(throughput, "ratio") > 0);
        assertTrue(number(throughput, "backstop") > 0 && number(throughput, "echo") > 0);
        final Map<String, Object> p99 = metric(lines, "p99VsEcho", text);
        assertTrue(number(p99, "ratio") > 0);
        assertEquals(1_000.0, number(p99, "offeredRate"));
        assertTrue(number(p99, "backstop") > 0 && number(p99, "echo") > 0);
        assertTrue(number(metric(lines, "throughputVsEchoGateway", text), "ratio") > 0);
        assertTrue(number(metric(lines, "p99VsEchoGateway", text), "ratio") > 0);

        assertTrue(result.clean(), () -> "problems: " + result.problems());
        assertEquals(6, result.measurements().size());
        for (final String cluster : new String[]{ "echo", "backstop" })
        {
            assertTrue(Files.size(runDir.resolve(cluster).resolve("node-0.log")) > 0, cluster + " logs kept");
            assertFalse(Files.exists(runDir.resolve(cluster).resolve("node-0")), cluster + " node state deleted");
        }
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
            "every node and gateway process stopped");
    }

    private static Map<String, Object> find(final List<Map<String, Object>> lines, final String side, final String mode)
    {
        for (final Map<String, Object> line : lines)
        {
            if ("latency".equals(line.get("metric")) && side.equals(line.get("side")) && mode.equals(line.get("mode")))
            {
                return line;
            }
        }
        return null;
    }

    private static Map<String, Object> metric(final List<Map<String, Object>> lines, final String name, final String text)
    {
        for (final Map<String, Object> line : lines)
        {
            if (name.equals(line.get("metric")))
            {
                return line;
            }
        }
        throw new AssertionError(name + " line missing:\n" + text);
    }

    private static double number(final Map<String, Object> line, final String key)
    {
        final Object value = line.get(key);
        assertTrue(value instanceof Double, key + " is not a number in " + line);
        return (Double)value;
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
