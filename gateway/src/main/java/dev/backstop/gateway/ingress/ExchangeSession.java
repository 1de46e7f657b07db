package dev.backstop.gateway.ingress;

import io.aeron.Aeron;
import io.aeron.Publication;
import org.agrona.ExpandableRingBuffer;

/**
 * One connection to the gateway: one publication (an Aeron image, identified by its session id) from an exchange,
 * member or operator, and the reply publication its Logon named.
 * <p>
 * A session moves NEW -> LOGON_PENDING (credential good, waiting for the cluster to say where the sender's sequence
 * stands) -> LOGGED_ON, and back to NEW on Logout, on a failed logon, or when another connection logs on as the same
 * sender. Replies that cannot be sent yet (the reply publication is still connecting, or back pressured) wait in a
 * bounded outbox.
 */
public final class ExchangeSession
{
    /**
     * Life cycle of a session.
     */
    public enum State
    {
        /** Connected, not logged on. */
        NEW,
        /** Credential checked; waiting for the sender's sequence from the cluster. */
        LOGON_PENDING,
        /** Logged on: commands are accepted. */
        LOGGED_ON
    }

    private final long key;
    private final int imageSessionId;
    private final String sourceIdentity;
    private State state = State.NEW;
    private Sender sender;
    private long logonCorrelationId = Long.MIN_VALUE;
    private long logonDeadlineNs;

    String replyChannel;
    int replyStreamId;
    long replyRegistrationId = Aeron.NULL_VALUE;
    Publication replyPublication;
    long replyNotConnectedSinceNs = Long.MIN_VALUE;
    ExpandableRingBuffer outbox;
    ExpandableRingBuffer.MessageConsumer drain;
    boolean closed;

    /**
     * @param key            unique key of the connection within the gateway.
     * @param imageSessionId Aeron session id of the sender's publication.
     * @param sourceIdentity where the connection comes from (for logs).
     */
    public ExchangeSession(final long key, final int imageSessionId, final String sourceIdentity)
    {
        this.key = key;
        this.imageSessionId = imageSessionId;
        this.sourceIdentity = sourceIdentity;
    }

    /**
     * @return unique key of the connection within the gateway.
     */
    public long key()
    {
        return key;
    }

    /**
     * @return Aeron session id of the sender's publication.
     */
    public int imageSessionId()
    {
        return imageSessionId;
    }

    /**
     * @return where the connection comes from.
     */
    public String sourceIdentity()
    {
        return sourceIdentity;
    }

    /**
     * @return the life cycle state.
     */
    public State state()
    {
        return state;
    }

    /**
     * @return the sender this session logged on as (or is logging on as), or null.
     */
    public Sender sender()
    {
        return sender;
    }

    /**
     * @return true when logged on and still the sender's current session.
     */
    public boolean isLoggedOn()
    {
        return State.LOGGED_ON == state && null != sender && sender.session() == this;
    }

    /**
     * @return correlation id of the sender-sequence query of a pending logon.
     */
    public long logonCorrelationId()
    {
        return logonCorrelationId;
    }

    /**
     * @return deadline of a pending logon.
     */
    public long logonDeadlineNs()
    {
        return logonDeadlineNs;
    }

    /**
     * Credential accepted; the logon completes when the cluster answers the sequence query.
     *
     * @param sender        authenticated sender.
     * @param correlationId of the sequence query.
     * @param deadlineNs    when to give up waiting.
     */
    public void logonPending(final Sender sender, final long correlationId, final long deadlineNs)
    {
        this.state = State.LOGON_PENDING;
        this.sender = sender;
        this.logonCorrelationId = correlationId;
        this.logonDeadlineNs = deadlineNs;
    }

    /**
     * Completes the logon: this session becomes the sender's current session and the sender's sequence is seeded
     * from the cluster.
     *
     * @param sender              authenticated sender.
     * @param lastAppliedSequence what the cluster last applied for the sender.
     */
    public void loggedOn(final Sender sender, final long lastAppliedSequence)
    {
        final ExchangeSession previous = sender.session();
        if (null != previous && previous != this)
        {
            previous.loggedOff();
        }
        this.state = State.LOGGED_ON;
        this.sender = sender;
        this.logonCorrelationId = Long.MIN_VALUE;
        sender.session(this);
        sender.lastForwardedSequence(lastAppliedSequence);
    }

    /**
     * Back to NEW: after Logout, a failed or timed-out logon, or when another connection took the sender over.
     */
    public void loggedOff()
    {
        if (null != sender && sender.session() == this)
        {
            sender.session(null);
        }
        state = State.NEW;
        sender = null;
        logonCorrelationId = Long.MIN_VALUE;
    }

    /**
     * @return true once the connection has gone.
     */
    public boolean isClosed()
    {
        return closed;
    }

    public String toString()
    {
        return "ExchangeSession{key=" + key + ", source=" + sourceIdentity + ", state=" + state +
            ", sender=" + (null == sender ? "none" : Long.toString(sender.senderId())) + '}';
    }
}
