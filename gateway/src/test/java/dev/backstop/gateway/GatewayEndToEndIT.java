package dev.backstop.gateway;

import dev.backstop.clearing.node.InProcessCluster;
import dev.backstop.gateway.client.AccountState;
import dev.backstop.gateway.client.EventJson;
import dev.backstop.gateway.client.EventStreamSubscriber;
import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.ExchangeClientException;
import dev.backstop.gateway.client.Ledger;
import dev.backstop.gateway.client.Response;
import dev.backstop.gateway.ingress.Sender;
import dev.backstop.gateway.ingress.SenderDirectory;
import dev.backstop.sbe.events.TradeClearedDecoder;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.MarginMethod;
import dev.backstop.sbe.exchange.MarkBasis;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.Side;
import dev.backstop.sbe.exchange.SubmitTradeEncoder;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ExchangeClient -> Gateway -> three-node cluster -> response, over UDP on loopback (ports 21000-21999), plus the
 * event stream and a leader change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class GatewayEndToEndIT
{
    private static final int CLUSTER_PORT_BASE = 21000;
    private static final String GATEWAY_ENDPOINT = "127.0.0.1:21400";
    private static final String EVENT_CONTROL = "127.0.0.1:21410";
    private static final String EGRESS = "aeron:udp?endpoint=127.0.0.1:21420|term-length=128k";
    private static final int METRICS_PORT = 21510;
    private static final long UNAVAILABLE_TIMEOUT_MS = 6_000;
    private static final int INSTRUMENT = 1;
    private static final long BUYER = 10;
    private static final long SELLER = 11;

    private File baseDir;
    private InProcessCluster cluster;
    private Gateway gateway;
    private MediaDriver clientDriver;
    private EventStreamSubscriber events;
    private ExchangeClient operator;
    private ExchangeClient exchange;
    private ExchangeClient member200;
    private ExchangeClient member201;
    private final List<String> eventLines = new ArrayList<>();
    private final List<Long> clearedTradeIds = new ArrayList<>();
    private final List<Long> eventSequences = new ArrayList<>();
    private final EventJson json = new EventJson();
    private final TradeClearedDecoder tradeCleared = new TradeClearedDecoder();

    @BeforeAll
    void startEverything()
    {
        baseDir = new File("target/gateway-e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
            .getAbsoluteFile();
        cluster = InProcessCluster.start(CLUSTER_PORT_BASE, new File(baseDir, "cluster"));
        cluster.awaitLeader(Duration.ofSeconds(60));

        gateway = Gateway.launch(new Gateway.Context()
            .aeronDirectoryName(new File(baseDir, "gateway-aeron").getPath())
            .clusterIngressEndpoints(cluster.ingressEndpoints())
            .clusterEgressChannel(EGRESS)
            .ingressUdpChannel("aeron:udp?endpoint=" + GATEWAY_ENDPOINT)
            .ingressIpcChannel("aeron:ipc")
            .eventChannel("aeron:udp?control=" + EVENT_CONTROL + "|control-mode=dynamic")
            .clusterUnavailableTimeoutMs(UNAVAILABLE_TIMEOUT_MS)
            .logonTimeoutMs(20_000)
            .metricsPort(METRICS_PORT)
            .senders(new SenderDirectory()
                .add(new Sender(1, SenderRole.OPERATOR, "demo-operator"))
                .add(new Sender(100, SenderRole.EXCHANGE, "demo-exchange"))
                .add(new Sender(200, SenderRole.MEMBER, "demo-member-200"))
                .add(new Sender(201, SenderRole.MEMBER, "demo-member-201"))
                .add(new Sender(300, SenderRole.BLP, "demo-blp-300"))));
        await("gateway connected to the cluster", gateway::isClusterConnected);

        clientDriver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(new File(baseDir, "client-aeron").getPath())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024));

        events = EventStreamSubscriber.connect(new EventStreamSubscriber.Context()
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .channel(EventStreamSubscriber.Context.mdcChannel(EVENT_CONTROL))
            .streamId(2001));

        // The operator brings its own embedded driver; member 201 shares the gateway's driver over IPC.
        operator = ExchangeClient.connect(udpClient(null, 1, SenderRole.OPERATOR, "demo-operator"));
        exchange = ExchangeClient.connect(
            udpClient(clientDriver.aeronDirectoryName(), 100, SenderRole.EXCHANGE, "demo-exchange"));
        member200 = ExchangeClient.connect(
            udpClient(clientDriver.aeronDirectoryName(), 200, SenderRole.MEMBER, "demo-member-200"));
        member201 = ExchangeClient.connect(new ExchangeClient.Context()
            .aeronDirectoryName(gateway.aeronDirectoryName())
            .gatewayChannel("aeron:ipc")
            .replyChannel("aeron:ipc")
            .replyStreamId(3201)
            .senderId(201)
            .role(SenderRole.MEMBER)
            .credential("demo-member-201")
            .responseTimeoutMs(20_000));
        await("event stream connected", events::isConnected);
    }

    @AfterAll
    void stopEverything()
    {
        CloseHelper.quietCloseAll(operator, exchange, member200, member201, events, clientDriver, gateway, cluster);
        if (null != baseDir)
        {
            IoUtil.delete(baseDir, true);
        }
    }

    @Test
    @Order(1)
    void clearsATradeEndToEndAndRefusesBadInputWithoutLosingTheSession()
    {
        assertEquals(1, operator.nextSequence(), "a fresh cluster expects sequence 1");

        assertAccepted(operator.listInstrument(INSTRUMENT, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 100));
        assertAccepted(operator.openAccount(BUYER, 200));
        assertAccepted(operator.openAccount(SELLER, 201));
        assertAccepted(member200.deposit(BUYER, 1_000_000_000L));
        assertAccepted(member201.deposit(SELLER, 1_000_000_000L));
        assertAccepted(exchange.submitPriceTick(INSTRUMENT, 1, 50_000));

        final long tradeSequence = exchange.nextSequence();
        assertAccepted(exchange.submitTrade(1, INSTRUMENT, BUYER, SELLER, 50_000, 2));
        awaitEvents("TradeCleared for venue trade 1", () -> clearedTradeIds.contains(1L));

        // Bad input on a logged-on session: each refused with a reason, nothing consumed, the session carries on.
        final long before = exchange.nextSequence();
        final UnsafeBuffer raw = new UnsafeBuffer(new byte[256]);
        assertTrue(exchange.offer(raw, 0, 5) > 0);
        Response refusal = exchange.awaitResponse(-1);
        assertEquals(ResultCode.MALFORMED_MESSAGE, refusal.resultCode());
        assertFalse(refusal.reason().isEmpty());
        assertTrue(refusal.isGatewayRefusal());

        final int tradeLength = encodeTrade(raw, before + 5, 99);
        assertTrue(exchange.offer(raw, 0, tradeLength - 4) > 0);
        refusal = exchange.awaitResponse(-1);
        assertEquals(ResultCode.MALFORMED_MESSAGE, refusal.resultCode());
        assertEquals(SubmitTradeEncoder.TEMPLATE_ID, refusal.refusedTemplateId());

        raw.putShort(4, (short)777, ByteOrder.LITTLE_ENDIAN);
        assertTrue(exchange.offer(raw, 0, tradeLength) > 0);
        assertEquals(ResultCode.WRONG_SCHEMA, exchange.awaitResponse(-1).resultCode());

        encodeTrade(raw, before + 5, 99);
        raw.putShort(2, (short)99, ByteOrder.LITTLE_ENDIAN);
        assertTrue(exchange.offer(raw, 0, tradeLength) > 0);
        assertEquals(ResultCode.UNKNOWN_TEMPLATE, exchange.awaitResponse(-1).resultCode());

        encodeTrade(raw, before + 5, 99);
        assertTrue(exchange.offer(raw, 0, tradeLength) > 0);
        refusal = exchange.awaitResponse(before + 5);
        assertEquals(ResultCode.SEQUENCE_GAP, refusal.resultCode());
        assertTrue(refusal.reason().contains("expected " + before), refusal.reason());

        refusal = exchange.submitTrade(3, INSTRUMENT, BUYER, SELLER, 50_000, 0);
        assertEquals(ResultCode.INVALID_QUANTITY, refusal.resultCode());
        assertTrue(refusal.isGatewayRefusal());
        assertEquals(before, refusal.sequence());
        assertEquals(before, exchange.nextSequence(), "a gateway refusal does not consume the sequence");

        refusal = member200.submitTrade(4, INSTRUMENT, BUYER, SELLER, 50_000, 1);
        assertEquals(ResultCode.NOT_AUTHORISED, refusal.resultCode());

        refusal = member200.deposit(BUYER, -5);
        assertEquals(ResultCode.INVALID_AMOUNT, refusal.resultCode());

        // Still working after all that.
        assertAccepted(exchange.submitTrade(2, INSTRUMENT, BUYER, SELLER, 50_100, 3));
        awaitEvents("TradeCleared for venue trade 2", () -> clearedTradeIds.contains(2L));

        // A resend returns the original result and changes nothing; a new sequence with a seen trade id is refused.
        final Response replay = exchange.resend(tradeSequence);
        assertEquals(ResultCode.ACCEPTED, replay.resultCode());
        assertTrue(replay.replayed());
        final Response duplicate = exchange.submitTrade(1, INSTRUMENT, BUYER, SELLER, 50_000, 2);
        assertEquals(ResultCode.DUPLICATE_TRADE, duplicate.resultCode());
        assertFalse(duplicate.isGatewayRefusal(), "the cluster decided this one");

        final AccountState buyer = member200.queryAccount(BUYER);
        assertEquals(200, buyer.memberId());
        assertNotNull(buyer.position(INSTRUMENT));
        assertEquals(5, buyer.position(INSTRUMENT).quantityLots());
        final AccountState seller = operator.queryAccount(SELLER);
        assertEquals(-5, seller.position(INSTRUMENT).quantityLots());

        final ExchangeClientException unknown =
            assertThrows(ExchangeClientException.class, () -> operator.queryAccount(424242));
        assertEquals(ResultCode.UNKNOWN_ACCOUNT, unknown.resultCode());

        final Ledger ledger = operator.queryLedger();
        assertEquals(0, ledger.conservationError(), ledger.toString());
        assertEquals(2, ledger.accountCount());
        assertEquals(2, ledger.tradesCleared());
        assertEquals(2_000_000_000L, ledger.netDeposits());
        assertEquals(64, ledger.stateDigest().length());

        assertEquals(2, clearedTradeIds.size(), "each trade is published once: " + clearedTradeIds);
        assertTrue(eventLines.stream().anyMatch((line) -> line.contains("\"type\":\"TradeCleared\"")));
        assertEquals(0, events.gapCount());
        assertTrue(gateway.counters().messagesRefused.get() >= 8);
        assertMetrics();
    }

    /**
     * The Prometheus endpoint shows commands by type, result and who answered, a latency histogram with one sample
     * per result, and the driver's counters.
     */
    private void assertMetrics()
    {
        assertEquals(METRICS_PORT, gateway.metricsPort());
        final String body = scrape();
        final String trade = "type=\"TRADE\"";
        final String cluster = "source=\"cluster\"";
        final String atGateway = "source=\"gateway\"";
        assertTrue(sample(body, "backstop_gateway_commands_total", trade, "result=\"ACCEPTED\"", cluster) >= 2,
            body);
        assertEquals(1, sample(body, "backstop_gateway_commands_total", trade, "result=\"DUPLICATE_TRADE\"",
            cluster));
        assertEquals(1, sample(body, "backstop_gateway_commands_total", trade, "result=\"INVALID_QUANTITY\"",
            atGateway));
        assertEquals(1, sample(body, "backstop_gateway_commands_total", "type=\"DEPOSIT\"",
            "result=\"INVALID_AMOUNT\"", atGateway));
        final long responses = gateway.counters().commands.responses();
        assertTrue(responses >= 10, "responses " + responses);
        assertEquals(responses, sample(body, "backstop_gateway_command_latency_seconds_count"));
        assertTrue(sample(body, "backstop_gateway_command_latency_seconds_bucket", "le=\"+Inf\"") == responses);
        assertTrue(sample(body, "backstop_gateway_aeron_driver_errors") >= 0);
        assertTrue(sample(body, "backstop_gateway_aeron_driver_back_pressure") >= 0);
        assertTrue(sample(body, "backstop_gateway_cluster_connected") == 1);
        assertTrue(sample(body, "backstop_gateway_sessions") >= 4, "operator, exchange and two members");
        assertTrue(sample(body, "backstop_gateway_events_republished_total") >= 2);
    }

    private static String scrape()
    {
        try
        {
            final java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + METRICS_PORT + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static long sample(final String body, final String name, final String... labels)
    {
        for (final String line : body.split("\n"))
        {
            if (line.startsWith(name + "{") || line.startsWith(name + " "))
            {
                boolean matches = true;
                for (final String label : labels)
                {
                    matches &= line.contains(label);
                }
                if (matches)
                {
                    return (long)Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        throw new AssertionError("no sample " + name + " " + String.join(",", labels) + " in:\n" + body);
    }

    @Test
    @Order(2)
    void appliesOrdersPoolsBlpsAndRiskParametersEndToEnd()
    {
        assertAccepted(operator.setOracleParameters(INSTRUMENT, 30_000, 50_000, 1, MarkBasis.INDEX, 60_000, 16));
        assertAccepted(operator.setMarginBrackets(INSTRUMENT, new long[]{Long.MAX_VALUE}, new int[]{100_000},
            new int[]{50_000}));
        assertAccepted(operator.setUnderlyingScenarios(INSTRUMENT, -100_000, 0, 100_000));
        assertAccepted(operator.setAccountMarginMethod(SELLER, MarginMethod.LINEAR));
        final Response badBrackets = operator.setMarginBrackets(INSTRUMENT, new long[]{5}, new int[]{100_000},
            new int[]{50_000});
        assertEquals(ResultCode.INVALID_PARAMETER, badBrackets.resultCode());
        assertTrue(badBrackets.isGatewayRefusal());

        assertAccepted(exchange.submitOrder(9_001, INSTRUMENT, BUYER, Side.BUY, 50_000, 1));
        final AccountState withOrder = member200.queryAccount(BUYER);
        assertTrue(withOrder.reservedMargin() > 0, "the open order reserves initial margin");
        assertEquals(dev.backstop.sbe.exchange.RiskState.NORMAL, withOrder.riskState());
        assertEquals(MarginMethod.LINEAR, withOrder.marginMethod());
        assertAccepted(exchange.cancelOrder(9_001));
        assertEquals(0, member200.queryAccount(BUYER).reservedMargin());
        assertEquals(ResultCode.UNKNOWN_ORDER, exchange.cancelOrder(9_001).resultCode());
        awaitEvents("the order's reservation and its release",
            () -> eventLines.stream().anyMatch((line) -> line.contains("\"type\":\"OrderCancelled\"")) &&
            eventLines.stream().anyMatch((line) -> line.contains("\"type\":\"OrderAccepted\"")));

        try (ExchangeClient blp = ExchangeClient.connect(
            udpClient(clientDriver.aeronDirectoryName(), 300, SenderRole.BLP, "demo-blp-300")))
        {
            assertAccepted(operator.openAccount(30, 300));
            assertAccepted(blp.deposit(30, 100_000_000L));
            assertAccepted(blp.registerBlp(30, 1_000_000_000L));
            assertEquals(ResultCode.NO_AUCTION_OPEN, blp.submitAuctionBid(1, 30, 50_000, 1).resultCode());
            assertEquals(ResultCode.NOT_AUTHORISED, member200.submitAuctionBid(1, BUYER, 50_000, 1).resultCode());
        }

        assertAccepted(operator.createPool(40, 200));
        assertAccepted(member200.poolDeposit(40, BUYER, 1_000_000));
        awaitEvents("BLP registration and the pool deposit",
            () -> eventLines.stream().anyMatch((line) -> line.contains("\"type\":\"BlpRegistered\"")) &&
            eventLines.stream().anyMatch((line) -> line.contains("\"type\":\"PoolDeposited\"")));

        final Ledger ledger = operator.queryLedger();
        assertEquals(0, ledger.conservationError(), ledger.toString());
        assertEquals(0, ledger.insuranceFund());
        assertEquals(0, ledger.openDeficits());
    }

    @Test
    @Order(3)
    void refusesBadLogons()
    {
        final ExchangeClientException wrongSecret = assertThrows(ExchangeClientException.class,
            () -> ExchangeClient.connect(udpClient(clientDriver.aeronDirectoryName(), 100, SenderRole.EXCHANGE, "nope")));
        assertEquals(ResultCode.BAD_CREDENTIAL, wrongSecret.resultCode());

        final ExchangeClientException unknownSender = assertThrows(ExchangeClientException.class,
            () -> ExchangeClient.connect(udpClient(clientDriver.aeronDirectoryName(), 555, SenderRole.MEMBER, "x")));
        assertEquals(ResultCode.BAD_CREDENTIAL, unknownSender.resultCode());

        final ExchangeClientException wrongRole = assertThrows(ExchangeClientException.class,
            () -> ExchangeClient.connect(
                udpClient(clientDriver.aeronDirectoryName(), 200, SenderRole.OPERATOR, "demo-member-200")));
        assertEquals(ResultCode.NOT_AUTHORISED, wrongRole.resultCode());

        // The enrolled sessions are unaffected.
        assertEquals(ResultCode.ACCEPTED, member200.deposit(BUYER, 1_000).resultCode());
    }

    @Test
    @Order(4)
    void survivesALeaderChangeWithoutLosingOrDuplicatingCommandsOrEvents()
    {
        final long leaderChangesBefore = gateway.leaderChanges();
        final Ledger before = operator.queryLedger();
        final int leader = cluster.leaderIndex();
        assertTrue(leader >= 0);

        // Pipeline some trades, then take the leader down while they may still be in flight.
        final long firstSequence = exchange.nextSequence();
        final int pipelined = 20;
        for (int i = 0; i < pipelined; i++)
        {
            exchange.sendTrade(1_000 + i, INSTRUMENT, BUYER, SELLER, 50_000, 1);
        }
        cluster.stopNode(leader);
        cluster.awaitNewLeader(leader, Duration.ofSeconds(30));

        final List<Response> answers = new ArrayList<>();
        for (long sequence = firstSequence; sequence < firstSequence + pipelined; sequence++)
        {
            answers.add(exchange.awaitResponse(sequence));
        }
        for (final Response answer : answers)
        {
            assertEquals(ResultCode.ACCEPTED, answer.resultCode(), answer.toString());
        }

        assertAccepted(exchange.submitTrade(2_000, INSTRUMENT, BUYER, SELLER, 50_000, 1));
        final Ledger after = operator.queryLedger();
        assertEquals(before.tradesCleared() + pipelined + 1, after.tradesCleared(), "each trade cleared exactly once");
        assertEquals(0, after.conservationError());
        assertTrue(after.leadershipTermId() > before.leadershipTermId());
        assertTrue(gateway.leaderChanges() > leaderChangesBefore, "the gateway saw the new leader");

        awaitEvents("every TradeCleared after the failover", () -> clearedTradeIds.contains(2_000L));
        // Events of commands the old leader applied but never sent are replayed from the new leader's buffer of
        // recent events: none is missing and the stream has no gap.
        for (int i = 0; i < pipelined; i++)
        {
            assertTrue(clearedTradeIds.contains(1_000L + i), "trade " + (1_000 + i) + " published");
        }
        assertEquals(0, gateway.counters().eventGaps.get(), "no gap skipped");
        for (int i = 1; i < eventSequences.size(); i++)
        {
            assertEquals(eventSequences.get(i - 1) + 1, eventSequences.get(i), "event sequences contiguous");
        }
        assertEquals(clearedTradeIds.stream().distinct().count(), clearedTradeIds.size(),
            "no event republished twice: " + clearedTradeIds);
    }

    @Test
    @Order(5)
    void refusesWithClusterUnavailableDuringAnOutageThenReconnectsAndDeliversWhatWasQueued() throws Exception
    {
        final long connectsBefore = gateway.counters().clusterConnects.get();
        final long closuresBefore = gateway.counters().clusterClientClosures.get();
        final int leader = cluster.leaderIndex();
        assertTrue(leader >= 0);
        // With two of three members down there is no quorum, so no leader.
        cluster.stopNode(leader);

        final long queued = exchange.sendTrade(3_000, INSTRUMENT, BUYER, SELLER, 50_000, 1);
        await("gateway notices the cluster is gone", () -> !gateway.isClusterConnected());
        Thread.sleep(UNAVAILABLE_TIMEOUT_MS + 1_000);

        final Response refused = exchange.submitTrade(3_001, INSTRUMENT, BUYER, SELLER, 50_000, 1);
        assertEquals(ResultCode.CLUSTER_UNAVAILABLE, refused.resultCode());
        assertTrue(refused.isGatewayRefusal());
        assertEquals(queued + 1, exchange.nextSequence(), "the refused sequence is not consumed");

        final ExchangeClientException logon = assertThrows(ExchangeClientException.class, () -> ExchangeClient.connect(
            udpClient(clientDriver.aeronDirectoryName(), 201, SenderRole.MEMBER, "demo-member-201")));
        assertEquals(ResultCode.CLUSTER_UNAVAILABLE, logon.resultCode());

        // Long enough without a leader that the cluster client gives up on its session and must reconnect.
        await("cluster client closed itself", () -> gateway.counters().clusterClientClosures.get() > closuresBefore);
        for (int i = 0; i < cluster.memberCount(); i++)
        {
            if (!cluster.isRunning(i))
            {
                cluster.restartNode(i);
            }
        }
        cluster.awaitLeader(Duration.ofSeconds(60));
        await("gateway reconnected", () -> gateway.counters().clusterConnects.get() > connectsBefore &&
            gateway.isClusterConnected());

        assertEquals(ResultCode.ACCEPTED, exchange.awaitResponse(queued).resultCode(),
            "the command queued during the outage is delivered once the cluster is back");
        assertAccepted(exchange.submitTrade(3_001, INSTRUMENT, BUYER, SELLER, 50_000, 1));
        assertEquals(0, operator.queryLedger().conservationError());
        assertEquals(ResultCode.ACCEPTED, member201.deposit(SELLER, 1_000).resultCode(),
            "the refused logon did not cut off the working session of the same sender");
    }

    private ExchangeClient.Context udpClient(
        final String aeronDir, final long senderId, final SenderRole role, final String credential)
    {
        return new ExchangeClient.Context()
            .aeronDirectoryName(aeronDir)
            .gatewayChannel("aeron:udp?endpoint=" + GATEWAY_ENDPOINT)
            .replyChannel("aeron:udp?endpoint=127.0.0.1:0")
            .senderId(senderId)
            .role(role)
            .credential(credential)
            .responseTimeoutMs(20_000)
            .connectTimeoutMs(20_000);
    }

    private static int encodeTrade(final UnsafeBuffer buffer, final long sequence, final long venueTradeId)
    {
        final SubmitTradeEncoder trade = new SubmitTradeEncoder();
        trade.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .sequence(sequence)
            .venueTradeId(venueTradeId)
            .instrumentId(INSTRUMENT)
            .buyAccountId(BUYER)
            .sellAccountId(SELLER)
            .priceTicks(50_000)
            .quantityLots(1);
        return MessageHeaderEncoder.ENCODED_LENGTH + trade.encodedLength();
    }

    private void assertAccepted(final Response response)
    {
        assertEquals(ResultCode.ACCEPTED, response.resultCode(), response.toString());
        assertFalse(response.replayed());
    }

    private void awaitEvents(final String what, final BooleanSupplier condition)
    {
        await(what, () ->
        {
            events.poll((eventSequence, templateId, buffer, offset, length) ->
            {
                eventLines.add(json.render(buffer, offset, length));
                eventSequences.add(eventSequence);
                if (TradeClearedDecoder.TEMPLATE_ID == templateId)
                {
                    tradeCleared.wrap(buffer, offset + MessageHeaderEncoder.ENCODED_LENGTH,
                        TradeClearedDecoder.BLOCK_LENGTH, TradeClearedDecoder.SCHEMA_VERSION);
                    clearedTradeIds.add(tradeCleared.venueTradeId());
                }
            }, 100);
            return condition.getAsBoolean();
        });
    }

    private static void await(final String what, final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }
}
