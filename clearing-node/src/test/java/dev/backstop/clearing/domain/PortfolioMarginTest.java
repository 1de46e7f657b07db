package dev.backstop.clearing.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario-grid portfolio margin worked by hand, default grid ±15%, ±10%, ±5%, 0; a tick for one lot is worth
 * 1 USD (tickValue 1_000_000 micro-units); BTC is underlying 1, ETH underlying 2.
 */
class PortfolioMarginTest
{
    static final long USD = 1_000_000L;
    static final int BTC = 1;
    static final int ETH = 2;

    final PortfolioMargin portfolio = new PortfolioMargin(2);

    long im(final int[] underlyings, final long[] quantities, final long[] marks, final long[] tickValues)
    {
        return portfolio.initialMargin(underlyings.length, underlyings, quantities, marks, tickValues);
    }

    @Test
    void aLoneLongLosesItsWorstDownShock()
    {
        // 2 lots at 50_000 = 100_000 USD; −15% -> −15_000 USD; gross floor 1% = 1_000 USD
        final long im = im(new int[]{ BTC }, new long[]{ 2 }, new long[]{ 50_000 }, new long[]{ USD });
        assertEquals(15_000 * USD, im);
        // MM = 50% of IM
        assertEquals(7_500 * USD, portfolio.maintenanceMargin(im));
        assertEquals(1, portfolio.lastUnderlyingCount());
        assertEquals(BTC, portfolio.lastUnderlyingIdAt(0));
        assertEquals(-150_000, portfolio.lastWorstShockPpmAt(0));
        assertEquals(15_000 * USD, portfolio.lastRequirementAt(0));
    }

    @Test
    void aCalendarSpreadOnOneUnderlyingOffsets()
    {
        // long 2 MAR at 50_000 (100_000 USD), short 2 JUN at 51_000 (−102_000 USD), both on BTC:
        // PnL(s) = 100_000 s − 102_000 s = −2_000 s; worst at +15%: −300 USD.
        final int[] underlyings = { BTC, BTC };
        final long[] quantities = { 2, -2 };
        final long[] marks = { 50_000, 51_000 };
        final long[] tickValues = { USD, USD };
        // gross floor: (100_000 + 102_000) × 1% = 2_020 USD > 300
        assertEquals(2_020 * USD, im(underlyings, quantities, marks, tickValues));
        assertEquals(1, portfolio.lastUnderlyingCount());
        assertEquals(150_000, portfolio.lastWorstShockPpmAt(0));

        // without the floor, the grid alone: 300 USD, MM 150 USD
        assertEquals(Outcome.ACCEPTED, portfolio.parameters(500_000, 0));
        final long im = im(underlyings, quantities, marks, tickValues);
        assertEquals(300 * USD, im);
        assertEquals(150 * USD, portfolio.maintenanceMargin(im));

        // the legs margined apart: 15_000 + 102_000 × 15% = 15_000 + 15_300 = 30_300 USD
        assertEquals(15_000 * USD, im(new int[]{ BTC }, new long[]{ 2 }, new long[]{ 50_000 }, tickValues));
        assertEquals(15_300 * USD, im(new int[]{ BTC }, new long[]{ -2 }, new long[]{ 51_000 }, tickValues));
    }

    @Test
    void twoUnderlyingsDoNotOffset()
    {
        // long 2 BTC at 50_000: 15_000 USD at −15%; short 10 ETH at 3_000 (−30_000 USD): −4_500 USD at +15%.
        // Opposite directions, but on different underlyings: IM = 15_000 + 4_500 = 19_500 USD, MM = 9_750 USD.
        final int[] underlyings = { BTC, ETH };
        final long[] quantities = { 2, -10 };
        final long[] marks = { 50_000, 3_000 };
        final long[] tickValues = { USD, USD };
        final long im = im(underlyings, quantities, marks, tickValues);
        assertEquals(19_500 * USD, im);
        assertEquals(9_750 * USD, portfolio.maintenanceMargin(im));
        assertEquals(2, portfolio.lastUnderlyingCount());
        assertEquals(4_500 * USD, portfolio.lastRequirementAt(1));
        assertEquals(150_000, portfolio.lastWorstShockPpmAt(1));

        // the same positions in another order give the same margin
        assertEquals(19_500 * USD, im(
            new int[]{ ETH, BTC }, new long[]{ -10, 2 }, new long[]{ 3_000, 50_000 }, tickValues));
    }

    @Test
    void anUnderlyingMayHaveItsOwnGrid()
    {
        // ETH shocked ±30%: short 10 at 3_000 -> −9_000 USD; BTC keeps the default grid: 15_000. IM 24_000 USD.
        assertEquals(Outcome.ACCEPTED, portfolio.scenarios(ETH, 2, new int[]{ -300_000, 300_000 }));
        final int[] underlyings = { BTC, ETH };
        final long[] quantities = { 2, -10 };
        final long[] marks = { 50_000, 3_000 };
        final long[] tickValues = { USD, USD };
        assertEquals(24_000 * USD, im(underlyings, quantities, marks, tickValues));
        assertEquals(1, portfolio.gridCount());
        assertEquals(ETH, portfolio.gridUnderlyingIdAt(0));
        assertEquals(300_000, portfolio.gridShockPpmAt(0, 1));
        // removing it restores the default grid
        assertEquals(Outcome.ACCEPTED, portfolio.scenarios(ETH, 0, null));
        assertEquals(19_500 * USD, im(underlyings, quantities, marks, tickValues));
        assertEquals(0, portfolio.gridCount());
    }

    @Test
    void scenarioPnlRoundsAgainstTheMember()
    {
        assertEquals(Outcome.ACCEPTED, portfolio.parameters(500_000, 0));
        // value 3 micro: 3 × −15% = −0.45 -> −1 (a loss rounds up); 3 × +15% = +0.45 -> 0 (a gain rounds down)
        assertEquals(-1, PortfolioMargin.shockPnl(3, -150_000));
        assertEquals(0, PortfolioMargin.shockPnl(3, 150_000));
        assertEquals(-1, PortfolioMargin.shockPnl(-3, 150_000));
        assertEquals(0, PortfolioMargin.shockPnl(-3, -150_000));
        assertEquals(1, im(new int[]{ BTC }, new long[]{ 1 }, new long[]{ 3 }, new long[]{ 1 }));
        // MM = ceil(1 × 50%) = 1
        assertEquals(1, portfolio.maintenanceMargin(1));
        // the largest values split without a 128-bit product: (2^63 − 1) × −15% = −1_383_505_805_528_216_371.05
        assertEquals(-1_383_505_805_528_216_372L, PortfolioMargin.shockPnl(Long.MAX_VALUE, -150_000));
    }

    @Test
    void badGridsAndParametersAreRefused()
    {
        assertEquals(Outcome.INVALID_PARAMETER, PortfolioMargin.validateScenarios(0, new int[0]));
        assertEquals(Outcome.INVALID_PARAMETER, PortfolioMargin.validateScenarios(2, new int[]{ 5, 5 }));
        assertEquals(Outcome.INVALID_PARAMETER, PortfolioMargin.validateScenarios(1, new int[]{ 1_000_001 }));
        assertEquals(Outcome.INVALID_PARAMETER, PortfolioMargin.validateScenarios(17, new int[17]));
        assertEquals(Outcome.INVALID_PARAMETER, portfolio.scenarios(0, 1, new int[]{ 1 }));
        assertEquals(Outcome.INVALID_PARAMETER, portfolio.defaultScenarios(2, new int[]{ 2, 1 }));
        assertEquals(7, portfolio.defaultScenarioCount());
        assertEquals(Outcome.INVALID_PARAMETER, portfolio.parameters(0, 0));
        assertEquals(Outcome.INVALID_PARAMETER, portfolio.parameters(500_000, -1));
        assertEquals(PortfolioMargin.DEFAULT_MAINTENANCE_FRACTION_PPM, portfolio.maintenanceFractionPpm());
        assertEquals(PortfolioMargin.DEFAULT_MINIMUM_GROSS_PPM, portfolio.minimumGrossPpm());
    }

    @Test
    void scratchGrowsForAnAccountWithMorePositionsThanItWasSizedFor()
    {
        // five BTC longs of 1 lot at 10_000: 50_000 USD × 15% = 7_500 USD (capacity was 2)
        final int[] underlyings = { BTC, BTC, BTC, BTC, BTC };
        final long[] ones = { 1, 1, 1, 1, 1 };
        final long[] marks = { 10_000, 10_000, 10_000, 10_000, 10_000 };
        final long[] tickValues = { USD, USD, USD, USD, USD };
        assertEquals(7_500 * USD, im(underlyings, ones, marks, tickValues));
    }

    @Property(tries = 500)
    void aHedgedPairNeverCostsMoreThanItsLegsApart(
        @ForAll @LongRange(min = 1, max = 1_000_000) final long longLots,
        @ForAll @LongRange(min = 1, max = 1_000_000) final long shortLots,
        @ForAll @LongRange(min = 1, max = 10_000_000) final long markA,
        @ForAll @LongRange(min = 1, max = 10_000_000) final long markB,
        @ForAll @LongRange(min = 1, max = 1_000_000) final long tickValueA,
        @ForAll @LongRange(min = 1, max = 1_000_000) final long tickValueB,
        @ForAll @IntRange(min = 0, max = 100_000) final int minimumGrossPpm)
    {
        portfolio.parameters(500_000, minimumGrossPpm);
        final long[] tickValues = { tickValueA, tickValueB };
        final long legA = im(new int[]{ BTC }, new long[]{ longLots }, new long[]{ markA }, new long[]{ tickValueA });
        final long legB = im(new int[]{ BTC }, new long[]{ -shortLots }, new long[]{ markB }, new long[]{ tickValueB });
        final long hedged = im(
            new int[]{ BTC, BTC }, new long[]{ longLots, -shortLots }, new long[]{ markA, markB }, tickValues);
        final long apart = im(
            new int[]{ BTC, ETH }, new long[]{ longLots, -shortLots }, new long[]{ markA, markB }, tickValues);
        assertTrue(hedged >= 0);
        assertTrue(hedged <= legA + legB, "hedged " + hedged + " > legs " + (legA + legB));
        // on two underlyings nothing offsets: exactly the sum of the legs
        assertEquals(legA + legB, apart);
        assertTrue(portfolio.maintenanceMargin(hedged) <= hedged);
    }
}
