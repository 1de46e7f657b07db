package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * The share register of a backstop pool (DESIGN.md section 5 item 5). The pool itself is an account (its cash and
 * positions are margined and marked like any other, and its equity is passed in by the caller); this class holds
 * who owns the pool, its high-water mark, its loss cap and the redemptions waiting out their notice.
 * <p>
 * NAV per share is fixed point: micro-units per one million shares, rounded down
 * ({@code floor(equity × 1e6 / shares)}); the first deposit mints one share per micro-unit, so the NAV starts at
 * 1_000_000. Deposits mint {@code floor(amount × shares / equity)} (the depositor receives: rounded down, so
 * existing holders are never diluted), redemptions pay {@code floor(shares × equity / sharesOutstanding)} at the NAV
 * when they fall due, so losses during the notice period still apply [Drift insurance-fund unstaking]. A takeover is
 * allowed only while the drawdown of NAV per share from its high-water mark stays within the loss cap
 * [Hyperliquid after the JELLY incident]: {@code nav × 1e6 >= highWater × (1e6 − lossCapPpm)}, exact in 128 bits.
 * <p>
 * Depositors are kept in arrays sorted by id and pending redemptions in due order (ties in request order), so
 * snapshots and digests are canonical and nothing is allocated once warm.
 */
public final class BackstopPool
{
    /**
     * Default loss cap: 20% drawdown from the high-water mark (DESIGN.md 5.2).
     */
    public static final int DEFAULT_LOSS_CAP_PPM = 200_000;

    /**
     * Default redemption notice: 24 hours.
     */
    public static final long DEFAULT_REDEMPTION_NOTICE_MS = 86_400_000L;

    private static final long MILLION = Money.PPM;
    private static final int INITIAL_CAPACITY = 8;

    private final long poolId;
    private final long accountId;
    private int lossCapPpm;
    private long redemptionNoticeMs;
    private long sharesOutstanding;
    private long highWaterNavPerMillionShares;

    private long[] depositorIds = new long[INITIAL_CAPACITY];
    private long[] depositorShares = new long[INITIAL_CAPACITY];
    private int depositorCount;

    private long[] pendingDepositors = new long[INITIAL_CAPACITY];
    private long[] pendingShares = new long[INITIAL_CAPACITY];
    private long[] pendingDueMs = new long[INITIAL_CAPACITY];
    private int pendingCount;

    /**
     * @param poolId             id of the pool.
     * @param accountId          the account that holds the pool's cash and positions.
     * @param lossCapPpm         hard loss cap as a drawdown from the high-water mark, 0 to 1_000_000.
     * @param redemptionNoticeMs notice a redemption waits, non-negative.
     */
    public BackstopPool(final long poolId, final long accountId, final int lossCapPpm, final long redemptionNoticeMs)
    {
        this.poolId = poolId;
        this.accountId = accountId;
        if (Outcome.ACCEPTED != setLossCapPpm(lossCapPpm) || Outcome.ACCEPTED != setRedemptionNoticeMs(redemptionNoticeMs))
        {
            throw new IllegalArgumentException("loss cap or redemption notice out of range");
        }
    }

    /**
     * Mint shares for a deposit at the NAV before it. The caller moves {@code amount} into the pool's account only
     * if this returns a positive number.
     *
     * @param depositor        depositor's account id.
     * @param amount           money deposited in micro-units, positive.
     * @param poolEquityBefore the pool account's equity before the deposit.
     * @return shares minted; 0 when refused (non-positive amount, a pool with shares but no positive equity, or an
     * amount too small to buy one share), and then nothing changed.
     * @throws ArithmeticException on overflow (nothing changed).
     */
    public long mintShares(final long depositor, final long amount, final long poolEquityBefore)
    {
        if (amount <= 0)
        {
            return 0;
        }
        final long minted;
        if (0 == sharesOutstanding)
        {
            if (poolEquityBefore < 0)
            {
                return 0; // a new depositor must not inherit a deficit left in an empty pool
            }
            minted = amount;
        }
        else
        {
            if (poolEquityBefore <= 0)
            {
                return 0;
            }
            minted = WideArithmetic.mulDivFloor(amount, sharesOutstanding, poolEquityBefore);
        }
        if (0 == minted)
        {
            return 0;
        }
        final long newOutstanding = Math.addExact(sharesOutstanding, minted);
        final long equityAfter = Math.addExact(poolEquityBefore, amount);
        final boolean firstDeposit = 0 == sharesOutstanding;
        final int found = Arrays.binarySearch(depositorIds, 0, depositorCount, depositor);
        if (found >= 0)
        {
            depositorShares[found] = Math.addExact(depositorShares[found], minted);
        }
        else
        {
            insertDepositor(-found - 1, depositor, minted);
        }
        sharesOutstanding = newOutstanding;
        if (firstDeposit)
        {
            resetHighWater(equityAfter); // an emptied pool starts a new high-water mark
        }
        else
        {
            markHighWater(equityAfter);
        }
        return minted;
    }

    /**
     * @param poolEquity the pool account's equity.
     * @return NAV in micro-units per one million shares, rounded down; 0 with no shares or no positive equity.
     */
    public long navPerMillionShares(final long poolEquity)
    {
        if (0 == sharesOutstanding || poolEquity <= 0)
        {
            return 0;
        }
        return WideArithmetic.mulDivFloor(poolEquity, MILLION, sharesOutstanding);
    }

    /**
     * Whether the pool may be left with this equity: the drawdown of NAV per share from the high-water mark is
     * within the loss cap (inclusive). A pool with no shares has no capital and is never within its cap.
     *
     * @param poolEquityAfter the pool account's equity after the takeover being considered.
     * @return true when the takeover keeps the pool within its loss cap.
     */
    public boolean withinLossCap(final long poolEquityAfter)
    {
        if (0 == sharesOutstanding || poolEquityAfter < 0)
        {
            return false;
        }
        final long nav = navPerMillionShares(poolEquityAfter);
        return WideArithmetic.compareProducts(nav, MILLION, highWaterNavPerMillionShares, MILLION - lossCapPpm) >= 0;
    }

    /**
     * Raise the high-water mark to the current NAV per share if it is higher (called after every change to the
     * pool's equity, for instance after each mark).
     *
     * @param poolEquity the pool account's equity.
     */
    public void markHighWater(final long poolEquity)
    {
        highWaterNavPerMillionShares = Math.max(highWaterNavPerMillionShares, navPerMillionShares(poolEquity));
    }

    /**
     * Operator action: start a new high-water mark at the current NAV (after the pool stopped at its loss cap).
     *
     * @param poolEquity the pool account's equity.
     */
    public void resetHighWater(final long poolEquity)
    {
        highWaterNavPerMillionShares = navPerMillionShares(poolEquity);
    }

    /**
     * Ask to redeem shares; they stay in the pool (and bear its losses) until {@code nowMs + notice}.
     *
     * @return {@link Outcome#UNKNOWN_ACCOUNT} if the depositor holds no shares, {@link Outcome#INVALID_QUANTITY}
     * for non-positive shares, {@link Outcome#INSUFFICIENT_CASH} when more than its shares not already pending,
     * {@link Outcome#ARITHMETIC_OVERFLOW} on overflow, else {@link Outcome#ACCEPTED}.
     */
    public Outcome requestRedemption(final long depositor, final long shares, final long nowMs)
    {
        final int index = Arrays.binarySearch(depositorIds, 0, depositorCount, depositor);
        if (index < 0)
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        if (shares <= 0)
        {
            return Outcome.INVALID_QUANTITY;
        }
        if (shares > depositorShares[index] - pendingSharesOf(depositor))
        {
            return Outcome.INSUFFICIENT_CASH;
        }
        final long dueMs;
        try
        {
            dueMs = Math.addExact(nowMs, redemptionNoticeMs);
        }
        catch (final ArithmeticException ex)
        {
            return Outcome.ARITHMETIC_OVERFLOW;
        }
        insertPending(depositor, shares, dueMs);
        return Outcome.ACCEPTED;
    }

    /**
     * @return due time of the earliest pending redemption, or {@link Long#MAX_VALUE} when none is pending.
     */
    public long nextDeadlineMs()
    {
        return 0 == pendingCount ? Long.MAX_VALUE : pendingDueMs[0];
    }

    /**
     * Pay every redemption due by {@code nowMs}, in due order, each at the NAV at that moment:
     * {@code floor(shares × equity / sharesOutstanding)}, then the equity and shares left are reduced by it. A pool
     * with no positive equity pays 0 and still burns the shares. The caller moves each amount from the pool's
     * account to the depositor (and holds redemptions while a default is open, DESIGN.md 5 item 11).
     *
     * @param nowMs      cluster time.
     * @param poolEquity the pool account's equity now.
     * @param out        cleared, then receives the payouts.
     * @return number of payouts written.
     */
    public int dueRedemptions(final long nowMs, final long poolEquity, final RedemptionPayouts out)
    {
        out.clear();
        long equity = poolEquity;
        int paid = 0;
        while (paid < pendingCount && pendingDueMs[paid] <= nowMs)
        {
            final long depositor = pendingDepositors[paid];
            final long shares = pendingShares[paid];
            final long amount = equity <= 0 ? 0 : WideArithmetic.mulDivFloor(shares, equity, sharesOutstanding);
            equity -= amount;
            sharesOutstanding -= shares;
            final int index = Arrays.binarySearch(depositorIds, 0, depositorCount, depositor);
            depositorShares[index] -= shares;
            if (0 == depositorShares[index])
            {
                removeDepositor(index);
            }
            out.add(depositor, shares, amount);
            paid++;
        }
        if (paid > 0)
        {
            final int tail = pendingCount - paid;
            System.arraycopy(pendingDepositors, paid, pendingDepositors, 0, tail);
            System.arraycopy(pendingShares, paid, pendingShares, 0, tail);
            System.arraycopy(pendingDueMs, paid, pendingDueMs, 0, tail);
            pendingCount = tail;
        }
        return out.count();
    }

    /**
     * @return shares of the depositor waiting to be redeemed.
     */
    public long pendingSharesOf(final long depositor)
    {
        long total = 0;
        for (int i = 0; i < pendingCount; i++)
        {
            if (pendingDepositors[i] == depositor)
            {
                total += pendingShares[i];
            }
        }
        return total;
    }

    /**
     * @return shares held by the depositor (including those pending redemption), 0 if none.
     */
    public long sharesOf(final long depositor)
    {
        final int index = Arrays.binarySearch(depositorIds, 0, depositorCount, depositor);
        return index < 0 ? 0 : depositorShares[index];
    }

    /**
     * Operator parameter.
     *
     * @return {@link Outcome#INVALID_PARAMETER} unless {@code 0 <= ppm <= 1_000_000}.
     */
    public Outcome setLossCapPpm(final int ppm)
    {
        if (ppm < 0 || ppm > Money.PPM)
        {
            return Outcome.INVALID_PARAMETER;
        }
        lossCapPpm = ppm;
        return Outcome.ACCEPTED;
    }

    /**
     * Operator parameter; applies to redemptions requested afterwards.
     *
     * @return {@link Outcome#INVALID_PARAMETER} for a negative notice.
     */
    public Outcome setRedemptionNoticeMs(final long noticeMs)
    {
        if (noticeMs < 0)
        {
            return Outcome.INVALID_PARAMETER;
        }
        redemptionNoticeMs = noticeMs;
        return Outcome.ACCEPTED;
    }

    /**
     * @return id of the pool.
     */
    public long poolId()
    {
        return poolId;
    }

    /**
     * @return the account holding the pool's cash and positions.
     */
    public long accountId()
    {
        return accountId;
    }

    /**
     * @return loss cap in ppm of the high-water mark.
     */
    public int lossCapPpm()
    {
        return lossCapPpm;
    }

    /**
     * @return redemption notice in ms.
     */
    public long redemptionNoticeMs()
    {
        return redemptionNoticeMs;
    }

    /**
     * @return shares outstanding (including those pending redemption).
     */
    public long sharesOutstanding()
    {
        return sharesOutstanding;
    }

    /**
     * @return high-water mark of NAV in micro-units per one million shares.
     */
    public long highWaterNavPerMillionShares()
    {
        return highWaterNavPerMillionShares;
    }

    /**
     * @return number of depositors (canonical order: ascending id).
     */
    public int depositorCount()
    {
        return depositorCount;
    }

    /**
     * @return depositor id at a canonical index.
     */
    public long depositorIdAt(final int index)
    {
        return depositorIds[index];
    }

    /**
     * @return shares of the depositor at a canonical index.
     */
    public long depositorSharesAt(final int index)
    {
        return depositorShares[index];
    }

    /**
     * @return number of pending redemptions (canonical order: due time, then request order).
     */
    public int pendingCount()
    {
        return pendingCount;
    }

    /**
     * @return depositor of the pending redemption at a canonical index.
     */
    public long pendingDepositorAt(final int index)
    {
        return pendingDepositors[index];
    }

    /**
     * @return shares of the pending redemption at a canonical index.
     */
    public long pendingSharesAt(final int index)
    {
        return pendingShares[index];
    }

    /**
     * @return due time of the pending redemption at a canonical index.
     */
    public long pendingDueMsAt(final int index)
    {
        return pendingDueMs[index];
    }

    /**
     * Forget depositors and pending redemptions, before a restore.
     */
    public void clear()
    {
        depositorCount = 0;
        pendingCount = 0;
        sharesOutstanding = 0;
        highWaterNavPerMillionShares = 0;
    }

    /**
     * Restore the scalar state from a snapshot.
     */
    public void restoreState(
        final long sharesOutstanding,
        final long highWaterNavPerMillionShares,
        final int lossCapPpm,
        final long redemptionNoticeMs)
    {
        this.sharesOutstanding = sharesOutstanding;
        this.highWaterNavPerMillionShares = highWaterNavPerMillionShares;
        this.lossCapPpm = lossCapPpm;
        this.redemptionNoticeMs = redemptionNoticeMs;
    }

    /**
     * Restore one depositor from a snapshot (any order; kept sorted).
     */
    public void restoreDepositor(final long depositor, final long shares)
    {
        final int found = Arrays.binarySearch(depositorIds, 0, depositorCount, depositor);
        if (found >= 0 || shares <= 0)
        {
            throw new IllegalArgumentException("bad depositor snapshot entry " + depositor);
        }
        insertDepositor(-found - 1, depositor, shares);
    }

    /**
     * Restore one pending redemption from a snapshot, in canonical order.
     */
    public void restorePending(final long depositor, final long shares, final long dueMs)
    {
        insertPending(depositor, shares, dueMs);
    }

    private void insertDepositor(final int index, final long depositor, final long shares)
    {
        if (depositorCount == depositorIds.length)
        {
            depositorIds = Arrays.copyOf(depositorIds, depositorCount * 2);
            depositorShares = Arrays.copyOf(depositorShares, depositorCount * 2);
        }
        final int tail = depositorCount - index;
        System.arraycopy(depositorIds, index, depositorIds, index + 1, tail);
        System.arraycopy(depositorShares, index, depositorShares, index + 1, tail);
        depositorIds[index] = depositor;
        depositorShares[index] = shares;
        depositorCount++;
    }

    private void removeDepositor(final int index)
    {
        final int tail = depositorCount - index - 1;
        System.arraycopy(depositorIds, index + 1, depositorIds, index, tail);
        System.arraycopy(depositorShares, index + 1, depositorShares, index, tail);
        depositorCount--;
    }

    private void insertPending(final long depositor, final long shares, final long dueMs)
    {
        if (pendingCount == pendingDepositors.length)
        {
            final int newLength = pendingCount * 2;
            pendingDepositors = Arrays.copyOf(pendingDepositors, newLength);
            pendingShares = Arrays.copyOf(pendingShares, newLength);
            pendingDueMs = Arrays.copyOf(pendingDueMs, newLength);
        }
        int index = pendingCount;
        while (index > 0 && pendingDueMs[index - 1] > dueMs)
        {
            index--;
        }
        final int tail = pendingCount - index;
        System.arraycopy(pendingDepositors, index, pendingDepositors, index + 1, tail);
        System.arraycopy(pendingShares, index, pendingShares, index + 1, tail);
        System.arraycopy(pendingDueMs, index, pendingDueMs, index + 1, tail);
        pendingDepositors[index] = depositor;
        pendingShares[index] = shares;
        pendingDueMs[index] = dueMs;
        pendingCount++;
    }
}
