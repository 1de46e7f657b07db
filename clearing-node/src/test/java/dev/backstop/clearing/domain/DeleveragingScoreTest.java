package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The ADL score in fixed point against values worked out by hand, and the queue's order (tier, score descending,
 * account id ascending).
 */
final class DeleveragingScoreTest
{
    static final long USD = 1_000_000L;

    @Test
    void scoresProfitTimesLeverageAndLossDividedByLeverage()
    {
        // A short of 20 lots sold at 1200, mark 900: PnL 6_000 on a cost of 24_000 = 25%; gross 18_000 on equity
        // 9_000 = 2x: score 0.25 × 2 = 0.5.
        assertEquals(250_000, DeleveragingScore.pnlPpm(6_000 * USD, -24_000 * USD));
        assertEquals(2_000_000, DeleveragingScore.leveragePpm(18_000 * USD, 9_000 * USD));
        assertEquals(500_000, DeleveragingScore.score(250_000, 2_000_000));

        // Sold at 800, mark 900: -2_000 on 16_000 = -12.5%; at 2x the score is -12.5% / 2, at 5x -12.5% / 5.
        assertEquals(-125_000, DeleveragingScore.pnlPpm(-2_000 * USD, -16_000 * USD));
        assertEquals(-62_500, DeleveragingScore.score(-125_000, 2_000_000));
        assertEquals(-25_000, DeleveragingScore.score(-125_000, 5_000_000));

        // Every step rounds towards negative infinity: 1/3 = 333_333.3 ppm, -1/3 = -333_333.3 ppm.
        assertEquals(333_333, DeleveragingScore.pnlPpm(1, 3));
        assertEquals(-333_334, DeleveragingScore.pnlPpm(-1, 3));
        assertEquals(3_333_333, DeleveragingScore.leveragePpm(10, 3));
        assertEquals(1_111_109, DeleveragingScore.score(333_333, 3_333_333));
        assertEquals(-100_001, DeleveragingScore.score(-333_334, 3_333_333));
        // Leverage below 1 ppm divides by 1 ppm, not by zero.
        assertEquals(-5_000_000, DeleveragingScore.score(-5, 0));
        assertEquals(0, DeleveragingScore.score(0, 0));
    }

    @Test
    void saturatesInsteadOfOverflowing()
    {
        assertEquals(Long.MAX_VALUE, DeleveragingScore.pnlPpm(Long.MAX_VALUE, 1));
        assertEquals(-Long.MAX_VALUE, DeleveragingScore.pnlPpm(Long.MIN_VALUE, 1));
        assertEquals(Long.MAX_VALUE, DeleveragingScore.pnlPpm(5, 0));
        assertEquals(0, DeleveragingScore.pnlPpm(0, 0));
        assertEquals(Long.MAX_VALUE, DeleveragingScore.leveragePpm(Long.MAX_VALUE, 1));
        assertEquals(Long.MAX_VALUE, DeleveragingScore.score(Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(-Long.MAX_VALUE, DeleveragingScore.score(-Long.MAX_VALUE, 1));
        assertThrows(IllegalArgumentException.class, () -> DeleveragingScore.leveragePpm(1, 0));
        assertThrows(IllegalArgumentException.class, () -> DeleveragingScore.score(1, -1));
    }

    @Test
    void queuesByTierThenScoreDescendingThenAccountIdAscending()
    {
        final DeleveragingQueue queue = new DeleveragingQueue();
        queue.add(26, DeleveragingQueue.GOOD_STANDING, -25_000, 0, 0, -20);
        queue.add(90, DeleveragingQueue.LAST_RESORT, 0, 0, 0, -5);
        queue.add(23, DeleveragingQueue.GOOD_STANDING, 500_000, 0, 0, -20);
        queue.add(21, DeleveragingQueue.GOOD_STANDING, 300_000, 0, 0, -20);
        queue.add(80, DeleveragingQueue.LAST_RESORT, 0, 0, 0, -5);
        queue.add(24, DeleveragingQueue.GOOD_STANDING, -62_500, 0, 0, -20);
        queue.add(22, DeleveragingQueue.GOOD_STANDING, 500_000, 0, 0, -20);
        queue.add(25, DeleveragingQueue.GOOD_STANDING, 0, 0, 0, -20);
        queue.rank();

        final List<Long> order = new ArrayList<>();
        while (queue.hasNext())
        {
            order.add(queue.accountIdAt(queue.next()));
        }
        assertEquals(List.of(22L, 23L, 21L, 25L, 26L, 24L, 80L, 90L), order);
        assertFalse(queue.hasNext());

        // Reused: nothing of the first ranking is left.
        queue.clear();
        queue.add(5, DeleveragingQueue.GOOD_STANDING, 1, 0, 0, 1);
        queue.rank();
        assertEquals(5, queue.accountIdAt(queue.next()));
        assertFalse(queue.hasNext());
    }
}
