package dev.backstop.gateway.client;

import dev.backstop.sbe.exchange.MarginMethod;
import dev.backstop.sbe.exchange.RiskState;

import java.util.List;

/**
 * One account's state at its mark prices, as answered to QueryAccount (AccountStateResponse). Money is in
 * micro-units of the settlement asset, prices in ticks, quantities in lots.
 *
 * @param sequence          the query's sequence.
 * @param accountId         account.
 * @param memberId          owning member.
 * @param cash              cash balance.
 * @param equity            cash plus unrealised PnL at mark.
 * @param initialMargin     initial margin requirement.
 * @param maintenanceMargin maintenance margin requirement.
 * @param withdrawable      cash that may be withdrawn now.
 * @param reservedMargin    initial margin reserved for the account's open orders.
 * @param riskState         normal, margin call, liquidation or bankrupt.
 * @param marginMethod      brackets (LINEAR) or the scenario grid (PORTFOLIO).
 * @param positions         open positions, by instrument id.
 */
public record AccountState(
    long sequence,
    long accountId,
    long memberId,
    long cash,
    long equity,
    long initialMargin,
    long maintenanceMargin,
    long withdrawable,
    long reservedMargin,
    RiskState riskState,
    MarginMethod marginMethod,
    List<Position> positions)
{
    /**
     * One open position.
     *
     * @param instrumentId   instrument.
     * @param quantityLots   signed quantity (+ long, - short).
     * @param costBasis      cost basis in micro-units.
     * @param markPriceTicks mark price used.
     * @param unrealisedPnl  unrealised PnL at that mark in micro-units.
     */
    public record Position(
        int instrumentId, long quantityLots, long costBasis, long markPriceTicks, long unrealisedPnl)
    {
    }

    /**
     * @param instrumentId instrument.
     * @return the position in it, or null when flat.
     */
    public Position position(final int instrumentId)
    {
        for (final Position position : positions)
        {
            if (position.instrumentId() == instrumentId)
            {
                return position;
            }
        }
        return null;
    }
}
