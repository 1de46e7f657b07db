package dev.backstop.clearing.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The static liquidation rules (bankruptcy price, slicing, thresholds, fee, takeover split) against numbers worked
 * by hand, and the 128-bit helper against BigInteger.
 */
class LiquidationRulesTest
{
    @Test
    void bankruptcyPriceOfALongRoundsUpAndOfAShortRoundsDown()
    {
        // 7 lots, tick value 100: one tick on the slice is 700. Share 100_050 / 700 = 142.93 ticks.
        // Long: ZP = 600_000 - 142.93 = 599_857.07, rounded up to 599_858 (equity left at ZP: 100_050 - 142 × 700 = 650).
        assertEquals(599_858L, BankruptcyPrice.bankruptcyPriceTicks(600_000, 7, 100_050, 100));
        // Short: ZP = 600_000 + 142.93 = 600_142.93, rounded down to 600_142.
        assertEquals(600_142L, BankruptcyPrice.bankruptcyPriceTicks(600_000, -7, 100_050, 100));
        // Exact: share 70_000 = 100 ticks on 7 lots.
        assertEquals(599_900L, BankruptcyPrice.bankruptcyPriceTicks(600_000, 7, 70_000, 100));
        assertEquals(600_100L, BankruptcyPrice.bankruptcyPriceTicks(600_000, -7, 70_000, 100));
        // Zero share: ZP is the mark.
        assertEquals(600_000L, BankruptcyPrice.bankruptcyPriceTicks(600_000, 7, 0, 100));
        // Negative share (bankrupt): long ZP above the mark: -650 / 700 = -0.93, ceil(600_000.93) = 600_001.
        assertEquals(600_001L, BankruptcyPrice.bankruptcyPriceTicks(600_000, 7, -650, 100));
        // Share worth more than the whole price: never below one tick.
        assertEquals(1L, BankruptcyPrice.bankruptcyPriceTicks(10, 1, 10_000, 100));
    }

    @Test
    void equitySharesSplitByMaintenanceMarginThenBySliceSize()
    {
        // E = 1_000_000 over MM 300 (A, 10 lots) and 700 (B, 3 lots): A gets 300_000, B 700_000.
        // Slice 3 of A's 10 lots: 300_000 × 3 / 10 = 90_000 exactly.
        assertEquals(90_000L, BankruptcyPrice.equityShare(1_000_000, 300, 1_000, 3, 10));
        // Slice 1 of B's 3 lots (short, sign ignored): 700_000 / 3 = 233_333.33, rounded up to 233_334.
        assertEquals(233_334L, BankruptcyPrice.equityShare(1_000_000, 700, 1_000, -1, -3));
        // Whole position B: 700_000.
        assertEquals(700_000L, BankruptcyPrice.equityShare(1_000_000, 700, 1_000, 3, 3));
        // First step rounds up too: 1_001 × 1 / 3 = 333.67 -> 334.
        assertEquals(334L, BankruptcyPrice.equityShare(1_001, 1, 3, 5, 5));
        // Negative equity: rounded towards +infinity, i.e. towards zero: -700_000 / 3 = -233_333.33 -> -233_333.
        assertEquals(-233_333L, BankruptcyPrice.equityShare(-1_000_000, 700, 1_000, 1, 3));
        // 128-bit intermediate: 1e15 × 4e14 / 1e15 = 4e14; / 3 = 133_333_333_333_333.33 -> ...334.
        assertEquals(133_333_333_333_334L,
            BankruptcyPrice.equityShare(1_000_000_000_000_000L, 400_000_000_000_000L, 1_000_000_000_000_000L, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> BankruptcyPrice.equityShare(1, 2, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> BankruptcyPrice.equityShare(1, 1, 1, 2, 1));
    }

    @Test
    void sliceIsTheLargerOfMinimumNotionalAndShareCappedAtThePosition()
    {
        // Lot value 600_000 ticks × 100 = 60_000_000 (60 USD); 1_000 USD / 60 USD = 16.67 -> 17 lots.
        // Position 100: 10% = 10 < 17 -> 17.
        assertEquals(17L, LiquidationSlicing.sliceLots(100, 600_000, 100, 1_000_000_000L, 100_000));
        // Position 1_000 short: 10% = 100 > 17 -> 100.
        assertEquals(100L, LiquidationSlicing.sliceLots(-1_000, 600_000, 100, 1_000_000_000L, 100_000));
        // Position 1_001: 10% = 100.1 -> 101.
        assertEquals(101L, LiquidationSlicing.sliceLots(1_001, 600_000, 100, 1_000_000_000L, 100_000));
        // Position 5 < 17: the whole position.
        assertEquals(5L, LiquidationSlicing.sliceLots(5, 600_000, 100, 1_000_000_000L, 100_000));
        // Minimum notional exactly 16 lots: 960_000_000 / 60_000_000 = 16.
        assertEquals(16L, LiquidationSlicing.sliceLots(100, 600_000, 100, 960_000_000L, 100_000));
        // No minimum and no share: still one lot.
        assertEquals(1L, LiquidationSlicing.sliceLots(100, 600_000, 100, 0, 0));
        assertEquals(0L, LiquidationSlicing.sliceLots(0, 600_000, 100, 1_000_000_000L, 100_000));
    }

    @Test
    void largestRiskFirstTiesToTheLowerInstrumentId()
    {
        assertEquals(1, LiquidationSlicing.largestRiskIndex(3, new long[]{5, 9, 9}, new int[]{1, 7, 8}));
        assertEquals(2, LiquidationSlicing.largestRiskIndex(3, new long[]{5, 9, 9}, new int[]{1, 7, 3}));
        assertEquals(-1, LiquidationSlicing.largestRiskIndex(0, new long[0], new int[0]));
    }

    @Test
    void wholeAccountThresholdIsStrictlyBelowTwoThirds()
    {
        // MM 3_000: 2/3 = 2_000 exactly. 2_000 × 3 = 6_000 is not < 3_000 × 2 = 6_000.
        assertFalse(LiquidationSlicing.belowWholeAccountThreshold(2_000, 3_000));
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(1_999, 3_000));
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(-1, 3_000));
        // No overflow: 3 × MAX vs 2 × MAX.
        assertFalse(LiquidationSlicing.belowWholeAccountThreshold(Long.MAX_VALUE, Long.MAX_VALUE));
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void wholeAccountThresholdAsAParameterIsExactAndItsDefaultIsTheExactTwoThirdsRule()
    {
        // ½ of MM 3_000 = 1_500: 1_500 × 1e6 is not < 3_000 × 500_000.
        assertFalse(LiquidationSlicing.belowWholeAccountThreshold(1_500, 3_000, 500_000));
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(1_499, 3_000, 500_000));
        // 0.6 × MM = 0.6 × 4_640 = 2_784 < 2_800 < ⅔ × 4_640 = 3_093.3: whole at the default, sliced at ½.
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(2_800, 4_640, Money.TWO_THIRDS_PPM));
        assertFalse(LiquidationSlicing.belowWholeAccountThreshold(2_800, 4_640, 500_000));
        // The default 666_667 is read as exactly ⅔, not 0.666667: MM 3_000_000, equity 2_000_000 is not below ⅔
        // although 2_000_000 × 1e6 < 3_000_000 × 666_667 (= 2_000_001 × 1e6).
        assertFalse(LiquidationSlicing.belowWholeAccountThreshold(2_000_000, 3_000_000, Money.TWO_THIRDS_PPM));
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(2_000_000, 3_000_000, 666_668));
        // The whole of MM, and no overflow at the extremes.
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(2_999, 3_000, 1_000_000));
        assertFalse(LiquidationSlicing.belowWholeAccountThreshold(3_000, 3_000, 1_000_000));
        assertFalse(LiquidationSlicing.belowWholeAccountThreshold(Long.MAX_VALUE, Long.MAX_VALUE, 1_000_000));
        assertTrue(LiquidationSlicing.belowWholeAccountThreshold(Long.MIN_VALUE, Long.MAX_VALUE, 1));
    }

    @Test
    void targetIsReachedAtExactlyOnePointZeroTwo()
    {
        // MM 50 × 1.02 = 51 exactly.
        assertTrue(LiquidationSlicing.reachedTarget(51, 50, 1_020_000));
        assertFalse(LiquidationSlicing.reachedTarget(50, 50, 1_020_000));
        // MM 1_000_000 × 1.02 = 1_020_000.
        assertTrue(LiquidationSlicing.reachedTarget(1_020_000, 1_000_000, 1_020_000));
        assertFalse(LiquidationSlicing.reachedTarget(1_019_999, 1_000_000, 1_020_000));
        // No overflow: MAX × 1e6 vs MAX × 1.02e6.
        assertFalse(LiquidationSlicing.reachedTarget(Long.MAX_VALUE, Long.MAX_VALUE, 1_020_000));
        assertTrue(LiquidationSlicing.reachedTarget(Long.MAX_VALUE, Long.MAX_VALUE / 2, 1_020_000));
    }

    @Test
    void feeIsCappedAtTheEquityLeftAboveBankruptcy()
    {
        // 60_000_000 × 0.5% = 300_000.
        assertEquals(300_000L, LiquidationFee.fee(60_000_000, 5_000, 1_000_000));
        assertEquals(250_000L, LiquidationFee.fee(60_000_000, 5_000, 250_000));
        assertEquals(0L, LiquidationFee.fee(60_000_000, 5_000, -5));
        // 1_000_001 × 0.5% = 5_000.005 -> 5_001 (the defaulter owes it: rounded up).
        assertEquals(5_001L, LiquidationFee.fee(-1_000_001, 5_000, 1_000_000));
    }

    @Test
    void takeoverSplitsTheEquityShareTwoThirdsToThePoolExactly()
    {
        // 100 × 2/3 = 66.67 -> 66 to the pool, 34 to the insurance fund.
        assertEquals(66L, TakeoverPricing.takeoverPoolPayment(100));
        assertEquals(34L, TakeoverPricing.takeoverInsurancePayment(100));
        assertEquals(66L, TakeoverPricing.takeoverPoolPayment(99));
        assertEquals(33L, TakeoverPricing.takeoverInsurancePayment(99));
        assertEquals(0L, TakeoverPricing.takeoverPoolPayment(-100));
        assertEquals(0L, TakeoverPricing.takeoverInsurancePayment(-100));
        assertEquals(Long.MAX_VALUE, TakeoverPricing.takeoverPoolPayment(Long.MAX_VALUE) +
            TakeoverPricing.takeoverInsurancePayment(Long.MAX_VALUE));
        // ZP 599_858, MP 600_000: 599_858 + 142 / 3 = 599_905.33 = 1_799_716 thirds.
        assertEquals(1_799_716L, TakeoverPricing.takeoverPriceThirdsOfTick(600_000, 599_858));
    }

    @Test
    void takeoverSplitsAtThePoolSharePpmRoundingThePoolDown()
    {
        // ½: 3_000_000_001 -> 1_500_000_000 to the pool, the odd micro-unit with the rest to the insurance fund.
        assertEquals(1_500_000_000L, TakeoverPricing.takeoverPoolPayment(3_000_000_001L, 500_000));
        assertEquals(1_500_000_001L, TakeoverPricing.takeoverInsurancePayment(3_000_000_001L, 500_000));
        assertEquals(2L, TakeoverPricing.takeoverPoolPayment(4, 500_000));
        assertEquals(2L, TakeoverPricing.takeoverInsurancePayment(4, 500_000));
        // 70%: 1_000_001 × 0.7 = 700_000.7 -> 700_000 and 300_001.
        assertEquals(700_000L, TakeoverPricing.takeoverPoolPayment(1_000_001, 700_000));
        assertEquals(300_001L, TakeoverPricing.takeoverInsurancePayment(1_000_001, 700_000));
        // All to the pool; nothing when bankrupt.
        assertEquals(99L, TakeoverPricing.takeoverPoolPayment(99, 1_000_000));
        assertEquals(0L, TakeoverPricing.takeoverInsurancePayment(99, 1_000_000));
        assertEquals(0L, TakeoverPricing.takeoverPoolPayment(-100, 500_000));
        assertEquals(0L, TakeoverPricing.takeoverInsurancePayment(-100, 500_000));
        // The default 666_667 is read as exactly ⅔: 3_000_000 -> 2_000_000 (0.666667 would give 2_000_001).
        assertEquals(2_000_000L, TakeoverPricing.takeoverPoolPayment(3_000_000, Money.TWO_THIRDS_PPM));
        assertEquals(2_000_004L, TakeoverPricing.takeoverPoolPayment(3_000_000, 666_668));
        // Exact at the extreme: no product overflows.
        assertEquals(Long.MAX_VALUE / 2, TakeoverPricing.takeoverPoolPayment(Long.MAX_VALUE, 500_000));
        assertEquals(Long.MAX_VALUE, TakeoverPricing.takeoverPoolPayment(Long.MAX_VALUE, 1_000_000));
        assertEquals(Long.MAX_VALUE, TakeoverPricing.takeoverPoolPayment(Long.MAX_VALUE, 300_001) +
            TakeoverPricing.takeoverInsurancePayment(Long.MAX_VALUE, 300_001));
    }

    @Property(tries = 1_000)
    void poolShareSplitIsExactAndMatchesBigInteger(
        @ForAll @LongRange(min = 1) final long equityShare,
        @ForAll @IntRange(min = 1, max = 1_000_000) final int poolSharePpm)
    {
        final long pool = TakeoverPricing.takeoverPoolPayment(equityShare, poolSharePpm);
        final long expected = Money.TWO_THIRDS_PPM == poolSharePpm ?
            BigInteger.valueOf(equityShare).multiply(BigInteger.TWO).divide(BigInteger.valueOf(3)).longValueExact() :
            BigInteger.valueOf(equityShare).multiply(BigInteger.valueOf(poolSharePpm))
                .divide(BigInteger.valueOf(Money.PPM)).longValueExact();
        assertEquals(expected, pool);
        assertEquals(equityShare, pool + TakeoverPricing.takeoverInsurancePayment(equityShare, poolSharePpm));
    }

    @Property(tries = 2_000)
    void wideArithmeticMatchesBigInteger(
        @ForAll @LongRange(min = 0) final long a,
        @ForAll @LongRange(min = 0) final long b,
        @ForAll @LongRange(min = 1) final long c)
    {
        final BigInteger product = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        final BigInteger[] qr = product.divideAndRemainder(BigInteger.valueOf(c));
        assertEquals(qr[1].longValueExact(), WideArithmetic.mulMod(a, b, c));
        if (qr[0].bitLength() <= 63)
        {
            assertEquals(qr[0].longValueExact(), WideArithmetic.mulDivFloor(a, b, c));
            final BigInteger ceil = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
            if (ceil.bitLength() <= 63)
            {
                assertEquals(ceil.longValueExact(), WideArithmetic.mulDivCeil(a, b, c));
            }
        }
        else
        {
            assertThrows(ArithmeticException.class, () -> WideArithmetic.mulDivFloor(a, b, c));
        }
        final long d = c - 1;
        final int expected = product.compareTo(BigInteger.valueOf(c).multiply(BigInteger.valueOf(d)));
        assertEquals(Integer.signum(expected), Integer.signum(WideArithmetic.compareProducts(a, b, c, d)));
        final int negated = product.negate().compareTo(BigInteger.valueOf(-c).multiply(BigInteger.valueOf(d)));
        assertEquals(Integer.signum(negated), Integer.signum(WideArithmetic.compareProducts(-a, b, -c, d)));
    }
}
