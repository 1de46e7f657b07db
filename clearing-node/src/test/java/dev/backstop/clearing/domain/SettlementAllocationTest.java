package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement cycles are tight loops over the holders and allocate nothing once warm (DESIGN.md section 7): 200
 * rounds of a tick that moves the mark, a variation margin cycle and a funding cycle over 2_000 holders, every holder
 * settled in both (4_000 settlement events a round, dropped by a silent sink), measured with the JVM's per-thread
 * allocation counter. One allocation per account would be megabytes.
 */
class SettlementAllocationTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final int BTC = 1;
    static final long DEALER = 1;
    static final int HOLDERS = 2_000;

    long operatorSequence;
    long exchangeSequence;

    @Test
    void variationMarginAndFundingCyclesDoNotAllocateOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final ClearingHouse house = new ClearingHouse(new SilentEvents());
        accepted(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 100_000,
            1_000, 100));
        accepted(house.setVariationMarginInterval(OPERATOR, ++operatorSequence, 1_000));
        accepted(house.setFundingParameters(OPERATOR, ++operatorSequence, BTC, 1_000, 100, 500, 5_000));
        accepted(house.openAccount(OPERATOR, ++operatorSequence, DEALER, 1));
        accepted(house.deposit(OPERATOR, ++operatorSequence, DEALER, 1_000_000_000_000_000L));
        accepted(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, 600_000));
        for (long account = 1_000; account < 1_000 + HOLDERS; account++)
        {
            accepted(house.openAccount(OPERATOR, ++operatorSequence, account, account));
            accepted(house.deposit(OPERATOR, ++operatorSequence, account, 100_000_000L));
            accepted(house.clearTrade(EXCHANGE, ++exchangeSequence, account, BTC, account, DEALER, 600_000, 1));
        }

        long cycles = run(house, 200);
        final long before = threads.getThreadAllocatedBytes(threadId);
        cycles += run(house, 200);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(800, cycles, "a VM and a funding cycle each round");
        assertEquals(0, house.conservationError());
        assertTrue(allocated < 8_192, "allocated " + allocated + " bytes in 400 cycles over " + HOLDERS + " holders");
    }

    /**
     * Each round: a tick one tick up or down (every position then has VM to settle), then the deadline at the next
     * whole second, where VM and funding (F = 0.01% at mark = index) are both due.
     *
     * @return cycles run.
     */
    private long run(final ClearingHouse house, final int rounds)
    {
        final long firstCycle = house.lastSettlementCycleId();
        for (int i = 0; i < rounds; i++)
        {
            accepted(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, 0 == (i & 1) ? 600_001 : 600_000));
            house.onDeadline(house.nextDeadlineMs());
        }
        return house.lastSettlementCycleId() - firstCycle;
    }

    private static void accepted(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }

    private static final class SilentEvents implements ClearingEvents
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
