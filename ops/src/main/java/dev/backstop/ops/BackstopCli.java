package dev.backstop.ops;

import dev.backstop.ops.command.BenchCommand;
import dev.backstop.ops.command.ClusterCommand;
import dev.backstop.ops.command.DemoCommand;
import dev.backstop.ops.command.GatewayCommand;
import dev.backstop.ops.command.NodeCommand;
import dev.backstop.ops.command.NodeToolCommand;
import dev.backstop.ops.command.TraderCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code backstop} command line: the operator's one tool for running and inspecting a Backstop cluster.
 * <p>
 * Each subcommand is a small class in {@code dev.backstop.ops.command}; adding one (cluster control, tailing the
 * event stream, chaos, benchmarks, snapshots) means writing that class and listing it here. Users reach it through
 * {@code ops/bin/backstop}, which supplies the JVM flags Aeron needs.
 */
@Command(
    name = "backstop",
    mixinStandardHelpOptions = true,
    versionProvider = BackstopCli.Version.class,
    description = "Backstop: a clearinghouse on Aeron Cluster.%n",
    subcommands = {
        DemoCommand.class,
        NodeCommand.class,
        GatewayCommand.class,
        ClusterCommand.class,
        NodeToolCommand.Snapshot.class,
        NodeToolCommand.Suspend.class,
        NodeToolCommand.Resume.class,
        NodeToolCommand.Leader.class,
        NodeToolCommand.Describe.class,
        NodeToolCommand.Errors.class,
        NodeToolCommand.Recordings.class,
        TraderCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class
    },
    footer = {
        "%nExamples:",
        "  backstop demo",
        "  backstop cluster start; backstop cluster status; backstop demo --attach; backstop cluster stop",
        "  backstop snapshot; backstop leader --node 1; backstop errors --node 0; backstop recordings --node 0",
        "  backstop bench --quick",
        "  backstop node --config ops/config/node-0.properties",
        "  backstop gateway --config ops/config/gateway.properties",
        "  backstop trader --gateway 127.0.0.1:9400 --duration 30"
    })
public final class BackstopCli implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    /**
     * Entry point of the shaded jar.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Run a command line without exiting the JVM, for tests and embedding.
     *
     * @param args command line.
     * @return the exit code the command chose.
     */
    public static int execute(final String... args)
    {
        return new CommandLine(new BackstopCli()).execute(args);
    }

    /**
     * Without a subcommand there is nothing to do: show the usage and fail, so a typo in a script is noticed.
     */
    public Integer call()
    {
        System.err.println("backstop: missing subcommand");
        spec.commandLine().usage(System.err);
        return 2;
    }

    /**
     * Version from the jar manifest when packaged, otherwise the development version.
     */
    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = BackstopCli.class.getPackage().getImplementationVersion();
            return new String[]{ "backstop " + (null == version ? "0.1.0-SNAPSHOT" : version) };
        }
    }
}
