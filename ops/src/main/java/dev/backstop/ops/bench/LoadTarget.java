package dev.backstop.ops.bench;

/**
 * What the {@link LoadGenerator} drives: one client that sends the benchmark's message without blocking and reports
 * each answer. Implemented once per way in ({@link EchoTarget} straight to the cluster, {@link GatewayTarget}
 * through a gateway), so both sides of the comparison are paced, timed and counted by the same code.
 * <p>
 * Single-threaded, like the Aeron clients behind it: the thread that sends also polls.
 */
interface LoadTarget extends AutoCloseable
{
    /**
     * Answers, as they arrive.
     */
    @FunctionalInterface
    interface AnswerListener
    {
        /**
         * @param id       what {@link #trySend()} returned for the message answered.
         * @param accepted true when the answer is the success the benchmark expects (an echo, or ACCEPTED).
         */
        void onAnswer(long id, boolean accepted);
    }

    /**
     * Offer the next message once, without waiting.
     *
     * @return its id, consecutive from the first message sent starting at any value, or a negative value when the
     * offer was refused (back pressure): nothing was sent and the next call offers the same message again.
     */
    long trySend();

    /**
     * Read what has arrived.
     *
     * @param listener receives each answer.
     * @return work done (fragments read), 0 when nothing arrived.
     */
    int poll(AnswerListener listener);

    /**
     * Called when the generator has nothing to do, so a client that must show signs of life (keep-alives) can.
     *
     * @param nowNs {@link System#nanoTime()}.
     */
    default void onIdle(final long nowNs)
    {
    }

    /**
     * @return the refusals since the last call by kind, e.g. {@code BACK_PRESSURED:3}, empty when none; resets.
     */
    default String takeErrorSummary()
    {
        return "";
    }

    /**
     * @return length in bytes of the message the client sends, header included.
     */
    int messageLength();

    /**
     * Release the client.
     */
    void close();
}
