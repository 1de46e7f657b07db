package dev.backstop.ops.process;

import java.util.ArrayList;
import java.util.List;

/**
 * The child processes an operator command started, stopped together and never left behind.
 * <p>
 * A JVM shutdown hook stops the group when the command fails or the user presses Ctrl-C; {@link #close()} stops it
 * on the normal path and removes the hook. Children are asked to stop all at once (SIGTERM), given a shared grace
 * period, and then killed (SIGKILL), so a wedged child costs the grace period once rather than once per child.
 */
public final class ProcessGroup implements AutoCloseable
{
    /**
     * Default time a child may take to shut down cleanly after SIGTERM.
     */
    public static final long DEFAULT_GRACE_MS = 10_000;

    private final List<JavaProcess> processes = new ArrayList<>();
    private final long graceMs;
    private final Thread shutdownHook;
    private boolean hookInstalled;
    private boolean closed;

    /**
     * @param graceMs how long children may take to stop after SIGTERM before they are killed.
     */
    public ProcessGroup(final long graceMs)
    {
        this.graceMs = graceMs;
        this.shutdownHook = new Thread(this::stopAll, "backstop-process-group-shutdown");
    }

    /**
     * Add a started process to the group; installs the shutdown hook on first use.
     *
     * @param process to own.
     * @return the process.
     */
    public synchronized JavaProcess add(final JavaProcess process)
    {
        if (closed)
        {
            process.stop(graceMs);
            throw new IllegalStateException("process group closed");
        }
        processes.add(process);
        if (!hookInstalled)
        {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            hookInstalled = true;
        }
        return process;
    }

    /**
     * @return a copy of the processes, in the order they were added.
     */
    public synchronized List<JavaProcess> processes()
    {
        return new ArrayList<>(processes);
    }

    /**
     * SIGTERM every live child, wait for them within one grace period, then SIGKILL any still running.
     *
     * @return how many had to be killed.
     */
    public int stopAll()
    {
        final List<JavaProcess> snapshot = processes();
        for (final JavaProcess process : snapshot)
        {
            process.terminate();
        }

        final long deadlineMs = System.currentTimeMillis() + graceMs;
        int killed = 0;
        for (final JavaProcess process : snapshot)
        {
            final long remainingMs = Math.max(1, deadlineMs - System.currentTimeMillis());
            if (!process.awaitExitOrKill(remainingMs))
            {
                killed++;
            }
        }
        return killed;
    }

    /**
     * Stop every child and remove the shutdown hook.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        stopAll();
        synchronized (this)
        {
            if (hookInstalled)
            {
                try
                {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                }
                catch (final IllegalStateException ignore)
                {
                    // the JVM is already shutting down and the hook is running or has run
                }
                hookInstalled = false;
            }
        }
    }
}
