package dev.backstop.ops.demo;

import dev.backstop.gateway.client.EventStreamSubscriber;
import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.ExchangeClientException;
import dev.backstop.ops.cluster.ClusterRun;
import dev.backstop.ops.cluster.LocalCluster;
import dev.backstop.ops.process.JavaProcess;
import dev.backstop.sbe.exchange.SenderRole;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code backstop demo}: a three-node cluster as three OS processes plus a gateway process, a scripted run of the
 * clearinghouse through the gateway ({@link DemoScenario}) with the leader killed half way, and a summary that says
 * whether money was conserved and nothing was lost or doubled. The crash scenario ({@link CrashScenario}) plays a
 * liquidation cascade instead, with a backstop liquidity provider ({@link BlpBidder}) bidding from the event stream;
 * the member-default scenario ({@link MemberDefaultScenario}) a crash that bankrupts two members and runs the loss
 * waterfall.
 * <p>
 * Everything the demo starts it also stops, on success, on failure and on Ctrl-C (a shutdown hook): children get
 * SIGTERM, a grace period, then SIGKILL; each child also exits by itself if the demo's JVM disappears. Logs and the
 * nodes' recorded state stay in the run directory; the media driver directories in /dev/shm are removed.
 */
public final class Demo
{
    private static final int GATEWAY_STREAM_ID = 1001;
    private static final int REPLY_STREAM_ID = 1002;

    private final Context ctx;

    /**
     * @param ctx concluded by this constructor.
     */
    public Demo(final Context ctx)
    {
        this.ctx = ctx.conclude();
    }

    /**
     * Run the demo from start to clean shutdown.
     *
     * @return the summary; {@link DemoSummary#isConsistent()} says whether it passed.
     */
    public DemoSummary run()
    {
        final long startNs = System.nanoTime();
        final Narrator narrator = new Narrator(ctx.out, startNs);
        final DemoSummary summary = new DemoSummary();
        summary.nodes = LocalCluster.MEMBER_COUNT;
        summary.scenario = ctx.scenario;
        summary.killLeader = ctx.killLeader && Scenario.DAY == ctx.scenario && null == ctx.attachTo;
        summary.runDir = ctx.runDir.toString();

        final LocalCluster.Context clusterCtx = null != ctx.attachTo ? ctx.attachTo.attachContext() :
            new LocalCluster.Context()
            .configDir(ctx.configDir)
            .runDir(ctx.runDir)
            .portBase(ctx.portBase)
            .classPath(ctx.classPath)
            .nodeHeap(ctx.nodeHeap)
            .gatewayHeap(ctx.gatewayHeap)
            .stopGraceMs(ctx.stopGraceMs);
        ctx.nodeOverrides.forEach(clusterCtx::nodeOverride);
        final Map<String, String> gatewayOverrides = new LinkedHashMap<>();
        if (Scenario.CRASH == ctx.scenario)
        {
            // the BLP is enrolled for this run only: a demo credential, like the others in gateway.properties
            gatewayOverrides.put(
                "backstop.gateway.sender." + CrashScenario.BLP_ID + ".role", SenderRole.BLP.name());
            gatewayOverrides.put(
                "backstop.gateway.sender." + CrashScenario.BLP_ID + ".secret", CrashScenario.BLP_DEMO_SECRET);
        }
        else if (Scenario.MEMBER_DEFAULT == ctx.scenario)
        {
            // the two short-side members are enrolled for this run only, like the BLP of the crash run
            enrolMember(gatewayOverrides, MemberDefaultScenario.MEMBER_C, MemberDefaultScenario.MEMBER_C_DEMO_SECRET);
            enrolMember(gatewayOverrides, MemberDefaultScenario.MEMBER_D, MemberDefaultScenario.MEMBER_D_DEMO_SECRET);
        }
        gatewayOverrides.putAll(ctx.gatewayOverrides);
        gatewayOverrides.forEach(clusterCtx::gatewayOverride);
        final LocalCluster cluster = new LocalCluster(clusterCtx);

        final Resources resources = new Resources(cluster);
        final Thread hook = new Thread(resources::close, "backstop-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            narrator.step("Backstop demo: run directory " + clusterCtx.runDir() + ", ports " +
                clusterCtx.portBase() + "-" + (clusterCtx.portBase() + LocalCluster.GATEWAY_PORT_OFFSET + 99));
            final int stale = LocalCluster.removeStaleAeronDirs(clusterCtx.aeronDirRoot());
            if (stale > 0)
            {
                narrator.step("removed " + stale + " media driver director" + (stale == 1 ? "y" : "ies") +
                    " left in " + clusterCtx.aeronDirRoot() + " by an earlier run that was killed");
            }
            if (null != ctx.attachTo)
            {
                final int leader = cluster.awaitLeader(ctx.startupTimeoutMs, -1);
                summary.initialLeader = leader;
                narrator.step("attached to the running cluster in " + clusterCtx.runDir() + "; node-" + leader +
                    " is the leader; its gateway takes exchanges and members at " + cluster.gatewayEndpoint());
            }
            else
            {
                cluster.startNodes();
                narrator.step("started " + describe(cluster, 0) + ", " + describe(cluster, 1) + ", " +
                    describe(cluster, 2) + " as separate processes; waiting for an election");

                final int leader = cluster.awaitLeader(ctx.startupTimeoutMs, -1);
                summary.initialLeader = leader;
                narrator.step("node-" + leader + " is the leader (ClusterTool is-leader on each node's cluster dir)");

                final JavaProcess gateway = cluster.startGateway();
                narrator.step("started gateway (pid " + gateway.pid() + "): exchanges and members send to " +
                    cluster.gatewayEndpoint() + ", events published via " + cluster.eventControlEndpoint());
            }

            resources.driver = launchClientDriver(cluster);
            resources.tap = new EventTap(EventStreamSubscriber.connect(new EventStreamSubscriber.Context()
                .aeronDirectoryName(resources.driver.aeronDirectoryName())
                .channel(EventStreamSubscriber.Context.mdcChannel(cluster.eventControlEndpoint()))),
                narrator, ctx.printEvents);
            resources.tap.start();

            final Properties gatewayConfig = load(ctx.configDir.resolve("gateway.properties"));
            gatewayOverrides.forEach(gatewayConfig::setProperty);
            final long deadlineMs = System.currentTimeMillis() + ctx.startupTimeoutMs;
            final Participant operator = resources.add(
                logon(cluster, gatewayConfig, "operator " + DemoScenario.OPERATOR_ID, DemoScenario.OPERATOR_ID,
                    SenderRole.OPERATOR, 0, deadlineMs));
            final Participant exchange = resources.add(
                logon(cluster, gatewayConfig, "exchange " + DemoScenario.EXCHANGE_ID, DemoScenario.EXCHANGE_ID,
                    SenderRole.EXCHANGE, 1, deadlineMs));
            final Participant memberA = resources.add(
                logon(cluster, gatewayConfig, "member " + DemoScenario.MEMBER_A, DemoScenario.MEMBER_A,
                    SenderRole.MEMBER, 2, deadlineMs));
            final Participant memberB = resources.add(
                logon(cluster, gatewayConfig, "member " + DemoScenario.MEMBER_B, DemoScenario.MEMBER_B,
                    SenderRole.MEMBER, 3, deadlineMs));
            narrator.step("operator 1, exchange 100 and members 200 and 201 logged on to the gateway");

            awaitEventStream(resources.tap, cluster, deadlineMs);
            summary.startupMs = narrator.elapsedMs();
            narrator.step("event stream joined; the cluster is ready " + summary.startupMs + " ms after launch");

            if (Scenario.CRASH == ctx.scenario)
            {
                final Participant blp = resources.add(
                    logon(cluster, gatewayConfig, "BLP " + CrashScenario.BLP_ID, CrashScenario.BLP_ID,
                        SenderRole.BLP, 4, deadlineMs));
                resources.bidder = new BlpBidder(
                    blp,
                    CrashScenario.BLP_ACCOUNT,
                    EventStreamSubscriber.connect(new EventStreamSubscriber.Context()
                        .aeronDirectoryName(resources.driver.aeronDirectoryName())
                        .channel(EventStreamSubscriber.Context.mdcChannel(cluster.eventControlEndpoint()))),
                    narrator);
                awaitConnected(resources.bidder, cluster, deadlineMs);
                narrator.step(blp.name() + " logged on and follows the event stream to bid in liquidation auctions");
                new CrashScenario(
                    new CrashScenario.Participants(operator, exchange, memberA, memberB, blp),
                    resources.bidder,
                    resources.tap,
                    narrator,
                    summary,
                    ctx.crashAccounts).run();
            }
            else if (Scenario.MEMBER_DEFAULT == ctx.scenario)
            {
                final Participant memberC = resources.add(
                    logon(cluster, gatewayConfig, "member " + MemberDefaultScenario.MEMBER_C,
                        MemberDefaultScenario.MEMBER_C, SenderRole.MEMBER, 4, deadlineMs));
                final Participant memberD = resources.add(
                    logon(cluster, gatewayConfig, "member " + MemberDefaultScenario.MEMBER_D,
                        MemberDefaultScenario.MEMBER_D, SenderRole.MEMBER, 5, deadlineMs));
                narrator.step("members " + MemberDefaultScenario.MEMBER_C + " and " + MemberDefaultScenario.MEMBER_D +
                    " logged on");
                new MemberDefaultScenario(
                    new MemberDefaultScenario.Participants(operator, exchange, memberA, memberB, memberC, memberD),
                    resources.tap,
                    narrator,
                    summary).run();
            }
            else
            {
                new DemoScenario(
                    new DemoScenario.Participants(operator, exchange, memberA, memberB),
                    cluster,
                    narrator,
                    summary,
                    summary.killLeader).run();
            }
            summary.finalLeader = cluster.findLeader();

            resources.tap.awaitSequence(summary.ledgerEventSequence, 5_000);
            final long received = resources.tap.eventsSeen();
            narrator.step("event stream: received " + received + " of the " + summary.ledgerEventSequence +
                " events the cluster published" + (received == summary.ledgerEventSequence ? ", none missing" :
                "; " + resources.tap.gaps() + " gap(s) in the sequence, " +
                (summary.ledgerEventSequence - received) + " event(s) a risk desk would have to replay"));
            for (final Participant participant : resources.participants)
            {
                summary.resends += participant.resends();
            }
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            summary.problems.add("demo failed: " + ex.getMessage());
            narrator.step("FAILED: " + ex);
            if (ex instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
        }
        finally
        {
            if (null != resources.tap)
            {
                summary.eventsSeen = resources.tap.eventsSeen();
                summary.lastEventSequence = resources.tap.lastEventSequence();
                summary.eventGaps = resources.tap.gaps();
            }
            if (null == ctx.attachTo)
            {
                narrator.step("stopping: SIGTERM to every node and the gateway, SIGKILL after " +
                    ctx.stopGraceMs / 1000 + " s");
            }
            resources.close();
            removeHook(hook);
            narrator.step(null == ctx.attachTo ? "all processes stopped; logs in " + ctx.runDir :
                "detached from the cluster, which keeps running (backstop cluster stop ends it)");
        }

        summary.check();
        summary.wallTimeMs = narrator.elapsedMs();
        return summary;
    }

    private static void enrolMember(final Map<String, String> gatewayOverrides, final long memberId, final String secret)
    {
        gatewayOverrides.put("backstop.gateway.sender." + memberId + ".role", SenderRole.MEMBER.name());
        gatewayOverrides.put("backstop.gateway.sender." + memberId + ".secret", secret);
    }

    private MediaDriver launchClientDriver(final LocalCluster cluster)
    {
        final LocalCluster.Context clusterCtx = cluster.context();
        final Path dir = clusterCtx.aeronDirRoot().resolve(clusterCtx.aeronDirPrefix() + "-demo-clients");
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024));
    }

    private Participant logon(
        final LocalCluster cluster,
        final Properties gatewayConfig,
        final String name,
        final long senderId,
        final SenderRole role,
        final int replyPortIndex,
        final long deadlineMs)
    {
        final String credential = gatewayConfig.getProperty("backstop.gateway.sender." + senderId + ".secret");
        if (null == credential)
        {
            throw new IllegalStateException("gateway.properties enrols no sender " + senderId);
        }
        while (true)
        {
            try
            {
                final ExchangeClient client = ExchangeClient.connect(new ExchangeClient.Context()
                    .aeronDirectoryName(cluster.context().aeronDirRoot()
                        .resolve(cluster.context().aeronDirPrefix() + "-demo-clients").toString())
                    .gatewayChannel("aeron:udp?endpoint=" + cluster.gatewayEndpoint())
                    .gatewayStreamId(GATEWAY_STREAM_ID)
                    .replyChannel("aeron:udp?endpoint=127.0.0.1:" + cluster.clientReplyPort(replyPortIndex))
                    .replyStreamId(REPLY_STREAM_ID)
                    .senderId(senderId)
                    .role(role)
                    .credential(credential)
                    .connectTimeoutMs(5_000)
                    .responseTimeoutMs(ctx.responseTimeoutMs));
                return new Participant(name, client, ctx.retryTimeoutMs);
            }
            catch (final ExchangeClientException ex)
            {
                cluster.checkAlive(-1);
                if (System.currentTimeMillis() > deadlineMs)
                {
                    throw new IllegalStateException(name + " could not log on: " + ex.getMessage(), ex);
                }
                sleep(200);
            }
        }
    }

    private static void awaitEventStream(final EventTap tap, final LocalCluster cluster, final long deadlineMs)
    {
        while (!tap.isConnected())
        {
            cluster.checkAlive(-1);
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new IllegalStateException("the gateway's event stream never reached the demo");
            }
            sleep(50);
        }
    }

    private static void awaitConnected(final BlpBidder bidder, final LocalCluster cluster, final long deadlineMs)
    {
        while (!bidder.isConnected())
        {
            cluster.checkAlive(-1);
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new IllegalStateException("the gateway's event stream never reached the BLP");
            }
            sleep(50);
        }
    }

    private static String describe(final LocalCluster cluster, final int memberId)
    {
        return "node-" + memberId + " (pid " + cluster.node(memberId).pid() + ")";
    }

    private static Properties load(final Path file)
    {
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        return properties;
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // already shutting down: the hook is running
        }
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
     * What the demo opened, closed once in reverse order whether the run ends normally or by a shutdown hook.
     */
    private static final class Resources
    {
        private final AtomicBoolean closed = new AtomicBoolean();
        private final LocalCluster cluster;
        private final List<Participant> participants = new ArrayList<>();
        private volatile MediaDriver driver;
        private volatile EventTap tap;
        private volatile BlpBidder bidder;

        Resources(final LocalCluster cluster)
        {
            this.cluster = cluster;
        }

        synchronized Participant add(final Participant participant)
        {
            participants.add(participant);
            return participant;
        }

        void close()
        {
            if (!closed.compareAndSet(false, true))
            {
                return;
            }
            synchronized (this)
            {
                participants.forEach(CloseHelper::quietClose);
            }
            CloseHelper.quietClose(bidder);
            CloseHelper.quietClose(tap);
            CloseHelper.quietClose(cluster);
            CloseHelper.quietClose(driver);
        }
    }

    /**
     * The runs the demo can play.
     */
    public enum Scenario
    {
        /**
         * Trades, refusals, a duplicate and a replay, the leader killed half way ({@link DemoScenario}); what
         * {@code backstop demo} plays without {@code --scenario}.
         */
        DAY("day"),
        /**
         * A 30% price crash through leveraged accounts: the liquidation cascade ({@link CrashScenario}).
         */
        CRASH("crash"),
        /**
         * A crash that bankrupts two members: auto-deleveraging and the loss waterfall down to the non-defaulters'
         * default-fund contributions ({@link MemberDefaultScenario}).
         */
        MEMBER_DEFAULT("default");

        private final String cliName;

        Scenario(final String cliName)
        {
            this.cliName = cliName;
        }

        /**
         * @return the name {@code --scenario} takes and the summary's {@code "scenario"} field shows.
         */
        public String cliName()
        {
            return cliName;
        }

        /**
         * @param name the scenario's name as typed on the command line, any case.
         * @return the scenario, or null when there is none of that name.
         */
        public static Scenario fromName(final String name)
        {
            for (final Scenario scenario : values())
            {
                if (scenario.cliName.equalsIgnoreCase(name))
                {
                    return scenario;
                }
            }
            return null;
        }
    }

    /**
     * Settings of a demo run; defaults give the local demo on ports 9000-9499.
     */
    public static final class Context
    {
        private Path configDir;
        private Path runDir;
        private int portBase = 9000;
        private String classPath;
        private String nodeHeap = "256m";
        private String gatewayHeap = "256m";
        private PrintStream out = System.out;
        private boolean killLeader = true;
        private boolean printEvents = true;
        private Scenario scenario = Scenario.DAY;
        private int crashAccounts = 60;
        private long startupTimeoutMs = 90_000;
        private long responseTimeoutMs = 15_000;
        private long retryTimeoutMs = 60_000;
        private long stopGraceMs = 10_000;
        private final Map<String, String> nodeOverrides = new LinkedHashMap<>();
        private final Map<String, String> gatewayOverrides = new LinkedHashMap<>();
        private ClusterRun attachTo;
        private boolean concluded;

        /**
         * Validate.
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
            if (null != attachTo)
            {
                if (Scenario.DAY != scenario)
                {
                    throw new IllegalArgumentException("only the day scenario can attach to a running cluster");
                }
                configDir = attachTo.configDir();
                runDir = attachTo.runDir();
                portBase = attachTo.portBase();
                killLeader = false;
            }
            if (null == configDir || null == runDir)
            {
                throw new IllegalArgumentException("configDir and runDir are required");
            }
            if (null == out)
            {
                throw new IllegalArgumentException("out is required");
            }
            if (null == scenario)
            {
                throw new IllegalArgumentException("scenario is required");
            }
            if (crashAccounts < 2 || (crashAccounts & 1) != 0)
            {
                throw new IllegalArgumentException("crashAccounts must be even and at least 2: " + crashAccounts);
            }
            if (startupTimeoutMs <= 0 || responseTimeoutMs <= 0 || retryTimeoutMs <= 0)
            {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            return this;
        }

        /**
         * Play the day scenario against a cluster started by {@code backstop cluster start} instead of starting
         * one: no processes of the demo's own, no leader killed, the cluster left running.
         *
         * @param attachTo the running cluster's run directory.
         * @return this.
         */
        public Context attachTo(final ClusterRun attachTo)
        {
            this.attachTo = attachTo;
            return this;
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
         * @param runDir fresh directory for this run's logs and node state.
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
         * @param portBase node i on portBase + 100 i, the gateway on portBase + 400 (default 9000).
         * @return this.
         */
        public Context portBase(final int portBase)
        {
            this.portBase = portBase;
            return this;
        }

        /**
         * @param classPath class path of the child processes (default this JVM's).
         * @return this.
         */
        public Context classPath(final String classPath)
        {
            this.classPath = classPath;
            return this;
        }

        /**
         * @param nodeHeap -Xmx of each node.
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
         * @param out where the story and the event lines go.
         * @return this.
         */
        public Context out(final PrintStream out)
        {
            this.out = out;
            return this;
        }

        /**
         * @param killLeader whether to SIGKILL the leader half way through the day scenario (default true).
         * @return this.
         */
        public Context killLeader(final boolean killLeader)
        {
            this.killLeader = killLeader;
            return this;
        }

        /**
         * @param printEvents whether to print each event as a JSON line (default true).
         * @return this.
         */
        public Context printEvents(final boolean printEvents)
        {
            this.printEvents = printEvents;
            return this;
        }

        /**
         * @param scenario which run to play (default {@link Scenario#DAY}).
         * @return this.
         */
        public Context scenario(final Scenario scenario)
        {
            this.scenario = scenario;
            return this;
        }

        /**
         * @param crashAccounts leveraged accounts the crash scenario opens (even; default 60).
         * @return this.
         */
        public Context crashAccounts(final int crashAccounts)
        {
            this.crashAccounts = crashAccounts;
            return this;
        }

        /**
         * @param startupTimeoutMs how long the cluster may take to elect a leader and accept logons.
         * @return this.
         */
        public Context startupTimeoutMs(final long startupTimeoutMs)
        {
            this.startupTimeoutMs = startupTimeoutMs;
            return this;
        }

        /**
         * @param responseTimeoutMs how long one request waits for its answer before it is re-sent.
         * @return this.
         */
        public Context responseTimeoutMs(final long responseTimeoutMs)
        {
            this.responseTimeoutMs = responseTimeoutMs;
            return this;
        }

        /**
         * @param retryTimeoutMs how long a request is retried in all before the demo gives up.
         * @return this.
         */
        public Context retryTimeoutMs(final long retryTimeoutMs)
        {
            this.retryTimeoutMs = retryTimeoutMs;
            return this;
        }

        /**
         * @param key   a {@code backstop.node.*} key.
         * @param value its value for every node.
         * @return this.
         */
        public Context nodeOverride(final String key, final String value)
        {
            nodeOverrides.put(key, value);
            return this;
        }

        /**
         * @param key   a {@code backstop.gateway.*} key.
         * @param value its value.
         * @return this.
         */
        public Context gatewayOverride(final String key, final String value)
        {
            gatewayOverrides.put(key, value);
            return this;
        }
    }
}
