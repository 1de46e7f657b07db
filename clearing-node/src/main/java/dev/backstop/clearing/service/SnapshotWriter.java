package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.ClearingStateSink;
import dev.backstop.clearing.domain.Instrument;
import dev.backstop.clearing.domain.MarginAccount;
import dev.backstop.clearing.domain.MarginRateFloor;
import dev.backstop.clearing.domain.OpenOrder;
import dev.backstop.clearing.domain.OracleParameters;
import dev.backstop.clearing.domain.PortfolioMargin;
import dev.backstop.clearing.domain.PriceOracle;
import dev.backstop.clearing.domain.MarginBrackets;
import dev.backstop.clearing.domain.SenderSequence;
import dev.backstop.sbe.snapshot.AccountRecordEncoder;
import dev.backstop.sbe.snapshot.AccountRiskRecordEncoder;
import dev.backstop.sbe.snapshot.BooleanType;
import dev.backstop.sbe.snapshot.InstrumentRecordEncoder;
import dev.backstop.sbe.snapshot.InstrumentRiskRecordEncoder;
import dev.backstop.sbe.snapshot.MessageHeaderEncoder;
import dev.backstop.sbe.snapshot.OracleRecordEncoder;
import dev.backstop.sbe.snapshot.OrderRecordEncoder;
import dev.backstop.sbe.snapshot.PortfolioMarginRecordEncoder;
import dev.backstop.sbe.snapshot.RiskLedgerRecordEncoder;
import dev.backstop.sbe.snapshot.ScenarioGridRecordEncoder;
import dev.backstop.sbe.snapshot.TimerRecordEncoder;
import dev.backstop.sbe.snapshot.ResultCode;
import dev.backstop.sbe.snapshot.SenderRecordEncoder;
import dev.backstop.sbe.snapshot.SnapshotBeginEncoder;
import dev.backstop.sbe.snapshot.SnapshotEndEncoder;
import dev.backstop.sbe.snapshot.TradeIdRecordEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Writes the clearing house's state as snapshot records (schema 104): SnapshotBegin, the records in the clearing
 * house's canonical order, then SnapshotEnd with the format version, the record count and the state digest.
 * <p>
 * Repeating groups are chunked so that no record exceeds a few tens of KiB, well inside the maximum message length of
 * a small snapshot term: an account with many positions or a sender with a full window of recent results becomes
 * several consecutive records with the same key, and the loader treats a repeated key as a continuation.
 */
final class SnapshotWriter implements ClearingStateSink
{
    /**
     * Version of the record layout and its meaning; a loader refuses any other.
     */
    static final int FORMAT_VERSION = 2;

    /**
     * Positions per AccountRecord.
     */
    static final int POSITION_CHUNK = 512;

    /**
     * Recent results per SenderRecord.
     */
    static final int RECENT_RESULT_CHUNK = 1024;

    /**
     * Bytes of buffered events per RecentEventsRecord (an event that is larger goes alone in its record).
     */
    static final int EVENT_CHUNK_BYTES = 16 * 1024;

    /**
     * Where encoded records go: the snapshot publication (offered until it succeeds) or, in tests, a list.
     */
    @FunctionalInterface
    interface RecordOutput
    {
        void write(DirectBuffer buffer, int offset, int length);
    }

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SnapshotBeginEncoder snapshotBegin = new SnapshotBeginEncoder();
    private final InstrumentRecordEncoder instrumentRecord = new InstrumentRecordEncoder();
    private final AccountRecordEncoder accountRecord = new AccountRecordEncoder();
    private final SenderRecordEncoder senderRecord = new SenderRecordEncoder();
    private final TradeIdRecordEncoder tradeIdRecord = new TradeIdRecordEncoder();
    private final SnapshotEndEncoder snapshotEnd = new SnapshotEndEncoder();
    private final RiskLedgerRecordEncoder riskLedgerRecord = new RiskLedgerRecordEncoder();
    private final InstrumentRiskRecordEncoder instrumentRiskRecord = new InstrumentRiskRecordEncoder();
    private final OracleRecordEncoder oracleRecord = new OracleRecordEncoder();
    private final PortfolioMarginRecordEncoder portfolioMarginRecord = new PortfolioMarginRecordEncoder();
    private final ScenarioGridRecordEncoder scenarioGridRecord = new ScenarioGridRecordEncoder();
    private final AccountRiskRecordEncoder accountRiskRecord = new AccountRiskRecordEncoder();
    private final OrderRecordEncoder orderRecord = new OrderRecordEncoder();
    private final TimerRecordEncoder timerRecord = new TimerRecordEncoder();
    private final dev.backstop.sbe.snapshot.RecentEventsRecordEncoder recentEventsRecord =
        new dev.backstop.sbe.snapshot.RecentEventsRecordEncoder();
    private final org.agrona.ExpandableArrayBuffer eventChunk = new org.agrona.ExpandableArrayBuffer(EVENT_CHUNK_BYTES);
    private final byte[] digest = new byte[32];

    // BEGIN liquidation encoders (generated)
    private final dev.backstop.sbe.snapshot.LiquidationHeaderRecordEncoder liquidationHeaderRecord = new dev.backstop.sbe.snapshot.LiquidationHeaderRecordEncoder();
    private final dev.backstop.sbe.snapshot.LiquidationRecordEncoder liquidationRecord = new dev.backstop.sbe.snapshot.LiquidationRecordEncoder();
    private final dev.backstop.sbe.snapshot.AuctionRecordEncoder auctionRecord = new dev.backstop.sbe.snapshot.AuctionRecordEncoder();
    private final dev.backstop.sbe.snapshot.AuctionBidRecordEncoder auctionBidRecord = new dev.backstop.sbe.snapshot.AuctionBidRecordEncoder();
    private final dev.backstop.sbe.snapshot.BlpRecordEncoder blpRecord = new dev.backstop.sbe.snapshot.BlpRecordEncoder();
    private final dev.backstop.sbe.snapshot.PoolRecordEncoder poolRecord = new dev.backstop.sbe.snapshot.PoolRecordEncoder();
    private final dev.backstop.sbe.snapshot.PoolDepositorRecordEncoder poolDepositorRecord = new dev.backstop.sbe.snapshot.PoolDepositorRecordEncoder();
    private final dev.backstop.sbe.snapshot.PoolRedemptionRecordEncoder poolRedemptionRecord = new dev.backstop.sbe.snapshot.PoolRedemptionRecordEncoder();
    private final dev.backstop.sbe.snapshot.PriceBandRecordEncoder priceBandRecord = new dev.backstop.sbe.snapshot.PriceBandRecordEncoder();
    private final dev.backstop.sbe.snapshot.PriceBandBucketRecordEncoder priceBandBucketRecord = new dev.backstop.sbe.snapshot.PriceBandBucketRecordEncoder();
    private final dev.backstop.sbe.snapshot.OpenDeficitRecordEncoder openDeficitRecord = new dev.backstop.sbe.snapshot.OpenDeficitRecordEncoder();
    // END liquidation encoders
    // BEGIN adl encoders (generated)
    private final dev.backstop.sbe.snapshot.AutoDeleveragingRecordEncoder autoDeleveragingRecord = new dev.backstop.sbe.snapshot.AutoDeleveragingRecordEncoder();
    private final dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordEncoder autoDeleveragingInstrumentRecord = new dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordEncoder();
    // END adl encoders
    // BEGIN waterfall encoders (generated)
    private final dev.backstop.sbe.snapshot.DefaultFundHeaderRecordEncoder defaultFundHeaderRecord = new dev.backstop.sbe.snapshot.DefaultFundHeaderRecordEncoder();
    private final dev.backstop.sbe.snapshot.StressShockRecordEncoder stressShockRecord = new dev.backstop.sbe.snapshot.StressShockRecordEncoder();
    private final dev.backstop.sbe.snapshot.MemberFundRecordEncoder memberFundRecord = new dev.backstop.sbe.snapshot.MemberFundRecordEncoder();
    private final dev.backstop.sbe.snapshot.FundCallRecordEncoder fundCallRecord = new dev.backstop.sbe.snapshot.FundCallRecordEncoder();
    private final dev.backstop.sbe.snapshot.WaterfallTotalsRecordEncoder waterfallTotalsRecord = new dev.backstop.sbe.snapshot.WaterfallTotalsRecordEncoder();
    private final dev.backstop.sbe.snapshot.WaterfallRecordEncoder waterfallRecord = new dev.backstop.sbe.snapshot.WaterfallRecordEncoder();
    // END waterfall encoders
    // BEGIN settlement encoders (generated)
    private final dev.backstop.sbe.snapshot.SettlementLedgerRecordEncoder settlementLedgerRecord = new dev.backstop.sbe.snapshot.SettlementLedgerRecordEncoder();
    private final dev.backstop.sbe.snapshot.InstrumentSettlementRecordEncoder instrumentSettlementRecord = new dev.backstop.sbe.snapshot.InstrumentSettlementRecordEncoder();
    private final dev.backstop.sbe.snapshot.InstrumentFundingRecordEncoder instrumentFundingRecord = new dev.backstop.sbe.snapshot.InstrumentFundingRecordEncoder();
    private final dev.backstop.sbe.snapshot.InstrumentBreakerRecordEncoder instrumentBreakerRecord = new dev.backstop.sbe.snapshot.InstrumentBreakerRecordEncoder();
    private final dev.backstop.sbe.snapshot.BreakerBucketRecordEncoder breakerBucketRecord = new dev.backstop.sbe.snapshot.BreakerBucketRecordEncoder();
    private final dev.backstop.sbe.snapshot.PositionFeesRecordEncoder positionFeesRecord = new dev.backstop.sbe.snapshot.PositionFeesRecordEncoder();
    // END settlement encoders
    private RecordOutput output;
    private long recordCount;
    private boolean begun;

    /**
     * Writes a complete snapshot of {@code clearingHouse} without a scheduled timer to {@code output}.
     *
     * @param clearingHouse the state to write.
     * @param output        receives each encoded record in order.
     * @return the number of records between SnapshotBegin and SnapshotEnd.
     */
    long write(final ClearingHouse clearingHouse, final RecordOutput output)
    {
        return write(clearingHouse, ClearingService.ONE_TIMER_ID, Long.MAX_VALUE, output);
    }

    /**
     * Writes a complete snapshot of {@code clearingHouse} and the service's timer to {@code output}.
     *
     * @param clearingHouse      the state to write.
     * @param timerId            the service's timer id.
     * @param timerDeadlineMs    the deadline that timer is scheduled for, {@link Long#MAX_VALUE} when none.
     * @param output             receives each encoded record in order.
     * @return the number of records between SnapshotBegin and SnapshotEnd.
     */
    long write(
        final ClearingHouse clearingHouse, final long timerId, final long timerDeadlineMs, final RecordOutput output)
    {
        return write(clearingHouse, timerId, timerDeadlineMs, null, output);
    }

    /**
     * Writes a complete snapshot of {@code clearingHouse}, the service's timer and the recent events to
     * {@code output}. The events are not part of the state digest: it stays the clearing house's alone.
     *
     * @param clearingHouse      the state to write.
     * @param timerId            the service's timer id.
     * @param timerDeadlineMs    the deadline that timer is scheduled for, {@link Long#MAX_VALUE} when none.
     * @param eventHistory       the recent events, null for none.
     * @param output             receives each encoded record in order.
     * @return the number of records between SnapshotBegin and SnapshotEnd.
     */
    long write(
        final ClearingHouse clearingHouse,
        final long timerId,
        final long timerDeadlineMs,
        final EventHistory eventHistory,
        final RecordOutput output)
    {
        this.output = output;
        recordCount = 0;
        begun = false;
        try
        {
            clearingHouse.writeState(this);
            if (!begun)
            {
                throw new IllegalStateException("clearing house wrote no header");
            }

            timerRecord.wrapAndApplyHeader(buffer, 0, headerEncoder).timerId(timerId).deadlineMs(timerDeadlineMs);
            emitRecord(timerRecord.encodedLength());
            if (null != eventHistory)
            {
                writeEvents(eventHistory);
            }

            clearingHouse.stateDigest(digest);
            snapshotEnd.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .formatVersion(FORMAT_VERSION)
                .recordCount(recordCount)
                .putStateDigest(digest, 0, digest.length);
            emit(snapshotEnd.encodedLength());

            return recordCount;
        }
        finally
        {
            this.output = null;
        }
    }

    private void writeEvents(final EventHistory history)
    {
        final DirectBuffer ring = history.buffer();
        long first = history.oldestSequence();
        int count = 0;
        int chunkLength = 0;
        for (long sequence = first, newest = history.newestSequence(); sequence <= newest; sequence++)
        {
            final int length = history.length(sequence);
            if (count > 0 && chunkLength + Integer.BYTES + length > EVENT_CHUNK_BYTES)
            {
                emitEvents(first, count, chunkLength);
                first = sequence;
                count = 0;
                chunkLength = 0;
            }
            eventChunk.putInt(chunkLength, length, java.nio.ByteOrder.LITTLE_ENDIAN);
            eventChunk.putBytes(chunkLength + Integer.BYTES, ring, history.offset(sequence), length);
            chunkLength += Integer.BYTES + length;
            count++;
        }
        if (count > 0)
        {
            emitEvents(first, count, chunkLength);
        }
    }

    private void emitEvents(final long firstEventSequence, final int count, final int chunkLength)
    {
        recentEventsRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .firstEventSequence(firstEventSequence)
            .eventCount(count)
            .putEvents(eventChunk, 0, chunkLength);
        emitRecord(recentEventsRecord.encodedLength());
    }

    public void header(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        if (begun)
        {
            throw new IllegalStateException("header written twice");
        }
        begun = true;
        snapshotBegin.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .formatVersion(FORMAT_VERSION)
            .eventSequence(eventSequence)
            .netDeposits(netDeposits)
            .feeAccount(feeAccount)
            .tradesCleared(tradesCleared);
        emit(snapshotBegin.encodedLength());
    }

    public void instrument(final Instrument instrument)
    {
        instrumentRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrument.instrumentId())
            .initialMarginPpm(instrument.initialMarginPpm())
            .maintenanceMarginPpm(instrument.maintenanceMarginPpm())
            .tradeFeePpm(instrument.tradeFeePpm())
            .tickSizeMicros(instrument.tickSizeMicros())
            .lotSizeMicros(instrument.lotSizeMicros())
            .tickValue(instrument.tickValue())
            .markPriceTicks(instrument.markPriceTicks())
            .openInterestLots(instrument.openInterestLots())
            .symbol(instrument.symbol());
        emitRecord(instrumentRecord.encodedLength());
    }

    public void account(final MarginAccount account)
    {
        final int positionCount = account.positionCount();
        int index = 0;
        do
        {
            final int chunk = Math.min(POSITION_CHUNK, positionCount - index);
            accountRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .accountId(account.accountId())
                .memberId(account.memberId())
                .cash(account.cash());
            final AccountRecordEncoder.PositionsEncoder positions = accountRecord.positionsCount(chunk);
            for (int i = 0; i < chunk; i++, index++)
            {
                positions.next()
                    .instrumentId(account.instrumentIdAt(index))
                    .quantityLots(account.quantityAt(index))
                    .costBasis(account.costBasisAt(index));
            }
            emitRecord(accountRecord.encodedLength());
        }
        while (index < positionCount);
    }

    public void sender(final SenderSequence sender)
    {
        final int resultCount = sender.recentResultCount();
        int index = 0;
        do
        {
            final int chunk = Math.min(RECENT_RESULT_CHUNK, resultCount - index);
            senderRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .senderId(sender.senderId())
                .lastAppliedSequence(sender.lastAppliedSequence());
            final SenderRecordEncoder.RecentResultsEncoder results = senderRecord.recentResultsCount(chunk);
            for (int i = 0; i < chunk; i++, index++)
            {
                results.next()
                    .sequence(sender.recentSequenceAt(index))
                    .resultCode(ResultCode.get(sender.recentOutcomeAt(index).code()));
            }
            emitRecord(senderRecord.encodedLength());
        }
        while (index < resultCount);
    }

    public void tradeIds(final long exchangeId, final long[] sortedVenueTradeIds, final int offset, final int count)
    {
        int index = offset;
        final int end = offset + count;
        do
        {
            final int chunk = Math.min(ClearingHouse.TRADE_ID_CHUNK, end - index);
            tradeIdRecord.wrapAndApplyHeader(buffer, 0, headerEncoder).exchangeId(exchangeId);
            final TradeIdRecordEncoder.TradeIdsEncoder ids = tradeIdRecord.tradeIdsCount(chunk);
            for (int i = 0; i < chunk; i++, index++)
            {
                ids.next().venueTradeId(sortedVenueTradeIds[index]);
            }
            emitRecord(tradeIdRecord.encodedLength());
        }
        while (index < end);
    }

    public void riskLedger(final long clusterTimeMs, final long insuranceFund, final long openDeficits)
    {
        riskLedgerRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clusterTimeMs(clusterTimeMs)
            .insuranceFund(insuranceFund)
            .openDeficits(openDeficits);
        emitRecord(riskLedgerRecord.encodedLength());
    }

    public void instrumentRisk(final Instrument instrument)
    {
        final MarginRateFloor initial = instrument.initialMarginRate();
        final MarginRateFloor maintenance = instrument.maintenanceMarginRate();
        instrumentRiskRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrument.instrumentId())
            .underlyingId(instrument.underlyingId())
            .openInterestLowerCapNotional(instrument.openInterestScaling().lowerCapNotional())
            .openInterestUpperCapNotional(instrument.openInterestScaling().upperCapNotional())
            .initialEffectiveRatePpm(initial.effectiveRatePpm())
            .initialTargetRatePpm(initial.targetRatePpm())
            .initialFloorPpm(initial.floorPpm())
            .initialMaxCutPerStepPpm(initial.maxCutPerStepPpm())
            .initialStepIntervalMs(initial.stepIntervalMs())
            .initialNextStepDeadlineMs(initial.nextStepDeadlineMs())
            .maintenanceEffectiveRatePpm(maintenance.effectiveRatePpm())
            .maintenanceTargetRatePpm(maintenance.targetRatePpm())
            .maintenanceFloorPpm(maintenance.floorPpm())
            .maintenanceMaxCutPerStepPpm(maintenance.maxCutPerStepPpm())
            .maintenanceStepIntervalMs(maintenance.stepIntervalMs())
            .maintenanceNextStepDeadlineMs(maintenance.nextStepDeadlineMs());
        final MarginBrackets brackets = instrument.marginBrackets();
        final int count = brackets.count();
        final InstrumentRiskRecordEncoder.BracketsEncoder entries = instrumentRiskRecord.bracketsCount(count);
        for (int k = 0; k < count; k++)
        {
            entries.next()
                .capNotional(brackets.capAt(k))
                .initialMarginPpm(brackets.initialMarginPpmAt(k))
                .maintenanceMarginPpm(brackets.maintenanceMarginPpmAt(k));
        }
        emitRecord(instrumentRiskRecord.encodedLength());
    }

    public void oracle(final int instrumentId, final PriceOracle oracle)
    {
        final OracleParameters parameters = oracle.parameters();
        oracleRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .sourceAgeLimitMs(parameters.sourceAgeLimitMs())
            .exclusionBandPpm(parameters.exclusionBandPpm())
            .quorum(parameters.quorum())
            .markBasis(parameters.markBasis().code())
            .emaWindowMs(parameters.emaWindowMs())
            .maxSources(parameters.maxSources())
            .indexPriceTicks(oracle.indexPriceTicks())
            .markPriceTicks(oracle.markPriceTicks())
            .previousMarkTicks(oracle.previousMarkTicks())
            .hasBasis(oracle.hasBasis() ? BooleanType.TRUE : BooleanType.FALSE)
            .emaBasisTicks(oracle.emaBasisTicks())
            .emaTimeMs(oracle.emaTimeMs())
            .lastTradeTicks(oracle.lastTradeTicks())
            .lastTradeTimeMs(oracle.lastTradeTimeMs())
            .lastDecision(null == oracle.lastDecision() ? 0 : oracle.lastDecision().code())
            .othersMedianTicks(oracle.othersMedianTicks())
            .freshSourceCount(oracle.freshSourceCount())
            .countedSourceCount(oracle.countedSourceCount());
        final int count = oracle.sourceCount();
        final OracleRecordEncoder.SourcesEncoder sources = oracleRecord.sourcesCount(count);
        for (int i = 0; i < count; i++)
        {
            sources.next()
                .sourceId(oracle.sourceIdAt(i))
                .priceTicks(oracle.sourcePriceTicksAt(i))
                .sourceTimeMs(oracle.sourceTimeMsAt(i))
                .excluded(oracle.isSourceExcludedAt(i) ? BooleanType.TRUE : BooleanType.FALSE);
        }
        emitRecord(oracleRecord.encodedLength());
    }

    public void portfolioMargin(final PortfolioMargin portfolioMargin)
    {
        portfolioMarginRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .maintenanceFractionPpm(portfolioMargin.maintenanceFractionPpm())
            .minimumGrossPpm(portfolioMargin.minimumGrossPpm());
        final int defaultCount = portfolioMargin.defaultScenarioCount();
        final PortfolioMarginRecordEncoder.DefaultShocksEncoder defaults =
            portfolioMarginRecord.defaultShocksCount(defaultCount);
        for (int s = 0; s < defaultCount; s++)
        {
            defaults.next().shockPpm(portfolioMargin.defaultShockPpmAt(s));
        }
        emitRecord(portfolioMarginRecord.encodedLength());

        for (int g = 0, grids = portfolioMargin.gridCount(); g < grids; g++)
        {
            scenarioGridRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .underlyingId(portfolioMargin.gridUnderlyingIdAt(g));
            final int count = portfolioMargin.gridScenarioCountAt(g);
            final ScenarioGridRecordEncoder.ShocksEncoder shocks = scenarioGridRecord.shocksCount(count);
            for (int s = 0; s < count; s++)
            {
                shocks.next().shockPpm(portfolioMargin.gridShockPpmAt(g, s));
            }
            emitRecord(scenarioGridRecord.encodedLength());
        }
    }

    public void accountRisk(final MarginAccount account)
    {
        accountRiskRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .accountId(account.accountId())
            .riskState(account.riskState().code())
            .marginMethod(account.marginMethod().code())
            .role(account.role().code());
        emitRecord(accountRiskRecord.encodedLength());
    }

    public void order(final OpenOrder order)
    {
        orderRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .orderId(order.orderId())
            .accountId(order.accountId())
            .instrumentId(order.instrumentId())
            .buy(order.buy() ? BooleanType.TRUE : BooleanType.FALSE)
            .remainingLots(order.remainingLots())
            .limitPriceTicks(order.limitPriceTicks())
            .reservedMargin(order.reservedMargin());
        emitRecord(orderRecord.encodedLength());
    }

    // BEGIN liquidation records (generated)
    public void liquidationHeader(
        final long nextAuctionId,
        final long nextRoundMs,
        final long redemptionRetryAtMs,
        final long roundIntervalMs,
        final long minSliceNotional,
        final int slicePpm,
        final int targetPpm,
        final int feePpm,
        final int auctionSteps,
        final long auctionStepMs,
        final int poolLossCapPpm,
        final int bandPpm,
        final long twapWindowMs,
        final long redemptionNoticeMs,
        final long redemptionRetryMs,
        final int wholeAccountThresholdPpm,
        final int poolSharePpm)
    {
        liquidationHeaderRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .nextAuctionId(nextAuctionId)
            .nextRoundMs(nextRoundMs)
            .redemptionRetryAtMs(redemptionRetryAtMs)
            .roundIntervalMs(roundIntervalMs)
            .minSliceNotional(minSliceNotional)
            .slicePpm(slicePpm)
            .targetPpm(targetPpm)
            .feePpm(feePpm)
            .auctionSteps(auctionSteps)
            .auctionStepMs(auctionStepMs)
            .poolLossCapPpm(poolLossCapPpm)
            .bandPpm(bandPpm)
            .twapWindowMs(twapWindowMs)
            .redemptionNoticeMs(redemptionNoticeMs)
            .redemptionRetryMs(redemptionRetryMs)
            .wholeAccountThresholdPpm(wholeAccountThresholdPpm)
            .poolSharePpm(poolSharePpm);
        emitRecord(liquidationHeaderRecord.encodedLength());
    }

    public void liquidation(
        final long accountId,
        final long startedMs,
        final int causeCode,
        final long auctionId,
        final int heldCauseCode)
    {
        liquidationRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .accountId(accountId)
            .startedMs(startedMs)
            .causeCode(causeCode)
            .auctionId(auctionId)
            .heldCauseCode(heldCauseCode);
        emitRecord(liquidationRecord.encodedLength());
    }

    public void auction(
        final long auctionId,
        final long accountId,
        final int instrumentId,
        final long sliceLotsSigned,
        final long remainingLots,
        final long markTicks,
        final long bankruptcyTicks,
        final long tickValue,
        final long startMs,
        final int steps,
        final long stepIntervalMs,
        final int nextStep,
        final boolean open,
        final boolean awaitingPool)
    {
        auctionRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .auctionId(auctionId)
            .accountId(accountId)
            .instrumentId(instrumentId)
            .sliceLotsSigned(sliceLotsSigned)
            .remainingLots(remainingLots)
            .markTicks(markTicks)
            .bankruptcyTicks(bankruptcyTicks)
            .tickValue(tickValue)
            .startMs(startMs)
            .steps(steps)
            .stepIntervalMs(stepIntervalMs)
            .nextStep(nextStep)
            .open(open ? BooleanType.TRUE : BooleanType.FALSE)
            .awaitingPool(awaitingPool ? BooleanType.TRUE : BooleanType.FALSE);
        emitRecord(auctionRecord.encodedLength());
    }

    public void auctionBid(
        final long auctionId,
        final long blpAccountId,
        final long priceTicks,
        final long lots)
    {
        auctionBidRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .auctionId(auctionId)
            .blpAccountId(blpAccountId)
            .priceTicks(priceTicks)
            .lots(lots);
        emitRecord(auctionBidRecord.encodedLength());
    }

    public void blp(
        final long blpAccountId,
        final long capacityNotional,
        final long remainingCapacity)
    {
        blpRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .blpAccountId(blpAccountId)
            .capacityNotional(capacityNotional)
            .remainingCapacity(remainingCapacity);
        emitRecord(blpRecord.encodedLength());
    }

    public void pool(
        final long poolAccountId,
        final long sharesOutstanding,
        final long highWaterNavPerMillionShares,
        final int lossCapPpm,
        final long redemptionNoticeMs)
    {
        poolRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .poolAccountId(poolAccountId)
            .sharesOutstanding(sharesOutstanding)
            .highWaterNavPerMillionShares(highWaterNavPerMillionShares)
            .lossCapPpm(lossCapPpm)
            .redemptionNoticeMs(redemptionNoticeMs);
        emitRecord(poolRecord.encodedLength());
    }

    public void poolDepositor(
        final long poolAccountId,
        final long depositorAccountId,
        final long shares)
    {
        poolDepositorRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .poolAccountId(poolAccountId)
            .depositorAccountId(depositorAccountId)
            .shares(shares);
        emitRecord(poolDepositorRecord.encodedLength());
    }

    public void poolRedemption(
        final long poolAccountId,
        final long depositorAccountId,
        final long shares,
        final long dueMs)
    {
        poolRedemptionRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .poolAccountId(poolAccountId)
            .depositorAccountId(depositorAccountId)
            .shares(shares)
            .dueMs(dueMs);
        emitRecord(poolRedemptionRecord.encodedLength());
    }

    public void priceBand(
        final int instrumentId,
        final long windowMs,
        final int buckets,
        final boolean hasMark,
        final long lastMarkTicks,
        final long lastMs)
    {
        priceBandRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .windowMs(windowMs)
            .buckets(buckets)
            .hasMark(hasMark ? BooleanType.TRUE : BooleanType.FALSE)
            .lastMarkTicks(lastMarkTicks)
            .lastMs(lastMs);
        emitRecord(priceBandRecord.encodedLength());
    }

    public void priceBandBucket(
        final int instrumentId,
        final int slot,
        final long epoch,
        final long integral,
        final long duration)
    {
        priceBandBucketRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .slot(slot)
            .epoch(epoch)
            .integral(integral)
            .duration(duration);
        emitRecord(priceBandBucketRecord.encodedLength());
    }

    public void openDeficit(
        final long accountId,
        final long deficit)
    {
        openDeficitRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .accountId(accountId)
            .deficit(deficit);
        emitRecord(openDeficitRecord.encodedLength());
    }

    // END liquidation records
    // BEGIN adl records (generated)
    public void autoDeleveraging(
        final int defaultModeCode,
        final long runCount,
        final long fillCount,
        final long closedLots)
    {
        autoDeleveragingRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .defaultModeCode(defaultModeCode)
            .runCount(runCount)
            .fillCount(fillCount)
            .closedLots(closedLots);
        emitRecord(autoDeleveragingRecord.encodedLength());
    }

    public void autoDeleveragingInstrument(
        final int instrumentId,
        final int modeCode)
    {
        autoDeleveragingInstrumentRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .modeCode(modeCode);
        emitRecord(autoDeleveragingInstrumentRecord.encodedLength());
    }

    // END adl records
    // BEGIN waterfall records (generated)
    public void defaultFundHeader(
        final long ccpCapital,
        final long totalContributions,
        final long minimumContribution,
        final long recomputeIntervalMs,
        final int exposureThresholdPpm,
        final long exposureCheckMs,
        final long callDeadlineMs,
        final int assessmentCapPpm,
        final long cappedPeriodMs,
        final long waterfallRetryMs,
        final long nextRecomputeMs,
        final long exposureCheckAtMs,
        final long nextCallId,
        final long requirement,
        final int worstScenarioId,
        final long lastRecomputeMs)
    {
        defaultFundHeaderRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .ccpCapital(ccpCapital)
            .totalContributions(totalContributions)
            .minimumContribution(minimumContribution)
            .recomputeIntervalMs(recomputeIntervalMs)
            .exposureThresholdPpm(exposureThresholdPpm)
            .exposureCheckMs(exposureCheckMs)
            .callDeadlineMs(callDeadlineMs)
            .assessmentCapPpm(assessmentCapPpm)
            .cappedPeriodMs(cappedPeriodMs)
            .waterfallRetryMs(waterfallRetryMs)
            .nextRecomputeMs(nextRecomputeMs)
            .exposureCheckAtMs(exposureCheckAtMs)
            .nextCallId(nextCallId)
            .requirement(requirement)
            .worstScenarioId(worstScenarioId)
            .lastRecomputeMs(lastRecomputeMs);
        emitRecord(defaultFundHeaderRecord.encodedLength());
    }

    public void stressShock(
        final int scenarioId,
        final int underlyingId,
        final int shockPpm)
    {
        stressShockRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .scenarioId(scenarioId)
            .underlyingId(underlyingId)
            .shockPpm(shockPpm);
        emitRecord(stressShockRecord.encodedLength());
    }

    public void memberFund(
        final long memberId,
        final long contribution,
        final long requirement,
        final long stressLoss,
        final boolean dirty,
        final boolean flagged,
        final long missed,
        final long periodStartMs,
        final long periodBasis,
        final long assessedInPeriod,
        final long openCallId)
    {
        memberFundRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .memberId(memberId)
            .contribution(contribution)
            .requirement(requirement)
            .stressLoss(stressLoss)
            .dirty(dirty ? BooleanType.TRUE : BooleanType.FALSE)
            .flagged(flagged ? BooleanType.TRUE : BooleanType.FALSE)
            .missed(missed)
            .periodStartMs(periodStartMs)
            .periodBasis(periodBasis)
            .assessedInPeriod(assessedInPeriod)
            .openCallId(openCallId);
        emitRecord(memberFundRecord.encodedLength());
    }

    public void fundCall(
        final long callId,
        final long memberId,
        final int causeCode,
        final long amount,
        final long paid,
        final long issuedMs,
        final long deadlineMs)
    {
        fundCallRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .callId(callId)
            .memberId(memberId)
            .causeCode(causeCode)
            .amount(amount)
            .paid(paid)
            .issuedMs(issuedMs)
            .deadlineMs(deadlineMs);
        emitRecord(fundCallRecord.encodedLength());
    }

    public void waterfallTotals(
        final long rung1,
        final long rung2,
        final long rung3,
        final long rung4,
        final long rung5,
        final long rung6,
        final long rung7,
        final long closedCount)
    {
        waterfallTotalsRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .rung1(rung1)
            .rung2(rung2)
            .rung3(rung3)
            .rung4(rung4)
            .rung5(rung5)
            .rung6(rung6)
            .rung7(rung7)
            .closedCount(closedCount);
        emitRecord(waterfallTotalsRecord.encodedLength());
    }

    public void waterfall(
        final long accountId,
        final long memberId,
        final long deficit,
        final long openedMs,
        final long nextAttemptMs,
        final long outstanding,
        final long rung1,
        final long rung2,
        final long rung3,
        final long rung4,
        final long rung5,
        final long rung6,
        final long rung7,
        final int attempts)
    {
        waterfallRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .accountId(accountId)
            .memberId(memberId)
            .deficit(deficit)
            .openedMs(openedMs)
            .nextAttemptMs(nextAttemptMs)
            .outstanding(outstanding)
            .rung1(rung1)
            .rung2(rung2)
            .rung3(rung3)
            .rung4(rung4)
            .rung5(rung5)
            .rung6(rung6)
            .rung7(rung7)
            .attempts(attempts);
        emitRecord(waterfallRecord.encodedLength());
    }

    // END waterfall records
    // BEGIN settlement records (generated)
    public void settlementLedger(
        final long vmIntervalMs,
        final long nextVmMs,
        final long lastVmMs,
        final long lastCycleId)
    {
        settlementLedgerRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .vmIntervalMs(vmIntervalMs)
            .nextVmMs(nextVmMs)
            .lastVmMs(lastVmMs)
            .lastCycleId(lastCycleId);
        emitRecord(settlementLedgerRecord.encodedLength());
    }

    public void instrumentSettlement(
        final int instrumentId,
        final long settlementPriceTicks,
        final long feesSinceSettlement,
        final long realisedGainsSinceSettlement,
        final long realisedLossesSinceSettlement)
    {
        instrumentSettlementRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .settlementPriceTicks(settlementPriceTicks)
            .feesSinceSettlement(feesSinceSettlement)
            .realisedGainsSinceSettlement(realisedGainsSinceSettlement)
            .realisedLossesSinceSettlement(realisedLossesSinceSettlement);
        emitRecord(instrumentSettlementRecord.encodedLength());
    }

    public void instrumentFunding(
        final int instrumentId,
        final long intervalMs,
        final int interestPpm,
        final int premiumClampPpm,
        final int capPpm,
        final long nextFundingMs,
        final long intervalStartMs,
        final long premiumIntegral,
        final long premiumDurationMs,
        final boolean hasPremium,
        final long lastPremiumPpb,
        final long lastPremiumMs)
    {
        instrumentFundingRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .intervalMs(intervalMs)
            .interestPpm(interestPpm)
            .premiumClampPpm(premiumClampPpm)
            .capPpm(capPpm)
            .nextFundingMs(nextFundingMs)
            .intervalStartMs(intervalStartMs)
            .premiumIntegral(premiumIntegral)
            .premiumDurationMs(premiumDurationMs)
            .hasPremium(hasPremium ? BooleanType.TRUE : BooleanType.FALSE)
            .lastPremiumPpb(lastPremiumPpb)
            .lastPremiumMs(lastPremiumMs);
        emitRecord(instrumentFundingRecord.encodedLength());
    }

    public void instrumentBreaker(
        final int instrumentId,
        final int bandPpm,
        final long windowMs,
        final long haltMs,
        final boolean halted,
        final long haltedSinceMs,
        final long haltedUntilMs,
        final long rangeHighTicks,
        final long rangeLowTicks,
        final long bandTicks)
    {
        instrumentBreakerRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .bandPpm(bandPpm)
            .windowMs(windowMs)
            .haltMs(haltMs)
            .halted(halted ? BooleanType.TRUE : BooleanType.FALSE)
            .haltedSinceMs(haltedSinceMs)
            .haltedUntilMs(haltedUntilMs)
            .rangeHighTicks(rangeHighTicks)
            .rangeLowTicks(rangeLowTicks)
            .bandTicks(bandTicks);
        emitRecord(instrumentBreakerRecord.encodedLength());
    }

    public void breakerBucket(
        final int instrumentId,
        final int slot,
        final long epoch,
        final long highTicks,
        final long lowTicks)
    {
        breakerBucketRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrumentId)
            .slot(slot)
            .epoch(epoch)
            .highTicks(highTicks)
            .lowTicks(lowTicks);
        emitRecord(breakerBucketRecord.encodedLength());
    }

    public void positionFees(
        final long accountId,
        final int instrumentId,
        final long fees)
    {
        positionFeesRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .accountId(accountId)
            .instrumentId(instrumentId)
            .fees(fees);
        emitRecord(positionFeesRecord.encodedLength());
    }

    // END settlement records
    private void emitRecord(final int messageLength)
    {
        if (!begun)
        {
            throw new IllegalStateException("record before header");
        }
        recordCount++;
        emit(messageLength);
    }

    private void emit(final int messageLength)
    {
        output.write(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + messageLength);
    }
}
