package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Notional brackets against numbers worked by hand, on a Binance-style BTC table (USD = 1_000_000 micro-units):
 * <pre>
 *   bracket  cap (USD)    MMR    IMR    MM offset (USD)                          IM offset (USD)
 *   0        50_000       0.4%   0.8%   0                                        0
 *   1        250_000      0.5%   1.0%   0 + 50_000 × 0.1% = 50                   0 + 50_000 × 0.2% = 100
 *   2        1_000_000    1.0%   2.0%   50 + 250_000 × 0.5% = 1_300              100 + 250_000 × 1% = 2_600
 *   3        max          2.5%   5.0%   1_300 + 1_000_000 × 1.5% = 16_300        2_600 + 1_000_000 × 3% = 32_600
 * </pre>
 * (Binance publishes the same MM offsets 0, 50, 1_300, 16_300 for this table.)
 */
class MarginBracketsTest
{
    static final long USD = 1_000_000L;
    static final long[] CAPS = { 50_000 * USD, 250_000 * USD, 1_000_000 * USD, Long.MAX_VALUE };
    static final int[] IMR = { 8_000, 10_000, 20_000, 50_000 };
    static final int[] MMR = { 4_000, 5_000, 10_000, 25_000 };

    static MarginBrackets btc()
    {
        return MarginBrackets.of(4, CAPS, IMR, MMR);
    }

    @Test
    void offsetsAreDerivedCumulatively()
    {
        final MarginBrackets brackets = btc();
        assertEquals(0, brackets.maintenanceOffsetAt(0));
        assertEquals(50 * USD, brackets.maintenanceOffsetAt(1));
        assertEquals(1_300 * USD, brackets.maintenanceOffsetAt(2));
        assertEquals(16_300 * USD, brackets.maintenanceOffsetAt(3));
        assertEquals(0, brackets.initialOffsetAt(0));
        assertEquals(100 * USD, brackets.initialOffsetAt(1));
        assertEquals(2_600 * USD, brackets.initialOffsetAt(2));
        assertEquals(32_600 * USD, brackets.initialOffsetAt(3));
    }

    @Test
    void maintenanceMarginBelowAtAndAboveTheFirstCap()
    {
        final MarginBrackets brackets = btc();
        assertEquals(0, brackets.maintenanceMargin(0));
        // 49_999 USD × 0.4% = 199.996 USD
        assertEquals(199_996_000L, brackets.maintenanceMargin(49_999 * USD));
        // at the cap, bracket 0: 50_000 × 0.4% = 200 USD; bracket 1 would give 50_000 × 0.5% − 50 = 200 too
        assertEquals(0, brackets.bracketOf(50_000 * USD));
        assertEquals(200 * USD, brackets.maintenanceMargin(50_000 * USD));
        // one micro-unit above: 50_000_000_001 × 0.5% − 50_000_000 = 200_000_000.005 micro, rounded up
        assertEquals(1, brackets.bracketOf(50_000 * USD + 1));
        assertEquals(200_000_001L, brackets.maintenanceMargin(50_000 * USD + 1));
        // 50_001 USD × 0.5% − 50 = 250.005 − 50 = 200.005 USD
        assertEquals(200_005_000L, brackets.maintenanceMargin(50_001 * USD));
    }

    @Test
    void maintenanceMarginAtTheHigherCaps()
    {
        final MarginBrackets brackets = btc();
        // 249_999 × 0.5% − 50 = 1_249.995 − 50 = 1_199.995 USD
        assertEquals(1_199_995_000L, brackets.maintenanceMargin(249_999 * USD));
        // cap 1: 250_000 × 0.5% − 50 = 1_200 = 250_000 × 1% − 1_300
        assertEquals(1_200 * USD, brackets.maintenanceMargin(250_000 * USD));
        // 250_001 × 1% − 1_300 = 2_500.01 − 1_300 = 1_200.01 USD
        assertEquals(1_200_010_000L, brackets.maintenanceMargin(250_001 * USD));
        // cap 2: 1_000_000 × 1% − 1_300 = 8_700 = 1_000_000 × 2.5% − 16_300
        assertEquals(8_700 * USD, brackets.maintenanceMargin(1_000_000 * USD));
        // 999_999 × 1% − 1_300 = 8_699.99 USD
        assertEquals(8_699_990_000L, brackets.maintenanceMargin(999_999 * USD));
        // 1_000_001 × 2.5% − 16_300 = 25_000.025 − 16_300 = 8_700.025 USD
        assertEquals(8_700_025_000L, brackets.maintenanceMargin(1_000_001 * USD));
        // 2_000_000 × 2.5% − 16_300 = 33_700 USD
        assertEquals(33_700 * USD, brackets.maintenanceMargin(2_000_000 * USD));
    }

    @Test
    void initialMarginAtEachCapAndBetween()
    {
        final MarginBrackets brackets = btc();
        // 50_000 × 0.8% = 400; 50_000 × 1% − 100 = 400
        assertEquals(400 * USD, brackets.initialMargin(50_000 * USD));
        // 100_000 × 1% − 100 = 900
        assertEquals(900 * USD, brackets.initialMargin(100_000 * USD));
        // 250_000 × 1% − 100 = 2_400 = 250_000 × 2% − 2_600
        assertEquals(2_400 * USD, brackets.initialMargin(250_000 * USD));
        // 1_000_000 × 2% − 2_600 = 17_400 = 1_000_000 × 5% − 32_600
        assertEquals(17_400 * USD, brackets.initialMargin(1_000_000 * USD));
        // 1_000_001 × 5% − 32_600 = 50_000.05 − 32_600 = 17_400.05
        assertEquals(17_400_050_000L, brackets.initialMargin(1_000_001 * USD));
    }

    @Test
    void marginIsContinuousAtEveryCapToTheMicroUnit()
    {
        final MarginBrackets brackets = btc();
        for (int k = 0; k < 3; k++)
        {
            final long cap = CAPS[k];
            for (long n = cap - 2; n <= cap + 2; n++)
            {
                final long stepMm = brackets.maintenanceMargin(n + 1) - brackets.maintenanceMargin(n);
                final long stepIm = brackets.initialMargin(n + 1) - brackets.initialMargin(n);
                // one more micro-unit of notional at a rate <= 100% adds at most one micro-unit (rounded up)
                assertEquals(true, stepMm >= 0 && stepMm <= 1, "MM step at " + n);
                assertEquals(true, stepIm >= 0 && stepIm <= 1, "IM step at " + n);
            }
        }
    }

    @Test
    void offsetsKeepFractionsOfAMicroUnit()
    {
        // cap 1_000_001 micro, MMR 1% then 2%: offset 1 = 1_000_001 × 1% = 10_000.01 micro (shown rounded down).
        final MarginBrackets brackets = MarginBrackets.of(
            2, new long[]{ 1_000_001, Long.MAX_VALUE }, new int[]{ 10_000, 20_000 }, new int[]{ 10_000, 20_000 });
        assertEquals(10_000, brackets.maintenanceOffsetAt(1));
        // 1_000_001 × 1% = 10_000.01 -> 10_001
        assertEquals(10_001, brackets.maintenanceMargin(1_000_001));
        // 1_000_002 × 2% − 10_000.01 = 20_000.04 − 10_000.01 = 10_000.03 -> 10_001
        assertEquals(10_001, brackets.maintenanceMargin(1_000_002));
        // 1_000_051 × 2% − 10_000.01 = 20_001.02 − 10_000.01 = 10_001.01 -> 10_002
        // 1_000_050 × 2% − 10_000.01 = 20_001 − 10_000.01 = 10_000.99 -> 10_001, equal to the tiered sum
        // 1_000_001 × 1% + 49 × 2% = 10_000.01 + 0.98; an offset rounded up to 10_001 would give 10_000, one short.
        assertEquals(10_002, brackets.maintenanceMargin(1_000_051));
        assertEquals(10_001, brackets.maintenanceMargin(1_000_050));
    }

    @Test
    void singleBracketIsPlainRate()
    {
        final MarginBrackets brackets = MarginBrackets.single(100_000, 50_000);
        // 12_345.678901 USD × 10% = 1_234.5678901 -> 1_234_567_891 micro (rounded up)
        assertEquals(1_234_567_891L, brackets.initialMargin(12_345_678_901L));
        // × 5% = 617.28394505 -> 617_283_946
        assertEquals(617_283_946L, brackets.maintenanceMargin(12_345_678_901L));
        // the largest notional: 9_223_372_036_854.775807 × 10% = 922_337_203_685.4775807 USD
        assertEquals(922_337_203_685_477_581L, brackets.initialMargin(Long.MAX_VALUE));
    }

    @Test
    void badTablesAreRefusedAndLeaveTheTableUnchanged()
    {
        final long max = Long.MAX_VALUE;
        final Outcome refused = Outcome.INVALID_PARAMETER;
        assertEquals(refused, MarginBrackets.validate(0, new long[0], new int[0], new int[0]));
        assertEquals(refused, MarginBrackets.validate(1, new long[]{ 5 }, new int[]{ 2 }, new int[]{ 1 }));
        // MMR above IMR
        assertEquals(refused, MarginBrackets.validate(1, new long[]{ max }, new int[]{ 1 }, new int[]{ 2 }));
        // MMR zero, IMR above 100%
        assertEquals(refused, MarginBrackets.validate(1, new long[]{ max }, new int[]{ 1 }, new int[]{ 0 }));
        assertEquals(refused, MarginBrackets.validate(1, new long[]{ max }, new int[]{ 1_000_001 }, new int[]{ 1 }));
        // caps not ascending
        assertEquals(refused, MarginBrackets.validate(
            3, new long[]{ 10, 10, max }, new int[]{ 2, 3, 4 }, new int[]{ 1, 2, 3 }));
        // a rate falling
        assertEquals(refused, MarginBrackets.validate(
            2, new long[]{ 10, max }, new int[]{ 3, 2 }, new int[]{ 1, 1 }));
        assertEquals(refused, MarginBrackets.validate(
            2, new long[]{ 10, max }, new int[]{ 3, 3 }, new int[]{ 2, 1 }));
        // too many brackets
        final int n = MarginBrackets.MAX_BRACKETS + 1;
        final long[] caps = new long[n];
        final int[] rates = new int[n];
        for (int k = 0; k < n; k++)
        {
            caps[k] = k + 1;
            rates[k] = 1;
        }
        caps[n - 1] = max;
        assertEquals(refused, MarginBrackets.validate(n, caps, rates, rates));
        caps[n - 2] = max;
        assertEquals(Outcome.ACCEPTED, MarginBrackets.validate(n - 1, caps, rates, rates));

        final MarginBrackets brackets = btc();
        assertEquals(refused, brackets.set(1, new long[]{ 5 }, new int[]{ 2 }, new int[]{ 1 }));
        assertEquals(4, brackets.count());
        assertEquals(8_700 * USD, brackets.maintenanceMargin(1_000_000 * USD));
        assertThrows(IllegalArgumentException.class, () -> MarginBrackets.single(1, 2));
        assertThrows(IllegalArgumentException.class, () -> brackets.maintenanceMargin(-1));
    }

    @Test
    void restoringFromTheGettersGivesTheSameTable()
    {
        final MarginBrackets original = btc();
        final int n = original.count();
        final long[] caps = new long[n];
        final int[] imr = new int[n];
        final int[] mmr = new int[n];
        for (int k = 0; k < n; k++)
        {
            caps[k] = original.capAt(k);
            imr[k] = original.initialMarginPpmAt(k);
            mmr[k] = original.maintenanceMarginPpmAt(k);
        }
        final MarginBrackets restored = new MarginBrackets();
        assertEquals(Outcome.ACCEPTED, restored.set(n, caps, imr, mmr));
        for (long notional = 0; notional < 3_000_000 * USD; notional += 7_777_777_777L)
        {
            assertEquals(original.maintenanceMargin(notional), restored.maintenanceMargin(notional));
            assertEquals(original.initialMargin(notional), restored.initialMargin(notional));
        }
    }

    @Test
    void openInterestScalingRaisesTheBracketImrKeepingItsOffset()
    {
        final MarginBrackets brackets = btc();
        // OI 50M USD between caps 0 and 100M: bracket 2 IMR 2% -> 2% + 98% × 50/100 = 51% (510_000 ppm)
        final OpenInterestScaling scaling = OpenInterestScaling.of(0, 100_000_000 * USD);
        // IM = 1_000_000 × 51% − 2_600 = 507_400 USD (unscaled 17_400)
        assertEquals(507_400 * USD, brackets.initialMargin(1_000_000 * USD, scaling, 50_000_000 * USD));
        // OI at the lower cap (0): unscaled
        assertEquals(17_400 * USD, brackets.initialMargin(1_000_000 * USD, scaling, 0));
        // OI at or above the upper cap: 100% − 2_600 = 997_400 USD
        assertEquals(997_400 * USD, brackets.initialMargin(1_000_000 * USD, scaling, 100_000_000 * USD));
        // off: unscaled
        assertEquals(17_400 * USD, brackets.initialMargin(1_000_000 * USD, OpenInterestScaling.off(), 1L << 60));
    }
}
