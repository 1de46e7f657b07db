package dev.backstop.clearing.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Fixed-point arithmetic against numbers worked by hand (DESIGN.md section 4): values are exact, what a member owes
 * rounds up, what it receives rounds down, and a result that does not fit in a long throws instead of wrapping,
 * while one that fits is exact however large.
 */
class MoneyTest
{
    private static final long MAX = Long.MAX_VALUE;
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    @Test
    void valueIsLotsTimesTicksTimesTickValueSignedAsTheQuantity()
    {
        // BTC-PERP: tick 0.1 USD, lot 0.001 BTC, so one tick for one lot is 0.0001 USD = 100 micro-units.
        // 7 lots at 600_001 ticks (60_000.1 USD): 7 × 600_001 × 100 = 420_000_700 (= 0.007 BTC × 60_000.1 USD).
        assertEquals(420_000_700L, Money.value(7, 600_001, 100));
        assertEquals(-420_000_700L, Money.value(-7, 600_001, 100));
        assertEquals(0L, Money.value(0, 600_001, 100));
    }

    @Test
    void valueIsExactUpToLongMaxAndThrowsBeyond()
    {
        // 2^63 − 1 = 7² × 73 × 127 × 337 × 92_737 × 649_657 = 3_577 × 42_799 × 60_247_241_209.
        assertEquals(MAX, Money.value(3_577, 42_799, 60_247_241_209L));
        assertEquals(-MAX, Money.value(-3_577, 42_799, 60_247_241_209L));
        assertEquals(MAX, Money.value(MAX, 1, 1));
        // 3_037_000_499² = 9_223_372_030_926_249_001 ≤ 2^63 − 1 < 3_037_000_500² = 9_223_372_037_000_250_000.
        assertEquals(9_223_372_030_926_249_001L, Money.value(3_037_000_499L, 3_037_000_499L, 1));
        assertThrows(ArithmeticException.class, () -> Money.value(3_037_000_500L, 3_037_000_500L, 1));
        assertThrows(ArithmeticException.class, () -> Money.value(3_577, 42_799, 60_247_241_210L));
        assertThrows(ArithmeticException.class, () -> Money.value(MAX, 2, 1));
        assertThrows(ArithmeticException.class, () -> Money.value(-MAX, 1, 2));
    }

    @Test
    void ppmRoundsUpWhatIsOwedAndDownWhatIsReceived()
    {
        // fee 500 ppm on 420_000_700: 420_000_700 × 500 / 1e6 = 210_000.35 -> owed 210_001, received 210_000.
        assertEquals(210_001L, Money.ppmRoundedUp(420_000_700L, 500));
        assertEquals(210_000L, Money.ppmRoundedDown(420_000_700L, 500));
        // IM 10% of 2_592_597 = 259_259.7 -> 259_260 up, 259_259 down; MM 5% = 129_629.85 -> 129_630 / 129_629.
        assertEquals(259_260L, Money.ppmRoundedUp(2_592_597L, 100_000));
        assertEquals(259_259L, Money.ppmRoundedDown(2_592_597L, 100_000));
        assertEquals(129_630L, Money.ppmRoundedUp(2_592_597L, 50_000));
        assertEquals(129_629L, Money.ppmRoundedDown(2_592_597L, 50_000));
        // exact shares do not round: 10% of 427_002_100 = 42_700_210; 500 ppm of 1_000_000 = 500.
        assertEquals(42_700_210L, Money.ppmRoundedUp(427_002_100L, 100_000));
        assertEquals(42_700_210L, Money.ppmRoundedDown(427_002_100L, 100_000));
        assertEquals(500L, Money.ppmRoundedUp(1_000_000L, 500));
        assertEquals(500L, Money.ppmRoundedDown(1_000_000L, 500));
        // the smallest fractions: 1 × 1 ppm = 0.000001 and 999_999 × 1 ppm = 0.999999: up to 1, down to 0.
        assertEquals(1L, Money.ppmRoundedUp(1, 1));
        assertEquals(0L, Money.ppmRoundedDown(1, 1));
        assertEquals(1L, Money.ppmRoundedUp(999_999, 1));
        assertEquals(0L, Money.ppmRoundedDown(999_999, 1));
        // 1_000_001 × 1 ppm = 1.000001 -> 2 up, 1 down (the remainder part of the split, not only the millions).
        assertEquals(2L, Money.ppmRoundedUp(1_000_001, 1));
        assertEquals(1L, Money.ppmRoundedDown(1_000_001, 1));
        // zero amount or zero rate: nothing owed.
        assertEquals(0L, Money.ppmRoundedUp(0, 100_000));
        assertEquals(0L, Money.ppmRoundedUp(420_000_700L, 0));
        assertEquals(0L, Money.ppmRoundedDown(420_000_700L, 0));
        // a whole (1e6 ppm) is the amount itself.
        assertEquals(420_000_700L, Money.ppmRoundedUp(420_000_700L, Money.PPM));
    }

    @Test
    void ppmIsExactNearLongMax()
    {
        // 100% of 2^63 − 1 is itself; a naive amount × ppm would have overflowed long before.
        assertEquals(MAX, Money.ppmRoundedUp(MAX, 1_000_000));
        assertEquals(MAX, Money.ppmRoundedDown(MAX, 1_000_000));
        // 50%: 4_611_686_018_427_387_903.5 -> 4_611_686_018_427_387_904 up, ...903 down.
        assertEquals(4_611_686_018_427_387_904L, Money.ppmRoundedUp(MAX, 500_000));
        assertEquals(4_611_686_018_427_387_903L, Money.ppmRoundedDown(MAX, 500_000));
        // 1 ppm: 9_223_372_036_854.775807 -> 9_223_372_036_855 up, 9_223_372_036_854 down.
        assertEquals(9_223_372_036_855L, Money.ppmRoundedUp(MAX, 1));
        assertEquals(9_223_372_036_854L, Money.ppmRoundedDown(MAX, 1));
        // 999_999 ppm: MAX − MAX/1e6 = 9_223_362_813_482_738_952.224193 -> ...953 up, ...952 down.
        assertEquals(9_223_362_813_482_738_953L, Money.ppmRoundedUp(MAX, 999_999));
        assertEquals(9_223_362_813_482_738_952L, Money.ppmRoundedDown(MAX, 999_999));
        // rates above a whole are allowed by the arithmetic: 200% of 4_611_686_018_427_387_903 = MAX − 1 fits ...
        assertEquals(MAX - 1, Money.ppmRoundedUp(MAX / 2, 2_000_000));
        assertEquals(MAX - 1, Money.ppmRoundedDown(MAX / 2, 2_000_000));
        // ... but one ppm more does not, and neither does anything above 100% of MAX.
        assertThrows(ArithmeticException.class, () -> Money.ppmRoundedUp(MAX / 2, 2_000_001));
        assertThrows(ArithmeticException.class, () -> Money.ppmRoundedDown(MAX / 2, 2_000_001));
        assertThrows(ArithmeticException.class, () -> Money.ppmRoundedUp(MAX, 1_000_001));
        assertThrows(ArithmeticException.class, () -> Money.ppmRoundedDown(MAX, Integer.MAX_VALUE));
    }

    @Test
    void proportionIsExactAndRoundsTowardsNegativeInfinity()
    {
        // closing 3 of 7 lots whose cost is 420_000_700: 420_000_700 × 3 / 7 = 180_000_300 exactly.
        assertEquals(180_000_300L, Money.proportion(420_000_700L, 3, 7));
        assertEquals(-180_000_300L, Money.proportion(-420_000_700L, 3, 7));
        // 30_100 × 1 / 3 = 10_033.33.. -> 10_033; −30_100 × 1 / 3 = −10_033.33.. -> −10_034 (floor, not truncation).
        assertEquals(10_033L, Money.proportion(30_100, 1, 3));
        assertEquals(-10_034L, Money.proportion(-30_100, 1, 3));
        // 30_100 × 2 / 3 = 20_066.67 -> 20_066; −30_100 × 2 / 3 -> −20_067.
        assertEquals(20_066L, Money.proportion(30_100, 2, 3));
        assertEquals(-20_067L, Money.proportion(-30_100, 2, 3));
        // nothing and everything.
        assertEquals(0L, Money.proportion(-420_000_700L, 0, 7));
        assertEquals(-420_000_700L, Money.proportion(-420_000_700L, 7, 7));
    }

    @Test
    void proportionIsExactNearTheLimitsWhereTheResultFits()
    {
        // MAX / 2 = 4_611_686_018_427_387_903.5 -> 4_611_686_018_427_387_903; MIN / 2 is exact.
        assertEquals(4_611_686_018_427_387_903L, Money.proportion(MAX, 1, 2));
        assertEquals(-4_611_686_018_427_387_904L, Money.proportion(Long.MIN_VALUE, 1, 2));
        // MAX × (MAX − 1) / MAX = MAX − 1: the product is 2^126, the result fits.
        assertEquals(MAX - 1, Money.proportion(MAX, MAX - 1, MAX));
        assertEquals(MAX, Money.proportion(MAX, MAX, MAX));
        // (MAX − 1) × 2 / 3 = 6_148_914_691_236_517_204 exactly (MAX − 1 = 3 × 3_074_457_345_618_258_602).
        assertEquals(6_148_914_691_236_517_204L, Money.proportion(MAX - 1, 2, 3));
        // −(MAX) × 1 / 3 = −3_074_457_345_618_258_602.33 -> −3_074_457_345_618_258_603.
        assertEquals(-3_074_457_345_618_258_603L, Money.proportion(-MAX, 1, 3));
    }

    @Test
    void proportionRoundedUpRoundsTowardsPositiveInfinity()
    {
        // exact shares are not rounded: 420_000_700 × 3 / 7 = 180_000_300.
        assertEquals(180_000_300L, Money.proportionRoundedUp(420_000_700L, 3, 7));
        assertEquals(-180_000_300L, Money.proportionRoundedUp(-420_000_700L, 3, 7));
        // 30_100 / 3 = 10_033.33.. -> 10_034; −30_100 / 3 -> −10_033 (towards +∞, not away from zero).
        assertEquals(10_034L, Money.proportionRoundedUp(30_100, 1, 3));
        assertEquals(-10_033L, Money.proportionRoundedUp(-30_100, 1, 3));
        // a part larger than the whole: 7 × 3 / 2 = 10.5 -> 11 up, 10 down.
        assertEquals(11L, Money.proportionRoundedUp(7, 3, 2));
        assertEquals(10L, Money.proportion(7, 3, 2));
        // MAX / 2 = 4_611_686_018_427_387_903.5 -> ...904; −MAX / 3 = −3_074_457_345_618_258_602.33 -> ...602.
        assertEquals(4_611_686_018_427_387_904L, Money.proportionRoundedUp(MAX, 1, 2));
        assertEquals(-3_074_457_345_618_258_602L, Money.proportionRoundedUp(-MAX, 1, 3));
        assertEquals(Long.MIN_VALUE, Money.proportionRoundedUp(Long.MIN_VALUE, 3, 3));
        assertEquals(MAX, Money.proportionRoundedUp(MAX, MAX, MAX));
        // a 128-bit product whose quotient fits: 3e9 × 6e9 / 6e9.
        assertEquals(3_000_000_000L, Money.proportionRoundedUp(3_000_000_000L, 6_000_000_000L, 6_000_000_000L));
        // (MAX − 1) × 3 / 2 does not fit, up or down.
        assertThrows(ArithmeticException.class, () -> Money.proportionRoundedUp(MAX - 1, 3, 2));
        assertThrows(ArithmeticException.class, () -> Money.proportion(MAX - 1, 3, 2));
        // MIN × 1 / 1 fits; MIN × 2 / 1 does not.
        assertEquals(Long.MIN_VALUE, Money.proportionRoundedUp(Long.MIN_VALUE, 1, 1));
        assertThrows(ArithmeticException.class, () -> Money.proportionRoundedUp(Long.MIN_VALUE, 2, 1));
    }

    @Property(tries = 300)
    void proportionAgreesWithBigIntegerOverTheWholeRange(
        @ForAll final long value,
        @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) final long whole,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long part)
    {
        final BigInteger product = BigInteger.valueOf(value).multiply(BigInteger.valueOf(part));
        final BigInteger floor = floorDiv(product, whole);
        final BigInteger ceil = floor.multiply(BigInteger.valueOf(whole)).equals(product) ?
            floor : floor.add(BigInteger.ONE);
        assertExactOrOverflow(floor, () -> Money.proportion(value, part, whole));
        assertExactOrOverflow(ceil, () -> Money.proportionRoundedUp(value, part, whole));
    }

    @Property(tries = 300)
    void ppmRoundedUpAndDownAgreeWithBigIntegerAndBracketTheExactShare(
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long amount,
        @ForAll @IntRange(min = 0, max = 3_000_000) final int ppm)
    {
        // oracle: ceil and floor of amount × ppm / 1e6 computed without any chance of overflow.
        final BigInteger product = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(ppm));
        final BigInteger[] qr = product.divideAndRemainder(MILLION);
        final BigInteger floor = qr[0];
        final BigInteger ceil = qr[1].signum() == 0 ? floor : floor.add(BigInteger.ONE);
        assertExactOrOverflow(ceil, () -> Money.ppmRoundedUp(amount, ppm));
        assertExactOrOverflow(floor, () -> Money.ppmRoundedDown(amount, ppm));
    }

    static BigInteger floorDiv(final BigInteger dividend, final long divisor)
    {
        final BigInteger[] qr = dividend.divideAndRemainder(BigInteger.valueOf(divisor));
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }

    static void assertExactOrOverflow(final BigInteger exact, final java.util.function.LongSupplier actual)
    {
        if (exact.bitLength() < 64)
        {
            assertEquals(exact.longValueExact(), actual.getAsLong());
        }
        else
        {
            assertThrows(ArithmeticException.class, actual::getAsLong);
        }
    }
}
