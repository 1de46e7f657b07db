package dev.backstop.ops.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessGroupTest
{
    @TempDir
    Path dir;

    @Test
    void shouldStopPoliteChildOnSigtermAndKillOneThatIgnoresIt() throws Exception
    {
        final ProcessGroup group = new ProcessGroup(1_000);
        final JavaProcess polite = group.add(JavaProcess.start(
            "polite", List.of("sleep", "60"), dir.resolve("polite.log"), dir));
        final JavaProcess stubborn = group.add(JavaProcess.start(
            "stubborn", List.of("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"),
            dir.resolve("stubborn.log"), dir));
        awaitLine(stubborn, "ready");

        final long startMs = System.currentTimeMillis();
        group.close();

        assertFalse(polite.isAlive());
        assertFalse(stubborn.isAlive());
        assertTrue(System.currentTimeMillis() - startMs < 8_000, "one shared grace period, then SIGKILL");
        assertEquals("ready", stubborn.tail(5).get(0));
        assertThrows(IllegalStateException.class, () -> group.add(JavaProcess.start(
            "late", List.of("sleep", "60"), dir.resolve("late.log"), dir)));
    }

    @Test
    void shouldKillWithoutGrace()
    {
        try (ProcessGroup group = new ProcessGroup(60_000))
        {
            final JavaProcess process = group.add(JavaProcess.start(
                "victim", List.of("sh", "-c", "trap '' TERM; sleep 60"), dir.resolve("victim.log"), dir));
            assertTrue(process.isAlive());

            process.kill();

            assertFalse(process.isAlive());
            assertEquals(128 + 9, process.exitValue());
        }
    }

    private static void awaitLine(final JavaProcess process, final String line) throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + 10_000;
        while (!process.tail(1).contains(line))
        {
            assertTrue(System.currentTimeMillis() < deadlineMs, "child never wrote " + line);
            Thread.sleep(20);
        }
    }
}
