package dev.backstop.clearing.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Loads one clearing house's state into a fresh one the way the service adapter does on a snapshot load: every
 * record {@link ClearingHouse#writeState} emits is turned into the matching {@code restore*} call, with no other
 * access to the source. It also keeps what it saw, so a test can check the record stream itself (chunk sizes,
 * ascending order).
 */
final class SnapshotLoader implements ClearingStateSink
{
    final ClearingHouse target;
    final List<Integer> tradeIdChunkSizes = new ArrayList<>();
    long previousTradeIdExchange = Long.MIN_VALUE;
    long previousTradeId = Long.MIN_VALUE;

    private SnapshotLoader(final ClearingHouse target)
    {
        this.target = target;
    }

    /**
     * @param source the clearing house to copy.
     * @param events the events of the copy.
     * @return the loader, whose {@link #target} is the copy.
     */
    static SnapshotLoader load(final ClearingHouse source, final ClearingEvents events)
    {
        final SnapshotLoader loader = new SnapshotLoader(new ClearingHouse(events));
        if (null != source.liquidationEngine())
        {
            // As the service does: the engine is installed before the snapshot is loaded; its parameters come back
            // with its header record.
            new LiquidationEngine(loader.target);
        }
        source.writeState(loader);
        return loader;
    }

    static ClearingHouse copyOf(final ClearingHouse source, final ClearingEvents events)
    {
        return load(source, events).target;
    }

    public void header(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        target.restoreHeader(eventSequence, netDeposits, feeAccount, tradesCleared);
    }

    public void riskLedger(final long clusterTimeMs, final long insuranceFund, final long openDeficits)
    {
        target.restoreRiskLedger(clusterTimeMs, insuranceFund, openDeficits);
    }

    public void instrumentRisk(final Instrument i)
    {
        final MarginBrackets brackets = i.marginBrackets();
        final int count = brackets.count();
        final long[] caps = new long[count];
        final int[] imr = new int[count];
        final int[] mmr = new int[count];
        for (int k = 0; k < count; k++)
        {
            caps[k] = brackets.capAt(k);
            imr[k] = brackets.initialMarginPpmAt(k);
            mmr[k] = brackets.maintenanceMarginPpmAt(k);
        }
        target.restoreInstrumentRisk(
            i.instrumentId(), i.underlyingId(), count, caps, imr, mmr, i.openInterestScaling().lowerCapNotional(),
            i.openInterestScaling().upperCapNotional());
        restoreRate(i.instrumentId(), true, i.initialMarginRate());
        restoreRate(i.instrumentId(), false, i.maintenanceMarginRate());
    }

    private void restoreRate(final int instrumentId, final boolean initial, final MarginRateFloor rate)
    {
        target.restoreMarginRateFloor(
            instrumentId, initial, rate.effectiveRatePpm(), rate.targetRatePpm(), rate.floorPpm(),
            rate.maxCutPerStepPpm(), rate.stepIntervalMs(), rate.nextStepDeadlineMs());
    }

    public void oracle(final int instrumentId, final PriceOracle source)
    {
        final OracleParameters p = source.parameters();
        target.restoreOracleParameters(
            instrumentId, p.sourceAgeLimitMs(), p.exclusionBandPpm(), p.quorum(), p.markBasis().code(),
            p.emaWindowMs(), p.maxSources());
        final PriceOracle oracle = target.instrument(instrumentId).oracle();
        oracle.reset();
        for (int s = 0; s < source.sourceCount(); s++)
        {
            oracle.restoreSource(
                source.sourceIdAt(s), source.sourcePriceTicksAt(s), source.sourceTimeMsAt(s),
                source.isSourceExcludedAt(s));
        }
        oracle.restorePrices(source.indexPriceTicks(), source.markPriceTicks(), source.previousMarkTicks());
        oracle.restoreBasis(
            source.hasBasis(), source.emaBasisTicks(), source.emaTimeMs(), source.lastTradeTicks(),
            source.lastTradeTimeMs());
        oracle.restoreLastTick(
            source.lastDecision(), source.othersMedianTicks(), source.freshSourceCount(),
            source.countedSourceCount());
    }

    public void portfolioMargin(final PortfolioMargin source)
    {
        final PortfolioMargin portfolio = target.portfolioMargin();
        assertAccepted(portfolio.parameters(source.maintenanceFractionPpm(), source.minimumGrossPpm()));
        final int[] defaults = new int[source.defaultScenarioCount()];
        for (int s = 0; s < defaults.length; s++)
        {
            defaults[s] = source.defaultShockPpmAt(s);
        }
        assertAccepted(portfolio.defaultScenarios(defaults.length, defaults));
        for (int g = 0; g < source.gridCount(); g++)
        {
            final int[] shocks = new int[source.gridScenarioCountAt(g)];
            for (int s = 0; s < shocks.length; s++)
            {
                shocks[s] = source.gridShockPpmAt(g, s);
            }
            assertAccepted(portfolio.scenarios(source.gridUnderlyingIdAt(g), shocks.length, shocks));
        }
    }

    private static void assertAccepted(final Outcome outcome)
    {
        if (outcome != Outcome.ACCEPTED)
        {
            throw new AssertionError("restore refused: " + outcome);
        }
    }

    public void accountRisk(final MarginAccount a)
    {
        target.restoreAccountRisk(a.accountId(), a.riskState(), a.marginMethod(), a.role());
    }

    public void order(final OpenOrder o)
    {
        target.restoreOrder(
            o.orderId(), o.accountId(), o.instrumentId(), o.buy(), o.remainingLots(), o.limitPriceTicks(),
            o.reservedMargin());
    }

    public void instrument(final Instrument i)
    {
        target.restoreInstrument(
            i.instrumentId(), i.symbol(), i.initialMarginPpm(), i.maintenanceMarginPpm(), i.tradeFeePpm(),
            i.tickSizeMicros(), i.lotSizeMicros(), i.tickValue(), i.markPriceTicks(), i.openInterestLots());
    }

    public void account(final MarginAccount a)
    {
        target.restoreAccount(a.accountId(), a.memberId(), a.cash());
        for (int i = 0; i < a.positionCount(); i++)
        {
            target.restorePosition(a.accountId(), a.instrumentIdAt(i), a.quantityAt(i), a.costBasisAt(i));
        }
    }

    public void sender(final SenderSequence s)
    {
        target.restoreSender(s.senderId(), s.lastAppliedSequence());
        for (int i = 0; i < s.recentResultCount(); i++)
        {
            target.restoreRecentResult(s.senderId(), s.recentSequenceAt(i), s.recentOutcomeAt(i));
        }
    }

    public void tradeIds(final long exchangeId, final long[] sortedVenueTradeIds, final int offset, final int count)
    {
        if (count > ClearingHouse.TRADE_ID_CHUNK)
        {
            throw new AssertionError("chunk of " + count + " trade ids exceeds " + ClearingHouse.TRADE_ID_CHUNK);
        }
        tradeIdChunkSizes.add(count);
        for (int i = offset; i < offset + count; i++)
        {
            final long id = sortedVenueTradeIds[i];
            if (exchangeId == previousTradeIdExchange && id <= previousTradeId)
            {
                throw new AssertionError("trade ids not ascending for exchange " + exchangeId + ": " + id);
            }
            if (exchangeId < previousTradeIdExchange)
            {
                throw new AssertionError("exchanges not ascending: " + exchangeId);
            }
            previousTradeIdExchange = exchangeId;
            previousTradeId = id;
            target.restoreTradeId(exchangeId, id);
        }
    }

    // ---- liquidation engine records: handed to the target's engine, which restores them ----

    private LiquidationStateSink engine()
    {
        if (null == engineRestorer)
        {
            engineRestorer = target.liquidationEngine().restorer();
        }
        return engineRestorer;
    }

    private LiquidationStateSink engineRestorer;

    public void liquidationHeader(
        final long nextAuctionId, final long nextRoundMs, final long redemptionRetryAtMs, final long roundIntervalMs,
        final long minSliceNotional, final int slicePpm, final int targetPpm, final int feePpm, final int auctionSteps,
        final long auctionStepMs, final int poolLossCapPpm, final int bandPpm, final long twapWindowMs,
        final long redemptionNoticeMs, final long redemptionRetryMs, final int wholeAccountThresholdPpm,
        final int poolSharePpm)
    {
        engine().liquidationHeader(
            nextAuctionId, nextRoundMs, redemptionRetryAtMs, roundIntervalMs, minSliceNotional, slicePpm, targetPpm,
            feePpm, auctionSteps, auctionStepMs, poolLossCapPpm, bandPpm, twapWindowMs, redemptionNoticeMs,
            redemptionRetryMs, wholeAccountThresholdPpm, poolSharePpm);
    }

    public void liquidation(
        final long accountId, final long startedMs, final int causeCode, final long auctionId, final int heldCauseCode)
    {
        engine().liquidation(accountId, startedMs, causeCode, auctionId, heldCauseCode);
    }

    public void auction(
        final long auctionId, final long accountId, final int instrumentId, final long sliceLotsSigned,
        final long remainingLots, final long markTicks, final long bankruptcyTicks, final long tickValue,
        final long startMs, final int steps, final long stepIntervalMs, final int nextStep, final boolean open,
        final boolean awaitingPool)
    {
        engine().auction(
            auctionId, accountId, instrumentId, sliceLotsSigned, remainingLots, markTicks, bankruptcyTicks, tickValue,
            startMs, steps, stepIntervalMs, nextStep, open, awaitingPool);
    }

    public void auctionBid(final long auctionId, final long blpAccountId, final long priceTicks, final long lots)
    {
        engine().auctionBid(auctionId, blpAccountId, priceTicks, lots);
    }

    public void blp(final long blpAccountId, final long capacityNotional, final long remainingCapacity)
    {
        engine().blp(blpAccountId, capacityNotional, remainingCapacity);
    }

    public void pool(
        final long poolAccountId, final long sharesOutstanding, final long highWaterNavPerMillionShares,
        final int lossCapPpm, final long redemptionNoticeMs)
    {
        engine().pool(poolAccountId, sharesOutstanding, highWaterNavPerMillionShares, lossCapPpm, redemptionNoticeMs);
    }

    public void poolDepositor(final long poolAccountId, final long depositorAccountId, final long shares)
    {
        engine().poolDepositor(poolAccountId, depositorAccountId, shares);
    }

    public void poolRedemption(
        final long poolAccountId, final long depositorAccountId, final long shares, final long dueMs)
    {
        engine().poolRedemption(poolAccountId, depositorAccountId, shares, dueMs);
    }

    public void priceBand(
        final int instrumentId, final long windowMs, final int buckets, final boolean hasMark,
        final long lastMarkTicks, final long lastMs)
    {
        engine().priceBand(instrumentId, windowMs, buckets, hasMark, lastMarkTicks, lastMs);
    }

    public void priceBandBucket(
        final int instrumentId, final int slot, final long epoch, final long integral, final long duration)
    {
        engine().priceBandBucket(instrumentId, slot, epoch, integral, duration);
    }

    public void openDeficit(final long accountId, final long deficit)
    {
        engine().openDeficit(accountId, deficit);
    }

    public void autoDeleveraging(
        final int defaultModeCode, final long runCount, final long fillCount, final long closedLots)
    {
        engine().autoDeleveraging(defaultModeCode, runCount, fillCount, closedLots);
    }

    public void autoDeleveragingInstrument(final int instrumentId, final int modeCode)
    {
        engine().autoDeleveragingInstrument(instrumentId, modeCode);
    }
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
        target.waterfallRestorer().defaultFundHeader(
            ccpCapital,
            totalContributions,
            minimumContribution,
            recomputeIntervalMs,
            exposureThresholdPpm,
            exposureCheckMs,
            callDeadlineMs,
            assessmentCapPpm,
            cappedPeriodMs,
            waterfallRetryMs,
            nextRecomputeMs,
            exposureCheckAtMs,
            nextCallId,
            requirement,
            worstScenarioId,
            lastRecomputeMs);
    }

    public void stressShock(
        final int scenarioId,
        final int underlyingId,
        final int shockPpm)
    {
        target.waterfallRestorer().stressShock(
            scenarioId,
            underlyingId,
            shockPpm);
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
        target.waterfallRestorer().memberFund(
            memberId,
            contribution,
            requirement,
            stressLoss,
            dirty,
            flagged,
            missed,
            periodStartMs,
            periodBasis,
            assessedInPeriod,
            openCallId);
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
        target.waterfallRestorer().fundCall(
            callId,
            memberId,
            causeCode,
            amount,
            paid,
            issuedMs,
            deadlineMs);
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
        target.waterfallRestorer().waterfallTotals(
            rung1,
            rung2,
            rung3,
            rung4,
            rung5,
            rung6,
            rung7,
            closedCount);
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
        target.waterfallRestorer().waterfall(
            accountId,
            memberId,
            deficit,
            openedMs,
            nextAttemptMs,
            outstanding,
            rung1,
            rung2,
            rung3,
            rung4,
            rung5,
            rung6,
            rung7,
            attempts);
    }
    // END waterfall records
    // ---- settlement records: handed to the target's settlement restorer ----

    public void settlementLedger(final long vmIntervalMs, final long nextVmMs, final long lastVmMs, final long lastCycleId)
    {
        target.settlementRestorer().settlementLedger(vmIntervalMs, nextVmMs, lastVmMs, lastCycleId);
    }

    public void instrumentSettlement(
        final int instrumentId, final long settlementPriceTicks, final long feesSinceSettlement,
        final long realisedGainsSinceSettlement, final long realisedLossesSinceSettlement)
    {
        target.settlementRestorer().instrumentSettlement(
            instrumentId, settlementPriceTicks, feesSinceSettlement, realisedGainsSinceSettlement,
            realisedLossesSinceSettlement);
    }

    public void instrumentFunding(
        final int instrumentId, final long intervalMs, final int interestPpm, final int premiumClampPpm,
        final int capPpm, final long nextFundingMs, final long intervalStartMs, final long premiumIntegral,
        final long premiumDurationMs, final boolean hasPremium, final long lastPremiumPpb, final long lastPremiumMs)
    {
        target.settlementRestorer().instrumentFunding(
            instrumentId, intervalMs, interestPpm, premiumClampPpm, capPpm, nextFundingMs, intervalStartMs,
            premiumIntegral, premiumDurationMs, hasPremium, lastPremiumPpb, lastPremiumMs);
    }

    public void instrumentBreaker(
        final int instrumentId, final int bandPpm, final long windowMs, final long haltMs, final boolean halted,
        final long haltedSinceMs, final long haltedUntilMs, final long rangeHighTicks, final long rangeLowTicks,
        final long bandTicks)
    {
        target.settlementRestorer().instrumentBreaker(
            instrumentId, bandPpm, windowMs, haltMs, halted, haltedSinceMs, haltedUntilMs, rangeHighTicks,
            rangeLowTicks, bandTicks);
    }

    public void breakerBucket(
        final int instrumentId, final int slot, final long epoch, final long highTicks, final long lowTicks)
    {
        target.settlementRestorer().breakerBucket(instrumentId, slot, epoch, highTicks, lowTicks);
    }

    public void positionFees(final long accountId, final int instrumentId, final long fees)
    {
        target.settlementRestorer().positionFees(accountId, instrumentId, fees);
    }
}
