package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * The ranked counterparties of one auto-deleveraging run: a binary heap over reused arrays, so ranking a crowded
 * instrument allocates nothing once warm and takes only as many candidates off the top as the failed position needs
 * ({@code O(n + k log n)} for k counterparties out of n candidates).
 * <p>
 * The order is total, so the same candidates always come out in the same order: accounts in good standing before
 * last-resort ones (tier 0 before tier 1), then the higher score, then the lower account id. Within the last-resort
 * tier every score is entered as 0, so those accounts come out by account id.
 */
final class DeleveragingQueue
{
    /**
     * Tier of an account in good standing: not in liquidation, positive equity.
     */
    static final int GOOD_STANDING = 0;

    /**
     * Tier of an account reached only when the others are exhausted: in liquidation itself, or without positive
     * equity.
     */
    static final int LAST_RESORT = 1;

    private long[] accountIds = new long[16];
    private int[] tiers = new int[16];
    private long[] scores = new long[16];
    private long[] pnlPpms = new long[16];
    private long[] leveragePpms = new long[16];
    private long[] positions = new long[16];
    private int[] heap = new int[16];
    private int count;
    private int heapSize;

    void clear()
    {
        count = 0;
        heapSize = 0;
    }

    /**
     * Adds a candidate; call {@link #rank()} once every candidate is in.
     */
    void add(
        final long accountId,
        final int tier,
        final long score,
        final long pnlPpm,
        final long leveragePpm,
        final long positionLots)
    {
        if (count == accountIds.length)
        {
            final int length = count * 2;
            accountIds = Arrays.copyOf(accountIds, length);
            tiers = Arrays.copyOf(tiers, length);
            scores = Arrays.copyOf(scores, length);
            pnlPpms = Arrays.copyOf(pnlPpms, length);
            leveragePpms = Arrays.copyOf(leveragePpms, length);
            positions = Arrays.copyOf(positions, length);
            heap = Arrays.copyOf(heap, length);
        }
        accountIds[count] = accountId;
        tiers[count] = tier;
        scores[count] = score;
        pnlPpms[count] = pnlPpm;
        leveragePpms[count] = leveragePpm;
        positions[count] = positionLots;
        count++;
    }

    /**
     * Builds the heap over every candidate added.
     */
    void rank()
    {
        heapSize = count;
        for (int i = 0; i < count; i++)
        {
            heap[i] = i;
        }
        for (int i = (heapSize >>> 1) - 1; i >= 0; i--)
        {
            siftDown(i);
        }
    }

    /**
     * @return candidates added since the last {@link #clear()}.
     */
    int candidateCount()
    {
        return count;
    }

    boolean hasNext()
    {
        return heapSize > 0;
    }

    /**
     * @return the index of the best candidate left, removed from the heap; read it with the accessors.
     */
    int next()
    {
        final int best = heap[0];
        heap[0] = heap[--heapSize];
        if (heapSize > 0)
        {
            siftDown(0);
        }
        return best;
    }

    long accountIdAt(final int index)
    {
        return accountIds[index];
    }

    int tierAt(final int index)
    {
        return tiers[index];
    }

    long scoreAt(final int index)
    {
        return scores[index];
    }

    long pnlPpmAt(final int index)
    {
        return pnlPpms[index];
    }

    long leveragePpmAt(final int index)
    {
        return leveragePpms[index];
    }

    long positionAt(final int index)
    {
        return positions[index];
    }

    /**
     * @return true when candidate {@code a} comes before candidate {@code b}.
     */
    boolean before(final int a, final int b)
    {
        if (tiers[a] != tiers[b])
        {
            return tiers[a] < tiers[b];
        }
        if (scores[a] != scores[b])
        {
            return scores[a] > scores[b];
        }
        return accountIds[a] < accountIds[b];
    }

    private void siftDown(final int from)
    {
        int parent = from;
        final int item = heap[parent];
        while (true)
        {
            int child = 2 * parent + 1;
            if (child >= heapSize)
            {
                break;
            }
            if (child + 1 < heapSize && before(heap[child + 1], heap[child]))
            {
                child++;
            }
            if (!before(heap[child], item))
            {
                break;
            }
            heap[parent] = heap[child];
            parent = child;
        }
        heap[parent] = item;
    }
}
