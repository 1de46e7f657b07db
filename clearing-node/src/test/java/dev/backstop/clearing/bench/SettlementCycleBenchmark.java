package dev.backstop.clearing.bench;

import dev.backstop.clearing.domain.Outcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One settlement cycle over 1_000_000 holders of BTC-PERP (each long one lot against a dealer, so 1_000_001
 * positions are settled): issue 8's "settlement cycle over 1M accounts". Before each measured cycle the mark moves
 * by one tick (outside the measurement: the tick re-evaluates every holder), so every position has something to
 * settle and every account gets its settlement event (dropped by a silent sink: the domain is measured, not a
 * publisher).
 * <ul>
 *     <li>{@code variationMarginCycle}: every position's unrealised PnL at the new mark (±100 micro-units) becomes
 *     cash and its cost basis moves to the mark; funding is off.</li>
 *     <li>{@code fundingCycle}: the default rate at mark = index (F = I = 0.01%): longs pay 6_000 micro-units each,
 *     the dealer receives, then every holder is re-evaluated (funding moves equity); VM is off.</li>
 * </ul>
 */
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS, BenchFlags.ADD_OPENS, "-Xmx6g", "-XX:+UseParallelGC"})
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class SettlementCycleBenchmark
{
    public static final int HOLDERS = 1_000_000;

    /**
     * The market with VM every second and funding off.
     */
    @State(Scope.Benchmark)
    public static class VariationMargin
    {
        BenchHouses houses;
        boolean up;

        @Setup(Level.Trial)
        public void setUp()
        {
            houses = BenchHouses.withHolders(HOLDERS, 0);
            houses.settlementIntervals(1_000, 0);
        }

        @Setup(Level.Iteration)
        public void moveTheMark()
        {
            up = !up;
            BenchHouses.expect(houses.tick(up ? BenchHouses.PRICE + 1 : BenchHouses.PRICE));
        }
    }

    /**
     * The market with funding every second and VM off.
     */
    @State(Scope.Benchmark)
    public static class Funding
    {
        BenchHouses houses;

        @Setup(Level.Trial)
        public void setUp()
        {
            houses = BenchHouses.withHolders(HOLDERS, 0);
            houses.settlementIntervals(0, 1_000);
        }

        @Setup(Level.Iteration)
        public void tick()
        {
            final Outcome outcome = houses.tick(BenchHouses.PRICE);
            BenchHouses.expect(outcome);
        }
    }

    @Benchmark
    public long variationMarginCycle(final VariationMargin state)
    {
        return state.houses.runNextDeadline();
    }

    @Benchmark
    public long fundingCycle(final Funding state)
    {
        return state.houses.runNextDeadline();
    }
}
