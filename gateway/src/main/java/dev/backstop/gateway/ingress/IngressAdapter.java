package dev.backstop.gateway.ingress;

import dev.backstop.gateway.GatewayCounters;
import dev.backstop.gateway.cluster.ClusterClient;
import dev.backstop.sbe.cluster.AccountStateResultDecoder;
import dev.backstop.sbe.cluster.CommandResultDecoder;
import dev.backstop.sbe.cluster.LedgerResultDecoder;
import dev.backstop.sbe.exchange.AccountStateResponseEncoder;
import dev.backstop.sbe.exchange.BooleanType;
import dev.backstop.sbe.exchange.CommandResponseEncoder;
import dev.backstop.sbe.exchange.LedgerResponseEncoder;
import dev.backstop.sbe.exchange.LogonResponseEncoder;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import io.aeron.Aeron;
import io.aeron.AvailableImageHandler;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.UnavailableImageHandler;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Set;

/**
 * The gateway's front door: subscribes for exchange-protocol messages on a UDP and an IPC channel, keeps one
 * {@link ExchangeSession} per publication (Aeron image) that connects, runs every message through the
 * {@link IngressDecoder}, and sends replies to the channel each session's Logon named.
 * <p>
 * It also turns the cluster's results (cluster protocol) into exchange-protocol replies for the sender they are for.
 * A reply for a sender with no logged-on session is dropped: the sender can re-query after it logs on again.
 * <p>
 * Runs on the gateway agent's thread. The Aeron client is driven by the same thread (conductor agent invoker), so
 * image callbacks never race the duty cycle; a closed connection is marked in the callback and cleaned up at the
 * start of the next cycle.
 */
public final class IngressAdapter implements IngressHandler, AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 32;
    private static final int UDP_INDEX = 0;
    private static final int IPC_INDEX = 1;

    /**
     * Settings of the ingress side.
     *
     * @param udpChannel            UDP channel to subscribe on (null or empty: none).
     * @param ipcChannel            IPC channel to subscribe on (null or empty: none).
     * @param streamId              stream id on both channels.
     * @param logonTimeoutNs        how long a logon waits for the cluster's sequence answer.
     * @param replyConnectTimeoutNs how long replies wait for a reply publication to connect before being dropped.
     * @param replyOutboxCapacity   bytes of replies kept per session while its publication is not ready.
     * @param allowedReplyHosts     hosts a UDP reply channel may name; empty allows any.
     */
    public record Settings(
        String udpChannel,
        String ipcChannel,
        int streamId,
        long logonTimeoutNs,
        long replyConnectTimeoutNs,
        int replyOutboxCapacity,
        Set<String> allowedReplyHosts)
    {
    }

    private final Aeron aeron;
    private final Settings settings;
    private final SenderDirectory senders;
    private final ClusterClient cluster;
    private final GatewayCounters counters;
    private final IngressDecoder decoder;
    private final Channel[] channels = new Channel[2];

    private final Long2ObjectHashMap<ExchangeSession> sessionByKey = new Long2ObjectHashMap<>();
    private final ArrayList<ExchangeSession> sessions = new ArrayList<>();
    private final ArrayList<ExchangeSession> closedSessions = new ArrayList<>();
    private final Long2ObjectHashMap<ExchangeSession> sessionByLogonCorrelationId = new Long2ObjectHashMap<>();
    private final ReasonText reason = new ReasonText();

    private final ExpandableArrayBuffer replyBuffer = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder replyHeader = new MessageHeaderEncoder();
    private final LogonResponseEncoder logonResponse = new LogonResponseEncoder();
    private final CommandResponseEncoder commandResponse = new CommandResponseEncoder();
    private final AccountStateResponseEncoder accountStateResponse = new AccountStateResponseEncoder();
    private final LedgerResponseEncoder ledgerResponse = new LedgerResponseEncoder();
    private final CommandResultDecoder commandResult = new CommandResultDecoder();
    private final AccountStateResultDecoder accountStateResult = new AccountStateResultDecoder();
    private final LedgerResultDecoder ledgerResult = new LedgerResultDecoder();
    private final byte[] digest = new byte[LedgerResultDecoder.stateDigestLength()];
    private final ExpandableRingBuffer.MessageConsumer dropReply;

    private long nowNs;

    /**
     * @param aeron    client of the gateway's driver, driven by the agent thread.
     * @param settings ingress settings.
     * @param senders  enrolled senders.
     * @param cluster  where commands go.
     * @param counters gateway counters.
     * @param nowNs    current time.
     */
    public IngressAdapter(
        final Aeron aeron,
        final Settings settings,
        final SenderDirectory senders,
        final ClusterClient cluster,
        final GatewayCounters counters,
        final long nowNs)
    {
        this.aeron = aeron;
        this.settings = settings;
        this.senders = senders;
        this.cluster = cluster;
        this.counters = counters;
        this.nowNs = nowNs;
        this.decoder = new IngressDecoder(senders, this, settings.allowedReplyHosts(), settings.streamId());
        this.dropReply = (buffer, offset, length, headOffset) ->
        {
            counters.repliesDropped.incrementRelease();
            return true;
        };

        if (null != settings.udpChannel() && !settings.udpChannel().isEmpty())
        {
            channels[UDP_INDEX] = new Channel(UDP_INDEX, settings.udpChannel());
        }
        if (null != settings.ipcChannel() && !settings.ipcChannel().isEmpty())
        {
            channels[IPC_INDEX] = new Channel(IPC_INDEX, settings.ipcChannel());
        }
    }

    /**
     * @return connections currently open.
     */
    public int sessionCount()
    {
        return sessions.size();
    }

    /**
     * @return the decoder (for its statistics).
     */
    public IngressDecoder decoder()
    {
        return decoder;
    }

    /**
     * Reads new messages, completes and times out logons, and flushes replies.
     *
     * @param nowNs current time.
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int workCount = 0;

        if (!closedSessions.isEmpty())
        {
            for (int i = 0; i < closedSessions.size(); i++)
            {
                removeSession(closedSessions.get(i));
            }
            workCount += closedSessions.size();
            closedSessions.clear();
        }

        for (final Channel channel : channels)
        {
            if (null != channel)
            {
                workCount += channel.subscription.poll(channel.assembler, FRAGMENT_LIMIT);
            }
        }

        for (int i = 0; i < sessions.size(); i++)
        {
            workCount += service(sessions.get(i), nowNs);
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public void onLogonAuthenticated(
        final ExchangeSession session, final Sender sender, final String replyChannel, final int replyStreamId)
    {
        replyTo(session, replyChannel, replyStreamId);

        if (!cluster.isAvailable(nowNs))
        {
            // Refused before any takeover: a logon that cannot complete must not cut off a working session.
            counters.logonsRefused.incrementRelease();
            System.err.println("[gateway] logon of sender " + sender.senderId() + " refused: cluster unavailable");
            sendLogonResponse(session, sender.senderId(), ResultCode.CLUSTER_UNAVAILABLE, -1,
                reason.set("cluster unavailable; retry the logon later"));
            return;
        }

        final ExchangeSession previous = sender.session();
        if (null != previous && previous != session)
        {
            // The newer authenticated connection wins (an exchange failing over to a fresh connection must not wait
            // for the old image to time out); the old one can no longer forward anything for this sender.
            System.err.println("[gateway] sender " + sender.senderId() + " logged on again from " +
                session.sourceIdentity() + "; the previous connection is logged off");
            previous.loggedOff();
        }

        final long correlationId = cluster.querySenderSequence(sender.senderId(), nowNs);
        if (Aeron.NULL_VALUE == correlationId)
        {
            counters.logonsRefused.incrementRelease();
            sendLogonResponse(session, sender.senderId(), ResultCode.CLUSTER_UNAVAILABLE, -1,
                reason.set("cluster unavailable; retry the logon later"));
            return;
        }
        session.logonPending(sender, correlationId, nowNs + settings.logonTimeoutNs());
        sessionByLogonCorrelationId.put(correlationId, session);
    }

    /**
     * {@inheritDoc}
     */
    public void onLogonRefused(
        final ExchangeSession session,
        final long senderId,
        final String replyChannel,
        final int replyStreamId,
        final ResultCode code,
        final ReasonText reason)
    {
        counters.logonsRefused.incrementRelease();
        counters.messagesRefused.incrementRelease();
        if (null != replyChannel && ExchangeSession.State.NEW == session.state())
        {
            replyTo(session, replyChannel, replyStreamId);
        }
        System.err.println("[gateway] logon refused for sender " + senderId + " from " + session.sourceIdentity() +
            ": " + code + " " + reason);
        sendLogonResponse(session, senderId, code, -1, reason);
    }

    /**
     * {@inheritDoc}
     */
    public void onLogout(final ExchangeSession session)
    {
        session.loggedOff();
    }

    /**
     * {@inheritDoc}
     */
    public ResultCode onCommand(
        final ExchangeSession session,
        final Sender sender,
        final long sequence,
        final int templateId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        return cluster.forward(sender.senderId(), sequence, buffer, offset, length, nowNs);
    }

    /**
     * {@inheritDoc}
     */
    public void onRefusal(
        final ExchangeSession session,
        final long sequence,
        final int templateId,
        final ResultCode code,
        final ReasonText reason)
    {
        counters.messagesRefused.incrementRelease();
        counters.commands.onRefused(templateId, code.value());
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + commandResponse
            .wrapAndApplyHeader(replyBuffer, 0, replyHeader)
            .sequence(sequence)
            .resultCode(code)
            .replayed(BooleanType.FALSE)
            .clusterTime(0)
            .refusedTemplateId(templateId)
            .putReason(reason.buffer(), 0, reason.length())
            .encodedLength();
        sendReply(session, length);
    }

    /**
     * Passes a cluster result on to its sender as an exchange-protocol reply.
     *
     * @param senderId   sender.
     * @param sequence   sequence.
     * @param templateId cluster-protocol template of the result.
     * @param buffer     holding the result.
     * @param offset     of its message header.
     * @param length     of the result.
     */
    public void onResult(
        final long senderId,
        final long sequence,
        final int templateId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final Sender sender = senders.get(senderId);
        final ExchangeSession session = null == sender ? null : sender.session();
        if (null != sender && CommandResultDecoder.TEMPLATE_ID == templateId)
        {
            final CommandResultDecoder result = wrapCommandResult(buffer, offset);
            if (dev.backstop.sbe.cluster.ResultCode.SEQUENCE_GAP == result.resultCode() &&
                sender.lastForwardedSequence() >= sequence)
            {
                // The cluster did not take this sequence: let the sender send it again.
                sender.lastForwardedSequence(sequence - 1);
            }
        }
        if (null == session || !session.isLoggedOn())
        {
            counters.repliesDropped.incrementRelease();
            return;
        }

        final int end = offset + length;
        final int replyLength;
        switch (templateId)
        {
            case CommandResultDecoder.TEMPLATE_ID:
                replyLength = translateCommandResult(buffer, offset, end);
                break;

            case AccountStateResultDecoder.TEMPLATE_ID:
                replyLength = translateAccountState(buffer, offset, end);
                break;

            case LedgerResultDecoder.TEMPLATE_ID:
                replyLength = translateLedger(buffer, offset);
                break;

            default:
                replyLength = -1;
                break;
        }

        if (replyLength < 0)
        {
            counters.errors.incrementRelease();
            return;
        }
        counters.resultsDelivered.incrementRelease();
        sendReply(session, replyLength);
    }

    /**
     * Completes a pending logon with the cluster's answer.
     *
     * @param correlationId       of the sequence query.
     * @param senderId            sender asked about.
     * @param lastAppliedSequence what the cluster last applied for it.
     */
    public void onSenderSequence(final long correlationId, final long senderId, final long lastAppliedSequence)
    {
        final ExchangeSession session = sessionByLogonCorrelationId.remove(correlationId);
        if (null == session || session.isClosed() || ExchangeSession.State.LOGON_PENDING != session.state() ||
            session.logonCorrelationId() != correlationId || session.sender().senderId() != senderId)
        {
            return;
        }

        final Sender sender = session.sender();
        session.loggedOn(sender, lastAppliedSequence);
        counters.logonsAccepted.incrementRelease();
        System.err.println("[gateway] sender " + senderId + " (" + sender.role() + ") logged on from " +
            session.sourceIdentity() + ", next sequence " + (lastAppliedSequence + 1));
        sendLogonResponse(session, senderId, ResultCode.ACCEPTED, lastAppliedSequence + 1, reason.set("logged on"));
    }

    /**
     * Closes subscriptions and reply publications.
     */
    public void close()
    {
        for (final ExchangeSession session : sessions)
        {
            closeReply(session);
        }
        for (final Channel channel : channels)
        {
            if (null != channel)
            {
                CloseHelper.quietClose(channel.subscription);
            }
        }
    }

    private CommandResultDecoder wrapCommandResult(final DirectBuffer buffer, final int offset)
    {
        final int blockLength = buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return commandResult.wrap(buffer, offset + MessageHeaderEncoder.ENCODED_LENGTH, blockLength, version);
    }

    private int translateCommandResult(final DirectBuffer buffer, final int offset, final int end)
    {
        final CommandResultDecoder result = wrapCommandResult(buffer, offset);
        final ResultCode code = ResultCode.get(result.resultCode().value());
        final int reasonHeader = result.limit();
        int reasonLength = 0;
        if (end - reasonHeader >= 4)
        {
            final long declared = buffer.getInt(reasonHeader, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            reasonLength = (int)Math.min(Math.min(declared, end - reasonHeader - 4), ReasonText.MAX_LENGTH);
        }

        return MessageHeaderEncoder.ENCODED_LENGTH + commandResponse
            .wrapAndApplyHeader(replyBuffer, 0, replyHeader)
            .sequence(result.sequence())
            .resultCode(code)
            .replayed(BooleanType.TRUE == toExchange(result.replayed()) ? BooleanType.TRUE : BooleanType.FALSE)
            .clusterTime(result.clusterTime())
            .refusedTemplateId(ResultCode.ACCEPTED == code ? 0 : result.templateId())
            .putReason(buffer, reasonHeader + 4, reasonLength)
            .encodedLength();
    }

    private static BooleanType toExchange(final dev.backstop.sbe.cluster.BooleanType value)
    {
        return dev.backstop.sbe.cluster.BooleanType.TRUE == value ? BooleanType.TRUE : BooleanType.FALSE;
    }

    private int translateAccountState(final DirectBuffer buffer, final int offset, final int end)
    {
        final int blockLength = buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final AccountStateResultDecoder result =
            accountStateResult.wrap(buffer, offset + MessageHeaderEncoder.ENCODED_LENGTH, blockLength, version);

        final int groupHeader = result.limit();
        if (end - groupHeader < 4)
        {
            return -1;
        }
        final int groupBlockLength = buffer.getShort(groupHeader, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if ((long)count * groupBlockLength > end - groupHeader - 4 ||
            groupBlockLength < AccountStateResultDecoder.PositionsDecoder.sbeBlockLength())
        {
            return -1;
        }

        accountStateResponse.wrapAndApplyHeader(replyBuffer, 0, replyHeader)
            .sequence(result.sequence())
            .accountId(result.accountId())
            .memberId(result.memberId())
            .cash(result.cash())
            .equity(result.equity())
            .initialMargin(result.initialMargin())
            .maintenanceMargin(result.maintenanceMargin())
            .withdrawable(result.withdrawable())
            .reservedMargin(result.reservedMargin())
            .riskState(dev.backstop.sbe.exchange.RiskState.get(result.riskStateRaw()))
            .marginMethod(dev.backstop.sbe.exchange.MarginMethod.get(result.marginMethodRaw()));
        final AccountStateResponseEncoder.PositionsEncoder positions = accountStateResponse.positionsCount(count);
        for (final AccountStateResultDecoder.PositionsDecoder position : result.positions())
        {
            positions.next()
                .instrumentId(position.instrumentId())
                .quantityLots(position.quantityLots())
                .costBasis(position.costBasis())
                .markPriceTicks(position.markPriceTicks())
                .unrealisedPnl(position.unrealisedPnl());
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + accountStateResponse.encodedLength();
    }

    private int translateLedger(final DirectBuffer buffer, final int offset)
    {
        final int blockLength = buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final LedgerResultDecoder result =
            ledgerResult.wrap(buffer, offset + MessageHeaderEncoder.ENCODED_LENGTH, blockLength, version);
        result.getStateDigest(digest, 0, digest.length);

        return MessageHeaderEncoder.ENCODED_LENGTH + ledgerResponse
            .wrapAndApplyHeader(replyBuffer, 0, replyHeader)
            .sequence(result.sequence())
            .netDeposits(result.netDeposits())
            .totalCash(result.totalCash())
            .totalUnrealisedPnl(result.totalUnrealisedPnl())
            .feeAccount(result.feeAccount())
            .accountCount(result.accountCount())
            .tradesCleared(result.tradesCleared())
            .eventSequence(result.eventSequence())
            .putStateDigest(digest, 0, digest.length)
            .leadershipTermId(result.leadershipTermId())
            .insuranceFund(result.insuranceFund())
            .openDeficits(result.openDeficits())
            .adlContracts(result.adlContracts())
            .encodedLength();
    }

    private void sendLogonResponse(
        final ExchangeSession session,
        final long senderId,
        final ResultCode code,
        final long nextSequence,
        final ReasonText text)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + logonResponse
            .wrapAndApplyHeader(replyBuffer, 0, replyHeader)
            .senderId(senderId)
            .resultCode(code)
            .nextSequence(nextSequence)
            .putReason(text.buffer(), 0, text.length())
            .encodedLength();
        sendReply(session, length);
    }

    private void replyTo(final ExchangeSession session, final String channel, final int streamId)
    {
        if (channel.equals(session.replyChannel) && streamId == session.replyStreamId &&
            (null != session.replyPublication || Aeron.NULL_VALUE != session.replyRegistrationId))
        {
            return;
        }
        closeReply(session);
        try
        {
            session.replyChannel = channel;
            session.replyStreamId = streamId;
            session.replyRegistrationId = aeron.asyncAddPublication(channel, streamId);
            session.replyNotConnectedSinceNs = nowNs;
        }
        catch (final RuntimeException ex)
        {
            counters.errors.incrementRelease();
            session.replyRegistrationId = Aeron.NULL_VALUE;
            System.err.println("[gateway] cannot add reply publication " + channel + " stream " + streamId + ": " + ex);
        }
    }

    private void closeReply(final ExchangeSession session)
    {
        if (null != session.replyPublication)
        {
            CloseHelper.quietClose(session.replyPublication);
        }
        else if (Aeron.NULL_VALUE != session.replyRegistrationId)
        {
            try
            {
                aeron.asyncRemovePublication(session.replyRegistrationId);
            }
            catch (final RuntimeException ex)
            {
                counters.errors.incrementRelease();
            }
        }
        session.replyPublication = null;
        session.replyRegistrationId = Aeron.NULL_VALUE;
        session.replyChannel = null;
        if (null != session.outbox && !session.outbox.isEmpty())
        {
            session.outbox.consume(dropReply, Integer.MAX_VALUE);
        }
    }

    private void sendReply(final ExchangeSession session, final int length)
    {
        if (session.closed || (null == session.replyPublication && Aeron.NULL_VALUE == session.replyRegistrationId))
        {
            counters.repliesDropped.incrementRelease();
            return;
        }

        if (null != session.replyPublication && (null == session.outbox || session.outbox.isEmpty()))
        {
            final long result = session.replyPublication.offer(replyBuffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                counters.repliesDropped.incrementRelease();
                return;
            }
        }

        if (null == session.outbox)
        {
            session.outbox = new ExpandableRingBuffer(1024, settings.replyOutboxCapacity(), false);
            session.drain = (buffer, offset, messageLength, headOffset) ->
                drainReply(session, buffer, offset, messageLength);
        }
        if (!session.outbox.append(replyBuffer, 0, length))
        {
            counters.repliesDropped.incrementRelease();
        }
    }

    private int service(final ExchangeSession session, final long nowNs)
    {
        if (session.closed)
        {
            return 0;
        }
        int workCount = 0;

        if (ExchangeSession.State.LOGON_PENDING == session.state() && nowNs - session.logonDeadlineNs() > 0)
        {
            final long correlationId = session.logonCorrelationId();
            sessionByLogonCorrelationId.remove(correlationId);
            cluster.cancelQuery(correlationId);
            final long senderId = session.sender().senderId();
            session.loggedOff();
            counters.logonsRefused.incrementRelease();
            sendLogonResponse(session, senderId, ResultCode.CLUSTER_UNAVAILABLE, -1,
                reason.set("the cluster did not answer the logon in time; retry later"));
            workCount++;
        }

        if (null == session.replyPublication && Aeron.NULL_VALUE != session.replyRegistrationId)
        {
            try
            {
                final Publication publication = aeron.getPublication(session.replyRegistrationId);
                if (null != publication)
                {
                    session.replyPublication = publication;
                    session.replyRegistrationId = Aeron.NULL_VALUE;
                    workCount++;
                }
            }
            catch (final RuntimeException ex)
            {
                counters.errors.incrementRelease();
                System.err.println("[gateway] reply publication " + session.replyChannel + " failed: " + ex);
                session.replyRegistrationId = Aeron.NULL_VALUE;
                closeReply(session);
                return workCount + 1;
            }
        }

        final ExpandableRingBuffer outbox = session.outbox;
        if (null != outbox && !outbox.isEmpty())
        {
            final Publication publication = session.replyPublication;
            if (null != publication && publication.isConnected())
            {
                session.replyNotConnectedSinceNs = Long.MIN_VALUE;
                workCount += outbox.consume(session.drain, FRAGMENT_LIMIT);
            }
            else
            {
                if (Long.MIN_VALUE == session.replyNotConnectedSinceNs)
                {
                    session.replyNotConnectedSinceNs = nowNs;
                }
                else if (nowNs - session.replyNotConnectedSinceNs > settings.replyConnectTimeoutNs())
                {
                    // Nobody is listening on the reply channel: drop rather than hold replies for ever.
                    outbox.consume(dropReply, Integer.MAX_VALUE);
                    session.replyNotConnectedSinceNs = nowNs;
                    workCount++;
                }
            }
        }

        return workCount;
    }

    private boolean drainReply(
        final ExchangeSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        final Publication publication = session.replyPublication;
        final long result = null == publication ? Publication.NOT_CONNECTED : publication.offer(buffer, offset, length);
        if (result > 0)
        {
            return true;
        }
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result ||
            Publication.NOT_CONNECTED == result)
        {
            return false;
        }
        counters.repliesDropped.incrementRelease();
        return true;
    }

    private ExchangeSession openSession(final long key, final int imageSessionId, final String sourceIdentity)
    {
        ExchangeSession session = sessionByKey.get(key);
        if (null == session)
        {
            session = new ExchangeSession(key, imageSessionId, sourceIdentity);
            sessionByKey.put(key, session);
            sessions.add(session);
            counters.sessions.setRelease(sessions.size());
        }
        return session;
    }

    private void removeSession(final ExchangeSession session)
    {
        if (sessionByKey.get(session.key()) == session)
        {
            sessionByKey.remove(session.key());
        }
        sessions.remove(session);
        counters.sessions.setRelease(sessions.size());
        if (ExchangeSession.State.LOGON_PENDING == session.state())
        {
            sessionByLogonCorrelationId.remove(session.logonCorrelationId());
            cluster.cancelQuery(session.logonCorrelationId());
        }
        session.loggedOff();
        closeReply(session);
    }

    private static long key(final int channelIndex, final int imageSessionId)
    {
        return ((long)channelIndex << 32) | (imageSessionId & 0xFFFF_FFFFL);
    }

    private final class Channel implements FragmentHandler, AvailableImageHandler, UnavailableImageHandler
    {
        final int index;
        final Subscription subscription;
        final FragmentAssembler assembler;

        Channel(final int index, final String channel)
        {
            this.index = index;
            this.assembler = new FragmentAssembler(this);
            this.subscription = aeron.addSubscription(channel, settings.streamId(), this, this);
        }

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            counters.messagesReceived.incrementRelease();
            final ExchangeSession session = openSession(key(index, header.sessionId()), header.sessionId(), "unknown");
            if (session.closed)
            {
                return;
            }
            try
            {
                decoder.onMessage(session, buffer, offset, length);
            }
            catch (final RuntimeException ex)
            {
                counters.errors.incrementRelease();
                System.err.println("[gateway] error handling a message from " + session + ": " + ex);
                try
                {
                    onRefusal(session, -1, 0, ResultCode.MALFORMED_MESSAGE,
                        reason.set("the gateway could not process this message"));
                }
                catch (final RuntimeException ignore)
                {
                    counters.errors.incrementRelease();
                }
            }
        }

        public void onAvailableImage(final Image image)
        {
            openSession(key(index, image.sessionId()), image.sessionId(), image.sourceIdentity());
        }

        public void onUnavailableImage(final Image image)
        {
            final ExchangeSession session = sessionByKey.get(key(index, image.sessionId()));
            if (null != session && !session.closed)
            {
                session.closed = true;
                closedSessions.add(session);
            }
        }
    }
}
