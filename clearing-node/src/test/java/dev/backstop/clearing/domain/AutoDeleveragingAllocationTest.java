package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An auto-deleveraging run allocates nothing once warm (DESIGN.md section 7): ranking eight candidates, closing the
 * failed account against them and settling the cash, thousands of times. Only the liquidation rounds are measured;
 * the trades and ticks that set each default up are not.
 */
class AutoDeleveragingAllocationTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final long USD = 1_000_000L;
    static final long A = 10;
    static final long FIRST_SHORT = 20;
    static final int SHORTS = 8;

    long operatorSequence;
    long exchangeSequence;
    long memberSequence;
    long venueTradeId;

    @Test
    void deleveragingDoesNotAllocateOnceWarm()
    {
        final ClearingHouse house = new ClearingHouse(new SilentEvents());
        final LiquidationEngine engine = new LiquidationEngine(
            house, new LiquidationEngine.Context().bandPpm(1_000_000));
        ok(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 0, 1, 1, USD));
        ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, 1000));
        ok(house.openAccount(OPERATOR, ++operatorSequence, A, 1));
        for (int s = 0; s < SHORTS; s++)
        {
            ok(house.openAccount(OPERATOR, ++operatorSequence, FIRST_SHORT + s, 1));
            ok(house.deposit(MEMBER, ++memberSequence, FIRST_SHORT + s, (1_000_000 + 100_000L * s) * USD));
        }

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = 0;
        long now = 0;
        for (int round = 0; round < 2; round++)
        {
            allocated = 0;
            for (int i = 0; i < 2_000; i++)
            {
                // A (flat, cash 0 after the last run) is funded to its IM and buys 100 lots from one short; at 930
                // its equity 3_000 is under ⅔ MM and the next round deleverages it whole against the ranked shorts.
                now += 1_000;
                house.advanceTime(now);
                ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, 1000));
                ok(house.deposit(MEMBER, ++memberSequence, A, 10_000 * USD - house.account(A).cash()));
                ok(house.clearTrade(
                    EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, A, FIRST_SHORT + i % SHORTS, 1000, 100));
                ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, 930));

                final long before = threads.getCurrentThreadAllocatedBytes();
                while (house.nextDeadlineMs() <= now + 100)
                {
                    house.onDeadline(house.nextDeadlineMs());
                }
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(0, house.account(A).positionCount());
            }
        }

        assertEquals(4_000 * 100, engine.autoDeleveraging().closedLots());
        assertTrue(engine.autoDeleveraging().fillCount() >= 4_000);
        assertEquals(0, house.conservationError());
        assertTrue(allocated < 1024, "bytes allocated by 2,000 warm ADL runs: " + allocated);
    }

    private static void ok(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }

    /**
     * Drops every event: the test measures the domain, not a recorder.
     */
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
