package dev.backstop.gateway.client;

import dev.backstop.sbe.events.CollateralMovedEncoder;
import dev.backstop.sbe.events.CollateralMovement;
import dev.backstop.sbe.events.CommandRefusedEncoder;
import dev.backstop.sbe.events.InstrumentListedEncoder;
import dev.backstop.sbe.events.MessageHeaderEncoder;
import dev.backstop.sbe.events.ResultCode;
import dev.backstop.sbe.events.TradeClearedEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
