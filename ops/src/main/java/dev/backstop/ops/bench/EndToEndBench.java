package dev.backstop.ops.bench;

import dev.backstop.clearing.node.ClearingNodeConfiguration;
import dev.backstop.clearing.node.ClusterTopology;
import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.ExchangeClientException;
import dev.backstop.gateway.client.Response;
import dev.backstop.ops.cluster.LocalCluster;
import dev.backstop.ops.demo.JsonLine;
import dev.backstop.sbe.exchange.SenderRole;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code backstop bench}: the end-to-end benchmark of issue 8. Backstop is measured against a bare Aeron Cluster
 * echo service on the same machine, in the same run, with the same node processes and configuration, the same
 * load generator and the same message:
 * <ol>
 *     <li><b>echo</b>: three node processes running {@link dev.backstop.clearing.service.EchoService}
 *     ({@code backstop.node.service=echo}); the load generator is an {@link AeronCluster} client sending an
 *     exchange's SubmitTrade bytes straight to the cluster, which echoes them;</li>
 *     <li><b>echo-gateway</b>: the same echo cluster with a gateway process in front; the load generator is an
 *     exchange's {@link ExchangeClient}; the echo service acknowledges each forwarded trade without clearing it,
 *     so this side is everything Backstop does except the clearing service's work;</li>
 *     <li><b>backstop</b>: three clearing nodes and a gateway, set up with an instrument and two funded accounts
 *     (not measured), then the same ExchangeClient sending the same trades, each cleared, answered and published
 *     as events.</li>
 * </ol>
 * Each side gets a closed-loop run (its maximum sustainable rate, {@link LoadGenerator}) and fixed-rate runs at
 * fractions of the echo's maximum (coordinated-omission corrected). Every measurement is a JSON line on
 * {@code out}; then the ratio lines {@code throughputVsEcho} and {@code p99VsEcho} (and the same against
 * echo-gateway). Progress goes to {@code log}. Every process started is stopped by pid and the node state deleted;
 * the logs stay in the run directory.
 */
public final class EndToEndBench
{
    /**
     * The sides, in the order they run (the echo's maximum sets the others' fixed rates).
     */
    public enum Side
    {
        /** Bare echo cluster, no gateway. */
        ECHO("echo"),
        /** Echo cluster behind a gateway. */
        ECHO_GATEWAY("echo-gateway"),
        /** The clearinghouse. */
        BACKSTOP("backstop");

        private final String label;

        Side(final String label)
        {
            this.label = label;
        }

        /**
         * @return the name used on the command line and in the JSON lines.
         */
        public String label()
        {
            return label;
        }

        /**
         * @param label a side's name.
         * @return the side, or null.
         */
        public static Side fromLabel(final String label)
        {
            for (final Side side : values())
            {
                if (side.label.equalsIgnoreCase(label.trim()))
                {
                    return side;
                }
            }
            return null;
        }
    }

    /**
     * Offered rate, as a fraction of the echo's maximum, at which the p99 ratio is taken (issue 8: "p99 at half the
     * echo's maximum rate").
     */
    public static final double RATIO_RATE_FRACTION = 0.5;
    /**
     * Target of issue 8: Backstop's sustained throughput at least this share of the echo's.
     */
    public static final double THROUGHPUT_TARGET = 0.7;
    /**
     * Target of issue 8: Backstop's p99 at half the echo's maximum rate at most this multiple of the echo's.
     */
    public static final double P99_TARGET = 2.0;

    static final int INSTRUMENT_ID = 1;
    static final long OPERATOR_ID = 1;
    static final long EXCHANGE_ID = 100;
    static final long MEMBER_A = 200;
    static final long MEMBER_B = 201;
    static final long ACCOUNT_A = 2001;
    static final long ACCOUNT_B = 2011;
    static final long PRICE_TICKS = 600_000;
    private static final long DEPOSIT = 1_000_000_000L * 1_000_000L;
    private static final int GATEWAY_STREAM_ID = 1001;
    private static final int REPLY_STREAM_ID = 1002;
    private static final String CLIENT_TERM = "|term-length=128k";
    // the bare echo client's egress is set up like the gateway's cluster egress (GatewayPorts)
    private static final String EGRESS_TERM = "|term-length=512k";

    private final Context ctx;
    private final List<Measurement> measurements = new ArrayList<>();
    private final long startNs = System.nanoTime();
    private double echoMaxRate = Double.NaN;
    private int round = 1;

    /**
     * @param ctx concluded here.
     */
    public EndToEndBench(final Context ctx)
    {
        this.ctx = ctx.conclude();
    }

    /**
     * Run every side, print the measurements and the ratios.
     *
     * @return the result.
     */
    public Result run()
    {
        final List<String> problems = new ArrayList<>();
        final AtomicReference<LocalCluster> running = new AtomicReference<>();
        MediaDriver driver = null;
        out(new JsonLine()
            .field("metric", "config")
            .field("sides", String.join(",", ctx.sides.stream().map(Side::label).toList()))
            .field("quick", ctx.quick)
            .field("rounds", ctx.rounds)
            .field("warmupS", ctx.warmupNs / 1e9)
            .field("durationS", ctx.durationNs / 1e9)
            .field("window", ctx.window)
            .field("rateFractions", ctx.rateFractions.toString())
            .field("fixedRate", ctx.fixedRate)
            .field("portBase", ctx.portBase)
            .field("cores", Runtime.getRuntime().availableProcessors())
            .field("java", System.getProperty("java.version"))
            .field("nodeHeap", ctx.nodeHeap)
            .field("runDir", ctx.runDir.toString())
            .toString());
        try
        {
            final int stale = LocalCluster.removeStaleAeronDirs(aeronDirRoot());
            if (stale > 0)
            {
                log("removed " + stale + " media driver directories left by earlier runs that were killed");
            }
            driver = launchClientDriver();
            for (round = 1; round <= ctx.rounds; round++)
            {
                if (ctx.rounds > 1)
                {
                    log("round " + round + " of " + ctx.rounds);
                }
                if (ctx.sides.contains(Side.ECHO) || ctx.sides.contains(Side.ECHO_GATEWAY))
                {
                    runEchoCluster(driver, running);
                }
                if (ctx.sides.contains(Side.BACKSTOP))
                {
                    runBackstopCluster(driver, running);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            problems.add(ex.toString());
            log("FAILED: " + ex);
            ex.printStackTrace(ctx.log);
        }
        finally
        {
            CloseHelper.quietClose(running.getAndSet(null));
            CloseHelper.quietClose(driver);
        }

        final List<String> ratios = ratios();
        ratios.forEach(this::out);
        for (final Measurement measurement : measurements)
        {
            if (!measurement.clean())
            {
                problems.add(measurement.side() + " " + measurement.mode() + ": sent " + measurement.sent() +
                    ", answered " + measurement.count() + ", errors " + measurement.errors() +
                    (measurement.unsent() > 0 ? ", unsent " + measurement.unsent() : ""));
            }
        }
        log("done in " + Math.round(elapsedS()) + " s" + (problems.isEmpty() ? "" : "; problems: " + problems));
        return new Result(List.copyOf(measurements), ratios, problems);
    }

    private void runEchoCluster(final MediaDriver driver, final AtomicReference<LocalCluster> running)
    {
        final LocalCluster cluster = startNodes("echo", true, running);
        try
        {
            if (ctx.sides.contains(Side.ECHO))
            {
                final TradeFlow flow = flow();
                final AeronCluster.Context clusterClient = new AeronCluster.Context()
                    .aeronDirectoryName(driver.aeronDirectoryName())
                    .ingressChannel("aeron:udp?term-length=128k")
                    .ingressEndpoints(ClusterTopology.ingressEndpoints(
                        ClusterTopology.DEFAULT_HOSTNAME, ctx.portBase, LocalCluster.MEMBER_COUNT))
                    .egressChannel("aeron:udp?endpoint=" + ClusterTopology.DEFAULT_HOSTNAME + ":" +
                        cluster.clientReplyPort(0) + EGRESS_TERM)
                    .messageTimeoutNs(TimeUnit.SECONDS.toNanos(10));
                try (EchoTarget target = new EchoTarget(clusterClient, flow))
                {
                    log("echo: connected to the echo cluster directly, " + target.messageLength() + "-byte messages");
                    measure(Side.ECHO, target, cluster, false);
                }
            }
            if (ctx.sides.contains(Side.ECHO_GATEWAY))
            {
                cluster.startGateway();
                log("echo-gateway: gateway (pid " + cluster.gateway().pid() + ") started in front of the echo cluster");
                try (GatewayTarget target = new GatewayTarget(
                    logon(cluster, driver, EXCHANGE_ID, SenderRole.EXCHANGE, 1), flow()))
                {
                    measure(Side.ECHO_GATEWAY, target, cluster, true);
                }
            }
        }
        finally
        {
            stop(cluster, running);
        }
    }

    private void runBackstopCluster(final MediaDriver driver, final AtomicReference<LocalCluster> running)
    {
        final LocalCluster cluster = startNodes("backstop", false, running);
        try
        {
            cluster.startGateway();
            log("backstop: gateway (pid " + cluster.gateway().pid() + ") started");
            final ExchangeClient exchange = logon(cluster, driver, EXCHANGE_ID, SenderRole.EXCHANGE, 2);
            try (ExchangeClient operator = logon(cluster, driver, OPERATOR_ID, SenderRole.OPERATOR, 3);
                ExchangeClient memberA = logon(cluster, driver, MEMBER_A, SenderRole.MEMBER, 4);
                ExchangeClient memberB = logon(cluster, driver, MEMBER_B, SenderRole.MEMBER, 5))
            {
                // BTC-PERP as in the demo: IMR 10%, MMR 5%, fee 0.05%, tick 0.1 USD, lot 0.001 BTC
                accept("list BTC-PERP", operator.listInstrument(
                    INSTRUMENT_ID, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 100));
                accept("open account A", operator.openAccount(ACCOUNT_A, MEMBER_A));
                accept("open account B", operator.openAccount(ACCOUNT_B, MEMBER_B));
                accept("fund account A", memberA.deposit(ACCOUNT_A, DEPOSIT));
                accept("fund account B", memberB.deposit(ACCOUNT_B, DEPOSIT));
                accept("price tick", exchange.submitPriceTick(INSTRUMENT_ID, 1, PRICE_TICKS));
            }
            catch (final RuntimeException ex)
            {
                exchange.close();
                throw ex;
            }
            log("backstop: BTC-PERP listed, accounts " + ACCOUNT_A + " and " + ACCOUNT_B + " funded, mark set");
            try (GatewayTarget target = new GatewayTarget(exchange, flow()))
            {
                measure(Side.BACKSTOP, target, cluster, true);
            }
        }
        finally
        {
            stop(cluster, running);
        }
    }

    private void measure(final Side side, final LoadTarget target, final LocalCluster cluster, final boolean gateway)
    {
        final List<ProcessHandle> nodes = new ArrayList<>();
        for (int i = 0; i < LocalCluster.MEMBER_COUNT; i++)
        {
            ProcessHandle.of(cluster.node(i).pid()).ifPresent(nodes::add);
        }
        final CpuMeter cpu = new CpuMeter()
            .role("nodes", nodes)
            .role("client", List.of(ProcessHandle.current()));
        if (gateway)
        {
            ProcessHandle.of(cluster.gateway().pid()).ifPresent((handle) -> cpu.role("gateway", List.of(handle)));
        }
        final LoadGenerator generator = new LoadGenerator(cpu);
        log(side.label() + ": closed loop, " + ctx.window + " in flight, " + seconds(ctx.warmupNs) + " s warm-up + " +
            seconds(ctx.durationNs) + " s");
        Measurement max = generator.closedLoop(side.label(), target, ctx.window, ctx.warmupNs, ctx.durationNs);
        max = max.withCpu(cpu.perMessageUs(max.messagesMeasured()));
        record(max);
        if (Side.ECHO == side && Double.isNaN(echoMaxRate))
        {
            // the first round's maximum sets the fixed rates of every round, so rounds can be compared
            echoMaxRate = max.achievedRate();
        }

        for (final double rate : fixedRates(max.achievedRate()))
        {
            log(side.label() + ": fixed rate " + Math.round(rate) + "/s, " + seconds(ctx.settleNs()) +
                " s settling + " + seconds(ctx.durationNs) + " s");
            final Measurement fixed = generator.fixedRate(side.label(), target, rate, ctx.settleNs(), ctx.durationNs);
            record(fixed.withCpu(cpu.perMessageUs(fixed.messagesMeasured())));
        }
    }

    private List<Double> fixedRates(final double ownMaxRate)
    {
        final List<Double> rates = new ArrayList<>();
        if (ctx.fixedRate > 0)
        {
            rates.add((double)ctx.fixedRate);
            return rates;
        }
        // fractions of the echo's maximum, so every side is offered the same rates; of its own without an echo
        final double base = Double.isNaN(echoMaxRate) ? ownMaxRate : echoMaxRate;
        for (final double fraction : ctx.rateFractions)
        {
            final double rate = Math.max(1, Math.round(base * fraction));
            rates.add(rate);
        }
        return rates;
    }

    private void record(final Measurement measurement)
    {
        final Measurement inRound = measurement.inRound(round);
        measurements.add(inRound);
        out(inRound.toJson());
    }

    private List<String> ratios()
    {
        final List<String> lines = new ArrayList<>();
        final double backstopMax = medianRate(Side.BACKSTOP);
        final double ratioRate = ctx.fixedRate > 0 ? ctx.fixedRate :
            Double.isNaN(echoMaxRate) ? Double.NaN : Math.max(1, Math.round(echoMaxRate * RATIO_RATE_FRACTION));
        final double backstopP99 = medianP99(Side.BACKSTOP, ratioRate);
        for (final Side baseline : new Side[]{ Side.ECHO, Side.ECHO_GATEWAY })
        {
            final String suffix = Side.ECHO == baseline ? "Echo" : "EchoGateway";
            final String key = Side.ECHO == baseline ? "echo" : "echoGateway";
            final double baseMax = medianRate(baseline);
            if (backstopMax > 0 && baseMax > 0)
            {
                final double ratio = backstopMax / baseMax;
                final JsonLine line = new JsonLine()
                    .field("metric", "throughputVs" + suffix)
                    .field("ratio", round3(ratio))
                    .field("backstop", Measurement.round1(backstopMax))
                    .field(key, Measurement.round1(baseMax));
                if (ctx.rounds > 1)
                {
                    line.field("rounds", ctx.rounds);
                }
                if (Side.ECHO == baseline)
                {
                    line.field("target", THROUGHPUT_TARGET).field("met", ratio >= THROUGHPUT_TARGET);
                }
                lines.add(line.toString());
            }
            final double baseP99 = medianP99(baseline, ratioRate);
            if (backstopP99 > 0 && baseP99 > 0)
            {
                final double ratio = backstopP99 / baseP99;
                final JsonLine line = new JsonLine()
                    .field("metric", "p99Vs" + suffix)
                    .field("ratio", round3(ratio))
                    .field("offeredRate", Math.round(ratioRate))
                    .field("backstop", Measurement.round1(backstopP99))
                    .field(key, Measurement.round1(baseP99));
                if (ctx.rounds > 1)
                {
                    line.field("rounds", ctx.rounds);
                }
                if (Side.ECHO == baseline)
                {
                    line.field("target", P99_TARGET).field("met", ratio <= P99_TARGET);
                }
                lines.add(line.toString());
            }
        }
        return lines;
    }

    private double medianRate(final Side side)
    {
        final List<Double> rates = new ArrayList<>();
        for (final Measurement measurement : measurements)
        {
            if (measurement.side().equals(side.label()) && "max".equals(measurement.mode()))
            {
                rates.add(measurement.achievedRate());
            }
        }
        return median(rates);
    }

    private double medianP99(final Side side, final double offeredRate)
    {
        final List<Double> p99s = new ArrayList<>();
        for (final Measurement measurement : measurements)
        {
            if (measurement.side().equals(side.label()) && "fixed".equals(measurement.mode()) &&
                !Double.isNaN(offeredRate) && Math.round(measurement.offeredRate()) == Math.round(offeredRate))
            {
                p99s.add(measurement.latency().p99Us());
            }
        }
        return median(p99s);
    }

    /**
     * @param values the values of every round.
     * @return their median (the mean of the middle two for an even count), 0 when there are none.
     */
    static double median(final List<Double> values)
    {
        if (values.isEmpty())
        {
            return 0;
        }
        final List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        final int middle = sorted.size() / 2;
        return (sorted.size() & 1) == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private LocalCluster startNodes(
        final String name, final boolean echo, final AtomicReference<LocalCluster> running)
    {
        final Path runDir = ctx.rounds > 1 ? ctx.runDir.resolve("round-" + round).resolve(name) :
            ctx.runDir.resolve(name);
        final List<String> jvmOptions = new ArrayList<>(ctx.childJvmOptions);
        if (null != ctx.jfrSettings)
        {
            // a directory: each JVM writes hotspot-pid-<pid>-...jfr into it when it exits
            final Path jfrDir = runDir.resolve("jfr");
            try
            {
                Files.createDirectories(jfrDir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            jvmOptions.add("-XX:StartFlightRecording=filename=" + jfrDir + ",settings=" + ctx.jfrSettings);
        }
        final LocalCluster.Context clusterCtx = new LocalCluster.Context()
            .configDir(ctx.configDir)
            .runDir(runDir)
            .portBase(ctx.portBase)
            .classPath(ctx.classPath)
            .nodeHeap(ctx.nodeHeap)
            .gatewayHeap(ctx.gatewayHeap)
            .jvmOptions(jvmOptions)
            .stopGraceMs(ctx.stopGraceMs)
            .nodeOverride(ClearingNodeConfiguration.SERVICE_PROP,
                echo ? ClearingNodeConfiguration.SERVICE_ECHO : ClearingNodeConfiguration.SERVICE_CLEARING);
        ctx.nodeOverrides.forEach(clusterCtx::nodeOverride);
        ctx.gatewayOverrides.forEach(clusterCtx::gatewayOverride);
        if (null != ctx.aeronDirRoot)
        {
            clusterCtx.aeronDirRoot(ctx.aeronDirRoot);
        }
        final LocalCluster cluster = new LocalCluster(clusterCtx);
        running.set(cluster);
        cluster.startNodes();
        final int leader = cluster.awaitLeader(ctx.startupTimeoutMs, -1);
        log(name + ": three " + (echo ? "echo" : "clearing") + " nodes up in " + clusterCtx.runDir() + ", node-" +
            leader + " leads (pids " + cluster.node(0).pid() + ", " + cluster.node(1).pid() + ", " +
            cluster.node(2).pid() + ")");
        return cluster;
    }

    private void stop(final LocalCluster cluster, final AtomicReference<LocalCluster> running)
    {
        running.compareAndSet(cluster, null);
        cluster.close();
        if (!ctx.keepState)
        {
            for (int i = 0; i < LocalCluster.MEMBER_COUNT; i++)
            {
                LocalCluster.deleteRecursively(cluster.nodeDir(i));
            }
        }
        log("stopped every process of " + cluster.context().runDir().getFileName() +
            (ctx.keepState ? "" : " and deleted the node state (logs kept)"));
    }

    private ExchangeClient logon(
        final LocalCluster cluster,
        final MediaDriver driver,
        final long senderId,
        final SenderRole role,
        final int replyPortIndex)
    {
        final String credential = gatewayConfig().getProperty("backstop.gateway.sender." + senderId + ".secret");
        if (null == credential)
        {
            throw new IllegalStateException("gateway.properties enrols no sender " + senderId);
        }
        final long deadlineMs = System.currentTimeMillis() + ctx.startupTimeoutMs;
        while (true)
        {
            try
            {
                return ExchangeClient.connect(new ExchangeClient.Context()
                    .aeronDirectoryName(driver.aeronDirectoryName())
                    .gatewayChannel("aeron:udp?endpoint=" + cluster.gatewayEndpoint() + CLIENT_TERM)
                    .gatewayStreamId(GATEWAY_STREAM_ID)
                    .replyChannel("aeron:udp?endpoint=" + ClusterTopology.DEFAULT_HOSTNAME + ":" +
                        cluster.clientReplyPort(replyPortIndex) + CLIENT_TERM)
                    .replyStreamId(REPLY_STREAM_ID)
                    .senderId(senderId)
                    .role(role)
                    .credential(credential)
                    .connectTimeoutMs(5_000)
                    .responseTimeoutMs(30_000));
            }
            catch (final ExchangeClientException ex)
            {
                cluster.checkAlive(-1);
                if (System.currentTimeMillis() > deadlineMs)
                {
                    throw new IllegalStateException("sender " + senderId + " could not log on: " + ex.getMessage(), ex);
                }
                sleep(200);
            }
        }
    }

    private Properties gatewayConfig()
    {
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(ctx.configDir.resolve("gateway.properties")))
        {
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        ctx.gatewayOverrides.forEach(properties::setProperty);
        return properties;
    }

    private static void accept(final String what, final Response response)
    {
        if (!response.isAccepted())
        {
            throw new IllegalStateException("setup step refused: " + what + ": " + response.resultCode() + " " +
                response.reason());
        }
    }

    private static TradeFlow flow()
    {
        return new TradeFlow(INSTRUMENT_ID, ACCOUNT_A, ACCOUNT_B, PRICE_TICKS, 1);
    }

    private MediaDriver launchClientDriver()
    {
        // the load generator's own driver, set up like every node's: shared threading, backoff idling, small terms
        final Path dir = aeronDirRoot().resolve("backstop-" + ProcessHandle.current().pid() + "-" + ctx.portBase +
            "-bench-client");
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(128 * 1024)
            .ipcTermBufferLength(64 * 1024));
    }

    private Path aeronDirRoot()
    {
        if (null != ctx.aeronDirRoot)
        {
            return ctx.aeronDirRoot;
        }
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : ctx.runDir;
    }

    private void out(final String line)
    {
        ctx.out.println(line);
        ctx.out.flush();
    }

    private void log(final String line)
    {
        ctx.log.println(String.format(Locale.ROOT, "[%6.1fs] %s", elapsedS(), line));
        ctx.log.flush();
    }

    private double elapsedS()
    {
        return (System.nanoTime() - startNs) / 1e9;
    }

    private static String seconds(final long ns)
    {
        final double s = ns / 1e9;
        return s == Math.rint(s) ? Long.toString((long)s) : String.format(Locale.ROOT, "%.1f", s);
    }

    private static double round3(final double value)
    {
        return Math.round(value * 1000.0) / 1000.0;
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /**
     * What a run produced.
     *
     * @param measurements every measurement, in the order taken.
     * @param ratios       the ratio lines as printed.
     * @param problems     what went wrong: a side that failed, or messages unanswered or refused; empty when clean.
     */
    public record Result(List<Measurement> measurements, List<String> ratios, List<String> problems)
    {
        /**
         * @return true when every side ran and every message sent was answered with success.
         */
        public boolean clean()
        {
            return problems.isEmpty();
        }
    }

    /**
     * Settings of a benchmark run. Defaults: the full run (15 s warm-up and 30 s per measurement, fixed rates at a
     * quarter, a half and three quarters of the echo's maximum); {@link #quick(boolean)} shortens it to a few
     * minutes in all.
     */
    public static final class Context
    {
        /** Default port base: nodes at 25000-25299, gateway 25400-25499, beyond every test range. */
        public static final int PORT_BASE_DEFAULT = 25_000;
        /** Default messages in flight for the closed loop. */
        public static final int WINDOW_DEFAULT = 256;

        private Path configDir;
        private Path runDir;
        private Path aeronDirRoot;
        private int portBase = PORT_BASE_DEFAULT;
        private String classPath;
        private String nodeHeap = "512m";
        private String gatewayHeap = "256m";
        private List<String> childJvmOptions = new ArrayList<>();
        private final Map<String, String> nodeOverrides = new LinkedHashMap<>();
        private final Map<String, String> gatewayOverrides = new LinkedHashMap<>();
        private Set<Side> sides = EnumSet.allOf(Side.class);
        private boolean quick;
        private long warmupNs = -1;
        private long durationNs = -1;
        private int window = WINDOW_DEFAULT;
        private List<Double> rateFractions;
        private long fixedRate;
        private long startupTimeoutMs = 90_000;
        private long stopGraceMs = 15_000;
        private boolean keepState;
        private int rounds = 1;
        private String jfrSettings;
        private PrintStream out = System.out;
        private PrintStream log = System.err;
        private boolean concluded;

        /**
         * Validate and fill in defaults.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("Context already concluded");
            }
            concluded = true;
            if (null == configDir || null == runDir)
            {
                throw new IllegalArgumentException("configDir and runDir are required");
            }
            if (sides.isEmpty())
            {
                throw new IllegalArgumentException("no side to measure");
            }
            if (warmupNs < 0)
            {
                warmupNs = TimeUnit.SECONDS.toNanos(quick ? 5 : 15);
            }
            if (durationNs < 0)
            {
                durationNs = TimeUnit.SECONDS.toNanos(quick ? 10 : 30);
            }
            if (durationNs <= 0)
            {
                throw new IllegalArgumentException("duration must be positive");
            }
            if (null == rateFractions)
            {
                rateFractions = quick ? List.of(RATIO_RATE_FRACTION) : List.of(0.25, RATIO_RATE_FRACTION, 0.75);
            }
            for (final double fraction : rateFractions)
            {
                if (!(fraction > 0) || fraction > 4)
                {
                    throw new IllegalArgumentException("rate fractions must be in (0, 4]: " + fraction);
                }
            }
            if (window < 1 || window > LoadGenerator.FIXED_RATE_MAX_IN_FLIGHT)
            {
                throw new IllegalArgumentException("window must be 1 to " + LoadGenerator.FIXED_RATE_MAX_IN_FLIGHT +
                    " (what a client keeps for resends): " + window);
            }
            if (rounds < 1 || rounds > 20)
            {
                throw new IllegalArgumentException("rounds must be 1 to 20: " + rounds);
            }
            if (fixedRate < 0)
            {
                throw new IllegalArgumentException("fixed rate must be positive (0: fractions of the echo's maximum)");
            }
            runDir = runDir.toAbsolutePath().normalize();
            configDir = configDir.toAbsolutePath().normalize();
            try
            {
                Files.createDirectories(runDir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        long settleNs()
        {
            // the fixed-rate runs follow the closed loop on a warm JVM: a short unrecorded lead-in is enough
            return Math.min(warmupNs, TimeUnit.SECONDS.toNanos(3));
        }

        /**
         * @param configDir directory with node-0..2.properties and gateway.properties.
         * @return this.
         */
        public Context configDir(final Path configDir)
        {
            this.configDir = configDir;
            return this;
        }

        /**
         * @param runDir where the clusters' logs go ({@code echo/}, {@code backstop/}).
         * @return this.
         */
        public Context runDir(final Path runDir)
        {
            this.runDir = runDir;
            return this;
        }

        /**
         * @return the run directory.
         */
        public Path runDir()
        {
            return runDir;
        }

        /**
         * @param aeronDirRoot where media driver directories go (default /dev/shm).
         * @return this.
         */
        public Context aeronDirRoot(final Path aeronDirRoot)
        {
            this.aeronDirRoot = aeronDirRoot;
            return this;
        }

        /**
         * @param portBase both clusters' port base, one after the other (default 25000).
         * @return this.
         */
        public Context portBase(final int portBase)
        {
            this.portBase = portBase;
            return this;
        }

        /**
         * @param classPath class path of the node and gateway processes (default this JVM's).
         * @return this.
         */
        public Context classPath(final String classPath)
        {
            this.classPath = classPath;
            return this;
        }

        /**
         * @param nodeHeap -Xmx of each node (default 512m, the same for both clusters).
         * @return this.
         */
        public Context nodeHeap(final String nodeHeap)
        {
            this.nodeHeap = nodeHeap;
            return this;
        }

        /**
         * @param gatewayHeap -Xmx of the gateway.
         * @return this.
         */
        public Context gatewayHeap(final String gatewayHeap)
        {
            this.gatewayHeap = gatewayHeap;
            return this;
        }

        /**
         * @param options extra JVM options for every node and gateway (a profiler, for example).
         * @return this.
         */
        public Context childJvmOptions(final List<String> options)
        {
            this.childJvmOptions = new ArrayList<>(options);
            return this;
        }

        /**
         * @param key   a {@code backstop.node.*} key.
         * @param value its value for every node of both clusters.
         * @return this.
         */
        public Context nodeOverride(final String key, final String value)
        {
            nodeOverrides.put(key, value);
            return this;
        }

        /**
         * @param key   a {@code backstop.gateway.*} key.
         * @param value its value for both gateways.
         * @return this.
         */
        public Context gatewayOverride(final String key, final String value)
        {
            gatewayOverrides.put(key, value);
            return this;
        }

        /**
         * @param sides which sides to run (default all three).
         * @return this.
         */
        public Context sides(final Set<Side> sides)
        {
            this.sides = EnumSet.copyOf(sides);
            return this;
        }

        /**
         * @param quick 5 s warm-up, 10 s per measurement, one fixed rate (half the echo's maximum).
         * @return this.
         */
        public Context quick(final boolean quick)
        {
            this.quick = quick;
            return this;
        }

        /**
         * @param warmupMs unrecorded closed-loop lead-in of each side.
         * @return this.
         */
        public Context warmupMs(final long warmupMs)
        {
            this.warmupNs = TimeUnit.MILLISECONDS.toNanos(warmupMs);
            return this;
        }

        /**
         * @param durationMs measured time of each run.
         * @return this.
         */
        public Context durationMs(final long durationMs)
        {
            this.durationNs = TimeUnit.MILLISECONDS.toNanos(durationMs);
            return this;
        }

        /**
         * @param window messages in flight in the closed loop.
         * @return this.
         */
        public Context window(final int window)
        {
            this.window = window;
            return this;
        }

        /**
         * @param rateFractions fixed rates as fractions of the echo's maximum.
         * @return this.
         */
        public Context rateFractions(final List<Double> rateFractions)
        {
            this.rateFractions = List.copyOf(rateFractions);
            return this;
        }

        /**
         * @param fixedRate one fixed rate for every side instead of fractions of the echo's maximum (0: fractions).
         * @return this.
         */
        public Context fixedRate(final long fixedRate)
        {
            this.fixedRate = fixedRate;
            return this;
        }

        /**
         * @param startupTimeoutMs how long a cluster may take to elect a leader and accept logons.
         * @return this.
         */
        public Context startupTimeoutMs(final long startupTimeoutMs)
        {
            this.startupTimeoutMs = startupTimeoutMs;
            return this;
        }

        /**
         * @param stopGraceMs how long processes may take to stop after SIGTERM before SIGKILL.
         * @return this.
         */
        public Context stopGraceMs(final long stopGraceMs)
        {
            this.stopGraceMs = stopGraceMs;
            return this;
        }

        /**
         * @param rounds run every side this many times, alternating the clusters, and take the ratios from the
         *               medians (default 1): on a shared machine one round can be hit by load the next escapes.
         * @return this.
         */
        public Context rounds(final int rounds)
        {
            this.rounds = rounds;
            return this;
        }

        /**
         * @param keepState keep the nodes' cluster and archive directories after the run.
         * @return this.
         */
        public Context keepState(final boolean keepState)
        {
            this.keepState = keepState;
            return this;
        }

        /**
         * @param jfrSettings when not null, record every node and gateway with Java Flight Recorder into
         *                    {@code <run dir>/<cluster>/jfr/} (written as each process exits) with these settings:
         *                    {@code profile}, {@code default} or a .jfc file.
         * @return this.
         */
        public Context jfrSettings(final String jfrSettings)
        {
            this.jfrSettings = jfrSettings;
            return this;
        }

        /**
         * @param out where the JSON lines go.
         * @return this.
         */
        public Context out(final PrintStream out)
        {
            this.out = out;
            return this;
        }

        /**
         * @param log where progress goes.
         * @return this.
         */
        public Context log(final PrintStream log)
        {
            this.log = log;
            return this;
        }
    }
}
