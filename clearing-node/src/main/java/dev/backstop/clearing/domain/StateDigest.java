package dev.backstop.clearing.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over the canonical serialisation of the clearing house's state (DESIGN.md section 7): two nodes with the
 * same digest hold byte-for-byte the same state, whatever path each took to it (log replay or snapshot load).
 */
final class StateDigest implements ClearingStateSink
{
    private final MessageDigest sha256;
    private final byte[] scratch = new byte[Long.BYTES];

    StateDigest()
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform must provide SHA-256", ex);
        }
    }

    /**
     * Adds a record tag and values: for records added by other components (the liquidation engine) without a method
     * here of their own.
     */
    void putRecord(final char tag, final long... values)
    {
        putLong(tag);
        for (final long value : values)
        {
            putLong(value);
        }
    }

    public void header(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        putLong('H');
        putLong(eventSequence);
        putLong(netDeposits);
        putLong(feeAccount);
        putLong(tradesCleared);
    }

    public void riskLedger(final long clusterTimeMs, final long insuranceFund, final long openDeficits)
    {
        putLong('L');
        putLong(clusterTimeMs);
        putLong(insuranceFund);
        putLong(openDeficits);
    }

    public void instrumentRisk(final Instrument instrument)
    {
        putLong('R');
        putLong(instrument.instrumentId());
        putLong(instrument.underlyingId());
        final MarginBrackets brackets = instrument.marginBrackets();
        putLong(brackets.count());
        for (int k = 0, n = brackets.count(); k < n; k++)
        {
            putLong(brackets.capAt(k));
            putLong(brackets.initialMarginPpmAt(k));
            putLong(brackets.maintenanceMarginPpmAt(k));
        }
        putLong(instrument.openInterestScaling().lowerCapNotional());
        putLong(instrument.openInterestScaling().upperCapNotional());
        putRate(instrument.initialMarginRate());
        putRate(instrument.maintenanceMarginRate());
    }

    public void oracle(final int instrumentId, final PriceOracle oracle)
    {
        putLong('O');
        putLong(instrumentId);
        final OracleParameters parameters = oracle.parameters();
        putLong(parameters.sourceAgeLimitMs());
        putLong(parameters.exclusionBandPpm());
        putLong(parameters.quorum());
        putLong(parameters.markBasis().code());
        putLong(parameters.emaWindowMs());
        putLong(parameters.maxSources());
        putLong(oracle.sourceCount());
        for (int i = 0, n = oracle.sourceCount(); i < n; i++)
        {
            putLong(oracle.sourceIdAt(i));
            putLong(oracle.sourcePriceTicksAt(i));
            putLong(oracle.sourceTimeMsAt(i));
            putLong(oracle.isSourceExcludedAt(i) ? 1 : 0);
        }
        putLong(oracle.indexPriceTicks());
        putLong(oracle.markPriceTicks());
        putLong(oracle.previousMarkTicks());
        putLong(oracle.hasBasis() ? 1 : 0);
        putLong(oracle.emaBasisTicks());
        putLong(oracle.emaTimeMs());
        putLong(oracle.lastTradeTicks());
        putLong(oracle.lastTradeTimeMs());
        putLong(null == oracle.lastDecision() ? 0 : oracle.lastDecision().code());
        putLong(oracle.othersMedianTicks());
        putLong(oracle.freshSourceCount());
        putLong(oracle.countedSourceCount());
    }

    public void portfolioMargin(final PortfolioMargin portfolioMargin)
    {
        putLong('P');
        putLong(portfolioMargin.maintenanceFractionPpm());
        putLong(portfolioMargin.minimumGrossPpm());
        putLong(portfolioMargin.defaultScenarioCount());
        for (int s = 0, n = portfolioMargin.defaultScenarioCount(); s < n; s++)
        {
            putLong(portfolioMargin.defaultShockPpmAt(s));
        }
        putLong(portfolioMargin.gridCount());
        for (int g = 0, n = portfolioMargin.gridCount(); g < n; g++)
        {
            putLong(portfolioMargin.gridUnderlyingIdAt(g));
            final int count = portfolioMargin.gridScenarioCountAt(g);
            putLong(count);
            for (int s = 0; s < count; s++)
            {
                putLong(portfolioMargin.gridShockPpmAt(g, s));
            }
        }
    }

    public void accountRisk(final MarginAccount account)
    {
        putLong('K');
        putLong(account.accountId());
        putLong(account.riskState().code());
        putLong(account.marginMethod().code());
        putLong(account.role().code());
    }

    public void order(final OpenOrder order)
    {
        putLong('Q');
        putLong(order.orderId());
        putLong(order.accountId());
        putLong(order.instrumentId());
        putLong(order.buy() ? 1 : 0);
        putLong(order.remainingLots());
        putLong(order.limitPriceTicks());
        putLong(order.reservedMargin());
    }

    public void instrument(final Instrument instrument)
    {
        putLong('I');
        putLong(instrument.instrumentId());
        final byte[] symbol = instrument.symbol().getBytes(StandardCharsets.UTF_8);
        putLong(symbol.length);
        sha256.update(symbol);
        putLong(instrument.initialMarginPpm());
        putLong(instrument.maintenanceMarginPpm());
        putLong(instrument.tradeFeePpm());
        putLong(instrument.tickSizeMicros());
        putLong(instrument.lotSizeMicros());
        putLong(instrument.tickValue());
        putLong(instrument.markPriceTicks());
        putLong(instrument.openInterestLots());
    }

    public void account(final MarginAccount account)
    {
        putLong('A');
        putLong(account.accountId());
        putLong(account.memberId());
        putLong(account.cash());
        putLong(account.positionCount());
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            putLong(account.instrumentIdAt(i));
            putLong(account.quantityAt(i));
            putLong(account.costBasisAt(i));
        }
    }

    public void sender(final SenderSequence sender)
    {
        putLong('S');
        putLong(sender.senderId());
        putLong(sender.lastAppliedSequence());
        final int count = sender.recentResultCount();
        putLong(count);
        for (int i = 0; i < count; i++)
        {
            putLong(sender.recentSequenceAt(i));
            putLong(sender.recentOutcomeAt(i).code());
        }
    }

    public void tradeIds(final long exchangeId, final long[] sortedVenueTradeIds, final int offset, final int count)
    {
        putLong('T');
        putLong(exchangeId);
        putLong(count);
        for (int i = offset, end = offset + count; i < end; i++)
        {
            putLong(sortedVenueTradeIds[i]);
        }
    }

    void digestInto(final byte[] digest)
    {
        try
        {
            sha256.digest(digest, 0, 32);
        }
        catch (final java.security.DigestException ex)
        {
            throw new IllegalArgumentException("digest needs 32 bytes", ex);
        }
    }

    private void putRate(final MarginRateFloor rate)
    {
        putLong(rate.effectiveRatePpm());
        putLong(rate.targetRatePpm());
        putLong(rate.floorPpm());
        putLong(rate.maxCutPerStepPpm());
        putLong(rate.stepIntervalMs());
        putLong(rate.nextStepDeadlineMs());
    }

    /**
     * Adds one value to the digest; the liquidation engine's records use it too.
     */
    void putLong(final long value)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            scratch[i] = (byte)(value >>> (i * 8));
        }
        sha256.update(scratch);
    }

    // BEGIN waterfall records (generated)
    // Tags of their own so no waterfall record can hash like another record.
    private static final long WATERFALL_TAG = 0x5746_0000_0000L;

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
        putLong(WATERFALL_TAG + 50);
        putLong(ccpCapital);
        putLong(totalContributions);
        putLong(minimumContribution);
        putLong(recomputeIntervalMs);
        putLong(exposureThresholdPpm);
        putLong(exposureCheckMs);
        putLong(callDeadlineMs);
        putLong(assessmentCapPpm);
        putLong(cappedPeriodMs);
        putLong(waterfallRetryMs);
        putLong(nextRecomputeMs);
        putLong(exposureCheckAtMs);
        putLong(nextCallId);
        putLong(requirement);
        putLong(worstScenarioId);
        putLong(lastRecomputeMs);
    }

    public void stressShock(
        final int scenarioId,
        final int underlyingId,
        final int shockPpm)
    {
        putLong(WATERFALL_TAG + 51);
        putLong(scenarioId);
        putLong(underlyingId);
        putLong(shockPpm);
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
        putLong(WATERFALL_TAG + 52);
        putLong(memberId);
        putLong(contribution);
        putLong(requirement);
        putLong(stressLoss);
        putLong(dirty ? 1 : 0);
        putLong(flagged ? 1 : 0);
        putLong(missed);
        putLong(periodStartMs);
        putLong(periodBasis);
        putLong(assessedInPeriod);
        putLong(openCallId);
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
        putLong(WATERFALL_TAG + 53);
        putLong(callId);
        putLong(memberId);
        putLong(causeCode);
        putLong(amount);
        putLong(paid);
        putLong(issuedMs);
        putLong(deadlineMs);
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
        putLong(WATERFALL_TAG + 54);
        putLong(rung1);
        putLong(rung2);
        putLong(rung3);
        putLong(rung4);
        putLong(rung5);
        putLong(rung6);
        putLong(rung7);
        putLong(closedCount);
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
        putLong(WATERFALL_TAG + 55);
        putLong(accountId);
        putLong(memberId);
        putLong(deficit);
        putLong(openedMs);
        putLong(nextAttemptMs);
        putLong(outstanding);
        putLong(rung1);
        putLong(rung2);
        putLong(rung3);
        putLong(rung4);
        putLong(rung5);
        putLong(rung6);
        putLong(rung7);
        putLong(attempts);
    }

    // END waterfall records
    // ---- liquidation engine records (LiquidationStateSink) ----

    // Tags of their own so no engine record can hash like a clearing house record.
    private static final long LIQUIDATION_TAG = 0x4C49_5155_0000L;

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
        putLong(LIQUIDATION_TAG + 1);
        putLong(nextAuctionId);
        putLong(nextRoundMs);
        putLong(redemptionRetryAtMs);
        putLong(roundIntervalMs);
        putLong(minSliceNotional);
        putLong(slicePpm);
        putLong(targetPpm);
        putLong(feePpm);
        putLong(auctionSteps);
        putLong(auctionStepMs);
        putLong(poolLossCapPpm);
        putLong(bandPpm);
        putLong(twapWindowMs);
        putLong(redemptionNoticeMs);
        putLong(redemptionRetryMs);
        putLong(wholeAccountThresholdPpm);
        putLong(poolSharePpm);
    }

    public void liquidation(
        final long accountId, final long startedMs, final int causeCode, final long auctionId, final int heldCauseCode)
    {
        putLong(LIQUIDATION_TAG + 2);
        putLong(accountId);
        putLong(startedMs);
        putLong(causeCode);
        putLong(auctionId);
        putLong(heldCauseCode);
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
        putLong(LIQUIDATION_TAG + 3);
        putLong(auctionId);
        putLong(accountId);
        putLong(instrumentId);
        putLong(sliceLotsSigned);
        putLong(remainingLots);
        putLong(markTicks);
        putLong(bankruptcyTicks);
        putLong(tickValue);
        putLong(startMs);
        putLong(steps);
        putLong(stepIntervalMs);
        putLong(nextStep);
        putLong(open ? 1 : 0);
        putLong(awaitingPool ? 1 : 0);
    }

    public void auctionBid(final long auctionId, final long blpAccountId, final long priceTicks, final long lots)
    {
        putLong(LIQUIDATION_TAG + 4);
        putLong(auctionId);
        putLong(blpAccountId);
        putLong(priceTicks);
        putLong(lots);
    }

    public void blp(final long blpAccountId, final long capacityNotional, final long remainingCapacity)
    {
        putLong(LIQUIDATION_TAG + 5);
        putLong(blpAccountId);
        putLong(capacityNotional);
        putLong(remainingCapacity);
    }

    public void pool(
        final long poolAccountId,
        final long sharesOutstanding,
        final long highWaterNavPerMillionShares,
        final int lossCapPpm,
        final long redemptionNoticeMs)
    {
        putLong(LIQUIDATION_TAG + 6);
        putLong(poolAccountId);
        putLong(sharesOutstanding);
        putLong(highWaterNavPerMillionShares);
        putLong(lossCapPpm);
        putLong(redemptionNoticeMs);
    }

    public void poolDepositor(final long poolAccountId, final long depositorAccountId, final long shares)
    {
        putLong(LIQUIDATION_TAG + 7);
        putLong(poolAccountId);
        putLong(depositorAccountId);
        putLong(shares);
    }

    public void poolRedemption(
        final long poolAccountId, final long depositorAccountId, final long shares, final long dueMs)
    {
        putLong(LIQUIDATION_TAG + 8);
        putLong(poolAccountId);
        putLong(depositorAccountId);
        putLong(shares);
        putLong(dueMs);
    }

    public void priceBand(
        final int instrumentId,
        final long windowMs,
        final int buckets,
        final boolean hasMark,
        final long lastMarkTicks,
        final long lastMs)
    {
        putLong(LIQUIDATION_TAG + 9);
        putLong(instrumentId);
        putLong(windowMs);
        putLong(buckets);
        putLong(hasMark ? 1 : 0);
        putLong(lastMarkTicks);
        putLong(lastMs);
    }

    public void priceBandBucket(
        final int instrumentId, final int slot, final long epoch, final long integral, final long duration)
    {
        putLong(LIQUIDATION_TAG + 11);
        putLong(instrumentId);
        putLong(slot);
        putLong(epoch);
        putLong(integral);
        putLong(duration);
    }

    public void openDeficit(final long accountId, final long deficit)
    {
        putLong(LIQUIDATION_TAG + 10);
        putLong(accountId);
        putLong(deficit);
    }

    // ---- auto-deleveraging records (issue 4, part A) ----

    public void autoDeleveraging(
        final int defaultModeCode, final long runCount, final long fillCount, final long closedLots)
    {
        putLong(LIQUIDATION_TAG + 20);
        putLong(defaultModeCode);
        putLong(runCount);
        putLong(fillCount);
        putLong(closedLots);
    }

    public void autoDeleveragingInstrument(final int instrumentId, final int modeCode)
    {
        putLong(LIQUIDATION_TAG + 21);
        putLong(instrumentId);
        putLong(modeCode);
    }
    // ---- settlement and circuit breaker records (SettlementStateSink) ----

    private static final long SETTLEMENT_TAG = 0x5345_5454_0000L;

    public void settlementLedger(
        final long vmIntervalMs, final long nextVmMs, final long lastVmMs, final long lastCycleId)
    {
        putLong(SETTLEMENT_TAG + 1);
        putLong(vmIntervalMs);
        putLong(nextVmMs);
        putLong(lastVmMs);
        putLong(lastCycleId);
    }

    public void instrumentSettlement(
        final int instrumentId,
        final long settlementPriceTicks,
        final long feesSinceSettlement,
        final long realisedGainsSinceSettlement,
        final long realisedLossesSinceSettlement)
    {
        putLong(SETTLEMENT_TAG + 2);
        putLong(instrumentId);
        putLong(settlementPriceTicks);
        putLong(feesSinceSettlement);
        putLong(realisedGainsSinceSettlement);
        putLong(realisedLossesSinceSettlement);
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
        putLong(SETTLEMENT_TAG + 3);
        putLong(instrumentId);
        putLong(intervalMs);
        putLong(interestPpm);
        putLong(premiumClampPpm);
        putLong(capPpm);
        putLong(nextFundingMs);
        putLong(intervalStartMs);
        putLong(premiumIntegral);
        putLong(premiumDurationMs);
        putLong(hasPremium ? 1 : 0);
        putLong(lastPremiumPpb);
        putLong(lastPremiumMs);
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
        putLong(SETTLEMENT_TAG + 4);
        putLong(instrumentId);
        putLong(bandPpm);
        putLong(windowMs);
        putLong(haltMs);
        putLong(halted ? 1 : 0);
        putLong(haltedSinceMs);
        putLong(haltedUntilMs);
        putLong(rangeHighTicks);
        putLong(rangeLowTicks);
        putLong(bandTicks);
    }

    public void breakerBucket(
        final int instrumentId, final int slot, final long epoch, final long highTicks, final long lowTicks)
    {
        putLong(SETTLEMENT_TAG + 5);
        putLong(instrumentId);
        putLong(slot);
        putLong(epoch);
        putLong(highTicks);
        putLong(lowTicks);
    }

    public void positionFees(final long accountId, final int instrumentId, final long fees)
    {
        putLong(SETTLEMENT_TAG + 6);
        putLong(accountId);
        putLong(instrumentId);
        putLong(fees);
    }
}
