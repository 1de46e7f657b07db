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
     * @param instrumentId instrument.
     * @return index of the position in that instrument, or a negative insertion point when flat.
     */
    public int indexOf(final int instrumentId)
    {
        return Arrays.binarySearch(instrumentIds, 0, positionCount, instrumentId);
    }

    void cash(final long cash)
    {
        this.cash = cash;
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
            }
            final int tail = positionCount - insertAt;
            System.arraycopy(instrumentIds, insertAt, instrumentIds, insertAt + 1, tail);
            System.arraycopy(quantities, insertAt, quantities, insertAt + 1, tail);
            System.arraycopy(costBases, insertAt, costBases, insertAt + 1, tail);
            instrumentIds[insertAt] = instrumentId;
            quantities[insertAt] = quantity;
            costBases[insertAt] = costBasis;
            positionCount++;
        }
    }
}
