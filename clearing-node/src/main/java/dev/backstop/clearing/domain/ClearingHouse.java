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
 * decides every price tick through each instrument's {@link PriceOracle}, values every account at its marks and
 * margins it (DESIGN.md section 5 items 1 to 3): bracket margin with open-interest scaling and rate floors, or the
 * portfolio method, per account. Every command carries the sender's idempotency key (DESIGN.md section 6) and every
 * step is reported to {@link ClearingEvents} with a gap-free event sequence.
 * <p>
 * <b>Pre-trade checks.</b> An order reserves the initial margin it may add. The account's <em>order-inclusive
 * requirement</em> is its initial margin computed with, in every instrument with open orders, the position replaced
 * by the worse of {@code position + all open buys} and {@code position − all open sells} (the one with the larger
 * absolute quantity, which for bracket margin is the one with the larger margin; the buy side on a tie), valued at
 * the mark, plus the immediate loss if that side filled at its limits
 * ({@code max(0, Σ buy lots × limit − buy lots × mark)} in value for buys, the mirror for sells). An order is
 * accepted when equity covers the requirement with it; its reservation is the increase of the requirement it caused
 * (never negative). A risk-reducing order (on the side that shrinks the position, not flipping it even with the other
 * open orders of that side) is accepted without the check. A fill consumes the filled share of the order's
 * reservation (rounded up, never more than is left); a cancel releases the rest. Reservations lower what may be
 * withdrawn.
 * <p>
 * <b>Trades.</b> A trade is refused if either side would be left with equity below its initial margin (positions
 * only, at the mark after the trade) and the trade is not risk-reducing for that side (it shrinks the side's
 * position without flipping it), with {@link Outcome#BELOW_INITIAL_MARGIN}; a side in a margin call or liquidation
 * may only reduce ({@link Outcome#MARGIN_CALL_OPEN}, {@link Outcome#LIQUIDATION_OPEN}). The buyer is checked first.
 * A fill against an order does not bypass the check: the reservation made the order's margin certain at the mark of
 * the time; a later adverse move is the account's risk.
 * <p>
 * <b>Risk states.</b> After every change that can move an account (its trades, deposits and withdrawals, a mark move
 * of an instrument it holds, a margin parameter change), the account is evaluated: equity below initial margin opens
 * a margin call, equity back at or above it cures it (each an event with equity, margins and the cause), and equity
 * below maintenance margin is handed to the liquidation engine ({@link LiquidationHooks}).
 * <p>
 * <b>Settlement and circuit breakers</b> (DESIGN.md 5 items 9 and 10). While anyone holds a position, variation
 * margin and perpetual funding run on the clearing house's deadlines ({@link SettlementCycles}, {@link PerpetualFunding}).
 * Every accepted mark goes through the instrument's {@link CircuitBreaker}: a mark outside the band around the rolling
 * high and low halts new risk on the instrument, and while it is halted a trade that would increase either side's
 * position, or an order that is not risk-reducing, is refused with {@link Outcome#INSTRUMENT_HALTED}. The liquidation
 * engine's transfers are not venue flow and are not halted.
 * <p>
 * Money is conserved to the micro-unit: {@code Σ cash + Σ unrealised PnL + fee account + insurance fund +
 * Σ default-fund contributions + CCP capital == deposits − withdrawals} (CCP capital counts as a deposit) at any
 * marks, because every position has an equal and opposite one. Arithmetic is exact; a
 * command whose arithmetic would overflow is refused before anything changes.
 * <p>
 * The class is deterministic: no clock (cluster time is passed in with {@link #advanceTime(long)}), no randomness,
 * and every iteration that decides an outcome or an output order runs over sorted keys, never over hash order.
 */
public final class ClearingHouse
{
    /**
     * Venue trade ids per {@link ClearingStateSink#tradeIds} call.
     */
    public static final int TRADE_ID_CHUNK = 1024;

    /**
     * Most brackets one {@link #setMarginBrackets} command may carry.
     */
    public static final int MAX_MARGIN_BRACKETS = 8;

    private final ClearingEvents events;
    private LiquidationHooks hooks = LiquidationHooks.NONE;
    private final Int2ObjectHashMap<Instrument> instruments = new Int2ObjectHashMap<>();
    private int[] sortedInstrumentIds = new int[8];
    private int instrumentCount;
    private final Long2ObjectHashMap<MarginAccount> accounts = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<SenderSequence> senders = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongHashSet> tradeIdsByExchange = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<OpenOrder> orders = new Long2ObjectHashMap<>();
    private OpenOrder[] freeOrders = new OpenOrder[16];
    private int freeOrderCount;
    private final PortfolioMargin portfolioMargin = new PortfolioMargin();
    private final DefaultFund defaultFund;

    private long eventSequence;
    private long netDeposits;
    private long feeAccount;
    private long tradesCleared;
    private long nowMs;
    private long insuranceFund;
    private long openDeficits;

    private boolean lastCommandReplayed;
    private SenderSequence commandSender;
    private long commandSequence;
    private CommandType commandType;

    // Results of fill(): a fill has three outputs and the command path must not allocate.
    private long fillQuantity;
    private long fillCostBasis;
    private long fillRealisedPnl;
    private long lastBuyerRealisedPnl;
    private long lastSellerRealisedPnl;

    // Exposures an account is margined on (positions, or positions with open orders), sorted by instrument id.
    private int exposureCount;
    private int[] exposureInstrumentIds = new int[16];
    private int[] exposureUnderlyingIds = new int[16];
    private long[] exposureQuantities = new long[16];
    private long[] exposureMarks = new long[16];
    private long[] exposureTickValues = new long[16];

    private long[] holderScratch = new long[64];
    private boolean visitingHolders;

    private final SettlementCycles settlement;

    /**
     * @param events receives every step the clearing house takes.
     */
    public ClearingHouse(final ClearingEvents events)
    {
        this.events = events;
        this.defaultFund = new DefaultFund(this, events);
        this.settlement = new SettlementCycles(this, events);
    }

    // ------------------------------------------------------------------------------------------------ time

    /**
     * Moves the clearing house's clock to the cluster time of the command or timer about to be applied. Time never
     * goes back: an earlier time is ignored.
     *
     * @param nowMs cluster time in ms.
     */
    public void advanceTime(final long nowMs)
    {
        if (nowMs > this.nowMs)
        {
            this.nowMs = nowMs;
        }
    }

    /**
     * @return the cluster time the clearing house was last advanced to.
     */
    public long nowMs()
    {
        return nowMs;
    }

    /**
     * @return cluster time of the next time-driven work (a step of a margin-rate cut, a liquidation round, an
     * auction step), {@link Long#MAX_VALUE} when nothing is due: the adapter schedules one timer there.
     */
    public long nextDeadlineMs()
    {
        long deadline = Math.min(hooks.nextDeadlineMs(), defaultFund.nextDeadlineMs());
        boolean anyOpenInterest = false;
        for (int i = 0; i < instrumentCount; i++)
        {
            final Instrument instrument = instruments.get(sortedInstrumentIds[i]);
            deadline = Math.min(deadline, instrument.initialMarginRate().nextStepDeadlineMs());
            deadline = Math.min(deadline, instrument.maintenanceMarginRate().nextStepDeadlineMs());
            if (instrument.circuitBreaker().isTripped())
            {
                deadline = Math.min(deadline, instrument.circuitBreaker().haltedUntilMs());
            }
            if (instrument.openInterestLots() > 0)
            {
                anyOpenInterest = true;
                deadline = Math.min(deadline, instrument.funding().nextFundingMs());
            }
        }
        // Settlement cycles are due only while someone holds a position: an idle house schedules no timer.
        return anyOpenInterest ? Math.min(deadline, settlement.nextVmMs()) : deadline;
    }

    /**
     * Does the time-driven work due at {@code nowMs}: releases due steps of margin-rate cuts (instruments in id
     * order, re-evaluating their holders), ends circuit breaker halts that are over, runs the settlement cycles that
     * are due ({@link SettlementCycles}: variation margin, then funding), then the liquidation engine's work.
     *
     * @param nowMs cluster time of the timer.
     */
    public void onDeadline(final long nowMs)
    {
        advanceTime(nowMs);
        for (int i = 0; i < instrumentCount; i++)
        {
            final Instrument instrument = instruments.get(sortedInstrumentIds[i]);
            final boolean initialStepped = instrument.initialMarginRate().onDeadline(this.nowMs);
            final boolean maintenanceStepped = instrument.maintenanceMarginRate().onDeadline(this.nowMs);
            if (initialStepped || maintenanceStepped)
            {
                instrument.rebuildEffectiveBrackets();
                publishMarginRates(instrument);
                evaluateHolders(instrument, RiskCause.MARGIN_RATE_STEP);
            }
        }
        for (int i = 0; i < instrumentCount; i++)
        {
            final Instrument instrument = instruments.get(sortedInstrumentIds[i]);
            final CircuitBreaker breaker = instrument.circuitBreaker();
            if (breaker.isTripped() && this.nowMs >= breaker.haltedUntilMs())
            {
                resumeBreaker(instrument, false);
            }
        }
        settlement.onDeadline(this.nowMs);
        hooks.onDeadline(this.nowMs);
        defaultFund.onDeadline(this.nowMs);
    }

    // ------------------------------------------------------------------------------------------------ listing

    /**
     * Lists an instrument (operator command). It starts with one margin bracket at the listed IMR/MMR, rate floors at
     * those rates, no open-interest scaling, the default oracle parameters and itself as its underlying.
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
        instrument.funding().start(nowMs);
        addInstrument(instrument);
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
        defaultFund.onAccountOpened(accountId, memberId);
        events.onAccountOpened(++eventSequence, accountId, memberId);

        return complete(Outcome.ACCEPTED);
    }

    // ------------------------------------------------------------------------------------------------ collateral

    /**
     * Deposits cash collateral into an account; it may cure a margin call.
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
        evaluate(account, RiskCause.DEPOSIT);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Withdraws cash collateral. Never takes the account's cash below zero nor its equity below initial margin plus
     * the margin reserved by its open orders; nothing leaves an account in liquidation or bankrupt, nor a backstop
     * pool's account ({@link Outcome#NOT_AUTHORISED}: its cash leaves only through redemptions).
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
        if (account.role() == AccountRole.BACKSTOP_POOL)
        {
            // A pool's cash belongs to its share holders: it leaves only through redemptions, at NAV.
            return complete(Outcome.NOT_AUTHORISED);
        }
        if (inLiquidation(account))
        {
            return complete(Outcome.LIQUIDATION_OPEN);
        }
        if (defaultFund.waterfall().isOpen())
        {
            // DESIGN.md 5 item 11: no collateral leaves while a default's loss is being allocated.
            return complete(Outcome.WATERFALL_OPEN);
        }
        if (defaultFund.isFlagged(account.memberId()))
        {
            return complete(Outcome.DEFAULT_FUND_CALL_MISSED);
        }
        if (amount > account.cash())
        {
            return complete(Outcome.INSUFFICIENT_CASH);
        }

        final long equityAfter;
        try
        {
            equityAfter = Math.subtractExact(equity(account), amount);
            if (equityAfter < Math.addExact(initialMargin(account), account.reservedMargin()))
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
        evaluate(account, RiskCause.WITHDRAWAL);

        return complete(Outcome.ACCEPTED);
    }

    // ------------------------------------------------------------------------------------------------ trades

    /**
     * Novates an executed trade that was not placed through pre-checked orders; see
     * {@link #clearTrade(long, long, long, int, long, long, long, long, long, long)}.
     *
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
        return clearTrade(
            senderId, sequence, venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks, quantityLots, 0, 0);
    }

    /**
     * Novates an executed trade: the buyer's account goes long and the seller's short by the quantity at the price,
     * each pays the instrument's fee (rounded up) to the fee account, and whatever either side closed is realised
     * into its cash. A venue trade id already cleared for this exchange is a duplicate and changes nothing. The
     * margin rules are in the class comment. Each order id, when not 0, must be an open order of that side's account
     * in the instrument on that side ({@link Outcome#UNKNOWN_ORDER}), with at least the quantity left
     * ({@link Outcome#INVALID_QUANTITY}) and a limit the price respects ({@link Outcome#INVALID_PRICE}); the fill
     * consumes its reservation.
     *
     * @param senderId    the exchange that executed the trade.
     * @param buyOrderId  the buyer's pre-checked order, 0 for none.
     * @param sellOrderId the seller's pre-checked order, 0 for none.
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
        final long quantityLots,
        final long buyOrderId,
        final long sellOrderId)
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
        final OpenOrder buyOrder = 0 == buyOrderId ? null : orders.get(buyOrderId);
        final OpenOrder sellOrder = 0 == sellOrderId ? null : orders.get(sellOrderId);
        final Outcome buyOrderCheck = checkFill(buyOrderId, buyOrder, buyAccountId, instrumentId, true,
            quantityLots, priceTicks);
        if (null != buyOrderCheck)
        {
            return complete(buyOrderCheck);
        }
        final Outcome sellOrderCheck = checkFill(sellOrderId, sellOrder, sellAccountId, instrumentId, false,
            quantityLots, priceTicks);
        if (null != sellOrderCheck)
        {
            return complete(sellOrderCheck);
        }

        final long tickValue = instrument.tickValue();
        final int buyerIndex = buyer.indexOf(instrumentId);
        final int sellerIndex = seller.indexOf(instrumentId);
        final long buyerQuantityBefore = buyerIndex >= 0 ? buyer.quantityAt(buyerIndex) : 0;
        final long buyerCostBefore = buyerIndex >= 0 ? buyer.costBasisAt(buyerIndex) : 0;
        final long sellerQuantityBefore = sellerIndex >= 0 ? seller.quantityAt(sellerIndex) : 0;
        final long sellerCostBefore = sellerIndex >= 0 ? seller.costBasisAt(sellerIndex) : 0;
        if (haltsNewRisk(instrument) &&
            !(reducing(buyerQuantityBefore, quantityLots) && reducing(sellerQuantityBefore, -quantityLots)))
        {
            return complete(Outcome.INSTRUMENT_HALTED);
        }
        final long buyerCashBefore = buyer.cash();
        final long sellerCashBefore = seller.cash();
        final long buyerFeesBefore = buyerIndex >= 0 ? buyer.positionFeesAt(buyerIndex) : 0;
        final long sellerFeesBefore = sellerIndex >= 0 ? seller.positionFeesAt(sellerIndex) : 0;
        final long markBefore = instrument.markPriceTicks();
        final long openInterestBefore = instrument.openInterestLots();

        final long fee;
        final long buyerQuantity, buyerCostBasis, buyerRealised, buyerCash;
        final long sellerQuantity, sellerCostBasis, sellerRealised, sellerCash;
        final long feeAccountAfter, openInterestAfter;
        final long feesSinceAfter, gainsSinceAfter, lossesSinceAfter;
        final long markAfter = 0 == markBefore ? priceTicks : markBefore;
        try
        {
            fee = Money.ppmRoundedUp(Money.value(quantityLots, priceTicks, tickValue), instrument.tradeFeePpm());

            fill(buyerQuantityBefore, buyerCostBefore, quantityLots, priceTicks, tickValue);
            buyerQuantity = fillQuantity;
            buyerCostBasis = fillCostBasis;
            buyerRealised = fillRealisedPnl;
            buyerCash = Math.subtractExact(Math.addExact(buyerCashBefore, buyerRealised), fee);

            fill(sellerQuantityBefore, sellerCostBefore, -quantityLots, priceTicks, tickValue);
            sellerQuantity = fillQuantity;
            sellerCostBasis = fillCostBasis;
            sellerRealised = fillRealisedPnl;
            sellerCash = Math.subtractExact(Math.addExact(sellerCashBefore, sellerRealised), fee);

            feeAccountAfter = Math.addExact(feeAccount, Math.multiplyExact(fee, 2));
            feesSinceAfter = Math.addExact(instrument.feesSinceSettlement(), Math.multiplyExact(fee, 2));
            gainsSinceAfter = Math.addExact(
                instrument.realisedGainsSinceSettlement(),
                Math.addExact(Math.max(0, buyerRealised), Math.max(0, sellerRealised)));
            lossesSinceAfter = Math.addExact(
                instrument.realisedLossesSinceSettlement(),
                Math.addExact(Math.max(0, -buyerRealised), Math.max(0, -sellerRealised)));
            // Net the two sides' changes first: moving long lots between accounts leaves open interest unchanged.
            openInterestAfter = Math.addExact(
                openInterestBefore,
                Math.addExact(
                    longSide(buyerQuantity) - longSide(buyerQuantityBefore),
                    longSide(sellerQuantity) - longSide(sellerQuantityBefore)));
            // Every position must stay valuable at the mark, as a tick guarantees for the marks it accepts.
            Money.value(openInterestAfter, markAfter, tickValue);
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }

        // Apply, check both sides' margin on the books as they would be, and put everything back on a refusal: the
        // margin methods then need no second, hypothetical code path.
        buyer.position(instrumentId, buyerQuantity, buyerCostBasis);
        buyer.cash(buyerCash);
        seller.position(instrumentId, sellerQuantity, sellerCostBasis);
        seller.cash(sellerCash);
        instrument.openInterestLots(openInterestAfter);
        instrument.markPriceTicks(markAfter);

        Outcome refusal = checkSideAfterTrade(buyer, buyerQuantityBefore, quantityLots);
        if (null == refusal)
        {
            refusal = checkSideAfterTrade(seller, sellerQuantityBefore, -quantityLots);
        }
        if (null != refusal)
        {
            buyer.position(instrumentId, buyerQuantityBefore, buyerCostBefore);
            buyer.cash(buyerCashBefore);
            seller.position(instrumentId, sellerQuantityBefore, sellerCostBefore);
            seller.cash(sellerCashBefore);
            // A position closed by the trial and put back comes back without its fees: restore them too.
            if (buyerIndex >= 0)
            {
                buyer.positionFeesAt(buyerIndex, buyerFeesBefore);
            }
            if (sellerIndex >= 0)
            {
                seller.positionFeesAt(sellerIndex, sellerFeesBefore);
            }
            instrument.openInterestLots(openInterestBefore);
            instrument.markPriceTicks(markBefore);
            return complete(refusal);
        }

        updateHolder(instrument, buyer, buyerQuantityBefore, buyerQuantity);
        updateHolder(instrument, seller, sellerQuantityBefore, sellerQuantity);
        defaultFund.onPositionChanged(buyer.memberId(), nowMs);
        defaultFund.onPositionChanged(seller.memberId(), nowMs);
        feeAccount = feeAccountAfter;
        instrument.sinceSettlement(feesSinceAfter, gainsSinceAfter, lossesSinceAfter);
        addPositionFee(buyer, instrumentId, fee);
        addPositionFee(seller, instrumentId, fee);
        if (0 == openInterestBefore && openInterestAfter > 0)
        {
            onInterestOpened(instrument);
        }
        tradesCleared++;
        clearedTradeIds(senderId).add(venueTradeId);
        try
        {
            instrument.oracle().onTrade(priceTicks, nowMs);
        }
        catch (final ArithmeticException ex)
        {
            // The basis EMA could not take this sample (it is left as it was); the trade itself stands.
        }

        if (0 == markBefore)
        {
            // Until the first accepted tick the last trade is the only price there is (DESIGN.md 5.1: "last trade").
            final PriceOracle oracle = instrument.oracle();
            events.onMarkPriceUpdated(
                ++eventSequence, instrumentId, 0, priceTicks, TickDecision.ACCEPTED, 0, priceTicks,
                oracle.indexPriceTicks(), 0, 0);
        }
        events.onTradeCleared(
            ++eventSequence, senderId, venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks,
            quantityLots, fee, fee, buyerRealised, sellerRealised);
        consumeReservation(buyOrder, instrument, quantityLots);
        consumeReservation(sellOrder, instrument, quantityLots);

        if (0 == markBefore)
        {
            onMarkMoved(instrument, 0, markAfter);
            hooks.onMarkPrice(instrumentId, markAfter, nowMs);
        }
        evaluate(buyer, RiskCause.TRADE);
        evaluate(seller, RiskCause.TRADE);
        if (!instrument.openInterestScaling().isOff() && openInterestAfter != openInterestBefore)
        {
            // The IMR of every holder moved with the open interest (the two sides again: evaluation is idempotent).
            evaluateHolders(instrument, RiskCause.TRADE);
        }

        return complete(Outcome.ACCEPTED);
    }

    // ------------------------------------------------------------------------------------------------ prices

    /**
     * Applies a price tick observed now; see {@link #applyPriceTick(long, long, int, int, long, long)}.
     *
     * @return the outcome.
     */
    public Outcome applyPriceTick(
        final long senderId, final long sequence, final int instrumentId, final int sourceId, final long priceTicks)
    {
        return applyPriceTick(senderId, sequence, instrumentId, sourceId, priceTicks, nowMs);
    }

    /**
     * Applies a price tick from one source through the instrument's {@link PriceOracle}: every tick gets a decision
     * (accepted, stale, excluded, below quorum), published with the index, the fresh source count and the median it
     * was compared with; the mark moves only on an accepted tick. A tick the oracle cannot take (price not positive,
     * a new source beyond the oracle's maximum) is refused, as is a price whose value at the instrument's open
     * interest would overflow, which keeps every account's valuation exact. When the mark moves, every holder of the
     * instrument is re-evaluated (in account id order).
     *
     * @param sourceTimeMs when the source observed the price, in cluster-time ms.
     * @return the outcome: {@link Outcome#ACCEPTED} whatever the decision, when the tick was decided.
     */
    public Outcome applyPriceTick(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final int sourceId,
        final long priceTicks,
        final long sourceTimeMs)
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
        final PriceOracle oracle = instrument.oracle();
        final Outcome check = oracle.checkTick(sourceId, priceTicks);
        if (check != Outcome.ACCEPTED)
        {
            return complete(check);
        }
        try
        {
            Money.value(instrument.openInterestLots(), priceTicks, instrument.tickValue());
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }

        final TickDecision decision = oracle.onTick(sourceId, priceTicks, sourceTimeMs, nowMs);
        final long previousMark = instrument.markPriceTicks();
        long mark = previousMark;
        if (TickDecision.ACCEPTED == decision && oracle.markPriceTicks() > 0 && fitsAtOpenInterest(
            instrument, oracle.markPriceTicks()))
        {
            mark = oracle.markPriceTicks();
        }
        instrument.markPriceTicks(mark);
        events.onMarkPriceUpdated(
            ++eventSequence, instrumentId, sourceId, priceTicks, decision, previousMark, mark,
            oracle.indexPriceTicks(), oracle.countedSourceCount(), oracle.othersMedianTicks());
        if (TickDecision.ACCEPTED == decision)
        {
            instrument.funding().sample(
                mark, oracle.indexPriceTicks(), nowMs, 0 == instrument.openInterestLots());
        }

        if (mark != previousMark)
        {
            onMarkMoved(instrument, previousMark, mark);
            hooks.onMarkPrice(instrumentId, mark, nowMs);
            evaluateHolders(instrument, RiskCause.MARK_PRICE);
        }

        return complete(Outcome.ACCEPTED);
    }

    // ------------------------------------------------------------------------------------------------ orders

    /**
     * Checks an order before it reaches a venue's book and reserves the initial margin it may add (the rule is in the
     * class comment).
     *
     * @param orderId         the order's id, positive and unique among open orders.
     * @param buy             true for a buy order.
     * @param lots            quantity in lots, positive.
     * @param limitPriceTicks limit price in ticks, positive.
     * @return {@link Outcome#ACCEPTED}; {@link Outcome#BELOW_INITIAL_MARGIN} when equity does not cover the
     * order-inclusive requirement; {@link Outcome#MARGIN_CALL_OPEN} or {@link Outcome#LIQUIDATION_OPEN} for a
     * risk-increasing order of an account in a margin call or liquidation; {@link Outcome#NO_MARK_PRICE} before the
     * instrument has a mark; {@link Outcome#ORDER_EXISTS}, {@link Outcome#INVALID_PARAMETER} (order id),
     * {@link Outcome#INVALID_QUANTITY}, {@link Outcome#INVALID_PRICE}, unknown instrument or account.
     */
    public Outcome submitOrder(
        final long senderId,
        final long sequence,
        final long orderId,
        final long accountId,
        final int instrumentId,
        final boolean buy,
        final long lots,
        final long limitPriceTicks)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SUBMIT_ORDER);
        if (null != admission)
        {
            return admission;
        }
        if (orderId <= 0)
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        if (orders.containsKey(orderId))
        {
            return complete(Outcome.ORDER_EXISTS);
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        final MarginAccount account = accounts.get(accountId);
        if (null == account)
        {
            return complete(Outcome.UNKNOWN_ACCOUNT);
        }
        if (lots <= 0)
        {
            return complete(Outcome.INVALID_QUANTITY);
        }
        if (limitPriceTicks <= 0)
        {
            return complete(Outcome.INVALID_PRICE);
        }
        if (0 == instrument.markPriceTicks())
        {
            return complete(Outcome.NO_MARK_PRICE);
        }

        final long position = account.quantityOf(instrumentId);
        final int exposureIndex = account.orderExposureIndexOf(instrumentId);
        final long sameSideLots = exposureIndex < 0 ? 0 :
            buy ? account.openBuyLotsAt(exposureIndex) : account.openSellLotsAt(exposureIndex);
        final long sameSideValue = exposureIndex < 0 ? 0 :
            buy ? account.openBuyLimitValueAt(exposureIndex) : account.openSellLimitValueAt(exposureIndex);
        final long limitValue;
        try
        {
            limitValue = Money.value(lots, limitPriceTicks, instrument.tickValue());
            Math.addExact(sameSideLots, lots);
            Math.addExact(sameSideValue, limitValue);
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }
        final boolean reducing = buy ?
            position < 0 && sameSideLots + lots <= -position :
            position > 0 && sameSideLots + lots <= position;
        if (!reducing && haltsNewRisk(instrument))
        {
            return complete(Outcome.INSTRUMENT_HALTED);
        }
        if (!reducing && account.riskState().restrictsRisk())
        {
            return complete(riskStateRefusal(account));
        }
        if (!reducing && defaultFund.isFlagged(account.memberId()))
        {
            return complete(Outcome.DEFAULT_FUND_CALL_MISSED);
        }

        final long requirementBefore;
        final long requirementAfter;
        final long equity;
        try
        {
            requirementBefore = orderInclusiveRequirement(account);
            account.addOrderExposure(instrumentId, buy, lots, limitValue, 0, 0);
            try
            {
                requirementAfter = orderInclusiveRequirement(account);
                equity = equity(account);
            }
            finally
            {
                account.addOrderExposure(instrumentId, buy, -lots, -limitValue, 0, 0);
            }
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }
        if (!reducing && equity < requirementAfter)
        {
            return complete(Outcome.BELOW_INITIAL_MARGIN);
        }

        final long reservation = Math.max(0, requirementAfter - requirementBefore);
        final long reservedAfter;
        try
        {
            reservedAfter = Math.addExact(account.reservedMargin(), reservation);
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }
        account.addOrderExposure(instrumentId, buy, lots, limitValue, reservation, 1);
        final OpenOrder order = newOrder();
        order.set(orderId, accountId, instrumentId, buy, lots, limitPriceTicks, reservation);
        orders.put(orderId, order);
        events.onOrderAccepted(
            ++eventSequence, orderId, accountId, instrumentId, buy, lots, limitPriceTicks, reservation, reservedAfter);

        return complete(Outcome.ACCEPTED);
    }

    /**
     * Cancels an open order and releases its reservation.
     *
     * @return {@link Outcome#ACCEPTED} or {@link Outcome#UNKNOWN_ORDER}.
     */
    public Outcome cancelOrder(final long senderId, final long sequence, final long orderId)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.CANCEL_ORDER);
        if (null != admission)
        {
            return admission;
        }
        final OpenOrder order = 0 == orderId ? null : orders.get(orderId);
        if (null == order)
        {
            return complete(Outcome.UNKNOWN_ORDER);
        }
        releaseOrder(order);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * @param orderId order id.
     * @return the open order, null when none is open with that id. Instances are reused: do not keep it.
     */
    public OpenOrder order(final long orderId)
    {
        return orders.get(orderId);
    }

    /**
     * @return number of open orders.
     */
    public int openOrderCount()
    {
        return orders.size();
    }

    // ------------------------------------------------------------------------------------------------ parameters

    /**
     * Sets an instrument's oracle parameters (operator command); they apply from the next tick.
     *
     * @param sourceAgeLimitMs  age after which a source's last tick no longer counts, 1 ms .. 1 day.
     * @param exclusionBandPpm  distance from the others' median beyond which a source is excluded, 1 .. 1e6 ppm.
     * @param quorum            fresh, counted sources needed for the mark to move, 1 .. max sources.
     * @param markBasisCode     {@link MarkBasis#code()}.
     * @param emaWindowMs       window of the basis EMA, 1 ms .. 1 day.
     * @param maxSources        most sources recorded, 1 .. {@link OracleParameters#MAX_SOURCES_LIMIT}; a tick from a
     *                          further source is refused (sources already recorded keep counting when it is lowered).
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} with nothing changed when any is out of range.
     */
    public Outcome setOracleParameters(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final long sourceAgeLimitMs,
        final int exclusionBandPpm,
        final int quorum,
        final int markBasisCode,
        final long emaWindowMs,
        final int maxSources)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_ORACLE_PARAMETERS);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        final OracleParameters parameters = instrument.oracleParameters();
        final Outcome outcome = parameters.set(
            sourceAgeLimitMs, exclusionBandPpm, quorum, MarkBasis.fromCode(markBasisCode), emaWindowMs, maxSources);
        if (outcome != Outcome.ACCEPTED)
        {
            return complete(outcome);
        }
        events.onRiskParametersChanged(++eventSequence, CommandType.SET_ORACLE_PARAMETERS, instrumentId, 0);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Replaces an instrument's margin brackets (operator command). Each rate applies no lower than the effective
     * rate of the instrument's floor ({@link #setMarginRate}), so a cut below it waits for the floor's release.
     *
     * @param count                1 .. {@link #MAX_MARGIN_BRACKETS} brackets read from the arrays.
     * @param capsNotional         ascending notional caps in micro-units, the last {@link Long#MAX_VALUE}.
     * @param initialMarginPpm     IMR per bracket, non-decreasing.
     * @param maintenanceMarginPpm MMR per bracket, non-decreasing, {@code 0 < MMR <= IMR}.
     * @return the outcome.
     */
    public Outcome setMarginBrackets(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final int count,
        final long[] capsNotional,
        final int[] initialMarginPpm,
        final int[] maintenanceMarginPpm)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_MARGIN_BRACKETS);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        if (count > MAX_MARGIN_BRACKETS)
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        final Outcome outcome = instrument.marginBrackets().set(
            count, capsNotional, initialMarginPpm, maintenanceMarginPpm);
        if (outcome != Outcome.ACCEPTED)
        {
            return complete(outcome);
        }
        instrument.rebuildEffectiveBrackets();
        events.onRiskParametersChanged(++eventSequence, CommandType.SET_MARGIN_BRACKETS, instrumentId, 0);
        evaluateHolders(instrument, RiskCause.MARGIN_PARAMETERS);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Sets how an instrument's IMR rises with its open interest (operator command; see
     * {@link OpenInterestScaling}).
     *
     * @param lowerCapNotional open interest in micro-units at mark up to which the IMR is unscaled.
     * @param upperCapNotional open interest at and above which the IMR is 100%; 0 turns scaling off.
     * @return the outcome.
     */
    public Outcome setOpenInterestScaling(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final long lowerCapNotional,
        final long upperCapNotional)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_OPEN_INTEREST_SCALING);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        final Outcome outcome = instrument.openInterestScaling().set(lowerCapNotional, upperCapNotional);
        if (outcome != Outcome.ACCEPTED)
        {
            return complete(outcome);
        }
        events.onRiskParametersChanged(++eventSequence, CommandType.SET_OPEN_INTEREST_SCALING, instrumentId, 0);
        evaluateHolders(instrument, RiskCause.MARGIN_PARAMETERS);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Asks for new margin rates through the anti-procyclicality floors (operator command; see
     * {@link MarginRateFloor}): a raise applies at once, a cut is released in steps of at most
     * {@code maxCutPerStepPpm} every {@code stepIntervalMs} on cluster timers, and no rate goes below its floor.
     * Every bracket's rate applies no lower than the effective rate. The floors and step are set first, then the
     * targets.
     *
     * @param targetInitialMarginPpm     IMR asked for, {@code floorInitial .. 1e6}.
     * @param targetMaintenanceMarginPpm MMR asked for, {@code floorMaintenance .. targetInitial}, positive.
     * @param floorInitialMarginPpm      lowest the IMR may ever be.
     * @param floorMaintenanceMarginPpm  lowest the MMR may ever be.
     * @param maxCutPerStepPpm           largest cut released at one step, {@code 1 .. 1e6}.
     * @param stepIntervalMs             cluster time between steps, positive.
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} with nothing changed when any is out of range.
     */
    public Outcome setMarginRate(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final int targetInitialMarginPpm,
        final int targetMaintenanceMarginPpm,
        final int floorInitialMarginPpm,
        final int floorMaintenanceMarginPpm,
        final int maxCutPerStepPpm,
        final long stepIntervalMs)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_MARGIN_RATE);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        if (targetMaintenanceMarginPpm <= 0 || targetMaintenanceMarginPpm > targetInitialMarginPpm ||
            targetInitialMarginPpm > Money.PPM ||
            floorInitialMarginPpm < 0 || floorInitialMarginPpm > targetInitialMarginPpm ||
            floorMaintenanceMarginPpm < 0 || floorMaintenanceMarginPpm > targetMaintenanceMarginPpm ||
            maxCutPerStepPpm <= 0 || maxCutPerStepPpm > Money.PPM || stepIntervalMs <= 0)
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        final MarginRateFloor initialRate = instrument.initialMarginRate();
        final MarginRateFloor maintenanceRate = instrument.maintenanceMarginRate();
        final Outcome outcome = firstRefusal(
            initialRate.setFloor(floorInitialMarginPpm, maxCutPerStepPpm, stepIntervalMs),
            maintenanceRate.setFloor(floorMaintenanceMarginPpm, maxCutPerStepPpm, stepIntervalMs),
            initialRate.setTarget(targetInitialMarginPpm, nowMs),
            maintenanceRate.setTarget(targetMaintenanceMarginPpm, nowMs));
        if (outcome != Outcome.ACCEPTED)
        {
            // Unreachable after the checks above; say so loudly rather than leave the rates half set.
            throw new IllegalStateException("margin rate refused after validation: " + outcome);
        }
        instrument.rebuildEffectiveBrackets();
        publishMarginRates(instrument);
        evaluateHolders(instrument, RiskCause.MARGIN_PARAMETERS);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Chooses how an account is margined (operator command).
     *
     * @param marginMethodCode {@link MarginMethod#code()}.
     * @return the outcome.
     */
    public Outcome setAccountMarginMethod(
        final long senderId, final long sequence, final long accountId, final int marginMethodCode)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_ACCOUNT_MARGIN_METHOD);
        if (null != admission)
        {
            return admission;
        }
        final MarginAccount account = accounts.get(accountId);
        if (null == account)
        {
            return complete(Outcome.UNKNOWN_ACCOUNT);
        }
        final MarginMethod method = MarginMethod.fromCode(marginMethodCode);
        if (null == method)
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        final MarginMethod previous = account.marginMethod();
        account.marginMethod(method);
        try
        {
            initialMargin(account);
            maintenanceMargin(account);
        }
        catch (final ArithmeticException ex)
        {
            account.marginMethod(previous);
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }
        events.onRiskParametersChanged(++eventSequence, CommandType.SET_ACCOUNT_MARGIN_METHOD, 0, accountId);
        evaluate(account, RiskCause.MARGIN_PARAMETERS);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Sets the scenario grid of one underlying for the portfolio method (operator command; see
     * {@link PortfolioMargin}). Every portfolio-margined account is re-evaluated, in account id order.
     *
     * @param underlyingId the underlying, positive.
     * @param count        number of shocks read from the array, 1 .. {@link PortfolioMargin#MAX_SCENARIOS}.
     * @param shocksPpm    price shocks in ppm.
     * @return the outcome.
     */
    public Outcome setUnderlyingScenarios(
        final long senderId, final long sequence, final int underlyingId, final int count, final int[] shocksPpm)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_UNDERLYING_SCENARIOS);
        if (null != admission)
        {
            return admission;
        }
        if (underlyingId <= 0)
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        final Outcome outcome = portfolioMargin.scenarios(underlyingId, count, shocksPpm);
        if (outcome != Outcome.ACCEPTED)
        {
            return complete(outcome);
        }
        events.onRiskParametersChanged(++eventSequence, CommandType.SET_UNDERLYING_SCENARIOS, underlyingId, 0);
        for (final long accountId : sortedKeys(accounts))
        {
            final MarginAccount account = accounts.get(accountId);
            if (account.marginMethod() == MarginMethod.PORTFOLIO)
            {
                evaluate(account, RiskCause.MARGIN_PARAMETERS);
            }
        }
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Groups an instrument under an underlying for the portfolio method (operator command): positions on one
     * underlying offset each other. By default an instrument is its own underlying.
     *
     * @param underlyingId the underlying, positive.
     * @return the outcome.
     */
    public Outcome setInstrumentUnderlying(
        final long senderId, final long sequence, final int instrumentId, final int underlyingId)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_INSTRUMENT_UNDERLYING);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        if (underlyingId <= 0)
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        instrument.underlyingId(underlyingId);
        events.onRiskParametersChanged(++eventSequence, CommandType.SET_INSTRUMENT_UNDERLYING, instrumentId, 0);
        evaluateHolders(instrument, RiskCause.MARGIN_PARAMETERS);
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
            defaultFund.coverageRatioPpm();
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

    // ------------------------------------------------------------------------------------------------ reads

    public MarginAccount account(final long accountId)
    {
        return accounts.get(accountId);
    }

    public Instrument instrument(final int instrumentId)
    {
        return instruments.get(instrumentId);
    }

    /**
     * @return number of instruments listed.
     */
    public int instrumentCount()
    {
        return instrumentCount;
    }

    /**
     * @param index 0 .. {@link #instrumentCount()} − 1.
     * @return the instrument id at that index, ascending.
     */
    public int instrumentIdAt(final int index)
    {
        return sortedInstrumentIds[index];
    }

    /**
     * @return the portfolio-margin configuration (scenario grids per underlying).
     */
    public PortfolioMargin portfolioMargin()
    {
        return portfolioMargin;
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
     * @return initial margin of the account's positions at mark, by its margin method: for {@link MarginMethod#LINEAR}
     * Σ per position of the bracket IM (IMR scaled with open interest), for {@link MarginMethod#PORTFOLIO} the
     * scenario-grid requirement. Open orders are not included (see {@link MarginAccount#reservedMargin()}).
     * @throws ArithmeticException on overflow.
     */
    public long initialMargin(final MarginAccount account)
    {
        loadPositions(account);
        return exposureMargin(account.marginMethod(), true);
    }

    /**
     * @return maintenance margin of the account's positions at mark, by its margin method (bracket MM per position,
     * or the portfolio IM × its maintenance fraction).
     * @throws ArithmeticException on overflow.
     */
    public long maintenanceMargin(final MarginAccount account)
    {
        loadPositions(account);
        return exposureMargin(account.marginMethod(), false);
    }

    /**
     * @return the order-inclusive requirement the pre-trade check compares equity with (see the class comment);
     * equal to {@link #initialMargin(MarginAccount)} without open orders.
     * @throws ArithmeticException on overflow.
     */
    public long orderInclusiveRequirement(final MarginAccount account)
    {
        exposureCount = 0;
        long premium = 0;
        final int positions = account.positionCount();
        final int exposures = account.orderExposureCount();
        int p = 0;
        int x = 0;
        while (p < positions || x < exposures)
        {
            final int positionInstrument = p < positions ? account.instrumentIdAt(p) : Integer.MAX_VALUE;
            final int exposureInstrument = x < exposures ? account.orderExposureInstrumentIdAt(x) : Integer.MAX_VALUE;
            if (x >= exposures || (p < positions && positionInstrument < exposureInstrument))
            {
                addExposure(positionInstrument, account.quantityAt(p));
                p++;
                continue;
            }
            final long position = positionInstrument == exposureInstrument ? account.quantityAt(p) : 0;
            if (positionInstrument == exposureInstrument)
            {
                p++;
            }
            final Instrument instrument = instruments.get(exposureInstrument);
            final long buyLots = account.openBuyLotsAt(x);
            final long sellLots = account.openSellLotsAt(x);
            final long withBuys = Math.addExact(position, buyLots);
            final long withSells = Math.subtractExact(position, sellLots);
            if (Math.absExact(withBuys) >= Math.absExact(withSells))
            {
                addExposure(exposureInstrument, withBuys);
                final long atMark = Money.value(buyLots, instrument.markPriceTicks(), instrument.tickValue());
                premium = Math.addExact(premium, Math.max(0, Math.subtractExact(account.openBuyLimitValueAt(x), atMark)));
            }
            else
            {
                addExposure(exposureInstrument, withSells);
                final long atMark = Money.value(sellLots, instrument.markPriceTicks(), instrument.tickValue());
                premium = Math.addExact(premium, Math.max(0, Math.subtractExact(atMark, account.openSellLimitValueAt(x))));
            }
            x++;
        }
        return Math.addExact(exposureMargin(account.marginMethod(), true), premium);
    }

    /**
     * @return what may be withdrawn now: no more than cash, and no more than equity above initial margin plus the
     * margin reserved by open orders; nothing while the account is in liquidation or bankrupt.
     * @throws ArithmeticException on overflow.
     */
    public long withdrawable(final MarginAccount account)
    {
        if (inLiquidation(account))
        {
            return 0;
        }
        final long above = Math.subtractExact(
            equity(account), Math.addExact(initialMargin(account), account.reservedMargin()));
        return Math.max(0, Math.min(account.cash(), above));
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
     * @return Σ margin reserved by open orders over all accounts.
     */
    public long totalReservedMargin()
    {
        long total = 0;
        for (final MarginAccount account : accounts.values())
        {
            total += account.reservedMargin();
        }
        return total;
    }

    /**
     * @return the CCP's fee account in micro-units.
     */
    public long feeAccount()
    {
        return feeAccount;
    }

    /**
     * @return the insurance fund's balance in micro-units (liquidation fees and the CCP's share of takeovers).
     */
    public long insuranceFund()
    {
        return insuranceFund;
    }

    /**
     * @return total open deficits recorded for bankrupt accounts, in micro-units (their negative cash).
     */
    public long openDeficits()
    {
        return openDeficits;
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
     * @return micro-units unaccounted for: {@code Σ cash + Σ unrealised + fee account + insurance fund +
     * Σ default-fund contributions + CCP capital − net deposits}; always 0.
     * @throws ArithmeticException on overflow.
     */
    public long conservationError()
    {
        final long held = Math.addExact(
            Math.addExact(Math.addExact(totalCash(), totalUnrealisedPnl()), feeAccount), insuranceFund);
        return Math.subtractExact(
            Math.addExact(Math.addExact(held, defaultFund.totalContributions()), defaultFund.ccpCapital()),
            netDeposits);
    }

    // ------------------------------------------------------------------------------------------------ engine book API

    /**
     * Installs the liquidation engine (see {@link LiquidationHooks}); before the first command or snapshot load.
     */
    void liquidationHooks(final LiquidationHooks hooks)
    {
        this.hooks = null == hooks ? LiquidationHooks.NONE : hooks;
    }

    ClearingEvents events()
    {
        return events;
    }

    /**
     * @return the next event sequence, consumed: pass it to the one event published with it.
     */
    long nextEventSequence()
    {
        return ++eventSequence;
    }

    /**
     * @return the instrument's mark in ticks, 0 when unknown or without a mark.
     */
    long markPriceTicks(final int instrumentId)
    {
        final Instrument instrument = instruments.get(instrumentId);
        return null == instrument ? 0 : instrument.markPriceTicks();
    }

    /**
     * @return maintenance margin of one position on its own (its bracket MM at mark), whatever the account's method:
     * the weight that shares an account's equity among its positions.
     * @throws ArithmeticException on overflow.
     */
    long positionMaintenanceMargin(final MarginAccount account, final int positionIndex)
    {
        final Instrument instrument = instruments.get(account.instrumentIdAt(positionIndex));
        return instrument.maintenanceMargin(Math.absExact(
            Money.value(account.quantityAt(positionIndex), instrument.markPriceTicks(), instrument.tickValue())));
    }

    /**
     * @return every account id, ascending (allocates: for rare scans).
     */
    long[] sortedAccountIds()
    {
        return sortedKeys(accounts);
    }

    /**
     * One account's fill at a price, by the exact rules of a cleared trade, without fee or margin check: realised PnL
     * into cash, cost basis, open interest and holders updated. Call it in pairs so positions net to zero.
     *
     * @return the realised PnL.
     * @throws ArithmeticException on overflow, with nothing changed.
     * @throws IllegalArgumentException for an unknown account or instrument, a zero quantity or a price not positive.
     */
    long fillAt(final long accountId, final int instrumentId, final long deltaLots, final long priceTicks)
    {
        final MarginAccount account = accounts.get(accountId);
        final Instrument instrument = instruments.get(instrumentId);
        if (null == account || null == instrument || 0 == deltaLots || priceTicks <= 0)
        {
            throw new IllegalArgumentException(
                "invalid fill: account " + accountId + " instrument " + instrumentId + " lots " + deltaLots +
                " price " + priceTicks);
        }
        final int index = account.indexOf(instrumentId);
        final long quantityBefore = index >= 0 ? account.quantityAt(index) : 0;
        fill(quantityBefore, index >= 0 ? account.costBasisAt(index) : 0, deltaLots, priceTicks, instrument.tickValue());
        final long quantity = fillQuantity;
        final long costBasis = fillCostBasis;
        final long realised = fillRealisedPnl;
        final long cash = Math.addExact(account.cash(), realised);
        final long openInterestBefore = instrument.openInterestLots();
        final long openInterest = Math.addExact(
            openInterestBefore, longSide(quantity) - longSide(quantityBefore));
        final long gainsSince = Math.addExact(instrument.realisedGainsSinceSettlement(), Math.max(0, realised));
        final long lossesSince = Math.addExact(instrument.realisedLossesSinceSettlement(), Math.max(0, -realised));

        account.position(instrumentId, quantity, costBasis);
        account.cash(cash);
        instrument.openInterestLots(openInterest);
        instrument.sinceSettlement(instrument.feesSinceSettlement(), gainsSince, lossesSince);
        updateHolder(instrument, account, quantityBefore, quantity);
        defaultFund.onPositionChanged(account.memberId(), nowMs);
        if (0 == openInterestBefore && openInterest > 0)
        {
            onInterestOpened(instrument);
        }
        return realised;
    }

    /**
     * Both fills of a trade between two accounts at a price, all or nothing: see
     * {@link #fillAt(long, int, long, long)}. The realised PnL of each side is then in
     * {@link #lastBuyerRealisedPnl()} and {@link #lastSellerRealisedPnl()}.
     *
     * @throws ArithmeticException on overflow, with nothing changed.
     */
    void tradeAt(
        final long buyAccountId, final long sellAccountId, final int instrumentId, final long lots, final long priceTicks)
    {
        final MarginAccount buyer = accounts.get(buyAccountId);
        final MarginAccount seller = accounts.get(sellAccountId);
        final Instrument instrument = instruments.get(instrumentId);
        if (null == buyer || null == seller || null == instrument || buyAccountId == sellAccountId || lots <= 0 ||
            priceTicks <= 0)
        {
            throw new IllegalArgumentException(
                "invalid trade: " + buyAccountId + " buys from " + sellAccountId + " instrument " + instrumentId +
                " lots " + lots + " price " + priceTicks);
        }
        // Check both sides first so the pair is all or nothing.
        final long tickValue = instrument.tickValue();
        final int buyerIndex = buyer.indexOf(instrumentId);
        final int sellerIndex = seller.indexOf(instrumentId);
        final long buyerBefore = buyerIndex >= 0 ? buyer.quantityAt(buyerIndex) : 0;
        final long sellerBefore = sellerIndex >= 0 ? seller.quantityAt(sellerIndex) : 0;
        fill(buyerBefore, buyerIndex >= 0 ? buyer.costBasisAt(buyerIndex) : 0, lots, priceTicks, tickValue);
        final long buyerAfter = fillQuantity;
        Math.addExact(buyer.cash(), fillRealisedPnl);
        fill(sellerBefore, sellerIndex >= 0 ? seller.costBasisAt(sellerIndex) : 0, -lots, priceTicks, tickValue);
        final long sellerAfter = fillQuantity;
        Math.addExact(seller.cash(), fillRealisedPnl);
        final long openInterest = Math.addExact(instrument.openInterestLots(), Math.addExact(
            longSide(buyerAfter) - longSide(buyerBefore), longSide(sellerAfter) - longSide(sellerBefore)));
        Money.value(openInterest, Math.max(1, instrument.markPriceTicks()), tickValue);

        lastBuyerRealisedPnl = fillAt(buyAccountId, instrumentId, lots, priceTicks);
        lastSellerRealisedPnl = fillAt(sellAccountId, instrumentId, -lots, priceTicks);
    }

    long lastBuyerRealisedPnl()
    {
        return lastBuyerRealisedPnl;
    }

    long lastSellerRealisedPnl()
    {
        return lastSellerRealisedPnl;
    }

    /**
     * Moves cash between accounts; either may go negative (a deficit is negative cash).
     *
     * @throws ArithmeticException on overflow, with nothing changed.
     */
    void moveCash(final long fromAccountId, final long toAccountId, final long amount)
    {
        final MarginAccount from = requireAccount(fromAccountId);
        final MarginAccount to = requireAccount(toAccountId);
        if (amount < 0)
        {
            throw new IllegalArgumentException("negative cash movement: " + amount);
        }
        final long fromCash = Math.subtractExact(from.cash(), amount);
        final long toCash = Math.addExact(to.cash(), amount);
        from.cash(fromCash);
        to.cash(toCash);
    }

    /**
     * Moves an account's cash to the insurance fund (a liquidation fee, the CCP's share of a takeover).
     *
     * @throws ArithmeticException on overflow, with nothing changed.
     */
    void creditInsuranceFund(final long fromAccountId, final long amount)
    {
        final MarginAccount from = requireAccount(fromAccountId);
        if (amount < 0)
        {
            throw new IllegalArgumentException("negative insurance credit: " + amount);
        }
        final long fromCash = Math.subtractExact(from.cash(), amount);
        final long fund = Math.addExact(insuranceFund, amount);
        from.cash(fromCash);
        insuranceFund = fund;
    }

    /**
     * Moves an account's cash to the CCP's fee account (the rounding remainder of an auto-deleveraging settlement).
     *
     * @throws ArithmeticException on overflow, with nothing changed.
     */
    void creditFeeAccount(final long fromAccountId, final long amount)
    {
        final MarginAccount from = requireAccount(fromAccountId);
        if (amount < 0)
        {
            throw new IllegalArgumentException("negative fee credit: " + amount);
        }
        final long fromCash = Math.subtractExact(from.cash(), amount);
        final long fees = Math.addExact(feeAccount, amount);
        from.cash(fromCash);
        feeAccount = fees;
    }

    /**
     * Records (positive) or settles (negative) an open deficit; the deficit itself is the account's negative cash.
     */
    void addOpenDeficit(final long amount)
    {
        openDeficits = Math.addExact(openDeficits, amount);
    }

    /**
     * Sets an account's risk state and publishes the change with its equity and margins; no re-evaluation.
     */
    void setRiskState(final long accountId, final RiskState state, final RiskCause cause)
    {
        final MarginAccount account = requireAccount(accountId);
        final RiskState previous = account.riskState();
        if (previous == state)
        {
            return;
        }
        account.riskState(state);
        publishRiskState(account, previous, cause);
        if (RiskState.BANKRUPT == state)
        {
            // The deficit is the account's negative cash: the loss waterfall takes it from here.
            defaultFund.waterfall().open(accountId, nowMs);
        }
    }

    /**
     * The clearing house's own evaluation of one account (margin call, cure, below maintenance).
     */
    void evaluateRisk(final long accountId, final RiskCause cause)
    {
        evaluate(requireAccount(accountId), cause);
    }

    /**
     * Registers an account as a backstop pool or liquidity provider (or back to a member's account).
     */
    void setAccountRole(final long accountId, final AccountRole role)
    {
        requireAccount(accountId).role(role);
    }

    /**
     * Cancels every open order of an account, in order id order, releasing the reservations.
     *
     * @return how many orders were cancelled.
     */
    int cancelOrdersOf(final long accountId)
    {
        final MarginAccount account = requireAccount(accountId);
        if (0 == account.openOrderCount())
        {
            return 0;
        }
        int cancelled = 0;
        for (final long orderId : sortedKeys(orders))
        {
            final OpenOrder order = orders.get(orderId);
            if (order.accountId() == accountId)
            {
                releaseOrder(order);
                cancelled++;
            }
        }
        return cancelled;
    }

    /**
     * Checks the idempotency key. Returns null when the command is next in sequence and should be applied;
     * otherwise the outcome to answer with, having applied nothing. The liquidation engine uses it for its own
     * commands, then {@link #complete(Outcome)}.
     */
    Outcome admit(final long senderId, final long sequence, final CommandType command)
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

    /**
     * Records the admitted command's outcome against its sender; a refusal is published.
     */
    Outcome complete(final Outcome outcome)
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

    // ------------------------------------------------------------------------------------------------ snapshot

    /**
     * Writes the whole state in canonical order (see {@link ClearingStateSink}). Allocates sorted key arrays:
     * meant for snapshots and digests, not the command path.
     *
     * @param sink receives the state.
     */
    public void writeState(final ClearingStateSink sink)
    {
        sink.header(eventSequence, netDeposits, feeAccount, tradesCleared);
        sink.riskLedger(nowMs, insuranceFund, openDeficits);
        settlement.writeLedger(sink);

        for (int i = 0; i < instrumentCount; i++)
        {
            final Instrument instrument = instruments.get(sortedInstrumentIds[i]);
            sink.instrument(instrument);
            sink.instrumentRisk(instrument);
            sink.oracle(instrument.instrumentId(), instrument.oracle());
            SettlementCycles.writeInstrument(sink, instrument);
        }
        sink.portfolioMargin(portfolioMargin);

        for (final long accountId : sortedKeys(accounts))
        {
            final MarginAccount account = accounts.get(accountId);
            sink.account(account);
            sink.accountRisk(account);
            SettlementCycles.writePositionFees(sink, account);
        }
        for (final long orderId : sortedKeys(orders))
        {
            sink.order(orders.get(orderId));
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
        hooks.writeState(sink);
        defaultFund.writeState(sink);
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

    /**
     * Restores {@link ClearingStateSink#riskLedger}.
     */
    public void restoreRiskLedger(final long clusterTimeMs, final long insuranceFund, final long openDeficits)
    {
        this.nowMs = clusterTimeMs;
        this.insuranceFund = insuranceFund;
        this.openDeficits = openDeficits;
    }

    /**
     * Restores an instrument with its listing defaults; its risk parameters and oracle follow with the other
     * {@code restoreInstrument*} / {@code restoreOracle*} calls.
     */
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
        addInstrument(instrument);
    }

    /**
     * Restores an instrument's risk parameters (after {@link #restoreInstrument}).
     *
     * @param bracketCount brackets read from the arrays.
     * @throws IllegalStateException when a value is inconsistent.
     */
    public void restoreInstrumentRisk(
        final int instrumentId,
        final int underlyingId,
        final int bracketCount,
        final long[] capsNotional,
        final int[] initialMarginPpm,
        final int[] maintenanceMarginPpm,
        final long openInterestLowerCapNotional,
        final long openInterestUpperCapNotional)
    {
        final Instrument instrument = requireInstrument(instrumentId);
        instrument.underlyingId(underlyingId);
        requireAccepted(instrument.marginBrackets().set(
            bracketCount, capsNotional, initialMarginPpm, maintenanceMarginPpm), "margin brackets");
        requireAccepted(instrument.openInterestScaling().set(
            openInterestLowerCapNotional, openInterestUpperCapNotional), "open interest scaling");
        instrument.rebuildEffectiveBrackets();
    }

    /**
     * Restores one of an instrument's margin-rate floors (after {@link #restoreInstrument}); the fields are those of
     * {@link MarginRateFloor}'s getters.
     *
     * @param initial true for the IMR, false for the MMR.
     */
    public void restoreMarginRateFloor(
        final int instrumentId,
        final boolean initial,
        final int effectiveRatePpm,
        final int targetRatePpm,
        final int floorPpm,
        final int maxCutPerStepPpm,
        final long stepIntervalMs,
        final long nextStepDeadlineMs)
    {
        final Instrument instrument = requireInstrument(instrumentId);
        final MarginRateFloor rate = initial ? instrument.initialMarginRate() : instrument.maintenanceMarginRate();
        requireAccepted(rate.restore(
            effectiveRatePpm, targetRatePpm, floorPpm, maxCutPerStepPpm, stepIntervalMs, nextStepDeadlineMs),
            "margin rate floor");
        instrument.rebuildEffectiveBrackets();
    }

    /**
     * Restores an instrument's oracle parameters (after {@link #restoreInstrument}); the oracle's sources, prices,
     * basis and last tick are restored on {@link Instrument#oracle()} itself ({@code reset()}, then
     * {@code restoreSource}, {@code restorePrices}, {@code restoreBasis}, {@code restoreLastTick}).
     */
    public void restoreOracleParameters(
        final int instrumentId,
        final long sourceAgeLimitMs,
        final int exclusionBandPpm,
        final int quorum,
        final int markBasisCode,
        final long emaWindowMs,
        final int maxSources)
    {
        requireAccepted(requireInstrument(instrumentId).oracleParameters().set(
            sourceAgeLimitMs, exclusionBandPpm, quorum, MarkBasis.fromCode(markBasisCode), emaWindowMs, maxSources),
            "oracle parameters");
    }

    public void restoreAccount(final long accountId, final long memberId, final long cash)
    {
        final MarginAccount account = new MarginAccount(accountId, memberId);
        account.cash(cash);
        accounts.put(accountId, account);
        defaultFund.onAccountOpened(accountId, memberId);
    }

    /**
     * Restores {@link ClearingStateSink#accountRisk} (after {@link #restoreAccount}).
     */
    public void restoreAccountRisk(
        final long accountId, final RiskState riskState, final MarginMethod marginMethod, final AccountRole role)
    {
        final MarginAccount account = requireAccount(accountId);
        if (null == riskState || null == marginMethod || null == role)
        {
            throw new IllegalStateException("incomplete account risk record: " + accountId);
        }
        account.riskState(riskState);
        account.marginMethod(marginMethod);
        account.role(role);
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
        final Instrument instrument = instruments.get(instrumentId);
        if (null != instrument)
        {
            updateHolder(instrument, account, 0, quantityLots);
        }
    }

    /**
     * Restores one open order (after its account and instrument); the account's order aggregates follow.
     */
    public void restoreOrder(
        final long orderId,
        final long accountId,
        final int instrumentId,
        final boolean buy,
        final long remainingLots,
        final long limitPriceTicks,
        final long reservedMargin)
    {
        final MarginAccount account = requireAccount(accountId);
        final Instrument instrument = requireInstrument(instrumentId);
        if (orderId <= 0 || remainingLots <= 0 || limitPriceTicks <= 0 || reservedMargin < 0 ||
            orders.containsKey(orderId))
        {
            throw new IllegalStateException("invalid order in snapshot: " + orderId);
        }
        account.addOrderExposure(
            instrumentId, buy, remainingLots, Money.value(remainingLots, limitPriceTicks, instrument.tickValue()),
            reservedMargin, 1);
        final OpenOrder order = newOrder();
        order.set(orderId, accountId, instrumentId, buy, remainingLots, limitPriceTicks, reservedMargin);
        orders.put(orderId, order);
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

    // ------------------------------------------------------------------------------------------------ internals

    private void addInstrument(final Instrument instrument)
    {
        final int instrumentId = instrument.instrumentId();
        instruments.put(instrumentId, instrument);
        int insertAt = Arrays.binarySearch(sortedInstrumentIds, 0, instrumentCount, instrumentId);
        if (insertAt >= 0)
        {
            return;
        }
        insertAt = -insertAt - 1;
        if (instrumentCount == sortedInstrumentIds.length)
        {
            sortedInstrumentIds = Arrays.copyOf(sortedInstrumentIds, instrumentCount * 2);
        }
        System.arraycopy(
            sortedInstrumentIds, insertAt, sortedInstrumentIds, insertAt + 1, instrumentCount - insertAt);
        sortedInstrumentIds[insertAt] = instrumentId;
        instrumentCount++;
    }

    private Instrument requireInstrument(final int instrumentId)
    {
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            throw new IllegalStateException("unknown instrument: " + instrumentId);
        }
        return instrument;
    }

    private MarginAccount requireAccount(final long accountId)
    {
        final MarginAccount account = accounts.get(accountId);
        if (null == account)
        {
            throw new IllegalStateException("unknown account: " + accountId);
        }
        return account;
    }

    private static void requireAccepted(final Outcome outcome, final String what)
    {
        if (outcome != Outcome.ACCEPTED)
        {
            throw new IllegalStateException("invalid " + what + " in snapshot: " + outcome);
        }
    }

    private static Outcome firstRefusal(final Outcome a, final Outcome b, final Outcome c, final Outcome d)
    {
        return a != Outcome.ACCEPTED ? a : b != Outcome.ACCEPTED ? b : c != Outcome.ACCEPTED ? c : d;
    }

    static boolean inLiquidation(final MarginAccount account)
    {
        return account.riskState() == RiskState.LIQUIDATION || account.riskState() == RiskState.BANKRUPT;
    }

    private static Outcome riskStateRefusal(final MarginAccount account)
    {
        return inLiquidation(account) ? Outcome.LIQUIDATION_OPEN : Outcome.MARGIN_CALL_OPEN;
    }

    /**
     * @return null when the fill may consume the order (or there is none), otherwise the refusal.
     */
    private static Outcome checkFill(
        final long orderId,
        final OpenOrder order,
        final long accountId,
        final int instrumentId,
        final boolean buy,
        final long quantityLots,
        final long priceTicks)
    {
        if (0 == orderId)
        {
            return null;
        }
        if (null == order || order.accountId() != accountId || order.instrumentId() != instrumentId ||
            order.buy() != buy)
        {
            return Outcome.UNKNOWN_ORDER;
        }
        if (quantityLots > order.remainingLots())
        {
            return Outcome.INVALID_QUANTITY;
        }
        if (buy ? priceTicks > order.limitPriceTicks() : priceTicks < order.limitPriceTicks())
        {
            return Outcome.INVALID_PRICE;
        }
        return null;
    }

    /**
     * With the trade applied: null when the side may keep it, otherwise the refusal.
     */
    private Outcome checkSideAfterTrade(final MarginAccount account, final long quantityBefore, final long delta)
    {
        final boolean reducing = 0 != quantityBefore && (quantityBefore > 0) != (delta > 0) &&
            Math.abs(delta) <= Math.abs(quantityBefore);
        if (reducing)
        {
            return null;
        }
        if (account.riskState().restrictsRisk())
        {
            return riskStateRefusal(account);
        }
        if (defaultFund.isFlagged(account.memberId()))
        {
            return Outcome.DEFAULT_FUND_CALL_MISSED;
        }
        try
        {
            return equity(account) < initialMargin(account) ? Outcome.BELOW_INITIAL_MARGIN : null;
        }
        catch (final ArithmeticException ex)
        {
            return Outcome.ARITHMETIC_OVERFLOW;
        }
    }

    private void consumeReservation(final OpenOrder order, final Instrument instrument, final long filledLots)
    {
        if (null == order)
        {
            return;
        }
        final MarginAccount account = accounts.get(order.accountId());
        final long remainingBefore = order.remainingLots();
        final long remaining = remainingBefore - filledLots;
        final long reservation = order.reservedMargin();
        final long consumed = 0 == remaining ?
            reservation : Math.min(reservation, Money.proportionRoundedUp(reservation, filledLots, remainingBefore));
        account.addOrderExposure(
            order.instrumentId(), order.buy(), -filledLots,
            -Money.value(filledLots, order.limitPriceTicks(), instrument.tickValue()), -consumed, 0 == remaining ? -1 : 0);
        order.remainingLots(remaining);
        order.reservedMargin(reservation - consumed);
        events.onOrderFilled(
            ++eventSequence, order.orderId(), order.accountId(), filledLots, remaining, consumed, reservation - consumed,
            account.reservedMargin());
        if (0 == remaining)
        {
            orders.remove(order.orderId());
            recycle(order);
        }
    }

    private void releaseOrder(final OpenOrder order)
    {
        final MarginAccount account = accounts.get(order.accountId());
        final Instrument instrument = instruments.get(order.instrumentId());
        final long remaining = order.remainingLots();
        final long released = order.reservedMargin();
        account.addOrderExposure(
            order.instrumentId(), order.buy(), -remaining,
            -Money.value(remaining, order.limitPriceTicks(), instrument.tickValue()), -released, -1);
        orders.remove(order.orderId());
        events.onOrderCancelled(
            ++eventSequence, order.orderId(), order.accountId(), remaining, released, account.reservedMargin());
        recycle(order);
    }

    private OpenOrder newOrder()
    {
        return freeOrderCount > 0 ? freeOrders[--freeOrderCount] : new OpenOrder();
    }

    private void recycle(final OpenOrder order)
    {
        if (freeOrderCount == freeOrders.length)
        {
            freeOrders = Arrays.copyOf(freeOrders, freeOrderCount * 2);
        }
        freeOrders[freeOrderCount++] = order;
    }

    private static void updateHolder(
        final Instrument instrument, final MarginAccount account, final long quantityBefore, final long quantityAfter)
    {
        if (0 == quantityBefore && 0 != quantityAfter)
        {
            instrument.addHolder(account);
        }
        else if (0 != quantityBefore && 0 == quantityAfter)
        {
            instrument.removeHolder(account.accountId());
        }
    }

    /**
     * Evaluates one account: margin call, cure, and the hand-over to the liquidation engine below maintenance.
     * Accounts in liquidation or bankrupt belong to the engine and are left alone.
     */
    private void evaluate(final MarginAccount account, final RiskCause cause)
    {
        final RiskState state = account.riskState();
        if (inLiquidation(account))
        {
            return;
        }
        final long equity;
        final long initialMargin;
        final long maintenanceMargin;
        try
        {
            equity = equity(account);
            initialMargin = initialMargin(account);
            maintenanceMargin = maintenanceMargin(account);
        }
        catch (final ArithmeticException ex)
        {
            // Valuations that do not fit cannot be compared; the state stays as it is until they do.
            return;
        }
        if (state == RiskState.NORMAL && equity < initialMargin)
        {
            account.riskState(RiskState.MARGIN_CALL);
            events.onRiskStateChanged(
                ++eventSequence, account.accountId(), state, RiskState.MARGIN_CALL, equity, initialMargin,
                maintenanceMargin, cause);
        }
        else if (state == RiskState.MARGIN_CALL && equity >= initialMargin)
        {
            account.riskState(RiskState.NORMAL);
            events.onRiskStateChanged(
                ++eventSequence, account.accountId(), state, RiskState.NORMAL, equity, initialMargin,
                maintenanceMargin, cause);
        }
        if (equity < maintenanceMargin && account.positionCount() > 0)
        {
            hooks.onBelowMaintenance(account.accountId(), nowMs);
        }
    }

    private void publishRiskState(final MarginAccount account, final RiskState previous, final RiskCause cause)
    {
        long equity = 0;
        long initialMargin = 0;
        long maintenanceMargin = 0;
        try
        {
            equity = equity(account);
            initialMargin = initialMargin(account);
            maintenanceMargin = maintenanceMargin(account);
        }
        catch (final ArithmeticException ex)
        {
            // Published with zeros: the state change itself must not be lost.
        }
        events.onRiskStateChanged(
            ++eventSequence, account.accountId(), previous, account.riskState(), equity, initialMargin,
            maintenanceMargin, cause);
    }

    /**
     * Evaluates every holder of an instrument in account id order, over a copy of the holders: the liquidation
     * engine may change positions while it is told about one of them.
     */
    private void evaluateHolders(final Instrument instrument, final RiskCause cause)
    {
        final int count = instrument.holderCount();
        if (0 == count)
        {
            return;
        }
        final long[] holders;
        if (visitingHolders)
        {
            holders = instrument.copyHolders(new long[count]);
        }
        else
        {
            holderScratch = instrument.copyHolders(holderScratch);
            holders = holderScratch;
        }
        final boolean outer = !visitingHolders;
        visitingHolders = true;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final MarginAccount account = accounts.get(holders[i]);
                if (null != account)
                {
                    evaluate(account, cause);
                }
            }
        }
        finally
        {
            if (outer)
            {
                visitingHolders = false;
            }
        }
    }

    private void publishMarginRates(final Instrument instrument)
    {
        events.onMarginRatesChanged(
            ++eventSequence, instrument.instrumentId(),
            instrument.initialMarginRate().effectiveRatePpm(), instrument.maintenanceMarginRate().effectiveRatePpm(),
            instrument.initialMarginRate().targetRatePpm(), instrument.maintenanceMarginRate().targetRatePpm());
    }

    private static boolean fitsAtOpenInterest(final Instrument instrument, final long priceTicks)
    {
        try
        {
            Money.value(instrument.openInterestLots(), priceTicks, instrument.tickValue());
            return true;
        }
        catch (final ArithmeticException ex)
        {
            return false;
        }
    }

    private void loadPositions(final MarginAccount account)
    {
        exposureCount = 0;
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            addExposure(account.instrumentIdAt(i), account.quantityAt(i));
        }
    }

    private void addExposure(final int instrumentId, final long quantity)
    {
        if (exposureCount == exposureInstrumentIds.length)
        {
            final int newLength = exposureCount * 2;
            exposureInstrumentIds = Arrays.copyOf(exposureInstrumentIds, newLength);
            exposureUnderlyingIds = Arrays.copyOf(exposureUnderlyingIds, newLength);
            exposureQuantities = Arrays.copyOf(exposureQuantities, newLength);
            exposureMarks = Arrays.copyOf(exposureMarks, newLength);
            exposureTickValues = Arrays.copyOf(exposureTickValues, newLength);
        }
        final Instrument instrument = instruments.get(instrumentId);
        exposureInstrumentIds[exposureCount] = instrumentId;
        exposureUnderlyingIds[exposureCount] = instrument.underlyingId();
        exposureQuantities[exposureCount] = quantity;
        exposureMarks[exposureCount] = instrument.markPriceTicks();
        exposureTickValues[exposureCount] = instrument.tickValue();
        exposureCount++;
    }

    /**
     * Margin of the loaded exposures by a method.
     */
    private long exposureMargin(final MarginMethod method, final boolean initial)
    {
        if (method == MarginMethod.PORTFOLIO)
        {
            final long initialMargin = portfolioMargin.initialMargin(
                exposureCount, exposureUnderlyingIds, exposureQuantities, exposureMarks, exposureTickValues);
            return initial ? initialMargin : portfolioMargin.maintenanceMargin(initialMargin);
        }
        long margin = 0;
        for (int i = 0; i < exposureCount; i++)
        {
            final Instrument instrument = instruments.get(exposureInstrumentIds[i]);
            final long notional = Math.absExact(
                Money.value(exposureQuantities[i], exposureMarks[i], exposureTickValues[i]));
            final long positionMargin;
            if (initial)
            {
                final long openInterestNotional = instrument.openInterestScaling().isOff() ? 0 :
                    Money.value(instrument.openInterestLots(), instrument.markPriceTicks(), instrument.tickValue());
                positionMargin = instrument.initialMargin(notional, openInterestNotional);
            }
            else
            {
                positionMargin = instrument.maintenanceMargin(notional);
            }
            margin = Math.addExact(margin, positionMargin);
        }
        return margin;
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

    // ---- liquidation engine wiring ----
    // Owned by the liquidation engine's branch: the engine's commands (behind the same idempotency gate as every
    // other command) and the two book operations it needs beyond LiquidationHooks' list.

    private LiquidationEngine liquidationEngine;

    /**
     * Installs the engine whose commands the methods below delegate to ({@link LiquidationEngine}'s constructor
     * calls it together with {@link #liquidationHooks}).
     */
    void liquidationEngine(final LiquidationEngine engine)
    {
        liquidationEngine = engine;
    }

    /**
     * @return the installed liquidation engine, null until one is constructed on this clearing house.
     */
    public LiquidationEngine liquidationEngine()
    {
        return liquidationEngine;
    }

    /**
     * Registers a backstop liquidity provider's account with its declared capacity (micro-units of notional), or
     * changes it (operator command).
     *
     * @return the outcome.
     */
    public Outcome registerBlp(
        final long senderId, final long sequence, final long blpAccountId, final long capacityNotional)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.REGISTER_LIQUIDITY_PROVIDER);
        if (null != admission)
        {
            return admission;
        }
        return complete(null == liquidationEngine ?
            Outcome.INTERNAL_ERROR : liquidationEngine.registerBlp(blpAccountId, capacityNotional));
    }

    /**
     * A BLP's bid in a liquidation auction (member command).
     *
     * @return the outcome.
     */
    public Outcome submitAuctionBid(
        final long senderId,
        final long sequence,
        final long auctionId,
        final long blpAccountId,
        final long priceTicks,
        final long lots)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.AUCTION_BID);
        if (null != admission)
        {
            return admission;
        }
        return complete(null == liquidationEngine ?
            Outcome.INTERNAL_ERROR : liquidationEngine.submitAuctionBid(auctionId, blpAccountId, priceTicks, lots));
    }

    /**
     * Opens a backstop pool's account, owned by a member (operator command).
     *
     * @return the outcome.
     */
    public Outcome createPool(final long senderId, final long sequence, final long poolAccountId, final long memberId)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.CREATE_POOL);
        if (null != admission)
        {
            return admission;
        }
        return complete(null == liquidationEngine ?
            Outcome.INTERNAL_ERROR : liquidationEngine.createPool(poolAccountId, memberId));
    }

    /**
     * Moves cash from a depositor's account into a pool for shares at NAV (member command).
     *
     * @return the outcome.
     */
    public Outcome poolDeposit(
        final long senderId, final long sequence, final long poolAccountId, final long depositorAccountId,
        final long amount)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.POOL_DEPOSIT);
        if (null != admission)
        {
            return admission;
        }
        return complete(null == liquidationEngine ?
            Outcome.INTERNAL_ERROR : liquidationEngine.poolDeposit(poolAccountId, depositorAccountId, amount));
    }

    /**
     * Gives notice to redeem pool shares; paid at NAV when the notice has passed (member command).
     *
     * @return the outcome.
     */
    public Outcome requestPoolRedemption(
        final long senderId, final long sequence, final long poolAccountId, final long depositorAccountId,
        final long shares)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.POOL_REDEEM);
        if (null != admission)
        {
            return admission;
        }
        if (defaultFund.waterfall().isOpen())
        {
            return complete(Outcome.WATERFALL_OPEN);
        }
        return complete(null == liquidationEngine ? Outcome.INTERNAL_ERROR :
            liquidationEngine.requestPoolRedemption(poolAccountId, depositorAccountId, shares, nowMs));
    }

    /**
     * Replaces the liquidation engine's parameters (operator command; see {@link LiquidationEngine.Context} for
     * their meaning and defaults); published as {@link ClearingEvents#onRiskParametersChanged}.
     *
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} with nothing changed when any is out of range.
     */
    public Outcome setLiquidationParameters(
        final long senderId,
        final long sequence,
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
        final Outcome admission = admit(senderId, sequence, CommandType.SET_LIQUIDATION_PARAMETERS);
        if (null != admission)
        {
            return admission;
        }
        if (null == liquidationEngine)
        {
            return complete(Outcome.INTERNAL_ERROR);
        }
        final Outcome outcome = liquidationEngine.setParameters(
            roundIntervalMs, minSliceNotional, slicePpm, targetPpm, feePpm, auctionSteps, auctionStepMs, poolLossCapPpm,
            bandPpm, twapWindowMs, redemptionNoticeMs, wholeAccountThresholdPpm, poolSharePpm);
        if (Outcome.ACCEPTED == outcome)
        {
            events.onRiskParametersChanged(++eventSequence, CommandType.SET_LIQUIDATION_PARAMETERS, 0, 0);
        }
        return complete(outcome);
    }

    /**
     * Switches auto-deleveraging on or off for all instruments ({@code instrumentId} 0) or for one (operator
     * command; see {@link AutoDeleveraging}); published as {@code AutoDeleveragingModeChanged} and
     * {@link ClearingEvents#onRiskParametersChanged}.
     *
     * @param modeCode an {@link AutoDeleveragingMode} code: ON, OFF, or FOLLOW_DEFAULT (an instrument only).
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} or {@link Outcome#UNKNOWN_INSTRUMENT} with nothing
     * changed.
     */
    public Outcome setAutoDeleveraging(
        final long senderId, final long sequence, final int instrumentId, final int modeCode)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_AUTO_DELEVERAGING);
        if (null != admission)
        {
            return admission;
        }
        if (null == liquidationEngine)
        {
            return complete(Outcome.INTERNAL_ERROR);
        }
        final Outcome outcome = liquidationEngine.autoDeleveraging().setMode(
            instrumentId, AutoDeleveragingMode.fromCode(modeCode));
        if (Outcome.ACCEPTED == outcome)
        {
            events.onRiskParametersChanged(++eventSequence, CommandType.SET_AUTO_DELEVERAGING, instrumentId, 0);
        }
        return complete(outcome);
    }

    /**
     * Opens an account for the engine (a pool's) as {@link #openAccount} does, with its event.
     *
     * @return false when the account exists or the ids are not positive.
     */
    boolean openAccountForLiquidation(final long accountId, final long memberId)
    {
        if (accountId <= 0 || memberId <= 0 || accounts.containsKey(accountId))
        {
            return false;
        }
        accounts.put(accountId, new MarginAccount(accountId, memberId));
        defaultFund.onAccountOpened(accountId, memberId);
        events.onAccountOpened(++eventSequence, accountId, memberId);
        return true;
    }

    /**
     * @return the account's initial margin, by its margin method, as it would be with {@code deltaLots} more of the
     * instrument at its mark: whether a BLP or a pool can carry a position before it takes it.
     * @throws ArithmeticException on overflow.
     */
    long initialMarginAfter(final MarginAccount account, final int instrumentId, final long deltaLots)
    {
        loadPositions(account);
        boolean found = false;
        for (int i = 0; i < exposureCount; i++)
        {
            if (exposureInstrumentIds[i] == instrumentId)
            {
                exposureQuantities[i] = Math.addExact(exposureQuantities[i], deltaLots);
                found = true;
            }
        }
        if (!found)
        {
            // Positions are loaded in instrument id order; the portfolio method groups by underlying, not by order.
            addExposure(instrumentId, deltaLots);
        }
        return exposureMargin(account.marginMethod(), true);
    }

    // ---- default fund and loss waterfall wiring (issue 4, W) ----
    // The default fund's commands behind the idempotency gate, and the book operations the waterfall needs beyond the
    // liquidation engine's.

    /**
     * @return the default fund, its Cover-2 requirement, calls and the loss waterfall.
     */
    public DefaultFund defaultFund()
    {
        return defaultFund;
    }

    /**
     * Moves cash from an account into its member's default-fund contribution (member or operator command); no more
     * than the account could withdraw. It pays the member's open call first.
     *
     * @return the outcome.
     */
    public Outcome contributeDefaultFund(
        final long senderId, final long sequence, final long accountId, final long amount)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.CONTRIBUTE_DEFAULT_FUND);
        if (null != admission)
        {
            return admission;
        }
        return complete(defaultFund.contribute(accountId, amount, nowMs));
    }

    /**
     * The CCP puts its own capital into the waterfall (operator command): rung 4, counted as a deposit.
     *
     * @return the outcome.
     */
    public Outcome injectCcpCapital(final long senderId, final long sequence, final long amount)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.INJECT_CCP_CAPITAL);
        if (null != admission)
        {
            return admission;
        }
        if (amount <= 0)
        {
            return complete(Outcome.INVALID_AMOUNT);
        }
        final long netDepositsAfter;
        try
        {
            defaultFund.ccpCapitalAfter(amount);
            netDepositsAfter = Math.addExact(netDeposits, amount);
        }
        catch (final ArithmeticException ex)
        {
            return complete(Outcome.ARITHMETIC_OVERFLOW);
        }
        netDeposits = netDepositsAfter;
        defaultFund.addCcpCapital(amount, netDepositsAfter);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Sets, replaces or (with {@code count} 0) removes a Cover-2 stress scenario (operator command); the default fund
     * is recomputed at once.
     *
     * @param scenarioId    positive.
     * @param count         shocks read from the arrays, 0 .. {@link DefaultFund#MAX_SCENARIO_SHOCKS}.
     * @param underlyingIds ascending, positive.
     * @param shocksPpm     price shock per underlying, −1e6 .. 1e6.
     * @return the outcome.
     */
    public Outcome setStressScenario(
        final long senderId,
        final long sequence,
        final int scenarioId,
        final int count,
        final int[] underlyingIds,
        final int[] shocksPpm)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_STRESS_SCENARIO);
        if (null != admission)
        {
            return admission;
        }
        return complete(defaultFund.setStressScenario(scenarioId, count, underlyingIds, shocksPpm, nowMs));
    }

    /**
     * Replaces the default fund's parameters (operator command; see {@link DefaultFund.Context}); the fund is
     * recomputed at once.
     *
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} with nothing changed when any is out of range.
     */
    public Outcome setDefaultFundParameters(
        final long senderId,
        final long sequence,
        final long minimumContribution,
        final long recomputeIntervalMs,
        final int exposureThresholdPpm,
        final long exposureCheckMs,
        final long callDeadlineMs,
        final int assessmentCapPpm,
        final long cappedPeriodMs,
        final long waterfallRetryMs)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_DEFAULT_FUND_PARAMETERS);
        if (null != admission)
        {
            return admission;
        }
        return complete(defaultFund.setParameters(
            new DefaultFund.Context().minimumContribution(minimumContribution).recomputeIntervalMs(recomputeIntervalMs)
                .exposureThresholdPpm(exposureThresholdPpm).exposureCheckMs(exposureCheckMs)
                .callDeadlineMs(callDeadlineMs).assessmentCapPpm(assessmentCapPpm).cappedPeriodMs(cappedPeriodMs)
                .waterfallRetryMs(waterfallRetryMs),
            nowMs));
    }

    /**
     * @return a sink that restores the default fund's and the waterfall's snapshot records into this clearing house
     * (after its accounts).
     */
    public WaterfallStateSink waterfallRestorer()
    {
        if (null == waterfallRestorer)
        {
            waterfallRestorer = defaultFund.restorer();
        }
        return waterfallRestorer;
    }

    private WaterfallStateSink waterfallRestorer;

    /**
     * Adds to the CCP's fee account what the payers of a waterfall rung paid above the amount absorbed.
     */
    void addToFeeAccount(final long amount)
    {
        if (amount < 0)
        {
            throw new IllegalArgumentException("negative fee credit: " + amount);
        }
        feeAccount = Math.addExact(feeAccount, amount);
    }

    /**
     * Moves insurance fund money to an account (rung 3 of the waterfall).
     */
    void debitInsuranceFund(final long toAccountId, final long amount)
    {
        final MarginAccount to = requireAccount(toAccountId);
        if (amount < 0 || amount > insuranceFund)
        {
            throw new IllegalArgumentException("insurance debit out of range: " + amount);
        }
        to.cash(Math.addExact(to.cash(), amount));
        insuranceFund -= amount;
    }
    // ---- settlement cycles and circuit breakers (issue 4, S) ----
    // Commands, reads and the internals the trade, tick and timer paths call; the cycles themselves are in
    // SettlementCycles, the per-instrument state in PerpetualFunding and CircuitBreaker.

    /**
     * Sets the interval of the house-wide variation margin cycle (operator command); the next cycle is at the next
     * multiple of it in cluster time. Published as {@link ClearingEvents#onRiskParametersChanged}.
     *
     * @param intervalMs 0 (cycles off) or 1 s .. 1 day; default 60 s.
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} with nothing changed when out of range.
     */
    public Outcome setVariationMarginInterval(final long senderId, final long sequence, final long intervalMs)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_VARIATION_MARGIN_INTERVAL);
        if (null != admission)
        {
            return admission;
        }
        if (!SettlementCycles.validVmInterval(intervalMs))
        {
            return complete(Outcome.INVALID_PARAMETER);
        }
        settlement.vmInterval(intervalMs, nowMs);
        events.onRiskParametersChanged(++eventSequence, CommandType.SET_VARIATION_MARGIN_INTERVAL, 0, 0);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * Sets an instrument's perpetual funding parameters (operator command; see {@link PerpetualFunding}).
     *
     * @param intervalMs      0 (funding off) or 1 s .. 7 days; default 8 h.
     * @param interestPpm     interest per interval I, −1e6 .. 1e6; default 100 (0.01%).
     * @param premiumClampPpm clamp of {@code I − P}, 0 .. 1e6; default 500 (0.05%).
     * @param capPpm          cap of F, 0 .. 1e6; default 5_000 (0.5%).
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} with nothing changed when out of range.
     */
    public Outcome setFundingParameters(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final long intervalMs,
        final int interestPpm,
        final int premiumClampPpm,
        final int capPpm)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_FUNDING_PARAMETERS);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        final Outcome outcome = instrument.funding().set(intervalMs, interestPpm, premiumClampPpm, capPpm, nowMs);
        if (Outcome.ACCEPTED == outcome)
        {
            events.onRiskParametersChanged(++eventSequence, CommandType.SET_FUNDING_PARAMETERS, instrumentId, 0);
        }
        return complete(outcome);
    }

    /**
     * Sets an instrument's circuit breaker (operator command; see {@link CircuitBreaker}).
     *
     * @param bandPpm  band in ppm of the last settlement price, 0 (off) .. 1e6; default 100_000 (10%).
     * @param windowMs window of the rolling high and low, a multiple of 60 up to one day; default 60 min.
     * @param haltMs   halt after a trip, 1 ms .. one day; default 2 min.
     * @return the outcome; {@link Outcome#INVALID_PARAMETER} with nothing changed when out of range.
     */
    public Outcome setCircuitBreaker(
        final long senderId,
        final long sequence,
        final int instrumentId,
        final int bandPpm,
        final long windowMs,
        final long haltMs)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.SET_CIRCUIT_BREAKER);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        final Outcome outcome = instrument.circuitBreaker().set(bandPpm, windowMs, haltMs);
        if (Outcome.ACCEPTED == outcome)
        {
            events.onRiskParametersChanged(++eventSequence, CommandType.SET_CIRCUIT_BREAKER, instrumentId, 0);
        }
        return complete(outcome);
    }

    /**
     * Ends an instrument's circuit breaker halt early (operator command), published as
     * {@link ClearingEvents#onBreakerResumed} with {@code byOperator}.
     *
     * @return the outcome; {@link Outcome#INSTRUMENT_NOT_HALTED} when no halt is in force.
     */
    public Outcome resumeInstrument(final long senderId, final long sequence, final int instrumentId)
    {
        final Outcome admission = admit(senderId, sequence, CommandType.RESUME_INSTRUMENT);
        if (null != admission)
        {
            return admission;
        }
        final Instrument instrument = instruments.get(instrumentId);
        if (null == instrument)
        {
            return complete(Outcome.UNKNOWN_INSTRUMENT);
        }
        if (!haltsNewRisk(instrument))
        {
            return complete(Outcome.INSTRUMENT_NOT_HALTED);
        }
        resumeBreaker(instrument, true);
        return complete(Outcome.ACCEPTED);
    }

    /**
     * @return the house-wide variation margin interval in ms, 0 when VM cycles are off.
     */
    public long variationMarginIntervalMs()
    {
        return settlement.vmIntervalMs();
    }

    /**
     * @return cluster time of the next VM cycle (due only while someone holds a position).
     */
    public long nextVariationMarginMs()
    {
        return settlement.nextVmMs();
    }

    /**
     * @return the id of the last settlement cycle run, 0 before the first.
     */
    public long lastSettlementCycleId()
    {
        return settlement.lastCycleId();
    }

    /**
     * Restores the settlement records (see {@link SettlementStateSink}) after the instruments and accounts.
     *
     * @return the restorer.
     */
    public SettlementStateSink settlementRestorer()
    {
        return settlement.restorer();
    }

    /**
     * @return true when any instrument has open interest.
     */
    boolean anyOpenInterest()
    {
        for (int i = 0; i < instrumentCount; i++)
        {
            if (instruments.get(sortedInstrumentIds[i]).openInterestLots() > 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Credits (or, negative, debits) the CCP's fee account: a settlement cycle's rounding remainder.
     */
    void creditFeeAccount(final long amount)
    {
        feeAccount = Math.addExact(feeAccount, amount);
    }

    /**
     * The clearing house's evaluation of every holder of an instrument, in account id order.
     */
    void evaluateHoldersOf(final Instrument instrument, final RiskCause cause)
    {
        evaluateHolders(instrument, cause);
    }

    /**
     * @return true while the instrument's circuit breaker halts new risk; a halt found over is ended first (an
     * automatic resume, published before the command's own events).
     */
    private boolean haltsNewRisk(final Instrument instrument)
    {
        final CircuitBreaker breaker = instrument.circuitBreaker();
        if (!breaker.isTripped())
        {
            return false;
        }
        if (nowMs >= breaker.haltedUntilMs())
        {
            resumeBreaker(instrument, false);
            return false;
        }
        return true;
    }

    private void resumeBreaker(final Instrument instrument, final boolean byOperator)
    {
        final CircuitBreaker breaker = instrument.circuitBreaker();
        breaker.resume();
        events.onBreakerResumed(
            ++eventSequence, instrument.instrumentId(), instrument.markPriceTicks(), byOperator,
            breaker.haltedSinceMs(), breaker.haltedUntilMs());
    }

    /**
     * The mark moved: the first mark is the first settlement price, and the circuit breaker checks and records it.
     */
    private void onMarkMoved(final Instrument instrument, final long previousMark, final long mark)
    {
        if (0 == instrument.settlementPriceTicks())
        {
            instrument.settlementPriceTicks(mark);
        }
        final CircuitBreaker breaker = instrument.circuitBreaker();
        if (breaker.isTripped() && nowMs >= breaker.haltedUntilMs())
        {
            resumeBreaker(instrument, false);
        }
        if (breaker.onMark(previousMark, mark, instrument.settlementPriceTicks(), nowMs))
        {
            events.onBreakerTripped(
                ++eventSequence, instrument.instrumentId(), mark, previousMark, breaker.rangeHighTicks(),
                breaker.rangeLowTicks(), breaker.bandTicks(), instrument.settlementPriceTicks(),
                breaker.haltedUntilMs());
        }
    }

    /**
     * The instrument's first position after none: funding and VM schedules left behind by the idle spell restart.
     */
    private void onInterestOpened(final Instrument instrument)
    {
        if (instrument.funding().nextFundingMs() <= nowMs)
        {
            instrument.funding().reset(nowMs);
        }
        for (int i = 0; i < instrumentCount; i++)
        {
            final Instrument other = instruments.get(sortedInstrumentIds[i]);
            if (other != instrument && other.openInterestLots() > 0)
            {
                return;
            }
        }
        settlement.rollIfIdle(nowMs);
    }

    private static void addPositionFee(final MarginAccount account, final int instrumentId, final long fee)
    {
        final int index = account.indexOf(instrumentId);
        if (index >= 0)
        {
            account.positionFeesAt(index, SettlementCycles.saturatingAdd(account.positionFeesAt(index), fee));
        }
    }

    /**
     * @return true when {@code delta} shrinks a position of {@code quantityBefore} without flipping it.
     */
    private static boolean reducing(final long quantityBefore, final long delta)
    {
        return 0 != quantityBefore && (quantityBefore > 0) != (delta > 0) &&
            Math.abs(delta) <= Math.abs(quantityBefore);
    }
}
