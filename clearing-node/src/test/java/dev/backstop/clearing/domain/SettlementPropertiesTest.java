package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AccountSettled;
import dev.backstop.clearing.domain.RecordingEvents.BreakerTripped;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.SettlementSummary;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random trades, ticks (some far enough to trip a breaker), operator resumes and the passing of time, with variation
 * margin every second and funding every five seconds on two perpetuals (one whose mark follows the venue's basis, so
 * there is a premium to fund). After every step money is conserved to the micro-unit, positions net to zero, and
 * every cycle summary balances: {@code received + feeRemainder = paid}, {@code net = 0}, nobody deferred, the
 * per-account amounts add up to the totals, funding's remainder is below one micro-unit per account settled, and
 * right after a VM cycle every position's cost basis is its value at the settlement price. A snapshot copy taken at a
 * random step then receives the same steps and must end with the same events and state digest. A second property
 * adds the liquidation engine and a funded backstop pool, whose takeovers realise PnL between cycles.
 */
class SettlementPropertiesTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BASIS_PERP = 1;
    static final int INDEX_PERP = 2;
    static final long FIRST_ACCOUNT = 11;
    static final int ACCOUNTS = 5;
    static final long POOL = 50;
    static final long DEPOSITOR = 60;

    record Step(int kind, int a, int b, int c, int d)
    {
    }

    @Provide
    Arbitrary<List<Step>> steps()
    {
        final Arbitrary<Integer> draw = Arbitraries.integers().between(0, Integer.MAX_VALUE)
            .withDistribution(RandomDistribution.uniform());
        return Combinators.combine(
            Arbitraries.integers().between(0, 99).withDistribution(RandomDistribution.uniform()), draw, draw, draw, draw)
            .as(Step::new).list().ofMinSize(60).ofMaxSize(250);
    }

    @Property(tries = 120, edgeCases = EdgeCasesMode.NONE)
    void cyclesBalanceAndMoneyIsConservedThroughTradesTicksAndTime(
        @ForAll("steps") final List<Step> steps, @ForAll @IntRange(min = 0, max = 10_000) final int cutDraw)
    {
        final Market market = new Market(false);
        final int cut = cutDraw % (steps.size() + 1);
        ClearingHouse copy = null;
        RecordingEvents copyEvents = null;
        int eventsAtCut = 0;
        for (int i = 0; i <= steps.size(); i++)
        {
            if (i == cut)
            {
                copyEvents = new RecordingEvents(market.house.eventSequence() + 1);
                copy = SnapshotLoader.copyOf(market.house, copyEvents);
                eventsAtCut = market.events.size();
                assertEquals(StateDump.digestOf(market.house), StateDump.digestOf(copy));
            }
            if (i == steps.size())
            {
                break;
            }
            final Function<ClearingHouse, String> command = market.resolve(steps.get(i));
            final int before = market.events.size();
            final String result = command.apply(market.house);
            Statistics.label("step").collect(result);
            market.check(before);
            if (null != copy)
            {
                assertEquals(result, command.apply(copy));
            }
        }
        assertEquals(market.events.since(eventsAtCut), copyEvents.events);
        assertEquals(StateDump.digestOf(market.house), StateDump.digestOf(copy));

        Statistics.label("cycle").coverage(checker ->
        {
            checker.check("VARIATION_MARGIN").percentage(p -> p > 20);
            checker.check("FUNDING").percentage(p -> p > 2);
        });
        Statistics.label("step").coverage(checker ->
        {
            checker.check("trade ACCEPTED").percentage(p -> p > 5);
            checker.check("trade INSTRUMENT_HALTED").percentage(p -> p > 0.2);
            checker.check("tick trips").percentage(p -> p > 0.2);
        });
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void cyclesStillBalanceWithLiquidationsAndPoolTakeoversBetweenThem(@ForAll("steps") final List<Step> steps)
    {
        final Market market = new Market(true);
        for (final Step step : steps)
        {
            final int before = market.events.size();
            market.resolve(step).apply(market.house);
            market.check(before);
        }
        Statistics.label("engine").collect(
            market.events.ofType(RecordingEvents.PoolTakeover.class).isEmpty() ? "no takeover" : "takeovers");
        Statistics.label("engine").coverage(checker -> checker.check("takeovers").percentage(p -> p > 10));
        final ClearingHouse copy = SnapshotLoader.copyOf(market.house, new RecordingEvents());
        assertEquals(StateDump.digestOf(market.house), StateDump.digestOf(copy));
    }

    /**
     * The house and the draws that turn steps into commands. Commands read the house only through what is identical
     * on a snapshot copy (marks), so a step resolved once applies the same way to both.
     */
    static final class Market
    {
        final RecordingEvents events = new RecordingEvents();
        final ClearingHouse house = new ClearingHouse(events);
        final boolean withEngine;
        final Map<Long, Long> lastSequence = new HashMap<>();
        long venueTradeId;
        long nowMs = 1_000_000;

        Market(final boolean withEngine)
        {
            this.withEngine = withEngine;
            if (withEngine)
            {
                new LiquidationEngine(house);
            }
            house.advanceTime(nowMs);
            ok(house.listInstrument(OPERATOR, next(OPERATOR), BASIS_PERP, "BASIS-PERP", 100_000, 50_000, 500, 1, 1, 7));
            ok(house.listInstrument(OPERATOR, next(OPERATOR), INDEX_PERP, "INDEX-PERP", 200_000, 100_000, 0, 1, 1, 1));
            ok(house.setOracleParameters(OPERATOR, next(OPERATOR), BASIS_PERP, 3_600_000, 50_000, 1,
                MarkBasis.INDEX_PLUS_EMA_BASIS.code(), 1, 16));
            ok(house.setVariationMarginInterval(OPERATOR, next(OPERATOR), 1_000));
            ok(house.setFundingParameters(OPERATOR, next(OPERATOR), BASIS_PERP, 5_000, 100, 500, 5_000));
            ok(house.setFundingParameters(OPERATOR, next(OPERATOR), INDEX_PERP, 7_000, -300, 200, 1_000));
            ok(house.setCircuitBreaker(OPERATOR, next(OPERATOR), INDEX_PERP, 30_000, 60_000, 4_000));
            for (long account = FIRST_ACCOUNT; account < FIRST_ACCOUNT + ACCOUNTS; account++)
            {
                ok(house.openAccount(OPERATOR, next(OPERATOR), account, account));
                // thin margins with the engine, so jumps liquidate and the pool takes positions over
                final long perAccount = withEngine ? 4_000_000L : 40_000_000L;
                ok(house.deposit(MEMBER, next(MEMBER), account, (account - FIRST_ACCOUNT + 1) * perAccount));
            }
            if (withEngine)
            {
                ok(house.openAccount(OPERATOR, next(OPERATOR), DEPOSITOR, 9));
                ok(house.deposit(MEMBER, next(MEMBER), DEPOSITOR, 10_000_000_000L));
                ok(house.createPool(OPERATOR, next(OPERATOR), POOL, 9));
                ok(house.poolDeposit(MEMBER, next(MEMBER), POOL, DEPOSITOR, 5_000_000_000L));
            }
            ok(house.applyPriceTick(EXCHANGE, next(EXCHANGE), BASIS_PERP, 1, 100_000, nowMs));
            ok(house.applyPriceTick(EXCHANGE, next(EXCHANGE), INDEX_PERP, 1, 50_000, nowMs));
        }

        Function<ClearingHouse, String> resolve(final Step step)
        {
            final int instrumentId = 0 == step.a() % 2 ? BASIS_PERP : INDEX_PERP;
            final long mark = house.instrument(instrumentId).markPriceTicks();
            if (step.kind() < 45)
            {
                final long buyer = FIRST_ACCOUNT + step.b() % ACCOUNTS;
                final long seller = FIRST_ACCOUNT + (step.b() % ACCOUNTS + 1 + (step.b() / ACCOUNTS) % (ACCOUNTS - 1)) %
                    ACCOUNTS;
                // within ±5% of the mark, so the basis perp's premium stays mostly inside the rate's cap
                final long price = Math.max(1, mark + (step.c() % 1_001 - 500) * mark / 10_000);
                final long lots = 1 + step.d() % 25;
                final long id = ++venueTradeId;
                final long sequence = next(EXCHANGE);
                return h -> "trade " + h.clearTrade(EXCHANGE, sequence, id, instrumentId, buyer, seller, price, lots);
            }
            if (step.kind() < 70)
            {
                // mostly small moves; one in eight jumps by up to ±12%, beyond the INDEX-PERP's 3% band
                final int spread = 0 == step.d() % 8 ? 1_200 : 150;
                final long price = Math.max(1, mark + (step.c() % (2 * spread + 1) - spread) * mark / 10_000);
                final long sequence = next(EXCHANGE);
                final long time = nowMs;
                return h ->
                {
                    final int trips = events(h).ofType(BreakerTripped.class).size();
                    final Outcome outcome = h.applyPriceTick(EXCHANGE, sequence, instrumentId, 1, price, time);
                    return events(h).ofType(BreakerTripped.class).size() > trips ? "tick trips" : "tick " + outcome;
                };
            }
            if (step.kind() < 73)
            {
                final long sequence = next(OPERATOR);
                return h -> "resume " + h.resumeInstrument(OPERATOR, sequence, instrumentId);
            }
            nowMs += 1 + step.b() % 2_500;
            final long toMs = nowMs;
            return h ->
            {
                int deadlines = 0;
                while (h.nextDeadlineMs() <= toMs)
                {
                    h.onDeadline(h.nextDeadlineMs());
                    deadlines++;
                }
                h.advanceTime(toMs);
                return "time " + Math.min(deadlines, 3);
            };
        }

        private RecordingEvents events(final ClearingHouse h)
        {
            return h == house ? events : copyEventsOf(h);
        }

        private static RecordingEvents copyEventsOf(final ClearingHouse h)
        {
            return (RecordingEvents)h.events();
        }

        /**
         * The invariants after a step whose events start at {@code fromIndex}.
         */
        void check(final int fromIndex)
        {
            assertEquals(0, house.conservationError());
            for (int i = 0; i < house.instrumentCount(); i++)
            {
                final Instrument instrument = house.instrument(house.instrumentIdAt(i));
                long net = 0;
                for (int k = 0; k < instrument.holderCount(); k++)
                {
                    net += house.account(instrument.holderAt(k)).quantityOf(instrument.instrumentId());
                }
                assertEquals(0, net, "positions net to zero");
            }

            final List<Event> emitted = events.since(fromIndex);
            final List<AccountSettled> accounts = new ArrayList<>();
            for (final Event event : emitted)
            {
                if (event instanceof AccountSettled settled)
                {
                    accounts.add(settled);
                    assertEquals(settled.cashBefore() + settled.variationMargin() + settled.funding(),
                        settled.cashAfter());
                    assertTrue(0 != settled.variationMargin() || 0 != settled.funding() || 0 != settled.fees(),
                        "no event for an account with nothing to settle");
                }
                else if (event instanceof SettlementSummary summary)
                {
                    Statistics.label("cycle").collect(summary.kind().name());
                    checkSummary(summary, accounts);
                    accounts.clear();
                }
            }
            assertTrue(accounts.isEmpty(), "every account event is followed by its cycle's summary");
        }

        private void checkSummary(final SettlementSummary summary, final List<AccountSettled> accounts)
        {
            assertEquals(0, summary.accountsDeferred());
            assertEquals(0, summary.net());
            assertEquals(summary.paid(), summary.received() + summary.feeRemainder(), "paid = received + remainder");
            assertEquals(summary.accountsSettled(), accounts.size());
            long sum = 0;
            for (final AccountSettled settled : accounts)
            {
                assertEquals(summary.cycleId(), settled.cycleId());
                assertEquals(summary.instrumentId(), settled.instrumentId());
                sum += settled.variationMargin() + settled.funding();
            }
            if (summary.kind() == SettlementKind.FUNDING)
            {
                assertEquals(-summary.feeRemainder(), sum, "the accounts' funding adds up to minus the remainder");
                // Each holder's amount is rounded once (payers up, receivers down), so the remainder is below one
                // micro-unit per holder. A receiver whose share rounds down to 0 publishes no event and is not in
                // accountsSettled, so the bound is every account that could hold the instrument.
                assertTrue(summary.feeRemainder() >= 0 && summary.feeRemainder() < house.accountCount(),
                    "the remainder is below one micro-unit per holder");
                assertTrue(Math.abs(summary.fundingRatePpm()) <= (summary.instrumentId() == BASIS_PERP ? 5_000 : 1_000),
                    "F is capped");
            }
            else
            {
                assertEquals(0, summary.feeRemainder());
                assertEquals((summary.received() - summary.realisedReceived()) -
                    (summary.paid() - summary.realisedPaid()), sum, "the accounts' VM adds up to the totals");
                if (!withEngine)
                {
                    final Instrument instrument = house.instrument(summary.instrumentId());
                    for (int k = 0; k < instrument.holderCount(); k++)
                    {
                        final MarginAccount account = house.account(instrument.holderAt(k));
                        final int index = account.indexOf(instrument.instrumentId());
                        assertEquals(Money.value(account.quantityAt(index), summary.settlementPriceTicks(),
                            instrument.tickValue()), account.costBasisAt(index), "cost basis at the settlement price");
                    }
                }
            }
        }

        long next(final long sender)
        {
            final long sequence = lastSequence.getOrDefault(sender, 0L) + 1;
            lastSequence.put(sender, sequence);
            return sequence;
        }

        private static void ok(final Outcome outcome)
        {
            assertEquals(Outcome.ACCEPTED, outcome);
        }
    }
}
