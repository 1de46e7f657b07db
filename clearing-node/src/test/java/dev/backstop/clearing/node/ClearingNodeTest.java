package dev.backstop.clearing.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single-member cluster (it elects itself at once), launched in-process and as its own JVM.
 */
class ClearingNodeTest
{
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theLeaderTakesPeriodicSnapshotsWhenAnIntervalIsSet() throws InterruptedException
    {
        final ClearingNode.Context context = new ClearingNode.Context()
            .nodeId(0)
            .memberCount(1)
            .portBase(20700)
            .baseDir(new File("target/clearing-node-test/periodic"))
            .deleteDirsOnStart(true)
            .snapshotIntervalMs(300);

        try (ClearingNode node = ClearingNode.launch(context))
        {
            while (!node.isLeader())
            {
                Thread.sleep(10);
            }
            while (node.snapshotCount() < 2)
            {
                Thread.sleep(10);
            }
            assertTrue(node.service().appliedLogPosition() >= 0);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void mainRunsInTheForegroundAndStopsOnSigterm() throws Exception
    {
        final Path dir = Path.of("target/clearing-node-test/main").toAbsolutePath();
        Files.createDirectories(dir);
        final Path config = dir.resolve("node.properties");
        Files.writeString(config, String.join("\n",
            "backstop.node.id=0",
            "backstop.node.memberCount=1",
            "backstop.node.portBase=20800",
            "backstop.node.baseDir=" + dir.resolve("node-0"),
            "backstop.node.deleteDirsOnStart=true"));

        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--add-opens");
        command.add("java.base/java.util.zip=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ClearingNode.class.getName());
        command.add("--config");
        command.add(config.toString());

        // Output goes to a file: Process.destroy() closes the pipes, and the last lines come after it.
        final Path output = dir.resolve("node.out");
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        List<String> lines = List.of();
        try
        {
            String started = null;
            while (null == started && process.isAlive())
            {
                Thread.sleep(50);
                lines = Files.readAllLines(output, StandardCharsets.UTF_8);
                for (final String line : lines)
                {
                    if (line.startsWith("backstop clearing node 0 started"))
                    {
                        started = line;
                    }
                }
            }
            assertNotNull(started, "start line in " + lines);
            assertTrue(started.contains("clusterDir=" + dir.resolve("node-0").resolve("cluster")), started);
            assertTrue(started.contains("ingress=127.0.0.1:20802"), started);

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the node stops on SIGTERM");
            lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        }
        finally
        {
            process.destroyForcibly();
        }

        assertTrue(lines.contains("backstop clearing node 0 stopping"), lines.toString());
        assertEquals(143 == process.exitValue() || 0 == process.exitValue(), true,
            "exit value " + process.exitValue() + " " + lines);
    }
}
