package dev.backstop.gateway.ingress;

import dev.backstop.sbe.cluster.AuctionBidCommandDecoder;
import dev.backstop.sbe.cluster.CancelOrderCommandDecoder;
import dev.backstop.sbe.cluster.CreatePoolCommandDecoder;
import dev.backstop.sbe.cluster.LiquidationParametersCommandDecoder;
import dev.backstop.sbe.cluster.MarginBracketsCommandDecoder;
import dev.backstop.sbe.cluster.OracleParametersCommandDecoder;
import dev.backstop.sbe.cluster.OrderCommandDecoder;
import dev.backstop.sbe.cluster.PoolDepositCommandDecoder;
import dev.backstop.sbe.cluster.PoolRedemptionCommandDecoder;
import dev.backstop.sbe.cluster.PriceTickCommandDecoder;
import dev.backstop.sbe.cluster.RegisterBlpCommandDecoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import dev.backstop.sbe.cluster.UnderlyingScenariosCommandDecoder;
import dev.backstop.sbe.exchange.CancelOrderEncoder;
import dev.backstop.sbe.exchange.CreatePoolEncoder;
import dev.backstop.sbe.exchange.LogonEncoder;
import dev.backstop.sbe.exchange.MarginMethod;
import dev.backstop.sbe.exchange.MarkBasis;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.PoolDepositEncoder;
import dev.backstop.sbe.exchange.RegisterBlpEncoder;
import dev.backstop.sbe.exchange.RequestPoolRedemptionEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.SetAccountMarginMethodEncoder;
import dev.backstop.sbe.exchange.SetInstrumentUnderlyingEncoder;
import dev.backstop.sbe.exchange.SetLiquidationParametersEncoder;
import dev.backstop.sbe.exchange.SetMarginBracketsEncoder;
import dev.backstop.sbe.exchange.SetMarginRateEncoder;
import dev.backstop.sbe.exchange.SetOpenInterestScalingEncoder;
import dev.backstop.sbe.exchange.SetOracleParametersEncoder;
import dev.backstop.sbe.exchange.SetUnderlyingScenariosEncoder;
import dev.backstop.sbe.exchange.Side;
import dev.backstop.sbe.exchange.SubmitAuctionBidEncoder;
import dev.backstop.sbe.exchange.SubmitOrderEncoder;
import dev.backstop.sbe.exchange.SubmitPriceTickEncoder;
import dev.backstop.sbe.exchange.SubmitTradeEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue-3 requests at the gateway: who may send each one, the values refused before the cluster sees them, and
 * the translation to cluster commands (sender id in front, every field and group entry intact).
 */
final class RiskCommandIngressTest
{
    private static final long OPERATOR = 1;
    private static final long EXCHANGE = 100;
    private static final long MEMBER = 200;
    private static final long BLP = 300;
    private static final String REPLY = "aeron:udp?endpoint=127.0.0.1:21998";

    private final Handler handler = new Handler();
    private final SenderDirectory senders = new SenderDirectory()
        .add(new Sender(OPERATOR, SenderRole.OPERATOR, "op"))
        .add(new Sender(EXCHANGE, SenderRole.EXCHANGE, "ex"))
        .add(new Sender(MEMBER, SenderRole.MEMBER, "mb"))
        .add(new Sender(BLP, SenderRole.BLP, "blp"));
    private final IngressDecoder decoder = new IngressDecoder(senders, handler, Set.of("127.0.0.1"), 1001);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final dev.backstop.sbe.cluster.MessageHeaderDecoder clusterHeader =
        new dev.backstop.sbe.cluster.MessageHeaderDecoder();

    @Test
    void eachRoleSendsOnlyItsOwnRequests()
    {
        final SenderRole[] roles = {SenderRole.EXCHANGE, SenderRole.MEMBER, SenderRole.BLP, SenderRole.OPERATOR};
        final long[] ids = {EXCHANGE, MEMBER, BLP, OPERATOR};
        final String[] secrets = {"ex", "mb", "blp", "op"};
        final List<Request> requests = requests();

        for (int r = 0; r < roles.length; r++)
        {
            final ExchangeSession session = logOn(ids[r], roles[r], secrets[r]);
            long sequence = 1;
            for (final Request request : requests)
            {
                handler.clear();
                final int length = request.encode(sequence);
                decoder.onMessage(session, buffer, 0, length);
                final boolean allowed = request.allowed(roles[r]);
                if (allowed)
                {
                    assertEquals(0, handler.refusals.size(), () -> request.name + " by " + " refused: " +
                        handler.refusals);
                    assertEquals(1, handler.commands.size(), request.name);
                    sequence++;
                }
                else
                {
                    assertEquals(1, handler.refusals.size(), request.name);
                    assertEquals(ResultCode.NOT_AUTHORISED, handler.refusals.get(0).code, request.name);
                }
            }
        }
    }

    @Test
    void translatesEveryRequestWithTheSenderIdInFront()
    {
        ExchangeSession session = logOn(EXCHANGE, SenderRole.EXCHANGE, "ex");
        send(session, order(1, 55, 3, 10, Side.SELL, 12_000, 7));
        final OrderCommandDecoder order = new OrderCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(EXCHANGE, order.senderId());
        assertEquals(1, order.sequence());
        assertEquals(55, order.orderId());
        assertEquals(3, order.instrumentId());
        assertEquals(10, order.accountId());
        assertEquals(dev.backstop.sbe.cluster.Side.SELL, order.side());
        assertEquals(12_000, order.priceTicks());
        assertEquals(7, order.quantityLots());

        send(session, cancel(2, 55));
        assertEquals(55, new CancelOrderCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader).orderId());

        send(session, trade(3, 9, 3, 10, 11, 100, 2, 55, 66));
        final TradeCommandDecoder trade = new TradeCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(55, trade.buyOrderId());
        assertEquals(66, trade.sellOrderId());

        send(session, tick(4, 3, 2, 101, 1_700_000_000_123L));
        final PriceTickCommandDecoder tick =
            new PriceTickCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(1_700_000_000_123L, tick.sourceTimeMs());
        assertEquals(2, tick.sourceId());

        session = logOn(BLP, SenderRole.BLP, "blp");
        send(session, registerBlp(1, 30, 5_000_000_000L));
        final RegisterBlpCommandDecoder register =
            new RegisterBlpCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(BLP, register.senderId());
        assertEquals(30, register.accountId());
        assertEquals(5_000_000_000L, register.capacity());

        send(session, bid(2, 900, 30, 99, 4));
        final AuctionBidCommandDecoder bid = new AuctionBidCommandDecoder().wrapAndApplyHeader(lastCommand(), 0,
            clusterHeader);
        assertEquals(900, bid.auctionId());
        assertEquals(30, bid.accountId());
        assertEquals(99, bid.priceTicks());
        assertEquals(4, bid.quantityLots());

        send(session, poolDeposit(3, 70, 30, 1_000));
        final PoolDepositCommandDecoder deposit =
            new PoolDepositCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(70, deposit.poolAccountId());
        assertEquals(30, deposit.accountId());
        assertEquals(1_000, deposit.amount());

        send(session, redeem(4, 70, 30, 500));
        assertEquals(500, new PoolRedemptionCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader)
            .shares());

        session = logOn(OPERATOR, SenderRole.OPERATOR, "op");
        send(session, createPool(1, 70, 7));
        final CreatePoolCommandDecoder create =
            new CreatePoolCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(70, create.poolAccountId());
        assertEquals(7, create.ownerMemberId());

        send(session, oracle(2, 3, 30_000, 50_000, 2, MarkBasis.INDEX_PLUS_EMA_BASIS, 60_000, 4));
        final OracleParametersCommandDecoder oracle =
            new OracleParametersCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(OPERATOR, oracle.senderId());
        assertEquals(30_000, oracle.sourceAgeLimitMs());
        assertEquals(2, oracle.quorum());
        assertEquals(dev.backstop.sbe.cluster.MarkBasis.INDEX_PLUS_EMA_BASIS, oracle.markBasis());
        assertEquals(60_000, oracle.emaWindowMs());
        assertEquals(4, oracle.maxSources());

        send(session, brackets(3, 3, new long[]{1_000, 5_000, Long.MAX_VALUE}, new int[]{100_000, 150_000, 200_000},
            new int[]{50_000, 75_000, 100_000}));
        final MarginBracketsCommandDecoder brackets =
            new MarginBracketsCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(3, brackets.instrumentId());
        final MarginBracketsCommandDecoder.BracketsDecoder entries = brackets.brackets();
        assertEquals(3, entries.count());
        entries.next();
        assertEquals(1_000, entries.notionalCap());
        entries.next();
        entries.next();
        assertEquals(Long.MAX_VALUE, entries.notionalCap());
        assertEquals(200_000, entries.initialMarginPpm());
        assertEquals(100_000, entries.maintenanceMarginPpm());
        assertEquals(lastCommand().capacity(), brackets.limit(), "the whole message and nothing more");

        send(session, scenarios(4, 5, -150_000, 0, 150_000));
        final UnderlyingScenariosCommandDecoder scenarios =
            new UnderlyingScenariosCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(5, scenarios.underlyingId());
        final StringBuilder shocks = new StringBuilder();
        for (final UnderlyingScenariosCommandDecoder.ShocksDecoder shock : scenarios.shocks())
        {
            shocks.append(shock.priceShockPpm()).append(' ');
        }
        assertEquals("-150000 0 150000 ", shocks.toString());

        send(session, liquidationParameters(5, 100, 1_000_000_000L, 100_000, 1_020_000, 5_000, 5, 20, 200_000,
            50_000, 300_000, 86_400_000L, 500_000, 700_000));
        final LiquidationParametersCommandDecoder liquidation =
            new LiquidationParametersCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(100, liquidation.roundIntervalMs());
        assertEquals(1_020_000, liquidation.targetPpm());
        assertEquals(86_400_000L, liquidation.redemptionNoticeMs());
        assertEquals(500_000, liquidation.wholeAccountThresholdPpm());
        assertEquals(700_000, liquidation.poolSharePpm());

        send(session, vmInterval(6, 0));
        final dev.backstop.sbe.cluster.VariationMarginIntervalCommandDecoder vm =
            new dev.backstop.sbe.cluster.VariationMarginIntervalCommandDecoder()
                .wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(OPERATOR, vm.senderId());
        assertEquals(6, vm.sequence());
        assertEquals(0, vm.intervalMs());

        send(session, funding(7, 3, 3_600_000L, -50, 400, 3_000));
        final dev.backstop.sbe.cluster.FundingParametersCommandDecoder funding =
            new dev.backstop.sbe.cluster.FundingParametersCommandDecoder()
                .wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(OPERATOR, funding.senderId());
        assertEquals(3, funding.instrumentId());
        assertEquals(3_600_000L, funding.intervalMs());
        assertEquals(-50, funding.interestPpm());
        assertEquals(400, funding.premiumClampPpm());
        assertEquals(3_000, funding.capPpm());

        send(session, breaker(8, 3, 50_000, 600_000L, 30_000L));
        final dev.backstop.sbe.cluster.CircuitBreakerCommandDecoder breaker =
            new dev.backstop.sbe.cluster.CircuitBreakerCommandDecoder()
                .wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(3, breaker.instrumentId());
        assertEquals(50_000, breaker.bandPpm());
        assertEquals(600_000L, breaker.windowMs());
        assertEquals(30_000L, breaker.haltMs());

        send(session, resume(9, 3));
        assertEquals(3, new dev.backstop.sbe.cluster.ResumeInstrumentCommandDecoder()
            .wrapAndApplyHeader(lastCommand(), 0, clusterHeader).instrumentId());
    }

    @Test
    void refusesAbsurdValuesBeforeTheCluster()
    {
        final ExchangeSession exchange = logOn(EXCHANGE, SenderRole.EXCHANGE, "ex");
        assertRefused(exchange, order(1, 0, 3, 10, Side.BUY, 100, 1), ResultCode.INVALID_PARAMETER);
        assertRefused(exchange, order(1, 5, 3, 10, Side.BUY, 100, 0), ResultCode.INVALID_QUANTITY);
        assertRefused(exchange, order(1, 5, 3, 10, Side.BUY, -1, 1), ResultCode.INVALID_PRICE);
        final int badSide = order(1, 5, 3, 10, Side.BUY, 100, 1);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + SubmitOrderEncoder.sideEncodingOffset(), (byte)9);
        assertRefused(exchange, badSide, ResultCode.INVALID_PARAMETER);
        assertRefused(exchange, cancel(1, -4), ResultCode.INVALID_PARAMETER);
        assertRefused(exchange, trade(1, 9, 3, 10, 11, 100, 2, -1, 0), ResultCode.INVALID_PARAMETER);
        assertRefused(exchange, tick(1, 3, 2, 100, -5), ResultCode.INVALID_PARAMETER);

        final ExchangeSession blp = logOn(BLP, SenderRole.BLP, "blp");
        assertRefused(blp, registerBlp(1, 30, 0), ResultCode.INVALID_AMOUNT);
        assertRefused(blp, bid(1, 900, 30, 0, 4), ResultCode.INVALID_PRICE);
        assertRefused(blp, bid(1, 900, 30, 10, 0), ResultCode.INVALID_QUANTITY);
        assertRefused(blp, poolDeposit(1, 70, 30, 0), ResultCode.INVALID_AMOUNT);
        assertRefused(blp, redeem(1, 70, 30, 0), ResultCode.INVALID_QUANTITY);

        final ExchangeSession operator = logOn(OPERATOR, SenderRole.OPERATOR, "op");
        assertRefused(operator, createPool(1, 0, 7), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, oracle(1, 3, 0, 50_000, 1, MarkBasis.INDEX, 60_000, 16), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, oracle(1, 3, 30_000, 50_000, 0, MarkBasis.INDEX, 60_000, 16),
            ResultCode.INVALID_PARAMETER);
        assertRefused(operator, brackets(1, 3, new long[]{5_000, 1_000}, new int[]{100_000, 100_000},
            new int[]{50_000, 50_000}), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, brackets(1, 3, new long[]{Long.MAX_VALUE}, new int[]{40_000}, new int[]{50_000}),
            ResultCode.INVALID_PARAMETER);
        assertRefused(operator, brackets(1, 3, new long[]{5_000}, new int[]{100_000}, new int[]{50_000}),
            ResultCode.INVALID_PARAMETER);
        assertRefused(operator, brackets(1, 3, new long[0], new int[0], new int[0]), ResultCode.MALFORMED_MESSAGE);
        assertRefused(operator, brackets(1, 3, new long[IngressDecoder.MAX_MARGIN_BRACKETS + 1],
            new int[IngressDecoder.MAX_MARGIN_BRACKETS + 1], new int[IngressDecoder.MAX_MARGIN_BRACKETS + 1]),
            ResultCode.MALFORMED_MESSAGE);
        assertRefused(operator, scenarios(1, 5, -1_000_000), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, openInterest(1, 3, 100, 0), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, openInterest(1, 3, 500, 100), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, marginRate(1, 3, 40_000, 50_000, 0, 0, 10_000, 1_000), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, marginRate(1, 3, 100_000, 50_000, 120_000, 0, 10_000, 1_000),
            ResultCode.INVALID_PARAMETER);
        assertRefused(operator, marginRate(1, 3, 100_000, 50_000, 80_000, 40_000, 0, 1_000),
            ResultCode.INVALID_PARAMETER);
        final int badMethod = marginMethod(1, 10, MarginMethod.PORTFOLIO);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + SetAccountMarginMethodEncoder.methodEncodingOffset(),
            (byte)7);
        assertRefused(operator, badMethod, ResultCode.INVALID_PARAMETER);
        assertRefused(operator, underlying(1, 3, 0), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, liquidationParameters(1, 100, 0, 100_000, 900_000, 5_000, 5, 20, 200_000, 50_000,
            300_000, 0, 666_667, 666_667), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, liquidationParameters(1, 100, 0, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 50_000,
            300_000, 0, 0, 666_667), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, liquidationParameters(1, 100, 0, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 50_000,
            300_000, 0, 666_667, 1_000_001), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, oracle(1, 3, 30_000, 50_000, 2, MarkBasis.INDEX, 60_000, 1),
            ResultCode.INVALID_PARAMETER);
        assertRefused(operator, oracle(1, 3, 30_000, 50_000, 1, MarkBasis.INDEX, 60_000,
            IngressDecoder.MAX_ORACLE_SOURCES + 1), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, vmInterval(1, 999), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, vmInterval(1, 86_400_001L), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, funding(1, 0, 28_800_000L, 100, 500, 5_000), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, funding(1, 3, 7 * 86_400_000L + 1, 100, 500, 5_000), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, funding(1, 3, 28_800_000L, 100, -1, 5_000), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, funding(1, 3, 28_800_000L, 100, 500, 1_000_001), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, breaker(1, 3, -1, 3_600_000L, 120_000L), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, breaker(1, 3, 100_000, 3_600_001L, 120_000L), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, breaker(1, 3, 100_000, 3_600_000L, 0), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, resume(1, 0), ResultCode.INVALID_PARAMETER);
        assertEquals(0, senders.get(OPERATOR).lastForwardedSequence(), "no refusal consumes a sequence");
    }

    @Test
    void refusesARepeatingGroupThatRunsPastTheEnd()
    {
        final ExchangeSession operator = logOn(OPERATOR, SenderRole.OPERATOR, "op");
        final int length = scenarios(1, 5, -100_000, 100_000);
        handler.clear();
        decoder.onMessage(operator, buffer, 0, length - 1);
        assertEquals(ResultCode.MALFORMED_MESSAGE, handler.refusals.get(0).code);

        final int groupHeader = MessageHeaderEncoder.ENCODED_LENGTH + SetUnderlyingScenariosEncoder.BLOCK_LENGTH;
        buffer.putShort(groupHeader + 2, (short)(IngressDecoder.MAX_SCENARIO_SHOCKS + 1), ByteOrder.LITTLE_ENDIAN);
        assertRefused(operator, length, ResultCode.MALFORMED_MESSAGE);
        buffer.putShort(groupHeader + 2, (short)2, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(groupHeader, (short)2, ByteOrder.LITTLE_ENDIAN);
        assertRefused(operator, length, ResultCode.MALFORMED_MESSAGE);
    }

    @Test
    void neverThrowsOnMutatedRiskRequests()
    {
        final Random random = new Random(20_261_121L);
        final ExchangeSession[] sessions = {
            logOn(EXCHANGE, SenderRole.EXCHANGE, "ex"),
            logOn(BLP, SenderRole.BLP, "blp"),
            logOn(OPERATOR, SenderRole.OPERATOR, "op")};
        final List<Request> requests = requests();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[4096]);
        int verdicts = 0;
        final int rounds = 30_000;
        for (int i = 0; i < rounds; i++)
        {
            final int length = requests.get(random.nextInt(requests.size())).encode(1 + random.nextInt(3));
            scratch.putBytes(0, buffer, 0, length);
            final int mutations = random.nextInt(6);
            for (int m = 0; m < mutations; m++)
            {
                scratch.putByte(random.nextInt(length + 8), (byte)random.nextInt());
            }
            final int fuzzedLength = random.nextBoolean() ? length : random.nextInt(length + 16);
            handler.clear();
            decoder.onMessage(sessions[random.nextInt(sessions.length)], scratch, 0, fuzzedLength);
            // A mutation that turns a request into a valid Logout is answered by ending the session.
            verdicts += handler.refusals.size() + handler.commands.size() + handler.logouts;
            for (final UnsafeBuffer command : handler.commands)
            {
                assertTrue(command.capacity() <= 4096);
                clusterHeader.wrap(command, 0);
                assertEquals(dev.backstop.sbe.cluster.MessageHeaderDecoder.SCHEMA_ID, clusterHeader.schemaId());
            }
        }
        assertEquals(rounds, verdicts, "every message gets exactly one verdict");
    }

    private List<Request> requests()
    {
        final List<Request> requests = new ArrayList<>();
        final Set<SenderRole> exchange = Set.of(SenderRole.EXCHANGE);
        final Set<SenderRole> operator = Set.of(SenderRole.OPERATOR);
        requests.add(new Request("SubmitOrder", exchange, s -> order(s, 1000, 3, 10, Side.BUY, 100, 1)));
        requests.add(new Request("CancelOrder", exchange, s -> cancel(s, 1000)));
        requests.add(new Request("RegisterBlp", Set.of(SenderRole.BLP, SenderRole.OPERATOR),
            s -> registerBlp(s, 30, 1_000)));
        requests.add(new Request("SubmitAuctionBid", Set.of(SenderRole.BLP), s -> bid(s, 1, 30, 100, 1)));
        requests.add(new Request("CreatePool", operator, s -> createPool(s, 70, 7)));
        requests.add(new Request("PoolDeposit", Set.of(SenderRole.MEMBER, SenderRole.BLP),
            s -> poolDeposit(s, 70, 30, 1_000)));
        requests.add(new Request("RequestPoolRedemption", Set.of(SenderRole.MEMBER, SenderRole.BLP),
            s -> redeem(s, 70, 30, 10)));
        requests.add(new Request("SetOracleParameters", operator,
            s -> oracle(s, 3, 30_000, 50_000, 1, MarkBasis.INDEX, 60_000, 16)));
        requests.add(new Request("SetMarginBrackets", operator,
            s -> brackets(s, 3, new long[]{1_000, Long.MAX_VALUE}, new int[]{100_000, 120_000},
                new int[]{50_000, 60_000})));
        requests.add(new Request("SetOpenInterestScaling", operator, s -> openInterest(s, 3, 1_000, 9_000)));
        requests.add(new Request("SetMarginRate", operator, s -> marginRate(s, 3, 100_000, 50_000, 80_000, 40_000, 10_000, 60_000)));
        requests.add(new Request("SetAccountMarginMethod", operator, s -> marginMethod(s, 10, MarginMethod.PORTFOLIO)));
        requests.add(new Request("SetUnderlyingScenarios", operator, s -> scenarios(s, 5, -100_000, 100_000)));
        requests.add(new Request("SetInstrumentUnderlying", operator, s -> underlying(s, 3, 5)));
        requests.add(new Request("SetLiquidationParameters", operator, s -> liquidationParameters(s, 100,
            1_000_000_000L, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 50_000, 300_000, 86_400_000L, 666_667,
            666_667)));
        requests.add(new Request("SetVariationMarginInterval", operator, s -> vmInterval(s, 60_000)));
        requests.add(new Request("SetFundingParameters", operator, s -> funding(s, 3, 28_800_000L, 100, 500, 5_000)));
        requests.add(new Request("SetCircuitBreaker", operator, s -> breaker(s, 3, 100_000, 3_600_000L, 120_000L)));
        requests.add(new Request("ResumeInstrument", operator, s -> resume(s, 3)));
        return requests;
    }

    private int vmInterval(final long sequence, final long intervalMs)
    {
        return length(new dev.backstop.sbe.exchange.SetVariationMarginIntervalEncoder()
            .wrapAndApplyHeader(buffer, 0, header).sequence(sequence).intervalMs(intervalMs).encodedLength());
    }

    private int funding(
        final long sequence, final int instrumentId, final long intervalMs, final int interestPpm,
        final int premiumClampPpm, final int capPpm)
    {
        return length(new dev.backstop.sbe.exchange.SetFundingParametersEncoder()
            .wrapAndApplyHeader(buffer, 0, header).sequence(sequence).instrumentId(instrumentId).intervalMs(intervalMs)
            .interestPpm(interestPpm).premiumClampPpm(premiumClampPpm).capPpm(capPpm).encodedLength());
    }

    private int breaker(
        final long sequence, final int instrumentId, final int bandPpm, final long windowMs, final long haltMs)
    {
        return length(new dev.backstop.sbe.exchange.SetCircuitBreakerEncoder()
            .wrapAndApplyHeader(buffer, 0, header).sequence(sequence).instrumentId(instrumentId).bandPpm(bandPpm)
            .windowMs(windowMs).haltMs(haltMs).encodedLength());
    }

    private int resume(final long sequence, final int instrumentId)
    {
        return length(new dev.backstop.sbe.exchange.ResumeInstrumentEncoder()
            .wrapAndApplyHeader(buffer, 0, header).sequence(sequence).instrumentId(instrumentId).encodedLength());
    }

    private void send(final ExchangeSession session, final int length)
    {
        handler.clear();
        decoder.onMessage(session, buffer, 0, length);
        assertEquals(0, handler.refusals.size(), () -> "refused: " + handler.refusals);
        assertEquals(1, handler.commands.size());
    }

    private void assertRefused(final ExchangeSession session, final int length, final ResultCode code)
    {
        handler.clear();
        decoder.onMessage(session, buffer, 0, length);
        assertEquals(0, handler.commands.size(), "nothing forwarded");
        assertEquals(1, handler.refusals.size());
        assertEquals(code, handler.refusals.get(0).code, () -> handler.refusals.get(0).reason);
        assertFalse(handler.refusals.get(0).reason.isEmpty());
    }

    private DirectBuffer lastCommand()
    {
        return handler.commands.get(handler.commands.size() - 1);
    }

    private ExchangeSession logOn(final long senderId, final SenderRole role, final String secret)
    {
        final ExchangeSession session = new ExchangeSession((int)senderId, (int)senderId, "test");
        final LogonEncoder logon = new LogonEncoder();
        logon.wrapAndApplyHeader(buffer, 0, header)
            .senderId(senderId)
            .role(role)
            .replyStreamId(1002)
            .credential(secret)
            .replyChannel(REPLY);
        decoder.onMessage(session, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + logon.encodedLength());
        assertEquals(1, handler.logons, "logon accepted");
        final Sender sender = senders.get(senderId);
        sender.lastForwardedSequence(0);
        session.logonPending(sender, 1, Long.MAX_VALUE);
        session.loggedOn(sender, 0);
        handler.clear();
        return session;
    }

    private int order(
        final long sequence, final long orderId, final int instrumentId, final long accountId, final Side side,
        final long priceTicks, final long lots)
    {
        return length(new SubmitOrderEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).orderId(orderId).instrumentId(instrumentId).accountId(accountId).side(side)
            .priceTicks(priceTicks).quantityLots(lots).encodedLength());
    }

    private int cancel(final long sequence, final long orderId)
    {
        return length(new CancelOrderEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).orderId(orderId).encodedLength());
    }

    private int trade(
        final long sequence, final long venueTradeId, final int instrumentId, final long buy, final long sell,
        final long priceTicks, final long lots, final long buyOrderId, final long sellOrderId)
    {
        return length(new SubmitTradeEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).venueTradeId(venueTradeId).instrumentId(instrumentId).buyAccountId(buy)
            .sellAccountId(sell).priceTicks(priceTicks).quantityLots(lots).buyOrderId(buyOrderId)
            .sellOrderId(sellOrderId).encodedLength());
    }

    private int tick(
        final long sequence, final int instrumentId, final int sourceId, final long priceTicks, final long sourceTimeMs)
    {
        return length(new SubmitPriceTickEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).instrumentId(instrumentId).sourceId(sourceId).priceTicks(priceTicks)
            .sourceTimeMs(sourceTimeMs).encodedLength());
    }

    private int registerBlp(final long sequence, final long accountId, final long capacity)
    {
        return length(new RegisterBlpEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).accountId(accountId).capacity(capacity).encodedLength());
    }

    private int bid(
        final long sequence, final long auctionId, final long accountId, final long priceTicks, final long lots)
    {
        return length(new SubmitAuctionBidEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).auctionId(auctionId).accountId(accountId).priceTicks(priceTicks).quantityLots(lots)
            .encodedLength());
    }

    private int createPool(final long sequence, final long poolAccountId, final long ownerMemberId)
    {
        return length(new CreatePoolEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).poolAccountId(poolAccountId).ownerMemberId(ownerMemberId).encodedLength());
    }

    private int poolDeposit(final long sequence, final long poolAccountId, final long accountId, final long amount)
    {
        return length(new PoolDepositEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).poolAccountId(poolAccountId).accountId(accountId).amount(amount).encodedLength());
    }

    private int redeem(final long sequence, final long poolAccountId, final long accountId, final long shares)
    {
        return length(new RequestPoolRedemptionEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).poolAccountId(poolAccountId).accountId(accountId).shares(shares).encodedLength());
    }

    private int oracle(
        final long sequence, final int instrumentId, final long ageLimitMs, final int bandPpm, final int quorum,
        final MarkBasis basis, final long emaWindowMs, final int maxSources)
    {
        return length(new SetOracleParametersEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).instrumentId(instrumentId).sourceAgeLimitMs(ageLimitMs).exclusionBandPpm(bandPpm)
            .quorum(quorum).markBasis(basis).emaWindowMs(emaWindowMs).maxSources(maxSources).encodedLength());
    }

    private int brackets(
        final long sequence, final int instrumentId, final long[] caps, final int[] initial, final int[] maintenance)
    {
        final SetMarginBracketsEncoder encoder = new SetMarginBracketsEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).instrumentId(instrumentId);
        final SetMarginBracketsEncoder.BracketsEncoder brackets = encoder.bracketsCount(caps.length);
        for (int i = 0; i < caps.length; i++)
        {
            brackets.next().notionalCap(caps[i]).initialMarginPpm(initial[i]).maintenanceMarginPpm(maintenance[i]);
        }
        return length(encoder.encodedLength());
    }

    private int openInterest(final long sequence, final int instrumentId, final long lower, final long upper)
    {
        return length(new SetOpenInterestScalingEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).instrumentId(instrumentId).lowerCapNotional(lower).upperCapNotional(upper)
            .encodedLength());
    }

    private int marginRate(
        final long sequence, final int instrumentId, final int initial, final int maintenance, final int initialFloor,
        final int maintenanceFloor,
        final int maxCutPerStepPpm,
        final long stepIntervalMs)
    {
        return length(new SetMarginRateEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).instrumentId(instrumentId).initialMarginPpm(initial).maintenanceMarginPpm(maintenance)
            .initialMarginFloorPpm(initialFloor).maintenanceMarginFloorPpm(maintenanceFloor)
            .maxCutPerStepPpm(maxCutPerStepPpm).stepIntervalMs(stepIntervalMs).encodedLength());
    }

    private int marginMethod(final long sequence, final long accountId, final MarginMethod method)
    {
        return length(new SetAccountMarginMethodEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).accountId(accountId).method(method).encodedLength());
    }

    private int scenarios(final long sequence, final int underlyingId, final int... shocksPpm)
    {
        final SetUnderlyingScenariosEncoder encoder =
            new SetUnderlyingScenariosEncoder().wrapAndApplyHeader(buffer, 0, header)
                .sequence(sequence).underlyingId(underlyingId);
        final SetUnderlyingScenariosEncoder.ShocksEncoder shocks = encoder.shocksCount(shocksPpm.length);
        for (final int shock : shocksPpm)
        {
            shocks.next().priceShockPpm(shock);
        }
        return length(encoder.encodedLength());
    }

    private int underlying(final long sequence, final int instrumentId, final int underlyingId)
    {
        return length(new SetInstrumentUnderlyingEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).instrumentId(instrumentId).underlyingId(underlyingId).encodedLength());
    }

    private int liquidationParameters(
        final long sequence,
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
        final int wholeAccountThresholdPpm,
        final int poolSharePpm)
    {
        return length(new SetLiquidationParametersEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).roundIntervalMs(roundIntervalMs).minSliceNotional(minSliceNotional)
            .slicePpm(slicePpm).targetPpm(targetPpm).feePpm(feePpm).auctionSteps(auctionSteps)
            .auctionStepMs(auctionStepMs).poolLossCapPpm(poolLossCapPpm).bandPpm(bandPpm).twapWindowMs(twapWindowMs)
            .redemptionNoticeMs(redemptionNoticeMs).wholeAccountThresholdPpm(wholeAccountThresholdPpm)
            .poolSharePpm(poolSharePpm).encodedLength());
    }

    private static int length(final int bodyLength)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
    }

    private record Refusal(long sequence, int templateId, ResultCode code, String reason)
    {
    }

    private record Request(String name, Set<SenderRole> roles, Encoding encoding)
    {
        int encode(final long sequence)
        {
            return encoding.encode(sequence);
        }

        boolean allowed(final SenderRole role)
        {
            return roles.contains(role);
        }
    }

    @FunctionalInterface
    private interface Encoding
    {
        int encode(long sequence);
    }

    private static final class Handler implements IngressHandler
    {
        final List<Refusal> refusals = new ArrayList<>();
        final List<UnsafeBuffer> commands = new ArrayList<>();
        int logons;
        int logouts;

        public void onLogonAuthenticated(
            final ExchangeSession session, final Sender sender, final String replyChannel, final int replyStreamId)
        {
            logons++;
        }

        public void onLogonRefused(
            final ExchangeSession session, final long senderId, final String replyChannel, final int replyStreamId,
            final ResultCode code, final ReasonText reason)
        {
            refusals.add(new Refusal(-1, 1, code, reason.toString()));
        }

        public void onLogout(final ExchangeSession session)
        {
            logouts++;
        }

        public ResultCode onCommand(
            final ExchangeSession session, final Sender sender, final long sequence, final int templateId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
            copy.putBytes(0, buffer, offset, length);
            commands.add(copy);
            return ResultCode.ACCEPTED;
        }

        public void onRefusal(
            final ExchangeSession session, final long sequence, final int templateId, final ResultCode code,
            final ReasonText reason)
        {
            assertFalse(reason.toString().isEmpty(), "every refusal has a reason");
            refusals.add(new Refusal(sequence, templateId, code, reason.toString()));
        }

        void clear()
        {
            refusals.clear();
            commands.clear();
            logons = 0;
            logouts = 0;
        }
    }
}
