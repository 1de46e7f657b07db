package dev.backstop.clearing.service;

import dev.backstop.clearing.bench.BenchFlags;
import dev.backstop.clearing.bench.BenchHouses;
import org.agrona.DirectBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Writing the state of 1_000_000 accounts (each one lot long against a dealer, so 1M venue trade ids too): encoded as
 * snapshot records through the service's {@link SnapshotWriter} into a sink that only counts bytes, and the SHA-256
 * state digest every node compares. Lives in the service package because the writer is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS, BenchFlags.ADD_OPENS, "-Xmx6g", "-XX:+UseParallelGC"})
public class SnapshotBenchmark
{
    public static final int ACCOUNTS = 1_000_000;

    BenchHouses houses;
    final SnapshotWriter writer = new SnapshotWriter();
    final byte[] digest = new byte[32];
    long bytes;
    long records;
    long snapshots;

    private final SnapshotWriter.RecordOutput countingOutput = this::count;

    @Setup(Level.Trial)
    public void setUp()
    {
        houses = BenchHouses.withHolders(ACCOUNTS, 0);
    }

    @TearDown(Level.Trial)
    public void report()
    {
        if (snapshots > 0)
        {
            System.out.printf("%nsnapshot: %d records, %d bytes, %.1f bytes per account%n",
                records / snapshots, bytes / snapshots, (double)bytes / snapshots / (ACCOUNTS + 1));
        }
    }

    @Benchmark
    public long writeSnapshot()
    {
        snapshots++;
        return writer.write(houses.house(), countingOutput);
    }

    @Benchmark
    public byte[] stateDigest()
    {
        houses.house().stateDigest(digest);
        return digest;
    }

    private void count(final DirectBuffer buffer, final int offset, final int length)
    {
        bytes += length;
        records++;
    }
}
