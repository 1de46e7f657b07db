package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.AccountRole;
import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.LiquidationEngine;
import dev.backstop.clearing.domain.LiquidationStateSink;
import dev.backstop.clearing.domain.MarginMethod;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.clearing.domain.PortfolioMargin;
import dev.backstop.clearing.domain.PriceOracle;
import dev.backstop.clearing.domain.RiskState;
import dev.backstop.clearing.domain.TickDecision;
import dev.backstop.sbe.snapshot.AccountRecordDecoder;
import dev.backstop.sbe.snapshot.AccountRiskRecordDecoder;
import dev.backstop.sbe.snapshot.BooleanType;
import dev.backstop.sbe.snapshot.InstrumentRecordDecoder;
import dev.backstop.sbe.snapshot.InstrumentRiskRecordDecoder;
import dev.backstop.sbe.snapshot.MessageHeaderDecoder;
import dev.backstop.sbe.snapshot.OracleRecordDecoder;
import dev.backstop.sbe.snapshot.OrderRecordDecoder;
import dev.backstop.sbe.snapshot.PortfolioMarginRecordDecoder;
import dev.backstop.sbe.snapshot.RiskLedgerRecordDecoder;
import dev.backstop.sbe.snapshot.ScenarioGridRecordDecoder;
import dev.backstop.sbe.snapshot.TimerRecordDecoder;
import dev.backstop.sbe.snapshot.SenderRecordDecoder;
import dev.backstop.sbe.snapshot.SnapshotBeginDecoder;
import dev.backstop.sbe.snapshot.SnapshotEndDecoder;
import dev.backstop.sbe.snapshot.TradeIdRecordDecoder;
import io.aeron.cluster.client.ClusterException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Restores the clearing house from snapshot records written by {@link SnapshotWriter}; it must receive whole
 * messages, so it sits behind an {@code ImageFragmentAssembler}.
 * <p>
 * Anything but a complete, well-formed snapshot of the expected format fails loudly with a {@link ClusterException}:
 * a record before SnapshotBegin or after SnapshotEnd, an unknown schema or template, another format version, a
 * record count that differs, or a state digest recomputed after the load that differs from the one the writer
 * recorded. A node that cannot restore its state exactly must not join the cluster.
 */
final class SnapshotLoader implements FragmentHandler
{
    /**
     * Where snapshot records come from: the snapshot image behind a fragment assembler, or records in a test.
     */
    interface Source
    {
        /**
         * Delivers up to {@code fragmentLimit} fragments to the loader.
         *
         * @return fragments delivered.
         */
        int poll(int fragmentLimit);

        /**
         * @return true when no more fragments will ever come (end of stream or closed).
         */
        boolean isEnded();
    }

    private final ClearingHouse clearingHouse;
    private final EventHistory eventHistory;
    private final dev.backstop.sbe.snapshot.RecentEventsRecordDecoder recentEventsRecord =
        new dev.backstop.sbe.snapshot.RecentEventsRecordDecoder();
    private final org.agrona.concurrent.UnsafeBuffer eventsView = new org.agrona.concurrent.UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SnapshotBeginDecoder snapshotBegin = new SnapshotBeginDecoder();
    private final InstrumentRecordDecoder instrumentRecord = new InstrumentRecordDecoder();
    private final AccountRecordDecoder accountRecord = new AccountRecordDecoder();
    private final SenderRecordDecoder senderRecord = new SenderRecordDecoder();
    private final TradeIdRecordDecoder tradeIdRecord = new TradeIdRecordDecoder();
    private final SnapshotEndDecoder snapshotEnd = new SnapshotEndDecoder();
    private final RiskLedgerRecordDecoder riskLedgerRecord = new RiskLedgerRecordDecoder();
    private final InstrumentRiskRecordDecoder instrumentRiskRecord = new InstrumentRiskRecordDecoder();
    private final OracleRecordDecoder oracleRecord = new OracleRecordDecoder();
    private final PortfolioMarginRecordDecoder portfolioMarginRecord = new PortfolioMarginRecordDecoder();
    private final ScenarioGridRecordDecoder scenarioGridRecord = new ScenarioGridRecordDecoder();
    private final AccountRiskRecordDecoder accountRiskRecord = new AccountRiskRecordDecoder();
    private final OrderRecordDecoder orderRecord = new OrderRecordDecoder();
    private final TimerRecordDecoder timerRecord = new TimerRecordDecoder();
    private final long[] bracketCaps = new long[64];
    private final int[] bracketInitial = new int[64];
    private final int[] bracketMaintenance = new int[64];
    private final int[] shocks = new int[256];
    // BEGIN liquidation decoders (generated)
    private final dev.backstop.sbe.snapshot.LiquidationHeaderRecordDecoder liquidationHeaderRecord = new dev.backstop.sbe.snapshot.LiquidationHeaderRecordDecoder();
    private final dev.backstop.sbe.snapshot.LiquidationRecordDecoder liquidationRecord = new dev.backstop.sbe.snapshot.LiquidationRecordDecoder();
    private final dev.backstop.sbe.snapshot.AuctionRecordDecoder auctionRecord = new dev.backstop.sbe.snapshot.AuctionRecordDecoder();
    private final dev.backstop.sbe.snapshot.AuctionBidRecordDecoder auctionBidRecord = new dev.backstop.sbe.snapshot.AuctionBidRecordDecoder();
    private final dev.backstop.sbe.snapshot.BlpRecordDecoder blpRecord = new dev.backstop.sbe.snapshot.BlpRecordDecoder();
    private final dev.backstop.sbe.snapshot.PoolRecordDecoder poolRecord = new dev.backstop.sbe.snapshot.PoolRecordDecoder();
    private final dev.backstop.sbe.snapshot.PoolDepositorRecordDecoder poolDepositorRecord = new dev.backstop.sbe.snapshot.PoolDepositorRecordDecoder();
    private final dev.backstop.sbe.snapshot.PoolRedemptionRecordDecoder poolRedemptionRecord = new dev.backstop.sbe.snapshot.PoolRedemptionRecordDecoder();
    private final dev.backstop.sbe.snapshot.PriceBandRecordDecoder priceBandRecord = new dev.backstop.sbe.snapshot.PriceBandRecordDecoder();
    private final dev.backstop.sbe.snapshot.PriceBandBucketRecordDecoder priceBandBucketRecord = new dev.backstop.sbe.snapshot.PriceBandBucketRecordDecoder();
    private final dev.backstop.sbe.snapshot.OpenDeficitRecordDecoder openDeficitRecord = new dev.backstop.sbe.snapshot.OpenDeficitRecordDecoder();
    // END liquidation decoders
    // BEGIN adl decoders (generated)
    private final dev.backstop.sbe.snapshot.AutoDeleveragingRecordDecoder autoDeleveragingRecord = new dev.backstop.sbe.snapshot.AutoDeleveragingRecordDecoder();
    private final dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordDecoder autoDeleveragingInstrumentRecord = new dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordDecoder();
    // END adl decoders
    // BEGIN waterfall decoders (generated)
    private final dev.backstop.sbe.snapshot.DefaultFundHeaderRecordDecoder defaultFundHeaderRecord = new dev.backstop.sbe.snapshot.DefaultFundHeaderRecordDecoder();
    private final dev.backstop.sbe.snapshot.StressShockRecordDecoder stressShockRecord = new dev.backstop.sbe.snapshot.StressShockRecordDecoder();
    private final dev.backstop.sbe.snapshot.MemberFundRecordDecoder memberFundRecord = new dev.backstop.sbe.snapshot.MemberFundRecordDecoder();
    private final dev.backstop.sbe.snapshot.FundCallRecordDecoder fundCallRecord = new dev.backstop.sbe.snapshot.FundCallRecordDecoder();
    private final dev.backstop.sbe.snapshot.WaterfallTotalsRecordDecoder waterfallTotalsRecord = new dev.backstop.sbe.snapshot.WaterfallTotalsRecordDecoder();
    private final dev.backstop.sbe.snapshot.WaterfallRecordDecoder waterfallRecord = new dev.backstop.sbe.snapshot.WaterfallRecordDecoder();
    // END waterfall decoders
    // BEGIN settlement decoders (generated)
    private final dev.backstop.sbe.snapshot.SettlementLedgerRecordDecoder settlementLedgerRecord = new dev.backstop.sbe.snapshot.SettlementLedgerRecordDecoder();
    private final dev.backstop.sbe.snapshot.InstrumentSettlementRecordDecoder instrumentSettlementRecord = new dev.backstop.sbe.snapshot.InstrumentSettlementRecordDecoder();
    private final dev.backstop.sbe.snapshot.InstrumentFundingRecordDecoder instrumentFundingRecord = new dev.backstop.sbe.snapshot.InstrumentFundingRecordDecoder();
    private final dev.backstop.sbe.snapshot.InstrumentBreakerRecordDecoder instrumentBreakerRecord = new dev.backstop.sbe.snapshot.InstrumentBreakerRecordDecoder();
    private final dev.backstop.sbe.snapshot.BreakerBucketRecordDecoder breakerBucketRecord = new dev.backstop.sbe.snapshot.BreakerBucketRecordDecoder();
    private final dev.backstop.sbe.snapshot.PositionFeesRecordDecoder positionFeesRecord = new dev.backstop.sbe.snapshot.PositionFeesRecordDecoder();
    // END settlement decoders
    private LiquidationStateSink liquidationRestorer;
    private final byte[] expectedDigest = new byte[32];
    private final byte[] actualDigest = new byte[32];

    private boolean begun;
    private boolean done;
    private long recordCount;
    private boolean hasLastAccount;
    private long lastAccountId;
    private boolean hasLastSender;
    private long lastSenderId;
    private long timerId;
    private long timerDeadlineMs = Long.MAX_VALUE;

    SnapshotLoader(final ClearingHouse clearingHouse)
    {
        this(clearingHouse, null);
    }

    /**
     * @param clearingHouse the state to restore into.
     * @param eventHistory  the recent events to restore into, null to skip them.
     */
    SnapshotLoader(final ClearingHouse clearingHouse, final EventHistory eventHistory)
    {
        this.clearingHouse = clearingHouse;
        this.eventHistory = eventHistory;
    }

    /**
     * @return true once SnapshotEnd was read and the restored state verified.
     */
    boolean isDone()
    {
        return done;
    }

    /**
     * @return the service timer id the snapshot recorded, 0 when none was recorded.
     */
    long timerId()
    {
        return timerId;
    }

    /**
     * @return the deadline the service's timer was scheduled for, {@link Long#MAX_VALUE} when none.
     */
    long timerDeadlineMs()
    {
        return timerDeadlineMs;
    }

    /**
     * @return records restored between SnapshotBegin and SnapshotEnd.
     */
    long recordCount()
    {
        return recordCount;
    }

    /**
     * Reads records until SnapshotEnd, idling while the source has none yet.
     *
     * @param source       the records.
     * @param idleStrategy how to wait for more.
     * @return records restored.
     * @throws ClusterException when the source ends before SnapshotEnd, or on any invalid record.
     */
    long loadFrom(final Source source, final IdleStrategy idleStrategy)
    {
        idleStrategy.reset();
        while (!done)
        {
            final int fragments = source.poll(16);
            if (done)
            {
                break;
            }

            if (0 == fragments)
            {
                if (source.isEnded())
                {
                    throw new ClusterException(
                        "snapshot ended without SnapshotEnd after " + recordCount + " records" +
                        (begun ? "" : " and without SnapshotBegin"));
                }
                idleStrategy.idle();
            }
            else
            {
                idleStrategy.reset();
            }
        }
        return recordCount;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (done)
        {
            throw new ClusterException("snapshot record after SnapshotEnd");
        }
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new ClusterException("snapshot record shorter than a message header: length=" + length);
        }

        headerDecoder.wrap(buffer, offset);
        final int schemaId = headerDecoder.schemaId();
        if (SnapshotBeginDecoder.SCHEMA_ID != schemaId)
        {
            throw new ClusterException("snapshot record of unknown schema: schemaId=" + schemaId);
        }

        final int templateId = headerDecoder.templateId();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        if (SnapshotBeginDecoder.TEMPLATE_ID == templateId)
        {
            onSnapshotBegin(buffer, bodyOffset, blockLength, version);
            return;
        }
        if (!begun)
        {
            throw new ClusterException("snapshot record before SnapshotBegin: templateId=" + templateId);
        }

        switch (templateId)
        {
            case InstrumentRecordDecoder.TEMPLATE_ID:
                onInstrument(buffer, bodyOffset, blockLength, version);
                break;

            case AccountRecordDecoder.TEMPLATE_ID:
                onAccount(buffer, bodyOffset, blockLength, version);
                break;

            case SenderRecordDecoder.TEMPLATE_ID:
                onSender(buffer, bodyOffset, blockLength, version);
                break;

            case TradeIdRecordDecoder.TEMPLATE_ID:
                onTradeIds(buffer, bodyOffset, blockLength, version);
                break;

            // BEGIN liquidation records (generated)
            case dev.backstop.sbe.snapshot.LiquidationHeaderRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.LiquidationHeaderRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.LiquidationHeaderRecordDecoder d = liquidationHeaderRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().liquidationHeader(d.nextAuctionId(),
                    d.nextRoundMs(),
                    d.redemptionRetryAtMs(),
                    d.roundIntervalMs(),
                    d.minSliceNotional(),
                    d.slicePpm(),
                    d.targetPpm(),
                    d.feePpm(),
                    d.auctionSteps(),
                    d.auctionStepMs(),
                    d.poolLossCapPpm(),
                    d.bandPpm(),
                    d.twapWindowMs(),
                    d.redemptionNoticeMs(),
                    d.redemptionRetryMs(),
                    d.wholeAccountThresholdPpm(),
                    d.poolSharePpm());
                break;
            }

            case dev.backstop.sbe.snapshot.LiquidationRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.LiquidationRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.LiquidationRecordDecoder d = liquidationRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().liquidation(d.accountId(),
                    d.startedMs(),
                    d.causeCode(),
                    d.auctionId(),
                    d.heldCauseCode());
                break;
            }

            case dev.backstop.sbe.snapshot.AuctionRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.AuctionRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.AuctionRecordDecoder d = auctionRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().auction(d.auctionId(),
                    d.accountId(),
                    d.instrumentId(),
                    d.sliceLotsSigned(),
                    d.remainingLots(),
                    d.markTicks(),
                    d.bankruptcyTicks(),
                    d.tickValue(),
                    d.startMs(),
                    d.steps(),
                    d.stepIntervalMs(),
                    d.nextStep(),
                    BooleanType.TRUE == d.open(),
                    BooleanType.TRUE == d.awaitingPool());
                break;
            }

            case dev.backstop.sbe.snapshot.AuctionBidRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.AuctionBidRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.AuctionBidRecordDecoder d = auctionBidRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().auctionBid(d.auctionId(),
                    d.blpAccountId(),
                    d.priceTicks(),
                    d.lots());
                break;
            }

            case dev.backstop.sbe.snapshot.BlpRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.BlpRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.BlpRecordDecoder d = blpRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().blp(d.blpAccountId(), d.capacityNotional(), d.remainingCapacity());
                break;
            }

            case dev.backstop.sbe.snapshot.PoolRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.PoolRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.PoolRecordDecoder d = poolRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().pool(d.poolAccountId(),
                    d.sharesOutstanding(),
                    d.highWaterNavPerMillionShares(),
                    d.lossCapPpm(),
                    d.redemptionNoticeMs());
                break;
            }

            case dev.backstop.sbe.snapshot.PoolDepositorRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.PoolDepositorRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.PoolDepositorRecordDecoder d = poolDepositorRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().poolDepositor(d.poolAccountId(), d.depositorAccountId(), d.shares());
                break;
            }

            case dev.backstop.sbe.snapshot.PoolRedemptionRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.PoolRedemptionRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.PoolRedemptionRecordDecoder d = poolRedemptionRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().poolRedemption(d.poolAccountId(),
                    d.depositorAccountId(),
                    d.shares(),
                    d.dueMs());
                break;
            }

            case dev.backstop.sbe.snapshot.PriceBandRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.PriceBandRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.PriceBandRecordDecoder d = priceBandRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().priceBand(d.instrumentId(),
                    d.windowMs(),
                    d.buckets(),
                    BooleanType.TRUE == d.hasMark(),
                    d.lastMarkTicks(),
                    d.lastMs());
                break;
            }

            case dev.backstop.sbe.snapshot.PriceBandBucketRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.PriceBandBucketRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.PriceBandBucketRecordDecoder d = priceBandBucketRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().priceBandBucket(d.instrumentId(),
                    d.slot(),
                    d.epoch(),
                    d.integral(),
                    d.duration());
                break;
            }

            case dev.backstop.sbe.snapshot.OpenDeficitRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.OpenDeficitRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.OpenDeficitRecordDecoder d = openDeficitRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().openDeficit(d.accountId(), d.deficit());
                break;
            }

            // END liquidation records
            // BEGIN adl records (generated)
            case dev.backstop.sbe.snapshot.AutoDeleveragingRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.AutoDeleveragingRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.AutoDeleveragingRecordDecoder d = autoDeleveragingRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().autoDeleveraging(d.defaultModeCode(), d.runCount(), d.fillCount(), d.closedLots());
                break;
            }

            case dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordDecoder d = autoDeleveragingInstrumentRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                liquidationRestorer().autoDeleveragingInstrument(d.instrumentId(), d.modeCode());
                break;
            }

            // END adl records
            // BEGIN waterfall records (generated)
            case dev.backstop.sbe.snapshot.DefaultFundHeaderRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.DefaultFundHeaderRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.DefaultFundHeaderRecordDecoder d = defaultFundHeaderRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.waterfallRestorer().defaultFundHeader(
                    d.ccpCapital(),
                    d.totalContributions(),
                    d.minimumContribution(),
                    d.recomputeIntervalMs(),
                    d.exposureThresholdPpm(),
                    d.exposureCheckMs(),
                    d.callDeadlineMs(),
                    d.assessmentCapPpm(),
                    d.cappedPeriodMs(),
                    d.waterfallRetryMs(),
                    d.nextRecomputeMs(),
                    d.exposureCheckAtMs(),
                    d.nextCallId(),
                    d.requirement(),
                    d.worstScenarioId(),
                    d.lastRecomputeMs());
                break;
            }

            case dev.backstop.sbe.snapshot.StressShockRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.StressShockRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.StressShockRecordDecoder d = stressShockRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.waterfallRestorer().stressShock(
                    d.scenarioId(),
                    d.underlyingId(),
                    d.shockPpm());
                break;
            }

            case dev.backstop.sbe.snapshot.MemberFundRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.MemberFundRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.MemberFundRecordDecoder d = memberFundRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.waterfallRestorer().memberFund(
                    d.memberId(),
                    d.contribution(),
                    d.requirement(),
                    d.stressLoss(),
                    BooleanType.TRUE == d.dirty(),
                    BooleanType.TRUE == d.flagged(),
                    d.missed(),
                    d.periodStartMs(),
                    d.periodBasis(),
                    d.assessedInPeriod(),
                    d.openCallId());
                break;
            }

            case dev.backstop.sbe.snapshot.FundCallRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.FundCallRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.FundCallRecordDecoder d = fundCallRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.waterfallRestorer().fundCall(
                    d.callId(),
                    d.memberId(),
                    d.causeCode(),
                    d.amount(),
                    d.paid(),
                    d.issuedMs(),
                    d.deadlineMs());
                break;
            }

            case dev.backstop.sbe.snapshot.WaterfallTotalsRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.WaterfallTotalsRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.WaterfallTotalsRecordDecoder d = waterfallTotalsRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.waterfallRestorer().waterfallTotals(
                    d.rung1(),
                    d.rung2(),
                    d.rung3(),
                    d.rung4(),
                    d.rung5(),
                    d.rung6(),
                    d.rung7(),
                    d.closedCount());
                break;
            }

            case dev.backstop.sbe.snapshot.WaterfallRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.WaterfallRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.WaterfallRecordDecoder d = waterfallRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.waterfallRestorer().waterfall(
                    d.accountId(),
                    d.memberId(),
                    d.deficit(),
                    d.openedMs(),
                    d.nextAttemptMs(),
                    d.outstanding(),
                    d.rung1(),
                    d.rung2(),
                    d.rung3(),
                    d.rung4(),
                    d.rung5(),
                    d.rung6(),
                    d.rung7(),
                    d.attempts());
                break;
            }

            // END waterfall records
            // BEGIN settlement records (generated)
            case dev.backstop.sbe.snapshot.SettlementLedgerRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.SettlementLedgerRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.SettlementLedgerRecordDecoder d = settlementLedgerRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.settlementRestorer().settlementLedger(d.vmIntervalMs(),
                    d.nextVmMs(),
                    d.lastVmMs(),
                    d.lastCycleId());
                break;
            }

            case dev.backstop.sbe.snapshot.InstrumentSettlementRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.InstrumentSettlementRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.InstrumentSettlementRecordDecoder d = instrumentSettlementRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.settlementRestorer().instrumentSettlement(d.instrumentId(),
                    d.settlementPriceTicks(),
                    d.feesSinceSettlement(),
                    d.realisedGainsSinceSettlement(),
                    d.realisedLossesSinceSettlement());
                break;
            }

            case dev.backstop.sbe.snapshot.InstrumentFundingRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.InstrumentFundingRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.InstrumentFundingRecordDecoder d = instrumentFundingRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.settlementRestorer().instrumentFunding(d.instrumentId(),
                    d.intervalMs(),
                    d.interestPpm(),
                    d.premiumClampPpm(),
                    d.capPpm(),
                    d.nextFundingMs(),
                    d.intervalStartMs(),
                    d.premiumIntegral(),
                    d.premiumDurationMs(),
                    BooleanType.TRUE == d.hasPremium(),
                    d.lastPremiumPpb(),
                    d.lastPremiumMs());
                break;
            }

            case dev.backstop.sbe.snapshot.InstrumentBreakerRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.InstrumentBreakerRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.InstrumentBreakerRecordDecoder d = instrumentBreakerRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.settlementRestorer().instrumentBreaker(d.instrumentId(),
                    d.bandPpm(),
                    d.windowMs(),
                    d.haltMs(),
                    BooleanType.TRUE == d.halted(),
                    d.haltedSinceMs(),
                    d.haltedUntilMs(),
                    d.rangeHighTicks(),
                    d.rangeLowTicks(),
                    d.bandTicks());
                break;
            }

            case dev.backstop.sbe.snapshot.BreakerBucketRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.BreakerBucketRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.BreakerBucketRecordDecoder d = breakerBucketRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.settlementRestorer().breakerBucket(d.instrumentId(),
                    d.slot(),
                    d.epoch(),
                    d.highTicks(),
                    d.lowTicks());
                break;
            }

            case dev.backstop.sbe.snapshot.PositionFeesRecordDecoder.TEMPLATE_ID:
            {
                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.PositionFeesRecordDecoder.BLOCK_LENGTH);
                final dev.backstop.sbe.snapshot.PositionFeesRecordDecoder d = positionFeesRecord.wrap(buffer, bodyOffset, blockLength, version);
                recordCount++;
                clearingHouse.settlementRestorer().positionFees(d.accountId(), d.instrumentId(), d.fees());
                break;
            }

            // END settlement records
            case SnapshotEndDecoder.TEMPLATE_ID:
                onSnapshotEnd(buffer, bodyOffset, blockLength, version);
                break;

            case RiskLedgerRecordDecoder.TEMPLATE_ID:
                onRiskLedger(buffer, bodyOffset, blockLength, version);
                break;

            case InstrumentRiskRecordDecoder.TEMPLATE_ID:
                onInstrumentRisk(buffer, bodyOffset, blockLength, version);
                break;

            case OracleRecordDecoder.TEMPLATE_ID:
                onOracle(buffer, bodyOffset, blockLength, version);
                break;

            case PortfolioMarginRecordDecoder.TEMPLATE_ID:
                onPortfolioMargin(buffer, bodyOffset, blockLength, version);
                break;

            case ScenarioGridRecordDecoder.TEMPLATE_ID:
                onScenarioGrid(buffer, bodyOffset, blockLength, version);
                break;

            case AccountRiskRecordDecoder.TEMPLATE_ID:
                onAccountRisk(buffer, bodyOffset, blockLength, version);
                break;

            case OrderRecordDecoder.TEMPLATE_ID:
                onOrder(buffer, bodyOffset, blockLength, version);
                break;

            case TimerRecordDecoder.TEMPLATE_ID:
                onTimer(buffer, bodyOffset, blockLength, version);
                break;

            case dev.backstop.sbe.snapshot.RecentEventsRecordDecoder.TEMPLATE_ID:
                onRecentEvents(buffer, bodyOffset, blockLength, version);
                break;

            default:
                throw new ClusterException("snapshot record of unknown template: templateId=" + templateId);
        }
    }

    private void onSnapshotBegin(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (begun)
        {
            throw new ClusterException("second SnapshotBegin in one snapshot");
        }
        checkBlockLength(blockLength, SnapshotBeginDecoder.BLOCK_LENGTH);
        snapshotBegin.wrap(buffer, offset, blockLength, version);
        checkFormatVersion(snapshotBegin.formatVersion());
        begun = true;
        clearingHouse.restoreHeader(
            snapshotBegin.eventSequence(),
            snapshotBegin.netDeposits(),
            snapshotBegin.feeAccount(),
            snapshotBegin.tradesCleared());
    }

    private void onInstrument(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, InstrumentRecordDecoder.BLOCK_LENGTH);
        instrumentRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        clearingHouse.restoreInstrument(
            instrumentRecord.instrumentId(),
            instrumentRecord.symbol(),
            instrumentRecord.initialMarginPpm(),
            instrumentRecord.maintenanceMarginPpm(),
            instrumentRecord.tradeFeePpm(),
            instrumentRecord.tickSizeMicros(),
            instrumentRecord.lotSizeMicros(),
            instrumentRecord.tickValue(),
            instrumentRecord.markPriceTicks(),
            instrumentRecord.openInterestLots());
    }

    private void onAccount(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, AccountRecordDecoder.BLOCK_LENGTH);
        accountRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final long accountId = accountRecord.accountId();
        // Records come sorted by key, so a repeated account id is a continuation chunk of the same account.
        if (!hasLastAccount || accountId != lastAccountId)
        {
            clearingHouse.restoreAccount(accountId, accountRecord.memberId(), accountRecord.cash());
            hasLastAccount = true;
            lastAccountId = accountId;
        }
        for (final AccountRecordDecoder.PositionsDecoder position : accountRecord.positions())
        {
            clearingHouse.restorePosition(
                accountId, position.instrumentId(), position.quantityLots(), position.costBasis());
        }
    }

    private void onSender(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, SenderRecordDecoder.BLOCK_LENGTH);
        senderRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final long senderId = senderRecord.senderId();
        if (!hasLastSender || senderId != lastSenderId)
        {
            clearingHouse.restoreSender(senderId, senderRecord.lastAppliedSequence());
            hasLastSender = true;
            lastSenderId = senderId;
        }
        for (final SenderRecordDecoder.RecentResultsDecoder result : senderRecord.recentResults())
        {
            clearingHouse.restoreRecentResult(senderId, result.sequence(), Outcome.fromCode(result.resultCodeRaw()));
        }
    }

    private void onTradeIds(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, TradeIdRecordDecoder.BLOCK_LENGTH);
        tradeIdRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final long exchangeId = tradeIdRecord.exchangeId();
        for (final TradeIdRecordDecoder.TradeIdsDecoder id : tradeIdRecord.tradeIds())
        {
            clearingHouse.restoreTradeId(exchangeId, id.venueTradeId());
        }
    }

    private void onRiskLedger(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, RiskLedgerRecordDecoder.BLOCK_LENGTH);
        riskLedgerRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        clearingHouse.restoreRiskLedger(
            riskLedgerRecord.clusterTimeMs(), riskLedgerRecord.insuranceFund(), riskLedgerRecord.openDeficits());
    }

    private void onInstrumentRisk(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, InstrumentRiskRecordDecoder.BLOCK_LENGTH);
        final InstrumentRiskRecordDecoder record = instrumentRiskRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final int instrumentId = record.instrumentId();
        final int underlyingId = record.underlyingId();
        final long lowerCap = record.openInterestLowerCapNotional();
        final long upperCap = record.openInterestUpperCapNotional();
        final int initialEffective = record.initialEffectiveRatePpm();
        final int initialTarget = record.initialTargetRatePpm();
        final int initialFloor = record.initialFloorPpm();
        final int initialMaxCut = record.initialMaxCutPerStepPpm();
        final long initialStepMs = record.initialStepIntervalMs();
        final long initialDeadline = record.initialNextStepDeadlineMs();
        final int maintenanceEffective = record.maintenanceEffectiveRatePpm();
        final int maintenanceTarget = record.maintenanceTargetRatePpm();
        final int maintenanceFloor = record.maintenanceFloorPpm();
        final int maintenanceMaxCut = record.maintenanceMaxCutPerStepPpm();
        final long maintenanceStepMs = record.maintenanceStepIntervalMs();
        final long maintenanceDeadline = record.maintenanceNextStepDeadlineMs();
        int count = 0;
        for (final InstrumentRiskRecordDecoder.BracketsDecoder bracket : record.brackets())
        {
            if (count == bracketCaps.length)
            {
                throw new ClusterException("too many margin brackets in snapshot for instrument " + instrumentId);
            }
            bracketCaps[count] = bracket.capNotional();
            bracketInitial[count] = bracket.initialMarginPpm();
            bracketMaintenance[count] = bracket.maintenanceMarginPpm();
            count++;
        }
        clearingHouse.restoreInstrumentRisk(
            instrumentId, underlyingId, count, bracketCaps, bracketInitial, bracketMaintenance, lowerCap, upperCap);
        clearingHouse.restoreMarginRateFloor(
            instrumentId, true, initialEffective, initialTarget, initialFloor, initialMaxCut, initialStepMs,
            initialDeadline);
        clearingHouse.restoreMarginRateFloor(
            instrumentId, false, maintenanceEffective, maintenanceTarget, maintenanceFloor, maintenanceMaxCut,
            maintenanceStepMs, maintenanceDeadline);
    }

    private void onOracle(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, OracleRecordDecoder.BLOCK_LENGTH);
        final OracleRecordDecoder record = oracleRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final int instrumentId = record.instrumentId();
        clearingHouse.restoreOracleParameters(
            instrumentId,
            record.sourceAgeLimitMs(),
            record.exclusionBandPpm(),
            record.quorum(),
            record.markBasis(),
            record.emaWindowMs(),
            record.maxSources());
        final long indexPriceTicks = record.indexPriceTicks();
        final long markPriceTicks = record.markPriceTicks();
        final long previousMarkTicks = record.previousMarkTicks();
        final boolean hasBasis = BooleanType.TRUE == record.hasBasis();
        final long emaBasisTicks = record.emaBasisTicks();
        final long emaTimeMs = record.emaTimeMs();
        final long lastTradeTicks = record.lastTradeTicks();
        final long lastTradeTimeMs = record.lastTradeTimeMs();
        final int lastDecision = record.lastDecision();
        final long othersMedianTicks = record.othersMedianTicks();
        final int freshSourceCount = record.freshSourceCount();
        final int countedSourceCount = record.countedSourceCount();

        final PriceOracle oracle = clearingHouse.instrument(instrumentId).oracle();
        oracle.reset();
        for (final OracleRecordDecoder.SourcesDecoder source : record.sources())
        {
            oracle.restoreSource(
                source.sourceId(), source.priceTicks(), source.sourceTimeMs(), BooleanType.TRUE == source.excluded());
        }
        oracle.restorePrices(indexPriceTicks, markPriceTicks, previousMarkTicks);
        oracle.restoreBasis(hasBasis, emaBasisTicks, emaTimeMs, lastTradeTicks, lastTradeTimeMs);
        oracle.restoreLastTick(
            0 == lastDecision ? null : TickDecision.fromCode(lastDecision),
            othersMedianTicks,
            freshSourceCount,
            countedSourceCount);
    }

    private void onPortfolioMargin(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, PortfolioMarginRecordDecoder.BLOCK_LENGTH);
        final PortfolioMarginRecordDecoder record = portfolioMarginRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final PortfolioMargin portfolio = clearingHouse.portfolioMargin();
        requireAccepted(
            portfolio.parameters(record.maintenanceFractionPpm(), record.minimumGrossPpm()), "portfolio parameters");
        int count = 0;
        for (final PortfolioMarginRecordDecoder.DefaultShocksDecoder shock : record.defaultShocks())
        {
            count = addShock(count, shock.shockPpm());
        }
        requireAccepted(portfolio.defaultScenarios(count, shocks), "default scenarios");
    }

    private void onScenarioGrid(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, ScenarioGridRecordDecoder.BLOCK_LENGTH);
        final ScenarioGridRecordDecoder record = scenarioGridRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final int underlyingId = record.underlyingId();
        int count = 0;
        for (final ScenarioGridRecordDecoder.ShocksDecoder shock : record.shocks())
        {
            count = addShock(count, shock.shockPpm());
        }
        requireAccepted(clearingHouse.portfolioMargin().scenarios(underlyingId, count, shocks), "scenario grid");
    }

    private void onAccountRisk(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, AccountRiskRecordDecoder.BLOCK_LENGTH);
        accountRiskRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        clearingHouse.restoreAccountRisk(
            accountRiskRecord.accountId(),
            RiskState.fromCode(accountRiskRecord.riskState()),
            MarginMethod.fromCode(accountRiskRecord.marginMethod()),
            AccountRole.fromCode(accountRiskRecord.role()));
    }

    private void onOrder(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, OrderRecordDecoder.BLOCK_LENGTH);
        orderRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        clearingHouse.restoreOrder(
            orderRecord.orderId(),
            orderRecord.accountId(),
            orderRecord.instrumentId(),
            BooleanType.TRUE == orderRecord.buy(),
            orderRecord.remainingLots(),
            orderRecord.limitPriceTicks(),
            orderRecord.reservedMargin());
    }

    private LiquidationStateSink liquidationRestorer()
    {
        if (null == liquidationRestorer)
        {
            final LiquidationEngine engine = clearingHouse.liquidationEngine();
            if (null == engine)
            {
                throw new ClusterException("snapshot holds liquidation records but no liquidation engine is installed");
            }
            liquidationRestorer = engine.restorer();
        }
        return liquidationRestorer;
    }

    private void onTimer(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, TimerRecordDecoder.BLOCK_LENGTH);
        timerRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        timerId = timerRecord.timerId();
        timerDeadlineMs = timerRecord.deadlineMs();
    }

    private void onRecentEvents(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, dev.backstop.sbe.snapshot.RecentEventsRecordDecoder.BLOCK_LENGTH);
        recentEventsRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final long firstEventSequence = recentEventsRecord.firstEventSequence();
        final int eventCount = recentEventsRecord.eventCount();
        recentEventsRecord.wrapEvents(eventsView);
        if (null == eventHistory)
        {
            return;
        }

        final int limit = eventsView.capacity();
        int position = 0;
        for (int i = 0; i < eventCount; i++)
        {
            if (position + Integer.BYTES > limit)
            {
                throw new ClusterException("snapshot recent events truncated at event " + (firstEventSequence + i));
            }
            final int length = eventsView.getInt(position, java.nio.ByteOrder.LITTLE_ENDIAN);
            position += Integer.BYTES;
            if (length < 0 || position + length > limit)
            {
                throw new ClusterException("snapshot recent event of bad length " + length);
            }
            eventHistory.append(firstEventSequence + i, eventsView, position, length);
            position += length;
        }
    }

    private int addShock(final int count, final int shockPpm)
    {
        if (count == shocks.length)
        {
            throw new ClusterException("too many scenario shocks in snapshot");
        }
        shocks[count] = shockPpm;
        return count + 1;
    }

    private static void requireAccepted(final Outcome outcome, final String what)
    {
        if (Outcome.ACCEPTED != outcome)
        {
            throw new ClusterException("snapshot " + what + " refused on restore: " + outcome);
        }
    }

    private void onSnapshotEnd(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, SnapshotEndDecoder.BLOCK_LENGTH);
        snapshotEnd.wrap(buffer, offset, blockLength, version);
        checkFormatVersion(snapshotEnd.formatVersion());
        if (snapshotEnd.recordCount() != recordCount)
        {
            throw new ClusterException(
                "snapshot record count mismatch: SnapshotEnd says " + snapshotEnd.recordCount() +
                ", loaded " + recordCount);
        }

        snapshotEnd.getStateDigest(expectedDigest, 0, expectedDigest.length);
        clearingHouse.stateDigest(actualDigest);
        if (!Arrays.equals(expectedDigest, actualDigest))
        {
            throw new ClusterException(
                "state digest after snapshot load differs: expected=" + HexFormat.of().formatHex(expectedDigest) +
                " actual=" + HexFormat.of().formatHex(actualDigest));
        }
        done = true;
    }

    private static void checkBlockLength(final int blockLength, final int expected)
    {
        if (blockLength < expected)
        {
            throw new ClusterException(
                "snapshot record block length " + blockLength + " shorter than " + expected);
        }
    }

    private static void checkFormatVersion(final int formatVersion)
    {
        if (SnapshotWriter.FORMAT_VERSION != formatVersion)
        {
            throw new ClusterException(
                "snapshot format version " + formatVersion + " not supported; expected " +
                SnapshotWriter.FORMAT_VERSION);
        }
    }
}
