package dev.backstop.clearing.bench;

import dev.backstop.clearing.domain.ClearingEvents;
import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.CommandType;
import dev.backstop.clearing.domain.Instrument;
import dev.backstop.clearing.domain.LiquidationEngine;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.clearing.domain.PerpetualFunding;
import dev.backstop.clearing.domain.TickDecision;

/**
 * Builds the clearing houses the JMH benchmarks measure, so a benchmark and the test that checks its premise (who
 * crosses maintenance on a tick) share one set-up. One instrument, BTC-PERP: IMR 10%, MMR 5%, no fee, tick value
 * 100 micros, so one lot at 600_000 ticks is 60_000_000 micros of notional (IM 6_000_000, MM 3_000_000).
 */
public final class BenchHouses
{
    public static final long OPERATOR = 1;
    public static final long EXCHANGE = 2;
    public static final long ORACLE = 3;
    public static final int BTC = 1;
    public static final int ORACLE_SOURCE = 1;
    public static final long PRICE = 600_000;

    /**
     * The account that takes the other side of every holder's lot: funded so it never nears a margin call.
     */
    public static final long DEALER = 1;
    public static final long FIRST_HOLDER = 1_000;

    /**
     * A holder funded with this much survives any tick the benchmarks send.
     */
    public static final long WELL_FUNDED = 100_000_000L;

    /**
     * A holder long one lot at {@link #PRICE} funded with this much is above IM there (equity 7M against 6M) and below
     * MM at {@link #CROSSING_PRICE} (equity 1M against 2.7M).
     */
    public static final long THINLY_FUNDED = 7_000_000L;
    public static final long CROSSING_PRICE = 540_000;

    private final ClearingHouse house;
    private long operatorSequence;
    private long exchangeSequence;
    private long oracleSequence;
    private long venueTradeId;
    private long orderId;
    private long nowMs = 1;

    private BenchHouses(final boolean liquidationEngine)
    {
        house = new ClearingHouse(new SilentEvents());
        if (liquidationEngine)
        {
            new LiquidationEngine(house, new LiquidationEngine.Context());
        }
        expect(house.listInstrument(
            OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 100_000, 1_000, 100));
        expect(house.openAccount(OPERATOR, ++operatorSequence, DEALER, 1));
        expect(house.deposit(OPERATOR, ++operatorSequence, DEALER, 1_000_000_000_000_000L));
        tick(PRICE);
    }

    /**
     * @param liquidationEngine whether to install the liquidation engine (as the clearing service does).
     * @return a clearing house with BTC-PERP marked at {@link #PRICE} and the dealer funded.
     */
    public static BenchHouses create(final boolean liquidationEngine)
    {
        return new BenchHouses(liquidationEngine);
    }

    /**
     * A clearing house where {@code holders} accounts each hold one lot long against the dealer, the first
     * {@code thinHolders} of them thinly funded (they cross MM at {@link #CROSSING_PRICE}), the rest well funded.
     */
    public static BenchHouses withHolders(final int holders, final int thinHolders)
    {
        final BenchHouses houses = new BenchHouses(true);
        for (int i = 0; i < holders; i++)
        {
            final long accountId = FIRST_HOLDER + i;
            houses.fundedAccount(accountId, i < thinHolders ? THINLY_FUNDED : WELL_FUNDED);
            houses.trade(accountId, DEALER, 1);
        }
        return houses;
    }

    public ClearingHouse house()
    {
        return house;
    }

    public void fundedAccount(final long accountId, final long cash)
    {
        expect(house.openAccount(OPERATOR, ++operatorSequence, accountId, accountId));
        expect(house.deposit(OPERATOR, ++operatorSequence, accountId, cash));
    }

    /**
     * Clears a trade at {@link #PRICE} between two accounts.
     */
    public Outcome trade(final long buyAccountId, final long sellAccountId, final long lots)
    {
        return house.clearTrade(
            EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, buyAccountId, sellAccountId, PRICE, lots);
    }

    /**
     * A price tick from the single oracle source, one ms after the last so it is never stale.
     */
    public Outcome tick(final long priceTicks)
    {
        house.advanceTime(++nowMs);
        return house.applyPriceTick(ORACLE, ++oracleSequence, BTC, ORACLE_SOURCE, priceTicks);
    }

    /**
     * Submits a one-lot buy limit order at {@link #PRICE} and cancels it.
     */
    public long orderAndCancel(final long accountId)
    {
        final long id = ++orderId;
        final Outcome submitted = house.submitOrder(EXCHANGE, ++exchangeSequence, id, accountId, BTC, true, 1, PRICE);
        final Outcome cancelled = house.cancelOrder(EXCHANGE, ++exchangeSequence, id);
        return submitted.ordinal() + cancelled.ordinal();
    }

    /**
     * Sets the variation margin and funding intervals (0 turns either off), so a benchmark runs one kind of cycle.
     */
    public void settlementIntervals(final long variationMarginIntervalMs, final long fundingIntervalMs)
    {
        expect(house.setVariationMarginInterval(OPERATOR, ++operatorSequence, variationMarginIntervalMs));
        expect(house.setFundingParameters(
            OPERATOR, ++operatorSequence, BTC, fundingIntervalMs, PerpetualFunding.DEFAULT_INTEREST_PPM,
            PerpetualFunding.DEFAULT_PREMIUM_CLAMP_PPM, PerpetualFunding.DEFAULT_CAP_PPM));
    }

    /**
     * Runs the clearing house's next deadline (a settlement cycle, when the intervals make it the next one).
     *
     * @return the id of the last settlement cycle run.
     */
    public long runNextDeadline()
    {
        house.onDeadline(house.nextDeadlineMs());
        return house.lastSettlementCycleId();
    }

    public static void expect(final Outcome outcome)
    {
        if (Outcome.ACCEPTED != outcome)
        {
            throw new IllegalStateException("set-up command refused: " + outcome);
        }
    }

    /**
     * Drops every event: the benchmarks measure the domain, not a publisher.
     */
    static final class SilentEvents implements ClearingEvents
    {
        public void onInstrumentListed(final long eventSequence, final Instrument instrument)
        {
        }

        public void onAccountOpened(final long eventSequence, final long accountId, final long memberId)
        {
        }

        public void onTradeCleared(
            final long eventSequence, final long exchangeId, final long venueTradeId, final int instrumentId,
            final long buyAccountId, final long sellAccountId, final long priceTicks, final long quantityLots,
            final long buyerFee, final long sellerFee, final long buyerRealisedPnl, final long sellerRealisedPnl)
        {
        }

        public void onMarkPriceUpdated(
            final long eventSequence, final int instrumentId, final int sourceId, final long tickPriceTicks,
            final TickDecision decision, final long previousMarkTicks, final long markPriceTicks,
            final long indexPriceTicks, final int freshSources, final long othersMedianTicks)
        {
        }

        public void onCollateralMoved(
            final long eventSequence, final long accountId, final boolean deposit, final long amount,
            final long cashAfter, final long equityAfter)
        {
        }

        public void onCommandRefused(
            final long eventSequence, final long senderId, final long sequence, final CommandType command,
            final Outcome outcome)
        {
        }
    }
}
