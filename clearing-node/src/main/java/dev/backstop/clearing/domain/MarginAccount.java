package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * A margin account: the cash a member has deposited into it and the positions the CCP holds against it.
 * <p>
 * Positions are kept in arrays sorted by instrument id so that iteration, snapshots and the state digest are the
 * same on every node whatever the history. A position carries its cost basis (the signed value paid to open it, in
 * money micro-units) rather than an average price, so unrealised and realised PnL are exact integers.
 */
public final class MarginAccount
{
    private static final int INITIAL_POSITIONS = 4;

    private final long accountId;
    private final long memberId;
    private long cash;
    private int positionCount;
    private int[] instrumentIds = new int[INITIAL_POSITIONS];
    private long[] quantities = new long[INITIAL_POSITIONS];
    private long[] costBases = new long[INITIAL_POSITIONS];
    // Fees paid on each position since its last variation margin settlement (reported in the settlement event).
    private long[] positionFees = new long[INITIAL_POSITIONS];

    private RiskState riskState = RiskState.NORMAL;
    private MarginMethod marginMethod = MarginMethod.LINEAR;
    private AccountRole role = AccountRole.MEMBER;

    // Open orders aggregated per instrument (sorted by instrument id): what the pre-trade check needs, derived from
    // the open orders themselves (so not part of the snapshot).
    private int exposureCount;
    private int[] exposureInstrumentIds = new int[INITIAL_POSITIONS];
    private long[] openBuyLots = new long[INITIAL_POSITIONS];
    private long[] openSellLots = new long[INITIAL_POSITIONS];
    private long[] openBuyLimitValues = new long[INITIAL_POSITIONS];
    private long[] openSellLimitValues = new long[INITIAL_POSITIONS];
    private int openOrderCount;
    private long reservedMargin;

    MarginAccount(final long accountId, final long memberId)
    {
        this.accountId = accountId;
        this.memberId = memberId;
    }

    public long accountId()
    {
        return accountId;
    }

    /**
     * @return the clearing member that owns the account.
     */
    public long memberId()
    {
        return memberId;
    }

    /**
     * @return cash in micro-units: deposits − withdrawals + realised PnL − fees.
     */
    public long cash()
    {
        return cash;
    }

    /**
     * @return number of open positions (a flat position is removed).
     */
    public int positionCount()
    {
        return positionCount;
    }

    public int instrumentIdAt(final int index)
    {
        return instrumentIds[index];
    }

    /**
     * @param index position index.
     * @return signed quantity in lots: + long, − short.
     */
    public long quantityAt(final int index)
    {
        return quantities[index];
    }

    /**
     * @param index position index.
     * @return signed value paid to open the position, in micro-units (negative for a short).
     */
    public long costBasisAt(final int index)
    {
        return costBases[index];
    }

    /**
     * @param index position index.
     * @return fees paid on the position since its last variation margin settlement, in micro-units.
     */
    public long positionFeesAt(final int index)
    {
        return positionFees[index];
    }

    /**
     * @param instrumentId instrument.
     * @return index of the position in that instrument, or a negative insertion point when flat.
     */
    public int indexOf(final int instrumentId)
    {
        return Arrays.binarySearch(instrumentIds, 0, positionCount, instrumentId);
    }

    /**
     * @return the account's risk state.
     */
    public RiskState riskState()
    {
        return riskState;
    }

    /**
     * @return how the account is margined.
     */
    public MarginMethod marginMethod()
    {
        return marginMethod;
    }

    /**
     * @return what the account is for.
     */
    public AccountRole role()
    {
        return role;
    }

    /**
     * @return initial margin reserved by the account's open orders, in micro-units; never negative.
     */
    public long reservedMargin()
    {
        return reservedMargin;
    }

    /**
     * @return number of open orders.
     */
    public int openOrderCount()
    {
        return openOrderCount;
    }

    /**
     * @return instruments with open orders.
     */
    public int orderExposureCount()
    {
        return exposureCount;
    }

    public int orderExposureInstrumentIdAt(final int index)
    {
        return exposureInstrumentIds[index];
    }

    /**
     * @return lots of open buy orders in the instrument at {@code index}.
     */
    public long openBuyLotsAt(final int index)
    {
        return openBuyLots[index];
    }

    /**
     * @return lots of open sell orders in the instrument at {@code index}.
     */
    public long openSellLotsAt(final int index)
    {
        return openSellLots[index];
    }

    /**
     * @return Σ lots × limit × tick value of open buy orders in the instrument at {@code index}.
     */
    public long openBuyLimitValueAt(final int index)
    {
        return openBuyLimitValues[index];
    }

    /**
     * @return Σ lots × limit × tick value of open sell orders in the instrument at {@code index}.
     */
    public long openSellLimitValueAt(final int index)
    {
        return openSellLimitValues[index];
    }

    /**
     * @param instrumentId instrument.
     * @return index of the instrument's order exposure, or a negative insertion point when it has no open order.
     */
    public int orderExposureIndexOf(final int instrumentId)
    {
        return Arrays.binarySearch(exposureInstrumentIds, 0, exposureCount, instrumentId);
    }

    /**
     * @param instrumentId instrument.
     * @return the position in lots, 0 when flat.
     */
    public long quantityOf(final int instrumentId)
    {
        final int index = indexOf(instrumentId);
        return index >= 0 ? quantities[index] : 0;
    }

    void riskState(final RiskState riskState)
    {
        this.riskState = riskState;
    }

    void marginMethod(final MarginMethod marginMethod)
    {
        this.marginMethod = marginMethod;
    }

    void role(final AccountRole role)
    {
        this.role = role;
    }

    /**
     * Adds (or, with negative arguments, removes) open-order exposure in one instrument and the reservation that
     * goes with it. The caller has checked the values with exact arithmetic.
     */
    void addOrderExposure(
        final int instrumentId,
        final boolean buy,
        final long lots,
        final long limitValue,
        final long reservation,
        final int orderCountDelta)
    {
        int index = orderExposureIndexOf(instrumentId);
        if (index < 0)
        {
            final int insertAt = -index - 1;
            if (exposureCount == exposureInstrumentIds.length)
            {
                final int newLength = exposureCount * 2;
                exposureInstrumentIds = Arrays.copyOf(exposureInstrumentIds, newLength);
                openBuyLots = Arrays.copyOf(openBuyLots, newLength);
                openSellLots = Arrays.copyOf(openSellLots, newLength);
                openBuyLimitValues = Arrays.copyOf(openBuyLimitValues, newLength);
                openSellLimitValues = Arrays.copyOf(openSellLimitValues, newLength);
            }
            final int tail = exposureCount - insertAt;
            System.arraycopy(exposureInstrumentIds, insertAt, exposureInstrumentIds, insertAt + 1, tail);
            System.arraycopy(openBuyLots, insertAt, openBuyLots, insertAt + 1, tail);
            System.arraycopy(openSellLots, insertAt, openSellLots, insertAt + 1, tail);
            System.arraycopy(openBuyLimitValues, insertAt, openBuyLimitValues, insertAt + 1, tail);
            System.arraycopy(openSellLimitValues, insertAt, openSellLimitValues, insertAt + 1, tail);
            exposureInstrumentIds[insertAt] = instrumentId;
            openBuyLots[insertAt] = 0;
            openSellLots[insertAt] = 0;
            openBuyLimitValues[insertAt] = 0;
            openSellLimitValues[insertAt] = 0;
            exposureCount++;
            index = insertAt;
        }
        if (buy)
        {
            openBuyLots[index] += lots;
            openBuyLimitValues[index] += limitValue;
        }
        else
        {
            openSellLots[index] += lots;
            openSellLimitValues[index] += limitValue;
        }
        reservedMargin += reservation;
        openOrderCount += orderCountDelta;
        if (0 == openBuyLots[index] && 0 == openSellLots[index])
        {
            final int tail = exposureCount - index - 1;
            System.arraycopy(exposureInstrumentIds, index + 1, exposureInstrumentIds, index, tail);
            System.arraycopy(openBuyLots, index + 1, openBuyLots, index, tail);
            System.arraycopy(openSellLots, index + 1, openSellLots, index, tail);
            System.arraycopy(openBuyLimitValues, index + 1, openBuyLimitValues, index, tail);
            System.arraycopy(openSellLimitValues, index + 1, openSellLimitValues, index, tail);
            exposureCount--;
        }
    }

    void cash(final long cash)
    {
        this.cash = cash;
    }

    /**
     * Settles a position's variation margin: its cost basis becomes its value at the settlement price and its fees
     * since the last settlement are cleared.
     */
    void settlePosition(final int index, final long costBasis)
    {
        costBases[index] = costBasis;
        positionFees[index] = 0;
    }

    /**
     * Sets the fees paid on a position since its last settlement (a trade's fee, or a snapshot restore).
     */
    void positionFeesAt(final int index, final long fees)
    {
        positionFees[index] = fees;
    }

    /**
     * Sets a position, inserting, updating or removing it (when the quantity is zero).
     */
    void position(final int instrumentId, final long quantity, final long costBasis)
    {
        final int index = indexOf(instrumentId);
        if (index >= 0)
        {
            if (0 == quantity)
            {
                final int tail = positionCount - index - 1;
                System.arraycopy(instrumentIds, index + 1, instrumentIds, index, tail);
                System.arraycopy(quantities, index + 1, quantities, index, tail);
                System.arraycopy(costBases, index + 1, costBases, index, tail);
                System.arraycopy(positionFees, index + 1, positionFees, index, tail);
                positionCount--;
            }
            else
            {
                quantities[index] = quantity;
                costBases[index] = costBasis;
            }
        }
        else if (0 != quantity)
        {
            final int insertAt = -index - 1;
            if (positionCount == instrumentIds.length)
            {
                final int newLength = positionCount * 2;
                instrumentIds = Arrays.copyOf(instrumentIds, newLength);
                quantities = Arrays.copyOf(quantities, newLength);
                costBases = Arrays.copyOf(costBases, newLength);
                positionFees = Arrays.copyOf(positionFees, newLength);
            }
            final int tail = positionCount - insertAt;
            System.arraycopy(instrumentIds, insertAt, instrumentIds, insertAt + 1, tail);
            System.arraycopy(quantities, insertAt, quantities, insertAt + 1, tail);
            System.arraycopy(costBases, insertAt, costBases, insertAt + 1, tail);
            System.arraycopy(positionFees, insertAt, positionFees, insertAt + 1, tail);
            instrumentIds[insertAt] = instrumentId;
            quantities[insertAt] = quantity;
            costBases[insertAt] = costBasis;
            positionFees[insertAt] = 0;
            positionCount++;
        }
    }
}
