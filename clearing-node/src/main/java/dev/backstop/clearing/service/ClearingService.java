package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.BackstopPool;
import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.DefaultFund;
import dev.backstop.clearing.domain.WaterfallRung;
import dev.backstop.clearing.domain.Instrument;
import dev.backstop.clearing.domain.LiquidationEngine;
import dev.backstop.clearing.domain.MarginAccount;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.clearing.metrics.LabelledGauges;
import dev.backstop.clearing.metrics.ServiceMetrics;
import dev.backstop.sbe.cluster.AccountStateResultEncoder;
import dev.backstop.sbe.cluster.AutoDeleveragingCommandDecoder;
import dev.backstop.sbe.cluster.BooleanType;
import dev.backstop.sbe.cluster.CommandResultEncoder;
import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.LiquidationParametersCommandDecoder;
import dev.backstop.sbe.cluster.RegisterBlpCommandDecoder;
import dev.backstop.sbe.cluster.AuctionBidCommandDecoder;
import dev.backstop.sbe.cluster.CreatePoolCommandDecoder;
import dev.backstop.sbe.cluster.PoolDepositCommandDecoder;
import dev.backstop.sbe.cluster.PoolRedemptionCommandDecoder;
import dev.backstop.sbe.cluster.OrderCommandDecoder;
import dev.backstop.sbe.cluster.CancelOrderCommandDecoder;
import dev.backstop.sbe.cluster.OracleParametersCommandDecoder;
import dev.backstop.sbe.cluster.MarginBracketsCommandDecoder;
import dev.backstop.sbe.cluster.OpenInterestScalingCommandDecoder;
import dev.backstop.sbe.cluster.MarginRateCommandDecoder;
import dev.backstop.sbe.cluster.AccountMarginMethodCommandDecoder;
import dev.backstop.sbe.cluster.UnderlyingScenariosCommandDecoder;
import dev.backstop.sbe.cluster.InstrumentUnderlyingCommandDecoder;
import dev.backstop.sbe.cluster.Side;
import dev.backstop.sbe.cluster.LedgerResultEncoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandDecoder;
import dev.backstop.sbe.cluster.MessageHeaderDecoder;
import dev.backstop.sbe.cluster.MessageHeaderEncoder;
import dev.backstop.sbe.cluster.OpenAccountCommandDecoder;
import dev.backstop.sbe.cluster.PriceTickCommandDecoder;
import dev.backstop.sbe.cluster.QueryAccountCommandDecoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandDecoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.SenderSequenceQueryDecoder;
import dev.backstop.sbe.cluster.ReplayEventsDecoder;
import dev.backstop.sbe.cluster.ReplayEventsResultEncoder;
import dev.backstop.sbe.cluster.SenderSequenceResultEncoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import dev.backstop.sbe.cluster.WithdrawCommandDecoder;
import dev.backstop.sbe.cluster.VariationMarginIntervalCommandDecoder;
import dev.backstop.sbe.cluster.FundingParametersCommandDecoder;
import dev.backstop.sbe.cluster.CircuitBreakerCommandDecoder;
import dev.backstop.sbe.cluster.ResumeInstrumentCommandDecoder;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.ImageFragmentAssembler;
import io.aeron.Publication;
import io.aeron.cluster.client.ClusterException;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clearing house as an Aeron Cluster state machine: a thin adapter that decodes cluster-protocol commands
 * (schema 102) into calls on {@link ClearingHouse} and its {@link LiquidationEngine}, sends each result back to the
 * session that sent the command, broadcasts the clearing house's events (schema 103) to every session, and writes
 * and loads snapshots (schema 104).
 * <p>
 * Time-driven work (liquidation rounds, auction steps, released margin-rate cuts, pool redemptions) runs on one
 * cluster timer: before every message and timer the clearing house's clock moves to the log's timestamp, and after
 * each the timer is kept on {@link ClearingHouse#nextDeadlineMs()} (scheduled, moved or cancelled only when that
 * deadline changed). The deadline it is scheduled for is part of the snapshot, so a restarted member makes the same
 * scheduling decisions as one that never stopped; the consensus module restores the timer itself.
 * <p>
 * The same code runs on every member and must reach the same state from the same log (DESIGN.md section 7): time is
 * the log's timestamp, there are no threads or I/O, and nothing depends on the member's role (a follower's
 * {@link ClientSession#offer} is a no-op). Every message is validated before it is applied: a message of another
 * schema or version, an unknown template, or one shorter than its header and block length is refused with a
 * {@code CommandResult} that names the reason, and changes nothing; no input can crash a node.
 * <p>
 * Replies, always to the session that sent the message and exactly one per message: a {@code CommandResult} for
 * every command and every refusal (with {@code replayed} set when a resent command is answered with its original
 * outcome); an {@code AccountStateResult} instead for an accepted account query and a {@code LedgerResult} instead
 * for an accepted ledger query (a refused query gets a {@code CommandResult}); a {@code SenderSequenceResult} for a
 * sender-sequence query. Events go to every connected session, in event-sequence order.
 * <p>
 * The per-message path does not allocate once warm: flyweight codecs over reused buffers and fixed reason texts.
 * The exceptions are the rare operator and audit commands (listing an instrument decodes its symbol into a String,
 * a ledger query computes the state digest).
 */
public final class ClearingService implements ClusteredService
{
    /**
     * Positions carried in one AccountStateResult: the result must fit the egress term's maximum message length
     * (a 128 KiB egress term takes 16 KiB messages, about 440 positions).
     */
    public static final int MAX_POSITIONS_IN_RESULT = 256;

    /**
     * Id of the service's one cluster timer: it is always scheduled for the clearing house's next deadline, and
     * scheduling the same id again moves it.
     */
    public static final long ONE_TIMER_ID = 1;

    /**
     * Most entries a repeating group of a command may hold; the clearing house allows fewer and refuses the rest
     * with a reason, a larger group is malformed.
     */
    static final int MAX_GROUP_ENTRIES = 64;

    /**
     * Most events sent in answer to one ReplayEvents: the service thread is the cluster's, so a replay is sent in
     * batches and the gateway asks again from the last event it saw.
     */
    static final int MAX_REPLAY_BATCH = 512;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = 4;
    private static final int SCHEMA_ID = TradeCommandDecoder.SCHEMA_ID;
    private static final int SCHEMA_VERSION = TradeCommandDecoder.SCHEMA_VERSION;
    private static final int VAR_LENGTH_HEADER = ListInstrumentCommandDecoder.symbolHeaderLength();
    private static final WaterfallRung[] WATERFALL_RUNGS = WaterfallRung.values();

    private final ClearingHouse clearingHouse;
    private final LiquidationEngine liquidationEngine;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final Egress egress = new Egress();
    private final EventHistory eventHistory;
    private final ClusterEventPublisher events;
    private final SnapshotWriter snapshotWriter = new SnapshotWriter();
    private final SnapshotWriter.RecordOutput snapshotOutput = this::offerSnapshotRecord;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TradeCommandDecoder tradeCommand = new TradeCommandDecoder();
    private final PriceTickCommandDecoder priceTickCommand = new PriceTickCommandDecoder();
    private final DepositCommandDecoder depositCommand = new DepositCommandDecoder();
    private final WithdrawCommandDecoder withdrawCommand = new WithdrawCommandDecoder();
    private final QueryAccountCommandDecoder queryAccountCommand = new QueryAccountCommandDecoder();
    private final ListInstrumentCommandDecoder listInstrumentCommand = new ListInstrumentCommandDecoder();
    private final OpenAccountCommandDecoder openAccountCommand = new OpenAccountCommandDecoder();
    private final QueryLedgerCommandDecoder queryLedgerCommand = new QueryLedgerCommandDecoder();
    private final SenderSequenceQueryDecoder senderSequenceQuery = new SenderSequenceQueryDecoder();
    private final ReplayEventsDecoder replayEvents = new ReplayEventsDecoder();
    private final ReplayEventsResultEncoder replayEventsResult = new ReplayEventsResultEncoder();
    private final OrderCommandDecoder orderCommand = new OrderCommandDecoder();
    private final CancelOrderCommandDecoder cancelOrderCommand = new CancelOrderCommandDecoder();
    private final OracleParametersCommandDecoder oracleParametersCommand = new OracleParametersCommandDecoder();
    private final MarginBracketsCommandDecoder marginBracketsCommand = new MarginBracketsCommandDecoder();
    private final OpenInterestScalingCommandDecoder openInterestScalingCommand = new OpenInterestScalingCommandDecoder();
    private final MarginRateCommandDecoder marginRateCommand = new MarginRateCommandDecoder();
    private final AccountMarginMethodCommandDecoder accountMarginMethodCommand = new AccountMarginMethodCommandDecoder();
    private final UnderlyingScenariosCommandDecoder underlyingScenariosCommand = new UnderlyingScenariosCommandDecoder();
    private final InstrumentUnderlyingCommandDecoder instrumentUnderlyingCommand = new InstrumentUnderlyingCommandDecoder();
    private final RegisterBlpCommandDecoder registerBlpCommand = new RegisterBlpCommandDecoder();
    private final AuctionBidCommandDecoder auctionBidCommand = new AuctionBidCommandDecoder();
    private final CreatePoolCommandDecoder createPoolCommand = new CreatePoolCommandDecoder();
    private final PoolDepositCommandDecoder poolDepositCommand = new PoolDepositCommandDecoder();
    private final PoolRedemptionCommandDecoder poolRedemptionCommand = new PoolRedemptionCommandDecoder();
    private final LiquidationParametersCommandDecoder liquidationParametersCommand =
        new LiquidationParametersCommandDecoder();
    private final AutoDeleveragingCommandDecoder autoDeleveragingCommand = new AutoDeleveragingCommandDecoder();
    private final VariationMarginIntervalCommandDecoder variationMarginIntervalCommand =
        new VariationMarginIntervalCommandDecoder();
    private final FundingParametersCommandDecoder fundingParametersCommand = new FundingParametersCommandDecoder();
    private final CircuitBreakerCommandDecoder circuitBreakerCommand = new CircuitBreakerCommandDecoder();
    private final ResumeInstrumentCommandDecoder resumeInstrumentCommand = new ResumeInstrumentCommandDecoder();
    private final long[] bracketCaps = new long[MAX_GROUP_ENTRIES];
    private final int[] bracketInitialPpm = new int[MAX_GROUP_ENTRIES];
    private final int[] bracketMaintenancePpm = new int[MAX_GROUP_ENTRIES];
    private final int[] scenarioShocksPpm = new int[MAX_GROUP_ENTRIES];
    private final int[] scenarioUnderlyingIds = new int[MAX_GROUP_ENTRIES];
    private final dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder contributeDefaultFundCommand =
        new dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder();
    private final dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder injectCcpCapitalCommand =
        new dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder();
    private final dev.backstop.sbe.cluster.StressScenarioCommandDecoder stressScenarioCommand =
        new dev.backstop.sbe.cluster.StressScenarioCommandDecoder();
    private final dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder defaultFundParametersCommand =
        new dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder();

    private final ExpandableArrayBuffer replyBuffer = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final CommandResultEncoder commandResult = new CommandResultEncoder();
    private final AccountStateResultEncoder accountStateResult = new AccountStateResultEncoder();
    private final LedgerResultEncoder ledgerResult = new LedgerResultEncoder();
    private final SenderSequenceResultEncoder senderSequenceResult = new SenderSequenceResultEncoder();
    private final byte[] digest = new byte[32];

    private final AtomicLong appliedLogPosition = new AtomicLong();
    private final ConcurrentLinkedQueue<CompletableFuture<StateReport>> stateRequests =
        new ConcurrentLinkedQueue<>();

    private Cluster cluster;
    private ExclusivePublication snapshotPublication;
    private long leadershipTermId = -1;
    private long clusterTime;
    private boolean inCallback;
    private volatile long snapshotRecordsLoaded = -1;
    private long messagesRefused;
    private long commandsFailed;
    private long scheduledDeadlineMs = Long.MAX_VALUE;
    private long timersFired;

    /**
     * A service with an empty clearing house; state comes from the snapshot and log at start.
     */
    public ClearingService()
    {
        this(new LiquidationEngine.Context());
    }

    /**
     * A service with an empty clearing house and a liquidation engine with the given parameters; state comes from
     * the snapshot and log at start.
     *
     * @param liquidationContext the liquidation engine's parameters (every member must use the same).
     */
    public ClearingService(final LiquidationEngine.Context liquidationContext)
    {
        this(liquidationContext, new EventHistory());
    }

    /**
     * @param liquidationContext the liquidation engine's parameters (every member must use the same).
     * @param eventHistory       the buffer of recent events gateways replay from (every member must use the same
     *                           capacity).
     */
    ClearingService(final LiquidationEngine.Context liquidationContext, final EventHistory eventHistory)
    {
        this.eventHistory = eventHistory;
        events = new ClusterEventPublisher(egress, eventHistory, metrics);
        clearingHouse = new ClearingHouse(events);
        liquidationEngine = new LiquidationEngine(clearingHouse, liquidationContext);
    }

    /**
     * The clearing house this service drives. It is not thread-safe: read it only from the service thread or while
     * the cluster is quiescent; prefer {@link #requestStateReport()} from other threads.
     *
     * @return the clearing house.
     */
    EventHistory eventHistory()
    {
        return eventHistory;
    }

    public ClearingHouse clearingHouse()
    {
        return clearingHouse;
    }

    /**
     * The liquidation engine installed on the clearing house; the same threading rules apply.
     *
     * @return the liquidation engine.
     */
    public LiquidationEngine liquidationEngine()
    {
        return liquidationEngine;
    }

    /**
     * @return counters and balances this service publishes for a metrics thread (safe to read from any thread).
     */
    public ServiceMetrics metrics()
    {
        return metrics;
    }

    /**
     * @return log position of the last message applied (safe to read from any thread).
     */
    public long appliedLogPosition()
    {
        return appliedLogPosition.get();
    }

    /**
     * @return leadership term id of the latest new-leadership-term event in the log, -1 before the first.
     */
    public long leadershipTermId()
    {
        return leadershipTermId;
    }

    /**
     * @return records restored from the snapshot this service started from, -1 when it started without one.
     */
    public long snapshotRecordsLoaded()
    {
        return snapshotRecordsLoaded;
    }

    /**
     * @return messages refused before reaching the clearing house (wrong schema, unknown template, malformed).
     */
    public long messagesRefused()
    {
        return messagesRefused;
    }

    /**
     * @return commands during which the clearing house threw (a bug: answered with a refusal, logged as an error).
     */
    public long commandsFailed()
    {
        return commandsFailed;
    }

    /**
     * @return the cluster time the service's timer is scheduled for, {@link Long#MAX_VALUE} when none.
     */
    public long scheduledDeadlineMs()
    {
        return scheduledDeadlineMs;
    }

    /**
     * @return timer events this service handled since start.
     */
    public long timersFired()
    {
        return timersFired;
    }

    /**
     * @return replies and events dropped after bounded retries (back pressure or a disconnected session).
     */
    public long egressDropped()
    {
        return egress.droppedMessages();
    }

    /**
     * Asks the service thread for a {@link StateReport}; it is computed between log messages, so it is a
     * consistent view at the reported log position. Safe to call from any thread.
     *
     * @return completes once the service thread has computed the report.
     */
    public CompletableFuture<StateReport> requestStateReport()
    {
        final CompletableFuture<StateReport> future = new CompletableFuture<>();
        stateRequests.add(future);
        return future;
    }

    /**
     * Blocking form of {@link #requestStateReport()}.
     *
     * @param timeout how long to wait.
     * @param unit    unit of the timeout.
     * @return the report, or null when the service did not answer in time (stopped, or busy loading).
     */
    public StateReport stateReport(final long timeout, final TimeUnit unit)
    {
        final CompletableFuture<StateReport> future = requestStateReport();
        try
        {
            return future.get(timeout, unit);
        }
        catch (final TimeoutException ex)
        {
            stateRequests.remove(future);
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException(ex.getCause());
        }
    }

    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        egress.cluster(cluster);
        inCallback = true;
        try
        {
            if (null != snapshotImage)
            {
                loadSnapshot(snapshotImage);
            }
        }
        finally
        {
            inCallback = false;
        }
        appliedLogPosition.set(cluster.logPosition());
        publishMetrics();
    }

    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        inCallback = true;
        try
        {
            clusterTime = timestamp;
            events.causedBy(header.position(), timestamp);
            advanceTime(timestamp);
            dispatch(session, buffer, offset, length);
            rescheduleTimer();
        }
        finally
        {
            inCallback = false;
            appliedLogPosition.lazySet(header.position());
            publishMetrics();
        }
    }

    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        inCallback = true;
        try
        {
            clusterTime = timestamp;
            events.causedBy(cluster.logPosition(), timestamp);
            if (ONE_TIMER_ID == correlationId)
            {
                // The timer fired, so nothing is scheduled any more until rescheduleTimer says otherwise.
                scheduledDeadlineMs = Long.MAX_VALUE;
                timersFired++;
                advanceTime(timestamp);
                try
                {
                    clearingHouse.onDeadline(timestamp);
                }
                catch (final AgentTerminationException ex)
                {
                    throw ex;
                }
                catch (final RuntimeException ex)
                {
                    // Every member meets the same exception at the same log position: stay identical and alive.
                    commandsFailed++;
                    reportError(ex);
                }
            }
            rescheduleTimer();
        }
        finally
        {
            inCallback = false;
            appliedLogPosition.lazySet(cluster.logPosition());
            publishMetrics();
        }
    }

    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        inCallback = true;
        this.snapshotPublication = snapshotPublication;
        try
        {
            snapshotWriter.write(clearingHouse, ONE_TIMER_ID, scheduledDeadlineMs, eventHistory, snapshotOutput);
        }
        finally
        {
            this.snapshotPublication = null;
            inCallback = false;
        }
    }

    public void onRoleChange(final Cluster.Role newRole)
    {
    }

    public void onTerminate(final Cluster cluster)
    {
    }

    public void onNewLeadershipTermEvent(
        final long leadershipTermId,
        final long logPosition,
        final long timestamp,
        final long termBaseLogPosition,
        final int leaderMemberId,
        final int logSessionId,
        final TimeUnit timeUnit,
        final int appVersion)
    {
        this.leadershipTermId = leadershipTermId;
    }

    public int doBackgroundWork(final long nowNs)
    {
        // Also invoked from cluster.idleStrategy() while a callback retries an offer or waits for snapshot records:
        // the state may then be half way through a command or a load, so reports wait until the callback returns.
        if (inCallback || null == cluster || stateRequests.isEmpty())
        {
            return 0;
        }

        clearingHouse.stateDigest(digest);
        final StateReport report = new StateReport(
            cluster.memberId(),
            cluster.logPosition(),
            clearingHouse.eventSequence(),
            clearingHouse.tradesCleared(),
            clearingHouse.netDeposits(),
            clearingHouse.feeAccount(),
            HexFormat.of().formatHex(digest));

        CompletableFuture<StateReport> request;
        while (null != (request = stateRequests.poll()))
        {
            request.complete(report);
        }
        return 1;
    }

    private void dispatch(final ClientSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            refuse(session, 0, 0, 0, ResultCode.MALFORMED_MESSAGE, ReasonText.MESSAGE_TOO_SHORT);
            return;
        }

        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        if (SCHEMA_ID != headerDecoder.schemaId())
        {
            refuse(session, 0, 0, templateId, ResultCode.WRONG_SCHEMA, ReasonText.WRONG_SCHEMA_ID);
            return;
        }

        final int requiredBlockLength = requiredBlockLength(templateId);
        if (requiredBlockLength < 0)
        {
            refuse(session, 0, 0, templateId, ResultCode.UNKNOWN_TEMPLATE, ReasonText.UNKNOWN_TEMPLATE);
            return;
        }

        final int bodyOffset = offset + HEADER_LENGTH;
        if (SCHEMA_VERSION != version)
        {
            refuseWithKey(
                session, buffer, bodyOffset, length, templateId, ResultCode.WRONG_SCHEMA,
                ReasonText.WRONG_SCHEMA_VERSION);
            return;
        }
        if (blockLength < requiredBlockLength)
        {
            refuseWithKey(
                session, buffer, bodyOffset, length, templateId, ResultCode.MALFORMED_MESSAGE,
                ReasonText.BLOCK_LENGTH_TOO_SHORT);
            return;
        }
        if (length - HEADER_LENGTH < blockLength)
        {
            refuseWithKey(
                session, buffer, bodyOffset, length, templateId, ResultCode.MALFORMED_MESSAGE, ReasonText.TRUNCATED);
            return;
        }

        try
        {
            switch (templateId)
            {
                case TradeCommandDecoder.TEMPLATE_ID:
                    onTrade(session, buffer, bodyOffset, blockLength, version);
                    break;

                case PriceTickCommandDecoder.TEMPLATE_ID:
                    onPriceTick(session, buffer, bodyOffset, blockLength, version);
                    break;

                case DepositCommandDecoder.TEMPLATE_ID:
                    onDeposit(session, buffer, bodyOffset, blockLength, version);
                    break;

                case WithdrawCommandDecoder.TEMPLATE_ID:
                    onWithdraw(session, buffer, bodyOffset, blockLength, version);
                    break;

                case QueryAccountCommandDecoder.TEMPLATE_ID:
                    onQueryAccount(session, buffer, bodyOffset, blockLength, version);
                    break;

                case ListInstrumentCommandDecoder.TEMPLATE_ID:
                    onListInstrument(session, buffer, bodyOffset, blockLength, version, offset + length);
                    break;

                case OpenAccountCommandDecoder.TEMPLATE_ID:
                    onOpenAccount(session, buffer, bodyOffset, blockLength, version);
                    break;

                case QueryLedgerCommandDecoder.TEMPLATE_ID:
                    onQueryLedger(session, buffer, bodyOffset, blockLength, version);
                    break;

                case ReplayEventsDecoder.TEMPLATE_ID:
                    onReplayEvents(session, buffer, bodyOffset, blockLength, version);
                    break;

                case SenderSequenceQueryDecoder.TEMPLATE_ID:
                    onSenderSequenceQuery(session, buffer, bodyOffset, blockLength, version);
                    break;

                case OrderCommandDecoder.TEMPLATE_ID:
                    onOrder(session, buffer, bodyOffset, blockLength, version);
                    break;

                case CancelOrderCommandDecoder.TEMPLATE_ID:
                    onCancelOrder(session, buffer, bodyOffset, blockLength, version);
                    break;

                case OracleParametersCommandDecoder.TEMPLATE_ID:
                    onOracleParameters(session, buffer, bodyOffset, blockLength, version);
                    break;

                case MarginBracketsCommandDecoder.TEMPLATE_ID:
                    onMarginBrackets(session, buffer, bodyOffset, blockLength, version, offset + length);
                    break;

                case OpenInterestScalingCommandDecoder.TEMPLATE_ID:
                    onOpenInterestScaling(session, buffer, bodyOffset, blockLength, version);
                    break;

                case MarginRateCommandDecoder.TEMPLATE_ID:
                    onMarginRate(session, buffer, bodyOffset, blockLength, version);
                    break;

                case AccountMarginMethodCommandDecoder.TEMPLATE_ID:
                    onAccountMarginMethod(session, buffer, bodyOffset, blockLength, version);
                    break;

                case UnderlyingScenariosCommandDecoder.TEMPLATE_ID:
                    onUnderlyingScenarios(session, buffer, bodyOffset, blockLength, version, offset + length);
                    break;

                case InstrumentUnderlyingCommandDecoder.TEMPLATE_ID:
                    onInstrumentUnderlying(session, buffer, bodyOffset, blockLength, version);
                    break;

                case LiquidationParametersCommandDecoder.TEMPLATE_ID:
                    onLiquidationParameters(session, buffer, bodyOffset, blockLength, version);
                    break;

                case RegisterBlpCommandDecoder.TEMPLATE_ID:
                    onRegisterBlp(session, buffer, bodyOffset, blockLength, version);
                    break;

                case AuctionBidCommandDecoder.TEMPLATE_ID:
                    onAuctionBid(session, buffer, bodyOffset, blockLength, version);
                    break;

                case CreatePoolCommandDecoder.TEMPLATE_ID:
                    onCreatePool(session, buffer, bodyOffset, blockLength, version);
                    break;

                case PoolDepositCommandDecoder.TEMPLATE_ID:
                    onPoolDeposit(session, buffer, bodyOffset, blockLength, version);
                    break;

                case PoolRedemptionCommandDecoder.TEMPLATE_ID:
                    onPoolRedemption(session, buffer, bodyOffset, blockLength, version);
                    break;

                case AutoDeleveragingCommandDecoder.TEMPLATE_ID:
                    onAutoDeleveraging(session, buffer, bodyOffset, blockLength, version);
                    break;

                // Issue 4, default fund and loss waterfall (W).
                case dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder.TEMPLATE_ID:
                    onContributeDefaultFund(session, buffer, bodyOffset, blockLength, version);
                    break;

                case dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder.TEMPLATE_ID:
                    onInjectCcpCapital(session, buffer, bodyOffset, blockLength, version);
                    break;

                case dev.backstop.sbe.cluster.StressScenarioCommandDecoder.TEMPLATE_ID:
                    onStressScenario(session, buffer, bodyOffset, blockLength, version, offset + length);
                    break;

                case dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder.TEMPLATE_ID:
                    onDefaultFundParameters(session, buffer, bodyOffset, blockLength, version);
                    break;

                case VariationMarginIntervalCommandDecoder.TEMPLATE_ID:
                    onVariationMarginInterval(session, buffer, bodyOffset, blockLength, version);
                    break;

                case FundingParametersCommandDecoder.TEMPLATE_ID:
                    onFundingParameters(session, buffer, bodyOffset, blockLength, version);
                    break;

                case CircuitBreakerCommandDecoder.TEMPLATE_ID:
                    onCircuitBreaker(session, buffer, bodyOffset, blockLength, version);
                    break;

                case ResumeInstrumentCommandDecoder.TEMPLATE_ID:
                    onResumeInstrument(session, buffer, bodyOffset, blockLength, version);
                    break;

                default:
                    refuse(session, 0, 0, templateId, ResultCode.UNKNOWN_TEMPLATE, ReasonText.UNKNOWN_TEMPLATE);
                    break;
            }
        }
        catch (final AgentTerminationException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            // A bug in the clearing house must not take the cluster down: every member meets the same exception at
            // the same log position, so answering with a refusal keeps the members identical.
            commandsFailed++;
            reportError(ex);
            refuseWithKey(
                session, buffer, bodyOffset, length, templateId, ResultCode.INTERNAL_ERROR,
                ReasonText.INTERNAL_ERROR);
        }
    }

    private void onTrade(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final TradeCommandDecoder command = tradeCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.clearTrade(
            senderId,
            sequence,
            command.venueTradeId(),
            command.instrumentId(),
            command.buyAccountId(),
            command.sellAccountId(),
            command.priceTicks(),
            command.quantityLots(),
            command.buyOrderId(),
            command.sellOrderId());
        reply(session, senderId, sequence, TradeCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onPriceTick(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final PriceTickCommandDecoder command = priceTickCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.applyPriceTick(
            senderId, sequence, command.instrumentId(), command.sourceId(), command.priceTicks(),
            command.sourceTimeMs());
        reply(session, senderId, sequence, PriceTickCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onDeposit(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final DepositCommandDecoder command = depositCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.deposit(senderId, sequence, command.accountId(), command.amount());
        reply(session, senderId, sequence, DepositCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onWithdraw(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final WithdrawCommandDecoder command = withdrawCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.withdraw(senderId, sequence, command.accountId(), command.amount());
        reply(session, senderId, sequence, WithdrawCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onOpenAccount(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final OpenAccountCommandDecoder command = openAccountCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.openAccount(
            senderId, sequence, command.accountId(), command.memberId());
        reply(session, senderId, sequence, OpenAccountCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onListInstrument(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version,
        final int messageEnd)
    {
        final ListInstrumentCommandDecoder command = listInstrumentCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();

        final int symbolLengthAt = command.limit();
        if (symbolLengthAt + VAR_LENGTH_HEADER > messageEnd)
        {
            refuse(session, senderId, sequence, ListInstrumentCommandDecoder.TEMPLATE_ID,
                ResultCode.MALFORMED_MESSAGE, ReasonText.BAD_VAR_DATA);
            return;
        }
        final long symbolLength = buffer.getInt(symbolLengthAt, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (symbolLength > messageEnd - (symbolLengthAt + VAR_LENGTH_HEADER))
        {
            refuse(session, senderId, sequence, ListInstrumentCommandDecoder.TEMPLATE_ID,
                ResultCode.MALFORMED_MESSAGE, ReasonText.BAD_VAR_DATA);
            return;
        }

        final int instrumentId = command.instrumentId();
        final int initialMarginPpm = command.initialMarginPpm();
        final int maintenanceMarginPpm = command.maintenanceMarginPpm();
        final int tradeFeePpm = command.tradeFeePpm();
        final long tickSizeMicros = command.tickSizeMicros();
        final long lotSizeMicros = command.lotSizeMicros();
        final long tickValue = command.tickValue();
        final String symbol = command.symbol();

        final Outcome outcome = clearingHouse.listInstrument(
            senderId,
            sequence,
            instrumentId,
            symbol,
            initialMarginPpm,
            maintenanceMarginPpm,
            tradeFeePpm,
            tickSizeMicros,
            lotSizeMicros,
            tickValue);
        reply(session, senderId, sequence, ListInstrumentCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onQueryAccount(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final QueryAccountCommandDecoder command = queryAccountCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final long accountId = command.accountId();
        final Outcome outcome = clearingHouse.queryAccount(senderId, sequence, accountId);
        final MarginAccount account = clearingHouse.account(accountId);

        if (Outcome.ACCEPTED != outcome || null == account)
        {
            reply(session, senderId, sequence, QueryAccountCommandDecoder.TEMPLATE_ID, outcome);
            return;
        }

        // A replayed query is answered with the current state: a query changes nothing, so it is still true.
        accountStateResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .memberId(account.memberId())
            .cash(account.cash())
            .equity(clearingHouse.equity(account))
            .initialMargin(clearingHouse.initialMargin(account))
            .maintenanceMargin(clearingHouse.maintenanceMargin(account))
            .withdrawable(clearingHouse.withdrawable(account))
            .reservedMargin(account.reservedMargin())
            .riskState(dev.backstop.sbe.cluster.RiskState.get((short)account.riskState().code()))
            .marginMethod(dev.backstop.sbe.cluster.MarginMethod.get((short)account.marginMethod().code()));

        final int positionCount = Math.min(account.positionCount(), MAX_POSITIONS_IN_RESULT);
        final AccountStateResultEncoder.PositionsEncoder positions = accountStateResult.positionsCount(positionCount);
        for (int i = 0; i < positionCount; i++)
        {
            final int instrumentId = account.instrumentIdAt(i);
            final Instrument instrument = clearingHouse.instrument(instrumentId);
            positions.next()
                .instrumentId(instrumentId)
                .quantityLots(account.quantityAt(i))
                .costBasis(account.costBasisAt(i))
                .markPriceTicks(null == instrument ? 0 : instrument.markPriceTicks())
                .unrealisedPnl(clearingHouse.unrealisedPnl(account, i));
        }

        egress.offer(session, replyBuffer, 0, HEADER_LENGTH + accountStateResult.encodedLength());
    }

    private void onQueryLedger(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final QueryLedgerCommandDecoder command = queryLedgerCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.queryLedger(senderId, sequence);

        if (Outcome.ACCEPTED != outcome)
        {
            reply(session, senderId, sequence, QueryLedgerCommandDecoder.TEMPLATE_ID, outcome);
            return;
        }

        clearingHouse.stateDigest(digest);
        final DefaultFund defaultFund = clearingHouse.defaultFund();
        ledgerResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .netDeposits(clearingHouse.netDeposits())
            .totalCash(clearingHouse.totalCash())
            .totalUnrealisedPnl(clearingHouse.totalUnrealisedPnl())
            .feeAccount(clearingHouse.feeAccount())
            .accountCount(clearingHouse.accountCount())
            .tradesCleared(clearingHouse.tradesCleared())
            .eventSequence(clearingHouse.eventSequence())
            .putStateDigest(digest, 0, digest.length)
            .leadershipTermId(leadershipTermId)
            .insuranceFund(clearingHouse.insuranceFund())
            .openDeficits(clearingHouse.openDeficits())
            .defaultFundContributions(defaultFund.totalContributions())
            .ccpCapital(defaultFund.ccpCapital())
            .defaultFundRequirement(defaultFund.requirement())
            .coverageRatioPpm(defaultFund.coverageRatioPpm())
            .openWaterfalls(defaultFund.waterfall().openCount())
            .waterfallRung1(defaultFund.waterfall().totalAbsorbed(WaterfallRung.DEFAULTER_COLLATERAL))
            .waterfallRung2(defaultFund.waterfall().totalAbsorbed(WaterfallRung.DEFAULTER_CONTRIBUTION))
            .waterfallRung3(defaultFund.waterfall().totalAbsorbed(WaterfallRung.INSURANCE_FUND))
            .waterfallRung4(defaultFund.waterfall().totalAbsorbed(WaterfallRung.CCP_CAPITAL))
            .waterfallRung5(defaultFund.waterfall().totalAbsorbed(WaterfallRung.MUTUALISED_CONTRIBUTIONS))
            .waterfallRung6(defaultFund.waterfall().totalAbsorbed(WaterfallRung.ASSESSMENTS))
            .waterfallRung7(defaultFund.waterfall().totalAbsorbed(WaterfallRung.VM_GAINS_HAIRCUT))
            .adlContracts(liquidationEngine.autoDeleveraging().closedLots());

        egress.offer(session, replyBuffer, 0, HEADER_LENGTH + ledgerResult.encodedLength());
    }

    /**
     * Sends the asking session the buffered events from the requested sequence on, at most
     * {@link #MAX_REPLAY_BATCH} and stopping at the first one egress drops, then the result naming the last one
     * sent. Replay changes no state: on a follower the offers are no-ops, on the leader they reach the gateway.
     */
    private void onReplayEvents(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final ReplayEventsDecoder query = replayEvents.wrap(buffer, offset, blockLength, version);
        final long fromEventSequence = Math.max(1, query.fromEventSequence());
        final EventHistory history = eventHistory;

        ResultCode code = ResultCode.ACCEPTED;
        long lastSent = fromEventSequence - 1;
        if (fromEventSequence < history.oldestSequence() && fromEventSequence <= history.newestSequence())
        {
            code = ResultCode.SEQUENCE_REPLAY_EXPIRED;
            lastSent = history.oldestSequence() - 1;
        }
        else
        {
            final long end = Math.min(history.newestSequence(), fromEventSequence + MAX_REPLAY_BATCH - 1);
            for (long sequence = fromEventSequence; sequence <= end; sequence++)
            {
                if (!egress.offer(
                    session, history.buffer(), history.offset(sequence), history.length(sequence)))
                {
                    break;
                }
                lastSent = sequence;
            }
        }

        replayEventsResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(query.correlationId())
            .fromEventSequence(fromEventSequence)
            .lastEventSequence(lastSent)
            .resultCode(code);
        egress.offer(session, replyBuffer, 0, HEADER_LENGTH + replayEventsResult.encodedLength());
    }

    private void onSenderSequenceQuery(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final SenderSequenceQueryDecoder query = senderSequenceQuery.wrap(buffer, offset, blockLength, version);
        final long senderId = query.senderId();

        senderSequenceResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(query.correlationId())
            .senderId(senderId)
            .lastAppliedSequence(clearingHouse.lastAppliedSequence(senderId));

        egress.offer(session, replyBuffer, 0, HEADER_LENGTH + senderSequenceResult.encodedLength());
    }

    private void onOrder(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final OrderCommandDecoder command = orderCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final short side = command.sideRaw();
        if (Side.BUY.value() != side && Side.SELL.value() != side)
        {
            refuse(session, senderId, sequence, OrderCommandDecoder.TEMPLATE_ID, ResultCode.MALFORMED_MESSAGE,
                ReasonText.UNKNOWN_ENUM_VALUE);
            return;
        }
        final Outcome outcome = clearingHouse.submitOrder(
            senderId,
            sequence,
            command.orderId(),
            command.accountId(),
            command.instrumentId(),
            Side.BUY.value() == side,
            command.quantityLots(),
            command.priceTicks());
        reply(session, senderId, sequence, OrderCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onCancelOrder(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final CancelOrderCommandDecoder command = cancelOrderCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.cancelOrder(senderId, sequence, command.orderId());
        reply(session, senderId, sequence, CancelOrderCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onOracleParameters(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final OracleParametersCommandDecoder command =
            oracleParametersCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        // An unknown basis code is passed on: the clearing house refuses it as an invalid parameter, with an event.
        final Outcome outcome = clearingHouse.setOracleParameters(
            senderId,
            sequence,
            command.instrumentId(),
            command.sourceAgeLimitMs(),
            command.exclusionBandPpm(),
            command.quorum(),
            command.markBasisRaw(),
            command.emaWindowMs(),
            command.maxSources());
        reply(session, senderId, sequence, OracleParametersCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onMarginBrackets(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version,
        final int messageEnd)
    {
        final MarginBracketsCommandDecoder command = marginBracketsCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        if (!groupFits(buffer, offset + blockLength, messageEnd,
            MarginBracketsCommandDecoder.BracketsDecoder.sbeBlockLength()))
        {
            refuse(session, senderId, sequence, MarginBracketsCommandDecoder.TEMPLATE_ID,
                ResultCode.MALFORMED_MESSAGE, ReasonText.BAD_GROUP);
            return;
        }
        final int instrumentId = command.instrumentId();
        int count = 0;
        for (final MarginBracketsCommandDecoder.BracketsDecoder bracket : command.brackets())
        {
            bracketCaps[count] = bracket.notionalCap();
            bracketInitialPpm[count] = bracket.initialMarginPpm();
            bracketMaintenancePpm[count] = bracket.maintenanceMarginPpm();
            count++;
        }
        final Outcome outcome = clearingHouse.setMarginBrackets(
            senderId, sequence, instrumentId, count, bracketCaps, bracketInitialPpm, bracketMaintenancePpm);
        reply(session, senderId, sequence, MarginBracketsCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onOpenInterestScaling(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final OpenInterestScalingCommandDecoder command =
            openInterestScalingCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setOpenInterestScaling(
            senderId, sequence, command.instrumentId(), command.lowerCapNotional(), command.upperCapNotional());
        reply(session, senderId, sequence, OpenInterestScalingCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onMarginRate(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final MarginRateCommandDecoder command = marginRateCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setMarginRate(
            senderId,
            sequence,
            command.instrumentId(),
            command.initialMarginPpm(),
            command.maintenanceMarginPpm(),
            command.initialMarginFloorPpm(),
            command.maintenanceMarginFloorPpm(),
            command.maxCutPerStepPpm(),
            command.stepIntervalMs());
        reply(session, senderId, sequence, MarginRateCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onAccountMarginMethod(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final AccountMarginMethodCommandDecoder command =
            accountMarginMethodCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setAccountMarginMethod(
            senderId, sequence, command.accountId(), command.methodRaw());
        reply(session, senderId, sequence, AccountMarginMethodCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onUnderlyingScenarios(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version,
        final int messageEnd)
    {
        final UnderlyingScenariosCommandDecoder command =
            underlyingScenariosCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        if (!groupFits(buffer, offset + blockLength, messageEnd,
            UnderlyingScenariosCommandDecoder.ShocksDecoder.sbeBlockLength()))
        {
            refuse(session, senderId, sequence, UnderlyingScenariosCommandDecoder.TEMPLATE_ID,
                ResultCode.MALFORMED_MESSAGE, ReasonText.BAD_GROUP);
            return;
        }
        final int underlyingId = command.underlyingId();
        int count = 0;
        for (final UnderlyingScenariosCommandDecoder.ShocksDecoder shock : command.shocks())
        {
            scenarioShocksPpm[count++] = shock.priceShockPpm();
        }
        final Outcome outcome = clearingHouse.setUnderlyingScenarios(
            senderId, sequence, underlyingId, count, scenarioShocksPpm);
        reply(session, senderId, sequence, UnderlyingScenariosCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onInstrumentUnderlying(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final InstrumentUnderlyingCommandDecoder command =
            instrumentUnderlyingCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setInstrumentUnderlying(
            senderId, sequence, command.instrumentId(), command.underlyingId());
        reply(session, senderId, sequence, InstrumentUnderlyingCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onRegisterBlp(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final RegisterBlpCommandDecoder command = registerBlpCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.registerBlp(senderId, sequence, command.accountId(), command.capacity());
        reply(session, senderId, sequence, RegisterBlpCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onAuctionBid(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final AuctionBidCommandDecoder command = auctionBidCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.submitAuctionBid(
            senderId, sequence, command.auctionId(), command.accountId(), command.priceTicks(), command.quantityLots());
        reply(session, senderId, sequence, AuctionBidCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onCreatePool(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final CreatePoolCommandDecoder command = createPoolCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.createPool(senderId, sequence, command.poolAccountId(), command.ownerMemberId());
        reply(session, senderId, sequence, CreatePoolCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onPoolDeposit(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final PoolDepositCommandDecoder command = poolDepositCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.poolDeposit(
            senderId, sequence, command.poolAccountId(), command.accountId(), command.amount());
        reply(session, senderId, sequence, PoolDepositCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onPoolRedemption(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final PoolRedemptionCommandDecoder command = poolRedemptionCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.requestPoolRedemption(
            senderId, sequence, command.poolAccountId(), command.accountId(), command.shares());
        reply(session, senderId, sequence, PoolRedemptionCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onLiquidationParameters(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final LiquidationParametersCommandDecoder command =
            liquidationParametersCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setLiquidationParameters(
            senderId,
            sequence,
            command.roundIntervalMs(),
            command.minSliceNotional(),
            command.slicePpm(),
            command.targetPpm(),
            command.feePpm(),
            command.auctionSteps(),
            command.auctionStepMs(),
            command.poolLossCapPpm(),
            command.bandPpm(),
            command.twapWindowMs(),
            command.redemptionNoticeMs(),
            command.wholeAccountThresholdPpm(),
            command.poolSharePpm());
        reply(session, senderId, sequence, LiquidationParametersCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onAutoDeleveraging(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final AutoDeleveragingCommandDecoder command =
            autoDeleveragingCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        // The raw code: an unknown mode is the domain's refusal (INVALID_PARAMETER), consuming the sequence.
        final Outcome outcome = clearingHouse.setAutoDeleveraging(
            senderId, sequence, command.instrumentId(), command.modeRaw());
        reply(session, senderId, sequence, AutoDeleveragingCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onContributeDefaultFund(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder command =
            contributeDefaultFundCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.contributeDefaultFund(
            senderId, sequence, command.accountId(), command.amount());
        reply(session, senderId, sequence, dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder.TEMPLATE_ID,
            outcome);
    }

    private void onInjectCcpCapital(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder command =
            injectCcpCapitalCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.injectCcpCapital(senderId, sequence, command.amount());
        reply(session, senderId, sequence, dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder.TEMPLATE_ID,
            outcome);
    }

    private void onStressScenario(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version,
        final int messageEnd)
    {
        final dev.backstop.sbe.cluster.StressScenarioCommandDecoder command =
            stressScenarioCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        if (!groupFits(buffer, offset + blockLength, messageEnd,
            dev.backstop.sbe.cluster.StressScenarioCommandDecoder.ShocksDecoder.sbeBlockLength()))
        {
            refuse(session, senderId, sequence, dev.backstop.sbe.cluster.StressScenarioCommandDecoder.TEMPLATE_ID,
                ResultCode.MALFORMED_MESSAGE, ReasonText.BAD_GROUP);
            return;
        }
        final int scenarioId = command.scenarioId();
        int count = 0;
        for (final dev.backstop.sbe.cluster.StressScenarioCommandDecoder.ShocksDecoder shock : command.shocks())
        {
            scenarioUnderlyingIds[count] = shock.underlyingId();
            scenarioShocksPpm[count] = shock.priceShockPpm();
            count++;
        }
        final Outcome outcome = clearingHouse.setStressScenario(
            senderId, sequence, scenarioId, count, scenarioUnderlyingIds, scenarioShocksPpm);
        reply(session, senderId, sequence, dev.backstop.sbe.cluster.StressScenarioCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onDefaultFundParameters(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder command =
            defaultFundParametersCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setDefaultFundParameters(
            senderId,
            sequence,
            command.minimumContribution(),
            command.recomputeIntervalMs(),
            command.exposureThresholdPpm(),
            command.exposureCheckMs(),
            command.callDeadlineMs(),
            command.assessmentCapPpm(),
            command.cappedPeriodMs(),
            command.waterfallRetryMs());
        reply(session, senderId, sequence,
            dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onVariationMarginInterval(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final VariationMarginIntervalCommandDecoder command =
            variationMarginIntervalCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setVariationMarginInterval(senderId, sequence, command.intervalMs());
        reply(session, senderId, sequence, VariationMarginIntervalCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onFundingParameters(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final FundingParametersCommandDecoder command = fundingParametersCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setFundingParameters(
            senderId, sequence, command.instrumentId(), command.intervalMs(), command.interestPpm(),
            command.premiumClampPpm(), command.capPpm());
        reply(session, senderId, sequence, FundingParametersCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onCircuitBreaker(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final CircuitBreakerCommandDecoder command = circuitBreakerCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.setCircuitBreaker(
            senderId, sequence, command.instrumentId(), command.bandPpm(), command.windowMs(), command.haltMs());
        reply(session, senderId, sequence, CircuitBreakerCommandDecoder.TEMPLATE_ID, outcome);
    }

    private void onResumeInstrument(
        final ClientSession session,
        final DirectBuffer buffer,
        final int offset,
        final int blockLength,
        final int version)
    {
        final ResumeInstrumentCommandDecoder command = resumeInstrumentCommand.wrap(buffer, offset, blockLength, version);
        final long senderId = command.senderId();
        final long sequence = command.sequence();
        final Outcome outcome = clearingHouse.resumeInstrument(senderId, sequence, command.instrumentId());
        reply(session, senderId, sequence, ResumeInstrumentCommandDecoder.TEMPLATE_ID, outcome);
    }

    /**
     * @return true when the repeating group whose header is at {@code groupHeader} lies inside the message, its
     * entries are at least {@code minEntryLength} long and it holds at most {@link #MAX_GROUP_ENTRIES}.
     */
    private static boolean groupFits(
        final DirectBuffer buffer, final int groupHeader, final int messageEnd, final int minEntryLength)
    {
        if (messageEnd - groupHeader < GROUP_HEADER_LENGTH)
        {
            return false;
        }
        final int entryLength = buffer.getShort(groupHeader, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return entryLength >= minEntryLength && count <= MAX_GROUP_ENTRIES &&
            (long)groupHeader + GROUP_HEADER_LENGTH + (long)entryLength * count <= messageEnd;
    }

    /**
     * Moves the clearing house's clock to the log's time; a failure is a bug in the domain, reported and survived
     * the same way on every member.
     */
    private void advanceTime(final long timestamp)
    {
        try
        {
            clearingHouse.advanceTime(timestamp);
        }
        catch (final AgentTerminationException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            commandsFailed++;
            reportError(ex);
        }
    }

    /**
     * Keeps the one timer on the clearing house's next deadline: scheduled when one is due, moved when it changed,
     * cancelled when nothing is due. Every member makes the same calls at the same log position.
     */
    private void rescheduleTimer()
    {
        final long deadlineMs;
        try
        {
            deadlineMs = clearingHouse.nextDeadlineMs();
        }
        catch (final AgentTerminationException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            commandsFailed++;
            reportError(ex);
            return;
        }
        if (deadlineMs == scheduledDeadlineMs)
        {
            return;
        }

        final IdleStrategy idleStrategy = cluster.idleStrategy();
        idleStrategy.reset();
        if (Long.MAX_VALUE == deadlineMs)
        {
            // False is back pressure towards the consensus module (closed throws): retry until it is in. Cancelling
            // a timer that already fired is harmless.
            while (!cluster.cancelTimer(ONE_TIMER_ID))
            {
                idleStrategy.idle();
            }
        }
        else
        {
            while (!cluster.scheduleTimer(ONE_TIMER_ID, deadlineMs))
            {
                idleStrategy.idle();
            }
        }
        scheduledDeadlineMs = deadlineMs;
    }

    private void reply(
        final ClientSession session,
        final long senderId,
        final long sequence,
        final int templateId,
        final Outcome outcome)
    {
        final byte[] reason = ReasonText.of(outcome);
        commandResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .resultCode(ResultCode.get(outcome.code()))
            .replayed(clearingHouse.lastCommandReplayed() ? BooleanType.TRUE : BooleanType.FALSE)
            .clusterTime(clusterTime)
            .templateId(templateId)
            .putReason(reason, 0, reason.length);

        egress.offer(session, replyBuffer, 0, HEADER_LENGTH + commandResult.encodedLength());
        metrics.commandApplied(templateId, outcome);
    }

    private void publishMetrics()
    {
        metrics.publish(ServiceMetrics.INSURANCE_FUND, clearingHouse.insuranceFund());
        metrics.publish(ServiceMetrics.OPEN_DEFICITS, clearingHouse.openDeficits());
        metrics.publish(ServiceMetrics.FEE_ACCOUNT, clearingHouse.feeAccount());
        metrics.publish(ServiceMetrics.NET_DEPOSITS, clearingHouse.netDeposits());
        metrics.publish(ServiceMetrics.EVENT_SEQUENCE, clearingHouse.eventSequence());
        metrics.publish(ServiceMetrics.TRADES_CLEARED, clearingHouse.tradesCleared());
        metrics.publish(ServiceMetrics.ACCOUNTS, clearingHouse.accountCount());
        metrics.publish(ServiceMetrics.OPEN_LIQUIDATIONS, liquidationEngine.liquidationCount());
        metrics.publish(ServiceMetrics.OPEN_AUCTIONS, liquidationEngine.auctionCount());
        metrics.publish(ServiceMetrics.POOLS, liquidationEngine.poolCount());
        metrics.publish(ServiceMetrics.ADL_CONTRACTS, liquidationEngine.autoDeleveraging().closedLots());
        metrics.publish(ServiceMetrics.APPLIED_LOG_POSITION, appliedLogPosition.get());
        final DefaultFund defaultFund = clearingHouse.defaultFund();
        metrics.publish(ServiceMetrics.DEFAULT_FUND_CONTRIBUTIONS, defaultFund.totalContributions());
        metrics.publish(ServiceMetrics.CCP_CAPITAL, defaultFund.ccpCapital());
        metrics.publish(ServiceMetrics.DEFAULT_FUND_REQUIREMENT, defaultFund.requirement());
        long coverage = -1;
        try
        {
            coverage = defaultFund.coverageRatioPpm();
        }
        catch (final ArithmeticException ex)
        {
            // Too large to express: the gauge keeps -1 (no meaningful ratio).
        }
        metrics.publish(ServiceMetrics.COVERAGE_RATIO_PPM, coverage);
        metrics.publish(ServiceMetrics.OPEN_WATERFALLS, defaultFund.waterfall().openCount());
        for (final WaterfallRung rung : WATERFALL_RUNGS)
        {
            metrics.publish(
                ServiceMetrics.WATERFALL_RUNG_1 + rung.code() - 1, defaultFund.waterfall().totalAbsorbed(rung));
        }

        // One row per pool, in the engine's order.
        final LabelledGauges poolEquity = metrics.poolEquity();
        final int poolCount = liquidationEngine.poolCount();
        for (int i = 0, rows = Math.min(poolCount, poolEquity.capacity()); i < rows; i++)
        {
            final BackstopPool pool = liquidationEngine.poolAt(i);
            poolEquity.publish(i, pool.poolId(), clearingHouse.equity(clearingHouse.account(pool.accountId())));
        }
        poolEquity.publishCount(poolCount);
    }

    /**
     * Refuses a message with a known command template, echoing its idempotency key when the body holds one: every
     * command starts with senderId then sequence, the sender-sequence query with correlationId then senderId.
     */
    private void refuseWithKey(
        final ClientSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int length,
        final int templateId,
        final ResultCode code,
        final byte[] reason)
    {
        long senderId = 0;
        long sequence = 0;
        if (length - HEADER_LENGTH >= 2 * Long.BYTES)
        {
            if (ReplayEventsDecoder.TEMPLATE_ID == templateId)
            {
                // A replay request names no sender.
                senderId = 0;
            }
            else if (SenderSequenceQueryDecoder.TEMPLATE_ID == templateId)
            {
                senderId = buffer.getLong(bodyOffset + Long.BYTES, ByteOrder.LITTLE_ENDIAN);
            }
            else
            {
                senderId = buffer.getLong(bodyOffset, ByteOrder.LITTLE_ENDIAN);
                sequence = buffer.getLong(bodyOffset + Long.BYTES, ByteOrder.LITTLE_ENDIAN);
            }
        }
        refuse(session, senderId, sequence, templateId, code, reason);
    }

    private void refuse(
        final ClientSession session,
        final long senderId,
        final long sequence,
        final int templateId,
        final ResultCode code,
        final byte[] reason)
    {
        messagesRefused++;
        commandResult.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .resultCode(code)
            .replayed(BooleanType.FALSE)
            .clusterTime(clusterTime)
            .templateId(templateId & 0xFFFF)
            .putReason(reason, 0, reason.length);

        egress.offer(session, replyBuffer, 0, HEADER_LENGTH + commandResult.encodedLength());
    }

    private void reportError(final Throwable ex)
    {
        final ClusteredServiceContainer.Context context = null != cluster ? cluster.context() : null;
        if (null != context && null != context.countedErrorHandler())
        {
            context.countedErrorHandler().onError(ex);
        }
        else
        {
            ex.printStackTrace();
        }
    }

    private static int requiredBlockLength(final int templateId)
    {
        switch (templateId)
        {
            case TradeCommandDecoder.TEMPLATE_ID:
                return TradeCommandDecoder.BLOCK_LENGTH;
            case PriceTickCommandDecoder.TEMPLATE_ID:
                return PriceTickCommandDecoder.BLOCK_LENGTH;
            case DepositCommandDecoder.TEMPLATE_ID:
                return DepositCommandDecoder.BLOCK_LENGTH;
            case WithdrawCommandDecoder.TEMPLATE_ID:
                return WithdrawCommandDecoder.BLOCK_LENGTH;
            case QueryAccountCommandDecoder.TEMPLATE_ID:
                return QueryAccountCommandDecoder.BLOCK_LENGTH;
            case ListInstrumentCommandDecoder.TEMPLATE_ID:
                return ListInstrumentCommandDecoder.BLOCK_LENGTH;
            case OpenAccountCommandDecoder.TEMPLATE_ID:
                return OpenAccountCommandDecoder.BLOCK_LENGTH;
            case QueryLedgerCommandDecoder.TEMPLATE_ID:
                return QueryLedgerCommandDecoder.BLOCK_LENGTH;
            case SenderSequenceQueryDecoder.TEMPLATE_ID:
                return SenderSequenceQueryDecoder.BLOCK_LENGTH;
            case ReplayEventsDecoder.TEMPLATE_ID:
                return ReplayEventsDecoder.BLOCK_LENGTH;
            case OrderCommandDecoder.TEMPLATE_ID:
                return OrderCommandDecoder.BLOCK_LENGTH;
            case CancelOrderCommandDecoder.TEMPLATE_ID:
                return CancelOrderCommandDecoder.BLOCK_LENGTH;
            case OracleParametersCommandDecoder.TEMPLATE_ID:
                return OracleParametersCommandDecoder.BLOCK_LENGTH;
            case MarginBracketsCommandDecoder.TEMPLATE_ID:
                return MarginBracketsCommandDecoder.BLOCK_LENGTH;
            case OpenInterestScalingCommandDecoder.TEMPLATE_ID:
                return OpenInterestScalingCommandDecoder.BLOCK_LENGTH;
            case MarginRateCommandDecoder.TEMPLATE_ID:
                return MarginRateCommandDecoder.BLOCK_LENGTH;
            case AccountMarginMethodCommandDecoder.TEMPLATE_ID:
                return AccountMarginMethodCommandDecoder.BLOCK_LENGTH;
            case UnderlyingScenariosCommandDecoder.TEMPLATE_ID:
                return UnderlyingScenariosCommandDecoder.BLOCK_LENGTH;
            case InstrumentUnderlyingCommandDecoder.TEMPLATE_ID:
                return InstrumentUnderlyingCommandDecoder.BLOCK_LENGTH;
            case LiquidationParametersCommandDecoder.TEMPLATE_ID:
                return LiquidationParametersCommandDecoder.BLOCK_LENGTH;
            case RegisterBlpCommandDecoder.TEMPLATE_ID:
                return RegisterBlpCommandDecoder.BLOCK_LENGTH;
            case AuctionBidCommandDecoder.TEMPLATE_ID:
                return AuctionBidCommandDecoder.BLOCK_LENGTH;
            case CreatePoolCommandDecoder.TEMPLATE_ID:
                return CreatePoolCommandDecoder.BLOCK_LENGTH;
            case PoolDepositCommandDecoder.TEMPLATE_ID:
                return PoolDepositCommandDecoder.BLOCK_LENGTH;
            case PoolRedemptionCommandDecoder.TEMPLATE_ID:
                return PoolRedemptionCommandDecoder.BLOCK_LENGTH;
            case AutoDeleveragingCommandDecoder.TEMPLATE_ID:
                return AutoDeleveragingCommandDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.cluster.StressScenarioCommandDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.cluster.StressScenarioCommandDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder.BLOCK_LENGTH;
            case VariationMarginIntervalCommandDecoder.TEMPLATE_ID:
                return VariationMarginIntervalCommandDecoder.BLOCK_LENGTH;
            case FundingParametersCommandDecoder.TEMPLATE_ID:
                return FundingParametersCommandDecoder.BLOCK_LENGTH;
            case CircuitBreakerCommandDecoder.TEMPLATE_ID:
                return CircuitBreakerCommandDecoder.BLOCK_LENGTH;
            case ResumeInstrumentCommandDecoder.TEMPLATE_ID:
                return ResumeInstrumentCommandDecoder.BLOCK_LENGTH;
            default:
                return -1;
        }
    }

    private void loadSnapshot(final Image snapshotImage)
    {
        final SnapshotLoader loader = new SnapshotLoader(clearingHouse, eventHistory);
        // Records may span several fragments: without the assembler a large record would be lost.
        final ImageFragmentAssembler assembler = new ImageFragmentAssembler(loader);
        snapshotRecordsLoaded = loader.loadFrom(
            new SnapshotLoader.Source()
            {
                public int poll(final int fragmentLimit)
                {
                    return snapshotImage.poll(assembler, fragmentLimit);
                }

                public boolean isEnded()
                {
                    return snapshotImage.isEndOfStream() || snapshotImage.isClosed();
                }
            },
            cluster.idleStrategy());
        // The consensus module restores its own timers from its snapshot; knowing what is scheduled keeps this
        // member's rescheduling decisions identical to those of a member that never restarted.
        scheduledDeadlineMs = loader.timerDeadlineMs();
    }

    private void offerSnapshotRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        // Retry until the record is in: a bounded retry would silently truncate the snapshot.
        final IdleStrategy idleStrategy = cluster.idleStrategy();
        idleStrategy.reset();
        while (true)
        {
            final long result = snapshotPublication.offer(buffer, offset, length);
            if (result > 0)
            {
                return;
            }

            if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
            {
                throw new ClusterException("snapshot offer failed: " + Publication.errorString(result));
            }
            idleStrategy.idle();
        }
    }
}
