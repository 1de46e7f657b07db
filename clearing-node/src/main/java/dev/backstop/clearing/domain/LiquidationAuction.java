package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * One Dutch auction of one liquidation slice to the registered backstop liquidity providers (DESIGN.md section 5
 * item 4): the price walks linearly from the mark MP (step 0) to the bankruptcy price ZP (last step) over cluster
 * timers, and at each step the standing bids at least as good as the step price fill, best price first, at their
 * own (winning) price.
 * <p>
 * The side follows the defaulter's slice: a long slice ({@code sliceLotsSigned > 0}) is sold by the CCP, so a bid
 * is better when higher and may not be below ZP; a short slice is bought back, so a bid is better when lower and
 * may not be above ZP. Step prices round towards ZP (against the defaulter): down for a long slice, up for a short.
 * <p>
 * Step k is offered during {@code [start + k × interval, start + (k + 1) × interval)} and matched at its end, so
 * {@link #nextDeadlineMs()} is {@code start + (k + 1) × interval}; five steps of 20 ms fit one 100 ms liquidation
 * round. Equal bids at one price fill pro rata to each BLP's remaining capacity (registry), in whole lots, capped by
 * the bid and by what the capacity buys at that price; remainder lots go one each by largest fractional part, then
 * lower account id, and lots a capped BLP cannot take are shared again among the others. Each BLP has at most one
 * standing bid: a new bid replaces it. After the last step, or once filled, the auction is done and
 * {@link #remainingLots()} go to the backstop pools.
 * <p>
 * The object is reusable ({@link #open}); bids and scratch space are arrays that grow only when more BLPs bid than
 * ever before, so a step allocates nothing once warm. Bids are kept sorted by BLP account id.
 */
public final class LiquidationAuction
{
    private static final int INITIAL_BIDS = 8;

    private long auctionId;
    private long defaulterAccountId;
    private int instrumentId;
    private long sliceLotsSigned;
    private long remainingLots;
    private long markTicks;
    private long bankruptcyTicks;
    private long tickValue;
    private long startMs;
    private int steps;
    private long stepIntervalMs;
    private int nextStep;
    private boolean open;

    private long[] bidAccountIds = new long[INITIAL_BIDS];
    private long[] bidPrices = new long[INITIAL_BIDS];
    private long[] bidLots = new long[INITIAL_BIDS];
    private int bidCount;

    private long[] scratchRoom = new long[INITIAL_BIDS];
    private long[] scratchWeight = new long[INITIAL_BIDS];
    private long[] scratchAllocated = new long[INITIAL_BIDS];
    private long[] scratchFraction = new long[INITIAL_BIDS];
    private boolean[] scratchDone = new boolean[INITIAL_BIDS];
    private boolean[] scratchGroup = new boolean[INITIAL_BIDS];
    private boolean[] scratchPicked = new boolean[INITIAL_BIDS];

    /**
     * Start an auction for one slice, forgetting any previous one held by this object.
     *
     * @param auctionId          id of the auction (assigned by the engine).
     * @param defaulterAccountId account being liquidated.
     * @param instrumentId       instrument of the slice.
     * @param sliceLotsSigned    the defaulter's slice, signed as its position (+ long: the CCP sells).
     * @param markTicks          MP, positive.
     * @param bankruptcyTicks    ZP, positive.
     * @param tickValue          money value of one tick for one lot, positive.
     * @param startMs            cluster time the auction starts.
     * @param steps              number of steps, at least 2 (default 5).
     * @param stepIntervalMs     duration of one step, positive (default 20).
     * @return {@link Outcome#INVALID_QUANTITY}, {@link Outcome#INVALID_PRICE} or {@link Outcome#INVALID_PARAMETER}
     * for a bad argument (nothing changed), else {@link Outcome#ACCEPTED}.
     */
    public Outcome open(
        final long auctionId,
        final long defaulterAccountId,
        final int instrumentId,
        final long sliceLotsSigned,
        final long markTicks,
        final long bankruptcyTicks,
        final long tickValue,
        final long startMs,
        final int steps,
        final long stepIntervalMs)
    {
        if (0 == sliceLotsSigned || Long.MIN_VALUE == sliceLotsSigned)
        {
            return Outcome.INVALID_QUANTITY;
        }
        if (markTicks <= 0 || bankruptcyTicks <= 0)
        {
            return Outcome.INVALID_PRICE;
        }
        if (tickValue <= 0 || steps < 2 || stepIntervalMs <= 0)
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.auctionId = auctionId;
        this.defaulterAccountId = defaulterAccountId;
        this.instrumentId = instrumentId;
        this.sliceLotsSigned = sliceLotsSigned;
        this.remainingLots = Math.abs(sliceLotsSigned);
        this.markTicks = markTicks;
        this.bankruptcyTicks = bankruptcyTicks;
        this.tickValue = tickValue;
        this.startMs = startMs;
        this.steps = steps;
        this.stepIntervalMs = stepIntervalMs;
        this.nextStep = 0;
        this.bidCount = 0;
        this.open = true;
        return Outcome.ACCEPTED;
    }

    /**
     * Close the auction without further fills (for instance when the account was cured); what is left is
     * {@link #remainingLots()}.
     */
    public void cancel()
    {
        open = false;
    }

    /**
     * The price of step {@code step}: {@code MP + (ZP − MP) × step / (steps − 1)}, rounded towards ZP (against the
     * defaulter), so step 0 is MP and the last step is ZP.
     *
     * @param step 0 to steps − 1.
     * @return price in ticks.
     * @throws ArithmeticException on overflow.
     */
    public long stepPriceTicks(final int step)
    {
        if (step < 0 || step >= steps)
        {
            throw new IllegalArgumentException("step out of range: " + step);
        }
        final long distance = Math.abs(Math.subtractExact(bankruptcyTicks, markTicks));
        final long scaled = Math.multiplyExact(distance, step);
        final long divisor = steps - 1;
        final long offset = scaled / divisor + (0 == scaled % divisor ? 0 : 1);
        return bankruptcyTicks >= markTicks ? markTicks + offset : markTicks - offset;
    }

    /**
     * @return cluster time at which the current step is matched, or {@link Long#MAX_VALUE} when the auction is done.
     */
    public long nextDeadlineMs()
    {
        if (!open)
        {
            return Long.MAX_VALUE;
        }
        return Math.addExact(startMs, Math.multiplyExact(stepIntervalMs, nextStep + 1L));
    }

    /**
     * A BLP's bid for (part of) the slice; it replaces that BLP's earlier bid. Lots above what is left of the slice
     * are capped to it.
     *
     * @param blpAccountId the bidder.
     * @param priceTicks   bid price in ticks.
     * @param lots         lots wanted, positive.
     * @param registry     the BLPs and their remaining capacity.
     * @return {@link Outcome#INVALID_PARAMETER} when the auction is closed, {@link Outcome#NOT_AUTHORISED} when the
     * bidder is not a registered BLP, {@link Outcome#SELF_TRADE} when the bidder is the defaulter,
     * {@link Outcome#INVALID_QUANTITY} when lots are not positive, {@link Outcome#INVALID_PRICE} when the price is
     * not positive or worse than ZP, {@link Outcome#INSUFFICIENT_CASH} when the notional at that price exceeds the
     * BLP's remaining capacity, {@link Outcome#ARITHMETIC_OVERFLOW} on overflow; otherwise
     * {@link Outcome#ACCEPTED}. A refusal changes nothing.
     */
    public Outcome bid(final long blpAccountId, final long priceTicks, final long lots, final BlpRegistry registry)
    {
        if (!open)
        {
            return Outcome.INVALID_PARAMETER;
        }
        if (!registry.isRegistered(blpAccountId))
        {
            return Outcome.NOT_AUTHORISED;
        }
        if (blpAccountId == defaulterAccountId)
        {
            return Outcome.SELF_TRADE;
        }
        if (lots <= 0)
        {
            return Outcome.INVALID_QUANTITY;
        }
        if (priceTicks <= 0 || !atLeastAsGood(priceTicks, bankruptcyTicks))
        {
            return Outcome.INVALID_PRICE;
        }
        final long wanted = Math.min(lots, remainingLots);
        final long notional;
        try
        {
            notional = Money.value(wanted, priceTicks, tickValue);
        }
        catch (final ArithmeticException ex)
        {
            return Outcome.ARITHMETIC_OVERFLOW;
        }
        if (notional > registry.remainingCapacity(blpAccountId))
        {
            return Outcome.INSUFFICIENT_CASH;
        }
        putBid(blpAccountId, priceTicks, wanted);
        return Outcome.ACCEPTED;
    }

    /**
     * Match every step whose deadline has passed, in order.
     *
     * @param nowMs    cluster time.
     * @param registry the BLPs; fills consume their remaining capacity (lots × price × tick value).
     * @param out      cleared, then receives the fills.
     * @return number of fills written into {@code out}.
     */
    public int onStep(final long nowMs, final BlpRegistry registry, final AuctionFills out)
    {
        out.clear();
        while (open && nowMs >= nextDeadlineMs())
        {
            matchStep(nextStep, registry, out);
            nextStep++;
            if (0 == remainingLots || nextStep >= steps)
            {
                open = false;
            }
        }
        return out.count();
    }

    private void matchStep(final int step, final BlpRegistry registry, final AuctionFills out)
    {
        final long stepPrice = stepPriceTicks(step);
        for (int i = 0; i < bidCount; i++)
        {
            scratchDone[i] = bidLots[i] <= 0 || !atLeastAsGood(bidPrices[i], stepPrice);
        }
        while (remainingLots > 0)
        {
            int best = -1;
            for (int i = 0; i < bidCount; i++)
            {
                if (!scratchDone[i] && (best < 0 || better(bidPrices[i], bidPrices[best])))
                {
                    best = i;
                }
            }
            if (best < 0)
            {
                return;
            }
            fillPriceLevel(bidPrices[best], step, registry, out);
        }
    }

    private void fillPriceLevel(final long price, final int step, final BlpRegistry registry, final AuctionFills out)
    {
        final long lotValue = Math.multiplyExact(price, tickValue);
        long totalRoom = 0;
        int members = 0;
        for (int i = 0; i < bidCount; i++)
        {
            scratchGroup[i] = false;
            scratchAllocated[i] = 0;
            if (!scratchDone[i] && bidPrices[i] == price)
            {
                scratchDone[i] = true;
                final long capacity = registry.remainingCapacity(bidAccountIds[i]);
                final long room = Math.min(bidLots[i], capacity / lotValue);
                if (room > 0)
                {
                    scratchGroup[i] = true;
                    scratchRoom[i] = room;
                    scratchWeight[i] = capacity;
                    totalRoom = Math.min(Long.MAX_VALUE / 2, totalRoom + room);
                    members++;
                }
            }
        }
        if (0 == members)
        {
            return;
        }
        if (totalRoom <= remainingLots)
        {
            for (int i = 0; i < bidCount; i++)
            {
                if (scratchGroup[i])
                {
                    scratchAllocated[i] = scratchRoom[i];
                }
            }
        }
        else
        {
            allocateProRata(remainingLots);
        }
        for (int i = 0; i < bidCount; i++)
        {
            final long lots = scratchAllocated[i];
            if (scratchGroup[i] && lots > 0)
            {
                registry.consume(bidAccountIds[i], Math.multiplyExact(lots, lotValue));
                bidLots[i] -= lots;
                remainingLots -= lots;
                out.add(bidAccountIds[i], price, lots, step);
            }
        }
    }

    /**
     * Water-filling: share {@code lots} pro rata to the weights among the group members not yet at their room,
     * whole lots by largest remainder, and share again what the capped members could not take. Every round either
     * places all lots or caps at least one more member, so it ends within one round per member.
     */
    private void allocateProRata(final long lots)
    {
        long toAllocate = lots;
        while (toAllocate > 0)
        {
            long totalWeight = 0;
            for (int i = 0; i < bidCount; i++)
            {
                if (scratchGroup[i] && scratchAllocated[i] < scratchRoom[i])
                {
                    totalWeight = Math.addExact(totalWeight, scratchWeight[i]);
                }
            }
            if (0 == totalWeight)
            {
                return;
            }
            long given = 0;
            for (int i = 0; i < bidCount; i++)
            {
                scratchPicked[i] = true;
                if (scratchGroup[i] && scratchAllocated[i] < scratchRoom[i])
                {
                    final long quota = WideArithmetic.mulDivFloor(toAllocate, scratchWeight[i], totalWeight);
                    final long taken = Math.min(quota, scratchRoom[i] - scratchAllocated[i]);
                    scratchAllocated[i] += taken;
                    given += taken;
                    scratchFraction[i] = WideArithmetic.mulMod(toAllocate, scratchWeight[i], totalWeight);
                    scratchPicked[i] = scratchAllocated[i] >= scratchRoom[i];
                }
            }
            long remainder = toAllocate - given;
            while (remainder > 0)
            {
                int pick = -1;
                for (int i = 0; i < bidCount; i++)
                {
                    if (!scratchPicked[i] && (pick < 0 || scratchFraction[i] > scratchFraction[pick]))
                    {
                        pick = i; // bids are sorted by account id, so on equal fractions the lower id stays
                    }
                }
                if (pick < 0)
                {
                    break;
                }
                scratchPicked[pick] = true;
                scratchAllocated[pick]++;
                remainder--;
            }
            toAllocate = remainder;
        }
    }

    private boolean atLeastAsGood(final long price, final long reference)
    {
        return sliceLotsSigned > 0 ? price >= reference : price <= reference;
    }

    private boolean better(final long price, final long reference)
    {
        return sliceLotsSigned > 0 ? price > reference : price < reference;
    }

    private void putBid(final long blpAccountId, final long priceTicks, final long lots)
    {
        final int found = Arrays.binarySearch(bidAccountIds, 0, bidCount, blpAccountId);
        if (found >= 0)
        {
            bidPrices[found] = priceTicks;
            bidLots[found] = lots;
            return;
        }
        final int index = -found - 1;
        if (bidCount == bidAccountIds.length)
        {
            growBids(bidCount * 2);
        }
        final int tail = bidCount - index;
        System.arraycopy(bidAccountIds, index, bidAccountIds, index + 1, tail);
        System.arraycopy(bidPrices, index, bidPrices, index + 1, tail);
        System.arraycopy(bidLots, index, bidLots, index + 1, tail);
        bidAccountIds[index] = blpAccountId;
        bidPrices[index] = priceTicks;
        bidLots[index] = lots;
        bidCount++;
    }

    private void growBids(final int length)
    {
        bidAccountIds = Arrays.copyOf(bidAccountIds, length);
        bidPrices = Arrays.copyOf(bidPrices, length);
        bidLots = Arrays.copyOf(bidLots, length);
        scratchRoom = new long[length];
        scratchWeight = new long[length];
        scratchAllocated = new long[length];
        scratchFraction = new long[length];
        scratchDone = new boolean[length];
        scratchGroup = new boolean[length];
        scratchPicked = new boolean[length];
    }

    /**
     * @return true while the auction takes bids and has steps to run.
     */
    public boolean isOpen()
    {
        return open;
    }

    /**
     * @return lots of the slice not yet filled; after the auction is done they go to the backstop pools.
     */
    public long remainingLots()
    {
        return remainingLots;
    }

    /**
     * @return lots filled so far.
     */
    public long filledLots()
    {
        return Math.abs(sliceLotsSigned) - remainingLots;
    }

    /**
     * @return id of the auction.
     */
    public long auctionId()
    {
        return auctionId;
    }

    /**
     * @return the account being liquidated.
     */
    public long defaulterAccountId()
    {
        return defaulterAccountId;
    }

    /**
     * @return instrument of the slice.
     */
    public int instrumentId()
    {
        return instrumentId;
    }

    /**
     * @return the slice, signed as the defaulter's position: positive means the CCP sells to the BLPs.
     */
    public long sliceLotsSigned()
    {
        return sliceLotsSigned;
    }

    /**
     * @return MP at the start, in ticks.
     */
    public long markTicks()
    {
        return markTicks;
    }

    /**
     * @return ZP of the slice, in ticks.
     */
    public long bankruptcyTicks()
    {
        return bankruptcyTicks;
    }

    /**
     * @return money value of one tick for one lot.
     */
    public long tickValue()
    {
        return tickValue;
    }

    /**
     * @return cluster time the auction started.
     */
    public long startMs()
    {
        return startMs;
    }

    /**
     * @return number of steps.
     */
    public int steps()
    {
        return steps;
    }

    /**
     * @return duration of one step in ms.
     */
    public long stepIntervalMs()
    {
        return stepIntervalMs;
    }

    /**
     * @return the step matched at the next deadline (equals steps once all have run).
     */
    public int nextStep()
    {
        return nextStep;
    }

    /**
     * @return number of standing bids (canonical order: ascending BLP account id).
     */
    public int bidCount()
    {
        return bidCount;
    }

    /**
     * @return the bidder at a canonical index.
     */
    public long bidAccountIdAt(final int index)
    {
        return bidAccountIds[index];
    }

    /**
     * @return the bid price at a canonical index, in ticks.
     */
    public long bidPriceTicksAt(final int index)
    {
        return bidPrices[index];
    }

    /**
     * @return lots still wanted by the bid at a canonical index (zero once filled).
     */
    public long bidLotsAt(final int index)
    {
        return bidLots[index];
    }

    /**
     * Restore the auction's scalar state from a snapshot; follow with {@link #restoreBid} per bid.
     */
    public void restore(
        final long auctionId,
        final long defaulterAccountId,
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
        final boolean open)
    {
        this.auctionId = auctionId;
        this.defaulterAccountId = defaulterAccountId;
        this.instrumentId = instrumentId;
        this.sliceLotsSigned = sliceLotsSigned;
        this.remainingLots = remainingLots;
        this.markTicks = markTicks;
        this.bankruptcyTicks = bankruptcyTicks;
        this.tickValue = tickValue;
        this.startMs = startMs;
        this.steps = steps;
        this.stepIntervalMs = stepIntervalMs;
        this.nextStep = nextStep;
        this.open = open;
        this.bidCount = 0;
    }

    /**
     * Restore one standing bid from a snapshot (any order; kept sorted by account id).
     */
    public void restoreBid(final long blpAccountId, final long priceTicks, final long lots)
    {
        putBid(blpAccountId, priceTicks, lots);
    }
}
