package dev.backstop.gateway.client;

import org.agrona.DirectBuffer;

/**
 * Receives event-stream messages (schema 103) from an {@link EventStreamSubscriber}. The buffer is only valid during
 * the call; decode it with the generated decoders or render it with {@link EventJson}.
 */
@FunctionalInterface
public interface EventListener
{
    /**
     * @param eventSequence the state machine's gap-free sequence of the event.
     * @param templateId    event template id (TradeCleared, MarkPriceUpdated, ...).
     * @param buffer        holding the event.
     * @param offset        of its message header.
     * @param length        of the event.
     */
    void onEvent(long eventSequence, int templateId, DirectBuffer buffer, int offset, int length);
}
