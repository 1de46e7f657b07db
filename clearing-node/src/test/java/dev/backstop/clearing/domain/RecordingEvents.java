package dev.backstop.clearing.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Records every event the clearing house reports, as value records so two streams compare with {@code equals}.
 * It checks at record time that event sequences are gap-free from 1: a gap fails the test at the command that made
 * it, not at some later assertion.
 */
final class RecordingEvents implements ClearingEvents
{
    interface Event
    {
        long sequence();
    }

    record InstrumentListed(
        long sequence, int instrumentId, String symbol, int initialMarginPpm, int maintenanceMarginPpm,
        int tradeFeePpm, long tickSizeMicros, long lotSizeMicros, long tickValue, long markPriceTicks,
        long openInterestLots) implements Event
    {
    }

    record AccountOpened(long sequence, long accountId, long memberId) implements Event
    {
    }

    record TradeCleared(
        long sequence, long exchangeId, long venueTradeId, int instrumentId, long buyAccountId, long sellAccountId,
        long priceTicks, long quantityLots, long buyerFee, long sellerFee, long buyerRealisedPnl,
        long sellerRealisedPnl) implements Event
    {
    }

    record MarkPriceUpdated(
        long sequence, int instrumentId, int sourceId, long tickPriceTicks, TickDecision decision,
        long previousMarkTicks, long markPriceTicks, long indexPriceTicks, int freshSources, long othersMedianTicks)
        implements Event
    {
        /**
         * An accepted tick from a single fresh source: the index is the tick and there is no other source.
         */
        MarkPriceUpdated(
            final long sequence, final int instrumentId, final int sourceId, final long tickPriceTicks,
            final long previousMarkTicks, final long markPriceTicks)
        {
            this(sequence, instrumentId, sourceId, tickPriceTicks, TickDecision.ACCEPTED, previousMarkTicks,
                markPriceTicks, 0 == sourceId ? 0 : tickPriceTicks, 0 == sourceId ? 0 : 1, 0);
        }
    }

    record OrderAccepted(
        long sequence, long orderId, long accountId, int instrumentId, boolean buy, long lots, long limitPriceTicks,
        long reservedMargin, long accountReservedMargin) implements Event
    {
    }

    record OrderFilled(
        long sequence, long orderId, long accountId, long filledLots, long remainingLots, long consumedMargin,
        long reservedMargin, long accountReservedMargin) implements Event
    {
    }

    record OrderCancelled(
        long sequence, long orderId, long accountId, long remainingLots, long releasedMargin,
        long accountReservedMargin) implements Event
    {
    }

    record RiskStateChanged(
        long sequence, long accountId, RiskState previousState, RiskState state, long equity, long initialMargin,
        long maintenanceMargin, RiskCause cause) implements Event
    {
    }

    record MarginRatesChanged(
        long sequence, int instrumentId, int initialMarginPpm, int maintenanceMarginPpm, int targetInitialMarginPpm,
        int targetMaintenanceMarginPpm) implements Event
    {
    }

    record RiskParametersChanged(long sequence, CommandType command, int instrumentId, long accountId)
        implements Event
    {
    }

    record CollateralMoved(
        long sequence, long accountId, boolean deposit, long amount, long cashAfter, long equityAfter)
        implements Event
    {
    }

    record CommandRefused(long sequence, long senderId, long commandSequence, CommandType command, Outcome outcome)
        implements Event
    {
    }

    final List<Event> events = new ArrayList<>();
    private long expectedNextSequence;

    /**
     * @param firstSequence the sequence the first recorded event must carry (1 for a fresh clearing house, the
     *                      restored event sequence + 1 after a snapshot load).
     */
    RecordingEvents(final long firstSequence)
    {
        expectedNextSequence = firstSequence;
    }

    RecordingEvents()
    {
        this(1);
    }

    int size()
    {
        return events.size();
    }

    Event last()
    {
        return events.get(events.size() - 1);
    }

    /**
     * @param fromIndex first index.
     * @return a copy of the events recorded from that index on.
     */
    List<Event> since(final int fromIndex)
    {
        return new ArrayList<>(events.subList(fromIndex, events.size()));
    }

    public void onInstrumentListed(final long eventSequence, final Instrument instrument)
    {
        add(new InstrumentListed(
            eventSequence, instrument.instrumentId(), instrument.symbol(), instrument.initialMarginPpm(),
            instrument.maintenanceMarginPpm(), instrument.tradeFeePpm(), instrument.tickSizeMicros(),
            instrument.lotSizeMicros(), instrument.tickValue(), instrument.markPriceTicks(),
            instrument.openInterestLots()));
    }

    public void onAccountOpened(final long eventSequence, final long accountId, final long memberId)
    {
        add(new AccountOpened(eventSequence, accountId, memberId));
    }

    public void onTradeCleared(
        final long eventSequence,
        final long exchangeId,
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots,
        final long buyerFee,
        final long sellerFee,
        final long buyerRealisedPnl,
        final long sellerRealisedPnl)
    {
        add(new TradeCleared(
            eventSequence, exchangeId, venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks,
            quantityLots, buyerFee, sellerFee, buyerRealisedPnl, sellerRealisedPnl));
    }

    public void onMarkPriceUpdated(
        final long eventSequence,
        final int instrumentId,
        final int sourceId,
        final long tickPriceTicks,
        final TickDecision decision,
        final long previousMarkTicks,
        final long markPriceTicks,
        final long indexPriceTicks,
        final int freshSources,
        final long othersMedianTicks)
    {
        add(new MarkPriceUpdated(
            eventSequence, instrumentId, sourceId, tickPriceTicks, decision, previousMarkTicks, markPriceTicks,
            indexPriceTicks, freshSources, othersMedianTicks));
    }

    public void onOrderAccepted(
        final long eventSequence,
        final long orderId,
        final long accountId,
        final int instrumentId,
        final boolean buy,
        final long lots,
        final long limitPriceTicks,
        final long reservedMargin,
        final long accountReservedMargin)
    {
        add(new OrderAccepted(
            eventSequence, orderId, accountId, instrumentId, buy, lots, limitPriceTicks, reservedMargin,
            accountReservedMargin));
    }

    public void onOrderFilled(
        final long eventSequence,
        final long orderId,
        final long accountId,
        final long filledLots,
        final long remainingLots,
        final long consumedMargin,
        final long reservedMargin,
        final long accountReservedMargin)
    {
        add(new OrderFilled(
            eventSequence, orderId, accountId, filledLots, remainingLots, consumedMargin, reservedMargin,
            accountReservedMargin));
    }

    public void onOrderCancelled(
        final long eventSequence,
        final long orderId,
        final long accountId,
        final long remainingLots,
        final long releasedMargin,
        final long accountReservedMargin)
    {
        add(new OrderCancelled(
            eventSequence, orderId, accountId, remainingLots, releasedMargin, accountReservedMargin));
    }

    public void onRiskStateChanged(
        final long eventSequence,
        final long accountId,
        final RiskState previousState,
        final RiskState state,
        final long equity,
        final long initialMargin,
        final long maintenanceMargin,
        final RiskCause cause)
    {
        add(new RiskStateChanged(
            eventSequence, accountId, previousState, state, equity, initialMargin, maintenanceMargin, cause));
    }

    public void onMarginRatesChanged(
        final long eventSequence,
        final int instrumentId,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int targetInitialMarginPpm,
        final int targetMaintenanceMarginPpm)
    {
        add(new MarginRatesChanged(
            eventSequence, instrumentId, initialMarginPpm, maintenanceMarginPpm, targetInitialMarginPpm,
            targetMaintenanceMarginPpm));
    }

    public void onRiskParametersChanged(
        final long eventSequence, final CommandType command, final int instrumentId, final long accountId)
    {
        add(new RiskParametersChanged(eventSequence, command, instrumentId, accountId));
    }

    public void onCollateralMoved(
        final long eventSequence,
        final long accountId,
        final boolean deposit,
        final long amount,
        final long cashAfter,
        final long equityAfter)
    {
        add(new CollateralMoved(eventSequence, accountId, deposit, amount, cashAfter, equityAfter));
    }

    public void onCommandRefused(
        final long eventSequence,
        final long senderId,
        final long sequence,
        final CommandType command,
        final Outcome outcome)
    {
        add(new CommandRefused(eventSequence, senderId, sequence, command, outcome));
    }

    // ---- liquidation events ----

    record LiquidationStarted(long sequence, long accountId, long equity, long maintenanceMargin,
        LiquidationCause cause) implements Event
    {
    }

    record SliceOffered(long sequence, long auctionId, long accountId, int instrumentId, long lots, long markTicks,
        long bankruptcyTicks, long equity, long maintenanceMargin) implements Event
    {
    }

    record AuctionStep(long sequence, long auctionId, int step, long priceTicks) implements Event
    {
    }

    record AuctionBid(long sequence, long auctionId, long blpAccountId, long priceTicks, long lots, Outcome outcome)
        implements Event
    {
    }

    record AuctionFill(long sequence, long auctionId, long accountId, long blpAccountId, int instrumentId,
        long priceTicks, long lots, long fee, long equityBefore, long maintenanceMarginBefore, long equityAfter,
        long maintenanceMarginAfter) implements Event
    {
    }

    record AuctionEnded(long sequence, long auctionId, long accountId, long filledLots, long unfilledLots,
        LiquidationCause cause) implements Event
    {
    }

    record PoolTakeover(long sequence, long accountId, long poolAccountId, int instrumentId, long lots,
        long markTicks, long bankruptcyTicks, long poolPayment, long insurancePayment, long equityBefore,
        long maintenanceMarginBefore, long equityAfter, long maintenanceMarginAfter) implements Event
    {
    }

    record TakeoverHeld(long sequence, long accountId, int instrumentId, long lots, long markTicks, long twapTicks,
        LiquidationCause cause) implements Event
    {
    }

    record LiquidationFeePaid(long sequence, long accountId, long amount, long insuranceFundAfter) implements Event
    {
    }

    record LiquidationEnded(long sequence, long accountId, long equity, long maintenanceMargin,
        LiquidationCause cause) implements Event
    {
    }

    record OpenDeficit(long sequence, long accountId, long deficit) implements Event
    {
    }

    record BlpRegistered(long sequence, long blpAccountId, long capacityNotional) implements Event
    {
    }

    record PoolCreated(long sequence, long poolAccountId, long ownerMemberId) implements Event
    {
    }

    record PoolDeposited(long sequence, long poolAccountId, long depositorAccountId, long amount, long sharesMinted,
        long totalShares, long navPerSharePpm) implements Event
    {
    }

    record PoolRedemptionRequested(long sequence, long poolAccountId, long depositorAccountId, long shares,
        long dueMs) implements Event
    {
    }

    record PoolRedeemed(long sequence, long poolAccountId, long depositorAccountId, long amount, long sharesBurned,
        long totalShares, long navPerSharePpm) implements Event
    {
    }

    record AutoDeleveraged(long sequence, long runId, long accountId, long counterpartyAccountId, int instrumentId,
        long lots, long priceTicks, long markTicks, long bankruptcyTicks, long defaulterPayment,
        long counterpartyReceipt, long feeAccountRemainder, long scorePpm, long pnlPpm, long leveragePpm, int rank,
        boolean lastResort, long counterpartyPositionBefore, long counterpartyPositionAfter, long remainingLots)
        implements Event
    {
    }

    record AutoDeleveragingEnded(long sequence, long runId, long accountId, int instrumentId, long lots,
        long closedLots, long remainingLots, int counterparties, int candidates, long priceTicks, long markTicks,
        long bankruptcyTicks, long defaulterPayment, long equityBefore, long maintenanceMarginBefore,
        long equityAfter, long maintenanceMarginAfter, LiquidationCause cause) implements Event
    {
    }

    record AutoDeleveragingModeChanged(long sequence, int instrumentId, AutoDeleveragingMode mode) implements Event
    {
    }

    <T extends Event> List<T> ofType(final Class<T> type)
    {
        final List<T> matching = new ArrayList<>();
        for (final Event event : events)
        {
            if (type.isInstance(event))
            {
                matching.add(type.cast(event));
            }
        }
        return matching;
    }

    public void onLiquidationStarted(
        final long eventSequence, final long accountId, final long equity, final long maintenanceMargin,
        final LiquidationCause cause)
    {
        add(new LiquidationStarted(eventSequence, accountId, equity, maintenanceMargin, cause));
    }

    public void onSliceOffered(
        final long eventSequence, final long auctionId, final long accountId, final int instrumentId,
        final long lots, final long markTicks, final long bankruptcyTicks, final long equity,
        final long maintenanceMargin)
    {
        add(new SliceOffered(
            eventSequence, auctionId, accountId, instrumentId, lots, markTicks, bankruptcyTicks, equity,
            maintenanceMargin));
    }

    public void onAuctionStep(final long eventSequence, final long auctionId, final int step, final long priceTicks)
    {
        add(new AuctionStep(eventSequence, auctionId, step, priceTicks));
    }

    public void onAuctionBid(
        final long eventSequence, final long auctionId, final long blpAccountId, final long priceTicks,
        final long lots, final Outcome outcome)
    {
        add(new AuctionBid(eventSequence, auctionId, blpAccountId, priceTicks, lots, outcome));
    }

    public void onAuctionFill(
        final long eventSequence, final long auctionId, final long accountId, final long blpAccountId,
        final int instrumentId, final long priceTicks, final long lots, final long fee, final long equityBefore,
        final long maintenanceMarginBefore, final long equityAfter, final long maintenanceMarginAfter)
    {
        add(new AuctionFill(
            eventSequence, auctionId, accountId, blpAccountId, instrumentId, priceTicks, lots, fee, equityBefore,
            maintenanceMarginBefore, equityAfter, maintenanceMarginAfter));
    }

    public void onAuctionEnded(
        final long eventSequence, final long auctionId, final long accountId, final long filledLots,
        final long unfilledLots, final LiquidationCause cause)
    {
        add(new AuctionEnded(eventSequence, auctionId, accountId, filledLots, unfilledLots, cause));
    }

    public void onPoolTakeover(
        final long eventSequence, final long accountId, final long poolAccountId, final int instrumentId,
        final long lots, final long markTicks, final long bankruptcyTicks, final long poolPayment,
        final long insurancePayment, final long equityBefore, final long maintenanceMarginBefore,
        final long equityAfter, final long maintenanceMarginAfter)
    {
        add(new PoolTakeover(
            eventSequence, accountId, poolAccountId, instrumentId, lots, markTicks, bankruptcyTicks, poolPayment,
            insurancePayment, equityBefore, maintenanceMarginBefore, equityAfter, maintenanceMarginAfter));
    }

    public void onTakeoverHeld(
        final long eventSequence, final long accountId, final int instrumentId, final long lots,
        final long markTicks, final long twapTicks, final LiquidationCause cause)
    {
        add(new TakeoverHeld(eventSequence, accountId, instrumentId, lots, markTicks, twapTicks, cause));
    }

    public void onLiquidationFee(
        final long eventSequence, final long accountId, final long amount, final long insuranceFundAfter)
    {
        add(new LiquidationFeePaid(eventSequence, accountId, amount, insuranceFundAfter));
    }

    public void onLiquidationEnded(
        final long eventSequence, final long accountId, final long equity, final long maintenanceMargin,
        final LiquidationCause cause)
    {
        add(new LiquidationEnded(eventSequence, accountId, equity, maintenanceMargin, cause));
    }

    public void onOpenDeficit(final long eventSequence, final long accountId, final long deficit)
    {
        add(new OpenDeficit(eventSequence, accountId, deficit));
    }

    public void onBlpRegistered(final long eventSequence, final long blpAccountId, final long capacityNotional)
    {
        add(new BlpRegistered(eventSequence, blpAccountId, capacityNotional));
    }

    public void onPoolCreated(final long eventSequence, final long poolAccountId, final long ownerMemberId)
    {
        add(new PoolCreated(eventSequence, poolAccountId, ownerMemberId));
    }

    public void onPoolDeposit(
        final long eventSequence, final long poolAccountId, final long depositorAccountId, final long amount,
        final long sharesMinted, final long totalShares, final long navPerSharePpm)
    {
        add(new PoolDeposited(
            eventSequence, poolAccountId, depositorAccountId, amount, sharesMinted, totalShares, navPerSharePpm));
    }

    public void onPoolRedemptionRequested(
        final long eventSequence, final long poolAccountId, final long depositorAccountId, final long shares,
        final long dueMs)
    {
        add(new PoolRedemptionRequested(eventSequence, poolAccountId, depositorAccountId, shares, dueMs));
    }

    public void onPoolRedemption(
        final long eventSequence, final long poolAccountId, final long depositorAccountId, final long amount,
        final long sharesBurned, final long totalShares, final long navPerSharePpm)
    {
        add(new PoolRedeemed(
            eventSequence, poolAccountId, depositorAccountId, amount, sharesBurned, totalShares, navPerSharePpm));
    }

    public void onAutoDeleveraged(
        final long eventSequence, final long runId, final long accountId, final long counterpartyAccountId,
        final int instrumentId, final long lots, final long priceTicks, final long markTicks,
        final long bankruptcyTicks, final long defaulterPayment, final long counterpartyReceipt,
        final long feeAccountRemainder, final long scorePpm, final long pnlPpm, final long leveragePpm,
        final int rank, final boolean lastResort, final long counterpartyPositionBefore,
        final long counterpartyPositionAfter, final long remainingLots)
    {
        add(new AutoDeleveraged(
            eventSequence, runId, accountId, counterpartyAccountId, instrumentId, lots, priceTicks, markTicks,
            bankruptcyTicks, defaulterPayment, counterpartyReceipt, feeAccountRemainder, scorePpm, pnlPpm,
            leveragePpm, rank, lastResort, counterpartyPositionBefore, counterpartyPositionAfter, remainingLots));
    }

    public void onAutoDeleveragingEnded(
        final long eventSequence, final long runId, final long accountId, final int instrumentId, final long lots,
        final long closedLots, final long remainingLots, final int counterparties, final int candidates,
        final long priceTicks, final long markTicks, final long bankruptcyTicks, final long defaulterPayment,
        final long equityBefore, final long maintenanceMarginBefore, final long equityAfter,
        final long maintenanceMarginAfter, final LiquidationCause cause)
    {
        add(new AutoDeleveragingEnded(
            eventSequence, runId, accountId, instrumentId, lots, closedLots, remainingLots, counterparties,
            candidates, priceTicks, markTicks, bankruptcyTicks, defaulterPayment, equityBefore,
            maintenanceMarginBefore, equityAfter, maintenanceMarginAfter, cause));
    }

    public void onAutoDeleveragingModeChanged(
        final long eventSequence, final int instrumentId, final AutoDeleveragingMode mode)
    {
        add(new AutoDeleveragingModeChanged(eventSequence, instrumentId, mode));
    }

    // ---- end of liquidation events ----

    // BEGIN waterfall events (generated)
    record DefaultFundContributed(long sequence, long memberId, long accountId, long amount, boolean collected, long cashAfter, long contributionAfter, long totalContributions) implements Event
    {
    }

    record CcpCapitalInjected(long sequence, long amount, long ccpCapitalAfter, long netDepositsAfter) implements Event
    {
    }

    record DefaultFundRecomputed(long sequence, dev.backstop.clearing.domain.DefaultFundRecomputeCause cause, long requirement, long totalContributions, long ccpCapital, long insuranceFund, long prefunded, long coverageRatio, int worstScenarioId, long firstMemberId, long firstUncovered, long secondMemberId, long secondUncovered) implements Event
    {
    }

    record MemberRequirementChanged(long sequence, long memberId, long previousRequirement, long requirement, long contribution, long stressLoss, long uncoveredStressLoss, long initialMargin) implements Event
    {
    }

    record DefaultFundCalled(long sequence, long callId, long memberId, dev.backstop.clearing.domain.DefaultFundCallCause cause, long amount, long requirement, long contribution, long deadline) implements Event
    {
    }

    record DefaultFundCallClosed(long sequence, long callId, long memberId, dev.backstop.clearing.domain.DefaultFundCallCause cause, long amount, long paid, long collected, long missed, long contributionAfter) implements Event
    {
    }

    record DefaultFundMemberFlagged(long sequence, long memberId, boolean flagged, long missed, long contribution, long requirement) implements Event
    {
    }

    record WaterfallStarted(long sequence, long accountId, long memberId, long deficit, long openWaterfalls) implements Event
    {
    }

    record WaterfallRung(long sequence, long accountId, long memberId, dev.backstop.clearing.domain.WaterfallRung rung, long absorbed, long remaining, long resourceAfter, long payerCount, long roundingToFee) implements Event
    {
    }

    record WaterfallCharge(long sequence, long accountId, dev.backstop.clearing.domain.WaterfallRung rung, long payerMemberId, long payerAccountId, long basis, long amount) implements Event
    {
    }

    record WaterfallClosed(long sequence, long accountId, long memberId, long deficit, long absorbedRung1, long absorbedRung2, long absorbedRung3, long absorbedRung4, long absorbedRung5, long absorbedRung6, long absorbedRung7, long attempts, long openWaterfalls) implements Event
    {
    }

    public void onDefaultFundContribution(
        final long eventSequence,
        final long memberId,
        final long accountId,
        final long amount,
        final boolean collected,
        final long cashAfter,
        final long contributionAfter,
        final long totalContributions)
    {
        add(new DefaultFundContributed(eventSequence, memberId, accountId, amount, collected, cashAfter, contributionAfter, totalContributions));
    }

    public void onCcpCapitalInjected(
        final long eventSequence,
        final long amount,
        final long ccpCapitalAfter,
        final long netDepositsAfter)
    {
        add(new CcpCapitalInjected(eventSequence, amount, ccpCapitalAfter, netDepositsAfter));
    }

    public void onDefaultFundRecomputed(
        final long eventSequence,
        final dev.backstop.clearing.domain.DefaultFundRecomputeCause cause,
        final long requirement,
        final long totalContributions,
        final long ccpCapital,
        final long insuranceFund,
        final long prefunded,
        final long coverageRatio,
        final int worstScenarioId,
        final long firstMemberId,
        final long firstUncovered,
        final long secondMemberId,
        final long secondUncovered)
    {
        add(new DefaultFundRecomputed(eventSequence, cause, requirement, totalContributions, ccpCapital, insuranceFund, prefunded, coverageRatio, worstScenarioId, firstMemberId, firstUncovered, secondMemberId, secondUncovered));
    }

    public void onMemberRequirementChanged(
        final long eventSequence,
        final long memberId,
        final long previousRequirement,
        final long requirement,
        final long contribution,
        final long stressLoss,
        final long uncoveredStressLoss,
        final long initialMargin)
    {
        add(new MemberRequirementChanged(eventSequence, memberId, previousRequirement, requirement, contribution, stressLoss, uncoveredStressLoss, initialMargin));
    }

    public void onDefaultFundCall(
        final long eventSequence,
        final long callId,
        final long memberId,
        final dev.backstop.clearing.domain.DefaultFundCallCause cause,
        final long amount,
        final long requirement,
        final long contribution,
        final long deadline)
    {
        add(new DefaultFundCalled(eventSequence, callId, memberId, cause, amount, requirement, contribution, deadline));
    }

    public void onDefaultFundCallClosed(
        final long eventSequence,
        final long callId,
        final long memberId,
        final dev.backstop.clearing.domain.DefaultFundCallCause cause,
        final long amount,
        final long paid,
        final long collected,
        final long missed,
        final long contributionAfter)
    {
        add(new DefaultFundCallClosed(eventSequence, callId, memberId, cause, amount, paid, collected, missed, contributionAfter));
    }

    public void onMemberFlagChanged(
        final long eventSequence,
        final long memberId,
        final boolean flagged,
        final long missed,
        final long contribution,
        final long requirement)
    {
        add(new DefaultFundMemberFlagged(eventSequence, memberId, flagged, missed, contribution, requirement));
    }

    public void onWaterfallStarted(
        final long eventSequence,
        final long accountId,
        final long memberId,
        final long deficit,
        final long openWaterfalls)
    {
        add(new WaterfallStarted(eventSequence, accountId, memberId, deficit, openWaterfalls));
    }

    public void onWaterfallRung(
        final long eventSequence,
        final long accountId,
        final long memberId,
        final dev.backstop.clearing.domain.WaterfallRung rung,
        final long absorbed,
        final long remaining,
        final long resourceAfter,
        final long payerCount,
        final long roundingToFee)
    {
        add(new WaterfallRung(eventSequence, accountId, memberId, rung, absorbed, remaining, resourceAfter, payerCount, roundingToFee));
    }

    public void onWaterfallCharge(
        final long eventSequence,
        final long accountId,
        final dev.backstop.clearing.domain.WaterfallRung rung,
        final long payerMemberId,
        final long payerAccountId,
        final long basis,
        final long amount)
    {
        add(new WaterfallCharge(eventSequence, accountId, rung, payerMemberId, payerAccountId, basis, amount));
    }

    public void onWaterfallClosed(
        final long eventSequence,
        final long accountId,
        final long memberId,
        final long deficit,
        final long absorbedRung1,
        final long absorbedRung2,
        final long absorbedRung3,
        final long absorbedRung4,
        final long absorbedRung5,
        final long absorbedRung6,
        final long absorbedRung7,
        final long attempts,
        final long openWaterfalls)
    {
        add(new WaterfallClosed(eventSequence, accountId, memberId, deficit, absorbedRung1, absorbedRung2, absorbedRung3, absorbedRung4, absorbedRung5, absorbedRung6, absorbedRung7, attempts, openWaterfalls));
    }

    // END waterfall events
    // ---- settlement and circuit breaker events (issue 4, S) ----

    record AccountSettled(
        long sequence, long cycleId, SettlementKind kind, int instrumentId, long accountId, long positionLots,
        long settlementPriceTicks, long variationMargin, long funding, long fees, long cashBefore, long cashAfter)
        implements Event
    {
    }

    record SettlementSummary(
        long sequence, long cycleId, SettlementKind kind, int instrumentId, long settlementPriceTicks,
        long indexPriceTicks, int premiumPpm, int fundingRatePpm, long periodStartMs, long paid, long received,
        long feeRemainder, long net, long accountsSettled, long accountsDeferred, long feesCollected,
        long realisedPaid, long realisedReceived) implements Event
    {
    }

    record BreakerTripped(
        long sequence, int instrumentId, long markPriceTicks, long previousMarkTicks, long highTicks, long lowTicks,
        long bandTicks, long settlementPriceTicks, long haltedUntilMs) implements Event
    {
    }

    record BreakerResumed(
        long sequence, int instrumentId, long markPriceTicks, boolean byOperator, long haltedSinceMs,
        long haltedUntilMs) implements Event
    {
    }

    public void onAccountSettled(
        final long eventSequence, final long cycleId, final SettlementKind kind, final int instrumentId,
        final long accountId, final long positionLots, final long settlementPriceTicks, final long variationMargin,
        final long funding, final long fees, final long cashBefore, final long cashAfter)
    {
        add(new AccountSettled(
            eventSequence, cycleId, kind, instrumentId, accountId, positionLots, settlementPriceTicks, variationMargin,
            funding, fees, cashBefore, cashAfter));
    }

    public void onSettlementSummary(
        final long eventSequence, final long cycleId, final SettlementKind kind, final int instrumentId,
        final long settlementPriceTicks, final long indexPriceTicks, final int premiumPpm, final int fundingRatePpm,
        final long periodStartMs, final long paid, final long received, final long feeRemainder, final long net,
        final long accountsSettled, final long accountsDeferred, final long feesCollected, final long realisedPaid,
        final long realisedReceived)
    {
        add(new SettlementSummary(
            eventSequence, cycleId, kind, instrumentId, settlementPriceTicks, indexPriceTicks, premiumPpm,
            fundingRatePpm, periodStartMs, paid, received, feeRemainder, net, accountsSettled, accountsDeferred,
            feesCollected, realisedPaid, realisedReceived));
    }

    public void onBreakerTripped(
        final long eventSequence, final int instrumentId, final long markPriceTicks, final long previousMarkTicks,
        final long highTicks, final long lowTicks, final long bandTicks, final long settlementPriceTicks,
        final long haltedUntilMs)
    {
        add(new BreakerTripped(
            eventSequence, instrumentId, markPriceTicks, previousMarkTicks, highTicks, lowTicks, bandTicks,
            settlementPriceTicks, haltedUntilMs));
    }

    public void onBreakerResumed(
        final long eventSequence, final int instrumentId, final long markPriceTicks, final boolean byOperator,
        final long haltedSinceMs, final long haltedUntilMs)
    {
        add(new BreakerResumed(eventSequence, instrumentId, markPriceTicks, byOperator, haltedSinceMs, haltedUntilMs));
    }

    private void add(final Event event)
    {
        if (event.sequence() != expectedNextSequence)
        {
            throw new AssertionError(
                "event sequence gap: expected " + expectedNextSequence + " but got " + event);
        }
        expectedNextSequence++;
        events.add(event);
    }
}
