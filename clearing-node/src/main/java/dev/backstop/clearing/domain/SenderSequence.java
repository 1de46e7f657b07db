package dev.backstop.clearing.domain;

/**
 * Exactly-once state for one sender (DESIGN.md section 6): the last sequence applied and a window of recent
 * outcomes, so a sender that lost its gateway or leader can resend everything unacknowledged and receive the
 * original results instead of having commands applied twice.
 */
public final class SenderSequence
{
    /**
     * How many recent outcomes are kept per sender: far more than a sender can have in flight.
     */
    public static final int RETAINED_RESULTS = 4096;
    private static final int MASK = RETAINED_RESULTS - 1;

    private final long senderId;
    private long lastAppliedSequence;
    private final byte[] recentOutcomeCodes = new byte[RETAINED_RESULTS];

    SenderSequence(final long senderId)
    {
        this.senderId = senderId;
    }

    public long senderId()
    {
        return senderId;
    }

    /**
     * @return last sequence applied, 0 when none.
     */
    public long lastAppliedSequence()
    {
        return lastAppliedSequence;
    }

    /**
     * @return how many outcomes are retained (ascending, ending at {@link #lastAppliedSequence()}).
     */
    public int recentResultCount()
    {
        return (int)Math.min(lastAppliedSequence, RETAINED_RESULTS);
    }

    public long recentSequenceAt(final int index)
    {
        return lastAppliedSequence - recentResultCount() + 1 + index;
    }

    public Outcome recentOutcomeAt(final int index)
    {
        return outcomeOf(recentSequenceAt(index));
    }

    /**
     * @param sequence an applied sequence.
     * @return its outcome, or null when it is older than the retained window.
     */
    Outcome outcomeOf(final long sequence)
    {
        if (sequence <= 0 || sequence > lastAppliedSequence || lastAppliedSequence - sequence >= RETAINED_RESULTS)
        {
            return null;
        }
        return Outcome.fromCode(recentOutcomeCodes[(int)(sequence & MASK)]);
    }

    void applied(final long sequence, final Outcome outcome)
    {
        lastAppliedSequence = sequence;
        recentOutcomeCodes[(int)(sequence & MASK)] = (byte)outcome.code();
    }

    void restoreLastApplied(final long sequence)
    {
        lastAppliedSequence = sequence;
    }

    void restoreOutcome(final long sequence, final Outcome outcome)
    {
        recentOutcomeCodes[(int)(sequence & MASK)] = (byte)outcome.code();
    }
}
