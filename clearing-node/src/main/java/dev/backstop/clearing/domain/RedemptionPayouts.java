package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * Reusable output of {@link BackstopPool#dueRedemptions}: per redemption paid, the depositor, the shares burnt and
 * the money it receives from the pool's account, in the order they fell due.
 */
public final class RedemptionPayouts
{
    private long[] depositors;
    private long[] shares;
    private long[] amounts;
    private int count;

    /**
     * @param initialCapacity payouts held before the arrays grow.
     */
    public RedemptionPayouts(final int initialCapacity)
    {
        final int capacity = Math.max(1, initialCapacity);
        depositors = new long[capacity];
        shares = new long[capacity];
        amounts = new long[capacity];
    }

    /**
     * @return number of payouts held.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return the depositor of payout {@code index}.
     */
    public long depositorAt(final int index)
    {
        return depositors[index];
    }

    /**
     * @return the shares burnt by payout {@code index}.
     */
    public long sharesAt(final int index)
    {
        return shares[index];
    }

    /**
     * @return the money paid by payout {@code index}, in micro-units.
     */
    public long amountAt(final int index)
    {
        return amounts[index];
    }

    /**
     * Forget every payout; the arrays are kept.
     */
    public void clear()
    {
        count = 0;
    }

    void add(final long depositor, final long burntShares, final long amount)
    {
        if (count == depositors.length)
        {
            final int newLength = count * 2;
            depositors = Arrays.copyOf(depositors, newLength);
            shares = Arrays.copyOf(shares, newLength);
            amounts = Arrays.copyOf(amounts, newLength);
        }
        depositors[count] = depositor;
        shares[count] = burntShares;
        amounts[count] = amount;
        count++;
    }
}
