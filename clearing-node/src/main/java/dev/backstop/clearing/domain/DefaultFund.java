package dev.backstop.clearing.domain;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * The mutualised default fund and the CCP's own capital (DESIGN.md section 5 items 6 and 7): members' contributions,
 * the Cover-2 requirement recomputed intraday from stress scenarios, each member's required contribution, calls with
 * deadlines, and the flag a missed call leaves. The loss waterfall that uses these resources is
 * {@link DefaultWaterfall}.
 * <p>
 * <b>Contributions.</b> A member moves cash from one of its accounts (not a backstop pool's) into its contribution
 * ({@code ContributeDefaultFund}, no more than the account could withdraw); the operator may do it on a member's
 * behalf. The operator injects CCP capital ({@code InjectCcpCapital}), which counts as a deposit. Conservation:
 * {@code Σ accounts' (cash + unrealised) + fee account + insurance fund + Σ contributions + CCP capital == net
 * deposits}.
 * <p>
 * <b>Cover-2.</b> A stress scenario is a set of (underlying, price shock ppm); an instrument belongs to its underlying
 * ({@code SetInstrumentUnderlying}, itself by default), and an underlying a scenario does not name is not shocked.
 * For member g and scenario s, with every position of every account of g (backstop pools excluded: their losses fall
 * on their share holders, within the pool's loss cap) valued at the mark:
 * <pre>
 *   PnL(g, s)       = Σ floor(quantity × mark × tickValue × shock(s, underlying) / 1e6)   (against the member)
 *   StressLoss(g,s) = max(0, −PnL(g, s))                      (positions net across the member's accounts)
 *   U(g, s)         = max(0, StressLoss(g, s) − IM(g) − DF(g))  IM: Σ the accounts' initial margin, DF: contribution
 *   DF_req          = max over s of (the two largest U(g, s))   the worst scenario s*: the first by id at the max
 *   requirement(g)  = max(minimum, ceil(DF_req × U(g, s*) / Σ_h U(h, s*)))
 * </pre>
 * The coverage ratio is {@code (Σ contributions + CCP capital + insurance fund) × 1e6 / DF_req} (−1 when DF_req is 0).
 * It is recomputed on a cluster timer (default 60 s), when the operator changes scenarios or parameters, and when a
 * member's largest stress loss moved by more than the threshold (10%) since the last recomputation: a trade marks its
 * two members dirty (nothing more on the trade path) and their stress losses are checked at most
 * {@link Context#exposureCheckMs()} later. Nothing runs until a scenario or a non-zero minimum is configured.
 * <p>
 * <b>Calls.</b> A member whose contribution is below its requirement, with no call open, gets a call for the
 * shortfall with a deadline (default 1 h; cause REQUIREMENT after a recomputation, REPLENISHMENT after a waterfall
 * used the fund). Contributions pay it; at the deadline what is still owed is collected from the member's accounts'
 * withdrawable cash (in account id order), and what cannot be collected is missed: the member is flagged, and while
 * flagged its accounts may not withdraw ({@link Outcome#DEFAULT_FUND_CALL_MISSED}) and take only risk-reducing
 * orders and trades, until its contribution covers its requirement.
 * <p>
 * Deterministic: members, scenarios and calls are kept in id order; time comes in as {@code nowMs}.
 */
public final class DefaultFund
{
    /**
     * Parameters, starting at the DESIGN.md 5.2 defaults. Not read from system properties: every node must start from
     * the same state, so they change only through {@code SetDefaultFundParameters} in the log.
     */
    public static final class Context
    {
        private long minimumContribution = 0;
        private long recomputeIntervalMs = 60_000;
        private int exposureThresholdPpm = 100_000;
        private long exposureCheckMs = 1_000;
        private long callDeadlineMs = 3_600_000;
        private int assessmentCapPpm = 2_000_000;
        private long cappedPeriodMs = 28L * 86_400_000L;
        private long waterfallRetryMs = 10_000;

        /**
         * @return this context, checked.
         * @throws IllegalArgumentException when a parameter is out of range.
         */
        public Context conclude()
        {
            if (minimumContribution < 0 || recomputeIntervalMs <= 0 || exposureThresholdPpm < 0 ||
                exposureThresholdPpm > Money.PPM || exposureCheckMs <= 0 || callDeadlineMs <= 0 ||
                assessmentCapPpm < 0 || cappedPeriodMs <= 0 || waterfallRetryMs <= 0)
            {
                throw new IllegalArgumentException("default fund parameter out of range");
            }
            return this;
        }

        /**
         * @return the static minimum of every member's requirement, micro-units (0).
         */
        public long minimumContribution()
        {
            return minimumContribution;
        }

        public Context minimumContribution(final long value)
        {
            minimumContribution = value;
            return this;
        }

        /**
         * @return the Cover-2 recompute timer (60 s).
         */
        public long recomputeIntervalMs()
        {
            return recomputeIntervalMs;
        }

        public Context recomputeIntervalMs(final long value)
        {
            recomputeIntervalMs = value;
            return this;
        }

        /**
         * @return how far a member's stress loss may move before a recomputation, ppm of it (10%).
         */
        public int exposureThresholdPpm()
        {
            return exposureThresholdPpm;
        }

        public Context exposureThresholdPpm(final int value)
        {
            exposureThresholdPpm = value;
            return this;
        }

        /**
         * @return how long after a member's positions change its stress loss is checked (1 s).
         */
        public long exposureCheckMs()
        {
            return exposureCheckMs;
        }

        public Context exposureCheckMs(final long value)
        {
            exposureCheckMs = value;
            return this;
        }

        /**
         * @return time a member has to meet a call (1 h).
         */
        public long callDeadlineMs()
        {
            return callDeadlineMs;
        }

        public Context callDeadlineMs(final long value)
        {
            callDeadlineMs = value;
            return this;
        }

        /**
         * @return most a member is assessed per capped period, as a multiple of its contribution in ppm (2×).
         */
        public int assessmentCapPpm()
        {
            return assessmentCapPpm;
        }

        public Context assessmentCapPpm(final int value)
        {
            assessmentCapPpm = value;
            return this;
        }

        /**
         * @return the capped period of assessments (28 days).
         */
        public long cappedPeriodMs()
        {
            return cappedPeriodMs;
        }

        public Context cappedPeriodMs(final long value)
        {
            cappedPeriodMs = value;
            return this;
        }

        /**
         * @return how long a waterfall every rung could not close waits before it runs again (10 s).
         */
        public long waterfallRetryMs()
        {
            return waterfallRetryMs;
        }

        public Context waterfallRetryMs(final long value)
        {
            waterfallRetryMs = value;
            return this;
        }

        void set(final Context other)
        {
            minimumContribution = other.minimumContribution;
            recomputeIntervalMs = other.recomputeIntervalMs;
            exposureThresholdPpm = other.exposureThresholdPpm;
            exposureCheckMs = other.exposureCheckMs;
            callDeadlineMs = other.callDeadlineMs;
            assessmentCapPpm = other.assessmentCapPpm;
            cappedPeriodMs = other.cappedPeriodMs;
            waterfallRetryMs = other.waterfallRetryMs;
        }
    }

    /**
     * An open default fund call.
     */
    static final class FundCall
    {
        long callId;
        long memberId;
        DefaultFundCallCause cause;
        long amount;
        long paid;
        long issuedMs;
        long deadlineMs;
    }

    /**
     * Most stress scenarios at once.
     */
    public static final int MAX_SCENARIOS = 16;

    /**
     * Most shocked underlyings in one scenario.
     */
    public static final int MAX_SCENARIO_SHOCKS = 16;

    private final ClearingHouse house;
    private final ClearingEvents events;
    private final Context ctx = new Context();
    private final DefaultWaterfall waterfall;
    private final Long2ObjectHashMap<MemberFund> members = new Long2ObjectHashMap<>();
    private MemberFund[] sortedMembers = new MemberFund[8];
    private long[] sortedIds = new long[8];
    private int memberCount;

    private long ccpCapital;
    private long totalContributions;

    private int scenarioCount;
    private final int[] scenarioIds = new int[MAX_SCENARIOS];
    private final int[] shockCounts = new int[MAX_SCENARIOS];
    private final int[] shockUnderlyings = new int[MAX_SCENARIOS * MAX_SCENARIO_SHOCKS];
    private final int[] shocksPpm = new int[MAX_SCENARIOS * MAX_SCENARIO_SHOCKS];

    private final ArrayList<FundCall> calls = new ArrayList<>();
    private final ArrayList<FundCall> freeCalls = new ArrayList<>();
    private long nextCallId = 1;

    private long requirement;
    private int worstScenarioId;
    private long lastRecomputeMs;
    private long nextRecomputeMs = Long.MAX_VALUE;
    private long exposureCheckAtMs = Long.MAX_VALUE;
    private int flaggedCount;

    private long[] memberPnl = new long[8 * MAX_SCENARIOS];
    private long[] memberIm = new long[8];
    private final long[] onePnl = new long[MAX_SCENARIOS];

    DefaultFund(final ClearingHouse house, final ClearingEvents events)
    {
        this.house = house;
        this.events = events;
        this.waterfall = new DefaultWaterfall(house, events, this);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reads.
    // ---------------------------------------------------------------------------------------------------------------

    public Context context()
    {
        return ctx;
    }

    public DefaultWaterfall waterfall()
    {
        return waterfall;
    }

    /**
     * @return the CCP's own capital in the waterfall, micro-units.
     */
    public long ccpCapital()
    {
        return ccpCapital;
    }

    /**
     * @return Σ every member's contribution, micro-units.
     */
    public long totalContributions()
    {
        return totalContributions;
    }

    /**
     * @return DF_req at the last recomputation.
     */
    public long requirement()
    {
        return requirement;
    }

    /**
     * @return the worst scenario at the last recomputation, 0 when none.
     */
    public int worstScenarioId()
    {
        return worstScenarioId;
    }

    /**
     * @return {@code (contributions + CCP capital + insurance fund) × 1e6 / DF_req}, rounded down; −1 when DF_req is 0.
     * @throws ArithmeticException on overflow.
     */
    public long coverageRatioPpm()
    {
        if (0 == requirement)
        {
            return -1;
        }
        return Money.proportion(prefunded(), Money.PPM, requirement);
    }

    /**
     * @return contributions + CCP capital + insurance fund.
     * @throws ArithmeticException on overflow.
     */
    public long prefunded()
    {
        return Math.addExact(Math.addExact(totalContributions, ccpCapital), house.insuranceFund());
    }

    /**
     * @return the member's record, null when it owns no account.
     */
    public MemberFund member(final long memberId)
    {
        return members.get(memberId);
    }

    public int memberCount()
    {
        return memberCount;
    }

    /**
     * @param index 0 .. {@link #memberCount()} − 1.
     * @return the member at that index, ascending by id.
     */
    public MemberFund memberAt(final int index)
    {
        return sortedMembers[index];
    }

    /**
     * @return true when the member missed a call and has not made it good.
     */
    public boolean isFlagged(final long memberId)
    {
        if (0 == flaggedCount)
        {
            return false;
        }
        final MemberFund member = members.get(memberId);
        return null != member && member.flagged;
    }

    public int scenarioCount()
    {
        return scenarioCount;
    }

    public int openCallCount()
    {
        return calls.size();
    }

    /**
     * @return the amount of the member's open call still unpaid, 0 when none.
     */
    public long openCallOutstanding(final long memberId)
    {
        final MemberFund member = members.get(memberId);
        final FundCall call = null == member ? null : call(member.openCallId);
        return null == call ? 0 : call.amount - call.paid;
    }

    /**
     * @return cluster time of the next recomputation, {@link Long#MAX_VALUE} when none is scheduled.
     */
    public long nextRecomputeMs()
    {
        return nextRecomputeMs;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Hooks from the clearing house.
    // ---------------------------------------------------------------------------------------------------------------

    void onAccountOpened(final long accountId, final long memberId)
    {
        memberOf(memberId).addAccount(accountId);
    }

    /**
     * A member's positions changed: its stress loss is checked at most {@link Context#exposureCheckMs()} later. Only
     * a flag and, for the first change since the last check, a deadline: nothing else on the trade path.
     */
    void onPositionChanged(final long memberId, final long nowMs)
    {
        if (0 == scenarioCount)
        {
            return;
        }
        final MemberFund member = members.get(memberId);
        if (null == member || member.dirty)
        {
            return;
        }
        member.dirty = true;
        if (Long.MAX_VALUE == exposureCheckAtMs)
        {
            exposureCheckAtMs = nowMs + ctx.exposureCheckMs;
        }
    }

    long nextDeadlineMs()
    {
        long deadline = Math.min(waterfall.nextDeadlineMs(), Math.min(nextRecomputeMs, exposureCheckAtMs));
        for (int i = 0, n = calls.size(); i < n; i++)
        {
            deadline = Math.min(deadline, calls.get(i).deadlineMs);
        }
        return deadline;
    }

    /**
     * Waterfalls first (the loss is allocated before anything else moves), then calls due, then the Cover-2
     * recomputation or the exposure check.
     */
    void onDeadline(final long nowMs)
    {
        waterfall.onDeadline(nowMs);
        settleDueCalls(nowMs);
        if (nextRecomputeMs <= nowMs)
        {
            recompute(nowMs, DefaultFundRecomputeCause.TIMER);
        }
        else if (exposureCheckAtMs <= nowMs)
        {
            checkExposure(nowMs);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Commands (the clearing house checks the idempotency key first).
    // ---------------------------------------------------------------------------------------------------------------

    Outcome contribute(final long accountId, final long amount, final long nowMs)
    {
        final MarginAccount account = house.account(accountId);
        if (null == account)
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        if (amount <= 0)
        {
            return Outcome.INVALID_AMOUNT;
        }
        if (account.role() == AccountRole.BACKSTOP_POOL)
        {
            // A pool's cash belongs to its share holders, not to the member that owns the pool.
            return Outcome.NOT_AUTHORISED;
        }
        if (ClearingHouse.inLiquidation(account))
        {
            return Outcome.LIQUIDATION_OPEN;
        }
        if (amount > account.cash())
        {
            return Outcome.INSUFFICIENT_CASH;
        }
        final MemberFund member = memberOf(account.memberId());
        final long contributionAfter;
        final long totalAfter;
        try
        {
            if (amount > house.withdrawable(account))
            {
                return Outcome.BELOW_INITIAL_MARGIN;
            }
            contributionAfter = Math.addExact(member.contribution, amount);
            totalAfter = Math.addExact(totalContributions, amount);
        }
        catch (final ArithmeticException ex)
        {
            return Outcome.ARITHMETIC_OVERFLOW;
        }

        account.cash(account.cash() - amount);
        member.contribution = contributionAfter;
        totalContributions = totalAfter;
        events.onDefaultFundContribution(
            house.nextEventSequence(), member.memberId(), accountId, amount, false, account.cash(), contributionAfter,
            totalAfter);
        payOpenCall(member, amount);
        clearFlagIfMadeGood(member);
        house.evaluateRisk(accountId, RiskCause.DEFAULT_FUND);
        return Outcome.ACCEPTED;
    }

    /**
     * Adds CCP capital; the clearing house has checked the amount and counts it as a deposit.
     */
    void addCcpCapital(final long amount, final long netDepositsAfter)
    {
        ccpCapital += amount;
        events.onCcpCapitalInjected(house.nextEventSequence(), amount, ccpCapital, netDepositsAfter);
    }

    long ccpCapitalAfter(final long amount)
    {
        return Math.addExact(ccpCapital, amount);
    }

    /**
     * Sets, replaces or (with no shocks) removes a stress scenario, then recomputes.
     */
    Outcome setStressScenario(
        final int scenarioId, final int count, final int[] underlyingIds, final int[] shocks, final long nowMs)
    {
        if (scenarioId <= 0 || count < 0 || count > MAX_SCENARIO_SHOCKS ||
            (count > 0 && (null == underlyingIds || null == shocks || underlyingIds.length < count ||
            shocks.length < count)))
        {
            return Outcome.INVALID_PARAMETER;
        }
        for (int k = 0; k < count; k++)
        {
            if (underlyingIds[k] <= 0 || (k > 0 && underlyingIds[k] <= underlyingIds[k - 1]) ||
                shocks[k] < -Money.PPM || shocks[k] > Money.PPM)
            {
                return Outcome.INVALID_PARAMETER;
            }
        }
        final int index = Arrays.binarySearch(scenarioIds, 0, scenarioCount, scenarioId);
        if (index < 0 && count > 0 && MAX_SCENARIOS == scenarioCount)
        {
            return Outcome.INVALID_PARAMETER;
        }
        final boolean wasConfigured = configured();
        if (0 == count)
        {
            if (index >= 0)
            {
                removeScenario(index);
            }
        }
        else
        {
            putScenario(index, scenarioId, count, underlyingIds, shocks);
        }
        house.events().onRiskParametersChanged(
            house.nextEventSequence(), CommandType.SET_STRESS_SCENARIO, scenarioId, 0);
        if (wasConfigured || configured())
        {
            recompute(nowMs, DefaultFundRecomputeCause.PARAMETERS);
        }
        return Outcome.ACCEPTED;
    }

    Outcome setParameters(final Context parameters, final long nowMs)
    {
        try
        {
            parameters.conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            return Outcome.INVALID_PARAMETER;
        }
        final boolean wasConfigured = configured();
        ctx.set(parameters);
        house.events().onRiskParametersChanged(
            house.nextEventSequence(), CommandType.SET_DEFAULT_FUND_PARAMETERS, 0, 0);
        if (wasConfigured || configured())
        {
            recompute(nowMs, DefaultFundRecomputeCause.PARAMETERS);
        }
        return Outcome.ACCEPTED;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Cover-2.
    // ---------------------------------------------------------------------------------------------------------------

    private boolean configured()
    {
        return scenarioCount > 0 || ctx.minimumContribution > 0;
    }

    /**
     * Recomputes DF_req, the worst scenario and every member's requirement, publishes them with the coverage ratio,
     * and calls members whose contribution is short. Values too large to compute leave everything as it was until
     * the next timer.
     */
    void recompute(final long nowMs, final DefaultFundRecomputeCause cause)
    {
        exposureCheckAtMs = Long.MAX_VALUE;
        nextRecomputeMs = configured() ? nowMs + ctx.recomputeIntervalMs : Long.MAX_VALUE;
        final int scenarios = scenarioCount;
        final int width = Math.max(1, scenarios);
        if (memberIm.length < memberCount)
        {
            memberIm = new long[memberCount * 2];
        }
        if (memberPnl.length < memberCount * width)
        {
            memberPnl = new long[memberCount * width * 2];
        }
        Arrays.fill(memberIm, 0, memberCount, 0L);
        Arrays.fill(memberPnl, 0, memberCount * width, 0L);

        long dfRequirement = 0;
        int worstIndex = -1;
        int firstMember = -1;
        int secondMember = -1;
        long firstUncovered = 0;
        long secondUncovered = 0;
        long totalUncovered = 0;
        final long prefunded;
        final long coverage;
        try
        {
            for (final long accountId : house.sortedAccountIds())
            {
                final MarginAccount account = house.account(accountId);
                if (account.role() == AccountRole.BACKSTOP_POOL || 0 == account.positionCount())
                {
                    continue;
                }
                final int m = memberIndex(account.memberId());
                memberIm[m] = Math.addExact(memberIm[m], house.initialMargin(account));
                addStressPnl(account, memberPnl, m * width);
            }
            for (int s = 0; s < scenarios; s++)
            {
                int top1 = -1;
                int top2 = -1;
                long value1 = 0;
                long value2 = 0;
                for (int m = 0; m < memberCount; m++)
                {
                    // Ties go to the lower member id: members are visited in id order and only a larger loss wins.
                    final long uncovered = uncovered(m, s, width);
                    if (uncovered > value1)
                    {
                        top2 = top1;
                        value2 = value1;
                        top1 = m;
                        value1 = uncovered;
                    }
                    else if (uncovered > value2)
                    {
                        top2 = m;
                        value2 = uncovered;
                    }
                }
                final long sum = Math.addExact(value1, value2);
                if (worstIndex < 0 || sum > dfRequirement)
                {
                    dfRequirement = sum;
                    worstIndex = s;
                    firstMember = top1;
                    secondMember = top2;
                    firstUncovered = value1;
                    secondUncovered = value2;
                }
            }
            if (worstIndex >= 0)
            {
                for (int m = 0; m < memberCount; m++)
                {
                    totalUncovered = Math.addExact(totalUncovered, uncovered(m, worstIndex, width));
                }
            }
            prefunded = Math.addExact(Math.addExact(totalContributions, ccpCapital), house.insuranceFund());
            coverage = 0 == dfRequirement ? -1 : Money.proportion(prefunded, Money.PPM, dfRequirement);
        }
        catch (final ArithmeticException ex)
        {
            return;
        }

        requirement = dfRequirement;
        worstScenarioId = worstIndex < 0 ? 0 : scenarioIds[worstIndex];
        lastRecomputeMs = nowMs;
        events.onDefaultFundRecomputed(
            house.nextEventSequence(), cause, dfRequirement, totalContributions, ccpCapital, house.insuranceFund(),
            prefunded, coverage, worstScenarioId,
            firstMember < 0 ? 0 : sortedMembers[firstMember].memberId(), firstUncovered,
            secondMember < 0 ? 0 : sortedMembers[secondMember].memberId(), secondUncovered);

        for (int m = 0; m < memberCount; m++)
        {
            final MemberFund member = sortedMembers[m];
            final long uncovered = worstIndex < 0 ? 0 : uncovered(m, worstIndex, width);
            final long share = 0 == totalUncovered ? 0 :
                Money.proportionRoundedUp(dfRequirement, uncovered, totalUncovered);
            final long required = Math.max(ctx.minimumContribution, share);
            long largestLoss = 0;
            for (int s = 0; s < scenarios; s++)
            {
                largestLoss = Math.max(largestLoss, stressLoss(memberPnl[m * width + s]));
            }
            member.stressLoss = largestLoss;
            member.dirty = false;
            if (required != member.requirement)
            {
                final long previous = member.requirement;
                member.requirement = required;
                events.onMemberRequirementChanged(
                    house.nextEventSequence(), member.memberId(), previous, required, member.contribution,
                    worstIndex < 0 ? 0 : stressLoss(memberPnl[m * width + worstIndex]), uncovered, memberIm[m]);
            }
        }
        for (int m = 0; m < memberCount; m++)
        {
            final MemberFund member = sortedMembers[m];
            clearFlagIfMadeGood(member);
            callIfShort(member, DefaultFundCallCause.REQUIREMENT, nowMs);
        }
    }

    private long uncovered(final int memberIndex, final int scenario, final int width)
    {
        final long loss = stressLoss(memberPnl[memberIndex * width + scenario]);
        final long covered = Math.addExact(memberIm[memberIndex], sortedMembers[memberIndex].contribution);
        return Math.max(0, Math.subtractExact(loss, covered));
    }

    private static long stressLoss(final long pnl)
    {
        return pnl < 0 ? Math.negateExact(pnl) : 0;
    }

    /**
     * Adds the account's PnL under every scenario into {@code pnl[offset + s]}.
     */
    private void addStressPnl(final MarginAccount account, final long[] pnl, final int offset)
    {
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            final Instrument instrument = house.instrument(account.instrumentIdAt(i));
            final long value = Money.value(account.quantityAt(i), instrument.markPriceTicks(), instrument.tickValue());
            final int underlyingId = instrument.underlyingId();
            for (int s = 0; s < scenarioCount; s++)
            {
                final int shock = shockOf(s, underlyingId);
                if (0 != shock)
                {
                    pnl[offset + s] = Math.addExact(pnl[offset + s], PortfolioMargin.shockPnl(value, shock));
                }
            }
        }
    }

    private int shockOf(final int scenario, final int underlyingId)
    {
        final int base = scenario * MAX_SCENARIO_SHOCKS;
        final int k = Arrays.binarySearch(shockUnderlyings, base, base + shockCounts[scenario], underlyingId);
        return k >= 0 ? shocksPpm[k] : 0;
    }

    /**
     * @return the member's largest stress loss over the scenarios, from its accounts as they are now.
     */
    long memberStressLoss(final MemberFund member)
    {
        Arrays.fill(onePnl, 0L);
        for (int a = 0, n = member.accountCount(); a < n; a++)
        {
            final MarginAccount account = house.account(member.accountIdAt(a));
            if (null != account && account.role() != AccountRole.BACKSTOP_POOL)
            {
                addStressPnl(account, onePnl, 0);
            }
        }
        long largest = 0;
        for (int s = 0; s < scenarioCount; s++)
        {
            largest = Math.max(largest, stressLoss(onePnl[s]));
        }
        return largest;
    }

    /**
     * The dirty members' stress losses against those of the last recomputation: one that moved by more than the
     * threshold recomputes everything.
     */
    private void checkExposure(final long nowMs)
    {
        exposureCheckAtMs = Long.MAX_VALUE;
        boolean moved = false;
        for (int m = 0; m < memberCount; m++)
        {
            final MemberFund member = sortedMembers[m];
            if (!member.dirty)
            {
                continue;
            }
            member.dirty = false;
            if (moved)
            {
                continue;
            }
            try
            {
                final long loss = memberStressLoss(member);
                final long change = Math.abs(Math.subtractExact(loss, member.stressLoss));
                moved = change > Money.ppmRoundedDown(member.stressLoss, ctx.exposureThresholdPpm);
            }
            catch (final ArithmeticException ex)
            {
                moved = true;
            }
        }
        if (moved)
        {
            recompute(nowMs, DefaultFundRecomputeCause.EXPOSURE);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Calls.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Calls every member whose contribution is below its requirement and has no call open: after a waterfall used the
     * fund.
     */
    void callForReplenishment(final long nowMs)
    {
        for (int m = 0; m < memberCount; m++)
        {
            callIfShort(sortedMembers[m], DefaultFundCallCause.REPLENISHMENT, nowMs);
        }
    }

    private void callIfShort(final MemberFund member, final DefaultFundCallCause cause, final long nowMs)
    {
        if (0 != member.openCallId || member.contribution >= member.requirement)
        {
            return;
        }
        final FundCall call = freeCalls.isEmpty() ? new FundCall() : freeCalls.remove(freeCalls.size() - 1);
        call.callId = nextCallId++;
        call.memberId = member.memberId();
        call.cause = cause;
        call.amount = member.requirement - member.contribution;
        call.paid = 0;
        call.issuedMs = nowMs;
        call.deadlineMs = nowMs + ctx.callDeadlineMs;
        calls.add(call);
        member.openCallId = call.callId;
        events.onDefaultFundCall(
            house.nextEventSequence(), call.callId, call.memberId, cause, call.amount, member.requirement,
            member.contribution, call.deadlineMs);
    }

    private void payOpenCall(final MemberFund member, final long amount)
    {
        final FundCall call = call(member.openCallId);
        if (null == call)
        {
            return;
        }
        call.paid += Math.min(amount, call.amount - call.paid);
        if (call.paid == call.amount)
        {
            closeCall(call, member, 0, 0);
        }
    }

    /**
     * At a call's deadline: what is still owed is collected from the member's accounts' withdrawable cash, in account
     * id order; the rest is missed and flags the member.
     */
    private void settleDueCalls(final long nowMs)
    {
        for (int i = 0; i < calls.size(); )
        {
            final FundCall call = calls.get(i);
            if (call.deadlineMs > nowMs)
            {
                i++;
                continue;
            }
            final MemberFund member = members.get(call.memberId);
            final long owed = call.amount - call.paid;
            long collected = 0;
            for (int a = 0, n = member.accountCount(); a < n && collected < owed; a++)
            {
                final long accountId = member.accountIdAt(a);
                final MarginAccount account = house.account(accountId);
                if (null == account || account.role() == AccountRole.BACKSTOP_POOL)
                {
                    continue;
                }
                final long free = freeCash(account);
                final long take = Math.min(owed - collected, free);
                if (take <= 0)
                {
                    continue;
                }
                account.cash(account.cash() - take);
                member.contribution += take;
                totalContributions += take;
                collected += take;
                events.onDefaultFundContribution(
                    house.nextEventSequence(), member.memberId(), accountId, take, true, account.cash(),
                    member.contribution, totalContributions);
                house.evaluateRisk(accountId, RiskCause.DEFAULT_FUND);
            }
            final long missed = owed - collected;
            closeCall(call, member, collected, missed);
            if (missed > 0)
            {
                if (!member.flagged)
                {
                    member.flagged = true;
                    flaggedCount++;
                }
                member.missed = missed;
                events.onMemberFlagChanged(
                    house.nextEventSequence(), member.memberId(), true, missed, member.contribution,
                    member.requirement);
            }
            else
            {
                clearFlagIfMadeGood(member);
            }
        }
    }

    private void closeCall(final FundCall call, final MemberFund member, final long collected, final long missed)
    {
        calls.remove(call);
        member.openCallId = 0;
        events.onDefaultFundCallClosed(
            house.nextEventSequence(), call.callId, call.memberId, call.cause, call.amount, call.paid, collected,
            missed, member.contribution);
        freeCalls.add(call);
    }

    private void clearFlagIfMadeGood(final MemberFund member)
    {
        if (member.flagged && member.contribution >= member.requirement)
        {
            member.flagged = false;
            flaggedCount--;
            member.missed = 0;
            events.onMemberFlagChanged(
                house.nextEventSequence(), member.memberId(), false, 0, member.contribution, member.requirement);
        }
    }

    private FundCall call(final long callId)
    {
        if (0 == callId)
        {
            return null;
        }
        for (int i = 0, n = calls.size(); i < n; i++)
        {
            if (calls.get(i).callId == callId)
            {
                return calls.get(i);
            }
        }
        return null;
    }

    /**
     * @return what the account could withdraw now, 0 when that cannot be valued.
     */
    long freeCash(final MarginAccount account)
    {
        try
        {
            return house.withdrawable(account);
        }
        catch (final ArithmeticException ex)
        {
            return 0;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // For the waterfall.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Takes {@code amount} from a member's contribution (the waterfall's rungs 2 and 5).
     */
    void debitContribution(final MemberFund member, final long amount)
    {
        member.contribution -= amount;
        totalContributions -= amount;
    }

    /**
     * Takes {@code amount} from the CCP's capital (rung 4).
     */
    void debitCcpCapital(final long amount)
    {
        ccpCapital -= amount;
    }

    MemberFund memberOf(final long memberId)
    {
        MemberFund member = members.get(memberId);
        if (null == member)
        {
            member = new MemberFund(memberId);
            members.put(memberId, member);
            final int at = -Arrays.binarySearch(sortedIds, 0, memberCount, memberId) - 1;
            if (memberCount == sortedMembers.length)
            {
                sortedMembers = Arrays.copyOf(sortedMembers, memberCount * 2);
                sortedIds = Arrays.copyOf(sortedIds, memberCount * 2);
            }
            System.arraycopy(sortedMembers, at, sortedMembers, at + 1, memberCount - at);
            System.arraycopy(sortedIds, at, sortedIds, at + 1, memberCount - at);
            sortedMembers[at] = member;
            sortedIds[at] = memberId;
            memberCount++;
        }
        return member;
    }

    private int memberIndex(final long memberId)
    {
        final int index = Arrays.binarySearch(sortedIds, 0, memberCount, memberId);
        if (index < 0)
        {
            throw new IllegalStateException("account of an unknown member: " + memberId);
        }
        return index;
    }

    private void putScenario(
        final int index, final int scenarioId, final int count, final int[] underlyingIds, final int[] shocks)
    {
        int at = index;
        if (index < 0)
        {
            at = -index - 1;
            final int tail = scenarioCount - at;
            System.arraycopy(scenarioIds, at, scenarioIds, at + 1, tail);
            System.arraycopy(shockCounts, at, shockCounts, at + 1, tail);
            System.arraycopy(shockUnderlyings, at * MAX_SCENARIO_SHOCKS, shockUnderlyings,
                (at + 1) * MAX_SCENARIO_SHOCKS, tail * MAX_SCENARIO_SHOCKS);
            System.arraycopy(shocksPpm, at * MAX_SCENARIO_SHOCKS, shocksPpm,
                (at + 1) * MAX_SCENARIO_SHOCKS, tail * MAX_SCENARIO_SHOCKS);
            scenarioIds[at] = scenarioId;
            scenarioCount++;
        }
        shockCounts[at] = count;
        System.arraycopy(underlyingIds, 0, shockUnderlyings, at * MAX_SCENARIO_SHOCKS, count);
        System.arraycopy(shocks, 0, shocksPpm, at * MAX_SCENARIO_SHOCKS, count);
    }

    private void removeScenario(final int index)
    {
        final int tail = scenarioCount - index - 1;
        System.arraycopy(scenarioIds, index + 1, scenarioIds, index, tail);
        System.arraycopy(shockCounts, index + 1, shockCounts, index, tail);
        System.arraycopy(shockUnderlyings, (index + 1) * MAX_SCENARIO_SHOCKS, shockUnderlyings,
            index * MAX_SCENARIO_SHOCKS, tail * MAX_SCENARIO_SHOCKS);
        System.arraycopy(shocksPpm, (index + 1) * MAX_SCENARIO_SHOCKS, shocksPpm,
            index * MAX_SCENARIO_SHOCKS, tail * MAX_SCENARIO_SHOCKS);
        scenarioCount--;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Snapshot, digest and restore.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Writes the default fund's and the waterfall's state in canonical order (see {@link WaterfallStateSink}).
     */
    void writeState(final WaterfallStateSink sink)
    {
        sink.defaultFundHeader(
            ccpCapital, totalContributions, ctx.minimumContribution, ctx.recomputeIntervalMs, ctx.exposureThresholdPpm,
            ctx.exposureCheckMs, ctx.callDeadlineMs, ctx.assessmentCapPpm, ctx.cappedPeriodMs, ctx.waterfallRetryMs,
            nextRecomputeMs, exposureCheckAtMs, nextCallId, requirement, worstScenarioId, lastRecomputeMs);
        for (int s = 0; s < scenarioCount; s++)
        {
            for (int k = 0; k < shockCounts[s]; k++)
            {
                sink.stressShock(
                    scenarioIds[s], shockUnderlyings[s * MAX_SCENARIO_SHOCKS + k], shocksPpm[s * MAX_SCENARIO_SHOCKS + k]);
            }
        }
        for (int m = 0; m < memberCount; m++)
        {
            final MemberFund f = sortedMembers[m];
            sink.memberFund(
                f.memberId(), f.contribution, f.requirement, f.stressLoss, f.dirty, f.flagged, f.missed,
                f.periodStartMs, f.periodBasis, f.assessedInPeriod, f.openCallId);
        }
        for (int i = 0, n = calls.size(); i < n; i++)
        {
            final FundCall c = calls.get(i);
            sink.fundCall(c.callId, c.memberId, c.cause.code(), c.amount, c.paid, c.issuedMs, c.deadlineMs);
        }
        waterfall.writeState(sink);
    }

    /**
     * @return a sink that applies the records {@link #writeState} emits to this (empty) default fund, in that order.
     */
    WaterfallStateSink restorer()
    {
        return new Restorer();
    }

    private final class Restorer implements WaterfallStateSink
    {
        private final int[] underlyings = new int[MAX_SCENARIO_SHOCKS];
        private final int[] shocks = new int[MAX_SCENARIO_SHOCKS];

        public void defaultFundHeader(
            final long ccpCapital,
            final long totalContributions,
            final long minimumContribution,
            final long recomputeIntervalMs,
            final int exposureThresholdPpm,
            final long exposureCheckMs,
            final long callDeadlineMs,
            final int assessmentCapPpm,
            final long cappedPeriodMs,
            final long waterfallRetryMs,
            final long nextRecomputeMs,
            final long exposureCheckAtMs,
            final long nextCallId,
            final long requirement,
            final int worstScenarioId,
            final long lastRecomputeMs)
        {
            ctx.set(new Context().minimumContribution(minimumContribution).recomputeIntervalMs(recomputeIntervalMs)
                .exposureThresholdPpm(exposureThresholdPpm).exposureCheckMs(exposureCheckMs)
                .callDeadlineMs(callDeadlineMs).assessmentCapPpm(assessmentCapPpm).cappedPeriodMs(cappedPeriodMs)
                .waterfallRetryMs(waterfallRetryMs).conclude());
            DefaultFund.this.ccpCapital = ccpCapital;
            DefaultFund.this.totalContributions = totalContributions;
            DefaultFund.this.nextRecomputeMs = nextRecomputeMs;
            DefaultFund.this.exposureCheckAtMs = exposureCheckAtMs;
            DefaultFund.this.nextCallId = nextCallId;
            DefaultFund.this.requirement = requirement;
            DefaultFund.this.worstScenarioId = worstScenarioId;
            DefaultFund.this.lastRecomputeMs = lastRecomputeMs;
        }

        public void stressShock(final int scenarioId, final int underlyingId, final int shockPpm)
        {
            final int index = Arrays.binarySearch(scenarioIds, 0, scenarioCount, scenarioId);
            int count = 0;
            if (index >= 0)
            {
                count = shockCounts[index];
                System.arraycopy(shockUnderlyings, index * MAX_SCENARIO_SHOCKS, underlyings, 0, count);
                System.arraycopy(shocksPpm, index * MAX_SCENARIO_SHOCKS, shocks, 0, count);
            }
            underlyings[count] = underlyingId;
            shocks[count] = shockPpm;
            putScenario(index, scenarioId, count + 1, underlyings, shocks);
        }

        public void memberFund(
            final long memberId,
            final long contribution,
            final long requirement,
            final long stressLoss,
            final boolean dirty,
            final boolean flagged,
            final long missed,
            final long periodStartMs,
            final long periodBasis,
            final long assessedInPeriod,
            final long openCallId)
        {
            final MemberFund member = memberOf(memberId);
            member.contribution = contribution;
            member.requirement = requirement;
            member.stressLoss = stressLoss;
            member.dirty = dirty;
            if (flagged && !member.flagged)
            {
                flaggedCount++;
            }
            member.flagged = flagged;
            member.missed = missed;
            member.periodStartMs = periodStartMs;
            member.periodBasis = periodBasis;
            member.assessedInPeriod = assessedInPeriod;
            member.openCallId = openCallId;
        }

        public void fundCall(
            final long callId,
            final long memberId,
            final int causeCode,
            final long amount,
            final long paid,
            final long issuedMs,
            final long deadlineMs)
        {
            final FundCall call = new FundCall();
            call.callId = callId;
            call.memberId = memberId;
            call.cause = DefaultFundCallCause.fromCode(causeCode);
            if (null == call.cause)
            {
                throw new IllegalStateException("unknown call cause in snapshot: " + causeCode);
            }
            call.amount = amount;
            call.paid = paid;
            call.issuedMs = issuedMs;
            call.deadlineMs = deadlineMs;
            calls.add(call);
        }

        public void waterfallTotals(
            final long rung1,
            final long rung2,
            final long rung3,
            final long rung4,
            final long rung5,
            final long rung6,
            final long rung7,
            final long closedCount)
        {
            waterfall.restoreTotals(rung1, rung2, rung3, rung4, rung5, rung6, rung7, closedCount);
        }

        public void waterfall(
            final long accountId,
            final long memberId,
            final long deficit,
            final long openedMs,
            final long nextAttemptMs,
            final long outstanding,
            final long rung1,
            final long rung2,
            final long rung3,
            final long rung4,
            final long rung5,
            final long rung6,
            final long rung7,
            final int attempts)
        {
            waterfall.restoreWaterfall(
                accountId, memberId, deficit, openedMs, nextAttemptMs, outstanding, rung1, rung2, rung3, rung4,
                rung5, rung6, rung7, attempts);
        }
    }
}
