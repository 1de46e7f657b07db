package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.WaterfallClosed;
import dev.backstop.clearing.domain.RecordingEvents.WaterfallStarted;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random members with leveraged positions, contributions, CCP capital and price paths that bankrupt some of them,
 * through the liquidation engine and the loss waterfall. After every command and every deadline money is conserved
 * to the micro-unit (contributions and CCP capital included); over the whole run every attempt of every waterfall
 * visits the rungs in order from the first, a rung absorbs only when every earlier rung of the attempt reported
 * nothing left, each rung's remainder is the previous one less what it absorbed, and a closed waterfall's rungs
 * absorbed exactly its deficit. A copy restored from a snapshot at a random step goes on exactly like the original.
 */
class WaterfallPropertiesTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final long USD = 1_000_000L;
    static final int MEMBERS = 5;
    static final long POOL = 900;
    static final long DEPOSITOR = 901;

    record Step(int kind, int a, int b, int c)
    {
    }

    @Provide
    Arbitrary<List<Step>> paths()
    {
        final Arbitrary<Integer> draw = Arbitraries.integers().between(0, Integer.MAX_VALUE)
            .withDistribution(RandomDistribution.uniform());
        return Combinators.combine(Arbitraries.integers().between(0, 99), draw, draw, draw).as(Step::new)
            .list().ofMinSize(60).ofMaxSize(160);
    }

    @Provide
    Arbitrary<int[]> setups()
    {
        return Arbitraries.integers().between(0, 1_000_000).array(int[].class).ofSize(3 * MEMBERS + 2);
    }

    @Property(tries = 80, edgeCases = EdgeCasesMode.NONE)
    void moneyIsConservedAndTheWaterfallOrderIsNeverSkipped(
        @ForAll("setups") final int[] setup,
        @ForAll("paths") final List<Step> steps,
        @ForAll @IntRange(min = 0, max = 1_000) final int cutDraw)
    {
        final Driver driver = new Driver(setup);
        final int cut = cutDraw % (steps.size() + 1);
        Driver copy = null;
        int eventsAtCut = 0;
        for (int i = 0; i < steps.size(); i++)
        {
            if (i == cut)
            {
                copy = new Driver(driver);
                eventsAtCut = driver.events.size();
            }
            driver.apply(steps.get(i));
            if (null != copy)
            {
                copy.apply(steps.get(i));
            }
        }
        driver.advance(driver.nowMs + 120_000);
        if (null != copy)
        {
            copy.advance(copy.nowMs + 120_000);
            assertEquals(driver.events.since(eventsAtCut), copy.events.events);
            assertArrayEquals(LiquidationEngineTest.digest(driver.house), LiquidationEngineTest.digest(copy.house));
        }
        checkRungs(driver.events.events);

        Statistics.label("waterfalls").collect(driver.events.ofType(WaterfallStarted.class).size());
        Statistics.label("deepest rung").collect(deepestRung(driver.events.events));
    }

    /**
     * The order and arithmetic of every attempt, read from the event stream alone.
     */
    static void checkRungs(final List<Event> events)
    {
        final Map<Long, Long> deficits = new HashMap<>();
        final Map<Long, Long> absorbed = new HashMap<>();
        final Map<Long, RecordingEvents.WaterfallRung> previous = new HashMap<>();
        final Map<Long, Boolean> exhausted = new HashMap<>();
        for (final Event event : events)
        {
            if (event instanceof WaterfallStarted started)
            {
                deficits.put(started.accountId(), started.deficit());
                absorbed.put(started.accountId(), 0L);
                previous.remove(started.accountId());
            }
            else if (event instanceof RecordingEvents.WaterfallRung rung)
            {
                final long account = rung.accountId();
                final RecordingEvents.WaterfallRung before = previous.get(account);
                final int code = rung.rung().code();
                assertTrue(rung.absorbed() >= 0 && rung.resourceAfter() >= 0 && rung.roundingToFee() >= 0, rung::toString);
                if (1 == code)
                {
                    // A new attempt starts at rung 1 (the previous attempt ended with a remainder or at the last rung).
                    exhausted.put(account, true);
                }
                else
                {
                    assertTrue(null != before && before.rung().code() == code - 1, "rung skipped: " + rung);
                    assertEquals(before.remaining() - rung.absorbed(), rung.remaining(), rung::toString);
                }
                if (rung.absorbed() > 0)
                {
                    assertTrue(exhausted.get(account), "a rung absorbed before an earlier one was exhausted: " + rung);
                }
                exhausted.put(account, exhausted.get(account) && 0 == rung.resourceAfter());
                absorbed.merge(account, rung.absorbed(), Long::sum);
                previous.put(account, rung);
            }
            else if (event instanceof WaterfallClosed closed)
            {
                final long account = closed.accountId();
                final long sum = closed.absorbedRung1() + closed.absorbedRung2() + closed.absorbedRung3() +
                    closed.absorbedRung4() + closed.absorbedRung5() + closed.absorbedRung6() + closed.absorbedRung7();
                assertEquals((long)deficits.get(account), sum, closed::toString);
                assertEquals((long)deficits.get(account), (long)absorbed.get(account), closed::toString);
                assertEquals(0, previous.get(account).remaining());
            }
        }
    }

    private static int deepestRung(final List<Event> events)
    {
        int deepest = 0;
        for (final Event event : events)
        {
            if (event instanceof RecordingEvents.WaterfallRung rung && rung.absorbed() > 0)
            {
                deepest = Math.max(deepest, rung.rung().code());
            }
        }
        return deepest;
    }

    static final class Driver
    {
        final RecordingEvents events;
        final ClearingHouse house;
        final long[] accounts = new long[2 * MEMBERS];
        long operatorSequence;
        long exchangeSequence;
        long memberSequence;
        long venueTradeId;
        long nowMs;
        long price = 1_000;

        Driver(final int[] setup)
        {
            events = new RecordingEvents();
            house = new ClearingHouse(events);
            new LiquidationEngine(house, new LiquidationEngine.Context().bandPpm(1_000_000));
            ok(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 100, 1, 1, USD));
            ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, price));
            ok(house.setDefaultFundParameters(OPERATOR, ++operatorSequence, 0, 60_000, 100_000, 1_000, 600_000,
                500_000 + setup[3 * MEMBERS + 1] % 2_000_000, 28L * 86_400_000L, 5_000));
            for (int m = 0; m < MEMBERS; m++)
            {
                final long memberId = m + 1;
                for (int k = 0; k < 2; k++)
                {
                    final long accountId = memberId * 10 + k;
                    accounts[2 * m + k] = accountId;
                    ok(house.openAccount(OPERATOR, ++operatorSequence, accountId, memberId));
                    ok(house.deposit(MEMBER, ++memberSequence, accountId,
                        (500 + setup[3 * m + k] % 20_000) * USD));
                }
                house.contributeDefaultFund(
                    MEMBER, ++memberSequence, memberId * 10 + 1, (setup[3 * m + 2] % 2_000) * USD);
            }
            ok(house.createPool(OPERATOR, ++operatorSequence, POOL, 9));
            ok(house.openAccount(OPERATOR, ++operatorSequence, DEPOSITOR, 9));
            ok(house.deposit(MEMBER, ++memberSequence, DEPOSITOR, 1_000_000 * USD));
            ok(house.poolDeposit(MEMBER, ++memberSequence, POOL, DEPOSITOR, 1_000_000 * USD));
            if (setup[3 * MEMBERS] % 2 == 0)
            {
                ok(house.injectCcpCapital(OPERATOR, ++operatorSequence, (setup[3 * MEMBERS] % 5_000 + 1) * USD));
            }
            if (setup[3 * MEMBERS] % 3 == 0)
            {
                ok(house.setStressScenario(OPERATOR, ++operatorSequence, 1, 1, new int[]{BTC}, new int[]{-300_000}));
            }
            assertEquals(0, house.conservationError());
        }

        Driver(final Driver source)
        {
            events = new RecordingEvents(source.house.eventSequence() + 1);
            house = SnapshotLoader.copyOf(source.house, events);
            System.arraycopy(source.accounts, 0, accounts, 0, accounts.length);
            operatorSequence = source.operatorSequence;
            exchangeSequence = source.exchangeSequence;
            memberSequence = source.memberSequence;
            venueTradeId = source.venueTradeId;
            nowMs = source.nowMs;
            price = source.price;
        }

        void apply(final Step step)
        {
            final int kind = step.kind();
            if (kind < 40)
            {
                final long buyer = accounts[step.a() % accounts.length];
                final long seller = accounts[step.b() % accounts.length];
                if (buyer != seller)
                {
                    house.clearTrade(EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, buyer, seller, price,
                        1 + step.c() % 150);
                }
            }
            else if (kind < 60)
            {
                // Mostly falls, up to 25%, sometimes rises, up to 15%.
                final int movePpm = kind < 52 ? -(step.a() % 250_000) : step.a() % 150_000;
                price = Math.max(100, price + price * movePpm / 1_000_000);
                house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, price);
            }
            else if (kind < 68)
            {
                house.contributeDefaultFund(
                    MEMBER, ++memberSequence, accounts[step.a() % accounts.length], (1 + step.b() % 3_000) * USD);
            }
            else if (kind < 72)
            {
                house.injectCcpCapital(OPERATOR, ++operatorSequence, (1 + step.a() % 3_000) * USD);
            }
            else if (kind < 78)
            {
                house.deposit(MEMBER, ++memberSequence, accounts[step.a() % accounts.length], (1 + step.b() % 5_000) * USD);
            }
            else if (kind < 82)
            {
                house.withdraw(MEMBER, ++memberSequence, accounts[step.a() % accounts.length], (1 + step.b() % 2_000) * USD);
            }
            else
            {
                advance(nowMs + 50 + step.a() % 3_000);
            }
            assertEquals(0, house.conservationError());
            assertTrue(house.openDeficits() >= 0);
        }

        void advance(final long toMs)
        {
            while (house.nextDeadlineMs() <= toMs)
            {
                house.onDeadline(house.nextDeadlineMs());
                assertEquals(0, house.conservationError());
            }
            house.advanceTime(toMs);
            nowMs = toMs;
        }
    }

    private static void ok(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }
}
