package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Margin runs on every trade and every mark, so once warm it must not allocate: 20_000 calls of each component are
 * measured with the JVM's per-thread allocation counter. One allocating call each would be hundreds of kilobytes;
 * the bound leaves room only for the counter's own noise.
 */
class MarginAllocationTest
{
    static final long USD = 1_000_000L;

    @Test
    void marginCallsDoNotAllocateOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final MarginBrackets brackets = MarginBracketsTest.btc();
        final OpenInterestScaling scaling = OpenInterestScaling.of(10_000_000 * USD, 110_000_000 * USD);
        final PortfolioMargin portfolio = new PortfolioMargin(4);
        final MarginRateFloor rate = MarginRateFloor.of(100_000, 50_000, 1, 1);
        final int[] underlyings = { 1, 1, 2 };
        final long[] quantities = { 2, -2, -10 };
        final long[] marks = { 50_000, 51_000, 3_000 };
        final long[] tickValues = { USD, USD, USD };

        long sink = run(brackets, scaling, portfolio, rate, underlyings, quantities, marks, tickValues, 0);
        final long before = threads.getThreadAllocatedBytes(threadId);
        sink += run(brackets, scaling, portfolio, rate, underlyings, quantities, marks, tickValues, 20_000);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertTrue(sink != 0);
        assertTrue(allocated < 4_096, "allocated " + allocated + " bytes in 20_000 margin calls");
    }

    private static long run(
        final MarginBrackets brackets,
        final OpenInterestScaling scaling,
        final PortfolioMargin portfolio,
        final MarginRateFloor rate,
        final int[] underlyings,
        final long[] quantities,
        final long[] marks,
        final long[] tickValues,
        final long start)
    {
        long sink = 0;
        for (long i = start; i < start + 20_000; i++)
        {
            final long notional = i * 123_456_789L;
            sink += brackets.maintenanceMargin(notional);
            // open interest swept across the scaled range 10M..110M USD (and either side of it)
            final long openInterest = (i * 7_777_777_777L) % (120_000_000 * USD);
            sink += brackets.initialMargin(notional, scaling, openInterest);
            sink += scaling.scaledInitialMarginPpm(100_000, openInterest);
            marks[0] = 50_000 + (i & 1023);
            sink += portfolio.initialMargin(3, underlyings, quantities, marks, tickValues);
            rate.setTarget(50_000 + (int)(i & 1), i);
            rate.onDeadline(i + 1);
            sink += rate.effectiveRatePpm();
        }
        return sink;
    }
}
