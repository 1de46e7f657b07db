package dev.backstop.ops.command;

import java.util.Optional;

/**
 * Ends this JVM when the process that launched it ends, so a child of {@code backstop demo} (or of a test) never
 * outlives its launcher, even when the launcher was killed with SIGKILL and had no chance to stop its children.
 * <p>
 * The exit goes through {@link System#exit(int)}, so the node's or gateway's own shutdown hooks still run and
 * close their archive, mark files and media driver cleanly.
 */
final class ParentWatch
{
    /**
     * Exit status used when the parent disappeared.
     */
    static final int PARENT_GONE_EXIT_CODE = 3;

    private ParentWatch()
    {
    }

    /**
     * Watch a process and exit this JVM when it ends. Does nothing for a pid of 0 or less.
     *
     * @param parentPid process id of the launcher.
     */
    static void exitWhenGone(final long parentPid)
    {
        if (parentPid <= 0)
        {
            return;
        }

        final Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty() || !parent.get().isAlive())
        {
            System.err.println("backstop: launcher process " + parentPid + " is gone, exiting");
            System.exit(PARENT_GONE_EXIT_CODE);
        }

        parent.get().onExit().thenRun(
            () ->
            {
                System.err.println("backstop: launcher process " + parentPid + " ended, shutting down");
                // exit from a fresh thread: System.exit blocks until shutdown hooks finish, and must not block
                // the common pool thread that completed the future
                final Thread exit = new Thread(() -> System.exit(PARENT_GONE_EXIT_CODE), "backstop-parent-gone");
                exit.setDaemon(false);
                exit.start();
            });
    }
}
