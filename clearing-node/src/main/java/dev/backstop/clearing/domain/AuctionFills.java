package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * Reusable output of {@link LiquidationAuction#onStep}: the fills of the steps just run, in order (step, then
 * price best first, then BLP account id), as parallel arrays so a step allocates nothing once warm.
 */
public final class AuctionFills
{
    private long[] blpAccountIds;
    private long[] priceTicks;
    private long[] lots;
    private int[] steps;
    private int count;

    /**
     * @param initialCapacity fills held before the arrays grow.
     */
    public AuctionFills(final int initialCapacity)
    {
        final int capacity = Math.max(1, initialCapacity);
        blpAccountIds = new long[capacity];
        priceTicks = new long[capacity];
        lots = new long[capacity];
        steps = new int[capacity];
    }

    /**
     * @return number of fills held.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return the BLP that bought (or sold) the lots of fill {@code index}.
     */
    public long blpAccountIdAt(final int index)
    {
        return blpAccountIds[index];
    }

    /**
     * @return the fill price: the winning bid's price, in ticks.
     */
    public long priceTicksAt(final int index)
    {
        return priceTicks[index];
    }

    /**
     * @return lots filled, positive.
     */
    public long lotsAt(final int index)
    {
        return lots[index];
    }

    /**
     * @return the auction step at which the fill happened.
     */
    public int stepAt(final int index)
    {
        return steps[index];
    }

    /**
     * Forget every fill; the arrays are kept.
     */
    public void clear()
    {
        count = 0;
    }

    void add(final long blpAccountId, final long fillPriceTicks, final long fillLots, final int step)
    {
        if (count == blpAccountIds.length)
        {
            final int newLength = count * 2;
            blpAccountIds = Arrays.copyOf(blpAccountIds, newLength);
            priceTicks = Arrays.copyOf(priceTicks, newLength);
            lots = Arrays.copyOf(lots, newLength);
            steps = Arrays.copyOf(steps, newLength);
        }
        blpAccountIds[count] = blpAccountId;
        priceTicks[count] = fillPriceTicks;
        lots[count] = fillLots;
        steps[count] = step;
        count++;
    }
}
