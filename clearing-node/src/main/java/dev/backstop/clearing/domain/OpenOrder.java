package dev.backstop.clearing.domain;

/**
 * An order resting at a venue that the clearing house has checked before trade (DESIGN.md section 5 item 2): the
 * initial margin it may add is reserved against the account until the order is cancelled or filled.
 * <p>
 * The reservation is the increase in the account's order-inclusive initial margin the order caused when it was
 * accepted; a fill consumes the filled part of it (pro rata, rounded up, never more than what is left) and a cancel
 * releases the rest. It is never negative. Instances are reused by the clearing house once an order is gone: hold
 * no reference past the call that handed it out.
 */
public final class OpenOrder
{
    private long orderId;
    private long accountId;
    private int instrumentId;
    private boolean buy;
    private long remainingLots;
    private long limitPriceTicks;
    private long reservedMargin;

    OpenOrder()
    {
    }

    void set(
        final long orderId,
        final long accountId,
        final int instrumentId,
        final boolean buy,
        final long remainingLots,
        final long limitPriceTicks,
        final long reservedMargin)
    {
        this.orderId = orderId;
        this.accountId = accountId;
        this.instrumentId = instrumentId;
        this.buy = buy;
        this.remainingLots = remainingLots;
        this.limitPriceTicks = limitPriceTicks;
        this.reservedMargin = reservedMargin;
    }

    public long orderId()
    {
        return orderId;
    }

    public long accountId()
    {
        return accountId;
    }

    public int instrumentId()
    {
        return instrumentId;
    }

    /**
     * @return true for a buy order, false for a sell order.
     */
    public boolean buy()
    {
        return buy;
    }

    /**
     * @return lots not yet filled, always positive while the order is open.
     */
    public long remainingLots()
    {
        return remainingLots;
    }

    public long limitPriceTicks()
    {
        return limitPriceTicks;
    }

    /**
     * @return initial margin still reserved for the order, in micro-units; never negative.
     */
    public long reservedMargin()
    {
        return reservedMargin;
    }

    void remainingLots(final long remainingLots)
    {
        this.remainingLots = remainingLots;
    }

    void reservedMargin(final long reservedMargin)
    {
        this.reservedMargin = reservedMargin;
    }
}
