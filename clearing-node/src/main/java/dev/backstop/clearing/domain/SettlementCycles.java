package dev.backstop.clearing.domain;

/**
 * The clearing house's settlement cycles (DESIGN.md 5 item 9), run on cluster timers through
 * {@link ClearingHouse#onDeadline(long)}.
 * <p>
 * <b>Variation margin</b>, every {@code vmInterval} (default 60 s, at multiples of it in cluster time), for every
 * instrument with a mark in id order: each holder's unrealised PnL at the mark,
 * {@code quantity × mark × tickValue − cost basis}, becomes cash and the cost basis moves to the position's value at
 * the mark, so unrealised PnL is 0 at that mark and a later close realises only what moved since (realised PnL is
 * still {@code −trade value − released cost}, exact). The mark becomes the instrument's settlement price. Equity does
 * not change, so nobody is re-evaluated; what changes is what may be withdrawn: gains become cash. No rounding is
 * needed. The cycle's totals net to zero once the PnL realised into cash by closing fills since the previous cycle is
 * counted with it: for every fill {@code Δcash − Δcost = −delta × price × tickValue}, which sums to zero over the two
 * sides of a trade, so between cycles {@code Σ cost} moves exactly by the realised PnL; after a cycle every cost basis
 * is {@code quantity × settlement price × tickValue} and {@code Σ cost = 0} because positions net to zero. Hence
 * {@code Σ VM + Σ realised since the last cycle = −Σ cost + Σ realised = 0}: the summary reports
 * {@code paid = VM paid + realised losses} and {@code received = VM received + realised gains}.
 * <p>
 * <b>Funding</b>, per instrument at its own interval (see {@link PerpetualFunding}): each holder pays or receives
 * {@code |quantity × mark × tickValue| × |F|}; longs pay shorts when F > 0. Payers round up, receivers round down, and
 * the remainder goes to the CCP's fee account, so {@code paid = received + remainder} exactly (longs and shorts hold the
 * same notional, so the remainder is below one micro-unit per account). Holders are re-evaluated afterwards: funding
 * moves equity and may open a margin call or a liquidation.
 * <p>
 * Cycles run only while someone holds a position: with no open interest nothing is due (no timer), and a schedule
 * left behind by an idle spell is moved to the next multiple when the first position opens. Each run (an instrument's
 * VM or funding) takes the next cycle id, publishes one {@link SettlementEvents#onAccountSettled} per account with a
 * non-zero amount, in account id order, and then the summary. Every loop runs over the instrument's sorted holder
 * array; nothing is allocated. An account whose amounts would overflow is left for a later cycle and counted as
 * deferred (the arithmetic is exact; this does not happen with real balances).
 */
final class SettlementCycles
{
    /**
     * Default variation margin interval: 60 s.
     */
    static final long DEFAULT_VM_INTERVAL_MS = 60_000L;

    /**
     * Shortest VM interval an operator may set.
     */
    static final long MIN_VM_INTERVAL_MS = 1_000L;

    /**
     * Longest VM interval an operator may set: one day.
     */
    static final long MAX_VM_INTERVAL_MS = 86_400_000L;

    private final ClearingHouse house;
    private final ClearingEvents events;
    private final SettlementStateSink restorer = new Restorer();

    private long vmIntervalMs = DEFAULT_VM_INTERVAL_MS;
    private long nextVmMs = PerpetualFunding.boundaryAfter(0, DEFAULT_VM_INTERVAL_MS);
    private long lastVmMs;
    private long lastCycleId;

    SettlementCycles(final ClearingHouse house, final ClearingEvents events)
    {
        this.house = house;
        this.events = events;
    }

    long vmIntervalMs()
    {
        return vmIntervalMs;
    }

    long nextVmMs()
    {
        return nextVmMs;
    }

    long lastCycleId()
    {
        return lastCycleId;
    }

    static boolean validVmInterval(final long intervalMs)
    {
        return 0 == intervalMs || (intervalMs >= MIN_VM_INTERVAL_MS && intervalMs <= MAX_VM_INTERVAL_MS);
    }

    /**
     * Sets the VM interval (0 turns VM cycles off); the next cycle is at the next multiple of it.
     */
    void vmInterval(final long intervalMs, final long nowMs)
    {
        vmIntervalMs = intervalMs;
        nextVmMs = 0 == intervalMs ? Long.MAX_VALUE : PerpetualFunding.boundaryAfter(nowMs, intervalMs);
    }

    /**
     * The first position opened after an idle spell: a VM deadline that passed while nobody held anything moves to
     * the next multiple.
     */
    void rollIfIdle(final long nowMs)
    {
        if (nextVmMs <= nowMs && vmIntervalMs > 0)
        {
            nextVmMs = PerpetualFunding.boundaryAfter(nowMs, vmIntervalMs);
        }
    }

    /**
     * Runs what is due: the VM cycle of every instrument with a mark (when anyone holds a position), then the funding
     * of every instrument whose interval ended, in instrument id order.
     */
    void onDeadline(final long nowMs)
    {
        final int instrumentCount = house.instrumentCount();
        if (nextVmMs <= nowMs)
        {
            if (house.anyOpenInterest())
            {
                for (int i = 0; i < instrumentCount; i++)
                {
                    final Instrument instrument = house.instrument(house.instrumentIdAt(i));
                    if (instrument.markPriceTicks() > 0)
                    {
                        runVariationMargin(instrument);
                    }
                }
                lastVmMs = nowMs;
            }
            nextVmMs = 0 == vmIntervalMs ? Long.MAX_VALUE : PerpetualFunding.boundaryAfter(nowMs, vmIntervalMs);
        }
        for (int i = 0; i < instrumentCount; i++)
        {
            final Instrument instrument = house.instrument(house.instrumentIdAt(i));
            final PerpetualFunding funding = instrument.funding();
            if (funding.nextFundingMs() <= nowMs)
            {
                if (instrument.openInterestLots() > 0 && instrument.markPriceTicks() > 0)
                {
                    runFunding(instrument, nowMs);
                }
                else
                {
                    funding.reset(nowMs);
                }
            }
        }
    }

    /**
     * One instrument's VM cycle at its mark (see the class comment).
     */
    void runVariationMargin(final Instrument instrument)
    {
        final int instrumentId = instrument.instrumentId();
        final long mark = instrument.markPriceTicks();
        final long tickValue = instrument.tickValue();
        final long cycleId = ++lastCycleId;
        long vmPaid = 0;
        long vmReceived = 0;
        long settled = 0;
        long deferred = 0;
        for (int k = 0, n = instrument.holderCount(); k < n; k++)
        {
            final MarginAccount account = instrument.holderAccountAt(k);
            final int index = account.indexOf(instrumentId);
            final long quantity = account.quantityAt(index);
            final long fees = account.positionFeesAt(index);
            final long cashBefore = account.cash();
            final long value;
            final long variationMargin;
            final long cashAfter;
            final long paidAfter;
            final long receivedAfter;
            try
            {
                value = Money.value(quantity, mark, tickValue);
                variationMargin = Math.subtractExact(value, account.costBasisAt(index));
                cashAfter = Math.addExact(cashBefore, variationMargin);
                paidAfter = variationMargin < 0 ? Math.subtractExact(vmPaid, variationMargin) : vmPaid;
                receivedAfter = variationMargin > 0 ? Math.addExact(vmReceived, variationMargin) : vmReceived;
            }
            catch (final ArithmeticException ex)
            {
                deferred++;
                continue;
            }
            if (0 == variationMargin && 0 == fees)
            {
                continue;
            }
            account.cash(cashAfter);
            account.settlePosition(index, value);
            vmPaid = paidAfter;
            vmReceived = receivedAfter;
            settled++;
            events.onAccountSettled(
                house.nextEventSequence(), cycleId, SettlementKind.VARIATION_MARGIN, instrumentId,
                account.accountId(), quantity, mark, variationMargin, 0, fees, cashBefore, cashAfter);
        }

        final long realisedPaid = instrument.realisedLossesSinceSettlement();
        final long realisedReceived = instrument.realisedGainsSinceSettlement();
        final long paid = saturatingAdd(vmPaid, realisedPaid);
        final long received = saturatingAdd(vmReceived, realisedReceived);
        events.onSettlementSummary(
            house.nextEventSequence(), cycleId, SettlementKind.VARIATION_MARGIN, instrumentId, mark,
            instrument.oracle().indexPriceTicks(), 0, 0, lastVmMs, paid, received, 0, received - paid, settled,
            deferred, instrument.feesSinceSettlement(), realisedPaid, realisedReceived);
        instrument.settlementPriceTicks(mark);
        instrument.sinceSettlement(0, 0, 0);
    }

    /**
     * One instrument's funding at the end of its interval (see the class comment).
     */
    void runFunding(final Instrument instrument, final long nowMs)
    {
        final PerpetualFunding funding = instrument.funding();
        final int rate = funding.rate(nowMs);
        final int instrumentId = instrument.instrumentId();
        final long mark = instrument.markPriceTicks();
        final long tickValue = instrument.tickValue();
        final long cycleId = ++lastCycleId;
        final int magnitude = Math.abs(rate);
        long paid = 0;
        long received = 0;
        long settled = 0;
        long deferred = 0;
        if (0 != rate)
        {
            for (int k = 0, n = instrument.holderCount(); k < n; k++)
            {
                final MarginAccount account = instrument.holderAccountAt(k);
                final long quantity = account.quantityAt(account.indexOf(instrumentId));
                final boolean payer = (quantity > 0) == (rate > 0);
                final long cashBefore = account.cash();
                final long amount;
                final long cashAfter;
                final long paidAfter;
                final long receivedAfter;
                try
                {
                    final long notional = Math.absExact(Money.value(quantity, mark, tickValue));
                    amount = payer ? Money.ppmRoundedUp(notional, magnitude) : Money.ppmRoundedDown(notional, magnitude);
                    cashAfter = payer ? Math.subtractExact(cashBefore, amount) : Math.addExact(cashBefore, amount);
                    paidAfter = payer ? Math.addExact(paid, amount) : paid;
                    receivedAfter = payer ? received : Math.addExact(received, amount);
                }
                catch (final ArithmeticException ex)
                {
                    deferred++;
                    continue;
                }
                if (0 == amount)
                {
                    continue;
                }
                account.cash(cashAfter);
                paid = paidAfter;
                received = receivedAfter;
                settled++;
                events.onAccountSettled(
                    house.nextEventSequence(), cycleId, SettlementKind.FUNDING, instrumentId, account.accountId(),
                    quantity, mark, 0, payer ? -amount : amount, 0, cashBefore, cashAfter);
            }
        }

        // paid and received are both non-negative longs: their difference cannot overflow.
        final long remainder = paid - received;
        house.creditFeeAccount(remainder);
        events.onSettlementSummary(
            house.nextEventSequence(), cycleId, SettlementKind.FUNDING, instrumentId, mark,
            instrument.oracle().indexPriceTicks(), funding.lastPremiumPpm(), rate, funding.intervalStartMs(), paid,
            received, remainder, received + remainder - paid, settled, deferred, 0, 0, 0);
        funding.reset(nowMs);
        if (settled > 0)
        {
            house.evaluateHoldersOf(instrument, RiskCause.SETTLEMENT);
        }
    }

    void writeLedger(final SettlementStateSink sink)
    {
        sink.settlementLedger(vmIntervalMs, nextVmMs, lastVmMs, lastCycleId);
    }

    static void writeInstrument(final SettlementStateSink sink, final Instrument instrument)
    {
        final int instrumentId = instrument.instrumentId();
        sink.instrumentSettlement(
            instrumentId, instrument.settlementPriceTicks(), instrument.feesSinceSettlement(),
            instrument.realisedGainsSinceSettlement(), instrument.realisedLossesSinceSettlement());
        final PerpetualFunding funding = instrument.funding();
        sink.instrumentFunding(
            instrumentId, funding.intervalMs(), funding.interestPpm(), funding.premiumClampPpm(), funding.capPpm(),
            funding.nextFundingMs(), funding.intervalStartMs(), funding.premiumIntegral(),
            funding.premiumDurationMs(), funding.hasPremium(), funding.lastPremiumPpb(), funding.lastPremiumMs());
        final CircuitBreaker breaker = instrument.circuitBreaker();
        sink.instrumentBreaker(
            instrumentId, breaker.bandPpm(), breaker.windowMs(), breaker.haltMs(), breaker.isTripped(),
            breaker.haltedSinceMs(), breaker.haltedUntilMs(), breaker.rangeHighTicks(), breaker.rangeLowTicks(),
            breaker.bandTicks());
        for (int slot = 0; slot < CircuitBreaker.BUCKETS; slot++)
        {
            final long epoch = breaker.bucketEpochAt(slot);
            if (Long.MIN_VALUE != epoch)
            {
                sink.breakerBucket(instrumentId, slot, epoch, breaker.bucketHighAt(slot), breaker.bucketLowAt(slot));
            }
        }
    }

    static void writePositionFees(final SettlementStateSink sink, final MarginAccount account)
    {
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            final long fees = account.positionFeesAt(i);
            if (0 != fees)
            {
                sink.positionFees(account.accountId(), account.instrumentIdAt(i), fees);
            }
        }
    }

    SettlementStateSink restorer()
    {
        return restorer;
    }

    static long saturatingAdd(final long a, final long b)
    {
        final long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0)
        {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /**
     * Restores the records {@link ClearingHouse#writeState} wrote, after the instruments and accounts they belong to.
     */
    private final class Restorer implements SettlementStateSink
    {
        public void settlementLedger(
            final long vmIntervalMs, final long nextVmMs, final long lastVmMs, final long lastCycleId)
        {
            if (!validVmInterval(vmIntervalMs) || lastCycleId < 0)
            {
                throw new IllegalStateException("invalid settlement ledger in snapshot");
            }
            SettlementCycles.this.vmIntervalMs = vmIntervalMs;
            SettlementCycles.this.nextVmMs = nextVmMs;
            SettlementCycles.this.lastVmMs = lastVmMs;
            SettlementCycles.this.lastCycleId = lastCycleId;
        }

        public void instrumentSettlement(
            final int instrumentId,
            final long settlementPriceTicks,
            final long feesSinceSettlement,
            final long realisedGainsSinceSettlement,
            final long realisedLossesSinceSettlement)
        {
            final Instrument instrument = requireInstrument(instrumentId);
            instrument.settlementPriceTicks(settlementPriceTicks);
            instrument.sinceSettlement(
                feesSinceSettlement, realisedGainsSinceSettlement, realisedLossesSinceSettlement);
        }

        public void instrumentFunding(
            final int instrumentId,
            final long intervalMs,
            final int interestPpm,
            final int premiumClampPpm,
            final int capPpm,
            final long nextFundingMs,
            final long intervalStartMs,
            final long premiumIntegral,
            final long premiumDurationMs,
            final boolean hasPremium,
            final long lastPremiumPpb,
            final long lastPremiumMs)
        {
            if (Outcome.ACCEPTED != requireInstrument(instrumentId).funding().restore(
                intervalMs, interestPpm, premiumClampPpm, capPpm, nextFundingMs, intervalStartMs, premiumIntegral,
                premiumDurationMs, hasPremium, lastPremiumPpb, lastPremiumMs))
            {
                throw new IllegalStateException("invalid funding in snapshot: instrument " + instrumentId);
            }
        }

        public void instrumentBreaker(
            final int instrumentId,
            final int bandPpm,
            final long windowMs,
            final long haltMs,
            final boolean halted,
            final long haltedSinceMs,
            final long haltedUntilMs,
            final long rangeHighTicks,
            final long rangeLowTicks,
            final long bandTicks)
        {
            if (Outcome.ACCEPTED != requireInstrument(instrumentId).circuitBreaker().restore(
                bandPpm, windowMs, haltMs, halted, haltedSinceMs, haltedUntilMs, rangeHighTicks, rangeLowTicks,
                bandTicks))
            {
                throw new IllegalStateException("invalid circuit breaker in snapshot: instrument " + instrumentId);
            }
        }

        public void breakerBucket(
            final int instrumentId, final int slot, final long epoch, final long highTicks, final long lowTicks)
        {
            if (Outcome.ACCEPTED != requireInstrument(instrumentId).circuitBreaker().restoreBucket(
                slot, epoch, highTicks, lowTicks))
            {
                throw new IllegalStateException("invalid breaker bucket in snapshot: instrument " + instrumentId);
            }
        }

        public void positionFees(final long accountId, final int instrumentId, final long fees)
        {
            final MarginAccount account = house.account(accountId);
            final int index = null == account ? -1 : account.indexOf(instrumentId);
            if (index < 0)
            {
                throw new IllegalStateException(
                    "position fees restored before their position: " + accountId + "/" + instrumentId);
            }
            account.positionFeesAt(index, fees);
        }

        private Instrument requireInstrument(final int instrumentId)
        {
            final Instrument instrument = house.instrument(instrumentId);
            if (null == instrument)
            {
                throw new IllegalStateException("settlement record for unknown instrument: " + instrumentId);
            }
            return instrument;
        }
    }
}
