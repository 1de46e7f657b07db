package dev.backstop.clearing.node;

import dev.backstop.clearing.service.StateReport;
import dev.backstop.sbe.cluster.ResultCode;
import io.aeron.cluster.service.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three clearing nodes in one JVM: a command stream survives the loss of the leader with every acknowledged command
 * applied exactly once, and members restarted from snapshot plus log reach the same state digest as the others.
 */
class ClearingClusterTest
{
    private static final long OPERATOR = 1;
    private static final long TREASURY = 2;
    private static final long EXCHANGE = 100;
    private static final long ORACLE = 200;
    private static final int INSTRUMENT = 7;
    private static final long[] ACCOUNTS = { 11, 12, 13, 14 };
    private static final long DEPOSIT = 1_000_000_000_000L;
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private final Map<Long, Long> sequences = new HashMap<>();
    private final Map<Long, Map<Integer, Long>> expectedPositions = new HashMap<>();
    private long expectedTrades;
    private long expectedNetDeposits;
    private long nextVenueTradeId = 1000;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void survivesLeaderLossExactlyOnceAndRecoversAFollowerFromSnapshotAndLog()
    {
        final int portBase = 20000;
        try (InProcessCluster cluster = InProcessCluster.start(portBase, testDir("failover"));
            ClusterTestClient client = new ClusterTestClient(cluster.ingressEndpoints(), clientAeronDir(portBase)))
        {
            final int firstLeader = cluster.awaitLeader(AWAIT);
            setUpBook(client);
            client.awaitAllAcknowledged(AWAIT);

            int stoppedLeader = -1;
            for (int i = 0; i < 240; i++)
            {
                trade(client, i);
                if (i % 20 == 0)
                {
                    client.priceTick(ORACLE, next(ORACLE), INSTRUMENT, 1, 50_000 + i);
                }
                client.awaitPendingAtMost(24, AWAIT);

                if (80 == i)
                {
                    stoppedLeader = cluster.leaderIndex();
                    assertTrue(stoppedLeader >= 0, "a leader before the failover");
                    cluster.stopNode(stoppedLeader);
                }
            }
            final ClusterTestClient.Command refusedWithdrawal =
                client.withdraw(TREASURY, next(TREASURY), ACCOUNTS[0], DEPOSIT * 1000);
            client.awaitAllAcknowledged(AWAIT);

            final int newLeader = cluster.awaitNewLeader(stoppedLeader, AWAIT);
            assertNotEquals(stoppedLeader, newLeader);
            assertTrue(client.newLeaderEvents() > 0 || client.reconnects() > 0, "the client saw the failover");
            assertEquals(ResultCode.INSUFFICIENT_CASH, refusedWithdrawal.result.code());
            assertEquals("amount exceeds the account's cash", refusedWithdrawal.result.reason());

            verifyBook(client, 1);

            // A gateway that lost a reply resends: the original result comes back, marked replayed, applied once.
            final ClusterTestClient.Command replay = client.resend(EXCHANGE, 5);
            client.awaitAllAcknowledged(AWAIT);
            assertEquals(ResultCode.ACCEPTED, replay.result.code());
            assertTrue(replay.result.replayed(), "a resent command is answered as replayed");
            verifyBook(client, 1);

            final List<StateReport> afterFailover = cluster.awaitConvergence(AWAIT);
            assertEquals(2, afterFailover.size());
            assertEquals(expectedTrades, afterFailover.get(0).tradesCleared());

            // The old leader comes back and catches up from its own log plus the new leader's.
            cluster.restartNode(stoppedLeader);
            client.idleFor(Duration.ofMillis(200));
            final List<StateReport> allThree = cluster.awaitConvergence(AWAIT);
            assertEquals(3, allThree.size());

            cluster.takeSnapshot(AWAIT);
            final int leader = cluster.awaitLeader(AWAIT);
            final int follower = (leader + 1) % cluster.memberCount();
            cluster.stopNode(follower);

            for (int i = 240; i < 300; i++)
            {
                trade(client, i);
                client.awaitPendingAtMost(24, AWAIT);
            }
            deposit(client, ACCOUNTS[2], 5_000_000);
            client.awaitAllAcknowledged(AWAIT);

            cluster.restartNode(follower);
            client.idleFor(Duration.ofMillis(200));
            final List<StateReport> recovered = cluster.awaitConvergence(AWAIT);
            assertEquals(3, recovered.size());
            assertEquals(expectedTrades, recovered.get(0).tradesCleared());
            assertEquals(expectedNetDeposits, recovered.get(0).netDeposits());
            assertTrue(cluster.service(follower).snapshotRecordsLoaded() > 0, "the follower started from a snapshot");

            verifyBook(client, 2);
            System.out.println("failover: stoppedLeader=" + stoppedLeader + " newLeader=" + newLeader +
                " newLeaderEvents=" + client.newLeaderEvents() + " reconnects=" + client.reconnects() +
                " resends=" + client.resends() + " replayedResults=" + client.replayedResults().size() +
                " events=" + client.eventsReceived() + " digest=" + recovered.get(0).digestHex());
            assertTrue(client.eventOrderViolations().isEmpty(), client.eventOrderViolations().toString());
            assertTrue(client.eventsReceived() > 0);
            assertNotEquals(firstLeader, -1);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void snapshotRoundTripRestoresTheSameStateDigestOnEveryMember()
    {
        final int portBase = 20400;
        // Metrics ports inside node 0's block, past the cluster's own offsets (+1..+7).
        final int metricsPortBase = portBase + 90;
        try (InProcessCluster cluster = InProcessCluster.start(
            portBase, testDir("snapshot"), InProcessCluster.DEFAULT_MEMBER_COUNT,
            (context) -> context.metricsPort(metricsPortBase + context.nodeId())))
        {
            cluster.awaitLeader(AWAIT);
            final StateReport beforeSnapshot;
            try (ClusterTestClient client = new ClusterTestClient(cluster.ingressEndpoints(), clientAeronDir(portBase)))
            {
                setUpBook(client);
                for (int i = 0; i < 60; i++)
                {
                    trade(client, i);
                    client.awaitPendingAtMost(16, AWAIT);
                }
                client.priceTick(ORACLE, next(ORACLE), INSTRUMENT, 1, 51_234);
                client.awaitAllAcknowledged(AWAIT);
                assertEquals(sequences.get(EXCHANGE), client.querySenderSequence(77, EXCHANGE, AWAIT));

                assertEquals(expectedTrades, cluster.awaitConvergence(AWAIT).get(0).tradesCleared());
                assertMetrics(cluster, metricsPortBase, client);
                deleverageAnAccountNoPoolCanTake(client);
                settleOnShortCycles(client, cluster);

                // Every member applied the ADL and the settlement cycles (timers in the log) to the same state.
                beforeSnapshot = cluster.awaitConvergence(AWAIT).get(0);
                assertEquals(expectedTrades, beforeSnapshot.tradesCleared());
                for (int i = 0; i < cluster.memberCount(); i++)
                {
                    // the state report an operator reads over HTTP is the same digest at the same log position
                    final String state = MetricsScrape.get(metricsPortBase + i, ClearingNode.STATE_PATH);
                    assertTrue(state.contains("\"memberId\":" + i + ","), state);
                    assertTrue(state.contains("\"logPosition\":" + beforeSnapshot.logPosition() + ","), state);
                    assertTrue(state.contains("\"digest\":\"" + beforeSnapshot.digestHex() + "\""), state);
                }
                cluster.takeSnapshot(AWAIT);
                final int leader = cluster.awaitLeader(AWAIT);
                assertTrue(MetricsScrape.of(metricsPortBase + leader).value("backstop_node_cluster_snapshots") >= 1,
                    "the leader's snapshot counter");
            }

            for (int i = 0; i < cluster.memberCount(); i++)
            {
                cluster.stopNode(i);
            }
            for (int i = 0; i < cluster.memberCount(); i++)
            {
                cluster.restartNode(i);
            }
            cluster.awaitLeader(AWAIT);

            final List<StateReport> restored = cluster.awaitConvergence(AWAIT);
            assertEquals(3, restored.size());
            for (final StateReport report : restored)
            {
                assertEquals(beforeSnapshot.digestHex(), report.digestHex(), "digest after loading the snapshot");
                assertEquals(beforeSnapshot.eventSequence(), report.eventSequence());
            }
            for (int i = 0; i < cluster.memberCount(); i++)
            {
                assertTrue(cluster.service(i).snapshotRecordsLoaded() > 0, "member " + i + " loaded the snapshot");
                assertNotNull(cluster.node(i));
            }
            assertTrue(Cluster.Role.LEADER == cluster.node(cluster.leaderIndex()).role());
        }
    }

    /**
     * Variation margin every second and funding every two seconds on the cluster's own timer: the client sees each
     * cycle's per-account events and a summary that balances, and all three members hold the same state digest while
     * the cycles run. The cycles are then turned off so the snapshot that follows compares a state that stands still.
     */
    private void settleOnShortCycles(final ClusterTestClient client, final InProcessCluster cluster)
    {
        client.variationMarginInterval(OPERATOR, next(OPERATOR), 1_000);
        client.fundingParameters(OPERATOR, next(OPERATOR), INSTRUMENT, 2_000, 100);
        client.awaitAllAcknowledged(AWAIT);
        final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
        final dev.backstop.sbe.events.SettlementSummaryDecoder summary =
            new dev.backstop.sbe.events.SettlementSummaryDecoder();
        boolean sawVariationMargin = false;
        boolean sawFunding = false;
        int checked = 0;
        while (!(sawVariationMargin && sawFunding))
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "a VM and a funding cycle within " + AWAIT);
            client.idleFor(Duration.ofMillis(100));
            final List<byte[]> events = client.settlementEvents();
            for (; checked < events.size(); checked++)
            {
                final org.agrona.concurrent.UnsafeBuffer event = new org.agrona.concurrent.UnsafeBuffer(events.get(checked));
                if (event.getShort(2, java.nio.ByteOrder.LITTLE_ENDIAN) !=
                    dev.backstop.sbe.events.SettlementSummaryDecoder.TEMPLATE_ID)
                {
                    continue;
                }
                summary.wrap(event, dev.backstop.sbe.events.MessageHeaderDecoder.ENCODED_LENGTH,
                    dev.backstop.sbe.events.SettlementSummaryDecoder.BLOCK_LENGTH,
                    dev.backstop.sbe.events.SettlementSummaryDecoder.SCHEMA_VERSION);
                assertEquals(0, summary.net(), "a cycle nets to zero");
                assertEquals(summary.paid(), summary.received() + summary.feeRemainder());
                if (summary.accountsSettled() > 0)
                {
                    sawVariationMargin |= summary.kind() == dev.backstop.sbe.events.SettlementKind.VARIATION_MARGIN;
                    sawFunding |= summary.kind() == dev.backstop.sbe.events.SettlementKind.FUNDING;
                }
            }
        }
        final List<StateReport> whileSettling = cluster.awaitConvergence(AWAIT);
        assertEquals(3, whileSettling.size());

        client.variationMarginInterval(OPERATOR, next(OPERATOR), 0);
        client.fundingParameters(OPERATOR, next(OPERATOR), INSTRUMENT, 0, 100);
        client.awaitAllAcknowledged(AWAIT);
    }

    /**
     * Every member serves its Aeron counters and the service's published values: exactly one leader, a commit
     * position, and each member counted every trade as applied and accepted: once, plus once more for each resend
     * the client made after a stall (on a loaded machine), which every member answers with the original result.
     */
    private void assertMetrics(
        final InProcessCluster cluster, final int metricsPortBase, final ClusterTestClient client)
    {
        final long replayedTrades = client.replayedResults().stream()
            .filter((result) -> dev.backstop.sbe.cluster.TradeCommandEncoder.TEMPLATE_ID == result.templateId())
            .count();
        int leaders = 0;
        for (int i = 0; i < cluster.memberCount(); i++)
        {
            assertEquals(metricsPortBase + i, cluster.node(i).metricsPort());
            final MetricsScrape scrape = MetricsScrape.of(metricsPortBase + i);
            final String node = "node=\"" + i + "\"";
            final double role = scrape.value("backstop_node_cluster_role", node);
            assertTrue(role >= 0 && role <= 2, "role " + role);
            if (2 == role)
            {
                leaders++;
            }
            assertTrue(scrape.value("backstop_node_cluster_commit_position", node) > 0, "commit position");
            assertTrue(scrape.value("backstop_node_cluster_leadership_term", node) >= 0, "leadership term");
            assertEquals(0, scrape.value("backstop_node_cluster_module_errors", node));
            assertEquals(0, scrape.value("backstop_node_cluster_service_errors", node));
            assertTrue(scrape.value("backstop_node_aeron_driver_errors", node) >= 0, "driver errors counter");
            assertTrue(scrape.value("backstop_node_aeron_driver_back_pressure", node) >= 0, "back pressure");
            assertEquals(expectedTrades + replayedTrades, (long)scrape.value(
                "backstop_node_commands_total", node, "type=\"TRADE\"", "outcome=\"ACCEPTED\""));
            assertEquals(0, scrape.value(
                "backstop_node_commands_total", node, "type=\"TRADE\"", "outcome=\"DUPLICATE_TRADE\""));
            assertEquals(ACCOUNTS.length, (long)scrape.value(
                "backstop_node_commands_total", node, "type=\"DEPOSIT\"", "outcome=\"ACCEPTED\""));
            assertEquals(expectedTrades, (long)scrape.value("backstop_node_trades_cleared", node));
            assertEquals(expectedNetDeposits, (long)scrape.value("backstop_node_net_deposits", node));
            assertTrue(scrape.value("backstop_node_event_sequence", node) > 0, "event sequence");
            assertEquals(ACCOUNTS.length, (long)scrape.value("backstop_node_accounts", node));
            assertEquals(0, scrape.value("backstop_node_liquidations_started_total", node));
            assertEquals(0, scrape.value("backstop_node_open_deficits", node));
        }
        assertEquals(1, leaders, "exactly one leader across the members");
    }

    /**
     * Account 15 buys 100 lots at 51_234 from account 16 with 60 USD; the mark falls to 45_000 and leaves it
     * bankrupt. There is no pool: the next liquidation round auto-deleverages the 100 lots, against 16 first (by far
     * the most leveraged short), at the mark.
     */
    private void deleverageAnAccountNoPoolCanTake(final ClusterTestClient client)
    {
        client.openAccount(OPERATOR, next(OPERATOR), 15, 515);
        client.openAccount(OPERATOR, next(OPERATOR), 16, 516);
        deposit(client, 15, 60_000_000L);
        deposit(client, 16, 10_000_000_000L);
        client.trade(EXCHANGE, next(EXCHANGE), nextVenueTradeId++, INSTRUMENT, 15, 16, 51_234, 100);
        expectedTrades++;
        expectedPositions.computeIfAbsent(15L, (k) -> new HashMap<>()).merge(INSTRUMENT, 100L, Long::sum);
        expectedPositions.computeIfAbsent(16L, (k) -> new HashMap<>()).merge(INSTRUMENT, -100L, Long::sum);
        client.priceTick(ORACLE, next(ORACLE), INSTRUMENT, 1, 45_000);
        client.awaitAllAcknowledged(AWAIT);

        final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
        ClusterTestClient.Ledger ledger;
        do
        {
            client.idleFor(Duration.ofMillis(100));
            final long sequence = next(OPERATOR);
            client.queryLedger(OPERATOR, sequence);
            client.awaitAllAcknowledged(AWAIT);
            ledger = client.ledger(OPERATOR, sequence);
        }
        while (ledger.adlContracts() < 100 && System.nanoTime() - deadlineNs < 0);

        assertEquals(100, ledger.adlContracts(), "the 100 lots were deleveraged");
        assertEquals(ledger.netDeposits(),
            ledger.totalCash() + ledger.totalUnrealisedPnl() + ledger.feeAccount() + ledger.insuranceFund(),
            "money is conserved");
        assertTrue(client.eventCount(dev.backstop.sbe.events.AutoDeleveragedDecoder.TEMPLATE_ID) >= 1);
        assertEquals(1, client.eventCount(dev.backstop.sbe.events.AutoDeleveragingEndedDecoder.TEMPLATE_ID));
        final long accountSequence = next(OPERATOR);
        client.queryAccount(OPERATOR, accountSequence, 15);
        client.awaitAllAcknowledged(AWAIT);
        assertTrue(client.accountState(OPERATOR, accountSequence).quantities().isEmpty(), "account 15 is flat");
        expectedPositions.remove(15L);
    }

    private void setUpBook(final ClusterTestClient client)
    {
        client.listInstrument(OPERATOR, next(OPERATOR), INSTRUMENT, "BTC-PERP");
        for (final long account : ACCOUNTS)
        {
            client.openAccount(OPERATOR, next(OPERATOR), account, 500 + account);
        }
        for (final long account : ACCOUNTS)
        {
            deposit(client, account, DEPOSIT);
        }
    }

    private void deposit(final ClusterTestClient client, final long account, final long amount)
    {
        client.deposit(TREASURY, next(TREASURY), account, amount);
        expectedNetDeposits += amount;
    }

    private void trade(final ClusterTestClient client, final int i)
    {
        final long buyer = ACCOUNTS[i % ACCOUNTS.length];
        final long seller = ACCOUNTS[(i + 1 + (i / ACCOUNTS.length) % (ACCOUNTS.length - 1)) % ACCOUNTS.length];
        final long quantity = 1 + i % 3;
        client.trade(EXCHANGE, next(EXCHANGE), nextVenueTradeId++, INSTRUMENT, buyer, seller, 50_000 + i % 7, quantity);
        expectedTrades++;
        expectedPositions.computeIfAbsent(buyer, (k) -> new HashMap<>()).merge(INSTRUMENT, quantity, Long::sum);
        expectedPositions.computeIfAbsent(seller, (k) -> new HashMap<>()).merge(INSTRUMENT, -quantity, Long::sum);
    }

    private long next(final long senderId)
    {
        return sequences.merge(senderId, 1L, Long::sum);
    }

    /**
     * Every trade was acknowledged ACCEPTED (never a duplicate), and the cluster's ledger and accounts show each one
     * applied exactly once.
     */
    private void verifyBook(final ClusterTestClient client, final int round)
    {
        for (long sequence = 1; sequence < sequences.get(EXCHANGE) + 1; sequence++)
        {
            final ClusterTestClient.Command command = client.command(EXCHANGE, sequence);
            assertNotNull(command.result, "trade " + sequence + " acknowledged");
            assertEquals(ResultCode.ACCEPTED, command.result.code(), "trade " + sequence + " in round " + round);
        }

        final long ledgerSequence = next(OPERATOR);
        client.queryLedger(OPERATOR, ledgerSequence);
        final long[] accountSequences = new long[ACCOUNTS.length];
        for (int i = 0; i < ACCOUNTS.length; i++)
        {
            accountSequences[i] = next(OPERATOR);
            client.queryAccount(OPERATOR, accountSequences[i], ACCOUNTS[i]);
        }
        client.awaitAllAcknowledged(AWAIT);

        final ClusterTestClient.Ledger ledger = client.ledger(OPERATOR, ledgerSequence);
        assertNotNull(ledger, "ledger result");
        assertEquals(expectedTrades, ledger.tradesCleared(), "trades cleared exactly once");
        assertEquals(expectedNetDeposits, ledger.netDeposits(), "deposits applied exactly once");
        assertEquals(ACCOUNTS.length, ledger.accountCount());
        assertEquals(ledger.netDeposits(), ledger.totalCash() + ledger.totalUnrealisedPnl() + ledger.feeAccount(),
            "money is conserved");
        assertTrue(ledger.leadershipTermId() >= 1, "a new leadership term after the failover");

        for (int i = 0; i < ACCOUNTS.length; i++)
        {
            final ClusterTestClient.AccountState state = client.accountState(OPERATOR, accountSequences[i]);
            assertNotNull(state, "account state of " + ACCOUNTS[i]);
            final long expected = expectedPositions.getOrDefault(ACCOUNTS[i], Map.of()).getOrDefault(INSTRUMENT, 0L);
            assertEquals(expected, state.quantities().getOrDefault(INSTRUMENT, 0L), "position of " + ACCOUNTS[i]);
        }
    }

    private static File testDir(final String name)
    {
        return new File("target/clearing-cluster-test/" + name);
    }

    private static String clientAeronDir(final int portBase)
    {
        return ClearingNode.Context.defaultAeronDirectoryName(portBase, 0) + "-client";
    }
}
