package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * Auto-deleveraging, the last rung of the position ladder (auction → backstop pools → ADL, DESIGN.md section 5 items
 * 6 and 8): when no pool can take a failed position (no pool exists, or none has the margin capacity or room under
 * its loss cap), the position is closed against the opposite positions of the same instrument, ranked, and only up
 * to the size that must be closed.
 * <p>
 * <b>Candidates.</b> Every account holding the opposite side of the instrument except the defaulter itself and a
 * bankrupt account (an open deficit). Backstop pools and liquidity providers are accounts like any other. Ranked in
 * two tiers: first the accounts in good standing (not in liquidation, equity &gt; 0) by {@link DeleveragingScore}
 * (PnL% × effective leverage, PnL% / leverage when losing) highest first, ties by account id ascending; then, only
 * once those are exhausted, the last-resort accounts (themselves in liquidation, or with no positive equity, which
 * have no meaningful leverage) by account id. Including the last tier means a default can always be closed out:
 * positions net to zero per instrument, so the opposite side always holds at least the failed size. Closing a
 * last-resort account's position only reduces it, at a price never worse than the mark for it.
 * <p>
 * <b>Minimality.</b> Each counterparty closes {@code min(what is left of the failed lots, its own opposite
 * position)}, in rank order, and the run stops as soon as nothing is left: Σ closed == the failed lots, each
 * counterparty at most its position, never more.
 * <p>
 * <b>Price</b> (ISSUE 4 decisions). Positions change hands at the mark MP (no valuation jump, like a pool takeover).
 * When the defaulter's equity left E ≥ 0, the failed lots close at their bankruptcy price ZP, settled in money: the
 * defaulter pays the lots' equity share e (what closing at ZP instead of MP costs it), cumulatively rounded up so the
 * whole failed size pays exactly e, and each counterparty receives {@code floor(e × its lots / failed lots)} (what it
 * gains from closing at ZP); the rounding remainder goes to the fee account. When E &lt; 0 the lots close at MP with
 * no payment: the defaulter's deficit stays whole for the loss waterfall, so the two ladders never count it twice.
 * <p>
 * Every fill is an {@code AutoDeleveraged} event naming both sides, the size, the prices and cash, the
 * counterparty's score and rank and what remained of the failed lots; every run ends with an
 * {@code AutoDeleveragingEnded} event with the totals. The switch (on for all instruments by default, per-instrument
 * overrides) and the counters are part of the snapshot and the state digest; a run itself is immediate and leaves no
 * other state.
 */
public final class AutoDeleveraging
{
    private final LiquidationBook book;
    private final LiquidationEvents events;
    private final DeleveragingQueue queue = new DeleveragingQueue();

    private AutoDeleveragingMode defaultMode = AutoDeleveragingMode.ON;
    private int overrideCount;
    private int[] overrideInstrumentIds = new int[4];
    private AutoDeleveragingMode[] overrideModes = new AutoDeleveragingMode[4];

    private long runCount;
    private long fillCount;
    private long closedLots;

    AutoDeleveraging(final LiquidationBook book, final LiquidationEvents events)
    {
        this.book = book;
        this.events = events;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reads.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * @return whether a failed position in the instrument that no pool can take is deleveraged (else held).
     */
    public boolean isEnabled(final int instrumentId)
    {
        final int index = overrideIndex(instrumentId);
        final AutoDeleveragingMode mode = index >= 0 ? overrideModes[index] : defaultMode;
        return AutoDeleveragingMode.ON == mode;
    }

    /**
     * @return the setting for all instruments, {@link AutoDeleveragingMode#ON} or {@link AutoDeleveragingMode#OFF}.
     */
    public AutoDeleveragingMode defaultMode()
    {
        return defaultMode;
    }

    /**
     * @return the instrument's own setting, {@link AutoDeleveragingMode#FOLLOW_DEFAULT} when it has none.
     */
    public AutoDeleveragingMode modeOf(final int instrumentId)
    {
        final int index = overrideIndex(instrumentId);
        return index >= 0 ? overrideModes[index] : AutoDeleveragingMode.FOLLOW_DEFAULT;
    }

    /**
     * @return ADL runs that closed at least one lot.
     */
    public long runCount()
    {
        return runCount;
    }

    /**
     * @return counterparty fills over all runs.
     */
    public long fillCount()
    {
        return fillCount;
    }

    /**
     * @return lots (contracts) closed by ADL over all runs: each lot once, on the defaulter's side.
     */
    public long closedLots()
    {
        return closedLots;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Operator command.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Sets ADL for all instruments ({@code instrumentId == 0}: ON or OFF) or for one listed instrument (ON, OFF, or
     * FOLLOW_DEFAULT to drop its own setting); published as {@code AutoDeleveragingModeChanged}.
     *
     * @return {@link Outcome#INVALID_PARAMETER} for FOLLOW_DEFAULT for all instruments or a negative id,
     * {@link Outcome#UNKNOWN_INSTRUMENT} for an instrument not listed, nothing changed.
     */
    Outcome setMode(final int instrumentId, final AutoDeleveragingMode mode)
    {
        if (null == mode || instrumentId < 0)
        {
            return Outcome.INVALID_PARAMETER;
        }
        if (0 == instrumentId)
        {
            if (AutoDeleveragingMode.FOLLOW_DEFAULT == mode)
            {
                return Outcome.INVALID_PARAMETER;
            }
            defaultMode = mode;
        }
        else
        {
            if (null == book.instrument(instrumentId))
            {
                return Outcome.UNKNOWN_INSTRUMENT;
            }
            putOverride(instrumentId, mode);
        }
        events.onAutoDeleveragingModeChanged(book.nextEventSequence(), instrumentId, mode);
        return Outcome.ACCEPTED;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // A run.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Closes {@code |signedLots|} of the defaulter's position in the instrument against the ranked opposite
     * positions (see the class comment).
     *
     * @param defaulter       the failed account.
     * @param instrumentId    the instrument.
     * @param signedLots      the failed lots, signed as the defaulter's position, non-zero, at most its position.
     * @param markTicks       the mark MP.
     * @param bankruptcyTicks the failed lots' bankruptcy price ZP.
     * @param equityShare     the failed lots' share e of the defaulter's equity left (negative when bankrupt).
     * @param equityBefore    the defaulter's equity E before the run.
     * @param mmBefore        the defaulter's maintenance margin before the run.
     * @return lots closed: {@code |signedLots|} unless the counterparties ran out.
     */
    long deleverage(
        final MarginAccount defaulter,
        final int instrumentId,
        final long signedLots,
        final long markTicks,
        final long bankruptcyTicks,
        final long equityShare,
        final long equityBefore,
        final long mmBefore)
    {
        final Instrument instrument = book.instrument(instrumentId);
        final long lots = Math.abs(signedLots);
        final long side = signedLots > 0 ? 1 : -1;
        rankCandidates(defaulter.accountId(), instrument, side);

        final boolean atBankruptcyPrice = equityBefore >= 0;
        final long adlPriceTicks = atBankruptcyPrice ? bankruptcyTicks : markTicks;
        final long share = atBankruptcyPrice ? Math.max(0, equityShare) : 0;
        final long runId = runCount + 1;
        final long defaulterId = defaulter.accountId();
        long closed = 0;
        long paid = 0;
        int fills = 0;
        int rank = 0;
        while (closed < lots && queue.hasNext())
        {
            final int candidate = queue.next();
            rank++;
            final long counterpartyId = queue.accountIdAt(candidate);
            final long positionBefore = book.account(counterpartyId).quantityOf(instrumentId);
            if (0 == positionBefore || (positionBefore > 0) == (side > 0))
            {
                continue;
            }
            final long take = Math.min(lots - closed, Math.abs(positionBefore));
            final long payment;
            final long receipt;
            try
            {
                if (share > 0)
                {
                    // Cumulative, rounded up: the whole failed size pays exactly e whatever the split.
                    payment = Math.subtractExact(WideArithmetic.mulDivCeil(share, closed + take, lots), paid);
                    receipt = WideArithmetic.mulDivFloor(share, take, lots);
                }
                else
                {
                    payment = 0;
                    receipt = 0;
                }
                if (side > 0)
                {
                    book.tradeAt(counterpartyId, defaulterId, instrumentId, take, markTicks);
                }
                else
                {
                    book.tradeAt(defaulterId, counterpartyId, instrumentId, take, markTicks);
                }
            }
            catch (final ArithmeticException ex)
            {
                // Too large to value: nothing changed for this counterparty; the next one in rank takes its place.
                continue;
            }
            if (receipt > 0)
            {
                book.moveCash(defaulterId, counterpartyId, receipt);
            }
            if (payment > receipt)
            {
                book.payFeeAccount(defaulterId, payment - receipt);
            }
            closed += take;
            paid += payment;
            fills++;
            final MarginAccount counterparty = book.account(counterpartyId);
            events.onAutoDeleveraged(
                book.nextEventSequence(), runId, defaulterId, counterpartyId, instrumentId, side * take, adlPriceTicks,
                markTicks, bankruptcyTicks, payment, receipt, payment - receipt, queue.scoreAt(candidate),
                queue.pnlPpmAt(candidate), queue.leveragePpmAt(candidate), rank,
                DeleveragingQueue.LAST_RESORT == queue.tierAt(candidate), positionBefore,
                counterparty.quantityOf(instrumentId), lots - closed);
            book.evaluateRiskAfterDeleveraging(counterpartyId);
        }

        if (fills > 0)
        {
            runCount = runId;
            fillCount += fills;
            closedLots += closed;
            long equityAfter = 0;
            long mmAfter = 0;
            try
            {
                equityAfter = book.equity(defaulter);
                mmAfter = book.maintenanceMargin(defaulter);
            }
            catch (final ArithmeticException ex)
            {
                // Published with zeros: the run itself is done and must be reported.
            }
            events.onAutoDeleveragingEnded(
                book.nextEventSequence(), runId, defaulterId, instrumentId, signedLots, closed, lots - closed, fills,
                queue.candidateCount(), adlPriceTicks, markTicks, bankruptcyTicks, paid, equityBefore, mmBefore,
                equityAfter, mmAfter,
                closed == lots ? LiquidationCause.AUTO_DELEVERAGED : LiquidationCause.NO_DELEVERAGING_COUNTERPARTY);
        }
        queue.clear();
        return closed;
    }

    /**
     * Fills the queue with every candidate holding the side opposite to {@code side} in the instrument, in holder
     * (account id) order, and ranks them.
     */
    private void rankCandidates(final long defaulterId, final Instrument instrument, final long side)
    {
        queue.clear();
        final int instrumentId = instrument.instrumentId();
        for (int i = 0, n = instrument.holderCount(); i < n; i++)
        {
            final long accountId = instrument.holderAt(i);
            if (accountId == defaulterId)
            {
                continue;
            }
            final MarginAccount account = book.account(accountId);
            if (null == account || RiskState.BANKRUPT == account.riskState())
            {
                continue;
            }
            final int index = account.indexOf(instrumentId);
            if (index < 0)
            {
                continue;
            }
            final long position = account.quantityAt(index);
            if (0 == position || (position > 0) == (side > 0))
            {
                continue;
            }
            int tier = RiskState.LIQUIDATION == account.riskState() ?
                DeleveragingQueue.LAST_RESORT : DeleveragingQueue.GOOD_STANDING;
            long pnlPpm = 0;
            long leveragePpm = 0;
            long score = 0;
            try
            {
                final long unrealised = Math.subtractExact(
                    Money.value(position, instrument.markPriceTicks(), instrument.tickValue()),
                    account.costBasisAt(index));
                pnlPpm = DeleveragingScore.pnlPpm(unrealised, account.costBasisAt(index));
                final long equity = book.equity(account);
                if (equity > 0)
                {
                    leveragePpm = DeleveragingScore.leveragePpm(grossNotional(account), equity);
                    score = DeleveragingScore.score(pnlPpm, leveragePpm);
                }
                else
                {
                    tier = DeleveragingQueue.LAST_RESORT;
                }
            }
            catch (final ArithmeticException ex)
            {
                // An account whose books do not fit a long cannot be scored: last resort, by id.
                tier = DeleveragingQueue.LAST_RESORT;
            }
            if (DeleveragingQueue.LAST_RESORT == tier)
            {
                // Within the last-resort tier the order is by account id alone; the score is kept for the record
                // only when it is defined.
                queue.add(accountId, tier, 0, pnlPpm, leveragePpm, position);
            }
            else
            {
                queue.add(accountId, tier, score, pnlPpm, leveragePpm, position);
            }
        }
        queue.rank();
    }

    /**
     * @return Σ |lots × mark × tick value| over the account's positions.
     * @throws ArithmeticException on overflow.
     */
    private long grossNotional(final MarginAccount account)
    {
        long gross = 0;
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            final Instrument instrument = book.instrument(account.instrumentIdAt(i));
            gross = Math.addExact(gross, Math.absExact(
                Money.value(account.quantityAt(i), instrument.markPriceTicks(), instrument.tickValue())));
        }
        return gross;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Snapshot, digest and restore.
    // ---------------------------------------------------------------------------------------------------------------

    void writeState(final LiquidationStateSink sink)
    {
        sink.autoDeleveraging(defaultMode.code(), runCount, fillCount, closedLots);
        for (int i = 0; i < overrideCount; i++)
        {
            sink.autoDeleveragingInstrument(overrideInstrumentIds[i], overrideModes[i].code());
        }
    }

    void restore(final int defaultModeCode, final long runCount, final long fillCount, final long closedLots)
    {
        final AutoDeleveragingMode mode = AutoDeleveragingMode.fromCode(defaultModeCode);
        if (null == mode || AutoDeleveragingMode.FOLLOW_DEFAULT == mode || runCount < 0 || fillCount < 0 ||
            closedLots < 0)
        {
            throw new IllegalStateException("invalid auto-deleveraging record in snapshot");
        }
        defaultMode = mode;
        this.runCount = runCount;
        this.fillCount = fillCount;
        this.closedLots = closedLots;
    }

    void restoreInstrument(final int instrumentId, final int modeCode)
    {
        final AutoDeleveragingMode mode = AutoDeleveragingMode.fromCode(modeCode);
        if (null == mode || AutoDeleveragingMode.FOLLOW_DEFAULT == mode || instrumentId <= 0)
        {
            throw new IllegalStateException("invalid auto-deleveraging instrument record in snapshot");
        }
        putOverride(instrumentId, mode);
    }

    private void putOverride(final int instrumentId, final AutoDeleveragingMode mode)
    {
        final int index = overrideIndex(instrumentId);
        if (AutoDeleveragingMode.FOLLOW_DEFAULT == mode)
        {
            if (index >= 0)
            {
                final int tail = overrideCount - index - 1;
                System.arraycopy(overrideInstrumentIds, index + 1, overrideInstrumentIds, index, tail);
                System.arraycopy(overrideModes, index + 1, overrideModes, index, tail);
                overrideModes[--overrideCount] = null;
            }
            return;
        }
        if (index >= 0)
        {
            overrideModes[index] = mode;
            return;
        }
        final int insertAt = -index - 1;
        if (overrideCount == overrideInstrumentIds.length)
        {
            overrideInstrumentIds = Arrays.copyOf(overrideInstrumentIds, overrideCount * 2);
            overrideModes = Arrays.copyOf(overrideModes, overrideCount * 2);
        }
        final int tail = overrideCount - insertAt;
        System.arraycopy(overrideInstrumentIds, insertAt, overrideInstrumentIds, insertAt + 1, tail);
        System.arraycopy(overrideModes, insertAt, overrideModes, insertAt + 1, tail);
        overrideInstrumentIds[insertAt] = instrumentId;
        overrideModes[insertAt] = mode;
        overrideCount++;
    }

    private int overrideIndex(final int instrumentId)
    {
        return Arrays.binarySearch(overrideInstrumentIds, 0, overrideCount, instrumentId);
    }
}
