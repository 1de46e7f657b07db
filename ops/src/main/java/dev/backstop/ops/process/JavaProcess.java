package dev.backstop.ops.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM (a clearing node or a gateway) started by the operator tooling, with its output in a log file.
 * <p>
 * Stopping is the clearinghouse's way round: ask politely (SIGTERM, so the node closes its archive and mark files
 * cleanly), wait a grace period, then SIGKILL whatever is left, including any process the child started. A
 * {@link #kill()} is the failure a chaos step wants: SIGKILL with no grace, as if the machine vanished.
 */
public final class JavaProcess
{
    private final String name;
    private final Path logFile;
    private final Process process;

    private JavaProcess(final String name, final Path logFile, final Process process)
    {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Start a child process with stdout and stderr appended to a log file.
     *
     * @param name       short name used in messages, e.g. {@code node-0}.
     * @param command    the full command line, starting with the java executable.
     * @param logFile    where the child's stdout and stderr go.
     * @param workingDir working directory of the child.
     * @return the started process.
     */
    public static JavaProcess start(final String name, final List<String> command, final Path logFile, final Path workingDir)
    {
        try
        {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            final ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return new JavaProcess(name, logFile, builder.start());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", command), ex);
        }
    }

    /**
     * @return the name given at start.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the operating system process id.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * @return the file holding the child's output.
     */
    public Path logFile()
    {
        return logFile;
    }

    /**
     * @return true while the process runs.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * @return exit value, or -1 while still running.
     */
    public int exitValue()
    {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * SIGKILL the process (and anything it started) and wait for it to be gone: a machine lost without warning.
     */
    public void kill()
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(5_000);
    }

    /**
     * Send SIGTERM without waiting; pair with {@link #awaitExitOrKill(long)}.
     */
    public void terminate()
    {
        if (process.isAlive())
        {
            process.destroy();
        }
    }

    /**
     * Wait up to a grace period for the process to end, then SIGKILL it and its descendants.
     *
     * @param graceMs how long a clean shutdown may take.
     * @return true if it ended on its own within the grace period.
     */
    public boolean awaitExitOrKill(final long graceMs)
    {
        if (awaitExit(graceMs))
        {
            return true;
        }
        kill();
        return false;
    }

    /**
     * Terminate and wait, killing after the grace period.
     *
     * @param graceMs how long a clean shutdown may take.
     * @return true if it ended cleanly.
     */
    public boolean stop(final long graceMs)
    {
        terminate();
        return awaitExitOrKill(graceMs);
    }

    /**
     * @param timeoutMs how long to wait.
     * @return true if the process has ended.
     */
    public boolean awaitExit(final long timeoutMs)
    {
        try
        {
            return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * The last lines of the log, to explain a failure without sending the user hunting for files.
     *
     * @param maxLines how many lines at most.
     * @return the lines, oldest first.
     */
    public List<String> tail(final int maxLines)
    {
        try
        {
            if (!Files.exists(logFile))
            {
                return List.of();
            }
            final List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return new ArrayList<>(lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return List.of("(could not read " + logFile + ": " + ex + ")");
        }
    }

    public String toString()
    {
        return name + "(pid " + process.pid() + ")";
    }
}
