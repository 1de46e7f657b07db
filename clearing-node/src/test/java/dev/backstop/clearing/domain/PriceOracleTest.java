package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import static dev.backstop.clearing.domain.TickDecision.ACCEPTED;
import static dev.backstop.clearing.domain.TickDecision.BELOW_QUORUM;
import static dev.backstop.clearing.domain.TickDecision.EXCLUDED;
import static dev.backstop.clearing.domain.TickDecision.STALE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oracle's rules against numbers worked by hand: medians, staleness, the exclusion band, quorum, both bases,
 * the refusal of a source beyond capacity, a snapshot round trip and determinism.
 */
class PriceOracleTest
{
    private final OracleParameters parameters = new OracleParameters();
    private final PriceOracle oracle = new PriceOracle(parameters);

    @Test
    void decisionCodesEqualTheEventSchema()
    {
        for (final TickDecision decision : TickDecision.values())
        {
            final dev.backstop.sbe.events.TickDecision wire = dev.backstop.sbe.events.TickDecision.valueOf(
                decision.name());
            assertEquals(wire.value(), decision.code(), decision.name());
            assertSame(decision, TickDecision.fromCode(wire.value()));
        }
        assertEquals(5, TickDecision.values().length);
        assertThrows(IllegalArgumentException.class, () -> TickDecision.fromCode(0));
    }

    @Test
    void defaultsAreDesignSection52()
    {
        assertEquals(30_000, parameters.sourceAgeLimitMs());
        assertEquals(50_000, parameters.exclusionBandPpm());
        assertEquals(1, parameters.quorum());
        assertEquals(MarkBasis.INDEX, parameters.markBasis());
        assertEquals(60_000, parameters.emaWindowMs());
        assertEquals(16, parameters.maxSources());
        assertEquals(0, oracle.markPriceTicks());
        assertEquals(0, oracle.indexPriceTicks());
        assertNull(oracle.lastDecision());
    }

    @Test
    void invalidParametersChangeNothing()
    {
        assertEquals(Outcome.INVALID_PARAMETER, parameters.sourceAgeLimitMs(0));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.exclusionBandPpm(0));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.exclusionBandPpm(1_000_001));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.quorum(0));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.quorum(17));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.markBasis(null));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.emaWindowMs(-1));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.maxSources(65));
        assertEquals(Outcome.ACCEPTED, parameters.quorum(3));
        assertEquals(Outcome.INVALID_PARAMETER, parameters.maxSources(2));
        assertEquals(Outcome.INVALID_PARAMETER,
            parameters.set(10_000, 20_000, 5, MarkBasis.INDEX_PLUS_EMA_BASIS, 1_000, 4));

        assertEquals(30_000, parameters.sourceAgeLimitMs());
        assertEquals(50_000, parameters.exclusionBandPpm());
        assertEquals(3, parameters.quorum());
        assertEquals(MarkBasis.INDEX, parameters.markBasis());
        assertEquals(60_000, parameters.emaWindowMs());
        assertEquals(16, parameters.maxSources());

        assertEquals(Outcome.ACCEPTED,
            parameters.set(10_000, 20_000, 4, MarkBasis.INDEX_PLUS_EMA_BASIS, 1_000, 4));
        assertEquals(4, new OracleParameters().copyFrom(parameters).maxSources());
        assertEquals(MarkBasis.MEDIAN_OF_INDEX_EMA_LAST, MarkBasis.fromCode(3));
        assertNull(MarkBasis.fromCode(9));
    }

    @Test
    void indexIsTheMedianOfAnOddCount()
    {
        assertEquals(ACCEPTED, oracle.onTick(7, 1_000, 0, 0));
        assertEquals(1_000, oracle.indexPriceTicks());
        assertEquals(1_000, oracle.markPriceTicks());
        assertEquals(0, oracle.previousMarkTicks());
        assertEquals(0, oracle.othersMedianTicks());

        // {1000, 1030}: one other source is too few for the band.
        assertEquals(ACCEPTED, oracle.onTick(3, 1_030, 1, 1));
        assertEquals(1_015, oracle.indexPriceTicks());
        // Others {1000, 1030}: median 1015; 1010 is within 5%: {1000, 1010, 1030} -> 1010.
        assertEquals(ACCEPTED, oracle.onTick(5, 1_010, 2, 2));
        assertEquals(1_015, oracle.othersMedianTicks());
        assertEquals(1_010, oracle.indexPriceTicks());
        assertEquals(1_010, oracle.markPriceTicks());
        assertEquals(1_015, oracle.previousMarkTicks());
        assertEquals(3, oracle.freshSourceCount());
        assertEquals(3, oracle.countedSourceCount());

        // Sources kept in ascending id, whatever the arrival order.
        assertEquals(3, oracle.sourceCount());
        assertEquals(3, oracle.sourceIdAt(0));
        assertEquals(5, oracle.sourceIdAt(1));
        assertEquals(7, oracle.sourceIdAt(2));
        assertEquals(1_030, oracle.sourcePriceTicksAt(0));
        assertEquals(1_010, oracle.sourcePriceTicksAt(1));
        assertEquals(1_000, oracle.sourcePriceTicksAt(2));
    }

    @Test
    void evenCountTakesTheFloorOfTheMeanOfTheTwoMiddlePrices()
    {
        assertEquals(ACCEPTED, oracle.onTick(1, 100, 0, 0));
        // {100, 101}: (100 + 101) / 2 = 100.5 -> 100.
        assertEquals(ACCEPTED, oracle.onTick(2, 101, 0, 0));
        assertEquals(100, oracle.indexPriceTicks());
        // Others {100, 101} -> 100; 104 is 4% away: {100, 101, 104} -> 101.
        assertEquals(ACCEPTED, oracle.onTick(3, 104, 0, 0));
        assertEquals(101, oracle.indexPriceTicks());
        // {100, 101, 102, 104}: (101 + 102) / 2 = 101.5 -> 101.
        assertEquals(ACCEPTED, oracle.onTick(4, 102, 0, 0));
        assertEquals(101, oracle.othersMedianTicks());
        assertEquals(101, oracle.indexPriceTicks());
    }

    @Test
    void aTickOlderThanTheAgeLimitIsStaleAndNotRecorded()
    {
        assertEquals(ACCEPTED, oracle.onTick(1, 1_000, 0, 0));
        // now 40_001 - 30_000 = 10_001: a source time of 10_000 is one ms too old.
        assertEquals(STALE, oracle.onTick(2, 1_200, 10_000, 40_001));
        assertEquals(1, oracle.sourceCount());
        assertEquals(1_000, oracle.markPriceTicks());
        assertEquals(1_000, oracle.previousMarkTicks());
        assertEquals(0, oracle.freshSourceCount());

        // Exactly at the limit is fresh; source 1 (time 0) is not, so the index is source 2 alone.
        assertEquals(ACCEPTED, oracle.onTick(2, 1_200, 10_001, 40_001));
        assertEquals(1_200, oracle.indexPriceTicks());
        assertEquals(1_200, oracle.markPriceTicks());
        assertEquals(1, oracle.freshSourceCount());
        assertEquals(2, oracle.sourceCount());
    }

    @Test
    void aTickOlderThanItsSourcesLastTickIsStale()
    {
        assertEquals(ACCEPTED, oracle.onTick(1, 1_000, 5_000, 5_000));
        assertEquals(STALE, oracle.onTick(1, 1_010, 4_999, 6_000));
        assertEquals(1_000, oracle.sourcePriceTicksAt(0));
        assertEquals(5_000, oracle.sourceTimeMsAt(0));
        assertEquals(1_000, oracle.indexPriceTicks());
        assertEquals(STALE, oracle.lastDecision());

        // The same source time is not older: it replaces the price.
        assertEquals(ACCEPTED, oracle.onTick(1, 1_010, 5_000, 6_000));
        assertEquals(1_010, oracle.indexPriceTicks());
    }

    @Test
    void aSourceTimeAheadOfTheClusterIsRecordedAtTheClusterTime()
    {
        assertEquals(ACCEPTED, oracle.onTick(1, 1_000, 90_000, 10_000));
        assertEquals(10_000, oracle.sourceTimeMsAt(0));
        // So it goes stale 30 s after the cluster time, not after its own clock.
        assertEquals(ACCEPTED, oracle.onTick(2, 1_100, 40_001, 40_001));
        assertEquals(1, oracle.freshSourceCount());
        assertEquals(1_100, oracle.indexPriceTicks());
    }

    @Test
    void theExclusionBandIsInclusiveAtExactlyFivePercent()
    {
        oracle.onTick(1, 1_000, 0, 0);
        oracle.onTick(2, 1_000, 0, 0);

        // |1050 - 1000| = 50 = 5% of 1000: inside.
        assertEquals(ACCEPTED, oracle.onTick(3, 1_050, 0, 0));
        assertEquals(1_000, oracle.othersMedianTicks());
        assertEquals(1_000, oracle.indexPriceTicks());
        assertFalse(oracle.isSourceExcludedAt(2));

        // 51 > 50: excluded, recorded, the index does not move.
        assertEquals(EXCLUDED, oracle.onTick(3, 1_051, 1, 1));
        assertEquals(1_000, oracle.othersMedianTicks());
        assertTrue(oracle.isSourceExcludedAt(2));
        assertEquals(1_051, oracle.sourcePriceTicksAt(2));
        assertEquals(1_000, oracle.markPriceTicks());
        assertEquals(3, oracle.freshSourceCount());
        assertEquals(2, oracle.countedSourceCount());

        // Below: 950 is exactly 5% under, 949 beyond.
        assertEquals(ACCEPTED, oracle.onTick(3, 950, 2, 2));
        assertFalse(oracle.isSourceExcludedAt(2));
        assertEquals(1_000, oracle.indexPriceTicks());
        assertEquals(EXCLUDED, oracle.onTick(3, 949, 3, 3));
    }

    @Test
    void anExcludedSourceCountsAgainWhenItComesBackIntoTheBand()
    {
        oracle.onTick(1, 1_000, 0, 0);
        oracle.onTick(2, 1_000, 0, 0);
        assertEquals(EXCLUDED, oracle.onTick(3, 2_000, 0, 0));
        assertEquals(1_000, oracle.indexPriceTicks());

        // The excluded source is left out of the others' median: others of source 1 are {1000} alone, so no band
        // (were 2000 included, the median of {1000, 2000} = 1500 would exclude a good source).
        assertEquals(ACCEPTED, oracle.onTick(1, 1_010, 1_000, 1_000));
        assertEquals(1_000, oracle.othersMedianTicks());
        assertEquals(1_005, oracle.indexPriceTicks());

        // Still out: others {1000, 1010} -> 1005; 1100 is 9.5% away.
        assertEquals(EXCLUDED, oracle.onTick(3, 1_100, 2_000, 2_000));
        assertEquals(1_005, oracle.indexPriceTicks());

        // Back in: 1020 is 1.5% from 1005; the index is {1000, 1010, 1020} -> 1010.
        assertEquals(ACCEPTED, oracle.onTick(3, 1_020, 3_000, 3_000));
        assertFalse(oracle.isSourceExcludedAt(2));
        assertEquals(1_010, oracle.indexPriceTicks());
        assertEquals(1_010, oracle.markPriceTicks());
        assertEquals(1_005, oracle.previousMarkTicks());
        assertEquals(3, oracle.countedSourceCount());
    }

    @Test
    void belowQuorumTheMarkDoesNotMove()
    {
        assertEquals(Outcome.ACCEPTED, parameters.quorum(2));

        assertEquals(BELOW_QUORUM, oracle.onTick(1, 1_000, 0, 0));
        assertEquals(0, oracle.markPriceTicks());
        assertEquals(0, oracle.indexPriceTicks());
        assertEquals(1, oracle.sourceCount());

        assertEquals(ACCEPTED, oracle.onTick(2, 1_020, 0, 0));
        assertEquals(1_010, oracle.markPriceTicks());

        // 40 s later source 2 (time 0) is stale: source 1 alone is below the quorum, though its tick is recorded.
        assertEquals(BELOW_QUORUM, oracle.onTick(1, 1_040, 40_000, 40_000));
        assertEquals(1_010, oracle.markPriceTicks());
        assertEquals(1_010, oracle.previousMarkTicks());
        assertEquals(1_010, oracle.indexPriceTicks());
        assertEquals(1_040, oracle.sourcePriceTicksAt(0));
        assertEquals(1, oracle.freshSourceCount());

        assertEquals(ACCEPTED, oracle.onTick(2, 1_030, 40_000, 40_000));
        assertEquals(1_035, oracle.markPriceTicks());
    }

    @Test
    void emaBasisWorkedByHand()
    {
        assertEquals(Outcome.ACCEPTED, parameters.markBasis(MarkBasis.INDEX_PLUS_EMA_BASIS));

        // Before any index a trade has nothing to be a basis against.
        oracle.onTrade(990, 0);
        assertFalse(oracle.hasBasis());
        assertEquals(990, oracle.lastTradeTicks());

        oracle.onTick(1, 1_000, 0, 0);
        assertEquals(1_000, oracle.markPriceTicks());

        oracle.onTrade(1_010, 0);
        assertEquals(10, oracle.emaBasisTicks());
        assertEquals(1_000, oracle.markPriceTicks(), "a trade does not move the mark by itself");

        // dt 30 s of a 60 s window: alpha 500_000; 10 + (30 - 10) x 0.5 = 20.
        oracle.onTrade(1_030, 30_000);
        assertEquals(20, oracle.emaBasisTicks());
        // dt 15 s: alpha 250_000; 20 + (0 - 20) x 0.25 = 15.
        oracle.onTrade(1_000, 45_000);
        assertEquals(15, oracle.emaBasisTicks());
        // dt 1 s: alpha floor(1e9 / 60_000) = 16_666; 15 + floor(-12 x 16_666 / 1e6) = 15 + floor(-0.199992) = 14.
        oracle.onTrade(1_003, 46_000);
        assertEquals(14, oracle.emaBasisTicks());
        assertEquals(46_000, oracle.emaTimeMs());

        assertEquals(ACCEPTED, oracle.onTick(1, 1_000, 46_000, 46_000));
        assertEquals(1_000, oracle.indexPriceTicks());
        assertEquals(1_014, oracle.markPriceTicks());

        // A trade a whole window later replaces the average: 900 - 1000 = -100.
        oracle.onTrade(900, 106_000);
        assertEquals(-100, oracle.emaBasisTicks());
        assertEquals(ACCEPTED, oracle.onTick(1, 1_000, 106_000, 106_000));
        assertEquals(900, oracle.markPriceTicks());
    }

    @Test
    void medianOfIndexEmaAndLastTradeWorkedByHand()
    {
        assertEquals(Outcome.ACCEPTED, parameters.markBasis(MarkBasis.MEDIAN_OF_INDEX_EMA_LAST));

        oracle.onTick(1, 1_000, 0, 0);
        assertEquals(1_000, oracle.markPriceTicks(), "no basis yet: the index");

        oracle.onTrade(1_020, 0);
        assertEquals(20, oracle.emaBasisTicks());
        // median(1000, 1000 + 20, 1020) = 1020.
        assertEquals(ACCEPTED, oracle.onTick(1, 1_000, 0, 0));
        assertEquals(1_020, oracle.markPriceTicks());

        // dt 30 s: ema 20 + (-10 - 20) x 0.5 = 5; median(1000, 1005, 990) = 1000.
        oracle.onTrade(990, 30_000);
        assertEquals(5, oracle.emaBasisTicks());
        assertEquals(ACCEPTED, oracle.onTick(1, 1_000, 30_000, 30_000));
        assertEquals(1_000, oracle.markPriceTicks());

        // Index moves to 1010 (two sources, 1000 and 1020): median(1010, 1015, 990) = 1010.
        assertEquals(ACCEPTED, oracle.onTick(2, 1_020, 30_000, 30_000));
        assertEquals(1_010, oracle.indexPriceTicks());
        assertEquals(1_010, oracle.markPriceTicks());

        // A trade at 1013, 60 s later: ema = 1013 - 1010 = 3; median(1010, 1013, 1013) = 1013.
        oracle.onTrade(1_013, 90_000);
        assertEquals(3, oracle.emaBasisTicks());
        assertEquals(ACCEPTED, oracle.onTick(2, 1_020, 90_000, 90_000));
        assertEquals(1_020, oracle.indexPriceTicks(), "source 1 (time 30 s) is stale at 90 s");
        assertEquals(1_020, oracle.markPriceTicks(), "median(1020, 1023, 1013)");
    }

    @Test
    void aNewSourceBeyondCapacityIsARefusalNotADecision()
    {
        assertEquals(Outcome.ACCEPTED, parameters.maxSources(2));
        oracle.onTick(5, 1_000, 0, 0);
        oracle.onTick(9, 1_000, 0, 0);

        assertEquals(Outcome.INVALID_PARAMETER, oracle.checkTick(7, 1_000));
        assertEquals(Outcome.ACCEPTED, oracle.checkTick(9, 1_000));
        assertEquals(Outcome.INVALID_PRICE, oracle.checkTick(5, 0));
        assertThrows(IllegalArgumentException.class, () -> oracle.onTick(7, 1_000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> oracle.onTick(5, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> oracle.onTrade(0, 0));
        assertEquals(2, oracle.sourceCount());
        assertEquals(ACCEPTED, oracle.lastDecision());
    }

    @Test
    void aRestoredCopyMakesTheSameDecisions()
    {
        parameters.set(30_000, 50_000, 2, MarkBasis.MEDIAN_OF_INDEX_EMA_LAST, 60_000, 16);
        final long[][] before = {
            {1, 1_000, 0, 0}, {4, 1_010, 0, 100}, {2, 1_500, 50, 200}, {3, 1_005, 300, 300}, {-1, 1_030, 0, 400},
            {1, 1_002, 350, 500}, {-1, 995, 0, 20_000}, {4, 1_020, 20_000, 20_000},
        };
        final long[][] after = {
            {2, 1_012, 21_000, 21_000}, {-1, 1_040, 0, 25_000}, {1, 1_030, 26_000, 26_000},
            {3, 900, 27_000, 27_000}, {4, 1_025, 29_000, 40_000}, {1, 1_026, 45_000, 45_000},
            {2, 1_028, 46_000, 70_000}, {3, 1_027, 40_000, 75_000}, {3, 1_027, 75_000, 75_000},
        };
        for (final long[] step : before)
        {
            apply(oracle, step);
        }

        final PriceOracle restored = new PriceOracle(new OracleParameters().copyFrom(parameters));
        copyThroughSnapshotGetters(oracle, restored);
        assertEquals(dump(oracle), dump(restored));

        for (final long[] step : after)
        {
            assertEquals(apply(oracle, step), apply(restored, step));
            assertEquals(dump(oracle), dump(restored));
        }
        assertTrue(oracle.sourceCount() == 4 && oracle.hasBasis());
    }

    @Test
    void theSameTicksGiveTheSameState()
    {
        final PriceOracle other = new PriceOracle(parameters);
        final long[][] steps = {
            {1, 1_000, 0, 0}, {2, 1_100, 0, 0}, {3, 1_040, 10, 10}, {-1, 1_060, 0, 20}, {2, 1_045, 5, 30},
            {1, 990, 40_000, 40_000}, {3, 995, 40_001, 40_001},
        };
        for (final long[] step : steps)
        {
            assertEquals(apply(oracle, step), apply(other, step));
            assertEquals(dump(oracle), dump(other));
        }
    }

    @Test
    void aWarmOracleAllocatesNothingPerTickOrTrade()
    {
        final java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean threads) || !threads.isThreadAllocatedMemorySupported())
        {
            return;
        }
        parameters.markBasis(MarkBasis.MEDIAN_OF_INDEX_EMA_LAST);
        final long threadId = Thread.currentThread().getId();
        long decisions = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 20_000; i++)
            {
                final long now = 1_000L * i;
                decisions += oracle.onTick(i & 7, 1_000 + (i % 13) * (i % 5 == 0 ? 10 : 1), now - (i % 3), now).code();
                oracle.onTrade(1_000 + (i % 7), now);
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            if (round > 0)
            {
                assertEquals(0, allocated, "bytes allocated by 20_000 warm ticks and trades");
            }
        }
        assertTrue(decisions > 0);
    }

    /**
     * @param step {sourceId, price, sourceTime, now}, or {-1, tradePrice, ignored, now} for a trade.
     */
    static TickDecision apply(final PriceOracle oracle, final long[] step)
    {
        if (step[0] < 0)
        {
            oracle.onTrade(step[1], step[3]);
            return null;
        }
        return oracle.onTick((int)step[0], step[1], step[2], step[3]);
    }

    static void copyThroughSnapshotGetters(final PriceOracle from, final PriceOracle to)
    {
        to.reset();
        for (int i = 0; i < from.sourceCount(); i++)
        {
            to.restoreSource(from.sourceIdAt(i), from.sourcePriceTicksAt(i), from.sourceTimeMsAt(i),
                from.isSourceExcludedAt(i));
        }
        to.restorePrices(from.indexPriceTicks(), from.markPriceTicks(), from.previousMarkTicks());
        to.restoreBasis(
            from.hasBasis(), from.emaBasisTicks(), from.emaTimeMs(), from.lastTradeTicks(), from.lastTradeTimeMs());
        to.restoreLastTick(
            from.lastDecision(), from.othersMedianTicks(), from.freshSourceCount(), from.countedSourceCount());
    }

    static String dump(final PriceOracle oracle)
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < oracle.sourceCount(); i++)
        {
            builder.append(oracle.sourceIdAt(i)).append(':').append(oracle.sourcePriceTicksAt(i)).append('@')
                .append(oracle.sourceTimeMsAt(i)).append(oracle.isSourceExcludedAt(i) ? "x" : "").append(' ');
        }
        return builder.append("index=").append(oracle.indexPriceTicks())
            .append(" mark=").append(oracle.markPriceTicks())
            .append(" previous=").append(oracle.previousMarkTicks())
            .append(" basis=").append(oracle.hasBasis()).append('/').append(oracle.emaBasisTicks())
            .append('@').append(oracle.emaTimeMs())
            .append(" trade=").append(oracle.lastTradeTicks()).append('@').append(oracle.lastTradeTimeMs())
            .append(" last=").append(oracle.lastDecision())
            .append(" others=").append(oracle.othersMedianTicks())
            .append(" fresh=").append(oracle.freshSourceCount())
            .append(" counted=").append(oracle.countedSourceCount())
            .toString();
    }
}
