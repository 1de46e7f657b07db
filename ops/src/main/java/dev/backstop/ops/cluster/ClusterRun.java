package dev.backstop.ops.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The run directory of a detached local cluster ({@code backstop cluster start}): what later commands need to find
 * it again, since the JVM that started it is gone. Holds {@code cluster.properties} (port base, config and media
 * driver directories), one {@code <name>.pid} file per process, the logs and each node's cluster and archive.
 */
public final class ClusterRun
{
    /**
     * File in the run directory describing the cluster.
     */
    public static final String DESCRIPTOR_FILE = "cluster.properties";

    /**
     * Names of the processes of a local cluster, in start order.
     */
    public static final String[] PROCESS_NAMES = { "node-0", "node-1", "node-2", "gateway" };

    private final Path runDir;
    private final int portBase;
    private final Path configDir;
    private final Path aeronDirRoot;
    private final String aeronDirPrefix;

    private ClusterRun(
        final Path runDir, final int portBase, final Path configDir, final Path aeronDirRoot, final String aeronDirPrefix)
    {
        this.runDir = runDir;
        this.portBase = portBase;
        this.configDir = configDir;
        this.aeronDirRoot = aeronDirRoot;
        this.aeronDirPrefix = aeronDirPrefix;
    }

    /**
     * The media driver directory prefix of a detached cluster: stable (no launcher pid, which would make
     * {@link LocalCluster#removeStaleAeronDirs(Path)} treat a live cluster as stale) and unique per port base.
     *
     * @param portBase the cluster's port base.
     * @return the prefix.
     */
    public static String detachedAeronDirPrefix(final int portBase)
    {
        return "backstop-cluster-" + portBase;
    }

    /**
     * Record a cluster about to be started.
     *
     * @param ctx concluded context of the cluster.
     * @return the run.
     */
    public static ClusterRun create(final LocalCluster.Context ctx)
    {
        final ClusterRun run = new ClusterRun(
            ctx.runDir(), ctx.portBase(), ctx.configDir(), ctx.aeronDirRoot(), ctx.aeronDirPrefix());
        final Properties properties = new Properties();
        properties.setProperty("portBase", Integer.toString(run.portBase));
        properties.setProperty("configDir", run.configDir.toString());
        properties.setProperty("aeronDirRoot", run.aeronDirRoot.toString());
        properties.setProperty("aeronDirPrefix", run.aeronDirPrefix);
        try (OutputStream out = Files.newOutputStream(run.runDir.resolve(DESCRIPTOR_FILE)))
        {
            properties.store(out, "backstop cluster start");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return run;
    }

    /**
     * Find the cluster recorded in a run directory.
     *
     * @param runDir the run directory given to {@code cluster start}.
     * @return the run, empty when no cluster was started there.
     */
    public static Optional<ClusterRun> open(final Path runDir)
    {
        final Path dir = runDir.toAbsolutePath().normalize();
        final Path file = dir.resolve(DESCRIPTOR_FILE);
        if (!Files.isRegularFile(file))
        {
            return Optional.empty();
        }
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return Optional.of(new ClusterRun(
            dir,
            Integer.parseInt(properties.getProperty("portBase")),
            Path.of(properties.getProperty("configDir")),
            Path.of(properties.getProperty("aeronDirRoot")),
            properties.getProperty("aeronDirPrefix")));
    }

    /**
     * A context for a {@link LocalCluster} that finds this cluster's processes without starting any.
     *
     * @return an unconcluded, detached context.
     */
    public LocalCluster.Context attachContext()
    {
        return new LocalCluster.Context()
            .configDir(configDir)
            .runDir(runDir)
            .portBase(portBase)
            .aeronDirRoot(aeronDirRoot)
            .aeronDirPrefix(aeronDirPrefix)
            .detached(true);
    }

    /**
     * @return the run directory.
     */
    public Path runDir()
    {
        return runDir;
    }

    /**
     * @return the port base.
     */
    public int portBase()
    {
        return portBase;
    }

    /**
     * @return directory of the configs the cluster was started from.
     */
    public Path configDir()
    {
        return configDir;
    }

    /**
     * @param memberId 0 to 2.
     * @return the node's consensus module directory.
     */
    public Path clusterDir(final int memberId)
    {
        return runDir.resolve("node-" + memberId).resolve("cluster");
    }

    /**
     * @param memberId 0 to 2.
     * @return the node's media driver directory, whose CnC file holds the cluster counters.
     */
    public Path nodeAeronDir(final int memberId)
    {
        return aeronDirRoot.resolve(aeronDirPrefix + "-node-" + memberId);
    }

    /**
     * @return every media driver directory of the cluster.
     */
    public Path[] aeronDirs()
    {
        return new Path[]{
            nodeAeronDir(0), nodeAeronDir(1), nodeAeronDir(2), aeronDirRoot.resolve(aeronDirPrefix + "-gateway") };
    }

    /**
     * @param name a process name, e.g. {@code node-0}.
     * @return its pid file.
     */
    public Path pidFile(final String name)
    {
        return runDir.resolve(name + ".pid");
    }

    /**
     * @param name a process name.
     * @param pid  its pid.
     */
    public void writePid(final String name, final long pid)
    {
        try
        {
            Files.writeString(pidFile(name), pid + "\n", StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param name a process name.
     * @return the pid recorded for it, or -1.
     */
    public long readPid(final String name)
    {
        try
        {
            final Path file = pidFile(name);
            return Files.isRegularFile(file) ? Long.parseLong(Files.readString(file).trim()) : -1;
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * @param name a process name.
     * @return the live process recorded for it.
     */
    public Optional<ProcessHandle> process(final String name)
    {
        final long pid = readPid(name);
        return pid <= 0 ? Optional.empty() : ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }
}
