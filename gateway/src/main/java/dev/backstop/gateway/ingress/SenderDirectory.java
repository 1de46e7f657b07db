package dev.backstop.gateway.ingress;

import dev.backstop.sbe.exchange.SenderRole;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The senders enrolled at a gateway, read from configuration keys
 * {@code backstop.gateway.sender.<id>.role} and {@code backstop.gateway.sender.<id>.secret}.
 * <p>
 * Enrolment is static for the life of the gateway: a sender that is not configured cannot log on, whatever it
 * presents.
 */
public final class SenderDirectory
{
    /**
     * Prefix of the per-sender configuration keys.
     */
    public static final String KEY_PREFIX = "backstop.gateway.sender.";

    private final Long2ObjectHashMap<Sender> senderById = new Long2ObjectHashMap<>();
    private final List<Sender> senders = new ArrayList<>();

    /**
     * Adds a sender.
     *
     * @param sender to add.
     * @return this for a fluent API.
     */
    public SenderDirectory add(final Sender sender)
    {
        if (null != senderById.put(sender.senderId(), sender))
        {
            throw new IllegalArgumentException("sender " + sender.senderId() + " enrolled twice");
        }
        senders.add(sender);
        return this;
    }

    /**
     * @param senderId id.
     * @return the sender or null when not enrolled.
     */
    public Sender get(final long senderId)
    {
        return senderById.get(senderId);
    }

    /**
     * @return the number of enrolled senders.
     */
    public int size()
    {
        return senders.size();
    }

    /**
     * @return every enrolled sender, in enrolment order.
     */
    public List<Sender> senders()
    {
        return Collections.unmodifiableList(senders);
    }

    /**
     * Builds a directory from configuration: every key {@code backstop.gateway.sender.<id>.role} and
     * {@code backstop.gateway.sender.<id>.secret}. A half-configured sender or an unknown sub-key is an error, so a
     * typo is found at start rather than at the first refused logon.
     *
     * @param properties every configured key and value.
     * @return the directory.
     */
    public static SenderDirectory fromProperties(final Map<String, String> properties)
    {
        final TreeMap<Long, String[]> bySender = new TreeMap<>();
        final BiConsumer<String, String> collect = (key, value) ->
        {
            if (!key.startsWith(KEY_PREFIX))
            {
                return;
            }
            final String rest = key.substring(KEY_PREFIX.length());
            final int dot = rest.indexOf('.');
            if (dot <= 0)
            {
                throw new IllegalArgumentException("bad sender key: " + key);
            }
            final long senderId;
            try
            {
                senderId = Long.parseLong(rest.substring(0, dot));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("bad sender id in key: " + key, ex);
            }
            final String field = rest.substring(dot + 1);
            final String[] entry = bySender.computeIfAbsent(senderId, (id) -> new String[2]);
            switch (field)
            {
                case "role":
                    entry[0] = value.trim();
                    break;
                case "secret":
                    entry[1] = value;
                    break;
                default:
                    throw new IllegalArgumentException("unknown sender key (role or secret expected): " + key);
            }
        };
        properties.forEach(collect);

        final SenderDirectory directory = new SenderDirectory();
        for (final Map.Entry<Long, String[]> entry : bySender.entrySet())
        {
            final String role = entry.getValue()[0];
            final String secret = entry.getValue()[1];
            if (null == role || null == secret)
            {
                throw new IllegalArgumentException(
                    "sender " + entry.getKey() + " needs both " + KEY_PREFIX + entry.getKey() + ".role and .secret");
            }
            final SenderRole senderRole;
            try
            {
                senderRole = SenderRole.valueOf(role);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("sender " + entry.getKey() + " has unknown role: " + role, ex);
            }
            directory.add(new Sender(entry.getKey(), senderRole, secret));
        }
        return directory;
    }
}
