package dev.backstop.clearing.bench;

import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.clearing.domain.RiskState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checks the premises the benchmarks' figures rest on (it runs no benchmark): the ticks are accepted and move the
 * mark, nobody crosses on the small tick, exactly the thinly funded holders cross into liquidation on the 10% fall,
 * and the trade and order loops keep being accepted.
 */
class BenchHousesTest
{
    @Test
    void smallTicksMoveTheMarkWithoutChangingAnyRiskState()
    {
        final BenchHouses houses = BenchHouses.withHolders(1_000, 0);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(Outcome.ACCEPTED, houses.tick(0 == (i & 1) ? BenchHouses.PRICE + 1 : BenchHouses.PRICE));
            assertEquals(
                0 == (i & 1) ? BenchHouses.PRICE + 1 : BenchHouses.PRICE,
                houses.house().instrument(BenchHouses.BTC).markPriceTicks());
            assertEquals(1_001, count(houses.house(), RiskState.NORMAL, 1_000));
        }
    }

    @Test
    void theFallCrossesExactlyTheThinlyFundedHoldersIntoLiquidation()
    {
        final BenchHouses houses = BenchHouses.withHolders(1_000, 100);
        assertEquals(1_001, count(houses.house(), RiskState.NORMAL, 1_000));
        assertEquals(Outcome.ACCEPTED, houses.tick(BenchHouses.CROSSING_PRICE));
        assertEquals(BenchHouses.CROSSING_PRICE, houses.house().instrument(BenchHouses.BTC).markPriceTicks());
        assertEquals(100, count(houses.house(), RiskState.LIQUIDATION, 1_000));
        assertEquals(901, count(houses.house(), RiskState.NORMAL, 1_000));
    }

    @Test
    void tradesAndOrdersKeepBeingAccepted()
    {
        final BenchHouses houses = BenchHouses.create(true);
        houses.fundedAccount(TradeClearingBenchmark.ALICE, BenchHouses.WELL_FUNDED);
        houses.fundedAccount(TradeClearingBenchmark.BOB, BenchHouses.WELL_FUNDED);
        final TradeClearingBenchmark benchmark = new TradeClearingBenchmark();
        benchmark.houses = houses;
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(Outcome.ACCEPTED, benchmark.clearTrade());
            assertEquals(0, houses.orderAndCancel(TradeClearingBenchmark.ALICE) - 2L * Outcome.ACCEPTED.ordinal());
        }
        assertEquals(1_000, houses.house().tradesCleared());
        assertEquals(0, houses.house().openOrderCount());
        assertEquals(0, houses.house().conservationError());
    }

    @Test
    void eachSettlementCycleSettlesEveryHolder()
    {
        final BenchHouses houses = BenchHouses.withHolders(1_000, 0);
        houses.settlementIntervals(1_000, 0);
        final ClearingHouse house = houses.house();
        final long holderCash = house.account(BenchHouses.FIRST_HOLDER).cash();
        final long dealerCash = house.account(BenchHouses.DEALER).cash();
        assertEquals(Outcome.ACCEPTED, houses.tick(BenchHouses.PRICE + 1));
        assertEquals(1, houses.runNextDeadline(), "the next deadline is the VM cycle");
        assertEquals(holderCash + 100, house.account(BenchHouses.FIRST_HOLDER).cash(), "one tick of one lot");
        assertEquals(dealerCash - 100_000, house.account(BenchHouses.DEALER).cash());
        assertEquals(0, house.unrealisedPnl(house.account(BenchHouses.FIRST_HOLDER + 999), 0));

        houses.settlementIntervals(0, 1_000);
        assertEquals(Outcome.ACCEPTED, houses.tick(BenchHouses.PRICE));
        final long before = house.account(BenchHouses.FIRST_HOLDER).cash();
        assertEquals(2, houses.runNextDeadline(), "the next deadline is the funding");
        // 600_000 × 100 = 60_000_000 of notional × 0.01%, rounded up: 6_000 paid by each long.
        assertEquals(before - 6_000, house.account(BenchHouses.FIRST_HOLDER).cash());
        assertEquals(0, house.conservationError());
    }

    private static int count(final ClearingHouse house, final RiskState state, final int holders)
    {
        int count = house.account(BenchHouses.DEALER).riskState() == state ? 1 : 0;
        for (int i = 0; i < holders; i++)
        {
            if (house.account(BenchHouses.FIRST_HOLDER + i).riskState() == state)
            {
                count++;
            }
        }
        return count;
    }
}
