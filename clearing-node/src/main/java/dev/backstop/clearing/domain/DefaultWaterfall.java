package dev.backstop.clearing.domain;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * The loss waterfall (DESIGN.md section 5 items 6 and 11): who pays a bankrupt account's negative equity, rung by
 * rung, in a fixed order, each rung taking only what every earlier rung could not.
 * <p>
 * A waterfall opens when the liquidation engine leaves an account flat with negative cash and marks it
 * {@link RiskState#BANKRUPT} ({@code WaterfallStarted}); it runs at the first cluster deadline after that, and again
 * every {@link DefaultFund.Context#waterfallRetryMs()} while some deficit is left after the last rung. Several open
 * waterfalls run in account id order. One attempt visits the rungs in order until the deficit (the account's
 * negative cash) is 0:
 * <ol>
 *     <li>the defaulting member's remaining collateral: what its other accounts could withdraw, in account id order
 *     (backstop pools excluded: their cash belongs to their share holders);</li>
 *     <li>the defaulting member's default-fund contribution;</li>
 *     <li>the insurance fund;</li>
 *     <li>the CCP's capital;</li>
 *     <li>the non-defaulting members' contributions, pro rata to them: each pays {@code ceil(x × c / C)};</li>
 *     <li>assessments on the non-defaulting members, pro rata to the contribution each had when its capped period
 *     began (its first charge at rung 5), each capped at {@code assessmentCap × that contribution} per capped period
 *     (2× per 28 days by default); what a capped member cannot pay is shared among the others in further rounds.
 *     Debited from the cash of the member's accounts in account id order (pools and accounts in liquidation or
 *     bankrupt excluded), each up to its positive cash: this may put an account into a margin call or liquidation,
 *     which is ordinary risk handling;</li>
 *     <li>a haircut of variation-margin gains: every account's positive unrealised PnL at the mark (summed over its
 *     winning positions; bankrupt accounts excluded) pays {@code ceil(x × gain / Σ gains)}, at most its gain, in
 *     cash.</li>
 * </ol>
 * Non-defaulting means without an open waterfall of its own. What payers owe rounds up; what the payers of a rung
 * pay above the amount absorbed goes to the CCP's fee account, so money is conserved to the micro-unit. Every rung
 * reached is one {@code WaterfallRung} event (absorbed, remaining, what the rung has left), preceded by one
 * {@code WaterfallCharge} per payer at rungs 1, 5, 6 and 7; when the deficit is 0 the account's cash is 0, it is
 * {@link RiskState#NORMAL} again, the liquidation engine forgets the deficit and {@code WaterfallClosed} gives the
 * amounts per rung. If the fund was used (rungs 2 or 5), members below their requirement are called to replenish.
 * <p>
 * While any waterfall is open withdrawals and pool redemption requests are refused with
 * {@link Outcome#WATERFALL_OPEN}, and pool redemptions falling due wait (the liquidation engine holds them while it
 * has an open deficit).
 */
public final class DefaultWaterfall
{
    /**
     * A waterfall first runs this long after the bankruptcy: at the next cluster deadline, never inside the command
     * or round that made the deficit, so the open deficit is a state every reader can see.
     */
    public static final long FIRST_ATTEMPT_DELAY_MS = 1;

    private static final class Waterfall
    {
        long accountId;
        long memberId;
        long deficit;
        long openedMs;
        long nextAttemptMs;
        long outstanding;
        final long[] absorbed = new long[WaterfallRung.COUNT + 1];
        int attempts;
    }

    private final ClearingHouse house;
    private final ClearingEvents events;
    private final DefaultFund fund;
    private final ArrayList<Waterfall> open = new ArrayList<>();
    private final ArrayList<Waterfall> free = new ArrayList<>();
    private final long[] totals = new long[WaterfallRung.COUNT + 1];
    private long closedCount;

    // Payers of the rung being computed (members at rungs 5 and 6, accounts at rung 7).
    private int payerCount;
    private MemberFund[] payerMembers = new MemberFund[8];
    private long[] payerAccounts = new long[8];
    private long[] payerBasis = new long[8];
    private long[] payerCapacity = new long[8];
    private long[] payerAmounts = new long[8];

    // What the last rung reports besides the amount it absorbed.
    private long resourceAfter;
    private long rungPayers;
    private long rounding;

    DefaultWaterfall(final ClearingHouse house, final ClearingEvents events, final DefaultFund fund)
    {
        this.house = house;
        this.events = events;
        this.fund = fund;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reads.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * @return true while any waterfall is open: withdrawals and pool redemptions wait.
     */
    public boolean isOpen()
    {
        return !open.isEmpty();
    }

    public int openCount()
    {
        return open.size();
    }

    public boolean isOpen(final long accountId)
    {
        return index(accountId) >= 0;
    }

    /**
     * @return what the rung absorbed over every waterfall, open or closed.
     */
    public long totalAbsorbed(final WaterfallRung rung)
    {
        return totals[rung.code()];
    }

    /**
     * @return waterfalls closed so far.
     */
    public long closedCount()
    {
        return closedCount;
    }

    /**
     * @return true when the member has an open waterfall (it is a defaulter, not a payer of rungs 5 and 6).
     */
    public boolean isDefaulting(final long memberId)
    {
        for (int i = 0, n = open.size(); i < n; i++)
        {
            if (open.get(i).memberId == memberId)
            {
                return true;
            }
        }
        return false;
    }

    long nextDeadlineMs()
    {
        long deadline = Long.MAX_VALUE;
        for (int i = 0, n = open.size(); i < n; i++)
        {
            deadline = Math.min(deadline, open.get(i).nextAttemptMs);
        }
        return deadline;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Opening and running.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The account was marked bankrupt: its negative cash is the deficit (already recorded in the ledger's open
     * deficits by the liquidation engine).
     */
    void open(final long accountId, final long nowMs)
    {
        final MarginAccount account = house.account(accountId);
        if (null == account || index(accountId) >= 0 || account.cash() >= 0)
        {
            return;
        }
        final Waterfall w = free.isEmpty() ? new Waterfall() : free.remove(free.size() - 1);
        w.accountId = accountId;
        w.memberId = account.memberId();
        w.deficit = -account.cash();
        w.openedMs = nowMs;
        w.nextAttemptMs = nowMs + FIRST_ATTEMPT_DELAY_MS;
        w.outstanding = w.deficit;
        Arrays.fill(w.absorbed, 0L);
        w.attempts = 0;
        open.add(-index(accountId) - 1, w);
        events.onWaterfallStarted(house.nextEventSequence(), accountId, w.memberId, w.deficit, open.size());
    }

    void onDeadline(final long nowMs)
    {
        long cursor = Long.MIN_VALUE;
        while (true)
        {
            int index = index(cursor);
            index = index >= 0 ? index + 1 : -index - 1;
            if (index >= open.size())
            {
                break;
            }
            final Waterfall w = open.get(index);
            cursor = w.accountId;
            if (w.nextAttemptMs <= nowMs)
            {
                attempt(w, nowMs);
            }
        }
    }

    private void attempt(final Waterfall w, final long nowMs)
    {
        final MarginAccount account = house.account(w.accountId);
        w.attempts++;
        long remaining = null == account ? 0 : Math.max(0, -account.cash());
        for (int code = 1; code <= WaterfallRung.COUNT && remaining > 0; code++)
        {
            final WaterfallRung rung = WaterfallRung.fromCode(code);
            final long absorbed;
            try
            {
                absorbed = absorb(rung, w, account, remaining, nowMs);
            }
            catch (final ArithmeticException ex)
            {
                // Every rung computes before it moves money, so nothing of this rung was applied; stopping here
                // keeps the order (no later rung may absorb before this one is exhausted). Tried again later.
                break;
            }
            remaining -= absorbed;
            w.absorbed[code] += absorbed;
            totals[code] += absorbed;
            final long settled = Math.min(absorbed, w.outstanding);
            w.outstanding -= settled;
            house.addOpenDeficit(-settled);
            events.onWaterfallRung(
                house.nextEventSequence(), w.accountId, w.memberId, rung, absorbed, remaining, resourceAfter,
                rungPayers, rounding);
        }
        if (0 == remaining)
        {
            close(w, nowMs);
        }
        else
        {
            w.nextAttemptMs = nowMs + fund.context().waterfallRetryMs();
        }
    }

    private void close(final Waterfall w, final long nowMs)
    {
        open.remove(index(w.accountId));
        if (w.outstanding > 0)
        {
            house.addOpenDeficit(-Math.min(w.outstanding, Math.max(0, house.openDeficits())));
            w.outstanding = 0;
        }
        final LiquidationEngine engine = house.liquidationEngine();
        if (null != engine)
        {
            engine.settleDeficit(w.accountId);
        }
        closedCount++;
        final long[] a = w.absorbed;
        events.onWaterfallClosed(
            house.nextEventSequence(), w.accountId, w.memberId, w.deficit, a[1], a[2], a[3], a[4], a[5], a[6], a[7],
            w.attempts, open.size());
        final MarginAccount account = house.account(w.accountId);
        if (null != account && account.riskState() == RiskState.BANKRUPT)
        {
            house.setRiskState(w.accountId, RiskState.NORMAL, RiskCause.WATERFALL);
        }
        if (a[WaterfallRung.DEFAULTER_CONTRIBUTION.code()] > 0 || a[WaterfallRung.MUTUALISED_CONTRIBUTIONS.code()] > 0)
        {
            fund.callForReplenishment(nowMs);
        }
        free.add(w);
    }

    /**
     * Applies one rung to at most {@code need}; sets {@link #resourceAfter}, {@link #rungPayers} and
     * {@link #rounding}.
     *
     * @return what the rung absorbed.
     * @throws ArithmeticException before anything moved, when the rung's figures do not fit.
     */
    private long absorb(
        final WaterfallRung rung, final Waterfall w, final MarginAccount defaulter, final long need, final long nowMs)
    {
        resourceAfter = 0;
        rungPayers = 0;
        rounding = 0;
        switch (rung)
        {
            case DEFAULTER_COLLATERAL:
                return defaulterCollateral(w, need);

            case DEFAULTER_CONTRIBUTION:
            {
                final MemberFund member = fund.memberOf(w.memberId);
                final long take = Math.min(need, member.contribution);
                if (take > 0)
                {
                    fund.debitContribution(member, take);
                    defaulter.cash(defaulter.cash() + take);
                    rungPayers = 1;
                }
                resourceAfter = member.contribution;
                return take;
            }

            case INSURANCE_FUND:
            {
                final long take = Math.min(need, house.insuranceFund());
                if (take > 0)
                {
                    house.debitInsuranceFund(w.accountId, take);
                    rungPayers = 1;
                }
                resourceAfter = house.insuranceFund();
                return take;
            }

            case CCP_CAPITAL:
            {
                final long take = Math.min(need, fund.ccpCapital());
                if (take > 0)
                {
                    fund.debitCcpCapital(take);
                    defaulter.cash(defaulter.cash() + take);
                    rungPayers = 1;
                }
                resourceAfter = fund.ccpCapital();
                return take;
            }

            case MUTUALISED_CONTRIBUTIONS:
                return mutualisedContributions(w, defaulter, need, nowMs);

            case ASSESSMENTS:
                return assessments(w, defaulter, need, nowMs);

            case VM_GAINS_HAIRCUT:
                return vmGainsHaircut(w, defaulter, need);

            default:
                return 0;
        }
    }

    /**
     * Rung 1: the defaulting member's other accounts give what each could withdraw, in account id order.
     */
    private long defaulterCollateral(final Waterfall w, final long need)
    {
        final MemberFund member = fund.memberOf(w.memberId);
        long taken = 0;
        long left = 0;
        for (int a = 0, n = member.accountCount(); a < n; a++)
        {
            final long accountId = member.accountIdAt(a);
            final MarginAccount account = house.account(accountId);
            if (accountId == w.accountId || null == account || account.role() == AccountRole.BACKSTOP_POOL ||
                index(accountId) >= 0)
            {
                continue;
            }
            final long free = fund.freeCash(account);
            final long take = Math.min(need - taken, free);
            left = saturatedAdd(left, free - Math.max(0, take));
            if (take <= 0)
            {
                continue;
            }
            house.moveCash(accountId, w.accountId, take);
            taken += take;
            rungPayers++;
            events.onWaterfallCharge(
                house.nextEventSequence(), w.accountId, WaterfallRung.DEFAULTER_COLLATERAL, w.memberId, accountId,
                free, take);
            house.evaluateRisk(accountId, RiskCause.WATERFALL);
        }
        resourceAfter = left;
        return taken;
    }

    /**
     * Rung 5: every non-defaulting member with a contribution pays {@code ceil(x × c / C)} of it; the first charge
     * in a capped period starts the period, with the contribution before the charge as its basis.
     */
    private long mutualisedContributions(
        final Waterfall w, final MarginAccount defaulter, final long need, final long nowMs)
    {
        payerCount = 0;
        long total = 0;
        for (int m = 0, n = fund.memberCount(); m < n; m++)
        {
            final MemberFund member = fund.memberAt(m);
            if (member.contribution > 0 && !isDefaulting(member.memberId()))
            {
                addPayer(member, 0, member.contribution, member.contribution);
                total = Math.addExact(total, member.contribution);
            }
        }
        if (0 == total)
        {
            return 0;
        }
        final long target = Math.min(need, total);
        long paid = 0;
        for (int i = 0; i < payerCount; i++)
        {
            payerAmounts[i] = Money.proportionRoundedUp(target, payerBasis[i], total);
            paid = Math.addExact(paid, payerAmounts[i]);
        }

        final long cappedPeriodMs = fund.context().cappedPeriodMs();
        for (int i = 0; i < payerCount; i++)
        {
            final MemberFund member = payerMembers[i];
            if (!member.periodActive(nowMs, cappedPeriodMs))
            {
                member.periodStartMs = nowMs;
                member.periodBasis = member.contribution;
                member.assessedInPeriod = 0;
            }
            fund.debitContribution(member, payerAmounts[i]);
            events.onWaterfallCharge(
                house.nextEventSequence(), w.accountId, WaterfallRung.MUTUALISED_CONTRIBUTIONS, member.memberId(), 0,
                payerBasis[i], payerAmounts[i]);
        }
        defaulter.cash(defaulter.cash() + target);
        house.addToFeeAccount(paid - target);
        resourceAfter = total - paid;
        rungPayers = payerCount;
        rounding = paid - target;
        return target;
    }

    /**
     * Rung 6: assessments pro rata to each non-defaulting member's period basis, within its cap for the period and
     * its accounts' positive cash; what capped members cannot pay is shared again among the others.
     */
    private long assessments(final Waterfall w, final MarginAccount defaulter, final long need, final long nowMs)
    {
        payerCount = 0;
        final long cappedPeriodMs = fund.context().cappedPeriodMs();
        final int capPpm = fund.context().assessmentCapPpm();
        long totalCapacity = 0;
        for (int m = 0, n = fund.memberCount(); m < n; m++)
        {
            final MemberFund member = fund.memberAt(m);
            if (isDefaulting(member.memberId()) || !member.periodActive(nowMs, cappedPeriodMs) ||
                member.periodBasis <= 0)
            {
                continue;
            }
            final long cap = Money.ppmRoundedDown(member.periodBasis, capPpm);
            final long headroom = Math.max(0, Math.subtractExact(cap, member.assessedInPeriod));
            final long capacity = Math.min(headroom, assessableCash(member));
            if (capacity > 0)
            {
                addPayer(member, 0, member.periodBasis, capacity);
                totalCapacity = Math.addExact(totalCapacity, capacity);
            }
        }
        if (0 == totalCapacity)
        {
            return 0;
        }
        final long target = Math.min(need, totalCapacity);
        Arrays.fill(payerAmounts, 0, payerCount, 0L);
        long left = target;
        while (left > 0)
        {
            long weight = 0;
            for (int i = 0; i < payerCount; i++)
            {
                if (payerAmounts[i] < payerCapacity[i])
                {
                    weight = Math.addExact(weight, payerBasis[i]);
                }
            }
            if (0 == weight)
            {
                break;
            }
            long added = 0;
            for (int i = 0; i < payerCount; i++)
            {
                if (payerAmounts[i] < payerCapacity[i])
                {
                    final long share = Money.proportionRoundedUp(left, payerBasis[i], weight);
                    final long add = Math.min(share, payerCapacity[i] - payerAmounts[i]);
                    payerAmounts[i] += add;
                    added += add;
                }
            }
            left -= added;
        }
        long paid = 0;
        for (int i = 0; i < payerCount; i++)
        {
            paid += payerAmounts[i];
        }

        for (int i = 0; i < payerCount; i++)
        {
            final MemberFund member = payerMembers[i];
            long owed = payerAmounts[i];
            member.assessedInPeriod += owed;
            for (int a = 0, n = member.accountCount(); a < n && owed > 0; a++)
            {
                final MarginAccount account = house.account(member.accountIdAt(a));
                if (!assessable(account) || account.cash() <= 0)
                {
                    continue;
                }
                final long take = Math.min(owed, account.cash());
                account.cash(account.cash() - take);
                owed -= take;
                events.onWaterfallCharge(
                    house.nextEventSequence(), w.accountId, WaterfallRung.ASSESSMENTS, member.memberId(),
                    account.accountId(), payerBasis[i], take);
            }
        }
        defaulter.cash(defaulter.cash() + target);
        house.addToFeeAccount(paid - target);
        for (int i = 0; i < payerCount; i++)
        {
            final MemberFund member = payerMembers[i];
            for (int a = 0, n = member.accountCount(); a < n; a++)
            {
                house.evaluateRisk(member.accountIdAt(a), RiskCause.WATERFALL);
            }
        }
        resourceAfter = totalCapacity - paid;
        rungPayers = payerCount;
        rounding = paid - target;
        return target;
    }

    private boolean assessable(final MarginAccount account)
    {
        return null != account && account.role() != AccountRole.BACKSTOP_POOL &&
            !ClearingHouse.inLiquidation(account) && index(account.accountId()) < 0;
    }

    private long assessableCash(final MemberFund member)
    {
        long cash = 0;
        for (int a = 0, n = member.accountCount(); a < n; a++)
        {
            final MarginAccount account = house.account(member.accountIdAt(a));
            if (assessable(account) && account.cash() > 0)
            {
                cash = Math.addExact(cash, account.cash());
            }
        }
        return cash;
    }

    /**
     * Rung 7: every account's positive unrealised PnL at the mark pays its share of what is left, in cash.
     */
    private long vmGainsHaircut(final Waterfall w, final MarginAccount defaulter, final long need)
    {
        payerCount = 0;
        long totalGains = 0;
        for (final long accountId : house.sortedAccountIds())
        {
            final MarginAccount account = house.account(accountId);
            if (account.riskState() == RiskState.BANKRUPT || index(accountId) >= 0)
            {
                continue;
            }
            long gain = 0;
            for (int i = 0, n = account.positionCount(); i < n; i++)
            {
                gain = Math.addExact(gain, Math.max(0, house.unrealisedPnl(account, i)));
            }
            if (gain > 0)
            {
                addPayer(null, accountId, gain, gain);
                totalGains = Math.addExact(totalGains, gain);
            }
        }
        if (0 == totalGains)
        {
            return 0;
        }
        final long target = Math.min(need, totalGains);
        long paid = 0;
        for (int i = 0; i < payerCount; i++)
        {
            payerAmounts[i] = Money.proportionRoundedUp(target, payerBasis[i], totalGains);
            paid = Math.addExact(paid, payerAmounts[i]);
            Math.subtractExact(house.account(payerAccounts[i]).cash(), payerAmounts[i]);
        }

        for (int i = 0; i < payerCount; i++)
        {
            final MarginAccount account = house.account(payerAccounts[i]);
            account.cash(account.cash() - payerAmounts[i]);
            events.onWaterfallCharge(
                house.nextEventSequence(), w.accountId, WaterfallRung.VM_GAINS_HAIRCUT, account.memberId(),
                account.accountId(), payerBasis[i], payerAmounts[i]);
        }
        defaulter.cash(defaulter.cash() + target);
        house.addToFeeAccount(paid - target);
        for (int i = 0; i < payerCount; i++)
        {
            house.evaluateRisk(payerAccounts[i], RiskCause.WATERFALL);
        }
        resourceAfter = totalGains - paid;
        rungPayers = payerCount;
        rounding = paid - target;
        return target;
    }

    private void addPayer(final MemberFund member, final long accountId, final long basis, final long capacity)
    {
        if (payerCount == payerBasis.length)
        {
            final int length = payerCount * 2;
            payerMembers = Arrays.copyOf(payerMembers, length);
            payerAccounts = Arrays.copyOf(payerAccounts, length);
            payerBasis = Arrays.copyOf(payerBasis, length);
            payerCapacity = Arrays.copyOf(payerCapacity, length);
            payerAmounts = Arrays.copyOf(payerAmounts, length);
        }
        payerMembers[payerCount] = member;
        payerAccounts[payerCount] = accountId;
        payerBasis[payerCount] = basis;
        payerCapacity[payerCount] = capacity;
        payerAmounts[payerCount] = 0;
        payerCount++;
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private int index(final long accountId)
    {
        int low = 0;
        int high = open.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long id = open.get(mid).accountId;
            if (id < accountId)
            {
                low = mid + 1;
            }
            else if (id > accountId)
            {
                high = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -(low + 1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Snapshot, digest and restore.
    // ---------------------------------------------------------------------------------------------------------------

    void writeState(final WaterfallStateSink sink)
    {
        sink.waterfallTotals(
            totals[1], totals[2], totals[3], totals[4], totals[5], totals[6], totals[7], closedCount);
        for (int i = 0, n = open.size(); i < n; i++)
        {
            final Waterfall w = open.get(i);
            final long[] a = w.absorbed;
            sink.waterfall(
                w.accountId, w.memberId, w.deficit, w.openedMs, w.nextAttemptMs, w.outstanding, a[1], a[2], a[3], a[4],
                a[5], a[6], a[7], w.attempts);
        }
    }

    void restoreTotals(
        final long rung1,
        final long rung2,
        final long rung3,
        final long rung4,
        final long rung5,
        final long rung6,
        final long rung7,
        final long closedCount)
    {
        totals[1] = rung1;
        totals[2] = rung2;
        totals[3] = rung3;
        totals[4] = rung4;
        totals[5] = rung5;
        totals[6] = rung6;
        totals[7] = rung7;
        this.closedCount = closedCount;
    }

    void restoreWaterfall(
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
        final int index = index(accountId);
        if (index >= 0)
        {
            throw new IllegalStateException("waterfall restored twice: " + accountId);
        }
        final Waterfall w = new Waterfall();
        w.accountId = accountId;
        w.memberId = memberId;
        w.deficit = deficit;
        w.openedMs = openedMs;
        w.nextAttemptMs = nextAttemptMs;
        w.outstanding = outstanding;
        w.absorbed[1] = rung1;
        w.absorbed[2] = rung2;
        w.absorbed[3] = rung3;
        w.absorbed[4] = rung4;
        w.absorbed[5] = rung5;
        w.absorbed[6] = rung6;
        w.absorbed[7] = rung7;
        w.attempts = attempts;
        open.add(-index - 1, w);
    }
}
