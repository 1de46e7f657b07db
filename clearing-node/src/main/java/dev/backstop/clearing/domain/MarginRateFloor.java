package dev.backstop.clearing.domain;

/**
 * Anti-procyclicality for one margin rate (DESIGN.md section 5 item 2; EMIR RTS Art. 28): margin that falls as
 * fast as markets calm and jumps when they turn forces members to find cash exactly when it is scarcest, so a rate
 * never falls below its floor and a cut is released in steps, while a raise applies at once.
 * <p>
 * The component holds the effective rate (what margin uses now) and the target rate (what the operator asked for):
 * <ul>
 *     <li>{@link #setTarget(int, long)} with a target at or above the effective rate applies it at once and cancels
 *     any cut still being released;</li>
 *     <li>a target below the floor is refused ({@link Outcome#INVALID_PARAMETER}) and nothing changes;</li>
 *     <li>a target below the effective rate is a cut: nothing changes at once (a cut never takes effect before
 *     one step interval has passed); at each deadline the effective rate falls by at most
 *     {@code maxCutPerStepPpm}, the next deadline being one interval after the step, until it reaches the target.
 *     A new cut while one is being released changes the target but keeps the pending deadline, so re-issuing a cut
 *     cannot speed up or stall the release.</li>
 * </ul>
 * Time is cluster time passed in by the caller; {@link #nextStepDeadlineMs()} is {@link Long#MAX_VALUE} when nothing
 * is due, so the adapter schedules a timer only while a cut is being released. Pure and deterministic; all state is
 * exposed for the snapshot and restored with {@link #restore(int, int, int, int, long, long)}.
 */
public final class MarginRateFloor
{
    /**
     * Nothing due.
     */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private int effectiveRatePpm;
    private int targetRatePpm;
    private int floorPpm;
    private int maxCutPerStepPpm;
    private long stepIntervalMs;
    private long nextStepDeadlineMs = NO_DEADLINE;

    private MarginRateFloor()
    {
    }

    /**
     * @param ratePpm          the rate in force now, in ppm.
     * @param floorPpm         the lowest the rate may ever be, in ppm.
     * @param maxCutPerStepPpm largest cut released at one step, in ppm.
     * @param stepIntervalMs   cluster time between steps, ms.
     * @return a rate with no cut pending.
     * @throws IllegalArgumentException when refused by {@link #validate(int, int, int, long)}.
     */
    public static MarginRateFloor of(
        final int ratePpm, final int floorPpm, final int maxCutPerStepPpm, final long stepIntervalMs)
    {
        if (validate(ratePpm, floorPpm, maxCutPerStepPpm, stepIntervalMs).isRefusal())
        {
            throw new IllegalArgumentException(Outcome.INVALID_PARAMETER.reason());
        }
        final MarginRateFloor rate = new MarginRateFloor();
        rate.effectiveRatePpm = ratePpm;
        rate.targetRatePpm = ratePpm;
        rate.floorPpm = floorPpm;
        rate.maxCutPerStepPpm = maxCutPerStepPpm;
        rate.stepIntervalMs = stepIntervalMs;
        return rate;
    }

    /**
     * Sound parameters: {@code 0 <= floor <= rate <= 1e6}, {@code 0 < maxCutPerStep <= 1e6},
     * {@code stepInterval > 0}.
     *
     * @param ratePpm          rate in ppm.
     * @param floorPpm         floor in ppm.
     * @param maxCutPerStepPpm largest cut per step in ppm.
     * @param stepIntervalMs   interval between steps in ms.
     * @return {@link Outcome#ACCEPTED} or {@link Outcome#INVALID_PARAMETER}.
     */
    public static Outcome validate(
        final int ratePpm, final int floorPpm, final int maxCutPerStepPpm, final long stepIntervalMs)
    {
        return floorPpm >= 0 && floorPpm <= ratePpm && ratePpm <= Money.PPM &&
            maxCutPerStepPpm > 0 && maxCutPerStepPpm <= Money.PPM && stepIntervalMs > 0 ?
            Outcome.ACCEPTED : Outcome.INVALID_PARAMETER;
    }

    /**
     * Asks for a new rate.
     *
     * @param targetPpm the rate asked for, in ppm.
     * @param nowMs     cluster time.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} (above 1e6 or below the floor) with
     * nothing changed.
     */
    public Outcome setTarget(final int targetPpm, final long nowMs)
    {
        if (targetPpm < floorPpm || targetPpm > Money.PPM)
        {
            return Outcome.INVALID_PARAMETER;
        }
        targetRatePpm = targetPpm;
        if (targetPpm >= effectiveRatePpm)
        {
            effectiveRatePpm = targetPpm;
            nextStepDeadlineMs = NO_DEADLINE;
        }
        else if (NO_DEADLINE == nextStepDeadlineMs)
        {
            nextStepDeadlineMs = Math.addExact(nowMs, stepIntervalMs);
        }
        return Outcome.ACCEPTED;
    }

    /**
     * Changes the floor and the step (an operator command). A floor above the effective or target rate lifts them
     * to it at once (a rate is never below its floor); a pending step keeps its deadline.
     *
     * @param floorPpm         floor in ppm.
     * @param maxCutPerStepPpm largest cut per step in ppm.
     * @param stepIntervalMs   interval between steps in ms.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    public Outcome setFloor(final int floorPpm, final int maxCutPerStepPpm, final long stepIntervalMs)
    {
        if (validate(Math.max(floorPpm, effectiveRatePpm), floorPpm, maxCutPerStepPpm, stepIntervalMs).isRefusal())
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.floorPpm = floorPpm;
        this.maxCutPerStepPpm = maxCutPerStepPpm;
        this.stepIntervalMs = stepIntervalMs;
        targetRatePpm = Math.max(targetRatePpm, floorPpm);
        effectiveRatePpm = Math.max(effectiveRatePpm, floorPpm);
        if (targetRatePpm >= effectiveRatePpm)
        {
            targetRatePpm = effectiveRatePpm;
            nextStepDeadlineMs = NO_DEADLINE;
        }
        return Outcome.ACCEPTED;
    }

    /**
     * @return cluster time of the next step of a cut, {@link #NO_DEADLINE} when no cut is pending.
     */
    public long nextStepDeadlineMs()
    {
        return nextStepDeadlineMs;
    }

    /**
     * The deadline under the name every time-driven domain component uses (issue 3 decisions).
     *
     * @return {@link #nextStepDeadlineMs()}.
     */
    public long nextDeadlineMs()
    {
        return nextStepDeadlineMs;
    }

    /**
     * Releases one step of a pending cut if its deadline has come: at most one step per call, so a late timer
     * cannot release several steps at once.
     *
     * @param nowMs cluster time.
     * @return true when the effective rate changed.
     */
    public boolean onDeadline(final long nowMs)
    {
        if (nowMs < nextStepDeadlineMs)
        {
            return false;
        }
        effectiveRatePpm = Math.max(targetRatePpm, effectiveRatePpm - maxCutPerStepPpm);
        nextStepDeadlineMs = effectiveRatePpm == targetRatePpm ? NO_DEADLINE : Math.addExact(nowMs, stepIntervalMs);
        return true;
    }

    /**
     * @return the rate margin uses now, in ppm.
     */
    public int effectiveRatePpm()
    {
        return effectiveRatePpm;
    }

    /**
     * @return the rate asked for, in ppm (equal to the effective rate when no cut is pending).
     */
    public int targetRatePpm()
    {
        return targetRatePpm;
    }

    public int floorPpm()
    {
        return floorPpm;
    }

    public int maxCutPerStepPpm()
    {
        return maxCutPerStepPpm;
    }

    public long stepIntervalMs()
    {
        return stepIntervalMs;
    }

    /**
     * Restores the state a snapshot recorded (the same fields, in the order of the getters).
     *
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} for an inconsistent record, with
     * nothing changed.
     */
    public Outcome restore(
        final int effectiveRatePpm,
        final int targetRatePpm,
        final int floorPpm,
        final int maxCutPerStepPpm,
        final long stepIntervalMs,
        final long nextStepDeadlineMs)
    {
        final boolean pending = targetRatePpm < effectiveRatePpm;
        if (validate(effectiveRatePpm, floorPpm, maxCutPerStepPpm, stepIntervalMs).isRefusal() ||
            targetRatePpm < floorPpm || targetRatePpm > effectiveRatePpm ||
            pending == (NO_DEADLINE == nextStepDeadlineMs))
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.effectiveRatePpm = effectiveRatePpm;
        this.targetRatePpm = targetRatePpm;
        this.floorPpm = floorPpm;
        this.maxCutPerStepPpm = maxCutPerStepPpm;
        this.stepIntervalMs = stepIntervalMs;
        this.nextStepDeadlineMs = nextStepDeadlineMs;
        return Outcome.ACCEPTED;
    }
}
