package dev.backstop.clearing.service;

import io.aeron.Publication;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.function.Consumer;

/**
 * Sends the clearing service's replies and events to client sessions.
 * <p>
 * Egress is best effort by design: a gateway that lost a reply resends the command and receives the original result
 * (idempotency keys), and a gateway that lost an event replays the event stream. So an offer is retried a bounded
 * number of times on back pressure and then dropped (and counted), because blocking the service thread would stall
 * the whole cluster for one slow client. On a follower {@link ClientSession#offer} is a no-op that reports success,
 * so the same code runs on every node.
 */
final class Egress
{
    /**
     * Attempts per message before it is dropped. The waits between attempts come from the cluster's idle strategy;
     * with the node's backoff (10 spins, 20 yields, then parks from 1 us doubling to 1 ms) the first 30 attempts
     * take microseconds, the next ten about a millisecond and the last ten a millisecond each, so a message is
     * dropped only after about 10 ms of back pressure. Ten attempts, as before, were all spins: any momentary back
     * pressure (a gateway's driver parked for a millisecond, a full flow-control window under a burst of events)
     * dropped results and events, each costing the sender a resend timeout and the gateway an event replay.
     */
    static final int MAX_OFFER_ATTEMPTS = 50;

    private final Consumer<ClientSession> broadcastToSession = this::offerBroadcast;
    private Cluster cluster;
    private IdleStrategy idleStrategy;
    private long droppedMessages;

    private DirectBuffer broadcastBuffer;
    private int broadcastOffset;
    private int broadcastLength;

    void cluster(final Cluster cluster)
    {
        this.cluster = cluster;
        this.idleStrategy = cluster.idleStrategy();
    }

    /**
     * Offers a message to one session, retrying on back pressure.
     *
     * @return true when the message was sent (or mocked on a follower).
     */
    boolean offer(final ClientSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == session)
        {
            return false;
        }

        for (int attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++)
        {
            final long result = session.offer(buffer, offset, length);
            if (result > 0)
            {
                if (attempt > 0)
                {
                    idleStrategy.reset();
                }
                return true;
            }

            if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
            {
                break;
            }

            if (0 == attempt)
            {
                idleStrategy.reset();
            }
            idleStrategy.idle();
        }

        droppedMessages++;
        return false;
    }

    /**
     * Offers a message to every connected client session (gateways republish events).
     */
    void broadcast(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == cluster)
        {
            return;
        }

        broadcastBuffer = buffer;
        broadcastOffset = offset;
        broadcastLength = length;
        cluster.forEachClientSession(broadcastToSession);
        broadcastBuffer = null;
    }

    /**
     * @return messages dropped after {@link #MAX_OFFER_ATTEMPTS} or because a session was not connected.
     */
    long droppedMessages()
    {
        return droppedMessages;
    }

    private void offerBroadcast(final ClientSession session)
    {
        if (!session.isClosing())
        {
            offer(session, broadcastBuffer, broadcastOffset, broadcastLength);
        }
    }
}
