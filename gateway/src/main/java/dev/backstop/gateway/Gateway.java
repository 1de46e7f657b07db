package dev.backstop.gateway;

import dev.backstop.gateway.cluster.ClusterClient;
import dev.backstop.gateway.events.EventRepublisher;
import dev.backstop.gateway.ingress.IngressAdapter;
import dev.backstop.gateway.ingress.SenderDirectory;
import dev.backstop.gateway.metrics.AeronDriverGauges;
import dev.backstop.gateway.metrics.MetricsHttpServer;
import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.agrona.CloseHelper;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Backstop gateway process: authenticates exchanges, members and operators, validates their SBE messages, turns
 * them into cluster commands, passes the cluster's results back, and republishes the cluster's event stream for risk
 * desks (DESIGN.md section 2).
 * <p>
 * It runs its own embedded media driver (shared threading, backoff idling, small terms, its own directory deleted
 * on start) and one agent thread that does all the work. Run it with {@code --config gateway.properties}; every key
 * can be overridden by a system property of the same name. It stops on SIGINT or SIGTERM.
 */
public final class Gateway implements AutoCloseable
{
    private final Context ctx;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final GatewayCounters counters;
    private final GatewayAgent agent;
    private final AgentRunner runner;
    private final MetricsHttpServer metricsServer;

    private Gateway(
        final Context ctx,
        final MediaDriver driver,
        final Aeron aeron,
        final GatewayCounters counters,
        final GatewayAgent agent,
        final AgentRunner runner,
        final MetricsHttpServer metricsServer)
    {
        this.ctx = ctx;
        this.driver = driver;
        this.aeron = aeron;
        this.counters = counters;
        this.agent = agent;
        this.runner = runner;
        this.metricsServer = metricsServer;
    }

    /**
     * Runs a gateway until SIGINT or SIGTERM.
     *
     * @param args {@code --config path} (optional: without it only defaults and system properties apply).
     * @throws IOException if the configuration file cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        Path config = null;
        for (int i = 0; i < args.length; i++)
        {
            if ("--config".equals(args[i]) && i + 1 < args.length)
            {
                config = Path.of(args[++i]);
            }
            else
            {
                System.err.println("usage: Gateway [--config gateway.properties]");
                System.exit(2);
            }
        }

        final Context ctx = null == config ? Context.fromProperties(Map.of()) : Context.load(config);
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            Gateway gateway = launch(ctx))
        {
            System.out.println("[gateway] started: " + gateway.context());
            barrier.await();
            System.out.println("[gateway] stopping");
        }
    }

    /**
     * Launches a gateway in this process.
     *
     * @param ctx configuration; concluded here.
     * @return the running gateway; close it to stop.
     */
    public static Gateway launch(final Context ctx)
    {
        ctx.conclude();

        MediaDriver driver = null;
        Aeron aeron = null;
        GatewayCounters counters = null;
        ClusterClient cluster = null;
        IngressAdapter ingress = null;
        EventRepublisher events = null;
        MetricsHttpServer metricsServer = null;
        final List<ExclusivePublication> eventPublications = new ArrayList<>();
        try
        {
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(ctx.aeronDirectoryName())
                .dirDeleteOnStart(ctx.deleteAeronDirOnStart())
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(
                    10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
                .termBufferSparseFile(true)
                .publicationTermBufferLength(ctx.termLength())
                .ipcTermBufferLength(ctx.ipcTermLength())
                .spiesSimulateConnection(false));

            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .useConductorAgentInvoker(true)
                .errorHandler((throwable) -> System.err.println("[gateway] aeron client error: " + throwable)));

            counters = GatewayCounters.allocate(aeron);
            if (null != ctx.meterRegistry())
            {
                counters.bindTo(ctx.meterRegistry());
                AeronDriverGauges.bindDriver(ctx.meterRegistry(), aeron.countersReader(), "backstop.gateway");
            }
            if (ctx.metricsPort() > 0)
            {
                final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                counters.bindTo(registry);
                AeronDriverGauges.bindDriver(registry, aeron.countersReader(), "backstop.gateway");
                metricsServer = MetricsHttpServer.start(
                    ctx.metricsHost(), ctx.metricsPort(), registry, "backstop-gateway-metrics");
            }

            final NanoClock clock = SystemNanoClock.INSTANCE;
            final long nowNs = clock.nanoTime();
            cluster = new ClusterClient(aeron, new ClusterClient.Settings(
                ctx.clusterIngressEndpoints(),
                ctx.clusterIngressChannel(),
                ctx.clusterIngressStreamId(),
                ctx.clusterEgressChannel(),
                ctx.clusterEgressStreamId(),
                TimeUnit.MILLISECONDS.toNanos(ctx.clusterMessageTimeoutMs()),
                TimeUnit.MILLISECONDS.toNanos(ctx.keepAliveIntervalMs()),
                TimeUnit.MILLISECONDS.toNanos(ctx.clusterUnavailableTimeoutMs()),
                TimeUnit.MILLISECONDS.toNanos(ctx.resendTimeoutMs()),
                TimeUnit.MILLISECONDS.toNanos(ctx.reconnectIntervalMs()),
                ctx.maxUnacknowledged()), counters, nowNs);

            ingress = new IngressAdapter(aeron, new IngressAdapter.Settings(
                ctx.ingressUdpChannel(),
                ctx.ingressIpcChannel(),
                ctx.ingressStreamId(),
                TimeUnit.MILLISECONDS.toNanos(ctx.logonTimeoutMs()),
                TimeUnit.MILLISECONDS.toNanos(ctx.replyConnectTimeoutMs()),
                ctx.replyOutboxBytes(),
                ctx.replyAllowedHosts()), ctx.senders(), cluster, counters, nowNs);

            eventPublications.add(aeron.addExclusivePublication(ctx.eventChannel(), ctx.eventStreamId()));
            if (!ctx.eventIpcChannel().isEmpty())
            {
                eventPublications.add(aeron.addExclusivePublication(ctx.eventIpcChannel(), ctx.eventIpcStreamId()));
            }
            events = new EventRepublisher(counters, eventPublications);

            final GatewayAgent agent = new GatewayAgent(
                aeron.conductorAgentInvoker(), clock, counters, cluster, ingress, events);
            final GatewayCounters errorCounters = counters;
            final AgentRunner runner = new AgentRunner(
                new BackoffIdleStrategy(64, 64, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)),
                (throwable) ->
                {
                    errorCounters.errors.incrementRelease();
                    System.err.println("[gateway] agent error: " + throwable);
                },
                null,
                agent);
            AgentRunner.startOnThread(runner);

            return new Gateway(ctx, driver, aeron, counters, agent, runner, metricsServer);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(ingress, cluster, events);
            if (null == events)
            {
                CloseHelper.quietCloseAll(eventPublications);
            }
            CloseHelper.quietCloseAll(metricsServer, counters, aeron, driver);
            throw ex;
        }
    }

    /**
     * @return the configuration.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return the gateway's counters (safe to read from any thread).
     */
    public GatewayCounters counters()
    {
        return counters;
    }

    /**
     * @return directory of the gateway's media driver; IPC clients connect to it.
     */
    public String aeronDirectoryName()
    {
        return driver.aeronDirectoryName();
    }

    /**
     * @return true while the cluster client has a connected ingress publication.
     */
    public boolean isClusterConnected()
    {
        return 1 == counters.clusterConnected.get();
    }

    /**
     * @return leader changes seen since start.
     */
    public long leaderChanges()
    {
        return counters.leaderChanges.get();
    }

    /**
     * Stops the agent, then the client, then the driver.
     */
    public void close()
    {
        CloseHelper.quietClose(runner);
        // Metrics before the client and driver: the gauges read counters that are unmapped when those close.
        CloseHelper.quietCloseAll(metricsServer, counters, aeron, driver);
    }

    /**
     * @return the bound metrics port, 0 when metrics are off.
     */
    public int metricsPort()
    {
        return null == metricsServer ? 0 : metricsServer.port();
    }

    GatewayAgent agent()
    {
        return agent;
    }

    /**
     * Gateway configuration. Every setting has a key; {@link #load(Path)} reads a properties file and lets system
     * properties of the same name override it. {@link #conclude()} validates.
     */
    public static final class Context
    {
        /** Prefix of every gateway key; an unknown key with this prefix is refused (typo guard). */
        public static final String PREFIX = "backstop.gateway.";

        /** Directory of the embedded media driver. */
        public static final String AERON_DIR_PROP = "backstop.gateway.aeronDir";
        /** Delete the driver directory at start (default true). */
        public static final String DELETE_AERON_DIR_ON_START_PROP = "backstop.gateway.driver.deleteDirOnStart";
        /** UDP publication term length, e.g. 256k. */
        public static final String TERM_LENGTH_PROP = "backstop.gateway.driver.termLength";
        /** IPC publication term length, e.g. 256k. */
        public static final String IPC_TERM_LENGTH_PROP = "backstop.gateway.driver.ipcTermLength";
        /** UDP channel exchanges send to (empty: none). */
        public static final String INGRESS_UDP_CHANNEL_PROP = "backstop.gateway.ingress.udpChannel";
        /** IPC channel exchanges sharing the driver send to (empty: none). */
        public static final String INGRESS_IPC_CHANNEL_PROP = "backstop.gateway.ingress.ipcChannel";
        /** Stream id of both ingress channels. */
        public static final String INGRESS_STREAM_ID_PROP = "backstop.gateway.ingress.streamId";
        /** Comma-separated hosts a UDP reply channel may name (empty: any). */
        public static final String REPLY_ALLOWED_HOSTS_PROP = "backstop.gateway.reply.allowedHosts";
        /** How long replies wait for a reply publication to connect. */
        public static final String REPLY_CONNECT_TIMEOUT_MS_PROP = "backstop.gateway.reply.connectTimeoutMs";
        /** Bytes of replies kept per session while its reply publication is not ready. */
        public static final String REPLY_OUTBOX_BYTES_PROP = "backstop.gateway.reply.outboxBytes";
        /** How long a logon waits for the cluster's sequence answer. */
        public static final String LOGON_TIMEOUT_MS_PROP = "backstop.gateway.logonTimeoutMs";
        /** Cluster ingress endpoints {@code 0=host:port,1=host:port,...} (required). */
        public static final String CLUSTER_INGRESS_ENDPOINTS_PROP = "backstop.gateway.cluster.ingressEndpoints";
        /** Cluster ingress channel template. */
        public static final String CLUSTER_INGRESS_CHANNEL_PROP = "backstop.gateway.cluster.ingressChannel";
        /** Cluster ingress stream id. */
        public static final String CLUSTER_INGRESS_STREAM_ID_PROP = "backstop.gateway.cluster.ingressStreamId";
        /** Channel the cluster answers on (egress). */
        public static final String CLUSTER_EGRESS_CHANNEL_PROP = "backstop.gateway.cluster.egressChannel";
        /** Egress stream id. */
        public static final String CLUSTER_EGRESS_STREAM_ID_PROP = "backstop.gateway.cluster.egressStreamId";
        /** Cluster connect timeout. */
        public static final String CLUSTER_MESSAGE_TIMEOUT_MS_PROP = "backstop.gateway.cluster.messageTimeoutMs";
        /** Idle time before a keep-alive. */
        public static final String KEEP_ALIVE_INTERVAL_MS_PROP = "backstop.gateway.cluster.keepAliveIntervalMs";
        /** Unreachable time after which new commands are refused with CLUSTER_UNAVAILABLE. */
        public static final String CLUSTER_UNAVAILABLE_TIMEOUT_MS_PROP =
            "backstop.gateway.cluster.unavailableTimeoutMs";
        /** Wait for the oldest result before everything unanswered is resent. */
        public static final String RESEND_TIMEOUT_MS_PROP = "backstop.gateway.cluster.resendTimeoutMs";
        /** Pause between cluster connect attempts. */
        public static final String RECONNECT_INTERVAL_MS_PROP = "backstop.gateway.cluster.reconnectIntervalMs";
        /** Most commands in flight to the cluster. */
        public static final String MAX_UNACKNOWLEDGED_PROP = "backstop.gateway.cluster.maxUnacknowledged";
        /** TCP port serving Prometheus metrics at /metrics (0 = off; the local demo uses 9510). */
        public static final String METRICS_PORT_PROP = "backstop.gateway.metricsPort";
        /** Address the metrics server binds to: loopback by default, 0.0.0.0 in a container so Prometheus can scrape. */
        public static final String METRICS_HOST_PROP = "backstop.gateway.metricsHost";
        /** Event stream publication channel. */
        public static final String EVENT_CHANNEL_PROP = "backstop.gateway.events.channel";
        /** Event stream id. */
        public static final String EVENT_STREAM_ID_PROP = "backstop.gateway.events.streamId";
        /** Optional IPC event publication channel (empty: none). */
        public static final String EVENT_IPC_CHANNEL_PROP = "backstop.gateway.events.ipcChannel";
        /** Stream id of the IPC event publication. */
        public static final String EVENT_IPC_STREAM_ID_PROP = "backstop.gateway.events.ipcStreamId";

        /** Default UDP ingress port. */
        public static final String INGRESS_UDP_CHANNEL_DEFAULT = "aeron:udp?endpoint=127.0.0.1:9400";
        /** Default IPC ingress channel. */
        public static final String INGRESS_IPC_CHANNEL_DEFAULT = "aeron:ipc";
        /** Default ingress stream id. */
        public static final int INGRESS_STREAM_ID_DEFAULT = 1001;
        /** Default cluster ingress channel (endpoints are filled in per member). */
        public static final String CLUSTER_INGRESS_CHANNEL_DEFAULT = "aeron:udp?term-length=128k";
        /** Aeron's default cluster ingress stream id. */
        public static final int CLUSTER_INGRESS_STREAM_ID_DEFAULT = 101;
        /**
         * Default egress channel. Its term is larger than ingress's because egress carries every event as well as
         * the results (about 290 bytes of frames per trade against 128 in): a 128k term's 64 KiB window filled under
         * a burst of a few hundred trades and back-pressured the clearing service.
         */
        public static final String CLUSTER_EGRESS_CHANNEL_DEFAULT = "aeron:udp?endpoint=127.0.0.1:9420|term-length=512k";
        /** Aeron's default cluster egress stream id. */
        public static final int CLUSTER_EGRESS_STREAM_ID_DEFAULT = 102;
        /** Default event stream: multi-destination-cast with dynamic control so any number of desks can join. */
        public static final String EVENT_CHANNEL_DEFAULT = "aeron:udp?control=127.0.0.1:9410|control-mode=dynamic";
        /** Default event stream id. */
        public static final int EVENT_STREAM_ID_DEFAULT = 2001;

        private static final Set<String> KNOWN_KEYS = Set.of(
            AERON_DIR_PROP, DELETE_AERON_DIR_ON_START_PROP, TERM_LENGTH_PROP, IPC_TERM_LENGTH_PROP,
            INGRESS_UDP_CHANNEL_PROP, INGRESS_IPC_CHANNEL_PROP, INGRESS_STREAM_ID_PROP, REPLY_ALLOWED_HOSTS_PROP,
            REPLY_CONNECT_TIMEOUT_MS_PROP, REPLY_OUTBOX_BYTES_PROP, LOGON_TIMEOUT_MS_PROP,
            CLUSTER_INGRESS_ENDPOINTS_PROP, CLUSTER_INGRESS_CHANNEL_PROP, CLUSTER_INGRESS_STREAM_ID_PROP,
            CLUSTER_EGRESS_CHANNEL_PROP, CLUSTER_EGRESS_STREAM_ID_PROP, CLUSTER_MESSAGE_TIMEOUT_MS_PROP,
            KEEP_ALIVE_INTERVAL_MS_PROP, CLUSTER_UNAVAILABLE_TIMEOUT_MS_PROP, RESEND_TIMEOUT_MS_PROP,
            RECONNECT_INTERVAL_MS_PROP, MAX_UNACKNOWLEDGED_PROP, EVENT_CHANNEL_PROP, EVENT_STREAM_ID_PROP,
            EVENT_IPC_CHANNEL_PROP, EVENT_IPC_STREAM_ID_PROP, METRICS_PORT_PROP, METRICS_HOST_PROP);

        private boolean concluded;
        private String aeronDirectoryName = CommonContext.getAeronDirectoryName() + "-backstop-gateway";
        private boolean deleteAeronDirOnStart = true;
        private int termLength = 256 * 1024;
        private int ipcTermLength = 256 * 1024;
        private String ingressUdpChannel = INGRESS_UDP_CHANNEL_DEFAULT;
        private String ingressIpcChannel = INGRESS_IPC_CHANNEL_DEFAULT;
        private int ingressStreamId = INGRESS_STREAM_ID_DEFAULT;
        private Set<String> replyAllowedHosts = Set.of("127.0.0.1", "localhost");
        private long replyConnectTimeoutMs = 5_000;
        private int replyOutboxBytes = 1024 * 1024;
        private long logonTimeoutMs = 10_000;
        private String clusterIngressEndpoints;
        private String clusterIngressChannel = CLUSTER_INGRESS_CHANNEL_DEFAULT;
        private int clusterIngressStreamId = CLUSTER_INGRESS_STREAM_ID_DEFAULT;
        private String clusterEgressChannel = CLUSTER_EGRESS_CHANNEL_DEFAULT;
        private int clusterEgressStreamId = CLUSTER_EGRESS_STREAM_ID_DEFAULT;
        private long clusterMessageTimeoutMs = 5_000;
        private long keepAliveIntervalMs = 1_000;
        private long clusterUnavailableTimeoutMs = 10_000;
        private long resendTimeoutMs = 5_000;
        private long reconnectIntervalMs = 500;
        private int maxUnacknowledged = 16_384;
        private int metricsPort = 0;
        private String metricsHost = "127.0.0.1";
        private String eventChannel = EVENT_CHANNEL_DEFAULT;
        private int eventStreamId = EVENT_STREAM_ID_DEFAULT;
        private String eventIpcChannel = "";
        private int eventIpcStreamId = EVENT_STREAM_ID_DEFAULT;
        private SenderDirectory senders = new SenderDirectory();
        private MeterRegistry meterRegistry;

        /**
         * Reads a properties file; system properties with the same keys override it.
         *
         * @param path properties file.
         * @return the context (not yet concluded).
         * @throws IOException if the file cannot be read.
         */
        public static Context load(final Path path) throws IOException
        {
            final Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(path))
            {
                properties.load(in);
            }
            final Map<String, String> values = new TreeMap<>();
            for (final String name : properties.stringPropertyNames())
            {
                values.put(name, properties.getProperty(name));
            }
            return fromProperties(values);
        }

        /**
         * Builds a context from key/value pairs; system properties with the same keys (or any
         * {@code backstop.gateway.*} key) override or add to them.
         *
         * @param properties configured values.
         * @return the context (not yet concluded).
         */
        public static Context fromProperties(final Map<String, String> properties)
        {
            final Map<String, String> values = new TreeMap<>(properties);
            final Properties system = System.getProperties();
            for (final String name : system.stringPropertyNames())
            {
                if (name.startsWith(PREFIX))
                {
                    values.put(name, system.getProperty(name));
                }
            }

            final Context ctx = new Context();
            for (final Map.Entry<String, String> entry : values.entrySet())
            {
                final String key = entry.getKey();
                if (key.startsWith(PREFIX) && !key.startsWith(SenderDirectory.KEY_PREFIX) &&
                    !KNOWN_KEYS.contains(key))
                {
                    throw new IllegalArgumentException("unknown gateway configuration key: " + key);
                }
            }

            final String v;
            ctx.aeronDirectoryName(values.getOrDefault(AERON_DIR_PROP, ctx.aeronDirectoryName));
            ctx.deleteAeronDirOnStart(Boolean.parseBoolean(
                values.getOrDefault(DELETE_AERON_DIR_ON_START_PROP, Boolean.toString(ctx.deleteAeronDirOnStart))));
            if (null != (v = values.get(TERM_LENGTH_PROP)))
            {
                ctx.termLength(size(TERM_LENGTH_PROP, v));
            }
            if (values.containsKey(IPC_TERM_LENGTH_PROP))
            {
                ctx.ipcTermLength(size(IPC_TERM_LENGTH_PROP, values.get(IPC_TERM_LENGTH_PROP)));
            }
            ctx.ingressUdpChannel(values.getOrDefault(INGRESS_UDP_CHANNEL_PROP, ctx.ingressUdpChannel).trim());
            ctx.ingressIpcChannel(values.getOrDefault(INGRESS_IPC_CHANNEL_PROP, ctx.ingressIpcChannel).trim());
            ctx.ingressStreamId(integer(values, INGRESS_STREAM_ID_PROP, ctx.ingressStreamId));
            if (values.containsKey(REPLY_ALLOWED_HOSTS_PROP))
            {
                ctx.replyAllowedHosts(hosts(values.get(REPLY_ALLOWED_HOSTS_PROP)));
            }
            ctx.replyConnectTimeoutMs(number(values, REPLY_CONNECT_TIMEOUT_MS_PROP, ctx.replyConnectTimeoutMs));
            if (values.containsKey(REPLY_OUTBOX_BYTES_PROP))
            {
                ctx.replyOutboxBytes(size(REPLY_OUTBOX_BYTES_PROP, values.get(REPLY_OUTBOX_BYTES_PROP)));
            }
            ctx.logonTimeoutMs(number(values, LOGON_TIMEOUT_MS_PROP, ctx.logonTimeoutMs));
            if (values.containsKey(CLUSTER_INGRESS_ENDPOINTS_PROP))
            {
                ctx.clusterIngressEndpoints(values.get(CLUSTER_INGRESS_ENDPOINTS_PROP).trim());
            }
            ctx.clusterIngressChannel(values.getOrDefault(CLUSTER_INGRESS_CHANNEL_PROP, ctx.clusterIngressChannel).trim());
            ctx.clusterIngressStreamId(integer(values, CLUSTER_INGRESS_STREAM_ID_PROP, ctx.clusterIngressStreamId));
            ctx.clusterEgressChannel(values.getOrDefault(CLUSTER_EGRESS_CHANNEL_PROP, ctx.clusterEgressChannel).trim());
            ctx.clusterEgressStreamId(integer(values, CLUSTER_EGRESS_STREAM_ID_PROP, ctx.clusterEgressStreamId));
            ctx.clusterMessageTimeoutMs(number(values, CLUSTER_MESSAGE_TIMEOUT_MS_PROP, ctx.clusterMessageTimeoutMs));
            ctx.keepAliveIntervalMs(number(values, KEEP_ALIVE_INTERVAL_MS_PROP, ctx.keepAliveIntervalMs));
            ctx.clusterUnavailableTimeoutMs(
                number(values, CLUSTER_UNAVAILABLE_TIMEOUT_MS_PROP, ctx.clusterUnavailableTimeoutMs));
            ctx.resendTimeoutMs(number(values, RESEND_TIMEOUT_MS_PROP, ctx.resendTimeoutMs));
            ctx.reconnectIntervalMs(number(values, RECONNECT_INTERVAL_MS_PROP, ctx.reconnectIntervalMs));
            ctx.maxUnacknowledged(integer(values, MAX_UNACKNOWLEDGED_PROP, ctx.maxUnacknowledged));
            ctx.metricsPort(integer(values, METRICS_PORT_PROP, ctx.metricsPort));
            ctx.metricsHost(values.getOrDefault(METRICS_HOST_PROP, ctx.metricsHost).trim());
            ctx.eventChannel(values.getOrDefault(EVENT_CHANNEL_PROP, ctx.eventChannel).trim());
            ctx.eventStreamId(integer(values, EVENT_STREAM_ID_PROP, ctx.eventStreamId));
            ctx.eventIpcChannel(values.getOrDefault(EVENT_IPC_CHANNEL_PROP, ctx.eventIpcChannel).trim());
            ctx.eventIpcStreamId(integer(values, EVENT_IPC_STREAM_ID_PROP, ctx.eventIpcStreamId));
            ctx.senders(SenderDirectory.fromProperties(values));
            return ctx;
        }

        /**
         * Validates the settings; called by {@link Gateway#launch(Context)}. A context concludes once.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("Gateway.Context already concluded");
            }
            concluded = true;

            require(null != aeronDirectoryName && !aeronDirectoryName.isBlank(), AERON_DIR_PROP + " is required");
            require(null != clusterIngressEndpoints && !clusterIngressEndpoints.isBlank(),
                CLUSTER_INGRESS_ENDPOINTS_PROP + " is required, e.g. 0=127.0.0.1:9002,1=127.0.0.1:9102,...");
            for (final String member : clusterIngressEndpoints.split(","))
            {
                final int equals = member.indexOf('=');
                final int colon = member.lastIndexOf(':');
                require(equals > 0 && colon > equals + 1 && colon < member.length() - 1,
                    CLUSTER_INGRESS_ENDPOINTS_PROP + " entry must be id=host:port: '" + member + "'");
            }
            require(!ingressUdpChannel.isEmpty() || !ingressIpcChannel.isEmpty(),
                "at least one of " + INGRESS_UDP_CHANNEL_PROP + " and " + INGRESS_IPC_CHANNEL_PROP + " is needed");
            require(ingressUdpChannel.isEmpty() || ingressUdpChannel.startsWith("aeron:udp"),
                INGRESS_UDP_CHANNEL_PROP + " must be an aeron:udp channel");
            require(ingressIpcChannel.isEmpty() || ingressIpcChannel.startsWith("aeron:ipc"),
                INGRESS_IPC_CHANNEL_PROP + " must be an aeron:ipc channel");
            require(clusterIngressChannel.startsWith("aeron:udp"), CLUSTER_INGRESS_CHANNEL_PROP + " must be aeron:udp");
            require(clusterEgressChannel.startsWith("aeron:"), CLUSTER_EGRESS_CHANNEL_PROP + " must be an Aeron channel");
            require(eventChannel.startsWith("aeron:"), EVENT_CHANNEL_PROP + " must be an Aeron channel");
            require(eventIpcChannel.isEmpty() || eventIpcChannel.startsWith("aeron:ipc"),
                EVENT_IPC_CHANNEL_PROP + " must be empty or an aeron:ipc channel");
            checkTermLength(TERM_LENGTH_PROP, termLength);
            checkTermLength(IPC_TERM_LENGTH_PROP, ipcTermLength);
            require(replyConnectTimeoutMs > 0, REPLY_CONNECT_TIMEOUT_MS_PROP + " must be positive");
            require(replyOutboxBytes >= 4096, REPLY_OUTBOX_BYTES_PROP + " must be at least 4096");
            require(logonTimeoutMs > 0, LOGON_TIMEOUT_MS_PROP + " must be positive");
            require(clusterMessageTimeoutMs > 0, CLUSTER_MESSAGE_TIMEOUT_MS_PROP + " must be positive");
            require(keepAliveIntervalMs > 0, KEEP_ALIVE_INTERVAL_MS_PROP + " must be positive");
            require(clusterUnavailableTimeoutMs > 0, CLUSTER_UNAVAILABLE_TIMEOUT_MS_PROP + " must be positive");
            require(resendTimeoutMs > 0, RESEND_TIMEOUT_MS_PROP + " must be positive");
            require(reconnectIntervalMs >= 0, RECONNECT_INTERVAL_MS_PROP + " must not be negative");
            require(maxUnacknowledged > 0, MAX_UNACKNOWLEDGED_PROP + " must be positive");
            require(metricsPort >= 0 && metricsPort <= 65535, METRICS_PORT_PROP + " must be in [0, 65535]");
            require(null != metricsHost && !metricsHost.isBlank(), METRICS_HOST_PROP + " must be set");
            require(senders.size() > 0, "no senders enrolled: add " + SenderDirectory.KEY_PREFIX +
                "<id>.role and .secret");
            return this;
        }

        public String toString()
        {
            return "Gateway.Context{aeronDir=" + aeronDirectoryName +
                ", ingressUdp=" + ingressUdpChannel +
                ", ingressIpc=" + ingressIpcChannel +
                ", ingressStreamId=" + ingressStreamId +
                ", clusterIngressEndpoints=" + clusterIngressEndpoints +
                ", clusterEgress=" + clusterEgressChannel +
                ", events=" + eventChannel + " stream " + eventStreamId +
                (eventIpcChannel.isEmpty() ? "" : ", eventsIpc=" + eventIpcChannel + " stream " + eventIpcStreamId) +
                ", senders=" + senders.size() + '}';
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }

        private static void checkTermLength(final String key, final int length)
        {
            require(length >= 64 * 1024 && length <= 1024 * 1024 * 1024 && Integer.bitCount(length) == 1,
                key + " must be a power of two from 64k, was " + length);
        }

        private static int size(final String key, final String value)
        {
            final long size = SystemUtil.parseSize(key, value.trim());
            if (size > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException(key + " too large: " + value);
            }
            return (int)size;
        }

        private static int integer(final Map<String, String> values, final String key, final int fallback)
        {
            final String value = values.get(key);
            try
            {
                return null == value ? fallback : Integer.parseInt(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(key + " is not an integer: " + value, ex);
            }
        }

        private static long number(final Map<String, String> values, final String key, final long fallback)
        {
            final String value = values.get(key);
            try
            {
                return null == value ? fallback : Long.parseLong(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(key + " is not a number: " + value, ex);
            }
        }

        private static Set<String> hosts(final String value)
        {
            final Set<String> hosts = new LinkedHashSet<>();
            for (final String host : value.split(","))
            {
                if (!host.isBlank())
                {
                    hosts.add(host.trim());
                }
            }
            return Collections.unmodifiableSet(hosts);
        }

        // Accessors, fluent style.

        /** @return driver directory. */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /** @param dir driver directory. @return this. */
        public Context aeronDirectoryName(final String dir)
        {
            this.aeronDirectoryName = dir;
            return this;
        }

        /** @return delete the driver directory at start. */
        public boolean deleteAeronDirOnStart()
        {
            return deleteAeronDirOnStart;
        }

        /** @param delete delete the driver directory at start. @return this. */
        public Context deleteAeronDirOnStart(final boolean delete)
        {
            this.deleteAeronDirOnStart = delete;
            return this;
        }

        /** @return UDP publication term length. */
        public int termLength()
        {
            return termLength;
        }

        /** @param length UDP publication term length. @return this. */
        public Context termLength(final int length)
        {
            this.termLength = length;
            return this;
        }

        /** @return IPC publication term length. */
        public int ipcTermLength()
        {
            return ipcTermLength;
        }

        /** @param length IPC publication term length. @return this. */
        public Context ipcTermLength(final int length)
        {
            this.ipcTermLength = length;
            return this;
        }

        /** @return UDP ingress channel, empty for none. */
        public String ingressUdpChannel()
        {
            return ingressUdpChannel;
        }

        /** @param channel UDP ingress channel, empty for none. @return this. */
        public Context ingressUdpChannel(final String channel)
        {
            this.ingressUdpChannel = null == channel ? "" : channel;
            return this;
        }

        /** @return IPC ingress channel, empty for none. */
        public String ingressIpcChannel()
        {
            return ingressIpcChannel;
        }

        /** @param channel IPC ingress channel, empty for none. @return this. */
        public Context ingressIpcChannel(final String channel)
        {
            this.ingressIpcChannel = null == channel ? "" : channel;
            return this;
        }

        /** @return ingress stream id. */
        public int ingressStreamId()
        {
            return ingressStreamId;
        }

        /** @param streamId ingress stream id. @return this. */
        public Context ingressStreamId(final int streamId)
        {
            this.ingressStreamId = streamId;
            return this;
        }

        /** @return hosts a UDP reply channel may name; empty allows any. */
        public Set<String> replyAllowedHosts()
        {
            return replyAllowedHosts;
        }

        /** @param hosts hosts a UDP reply channel may name; empty allows any. @return this. */
        public Context replyAllowedHosts(final Set<String> hosts)
        {
            this.replyAllowedHosts = Set.copyOf(hosts);
            return this;
        }

        /** @return reply connect timeout in ms. */
        public long replyConnectTimeoutMs()
        {
            return replyConnectTimeoutMs;
        }

        /** @param timeoutMs reply connect timeout. @return this. */
        public Context replyConnectTimeoutMs(final long timeoutMs)
        {
            this.replyConnectTimeoutMs = timeoutMs;
            return this;
        }

        /** @return reply outbox bytes per session. */
        public int replyOutboxBytes()
        {
            return replyOutboxBytes;
        }

        /** @param bytes reply outbox bytes per session. @return this. */
        public Context replyOutboxBytes(final int bytes)
        {
            this.replyOutboxBytes = bytes;
            return this;
        }

        /** @return logon timeout in ms. */
        public long logonTimeoutMs()
        {
            return logonTimeoutMs;
        }

        /** @param timeoutMs logon timeout. @return this. */
        public Context logonTimeoutMs(final long timeoutMs)
        {
            this.logonTimeoutMs = timeoutMs;
            return this;
        }

        /** @return cluster ingress endpoints. */
        public String clusterIngressEndpoints()
        {
            return clusterIngressEndpoints;
        }

        /** @param endpoints {@code 0=host:port,1=host:port,...}. @return this. */
        public Context clusterIngressEndpoints(final String endpoints)
        {
            this.clusterIngressEndpoints = endpoints;
            return this;
        }

        /** @return cluster ingress channel template. */
        public String clusterIngressChannel()
        {
            return clusterIngressChannel;
        }

        /** @param channel cluster ingress channel template. @return this. */
        public Context clusterIngressChannel(final String channel)
        {
            this.clusterIngressChannel = channel;
            return this;
        }

        /** @return cluster ingress stream id. */
        public int clusterIngressStreamId()
        {
            return clusterIngressStreamId;
        }

        /** @param streamId cluster ingress stream id. @return this. */
        public Context clusterIngressStreamId(final int streamId)
        {
            this.clusterIngressStreamId = streamId;
            return this;
        }

        /** @return egress channel. */
        public String clusterEgressChannel()
        {
            return clusterEgressChannel;
        }

        /** @param channel egress channel. @return this. */
        public Context clusterEgressChannel(final String channel)
        {
            this.clusterEgressChannel = channel;
            return this;
        }

        /** @return egress stream id. */
        public int clusterEgressStreamId()
        {
            return clusterEgressStreamId;
        }

        /** @param streamId egress stream id. @return this. */
        public Context clusterEgressStreamId(final int streamId)
        {
            this.clusterEgressStreamId = streamId;
            return this;
        }

        /** @return cluster connect timeout in ms. */
        public long clusterMessageTimeoutMs()
        {
            return clusterMessageTimeoutMs;
        }

        /** @param timeoutMs cluster connect timeout. @return this. */
        public Context clusterMessageTimeoutMs(final long timeoutMs)
        {
            this.clusterMessageTimeoutMs = timeoutMs;
            return this;
        }

        /** @return keep-alive interval in ms. */
        public long keepAliveIntervalMs()
        {
            return keepAliveIntervalMs;
        }

        /** @param intervalMs keep-alive interval. @return this. */
        public Context keepAliveIntervalMs(final long intervalMs)
        {
            this.keepAliveIntervalMs = intervalMs;
            return this;
        }

        /** @return unreachable time in ms before new commands are refused. */
        public long clusterUnavailableTimeoutMs()
        {
            return clusterUnavailableTimeoutMs;
        }

        /** @param timeoutMs unreachable time before new commands are refused. @return this. */
        public Context clusterUnavailableTimeoutMs(final long timeoutMs)
        {
            this.clusterUnavailableTimeoutMs = timeoutMs;
            return this;
        }

        /** @return wait in ms for the oldest result before resending. */
        public long resendTimeoutMs()
        {
            return resendTimeoutMs;
        }

        /** @param timeoutMs wait for the oldest result before resending. @return this. */
        public Context resendTimeoutMs(final long timeoutMs)
        {
            this.resendTimeoutMs = timeoutMs;
            return this;
        }

        /** @return pause in ms between connect attempts. */
        public long reconnectIntervalMs()
        {
            return reconnectIntervalMs;
        }

        /** @param intervalMs pause between connect attempts. @return this. */
        public Context reconnectIntervalMs(final long intervalMs)
        {
            this.reconnectIntervalMs = intervalMs;
            return this;
        }

        /** @return most commands in flight. */
        public int maxUnacknowledged()
        {
            return maxUnacknowledged;
        }

        /** @param max most commands in flight. @return this. */
        public Context maxUnacknowledged(final int max)
        {
            this.maxUnacknowledged = max;
            return this;
        }

        /** @return metrics port on {@link #metricsHost()}, 0 = off. */
        public int metricsPort()
        {
            return metricsPort;
        }

        /** @param port metrics port on {@link #metricsHost()}, 0 = off. @return this. */
        public Context metricsPort(final int port)
        {
            this.metricsPort = port;
            return this;
        }

        /** @return address the metrics server binds to. */
        public String metricsHost()
        {
            return metricsHost;
        }

        /** @param host address the metrics server binds to, e.g. 127.0.0.1 or 0.0.0.0. @return this. */
        public Context metricsHost(final String host)
        {
            this.metricsHost = host;
            return this;
        }

        /** @return event stream channel. */
        public String eventChannel()
        {
            return eventChannel;
        }

        /** @param channel event stream channel. @return this. */
        public Context eventChannel(final String channel)
        {
            this.eventChannel = channel;
            return this;
        }

        /** @return event stream id. */
        public int eventStreamId()
        {
            return eventStreamId;
        }

        /** @param streamId event stream id. @return this. */
        public Context eventStreamId(final int streamId)
        {
            this.eventStreamId = streamId;
            return this;
        }

        /** @return IPC event channel, empty for none. */
        public String eventIpcChannel()
        {
            return eventIpcChannel;
        }

        /** @param channel IPC event channel, empty for none. @return this. */
        public Context eventIpcChannel(final String channel)
        {
            this.eventIpcChannel = null == channel ? "" : channel;
            return this;
        }

        /** @return IPC event stream id. */
        public int eventIpcStreamId()
        {
            return eventIpcStreamId;
        }

        /** @param streamId IPC event stream id. @return this. */
        public Context eventIpcStreamId(final int streamId)
        {
            this.eventIpcStreamId = streamId;
            return this;
        }

        /** @return enrolled senders. */
        public SenderDirectory senders()
        {
            return senders;
        }

        /** @param senders enrolled senders. @return this. */
        public Context senders(final SenderDirectory senders)
        {
            this.senders = senders;
            return this;
        }

        /** @return registry the counters are bound to, or null. */
        public MeterRegistry meterRegistry()
        {
            return meterRegistry;
        }

        /** @param registry registry to bind the counters to, or null. @return this. */
        public Context meterRegistry(final MeterRegistry registry)
        {
            this.meterRegistry = registry;
            return this;
        }
    }
}
