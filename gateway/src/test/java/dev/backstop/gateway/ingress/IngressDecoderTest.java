package dev.backstop.gateway.ingress;

import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandDecoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import dev.backstop.sbe.exchange.CommandResponseEncoder;
import dev.backstop.sbe.exchange.DepositCollateralEncoder;
import dev.backstop.sbe.exchange.ListInstrumentEncoder;
import dev.backstop.sbe.exchange.LogonEncoder;
import dev.backstop.sbe.exchange.LogoutEncoder;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.OpenAccountEncoder;
import dev.backstop.sbe.exchange.QueryAccountEncoder;
import dev.backstop.sbe.exchange.QueryLedgerEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.SubmitPriceTickEncoder;
import dev.backstop.sbe.exchange.SubmitTradeEncoder;
import dev.backstop.sbe.exchange.WithdrawCollateralEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every refusal the gateway makes before anything reaches the cluster, driven through the decoder directly.
 */
final class IngressDecoderTest
{
    private static final long OPERATOR = 1;
    private static final long EXCHANGE = 100;
    private static final long MEMBER = 200;
    private static final String REPLY = "aeron:udp?endpoint=127.0.0.1:21999";

    private final RecordingHandler handler = new RecordingHandler();
    private final SenderDirectory senders = new SenderDirectory()
        .add(new Sender(OPERATOR, SenderRole.OPERATOR, "op-secret"))
        .add(new Sender(EXCHANGE, SenderRole.EXCHANGE, "ex-secret"))
        .add(new Sender(MEMBER, SenderRole.MEMBER, "member-secret"));
    private final IngressDecoder decoder = new IngressDecoder(senders, handler, Set.of("127.0.0.1", "localhost"), 1001);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private ExchangeSession session;

    @BeforeEach
    void setUp()
    {
        session = new ExchangeSession(1, 1, "test");
    }

    @Test
    void refusesBufferShorterThanHeader()
    {
        decoder.onMessage(session, buffer, 0, 5);

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.MALFORMED_MESSAGE, refusal.code);
        assertEquals(-1, refusal.sequence);
        assertTrue(refusal.reason.contains("header"), refusal.reason);
    }

    @Test
    void refusesBufferShorterThanBlock()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");
        final int length = trade(1, 7, 1, 10, 11, 100, 5);

        decoder.onMessage(session, buffer, 0, length - 1);

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.MALFORMED_MESSAGE, refusal.code);
        assertEquals(SubmitTradeEncoder.TEMPLATE_ID, refusal.templateId);
        assertTrue(refusal.reason.contains("truncated"), refusal.reason);
        assertEquals(0, handler.commands.size());
    }

    @Test
    void refusesBlockLengthBelowTemplate()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");
        final int length = trade(1, 7, 1, 10, 11, 100, 5);
        buffer.putShort(0, (short)(SubmitTradeEncoder.BLOCK_LENGTH - 8), ByteOrder.LITTLE_ENDIAN);

        decoder.onMessage(session, buffer, 0, length);

        assertEquals(ResultCode.MALFORMED_MESSAGE, handler.onlyRefusal().code);
    }

    @Test
    void refusesVariableLengthPastTheEnd()
    {
        final int length = logon(OPERATOR, SenderRole.OPERATOR, "op-secret", REPLY);
        // The credential's length field claims far more bytes than the message holds.
        buffer.putInt(MessageHeaderEncoder.ENCODED_LENGTH + LogonEncoder.BLOCK_LENGTH, 100_000, ByteOrder.LITTLE_ENDIAN);

        decoder.onMessage(session, buffer, 0, length);

        final LogonRefusal refusal = handler.onlyLogonRefusal();
        assertEquals(ResultCode.MALFORMED_MESSAGE, refusal.code);
        assertTrue(refusal.reason.contains("past the end"), refusal.reason);
        assertNull(refusal.replyChannel);
        assertEquals(0, handler.logons.size());
    }

    @Test
    void refusesSymbolLengthPastTheEnd()
    {
        logOn(OPERATOR, SenderRole.OPERATOR, "op-secret");
        final int length = listInstrument(1, 7, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 100_000);

        decoder.onMessage(session, buffer, 0, length - 3);

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.MALFORMED_MESSAGE, refusal.code);
        assertEquals(1, refusal.sequence);
        assertEquals(0, handler.commands.size());
    }

    @Test
    void refusesUnknownTemplate()
    {
        final int length = trade(1, 7, 1, 10, 11, 100, 5);
        buffer.putShort(2, (short)99, ByteOrder.LITTLE_ENDIAN);

        decoder.onMessage(session, buffer, 0, length);

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.UNKNOWN_TEMPLATE, refusal.code);
        assertEquals(99, refusal.templateId);
    }

    @Test
    void refusesAReplyTemplateSentAsARequest()
    {
        final CommandResponseEncoder response = new CommandResponseEncoder();
        response.wrapAndApplyHeader(buffer, 0, header).sequence(1).reason("");

        decoder.onMessage(session, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + response.encodedLength());

        assertEquals(ResultCode.UNKNOWN_TEMPLATE, handler.onlyRefusal().code);
    }

    @Test
    void refusesWrongSchemaId()
    {
        final int length = trade(1, 7, 1, 10, 11, 100, 5);
        buffer.putShort(4, (short)102, ByteOrder.LITTLE_ENDIAN);

        decoder.onMessage(session, buffer, 0, length);

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.WRONG_SCHEMA, refusal.code);
        assertTrue(refusal.reason.contains("schema id 102"), refusal.reason);
    }

    @Test
    void refusesWrongSchemaVersion()
    {
        final int length = trade(1, 7, 1, 10, 11, 100, 5);
        buffer.putShort(6, (short)99, ByteOrder.LITTLE_ENDIAN);

        decoder.onMessage(session, buffer, 0, length);

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.WRONG_SCHEMA, refusal.code);
        assertTrue(refusal.reason.contains("version 99"), refusal.reason);
    }

    @Test
    void refusesCommandBeforeLogon()
    {
        decoder.onMessage(session, buffer, 0, trade(1, 7, 1, 10, 11, 100, 5));

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.NOT_LOGGED_ON, refusal.code);
        assertEquals(1, refusal.sequence);
        assertEquals(SubmitTradeEncoder.TEMPLATE_ID, refusal.templateId);
        assertEquals(0, handler.commands.size());
    }

    @Test
    void refusesCommandWhileLogonPending()
    {
        decoder.onMessage(session, buffer, 0, logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", REPLY));
        assertEquals(1, handler.logons.size());
        session.logonPending(senders.get(EXCHANGE), 42, Long.MAX_VALUE);

        decoder.onMessage(session, buffer, 0, trade(1, 7, 1, 10, 11, 100, 5));

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.NOT_LOGGED_ON, refusal.code);
        assertTrue(refusal.reason.contains("in progress"), refusal.reason);
    }

    @Test
    void refusesWrongCredential()
    {
        decoder.onMessage(session, buffer, 0, logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secreT", REPLY));

        final LogonRefusal refusal = handler.onlyLogonRefusal();
        assertEquals(ResultCode.BAD_CREDENTIAL, refusal.code);
        assertEquals(EXCHANGE, refusal.senderId);
        assertEquals(REPLY, refusal.replyChannel, "the refusal can still be answered");
        assertEquals(0, handler.logons.size());
    }

    @Test
    void refusesCredentialThatIsAPrefixOfTheSecret()
    {
        decoder.onMessage(session, buffer, 0, logon(EXCHANGE, SenderRole.EXCHANGE, "ex-sec", REPLY));

        assertEquals(ResultCode.BAD_CREDENTIAL, handler.onlyLogonRefusal().code);
    }

    @Test
    void refusesUnknownSender()
    {
        decoder.onMessage(session, buffer, 0, logon(999, SenderRole.EXCHANGE, "ex-secret", REPLY));

        final LogonRefusal refusal = handler.onlyLogonRefusal();
        assertEquals(ResultCode.BAD_CREDENTIAL, refusal.code);
        assertTrue(refusal.reason.contains("not enrolled"), refusal.reason);
    }

    @Test
    void refusesLogonWithRoleTheSenderIsNotEnrolledWith()
    {
        decoder.onMessage(session, buffer, 0, logon(MEMBER, SenderRole.OPERATOR, "member-secret", REPLY));

        assertEquals(ResultCode.NOT_AUTHORISED, handler.onlyLogonRefusal().code);
    }

    @Test
    void refusesReplyChannelOutsideLoopbackOrWithoutConcretePort()
    {
        decoder.onMessage(session, buffer, 0,
            logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", "aeron:udp?endpoint=10.1.2.3:4000"));
        decoder.onMessage(session, buffer, 0,
            logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", "aeron:udp?endpoint=127.0.0.1:0"));
        decoder.onMessage(session, buffer, 0, logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", "not a channel"));

        assertEquals(3, handler.logonRefusals.size());
        for (final LogonRefusal refusal : handler.logonRefusals)
        {
            assertEquals(ResultCode.INVALID_PARAMETER, refusal.code);
        }
        assertEquals(0, handler.logons.size());
    }

    @Test
    void refusesReplyStreamEqualToTheIngressStream()
    {
        final int length = logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", "aeron:ipc");
        buffer.putInt(
            MessageHeaderEncoder.ENCODED_LENGTH + LogonEncoder.replyStreamIdEncodingOffset(), 1001, ByteOrder.LITTLE_ENDIAN);

        decoder.onMessage(session, buffer, 0, length);

        assertEquals(ResultCode.INVALID_PARAMETER, handler.onlyLogonRefusal().code);
        assertEquals(0, handler.logons.size());
    }

    @Test
    void acceptsIpcReplyChannel()
    {
        decoder.onMessage(session, buffer, 0, logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", "aeron:ipc"));

        assertEquals(1, handler.logons.size());
        assertEquals("aeron:ipc", handler.logons.get(0));
    }

    @Test
    void refusesSecondLogonOnTheSameConnection()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");

        decoder.onMessage(session, buffer, 0, logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", REPLY));

        assertEquals(ResultCode.ALREADY_LOGGED_ON, handler.onlyLogonRefusal().code);
        assertTrue(session.isLoggedOn(), "the session keeps working");
    }

    @Test
    void refusesMessageTypeNotAllowedForTheRole()
    {
        logOn(MEMBER, SenderRole.MEMBER, "member-secret");

        decoder.onMessage(session, buffer, 0, trade(1, 7, 1, 10, 11, 100, 5));

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.NOT_AUTHORISED, refusal.code);
        assertTrue(refusal.reason.contains("MEMBER"), refusal.reason);
        handler.clear();

        decoder.onMessage(session, buffer, 0, openAccount(1, 5, 200));
        assertEquals(ResultCode.NOT_AUTHORISED, handler.onlyRefusal().code);
        handler.clear();

        decoder.onMessage(session, buffer, 0, queryLedger(1));
        assertEquals(ResultCode.NOT_AUTHORISED, handler.onlyRefusal().code);
        handler.clear();

        decoder.onMessage(session, buffer, 0, deposit(1, 5, 1_000_000));
        assertEquals(0, handler.refusals.size());
        assertEquals(1, handler.commands.size(), "a member may deposit");
    }

    @Test
    void refusesOutOfOrderSequenceAndForwardsResends()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", 4);

        decoder.onMessage(session, buffer, 0, trade(7, 7, 1, 10, 11, 100, 5));
        final Refusal gap = handler.onlyRefusal();
        assertEquals(ResultCode.SEQUENCE_GAP, gap.code);
        assertEquals(7, gap.sequence);
        assertTrue(gap.reason.contains("expected 5"), gap.reason);
        assertEquals(4, senders.get(EXCHANGE).lastForwardedSequence(), "a refusal consumes nothing");
        handler.clear();

        decoder.onMessage(session, buffer, 0, trade(5, 8, 1, 10, 11, 100, 5));
        assertEquals(0, handler.refusals.size());
        assertEquals(1, handler.commands.size());
        assertEquals(5, senders.get(EXCHANGE).lastForwardedSequence());

        decoder.onMessage(session, buffer, 0, trade(3, 9, 1, 10, 11, 100, 5));
        assertEquals(0, handler.refusals.size(), "a resend of a forwarded sequence goes to the cluster");
        assertEquals(2, handler.commands.size());
        assertEquals(5, senders.get(EXCHANGE).lastForwardedSequence());
    }

    @Test
    void refusesNonPositiveSequence()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");

        decoder.onMessage(session, buffer, 0, trade(0, 7, 1, 10, 11, 100, 5));

        assertEquals(ResultCode.INVALID_PARAMETER, handler.onlyRefusal().code);
    }

    @Test
    void refusesNonPositiveQuantityPriceAndAmount()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");
        decoder.onMessage(session, buffer, 0, trade(1, 7, 1, 10, 11, 100, 0));
        assertEquals(ResultCode.INVALID_QUANTITY, handler.onlyRefusal().code);
        handler.clear();
        decoder.onMessage(session, buffer, 0, trade(1, 7, 1, 10, 11, 100, -3));
        assertEquals(ResultCode.INVALID_QUANTITY, handler.onlyRefusal().code);
        handler.clear();
        decoder.onMessage(session, buffer, 0, trade(1, 7, 1, 10, 11, 0, 5));
        assertEquals(ResultCode.INVALID_PRICE, handler.onlyRefusal().code);
        handler.clear();
        decoder.onMessage(session, buffer, 0, priceTick(1, 1, 3, -100));
        assertEquals(ResultCode.INVALID_PRICE, handler.onlyRefusal().code);
        handler.clear();
        decoder.onMessage(session, buffer, 0, trade(1, 7, 1, 10, 10, 100, 5));
        assertEquals(ResultCode.SELF_TRADE, handler.onlyRefusal().code);
        handler.clear();

        session = new ExchangeSession(2, 2, "member");
        logOn(MEMBER, SenderRole.MEMBER, "member-secret");
        decoder.onMessage(session, buffer, 0, deposit(1, 5, 0));
        final Refusal deposit = handler.onlyRefusal();
        assertEquals(ResultCode.INVALID_AMOUNT, deposit.code);
        assertEquals(DepositCollateralEncoder.TEMPLATE_ID, deposit.templateId);
        handler.clear();
        decoder.onMessage(session, buffer, 0, withdraw(1, 5, -1));
        assertEquals(ResultCode.INVALID_AMOUNT, handler.onlyRefusal().code);

        assertEquals(0, handler.commands.size());
        assertEquals(0, senders.get(EXCHANGE).lastForwardedSequence());
        assertEquals(0, senders.get(MEMBER).lastForwardedSequence());
    }

    @Test
    void refusesAbsurdInstrumentTerms()
    {
        logOn(OPERATOR, SenderRole.OPERATOR, "op-secret");

        decoder.onMessage(session, buffer, 0, listInstrument(1, 7, "X", 50_000, 100_000, 500, 1, 1, 1));
        decoder.onMessage(session, buffer, 0, listInstrument(1, 7, "", 100_000, 50_000, 500, 1, 1, 1));
        decoder.onMessage(session, buffer, 0, listInstrument(1, 7, "X", 100_000, 50_000, 500, 0, 1, 1));
        decoder.onMessage(session, buffer, 0, listInstrument(1, 0, "X", 100_000, 50_000, 500, 1, 1, 1));
        decoder.onMessage(session, buffer, 0, listInstrument(1, 7, "X", 100_000, 50_000, 200_000, 1, 1, 1));
        decoder.onMessage(session, buffer, 0, openAccount(1, 0, 200));

        assertEquals(6, handler.refusals.size());
        for (final Refusal refusal : handler.refusals)
        {
            assertEquals(ResultCode.INVALID_PARAMETER, refusal.code, refusal.reason);
            assertFalse(refusal.reason.isEmpty());
        }
        assertEquals(0, handler.commands.size());
    }

    @Test
    void translatesValidCommandsToClusterProtocol()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");

        decoder.onMessage(session, buffer, 0, trade(1, 77, 3, 10, 11, 12_345, 6));

        assertEquals(0, handler.refusals.size());
        final Command command = handler.commands.get(0);
        assertEquals(TradeCommandDecoder.TEMPLATE_ID, command.templateId);
        final TradeCommandDecoder trade = new TradeCommandDecoder().wrapAndApplyHeader(
            command.bytes, 0, new dev.backstop.sbe.cluster.MessageHeaderDecoder());
        assertEquals(EXCHANGE, trade.senderId(), "the sender id comes from the logon, not the message");
        assertEquals(1, trade.sequence());
        assertEquals(77, trade.venueTradeId());
        assertEquals(3, trade.instrumentId());
        assertEquals(10, trade.buyAccountId());
        assertEquals(11, trade.sellAccountId());
        assertEquals(12_345, trade.priceTicks());
        assertEquals(6, trade.quantityLots());
        assertEquals(1, senders.get(EXCHANGE).lastForwardedSequence());

        session = new ExchangeSession(3, 3, "operator");
        logOn(OPERATOR, SenderRole.OPERATOR, "op-secret");
        decoder.onMessage(session, buffer, 0, listInstrument(1, 7, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 9));
        final ListInstrumentCommandDecoder list = new ListInstrumentCommandDecoder().wrapAndApplyHeader(
            handler.commands.get(0).bytes, 0, new dev.backstop.sbe.cluster.MessageHeaderDecoder());
        assertEquals(OPERATOR, list.senderId());
        assertEquals(7, list.instrumentId());
        assertEquals(9, list.tickValue());
        assertEquals("BTC-PERP", list.symbol());

        decoder.onMessage(session, buffer, 0, deposit(2, 5, 1_000));
        final DepositCommandDecoder deposit = new DepositCommandDecoder().wrapAndApplyHeader(
            handler.commands.get(1).bytes, 0, new dev.backstop.sbe.cluster.MessageHeaderDecoder());
        assertEquals(2, deposit.sequence());
        assertEquals(1_000, deposit.amount());
    }

    @Test
    void doesNotConsumeSequenceWhenTheClusterCannotTakeTheCommand()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");
        handler.forwardResult = ResultCode.CLUSTER_UNAVAILABLE;

        decoder.onMessage(session, buffer, 0, trade(1, 77, 3, 10, 11, 12_345, 6));

        final Refusal refusal = handler.onlyRefusal();
        assertEquals(ResultCode.CLUSTER_UNAVAILABLE, refusal.code);
        assertEquals(1, refusal.sequence);
        assertEquals(0, senders.get(EXCHANGE).lastForwardedSequence());

        handler.forwardResult = ResultCode.ACCEPTED;
        handler.clear();
        decoder.onMessage(session, buffer, 0, trade(1, 77, 3, 10, 11, 12_345, 6));
        assertEquals(0, handler.refusals.size());
        assertEquals(1, senders.get(EXCHANGE).lastForwardedSequence());
    }

    @Test
    void logoutEndsTheSessionAndLaterCommandsAreRefused()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");
        final LogoutEncoder logout = new LogoutEncoder();
        logout.wrapAndApplyHeader(buffer, 0, header).senderId(EXCHANGE);

        decoder.onMessage(session, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + logout.encodedLength());
        assertEquals(1, handler.logouts);
        assertFalse(session.isLoggedOn());

        decoder.onMessage(session, buffer, 0, trade(1, 77, 3, 10, 11, 12_345, 6));
        assertEquals(ResultCode.NOT_LOGGED_ON, handler.onlyRefusal().code);
    }

    @Test
    void newerLogonOfTheSameSenderTakesOver()
    {
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");
        final ExchangeSession first = session;
        session = new ExchangeSession(9, 9, "second");
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");

        assertFalse(first.isLoggedOn());
        assertTrue(session.isLoggedOn());
        handler.clear();
        decoder.onMessage(first, buffer, 0, trade(1, 77, 3, 10, 11, 12_345, 6));
        assertEquals(ResultCode.NOT_LOGGED_ON, handler.onlyRefusal().code);
    }

    @Test
    void neverThrowsOnRandomOrMutatedInput()
    {
        final Random random = new Random(20_240_101L);
        final ExchangeSession[] sessions = new ExchangeSession[3];
        for (int i = 0; i < sessions.length; i++)
        {
            sessions[i] = new ExchangeSession(100 + i, 100 + i, "fuzz");
        }
        session = sessions[0];
        logOn(EXCHANGE, SenderRole.EXCHANGE, "ex-secret");
        session = sessions[1];
        logOn(OPERATOR, SenderRole.OPERATOR, "op-secret");

        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1024]);
        long handled = 0;
        for (int i = 0; i < 50_000; i++)
        {
            final int length;
            switch (random.nextInt(4))
            {
                case 0:
                    length = trade(random.nextInt(5), random.nextLong(), 1, 10, 11, 100, 5);
                    break;
                case 1:
                    length = listInstrument(random.nextInt(5), 7, "SYM", 100_000, 50_000, 500, 1, 1, 1);
                    break;
                case 2:
                    length = logon(EXCHANGE, SenderRole.EXCHANGE, "ex-secret", REPLY);
                    break;
                default:
                    length = queryAccount(random.nextInt(5), random.nextLong());
                    break;
            }
            scratch.putBytes(0, buffer, 0, length);
            final int mutations = random.nextInt(6);
            for (int m = 0; m < mutations; m++)
            {
                scratch.putByte(random.nextInt(length + 8), (byte)random.nextInt());
            }
            final int fuzzedLength = random.nextBoolean() ? length : random.nextInt(length + 16);
            handler.clear();
            decoder.onMessage(sessions[random.nextInt(sessions.length)], scratch, 0, fuzzedLength);
            handled += handler.verdicts();
        }
        assertEquals(50_000, handled, "every message gets exactly one verdict");
    }

    private void logOn(final long senderId, final SenderRole role, final String secret)
    {
        logOn(senderId, role, secret, 0);
    }

    private void logOn(final long senderId, final SenderRole role, final String secret, final long lastApplied)
    {
        decoder.onMessage(session, buffer, 0, logon(senderId, role, secret, REPLY));
        assertEquals(0, handler.logonRefusals.size(), () -> "logon refused: " + handler.logonRefusals);
        final Sender sender = senders.get(senderId);
        session.logonPending(sender, 1, Long.MAX_VALUE);
        session.loggedOn(sender, lastApplied);
        handler.clear();
    }

    private int logon(final long senderId, final SenderRole role, final String credential, final String replyChannel)
    {
        final LogonEncoder logon = new LogonEncoder();
        logon.wrapAndApplyHeader(buffer, 0, header)
            .senderId(senderId)
            .role(role)
            .replyStreamId(1002)
            .credential(credential)
            .replyChannel(replyChannel);
        return MessageHeaderEncoder.ENCODED_LENGTH + logon.encodedLength();
    }

    private int trade(
        final long sequence,
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots)
    {
        final SubmitTradeEncoder trade = new SubmitTradeEncoder();
        trade.wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence)
            .venueTradeId(venueTradeId)
            .instrumentId(instrumentId)
            .buyAccountId(buyAccountId)
            .sellAccountId(sellAccountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots);
        return MessageHeaderEncoder.ENCODED_LENGTH + trade.encodedLength();
    }

    private int priceTick(final long sequence, final int instrumentId, final int sourceId, final long priceTicks)
    {
        final SubmitPriceTickEncoder tick = new SubmitPriceTickEncoder();
        tick.wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .sourceId(sourceId)
            .priceTicks(priceTicks);
        return MessageHeaderEncoder.ENCODED_LENGTH + tick.encodedLength();
    }

    private int deposit(final long sequence, final long accountId, final long amount)
    {
        final DepositCollateralEncoder deposit = new DepositCollateralEncoder();
        deposit.wrapAndApplyHeader(buffer, 0, header).sequence(sequence).accountId(accountId).amount(amount);
        return MessageHeaderEncoder.ENCODED_LENGTH + deposit.encodedLength();
    }

    private int withdraw(final long sequence, final long accountId, final long amount)
    {
        final WithdrawCollateralEncoder withdraw = new WithdrawCollateralEncoder();
        withdraw.wrapAndApplyHeader(buffer, 0, header).sequence(sequence).accountId(accountId).amount(amount);
        return MessageHeaderEncoder.ENCODED_LENGTH + withdraw.encodedLength();
    }

    private int openAccount(final long sequence, final long accountId, final long memberId)
    {
        final OpenAccountEncoder open = new OpenAccountEncoder();
        open.wrapAndApplyHeader(buffer, 0, header).sequence(sequence).accountId(accountId).memberId(memberId);
        return MessageHeaderEncoder.ENCODED_LENGTH + open.encodedLength();
    }

    private int queryAccount(final long sequence, final long accountId)
    {
        final QueryAccountEncoder query = new QueryAccountEncoder();
        query.wrapAndApplyHeader(buffer, 0, header).sequence(sequence).accountId(accountId);
        return MessageHeaderEncoder.ENCODED_LENGTH + query.encodedLength();
    }

    private int queryLedger(final long sequence)
    {
        final QueryLedgerEncoder query = new QueryLedgerEncoder();
        query.wrapAndApplyHeader(buffer, 0, header).sequence(sequence);
        return MessageHeaderEncoder.ENCODED_LENGTH + query.encodedLength();
    }

    private int listInstrument(
        final long sequence,
        final int instrumentId,
        final String symbol,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int tradeFeePpm,
        final long tickSizeMicros,
        final long lotSizeMicros,
        final long tickValue)
    {
        final ListInstrumentEncoder list = new ListInstrumentEncoder();
        list.wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .initialMarginPpm(initialMarginPpm)
            .maintenanceMarginPpm(maintenanceMarginPpm)
            .tradeFeePpm(tradeFeePpm)
            .tickSizeMicros(tickSizeMicros)
            .lotSizeMicros(lotSizeMicros)
            .tickValue(tickValue)
            .symbol(symbol);
        return MessageHeaderEncoder.ENCODED_LENGTH + list.encodedLength();
    }

    private record Refusal(long sequence, int templateId, ResultCode code, String reason)
    {
    }

    private record LogonRefusal(long senderId, String replyChannel, ResultCode code, String reason)
    {
    }

    private record Command(long sequence, int templateId, UnsafeBuffer bytes)
    {
    }

    private static final class RecordingHandler implements IngressHandler
    {
        final List<Refusal> refusals = new ArrayList<>();
        final List<LogonRefusal> logonRefusals = new ArrayList<>();
        final List<String> logons = new ArrayList<>();
        final List<Command> commands = new ArrayList<>();
        int logouts;
        ResultCode forwardResult = ResultCode.ACCEPTED;

        public void onLogonAuthenticated(
            final ExchangeSession session, final Sender sender, final String replyChannel, final int replyStreamId)
        {
            logons.add(replyChannel);
        }

        public void onLogonRefused(
            final ExchangeSession session,
            final long senderId,
            final String replyChannel,
            final int replyStreamId,
            final ResultCode code,
            final ReasonText reason)
        {
            logonRefusals.add(new LogonRefusal(senderId, replyChannel, code, reason.toString()));
        }

        public void onLogout(final ExchangeSession session)
        {
            logouts++;
            session.loggedOff();
        }

        public ResultCode onCommand(
            final ExchangeSession session,
            final Sender sender,
            final long sequence,
            final int templateId,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (ResultCode.ACCEPTED == forwardResult)
            {
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
                copy.putBytes(0, buffer, offset, length);
                commands.add(new Command(sequence, templateId, copy));
            }
            return forwardResult;
        }

        public void onRefusal(
            final ExchangeSession session,
            final long sequence,
            final int templateId,
            final ResultCode code,
            final ReasonText reason)
        {
            assertNotNull(code);
            assertFalse(reason.toString().isEmpty(), "every refusal has a reason");
            refusals.add(new Refusal(sequence, templateId, code, reason.toString()));
        }

        Refusal onlyRefusal()
        {
            assertEquals(1, refusals.size(), () -> "refusals: " + refusals + " logon refusals: " + logonRefusals);
            assertEquals(0, commands.size(), "nothing may be forwarded with a refusal");
            return refusals.get(0);
        }

        LogonRefusal onlyLogonRefusal()
        {
            assertEquals(1, logonRefusals.size(), () -> "logon refusals: " + logonRefusals + " refusals: " + refusals);
            return logonRefusals.get(0);
        }

        int verdicts()
        {
            return refusals.size() + logonRefusals.size() + logons.size() + commands.size() + logouts;
        }

        void clear()
        {
            refusals.clear();
            logonRefusals.clear();
            logons.clear();
            commands.clear();
            logouts = 0;
        }
    }
}
