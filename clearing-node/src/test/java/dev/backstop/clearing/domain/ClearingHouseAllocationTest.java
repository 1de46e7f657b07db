package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The risk engine's command path must not allocate once warm (DESIGN.md section 7): orders reserving margin, fills
 * consuming it, cancels, ticks that call and cure margin across the holders, measured with the JVM's per-thread
 * allocation counter over 6_000 commands. One allocating command would be tens of kilobytes.
 */
class ClearingHouseAllocationTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long ORACLE = 3;
    static final int BTC = 1;
    static final long ALICE = 101;
    static final long BOB = 102;

    long operatorSequence;
    long exchangeSequence;
    long oracleSequence;
    long venueTradeId;
    long orderId;

    @Test
    void ordersFillsCancelsAndMarginCallsDoNotAllocateOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final ClearingHouse house = new ClearingHouse(new ClearingEvents()
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
        });
        assertEquals(Outcome.ACCEPTED, house.listInstrument(
            OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 100_000, 1_000, 100));
        // Each round moves the mark by a third: a 50% band keeps the breaker checking every tick without tripping.
        assertEquals(Outcome.ACCEPTED, house.setCircuitBreaker(
            OPERATOR, ++operatorSequence, BTC, 500_000, CircuitBreaker.DEFAULT_WINDOW_MS, CircuitBreaker.DEFAULT_HALT_MS));
        assertEquals(Outcome.ACCEPTED, house.openAccount(OPERATOR, ++operatorSequence, ALICE, 1));
        assertEquals(Outcome.ACCEPTED, house.openAccount(OPERATOR, ++operatorSequence, BOB, 2));
        assertEquals(Outcome.ACCEPTED, house.deposit(OPERATOR, ++operatorSequence, ALICE, 20_000_000L));
        assertEquals(Outcome.ACCEPTED, house.deposit(OPERATOR, ++operatorSequence, BOB, 1_000_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.clearTrade(
            EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, ALICE, BOB, 600_000, 1));

        // 20_000 rounds warm the collections up to where the measured 1_000 rounds fit (40_000 trade ids of 42_598).
        long sink = run(house, 20_000);
        final long before = threads.getThreadAllocatedBytes(threadId);
        sink += run(house, 1_000);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertTrue(sink > 0);
        assertEquals(0, house.conservationError());
        assertTrue(allocated < 8_192, "allocated " + allocated + " bytes in 6_000 commands");
    }

    /**
     * Each round: a tick to 600_000 cures Alice, she buys 2 on order (reserving), 1 fills (consuming), the rest is
     * cancelled (releasing), she sells the lot back, and a tick to 400_000 calls her again (below MM too).
     *
     * @return accepted commands.
     */
    private long run(final ClearingHouse house, final int rounds)
    {
        long accepted = 0;
        for (int i = 0; i < rounds; i++)
        {
            house.advanceTime(i);
            accepted += count(house.applyPriceTick(ORACLE, ++oracleSequence, BTC, 1, 600_000));
            final long id = ++orderId;
            accepted += count(house.submitOrder(EXCHANGE, ++exchangeSequence, id, ALICE, BTC, true, 2, 600_000));
            accepted += count(house.clearTrade(
                EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, ALICE, BOB, 600_000, 1, id, 0));
            accepted += count(house.cancelOrder(EXCHANGE, ++exchangeSequence, id));
            accepted += count(house.clearTrade(
                EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, BOB, ALICE, 600_000, 1));
            accepted += count(house.applyPriceTick(ORACLE, ++oracleSequence, BTC, 1, 400_000));
        }
        assertEquals(RiskState.MARGIN_CALL, house.account(ALICE).riskState());
        return accepted;
    }

    private static long count(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
        return 1;
    }
}
