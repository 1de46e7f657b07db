package dev.backstop.clearing.node;

import dev.backstop.sbe.cluster.AccountStateResultDecoder;
import dev.backstop.sbe.cluster.CommandResultDecoder;
import dev.backstop.sbe.cluster.DepositCommandEncoder;
import dev.backstop.sbe.cluster.LedgerResultDecoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandEncoder;
import dev.backstop.sbe.cluster.MessageHeaderDecoder;
import dev.backstop.sbe.cluster.MessageHeaderEncoder;
import dev.backstop.sbe.cluster.OpenAccountCommandEncoder;
import dev.backstop.sbe.cluster.PriceTickCommandEncoder;
import dev.backstop.sbe.cluster.QueryAccountCommandEncoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandEncoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.SenderSequenceQueryEncoder;
import dev.backstop.sbe.cluster.SenderSequenceResultDecoder;
import dev.backstop.sbe.cluster.TradeCommandEncoder;
import dev.backstop.sbe.cluster.WithdrawCommandEncoder;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster client for tests that behaves like a careful gateway: every command carries an idempotency key, egress
 * is polled all the time, and everything unacknowledged is resent after a new leader, a reconnect or a stall.
 * A command is acknowledged by its first result that is not SEQUENCE_GAP (a gap means an earlier command was lost
 * and this one was not applied).
 */
final class ClusterTestClient implements AutoCloseable
{
    private static final long STALL_RESEND_NS = TimeUnit.MILLISECONDS.toNanos(1000);

    /**
     * One command and what came of it.
     */
    static final class Command
    {
        final long senderId;
        final long sequence;
        final int templateId;
        final byte[] encoded;
        final long order;
        Result result;

        Command(final long senderId, final long sequence, final int templateId, final byte[] encoded, final long order)
        {
            this.senderId = senderId;
            this.sequence = sequence;
            this.templateId = templateId;
            this.encoded = encoded;
            this.order = order;
        }
    }

    record Result(long senderId, long sequence, int templateId, ResultCode code, boolean replayed, String reason)
    {
    }

    record AccountState(long accountId, long cash, long equity, Map<Integer, Long> quantities)
    {
    }

    record Ledger(long netDeposits, long totalCash, long totalUnrealisedPnl, long feeAccount, long accountCount,
        long tradesCleared, long eventSequence, long leadershipTermId, long insuranceFund, long adlContracts,
        long defaultFundContributions, long ccpCapital, long openWaterfalls, List<Long> waterfallAbsorbed)
    {
        /**
         * @return Σ cash + Σ unrealised + fee account + insurance fund + contributions + CCP capital − net deposits.
         */
        long conservationError()
        {
            return totalCash + totalUnrealisedPnl + feeAccount + insuranceFund + defaultFundContributions + ccpCapital -
                netDeposits;
        }
    }

    private final MediaDriver driver;
    private final String ingressEndpoints;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final CommandResultDecoder commandResult = new CommandResultDecoder();
    private final AccountStateResultDecoder accountStateResult = new AccountStateResultDecoder();
    private final LedgerResultDecoder ledgerResult = new LedgerResultDecoder();
    private final SenderSequenceResultDecoder senderSequenceResult = new SenderSequenceResultDecoder();
    private final BackoffIdleStrategy idleStrategy = new BackoffIdleStrategy();
    private final Map<String, Command> pending = new LinkedHashMap<>();
    private final Map<String, Command> all = new HashMap<>();
    private final Map<String, AccountState> accountStates = new HashMap<>();
    private final Map<String, Ledger> ledgers = new HashMap<>();
    private final Map<Long, Long> senderSequences = new HashMap<>();
    private final List<Result> replayedResults = new ArrayList<>();
    private final List<String> eventOrderViolations = new ArrayList<>();
    private final Map<Integer, Long> eventCounts = new HashMap<>();

    private AeronCluster cluster;
    private long order;
    private boolean resendRequested;
    private long lastProgressNs = System.nanoTime();
    private long lastEventSequence;
    private long eventsReceived;
    // Settlement events (AccountSettled, SettlementSummary, BreakerTripped, BreakerResumed), copied as received.
    private final List<byte[]> settlementEvents = new ArrayList<>();
    private int newLeaderEvents;
    private int reconnects;
    private int resends;

    ClusterTestClient(final String ingressEndpoints, final String aeronDirectoryName)
    {
        this.ingressEndpoints = ingressEndpoints;
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectoryName)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1000, TimeUnit.MILLISECONDS.toNanos(1)))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(128 * 1024)
            .ipcTermBufferLength(128 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        connect(Duration.ofSeconds(30));
    }

    int newLeaderEvents()
    {
        return newLeaderEvents;
    }

    int reconnects()
    {
        return reconnects;
    }

    int resends()
    {
        return resends;
    }

    long eventsReceived()
    {
        return eventsReceived;
    }

    /**
     * @return events of that event-stream template received on this connection.
     */
    long eventCount(final int templateId)
    {
        return eventCounts.getOrDefault(templateId, 0L);
    }

    List<String> eventOrderViolations()
    {
        return eventOrderViolations;
    }

    List<Result> replayedResults()
    {
        return replayedResults;
    }

    int pendingCount()
    {
        return pending.size();
    }

    Command command(final long senderId, final long sequence)
    {
        return all.get(key(senderId, sequence));
    }

    AccountState accountState(final long senderId, final long sequence)
    {
        return accountStates.get(key(senderId, sequence));
    }

    Ledger ledger(final long senderId, final long sequence)
    {
        return ledgers.get(key(senderId, sequence));
    }

    Long senderSequence(final long correlationId)
    {
        return senderSequences.get(correlationId);
    }

    Command listInstrument(final long senderId, final long sequence, final int instrumentId, final String symbol)
    {
        final ListInstrumentCommandEncoder encoder = new ListInstrumentCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .initialMarginPpm(100_000)
            .maintenanceMarginPpm(50_000)
            .tradeFeePpm(500)
            .tickSizeMicros(100_000)
            .lotSizeMicros(1_000)
            .tickValue(100)
            .symbol(symbol);
        return submit(senderId, sequence, ListInstrumentCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    Command openAccount(final long senderId, final long sequence, final long accountId, final long memberId)
    {
        final OpenAccountCommandEncoder encoder = new OpenAccountCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .memberId(memberId);
        return submit(senderId, sequence, OpenAccountCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    Command deposit(final long senderId, final long sequence, final long accountId, final long amount)
    {
        final DepositCommandEncoder encoder = new DepositCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .amount(amount);
        return submit(senderId, sequence, DepositCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    Command withdraw(final long senderId, final long sequence, final long accountId, final long amount)
    {
        final WithdrawCommandEncoder encoder = new WithdrawCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .amount(amount);
        return submit(senderId, sequence, WithdrawCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    Command trade(
        final long exchangeId,
        final long sequence,
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots)
    {
        final TradeCommandEncoder encoder = new TradeCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(exchangeId)
            .sequence(sequence)
            .venueTradeId(venueTradeId)
            .instrumentId(instrumentId)
            .buyAccountId(buyAccountId)
            .sellAccountId(sellAccountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots)
            .buyOrderId(0)
            .sellOrderId(0);
        return submit(exchangeId, sequence, TradeCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    Command priceTick(
        final long senderId, final long sequence, final int instrumentId, final int sourceId, final long priceTicks)
    {
        final PriceTickCommandEncoder encoder = new PriceTickCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .sourceId(sourceId)
            .priceTicks(priceTicks)
            .sourceTimeMs(System.currentTimeMillis());
        return submit(senderId, sequence, PriceTickCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    Command queryAccount(final long senderId, final long sequence, final long accountId)
    {
        final QueryAccountCommandEncoder encoder = new QueryAccountCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId);
        return submit(senderId, sequence, QueryAccountCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    /**
     * @return copies of the settlement and circuit breaker events received so far, each a whole message.
     */
    List<byte[]> settlementEvents()
    {
        return settlementEvents;
    }

    Command variationMarginInterval(final long senderId, final long sequence, final long intervalMs)
    {
        final dev.backstop.sbe.cluster.VariationMarginIntervalCommandEncoder encoder =
            new dev.backstop.sbe.cluster.VariationMarginIntervalCommandEncoder()
                .wrapAndApplyHeader(buffer, 0, headerEncoder)
                .senderId(senderId)
                .sequence(sequence)
                .intervalMs(intervalMs);
        return submit(senderId, sequence, encoder.sbeTemplateId(), encoder.encodedLength());
    }

    Command fundingParameters(
        final long senderId, final long sequence, final int instrumentId, final long intervalMs, final int interestPpm)
    {
        final dev.backstop.sbe.cluster.FundingParametersCommandEncoder encoder =
            new dev.backstop.sbe.cluster.FundingParametersCommandEncoder()
                .wrapAndApplyHeader(buffer, 0, headerEncoder)
                .senderId(senderId)
                .sequence(sequence)
                .instrumentId(instrumentId)
                .intervalMs(intervalMs)
                .interestPpm(interestPpm)
                .premiumClampPpm(500)
                .capPpm(5_000);
        return submit(senderId, sequence, encoder.sbeTemplateId(), encoder.encodedLength());
    }

    Command queryLedger(final long senderId, final long sequence)
    {
        final QueryLedgerCommandEncoder encoder = new QueryLedgerCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence);
        return submit(senderId, sequence, QueryLedgerCommandEncoder.TEMPLATE_ID, encoder.encodedLength());
    }

    /**
     * Sends a SenderSequenceQuery (not tracked as a command) and waits for its answer.
     */
    long querySenderSequence(final long correlationId, final long senderId, final Duration timeout)
    {
        final SenderSequenceQueryEncoder encoder = new SenderSequenceQueryEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .senderId(senderId);
        final byte[] encoded = new byte[MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()];
        buffer.getBytes(0, encoded);
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        long nextSendNs = 0;
        while (!senderSequences.containsKey(correlationId))
        {
            if (System.nanoTime() - nextSendNs >= 0)
            {
                offer(encoded);
                nextSendNs = System.nanoTime() + STALL_RESEND_NS;
            }
            pump();
            checkDeadline(deadlineNs, "no SenderSequenceResult");
        }
        return senderSequences.get(correlationId);
    }

    /**
     * Sends an already acknowledged command once more, as a gateway would after losing the reply.
     */
    Command resend(final long senderId, final long sequence)
    {
        final Command command = all.get(key(senderId, sequence));
        command.result = null;
        pending.put(key(senderId, sequence), command);
        offer(command.encoded);
        return command;
    }

    /**
     * Polls and resends until at most {@code maxPending} commands are unacknowledged.
     */
    void awaitPendingAtMost(final int maxPending, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (pending.size() > maxPending)
        {
            pump();
            checkDeadline(deadlineNs, pending.size() + " commands unacknowledged, first " + firstPending());
        }
    }

    void awaitAllAcknowledged(final Duration timeout)
    {
        awaitPendingAtMost(0, timeout);
    }

    /**
     * One duty cycle: poll egress, reconnect when closed, resend when a new leader appeared or nothing moved.
     */
    int pump()
    {
        int work = 0;
        if (null == cluster || cluster.isClosed())
        {
            CloseHelper.quietClose(cluster);
            cluster = null;
            if (!connect(Duration.ofSeconds(5)))
            {
                return 0;
            }
            reconnects++;
            resendRequested = true;
        }

        work += cluster.pollEgress();

        final long nowNs = System.nanoTime();
        if (!pending.isEmpty() && (resendRequested || nowNs - lastProgressNs > STALL_RESEND_NS))
        {
            resendRequested = false;
            lastProgressNs = nowNs;
            resends++;
            for (final Command command : new ArrayList<>(pending.values()))
            {
                offer(command.encoded);
            }
            work++;
        }
        else if (pending.isEmpty())
        {
            lastProgressNs = nowNs;
        }

        if (0 == work)
        {
            idleStrategy.idle();
        }
        else
        {
            idleStrategy.reset();
        }
        return work;
    }

    /**
     * Keeps the session alive while the test waits on something else.
     */
    void idleFor(final Duration duration)
    {
        final long deadlineNs = System.nanoTime() + duration.toNanos();
        long nextKeepAliveNs = 0;
        while (System.nanoTime() - deadlineNs < 0)
        {
            pump();
            if (null != cluster && System.nanoTime() - nextKeepAliveNs >= 0)
            {
                cluster.sendKeepAlive();
                nextKeepAliveNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            }
        }
    }

    public void close()
    {
        CloseHelper.closeAll(cluster, driver);
    }

    /**
     * Sends any cluster command already encoded (header included) in {@code message}, tracked like the others.
     */
    Command submitEncoded(
        final long senderId, final long sequence, final int templateId, final DirectBuffer message, final int length)
    {
        buffer.putBytes(0, message, 0, length);
        return submit(senderId, sequence, templateId, length - MessageHeaderEncoder.ENCODED_LENGTH);
    }

    private Command submit(final long senderId, final long sequence, final int templateId, final int messageLength)
    {
        final byte[] encoded = new byte[MessageHeaderEncoder.ENCODED_LENGTH + messageLength];
        buffer.getBytes(0, encoded);
        final Command command = new Command(senderId, sequence, templateId, encoded, order++);
        final String key = key(senderId, sequence);
        all.put(key, command);
        pending.put(key, command);
        offer(encoded);
        return command;
    }

    private void offer(final byte[] encoded)
    {
        if (null == cluster || cluster.isClosed())
        {
            return;
        }
        final UnsafeBuffer message = new UnsafeBuffer(encoded);
        for (int attempt = 0; attempt < 200; attempt++)
        {
            final long result = cluster.offer(message, 0, encoded.length);
            if (result > 0)
            {
                return;
            }
            if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
            {
                return; // not connected or closed: resent after the new leader or reconnect
            }
            cluster.pollEgress();
            idleStrategy.idle();
        }
    }

    private boolean connect(final Duration timeout)
    {
        try
        {
            cluster = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .ingressChannel(ClusterTopology.INGRESS_CHANNEL)
                .ingressEndpoints(ingressEndpoints)
                .egressChannel(ClusterTopology.egressChannel(ClusterTopology.DEFAULT_HOSTNAME))
                .messageTimeoutNs(timeout.toNanos())
                .egressListener(new Listener()));
            return true;
        }
        catch (final RuntimeException ex)
        {
            cluster = null;
            return false;
        }
    }

    private Object firstPending()
    {
        for (final Command command : pending.values())
        {
            return "sender=" + command.senderId + " sequence=" + command.sequence + " template=" + command.templateId;
        }
        return "none";
    }

    private void acknowledge(final long senderId, final long sequence, final Result result)
    {
        final String key = key(senderId, sequence);
        final Command command = all.get(key);
        if (null == command)
        {
            return;
        }
        if (ResultCode.SEQUENCE_GAP == result.code())
        {
            return; // an earlier command was lost; this one was not applied and stays pending
        }
        if (null != pending.remove(key))
        {
            lastProgressNs = System.nanoTime();
        }
        if (result.replayed())
        {
            replayedResults.add(result);
        }
        if (null == command.result)
        {
            command.result = result;
        }
    }

    private static String key(final long senderId, final long sequence)
    {
        return senderId + ":" + sequence;
    }

    private static void checkDeadline(final long deadlineNs, final String message)
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new IllegalStateException("timed out: " + message);
        }
    }

    private final class Listener implements EgressListener
    {
        public void onMessage(
            final long clusterSessionId,
            final long timestamp,
            final DirectBuffer buffer,
            final int offset,
            final int length,
            final Header header)
        {
            headerDecoder.wrap(buffer, offset);
            final int schemaId = headerDecoder.schemaId();
            final int templateId = headerDecoder.templateId();
            if (dev.backstop.sbe.events.MessageHeaderDecoder.SCHEMA_ID == schemaId)
            {
                eventCounts.merge(templateId, 1L, Long::sum);
                onEvent(buffer, offset);
                return;
            }
            if (CommandResultDecoder.SCHEMA_ID != schemaId)
            {
                return;
            }

            final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            final int blockLength = headerDecoder.blockLength();
            final int version = headerDecoder.version();
            switch (templateId)
            {
                case CommandResultDecoder.TEMPLATE_ID:
                {
                    commandResult.wrap(buffer, bodyOffset, blockLength, version);
                    final Result result = new Result(
                        commandResult.senderId(),
                        commandResult.sequence(),
                        commandResult.templateId(),
                        commandResult.resultCode(),
                        commandResult.replayed() == dev.backstop.sbe.cluster.BooleanType.TRUE,
                        commandResult.reason());
                    acknowledge(result.senderId(), result.sequence(), result);
                    break;
                }

                case AccountStateResultDecoder.TEMPLATE_ID:
                {
                    accountStateResult.wrap(buffer, bodyOffset, blockLength, version);
                    final long senderId = accountStateResult.senderId();
                    final long sequence = accountStateResult.sequence();
                    final long accountId = accountStateResult.accountId();
                    final long cash = accountStateResult.cash();
                    final long equity = accountStateResult.equity();
                    final Map<Integer, Long> quantities = new HashMap<>();
                    for (final AccountStateResultDecoder.PositionsDecoder position : accountStateResult.positions())
                    {
                        quantities.put(position.instrumentId(), position.quantityLots());
                    }
                    accountStates.put(key(senderId, sequence), new AccountState(accountId, cash, equity, quantities));
                    acknowledge(senderId, sequence, new Result(
                        senderId, sequence, QueryAccountCommandEncoder.TEMPLATE_ID, ResultCode.ACCEPTED, false, ""));
                    break;
                }

                case LedgerResultDecoder.TEMPLATE_ID:
                {
                    ledgerResult.wrap(buffer, bodyOffset, blockLength, version);
                    final long senderId = ledgerResult.senderId();
                    final long sequence = ledgerResult.sequence();
                    ledgers.put(key(senderId, sequence), new Ledger(
                        ledgerResult.netDeposits(),
                        ledgerResult.totalCash(),
                        ledgerResult.totalUnrealisedPnl(),
                        ledgerResult.feeAccount(),
                        ledgerResult.accountCount(),
                        ledgerResult.tradesCleared(),
                        ledgerResult.eventSequence(),
                        ledgerResult.leadershipTermId(),
                        ledgerResult.insuranceFund(),
                        ledgerResult.adlContracts(),
                        ledgerResult.defaultFundContributions(),
                        ledgerResult.ccpCapital(),
                        ledgerResult.openWaterfalls(),
                        List.of(ledgerResult.waterfallRung1(), ledgerResult.waterfallRung2(),
                            ledgerResult.waterfallRung3(), ledgerResult.waterfallRung4(),
                            ledgerResult.waterfallRung5(), ledgerResult.waterfallRung6(),
                            ledgerResult.waterfallRung7())));
                    acknowledge(senderId, sequence, new Result(
                        senderId, sequence, QueryLedgerCommandEncoder.TEMPLATE_ID, ResultCode.ACCEPTED, false, ""));
                    break;
                }

                case SenderSequenceResultDecoder.TEMPLATE_ID:
                    senderSequenceResult.wrap(buffer, bodyOffset, blockLength, version);
                    senderSequences.put(
                        senderSequenceResult.correlationId(), senderSequenceResult.lastAppliedSequence());
                    break;

                default:
                    break;
            }
        }

        public void onNewLeader(
            final long clusterSessionId,
            final long leadershipTermId,
            final int leaderMemberId,
            final String ingressEndpoints)
        {
            newLeaderEvents++;
            resendRequested = true;
        }

        private void onEvent(final DirectBuffer buffer, final int offset)
        {
            // Every event starts with eventSequence: it must only ever increase on one connection's egress.
            final long eventSequence = buffer.getLong(
                offset + MessageHeaderDecoder.ENCODED_LENGTH, java.nio.ByteOrder.LITTLE_ENDIAN);
            eventsReceived++;
            if (eventSequence <= lastEventSequence)
            {
                eventOrderViolations.add("event " + eventSequence + " after " + lastEventSequence);
            }
            lastEventSequence = eventSequence;
            final int templateId = headerDecoder.templateId();
            if (templateId >= dev.backstop.sbe.events.AccountSettledDecoder.TEMPLATE_ID &&
                templateId <= dev.backstop.sbe.events.BreakerResumedDecoder.TEMPLATE_ID)
            {
                final int length = dev.backstop.sbe.events.MessageHeaderDecoder.ENCODED_LENGTH +
                    headerDecoder.blockLength();
                final byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                settlementEvents.add(copy);
            }
        }
    }
}
