package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * The registered backstop liquidity providers (BLPs) [FTX BLP program]: accounts that declared a capacity, in money
 * micro-units of notional, to take liquidation slices in auctions.
 * <p>
 * Each BLP has its declared capacity and what remains of it; fills consume the remainder, and the operator or the
 * engine restores it (for instance when the BLP's position is closed). Entries are kept sorted by account id in
 * parallel arrays so iteration, snapshots and digests are in a canonical order and lookups allocate nothing.
 */
public final class BlpRegistry
{
    private static final int INITIAL_CAPACITY = 16;

    private long[] accountIds = new long[INITIAL_CAPACITY];
    private long[] declaredCapacities = new long[INITIAL_CAPACITY];
    private long[] remainingCapacities = new long[INITIAL_CAPACITY];
    private int count;

    /**
     * Register a BLP with its declared capacity; the remaining capacity starts at the declared one.
     *
     * @param accountId        the BLP's account id, positive.
     * @param declaredCapacity capacity in micro-units of notional, positive.
     * @return {@link Outcome#ACCOUNT_EXISTS} if already registered, {@link Outcome#INVALID_AMOUNT} or
     * {@link Outcome#UNKNOWN_ACCOUNT} for a bad argument, else {@link Outcome#ACCEPTED}.
     */
    public Outcome register(final long accountId, final long declaredCapacity)
    {
        if (accountId <= 0)
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        if (declaredCapacity <= 0)
        {
            return Outcome.INVALID_AMOUNT;
        }
        final int found = Arrays.binarySearch(accountIds, 0, count, accountId);
        if (found >= 0)
        {
            return Outcome.ACCOUNT_EXISTS;
        }
        insertAt(-found - 1, accountId, declaredCapacity, declaredCapacity);
        return Outcome.ACCEPTED;
    }

    /**
     * Change a BLP's declared capacity; the remaining capacity moves by the same amount, floored at zero (what was
     * already consumed stays consumed).
     *
     * @return {@link Outcome#UNKNOWN_ACCOUNT} if not registered, {@link Outcome#INVALID_AMOUNT} if not positive.
     */
    public Outcome update(final long accountId, final long declaredCapacity)
    {
        final int index = indexOf(accountId);
        if (index < 0)
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        if (declaredCapacity <= 0)
        {
            return Outcome.INVALID_AMOUNT;
        }
        final long consumed = declaredCapacities[index] - remainingCapacities[index];
        declaredCapacities[index] = declaredCapacity;
        remainingCapacities[index] = Math.max(0L, declaredCapacity - consumed);
        return Outcome.ACCEPTED;
    }

    /**
     * Remove a BLP; its standing bids are refused at the next auction step because it is no longer registered.
     *
     * @return {@link Outcome#UNKNOWN_ACCOUNT} if not registered, else {@link Outcome#ACCEPTED}.
     */
    public Outcome deregister(final long accountId)
    {
        final int index = indexOf(accountId);
        if (index < 0)
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        final int tail = count - index - 1;
        System.arraycopy(accountIds, index + 1, accountIds, index, tail);
        System.arraycopy(declaredCapacities, index + 1, declaredCapacities, index, tail);
        System.arraycopy(remainingCapacities, index + 1, remainingCapacities, index, tail);
        count--;
        return Outcome.ACCEPTED;
    }

    /**
     * Consume capacity for a fill.
     *
     * @param accountId the BLP.
     * @param notional  micro-units of notional, non-negative.
     * @return true if the BLP is registered and had that much remaining (then it is consumed), false otherwise
     * (nothing changed).
     */
    public boolean consume(final long accountId, final long notional)
    {
        final int index = indexOf(accountId);
        if (index < 0 || notional < 0 || notional > remainingCapacities[index])
        {
            return false;
        }
        remainingCapacities[index] -= notional;
        return true;
    }

    /**
     * Give capacity back, never above the declared capacity.
     *
     * @param accountId the BLP.
     * @param notional  micro-units of notional, non-negative.
     * @return true if the BLP is registered.
     */
    public boolean restore(final long accountId, final long notional)
    {
        final int index = indexOf(accountId);
        if (index < 0 || notional < 0)
        {
            return false;
        }
        final long headroom = declaredCapacities[index] - remainingCapacities[index];
        remainingCapacities[index] += Math.min(notional, headroom);
        return true;
    }

    /**
     * @return index of the BLP in canonical (ascending account id) order, or a negative number if not registered.
     */
    public int indexOf(final long accountId)
    {
        final int found = Arrays.binarySearch(accountIds, 0, count, accountId);
        return found >= 0 ? found : -1;
    }

    /**
     * @return true if the account is a registered BLP.
     */
    public boolean isRegistered(final long accountId)
    {
        return indexOf(accountId) >= 0;
    }

    /**
     * @return remaining capacity of the BLP, or 0 if not registered.
     */
    public long remainingCapacity(final long accountId)
    {
        final int index = indexOf(accountId);
        return index < 0 ? 0 : remainingCapacities[index];
    }

    /**
     * @return declared capacity of the BLP, or 0 if not registered.
     */
    public long declaredCapacity(final long accountId)
    {
        final int index = indexOf(accountId);
        return index < 0 ? 0 : declaredCapacities[index];
    }

    /**
     * @return number of registered BLPs.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return account id at a canonical index (ascending account id).
     */
    public long accountIdAt(final int index)
    {
        return accountIds[index];
    }

    /**
     * @return declared capacity at a canonical index.
     */
    public long declaredCapacityAt(final int index)
    {
        return declaredCapacities[index];
    }

    /**
     * @return remaining capacity at a canonical index.
     */
    public long remainingCapacityAt(final int index)
    {
        return remainingCapacities[index];
    }

    /**
     * Forget every BLP, before restoring from a snapshot.
     */
    public void clear()
    {
        count = 0;
    }

    /**
     * Restore one BLP from a snapshot (in any order; kept sorted).
     *
     * @throws IllegalArgumentException on a duplicate or inconsistent entry.
     */
    public void restoreEntry(final long accountId, final long declaredCapacity, final long remainingCapacity)
    {
        final int found = Arrays.binarySearch(accountIds, 0, count, accountId);
        if (found >= 0 || accountId <= 0 || declaredCapacity <= 0 ||
            remainingCapacity < 0 || remainingCapacity > declaredCapacity)
        {
            throw new IllegalArgumentException("bad BLP snapshot entry for account " + accountId);
        }
        insertAt(-found - 1, accountId, declaredCapacity, remainingCapacity);
    }

    private void insertAt(final int index, final long accountId, final long declared, final long remaining)
    {
        if (count == accountIds.length)
        {
            final int newLength = accountIds.length * 2;
            accountIds = Arrays.copyOf(accountIds, newLength);
            declaredCapacities = Arrays.copyOf(declaredCapacities, newLength);
            remainingCapacities = Arrays.copyOf(remainingCapacities, newLength);
        }
        final int tail = count - index;
        System.arraycopy(accountIds, index, accountIds, index + 1, tail);
        System.arraycopy(declaredCapacities, index, declaredCapacities, index + 1, tail);
        System.arraycopy(remainingCapacities, index, remainingCapacities, index + 1, tail);
        accountIds[index] = accountId;
        declaredCapacities[index] = declared;
        remainingCapacities[index] = remaining;
        count++;
    }
}
