package dev.backstop.gateway.cluster;

import dev.backstop.gateway.GatewayCounters;
import dev.backstop.sbe.cluster.AccountStateResultDecoder;
import dev.backstop.sbe.cluster.CommandResultDecoder;
import dev.backstop.sbe.cluster.LedgerResultDecoder;
import dev.backstop.sbe.cluster.MessageHeaderDecoder;
import dev.backstop.sbe.cluster.QueryAccountCommandDecoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandDecoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.SenderSequenceQueryEncoder;
import dev.backstop.sbe.cluster.SenderSequenceResultDecoder;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The gateway's connection to the clearing cluster: an {@link AeronCluster} client driven entirely from the gateway
 * agent's thread, which never blocks on it.
 * <p>
 * What it guarantees (DESIGN.md sections 2 and 6, AERON-NOTES "Clients and failover"):
 * <ul>
 *     <li>egress is polled on every duty cycle so a new leader is noticed, and a keep-alive goes when idle;</li>
 *     <li>no command is dropped: each is kept in {@link UnacknowledgedCommands} until its result arrives; back
 *     pressure and admin actions leave it queued for the next cycle;</li>
 *     <li>after a new leader, a reconnect, or a result that is overdue, every unanswered command is sent again in
 *     its original order; the idempotency key makes the copy harmless and each result is passed on once;</li>
 *     <li>if the client closes itself (no new leader within its timeout) a fresh connection is started;</li>
 *     <li>when the cluster has been unreachable for {@code unavailableTimeoutNs}, or the oldest unanswered command
 *     has waited that long, new commands are refused with CLUSTER_UNAVAILABLE instead of piling up.</li>
 * </ul>
 */
public final class ClusterClient implements AutoCloseable
{
    private static final long NULL_TIME = Long.MIN_VALUE;
    private static final int SEND_LIMIT_PER_CYCLE = 64;
    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int EVENT_SCHEMA_ID = dev.backstop.sbe.events.MessageHeaderDecoder.SCHEMA_ID;

    /**
     * Settings of the cluster client.
     *
     * @param ingressEndpoints     {@code memberId=host:port,...} of every member's ingress.
     * @param ingressChannel       channel template for ingress (the endpoint is filled in per member).
     * @param ingressStreamId      ingress stream id of the cluster.
     * @param egressChannel        channel the cluster answers on (loopback).
     * @param egressStreamId       egress stream id.
     * @param messageTimeoutNs     connect and new-leader-connect timeout.
     * @param keepAliveIntervalNs  idle time after which a keep-alive is sent.
     * @param unavailableTimeoutNs how long the cluster may be unreachable before new commands are refused.
     * @param resendTimeoutNs      how long the oldest command may wait for its result before everything is resent.
     * @param reconnectIntervalNs  pause between connect attempts.
     * @param maxUnacknowledged    most commands in flight.
     */
    public record Settings(
        String ingressEndpoints,
        String ingressChannel,
        int ingressStreamId,
        String egressChannel,
        int egressStreamId,
        long messageTimeoutNs,
        long keepAliveIntervalNs,
        long unavailableTimeoutNs,
        long resendTimeoutNs,
        long reconnectIntervalNs,
        int maxUnacknowledged)
    {
    }

    private final Aeron aeron;
    private final Settings settings;
    private final GatewayCounters counters;
    private final UnacknowledgedCommands unacknowledged;
    private final Listener listener = new Listener();

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final CommandResultDecoder commandResultDecoder = new CommandResultDecoder();
    private final AccountStateResultDecoder accountStateResultDecoder = new AccountStateResultDecoder();
    private final LedgerResultDecoder ledgerResultDecoder = new LedgerResultDecoder();
    private final SenderSequenceResultDecoder senderSequenceResultDecoder = new SenderSequenceResultDecoder();
    private final dev.backstop.sbe.cluster.MessageHeaderEncoder headerEncoder =
        new dev.backstop.sbe.cluster.MessageHeaderEncoder();
    private final SenderSequenceQueryEncoder queryEncoder = new SenderSequenceQueryEncoder();
    private final UnsafeBuffer queryBuffer = new UnsafeBuffer(new byte[64]);
    private final dev.backstop.sbe.cluster.ReplayEventsEncoder replayEncoder =
        new dev.backstop.sbe.cluster.ReplayEventsEncoder();
    private final dev.backstop.sbe.cluster.ReplayEventsResultDecoder replayResultDecoder =
        new dev.backstop.sbe.cluster.ReplayEventsResultDecoder();
    private final UnsafeBuffer replayBuffer = new UnsafeBuffer(new byte[64]);

    private ClusterResponseHandler handler;
    private AeronCluster aeronCluster;
    private AeronCluster.AsyncConnect asyncConnect;
    private long nextConnectAttemptNs;
    private long unreachableSinceNs;
    private long lastIngressSendNs;
    private long nextCorrelationId = 1;
    private long nowNs;
    private long leadershipTermId = -1;
    private int leaderMemberId = -1;
    private String lastConnectError;
    private boolean rewindRequested;

    /**
     * @param aeron    client of the gateway's media driver (shared, not owned).
     * @param settings cluster client settings.
     * @param counters gateway counters.
     * @param nowNs    current time.
     */
    public ClusterClient(final Aeron aeron, final Settings settings, final GatewayCounters counters, final long nowNs)
    {
        this.aeron = aeron;
        this.settings = settings;
        this.counters = counters;
        this.unacknowledged = new UnacknowledgedCommands(settings.maxUnacknowledged());
        this.unreachableSinceNs = nowNs;
        this.nextConnectAttemptNs = nowNs;
        this.nowNs = nowNs;
    }

    /**
     * @param handler receives results, sequence answers and events.
     */
    public void handler(final ClusterResponseHandler handler)
    {
        this.handler = handler;
    }

    /**
     * Polls egress, sends what is queued, keeps the session alive and reconnects when needed.
     *
     * @param nowNs current time.
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int workCount = 0;

        if (null == aeronCluster)
        {
            workCount += connect(nowNs);
        }

        if (null != aeronCluster)
        {
            try
            {
                workCount += aeronCluster.pollEgress();
            }
            catch (final RuntimeException ex)
            {
                // A client that failed inside its own state machine (say, no ingress publication to a new leader
                // within its timeout) is replaced; everything unanswered goes again on the new connection.
                counters.errors.incrementRelease();
                System.err.println("[gateway] cluster client failed, reconnecting: " + ex);
                CloseHelper.quietClose(aeronCluster);
            }
            if (aeronCluster.isClosed())
            {
                System.err.println("[gateway] cluster client closed (no leader within the new-leader timeout); " +
                    "reconnecting");
                aeronCluster = null;
                nextConnectAttemptNs = nowNs;
                counters.clusterClientClosures.incrementRelease();
                workCount++;
            }
        }

        final boolean reachable = isIngressConnected();
        counters.clusterConnected.setRelease(reachable ? 1 : 0);
        if (reachable)
        {
            unreachableSinceNs = NULL_TIME;
            workCount += checkOverdue(nowNs);
            workCount += send(nowNs);
            workCount += keepAlive(nowNs);
        }
        else if (NULL_TIME == unreachableSinceNs)
        {
            unreachableSinceNs = nowNs;
        }

        counters.unacknowledged.setRelease(unacknowledged.size());
        return workCount;
    }

    /**
     * Takes a command for forwarding. It is sent on this or a later duty cycle and kept until its result arrives.
     *
     * @return ACCEPTED, CLUSTER_UNAVAILABLE or BACK_PRESSURED (too many in flight); a refusal keeps nothing.
     */
    public dev.backstop.sbe.exchange.ResultCode forward(
        final long senderId,
        final long sequence,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long nowNs)
    {
        if (!isAvailable(nowNs))
        {
            return dev.backstop.sbe.exchange.ResultCode.CLUSTER_UNAVAILABLE;
        }
        if (null != unacknowledged.command(senderId, sequence))
        {
            // Already in flight: its result will answer this copy too.
            return dev.backstop.sbe.exchange.ResultCode.ACCEPTED;
        }
        if (null == unacknowledged.addCommand(senderId, sequence, buffer, offset, length, nowNs))
        {
            return dev.backstop.sbe.exchange.ResultCode.BACK_PRESSURED;
        }
        counters.commandsForwarded.incrementRelease();
        return dev.backstop.sbe.exchange.ResultCode.ACCEPTED;
    }

    /**
     * Asks the cluster where a sender's sequence stands. The answer arrives through
     * {@link ClusterResponseHandler#onSenderSequence}.
     *
     * @param senderId sender.
     * @param nowNs    current time.
     * @return the correlation id, or {@link Aeron#NULL_VALUE} when the cluster is unavailable.
     */
    public long querySenderSequence(final long senderId, final long nowNs)
    {
        if (!isAvailable(nowNs))
        {
            return Aeron.NULL_VALUE;
        }
        final long correlationId = nextCorrelationId++;
        queryEncoder.wrapAndApplyHeader(queryBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .senderId(senderId);
        unacknowledged.addQuery(
            correlationId, senderId, queryBuffer, 0, HEADER_LENGTH + queryEncoder.encodedLength(), nowNs);
        return correlationId;
    }

    /**
     * Asks the cluster to send this session the events from a sequence on again (best effort: not kept for a resend;
     * the event republisher asks again while it is short).
     *
     * @param fromEventSequence first event wanted.
     * @return true when the request was offered to the leader.
     */
    public boolean requestEventReplay(final long fromEventSequence)
    {
        if (!isIngressConnected())
        {
            return false;
        }
        replayEncoder.wrapAndApplyHeader(replayBuffer, 0, headerEncoder)
            .correlationId(nextCorrelationId++)
            .fromEventSequence(fromEventSequence);
        if (aeronCluster.offer(replayBuffer, 0, HEADER_LENGTH + replayEncoder.encodedLength()) > 0)
        {
            lastIngressSendNs = nowNs;
            return true;
        }
        return false;
    }

    /**
     * Abandons a sequence query (its logon timed out or its connection went).
     *
     * @param correlationId of the query.
     */
    public void cancelQuery(final long correlationId)
    {
        unacknowledged.removeQuery(correlationId);
    }

    /**
     * @param nowNs current time.
     * @return false when new commands should be refused with CLUSTER_UNAVAILABLE.
     */
    public boolean isAvailable(final long nowNs)
    {
        if (NULL_TIME != unreachableSinceNs && nowNs - unreachableSinceNs > settings.unavailableTimeoutNs())
        {
            return false;
        }
        final UnacknowledgedCommands.Entry oldest = unacknowledged.head();
        return null == oldest || nowNs - oldest.firstForwardedNs() <= settings.unavailableTimeoutNs();
    }

    /**
     * @return true while connected to a leader's ingress.
     */
    public boolean isConnected()
    {
        return isIngressConnected();
    }

    /**
     * @return commands and queries not yet answered.
     */
    public int unacknowledgedCount()
    {
        return unacknowledged.size();
    }

    /**
     * @return leadership term of the current leader as last seen, -1 before the first connect.
     */
    public long leadershipTermId()
    {
        return leadershipTermId;
    }

    /**
     * @return member id of the current leader as last seen, -1 before the first connect.
     */
    public int leaderMemberId()
    {
        return leaderMemberId;
    }

    /**
     * Closes the cluster session.
     */
    public void close()
    {
        CloseHelper.quietClose(asyncConnect);
        asyncConnect = null;
        CloseHelper.quietClose(aeronCluster);
        aeronCluster = null;
    }

    private boolean isIngressConnected()
    {
        if (null == aeronCluster || aeronCluster.isClosed())
        {
            return false;
        }
        final Publication publication = aeronCluster.ingressPublication();
        return null != publication && publication.isConnected();
    }

    private int connect(final long nowNs)
    {
        if (null == asyncConnect)
        {
            if (nowNs - nextConnectAttemptNs < 0)
            {
                return 0;
            }
            try
            {
                asyncConnect = AeronCluster.asyncConnect(newContext());
            }
            catch (final RuntimeException ex)
            {
                connectFailed(nowNs, ex);
                return 1;
            }
        }

        try
        {
            final AeronCluster connected = asyncConnect.poll();
            if (null == connected)
            {
                return 0;
            }
            asyncConnect = null;
            aeronCluster = connected;
            leadershipTermId = connected.leadershipTermId();
            leaderMemberId = connected.leaderMemberId();
            lastIngressSendNs = nowNs;
            lastConnectError = null;
            counters.clusterConnects.incrementRelease();
            rewindRequested = false;
            final int resent = unacknowledged.rewind();
            counters.commandsResent.getAndAddRelease(resent);
            System.err.println("[gateway] connected to cluster: leader=" + leaderMemberId +
                " leadershipTermId=" + leadershipTermId + " clusterSessionId=" + connected.clusterSessionId() +
                " resending=" + resent);
            if (null != handler)
            {
                handler.onLeaderChange();
            }
            return 1;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(asyncConnect);
            asyncConnect = null;
            connectFailed(nowNs, ex);
            return 1;
        }
    }

    private void connectFailed(final long nowNs, final RuntimeException ex)
    {
        nextConnectAttemptNs = nowNs + settings.reconnectIntervalNs();
        final String message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        if (!message.equals(lastConnectError))
        {
            System.err.println("[gateway] cluster connect failed, retrying: " + message);
            lastConnectError = message;
        }
    }

    private AeronCluster.Context newContext()
    {
        return new AeronCluster.Context()
            .aeron(aeron)
            .ownsAeronClient(false)
            .ingressChannel(settings.ingressChannel())
            .ingressStreamId(settings.ingressStreamId())
            .ingressEndpoints(settings.ingressEndpoints())
            .egressChannel(settings.egressChannel())
            .egressStreamId(settings.egressStreamId())
            .messageTimeoutNs(settings.messageTimeoutNs())
            .idleStrategy(new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1)))
            .egressListener(listener)
            .errorHandler((throwable) ->
            {
                counters.errors.incrementRelease();
                System.err.println("[gateway] cluster client error: " + throwable);
            });
    }

    private int checkOverdue(final long nowNs)
    {
        if (rewindRequested && null == unacknowledged.cursor())
        {
            rewindRequested = false;
            counters.commandsResent.getAndAddRelease(unacknowledged.rewind());
            return 1;
        }

        final UnacknowledgedCommands.Entry oldest = unacknowledged.head();
        if (null != oldest && null == unacknowledged.cursor() &&
            nowNs - oldest.lastSentNs() > settings.resendTimeoutNs())
        {
            rewindRequested = false;
            final int resent = unacknowledged.rewind();
            counters.commandsResent.getAndAddRelease(resent);
            System.err.println("[gateway] no result for " + settings.resendTimeoutNs() / 1_000_000 +
                " ms: resending " + resent + " unacknowledged commands");
            return 1;
        }
        return 0;
    }

    private int send(final long nowNs)
    {
        int sent = 0;
        UnacknowledgedCommands.Entry entry;
        while (sent < SEND_LIMIT_PER_CYCLE && null != (entry = unacknowledged.cursor()))
        {
            final long result = aeronCluster.offer(entry.buffer(), 0, entry.length());
            if (result > 0)
            {
                unacknowledged.markCursorSent(nowNs);
                lastIngressSendNs = nowNs;
                sent++;
            }
            else
            {
                // BACK_PRESSURED and ADMIN_ACTION: retry next cycle. NOT_CONNECTED and CLOSED: the client moves
                // to await a new leader (or closes) and the entry is resent when it arrives.
                break;
            }
        }
        return sent;
    }

    private int keepAlive(final long nowNs)
    {
        if (nowNs - lastIngressSendNs > settings.keepAliveIntervalNs() && aeronCluster.sendKeepAlive())
        {
            lastIngressSendNs = nowNs;
            return 1;
        }
        return 0;
    }

    private void onEgressMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            counters.errors.incrementRelease();
            return;
        }
        headerDecoder.wrap(buffer, offset);
        final int schemaId = headerDecoder.schemaId();
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        if (EVENT_SCHEMA_ID == schemaId)
        {
            handler.onEvent(buffer, offset, length);
            return;
        }
        if (MessageHeaderDecoder.SCHEMA_ID != schemaId || length - HEADER_LENGTH < blockLength)
        {
            counters.errors.incrementRelease();
            return;
        }

        final int bodyOffset = offset + HEADER_LENGTH;
        switch (templateId)
        {
            case CommandResultDecoder.TEMPLATE_ID:
            {
                if (blockLength < CommandResultDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                final CommandResultDecoder result =
                    commandResultDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long senderId = result.senderId();
                final long sequence = result.sequence();
                if (ResultCode.SEQUENCE_GAP == result.resultCode() &&
                    null != unacknowledged.command(senderId, sequence) &&
                    unacknowledged.hasEarlierCommand(senderId, sequence))
                {
                    // An earlier command of this sender was lost on the way (a leader change): keep this one, wait
                    // for its real result, and resend in order once the current pass is out (one pass, not one per
                    // gap result).
                    rewindRequested = true;
                    break;
                }
                if (unacknowledged.resultOvertookEarlier(senderId, sequence))
                {
                    // The cluster's egress dropped the earlier result under back pressure: resend in order once
                    // the current pass is out, while the cluster still holds that result for replay.
                    rewindRequested = true;
                    counters.lostResults.incrementRelease();
                }
                deliver(senderId, sequence, templateId, buffer, offset, length, result.templateId(),
                    result.resultCode());
                break;
            }

            case AccountStateResultDecoder.TEMPLATE_ID:
            {
                if (blockLength < AccountStateResultDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                final AccountStateResultDecoder result =
                    accountStateResultDecoder.wrap(buffer, bodyOffset, blockLength, version);
                deliver(result.senderId(), result.sequence(), templateId, buffer, offset, length,
                    QueryAccountCommandDecoder.TEMPLATE_ID, ResultCode.ACCEPTED);
                break;
            }

            case LedgerResultDecoder.TEMPLATE_ID:
            {
                if (blockLength < LedgerResultDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                final LedgerResultDecoder result = ledgerResultDecoder.wrap(buffer, bodyOffset, blockLength, version);
                deliver(result.senderId(), result.sequence(), templateId, buffer, offset, length,
                    QueryLedgerCommandDecoder.TEMPLATE_ID, ResultCode.ACCEPTED);
                break;
            }

            case SenderSequenceResultDecoder.TEMPLATE_ID:
            {
                if (blockLength < SenderSequenceResultDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                final SenderSequenceResultDecoder result =
                    senderSequenceResultDecoder.wrap(buffer, bodyOffset, blockLength, version);
                if (unacknowledged.removeQuery(result.correlationId()))
                {
                    handler.onSenderSequence(result.correlationId(), result.senderId(), result.lastAppliedSequence());
                }
                break;
            }

            case dev.backstop.sbe.cluster.ReplayEventsResultDecoder.TEMPLATE_ID:
            {
                if (blockLength < dev.backstop.sbe.cluster.ReplayEventsResultDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                final dev.backstop.sbe.cluster.ReplayEventsResultDecoder result =
                    replayResultDecoder.wrap(buffer, bodyOffset, blockLength, version);
                handler.onEventReplayResult(
                    result.fromEventSequence(),
                    result.lastEventSequence(),
                    ResultCode.SEQUENCE_REPLAY_EXPIRED == result.resultCode());
                break;
            }

            default:
                counters.errors.incrementRelease();
                break;
        }
    }

    private void deliver(
        final long senderId,
        final long sequence,
        final int templateId,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int commandTemplateId,
        final ResultCode code)
    {
        final UnacknowledgedCommands.Entry entry = unacknowledged.command(senderId, sequence);
        final long latencyNs = null == entry ? -1 : nowNs - entry.firstForwardedNs();
        if (unacknowledged.acknowledgeCommand(senderId, sequence))
        {
            counters.commands.onResult(commandTemplateId, code.value(), latencyNs);
            handler.onResult(senderId, sequence, templateId, buffer, offset, length);
        }
        else
        {
            counters.duplicateResults.incrementRelease();
        }
    }

    private final class Listener implements EgressListener
    {
        public void onMessage(
            final long clusterSessionId,
            final long timestamp,
            final DirectBuffer buffer,
            final int offset,
            final int length,
            final Header header)
        {
            try
            {
                onEgressMessage(buffer, offset, length);
            }
            catch (final RuntimeException ex)
            {
                counters.errors.incrementRelease();
                System.err.println("[gateway] error handling egress message: " + ex);
            }
        }

        public void onSessionEvent(
            final long correlationId,
            final long clusterSessionId,
            final long leadershipTermId,
            final int leaderMemberId,
            final EventCode code,
            final String detail)
        {
            if (EventCode.OK != code)
            {
                System.err.println("[gateway] cluster session event " + code + ": " + detail);
            }
        }

        public void onNewLeader(
            final long clusterSessionId,
            final long leadershipTermId,
            final int leaderMemberId,
            final String ingressEndpoints)
        {
            ClusterClient.this.leadershipTermId = leadershipTermId;
            ClusterClient.this.leaderMemberId = leaderMemberId;
            counters.leaderChanges.incrementRelease();
            rewindRequested = false;
            final int resent = unacknowledged.rewind();
            counters.commandsResent.getAndAddRelease(resent);
            lastIngressSendNs = nowNs;
            System.err.println("[gateway] new cluster leader " + leaderMemberId + " in term " + leadershipTermId +
                ": resending " + resent + " unacknowledged commands");
            if (null != handler)
            {
                handler.onLeaderChange();
            }
        }
    }
}
