package dev.backstop.clearing.bench;

import dev.backstop.clearing.domain.Outcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The command path on one thread: novating a trade (both accounts' margin check, fee, realised PnL, duplicate check on
 * the venue trade id) and the pre-trade check of an order followed by its cancel. Sides alternate so the positions
 * stay between 0 and 1 lot whatever the iteration count. Issue 8 targets at least 3M trades/s with no allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS, BenchFlags.ADD_OPENS, "-Xmx2g", "-XX:+UseParallelGC"})
public class TradeClearingBenchmark
{
    static final long ALICE = 101;
    static final long BOB = 102;

    BenchHouses houses;
    boolean aliceBuys;

    @Setup(Level.Trial)
    public void setUp()
    {
        houses = BenchHouses.create(true);
        houses.fundedAccount(ALICE, BenchHouses.WELL_FUNDED);
        houses.fundedAccount(BOB, BenchHouses.WELL_FUNDED);
    }

    /**
     * One trade, Alice buying one lot from Bob then selling it back on the next invocation.
     */
    @Benchmark
    public Outcome clearTrade()
    {
        aliceBuys = !aliceBuys;
        return aliceBuys ? houses.trade(ALICE, BOB, 1) : houses.trade(BOB, ALICE, 1);
    }

    /**
     * One order's pre-trade check (margin reservation) and its cancel (release): two commands per op.
     */
    @Benchmark
    public long submitAndCancelOrder()
    {
        return houses.orderAndCancel(ALICE);
    }
}
