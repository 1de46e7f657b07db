package dev.backstop.ops.demo;

import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.ExchangeClientException;
import dev.backstop.gateway.client.Ledger;
import dev.backstop.gateway.client.Response;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SenderRole;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.io.PrintStream;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A steady flow of trades through a gateway, the smallest client that shows a deployed cluster clearing: the
 * operator lists an instrument of its own and opens two accounts, two members fund them, the exchange sends a price
 * and then one trade every interval, the two accounts taking turns to buy one lot from each other (so neither ever
 * holds more than a lot and margin never refuses). Every trade is sent the way a careful client does across a leader
 * failover ({@link Participant}: unanswered requests are re-sent with their sequence, transient refusals retried).
 * <p>
 * Progress goes to standard output as one JSON line per report interval, so a system test or an operator can follow
 * it: {@code {"type":"progress","elapsedMs":..,"accepted":..,"refused":..,"unanswered":..,"resends":..,
 * "maxStallMs":..,"lastAcceptedAgoMs":..}}. When stopped (duration over, or SIGTERM) it asks the ledger how many
 * trades the cluster cleared since the feed started and prints a {@code "type":"final"} line with both counts: they
 * are equal when no acknowledged trade was lost and none applied twice (given nobody else trades meanwhile).
 */
public final class TradeFeed implements AutoCloseable
{
    private static final long OPERATOR_ID = 1;
    private static final long EXCHANGE_ID = 100;
    private static final long MEMBER_A = 200;
    private static final long MEMBER_B = 201;
    private static final int GATEWAY_STREAM_ID = 1001;
    private static final int REPLY_STREAM_ID = 1002;
    private static final long USD = 1_000_000;
    private static final long PRICE_TICKS = 500_000;
    private static final int PRICE_SOURCE = 1;

    private final Context ctx;
    private final PrintStream out;
    private final long startMs = System.currentTimeMillis();
    private MediaDriver driver;
    private Participant operator;
    private Participant exchange;
    private Participant memberA;
    private Participant memberB;

    private long ledgerTradesAtStart = -1;
    private long accepted;
    private long refused;
    private long unanswered;
    private long lastAcceptedMs;
    private long maxStallMs;
    private ResultCode lastRefusal;

    /**
     * @param ctx settings.
     * @param out where the JSON lines go.
     */
    public TradeFeed(final Context ctx, final PrintStream out)
    {
        this.ctx = ctx;
        this.out = out;
    }

    /**
     * Logs on, sets up the instrument and accounts, then trades until {@code stop} answers true or the duration is
     * over, and prints the final line.
     *
     * @param stop polled between trades; true ends the feed.
     * @return true when the final ledger count was read and equals the trades acknowledged as accepted.
     */
    public boolean run(final BooleanSupplier stop)
    {
        final Properties credentials = ctx.gatewayConfig;
        driver = launchDriver();
        final long logonDeadlineMs = System.currentTimeMillis() + ctx.retryTimeoutMs;
        operator = logon(credentials, "operator", OPERATOR_ID, SenderRole.OPERATOR, logonDeadlineMs, stop);
        memberA = logon(credentials, "member-a", MEMBER_A, SenderRole.MEMBER, logonDeadlineMs, stop);
        memberB = logon(credentials, "member-b", MEMBER_B, SenderRole.MEMBER, logonDeadlineMs, stop);
        exchange = logon(credentials, "exchange", EXCHANGE_ID, SenderRole.EXCHANGE, logonDeadlineMs, stop);
        if (null == operator || null == memberA || null == memberB || null == exchange)
        {
            return false;
        }

        setUp();

        lastAcceptedMs = System.currentTimeMillis();
        long nextReportMs = lastAcceptedMs + ctx.reportIntervalMs;
        long nextTradeNs = System.nanoTime();
        final long endMs = ctx.durationMs > 0 ? startMs + ctx.durationMs : Long.MAX_VALUE;
        // Venue trade ids must never repeat on the instrument, also across runs of the feed against one cluster.
        final long firstVenueTradeId = startMs * 1000;
        long k = 0;
        while (!stop.getAsBoolean() && System.currentTimeMillis() < endMs)
        {
            final long waitNs = nextTradeNs - System.nanoTime();
            if (waitNs > 0)
            {
                sleepNs(waitNs);
                continue;
            }
            nextTradeNs += TimeUnit.MILLISECONDS.toNanos(ctx.intervalMs);
            trade(firstVenueTradeId + k, 0 == (k & 1));
            k++;

            final long nowMs = System.currentTimeMillis();
            if (nowMs >= nextReportMs)
            {
                out.println(progress("progress", nowMs));
                out.flush();
                nextReportMs = nowMs + ctx.reportIntervalMs;
            }
            if (nextTradeNs - System.nanoTime() < -TimeUnit.SECONDS.toNanos(1))
            {
                // a failover held a trade for a long time: do not burst to catch up
                nextTradeNs = System.nanoTime();
            }
        }
        return finish();
    }

    /**
     * Closes the sessions and the embedded driver.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(operator, exchange, memberA, memberB, driver);
    }

    private void setUp()
    {
        final JsonLine setup = new JsonLine().field("type", "setup");
        setup.field("instrument", outcome(operator.command((c) -> c.listInstrument(
            ctx.instrumentId, "FEED-" + ctx.instrumentId, 100_000, 50_000, 500, 100_000, 1_000, 100))));
        setup.field("accountA", outcome(operator.command((c) -> c.openAccount(ctx.accountA, MEMBER_A))));
        setup.field("accountB", outcome(operator.command((c) -> c.openAccount(ctx.accountB, MEMBER_B))));
        setup.field("depositA", outcome(memberA.command((c) -> c.deposit(ctx.accountA, 1_000_000 * USD))));
        setup.field("depositB", outcome(memberB.command((c) -> c.deposit(ctx.accountB, 1_000_000 * USD))));
        setup.field("price", outcome(exchange.command(
            (c) -> c.submitPriceTick(ctx.instrumentId, PRICE_SOURCE, PRICE_TICKS))));
        ledgerTradesAtStart = operator.query(ExchangeClient::queryLedger).tradesCleared();
        setup.field("ledgerTradesAtStart", ledgerTradesAtStart);
        out.println(setup);
        out.flush();
    }

    private void trade(final long venueTradeId, final boolean aBuys)
    {
        final long buyer = aBuys ? ctx.accountA : ctx.accountB;
        final long seller = aBuys ? ctx.accountB : ctx.accountA;
        try
        {
            final Response response = exchange.command(
                (c) -> c.submitTrade(venueTradeId, ctx.instrumentId, buyer, seller, PRICE_TICKS, 1));
            if (response.isAccepted())
            {
                final long nowMs = System.currentTimeMillis();
                maxStallMs = Math.max(maxStallMs, nowMs - lastAcceptedMs);
                lastAcceptedMs = nowMs;
                accepted++;
            }
            else
            {
                lastRefusal = response.resultCode();
                refused++;
            }
        }
        catch (final ExchangeClientException ex)
        {
            // no answer even after re-sending for retryTimeoutMs: it may or may not have been applied
            unanswered++;
        }
    }

    private boolean finish()
    {
        final long nowMs = System.currentTimeMillis();
        final JsonLine line = progress("final", nowMs);
        boolean consistent = false;
        try
        {
            final Ledger ledger = operator.query(ExchangeClient::queryLedger);
            final long cleared = ledger.tradesCleared() - ledgerTradesAtStart;
            line.field("ledgerTradesCleared", cleared)
                .field("leadershipTermId", ledger.leadershipTermId())
                .field("conservationError", ledger.conservationError());
            consistent = cleared == accepted && 0 == unanswered && 0 == ledger.conservationError();
        }
        catch (final RuntimeException ex)
        {
            line.field("ledgerError", String.valueOf(ex.getMessage()));
        }
        line.field("consistent", consistent);
        out.println(line);
        out.flush();
        return consistent;
    }

    private JsonLine progress(final String type, final long nowMs)
    {
        final JsonLine line = new JsonLine()
            .field("type", type)
            .field("elapsedMs", nowMs - startMs)
            .field("accepted", accepted)
            .field("refused", refused)
            .field("unanswered", unanswered)
            .field("resends", resends())
            .field("maxStallMs", maxStallMs)
            .field("lastAcceptedAgoMs", nowMs - lastAcceptedMs);
        if (null != lastRefusal)
        {
            line.field("lastRefusal", lastRefusal.name());
        }
        return line;
    }

    private long resends()
    {
        return (null == exchange ? 0 : exchange.resends()) + (null == operator ? 0 : operator.resends());
    }

    private static String outcome(final Response response)
    {
        return response.resultCode().name();
    }

    private Participant logon(
        final Properties credentials,
        final String name,
        final long senderId,
        final SenderRole role,
        final long deadlineMs,
        final BooleanSupplier stop)
    {
        final String credential = credentials.getProperty("backstop.gateway.sender." + senderId + ".secret");
        if (null == credential)
        {
            throw new IllegalStateException("the gateway configuration enrols no sender " + senderId);
        }
        while (!stop.getAsBoolean())
        {
            try
            {
                final ExchangeClient client = ExchangeClient.connect(new ExchangeClient.Context()
                    .aeronDirectoryName(driver.aeronDirectoryName())
                    .gatewayChannel("aeron:udp?endpoint=" + ctx.gatewayEndpoint)
                    .gatewayStreamId(GATEWAY_STREAM_ID)
                    .replyChannel("aeron:udp?endpoint=" + ctx.replyHost + ":0")
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
                if (System.currentTimeMillis() > deadlineMs)
                {
                    throw new IllegalStateException(name + " could not log on to " + ctx.gatewayEndpoint + ": " +
                        ex.getMessage(), ex);
                }
                sleepNs(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
        return null;
    }

    private MediaDriver launchDriver()
    {
        final File shm = new File("/dev/shm");
        final File parent = shm.isDirectory() ? shm : new File(System.getProperty("java.io.tmpdir"));
        final String dir = new File(parent, "backstop-" + ProcessHandle.current().pid() + "-trader").getPath();
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024));
    }

    private static void sleepNs(final long ns)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(Math.min(ns, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Settings of a {@link TradeFeed}.
     */
    public static final class Context
    {
        String gatewayEndpoint = "127.0.0.1:9400";
        String replyHost = "127.0.0.1";
        Properties gatewayConfig = new Properties();
        long intervalMs = 50;
        long reportIntervalMs = 1_000;
        long durationMs;
        int instrumentId = 9;
        long accountA = 9001;
        long accountB = 9002;
        long responseTimeoutMs = 2_000;
        long retryTimeoutMs = 60_000;

        /**
         * @param endpoint {@code host:port} of the gateway's UDP ingress.
         * @return this.
         */
        public Context gatewayEndpoint(final String endpoint)
        {
            this.gatewayEndpoint = endpoint;
            return this;
        }

        /**
         * @param host this machine's address as the gateway reaches it; replies come to an ephemeral port on it.
         * @return this.
         */
        public Context replyHost(final String host)
        {
            this.replyHost = host;
            return this;
        }

        /**
         * @param properties the gateway's configuration, for the enrolled senders' credentials.
         * @return this.
         */
        public Context gatewayConfig(final Properties properties)
        {
            this.gatewayConfig = properties;
            return this;
        }

        /**
         * @param ms pause between trades.
         * @return this.
         */
        public Context intervalMs(final long ms)
        {
            this.intervalMs = ms;
            return this;
        }

        /**
         * @param ms between two progress lines.
         * @return this.
         */
        public Context reportIntervalMs(final long ms)
        {
            this.reportIntervalMs = ms;
            return this;
        }

        /**
         * @param ms how long to trade, 0 = until stopped.
         * @return this.
         */
        public Context durationMs(final long ms)
        {
            this.durationMs = ms;
            return this;
        }

        /**
         * @param id instrument the feed lists and trades (its own, so it can run beside the demo).
         * @return this.
         */
        public Context instrumentId(final int id)
        {
            this.instrumentId = id;
            return this;
        }

        /**
         * @param a account of member 200.
         * @param b account of member 201.
         * @return this.
         */
        public Context accounts(final long a, final long b)
        {
            this.accountA = a;
            this.accountB = b;
            return this;
        }

        /**
         * @param ms how long one answer is awaited before the request is re-sent.
         * @return this.
         */
        public Context responseTimeoutMs(final long ms)
        {
            this.responseTimeoutMs = ms;
            return this;
        }

        /**
         * @param ms how long a request is retried (through failovers) before it counts as unanswered.
         * @return this.
         */
        public Context retryTimeoutMs(final long ms)
        {
            this.retryTimeoutMs = ms;
            return this;
        }
    }
}
