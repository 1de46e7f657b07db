package dev.backstop.gateway.ingress;

import dev.backstop.sbe.cluster.AutoDeleveragingCommandDecoder;
import dev.backstop.sbe.exchange.AutoDeleveragingMode;
import dev.backstop.sbe.exchange.LogonEncoder;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.SetAutoDeleveragingEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SetAutoDeleveraging at the gateway: only the operator may send it, absurd values are refused before the cluster
 * sees them, and the cluster command is the sender id followed by the request.
 */
final class AutoDeleveragingIngressTest
{
    private static final long OPERATOR = 1;
    private static final long EXCHANGE = 100;
    private static final long MEMBER = 200;
    private static final long BLP = 300;

    private final List<ResultCode> refusals = new ArrayList<>();
    private final List<UnsafeBuffer> commands = new ArrayList<>();
    private final SenderDirectory senders = new SenderDirectory()
        .add(new Sender(OPERATOR, SenderRole.OPERATOR, "op"))
        .add(new Sender(EXCHANGE, SenderRole.EXCHANGE, "ex"))
        .add(new Sender(MEMBER, SenderRole.MEMBER, "mb"))
        .add(new Sender(BLP, SenderRole.BLP, "blp"));
    private final IngressDecoder decoder = new IngressDecoder(senders, new Handler(), Set.of("127.0.0.1"), 1001);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    @Test
    void onlyTheOperatorSwitchesAutoDeleveraging()
    {
        assertTrue(IngressDecoder.isAllowed(SetAutoDeleveragingEncoder.TEMPLATE_ID, SenderRole.OPERATOR));
        final long[] others = {EXCHANGE, MEMBER, BLP};
        final SenderRole[] roles = {SenderRole.EXCHANGE, SenderRole.MEMBER, SenderRole.BLP};
        for (int i = 0; i < others.length; i++)
        {
            assertFalse(IngressDecoder.isAllowed(SetAutoDeleveragingEncoder.TEMPLATE_ID, roles[i]));
            final ExchangeSession session = logOn(others[i], roles[i]);
            assertRefused(session, request(1, 0, AutoDeleveragingMode.OFF), ResultCode.NOT_AUTHORISED);
        }
    }

    @Test
    void forwardsTheRequestWithTheSenderIdInFront()
    {
        final ExchangeSession operator = logOn(OPERATOR, SenderRole.OPERATOR);
        send(operator, request(1, 0, AutoDeleveragingMode.OFF));
        send(operator, request(2, 3, AutoDeleveragingMode.FOLLOW_DEFAULT));
        final DirectBuffer last = commands.get(1);
        final AutoDeleveragingCommandDecoder command = new AutoDeleveragingCommandDecoder()
            .wrapAndApplyHeader(last, 0, new dev.backstop.sbe.cluster.MessageHeaderDecoder());
        assertEquals(OPERATOR, command.senderId());
        assertEquals(2, command.sequence());
        assertEquals(3, command.instrumentId());
        assertEquals(dev.backstop.sbe.cluster.AutoDeleveragingMode.FOLLOW_DEFAULT, command.mode());
        assertEquals(last.capacity(), command.limit(), "the whole message and nothing more");
    }

    @Test
    void refusesAbsurdValuesBeforeTheCluster()
    {
        final ExchangeSession operator = logOn(OPERATOR, SenderRole.OPERATOR);
        assertRefused(operator, request(1, -1, AutoDeleveragingMode.ON), ResultCode.INVALID_PARAMETER);
        assertRefused(operator, request(1, 0, AutoDeleveragingMode.FOLLOW_DEFAULT), ResultCode.INVALID_PARAMETER);
        final int badMode = request(1, 3, AutoDeleveragingMode.ON);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + SetAutoDeleveragingEncoder.modeEncodingOffset(), (byte)9);
        assertRefused(operator, badMode, ResultCode.INVALID_PARAMETER);
        assertRefused(operator, request(1, 3, AutoDeleveragingMode.ON) - 1, ResultCode.MALFORMED_MESSAGE);
        assertEquals(0, senders.get(OPERATOR).lastForwardedSequence(), "no refusal consumes a sequence");
    }

    private int request(final long sequence, final int instrumentId, final AutoDeleveragingMode mode)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new SetAutoDeleveragingEncoder()
            .wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .mode(mode)
            .encodedLength();
    }

    private void send(final ExchangeSession session, final int length)
    {
        final int before = commands.size();
        refusals.clear();
        decoder.onMessage(session, buffer, 0, length);
        assertEquals(List.of(), refusals);
        assertEquals(before + 1, commands.size());
    }

    private void assertRefused(final ExchangeSession session, final int length, final ResultCode code)
    {
        final int before = commands.size();
        refusals.clear();
        decoder.onMessage(session, buffer, 0, length);
        assertEquals(before, commands.size(), "nothing forwarded");
        assertEquals(List.of(code), refusals);
    }

    private ExchangeSession logOn(final long senderId, final SenderRole role)
    {
        final ExchangeSession session = new ExchangeSession((int)senderId, (int)senderId, "test");
        final LogonEncoder logon = new LogonEncoder();
        logon.wrapAndApplyHeader(buffer, 0, header)
            .senderId(senderId)
            .role(role)
            .replyStreamId(1002)
            .credential(secretOf(senderId))
            .replyChannel("aeron:udp?endpoint=127.0.0.1:21997");
        decoder.onMessage(session, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + logon.encodedLength());
        final Sender sender = senders.get(senderId);
        sender.lastForwardedSequence(0);
        session.logonPending(sender, 1, Long.MAX_VALUE);
        session.loggedOn(sender, 0);
        return session;
    }

    private static String secretOf(final long senderId)
    {
        return OPERATOR == senderId ? "op" : EXCHANGE == senderId ? "ex" : MEMBER == senderId ? "mb" : "blp";
    }

    private final class Handler implements IngressHandler
    {
        public void onLogonAuthenticated(
            final ExchangeSession session, final Sender sender, final String replyChannel, final int replyStreamId)
        {
        }

        public void onLogonRefused(
            final ExchangeSession session, final long senderId, final String replyChannel, final int replyStreamId,
            final ResultCode code, final ReasonText reason)
        {
            throw new AssertionError("logon refused: " + reason);
        }

        public void onLogout(final ExchangeSession session)
        {
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
            assertEquals(SetAutoDeleveragingEncoder.TEMPLATE_ID, templateId);
            refusals.add(code);
        }
    }
}
