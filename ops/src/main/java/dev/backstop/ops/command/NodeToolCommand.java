package dev.backstop.ops.command;

import dev.backstop.ops.cluster.ClusterRun;
import dev.backstop.ops.cluster.LocalCluster;
import io.aeron.cluster.ClusterTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The operator's {@code io.aeron.cluster.ClusterTool} verbs on one node of a local cluster, called in process on
 * the node's cluster directory: {@code snapshot}, {@code suspend}, {@code resume}, {@code leader}, {@code describe}
 * and {@code errors}. The node is chosen with {@code --node N}; the control toggles default to the leader, since
 * ClusterTool's snapshot works only on the leader's cluster dir.
 * <p>
 * Exit codes: 0 done (or, for {@code leader}, the node leads), 1 refused, failed or not the leader, 2 usage (no
 * cluster in the run directory, no such node).
 */
public abstract class NodeToolCommand implements Callable<Integer>
{
    /**
     * Exit code when the run directory holds no cluster or the node does not exist.
     */
    static final int USAGE = 2;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory given to cluster start "
        + "(default run/cluster under the repository).")
    Path runDir;

    @Option(names = "--node", paramLabel = "N", defaultValue = "-1",
        description = "Member id 0-2 (default: the leader for snapshot/suspend/resume, required otherwise).")
    int node;

    @Spec
    CommandSpec spec;

    public final Integer call()
    {
        final Path dir = ClusterCommand.runDir(runDir);
        final Optional<ClusterRun> found = ClusterRun.open(dir);
        if (found.isEmpty())
        {
            System.err.println("backstop " + spec.name() + ": no cluster in " + dir + " (backstop cluster start)");
            return USAGE;
        }
        final ClusterRun run = found.get();
        int memberId = node;
        if (memberId < 0)
        {
            if (!defaultsToLeader())
            {
                throw new ParameterException(spec.commandLine(), "--node N is required");
            }
            memberId = ClusterCommand.leader(run);
            if (memberId < 0)
            {
                System.err.println("backstop " + spec.name() + ": no leader right now");
                return 1;
            }
        }
        if (memberId >= LocalCluster.MEMBER_COUNT)
        {
            throw new ParameterException(spec.commandLine(), "--node must be 0 to " + (LocalCluster.MEMBER_COUNT - 1));
        }
        final Path clusterDir = run.clusterDir(memberId);
        if (!Files.isDirectory(clusterDir) || !ClusterTool.markFileExists(clusterDir.toFile()))
        {
            System.err.println("backstop " + spec.name() + ": node-" + memberId + " has no cluster mark file in " +
                clusterDir);
            return 1;
        }
        try
        {
            return apply(memberId, clusterDir.toFile());
        }
        catch (final RuntimeException ex)
        {
            System.err.println("backstop " + spec.name() + ": node-" + memberId + ": " + ex);
            return 1;
        }
    }

    /**
     * @return true when the verb acts on the leader unless told otherwise.
     */
    boolean defaultsToLeader()
    {
        return false;
    }

    abstract int apply(int memberId, File clusterDir);

    static int report(final boolean done, final String verb, final int memberId)
    {
        System.out.println((done ? verb + " done on node-" : verb + " FAILED on node-") + memberId);
        return done ? 0 : 1;
    }

    /**
     * {@code backstop snapshot}: the ClusterControl snapshot toggle, waiting until the snapshot is taken.
     */
    @Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Take a snapshot (ClusterTool snapshot) on the leader or --node N; waits for it.")
    public static final class Snapshot extends NodeToolCommand
    {
        boolean defaultsToLeader()
        {
            return true;
        }

        int apply(final int memberId, final File clusterDir)
        {
            return report(ClusterTool.snapshot(clusterDir, System.out), "snapshot", memberId);
        }
    }

    /**
     * {@code backstop suspend}: stop the cluster taking new log entries (ClusterControl suspend toggle).
     */
    @Command(name = "suspend", mixinStandardHelpOptions = true,
        description = "Suspend the cluster (ClusterTool suspend) via the leader or --node N.")
    public static final class Suspend extends NodeToolCommand
    {
        boolean defaultsToLeader()
        {
            return true;
        }

        int apply(final int memberId, final File clusterDir)
        {
            return report(ClusterTool.suspend(clusterDir, System.out), "suspend", memberId);
        }
    }

    /**
     * {@code backstop resume}: resume a suspended cluster.
     */
    @Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a suspended cluster (ClusterTool resume) via the leader or --node N.")
    public static final class Resume extends NodeToolCommand
    {
        boolean defaultsToLeader()
        {
            return true;
        }

        int apply(final int memberId, final File clusterDir)
        {
            return report(ClusterTool.resume(clusterDir, System.out), "resume", memberId);
        }
    }

    /**
     * {@code backstop leader --node N}: exit 0 only when that node leads.
     */
    @Command(name = "leader", mixinStandardHelpOptions = true,
        description = "Exit 0 when node --node N is the leader, 1 otherwise (ClusterTool is-leader).")
    public static final class Leader extends NodeToolCommand
    {
        int apply(final int memberId, final File clusterDir)
        {
            final boolean leads = 0 == ClusterTool.isLeader(System.out, clusterDir);
            System.out.println("node-" + memberId + (leads ? " is the leader" : " is not the leader"));
            return leads ? 0 : 1;
        }
    }

    /**
     * {@code backstop describe --node N}: the node's mark files (ClusterTool describe).
     */
    @Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Describe node --node N's cluster mark files (ClusterTool describe).")
    public static final class Describe extends NodeToolCommand
    {
        int apply(final int memberId, final File clusterDir)
        {
            System.out.println("node-" + memberId + " (" + clusterDir + "):");
            ClusterTool.describe(System.out, clusterDir);
            return 0;
        }
    }

    /**
     * {@code backstop errors --node N}: the distinct errors the node logged (ClusterTool errors).
     */
    @Command(name = "errors", mixinStandardHelpOptions = true,
        description = "Print node --node N's distinct error log (ClusterTool errors).")
    public static final class Errors extends NodeToolCommand
    {
        int apply(final int memberId, final File clusterDir)
        {
            System.out.println("node-" + memberId + " errors (" + clusterDir + "):");
            ClusterTool.errors(System.out, clusterDir);
            return 0;
        }
    }

    /**
     * {@code backstop recordings --node N}: what the node keeps on disk: its recording log (every leadership term's
     * log recording and every snapshot, with recording ids and log positions) and the size of its archive, so an
     * operator can see what a trim would free (README, "Snapshots and old recordings").
     */
    @Command(name = "recordings", mixinStandardHelpOptions = true,
        description = "Print node --node N's recording log (terms and snapshots, ClusterTool recording-log) and the "
            + "size of its archive directory.")
    public static final class Recordings extends NodeToolCommand
    {
        int apply(final int memberId, final File clusterDir)
        {
            System.out.println("node-" + memberId + " recording log (" + clusterDir + "):");
            ClusterTool.recordingLog(System.out, clusterDir);
            final File archiveDir = new File(clusterDir.getParentFile(), "archive");
            long bytes = 0;
            int segments = 0;
            final File[] files = archiveDir.listFiles();
            if (null != files)
            {
                for (final File file : files)
                {
                    if (file.getName().endsWith(".rec"))
                    {
                        bytes += file.length();
                        segments++;
                    }
                }
            }
            System.out.println("node-" + memberId + " archive " + archiveDir + ": " + segments + " segment files, " +
                bytes + " bytes");
            return 0;
        }
    }
}
