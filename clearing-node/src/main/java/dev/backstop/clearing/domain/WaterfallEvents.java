package dev.backstop.clearing.domain;

/**
 * What the default fund and the loss waterfall report (DESIGN.md section 5 items 6, 7 and 11), each with the clearing
 * house's gap-free event sequence and the figures a risk desk needs to check the arithmetic by hand: amounts absorbed
 * and left per rung, what each payer gave and on what basis, the Cover-2 inputs and the coverage ratio.
 * <p>
 * Money in micro-units, times in cluster-time ms. Generated with the schema (sbe-schemas/tools/generate_waterfall.py)
 * so the domain, the wire and the JSON keep one field order; empty default bodies so an implementation compiles
 * before it encodes them, but an adapter that publishes the stream must override every one.
 */
public interface WaterfallEvents
{
    /**
     * Cash moved from an account into its member's default-fund contribution: a contribution, or a call collected at its deadline. (event {@code DefaultFundContributed}).
     *
     * @param collected TRUE when collected from free cash at a call's deadline, FALSE for a contribution.
     * @param cashAfter The account's cash after.
     * @param contributionAfter The member's contribution after.
     * @param totalContributions Every member's contributions after.
     */
    default void onDefaultFundContribution(
        long eventSequence,
        long memberId,
        long accountId,
        long amount,
        boolean collected,
        long cashAfter,
        long contributionAfter,
        long totalContributions)
    {
    }

    /**
     * The CCP put its own capital into the waterfall (a deposit). (event {@code CcpCapitalInjected}).
     */
    default void onCcpCapitalInjected(
        long eventSequence,
        long amount,
        long ccpCapitalAfter,
        long netDepositsAfter)
    {
    }

    /**
     * Cover-2: the fund must cover the uncovered stress losses of the two largest members in the worst scenario; the coverage ratio is prefunded resources over that requirement. (event {@code DefaultFundRecomputed}).
     *
     * @param requirement DF_req: max over scenarios of the two largest uncovered stress losses.
     * @param prefunded Contributions + CCP capital + insurance fund.
     * @param coverageRatio prefunded x 1e6 / requirement, rounded down; -1 when the requirement is 0.
     * @param worstScenarioId 0 when no scenario is defined.
     * @param firstMemberId Largest uncovered stress loss in the worst scenario, 0 when none.
     * @param secondMemberId Second largest, 0 when none.
     */
    default void onDefaultFundRecomputed(
        long eventSequence,
        DefaultFundRecomputeCause cause,
        long requirement,
        long totalContributions,
        long ccpCapital,
        long insuranceFund,
        long prefunded,
        long coverageRatio,
        int worstScenarioId,
        long firstMemberId,
        long firstUncovered,
        long secondMemberId,
        long secondUncovered)
    {
    }

    /**
     * A member's required contribution changed: max(static minimum, pro rata share of DF_req by uncovered stress loss in the worst scenario). (event {@code MemberRequirementChanged}).
     *
     * @param stressLoss Stress loss in the worst scenario.
     * @param uncoveredStressLoss max(0, stress loss - IM - contribution) in the worst scenario.
     * @param initialMargin Sum of the member's accounts' initial margin (pools excluded).
     */
    default void onMemberRequirementChanged(
        long eventSequence,
        long memberId,
        long previousRequirement,
        long requirement,
        long contribution,
        long stressLoss,
        long uncoveredStressLoss,
        long initialMargin)
    {
    }

    /**
     * A member must top up its contribution by the deadline. (event {@code DefaultFundCalled}).
     *
     * @param deadline Cluster time.
     */
    default void onDefaultFundCall(
        long eventSequence,
        long callId,
        long memberId,
        DefaultFundCallCause cause,
        long amount,
        long requirement,
        long contribution,
        long deadline)
    {
    }

    /**
     * A call met by contributions, or settled at its deadline: what the member paid, what was collected from its free cash, what was missed. (event {@code DefaultFundCallClosed}).
     */
    default void onDefaultFundCallClosed(
        long eventSequence,
        long callId,
        long memberId,
        DefaultFundCallCause cause,
        long amount,
        long paid,
        long collected,
        long missed,
        long contributionAfter)
    {
    }

    /**
     * A member missed a call (flagged: no withdrawals, only risk-reducing orders and trades) or made good (cleared). (event {@code DefaultFundMemberFlagged}).
     */
    default void onMemberFlagChanged(
        long eventSequence,
        long memberId,
        boolean flagged,
        long missed,
        long contribution,
        long requirement)
    {
    }

    /**
     * A bankrupt account's deficit enters the loss waterfall; withdrawals and pool redemptions wait until every waterfall closes. (event {@code WaterfallStarted}).
     */
    default void onWaterfallStarted(
        long eventSequence,
        long accountId,
        long memberId,
        long deficit,
        long openWaterfalls)
    {
    }

    /**
     * One rung of the waterfall, in order: what it absorbed, what remained after it, what the rung has left. (event {@code WaterfallRung}).
     *
     * @param memberId The defaulting member.
     * @param remaining Deficit left after this rung.
     * @param resourceAfter What the rung can still give after this one: 0 when it is exhausted.
     * @param roundingToFee What the payers paid above the amount absorbed (each share rounded up), to the fee account.
     */
    default void onWaterfallRung(
        long eventSequence,
        long accountId,
        long memberId,
        WaterfallRung rung,
        long absorbed,
        long remaining,
        long resourceAfter,
        long payerCount,
        long roundingToFee)
    {
    }

    /**
     * What one payer gave at a rung with several payers, and the basis it was shared by (withdrawable cash, contribution, capped period basis, VM gain). (event {@code WaterfallCharge}).
     *
     * @param accountId The bankrupt account.
     * @param payerAccountId 0 when paid from a contribution.
     */
    default void onWaterfallCharge(
        long eventSequence,
        long accountId,
        WaterfallRung rung,
        long payerMemberId,
        long payerAccountId,
        long basis,
        long amount)
    {
    }

    /**
     * The deficit is absorbed: the account's cash is back to 0 and it is NORMAL again; amounts per rung over all attempts. (event {@code WaterfallClosed}).
     */
    default void onWaterfallClosed(
        long eventSequence,
        long accountId,
        long memberId,
        long deficit,
        long absorbedRung1,
        long absorbedRung2,
        long absorbedRung3,
        long absorbedRung4,
        long absorbedRung5,
        long absorbedRung6,
        long absorbedRung7,
        long attempts,
        long openWaterfalls)
    {
    }
}
