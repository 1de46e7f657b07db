package dev.backstop.clearing.domain;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.math.BigInteger;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random bracket tables: margin equals the tiered sum (each slice of the notional at its own bracket's rate, computed
 * with BigInteger and rounded up once), is continuous (one more micro-unit of notional adds 0 or 1 micro-unit) and
 * monotonic in notional, and initial margin is never below maintenance margin.
 */
class MarginBracketsPropertiesTest
{
    static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    /**
     * Raw draws turned into a sound table: caps from positive increments, rates from non-negative increments.
     */
    @Provide
    Arbitrary<List<Long>> draws()
    {
        return Arbitraries.longs().between(0, Long.MAX_VALUE).list().ofSize(3 * MarginBrackets.MAX_BRACKETS);
    }

    static MarginBrackets table(final int count, final List<Long> draws)
    {
        final long[] caps = new long[count];
        final int[] imr = new int[count];
        final int[] mmr = new int[count];
        long cap = 0;
        int maintenance = 0;
        int initial = 0;
        for (int k = 0; k < count; k++)
        {
            // caps spread over many orders of magnitude: increments of 1 micro up to ~1e13 (10M USD)
            final long draw = draws.get(3 * k);
            cap += 1 + (draw % (1L << (1 + (int)(draw >>> 57) % 44)));
            caps[k] = cap;
            maintenance = (int)Math.min(1_000_000, maintenance + 1 + draws.get(3 * k + 1) % 80_000);
            initial = (int)Math.min(1_000_000, Math.max(initial, maintenance) + draws.get(3 * k + 2) % 80_000);
            mmr[k] = maintenance;
            imr[k] = Math.max(initial, maintenance);
        }
        caps[count - 1] = Long.MAX_VALUE;
        return MarginBrackets.of(count, caps, imr, mmr);
    }

    static long tiered(final MarginBrackets brackets, final long notional, final boolean initial)
    {
        BigInteger scaled = BigInteger.ZERO;
        long previousCap = 0;
        for (int k = 0; k < brackets.count() && notional > previousCap; k++)
        {
            final long slice = Math.min(notional, brackets.capAt(k)) - previousCap;
            final int rate = initial ? brackets.initialMarginPpmAt(k) : brackets.maintenanceMarginPpmAt(k);
            scaled = scaled.add(BigInteger.valueOf(slice).multiply(BigInteger.valueOf(rate)));
            previousCap = brackets.capAt(k);
        }
        final BigInteger[] qr = scaled.divideAndRemainder(MILLION);
        return qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
    }

    @Property(tries = 400)
    void marginIsTheTieredSumContinuousAndMonotonic(
        @ForAll @IntRange(min = 1, max = MarginBrackets.MAX_BRACKETS) final int count,
        @ForAll("draws") final List<Long> draws,
        @ForAll @IntRange(min = 0, max = MarginBrackets.MAX_BRACKETS - 1) final int nearCap,
        @ForAll @LongRange(min = -3, max = 3) final long nearOffset,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) final long anywhere)
    {
        final MarginBrackets brackets = table(count, draws);
        final long cap = brackets.capAt(Math.min(nearCap, count - 1));
        final long atCap = cap == Long.MAX_VALUE ? Long.MAX_VALUE - 4 : Math.max(0, cap + nearOffset);
        for (final long notional : new long[]{ atCap, anywhere, anywhere / 1_000_000, anywhere % 1_000_000_000_000L })
        {
            final long mm = brackets.maintenanceMargin(notional);
            final long im = brackets.initialMargin(notional);
            assertEquals(tiered(brackets, notional, false), mm, "MM at " + notional);
            assertEquals(tiered(brackets, notional, true), im, "IM at " + notional);
            assertTrue(mm <= im, "MM above IM");
            assertTrue(mm >= 0 && mm <= notional);

            final long mmStep = brackets.maintenanceMargin(notional + 1) - mm;
            final long imStep = brackets.initialMargin(notional + 1) - im;
            assertTrue(mmStep == 0 || mmStep == 1, "MM jumps " + mmStep + " at " + notional);
            assertTrue(imStep == 0 || imStep == 1, "IM jumps " + imStep + " at " + notional);
        }
    }

    @Property(tries = 200)
    void marginIsMonotonicBetweenAnyTwoNotionals(
        @ForAll @IntRange(min = 1, max = MarginBrackets.MAX_BRACKETS) final int count,
        @ForAll("draws") final List<Long> draws,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long a,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long b)
    {
        final MarginBrackets brackets = table(count, draws);
        final long low = Math.min(a, b);
        final long high = Math.max(a, b);
        assertTrue(brackets.maintenanceMargin(low) <= brackets.maintenanceMargin(high));
        assertTrue(brackets.initialMargin(low) <= brackets.initialMargin(high));
    }
}
