package dev.backstop.clearing.node;

import dev.backstop.clearing.service.StateReport;
import dev.backstop.sbe.cluster.ContributeDefaultFundCommandEncoder;
import dev.backstop.sbe.cluster.CreatePoolCommandEncoder;
import dev.backstop.sbe.cluster.InjectCcpCapitalCommandEncoder;
import dev.backstop.sbe.cluster.LiquidationParametersCommandEncoder;
import dev.backstop.sbe.cluster.MessageHeaderEncoder;
import dev.backstop.sbe.cluster.PoolDepositCommandEncoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.WithdrawCommandEncoder;
import dev.backstop.sbe.events.OpenDeficitDecoder;
import dev.backstop.sbe.events.WaterfallClosedDecoder;
import dev.backstop.sbe.events.WaterfallRungDecoder;
import dev.backstop.sbe.events.WaterfallStartedDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A default on a real three-node cluster: the defaulter's deficit runs down the loss waterfall (its other collateral,
 * its contribution, the CCP's capital, another member's contribution) on cluster timers, and every member ends with
 * the same state digest, so the same waterfall; a follower restarted from a snapshot reaches it too.
 */
class DefaultWaterfallClusterTest
{
    private static final int PORT_BASE = 20060;
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final long OPERATOR = 1;
    private static final long EXCHANGE = 100;
    private static final long MEMBER = 200;
    private static final int INSTRUMENT = 7;
    private static final long USD = 1_000_000;
    private static final long DEFAULTER = 11;
    private static final long DEFAULTER_OTHER = 12;
    private static final long COUNTERPARTY = 31;
    private static final long CONTRIBUTOR = 41;
    private static final long POOL = 91;
    private static final long POOL_DEPOSITOR = 92;

    private final Map<Long, Long> sequences = new HashMap<>();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private long lastSequence;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aDefaultsWaterfallIsTheSameOnEveryMemberAndAfterARestartFromSnapshot()
    {
        try (InProcessCluster cluster = InProcessCluster.start(PORT_BASE, new File("target/clearing-cluster-test/waterfall"));
            ClusterTestClient client = new ClusterTestClient(
                cluster.ingressEndpoints(), ClearingNode.Context.defaultAeronDirectoryName(PORT_BASE, 0) + "-client"))
        {
            cluster.awaitLeader(AWAIT);
            // One lot is 5 USD at 50_000 ticks (tick value 100 micro-units); the fee is 0.05%.
            client.listInstrument(OPERATOR, next(OPERATOR), INSTRUMENT, "BTC-PERP");
            final LiquidationParametersCommandEncoder parameters = new LiquidationParametersCommandEncoder()
                .wrapAndApplyHeader(buffer, 0, header).senderId(OPERATOR).sequence(next(OPERATOR))
                .roundIntervalMs(100).minSliceNotional(1_000 * USD).slicePpm(100_000).targetPpm(1_020_000)
                .feePpm(5_000).auctionSteps(5).auctionStepMs(20).poolLossCapPpm(200_000).bandPpm(1_000_000)
                .twapWindowMs(300_000).redemptionNoticeMs(86_400_000L).wholeAccountThresholdPpm(666_667)
                .poolSharePpm(666_667);
            send(client, OPERATOR, lastSequence, LiquidationParametersCommandEncoder.TEMPLATE_ID,
                parameters.encodedLength());
            open(client, DEFAULTER, 1, 1_100);
            open(client, DEFAULTER_OTHER, 1, 400);
            open(client, COUNTERPARTY, 3, 100_000);
            open(client, CONTRIBUTOR, 4, 1_000);
            open(client, POOL_DEPOSITOR, 9, 100_000);
            contribute(client, DEFAULTER_OTHER, 100);
            contribute(client, CONTRIBUTOR, 1_000);
            final InjectCcpCapitalCommandEncoder inject = new InjectCcpCapitalCommandEncoder()
                .wrapAndApplyHeader(buffer, 0, header).senderId(OPERATOR).sequence(next(OPERATOR)).amount(150 * USD);
            send(client, OPERATOR, lastSequence, InjectCcpCapitalCommandEncoder.TEMPLATE_ID, inject.encodedLength());
            final CreatePoolCommandEncoder pool = new CreatePoolCommandEncoder()
                .wrapAndApplyHeader(buffer, 0, header).senderId(OPERATOR).sequence(next(OPERATOR))
                .poolAccountId(POOL).ownerMemberId(9);
            send(client, OPERATOR, lastSequence, CreatePoolCommandEncoder.TEMPLATE_ID, pool.encodedLength());
            final PoolDepositCommandEncoder poolDeposit = new PoolDepositCommandEncoder()
                .wrapAndApplyHeader(buffer, 0, header).senderId(MEMBER).sequence(next(MEMBER))
                .poolAccountId(POOL).accountId(POOL_DEPOSITOR).amount(100_000 * USD);
            send(client, MEMBER, lastSequence, PoolDepositCommandEncoder.TEMPLATE_ID,
                poolDeposit.encodedLength());
            client.priceTick(EXCHANGE, next(EXCHANGE), INSTRUMENT, 1, 50_000);
            // The defaulter buys 2_000 lots (10_000 USD notional, IM 1_000) with 1_100 USD.
            client.trade(EXCHANGE, next(EXCHANGE), 1, INSTRUMENT, DEFAULTER, COUNTERPARTY, 50_000, 2_000);
            client.awaitAllAcknowledged(AWAIT);
            assertAllAccepted(client);

            // -20%: the defaulter loses 2_000 USD against about 1_095 of equity and goes to the pool whole at the
            // next round; its deficit enters the waterfall a millisecond later.
            client.priceTick(EXCHANGE, next(EXCHANGE), INSTRUMENT, 1, 40_000);
            client.awaitAllAcknowledged(AWAIT);
            final long deadlineNs = System.nanoTime() + AWAIT.toNanos();
            while (client.eventCount(WaterfallClosedDecoder.TEMPLATE_ID) < 1 && System.nanoTime() < deadlineNs)
            {
                client.idleFor(Duration.ofMillis(20));
            }
            assertEquals(1, client.eventCount(OpenDeficitDecoder.TEMPLATE_ID));
            assertEquals(1, client.eventCount(WaterfallStartedDecoder.TEMPLATE_ID));
            assertEquals(1, client.eventCount(WaterfallClosedDecoder.TEMPLATE_ID));
            // Rungs 1 to 5: the deficit is larger than the defaulter's 300 + 100, the insurance fund's 0 and the
            // CCP's 150, and smaller than the other member's 1_000 more.
            assertEquals(5, client.eventCount(WaterfallRungDecoder.TEMPLATE_ID));

            final ClusterTestClient.Ledger ledger = queryLedger(client);
            final List<Long> rungs = ledger.waterfallAbsorbed();
            assertEquals(List.of(300 * USD, 100 * USD, 0L, 150 * USD), rungs.subList(0, 4));
            assertTrue(rungs.get(4) > 0 && rungs.get(4) < 1_000 * USD, "the mutualised fund absorbed the rest");
            assertEquals(List.of(0L, 0L), rungs.subList(5, 7));
            assertEquals(0, ledger.openWaterfalls());
            assertEquals(0, ledger.ccpCapital());
            assertEquals(1_000 * USD - rungs.get(4), ledger.defaultFundContributions());
            assertEquals(0, ledger.conservationError());

            final List<StateReport> converged = cluster.awaitConvergence(AWAIT);
            assertEquals(3, converged.size());

            // The gates are open again: a withdrawal goes through.
            final WithdrawCommandEncoder withdraw = new WithdrawCommandEncoder()
                .wrapAndApplyHeader(buffer, 0, header).senderId(MEMBER).sequence(next(MEMBER))
                .accountId(COUNTERPARTY).amount(USD);
            send(client, MEMBER, lastSequence, WithdrawCommandEncoder.TEMPLATE_ID, withdraw.encodedLength());
            client.awaitAllAcknowledged(AWAIT);
            assertAllAccepted(client);

            cluster.takeSnapshot(AWAIT);
            final int leader = cluster.awaitLeader(AWAIT);
            final int follower = (leader + 1) % cluster.memberCount();
            cluster.restartNode(follower);
            client.idleFor(Duration.ofMillis(200));
            final List<StateReport> restarted = cluster.awaitConvergence(AWAIT);
            assertEquals(3, restarted.size());
            assertTrue(cluster.service(follower).snapshotRecordsLoaded() > 0, "the follower started from a snapshot");
            System.out.println("waterfall: rungs=" + rungs + " digest=" + restarted.get(0).digestHex() +
                " events=" + client.eventsReceived());
        }
    }

    private void open(final ClusterTestClient client, final long accountId, final long memberId, final long dollars)
    {
        client.openAccount(OPERATOR, next(OPERATOR), accountId, memberId);
        client.deposit(MEMBER, next(MEMBER), accountId, dollars * USD);
    }

    private void contribute(final ClusterTestClient client, final long accountId, final long dollars)
    {
        final ContributeDefaultFundCommandEncoder contribute = new ContributeDefaultFundCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, header).senderId(MEMBER).sequence(next(MEMBER))
            .accountId(accountId).amount(dollars * USD);
        send(client, MEMBER, lastSequence, ContributeDefaultFundCommandEncoder.TEMPLATE_ID,
            contribute.encodedLength());
    }

    private void send(
        final ClusterTestClient client, final long senderId, final long sequence, final int templateId,
        final int bodyLength)
    {
        client.submitEncoded(senderId, sequence, templateId, buffer, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }

    private ClusterTestClient.Ledger queryLedger(final ClusterTestClient client)
    {
        final long sequence = next(OPERATOR);
        client.queryLedger(OPERATOR, sequence);
        client.awaitAllAcknowledged(AWAIT);
        final ClusterTestClient.Ledger ledger = client.ledger(OPERATOR, sequence);
        assertNotNull(ledger, "ledger result");
        return ledger;
    }

    private void assertAllAccepted(final ClusterTestClient client)
    {
        for (final Map.Entry<Long, Long> sender : sequences.entrySet())
        {
            for (long s = 1; s <= sender.getValue(); s++)
            {
                final ClusterTestClient.Command command = client.command(sender.getKey(), s);
                if (null != command && null != command.result)
                {
                    assertEquals(ResultCode.ACCEPTED, command.result.code(),
                        () -> "command " + command.templateId + " of " + sender.getKey() + ": " + command.result);
                }
            }
        }
    }

    private long next(final long senderId)
    {
        lastSequence = sequences.merge(senderId, 1L, Long::sum);
        return lastSequence;
    }
}
