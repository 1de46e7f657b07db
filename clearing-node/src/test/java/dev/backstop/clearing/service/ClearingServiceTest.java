package dev.backstop.clearing.service;

import dev.backstop.sbe.cluster.AccountStateResultDecoder;
import dev.backstop.sbe.cluster.AutoDeleveragingCommandEncoder;
import dev.backstop.sbe.cluster.AutoDeleveragingMode;
import dev.backstop.sbe.events.AutoDeleveragedDecoder;
import dev.backstop.sbe.events.AutoDeleveragingEndedDecoder;
import dev.backstop.sbe.events.AutoDeleveragingModeChangedDecoder;
import dev.backstop.sbe.cluster.BooleanType;
import dev.backstop.sbe.cluster.CommandResultDecoder;
import dev.backstop.sbe.cluster.CommandResultEncoder;
import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.DepositCommandEncoder;
import dev.backstop.sbe.cluster.LedgerResultDecoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandEncoder;
import dev.backstop.sbe.cluster.MessageHeaderDecoder;
import dev.backstop.sbe.cluster.MessageHeaderEncoder;
import dev.backstop.sbe.cluster.OpenAccountCommandEncoder;
import dev.backstop.sbe.cluster.PriceTickCommandEncoder;
import dev.backstop.sbe.cluster.QueryAccountCommandEncoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandEncoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.SenderSequenceQueryEncoder;
import dev.backstop.sbe.cluster.SenderSequenceResultDecoder;
import dev.backstop.sbe.cluster.TradeCommandEncoder;
import dev.backstop.sbe.cluster.AccountMarginMethodCommandEncoder;
import dev.backstop.sbe.cluster.AuctionBidCommandEncoder;
import dev.backstop.sbe.cluster.LiquidationParametersCommandEncoder;
import dev.backstop.sbe.cluster.CreatePoolCommandEncoder;
import dev.backstop.sbe.cluster.PoolDepositCommandEncoder;
import dev.backstop.sbe.cluster.RegisterBlpCommandEncoder;
import dev.backstop.sbe.cluster.CancelOrderCommandEncoder;
import dev.backstop.sbe.cluster.InstrumentUnderlyingCommandEncoder;
import dev.backstop.sbe.cluster.MarginBracketsCommandEncoder;
import dev.backstop.sbe.cluster.MarginMethod;
import dev.backstop.sbe.cluster.MarginRateCommandEncoder;
import dev.backstop.sbe.cluster.MarkBasis;
import dev.backstop.sbe.cluster.OpenInterestScalingCommandEncoder;
import dev.backstop.sbe.cluster.OracleParametersCommandEncoder;
import dev.backstop.sbe.cluster.OrderCommandEncoder;
import dev.backstop.sbe.cluster.Side;
import dev.backstop.sbe.cluster.UnderlyingScenariosCommandEncoder;
import dev.backstop.sbe.events.MarginRatesChangedDecoder;
import dev.backstop.sbe.events.MarkPriceUpdatedDecoder;
import dev.backstop.sbe.events.OrderAcceptedDecoder;
import dev.backstop.sbe.events.OrderCancelledDecoder;
import dev.backstop.sbe.events.RiskParametersChangedDecoder;
import dev.backstop.sbe.events.TickDecision;
import dev.backstop.sbe.cluster.WithdrawCommandEncoder;
import dev.backstop.sbe.events.CollateralMovedDecoder;
import dev.backstop.sbe.events.CollateralMovement;
import dev.backstop.sbe.events.CommandRefusedDecoder;
import dev.backstop.sbe.events.TradeClearedDecoder;
import io.aeron.Publication;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clearing service's decoding, dispatch, replies, events and refusals, driven without a cluster.
 */
class ClearingServiceTest
{
    private static final long OPERATOR = 1;
    private static final long MEMBER = 2;
    private static final long EXCHANGE = 100;
    private static final int INSTRUMENT = 7;
    /**
     * An operator session of its own for the settlement commands, so adding them leaves the other senders' sequences
     * as they were (the cluster does not check roles: the gateway does).
     */
    private static final long SETTLEMENT_DESK = 9;

    private final FakeCluster cluster = new FakeCluster();
    private final CapturingSession gateway = new CapturingSession(1);
    private final CapturingSession otherGateway = new CapturingSession(2);
    private final ClearingService service = new ClearingService();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final CommandResultDecoder commandResult = new CommandResultDecoder();
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH]);
    private final Header header = new Header(0, LogBufferDescriptor.positionBitsToShift(64 * 1024));
    private long position;

    @BeforeEach
    void start()
    {
        header.buffer(headerBuffer);
        header.offset(0);
        cluster.sessions.add(gateway);
        cluster.sessions.add(otherGateway);
        service.onStart(cluster, null);
    }

    @Test
    void appliesCommandsAndAnswersTheSenderWithEachResult()
    {
        cluster.time = 1_700_000_000_123L;
        send(listInstrument(OPERATOR, 1, "BTC-PERP"));
        send(openAccount(OPERATOR, 2, 11));
        send(deposit(MEMBER, 1, 11, 5_000_000));

        final List<DirectBuffer> results = results(gateway);
        assertEquals(3, results.size());
        assertResult(results.get(0), OPERATOR, 1, ResultCode.ACCEPTED, false, ListInstrumentCommandEncoder.TEMPLATE_ID);
        assertResult(results.get(1), OPERATOR, 2, ResultCode.ACCEPTED, false, OpenAccountCommandEncoder.TEMPLATE_ID);
        assertResult(results.get(2), MEMBER, 1, ResultCode.ACCEPTED, false, DepositCommandEncoder.TEMPLATE_ID);
        assertEquals(cluster.time, commandResult.clusterTime());
        assertEquals(5_000_000, service.clearingHouse().netDeposits());
        assertTrue(results(otherGateway).isEmpty(), "results go only to the sender's session");
    }

    @Test
    void broadcastsEventsWithSequenceLogPositionAndClusterTimeToEverySession()
    {
        setUpAccounts();
        cluster.time = 42_000;
        send(deposit(MEMBER, 3, 11, 7_000_000));
        final long depositPosition = position;

        for (final CapturingSession session : List.of(gateway, otherGateway))
        {
            final List<DirectBuffer> events = events(session);
            final DirectBuffer last = events.get(events.size() - 1);
            headerDecoder.wrap(last, 0);
            assertEquals(CollateralMovedDecoder.TEMPLATE_ID, headerDecoder.templateId());
            final CollateralMovedDecoder moved = new CollateralMovedDecoder()
                .wrap(last, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
            assertEquals(service.clearingHouse().eventSequence(), moved.eventSequence());
            assertEquals(depositPosition, moved.logPosition());
            assertEquals(42_000, moved.clusterTime());
            assertEquals(11, moved.accountId());
            assertEquals(CollateralMovement.DEPOSIT, moved.movement());
            assertEquals(7_000_000, moved.amount());
        }

        long expectedSequence = 1;
        for (final DirectBuffer event : events(gateway))
        {
            assertEquals(expectedSequence++, event.getLong(MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN),
                "events are gap-free from 1");
        }
    }

    @Test
    void clearsATradeAndPublishesIt()
    {
        setUpAccounts();
        send(priceTick(EXCHANGE + 1, 1, 49_000));
        assertResult(lastResult(gateway), EXCHANGE + 1, 1, ResultCode.ACCEPTED, false,
            PriceTickCommandEncoder.TEMPLATE_ID);
        send(trade(1, 555, 11, 12, 50_000, 3));

        assertResult(lastResult(gateway), EXCHANGE, 1, ResultCode.ACCEPTED, false, TradeCommandEncoder.TEMPLATE_ID);
        final DirectBuffer event = lastEvent(gateway, TradeClearedDecoder.TEMPLATE_ID);
        assertNotNull(event);
        headerDecoder.wrap(event, 0);
        final TradeClearedDecoder cleared = new TradeClearedDecoder()
            .wrap(event, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(EXCHANGE, cleared.exchangeId());
        assertEquals(555, cleared.venueTradeId());
        assertEquals(3, cleared.quantityLots());
        assertEquals(1, service.clearingHouse().tradesCleared());
    }

    @Test
    void answersAResentCommandWithTheOriginalResultMarkedReplayed()
    {
        setUpAccounts();
        send(trade(1, 555, 11, 12, 50_000, 3));
        final int eventsBefore = events(gateway).size();
        final String digestBefore = digest();

        send(trade(1, 555, 11, 12, 50_000, 3));

        assertResult(lastResult(gateway), EXCHANGE, 1, ResultCode.ACCEPTED, true, TradeCommandEncoder.TEMPLATE_ID);
        assertEquals(eventsBefore, events(gateway).size(), "a replay publishes nothing");
        assertEquals(digestBefore, digest(), "a replay changes nothing");
        assertEquals(1, service.clearingHouse().tradesCleared());
    }

    @Test
    void refusesWithTheDomainReasonAndPublishesTheRefusal()
    {
        setUpAccounts();
        send(withdraw(MEMBER, 3, 11, 1_000_000_000_000L));

        assertResult(lastResult(gateway), MEMBER, 3, ResultCode.INSUFFICIENT_CASH, false,
            WithdrawCommandEncoder.TEMPLATE_ID);
        assertEquals("amount exceeds the account's cash", commandResult.reason());

        final DirectBuffer event = lastEvent(gateway, CommandRefusedDecoder.TEMPLATE_ID);
        assertNotNull(event);
        headerDecoder.wrap(event, 0);
        final CommandRefusedDecoder refused = new CommandRefusedDecoder()
            .wrap(event, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(MEMBER, refused.senderId());
        assertEquals(3, refused.sequence());
        assertEquals(WithdrawCommandEncoder.TEMPLATE_ID, refused.templateId());
        assertEquals(dev.backstop.sbe.events.ResultCode.INSUFFICIENT_CASH, refused.resultCode());
        assertEquals("amount exceeds the account's cash", refused.reason());
    }

    @Test
    void refusesAMessageShorterThanTheHeader()
    {
        assertRefused(new UnsafeBuffer(new byte[] { 1, 2, 3, 4 }), 4, ResultCode.MALFORMED_MESSAGE, 0, 0, 0);
    }

    @Test
    void refusesAnotherSchema()
    {
        final int length = deposit(MEMBER, 1, 11, 100);
        buffer.putShort(4, (short)101, ByteOrder.LITTLE_ENDIAN);
        assertRefused(buffer, length, ResultCode.WRONG_SCHEMA, DepositCommandEncoder.TEMPLATE_ID, 0, 0);
    }

    @Test
    void refusesAnotherSchemaVersionEchoingTheKey()
    {
        final int length = deposit(MEMBER, 9, 11, 100);
        buffer.putShort(6, (short)99, ByteOrder.LITTLE_ENDIAN);
        assertRefused(buffer, length, ResultCode.WRONG_SCHEMA, DepositCommandEncoder.TEMPLATE_ID, MEMBER, 9);
    }

    @Test
    void refusesUnknownTemplatesAndResultsSentAsCommands()
    {
        int length = deposit(MEMBER, 1, 11, 100);
        buffer.putShort(2, (short)99, ByteOrder.LITTLE_ENDIAN);
        assertRefused(buffer, length, ResultCode.UNKNOWN_TEMPLATE, 99, 0, 0);

        length = deposit(MEMBER, 1, 11, 100);
        buffer.putShort(2, (short)CommandResultEncoder.TEMPLATE_ID, ByteOrder.LITTLE_ENDIAN);
        assertRefused(buffer, length, ResultCode.UNKNOWN_TEMPLATE, CommandResultEncoder.TEMPLATE_ID, 0, 0);
    }

    @Test
    void refusesABlockLengthShorterThanTheCommand()
    {
        final int length = deposit(MEMBER, 4, 11, 100);
        buffer.putShort(0, (short)(DepositCommandDecoder.BLOCK_LENGTH - 8), ByteOrder.LITTLE_ENDIAN);
        assertRefused(buffer, length, ResultCode.MALFORMED_MESSAGE, DepositCommandEncoder.TEMPLATE_ID, MEMBER, 4);
    }

    @Test
    void refusesAMessageShorterThanItsBlockLength()
    {
        deposit(MEMBER, 5, 11, 100);
        assertRefused(buffer, MessageHeaderEncoder.ENCODED_LENGTH + 20, ResultCode.MALFORMED_MESSAGE,
            DepositCommandEncoder.TEMPLATE_ID, MEMBER, 5);
        assertRefused(buffer, MessageHeaderEncoder.ENCODED_LENGTH + 4, ResultCode.MALFORMED_MESSAGE,
            DepositCommandEncoder.TEMPLATE_ID, 0, 0);
    }

    @Test
    void refusesAVariableLengthFieldRunningPastTheEnd()
    {
        final int length = listInstrument(OPERATOR, 1, "BTC-PERP");
        final int symbolLengthOffset = length - "BTC-PERP".length() - 4;
        buffer.putInt(symbolLengthOffset, 1_000_000, ByteOrder.LITTLE_ENDIAN);
        assertRefused(buffer, length, ResultCode.MALFORMED_MESSAGE, ListInstrumentCommandEncoder.TEMPLATE_ID,
            OPERATOR, 1);

        // Cut exactly at the end of the block: no room for the symbol's length prefix.
        listInstrument(OPERATOR, 1, "BTC-PERP");
        assertRefused(buffer, symbolLengthOffset, ResultCode.MALFORMED_MESSAGE,
            ListInstrumentCommandEncoder.TEMPLATE_ID, OPERATOR, 1);
        assertNull(service.clearingHouse().instrument(INSTRUMENT));
    }

    @Test
    void answersAccountLedgerAndSenderSequenceQueries()
    {
        setUpAccounts();
        send(trade(1, 555, 11, 12, 50_000, 3));
        service.onNewLeadershipTermEvent(5, 0, 0, 0, 0, 0, TimeUnit.MILLISECONDS, 0);

        send(queryAccount(OPERATOR, 4, 11));
        final DirectBuffer accountState = last(gateway, 102, AccountStateResultDecoder.TEMPLATE_ID);
        headerDecoder.wrap(accountState, 0);
        final AccountStateResultDecoder state = new AccountStateResultDecoder().wrap(
            accountState, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(OPERATOR, state.senderId());
        assertEquals(4, state.sequence());
        assertEquals(11, state.accountId());
        assertEquals(service.clearingHouse().account(11).cash(), state.cash());
        assertEquals(0, state.reservedMargin());
        assertEquals(dev.backstop.sbe.cluster.RiskState.NORMAL, state.riskState());
        assertEquals(MarginMethod.LINEAR, state.marginMethod());
        final AccountStateResultDecoder.PositionsDecoder positions = state.positions();
        assertEquals(1, positions.count());
        positions.next();
        assertEquals(INSTRUMENT, positions.instrumentId());
        assertEquals(3, positions.quantityLots());
        assertEquals(50_000, positions.markPriceTicks());

        send(queryLedger(OPERATOR, 5));
        final DirectBuffer ledgerMessage = last(gateway, 102, LedgerResultDecoder.TEMPLATE_ID);
        headerDecoder.wrap(ledgerMessage, 0);
        final LedgerResultDecoder ledger = new LedgerResultDecoder().wrap(
            ledgerMessage, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(1, ledger.tradesCleared());
        assertEquals(5, ledger.leadershipTermId());
        assertEquals(service.clearingHouse().netDeposits(), ledger.netDeposits());
        final byte[] digest = new byte[32];
        ledger.getStateDigest(digest, 0, 32);
        assertEquals(digest(), HexFormat.of().formatHex(digest));

        send(querySenderSequence(77, EXCHANGE));
        final DirectBuffer sequenceMessage = last(gateway, 102, SenderSequenceResultDecoder.TEMPLATE_ID);
        headerDecoder.wrap(sequenceMessage, 0);
        final SenderSequenceResultDecoder sequence = new SenderSequenceResultDecoder().wrap(
            sequenceMessage, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(77, sequence.correlationId());
        assertEquals(EXCHANGE, sequence.senderId());
        assertEquals(1, sequence.lastAppliedSequence());

        send(queryAccount(OPERATOR, 6, 999));
        assertResult(lastResult(gateway), OPERATOR, 6, ResultCode.UNKNOWN_ACCOUNT, false,
            QueryAccountCommandEncoder.TEMPLATE_ID);
    }

    @Test
    void appliesTheCommandEvenWhenItsReplyIsBackPressuredAndDropsTheReplyAfterBoundedRetries()
    {
        setUpAccounts();
        gateway.offerResult = Publication.BACK_PRESSURED;
        otherGateway.offerResult = Publication.NOT_CONNECTED;
        final int offersBefore = gateway.offers;

        send(deposit(MEMBER, 3, 11, 1_000));

        assertEquals(2_001_000, service.clearingHouse().account(11).cash());
        assertTrue(gateway.offers - offersBefore <= 2 * Egress.MAX_OFFER_ATTEMPTS, "retries are bounded");
        assertTrue(service.egressDropped() >= 2);
    }

    @Test
    void reportsAConsistentStateDigestFromTheServiceThread()
    {
        setUpAccounts();
        cluster.logPosition = position;
        final var future = service.requestStateReport();
        assertFalse(future.isDone());

        assertEquals(1, service.doBackgroundWork(0));

        final StateReport report = future.join();
        assertEquals(digest(), report.digestHex());
        assertEquals(position, report.logPosition());
        assertEquals(service.clearingHouse().eventSequence(), report.eventSequence());
        assertEquals(0, service.doBackgroundWork(0), "no work without a request");
    }

    @Test
    void theCommandPathDoesNotAllocateOnceWarm()
    {
        setUpAccounts();
        gateway.capture = false;
        otherGateway.capture = false;
        final UnsafeBuffer deposit = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer replay = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer query = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer refused = new UnsafeBuffer(new byte[64]);
        final int depositLength = copy(deposit(MEMBER, 3, 11, 1), deposit);
        final int replayLength = copy(deposit(MEMBER, 3, 11, 1), replay);
        final int queryLength = copy(queryAccount(OPERATOR, 4, 11), query);
        final int refusedLength = copy(deposit(MEMBER, 1, 11, 1), refused);
        refused.putShort(4, (short)101, ByteOrder.LITTLE_ENDIAN);

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long sequence = 3;
        long allocated = 0;
        // Measure the last round only: until C2 has compiled the path (later on a loaded machine), the interpreter
        // allocates objects that escape analysis removes once compiled.
        final int rounds = 4;
        for (int round = 0; round < rounds; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                deposit.putLong(MessageHeaderEncoder.ENCODED_LENGTH + 8, sequence++, ByteOrder.LITTLE_ENDIAN);
                onMessage(deposit, depositLength);
                onMessage(replay, replayLength);
                onMessage(refused, refusedLength);
            }
            for (int i = 0; i < 2_000; i++)
            {
                query.putLong(MessageHeaderEncoder.ENCODED_LENGTH + 8, 4 + round * 2_000L + i, ByteOrder.LITTLE_ENDIAN);
                onMessage(query, queryLength);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertEquals(2_000_000 + rounds * 20_000, service.clearingHouse().account(11).cash());
        assertTrue(allocated < 1024, "bytes allocated by 62,000 warm messages: " + allocated);
    }

    @Test
    void publishesEveryTickDecisionWithIndexAndSources()
    {
        setUpAccounts();
        cluster.time = 1_000_000;
        send(priceTick(EXCHANGE, 1, 50_000));

        final DirectBuffer event = lastEvent(MarkPriceUpdatedDecoder.TEMPLATE_ID);
        final MarkPriceUpdatedDecoder mark = new MarkPriceUpdatedDecoder()
            .wrap(event, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(TickDecision.ACCEPTED, mark.decision());
        assertEquals(50_000, mark.tickPriceTicks());
        assertEquals(50_000, mark.indexPriceTicks());
        assertEquals(50_000, mark.markPriceTicks());
        assertEquals(1, mark.freshSources());
    }

    @Test
    void reservesMarginForAnOrderAndReleasesItOnCancel()
    {
        setUpAccounts();
        cluster.time = 1_000_000;
        send(priceTick(EXCHANGE, 1, 50_000));
        send(order(EXCHANGE, 2, 901, 11, Side.BUY, 50_000, 3));
        assertResult(lastResult(gateway), EXCHANGE, 2, ResultCode.ACCEPTED, false, OrderCommandEncoder.TEMPLATE_ID);

        final DirectBuffer acceptedEvent = lastEvent(OrderAcceptedDecoder.TEMPLATE_ID);
        final OrderAcceptedDecoder accepted = new OrderAcceptedDecoder().wrap(acceptedEvent,
            MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(901, accepted.orderId());
        assertEquals(11, accepted.accountId());
        assertEquals(dev.backstop.sbe.events.Side.BUY, accepted.side());
        assertEquals(3, accepted.quantityLots());
        assertTrue(accepted.reservedMargin() > 0, "an order reserves initial margin");
        assertEquals(accepted.reservedMargin(), service.clearingHouse().account(11).reservedMargin());

        send(cancelOrder(EXCHANGE, 3, 901));
        assertResult(lastResult(gateway), EXCHANGE, 3, ResultCode.ACCEPTED, false,
            CancelOrderCommandEncoder.TEMPLATE_ID);
        final DirectBuffer cancelledEvent = lastEvent(OrderCancelledDecoder.TEMPLATE_ID);
        final OrderCancelledDecoder cancelled = new OrderCancelledDecoder().wrap(cancelledEvent,
            MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(901, cancelled.orderId());
        assertEquals(accepted.reservedMargin(), cancelled.releasedMargin());
        assertEquals(0, service.clearingHouse().account(11).reservedMargin());

        send(cancelOrder(EXCHANGE, 4, 901));
        assertResult(lastResult(gateway), EXCHANGE, 4, ResultCode.UNKNOWN_ORDER, false,
            CancelOrderCommandEncoder.TEMPLATE_ID);
    }

    @Test
    void refusesAnOrderWithAnUnknownSide()
    {
        setUpAccounts();
        final int length = order(EXCHANGE, 1, 5, 11, Side.BUY, 100, 1);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + OrderCommandEncoder.sideEncodingOffset(), (byte)9);
        assertRefused(buffer, length, ResultCode.MALFORMED_MESSAGE, OrderCommandEncoder.TEMPLATE_ID, EXCHANGE, 1);
    }

    @Test
    void appliesTheOperatorsRiskParametersIncludingRepeatingGroups()
    {
        setUpAccounts();
        send(brackets(OPERATOR, 4, new long[]{10_000_000, Long.MAX_VALUE}, new int[]{100_000, 200_000},
            new int[]{50_000, 100_000}));
        assertResult(lastResult(gateway), OPERATOR, 4, ResultCode.ACCEPTED, false,
            MarginBracketsCommandEncoder.TEMPLATE_ID);
        assertEquals(2, service.clearingHouse().instrument(INSTRUMENT).marginBrackets().count());
        assertEquals(200_000, service.clearingHouse().instrument(INSTRUMENT).marginBrackets().initialMarginPpmAt(1));
        assertParametersChanged(MarginBracketsCommandEncoder.TEMPLATE_ID, INSTRUMENT, 0);

        send(scenarios(OPERATOR, 5, 3, -150_000, 0, 150_000));
        assertResult(lastResult(gateway), OPERATOR, 5, ResultCode.ACCEPTED, false,
            UnderlyingScenariosCommandEncoder.TEMPLATE_ID);
        assertEquals(1, service.clearingHouse().portfolioMargin().gridCount());
        assertEquals(150_000, service.clearingHouse().portfolioMargin().gridShockPpmAt(0, 2));

        send(oracleParameters(OPERATOR, 6, 10_000, 30_000, 1, MarkBasis.INDEX, 60_000, 4));
        assertResult(lastResult(gateway), OPERATOR, 6, ResultCode.ACCEPTED, false,
            OracleParametersCommandEncoder.TEMPLATE_ID);
        assertEquals(10_000, service.clearingHouse().instrument(INSTRUMENT).oracleParameters().sourceAgeLimitMs());
        assertEquals(4, service.clearingHouse().instrument(INSTRUMENT).oracleParameters().maxSources());

        send(openInterestScaling(OPERATOR, 7, 1_000_000_000L, 9_000_000_000L));
        assertResult(lastResult(gateway), OPERATOR, 7, ResultCode.ACCEPTED, false,
            OpenInterestScalingCommandEncoder.TEMPLATE_ID);
        assertEquals(9_000_000_000L,
            service.clearingHouse().instrument(INSTRUMENT).openInterestScaling().upperCapNotional());

        send(marginMethod(OPERATOR, 8, 12, MarginMethod.PORTFOLIO));
        assertResult(lastResult(gateway), OPERATOR, 8, ResultCode.ACCEPTED, false,
            AccountMarginMethodCommandEncoder.TEMPLATE_ID);
        assertEquals(dev.backstop.clearing.domain.MarginMethod.PORTFOLIO,
            service.clearingHouse().account(12).marginMethod());
        assertParametersChanged(AccountMarginMethodCommandEncoder.TEMPLATE_ID, 0, 12);

        send(instrumentUnderlying(OPERATOR, 9, 3));
        assertResult(lastResult(gateway), OPERATOR, 9, ResultCode.ACCEPTED, false,
            InstrumentUnderlyingCommandEncoder.TEMPLATE_ID);
        assertEquals(3, service.clearingHouse().instrument(INSTRUMENT).underlyingId());

        send(brackets(OPERATOR, 10, new long[]{10_000_000}, new int[]{100_000}, new int[]{50_000}));
        assertResult(lastResult(gateway), OPERATOR, 10, ResultCode.INVALID_PARAMETER, false,
            MarginBracketsCommandEncoder.TEMPLATE_ID);
        assertEquals(2, service.clearingHouse().instrument(INSTRUMENT).marginBrackets().count(), "nothing changed");

        send(liquidationParameters(OPERATOR, 11, 50, 1_020_000, 500_000, 700_000));
        assertResult(lastResult(gateway), OPERATOR, 11, ResultCode.ACCEPTED, false,
            LiquidationParametersCommandEncoder.TEMPLATE_ID);
        assertEquals(50, service.liquidationEngine().context().roundIntervalMs());
        assertEquals(500_000, service.liquidationEngine().context().wholeAccountThresholdPpm());
        assertEquals(700_000, service.liquidationEngine().context().poolSharePpm());
        send(liquidationParameters(OPERATOR, 12, 70, 900_000, 500_000, 700_000));
        assertResult(lastResult(gateway), OPERATOR, 12, ResultCode.INVALID_PARAMETER, false,
            LiquidationParametersCommandEncoder.TEMPLATE_ID);
        assertEquals(50, service.liquidationEngine().context().roundIntervalMs(), "nothing changed");
        send(liquidationParameters(OPERATOR, 13, 70, 1_020_000, 500_000, 1_000_001));
        assertResult(lastResult(gateway), OPERATOR, 13, ResultCode.INVALID_PARAMETER, false,
            LiquidationParametersCommandEncoder.TEMPLATE_ID);
        assertEquals(700_000, service.liquidationEngine().context().poolSharePpm(), "nothing changed");
    }

    @Test
    void refusesARepeatingGroupThatRunsPastTheEnd()
    {
        setUpAccounts();
        final int length = scenarios(OPERATOR, 4, 3, -100_000, 100_000);
        assertRefused(buffer, length - 1, ResultCode.MALFORMED_MESSAGE, UnderlyingScenariosCommandEncoder.TEMPLATE_ID,
            OPERATOR, 4);

        final int groupHeader = MessageHeaderEncoder.ENCODED_LENGTH + UnderlyingScenariosCommandEncoder.BLOCK_LENGTH;
        buffer.putShort(groupHeader + 2, (short)(ClearingService.MAX_GROUP_ENTRIES + 1), ByteOrder.LITTLE_ENDIAN);
        assertRefused(buffer, length, ResultCode.MALFORMED_MESSAGE, UnderlyingScenariosCommandEncoder.TEMPLATE_ID,
            OPERATOR, 4);
    }

    @Test
    void keepsOneTimerOnTheClearingHousesNextDeadline()
    {
        setUpAccounts();
        assertTrue(cluster.timers.isEmpty(), "no timer while nothing is due");
        assertEquals(Long.MAX_VALUE, service.scheduledDeadlineMs());

        cluster.time = 10_000;
        // A cut from 10%/5% to 8%/4% is released in steps of 1% every second.
        send(marginRate(OPERATOR, 4, 80_000, 40_000, 50_000, 25_000, 10_000, 1_000));
        assertResult(lastResult(gateway), OPERATOR, 4, ResultCode.ACCEPTED, false,
            MarginRateCommandEncoder.TEMPLATE_ID);
        assertEquals(11_000L, cluster.timers.get(ClearingService.ONE_TIMER_ID));
        assertEquals(11_000L, service.scheduledDeadlineMs());
        final int callsAfterScheduling = cluster.timerCalls;

        cluster.time = 10_500;
        send(deposit(MEMBER, 3, 11, 1_000));
        assertEquals(callsAfterScheduling, cluster.timerCalls, "an unchanged deadline is not rescheduled");

        cluster.time = 11_000;
        final int eventsBefore = events(gateway).size();
        fireTimer(11_000);
        assertEquals(1, service.timersFired());
        assertTrue(events(gateway).size() > eventsBefore, "a step of the cut is published");
        final MarginRatesChangedDecoder rates = new MarginRatesChangedDecoder().wrap(
            lastEvent(MarginRatesChangedDecoder.TEMPLATE_ID), MessageHeaderDecoder.ENCODED_LENGTH,
            headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(90_000, rates.initialMarginPpm());
        assertEquals(80_000, rates.targetInitialMarginPpm());
        assertEquals(11_000, rates.clusterTime());
        assertEquals(12_000L, cluster.timers.get(ClearingService.ONE_TIMER_ID), "rescheduled for the next step");

        fireTimer(12_000);
        assertEquals(80_000, service.clearingHouse().instrument(INSTRUMENT).initialMarginRate().effectiveRatePpm());
        assertTrue(cluster.timers.isEmpty(), "cancelled once nothing is due");
        assertEquals(Long.MAX_VALUE, service.scheduledDeadlineMs());
    }

    @Test
    void retriesATimerTheConsensusModuleCannotTakeYet()
    {
        setUpAccounts();
        cluster.time = 10_000;
        cluster.backPressuredTimerCalls = 3;
        send(marginRate(OPERATOR, 4, 80_000, 40_000, 50_000, 25_000, 10_000, 1_000));
        assertEquals(11_000L, cluster.timers.get(ClearingService.ONE_TIMER_ID));
        assertEquals(0, cluster.backPressuredTimerCalls);
    }

    @Test
    void aSnapshotCarriesTheScheduledDeadlineToARestartedService()
    {
        setUpAccounts();
        cluster.time = 10_000;
        send(marginRate(OPERATOR, 4, 80_000, 40_000, 50_000, 25_000, 10_000, 1_000));

        final List<byte[]> records = new ArrayList<>();
        new SnapshotWriter().write(service.clearingHouse(), ClearingService.ONE_TIMER_ID,
            service.scheduledDeadlineMs(), (buffer, offset, length) ->
            {
                final byte[] record = new byte[length];
                buffer.getBytes(offset, record);
                records.add(record);
            });
        final dev.backstop.clearing.domain.ClearingHouse restored =
            new dev.backstop.clearing.domain.ClearingHouse(new ClusterEventPublisher(new Egress()));
        new dev.backstop.clearing.domain.LiquidationEngine(restored);
        final SnapshotLoader loader = new SnapshotLoader(restored);
        final java.util.Iterator<byte[]> next = records.iterator();
        loader.loadFrom(
            new SnapshotLoader.Source()
            {
                public int poll(final int fragmentLimit)
                {
                    if (!next.hasNext())
                    {
                        return 0;
                    }
                    final byte[] record = next.next();
                    loader.onFragment(new UnsafeBuffer(record), 0, record.length, null);
                    return 1;
                }

                public boolean isEnded()
                {
                    return !next.hasNext();
                }
            },
            org.agrona.concurrent.NoOpIdleStrategy.INSTANCE);
        assertEquals(ClearingService.ONE_TIMER_ID, loader.timerId());
        assertEquals(11_000L, loader.timerDeadlineMs());
    }

    @Test
    void publishesEachPoolsEquityForItsGauge()
    {
        setUpAccounts();
        assertEquals(0, service.metrics().poolEquity().count());
        send(createPool(OPERATOR, 4, 15, 515));
        send(poolDeposit(MEMBER, 3, 15, 11, 500_000));
        assertResult(lastResult(gateway), MEMBER, 3, ResultCode.ACCEPTED, false,
            PoolDepositCommandEncoder.TEMPLATE_ID);

        assertEquals(1, service.metrics().poolEquity().count());
        assertEquals(500_000, service.metrics().poolEquity().valueOf(15));
        assertEquals(Double.NaN, service.metrics().poolEquity().valueOf(11), "an account that is not a pool");

        send(poolDeposit(MEMBER, 4, 15, 12, 250_000));
        assertEquals(750_000, service.metrics().poolEquity().valueOf(15));
        assertEquals(service.clearingHouse().equity(service.clearingHouse().account(15)),
            (long)service.metrics().poolEquity().valueOf(15));
    }

    @Test
    void runsTheVariationMarginCycleOnTheTimerAndPublishesEachAccountAndTheTotals()
    {
        setUpAccounts();
        cluster.time = 1_000_000;
        send(priceTick(EXCHANGE, 1, 50_000));
        send(trade(2, 700, 11, 12, 50_000, 20));
        assertResult(lastResult(gateway), EXCHANGE, 2, ResultCode.ACCEPTED, false, TradeCommandEncoder.TEMPLATE_ID);
        assertEquals(1_020_000L, cluster.timers.get(ClearingService.ONE_TIMER_ID),
            "the first position schedules the next whole minute's VM cycle");

        send(variationMarginInterval(1, 1_000));
        assertResult(lastResult(gateway), SETTLEMENT_DESK, 1, ResultCode.ACCEPTED, false,
            dev.backstop.sbe.cluster.VariationMarginIntervalCommandEncoder.TEMPLATE_ID);
        final RiskParametersChangedDecoder changed = new RiskParametersChangedDecoder().wrap(
            lastEvent(RiskParametersChangedDecoder.TEMPLATE_ID), MessageHeaderDecoder.ENCODED_LENGTH,
            RiskParametersChangedDecoder.BLOCK_LENGTH, RiskParametersChangedDecoder.SCHEMA_VERSION);
        assertEquals(dev.backstop.sbe.cluster.VariationMarginIntervalCommandEncoder.TEMPLATE_ID, changed.templateId());
        assertEquals(1_001_000L, cluster.timers.get(ClearingService.ONE_TIMER_ID), "moved to the new interval");

        cluster.time = 1_000_500;
        send(priceTick(EXCHANGE, 3, 50_100));
        final int eventsBefore = events(gateway).size();
        fireTimer(1_001_000);

        // 20 lots × 100 ticks × 1 micro: the long receives 2_000, the short pays 2_000; each paid a 500 fee.
        final List<DirectBuffer> cycle = events(gateway).subList(eventsBefore, events(gateway).size());
        assertEquals(3, cycle.size());
        final dev.backstop.sbe.events.AccountSettledDecoder settled = new dev.backstop.sbe.events.AccountSettledDecoder();
        final long[] expected = {11, 2_000, 2_000_000 - 500, 12, -2_000, 2_000_000 - 500};
        for (int i = 0; i < 2; i++)
        {
            settled.wrap(cycle.get(i), MessageHeaderDecoder.ENCODED_LENGTH,
                dev.backstop.sbe.events.AccountSettledDecoder.BLOCK_LENGTH,
                dev.backstop.sbe.events.AccountSettledDecoder.SCHEMA_VERSION);
            assertEquals(dev.backstop.sbe.events.SettlementKind.VARIATION_MARGIN, settled.kind());
            assertEquals(expected[3 * i], settled.accountId());
            assertEquals(expected[3 * i + 1], settled.variationMargin());
            assertEquals(500, settled.fees());
            assertEquals(expected[3 * i + 2], settled.cashBefore());
            assertEquals(expected[3 * i + 2] + expected[3 * i + 1], settled.cashAfter());
            assertEquals(50_100, settled.settlementPriceTicks());
            assertEquals(1_001_000, settled.clusterTime());
        }
        final dev.backstop.sbe.events.SettlementSummaryDecoder summary =
            new dev.backstop.sbe.events.SettlementSummaryDecoder().wrap(cycle.get(2), MessageHeaderDecoder.ENCODED_LENGTH,
                dev.backstop.sbe.events.SettlementSummaryDecoder.BLOCK_LENGTH,
                dev.backstop.sbe.events.SettlementSummaryDecoder.SCHEMA_VERSION);
        assertEquals(INSTRUMENT, summary.instrumentId());
        assertEquals(2_000, summary.paid());
        assertEquals(2_000, summary.received());
        assertEquals(0, summary.net());
        assertEquals(2, summary.accountsSettled());
        assertEquals(1_000, summary.feesCollected());
        assertEquals(50_100, service.clearingHouse().instrument(INSTRUMENT).settlementPriceTicks());
        assertEquals(0, service.clearingHouse().unrealisedPnl(service.clearingHouse().account(11), 0));
        assertEquals(1_002_000L, cluster.timers.get(ClearingService.ONE_TIMER_ID), "the next cycle one interval on");
        assertEquals(0, service.clearingHouse().conservationError());
    }

    @Test
    void aBreakerTripRefusesNewRiskWithItsOwnCodeUntilTheOperatorResumes()
    {
        setUpAccounts();
        cluster.time = 1_000_000;
        send(circuitBreaker(1, 10_000, 60_000, 120_000)); // 1% band
        send(priceTick(EXCHANGE, 1, 50_000));
        send(trade(2, 700, 11, 12, 50_000, 20));
        cluster.time = 1_000_100;
        send(priceTick(EXCHANGE, 3, 50_600)); // beyond 50_000 + 500
        final dev.backstop.sbe.events.BreakerTrippedDecoder tripped = new dev.backstop.sbe.events.BreakerTrippedDecoder()
            .wrap(lastEvent(dev.backstop.sbe.events.BreakerTrippedDecoder.TEMPLATE_ID),
                MessageHeaderDecoder.ENCODED_LENGTH, dev.backstop.sbe.events.BreakerTrippedDecoder.BLOCK_LENGTH,
                dev.backstop.sbe.events.BreakerTrippedDecoder.SCHEMA_VERSION);
        assertEquals(50_600, tripped.markPriceTicks());
        assertEquals(500, tripped.bandTicks());
        assertEquals(1_120_100, tripped.haltedUntilMs());
        assertEquals(1_020_000L, cluster.timers.get(ClearingService.ONE_TIMER_ID), "the VM cycle comes first");

        send(trade(4, 701, 11, 12, 50_600, 1));
        assertResult(lastResult(gateway), EXCHANGE, 4, ResultCode.INSTRUMENT_HALTED, false,
            TradeCommandEncoder.TEMPLATE_ID);
        send(trade(5, 702, 12, 11, 50_600, 1));
        assertResult(lastResult(gateway), EXCHANGE, 5, ResultCode.ACCEPTED, false, TradeCommandEncoder.TEMPLATE_ID);

        send(resumeInstrument(2));
        assertResult(lastResult(gateway), SETTLEMENT_DESK, 2, ResultCode.ACCEPTED, false,
            dev.backstop.sbe.cluster.ResumeInstrumentCommandEncoder.TEMPLATE_ID);
        final dev.backstop.sbe.events.BreakerResumedDecoder resumed = new dev.backstop.sbe.events.BreakerResumedDecoder()
            .wrap(lastEvent(dev.backstop.sbe.events.BreakerResumedDecoder.TEMPLATE_ID),
                MessageHeaderDecoder.ENCODED_LENGTH, dev.backstop.sbe.events.BreakerResumedDecoder.BLOCK_LENGTH,
                dev.backstop.sbe.events.BreakerResumedDecoder.SCHEMA_VERSION);
        assertEquals(dev.backstop.sbe.events.BreakerResumeCause.OPERATOR, resumed.resumedBy());
        send(resumeInstrument(3));
        assertResult(lastResult(gateway), SETTLEMENT_DESK, 3, ResultCode.INSTRUMENT_NOT_HALTED, false,
            dev.backstop.sbe.cluster.ResumeInstrumentCommandEncoder.TEMPLATE_ID);
        send(trade(6, 703, 11, 12, 50_600, 1));
        assertResult(lastResult(gateway), EXCHANGE, 6, ResultCode.ACCEPTED, false, TradeCommandEncoder.TEMPLATE_ID);
    }

    @Test
    void liquidatesAnAccountOnTimersAndPublishesEveryStep()
    {
        setUpAccounts();
        // This follows the liquidation's timers until none is left: the settlement cycles would keep one running
        // while the pool holds the position, so they are off here.
        send(variationMarginInterval(1, 0));
        send(fundingParameters(2, 0, 100, 500, 5_000));
        cluster.time = 1_000_000;
        send(priceTick(EXCHANGE, 1, 50_000));
        send(openAccount(OPERATOR, 4, 13));
        send(deposit(MEMBER, 3, 13, 150_000));
        send(trade(2, 700, 13, 12, 50_000, 20));
        assertResult(lastResult(gateway), EXCHANGE, 2, ResultCode.ACCEPTED, false, TradeCommandEncoder.TEMPLATE_ID);
        send(registerBlp(OPERATOR, 5, 11, 5_000_000_000L));
        assertResult(lastResult(gateway), OPERATOR, 5, ResultCode.ACCEPTED, false,
            RegisterBlpCommandEncoder.TEMPLATE_ID);
        send(createPool(OPERATOR, 6, 15, 515));
        assertResult(lastResult(gateway), OPERATOR, 6, ResultCode.ACCEPTED, false,
            CreatePoolCommandEncoder.TEMPLATE_ID);
        send(poolDeposit(MEMBER, 4, 15, 11, 500_000));
        assertResult(lastResult(gateway), MEMBER, 4, ResultCode.ACCEPTED, false,
            PoolDepositCommandEncoder.TEMPLATE_ID);
        assertTrue(cluster.timers.isEmpty());

        cluster.time = 1_000_050;
        send(priceTick(EXCHANGE, 3, 43_000));
        assertTrue(service.liquidationEngine().isLiquidating(13), "equity fell below maintenance margin");
        lastEvent(dev.backstop.sbe.events.LiquidationStartedDecoder.TEMPLATE_ID);
        final long firstRound = cluster.timers.get(ClearingService.ONE_TIMER_ID);
        assertEquals(1_000_150L, firstRound, "the first round one interval later");

        send(auctionBid(OPERATOR, 7, 999_999, 11, 43_000, 1));
        assertResult(lastResult(gateway), OPERATOR, 7, ResultCode.NO_AUCTION_OPEN, false,
            AuctionBidCommandEncoder.TEMPLATE_ID);

        for (int i = 0; i < 100 && !cluster.timers.isEmpty(); i++)
        {
            fireTimer(cluster.timers.get(ClearingService.ONE_TIMER_ID));
        }
        assertTrue(cluster.timers.isEmpty(), "no timer once the liquidation is over");
        assertFalse(service.liquidationEngine().isLiquidating(13));
        assertEquals(0, service.clearingHouse().account(13).positionCount(), "the backstop took the position");
        assertEquals(0, service.clearingHouse().conservationError());
        assertEquals(0, service.commandsFailed());

        final java.util.Set<Integer> published = new java.util.HashSet<>();
        long expectedSequence = 1;
        for (final DirectBuffer event : events(otherGateway))
        {
            headerDecoder.wrap(event, 0);
            published.add(headerDecoder.templateId());
            assertEquals(expectedSequence++, event.getLong(MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN),
                "events stay gap-free through timers");
        }
        assertTrue(published.contains(dev.backstop.sbe.events.BlpRegisteredDecoder.TEMPLATE_ID));
        assertTrue(published.contains(dev.backstop.sbe.events.PoolCreatedDecoder.TEMPLATE_ID));
        assertTrue(published.contains(dev.backstop.sbe.events.PoolDepositedDecoder.TEMPLATE_ID));
        assertTrue(published.contains(dev.backstop.sbe.events.LiquidationEndedDecoder.TEMPLATE_ID), published::toString);
        assertTrue(published.contains(dev.backstop.sbe.events.PoolTakeoverDecoder.TEMPLATE_ID) ||
            published.contains(dev.backstop.sbe.events.AuctionFillDecoder.TEMPLATE_ID), published::toString);
    }

    @Test
    void deleveragesWhatNoPoolCanTakeOnceTheOperatorAllowsItAndCountsItOnTheLedger()
    {
        setUpAccounts();
        cluster.time = 1_000_000;
        send(priceTick(EXCHANGE, 1, 50_000));
        send(openAccount(OPERATOR, 4, 13));
        send(deposit(MEMBER, 3, 13, 150_000));
        send(trade(2, 700, 13, 12, 50_000, 20));

        send(autoDeleveraging(OPERATOR, 5, 0, AutoDeleveragingMode.FOLLOW_DEFAULT));
        assertResult(lastResult(gateway), OPERATOR, 5, ResultCode.INVALID_PARAMETER, false,
            AutoDeleveragingCommandEncoder.TEMPLATE_ID);
        final int length = autoDeleveraging(OPERATOR, 6, INSTRUMENT, AutoDeleveragingMode.ON);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + AutoDeleveragingCommandEncoder.modeEncodingOffset(),
            (byte)9);
        send(length);
        assertResult(lastResult(gateway), OPERATOR, 6, ResultCode.INVALID_PARAMETER, false,
            AutoDeleveragingCommandEncoder.TEMPLATE_ID);
        send(autoDeleveraging(OPERATOR, 7, INSTRUMENT, AutoDeleveragingMode.OFF));
        assertResult(lastResult(gateway), OPERATOR, 7, ResultCode.ACCEPTED, false,
            AutoDeleveragingCommandEncoder.TEMPLATE_ID);
        assertParametersChanged(AutoDeleveragingCommandEncoder.TEMPLATE_ID, INSTRUMENT, 0);
        final DirectBuffer changedMessage = lastEvent(AutoDeleveragingModeChangedDecoder.TEMPLATE_ID);
        final AutoDeleveragingModeChangedDecoder changed = new AutoDeleveragingModeChangedDecoder().wrap(
            changedMessage, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(INSTRUMENT, changed.instrumentId());
        assertEquals(dev.backstop.sbe.events.AutoDeleveragingMode.OFF, changed.mode());

        // No pool and ADL off: the whole account's takeover is held round after round.
        cluster.time = 1_000_050;
        send(priceTick(EXCHANGE, 3, 43_000));
        assertTrue(service.liquidationEngine().isLiquidating(13));
        for (int i = 0; i < 5; i++)
        {
            fireTimer(cluster.timers.get(ClearingService.ONE_TIMER_ID));
        }
        final DirectBuffer heldMessage = lastEvent(dev.backstop.sbe.events.TakeoverHeldDecoder.TEMPLATE_ID);
        final dev.backstop.sbe.events.TakeoverHeldDecoder held = new dev.backstop.sbe.events.TakeoverHeldDecoder()
            .wrap(heldMessage, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(dev.backstop.sbe.events.LiquidationCause.NO_POOL_CAPACITY, held.cause());
        assertTrue(service.liquidationEngine().isLiquidating(13));

        // Back to the default (on): the next round closes the 20 lots against account 12 and the liquidation ends.
        send(autoDeleveraging(OPERATOR, 8, INSTRUMENT, AutoDeleveragingMode.FOLLOW_DEFAULT));
        assertResult(lastResult(gateway), OPERATOR, 8, ResultCode.ACCEPTED, false,
            AutoDeleveragingCommandEncoder.TEMPLATE_ID);
        for (int i = 0; i < 100 && !cluster.timers.isEmpty(); i++)
        {
            fireTimer(cluster.timers.get(ClearingService.ONE_TIMER_ID));
        }
        assertTrue(cluster.timers.isEmpty(), "no timer once the liquidation is over");
        assertFalse(service.liquidationEngine().isLiquidating(13));

        final DirectBuffer fillMessage = lastEvent(AutoDeleveragedDecoder.TEMPLATE_ID);
        final AutoDeleveragedDecoder fill = new AutoDeleveragedDecoder().wrap(
            fillMessage, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(13, fill.accountId());
        assertEquals(12, fill.counterpartyAccountId());
        assertEquals(INSTRUMENT, fill.instrumentId());
        assertEquals(20, fill.quantityLots());
        assertEquals(43_000, fill.markPriceTicks());
        assertEquals(1, fill.rank());
        assertEquals(dev.backstop.sbe.events.BooleanType.FALSE, fill.lastResort());
        assertEquals(-20, fill.counterpartyPositionBeforeLots());
        assertEquals(0, fill.counterpartyPositionAfterLots());
        assertEquals(0, fill.remainingLots());
        assertEquals(fill.defaulterPayment(), fill.counterpartyReceipt() + fill.feeAccountRemainder());
        assertTrue(fill.clusterTime() > 1_000_050);
        final DirectBuffer endedMessage = lastEvent(AutoDeleveragingEndedDecoder.TEMPLATE_ID);
        final AutoDeleveragingEndedDecoder ended = new AutoDeleveragingEndedDecoder().wrap(
            endedMessage, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(20, ended.closedLots());
        assertEquals(0, ended.remainingLots());
        assertEquals(1, ended.counterparties());
        assertEquals(dev.backstop.sbe.events.LiquidationCause.AUTO_DELEVERAGED, ended.cause());
        assertEquals(fill.runId(), ended.runId());

        send(queryLedger(OPERATOR, 9));
        final DirectBuffer ledgerMessage = last(gateway, 102, LedgerResultDecoder.TEMPLATE_ID);
        headerDecoder.wrap(ledgerMessage, 0);
        final LedgerResultDecoder ledger = new LedgerResultDecoder().wrap(
            ledgerMessage, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(20, ledger.adlContracts());
        assertEquals(0, service.clearingHouse().conservationError());
        assertEquals(0, service.commandsFailed());
    }

    @Test
    void noInputCrashesTheServiceAndEveryMessageGetsExactlyOneReply()
    {
        setUpAccounts();
        final Random random = new Random(20_251_121L);
        final int[] templates = { 10, 11, 12, 13, 14, 15, 16, 17, 18, 30, 40, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
            54, 55, 56, 57, 70, 99 };
        final UnsafeBuffer fuzz = new UnsafeBuffer(new byte[256]);

        for (int i = 0; i < 5_000; i++)
        {
            final int length = random.nextInt(fuzz.capacity());
            final byte[] bytes = new byte[fuzz.capacity()];
            random.nextBytes(bytes);
            fuzz.putBytes(0, bytes);
            if (length >= 8 && random.nextInt(4) > 0)
            {
                // Mostly plausible headers so the fuzz reaches the decoders, with a random block length.
                fuzz.putShort(0, (short)random.nextInt(80), ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(2, (short)templates[random.nextInt(templates.length)], ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(4, (short)(random.nextInt(10) > 0 ? 102 : random.nextInt(200)), ByteOrder.LITTLE_ENDIAN);
                fuzz.putShort(6, (short)(random.nextInt(10) > 0 ? MessageHeaderEncoder.SCHEMA_VERSION :
                    random.nextInt(4)), ByteOrder.LITTLE_ENDIAN);
                if (length >= 24 && random.nextBoolean())
                {
                    // A plausible next sequence for a random sender makes some of them apply.
                    fuzz.putLong(8, 1 + random.nextInt(3), ByteOrder.LITTLE_ENDIAN);
                }
            }

            final int messagesBefore = gateway.messages.size();
            send(fuzz, length);
            int replies = 0;
            for (int m = messagesBefore; m < gateway.messages.size(); m++)
            {
                headerDecoder.wrap(gateway.messages.get(m), 0);
                replies += 102 == headerDecoder.schemaId() ? 1 : 0;
            }
            assertEquals(1, replies, "exactly one reply to message " + i);
        }

        assertEquals(0, service.clearingHouse().conservationError());
        assertEquals(0, service.commandsFailed(), "the clearing house never threw");
        assertTrue(service.messagesRefused() > 1000);
    }

    private void setUpAccounts()
    {
        send(listInstrument(OPERATOR, 1, "BTC-PERP"));
        send(openAccount(OPERATOR, 2, 11));
        send(openAccount(OPERATOR, 3, 12));
        send(deposit(MEMBER, 1, 11, 2_000_000));
        send(deposit(MEMBER, 2, 12, 2_000_000));
        for (final DirectBuffer result : results(gateway))
        {
            commandResult.wrap(result, MessageHeaderDecoder.ENCODED_LENGTH, CommandResultDecoder.BLOCK_LENGTH, 1);
            assertEquals(ResultCode.ACCEPTED, commandResult.resultCode());
        }
    }

    private void assertRefused(
        final DirectBuffer message,
        final int length,
        final ResultCode code,
        final int templateId,
        final long senderId,
        final long sequence)
    {
        final String digestBefore = digest();
        final int eventsBefore = events(gateway).size();
        final int repliesBefore = replies(gateway).size();

        send(message, length);

        assertEquals(repliesBefore + 1, replies(gateway).size(), "one reply");
        assertResult(lastResult(gateway), senderId, sequence, code, false, templateId);
        assertFalse(commandResult.reason().isEmpty(), "a refusal names its reason");
        assertEquals(digestBefore, digest(), "a refused message changes nothing");
        assertEquals(eventsBefore, events(gateway).size(), "a refused message publishes nothing");
    }

    private void assertResult(
        final DirectBuffer message,
        final long senderId,
        final long sequence,
        final ResultCode code,
        final boolean replayed,
        final int templateId)
    {
        headerDecoder.wrap(message, 0);
        assertEquals(CommandResultDecoder.TEMPLATE_ID, headerDecoder.templateId());
        commandResult.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        assertEquals(code, commandResult.resultCode(), "result code");
        assertEquals(senderId, commandResult.senderId(), "senderId");
        assertEquals(sequence, commandResult.sequence(), "sequence");
        assertEquals(replayed ? BooleanType.TRUE : BooleanType.FALSE, commandResult.replayed(), "replayed");
        assertEquals(templateId, commandResult.templateId(), "templateId");
    }

    private int copy(final int length, final UnsafeBuffer target)
    {
        target.putBytes(0, buffer, 0, length);
        return length;
    }

    private void onMessage(final DirectBuffer message, final int length)
    {
        position += 64;
        headerBuffer.putInt(DataHeaderFlyweight.TERM_OFFSET_FIELD_OFFSET, (int)(position & 0xFFFF) - 32,
            ByteOrder.LITTLE_ENDIAN);
        service.onSessionMessage(gateway, cluster.time, message, 0, length, header);
    }

    private String digest()
    {
        final byte[] digest = new byte[32];
        service.clearingHouse().stateDigest(digest);
        return HexFormat.of().formatHex(digest);
    }

    private void send(final int length)
    {
        send(buffer, length);
    }

    private void send(final DirectBuffer message, final int length)
    {
        position += 64;
        final DataHeaderFlyweight frame = new DataHeaderFlyweight(headerBuffer);
        frame.frameLength(32);
        frame.termOffset((int)position - 32);
        frame.termId(0);
        service.onSessionMessage(gateway, cluster.time, message, 0, length, header);
        assertEquals(position, service.appliedLogPosition());
    }

    private List<DirectBuffer> replies(final CapturingSession session)
    {
        return messages(session, 102, -1);
    }

    private List<DirectBuffer> results(final CapturingSession session)
    {
        return messages(session, 102, CommandResultDecoder.TEMPLATE_ID);
    }

    private List<DirectBuffer> events(final CapturingSession session)
    {
        return messages(session, 103, -1);
    }

    private DirectBuffer lastResult(final CapturingSession session)
    {
        return last(session, 102, CommandResultDecoder.TEMPLATE_ID);
    }

    private DirectBuffer lastEvent(final CapturingSession session, final int templateId)
    {
        return last(session, 103, templateId);
    }

    private DirectBuffer last(final CapturingSession session, final int schemaId, final int templateId)
    {
        final List<DirectBuffer> messages = messages(session, schemaId, templateId);
        return messages.isEmpty() ? null : messages.get(messages.size() - 1);
    }

    private List<DirectBuffer> messages(final CapturingSession session, final int schemaId, final int templateId)
    {
        final List<DirectBuffer> found = new ArrayList<>();
        for (final UnsafeBuffer message : session.messages)
        {
            headerDecoder.wrap(message, 0);
            if (headerDecoder.schemaId() == schemaId && (templateId < 0 || headerDecoder.templateId() == templateId))
            {
                found.add(message);
            }
        }
        return found;
    }

    private int listInstrument(final long senderId, final long sequence, final String symbol)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new ListInstrumentCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .initialMarginPpm(100_000)
            .maintenanceMarginPpm(50_000)
            .tradeFeePpm(500)
            .tickSizeMicros(100_000)
            .lotSizeMicros(1_000)
            .tickValue(1)
            .symbol(symbol)
            .encodedLength();
    }

    private int openAccount(final long senderId, final long sequence, final long accountId)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new OpenAccountCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .memberId(500 + accountId)
            .encodedLength();
    }

    private int deposit(final long senderId, final long sequence, final long accountId, final long amount)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new DepositCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .amount(amount)
            .encodedLength();
    }

    private int withdraw(final long senderId, final long sequence, final long accountId, final long amount)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new WithdrawCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .amount(amount)
            .encodedLength();
    }

    private int trade(
        final long sequence,
        final long venueTradeId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new TradeCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(EXCHANGE)
            .sequence(sequence)
            .venueTradeId(venueTradeId)
            .instrumentId(INSTRUMENT)
            .buyAccountId(buyAccountId)
            .sellAccountId(sellAccountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots)
            .buyOrderId(0)
            .sellOrderId(0)
            .encodedLength();
    }

    private int priceTick(final long senderId, final long sequence, final long priceTicks)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new PriceTickCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .sourceId(1)
            .priceTicks(priceTicks)
            .sourceTimeMs(cluster.time)
            .encodedLength();
    }

    private int queryAccount(final long senderId, final long sequence, final long accountId)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new QueryAccountCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .encodedLength();
    }

    private int queryLedger(final long senderId, final long sequence)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new QueryLedgerCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .encodedLength();
    }

    private int querySenderSequence(final long correlationId, final long senderId)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new SenderSequenceQueryEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .senderId(senderId)
            .encodedLength();
    }
    private void fireTimer(final long timestamp)
    {
        // The consensus module forgets a timer once it fires, then appends the timer event to the log.
        assertEquals(timestamp, cluster.timers.remove(ClearingService.ONE_TIMER_ID));
        cluster.time = timestamp;
        cluster.logPosition += 64;
        service.onTimerEvent(ClearingService.ONE_TIMER_ID, timestamp);
    }

    private DirectBuffer lastEvent(final int templateId)
    {
        final List<DirectBuffer> events = events(gateway);
        for (int i = events.size() - 1; i >= 0; i--)
        {
            headerDecoder.wrap(events.get(i), 0);
            if (templateId == headerDecoder.templateId())
            {
                return events.get(i);
            }
        }
        throw new AssertionError("no event of template " + templateId);
    }

    private void assertParametersChanged(final int templateId, final int instrumentId, final long accountId)
    {
        final RiskParametersChangedDecoder changed = new RiskParametersChangedDecoder().wrap(
            lastEvent(RiskParametersChangedDecoder.TEMPLATE_ID), MessageHeaderDecoder.ENCODED_LENGTH,
            headerDecoder.blockLength(), headerDecoder.version());
        assertEquals(templateId, changed.templateId());
        assertEquals(instrumentId, changed.instrumentId());
        assertEquals(accountId, changed.accountId());
    }

    private int order(
        final long senderId,
        final long sequence,
        final long orderId,
        final long accountId,
        final Side side,
        final long priceTicks,
        final long lots)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new OrderCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .orderId(orderId)
            .instrumentId(INSTRUMENT)
            .accountId(accountId)
            .side(side)
            .priceTicks(priceTicks)
            .quantityLots(lots)
            .encodedLength();
    }

    private int autoDeleveraging(
        final long senderId, final long sequence, final int instrumentId, final AutoDeleveragingMode mode)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new AutoDeleveragingCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .mode(mode)
            .encodedLength();
    }

    private int cancelOrder(final long senderId, final long sequence, final long orderId)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new CancelOrderCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .orderId(orderId)
            .encodedLength();
    }

    private int brackets(
        final long senderId, final long sequence, final long[] caps, final int[] initial, final int[] maintenance)
    {
        final MarginBracketsCommandEncoder encoder = new MarginBracketsCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(INSTRUMENT);
        final MarginBracketsCommandEncoder.BracketsEncoder brackets = encoder.bracketsCount(caps.length);
        for (int i = 0; i < caps.length; i++)
        {
            brackets.next().notionalCap(caps[i]).initialMarginPpm(initial[i]).maintenanceMarginPpm(maintenance[i]);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int scenarios(final long senderId, final long sequence, final int underlyingId, final int... shocksPpm)
    {
        final UnderlyingScenariosCommandEncoder encoder = new UnderlyingScenariosCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .underlyingId(underlyingId);
        final UnderlyingScenariosCommandEncoder.ShocksEncoder shocks = encoder.shocksCount(shocksPpm.length);
        for (final int shock : shocksPpm)
        {
            shocks.next().priceShockPpm(shock);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int oracleParameters(
        final long senderId,
        final long sequence,
        final long ageLimitMs,
        final int bandPpm,
        final int quorum,
        final MarkBasis basis,
        final long emaWindowMs,
        final int maxSources)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new OracleParametersCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .sourceAgeLimitMs(ageLimitMs)
            .exclusionBandPpm(bandPpm)
            .quorum(quorum)
            .markBasis(basis)
            .emaWindowMs(emaWindowMs)
            .maxSources(maxSources)
            .encodedLength();
    }

    private int openInterestScaling(final long senderId, final long sequence, final long lower, final long upper)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new OpenInterestScalingCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .lowerCapNotional(lower)
            .upperCapNotional(upper)
            .encodedLength();
    }

    private int marginMethod(final long senderId, final long sequence, final long accountId, final MarginMethod method)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new AccountMarginMethodCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .method(method)
            .encodedLength();
    }

    private int instrumentUnderlying(final long senderId, final long sequence, final int underlyingId)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new InstrumentUnderlyingCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .underlyingId(underlyingId)
            .encodedLength();
    }

    private int variationMarginInterval(final long sequence, final long intervalMs)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new dev.backstop.sbe.cluster.VariationMarginIntervalCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(SETTLEMENT_DESK)
            .sequence(sequence)
            .intervalMs(intervalMs)
            .encodedLength();
    }

    private int fundingParameters(
        final long sequence, final long intervalMs, final int interestPpm, final int clampPpm, final int capPpm)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new dev.backstop.sbe.cluster.FundingParametersCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(SETTLEMENT_DESK)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .intervalMs(intervalMs)
            .interestPpm(interestPpm)
            .premiumClampPpm(clampPpm)
            .capPpm(capPpm)
            .encodedLength();
    }

    private int circuitBreaker(final long sequence, final int bandPpm, final long windowMs, final long haltMs)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new dev.backstop.sbe.cluster.CircuitBreakerCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(SETTLEMENT_DESK)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .bandPpm(bandPpm)
            .windowMs(windowMs)
            .haltMs(haltMs)
            .encodedLength();
    }

    private int resumeInstrument(final long sequence)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new dev.backstop.sbe.cluster.ResumeInstrumentCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(SETTLEMENT_DESK)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .encodedLength();
    }

    private int marginRate(
        final long senderId,
        final long sequence,
        final int initial,
        final int maintenance,
        final int initialFloor,
        final int maintenanceFloor,
        final int maxCutPerStep,
        final long stepIntervalMs)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new MarginRateCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .instrumentId(INSTRUMENT)
            .initialMarginPpm(initial)
            .maintenanceMarginPpm(maintenance)
            .initialMarginFloorPpm(initialFloor)
            .maintenanceMarginFloorPpm(maintenanceFloor)
            .maxCutPerStepPpm(maxCutPerStep)
            .stepIntervalMs(stepIntervalMs)
            .encodedLength();
    }
    private int liquidationParameters(
        final long senderId, final long sequence, final long roundIntervalMs, final int targetPpm,
        final int wholeAccountThresholdPpm, final int poolSharePpm)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new LiquidationParametersCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .roundIntervalMs(roundIntervalMs)
            .minSliceNotional(1_000_000_000L)
            .slicePpm(100_000)
            .targetPpm(targetPpm)
            .feePpm(5_000)
            .auctionSteps(5)
            .auctionStepMs(20)
            .poolLossCapPpm(200_000)
            .bandPpm(50_000)
            .twapWindowMs(300_000)
            .redemptionNoticeMs(86_400_000L)
            .wholeAccountThresholdPpm(wholeAccountThresholdPpm)
            .poolSharePpm(poolSharePpm)
            .encodedLength();
    }

    private int registerBlp(final long senderId, final long sequence, final long accountId, final long capacity)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new RegisterBlpCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .accountId(accountId)
            .capacity(capacity)
            .encodedLength();
    }

    private int createPool(final long senderId, final long sequence, final long poolAccountId, final long memberId)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new CreatePoolCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .poolAccountId(poolAccountId)
            .ownerMemberId(memberId)
            .encodedLength();
    }

    private int poolDeposit(
        final long senderId, final long sequence, final long poolAccountId, final long accountId, final long amount)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new PoolDepositCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .poolAccountId(poolAccountId)
            .accountId(accountId)
            .amount(amount)
            .encodedLength();
    }

    private int auctionBid(
        final long senderId,
        final long sequence,
        final long auctionId,
        final long accountId,
        final long priceTicks,
        final long lots)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new AuctionBidCommandEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(senderId)
            .sequence(sequence)
            .auctionId(auctionId)
            .accountId(accountId)
            .priceTicks(priceTicks)
            .quantityLots(lots)
            .encodedLength();
    }
}
