package dev.backstop.clearing.domain;

import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * The liquidity backstop (DESIGN.md section 5 items 4-5 and 8, 5.1, 5.2): takes accounts below maintenance margin into
 * liquidation and closes their risk on cluster timers, slice by slice, through Dutch auctions to the registered
 * backstop liquidity providers (BLPs) and, for what no auction sells or an account too deep to slice, through the
 * backstop pools.
 * <p>
 * Each liquidation round ({@link Context#roundIntervalMs()}) visits the liquidating accounts in id order: an account
 * back at {@code equity >= 1.02 × MM} leaves liquidation; one below {@code ⅔ MM} goes to the pools whole; otherwise,
 * when no auction is running for it, its largest-risk position is sliced and the slice auctioned from the mark MP
 * towards its bankruptcy price ZP. Auction steps fill the best bids first, equal bids pro rata to the BLPs' remaining
 * capacity, at the bid price, and charge the liquidation fee (capped at the slice's equity above bankruptcy) to the
 * insurance fund; a remainder unsold after the last step goes to the first pool, by account id, within its margin
 * capacity and loss cap, while the mark is inside the band around its time-weighted average. A pool takes at the
 * mark and the defaulter pays its slice's equity share e: ⌊⅔ e⌋ to the pool, the rest to the insurance fund
 * (ISSUE 3 decisions). When no pool can take it, the position is auto-deleveraged against ranked opposite positions
 * ({@link AutoDeleveraging}), unless the operator switched that off for the instrument (then it waits). An account left
 * with no positions and negative equity is an open deficit.
 * <p>
 * Deterministic: time comes in as {@code nowMs}, every iteration runs over lists sorted by id, and the whole state is
 * written by {@link #writeState(LiquidationStateSink)} and restored through {@link #restorer()}.
 */
public final class LiquidationEngine implements LiquidationHooks
{
    /**
     * The engine's parameters, starting at the DESIGN.md 5.2 defaults. They are deliberately not read from the
     * environment: every node must start from the same state, so a change goes through the log
     * ({@code SetLiquidationParameters}) or through this context in tests, never through a node's own flags.
     */
    public static final class Context
    {
        private long roundIntervalMs = 100;
        private long minSliceNotional = 1_000_000_000L;
        private int slicePpm = 100_000;
        private int targetPpm = 1_020_000;
        private int feePpm = 5_000;
        private int auctionSteps = 5;
        private long auctionStepMs = 20;
        private int poolLossCapPpm = 200_000;
        private int bandPpm = 50_000;
        private long twapWindowMs = 300_000;
        private long redemptionNoticeMs = 86_400_000L;
        private long redemptionRetryMs = 1_000;
        private int wholeAccountThresholdPpm = Money.TWO_THIRDS_PPM;
        private int poolSharePpm = Money.TWO_THIRDS_PPM;

        /**
         * @return this context, checked.
         * @throws IllegalArgumentException when a parameter is out of range.
         */
        public Context conclude()
        {
            if (roundIntervalMs <= 0 || minSliceNotional < 0 || slicePpm <= 0 || slicePpm > Money.PPM ||
                targetPpm < Money.PPM || feePpm < 0 || feePpm > Money.PPM || auctionSteps < 2 || auctionStepMs <= 0 ||
                poolLossCapPpm < 0 || poolLossCapPpm > Money.PPM || bandPpm < 0 || twapWindowMs <= 0 ||
                twapWindowMs % TWAP_BUCKETS != 0 ||
                redemptionNoticeMs < 0 || redemptionRetryMs <= 0 ||
                wholeAccountThresholdPpm <= 0 || wholeAccountThresholdPpm > Money.PPM ||
                poolSharePpm <= 0 || poolSharePpm > Money.PPM)
            {
                throw new IllegalArgumentException("liquidation parameter out of range");
            }
            return this;
        }

        public long roundIntervalMs()
        {
            return roundIntervalMs;
        }

        public Context roundIntervalMs(final long value)
        {
            roundIntervalMs = value;
            return this;
        }

        /**
         * @return minimum slice notional in micro-units (1,000 USD).
         */
        public long minSliceNotional()
        {
            return minSliceNotional;
        }

        public Context minSliceNotional(final long value)
        {
            minSliceNotional = value;
            return this;
        }

        /**
         * @return slice as a share of the position, ppm (10%).
         */
        public int slicePpm()
        {
            return slicePpm;
        }

        public Context slicePpm(final int value)
        {
            slicePpm = value;
            return this;
        }

        /**
         * @return liquidation target as a multiple of MM, ppm (1.02).
         */
        public int targetPpm()
        {
            return targetPpm;
        }

        public Context targetPpm(final int value)
        {
            targetPpm = value;
            return this;
        }

        /**
         * @return liquidation fee on an auctioned slice's notional, ppm (0.5%).
         */
        public int feePpm()
        {
            return feePpm;
        }

        public Context feePpm(final int value)
        {
            feePpm = value;
            return this;
        }

        public int auctionSteps()
        {
            return auctionSteps;
        }

        public Context auctionSteps(final int value)
        {
            auctionSteps = value;
            return this;
        }

        public long auctionStepMs()
        {
            return auctionStepMs;
        }

        public Context auctionStepMs(final long value)
        {
            auctionStepMs = value;
            return this;
        }

        /**
         * @return pool loss cap: largest drawdown of NAV per share from its high-water mark, ppm (20%).
         */
        public int poolLossCapPpm()
        {
            return poolLossCapPpm;
        }

        public Context poolLossCapPpm(final int value)
        {
            poolLossCapPpm = value;
            return this;
        }

        /**
         * @return takeover band around the mark's time-weighted average, ppm (±5%).
         */
        public int bandPpm()
        {
            return bandPpm;
        }

        public Context bandPpm(final int value)
        {
            bandPpm = value;
            return this;
        }

        public long twapWindowMs()
        {
            return twapWindowMs;
        }

        public Context twapWindowMs(final long value)
        {
            twapWindowMs = value;
            return this;
        }

        public long redemptionNoticeMs()
        {
            return redemptionNoticeMs;
        }

        public Context redemptionNoticeMs(final long value)
        {
            redemptionNoticeMs = value;
            return this;
        }

        /**
         * @return how long a due redemption that cannot be paid yet (open deficit, pool short of free cash) waits
         * before the next try.
         */
        public long redemptionRetryMs()
        {
            return redemptionRetryMs;
        }

        public Context redemptionRetryMs(final long value)
        {
            redemptionRetryMs = value;
            return this;
        }

        /**
         * @return whole-account threshold: equity below this multiple of MM, ppm, sends the account to the backstop
         * whole ({@link Money#TWO_THIRDS_PPM}, read as exactly ⅔).
         */
        public int wholeAccountThresholdPpm()
        {
            return wholeAccountThresholdPpm;
        }

        public Context wholeAccountThresholdPpm(final int value)
        {
            wholeAccountThresholdPpm = value;
            return this;
        }

        /**
         * @return the pool's share of a takeover's equity share, ppm, rounded down; the insurance fund gets the rest
         * ({@link Money#TWO_THIRDS_PPM}, read as exactly ⅔).
         */
        public int poolSharePpm()
        {
            return poolSharePpm;
        }

        public Context poolSharePpm(final int value)
        {
            poolSharePpm = value;
            return this;
        }
    }

    private static final class Liquidation
    {
        long accountId;
        long startedMs;
        LiquidationCause cause;
        long auctionId;
        LiquidationCause heldCause;

        Liquidation set(final long accountId, final long startedMs, final LiquidationCause cause)
        {
            this.accountId = accountId;
            this.startedMs = startedMs;
            this.cause = cause;
            auctionId = 0;
            heldCause = null;
            return this;
        }
    }

    /**
     * A slice's auction and, once its steps are over with lots unsold, the remainder waiting for a pool.
     */
    private static final class Auction
    {
        final LiquidationAuction auction = new LiquidationAuction();
        boolean awaitingPool;

        long auctionId()
        {
            return auction.auctionId();
        }
    }

    /**
     * Buckets of each instrument's time-weighted mark (5 s each over the default 5-minute window).
     */
    public static final int TWAP_BUCKETS = PriceBand.DEFAULT_BUCKETS;

    private final LiquidationBook book;
    private final LiquidationEvents events;
    private final Context ctx;
    private final BlpRegistry blps = new BlpRegistry();
    private final AutoDeleveraging autoDeleveraging;
    private final ArrayList<Liquidation> liquidations = new ArrayList<>();
    private final ArrayList<Auction> auctions = new ArrayList<>();
    private final ArrayList<BackstopPool> pools = new ArrayList<>();
    private final Int2ObjectHashMap<PriceBand> bands = new Int2ObjectHashMap<>();
    private long[] deficitAccounts = new long[4];
    private long[] deficitAmounts = new long[4];
    private int deficitCount;
    private long nextAuctionId = 1;
    private long nextRoundMs = Long.MAX_VALUE;
    private long redemptionRetryAtMs = Long.MIN_VALUE;

    private final ArrayList<Liquidation> freeLiquidations = new ArrayList<>();
    private final ArrayList<Auction> freeAuctions = new ArrayList<>();
    private final AuctionFills fills = new AuctionFills(8);
    private final RedemptionPayouts payouts = new RedemptionPayouts(8);
    private long[] positionMms = new long[8];
    private int[] positionInstruments = new int[8];
    private long positionMmTotal;

    /**
     * Creates the engine with the default parameters and installs it on the clearing house (its
     * {@link LiquidationHooks} and the target of its liquidation commands): before the first command and before a
     * snapshot is loaded.
     *
     * @param house the clearing house.
     */
    public LiquidationEngine(final ClearingHouse house)
    {
        this(house, new Context());
    }

    /**
     * Creates the engine and installs it on the clearing house (see {@link #LiquidationEngine(ClearingHouse)}).
     *
     * @param house   the clearing house.
     * @param context the engine's parameters.
     */
    public LiquidationEngine(final ClearingHouse house, final Context context)
    {
        this(new ClearingHouseBook(house), house.events(), context);
        house.liquidationHooks(this);
        house.liquidationEngine(this);
    }

    LiquidationEngine(final LiquidationBook book, final LiquidationEvents events, final Context ctx)
    {
        this.book = book;
        this.events = events;
        this.ctx = ctx.conclude();
        this.autoDeleveraging = new AutoDeleveraging(book, events);
    }

    public Context context()
    {
        return ctx;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Hooks the clearing house calls.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * An account was found below maintenance margin: it enters liquidation (unless it already is, or is an open
     * deficit), and a round is asked for one interval later.
     */
    public void onBelowMaintenance(final long accountId, final long nowMs)
    {
        if (liquidationIndex(accountId) >= 0 || deficitIndex(accountId) >= 0)
        {
            return;
        }
        final MarginAccount account = book.account(accountId);
        if (null == account)
        {
            return;
        }
        final Liquidation liquidation = newLiquidation().set(accountId, nowMs, LiquidationCause.BELOW_MAINTENANCE);
        liquidations.add(-liquidationIndex(accountId) - 1, liquidation);
        book.markLiquidating(accountId);
        events.onLiquidationStarted(
            book.nextEventSequence(), accountId, book.equity(account), book.maintenanceMargin(account),
            LiquidationCause.BELOW_MAINTENANCE);
        if (Long.MAX_VALUE == nextRoundMs)
        {
            nextRoundMs = nowMs + ctx.roundIntervalMs;
        }
    }

    /**
     * Feeds the takeover band with a new mark.
     */
    public void onMarkPrice(final int instrumentId, final long markPriceTicks, final long nowMs)
    {
        PriceBand band = bands.get(instrumentId);
        if (null == band)
        {
            band = new PriceBand(ctx.twapWindowMs, TWAP_BUCKETS);
            bands.put(instrumentId, band);
        }
        band.onMark(markPriceTicks, nowMs);
    }

    /**
     * @return the earliest time the engine has work: an auction step, a round, a redemption; Long.MAX_VALUE when
     * nothing is due.
     */
    public long nextDeadlineMs()
    {
        long next = nextRoundMs;
        for (int i = 0, n = auctions.size(); i < n; i++)
        {
            final Auction auction = auctions.get(i);
            if (!auction.awaitingPool)
            {
                next = Math.min(next, auction.auction.nextDeadlineMs());
            }
        }
        for (int i = 0, n = pools.size(); i < n; i++)
        {
            final long due = pools.get(i).nextDeadlineMs();
            if (Long.MAX_VALUE != due)
            {
                next = Math.min(next, Math.max(due, redemptionRetryAtMs));
            }
        }
        return next;
    }

    /**
     * Does the work due at {@code nowMs}: auction steps (by auction id), then the liquidation round, then due
     * redemptions. Steps go first so an auction whose last step coincides with a round hands its remainder to the
     * pools before the round looks at the account.
     */
    public void onDeadline(final long nowMs)
    {
        for (int i = 0; i < auctions.size(); )
        {
            final Auction auction = auctions.get(i);
            if (!auction.awaitingPool && auction.auction.nextDeadlineMs() <= nowMs && stepAuction(auction, nowMs))
            {
                continue;
            }
            i++;
        }

        if (nextRoundMs <= nowMs)
        {
            nextRoundMs = Long.MAX_VALUE;
            runRound(nowMs);
            if (!liquidations.isEmpty())
            {
                nextRoundMs = nowMs + ctx.roundIntervalMs;
            }
        }

        if (redemptionRetryAtMs <= nowMs)
        {
            payRedemptions(nowMs);
        }
    }

    /**
     * Writes the engine's state (the hook the clearing house calls after its own records).
     */
    public void writeState(final ClearingStateSink sink)
    {
        writeState((LiquidationStateSink)sink);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Commands (the clearing house checks the idempotency key first).
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Registers a BLP with its declared capacity in micro-units of notional, or changes the capacity of one already
     * registered (what it already consumed stays consumed).
     */
    public Outcome registerBlp(final long blpAccountId, final long capacityNotional)
    {
        if (null == book.account(blpAccountId))
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        if (capacityNotional <= 0)
        {
            return Outcome.INVALID_AMOUNT;
        }
        if (isPool(blpAccountId))
        {
            return Outcome.INVALID_PARAMETER;
        }
        final Outcome outcome = blps.isRegistered(blpAccountId) ?
            blps.update(blpAccountId, capacityNotional) : blps.register(blpAccountId, capacityNotional);
        if (Outcome.ACCEPTED == outcome)
        {
            book.markLiquidityProvider(blpAccountId);
            events.onBlpRegistered(book.nextEventSequence(), blpAccountId, capacityNotional);
        }
        return outcome;
    }

    /**
     * A BLP's bid for a running auction: up to {@code lots} of the slice at {@code priceTicks} or better for the
     * defaulter; a new bid from the same BLP replaces its previous one. It is matched at the end of each step whose
     * price it meets, at its own price; a price worse than the bankruptcy price is refused, and so is a bid the
     * BLP's equity could not margin at initial margin.
     */
    public Outcome submitAuctionBid(
        final long auctionId, final long blpAccountId, final long priceTicks, final long lots)
    {
        final int auctionIndex = auctionIndex(auctionId);
        if (auctionIndex < 0 || auctions.get(auctionIndex).awaitingPool ||
            !auctions.get(auctionIndex).auction.isOpen())
        {
            return Outcome.NO_AUCTION_OPEN;
        }
        final LiquidationAuction auction = auctions.get(auctionIndex).auction;
        final MarginAccount blp = book.account(blpAccountId);
        if (null == blp)
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        if (!blps.isRegistered(blpAccountId))
        {
            return Outcome.NOT_A_LIQUIDITY_PROVIDER;
        }
        if (lots > 0 && priceTicks > 0 && blpAccountId != auction.defaulterAccountId())
        {
            try
            {
                final long lotsAtStake = Math.min(lots, auction.remainingLots());
                final long side = auction.sliceLotsSigned() > 0 ? 1 : -1;
                if (book.equity(blp) < book.initialMarginAfter(blp, auction.instrumentId(), side * lotsAtStake))
                {
                    return Outcome.INSUFFICIENT_CAPACITY;
                }
            }
            catch (final ArithmeticException ex)
            {
                return Outcome.ARITHMETIC_OVERFLOW;
            }
        }
        Outcome outcome = auction.bid(blpAccountId, priceTicks, lots, blps);
        if (Outcome.INSUFFICIENT_CASH == outcome)
        {
            outcome = Outcome.INSUFFICIENT_CAPACITY;
        }
        if (Outcome.NOT_AUTHORISED == outcome)
        {
            outcome = Outcome.NOT_A_LIQUIDITY_PROVIDER;
        }
        if (Outcome.ACCEPTED == outcome)
        {
            events.onAuctionBid(book.nextEventSequence(), auctionId, blpAccountId, priceTicks, lots, outcome);
        }
        return outcome;
    }

    /**
     * Opens the pool's account (owned by {@code ownerMemberId}) and makes it a backstop pool.
     */
    public Outcome createPool(final long poolAccountId, final long ownerMemberId)
    {
        if (poolAccountId <= 0 || ownerMemberId <= 0)
        {
            return Outcome.INVALID_PARAMETER;
        }
        if (!book.openPoolAccount(poolAccountId, ownerMemberId))
        {
            return Outcome.ACCOUNT_EXISTS;
        }
        pools.add(-poolIndex(poolAccountId) - 1,
            new BackstopPool(poolAccountId, poolAccountId, ctx.poolLossCapPpm, ctx.redemptionNoticeMs));
        events.onPoolCreated(book.nextEventSequence(), poolAccountId, ownerMemberId);
        return Outcome.ACCEPTED;
    }

    /**
     * Moves cash from the depositor's account to the pool and mints shares at NAV ({@code amount × shares /
     * equity}, rounded down; one share per micro-unit for the first deposit). The depositor may move only what it
     * could withdraw.
     */
    public Outcome poolDeposit(final long poolAccountId, final long depositorAccountId, final long amount)
    {
        final int poolIndex = poolIndex(poolAccountId);
        if (poolIndex < 0)
        {
            return Outcome.UNKNOWN_POOL;
        }
        final BackstopPool pool = pools.get(poolIndex);
        final MarginAccount depositor = book.account(depositorAccountId);
        final MarginAccount poolAccount = book.account(poolAccountId);
        if (null == depositor || null == poolAccount)
        {
            return Outcome.UNKNOWN_ACCOUNT;
        }
        if (depositorAccountId == poolAccountId || isPool(depositorAccountId))
        {
            return Outcome.INVALID_PARAMETER;
        }
        if (amount <= 0)
        {
            return Outcome.INVALID_AMOUNT;
        }
        final long minted;
        final long poolEquity;
        try
        {
            if (amount > depositor.cash())
            {
                return Outcome.INSUFFICIENT_CASH;
            }
            if (amount > book.withdrawable(depositor))
            {
                return Outcome.BELOW_INITIAL_MARGIN;
            }
            poolEquity = book.equity(poolAccount);
            minted = pool.mintShares(depositorAccountId, amount, poolEquity);
        }
        catch (final ArithmeticException ex)
        {
            return Outcome.ARITHMETIC_OVERFLOW;
        }
        if (minted <= 0)
        {
            return Outcome.INVALID_AMOUNT;
        }

        book.moveCash(depositorAccountId, poolAccountId, amount);
        events.onPoolDeposit(
            book.nextEventSequence(), poolAccountId, depositorAccountId, amount, minted, pool.sharesOutstanding(),
            pool.navPerMillionShares(poolEquity + amount));
        return Outcome.ACCEPTED;
    }

    /**
     * Gives notice to redeem shares; they are paid at the pool's NAV when the notice has passed, so losses during
     * the notice still apply, and not while a default's deficit is open.
     */
    public Outcome requestPoolRedemption(
        final long poolAccountId, final long depositorAccountId, final long shares, final long nowMs)
    {
        final int poolIndex = poolIndex(poolAccountId);
        if (poolIndex < 0)
        {
            return Outcome.UNKNOWN_POOL;
        }
        final BackstopPool pool = pools.get(poolIndex);
        Outcome outcome = pool.requestRedemption(depositorAccountId, shares, nowMs);
        if (Outcome.INSUFFICIENT_CASH == outcome)
        {
            outcome = Outcome.INVALID_QUANTITY;
        }
        if (Outcome.ACCEPTED == outcome)
        {
            events.onPoolRedemptionRequested(
                book.nextEventSequence(), poolAccountId, depositorAccountId, shares, nowMs + pool.redemptionNoticeMs());
        }
        return outcome;
    }

    /**
     * Replaces the engine's parameters (operator command); they apply from the next round, slice and takeover, and
     * the loss cap and redemption notice to every pool (a redemption already requested keeps its due time).
     *
     * @return {@link Outcome#INVALID_PARAMETER} with nothing changed when any is out of range.
     */
    public Outcome setParameters(
        final long roundIntervalMs,
        final long minSliceNotional,
        final int slicePpm,
        final int targetPpm,
        final int feePpm,
        final int auctionSteps,
        final long auctionStepMs,
        final int poolLossCapPpm,
        final int bandPpm,
        final long twapWindowMs,
        final long redemptionNoticeMs,
        final int wholeAccountThresholdPpm,
        final int poolSharePpm)
    {
        try
        {
            new Context().roundIntervalMs(roundIntervalMs).minSliceNotional(minSliceNotional).slicePpm(slicePpm)
                .targetPpm(targetPpm).feePpm(feePpm).auctionSteps(auctionSteps).auctionStepMs(auctionStepMs)
                .poolLossCapPpm(poolLossCapPpm).bandPpm(bandPpm).twapWindowMs(twapWindowMs)
                .redemptionNoticeMs(redemptionNoticeMs).redemptionRetryMs(ctx.redemptionRetryMs)
                .wholeAccountThresholdPpm(wholeAccountThresholdPpm).poolSharePpm(poolSharePpm).conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            return Outcome.INVALID_PARAMETER;
        }
        ctx.roundIntervalMs(roundIntervalMs).minSliceNotional(minSliceNotional).slicePpm(slicePpm)
            .targetPpm(targetPpm).feePpm(feePpm).auctionSteps(auctionSteps).auctionStepMs(auctionStepMs)
            .poolLossCapPpm(poolLossCapPpm).bandPpm(bandPpm).twapWindowMs(twapWindowMs)
            .redemptionNoticeMs(redemptionNoticeMs).wholeAccountThresholdPpm(wholeAccountThresholdPpm)
            .poolSharePpm(poolSharePpm);
        for (int i = 0, n = pools.size(); i < n; i++)
        {
            pools.get(i).setLossCapPpm(poolLossCapPpm);
            pools.get(i).setRedemptionNoticeMs(redemptionNoticeMs);
        }
        return Outcome.ACCEPTED;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reads.
    // ---------------------------------------------------------------------------------------------------------------

    public boolean isLiquidating(final long accountId)
    {
        return liquidationIndex(accountId) >= 0;
    }

    public int liquidationCount()
    {
        return liquidations.size();
    }

    public boolean hasOpenDeficit(final long accountId)
    {
        return deficitIndex(accountId) >= 0;
    }

    /**
     * @return the deficit recorded for the account when it became bankrupt, 0 when none.
     */
    public long openDeficit(final long accountId)
    {
        final int index = deficitIndex(accountId);
        return index >= 0 ? deficitAmounts[index] : 0;
    }

    public int openDeficitCount()
    {
        return deficitCount;
    }

    public boolean isPool(final long accountId)
    {
        return poolIndex(accountId) >= 0;
    }

    /**
     * @return the pool's share register, null when the account is not a pool.
     */
    public BackstopPool pool(final long poolAccountId)
    {
        final int index = poolIndex(poolAccountId);
        return index >= 0 ? pools.get(index) : null;
    }

    public int poolCount()
    {
        return pools.size();
    }

    public BackstopPool poolAt(final int index)
    {
        return pools.get(index);
    }

    public BlpRegistry blps()
    {
        return blps;
    }

    /**
     * @return the last rung of the position ladder: its switch and counters.
     */
    public AutoDeleveraging autoDeleveraging()
    {
        return autoDeleveraging;
    }

    public int auctionCount()
    {
        return auctions.size();
    }

    /**
     * @return the auction of the account's current slice (running or awaiting a pool), 0 when none.
     */
    public long auctionOf(final long accountId)
    {
        final int index = liquidationIndex(accountId);
        return index >= 0 ? liquidations.get(index).auctionId : 0;
    }

    /**
     * @return the auction, null when it is over.
     */
    public LiquidationAuction auction(final long auctionId)
    {
        final int index = auctionIndex(auctionId);
        return index >= 0 ? auctions.get(index).auction : null;
    }

    /**
     * @return the mark's time-weighted average over the window ending now, 0 with no sample.
     */
    public long twapTicks(final int instrumentId, final long nowMs)
    {
        final PriceBand band = bands.get(instrumentId);
        return null == band ? 0 : band.twapTicks(nowMs);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Rounds.
    // ---------------------------------------------------------------------------------------------------------------

    private void runRound(final long nowMs)
    {
        long cursor = Long.MIN_VALUE;
        while (true)
        {
            int index = liquidationIndex(cursor);
            index = index >= 0 ? index + 1 : -index - 1;
            if (index >= liquidations.size())
            {
                break;
            }
            final Liquidation liquidation = liquidations.get(index);
            cursor = liquidation.accountId;
            try
            {
                round(liquidation, nowMs);
            }
            catch (final ArithmeticException ex)
            {
                // Values too large to price: leave the account for the next round rather than stop the others.
            }
        }
    }

    private void round(final Liquidation liquidation, final long nowMs)
    {
        final MarginAccount account = book.account(liquidation.accountId);
        final long equity = book.equity(account);
        final long mm = book.maintenanceMargin(account);

        if (0 == account.positionCount())
        {
            cancelAuction(liquidation);
            endFlat(liquidation, account);
            return;
        }
        if (LiquidationSlicing.reachedTarget(equity, mm, ctx.targetPpm))
        {
            cancelAuction(liquidation);
            end(liquidation, equity, mm, LiquidationCause.TARGET_REACHED);
            return;
        }
        if (LiquidationSlicing.belowWholeAccountThreshold(equity, mm, ctx.wholeAccountThresholdPpm))
        {
            cancelAuction(liquidation);
            int instrumentCursor = Integer.MIN_VALUE;
            while (true)
            {
                int index = account.indexOf(instrumentCursor);
                index = index >= 0 ? index + 1 : -index - 1;
                if (index >= account.positionCount())
                {
                    break;
                }
                instrumentCursor = account.instrumentIdAt(index);
                takeOver(liquidation, account, index, Math.abs(account.quantityAt(index)), nowMs);
            }
            if (0 == account.positionCount())
            {
                endFlat(liquidation, account);
            }
            return;
        }

        if (0 != liquidation.auctionId)
        {
            final Auction auction = auctions.get(auctionIndex(liquidation.auctionId));
            if (auction.awaitingPool)
            {
                takeOverRemainder(liquidation, auction, nowMs);
            }
            return;
        }

        startAuction(liquidation, account, equity, mm, nowMs);
    }

    private void startAuction(
        final Liquidation liquidation, final MarginAccount account, final long equity, final long mm, final long nowMs)
    {
        final int count = positionMargins(account);
        final int index = LiquidationSlicing.largestRiskIndex(count, positionMms, positionInstruments);
        if (index < 0 || 0 == positionMmTotal)
        {
            return;
        }
        final Instrument instrument = book.instrument(account.instrumentIdAt(index));
        final long markTicks = instrument.markPriceTicks();
        final long position = account.quantityAt(index);
        final long lots = LiquidationSlicing.sliceLots(
            position, markTicks, instrument.tickValue(), ctx.minSliceNotional, ctx.slicePpm);
        final long signedLots = position > 0 ? lots : -lots;
        final long share = BankruptcyPrice.equityShare(equity, positionMms[index], positionMmTotal, lots, position);
        final long bankruptcyTicks = BankruptcyPrice.bankruptcyPriceTicks(
            markTicks, signedLots, share, instrument.tickValue());

        final Auction auction = newAuction();
        final Outcome opened = auction.auction.open(
            nextAuctionId, account.accountId(), instrument.instrumentId(), signedLots, markTicks, bankruptcyTicks,
            instrument.tickValue(), nowMs, ctx.auctionSteps, ctx.auctionStepMs);
        if (Outcome.ACCEPTED != opened)
        {
            freeAuctions.add(auction);
            return;
        }
        nextAuctionId++;
        auctions.add(auction);
        liquidation.auctionId = auction.auctionId();

        events.onSliceOffered(
            book.nextEventSequence(), auction.auctionId(), account.accountId(), instrument.instrumentId(), signedLots,
            markTicks, bankruptcyTicks, equity, mm);
        events.onAuctionStep(book.nextEventSequence(), auction.auctionId(), 0, markTicks);
    }

    private void cancelAuction(final Liquidation liquidation)
    {
        if (0 == liquidation.auctionId)
        {
            return;
        }
        final Auction auction = auctions.remove(auctionIndex(liquidation.auctionId));
        liquidation.auctionId = 0;
        if (!auction.awaitingPool)
        {
            auction.auction.cancel();
            events.onAuctionEnded(
                book.nextEventSequence(), auction.auctionId(), liquidation.accountId, auction.auction.filledLots(),
                auction.auction.remainingLots(), LiquidationCause.AUCTION_CANCELLED);
        }
        freeAuctions.add(auction);
    }

    private void endFlat(final Liquidation liquidation, final MarginAccount account)
    {
        final long equity = book.equity(account);
        if (equity < 0)
        {
            addDeficit(account.accountId(), -equity);
            book.addOpenDeficit(-equity);
            events.onOpenDeficit(book.nextEventSequence(), account.accountId(), -equity);
            end(liquidation, equity, 0, LiquidationCause.BANKRUPT);
        }
        else
        {
            end(liquidation, equity, 0, LiquidationCause.NO_POSITIONS);
        }
    }

    private void end(final Liquidation liquidation, final long equity, final long mm, final LiquidationCause cause)
    {
        freeLiquidations.add(liquidations.remove(liquidationIndex(liquidation.accountId)));
        events.onLiquidationEnded(book.nextEventSequence(), liquidation.accountId, equity, mm, cause);
        if (LiquidationCause.BANKRUPT == cause)
        {
            book.markBankrupt(liquidation.accountId);
        }
        else
        {
            book.markLiquidationEnded(liquidation.accountId);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Auctions.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Matches the steps now due: settles their fills, opens the next step, or hands the remainder to the pools
     * once the auction is done.
     *
     * @return true when the auction was removed.
     */
    private boolean stepAuction(final Auction wrapper, final long nowMs)
    {
        final LiquidationAuction auction = wrapper.auction;
        final MarginAccount account = book.account(auction.defaulterAccountId());
        final int stepBefore = auction.nextStep();
        final int fillCount;
        try
        {
            fillCount = auction.onStep(nowMs, blps, fills);
        }
        catch (final ArithmeticException ex)
        {
            auction.cancel();
            return finishAuction(wrapper, account, nowMs);
        }
        for (int i = 0; i < fillCount; i++)
        {
            try
            {
                settleFill(auction, account, fills.blpAccountIdAt(i), fills.priceTicksAt(i), fills.lotsAt(i), nowMs);
            }
            catch (final ArithmeticException ex)
            {
                // A fill too large to value is not settled; the BLP keeps its capacity consumed (rare, logged by the
                // absence of its fill event).
            }
        }

        if (auction.isOpen())
        {
            for (int step = stepBefore + 1; step <= auction.nextStep(); step++)
            {
                events.onAuctionStep(book.nextEventSequence(), auction.auctionId(), step, auction.stepPriceTicks(step));
            }
            return false;
        }
        return finishAuction(wrapper, account, nowMs);
    }

    private boolean finishAuction(final Auction wrapper, final MarginAccount account, final long nowMs)
    {
        final LiquidationAuction auction = wrapper.auction;
        final int liquidationIndex = liquidationIndex(auction.defaulterAccountId());
        final long unsold = unsoldLots(auction, account);
        if (0 == unsold || liquidationIndex < 0)
        {
            auctions.remove(auctionIndex(auction.auctionId()));
            if (liquidationIndex >= 0)
            {
                liquidations.get(liquidationIndex).auctionId = 0;
            }
            events.onAuctionEnded(
                book.nextEventSequence(), auction.auctionId(), auction.defaulterAccountId(), auction.filledLots(),
                0, 0 == auction.remainingLots() ? LiquidationCause.AUCTION_FILLED : LiquidationCause.POSITION_CHANGED);
            freeAuctions.add(wrapper);
            return true;
        }
        wrapper.awaitingPool = true;
        events.onAuctionEnded(
            book.nextEventSequence(), auction.auctionId(), auction.defaulterAccountId(), auction.filledLots(), unsold,
            LiquidationCause.AUCTION_EXHAUSTED);
        try
        {
            return takeOverRemainder(liquidations.get(liquidationIndex), wrapper, nowMs);
        }
        catch (final ArithmeticException ex)
        {
            return false;
        }
    }

    /**
     * @return lots of the slice still to be sold: the auction's remainder, no more than the defaulter still holds
     * on the slice's side (a risk-reducing trade may have closed some).
     */
    private static long unsoldLots(final LiquidationAuction auction, final MarginAccount account)
    {
        final long position = account.quantityOf(auction.instrumentId());
        if (0 == position || (position > 0) != (auction.sliceLotsSigned() > 0))
        {
            return 0;
        }
        return Math.min(auction.remainingLots(), Math.abs(position));
    }

    /**
     * The defaulter's lots go to the BLP at the bid price (two fills that net to zero), and the liquidation fee,
     * capped at what the lots have left above bankruptcy at that price, goes from the defaulter to the insurance
     * fund.
     */
    private void settleFill(
        final LiquidationAuction auction,
        final MarginAccount account,
        final long blpAccountId,
        final long priceTicks,
        final long filledLots,
        final long nowMs)
    {
        final long position = account.quantityOf(auction.instrumentId());
        final long side = auction.sliceLotsSigned() > 0 ? 1 : -1;
        final long lots = 0 == position || (position > 0) != (side > 0) ?
            0 : Math.min(filledLots, Math.abs(position));
        if (0 == lots)
        {
            return;
        }
        final long tickValue = auction.tickValue();
        final long notional = Money.value(lots, priceTicks, tickValue);
        final long aboveBankruptcy = Money.value(
            lots, side * Math.subtractExact(priceTicks, auction.bankruptcyTicks()), tickValue);
        final long fee = LiquidationFee.fee(notional, ctx.feePpm, aboveBankruptcy);
        final long equityBefore = book.equity(account);
        final long mmBefore = book.maintenanceMargin(account);

        if (side > 0)
        {
            book.tradeAt(blpAccountId, auction.defaulterAccountId(), auction.instrumentId(), lots, priceTicks);
        }
        else
        {
            book.tradeAt(auction.defaulterAccountId(), blpAccountId, auction.instrumentId(), lots, priceTicks);
        }
        if (fee > 0)
        {
            book.payInsuranceFund(auction.defaulterAccountId(), fee);
        }

        events.onAuctionFill(
            book.nextEventSequence(), auction.auctionId(), auction.defaulterAccountId(), blpAccountId,
            auction.instrumentId(), priceTicks, lots, fee, equityBefore, mmBefore, book.equity(account),
            book.maintenanceMargin(account));
        if (fee > 0)
        {
            events.onLiquidationFee(
                book.nextEventSequence(), auction.defaulterAccountId(), fee, book.insuranceFund());
        }

        book.evaluateRisk(blpAccountId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pool takeovers.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * @return true when the remainder is settled (or gone) and the auction removed.
     */
    private boolean takeOverRemainder(final Liquidation liquidation, final Auction wrapper, final long nowMs)
    {
        final MarginAccount account = book.account(liquidation.accountId);
        final long lots = unsoldLots(wrapper.auction, account);
        if (0 == lots || takeOver(liquidation, account, account.indexOf(wrapper.auction.instrumentId()), lots, nowMs))
        {
            auctions.remove(auctionIndex(wrapper.auctionId()));
            liquidation.auctionId = 0;
            freeAuctions.add(wrapper);
            return true;
        }
        return false;
    }

    /**
     * A pool takes {@code lots} of the position at {@code positionIndex} at the mark; the defaulter pays its equity
     * share e of those lots: ⌊⅔ e⌋ to the pool, the rest to the insurance fund (nothing when e &lt; 0).
     *
     * @return false when the takeover is held (mark outside the band, or no pool can take it).
     */
    private boolean takeOver(
        final Liquidation liquidation,
        final MarginAccount account,
        final int positionIndex,
        final long lots,
        final long nowMs)
    {
        final int instrumentId = account.instrumentIdAt(positionIndex);
        final Instrument instrument = book.instrument(instrumentId);
        final long markTicks = instrument.markPriceTicks();
        final long position = account.quantityAt(positionIndex);
        final long signedLots = position > 0 ? lots : -lots;

        final long equityBefore = book.equity(account);
        final long mmBefore = book.maintenanceMargin(account);
        positionMargins(account);
        final long share = BankruptcyPrice.equityShare(
            equityBefore, positionMms[positionIndex], Math.max(1, positionMmTotal), lots, position);
        final long bankruptcyTicks = BankruptcyPrice.bankruptcyPriceTicks(
            markTicks, signedLots, share, instrument.tickValue());

        final PriceBand band = bands.get(instrumentId);
        final long twap = null == band ? markTicks : band.twapTicks(nowMs);
        if (null != band && !band.withinBand(markTicks, nowMs, ctx.bandPpm))
        {
            hold(liquidation, instrumentId, signedLots, markTicks, twap, LiquidationCause.OUTSIDE_PRICE_BAND);
            return false;
        }
        final long poolPayment = TakeoverPricing.takeoverPoolPayment(share, ctx.poolSharePpm);
        final long insurancePayment = TakeoverPricing.takeoverInsurancePayment(share, ctx.poolSharePpm);
        final BackstopPool pool = choosePool(account.accountId(), instrumentId, signedLots, poolPayment);
        if (null == pool)
        {
            if (!autoDeleveraging.isEnabled(instrumentId))
            {
                // The operator chose to hold instead: the takeover waits for a pool with room.
                hold(liquidation, instrumentId, signedLots, markTicks, twap, LiquidationCause.NO_POOL_CAPACITY);
                return false;
            }
            final long closed = autoDeleveraging.deleverage(
                account, instrumentId, signedLots, markTicks, bankruptcyTicks, share, equityBefore, mmBefore);
            if (closed < lots)
            {
                final long left = signedLots > 0 ? lots - closed : closed - lots;
                hold(liquidation, instrumentId, left, markTicks, twap, LiquidationCause.NO_DELEVERAGING_COUNTERPARTY);
                return false;
            }
            liquidation.heldCause = null;
            return true;
        }

        if (signedLots > 0)
        {
            book.tradeAt(pool.accountId(), account.accountId(), instrumentId, lots, markTicks);
        }
        else
        {
            book.tradeAt(account.accountId(), pool.accountId(), instrumentId, lots, markTicks);
        }
        if (poolPayment > 0)
        {
            book.moveCash(account.accountId(), pool.accountId(), poolPayment);
        }
        if (insurancePayment > 0)
        {
            book.payInsuranceFund(account.accountId(), insurancePayment);
        }
        pool.markHighWater(book.equity(book.account(pool.accountId())));
        liquidation.heldCause = null;
        book.evaluateRisk(pool.accountId());

        events.onPoolTakeover(
            book.nextEventSequence(), account.accountId(), pool.accountId(), instrumentId, signedLots, markTicks,
            bankruptcyTicks, poolPayment, insurancePayment, equityBefore, mmBefore, book.equity(account),
            book.maintenanceMargin(account));
        return true;
    }

    private void hold(
        final Liquidation liquidation,
        final int instrumentId,
        final long signedLots,
        final long markTicks,
        final long twap,
        final LiquidationCause cause)
    {
        if (liquidation.heldCause != cause)
        {
            liquidation.heldCause = cause;
            events.onTakeoverHeld(
                book.nextEventSequence(), liquidation.accountId, instrumentId, signedLots, markTicks, twap, cause);
        }
    }

    /**
     * The first pool by account id that is not the defaulter, not itself liquidating or bankrupt, within its loss
     * cap, and whose equity (with its payment) covers its initial margin after taking the position. A takeover at
     * the mark never lowers the pool's equity, so a pool within its cap before stays within it after.
     */
    private BackstopPool choosePool(
        final long defaulterAccountId, final int instrumentId, final long signedLots, final long poolPayment)
    {
        for (int i = 0, n = pools.size(); i < n; i++)
        {
            final BackstopPool pool = pools.get(i);
            if (pool.accountId() == defaulterAccountId || isLiquidating(pool.accountId()) ||
                hasOpenDeficit(pool.accountId()))
            {
                continue;
            }
            final MarginAccount poolAccount = book.account(pool.accountId());
            final long equity = book.equity(poolAccount);
            pool.markHighWater(equity);
            if (!pool.withinLossCap(equity))
            {
                continue;
            }
            final long equityAfter = Math.addExact(equity, poolPayment);
            if (equityAfter >= book.initialMarginAfter(poolAccount, instrumentId, signedLots))
            {
                return pool;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Redemptions.
    // ---------------------------------------------------------------------------------------------------------------

    private void payRedemptions(final long nowMs)
    {
        boolean held = false;
        for (int p = 0, n = pools.size(); p < n; p++)
        {
            final BackstopPool pool = pools.get(p);
            if (pool.nextDeadlineMs() > nowMs)
            {
                continue;
            }
            if (deficitCount > 0 || isLiquidating(pool.accountId()))
            {
                // A default's loss is not allocated yet (issue 4), or the pool itself is failing: no capital leaves.
                held = true;
                continue;
            }
            final MarginAccount poolAccount = book.account(pool.accountId());
            final int count;
            try
            {
                count = pool.dueRedemptions(nowMs, book.equity(poolAccount), payouts);
            }
            catch (final ArithmeticException ex)
            {
                held = true;
                continue;
            }
            for (int i = 0; i < count; i++)
            {
                final long amount = payouts.amountAt(i);
                if (amount > 0)
                {
                    book.moveCash(pool.accountId(), payouts.depositorAt(i), amount);
                }
                events.onPoolRedemption(
                    book.nextEventSequence(), pool.accountId(), payouts.depositorAt(i), amount, payouts.sharesAt(i),
                    pool.sharesOutstanding(), pool.navPerMillionShares(book.equity(poolAccount)));
            }
            if (count > 0)
            {
                book.evaluateRisk(pool.accountId());
            }
        }
        redemptionRetryAtMs = held ? nowMs + ctx.redemptionRetryMs : Long.MIN_VALUE;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Snapshot, digest and restore.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Writes the whole engine state in canonical order (see {@link LiquidationStateSink}).
     */
    public void writeState(final LiquidationStateSink sink)
    {
        sink.liquidationHeader(
            nextAuctionId, nextRoundMs, redemptionRetryAtMs, ctx.roundIntervalMs, ctx.minSliceNotional, ctx.slicePpm,
            ctx.targetPpm, ctx.feePpm, ctx.auctionSteps, ctx.auctionStepMs, ctx.poolLossCapPpm, ctx.bandPpm,
            ctx.twapWindowMs, ctx.redemptionNoticeMs, ctx.redemptionRetryMs, ctx.wholeAccountThresholdPpm,
            ctx.poolSharePpm);
        for (int i = 0, n = liquidations.size(); i < n; i++)
        {
            final Liquidation l = liquidations.get(i);
            sink.liquidation(
                l.accountId, l.startedMs, l.cause.code(), l.auctionId, null == l.heldCause ? 0 : l.heldCause.code());
        }
        for (int i = 0, n = auctions.size(); i < n; i++)
        {
            final Auction wrapper = auctions.get(i);
            final LiquidationAuction a = wrapper.auction;
            sink.auction(
                a.auctionId(), a.defaulterAccountId(), a.instrumentId(), a.sliceLotsSigned(), a.remainingLots(),
                a.markTicks(), a.bankruptcyTicks(), a.tickValue(), a.startMs(), a.steps(), a.stepIntervalMs(),
                a.nextStep(), a.isOpen(), wrapper.awaitingPool);
            for (int b = 0, m = a.bidCount(); b < m; b++)
            {
                sink.auctionBid(a.auctionId(), a.bidAccountIdAt(b), a.bidPriceTicksAt(b), a.bidLotsAt(b));
            }
        }
        for (int i = 0, n = blps.count(); i < n; i++)
        {
            sink.blp(blps.accountIdAt(i), blps.declaredCapacityAt(i), blps.remainingCapacityAt(i));
        }
        for (int i = 0, n = pools.size(); i < n; i++)
        {
            final BackstopPool pool = pools.get(i);
            sink.pool(
                pool.accountId(), pool.sharesOutstanding(), pool.highWaterNavPerMillionShares(), pool.lossCapPpm(),
                pool.redemptionNoticeMs());
            for (int d = 0, m = pool.depositorCount(); d < m; d++)
            {
                sink.poolDepositor(pool.accountId(), pool.depositorIdAt(d), pool.depositorSharesAt(d));
            }
            for (int r = 0, m = pool.pendingCount(); r < m; r++)
            {
                sink.poolRedemption(
                    pool.accountId(), pool.pendingDepositorAt(r), pool.pendingSharesAt(r), pool.pendingDueMsAt(r));
            }
        }
        final int[] instrumentIds = new int[bands.size()];
        int count = 0;
        for (final Int2ObjectHashMap<PriceBand>.KeyIterator it = bands.keySet().iterator(); it.hasNext(); )
        {
            instrumentIds[count++] = it.nextInt();
        }
        Arrays.sort(instrumentIds);
        for (final int instrumentId : instrumentIds)
        {
            final PriceBand band = bands.get(instrumentId);
            sink.priceBand(
                instrumentId, band.windowMs(), band.bucketCount(), band.hasMark(), band.lastMarkTicks(), band.lastMs());
            for (int slot = 0, n = band.bucketCount(); slot < n; slot++)
            {
                if (Long.MIN_VALUE != band.bucketEpochAt(slot))
                {
                    sink.priceBandBucket(
                        instrumentId, slot, band.bucketEpochAt(slot), band.bucketIntegralAt(slot),
                        band.bucketDurationAt(slot));
                }
            }
        }
        for (int i = 0; i < deficitCount; i++)
        {
            sink.openDeficit(deficitAccounts[i], deficitAmounts[i]);
        }
        autoDeleveraging.writeState(sink);
    }

    /**
     * @return a sink that applies the records {@link #writeState} emits to this (empty) engine, in that order.
     */
    public LiquidationStateSink restorer()
    {
        return new Restorer();
    }

    private final class Restorer implements LiquidationStateSink
    {
        public void liquidationHeader(
            final long nextAuctionId,
            final long nextRoundMs,
            final long redemptionRetryAtMs,
            final long roundIntervalMs,
            final long minSliceNotional,
            final int slicePpm,
            final int targetPpm,
            final int feePpm,
            final int auctionSteps,
            final long auctionStepMs,
            final int poolLossCapPpm,
            final int bandPpm,
            final long twapWindowMs,
            final long redemptionNoticeMs,
            final long redemptionRetryMs,
            final int wholeAccountThresholdPpm,
            final int poolSharePpm)
        {
            LiquidationEngine.this.nextAuctionId = nextAuctionId;
            LiquidationEngine.this.nextRoundMs = nextRoundMs;
            LiquidationEngine.this.redemptionRetryAtMs = redemptionRetryAtMs;
            ctx.roundIntervalMs(roundIntervalMs).minSliceNotional(minSliceNotional).slicePpm(slicePpm)
                .targetPpm(targetPpm).feePpm(feePpm).auctionSteps(auctionSteps).auctionStepMs(auctionStepMs)
                .poolLossCapPpm(poolLossCapPpm).bandPpm(bandPpm).twapWindowMs(twapWindowMs)
                .redemptionNoticeMs(redemptionNoticeMs).redemptionRetryMs(redemptionRetryMs)
                .wholeAccountThresholdPpm(wholeAccountThresholdPpm).poolSharePpm(poolSharePpm).conclude();
        }

        public void liquidation(
            final long accountId, final long startedMs, final int causeCode, final long auctionId,
            final int heldCauseCode)
        {
            final Liquidation l = newLiquidation().set(accountId, startedMs, LiquidationCause.fromCode(causeCode));
            l.auctionId = auctionId;
            l.heldCause = LiquidationCause.fromCode(heldCauseCode);
            liquidations.add(-liquidationIndex(accountId) - 1, l);
        }

        public void auction(
            final long auctionId,
            final long accountId,
            final int instrumentId,
            final long sliceLotsSigned,
            final long remainingLots,
            final long markTicks,
            final long bankruptcyTicks,
            final long tickValue,
            final long startMs,
            final int steps,
            final long stepIntervalMs,
            final int nextStep,
            final boolean open,
            final boolean awaitingPool)
        {
            final Auction wrapper = newAuction();
            wrapper.auction.restore(
                auctionId, accountId, instrumentId, sliceLotsSigned, remainingLots, markTicks, bankruptcyTicks,
                tickValue, startMs, steps, stepIntervalMs, nextStep, open);
            wrapper.awaitingPool = awaitingPool;
            auctions.add(-auctionIndex(auctionId) - 1, wrapper);
        }

        public void auctionBid(final long auctionId, final long blpAccountId, final long priceTicks, final long lots)
        {
            auctions.get(auctionIndex(auctionId)).auction.restoreBid(blpAccountId, priceTicks, lots);
        }

        public void blp(final long blpAccountId, final long capacityNotional, final long remainingCapacity)
        {
            blps.restoreEntry(blpAccountId, capacityNotional, remainingCapacity);
        }

        public void pool(
            final long poolAccountId,
            final long sharesOutstanding,
            final long highWaterNavPerMillionShares,
            final int lossCapPpm,
            final long redemptionNoticeMs)
        {
            final BackstopPool pool = new BackstopPool(poolAccountId, poolAccountId, lossCapPpm, redemptionNoticeMs);
            pool.restoreState(sharesOutstanding, highWaterNavPerMillionShares, lossCapPpm, redemptionNoticeMs);
            pools.add(-poolIndex(poolAccountId) - 1, pool);
        }

        public void poolDepositor(final long poolAccountId, final long depositorAccountId, final long shares)
        {
            pools.get(poolIndex(poolAccountId)).restoreDepositor(depositorAccountId, shares);
        }

        public void poolRedemption(
            final long poolAccountId, final long depositorAccountId, final long shares, final long dueMs)
        {
            pools.get(poolIndex(poolAccountId)).restorePending(depositorAccountId, shares, dueMs);
        }

        public void priceBand(
            final int instrumentId,
            final long windowMs,
            final int buckets,
            final boolean hasMark,
            final long lastMarkTicks,
            final long lastMs)
        {
            final PriceBand band = new PriceBand(windowMs, buckets);
            band.restore(hasMark, lastMarkTicks, lastMs);
            bands.put(instrumentId, band);
        }

        public void priceBandBucket(
            final int instrumentId, final int slot, final long epoch, final long integral, final long duration)
        {
            bands.get(instrumentId).restoreBucket(slot, epoch, integral, duration);
        }

        public void openDeficit(final long accountId, final long deficit)
        {
            addDeficit(accountId, deficit);
        }

        public void autoDeleveraging(
            final int defaultModeCode, final long runCount, final long fillCount, final long closedLots)
        {
            autoDeleveraging.restore(defaultModeCode, runCount, fillCount, closedLots);
        }

        public void autoDeleveragingInstrument(final int instrumentId, final int modeCode)
        {
            autoDeleveraging.restoreInstrument(instrumentId, modeCode);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sorted lookups and scratch.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Fills the position margin scratch arrays for the account.
     *
     * @return the number of positions.
     */
    private int positionMargins(final MarginAccount account)
    {
        final int count = account.positionCount();
        if (positionMms.length < count)
        {
            positionMms = new long[count * 2];
            positionInstruments = new int[count * 2];
        }
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            positionMms[i] = book.positionMaintenanceMargin(account, i);
            positionInstruments[i] = account.instrumentIdAt(i);
            total = Math.addExact(total, positionMms[i]);
        }
        positionMmTotal = total;
        return count;
    }

    /**
     * Liquidations and auctions are recycled so that a default, however long, allocates nothing once warm.
     */
    private Liquidation newLiquidation()
    {
        return freeLiquidations.isEmpty() ? new Liquidation() : freeLiquidations.remove(freeLiquidations.size() - 1);
    }

    private Auction newAuction()
    {
        final Auction auction = freeAuctions.isEmpty() ? new Auction() : freeAuctions.remove(freeAuctions.size() - 1);
        auction.awaitingPool = false;
        return auction;
    }

    private void addDeficit(final long accountId, final long deficit)
    {
        final int index = deficitIndex(accountId);
        if (index >= 0)
        {
            deficitAmounts[index] = deficit;
            return;
        }
        final int insertAt = -index - 1;
        if (deficitCount == deficitAccounts.length)
        {
            deficitAccounts = Arrays.copyOf(deficitAccounts, deficitCount * 2);
            deficitAmounts = Arrays.copyOf(deficitAmounts, deficitCount * 2);
        }
        final int tail = deficitCount - insertAt;
        System.arraycopy(deficitAccounts, insertAt, deficitAccounts, insertAt + 1, tail);
        System.arraycopy(deficitAmounts, insertAt, deficitAmounts, insertAt + 1, tail);
        deficitAccounts[insertAt] = accountId;
        deficitAmounts[insertAt] = deficit;
        deficitCount++;
    }

    private int deficitIndex(final long accountId)
    {
        return Arrays.binarySearch(deficitAccounts, 0, deficitCount, accountId);
    }

    private int liquidationIndex(final long accountId)
    {
        int low = 0;
        int high = liquidations.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long id = liquidations.get(mid).accountId;
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

    private int auctionIndex(final long auctionId)
    {
        int low = 0;
        int high = auctions.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long id = auctions.get(mid).auctionId();
            if (id < auctionId)
            {
                low = mid + 1;
            }
            else if (id > auctionId)
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

    private int poolIndex(final long poolAccountId)
    {
        int low = 0;
        int high = pools.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long id = pools.get(mid).accountId();
            if (id < poolAccountId)
            {
                low = mid + 1;
            }
            else if (id > poolAccountId)
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
}
