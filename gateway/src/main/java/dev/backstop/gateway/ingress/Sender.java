package dev.backstop.gateway.ingress;

import dev.backstop.sbe.exchange.SenderRole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A sender enrolled at this gateway (an exchange, member, BLP or operator): its role, its secret, and where its
 * sequence stands.
 * <p>
 * The sequence lives with the sender rather than the connection because it is the idempotency key of DESIGN.md
 * section 6: whichever connection a sender logs on through, its next command must be exactly one more than the last
 * one this gateway forwarded for it. The value is seeded from the cluster at every logon.
 */
public final class Sender
{
    /**
     * Sequence value before the cluster told us where the sender stands.
     */
    public static final long UNKNOWN_SEQUENCE = -1;

    private final long senderId;
    private final SenderRole role;
    private final byte[] secret;
    private long lastForwardedSequence = UNKNOWN_SEQUENCE;
    private ExchangeSession session;

    /**
     * @param senderId id the sender logs on with.
     * @param role     the only role it may log on as.
     * @param secret   shared secret (UTF-8 bytes are compared).
     */
    public Sender(final long senderId, final SenderRole role, final String secret)
    {
        if (senderId <= 0)
        {
            throw new IllegalArgumentException("senderId must be positive: " + senderId);
        }
        if (null == role || SenderRole.NULL_VAL == role)
        {
            throw new IllegalArgumentException("sender " + senderId + " needs a role");
        }
        if (null == secret || secret.isEmpty())
        {
            throw new IllegalArgumentException("sender " + senderId + " needs a non-empty secret");
        }
        this.senderId = senderId;
        this.role = role;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @return id of the sender.
     */
    public long senderId()
    {
        return senderId;
    }

    /**
     * @return the role the sender is enrolled with.
     */
    public SenderRole role()
    {
        return role;
    }

    /**
     * Compares a presented credential with the secret in time that does not depend on where they differ.
     *
     * @param credential presented bytes.
     * @return true when equal.
     */
    public boolean credentialMatches(final byte[] credential)
    {
        return MessageDigest.isEqual(secret, credential);
    }

    /**
     * @return the last sequence forwarded to the cluster for this sender, or {@link #UNKNOWN_SEQUENCE}.
     */
    public long lastForwardedSequence()
    {
        return lastForwardedSequence;
    }

    /**
     * @param sequence the last sequence forwarded (or, at logon, applied by the cluster).
     */
    public void lastForwardedSequence(final long sequence)
    {
        lastForwardedSequence = sequence;
    }

    /**
     * @return the session currently logged on as this sender, or null.
     */
    public ExchangeSession session()
    {
        return session;
    }

    void session(final ExchangeSession session)
    {
        this.session = session;
    }

    public String toString()
    {
        return "Sender{id=" + senderId + ", role=" + role + ", lastForwardedSequence=" + lastForwardedSequence + '}';
    }
}
