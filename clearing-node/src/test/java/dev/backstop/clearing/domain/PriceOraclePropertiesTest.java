package dev.backstop.clearing.domain;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random streams of ticks (fresh, late, out of order, from up to six sources, with outliers) and trades, checked
 * after every step against what the rules promise: an accepted tick sets the index to the median of the fresh,
 * non-excluded sources, so within their [min, max]; any other decision moves neither index nor mark; the mark is
 * positive once set; and a copy restored from the snapshot getters at a random step decides the rest the same way.
 */
class PriceOraclePropertiesTest
{
    /**
     * One step: a tick from {@code source} (or a trade when {@code source} is 6), the price as a draw around 1000
     * (with an outlier now and then), how far the source time lags the cluster time and how far the clock moves.
     */
    record Step(int source, int priceDraw, int lagMs, int advanceMs)
    {
    }

    @Provide
    Arbitrary<List<Step>> streams()
    {
        final Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 6),
            Arbitraries.integers().between(0, 999),
            Arbitraries.integers().between(-2_000, 40_000),
            Arbitraries.integers().between(0, 8_000))
            .as(Step::new);
        return step.list().ofMinSize(20).ofMaxSize(200);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void indexStaysWithinTheCountedSourcesAndOnlyAcceptedTicksMoveIt(
        @ForAll("streams") final List<Step> steps,
        @ForAll @IntRange(min = 1, max = 3) final int quorum,
        @ForAll @IntRange(min = 1, max = 3) final int basisCode,
        @ForAll @IntRange(min = 0, max = 10_000) final int cutDraw)
    {
        final OracleParameters parameters = new OracleParameters();
        assertEquals(Outcome.ACCEPTED,
            parameters.set(30_000, 50_000, quorum, MarkBasis.fromCode(basisCode), 60_000, 16));
        final PriceOracle oracle = new PriceOracle(parameters);
        PriceOracle copy = null;
        final int cut = cutDraw % (steps.size() + 1);

        long nowMs = 1_000_000;
        for (int i = 0; i < steps.size(); i++)
        {
            if (i == cut)
            {
                copy = new PriceOracle(new OracleParameters().copyFrom(parameters));
                PriceOracleTest.copyThroughSnapshotGetters(oracle, copy);
            }
            final Step step = steps.get(i);
            nowMs += step.advanceMs();
            final long price = step.priceDraw() < 950 ? 950 + step.priceDraw() / 10 : 500 + step.priceDraw();

            if (step.source() == 6)
            {
                oracle.onTrade(price, nowMs);
                if (null != copy)
                {
                    copy.onTrade(price, nowMs);
                }
                continue;
            }

            final long indexBefore = oracle.indexPriceTicks();
            final long markBefore = oracle.markPriceTicks();
            final TickDecision decision = oracle.onTick(step.source(), price, nowMs - step.lagMs(), nowMs);
            assertNotNull(decision);
            Statistics.collect(decision);
            assertEquals(markBefore, oracle.previousMarkTicks());

            if (TickDecision.ACCEPTED == decision)
            {
                final long[] counted = countedPrices(oracle, nowMs - parameters.sourceAgeLimitMs());
                assertTrue(counted.length >= quorum);
                assertEquals(counted.length, oracle.countedSourceCount());
                assertTrue(oracle.indexPriceTicks() >= counted[0], "index below the lowest counted source");
                assertTrue(oracle.indexPriceTicks() <= counted[counted.length - 1], "index above the highest");
                final int middle = counted.length / 2;
                final long expected = counted.length % 2 == 1 ?
                    counted[middle] : Math.floorDiv(counted[middle - 1] + counted[middle], 2);
                assertEquals(expected, oracle.indexPriceTicks());
                assertTrue(oracle.markPriceTicks() > 0);
                if (parameters.markBasis() == MarkBasis.INDEX)
                {
                    assertEquals(oracle.indexPriceTicks(), oracle.markPriceTicks());
                }
            }
            else
            {
                assertEquals(indexBefore, oracle.indexPriceTicks(), decision + " moved the index");
                assertEquals(markBefore, oracle.markPriceTicks(), decision + " moved the mark");
                if (TickDecision.BELOW_QUORUM == decision)
                {
                    assertTrue(oracle.countedSourceCount() < quorum);
                }
            }

            if (null != copy)
            {
                assertEquals(decision, copy.onTick(step.source(), price, nowMs - step.lagMs(), nowMs));
                assertEquals(PriceOracleTest.dump(oracle), PriceOracleTest.dump(copy));
            }
        }
    }

    private static long[] countedPrices(final PriceOracle oracle, final long freshFromMs)
    {
        final long[] prices = new long[oracle.sourceCount()];
        int count = 0;
        for (int i = 0; i < oracle.sourceCount(); i++)
        {
            if (!oracle.isSourceExcludedAt(i) && oracle.sourceTimeMsAt(i) >= freshFromMs)
            {
                prices[count++] = oracle.sourcePriceTicksAt(i);
            }
        }
        final long[] counted = Arrays.copyOf(prices, count);
        Arrays.sort(counted);
        return counted;
    }
}
