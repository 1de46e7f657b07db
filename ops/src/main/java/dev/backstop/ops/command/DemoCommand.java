package dev.backstop.ops.command;

import dev.backstop.ops.cluster.ClusterRun;
import dev.backstop.ops.demo.Demo;
import dev.backstop.ops.demo.DemoSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/**
 * {@code backstop demo}: three clearing nodes and a gateway as separate processes, a scripted run through the
 * gateway with the leader killed half way, then a clean shutdown. Prints one line per step and the event stream's
 * JSON lines, and ends with one JSON summary line; exits 0 only when the run was consistent. {@code --scenario crash}
 * plays a liquidation cascade instead (see {@link dev.backstop.ops.demo.CrashScenario}), {@code --scenario default}
 * a member default through the loss waterfall (see {@link dev.backstop.ops.demo.MemberDefaultScenario}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Run three nodes and a gateway, clear trades through a leader failover, check the books.",
        "",
        "Starts a three-node cluster (three processes) and a gateway, drives a scripted run through the gateway as "
            + "an exchange, the operator and two members would, kills -9 the leader half way, keeps clearing, checks "
            + "that money is conserved and nothing was lost or doubled, stops everything and prints a one-line JSON "
            + "summary. Exit status 0 when the run was consistent, 1 when it was not.",
        "With --scenario crash it instead crashes the price 30% through leveraged accounts and shows the "
            + "liquidation cascade: slices auctioned to a backstop liquidity provider, the rest taken by a backstop "
            + "pool, fees to the insurance fund, money still conserved.",
        "With --scenario default it crashes the price through two members' leveraged longs: their accounts go "
            + "bankrupt, auto-deleveraging closes them against the shorts, and the loss waterfall absorbs the "
            + "deficits down to the other members' default-fund contributions."
    })
public final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--port-base", paramLabel = "PORT", defaultValue = "9000",
        description = "Node i uses PORT + 100 i .. + 99, the gateway PORT + 400 .. + 499 (default ${DEFAULT-VALUE}).")
    int portBase;

    @Option(names = "--run-dir", paramLabel = "DIR",
        description = "Directory for logs and node state (default run/demo-<timestamp> under the repository).")
    Path runDir;

    @Option(names = "--config-dir", paramLabel = "DIR",
        description = "Directory with node-0..2.properties and gateway.properties (default ops/config).")
    Path configDir;

    @Option(names = "--node-heap", paramLabel = "SIZE", defaultValue = "256m",
        description = "-Xmx of each node process (default ${DEFAULT-VALUE}).")
    String nodeHeap;

    @Option(names = "--gateway-heap", paramLabel = "SIZE", defaultValue = "256m",
        description = "-Xmx of the gateway process (default ${DEFAULT-VALUE}).")
    String gatewayHeap;

    @Option(names = "--kill-leader", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "SIGKILL the leader half way through the day scenario (default ${DEFAULT-VALUE}; "
            + "--no-kill-leader to skip).")
    boolean killLeader;

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "day",
        description = {
            "Which run to play (default ${DEFAULT-VALUE}):",
            "  day      trades, refusals, a duplicate and a replay through a leader failover;",
            "  crash    a 30% price crash over a few ticks through leveraged accounts: margin calls, liquidation "
                + "slices, Dutch auctions to a bidding BLP, pool takeovers, the insurance fund;",
            "  default  a 30% crash that bankrupts two members: auto-deleveraging against the shorts and the loss "
                + "waterfall down to the other members' default-fund contributions."
        })
    String scenario;

    @Option(names = "--accounts", paramLabel = "N", defaultValue = "60",
        description = "Leveraged accounts opened by the crash scenario (even, default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--attach",
        description = "Play the day scenario against the cluster started by `backstop cluster start` (its "
            + "--run-dir, default run/cluster): no processes of the demo's own, no leader kill, the cluster keeps "
            + "running. The scenario expects a fresh cluster: run it once per cluster start.")
    boolean attach;

    @Option(names = "--events", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Print each event of the event stream as a JSON line (default ${DEFAULT-VALUE}).")
    boolean printEvents;

    @Spec
    CommandSpec spec;

    public Integer call()
    {
        final Demo.Scenario chosen = Demo.Scenario.fromName(scenario);
        if (null == chosen)
        {
            throw new ParameterException(spec.commandLine(),
                "unknown scenario '" + scenario + "' (expected day, crash or default)");
        }
        if (accounts < 2 || accounts > 2_000 || (accounts & 1) != 0)
        {
            throw new ParameterException(spec.commandLine(), "--accounts must be even, 2 to 2000");
        }
        if (attach)
        {
            return attachAndRun(chosen);
        }
        final Path home = home();
        final Path config = null != configDir ? configDir : home.resolve("ops").resolve("config");
        final Path run = null != runDir ? runDir : home.resolve("run").resolve(
            "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));

        final DemoSummary summary = new Demo(new Demo.Context()
            .configDir(config)
            .runDir(run)
            .portBase(portBase)
            .nodeHeap(nodeHeap)
            .gatewayHeap(gatewayHeap)
            .killLeader(killLeader)
            .scenario(chosen)
            .crashAccounts(accounts)
            .printEvents(printEvents)
            .out(System.out)).run();

        System.out.println(summary.toJson());
        System.out.flush();
        return summary.isConsistent() ? 0 : 1;
    }

    private Integer attachAndRun(final Demo.Scenario chosen)
    {
        if (Demo.Scenario.DAY != chosen)
        {
            throw new ParameterException(spec.commandLine(), "--attach plays the day scenario only");
        }
        final Path clusterRunDir = ClusterCommand.runDir(runDir);
        final java.util.Optional<ClusterRun> run = ClusterRun.open(clusterRunDir);
        if (run.isEmpty())
        {
            System.err.println("backstop demo --attach: no cluster in " + clusterRunDir + " (backstop cluster start)");
            return 2;
        }
        final DemoSummary summary = new Demo(new Demo.Context()
            .attachTo(run.get())
            .scenario(chosen)
            .printEvents(printEvents)
            .out(System.out)).run();
        System.out.println(summary.toJson());
        System.out.flush();
        return summary.isConsistent() ? 0 : 1;
    }

    /**
     * The repository root: {@code -Dbackstop.home} (set by ops/bin/backstop), else the working directory or the
     * nearest parent holding ops/config.
     */
    private static Path home()
    {
        final String configured = System.getProperty("backstop.home");
        if (null != configured && !configured.isBlank())
        {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir)
        {
            if (Files.isDirectory(dir.resolve("ops").resolve("config")))
            {
                return dir;
            }
            dir = dir.getParent();
        }
        return Path.of("").toAbsolutePath();
    }
}
