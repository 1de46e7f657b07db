package dev.backstop.gateway.cluster;

import org.agrona.DirectBuffer;

/**
 * Receives what the cluster sends back on the gateway's egress, already matched against the unacknowledged
 * commands: each result is delivered once, however many times its command was sent.
 */
public interface ClusterResponseHandler
{
    /**
     * The result of one command (CommandResult, AccountStateResult or LedgerResult of the cluster protocol).
     *
     * @param senderId   sender the command was for.
     * @param sequence   the sender's sequence.
     * @param templateId cluster-protocol template id of the result.
     * @param buffer     holding the result, message header included.
     * @param offset     of the message header.
     * @param length     of the message.
     */
    void onResult(long senderId, long sequence, int templateId, DirectBuffer buffer, int offset, int length);

    /**
     * The answer to a sender-sequence query made at logon.
     *
     * @param correlationId       of the query.
     * @param senderId            sender asked about.
     * @param lastAppliedSequence last sequence the cluster applied for it, 0 when none.
     */
    void onSenderSequence(long correlationId, long senderId, long lastAppliedSequence);

    /**
     * An event-stream message (schema 103), to be republished.
     *
     * @param buffer holding the event, message header included.
     * @param offset of the message header.
     * @param length of the message.
     */
    void onEvent(DirectBuffer buffer, int offset, int length);

    /**
     * The end of one batch of replayed events (ReplayEventsResult); the events themselves came through
     * {@link #onEvent}.
     *
     * @param fromEventSequence first event asked for.
     * @param lastEventSequence last event sent; when expired, the newest event the cluster no longer holds.
     * @param expired           true when the cluster no longer holds {@code fromEventSequence}.
     */
    default void onEventReplayResult(final long fromEventSequence, final long lastEventSequence, final boolean expired)
    {
    }

    /**
     * The client connected to a cluster, or a new leader took over: events may have been lost in between.
     */
    default void onLeaderChange()
    {
    }
}
