package dev.backstop.clearing.domain;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.Arrays;

/**
 * The clearing house: the central counterparty's books, applied one command at a time.
 * <p>
 * It lists instruments, opens margin accounts, takes deposits and withdrawals, novates trades (the CCP becomes
 * buyer to the seller and seller to the buyer, each side paying the instrument's fee to the CCP's fee account),
 * moves marks, and values every account at its marks. Every command carries the sender's idempotency key
 * (DESIGN.md section 6) and every step is reported to {@link ClearingEvents} with a gap-free event sequence.
 * <p>
 * Money is conserved to the micro-unit: {@code Σ cash + Σ unrealised PnL + fee account == deposits − withdrawals}
 * at any marks, because every position has an equal and opposite one. Arithmetic is exact; a command whose
 * arithmetic would overflow is refused before anything changes.
 * <p>
 * The class is deterministic: no clock, no randomness, and every iteration that decides an outcome or an output
 * order runs over sorted keys, never over hash order.
 */
public final class ClearingHouse
{
    /**
     * Venue trade ids per {@link ClearingStateSink#tradeIds} call.
     */
    public static final int TRADE_ID_CHUNK = 1024;

    private final ClearingEvents events;
    private final Int2ObjectHashMap<Instrument> instruments = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<MarginAccount> accounts = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<SenderSequence> senders = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongHashSet> tradeIdsByExchange = new Long2ObjectHashMap<>();

    private long eventSequence;
    private long netDeposits;
    private long feeAccount;
    private long tradesCleared;

    private boolean lastCommandReplayed;
    private SenderSequence commandSender;
    private long commandSequence;
    private CommandType commandType;

    // Results of fill(): a fill has three outputs and the command path must not allocate.
    private long fillQuantity;
    private long fillCostBasis;
    private long fillRealisedPnl;

    /**
     * @param events receives every step the clearing house takes.
     */
    public ClearingHouse(final ClearingEvents events)
    {
        this.events = events;
    }

    /**
     * Lists an instrument (operator command).
     *
     * @return the outcome.
     */
    public Outcome listInstrument(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final String symbol,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int tradeFeePpm,
        final long tickSizeMicros,
        final long lotSizeMicros,
        final long tickValue)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.LIST_INSTRUMENT);
        if (null != admission)
        {
            return admission;
        }

        final Outcome terms = Instrument.validateTerms(
            instrumentId, symbol, initialMarginPpm, maintenanceMarginPpm, tradeFeePpm, tickSizeMicros, lotSizeMicros,
            tickValue);
        if (terms != Outcome.ACCEPTED)
        {
            return complete(terms);
        }
        if (instruments.containsKey(instrumentId))
        {
            return complete(Outcome.INSTRUMENT_EXISTS);
        }

        final Instrument instrument = new Instrument(
            instrumentId, symbol, initialMarginPpm, maintenanceMarginPpm, tradeFeePpm, tickSizeMicros, lotSizeMicros,
            tickValue);
        instruments.put(instrumentId, instrument);
        events.onInstrumentListed(++eventSequence, instrument);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Opens a margin account owned by a clearing member (operator command).
     *
     * @return the outcome.
     */
    public Outcome openAccount(final long senderId, final long sequence, final long accountId, final long memberId)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.OPEN_ACCOUNT);
        if (null != admission)
        {
            return admission;
        }
        if (accountId <= 0 || memberId <= 0)
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        if (accounts.containsKey(accountId))
        {
            return complete(Outcome.ACCOUNT_EXISTS);
        }

        accounts.put(accountId, new MarginAccount(accountId, memberId));
        events.onAccountOpened(++eventSequence, accountId, memberId);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Deposits cash collateral into an account.
     *
     * @return the outcome.
     */
    public Outcome deposit(final long senderId, final long sequence, final long accountId, final long amount)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.DEPOSIT);
        if (null != admission)
        {
            return admission;
        }
        if (amount <= 0)
        {
            return complete(Outcome.INVALID_AMOUNT);
        }
        final MarginAccount account = accounts.get(accountId);
        if (null == account)
        {
            return complete(Outcome.UNKNOWN_ACCOUNT);
        }

        final long cashAfter;
        final long netDepositsAfter;
        final long equityAfter;
        try
        {
            cashAfter = Math.addExact(account.cash(), amount);
            netDepositsAfter = Math.addExact(netDeposits, amount);
            equityAfter = Math.addExact(equity(account), amount);
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }

        account.cash(cashAfter);
        netDeposits = netDepositsAfter;
        events.onCollateralMoved(++eventSequence, accountId, true, amount, cashAfter, equityAfter);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Withdraws cash collateral. Never takes the account's cash below zero nor its equity below initial margin.
     *
     * @return the outcome.
     */
    public Outcome withdraw(final long senderId, final long sequence, final long accountId, final long amount)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.WITHDRAW);
        if (null != admission)
        {
            return admission;
        }
        if (amount <= 0)
        {
            return complete(Outcome.INVALID_AMOUNT);
        }
        final MarginAccount account = accounts.get(accountId);
        if (null == account)
        {
            return complete(Outcome.UNKNOWN_ACCOUNT);
        }
        if (amount > account.cash())
        {
            return complete(Outcome.INSUFFICIENT_CASH);
        }

        final long equityAfter;
        try
        {
            equityAfter = Math.subtractExact(equity(account), amount);
            if (equityAfter < initialMargin(account))
            {
                return complete(Outcome.BELOW_INITIAL_MARGIN);
            }
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }

        final long cashAfter = account.cash() - amount;
        account.cash(cashAfter);
        netDeposits -= amount;
        events.onCollateralMoved(++eventSequence, accountId, false, amount, cashAfter, equityAfter);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Novates an executed trade: the buyer's account goes long and the seller's short by the quantity at the price,
     * each pays the instrument's fee (rounded up) to the fee account, and whatever either side closed is realised
     * into its cash. A venue trade id already cleared for this exchange is a duplicate and changes nothing.
     *
     * @param senderId the exchange that executed the trade.
     * @return the outcome.
     */
    public Outcome clearTrade(
        final long senderId,
        final long sequence,
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.TRADE);
        if (null != admission)
        {
            return admission;
        }

        final LongHashSet clearedIds = tradeIdsByExchange.get(senderId);
        if (null != clearedIds && clearedIds.contains(venueTradeId))
        {
            return complete(Outcome.DUPLICATE_TRADE);
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        final MarginAccount buyer = accounts.get(buyAccountId);
        final MarginAccount seller = accounts.get(sellAccountId);
        if (null == buyer || null == seller)
        {
            return complete(Outcome.UNKNOWN_ACCOUNT);
        }
        if (buyAccountId == sellAccountId)
        {
            return complete(Outcome.SELF_TRADE);
        }
        if (quantityLots <= 0)
        {
            return complete(Outcome.INVALID_QUANTITY);
        }
        if (priceTicks <= 0)
        {
            return complete(Outcome.INVALID_PRICE);
        }

        final long tickValue = instrument.tickValue();
        final int buyerIndex = buyer.indexOf(instrumentId);
        final int sellerIndex = seller.indexOf(instrumentId);
        final long buyerQuantityBefore = buyerIndex >= 0 ? buyer.quantityAt(buyerIndex) : 0;
        final long sellerQuantityBefore = sellerIndex >= 0 ? seller.quantityAt(sellerIndex) : 0;

        final long fee;
        final long buyerQuantity, buyerCostBasis, buyerRealised, buyerCash;
        final long sellerQuantity, sellerCostBasis, sellerRealised, sellerCash;
        final long feeAccountAfter, openInterestAfter;
        try
        {
            fee = Money.ppmRoundedUp(Money.value(quantityLots, priceTicks, tickValue), instrument.tradeFeePpm());

            fill(buyerQuantityBefore, buyerIndex >= 0 ? buyer.costBasisAt(buyerIndex) : 0,
                quantityLots, priceTicks, tickValue);
            buyerQuantity = fillQuantity;
            buyerCostBasis = fillCostBasis;
            buyerRealised = fillRealisedPnl;
            buyerCash = Math.subtractExact(Math.addExact(buyer.cash(), buyerRealised), fee);

            fill(sellerQuantityBefore, sellerIndex >= 0 ? seller.costBasisAt(sellerIndex) : 0,
                -quantityLots, priceTicks, tickValue);
            sellerQuantity = fillQuantity;
            sellerCostBasis = fillCostBasis;
            sellerRealised = fillRealisedPnl;
            sellerCash = Math.subtractExact(Math.addExact(seller.cash(), sellerRealised), fee);

            feeAccountAfter = Math.addExact(feeAccount, Math.multiplyExact(fee, 2));
            // Net the two sides' changes first: moving long lots between accounts leaves open interest unchanged.
            openInterestAfter = Math.addExact(
                instrument.openInterestLots(),
                Math.addExact(
                    longSide(buyerQuantity) - longSide(buyerQuantityBefore),
                    longSide(sellerQuantity) - longSide(sellerQuantityBefore)));
            // Every position must stay valuable at the mark, as a tick guarantees for the marks it accepts.
            final long markAfter = 0 == instrument.markPriceTicks() ? priceTicks : instrument.markPriceTicks();
            Money.value(openInterestAfter, markAfter, tickValue);
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }

        buyer.position(instrumentId, buyerQuantity, buyerCostBasis);
        buyer.cash(buyerCash);
        seller.position(instrumentId, sellerQuantity, sellerCostBasis);
        seller.cash(sellerCash);
        feeAccount = feeAccountAfter;
        instrument.openInterestLots(openInterestAfter);
        tradesCleared++;
        clearedTradeIds(senderId).add(venueTradeId);

        if (0 == instrument.markPriceTicks())
        {
            // Until the first price tick the last trade is the only price there is (DESIGN.md 5.1: "last trade").
            instrument.markPriceTicks(priceTicks);
            events.onMarkPriceUpdated(++eventSequence, instrumentId, 0, priceTicks, 0, priceTicks);
        }
        events.onTradeCleared(
            ++eventSequence, senderId, venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks,
            quantityLots, fee, fee, buyerRealised, sellerRealised);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Applies a price tick from one source; the mark follows it (the full oracle with quorum and exclusion is
     * DESIGN.md 5.1, a later refinement). A price whose value at the instrument's open interest would overflow is
     * refused, which keeps every account's valuation exact.
     *
     * @return the outcome.
     */
    public Outcome applyPriceTick(
        final long senderId, final long sequence, final int instrumentId, final int sourceId, final long priceTicks)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.PRICE_TICK);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        if (priceTicks <= 0)
        {
            return complete(Outcome.INVALID_PRICE);
        }
        try
        {
            Money.value(instrument.openInterestLots(), priceTicks, instrument.tickValue());
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }

        final long previousMark = instrument.markPriceTicks();
        instrument.markPriceTicks(priceTicks);
        events.onMarkPriceUpdated(++eventSequence, instrumentId, sourceId, priceTicks, previousMark, priceTicks);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Asks for an account's state; on {@link Outcome#ACCEPTED} the caller reads {@link #account(long)} and its
     * valuation, which are then guaranteed not to overflow.
     *
     * @return the outcome.
     */
    public Outcome queryAccount(final long senderId, final long sequence, final long accountId)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.QUERY_ACCOUNT);
        if (null != admission)
        {
            return admission;
        }
        final MarginAccount account = accounts.get(accountId);
        if (null == account)
        {
            return complete(Outcome.UNKNOWN_ACCOUNT);
        }
        try
        {
            withdrawable(account);
            maintenanceMargin(account);
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Asks for the ledger totals; on {@link Outcome#ACCEPTED} the caller reads them.
     *
     * @return the outcome.
     */
    public Outcome queryLedger(final long senderId, final long sequence)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.QUERY_LEDGER);
        if (null != admission)
        {
            return admission;
        }
        try
        {
            conservationError();
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }
        return complete(Outcome.ACCEPTED);
    }

    /**
     * @return true when the last command's outcome repeats that of an already applied command: nothing changed.
     */
    public boolean lastCommandReplayed()
    {
        return lastCommandReplayed;
    }

    /**
     * @param senderId the sender.
     * @return the last sequence applied for the sender, 0 when none.
     */
    public long lastAppliedSequence(final long senderId)
    {
        final SenderSequence sender = senders.get(senderId);
        return null == sender ? 0 : sender.lastAppliedSequence();
    }

    public MarginAccount account(final long accountId)
    {
        return accounts.get(accountId);
    }

    public Instrument instrument(final int instrumentId)
    {
        return instruments.get(instrumentId);
    }

    /**
     * @return unrealised PnL of one position at its instrument's mark: {@code quantity × mark × tickValue − cost}.
     * @throws ArithmeticException on overflow.
     */
    public long unrealisedPnl(final MarginAccount account, final int positionIndex)
    {
        final Instrument instrument = instruments.get(account.instrumentIdAt(positionIndex));
        return Math.subtractExact(
            Money.value(account.quantityAt(positionIndex), instrument.markPriceTicks(), instrument.tickValue()),
            account.costBasisAt(positionIndex));
    }

    /**
     * @return equity: cash plus unrealised PnL of every position at mark.
     * @throws ArithmeticException on overflow.
     */
    public long equity(final MarginAccount account)
    {
        long equity = account.cash();
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            equity = Math.addExact(equity, unrealisedPnl(account, i));
        }
        return equity;
    }

    /**
     * @return initial margin: Σ |notional at mark| × IMR, each rounded up.
     * @throws ArithmeticException on overflow.
     */
    public long initialMargin(final MarginAccount account)
    {
        return margin(account, true);
    }

    /**
     * @return maintenance margin: Σ |notional at mark| × MMR, each rounded up.
     * @throws ArithmeticException on overflow.
     */
    public long maintenanceMargin(final MarginAccount account)
    {
        return margin(account, false);
    }

    /**
     * @return what may be withdrawn now: no more than cash, and no more than equity above initial margin.
     * @throws ArithmeticException on overflow.
     */
    public long withdrawable(final MarginAccount account)
    {
        final long aboveInitialMargin = Math.subtractExact(equity(account), initialMargin(account));
        return Math.max(0, Math.min(account.cash(), aboveInitialMargin));
    }

    /**
     * @return deposits minus withdrawals: the money the clearing house must account for.
     */
    public long netDeposits()
    {
        return netDeposits;
    }

    /**
     * @return Σ cash over all accounts.
     * @throws ArithmeticException on overflow.
     */
    public long totalCash()
    {
        // Summed in 128 bits: the accounts are visited in hash order, and whether a running long sum overflows
        // must not depend on that order (DESIGN.md section 7); only the total has to fit.
        long low = 0;
        long high = 0;
        for (final MarginAccount account : accounts.values())
        {
            final long value = account.cash();
            final long sum = low + value;
            high += carry(low, value, sum);
            low = sum;
        }
        return narrow(high, low);
    }

    /**
     * @return Σ unrealised PnL over all accounts; equals −Σ cost bases because positions net to zero.
     * @throws ArithmeticException on overflow.
     */
    public long totalUnrealisedPnl()
    {
        long low = 0;
        long high = 0;
        for (final MarginAccount account : accounts.values())
        {
            for (int i = 0, n = account.positionCount(); i < n; i++)
            {
                final long value = unrealisedPnl(account, i);
                final long sum = low + value;
                high += carry(low, value, sum);
                low = sum;
            }
        }
        return narrow(high, low);
    }

    /**
     * @return the CCP's fee account in micro-units.
     */
    public long feeAccount()
    {
        return feeAccount;
    }

    public long accountCount()
    {
        return accounts.size();
    }

    public long tradesCleared()
    {
        return tradesCleared;
    }

    /**
     * @return sequence of the last event reported, 0 before the first.
     */
    public long eventSequence()
    {
        return eventSequence;
    }

    /**
     * @return micro-units unaccounted for: {@code Σ cash + Σ unrealised + fee account − net deposits}; always 0.
     * @throws ArithmeticException on overflow.
     */
    public long conservationError()
    {
        return Math.subtractExact(
            Math.addExact(Math.addExact(totalCash(), totalUnrealisedPnl()), feeAccount), netDeposits);
    }

    /**
     * Writes the whole state in canonical order (see {@link ClearingStateSink}). Allocates sorted key arrays:
     * meant for snapshots and digests, not the command path.
     *
     * @param sink receives the state.
     */
    public void writeState(final ClearingStateSink sink)
    {
        sink.header(eventSequence, netDeposits, feeAccount, tradesCleared);

        final int[] instrumentIds = new int[instruments.size()];
        int count = 0;
        for (final Int2ObjectHashMap<Instrument>.KeyIterator it = instruments.keySet().iterator(); it.hasNext(); )
        {
            instrumentIds[count++] = it.nextInt();
        }
        Arrays.sort(instrumentIds);
        for (final int instrumentId : instrumentIds)
        {
            sink.instrument(instruments.get(instrumentId));
        }

        for (final long accountId : sortedKeys(accounts))
        {
            sink.account(accounts.get(accountId));
        }
        for (final long senderId : sortedKeys(senders))
        {
            sink.sender(senders.get(senderId));
        }
        for (final long exchangeId : sortedKeys(tradeIdsByExchange))
        {
            final LongHashSet set = tradeIdsByExchange.get(exchangeId);
            final long[] ids = new long[set.size()];
            int idCount = 0;
            for (final LongHashSet.LongIterator it = set.iterator(); it.hasNext(); )
            {
                ids[idCount++] = it.nextValue();
            }
            Arrays.sort(ids);
            for (int offset = 0; offset < ids.length; offset += TRADE_ID_CHUNK)
            {
                sink.tradeIds(exchangeId, ids, offset, Math.min(TRADE_ID_CHUNK, ids.length - offset));
            }
        }
    }

    /**
     * Fills {@code digest} with the SHA-256 of the canonical state: equal digests mean equal state on every node.
     *
     * @param digest at least 32 bytes.
     */
    public void stateDigest(final byte[] digest)
    {
        final StateDigest stateDigest = new StateDigest();
        writeState(stateDigest);
        stateDigest.digestInto(digest);
    }

    public void restoreHeader(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        this.eventSequence = eventSequence;
        this.netDeposits = netDeposits;
        this.feeAccount = feeAccount;
        this.tradesCleared = tradesCleared;
    }

    public void restoreInstrument(
        final int instrumentId,
        final String symbol,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int tradeFeePpm,
        final long tickSizeMicros,
        final long lotSizeMicros,
        final long tickValue,
        final long markPriceTicks,
        final long openInterestLots)
    {
        final Instrument instrument = new Instrument(
            instrumentId, symbol, initialMarginPpm, maintenanceMarginPpm, tradeFeePpm, tickSizeMicros, lotSizeMicros,
            tickValue);
        instrument.markPriceTicks(markPriceTicks);
        instrument.openInterestLots(openInterestLots);
        instruments.put(instrumentId, instrument);
    }

    public void restoreAccount(final long accountId, final long memberId, final long cash)
    {
        final MarginAccount account = new MarginAccount(accountId, memberId);
        account.cash(cash);
        accounts.put(accountId, account);
    }

    public void restorePosition(
        final long accountId, final int instrumentId, final long quantityLots, final long costBasis)
    {
        final MarginAccount account = accounts.get(accountId);
        if (null == account)
        {
            throw new IllegalStateException("position restored before its account: " + accountId);
        }
        account.position(instrumentId, quantityLots, costBasis);
    }

    public void restoreSender(final long senderId, final long lastAppliedSequence)
    {
        final SenderSequence sender = new SenderSequence(senderId);
        sender.restoreLastApplied(lastAppliedSequence);
        senders.put(senderId, sender);
    }

    public void restoreRecentResult(final long senderId, final long sequence, final Outcome outcome)
    {
        final SenderSequence sender = senders.get(senderId);
        if (null == sender)
        {
            throw new IllegalStateException("result restored before its sender: " + senderId);
        }
        sender.restoreOutcome(sequence, outcome);
    }

    public void restoreTradeId(final long exchangeId, final long venueTradeId)
    {
        clearedTradeIds(exchangeId).add(venueTradeId);
    }

    /**
     * Checks the idempotency key. Returns null when the command is next in sequence and should be applied;
     * otherwise the outcome to answer with, having applied nothing.
     */
    private Outcome admit(final long senderId, final long sequence, final CommandType command)
    {
        lastCommandReplayed = false;
        SenderSequence sender = senders.get(senderId);
        final long lastApplied = null == sender ? 0 : sender.lastAppliedSequence();

        if (sequence <= lastApplied && sequence > 0)
        {
            lastCommandReplayed = true;
            final Outcome original = sender.outcomeOf(sequence);
            return null == original ? Outcome.SEQUENCE_REPLAY_EXPIRED : original;
        }
        if (sequence <= 0)
        {
            events.onCommandRefused(++eventSequence, senderId, sequence, command, Outcome.INVALID_SEQUENCE);
            return Outcome.INVALID_SEQUENCE;
        }
        if (sequence != lastApplied + 1)
        {
            events.onCommandRefused(++eventSequence, senderId, sequence, command, Outcome.SEQUENCE_GAP);
            return Outcome.SEQUENCE_GAP;
        }

        if (null == sender)
        {
            sender = new SenderSequence(senderId);
            senders.put(senderId, sender);
        }
        commandSender = sender;
        commandSequence = sequence;
        commandType = command;
        return null;
    }

    private Outcome complete(final Outcome outcome)
    {
        commandSender.applied(commandSequence, outcome);
        // A duplicate trade is not a refusal, but it is published too: nothing the clearing house is told goes
        // unseen on the stream (DESIGN.md section 8).
        if (outcome != Outcome.ACCEPTED)
        {
            events.onCommandRefused(
                ++eventSequence, commandSender.senderId(), commandSequence, commandType, outcome);
        }
        return outcome;
    }

    /**
     * A position of {@code quantity} with {@code costBasis} fills {@code delta} lots at {@code priceTicks}. Cash
     * changes by the realised PnL and the cost basis by the rest of the trade's value, so for every fill
     * {@code Δcash − Δcost = −delta × price × tickValue} exactly: that identity is what conserves money.
     */
    private void fill(
        final long quantity, final long costBasis, final long delta, final long priceTicks, final long tickValue)
    {
        final long tradeValue = Money.value(delta, priceTicks, tickValue);
        if (0 == quantity || (quantity > 0) == (delta > 0))
        {
            fillQuantity = Math.addExact(quantity, delta);
            fillCostBasis = Math.addExact(costBasis, tradeValue);
            fillRealisedPnl = 0;
        }
        else if (Math.absExact(delta) <= Math.absExact(quantity))
        {
            // Releasing the cost rounded up makes realised PnL round down: against the member whether it receives
            // or pays (DESIGN.md section 4); the remainder stays in the cost basis of what is left.
            final long releasedCost = Money.proportionRoundedUp(
                costBasis, Math.absExact(delta), Math.absExact(quantity));
            fillQuantity = quantity + delta;
            fillCostBasis = Math.subtractExact(costBasis, releasedCost);
            fillRealisedPnl = Math.subtractExact(Math.negateExact(tradeValue), releasedCost);
        }
        else
        {
            // Flip: close the whole position at the price, open the rest on the other side at the same price.
            fillQuantity = Math.addExact(quantity, delta);
            fillRealisedPnl = Math.subtractExact(Money.value(quantity, priceTicks, tickValue), costBasis);
            fillCostBasis = Money.value(fillQuantity, priceTicks, tickValue);
        }
    }

    private long margin(final MarginAccount account, final boolean initial)
    {
        long margin = 0;
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            final Instrument instrument = instruments.get(account.instrumentIdAt(i));
            final long notional = Math.absExact(
                Money.value(account.quantityAt(i), instrument.markPriceTicks(), instrument.tickValue()));
            final int ratePpm = initial ? instrument.initialMarginPpm() : instrument.maintenanceMarginPpm();
            margin = Math.addExact(margin, Money.ppmRoundedUp(notional, ratePpm));
        }
        return margin;
    }

    private LongHashSet clearedTradeIds(final long exchangeId)
    {
        LongHashSet ids = tradeIdsByExchange.get(exchangeId);
        if (null == ids)
        {
            ids = new LongHashSet();
            tradeIdsByExchange.put(exchangeId, ids);
        }
        return ids;
    }

    /**
     * @return the carry into the high word of a 128-bit sum when {@code sum = augend + addend} wrapped.
     */
    private static long carry(final long augend, final long addend, final long sum)
    {
        if (((augend ^ sum) & (addend ^ sum)) < 0)
        {
            return addend < 0 ? -1 : 1;
        }
        return 0;
    }

    /**
     * The sum is {@code high × 2^64 + low} with {@code low} signed, so it fits a long exactly when no wrap is left.
     */
    private static long narrow(final long high, final long low)
    {
        if (0 != high)
        {
            throw new ArithmeticException("sum does not fit in a long");
        }
        return low;
    }

    private static long longSide(final long quantity)
    {
        return Math.max(quantity, 0);
    }

    private static long[] sortedKeys(final Long2ObjectHashMap<?> map)
    {
        final long[] keys = new long[map.size()];
        int count = 0;
        for (final Long2ObjectHashMap<?>.KeyIterator it = map.keySet().iterator(); it.hasNext(); )
        {
            keys[count++] = it.nextLong();
        }
        Arrays.sort(keys);
        return keys;
    }
}
