package dev.backstop.gateway.client;

import dev.backstop.sbe.events.AccountOpenedDecoder;
import dev.backstop.sbe.events.CollateralMovedDecoder;
import dev.backstop.sbe.events.CommandRefusedDecoder;
import dev.backstop.sbe.events.InstrumentListedDecoder;
import dev.backstop.sbe.events.MarkPriceUpdatedDecoder;
import dev.backstop.sbe.events.MessageHeaderDecoder;
import dev.backstop.sbe.events.OrderAcceptedDecoder;
import dev.backstop.sbe.events.OrderFilledDecoder;
import dev.backstop.sbe.events.OrderCancelledDecoder;
import dev.backstop.sbe.events.RiskStateChangedDecoder;
import dev.backstop.sbe.events.MarginRatesChangedDecoder;
import dev.backstop.sbe.events.RiskParametersChangedDecoder;
import dev.backstop.sbe.events.TradeClearedDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Renders any event-stream message (schema 103) as one line of JSON, for risk desks' tools, the CLI and logs.
 * <p>
 * Field names are stable. Every line starts with {@code seq} (eventSequence), {@code type} (the message name),
 * {@code logPosition} and {@code clusterTime} (ms), then the event's fields. Units are in the names: money in
 * micro-units of the settlement asset ends in {@code Micros} ({@code amountMicros}, {@code buyerFeeMicros}), prices
 * in ticks end in {@code Ticks}, quantities in lots end in {@code Lots}, rates in parts per million end in
 * {@code Ppm}. Enumerations are their names as strings. A message this version does not know renders as
 * {@code {"type":"Unknown","schemaId":..,"templateId":..,"length":..}}; a truncated one as
 * {@code {"type":"Malformed",...}}. Rendering never throws.
 * <p>
 * An instance reuses its decoders and builder (not thread-safe); {@link #toJson} is a convenience that allocates.
 */
public final class EventJson
{
    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TradeClearedDecoder tradeCleared = new TradeClearedDecoder();
    private final MarkPriceUpdatedDecoder markPriceUpdated = new MarkPriceUpdatedDecoder();
    private final CollateralMovedDecoder collateralMoved = new CollateralMovedDecoder();
    private final CommandRefusedDecoder commandRefused = new CommandRefusedDecoder();
    private final InstrumentListedDecoder instrumentListed = new InstrumentListedDecoder();
    private final AccountOpenedDecoder accountOpened = new AccountOpenedDecoder();
    private final OrderAcceptedDecoder orderAccepted = new OrderAcceptedDecoder();
    private final OrderFilledDecoder orderFilled = new OrderFilledDecoder();
    private final OrderCancelledDecoder orderCancelled = new OrderCancelledDecoder();
    private final RiskStateChangedDecoder riskStateChanged = new RiskStateChangedDecoder();
    private final MarginRatesChangedDecoder marginRatesChanged = new MarginRatesChangedDecoder();
    private final RiskParametersChangedDecoder riskParametersChanged = new RiskParametersChangedDecoder();
    // BEGIN liquidation decoders (generated)
    private final dev.backstop.sbe.events.LiquidationStartedDecoder liquidationStarted = new dev.backstop.sbe.events.LiquidationStartedDecoder();
    private final dev.backstop.sbe.events.SliceOfferedDecoder sliceOffered = new dev.backstop.sbe.events.SliceOfferedDecoder();
    private final dev.backstop.sbe.events.AuctionStepDecoder auctionStep = new dev.backstop.sbe.events.AuctionStepDecoder();
    private final dev.backstop.sbe.events.AuctionBidDecoder auctionBid = new dev.backstop.sbe.events.AuctionBidDecoder();
    private final dev.backstop.sbe.events.AuctionFillDecoder auctionFill = new dev.backstop.sbe.events.AuctionFillDecoder();
    private final dev.backstop.sbe.events.AuctionEndedDecoder auctionEnded = new dev.backstop.sbe.events.AuctionEndedDecoder();
    private final dev.backstop.sbe.events.PoolTakeoverDecoder poolTakeover = new dev.backstop.sbe.events.PoolTakeoverDecoder();
    private final dev.backstop.sbe.events.TakeoverHeldDecoder takeoverHeld = new dev.backstop.sbe.events.TakeoverHeldDecoder();
    private final dev.backstop.sbe.events.LiquidationFeeDecoder liquidationFee = new dev.backstop.sbe.events.LiquidationFeeDecoder();
    private final dev.backstop.sbe.events.LiquidationEndedDecoder liquidationEnded = new dev.backstop.sbe.events.LiquidationEndedDecoder();
    private final dev.backstop.sbe.events.OpenDeficitDecoder openDeficit = new dev.backstop.sbe.events.OpenDeficitDecoder();
    private final dev.backstop.sbe.events.BlpRegisteredDecoder blpRegistered = new dev.backstop.sbe.events.BlpRegisteredDecoder();
    private final dev.backstop.sbe.events.PoolCreatedDecoder poolCreated = new dev.backstop.sbe.events.PoolCreatedDecoder();
    private final dev.backstop.sbe.events.PoolDepositedDecoder poolDeposited = new dev.backstop.sbe.events.PoolDepositedDecoder();
    private final dev.backstop.sbe.events.PoolRedemptionRequestedDecoder poolRedemptionRequested = new dev.backstop.sbe.events.PoolRedemptionRequestedDecoder();
    private final dev.backstop.sbe.events.PoolRedeemedDecoder poolRedeemed = new dev.backstop.sbe.events.PoolRedeemedDecoder();
    // END liquidation decoders
    // BEGIN adl decoders (generated)
    private final dev.backstop.sbe.events.AutoDeleveragedDecoder autoDeleveraged = new dev.backstop.sbe.events.AutoDeleveragedDecoder();
    private final dev.backstop.sbe.events.AutoDeleveragingEndedDecoder autoDeleveragingEnded = new dev.backstop.sbe.events.AutoDeleveragingEndedDecoder();
    private final dev.backstop.sbe.events.AutoDeleveragingModeChangedDecoder autoDeleveragingModeChanged = new dev.backstop.sbe.events.AutoDeleveragingModeChangedDecoder();
    // END adl decoders
    // BEGIN waterfall decoders (generated)
    private final dev.backstop.sbe.events.DefaultFundContributedDecoder defaultFundContributed = new dev.backstop.sbe.events.DefaultFundContributedDecoder();
    private final dev.backstop.sbe.events.CcpCapitalInjectedDecoder ccpCapitalInjected = new dev.backstop.sbe.events.CcpCapitalInjectedDecoder();
    private final dev.backstop.sbe.events.DefaultFundRecomputedDecoder defaultFundRecomputed = new dev.backstop.sbe.events.DefaultFundRecomputedDecoder();
    private final dev.backstop.sbe.events.MemberRequirementChangedDecoder memberRequirementChanged = new dev.backstop.sbe.events.MemberRequirementChangedDecoder();
    private final dev.backstop.sbe.events.DefaultFundCalledDecoder defaultFundCalled = new dev.backstop.sbe.events.DefaultFundCalledDecoder();
    private final dev.backstop.sbe.events.DefaultFundCallClosedDecoder defaultFundCallClosed = new dev.backstop.sbe.events.DefaultFundCallClosedDecoder();
    private final dev.backstop.sbe.events.DefaultFundMemberFlaggedDecoder defaultFundMemberFlagged = new dev.backstop.sbe.events.DefaultFundMemberFlaggedDecoder();
    private final dev.backstop.sbe.events.WaterfallStartedDecoder waterfallStarted = new dev.backstop.sbe.events.WaterfallStartedDecoder();
    private final dev.backstop.sbe.events.WaterfallRungDecoder waterfallRung = new dev.backstop.sbe.events.WaterfallRungDecoder();
    private final dev.backstop.sbe.events.WaterfallChargeDecoder waterfallCharge = new dev.backstop.sbe.events.WaterfallChargeDecoder();
    private final dev.backstop.sbe.events.WaterfallClosedDecoder waterfallClosed = new dev.backstop.sbe.events.WaterfallClosedDecoder();
    // END waterfall decoders
    // BEGIN settlement decoders (generated)
    private final dev.backstop.sbe.events.AccountSettledDecoder accountSettled = new dev.backstop.sbe.events.AccountSettledDecoder();
    private final dev.backstop.sbe.events.SettlementSummaryDecoder settlementSummary = new dev.backstop.sbe.events.SettlementSummaryDecoder();
    private final dev.backstop.sbe.events.BreakerTrippedDecoder breakerTripped = new dev.backstop.sbe.events.BreakerTrippedDecoder();
    private final dev.backstop.sbe.events.BreakerResumedDecoder breakerResumed = new dev.backstop.sbe.events.BreakerResumedDecoder();
    // END settlement decoders
    private final StringBuilder builder = new StringBuilder(256);

    /**
     * Renders one event (allocating a renderer; use an instance in a loop).
     *
     * @param buffer holding the event.
     * @param offset of its message header.
     * @param length of the event.
     * @return one line of JSON, no trailing newline.
     */
    public static String toJson(final DirectBuffer buffer, final int offset, final int length)
    {
        return new EventJson().render(buffer, offset, length);
    }

    /**
     * Renders one event.
     *
     * @param buffer holding the event.
     * @param offset of its message header.
     * @param length of the event.
     * @return one line of JSON, no trailing newline.
     */
    public String render(final DirectBuffer buffer, final int offset, final int length)
    {
        builder.setLength(0);
        appendTo(builder, buffer, offset, length);
        return builder.toString();
    }

    /**
     * Appends one event as JSON.
     *
     * @param out    where to append.
     * @param buffer holding the event.
     * @param offset of its message header.
     * @param length of the event.
     * @return out.
     */
    public StringBuilder appendTo(final StringBuilder out, final DirectBuffer buffer, final int offset, final int length)
    {
        final int start = out.length();
        try
        {
            if (length < HEADER_LENGTH)
            {
                return malformed(out, start, -1, length);
            }
            header.wrap(buffer, offset);
            final int templateId = header.templateId();
            final int blockLength = header.blockLength();
            final int version = header.version();
            if (MessageHeaderDecoder.SCHEMA_ID != header.schemaId())
            {
                return unknown(out, header.schemaId(), templateId, length);
            }
            if (length - HEADER_LENGTH < blockLength || blockLength < 24)
            {
                return malformed(out, start, templateId, length);
            }

            final int body = offset + HEADER_LENGTH;
            final int end = offset + length;
            switch (templateId)
            {
                case TradeClearedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < TradeClearedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final TradeClearedDecoder d = tradeCleared.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "TradeCleared", d.logPosition(), d.clusterTime());
                    field(out, "exchangeId", d.exchangeId());
                    field(out, "venueTradeId", d.venueTradeId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "buyAccountId", d.buyAccountId());
                    field(out, "sellAccountId", d.sellAccountId());
                    field(out, "priceTicks", d.priceTicks());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "buyerFeeMicros", d.buyerFee());
                    field(out, "sellerFeeMicros", d.sellerFee());
                    field(out, "buyerRealisedPnlMicros", d.buyerRealisedPnl());
                    field(out, "sellerRealisedPnlMicros", d.sellerRealisedPnl());
                    break;
                }

                case MarkPriceUpdatedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < MarkPriceUpdatedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final MarkPriceUpdatedDecoder d = markPriceUpdated.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "MarkPriceUpdated", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "sourceId", d.sourceId());
                    field(out, "tickPriceTicks", d.tickPriceTicks());
                    field(out, "decision", d.decision().name());
                    field(out, "previousMarkTicks", d.previousMarkTicks());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "indexPriceTicks", d.indexPriceTicks());
                    field(out, "freshSources", d.freshSources());
                    field(out, "othersMedianTicks", d.othersMedianTicks());
                    break;
                }

                case CollateralMovedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < CollateralMovedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final CollateralMovedDecoder d = collateralMoved.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "CollateralMoved", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "movement", d.movement().name());
                    field(out, "amountMicros", d.amount());
                    field(out, "cashAfterMicros", d.cashAfter());
                    field(out, "equityAfterMicros", d.equityAfter());
                    break;
                }

                case CommandRefusedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < CommandRefusedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final CommandRefusedDecoder d = commandRefused.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "CommandRefused", d.logPosition(), d.clusterTime());
                    field(out, "senderId", d.senderId());
                    field(out, "sequence", d.sequence());
                    field(out, "templateId", d.templateId());
                    field(out, "command", commandName(d.templateId()));
                    field(out, "resultCode", d.resultCode().name());
                    final String reason = varString(buffer, d.limit(), end);
                    if (null == reason)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    field(out, "reason", reason);
                    break;
                }

                case InstrumentListedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < InstrumentListedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final InstrumentListedDecoder d = instrumentListed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "InstrumentListed", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    final long tickSize = d.tickSizeMicros();
                    final long lotSize = d.lotSizeMicros();
                    final long tickValue = d.tickValue();
                    final int im = d.initialMarginPpm();
                    final int mm = d.maintenanceMarginPpm();
                    final int fee = d.tradeFeePpm();
                    final String symbol = varString(buffer, d.limit(), end);
                    if (null == symbol)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    field(out, "symbol", symbol);
                    field(out, "initialMarginPpm", im);
                    field(out, "maintenanceMarginPpm", mm);
                    field(out, "tradeFeePpm", fee);
                    field(out, "tickSizeMicros", tickSize);
                    field(out, "lotSizeMicros", lotSize);
                    field(out, "tickValueMicros", tickValue);
                    break;
                }

                case AccountOpenedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < AccountOpenedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final AccountOpenedDecoder d = accountOpened.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AccountOpened", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "memberId", d.memberId());
                    break;
                }

                case OrderAcceptedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < OrderAcceptedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final OrderAcceptedDecoder d = orderAccepted.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "OrderAccepted", d.logPosition(), d.clusterTime());
                    field(out, "orderId", d.orderId());
                    field(out, "accountId", d.accountId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "side", d.side().name());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "limitPriceTicks", d.limitPriceTicks());
                    field(out, "reservedMarginMicros", d.reservedMargin());
                    field(out, "accountReservedMarginMicros", d.accountReservedMargin());
                    break;
                }

                case OrderFilledDecoder.TEMPLATE_ID:
                {
                    if (blockLength < OrderFilledDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final OrderFilledDecoder d = orderFilled.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "OrderFilled", d.logPosition(), d.clusterTime());
                    field(out, "orderId", d.orderId());
                    field(out, "accountId", d.accountId());
                    field(out, "filledLots", d.filledLots());
                    field(out, "remainingLots", d.remainingLots());
                    field(out, "consumedMarginMicros", d.consumedMargin());
                    field(out, "reservedMarginMicros", d.reservedMargin());
                    field(out, "accountReservedMarginMicros", d.accountReservedMargin());
                    break;
                }

                case OrderCancelledDecoder.TEMPLATE_ID:
                {
                    if (blockLength < OrderCancelledDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final OrderCancelledDecoder d = orderCancelled.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "OrderCancelled", d.logPosition(), d.clusterTime());
                    field(out, "orderId", d.orderId());
                    field(out, "accountId", d.accountId());
                    field(out, "remainingLots", d.remainingLots());
                    field(out, "releasedMarginMicros", d.releasedMargin());
                    field(out, "accountReservedMarginMicros", d.accountReservedMargin());
                    break;
                }

                case RiskStateChangedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < RiskStateChangedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final RiskStateChangedDecoder d = riskStateChanged.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "RiskStateChanged", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "previousState", d.previousState().name());
                    field(out, "state", d.state().name());
                    field(out, "equityMicros", d.equity());
                    field(out, "initialMarginMicros", d.initialMargin());
                    field(out, "maintenanceMarginMicros", d.maintenanceMargin());
                    field(out, "cause", d.cause().name());
                    break;
                }

                case MarginRatesChangedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < MarginRatesChangedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final MarginRatesChangedDecoder d = marginRatesChanged.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "MarginRatesChanged", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "initialMarginPpm", d.initialMarginPpm());
                    field(out, "maintenanceMarginPpm", d.maintenanceMarginPpm());
                    field(out, "targetInitialMarginPpm", d.targetInitialMarginPpm());
                    field(out, "targetMaintenanceMarginPpm", d.targetMaintenanceMarginPpm());
                    break;
                }

                case RiskParametersChangedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < RiskParametersChangedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final RiskParametersChangedDecoder d =
                        riskParametersChanged.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "RiskParametersChanged", d.logPosition(), d.clusterTime());
                    field(out, "templateId", d.templateId());
                    field(out, "command", commandName(d.templateId()));
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "accountId", d.accountId());
                    break;
                }
                // BEGIN liquidation events (generated)
                case dev.backstop.sbe.events.LiquidationStartedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.LiquidationStartedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.LiquidationStartedDecoder d = liquidationStarted.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "LiquidationStarted", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "equityMicros", d.equity());
                    field(out, "maintenanceMarginMicros", d.maintenanceMargin());
                    field(out, "cause", d.cause().name());
                    break;
                }

                case dev.backstop.sbe.events.SliceOfferedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.SliceOfferedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.SliceOfferedDecoder d = sliceOffered.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "SliceOffered", d.logPosition(), d.clusterTime());
                    field(out, "auctionId", d.auctionId());
                    field(out, "accountId", d.accountId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "bankruptcyPriceTicks", d.bankruptcyPriceTicks());
                    field(out, "equityMicros", d.equity());
                    field(out, "maintenanceMarginMicros", d.maintenanceMargin());
                    break;
                }

                case dev.backstop.sbe.events.AuctionStepDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AuctionStepDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AuctionStepDecoder d = auctionStep.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AuctionStep", d.logPosition(), d.clusterTime());
                    field(out, "auctionId", d.auctionId());
                    field(out, "step", d.step());
                    field(out, "priceTicks", d.priceTicks());
                    break;
                }

                case dev.backstop.sbe.events.AuctionBidDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AuctionBidDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AuctionBidDecoder d = auctionBid.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AuctionBid", d.logPosition(), d.clusterTime());
                    field(out, "auctionId", d.auctionId());
                    field(out, "blpAccountId", d.blpAccountId());
                    field(out, "priceTicks", d.priceTicks());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "resultCode", d.resultCode().name());
                    break;
                }

                case dev.backstop.sbe.events.AuctionFillDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AuctionFillDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AuctionFillDecoder d = auctionFill.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AuctionFill", d.logPosition(), d.clusterTime());
                    field(out, "auctionId", d.auctionId());
                    field(out, "accountId", d.accountId());
                    field(out, "blpAccountId", d.blpAccountId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "priceTicks", d.priceTicks());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "feeMicros", d.fee());
                    field(out, "equityBeforeMicros", d.equityBefore());
                    field(out, "maintenanceMarginBeforeMicros", d.maintenanceMarginBefore());
                    field(out, "equityAfterMicros", d.equityAfter());
                    field(out, "maintenanceMarginAfterMicros", d.maintenanceMarginAfter());
                    break;
                }

                case dev.backstop.sbe.events.AuctionEndedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AuctionEndedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AuctionEndedDecoder d = auctionEnded.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AuctionEnded", d.logPosition(), d.clusterTime());
                    field(out, "auctionId", d.auctionId());
                    field(out, "accountId", d.accountId());
                    field(out, "filledLots", d.filledLots());
                    field(out, "unfilledLots", d.unfilledLots());
                    field(out, "cause", d.cause().name());
                    break;
                }

                case dev.backstop.sbe.events.PoolTakeoverDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.PoolTakeoverDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.PoolTakeoverDecoder d = poolTakeover.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "PoolTakeover", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "poolAccountId", d.poolAccountId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "bankruptcyPriceTicks", d.bankruptcyPriceTicks());
                    field(out, "poolPaymentMicros", d.poolPayment());
                    field(out, "insurancePaymentMicros", d.insurancePayment());
                    field(out, "equityBeforeMicros", d.equityBefore());
                    field(out, "maintenanceMarginBeforeMicros", d.maintenanceMarginBefore());
                    field(out, "equityAfterMicros", d.equityAfter());
                    field(out, "maintenanceMarginAfterMicros", d.maintenanceMarginAfter());
                    break;
                }

                case dev.backstop.sbe.events.TakeoverHeldDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.TakeoverHeldDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.TakeoverHeldDecoder d = takeoverHeld.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "TakeoverHeld", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "twapPriceTicks", d.twapPriceTicks());
                    field(out, "cause", d.cause().name());
                    break;
                }

                case dev.backstop.sbe.events.LiquidationFeeDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.LiquidationFeeDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.LiquidationFeeDecoder d = liquidationFee.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "LiquidationFee", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "amountMicros", d.amount());
                    field(out, "insuranceFundAfterMicros", d.insuranceFundAfter());
                    break;
                }

                case dev.backstop.sbe.events.LiquidationEndedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.LiquidationEndedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.LiquidationEndedDecoder d = liquidationEnded.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "LiquidationEnded", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "equityMicros", d.equity());
                    field(out, "maintenanceMarginMicros", d.maintenanceMargin());
                    field(out, "cause", d.cause().name());
                    break;
                }

                case dev.backstop.sbe.events.OpenDeficitDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.OpenDeficitDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.OpenDeficitDecoder d = openDeficit.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "OpenDeficit", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "deficitMicros", d.deficit());
                    break;
                }

                case dev.backstop.sbe.events.BlpRegisteredDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.BlpRegisteredDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.BlpRegisteredDecoder d = blpRegistered.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "BlpRegistered", d.logPosition(), d.clusterTime());
                    field(out, "blpAccountId", d.blpAccountId());
                    field(out, "capacityNotionalMicros", d.capacityNotional());
                    break;
                }

                case dev.backstop.sbe.events.PoolCreatedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.PoolCreatedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.PoolCreatedDecoder d = poolCreated.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "PoolCreated", d.logPosition(), d.clusterTime());
                    field(out, "poolAccountId", d.poolAccountId());
                    field(out, "ownerMemberId", d.ownerMemberId());
                    break;
                }

                case dev.backstop.sbe.events.PoolDepositedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.PoolDepositedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.PoolDepositedDecoder d = poolDeposited.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "PoolDeposited", d.logPosition(), d.clusterTime());
                    field(out, "poolAccountId", d.poolAccountId());
                    field(out, "depositorAccountId", d.depositorAccountId());
                    field(out, "amountMicros", d.amount());
                    field(out, "sharesMinted", d.sharesMinted());
                    field(out, "totalShares", d.totalShares());
                    field(out, "navPerSharePpm", d.navPerSharePpm());
                    break;
                }

                case dev.backstop.sbe.events.PoolRedemptionRequestedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.PoolRedemptionRequestedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.PoolRedemptionRequestedDecoder d = poolRedemptionRequested.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "PoolRedemptionRequested", d.logPosition(), d.clusterTime());
                    field(out, "poolAccountId", d.poolAccountId());
                    field(out, "depositorAccountId", d.depositorAccountId());
                    field(out, "shares", d.shares());
                    field(out, "dueTimeMs", d.dueTime());
                    break;
                }

                case dev.backstop.sbe.events.PoolRedeemedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.PoolRedeemedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.PoolRedeemedDecoder d = poolRedeemed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "PoolRedeemed", d.logPosition(), d.clusterTime());
                    field(out, "poolAccountId", d.poolAccountId());
                    field(out, "depositorAccountId", d.depositorAccountId());
                    field(out, "amountMicros", d.amount());
                    field(out, "sharesBurned", d.sharesBurned());
                    field(out, "totalShares", d.totalShares());
                    field(out, "navPerSharePpm", d.navPerSharePpm());
                    break;
                }

                // END liquidation events
                // BEGIN settlement events (generated)
                case dev.backstop.sbe.events.AccountSettledDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AccountSettledDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AccountSettledDecoder d = accountSettled.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AccountSettled", d.logPosition(), d.clusterTime());
                    field(out, "cycleId", d.cycleId());
                    field(out, "kind", d.kind().name());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "accountId", d.accountId());
                    field(out, "positionLots", d.positionLots());
                    field(out, "settlementPriceTicks", d.settlementPriceTicks());
                    field(out, "variationMarginMicros", d.variationMargin());
                    field(out, "fundingMicros", d.funding());
                    field(out, "feesMicros", d.fees());
                    field(out, "cashBeforeMicros", d.cashBefore());
                    field(out, "cashAfterMicros", d.cashAfter());
                    break;
                }

                case dev.backstop.sbe.events.SettlementSummaryDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.SettlementSummaryDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.SettlementSummaryDecoder d = settlementSummary.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "SettlementSummary", d.logPosition(), d.clusterTime());
                    field(out, "cycleId", d.cycleId());
                    field(out, "kind", d.kind().name());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "settlementPriceTicks", d.settlementPriceTicks());
                    field(out, "indexPriceTicks", d.indexPriceTicks());
                    field(out, "premiumPpm", d.premiumPpm());
                    field(out, "fundingRatePpm", d.fundingRatePpm());
                    field(out, "periodStartMs", d.periodStartMs());
                    field(out, "paidMicros", d.paid());
                    field(out, "receivedMicros", d.received());
                    field(out, "feeRemainderMicros", d.feeRemainder());
                    field(out, "netMicros", d.net());
                    field(out, "accountsSettled", d.accountsSettled());
                    field(out, "accountsDeferred", d.accountsDeferred());
                    field(out, "feesCollectedMicros", d.feesCollected());
                    field(out, "realisedPaidMicros", d.realisedPaid());
                    field(out, "realisedReceivedMicros", d.realisedReceived());
                    break;
                }

                case dev.backstop.sbe.events.BreakerTrippedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.BreakerTrippedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.BreakerTrippedDecoder d = breakerTripped.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "BreakerTripped", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "previousMarkTicks", d.previousMarkTicks());
                    field(out, "highTicks", d.highTicks());
                    field(out, "lowTicks", d.lowTicks());
                    field(out, "bandTicks", d.bandTicks());
                    field(out, "settlementPriceTicks", d.settlementPriceTicks());
                    field(out, "haltedUntilMs", d.haltedUntilMs());
                    break;
                }

                case dev.backstop.sbe.events.BreakerResumedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.BreakerResumedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.BreakerResumedDecoder d = breakerResumed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "BreakerResumed", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "resumedBy", d.resumedBy().name());
                    field(out, "haltedSinceMs", d.haltedSinceMs());
                    field(out, "haltedUntilMs", d.haltedUntilMs());
                    break;
                }

                // END settlement events

                // BEGIN adl events (generated)
                case dev.backstop.sbe.events.AutoDeleveragedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AutoDeleveragedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AutoDeleveragedDecoder d = autoDeleveraged.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AutoDeleveraged", d.logPosition(), d.clusterTime());
                    field(out, "runId", d.runId());
                    field(out, "accountId", d.accountId());
                    field(out, "counterpartyAccountId", d.counterpartyAccountId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "priceTicks", d.priceTicks());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "bankruptcyPriceTicks", d.bankruptcyPriceTicks());
                    field(out, "defaulterPaymentMicros", d.defaulterPayment());
                    field(out, "counterpartyReceiptMicros", d.counterpartyReceipt());
                    field(out, "feeAccountRemainderMicros", d.feeAccountRemainder());
                    field(out, "scorePpm", d.scorePpm());
                    field(out, "pnlPpm", d.pnlPpm());
                    field(out, "leveragePpm", d.leveragePpm());
                    field(out, "rank", d.rank());
                    field(out, "lastResort", dev.backstop.sbe.events.BooleanType.TRUE == d.lastResort());
                    field(out, "counterpartyPositionBeforeLots", d.counterpartyPositionBeforeLots());
                    field(out, "counterpartyPositionAfterLots", d.counterpartyPositionAfterLots());
                    field(out, "remainingLots", d.remainingLots());
                    break;
                }

                case dev.backstop.sbe.events.AutoDeleveragingEndedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AutoDeleveragingEndedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AutoDeleveragingEndedDecoder d = autoDeleveragingEnded.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AutoDeleveragingEnded", d.logPosition(), d.clusterTime());
                    field(out, "runId", d.runId());
                    field(out, "accountId", d.accountId());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "quantityLots", d.quantityLots());
                    field(out, "closedLots", d.closedLots());
                    field(out, "remainingLots", d.remainingLots());
                    field(out, "counterparties", d.counterparties());
                    field(out, "candidates", d.candidates());
                    field(out, "priceTicks", d.priceTicks());
                    field(out, "markPriceTicks", d.markPriceTicks());
                    field(out, "bankruptcyPriceTicks", d.bankruptcyPriceTicks());
                    field(out, "defaulterPaymentMicros", d.defaulterPayment());
                    field(out, "equityBeforeMicros", d.equityBefore());
                    field(out, "maintenanceMarginBeforeMicros", d.maintenanceMarginBefore());
                    field(out, "equityAfterMicros", d.equityAfter());
                    field(out, "maintenanceMarginAfterMicros", d.maintenanceMarginAfter());
                    field(out, "cause", d.cause().name());
                    break;
                }

                case dev.backstop.sbe.events.AutoDeleveragingModeChangedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.AutoDeleveragingModeChangedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.AutoDeleveragingModeChangedDecoder d = autoDeleveragingModeChanged.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "AutoDeleveragingModeChanged", d.logPosition(), d.clusterTime());
                    field(out, "instrumentId", d.instrumentId());
                    field(out, "mode", d.mode().name());
                    break;
                }

                // END adl events
                // BEGIN waterfall events (generated)
                case dev.backstop.sbe.events.DefaultFundContributedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.DefaultFundContributedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.DefaultFundContributedDecoder d = defaultFundContributed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "DefaultFundContributed", d.logPosition(), d.clusterTime());
                    field(out, "memberId", d.memberId());
                    field(out, "accountId", d.accountId());
                    field(out, "amountMicros", d.amount());
                    bool(out, "collected", dev.backstop.sbe.events.BooleanType.TRUE == d.collected());
                    field(out, "cashAfterMicros", d.cashAfter());
                    field(out, "contributionAfterMicros", d.contributionAfter());
                    field(out, "totalContributionsMicros", d.totalContributions());
                    break;
                }

                case dev.backstop.sbe.events.CcpCapitalInjectedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.CcpCapitalInjectedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.CcpCapitalInjectedDecoder d = ccpCapitalInjected.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "CcpCapitalInjected", d.logPosition(), d.clusterTime());
                    field(out, "amountMicros", d.amount());
                    field(out, "ccpCapitalAfterMicros", d.ccpCapitalAfter());
                    field(out, "netDepositsAfterMicros", d.netDepositsAfter());
                    break;
                }

                case dev.backstop.sbe.events.DefaultFundRecomputedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.DefaultFundRecomputedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.DefaultFundRecomputedDecoder d = defaultFundRecomputed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "DefaultFundRecomputed", d.logPosition(), d.clusterTime());
                    field(out, "cause", d.cause().name());
                    field(out, "requirementMicros", d.requirement());
                    field(out, "totalContributionsMicros", d.totalContributions());
                    field(out, "ccpCapitalMicros", d.ccpCapital());
                    field(out, "insuranceFundMicros", d.insuranceFund());
                    field(out, "prefundedMicros", d.prefunded());
                    field(out, "coverageRatioPpm", d.coverageRatio());
                    field(out, "worstScenarioId", d.worstScenarioId());
                    field(out, "firstMemberId", d.firstMemberId());
                    field(out, "firstUncoveredMicros", d.firstUncovered());
                    field(out, "secondMemberId", d.secondMemberId());
                    field(out, "secondUncoveredMicros", d.secondUncovered());
                    break;
                }

                case dev.backstop.sbe.events.MemberRequirementChangedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.MemberRequirementChangedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.MemberRequirementChangedDecoder d = memberRequirementChanged.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "MemberRequirementChanged", d.logPosition(), d.clusterTime());
                    field(out, "memberId", d.memberId());
                    field(out, "previousRequirementMicros", d.previousRequirement());
                    field(out, "requirementMicros", d.requirement());
                    field(out, "contributionMicros", d.contribution());
                    field(out, "stressLossMicros", d.stressLoss());
                    field(out, "uncoveredStressLossMicros", d.uncoveredStressLoss());
                    field(out, "initialMarginMicros", d.initialMargin());
                    break;
                }

                case dev.backstop.sbe.events.DefaultFundCalledDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.DefaultFundCalledDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.DefaultFundCalledDecoder d = defaultFundCalled.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "DefaultFundCalled", d.logPosition(), d.clusterTime());
                    field(out, "callId", d.callId());
                    field(out, "memberId", d.memberId());
                    field(out, "cause", d.cause().name());
                    field(out, "amountMicros", d.amount());
                    field(out, "requirementMicros", d.requirement());
                    field(out, "contributionMicros", d.contribution());
                    field(out, "deadlineMs", d.deadline());
                    break;
                }

                case dev.backstop.sbe.events.DefaultFundCallClosedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.DefaultFundCallClosedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.DefaultFundCallClosedDecoder d = defaultFundCallClosed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "DefaultFundCallClosed", d.logPosition(), d.clusterTime());
                    field(out, "callId", d.callId());
                    field(out, "memberId", d.memberId());
                    field(out, "cause", d.cause().name());
                    field(out, "amountMicros", d.amount());
                    field(out, "paidMicros", d.paid());
                    field(out, "collectedMicros", d.collected());
                    field(out, "missedMicros", d.missed());
                    field(out, "contributionAfterMicros", d.contributionAfter());
                    break;
                }

                case dev.backstop.sbe.events.DefaultFundMemberFlaggedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.DefaultFundMemberFlaggedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.DefaultFundMemberFlaggedDecoder d = defaultFundMemberFlagged.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "DefaultFundMemberFlagged", d.logPosition(), d.clusterTime());
                    field(out, "memberId", d.memberId());
                    bool(out, "flagged", dev.backstop.sbe.events.BooleanType.TRUE == d.flagged());
                    field(out, "missedMicros", d.missed());
                    field(out, "contributionMicros", d.contribution());
                    field(out, "requirementMicros", d.requirement());
                    break;
                }

                case dev.backstop.sbe.events.WaterfallStartedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.WaterfallStartedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.WaterfallStartedDecoder d = waterfallStarted.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "WaterfallStarted", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "memberId", d.memberId());
                    field(out, "deficitMicros", d.deficit());
                    field(out, "openWaterfalls", d.openWaterfalls());
                    break;
                }

                case dev.backstop.sbe.events.WaterfallRungDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.WaterfallRungDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.WaterfallRungDecoder d = waterfallRung.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "WaterfallRung", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "memberId", d.memberId());
                    field(out, "rung", d.rung().name());
                    field(out, "absorbedMicros", d.absorbed());
                    field(out, "remainingMicros", d.remaining());
                    field(out, "resourceAfterMicros", d.resourceAfter());
                    field(out, "payerCount", d.payerCount());
                    field(out, "roundingToFeeMicros", d.roundingToFee());
                    break;
                }

                case dev.backstop.sbe.events.WaterfallChargeDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.WaterfallChargeDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.WaterfallChargeDecoder d = waterfallCharge.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "WaterfallCharge", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "rung", d.rung().name());
                    field(out, "payerMemberId", d.payerMemberId());
                    field(out, "payerAccountId", d.payerAccountId());
                    field(out, "basisMicros", d.basis());
                    field(out, "amountMicros", d.amount());
                    break;
                }

                case dev.backstop.sbe.events.WaterfallClosedDecoder.TEMPLATE_ID:
                {
                    if (blockLength < dev.backstop.sbe.events.WaterfallClosedDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final dev.backstop.sbe.events.WaterfallClosedDecoder d = waterfallClosed.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "WaterfallClosed", d.logPosition(), d.clusterTime());
                    field(out, "accountId", d.accountId());
                    field(out, "memberId", d.memberId());
                    field(out, "deficitMicros", d.deficit());
                    field(out, "absorbedRung1Micros", d.absorbedRung1());
                    field(out, "absorbedRung2Micros", d.absorbedRung2());
                    field(out, "absorbedRung3Micros", d.absorbedRung3());
                    field(out, "absorbedRung4Micros", d.absorbedRung4());
                    field(out, "absorbedRung5Micros", d.absorbedRung5());
                    field(out, "absorbedRung6Micros", d.absorbedRung6());
                    field(out, "absorbedRung7Micros", d.absorbedRung7());
                    field(out, "attempts", d.attempts());
                    field(out, "openWaterfalls", d.openWaterfalls());
                    break;
                }

                // END waterfall events
                default:
                    return unknown(out, MessageHeaderDecoder.SCHEMA_ID, templateId, length);
            }
            return out.append('}');
        }
        catch (final RuntimeException ex)
        {
            return malformed(out, start, -1, length);
        }
    }

    /**
     * @param templateId exchange/cluster protocol request template id.
     * @return its name, or "Unknown".
     */
    public static String commandName(final int templateId)
    {
        switch (templateId)
        {
            case 10: return "SubmitTrade";
            case 11: return "SubmitPriceTick";
            case 12: return "DepositCollateral";
            case 13: return "WithdrawCollateral";
            case 14: return "QueryAccount";
            case 15: return "ListInstrument";
            case 16: return "OpenAccount";
            case 17: return "QueryLedger";
            case 40: return "SubmitOrder";
            case 41: return "CancelOrder";
            case 42: return "RegisterBlp";
            case 43: return "SubmitAuctionBid";
            case 44: return "CreatePool";
            case 45: return "PoolDeposit";
            case 46: return "RequestPoolRedemption";
            case 50: return "SetOracleParameters";
            case 51: return "SetMarginBrackets";
            case 52: return "SetOpenInterestScaling";
            case 53: return "SetMarginRate";
            case 54: return "SetAccountMarginMethod";
            case 55: return "SetUnderlyingScenarios";
            case 56: return "SetInstrumentUnderlying";
            case 57: return "SetLiquidationParameters";
            case 70: return "SetAutoDeleveraging";
            case 60: return "ContributeDefaultFund";
            case 61: return "InjectCcpCapital";
            case 62: return "SetStressScenario";
            case 63: return "SetDefaultFundParameters";
            case 75: return "SetVariationMarginInterval";
            case 76: return "SetFundingParameters";
            case 77: return "SetCircuitBreaker";
            case 78: return "ResumeInstrument";
            default: return "Unknown";
        }
    }

    private static void common(
        final StringBuilder out, final long seq, final String type, final long logPosition, final long clusterTime)
    {
        out.append("{\"seq\":").append(seq)
            .append(",\"type\":\"").append(type).append('"')
            .append(",\"logPosition\":").append(logPosition)
            .append(",\"clusterTime\":").append(clusterTime);
    }

    private static void field(final StringBuilder out, final String name, final long value)
    {
        out.append(",\"").append(name).append("\":").append(value);
    }

    private static void field(final StringBuilder out, final String name, final boolean value)
    {
        out.append(",\"").append(name).append("\":").append(value);
    }

    private static void bool(final StringBuilder out, final String name, final boolean value)
    {
        out.append(",\"").append(name).append("\":").append(value);
    }

    private static void field(final StringBuilder out, final String name, final String value)
    {
        out.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static String varString(final DirectBuffer buffer, final int index, final int end)
    {
        if (end - index < 4)
        {
            return null;
        }
        final long length = buffer.getInt(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (length > end - index - 4)
        {
            return null;
        }
        final byte[] bytes = new byte[(int)length];
        buffer.getBytes(index + 4, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static StringBuilder unknown(
        final StringBuilder out, final int schemaId, final int templateId, final int length)
    {
        return out.append("{\"type\":\"Unknown\",\"schemaId\":").append(schemaId)
            .append(",\"templateId\":").append(templateId)
            .append(",\"length\":").append(length).append('}');
    }

    private static StringBuilder malformed(final StringBuilder out, final int start, final int templateId, final int length)
    {
        out.setLength(start);
        return out.append("{\"type\":\"Malformed\",\"templateId\":").append(templateId)
            .append(",\"length\":").append(length).append('}');
    }
}
