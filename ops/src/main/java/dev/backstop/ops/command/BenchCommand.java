package dev.backstop.ops.command;

import dev.backstop.ops.bench.EndToEndBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code backstop bench}: the end-to-end benchmark, Backstop against a bare Aeron Cluster echo service on this
 * machine in the same run ({@link EndToEndBench}). JSON lines on stdout, progress on stderr.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Measure Backstop end to end against a bare Aeron Cluster echo service, in one run.",
        "",
        "Starts three echo nodes (the same node launcher and configuration, backstop.node.service=echo) and drives "
            + "them straight from an Aeron Cluster client (side echo), then through a gateway (side echo-gateway); "
            + "stops them and starts three clearing nodes and a gateway (side backstop), lists an instrument and "
            + "funds two accounts, and drives them with the same load generator and the same SubmitTrade message. "
            + "Each side gets a closed-loop run (its maximum sustainable rate) and fixed-rate runs at fractions of "
            + "the echo's maximum, latency corrected for coordinated omission.",
        "Prints one JSON line per measurement (side, mode, offeredRate, achievedRate, p50Us..maxUs, sent, count, "
            + "errors), then {\"metric\":\"throughputVsEcho\",\"ratio\":...} and {\"metric\":\"p99VsEcho\",...} "
            + "(and the same against echo-gateway). Exit status 0 when every message sent was answered with "
            + "success, 1 otherwise; the targets' verdicts are in the ratio lines, not the exit status.",
        "Run it on an otherwise idle machine: every process shares the cores."
    })
public final class BenchCommand implements Callable<Integer>
{
    @Option(names = "--quick",
        description = "5 s warm-up and 10 s per measurement, one fixed rate (half the echo's maximum): a few "
            + "minutes in all. Without it: 15 s warm-up, 30 s per measurement, fixed rates at 1/4, 1/2 and 3/4.")
    boolean quick;

    @Option(names = "--port-base", paramLabel = "PORT", defaultValue = "25000",
        description = "Both clusters in turn: node i at PORT + 100 i, the gateway at PORT + 400 (default "
            + "${DEFAULT-VALUE}).")
    int portBase;

    @Option(names = "--run-dir", paramLabel = "DIR",
        description = "Directory for the processes' logs (default run/bench-<timestamp> under the repository).")
    Path runDir;

    @Option(names = "--config-dir", paramLabel = "DIR",
        description = "Directory with node-0..2.properties and gateway.properties (default ops/config).")
    Path configDir;

    @Option(names = "--sides", paramLabel = "LIST", split = ",", defaultValue = "echo,echo-gateway,backstop",
        description = "Which sides to run, in this order whatever the order given (default ${DEFAULT-VALUE}).")
    List<String> sides;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
        description = "Run every side N times, the echo and the clearing cluster alternating, and take the ratios "
            + "from the medians (default ${DEFAULT-VALUE}); the fixed rates come from the first round's echo.")
    int rounds;

    @Option(names = "--window", paramLabel = "N", defaultValue = "256",
        description = "Messages in flight in the closed-loop run (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--warmup", paramLabel = "SECONDS",
        description = "Unrecorded warm-up of each side (default 5 with --quick, else 15).")
    Double warmupS;

    @Option(names = "--duration", paramLabel = "SECONDS",
        description = "Measured time of each run (default 10 with --quick, else 30).")
    Double durationS;

    @Option(names = "--rate-fractions", paramLabel = "LIST", split = ",",
        description = "Fixed offered rates as fractions of the echo's maximum (default 0.5 with --quick, else "
            + "0.25,0.5,0.75); the p99 ratio is taken at 0.5.")
    List<Double> rateFractions;

    @Option(names = "--rate", paramLabel = "MSG_PER_S", defaultValue = "0",
        description = "One fixed offered rate for every side instead of fractions of the echo's maximum.")
    long rate;

    @Option(names = "--node-heap", paramLabel = "SIZE", defaultValue = "512m",
        description = "-Xmx of each node process, both clusters (default ${DEFAULT-VALUE}).")
    String nodeHeap;

    @Option(names = "--gateway-heap", paramLabel = "SIZE", defaultValue = "256m",
        description = "-Xmx of the gateway process (default ${DEFAULT-VALUE}).")
    String gatewayHeap;

    @Option(names = "--jfr", paramLabel = "SETTINGS", arity = "0..1", fallbackValue = "profile",
        description = "Record every node and gateway with Java Flight Recorder into <run dir>/<cluster>/jfr/, with "
            + "the given settings (default profile; a .jfc file for a finer sampling period).")
    String jfr;

    @Option(names = "--keep-state",
        description = "Keep the nodes' cluster and archive directories (deleted by default; logs are kept).")
    boolean keepState;

    @Spec
    CommandSpec spec;

    public Integer call()
    {
        final Set<EndToEndBench.Side> chosen = EnumSet.noneOf(EndToEndBench.Side.class);
        for (final String name : sides)
        {
            final EndToEndBench.Side side = EndToEndBench.Side.fromLabel(name);
            if (null == side)
            {
                throw new ParameterException(spec.commandLine(),
                    "unknown side '" + name + "' (expected echo, echo-gateway or backstop)");
            }
            chosen.add(side);
        }

        final Path home = Home.path();
        final EndToEndBench.Context ctx = new EndToEndBench.Context()
            .configDir(null != configDir ? configDir : home.resolve("ops").resolve("config"))
            .runDir(null != runDir ? runDir : home.resolve("run").resolve(
                "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))))
            .portBase(portBase)
            .sides(chosen)
            .quick(quick)
            .window(window)
            .rounds(rounds)
            .fixedRate(rate)
            .nodeHeap(nodeHeap)
            .gatewayHeap(gatewayHeap)
            .jfrSettings(jfr)
            .keepState(keepState);
        if (null != warmupS)
        {
            ctx.warmupMs(Math.round(warmupS * 1000));
        }
        if (null != durationS)
        {
            ctx.durationMs(Math.round(durationS * 1000));
        }
        if (null != rateFractions)
        {
            ctx.rateFractions(rateFractions);
        }
        try
        {
            return new EndToEndBench(ctx).run().clean() ? 0 : 1;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }
    }
}
