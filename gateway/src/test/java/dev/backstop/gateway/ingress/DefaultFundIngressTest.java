package dev.backstop.gateway.ingress;

import dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder;
import dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder;
import dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder;
import dev.backstop.sbe.cluster.StressScenarioCommandDecoder;
import dev.backstop.sbe.exchange.ContributeDefaultFundEncoder;
import dev.backstop.sbe.exchange.InjectCcpCapitalEncoder;
import dev.backstop.sbe.exchange.LogonEncoder;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.SetDefaultFundParametersEncoder;
import dev.backstop.sbe.exchange.SetStressScenarioEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The default fund's requests at the gateway (issue 4): who may send each, the values refused before the cluster sees
 * them, and the translation to cluster commands with the sender id in front.
 */
final class DefaultFundIngressTest
{
    private static final long OPERATOR = 1;
    private static final long EXCHANGE = 100;
    private static final long MEMBER = 200;
    private static final long BLP = 300;
    private static final long DAY = 86_400_000L;

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
    void membersContributeAndOnlyTheOperatorInjectsCapitalOrSetsTheFund()
    {
        final long[] ids = {EXCHANGE, MEMBER, BLP, OPERATOR};
        final SenderRole[] roles = {SenderRole.EXCHANGE, SenderRole.MEMBER, SenderRole.BLP, SenderRole.OPERATOR};
        final String[] secrets = {"ex", "mb", "blp", "op"};
        for (int r = 0; r < ids.length; r++)
        {
            final ExchangeSession session = logOn(ids[r], roles[r], secrets[r]);
            final SenderRole role = roles[r];
            long sequence = 1;
            sequence = check(session, contribute(sequence, 10, 5), SenderRole.EXCHANGE != role, sequence);
            sequence = check(session, inject(sequence, 5), SenderRole.OPERATOR == role, sequence);
            sequence = check(session, scenario(sequence, 1, new int[]{1, 2}, new int[]{-200_000, 100_000}),
                SenderRole.OPERATOR == role, sequence);
            check(session, parameters(sequence, 0, 60_000, 100_000, 1_000, 3_600_000, 2_000_000, 28 * DAY, 10_000),
                SenderRole.OPERATOR == role, sequence);
        }
    }

    @Test
    void translatesEveryRequestWithTheSenderIdInFront()
    {
        final ExchangeSession member = logOn(MEMBER, SenderRole.MEMBER, "mb");
        send(member, contribute(1, 10, 5_000_000));
        final ContributeDefaultFundCommandDecoder contribute =
            new ContributeDefaultFundCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(MEMBER, contribute.senderId());
        assertEquals(1, contribute.sequence());
        assertEquals(10, contribute.accountId());
        assertEquals(5_000_000, contribute.amount());

        final ExchangeSession operator = logOn(OPERATOR, SenderRole.OPERATOR, "op");
        send(operator, inject(1, 7_000_000));
        assertEquals(7_000_000,
            new InjectCcpCapitalCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader).amount());

        send(operator, scenario(2, 4, new int[]{1, 3, 9}, new int[]{-300_000, 0, 250_000}));
        final StressScenarioCommandDecoder scenario =
            new StressScenarioCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(OPERATOR, scenario.senderId());
        assertEquals(4, scenario.scenarioId());
        final List<String> shocks = new ArrayList<>();
        for (final StressScenarioCommandDecoder.ShocksDecoder shock : scenario.shocks())
        {
            shocks.add(shock.underlyingId() + ":" + shock.priceShockPpm());
        }
        assertEquals(List.of("1:-300000", "3:0", "9:250000"), shocks);

        send(operator, parameters(3, 5_000_000, 30_000, 50_000, 500, 7_200_000, 1_500_000, 14 * DAY, 2_000));
        final DefaultFundParametersCommandDecoder parameters =
            new DefaultFundParametersCommandDecoder().wrapAndApplyHeader(lastCommand(), 0, clusterHeader);
        assertEquals(5_000_000, parameters.minimumContribution());
        assertEquals(30_000, parameters.recomputeIntervalMs());
        assertEquals(50_000, parameters.exposureThresholdPpm());
        assertEquals(500, parameters.exposureCheckMs());
        assertEquals(7_200_000, parameters.callDeadlineMs());
        assertEquals(1_500_000, parameters.assessmentCapPpm());
        assertEquals(14 * DAY, parameters.cappedPeriodMs());
        assertEquals(2_000, parameters.waterfallRetryMs());
    }

    @Test
    void refusesAbsurdValuesBeforeTheCluster()
    {
        final ExchangeSession member = logOn(MEMBER, SenderRole.MEMBER, "mb");
        refused(member, contribute(1, 10, 0), ResultCode.INVALID_AMOUNT);
        refused(member, contribute(1, 0, 5), ResultCode.INVALID_PARAMETER);

        final ExchangeSession operator = logOn(OPERATOR, SenderRole.OPERATOR, "op");
        refused(operator, inject(1, -1), ResultCode.INVALID_AMOUNT);
        refused(operator, scenario(1, 0, new int[]{1}, new int[]{-1}), ResultCode.INVALID_PARAMETER);
        refused(operator, scenario(1, 1, new int[]{2, 2}, new int[]{-1, 1}), ResultCode.INVALID_PARAMETER);
        refused(operator, scenario(1, 1, new int[]{0}, new int[]{-1}), ResultCode.INVALID_PARAMETER);
        refused(operator, scenario(1, 1, new int[]{1}, new int[]{-1_000_001}), ResultCode.INVALID_PARAMETER);
        refused(operator, scenario(1, 1, new int[17], new int[17]), ResultCode.MALFORMED_MESSAGE);
        refused(operator, parameters(1, -1, 60_000, 100_000, 1_000, 3_600_000, 2_000_000, 28 * DAY, 10_000),
            ResultCode.INVALID_PARAMETER);
        refused(operator, parameters(1, 0, 0, 100_000, 1_000, 3_600_000, 2_000_000, 28 * DAY, 10_000),
            ResultCode.INVALID_PARAMETER);
        refused(operator, parameters(1, 0, 60_000, 1_000_001, 1_000, 3_600_000, 2_000_000, 28 * DAY, 10_000),
            ResultCode.INVALID_PARAMETER);
        refused(operator, parameters(1, 0, 60_000, 100_000, 1_000, 3_600_000, -1, 28 * DAY, 10_000),
            ResultCode.INVALID_PARAMETER);
        refused(operator, parameters(1, 0, 60_000, 100_000, 1_000, 3_600_000, 2_000_000, 400 * DAY, 10_000),
            ResultCode.INVALID_PARAMETER);
        // A scenario with no shocks is valid: it removes the scenario.
        send(operator, scenario(1, 1, new int[0], new int[0]));
    }

    private long check(final ExchangeSession session, final int length, final boolean allowed, final long sequence)
    {
        handler.clear();
        decoder.onMessage(session, buffer, 0, length);
        if (allowed)
        {
            assertEquals(List.of(), handler.refusals);
            assertEquals(1, handler.commands.size());
            return sequence + 1;
        }
        assertEquals(1, handler.refusals.size());
        assertEquals(ResultCode.NOT_AUTHORISED, handler.refusals.get(0));
        return sequence;
    }

    private void send(final ExchangeSession session, final int length)
    {
        handler.clear();
        decoder.onMessage(session, buffer, 0, length);
        assertEquals(List.of(), handler.refusals);
        assertEquals(1, handler.commands.size());
    }

    private void refused(final ExchangeSession session, final int length, final ResultCode code)
    {
        handler.clear();
        decoder.onMessage(session, buffer, 0, length);
        assertEquals(List.of(code), handler.refusals);
        assertEquals(0, handler.commands.size());
    }

    private DirectBuffer lastCommand()
    {
        return handler.commands.get(handler.commands.size() - 1);
    }

    private int contribute(final long sequence, final long accountId, final long amount)
    {
        return length(new ContributeDefaultFundEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).accountId(accountId).amount(amount).encodedLength());
    }

    private int inject(final long sequence, final long amount)
    {
        return length(new InjectCcpCapitalEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).amount(amount).encodedLength());
    }

    private int scenario(final long sequence, final int scenarioId, final int[] underlyings, final int[] shocks)
    {
        final SetStressScenarioEncoder encoder = new SetStressScenarioEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).scenarioId(scenarioId);
        final SetStressScenarioEncoder.ShocksEncoder group = encoder.shocksCount(underlyings.length);
        for (int i = 0; i < underlyings.length; i++)
        {
            group.next().underlyingId(underlyings[i]).priceShockPpm(shocks[i]);
        }
        return length(encoder.encodedLength());
    }

    private int parameters(
        final long sequence,
        final long minimum,
        final long recomputeMs,
        final int thresholdPpm,
        final long checkMs,
        final long deadlineMs,
        final int capPpm,
        final long periodMs,
        final long retryMs)
    {
        return length(new SetDefaultFundParametersEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sequence(sequence).minimumContribution(minimum).recomputeIntervalMs(recomputeMs)
            .exposureThresholdPpm(thresholdPpm).exposureCheckMs(checkMs).callDeadlineMs(deadlineMs)
            .assessmentCapPpm(capPpm).cappedPeriodMs(periodMs).waterfallRetryMs(retryMs).encodedLength());
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
            .replyChannel("aeron:udp?endpoint=127.0.0.1:21997");
        decoder.onMessage(session, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + logon.encodedLength());
        assertEquals(1, handler.logons, "logon accepted");
        final Sender sender = senders.get(senderId);
        sender.lastForwardedSequence(0);
        session.logonPending(sender, 1, Long.MAX_VALUE);
        session.loggedOn(sender, 0);
        handler.clear();
        return session;
    }

    private static int length(final int bodyLength)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
    }

    private static final class Handler implements IngressHandler
    {
        final List<ResultCode> refusals = new ArrayList<>();
        final List<UnsafeBuffer> commands = new ArrayList<>();
        int logons;

        public void onLogonAuthenticated(
            final ExchangeSession session, final Sender sender, final String replyChannel, final int replyStreamId)
        {
            logons++;
        }

        public void onLogonRefused(
            final ExchangeSession session, final long senderId, final String replyChannel, final int replyStreamId,
            final ResultCode code, final ReasonText reason)
        {
            refusals.add(code);
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
            refusals.add(code);
        }

        void clear()
        {
            refusals.clear();
            commands.clear();
            logons = 0;
        }
    }
}
