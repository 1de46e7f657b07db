package dev.backstop.clearing.domain;

/**
 * Receives the default fund's and the loss waterfall's state in canonical order, after the liquidation engine's
 * records: {@link #defaultFundHeader}, {@link #stressShock} per scenario by id and shock by underlying,
 * {@link #memberFund} per member by id, {@link #fundCall} per open call by id, {@link #waterfallTotals}, then
 * {@link #waterfall} per open waterfall by account id. Plain values only, so the snapshot writer, the digest and the
 * restore path see exactly the same fields. Generated with the schema (sbe-schemas/tools/generate_waterfall.py); empty
 * default bodies, but a snapshot writer must override every one (the state digest does).
 */
public interface WaterfallStateSink
{
    /**
     * The default fund: CCP capital, parameters, timers, last Cover-2 result.
     */
    default void defaultFundHeader(
        long ccpCapital,
        long totalContributions,
        long minimumContribution,
        long recomputeIntervalMs,
        int exposureThresholdPpm,
        long exposureCheckMs,
        long callDeadlineMs,
        int assessmentCapPpm,
        long cappedPeriodMs,
        long waterfallRetryMs,
        long nextRecomputeMs,
        long exposureCheckAtMs,
        long nextCallId,
        long requirement,
        int worstScenarioId,
        long lastRecomputeMs)
    {
    }

    /**
     * One shock of a Cover-2 stress scenario.
     */
    default void stressShock(
        int scenarioId,
        int underlyingId,
        int shockPpm)
    {
    }

    /**
     * A member's contribution, requirement, call flag and capped assessment period.
     */
    default void memberFund(
        long memberId,
        long contribution,
        long requirement,
        long stressLoss,
        boolean dirty,
        boolean flagged,
        long missed,
        long periodStartMs,
        long periodBasis,
        long assessedInPeriod,
        long openCallId)
    {
    }

    /**
     * An open default fund call.
     */
    default void fundCall(
        long callId,
        long memberId,
        int causeCode,
        long amount,
        long paid,
        long issuedMs,
        long deadlineMs)
    {
    }

    /**
     * Amounts absorbed per rung over every waterfall closed or open.
     */
    default void waterfallTotals(
        long rung1,
        long rung2,
        long rung3,
        long rung4,
        long rung5,
        long rung6,
        long rung7,
        long closedCount)
    {
    }

    /**
     * An open loss waterfall.
     */
    default void waterfall(
        long accountId,
        long memberId,
        long deficit,
        long openedMs,
        long nextAttemptMs,
        long outstanding,
        long rung1,
        long rung2,
        long rung3,
        long rung4,
        long rung5,
        long rung6,
        long rung7,
        int attempts)
    {
    }
}
