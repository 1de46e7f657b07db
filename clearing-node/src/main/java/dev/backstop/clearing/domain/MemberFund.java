package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * One clearing member as the default fund sees it: its contribution and requirement, the call it may owe, the flag a
 * missed call leaves, its capped period of assessments, and the accounts it owns (an index kept in account id order,
 * rebuilt from the accounts on restore, so not part of the snapshot).
 */
public final class MemberFund
{
    private final long memberId;
    long contribution;
    long requirement;
    long stressLoss;
    boolean dirty;
    boolean flagged;
    long missed;
    long periodStartMs = Long.MIN_VALUE;
    long periodBasis;
    long assessedInPeriod;
    long openCallId;

    private long[] accountIds = new long[2];
    private int accountCount;

    MemberFund(final long memberId)
    {
        this.memberId = memberId;
    }

    public long memberId()
    {
        return memberId;
    }

    /**
     * @return the member's default-fund contribution, micro-units.
     */
    public long contribution()
    {
        return contribution;
    }

    /**
     * @return the contribution the last Cover-2 recomputation requires of the member, micro-units.
     */
    public long requirement()
    {
        return requirement;
    }

    /**
     * @return the member's largest stress loss over the scenarios at the last recomputation (or exposure check).
     */
    public long stressLoss()
    {
        return stressLoss;
    }

    /**
     * @return true while the member has missed a call and not yet made good its requirement.
     */
    public boolean flagged()
    {
        return flagged;
    }

    /**
     * @return what the member's last missed call left unpaid.
     */
    public long missed()
    {
        return missed;
    }

    /**
     * @return start of the member's capped period of assessments, {@link Long#MIN_VALUE} when none was started.
     */
    public long periodStartMs()
    {
        return periodStartMs;
    }

    /**
     * @return the contribution the capped period's limit is a multiple of (the contribution when the period began).
     */
    public long periodBasis()
    {
        return periodBasis;
    }

    /**
     * @return assessments charged in the current capped period.
     */
    public long assessedInPeriod()
    {
        return assessedInPeriod;
    }

    /**
     * @return id of the member's open call, 0 when none.
     */
    public long openCallId()
    {
        return openCallId;
    }

    public int accountCount()
    {
        return accountCount;
    }

    /**
     * @param index 0 .. {@link #accountCount()} − 1.
     * @return the member's account id at that index, ascending.
     */
    public long accountIdAt(final int index)
    {
        return accountIds[index];
    }

    void addAccount(final long accountId)
    {
        int at = Arrays.binarySearch(accountIds, 0, accountCount, accountId);
        if (at >= 0)
        {
            return;
        }
        at = -at - 1;
        if (accountCount == accountIds.length)
        {
            accountIds = Arrays.copyOf(accountIds, accountCount * 2);
        }
        System.arraycopy(accountIds, at, accountIds, at + 1, accountCount - at);
        accountIds[at] = accountId;
        accountCount++;
    }

    boolean periodActive(final long nowMs, final long cappedPeriodMs)
    {
        return Long.MIN_VALUE != periodStartMs && nowMs - periodStartMs < cappedPeriodMs;
    }
}
