package dev.backstop.clearing.service;

import dev.backstop.clearing.metrics.ServiceMetrics;
import dev.backstop.clearing.domain.ClearingEvents;
import dev.backstop.clearing.domain.CommandType;
import dev.backstop.clearing.domain.Instrument;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.clearing.domain.RiskCause;
import dev.backstop.clearing.domain.RiskState;
import dev.backstop.clearing.domain.TickDecision;
import dev.backstop.sbe.cluster.AccountMarginMethodCommandDecoder;
import dev.backstop.sbe.cluster.AuctionBidCommandDecoder;
import dev.backstop.sbe.cluster.AutoDeleveragingCommandDecoder;
import dev.backstop.sbe.cluster.CancelOrderCommandDecoder;
import dev.backstop.sbe.cluster.CreatePoolCommandDecoder;
import dev.backstop.sbe.cluster.InstrumentUnderlyingCommandDecoder;
import dev.backstop.sbe.cluster.LiquidationParametersCommandDecoder;
import dev.backstop.sbe.cluster.MarginBracketsCommandDecoder;
import dev.backstop.sbe.cluster.MarginRateCommandDecoder;
import dev.backstop.sbe.cluster.OpenInterestScalingCommandDecoder;
import dev.backstop.sbe.cluster.OracleParametersCommandDecoder;
import dev.backstop.sbe.cluster.OrderCommandDecoder;
import dev.backstop.sbe.cluster.PoolDepositCommandDecoder;
import dev.backstop.sbe.cluster.PoolRedemptionCommandDecoder;
import dev.backstop.sbe.cluster.RegisterBlpCommandDecoder;
import dev.backstop.sbe.cluster.UnderlyingScenariosCommandDecoder;
import dev.backstop.sbe.events.MarginRatesChangedEncoder;
import dev.backstop.sbe.events.OrderAcceptedEncoder;
import dev.backstop.sbe.events.OrderCancelledEncoder;
import dev.backstop.sbe.events.OrderFilledEncoder;
import dev.backstop.sbe.events.RiskParametersChangedEncoder;
import dev.backstop.sbe.events.RiskStateChangedEncoder;
import dev.backstop.sbe.events.Side;
import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandDecoder;
import dev.backstop.sbe.cluster.OpenAccountCommandDecoder;
import dev.backstop.sbe.cluster.PriceTickCommandDecoder;
import dev.backstop.sbe.cluster.QueryAccountCommandDecoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandDecoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import dev.backstop.sbe.cluster.WithdrawCommandDecoder;
import dev.backstop.sbe.events.AccountOpenedEncoder;
import dev.backstop.sbe.events.CollateralMovedEncoder;
import dev.backstop.sbe.events.CollateralMovement;
import dev.backstop.sbe.events.CommandRefusedEncoder;
import dev.backstop.sbe.events.InstrumentListedEncoder;
import dev.backstop.sbe.events.MarkPriceUpdatedEncoder;
import dev.backstop.sbe.events.MessageHeaderEncoder;
import dev.backstop.sbe.events.ResultCode;
import dev.backstop.sbe.events.TradeClearedEncoder;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes what the clearing house reports as event-stream messages (schema 103) and broadcasts each one to every
 * connected client session; gateways republish them to risk desks.
 * <p>
 * Every event carries the clearing house's event sequence plus the log position and cluster time of the command
 * that caused it, which the service sets before each command with {@link #causedBy(long, long)}: all three are the
 * same on every node, so a subscriber can switch gateways without loss or duplication.
 */
final class ClusterEventPublisher implements ClearingEvents
{
    private static final int[] TEMPLATE_ID_BY_COMMAND = new int[CommandType.values().length];

    static
    {
        for (final CommandType type : CommandType.values())
        {
            TEMPLATE_ID_BY_COMMAND[type.ordinal()] = commandTemplateId(type);
        }
    }

    private final Egress egress;
    private final EventHistory history;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TradeClearedEncoder tradeCleared = new TradeClearedEncoder();
    private final MarkPriceUpdatedEncoder markPriceUpdated = new MarkPriceUpdatedEncoder();
    private final CollateralMovedEncoder collateralMoved = new CollateralMovedEncoder();
    private final CommandRefusedEncoder commandRefused = new CommandRefusedEncoder();
    private final InstrumentListedEncoder instrumentListed = new InstrumentListedEncoder();
    private final AccountOpenedEncoder accountOpened = new AccountOpenedEncoder();
    private final OrderAcceptedEncoder orderAccepted = new OrderAcceptedEncoder();
    private final OrderFilledEncoder orderFilled = new OrderFilledEncoder();
    private final OrderCancelledEncoder orderCancelled = new OrderCancelledEncoder();
    private final RiskStateChangedEncoder riskStateChanged = new RiskStateChangedEncoder();
    private final MarginRatesChangedEncoder marginRatesChanged = new MarginRatesChangedEncoder();
    private final RiskParametersChangedEncoder riskParametersChanged = new RiskParametersChangedEncoder();

    // BEGIN liquidation encoders (generated)
    private final dev.backstop.sbe.events.LiquidationStartedEncoder liquidationStarted = new dev.backstop.sbe.events.LiquidationStartedEncoder();
    private final dev.backstop.sbe.events.SliceOfferedEncoder sliceOffered = new dev.backstop.sbe.events.SliceOfferedEncoder();
    private final dev.backstop.sbe.events.AuctionStepEncoder auctionStep = new dev.backstop.sbe.events.AuctionStepEncoder();
    private final dev.backstop.sbe.events.AuctionBidEncoder auctionBid = new dev.backstop.sbe.events.AuctionBidEncoder();
    private final dev.backstop.sbe.events.AuctionFillEncoder auctionFill = new dev.backstop.sbe.events.AuctionFillEncoder();
    private final dev.backstop.sbe.events.AuctionEndedEncoder auctionEnded = new dev.backstop.sbe.events.AuctionEndedEncoder();
    private final dev.backstop.sbe.events.PoolTakeoverEncoder poolTakeover = new dev.backstop.sbe.events.PoolTakeoverEncoder();
    private final dev.backstop.sbe.events.TakeoverHeldEncoder takeoverHeld = new dev.backstop.sbe.events.TakeoverHeldEncoder();
    private final dev.backstop.sbe.events.LiquidationFeeEncoder liquidationFee = new dev.backstop.sbe.events.LiquidationFeeEncoder();
    private final dev.backstop.sbe.events.LiquidationEndedEncoder liquidationEnded = new dev.backstop.sbe.events.LiquidationEndedEncoder();
    private final dev.backstop.sbe.events.OpenDeficitEncoder openDeficit = new dev.backstop.sbe.events.OpenDeficitEncoder();
    private final dev.backstop.sbe.events.BlpRegisteredEncoder blpRegistered = new dev.backstop.sbe.events.BlpRegisteredEncoder();
    private final dev.backstop.sbe.events.PoolCreatedEncoder poolCreated = new dev.backstop.sbe.events.PoolCreatedEncoder();
    private final dev.backstop.sbe.events.PoolDepositedEncoder poolDeposited = new dev.backstop.sbe.events.PoolDepositedEncoder();
    private final dev.backstop.sbe.events.PoolRedemptionRequestedEncoder poolRedemptionRequested = new dev.backstop.sbe.events.PoolRedemptionRequestedEncoder();
    private final dev.backstop.sbe.events.PoolRedeemedEncoder poolRedeemed = new dev.backstop.sbe.events.PoolRedeemedEncoder();
    // END liquidation encoders
    // BEGIN adl encoders (generated)
    private final dev.backstop.sbe.events.AutoDeleveragedEncoder autoDeleveraged = new dev.backstop.sbe.events.AutoDeleveragedEncoder();
    private final dev.backstop.sbe.events.AutoDeleveragingEndedEncoder autoDeleveragingEnded = new dev.backstop.sbe.events.AutoDeleveragingEndedEncoder();
    private final dev.backstop.sbe.events.AutoDeleveragingModeChangedEncoder autoDeleveragingModeChanged = new dev.backstop.sbe.events.AutoDeleveragingModeChangedEncoder();
    // END adl encoders
    // BEGIN waterfall encoders (generated)
    private final dev.backstop.sbe.events.DefaultFundContributedEncoder defaultFundContributed = new dev.backstop.sbe.events.DefaultFundContributedEncoder();
    private final dev.backstop.sbe.events.CcpCapitalInjectedEncoder ccpCapitalInjected = new dev.backstop.sbe.events.CcpCapitalInjectedEncoder();
    private final dev.backstop.sbe.events.DefaultFundRecomputedEncoder defaultFundRecomputed = new dev.backstop.sbe.events.DefaultFundRecomputedEncoder();
    private final dev.backstop.sbe.events.MemberRequirementChangedEncoder memberRequirementChanged = new dev.backstop.sbe.events.MemberRequirementChangedEncoder();
    private final dev.backstop.sbe.events.DefaultFundCalledEncoder defaultFundCalled = new dev.backstop.sbe.events.DefaultFundCalledEncoder();
    private final dev.backstop.sbe.events.DefaultFundCallClosedEncoder defaultFundCallClosed = new dev.backstop.sbe.events.DefaultFundCallClosedEncoder();
    private final dev.backstop.sbe.events.DefaultFundMemberFlaggedEncoder defaultFundMemberFlagged = new dev.backstop.sbe.events.DefaultFundMemberFlaggedEncoder();
    private final dev.backstop.sbe.events.WaterfallStartedEncoder waterfallStarted = new dev.backstop.sbe.events.WaterfallStartedEncoder();
    private final dev.backstop.sbe.events.WaterfallRungEncoder waterfallRung = new dev.backstop.sbe.events.WaterfallRungEncoder();
    private final dev.backstop.sbe.events.WaterfallChargeEncoder waterfallCharge = new dev.backstop.sbe.events.WaterfallChargeEncoder();
    private final dev.backstop.sbe.events.WaterfallClosedEncoder waterfallClosed = new dev.backstop.sbe.events.WaterfallClosedEncoder();
    // END waterfall encoders
    // BEGIN settlement encoders (generated)
    private final dev.backstop.sbe.events.AccountSettledEncoder accountSettled = new dev.backstop.sbe.events.AccountSettledEncoder();
    private final dev.backstop.sbe.events.SettlementSummaryEncoder settlementSummary = new dev.backstop.sbe.events.SettlementSummaryEncoder();
    private final dev.backstop.sbe.events.BreakerTrippedEncoder breakerTripped = new dev.backstop.sbe.events.BreakerTrippedEncoder();
    private final dev.backstop.sbe.events.BreakerResumedEncoder breakerResumed = new dev.backstop.sbe.events.BreakerResumedEncoder();
    // END settlement encoders

    private long logPosition;
    private long clusterTime;
    private long eventsPublished;
    private final ServiceMetrics metrics;

    ClusterEventPublisher(final Egress egress)
    {
        this(egress, new EventHistory(), new ServiceMetrics());
    }

    /**
     * @param egress  where events are broadcast.
     * @param history keeps every event published so gateways can replay what they missed.
     * @param metrics counts the events a metrics thread reports.
     */
    ClusterEventPublisher(final Egress egress, final EventHistory history, final ServiceMetrics metrics)
    {
        this.egress = egress;
        this.history = history;
        this.metrics = metrics;
    }

    EventHistory history()
    {
        return history;
    }

    /**
     * Sets the command the next events are caused by.
     *
     * @param logPosition log position of the command.
     * @param clusterTime cluster time of the command.
     */
    void causedBy(final long logPosition, final long clusterTime)
    {
        this.logPosition = logPosition;
        this.clusterTime = clusterTime;
    }

    long eventsPublished()
    {
        return eventsPublished;
    }

    static int commandTemplateId(final CommandType type)
    {
        switch (type)
        {
            case LIST_INSTRUMENT:
                return ListInstrumentCommandDecoder.TEMPLATE_ID;
            case OPEN_ACCOUNT:
                return OpenAccountCommandDecoder.TEMPLATE_ID;
            case DEPOSIT:
                return DepositCommandDecoder.TEMPLATE_ID;
            case WITHDRAW:
                return WithdrawCommandDecoder.TEMPLATE_ID;
            case TRADE:
                return TradeCommandDecoder.TEMPLATE_ID;
            case PRICE_TICK:
                return PriceTickCommandDecoder.TEMPLATE_ID;
            case QUERY_ACCOUNT:
                return QueryAccountCommandDecoder.TEMPLATE_ID;
            case QUERY_LEDGER:
                return QueryLedgerCommandDecoder.TEMPLATE_ID;
            case SUBMIT_ORDER:
                return OrderCommandDecoder.TEMPLATE_ID;
            case CANCEL_ORDER:
                return CancelOrderCommandDecoder.TEMPLATE_ID;
            case SET_ORACLE_PARAMETERS:
                return OracleParametersCommandDecoder.TEMPLATE_ID;
            case SET_MARGIN_BRACKETS:
                return MarginBracketsCommandDecoder.TEMPLATE_ID;
            case SET_OPEN_INTEREST_SCALING:
                return OpenInterestScalingCommandDecoder.TEMPLATE_ID;
            case SET_MARGIN_RATE:
                return MarginRateCommandDecoder.TEMPLATE_ID;
            case SET_ACCOUNT_MARGIN_METHOD:
                return AccountMarginMethodCommandDecoder.TEMPLATE_ID;
            case SET_UNDERLYING_SCENARIOS:
                return UnderlyingScenariosCommandDecoder.TEMPLATE_ID;
            case SET_INSTRUMENT_UNDERLYING:
                return InstrumentUnderlyingCommandDecoder.TEMPLATE_ID;
            case REGISTER_LIQUIDITY_PROVIDER:
                return RegisterBlpCommandDecoder.TEMPLATE_ID;
            case AUCTION_BID:
                return AuctionBidCommandDecoder.TEMPLATE_ID;
            case CREATE_POOL:
                return CreatePoolCommandDecoder.TEMPLATE_ID;
            case POOL_DEPOSIT:
                return PoolDepositCommandDecoder.TEMPLATE_ID;
            case POOL_REDEEM:
                return PoolRedemptionCommandDecoder.TEMPLATE_ID;
            case SET_LIQUIDATION_PARAMETERS:
                return LiquidationParametersCommandDecoder.TEMPLATE_ID;
            case SET_AUTO_DELEVERAGING:
                return AutoDeleveragingCommandDecoder.TEMPLATE_ID;
            // Issue 4, default fund and loss waterfall (W).
            case CONTRIBUTE_DEFAULT_FUND:
                return dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder.TEMPLATE_ID;
            case INJECT_CCP_CAPITAL:
                return dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder.TEMPLATE_ID;
            case SET_STRESS_SCENARIO:
                return dev.backstop.sbe.cluster.StressScenarioCommandDecoder.TEMPLATE_ID;
            case SET_DEFAULT_FUND_PARAMETERS:
                return dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder.TEMPLATE_ID;
            case SET_VARIATION_MARGIN_INTERVAL:
                return dev.backstop.sbe.cluster.VariationMarginIntervalCommandDecoder.TEMPLATE_ID;
            case SET_FUNDING_PARAMETERS:
                return dev.backstop.sbe.cluster.FundingParametersCommandDecoder.TEMPLATE_ID;
            case SET_CIRCUIT_BREAKER:
                return dev.backstop.sbe.cluster.CircuitBreakerCommandDecoder.TEMPLATE_ID;
            case RESUME_INSTRUMENT:
                return dev.backstop.sbe.cluster.ResumeInstrumentCommandDecoder.TEMPLATE_ID;
            default:
                // Commands added with the risk engine have no cluster template in this adapter yet.
                return 0;
        }
    }

    public void onInstrumentListed(final long eventSequence, final Instrument instrument)
    {
        // Listing is a rare operator command: encoding the symbol String is the one allocation accepted here.
        instrumentListed.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrument.instrumentId())
            .initialMarginPpm(instrument.initialMarginPpm())
            .maintenanceMarginPpm(instrument.maintenanceMarginPpm())
            .tradeFeePpm(instrument.tradeFeePpm())
            .tickSizeMicros(instrument.tickSizeMicros())
            .lotSizeMicros(instrument.lotSizeMicros())
            .tickValue(instrument.tickValue())
            .symbol(instrument.symbol());
        publish(instrumentListed.encodedLength());
    }

    public void onAccountOpened(final long eventSequence, final long accountId, final long memberId)
    {
        accountOpened.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .memberId(memberId);
        publish(accountOpened.encodedLength());
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
        tradeCleared.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .exchangeId(exchangeId)
            .venueTradeId(venueTradeId)
            .instrumentId(instrumentId)
            .buyAccountId(buyAccountId)
            .sellAccountId(sellAccountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots)
            .buyerFee(buyerFee)
            .sellerFee(sellerFee)
            .buyerRealisedPnl(buyerRealisedPnl)
            .sellerRealisedPnl(sellerRealisedPnl);
        publish(tradeCleared.encodedLength());
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
        markPriceUpdated.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrumentId)
            .sourceId(sourceId)
            .tickPriceTicks(tickPriceTicks)
            .decision(dev.backstop.sbe.events.TickDecision.get((short)decision.code()))
            .previousMarkTicks(previousMarkTicks)
            .markPriceTicks(markPriceTicks)
            .indexPriceTicks(indexPriceTicks)
            .freshSources(freshSources)
            .othersMedianTicks(othersMedianTicks);
        publish(markPriceUpdated.encodedLength());
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
        orderAccepted.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .orderId(orderId)
            .accountId(accountId)
            .instrumentId(instrumentId)
            .side(buy ? Side.BUY : Side.SELL)
            .quantityLots(lots)
            .limitPriceTicks(limitPriceTicks)
            .reservedMargin(reservedMargin)
            .accountReservedMargin(accountReservedMargin);
        publish(orderAccepted.encodedLength());
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
        orderFilled.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .orderId(orderId)
            .accountId(accountId)
            .filledLots(filledLots)
            .remainingLots(remainingLots)
            .consumedMargin(consumedMargin)
            .reservedMargin(reservedMargin)
            .accountReservedMargin(accountReservedMargin);
        publish(orderFilled.encodedLength());
    }

    public void onOrderCancelled(
        final long eventSequence,
        final long orderId,
        final long accountId,
        final long remainingLots,
        final long releasedMargin,
        final long accountReservedMargin)
    {
        orderCancelled.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .orderId(orderId)
            .accountId(accountId)
            .remainingLots(remainingLots)
            .releasedMargin(releasedMargin)
            .accountReservedMargin(accountReservedMargin);
        publish(orderCancelled.encodedLength());
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
        riskStateChanged.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .previousState(dev.backstop.sbe.events.RiskState.get((short)previousState.code()))
            .state(dev.backstop.sbe.events.RiskState.get((short)state.code()))
            .equity(equity)
            .initialMargin(initialMargin)
            .maintenanceMargin(maintenanceMargin)
            .cause(dev.backstop.sbe.events.RiskCause.get((short)cause.code()));
        publish(riskStateChanged.encodedLength());
    }

    public void onMarginRatesChanged(
        final long eventSequence,
        final int instrumentId,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int targetInitialMarginPpm,
        final int targetMaintenanceMarginPpm)
    {
        marginRatesChanged.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrumentId)
            .initialMarginPpm(initialMarginPpm)
            .maintenanceMarginPpm(maintenanceMarginPpm)
            .targetInitialMarginPpm(targetInitialMarginPpm)
            .targetMaintenanceMarginPpm(targetMaintenanceMarginPpm);
        publish(marginRatesChanged.encodedLength());
    }

    public void onRiskParametersChanged(
        final long eventSequence, final CommandType command, final int instrumentId, final long accountId)
    {
        riskParametersChanged.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .templateId(TEMPLATE_ID_BY_COMMAND[command.ordinal()])
            .instrumentId(instrumentId)
            .accountId(accountId);
        publish(riskParametersChanged.encodedLength());
    }

    public void onCollateralMoved(
        final long eventSequence,
        final long accountId,
        final boolean deposit,
        final long amount,
        final long cashAfter,
        final long equityAfter)
    {
        collateralMoved.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .movement(deposit ? CollateralMovement.DEPOSIT : CollateralMovement.WITHDRAWAL)
            .amount(amount)
            .cashAfter(cashAfter)
            .equityAfter(equityAfter);
        publish(collateralMoved.encodedLength());
    }

    public void onCommandRefused(
        final long eventSequence,
        final long senderId,
        final long sequence,
        final CommandType command,
        final Outcome outcome)
    {
        final byte[] reason = ReasonText.of(outcome);
        commandRefused.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .senderId(senderId)
            .sequence(sequence)
            .templateId(TEMPLATE_ID_BY_COMMAND[command.ordinal()])
            .resultCode(ResultCode.get(outcome.code()))
            .putReason(reason, 0, reason.length);
        publish(commandRefused.encodedLength());
    }

    // BEGIN liquidation events (generated)
    public void onLiquidationStarted(
        final long eventSequence,
        final long accountId,
        final long equity,
        final long maintenanceMargin,
        final dev.backstop.clearing.domain.LiquidationCause cause)
    {
        metrics.liquidationStarted();
        final dev.backstop.sbe.events.LiquidationStartedEncoder encoder = liquidationStarted;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .equity(equity)
            .maintenanceMargin(maintenanceMargin)
            .cause(dev.backstop.sbe.events.LiquidationCause.get((short)cause.code()));
        publish(encoder.encodedLength());
    }

    public void onSliceOffered(
        final long eventSequence,
        final long auctionId,
        final long accountId,
        final int instrumentId,
        final long lots,
        final long markTicks,
        final long bankruptcyTicks,
        final long equity,
        final long maintenanceMargin)
    {
        final dev.backstop.sbe.events.SliceOfferedEncoder encoder = sliceOffered;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .auctionId(auctionId)
            .accountId(accountId)
            .instrumentId(instrumentId)
            .quantityLots(lots)
            .markPriceTicks(markTicks)
            .bankruptcyPriceTicks(bankruptcyTicks)
            .equity(equity)
            .maintenanceMargin(maintenanceMargin);
        publish(encoder.encodedLength());
    }

    public void onAuctionStep(
        final long eventSequence,
        final long auctionId,
        final int step,
        final long priceTicks)
    {
        final dev.backstop.sbe.events.AuctionStepEncoder encoder = auctionStep;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .auctionId(auctionId)
            .step(step)
            .priceTicks(priceTicks);
        publish(encoder.encodedLength());
    }

    public void onAuctionBid(
        final long eventSequence,
        final long auctionId,
        final long blpAccountId,
        final long priceTicks,
        final long lots,
        final Outcome outcome)
    {
        final dev.backstop.sbe.events.AuctionBidEncoder encoder = auctionBid;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .auctionId(auctionId)
            .blpAccountId(blpAccountId)
            .priceTicks(priceTicks)
            .quantityLots(lots)
            .resultCode(ResultCode.get(outcome.code()));
        publish(encoder.encodedLength());
    }

    public void onAuctionFill(
        final long eventSequence,
        final long auctionId,
        final long accountId,
        final long blpAccountId,
        final int instrumentId,
        final long priceTicks,
        final long lots,
        final long fee,
        final long equityBefore,
        final long maintenanceMarginBefore,
        final long equityAfter,
        final long maintenanceMarginAfter)
    {
        metrics.auctionFill();
        final dev.backstop.sbe.events.AuctionFillEncoder encoder = auctionFill;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .auctionId(auctionId)
            .accountId(accountId)
            .blpAccountId(blpAccountId)
            .instrumentId(instrumentId)
            .priceTicks(priceTicks)
            .quantityLots(lots)
            .fee(fee)
            .equityBefore(equityBefore)
            .maintenanceMarginBefore(maintenanceMarginBefore)
            .equityAfter(equityAfter)
            .maintenanceMarginAfter(maintenanceMarginAfter);
        publish(encoder.encodedLength());
    }

    public void onAuctionEnded(
        final long eventSequence,
        final long auctionId,
        final long accountId,
        final long filledLots,
        final long unfilledLots,
        final dev.backstop.clearing.domain.LiquidationCause cause)
    {
        final dev.backstop.sbe.events.AuctionEndedEncoder encoder = auctionEnded;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .auctionId(auctionId)
            .accountId(accountId)
            .filledLots(filledLots)
            .unfilledLots(unfilledLots)
            .cause(dev.backstop.sbe.events.LiquidationCause.get((short)cause.code()));
        publish(encoder.encodedLength());
    }

    public void onPoolTakeover(
        final long eventSequence,
        final long accountId,
        final long poolAccountId,
        final int instrumentId,
        final long lots,
        final long markTicks,
        final long bankruptcyTicks,
        final long poolPayment,
        final long insurancePayment,
        final long equityBefore,
        final long maintenanceMarginBefore,
        final long equityAfter,
        final long maintenanceMarginAfter)
    {
        metrics.poolTakeover();
        final dev.backstop.sbe.events.PoolTakeoverEncoder encoder = poolTakeover;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .poolAccountId(poolAccountId)
            .instrumentId(instrumentId)
            .quantityLots(lots)
            .markPriceTicks(markTicks)
            .bankruptcyPriceTicks(bankruptcyTicks)
            .poolPayment(poolPayment)
            .insurancePayment(insurancePayment)
            .equityBefore(equityBefore)
            .maintenanceMarginBefore(maintenanceMarginBefore)
            .equityAfter(equityAfter)
            .maintenanceMarginAfter(maintenanceMarginAfter);
        publish(encoder.encodedLength());
    }

    public void onTakeoverHeld(
        final long eventSequence,
        final long accountId,
        final int instrumentId,
        final long lots,
        final long markTicks,
        final long twapTicks,
        final dev.backstop.clearing.domain.LiquidationCause cause)
    {
        final dev.backstop.sbe.events.TakeoverHeldEncoder encoder = takeoverHeld;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .instrumentId(instrumentId)
            .quantityLots(lots)
            .markPriceTicks(markTicks)
            .twapPriceTicks(twapTicks)
            .cause(dev.backstop.sbe.events.LiquidationCause.get((short)cause.code()));
        publish(encoder.encodedLength());
    }

    public void onLiquidationFee(
        final long eventSequence,
        final long accountId,
        final long amount,
        final long insuranceFundAfter)
    {
        final dev.backstop.sbe.events.LiquidationFeeEncoder encoder = liquidationFee;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .amount(amount)
            .insuranceFundAfter(insuranceFundAfter);
        publish(encoder.encodedLength());
    }

    public void onLiquidationEnded(
        final long eventSequence,
        final long accountId,
        final long equity,
        final long maintenanceMargin,
        final dev.backstop.clearing.domain.LiquidationCause cause)
    {
        final dev.backstop.sbe.events.LiquidationEndedEncoder encoder = liquidationEnded;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .equity(equity)
            .maintenanceMargin(maintenanceMargin)
            .cause(dev.backstop.sbe.events.LiquidationCause.get((short)cause.code()));
        publish(encoder.encodedLength());
    }

    public void onOpenDeficit(
        final long eventSequence,
        final long accountId,
        final long deficit)
    {
        final dev.backstop.sbe.events.OpenDeficitEncoder encoder = openDeficit;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .deficit(deficit);
        publish(encoder.encodedLength());
    }

    public void onBlpRegistered(
        final long eventSequence,
        final long blpAccountId,
        final long capacityNotional)
    {
        final dev.backstop.sbe.events.BlpRegisteredEncoder encoder = blpRegistered;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .blpAccountId(blpAccountId)
            .capacityNotional(capacityNotional);
        publish(encoder.encodedLength());
    }

    public void onPoolCreated(
        final long eventSequence,
        final long poolAccountId,
        final long ownerMemberId)
    {
        final dev.backstop.sbe.events.PoolCreatedEncoder encoder = poolCreated;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .poolAccountId(poolAccountId)
            .ownerMemberId(ownerMemberId);
        publish(encoder.encodedLength());
    }

    public void onPoolDeposit(
        final long eventSequence,
        final long poolAccountId,
        final long depositorAccountId,
        final long amount,
        final long sharesMinted,
        final long totalShares,
        final long navPerSharePpm)
    {
        final dev.backstop.sbe.events.PoolDepositedEncoder encoder = poolDeposited;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .poolAccountId(poolAccountId)
            .depositorAccountId(depositorAccountId)
            .amount(amount)
            .sharesMinted(sharesMinted)
            .totalShares(totalShares)
            .navPerSharePpm(navPerSharePpm);
        publish(encoder.encodedLength());
    }

    public void onPoolRedemptionRequested(
        final long eventSequence,
        final long poolAccountId,
        final long depositorAccountId,
        final long shares,
        final long dueMs)
    {
        final dev.backstop.sbe.events.PoolRedemptionRequestedEncoder encoder = poolRedemptionRequested;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .poolAccountId(poolAccountId)
            .depositorAccountId(depositorAccountId)
            .shares(shares)
            .dueTime(dueMs);
        publish(encoder.encodedLength());
    }

    public void onPoolRedemption(
        final long eventSequence,
        final long poolAccountId,
        final long depositorAccountId,
        final long amount,
        final long sharesBurned,
        final long totalShares,
        final long navPerSharePpm)
    {
        final dev.backstop.sbe.events.PoolRedeemedEncoder encoder = poolRedeemed;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .poolAccountId(poolAccountId)
            .depositorAccountId(depositorAccountId)
            .amount(amount)
            .sharesBurned(sharesBurned)
            .totalShares(totalShares)
            .navPerSharePpm(navPerSharePpm);
        publish(encoder.encodedLength());
    }

    // END liquidation events
    // BEGIN adl events (generated)
    public void onAutoDeleveraged(
        final long eventSequence,
        final long runId,
        final long accountId,
        final long counterpartyAccountId,
        final int instrumentId,
        final long lots,
        final long priceTicks,
        final long markTicks,
        final long bankruptcyTicks,
        final long defaulterPayment,
        final long counterpartyReceipt,
        final long feeAccountRemainder,
        final long scorePpm,
        final long pnlPpm,
        final long leveragePpm,
        final int rank,
        final boolean lastResort,
        final long counterpartyPositionBefore,
        final long counterpartyPositionAfter,
        final long remainingLots)
    {
        metrics.autoDeleveraged();
        autoDeleveraged.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .runId(runId)
            .accountId(accountId)
            .counterpartyAccountId(counterpartyAccountId)
            .instrumentId(instrumentId)
            .quantityLots(lots)
            .priceTicks(priceTicks)
            .markPriceTicks(markTicks)
            .bankruptcyPriceTicks(bankruptcyTicks)
            .defaulterPayment(defaulterPayment)
            .counterpartyReceipt(counterpartyReceipt)
            .feeAccountRemainder(feeAccountRemainder)
            .scorePpm(scorePpm)
            .pnlPpm(pnlPpm)
            .leveragePpm(leveragePpm)
            .rank(rank)
            .lastResort(lastResort ? dev.backstop.sbe.events.BooleanType.TRUE : dev.backstop.sbe.events.BooleanType.FALSE)
            .counterpartyPositionBeforeLots(counterpartyPositionBefore)
            .counterpartyPositionAfterLots(counterpartyPositionAfter)
            .remainingLots(remainingLots);
        publish(autoDeleveraged.encodedLength());
    }

    public void onAutoDeleveragingEnded(
        final long eventSequence,
        final long runId,
        final long accountId,
        final int instrumentId,
        final long lots,
        final long closedLots,
        final long remainingLots,
        final int counterparties,
        final int candidates,
        final long priceTicks,
        final long markTicks,
        final long bankruptcyTicks,
        final long defaulterPayment,
        final long equityBefore,
        final long maintenanceMarginBefore,
        final long equityAfter,
        final long maintenanceMarginAfter,
        final dev.backstop.clearing.domain.LiquidationCause cause)
    {
        autoDeleveragingEnded.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .runId(runId)
            .accountId(accountId)
            .instrumentId(instrumentId)
            .quantityLots(lots)
            .closedLots(closedLots)
            .remainingLots(remainingLots)
            .counterparties(counterparties)
            .candidates(candidates)
            .priceTicks(priceTicks)
            .markPriceTicks(markTicks)
            .bankruptcyPriceTicks(bankruptcyTicks)
            .defaulterPayment(defaulterPayment)
            .equityBefore(equityBefore)
            .maintenanceMarginBefore(maintenanceMarginBefore)
            .equityAfter(equityAfter)
            .maintenanceMarginAfter(maintenanceMarginAfter)
            .cause(dev.backstop.sbe.events.LiquidationCause.get((short)cause.code()));
        publish(autoDeleveragingEnded.encodedLength());
    }

    public void onAutoDeleveragingModeChanged(
        final long eventSequence,
        final int instrumentId,
        final dev.backstop.clearing.domain.AutoDeleveragingMode mode)
    {
        autoDeleveragingModeChanged.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrumentId)
            .mode(dev.backstop.sbe.events.AutoDeleveragingMode.get((short)mode.code()));
        publish(autoDeleveragingModeChanged.encodedLength());
    }

    // END adl events
    // BEGIN waterfall events (generated)
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
        final dev.backstop.sbe.events.DefaultFundContributedEncoder encoder = defaultFundContributed;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .memberId(memberId)
            .accountId(accountId)
            .amount(amount)
            .collected(collected ? dev.backstop.sbe.events.BooleanType.TRUE : dev.backstop.sbe.events.BooleanType.FALSE)
            .cashAfter(cashAfter)
            .contributionAfter(contributionAfter)
            .totalContributions(totalContributions);
        publish(encoder.encodedLength());
    }

    public void onCcpCapitalInjected(
        final long eventSequence,
        final long amount,
        final long ccpCapitalAfter,
        final long netDepositsAfter)
    {
        final dev.backstop.sbe.events.CcpCapitalInjectedEncoder encoder = ccpCapitalInjected;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .amount(amount)
            .ccpCapitalAfter(ccpCapitalAfter)
            .netDepositsAfter(netDepositsAfter);
        publish(encoder.encodedLength());
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
        final dev.backstop.sbe.events.DefaultFundRecomputedEncoder encoder = defaultFundRecomputed;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .cause(dev.backstop.sbe.events.DefaultFundRecomputeCause.get((short)cause.code()))
            .requirement(requirement)
            .totalContributions(totalContributions)
            .ccpCapital(ccpCapital)
            .insuranceFund(insuranceFund)
            .prefunded(prefunded)
            .coverageRatio(coverageRatio)
            .worstScenarioId(worstScenarioId)
            .firstMemberId(firstMemberId)
            .firstUncovered(firstUncovered)
            .secondMemberId(secondMemberId)
            .secondUncovered(secondUncovered);
        publish(encoder.encodedLength());
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
        final dev.backstop.sbe.events.MemberRequirementChangedEncoder encoder = memberRequirementChanged;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .memberId(memberId)
            .previousRequirement(previousRequirement)
            .requirement(requirement)
            .contribution(contribution)
            .stressLoss(stressLoss)
            .uncoveredStressLoss(uncoveredStressLoss)
            .initialMargin(initialMargin);
        publish(encoder.encodedLength());
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
        final dev.backstop.sbe.events.DefaultFundCalledEncoder encoder = defaultFundCalled;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .callId(callId)
            .memberId(memberId)
            .cause(dev.backstop.sbe.events.DefaultFundCallCause.get((short)cause.code()))
            .amount(amount)
            .requirement(requirement)
            .contribution(contribution)
            .deadline(deadline);
        publish(encoder.encodedLength());
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
        final dev.backstop.sbe.events.DefaultFundCallClosedEncoder encoder = defaultFundCallClosed;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .callId(callId)
            .memberId(memberId)
            .cause(dev.backstop.sbe.events.DefaultFundCallCause.get((short)cause.code()))
            .amount(amount)
            .paid(paid)
            .collected(collected)
            .missed(missed)
            .contributionAfter(contributionAfter);
        publish(encoder.encodedLength());
    }

    public void onMemberFlagChanged(
        final long eventSequence,
        final long memberId,
        final boolean flagged,
        final long missed,
        final long contribution,
        final long requirement)
    {
        final dev.backstop.sbe.events.DefaultFundMemberFlaggedEncoder encoder = defaultFundMemberFlagged;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .memberId(memberId)
            .flagged(flagged ? dev.backstop.sbe.events.BooleanType.TRUE : dev.backstop.sbe.events.BooleanType.FALSE)
            .missed(missed)
            .contribution(contribution)
            .requirement(requirement);
        publish(encoder.encodedLength());
    }

    public void onWaterfallStarted(
        final long eventSequence,
        final long accountId,
        final long memberId,
        final long deficit,
        final long openWaterfalls)
    {
        final dev.backstop.sbe.events.WaterfallStartedEncoder encoder = waterfallStarted;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .memberId(memberId)
            .deficit(deficit)
            .openWaterfalls(openWaterfalls);
        publish(encoder.encodedLength());
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
        final dev.backstop.sbe.events.WaterfallRungEncoder encoder = waterfallRung;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .memberId(memberId)
            .rung(dev.backstop.sbe.events.WaterfallRung.get((short)rung.code()))
            .absorbed(absorbed)
            .remaining(remaining)
            .resourceAfter(resourceAfter)
            .payerCount(payerCount)
            .roundingToFee(roundingToFee);
        publish(encoder.encodedLength());
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
        final dev.backstop.sbe.events.WaterfallChargeEncoder encoder = waterfallCharge;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .rung(dev.backstop.sbe.events.WaterfallRung.get((short)rung.code()))
            .payerMemberId(payerMemberId)
            .payerAccountId(payerAccountId)
            .basis(basis)
            .amount(amount);
        publish(encoder.encodedLength());
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
        final dev.backstop.sbe.events.WaterfallClosedEncoder encoder = waterfallClosed;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .accountId(accountId)
            .memberId(memberId)
            .deficit(deficit)
            .absorbedRung1(absorbedRung1)
            .absorbedRung2(absorbedRung2)
            .absorbedRung3(absorbedRung3)
            .absorbedRung4(absorbedRung4)
            .absorbedRung5(absorbedRung5)
            .absorbedRung6(absorbedRung6)
            .absorbedRung7(absorbedRung7)
            .attempts(attempts)
            .openWaterfalls(openWaterfalls);
        publish(encoder.encodedLength());
    }

    // END waterfall events
    // BEGIN settlement events (generated)
    public void onAccountSettled(
        final long eventSequence,
        final long cycleId,
        final dev.backstop.clearing.domain.SettlementKind kind,
        final int instrumentId,
        final long accountId,
        final long positionLots,
        final long settlementPriceTicks,
        final long variationMargin,
        final long funding,
        final long fees,
        final long cashBefore,
        final long cashAfter)
    {
        final dev.backstop.sbe.events.AccountSettledEncoder encoder = accountSettled;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .cycleId(cycleId)
            .kind(dev.backstop.sbe.events.SettlementKind.get((short)kind.code()))
            .instrumentId(instrumentId)
            .accountId(accountId)
            .positionLots(positionLots)
            .settlementPriceTicks(settlementPriceTicks)
            .variationMargin(variationMargin)
            .funding(funding)
            .fees(fees)
            .cashBefore(cashBefore)
            .cashAfter(cashAfter);
        publish(encoder.encodedLength());
    }

    public void onSettlementSummary(
        final long eventSequence,
        final long cycleId,
        final dev.backstop.clearing.domain.SettlementKind kind,
        final int instrumentId,
        final long settlementPriceTicks,
        final long indexPriceTicks,
        final int premiumPpm,
        final int fundingRatePpm,
        final long periodStartMs,
        final long paid,
        final long received,
        final long feeRemainder,
        final long net,
        final long accountsSettled,
        final long accountsDeferred,
        final long feesCollected,
        final long realisedPaid,
        final long realisedReceived)
    {
        final dev.backstop.sbe.events.SettlementSummaryEncoder encoder = settlementSummary;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .cycleId(cycleId)
            .kind(dev.backstop.sbe.events.SettlementKind.get((short)kind.code()))
            .instrumentId(instrumentId)
            .settlementPriceTicks(settlementPriceTicks)
            .indexPriceTicks(indexPriceTicks)
            .premiumPpm(premiumPpm)
            .fundingRatePpm(fundingRatePpm)
            .periodStartMs(periodStartMs)
            .paid(paid)
            .received(received)
            .feeRemainder(feeRemainder)
            .net(net)
            .accountsSettled(accountsSettled)
            .accountsDeferred(accountsDeferred)
            .feesCollected(feesCollected)
            .realisedPaid(realisedPaid)
            .realisedReceived(realisedReceived);
        publish(encoder.encodedLength());
    }

    public void onBreakerTripped(
        final long eventSequence,
        final int instrumentId,
        final long markPriceTicks,
        final long previousMarkTicks,
        final long highTicks,
        final long lowTicks,
        final long bandTicks,
        final long settlementPriceTicks,
        final long haltedUntilMs)
    {
        final dev.backstop.sbe.events.BreakerTrippedEncoder encoder = breakerTripped;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrumentId)
            .markPriceTicks(markPriceTicks)
            .previousMarkTicks(previousMarkTicks)
            .highTicks(highTicks)
            .lowTicks(lowTicks)
            .bandTicks(bandTicks)
            .settlementPriceTicks(settlementPriceTicks)
            .haltedUntilMs(haltedUntilMs);
        publish(encoder.encodedLength());
    }

    public void onBreakerResumed(
        final long eventSequence,
        final int instrumentId,
        final long markPriceTicks,
        final boolean byOperator,
        final long haltedSinceMs,
        final long haltedUntilMs)
    {
        final dev.backstop.sbe.events.BreakerResumedEncoder encoder = breakerResumed;
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventSequence(eventSequence)
            .logPosition(logPosition)
            .clusterTime(clusterTime)
            .instrumentId(instrumentId)
            .markPriceTicks(markPriceTicks)
            .resumedBy(byOperator ? dev.backstop.sbe.events.BreakerResumeCause.OPERATOR : dev.backstop.sbe.events.BreakerResumeCause.AUTOMATIC)
            .haltedSinceMs(haltedSinceMs)
            .haltedUntilMs(haltedUntilMs);
        publish(encoder.encodedLength());
    }

    // END settlement events
    private void publish(final int messageLength)
    {
        eventsPublished++;
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + messageLength;
        // Every event's root block starts with eventSequence (event-stream.xml).
        history.append(
            buffer.getLong(MessageHeaderEncoder.ENCODED_LENGTH, java.nio.ByteOrder.LITTLE_ENDIAN), buffer, 0, length);
        egress.broadcast(buffer, 0, length);
    }
}
