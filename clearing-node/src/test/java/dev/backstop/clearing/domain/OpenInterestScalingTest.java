package dev.backstop.clearing.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IMR scaling with open interest [dYdX liquidity tiers], worked by hand with caps 10M and 110M USD and IMR 10%:
 * {@code imr' = imr + ceil((1e6 − imr) × (OI − lower) / (upper − lower))}.
 */
class OpenInterestScalingTest
{
    static final long USD = 1_000_000L;
    static final long LOWER = 10_000_000 * USD;
    static final long UPPER = 110_000_000 * USD;

    @Test
    void imrAtLowerMidAndUpperCap()
    {
        final OpenInterestScaling scaling = OpenInterestScaling.of(LOWER, UPPER);
        assertEquals(100_000, scaling.scaledInitialMarginPpm(100_000, 0));
        assertEquals(100_000, scaling.scaledInitialMarginPpm(100_000, LOWER));
        // mid: 100_000 + 900_000 × 50M / 100M = 550_000
        assertEquals(550_000, scaling.scaledInitialMarginPpm(100_000, 60_000_000 * USD));
        // a quarter: 100_000 + 900_000 × 25/100 = 325_000
        assertEquals(325_000, scaling.scaledInitialMarginPpm(100_000, 35_000_000 * USD));
        assertEquals(1_000_000, scaling.scaledInitialMarginPpm(100_000, UPPER));
        assertEquals(1_000_000, scaling.scaledInitialMarginPpm(100_000, Long.MAX_VALUE));
    }

    @Test
    void anyOpenInterestAboveTheLowerCapRoundsTheRateUp()
    {
        final OpenInterestScaling scaling = OpenInterestScaling.of(LOWER, UPPER);
        // 900_000 × 1 / 1e14 = 9e-9 ppm, rounded up to 1
        assertEquals(100_001, scaling.scaledInitialMarginPpm(100_000, LOWER + 1));
        // one micro-unit below the upper cap: 900_000 × (1e14 − 1) / 1e14 = 899_999.999991 -> 900_000
        assertEquals(1_000_000, scaling.scaledInitialMarginPpm(100_000, UPPER - 1));
        // 3 ppm left to rise over a range of 7: OI − lower = 5 -> 3 × 5 / 7 = 2.14 -> 3; 2 -> 0.857 -> 1
        final OpenInterestScaling small = OpenInterestScaling.of(100, 107);
        assertEquals(1_000_000, small.scaledInitialMarginPpm(999_997, 105));
        assertEquals(999_998, small.scaledInitialMarginPpm(999_997, 102));
    }

    @Test
    void offScalesNothingAndBadCapsAreRefused()
    {
        final OpenInterestScaling off = OpenInterestScaling.off();
        assertTrue(off.isOff());
        assertEquals(100_000, off.scaledInitialMarginPpm(100_000, Long.MAX_VALUE));
        assertEquals(Outcome.INVALID_PARAMETER, OpenInterestScaling.validate(5, 5));
        assertEquals(Outcome.INVALID_PARAMETER, OpenInterestScaling.validate(-1, 5));
        assertEquals(Outcome.INVALID_PARAMETER, OpenInterestScaling.validate(5, 0));
        assertEquals(Outcome.ACCEPTED, OpenInterestScaling.validate(0, 0));
        final OpenInterestScaling scaling = OpenInterestScaling.of(LOWER, UPPER);
        assertEquals(Outcome.INVALID_PARAMETER, scaling.set(UPPER, LOWER));
        assertEquals(LOWER, scaling.lowerCapNotional());
        assertEquals(UPPER, scaling.upperCapNotional());
        assertThrows(IllegalArgumentException.class, () -> OpenInterestScaling.of(2, 1));
    }

    @Test
    void brackettedImWithScalingOnASingleBracket()
    {
        // IMR 10%, notional 10_000 USD, OI at the mid point: 10_000 × 55% = 5_500 USD
        final MarginBrackets brackets = MarginBrackets.single(100_000, 50_000);
        final OpenInterestScaling scaling = OpenInterestScaling.of(LOWER, UPPER);
        assertEquals(5_500 * USD, brackets.initialMargin(10_000 * USD, scaling, 60_000_000 * USD));
        // maintenance margin is never scaled
        assertEquals(500 * USD, brackets.maintenanceMargin(10_000 * USD));
    }

    @Property(tries = 500)
    void scaledRateMatchesTheExactFormulaAndIsMonotonic(
        @ForAll @IntRange(min = 0, max = 1_000_000) final int imr,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) final long lower,
        @ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) final long width,
        @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) final long openInterest)
    {
        final OpenInterestScaling scaling = OpenInterestScaling.of(lower, lower + width);
        final int scaled = scaling.scaledInitialMarginPpm(imr, openInterest);
        final int expected;
        if (openInterest <= lower)
        {
            expected = imr;
        }
        else if (openInterest >= lower + width)
        {
            expected = 1_000_000;
        }
        else
        {
            final BigInteger[] qr = BigInteger.valueOf(1_000_000 - imr)
                .multiply(BigInteger.valueOf(openInterest - lower))
                .divideAndRemainder(BigInteger.valueOf(width));
            expected = imr + qr[0].intValueExact() + (qr[1].signum() > 0 ? 1 : 0);
        }
        assertEquals(expected, scaled);
        assertTrue(scaled >= imr && scaled <= 1_000_000);
        if (openInterest < Long.MAX_VALUE)
        {
            assertTrue(scaling.scaledInitialMarginPpm(imr, openInterest + 1) >= scaled);
        }
    }
}
