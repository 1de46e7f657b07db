package dev.backstop.gateway.client;

import dev.backstop.sbe.events.CollateralMovedEncoder;
import dev.backstop.sbe.events.CollateralMovement;
import dev.backstop.sbe.events.CommandRefusedEncoder;
import dev.backstop.sbe.events.InstrumentListedEncoder;
import dev.backstop.sbe.events.MessageHeaderEncoder;
import dev.backstop.sbe.events.ResultCode;
import dev.backstop.sbe.events.TradeClearedEncoder;
import dev.backstop.sbe.events.AuctionBidEncoder;
import dev.backstop.sbe.events.LiquidationCause;
import dev.backstop.sbe.events.LiquidationStartedEncoder;
import dev.backstop.sbe.events.MarkPriceUpdatedEncoder;
import dev.backstop.sbe.events.PoolTakeoverEncoder;
import dev.backstop.sbe.events.RiskCause;
import dev.backstop.sbe.events.RiskState;
import dev.backstop.sbe.events.RiskStateChangedEncoder;
import dev.backstop.sbe.events.TickDecision;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class EventJsonTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final EventJson json = new EventJson();

    @Test
    void rendersTradeClearedWithStableNamesAndUnits()
    {
        final TradeClearedEncoder trade = new TradeClearedEncoder();
        trade.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(12).logPosition(4096).clusterTime(1_700_000_000_000L)
            .exchangeId(100).venueTradeId(77).instrumentId(1).buyAccountId(10).sellAccountId(11)
            .priceTicks(50_000).quantityLots(3).buyerFee(150).sellerFee(150)
            .buyerRealisedPnl(0).sellerRealisedPnl(-20);

        assertEquals("{\"seq\":12,\"type\":\"TradeCleared\",\"logPosition\":4096,\"clusterTime\":1700000000000," +
            "\"exchangeId\":100,\"venueTradeId\":77,\"instrumentId\":1,\"buyAccountId\":10,\"sellAccountId\":11," +
            "\"priceTicks\":50000,\"quantityLots\":3,\"buyerFeeMicros\":150,\"sellerFeeMicros\":150," +
            "\"buyerRealisedPnlMicros\":0,\"sellerRealisedPnlMicros\":-20}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + trade.encodedLength()));
    }

    @Test
    void rendersCollateralRefusalAndInstrumentEvents()
    {
        final CollateralMovedEncoder moved = new CollateralMovedEncoder();
        moved.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(1).logPosition(2).clusterTime(3).accountId(10).movement(CollateralMovement.DEPOSIT)
            .amount(5_000_000).cashAfter(5_000_000).equityAfter(5_000_000);
        assertEquals("{\"seq\":1,\"type\":\"CollateralMoved\",\"logPosition\":2,\"clusterTime\":3,\"accountId\":10," +
            "\"movement\":\"DEPOSIT\",\"amountMicros\":5000000,\"cashAfterMicros\":5000000," +
            "\"equityAfterMicros\":5000000}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + moved.encodedLength()));

        final CommandRefusedEncoder refused = new CommandRefusedEncoder();
        refused.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(2).logPosition(5).clusterTime(6).senderId(200).sequence(9).templateId(13)
            .resultCode(ResultCode.INSUFFICIENT_CASH).reason("cash \"short\"");
        assertEquals("{\"seq\":2,\"type\":\"CommandRefused\",\"logPosition\":5,\"clusterTime\":6,\"senderId\":200," +
            "\"sequence\":9,\"templateId\":13,\"command\":\"WithdrawCollateral\",\"resultCode\":\"INSUFFICIENT_CASH\"," +
            "\"reason\":\"cash \\\"short\\\"\"}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + refused.encodedLength()));

        final InstrumentListedEncoder listed = new InstrumentListedEncoder();
        listed.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(3).logPosition(7).clusterTime(8).instrumentId(1).initialMarginPpm(100_000)
            .maintenanceMarginPpm(50_000).tradeFeePpm(500).tickSizeMicros(100_000).lotSizeMicros(1_000)
            .tickValue(100).symbol("BTC-PERP");
        assertEquals("{\"seq\":3,\"type\":\"InstrumentListed\",\"logPosition\":7,\"clusterTime\":8," +
            "\"instrumentId\":1,\"symbol\":\"BTC-PERP\",\"initialMarginPpm\":100000,\"maintenanceMarginPpm\":50000," +
            "\"tradeFeePpm\":500,\"tickSizeMicros\":100000,\"lotSizeMicros\":1000,\"tickValueMicros\":100}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + listed.encodedLength()));
    }

    @Test
    void rendersTickDecisionsRiskStatesAndLiquidationSteps()
    {
        final MarkPriceUpdatedEncoder mark = new MarkPriceUpdatedEncoder();
        mark.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(4).logPosition(8).clusterTime(9).instrumentId(1).sourceId(2).tickPriceTicks(60_000)
            .decision(TickDecision.EXCLUDED).previousMarkTicks(50_000).markPriceTicks(50_000)
            .indexPriceTicks(50_010).freshSources(3).othersMedianTicks(50_020);
        assertEquals("{\"seq\":4,\"type\":\"MarkPriceUpdated\",\"logPosition\":8,\"clusterTime\":9,\"instrumentId\":1," +
            "\"sourceId\":2,\"tickPriceTicks\":60000,\"decision\":\"EXCLUDED\",\"previousMarkTicks\":50000," +
            "\"markPriceTicks\":50000,\"indexPriceTicks\":50010,\"freshSources\":3,\"othersMedianTicks\":50020}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + mark.encodedLength()));

        final RiskStateChangedEncoder risk = new RiskStateChangedEncoder();
        risk.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(5).logPosition(10).clusterTime(11).accountId(13).previousState(RiskState.NORMAL)
            .state(RiskState.MARGIN_CALL).equity(90).initialMargin(100).maintenanceMargin(50)
            .cause(RiskCause.MARK_PRICE);
        assertEquals("{\"seq\":5,\"type\":\"RiskStateChanged\",\"logPosition\":10,\"clusterTime\":11," +
            "\"accountId\":13,\"previousState\":\"NORMAL\",\"state\":\"MARGIN_CALL\",\"equityMicros\":90," +
            "\"initialMarginMicros\":100,\"maintenanceMarginMicros\":50,\"cause\":\"MARK_PRICE\"}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + risk.encodedLength()));

        final LiquidationStartedEncoder started = new LiquidationStartedEncoder();
        started.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(6).logPosition(12).clusterTime(13).accountId(13).equity(-5).maintenanceMargin(40)
            .cause(LiquidationCause.BELOW_MAINTENANCE);
        assertEquals("{\"seq\":6,\"type\":\"LiquidationStarted\",\"logPosition\":12,\"clusterTime\":13," +
            "\"accountId\":13,\"equityMicros\":-5,\"maintenanceMarginMicros\":40,\"cause\":\"BELOW_MAINTENANCE\"}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + started.encodedLength()));

        final AuctionBidEncoder bid = new AuctionBidEncoder();
        bid.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(7).logPosition(14).clusterTime(15).auctionId(3).blpAccountId(11).priceTicks(43_000)
            .quantityLots(2).resultCode(ResultCode.ACCEPTED);
        assertEquals("{\"seq\":7,\"type\":\"AuctionBid\",\"logPosition\":14,\"clusterTime\":15,\"auctionId\":3," +
            "\"blpAccountId\":11,\"priceTicks\":43000,\"quantityLots\":2,\"resultCode\":\"ACCEPTED\"}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bid.encodedLength()));

        final PoolTakeoverEncoder takeover = new PoolTakeoverEncoder();
        takeover.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(8).logPosition(16).clusterTime(17).accountId(13).poolAccountId(15).instrumentId(7)
            .quantityLots(-20).markPriceTicks(43_000).bankruptcyPriceTicks(42_500).poolPayment(6_000)
            .insurancePayment(3_000).equityBefore(9_000).maintenanceMarginBefore(43_000).equityAfter(0)
            .maintenanceMarginAfter(0);
        assertEquals("{\"seq\":8,\"type\":\"PoolTakeover\",\"logPosition\":16,\"clusterTime\":17," +
            "\"accountId\":13,\"poolAccountId\":15,\"instrumentId\":7,\"quantityLots\":-20," +
            "\"markPriceTicks\":43000,\"bankruptcyPriceTicks\":42500,\"poolPaymentMicros\":6000," +
            "\"insurancePaymentMicros\":3000,\"equityBeforeMicros\":9000,\"maintenanceMarginBeforeMicros\":43000," +
            "\"equityAfterMicros\":0,\"maintenanceMarginAfterMicros\":0}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + takeover.encodedLength()));
    }

    @Test
    void rendersAutoDeleveragingWithBothSidesSizePriceAndWhatRemained()
    {
        final dev.backstop.sbe.events.AutoDeleveragedEncoder fill = new dev.backstop.sbe.events.AutoDeleveragedEncoder();
        fill.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(9).logPosition(18).clusterTime(19).runId(1).accountId(10).counterpartyAccountId(22)
            .instrumentId(1).quantityLots(20).priceTicks(890).markPriceTicks(900).bankruptcyPriceTicks(890)
            .defaulterPayment(200_000_001).counterpartyReceipt(200_000_000).feeAccountRemainder(1)
            .scorePpm(500_000).pnlPpm(250_000).leveragePpm(2_000_000).rank(1)
            .lastResort(dev.backstop.sbe.events.BooleanType.FALSE).counterpartyPositionBeforeLots(-20)
            .counterpartyPositionAfterLots(0).remainingLots(80);
        assertEquals("{\"seq\":9,\"type\":\"AutoDeleveraged\",\"logPosition\":18,\"clusterTime\":19,\"runId\":1," +
            "\"accountId\":10,\"counterpartyAccountId\":22,\"instrumentId\":1,\"quantityLots\":20,\"priceTicks\":890," +
            "\"markPriceTicks\":900,\"bankruptcyPriceTicks\":890,\"defaulterPaymentMicros\":200000001," +
            "\"counterpartyReceiptMicros\":200000000,\"feeAccountRemainderMicros\":1,\"scorePpm\":500000," +
            "\"pnlPpm\":250000,\"leveragePpm\":2000000,\"rank\":1,\"lastResort\":false," +
            "\"counterpartyPositionBeforeLots\":-20,\"counterpartyPositionAfterLots\":0,\"remainingLots\":80}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + fill.encodedLength()));

        final dev.backstop.sbe.events.AutoDeleveragingEndedEncoder ended =
            new dev.backstop.sbe.events.AutoDeleveragingEndedEncoder();
        ended.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(10).logPosition(18).clusterTime(19).runId(1).accountId(10).instrumentId(1)
            .quantityLots(100).closedLots(100).remainingLots(0).counterparties(5).candidates(6).priceTicks(890)
            .markPriceTicks(900).bankruptcyPriceTicks(890).defaulterPayment(1_000_000_000L)
            .equityBefore(1_000_000_000L).maintenanceMarginBefore(4_500_000_000L).equityAfter(0)
            .maintenanceMarginAfter(0).cause(LiquidationCause.AUTO_DELEVERAGED);
        assertEquals("{\"seq\":10,\"type\":\"AutoDeleveragingEnded\",\"logPosition\":18,\"clusterTime\":19," +
            "\"runId\":1,\"accountId\":10,\"instrumentId\":1,\"quantityLots\":100,\"closedLots\":100," +
            "\"remainingLots\":0,\"counterparties\":5,\"candidates\":6,\"priceTicks\":890,\"markPriceTicks\":900," +
            "\"bankruptcyPriceTicks\":890,\"defaulterPaymentMicros\":1000000000,\"equityBeforeMicros\":1000000000," +
            "\"maintenanceMarginBeforeMicros\":4500000000,\"equityAfterMicros\":0," +
            "\"maintenanceMarginAfterMicros\":0,\"cause\":\"AUTO_DELEVERAGED\"}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + ended.encodedLength()));

        final dev.backstop.sbe.events.AutoDeleveragingModeChangedEncoder changed =
            new dev.backstop.sbe.events.AutoDeleveragingModeChangedEncoder();
        changed.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(11).logPosition(20).clusterTime(21).instrumentId(0)
            .mode(dev.backstop.sbe.events.AutoDeleveragingMode.OFF);
        assertEquals("{\"seq\":11,\"type\":\"AutoDeleveragingModeChanged\",\"logPosition\":20,\"clusterTime\":21," +
            "\"instrumentId\":0,\"mode\":\"OFF\"}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + changed.encodedLength()));
        assertEquals("SetAutoDeleveraging", EventJson.commandName(70));
    }

    @Test
    void rendersSettlementAndCircuitBreakerEventsWithUnitsInTheNames()
    {
        final dev.backstop.sbe.events.AccountSettledEncoder settled = new dev.backstop.sbe.events.AccountSettledEncoder();
        settled.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(20).logPosition(40).clusterTime(60_000).cycleId(3)
            .kind(dev.backstop.sbe.events.SettlementKind.FUNDING).instrumentId(7).accountId(11).positionLots(-20)
            .settlementPriceTicks(50_100).variationMargin(0).funding(1_002).fees(0).cashBefore(5_000)
            .cashAfter(6_002);
        assertEquals("{\"seq\":20,\"type\":\"AccountSettled\",\"logPosition\":40,\"clusterTime\":60000," +
            "\"cycleId\":3,\"kind\":\"FUNDING\",\"instrumentId\":7,\"accountId\":11,\"positionLots\":-20," +
            "\"settlementPriceTicks\":50100,\"variationMarginMicros\":0,\"fundingMicros\":1002,\"feesMicros\":0," +
            "\"cashBeforeMicros\":5000,\"cashAfterMicros\":6002}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + settled.encodedLength()));

        final dev.backstop.sbe.events.SettlementSummaryEncoder summary =
            new dev.backstop.sbe.events.SettlementSummaryEncoder();
        summary.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(21).logPosition(40).clusterTime(60_000).cycleId(3)
            .kind(dev.backstop.sbe.events.SettlementKind.FUNDING).instrumentId(7).settlementPriceTicks(50_100)
            .indexPriceTicks(50_000).premiumPpm(2_000).fundingRatePpm(1_600).periodStartMs(30_000).paid(1_003)
            .received(1_002).feeRemainder(1).net(0).accountsSettled(2).accountsDeferred(0).feesCollected(0)
            .realisedPaid(0).realisedReceived(0);
        assertEquals("{\"seq\":21,\"type\":\"SettlementSummary\",\"logPosition\":40,\"clusterTime\":60000," +
            "\"cycleId\":3,\"kind\":\"FUNDING\",\"instrumentId\":7,\"settlementPriceTicks\":50100," +
            "\"indexPriceTicks\":50000,\"premiumPpm\":2000,\"fundingRatePpm\":1600,\"periodStartMs\":30000," +
            "\"paidMicros\":1003,\"receivedMicros\":1002,\"feeRemainderMicros\":1,\"netMicros\":0," +
            "\"accountsSettled\":2,\"accountsDeferred\":0,\"feesCollectedMicros\":0,\"realisedPaidMicros\":0," +
            "\"realisedReceivedMicros\":0}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + summary.encodedLength()));

        final dev.backstop.sbe.events.BreakerTrippedEncoder tripped = new dev.backstop.sbe.events.BreakerTrippedEncoder();
        tripped.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(22).logPosition(41).clusterTime(61_000).instrumentId(7).markPriceTicks(44_000)
            .previousMarkTicks(50_100).highTicks(50_300).lowTicks(49_800).bandTicks(5_010).settlementPriceTicks(50_100)
            .haltedUntilMs(181_000);
        assertEquals("{\"seq\":22,\"type\":\"BreakerTripped\",\"logPosition\":41,\"clusterTime\":61000," +
            "\"instrumentId\":7,\"markPriceTicks\":44000,\"previousMarkTicks\":50100,\"highTicks\":50300," +
            "\"lowTicks\":49800,\"bandTicks\":5010,\"settlementPriceTicks\":50100,\"haltedUntilMs\":181000}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + tripped.encodedLength()));

        final dev.backstop.sbe.events.BreakerResumedEncoder resumed = new dev.backstop.sbe.events.BreakerResumedEncoder();
        resumed.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(23).logPosition(42).clusterTime(90_000).instrumentId(7).markPriceTicks(44_100)
            .resumedBy(dev.backstop.sbe.events.BreakerResumeCause.OPERATOR).haltedSinceMs(61_000).haltedUntilMs(181_000);
        assertEquals("{\"seq\":23,\"type\":\"BreakerResumed\",\"logPosition\":42,\"clusterTime\":90000," +
            "\"instrumentId\":7,\"markPriceTicks\":44100,\"resumedBy\":\"OPERATOR\",\"haltedSinceMs\":61000," +
            "\"haltedUntilMs\":181000}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + resumed.encodedLength()));
        assertEquals("ResumeInstrument", EventJson.commandName(78));
    }

    @Test
    void everyEventTemplateOfTheSchemaRendersByName()
    {
        // Every template id the event schema defines, from the generated codecs' own constants.
        final int[] templateIds = {
            dev.backstop.sbe.events.TradeClearedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.MarkPriceUpdatedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.CollateralMovedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AccountOpenedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.OrderAcceptedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.OrderFilledDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.OrderCancelledDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.RiskStateChangedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.MarginRatesChangedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.RiskParametersChangedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.LiquidationStartedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.SliceOfferedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AuctionStepDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AuctionBidDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AuctionFillDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AuctionEndedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.PoolTakeoverDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.TakeoverHeldDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.LiquidationFeeDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.LiquidationEndedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.OpenDeficitDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.BlpRegisteredDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.PoolCreatedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.PoolDepositedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.PoolRedemptionRequestedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.PoolRedeemedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AutoDeleveragedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AutoDeleveragingEndedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AutoDeleveragingModeChangedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.AccountSettledDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.SettlementSummaryDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.BreakerTrippedDecoder.TEMPLATE_ID,
            dev.backstop.sbe.events.BreakerResumedDecoder.TEMPLATE_ID,
        };
        for (final int templateId : templateIds)
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            header.wrap(message, 0).blockLength(200).templateId(templateId)
                .schemaId(MessageHeaderEncoder.SCHEMA_ID).version(MessageHeaderEncoder.SCHEMA_VERSION);
            message.putLong(MessageHeaderEncoder.ENCODED_LENGTH, 42);
            final String line = json.render(message, 0, 256);
            assertTrue(line.startsWith("{\"seq\":42,\"type\":\""), line);
            assertFalse(line.contains("Unknown") && line.contains("\"schemaId\""), line);
            assertFalse(line.contains("Malformed"), line);
        }
    }

    @Test
    void rendersTruncatedAndForeignMessagesWithoutThrowing()
    {
        final TradeClearedEncoder trade = new TradeClearedEncoder();
        trade.wrapAndApplyHeader(buffer, 0, header).eventSequence(1);
        assertEquals("{\"type\":\"Malformed\",\"templateId\":1,\"length\":20}", json.render(buffer, 0, 20));
        assertEquals("{\"type\":\"Malformed\",\"templateId\":-1,\"length\":3}", json.render(buffer, 0, 3));

        buffer.putShort(4, (short)101, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals("{\"type\":\"Unknown\",\"schemaId\":101,\"templateId\":1,\"length\":100}",
            json.render(buffer, 0, 100));
    }

    @Test
    void rendersTheWaterfallAndDefaultFundEventsWithUnitsInTheNames()
    {
        final dev.backstop.sbe.events.WaterfallRungEncoder rung = new dev.backstop.sbe.events.WaterfallRungEncoder();
        rung.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(40).logPosition(41).clusterTime(42).accountId(10).memberId(1)
            .rung(dev.backstop.sbe.events.WaterfallRung.MUTUALISED_CONTRIBUTIONS).absorbed(800_000_000)
            .remaining(0).resourceAfter(2_199_999_999L).payerCount(2).roundingToFee(1);
        assertEquals("{\"seq\":40,\"type\":\"WaterfallRung\",\"logPosition\":41,\"clusterTime\":42," +
            "\"accountId\":10,\"memberId\":1,\"rung\":\"MUTUALISED_CONTRIBUTIONS\",\"absorbedMicros\":800000000," +
            "\"remainingMicros\":0,\"resourceAfterMicros\":2199999999,\"payerCount\":2,\"roundingToFeeMicros\":1}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + rung.encodedLength()));

        final dev.backstop.sbe.events.DefaultFundContributedEncoder contributed =
            new dev.backstop.sbe.events.DefaultFundContributedEncoder();
        contributed.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(43).logPosition(44).clusterTime(45).memberId(2).accountId(21).amount(300)
            .collected(dev.backstop.sbe.events.BooleanType.TRUE).cashAfter(0).contributionAfter(300)
            .totalContributions(1_300);
        assertEquals("{\"seq\":43,\"type\":\"DefaultFundContributed\",\"logPosition\":44,\"clusterTime\":45," +
            "\"memberId\":2,\"accountId\":21,\"amountMicros\":300,\"collected\":true,\"cashAfterMicros\":0," +
            "\"contributionAfterMicros\":300,\"totalContributionsMicros\":1300}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + contributed.encodedLength()));

        final dev.backstop.sbe.events.DefaultFundRecomputedEncoder recomputed =
            new dev.backstop.sbe.events.DefaultFundRecomputedEncoder();
        recomputed.wrapAndApplyHeader(buffer, 0, header)
            .eventSequence(46).logPosition(47).clusterTime(48)
            .cause(dev.backstop.sbe.events.DefaultFundRecomputeCause.EXPOSURE).requirement(1_450)
            .totalContributions(400).ccpCapital(180).insuranceFund(0).prefunded(580).coverageRatio(400_000)
            .worstScenarioId(1).firstMemberId(1).firstUncovered(900).secondMemberId(4).secondUncovered(550);
        assertEquals("{\"seq\":46,\"type\":\"DefaultFundRecomputed\",\"logPosition\":47,\"clusterTime\":48," +
            "\"cause\":\"EXPOSURE\",\"requirementMicros\":1450,\"totalContributionsMicros\":400," +
            "\"ccpCapitalMicros\":180,\"insuranceFundMicros\":0,\"prefundedMicros\":580," +
            "\"coverageRatioPpm\":400000,\"worstScenarioId\":1,\"firstMemberId\":1,\"firstUncoveredMicros\":900," +
            "\"secondMemberId\":4,\"secondUncoveredMicros\":550}",
            json.render(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + recomputed.encodedLength()));
        assertEquals("ContributeDefaultFund", EventJson.commandName(60));
        assertEquals("SetStressScenario", EventJson.commandName(62));
    }
}
