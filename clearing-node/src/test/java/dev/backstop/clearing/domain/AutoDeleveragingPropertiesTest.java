package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AutoDeleveraged;
import dev.backstop.clearing.domain.RecordingEvents.AutoDeleveragingEnded;
import dev.backstop.clearing.domain.RecordingEvents.Event;
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

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Auto-deleveraging over random books (DESIGN.md 5 item 8): it closes exactly the failed size, never more than a
 * counterparty holds, in the order of an independent ranking computed here with exact {@link BigInteger} arithmetic,
 * and money is conserved to the micro-unit through random price paths with ADL switched on and off.
 */
class AutoDeleveragingPropertiesTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final long USD = 1_000_000L;
    static final long DEFAULTER = 10;
    static final long DEALER = 11;
    static final long FIRST_CANDIDATE = 100;
    static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    /**
     * One opposite position: lots, sale price and cash per lot. Prices and cash come from small sets so that equal
     * scores (ties broken by account id) are frequent.
     */
    record Short(int lots, int priceTicks, int cashPerLotUsd, int extraUsd)
    {
    }

    @Provide
    Arbitrary<List<Short>> candidates()
    {
        return Combinators.combine(
                Arbitraries.of(1, 3, 5, 10, 20, 40),
                Arbitraries.of(850, 900, 950, 1000, 1100, 1250),
                Arbitraries.of(260, 400, 600, 1_000, 3_000),
                Arbitraries.of(0, 0, 0, 1, 7))
            .as(Short::new).list().ofMinSize(1).ofMaxSize(9);
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void closesExactlyTheFailedSizeInRankOrderAndConservesMoney(
        @ForAll("candidates") final List<Short> shorts,
        @ForAll @IntRange(min = 1, max = 150) final int defaulterLots,
        @ForAll @IntRange(min = 0, max = 5_000_000) final int defaulterExtraMicrosPerLot,
        @ForAll @IntRange(min = 860, max = 925) final int crashTicks)
    {
        final RecordingEvents events = new RecordingEvents();
        final ClearingHouse house = new ClearingHouse(events);
        final LiquidationEngine engine = new LiquidationEngine(
            house, new LiquidationEngine.Context().bandPpm(1_000_000));
        final Sequences seq = new Sequences();
        ok(house.listInstrument(OPERATOR, ++seq.operator, BTC, "BTC-PERP", 100_000, 50_000, 0, 1, 1, USD));
        ok(house.applyPriceTick(EXCHANGE, ++seq.exchange, BTC, 1, 1000));
        open(house, seq, DEALER, 100_000_000 * USD);

        // The defaulter holds exactly its IM plus a little: at any crash price from 860 to 925 it is below ⅔ MM and
        // goes to the backstop whole; its equity left is negative below 900 - extra per lot.
        final long extra = (long)defaulterLots * defaulterExtraMicrosPerLot;
        open(house, seq, DEFAULTER, 100 * USD * defaulterLots + extra);
        trade(house, seq, DEFAULTER, DEALER, 1000, defaulterLots);
        for (int i = 0; i < shorts.size(); i++)
        {
            final Short s = shorts.get(i);
            final long accountId = FIRST_CANDIDATE + i;
            open(house, seq, accountId, ((long)s.cashPerLotUsd() * s.lots() + s.extraUsd()) * USD);
            trade(house, seq, DEALER, accountId, s.priceTicks(), s.lots());
        }
        // When the shorts hold fewer lots than the defaulter the dealer is short the rest: one more candidate,
        // barely leveraged.
        house.advanceTime(1_000);
        ok(house.applyPriceTick(EXCHANGE, ++seq.exchange, BTC, 1, crashTicks));
        assertEquals(0, house.conservationError());

        final MarginAccount defaulter = house.account(DEFAULTER);
        final long equityBefore = house.equity(defaulter);
        final List<Expected> ranking = rankIndependently(house, crashTicks);
        final long feesBefore = house.feeAccount();
        final int eventsBefore = events.size();

        LiquidationEngineTest.advance(house, 1_100);

        final List<Event> fresh = events.since(eventsBefore);
        final List<AutoDeleveraged> fills = new ArrayList<>();
        AutoDeleveragingEnded ended = null;
        for (final Event event : fresh)
        {
            if (event instanceof AutoDeleveraged fill)
            {
                fills.add(fill);
            }
            else if (event instanceof AutoDeleveragingEnded end)
            {
                assertEquals(null, ended, "one run");
                ended = end;
            }
        }
        assertTrue(null != ended, "the whole account was deleveraged");

        // Minimality: each counterparty in rank order closes min(left, its position); the run stops at zero.
        long left = defaulterLots;
        int filled = 0;
        for (final Expected expected : ranking)
        {
            if (0 == left)
            {
                break;
            }
            final long take = Math.min(left, Math.abs(expected.position));
            left -= take;
            final AutoDeleveraged fill = fills.get(filled++);
            assertEquals(expected.accountId, fill.counterpartyAccountId(), "rank " + filled);
            assertEquals(filled, fill.rank());
            assertEquals(take, fill.lots());
            assertEquals(expected.position, fill.counterpartyPositionBefore());
            assertEquals(expected.position + take, fill.counterpartyPositionAfter());
            assertEquals(left, fill.remainingLots());
            assertEquals(expected.lastResort, fill.lastResort());
            assertEquals(expected.pnlPpm, fill.pnlPpm());
            if (!expected.lastResort)
            {
                assertEquals(expected.leveragePpm, fill.leveragePpm());
                assertEquals(expected.score, fill.scorePpm());
            }
            assertEquals(
                expected.position + take, house.account(expected.accountId).quantityOf(BTC), "position after");
        }
        assertEquals(0, left);
        assertEquals(filled, fills.size(), "no counterparty beyond the failed size");
        assertEquals(defaulterLots, fills.stream().mapToLong(AutoDeleveraged::lots).sum());
        assertEquals(defaulterLots, ended.closedLots());
        assertEquals(0, ended.remainingLots());
        assertEquals(ranking.size(), ended.candidates());
        for (int i = 0; i + 1 < fills.size(); i++)
        {
            assertEquals(0, fills.get(i).counterpartyPositionAfter(), "only the last counterparty is partly closed");
        }

        // Price: at ZP with the whole equity paid over when E >= 0; at the mark with the deficit untouched when not.
        final long paid = fills.stream().mapToLong(AutoDeleveraged::defaulterPayment).sum();
        final long received = fills.stream().mapToLong(AutoDeleveraged::counterpartyReceipt).sum();
        final long remainders = fills.stream().mapToLong(AutoDeleveraged::feeAccountRemainder).sum();
        assertEquals(paid, received + remainders);
        assertTrue(remainders >= 0 && remainders < fills.size());
        assertEquals(feesBefore + remainders, house.feeAccount());
        if (equityBefore >= 0)
        {
            assertEquals(equityBefore, paid);
            assertEquals(0, house.equity(defaulter));
            assertEquals(0, house.openDeficits());
        }
        else
        {
            assertEquals(0, paid);
            assertEquals(equityBefore, house.equity(defaulter));
            assertEquals(-equityBefore, house.openDeficits());
        }
        assertEquals(0, defaulter.positionCount());
        assertEquals(0, engine.liquidationCount());
        assertEquals(0, house.conservationError());
        Statistics.label("equity left").collect(equityBefore >= 0 ? "E >= 0" : "E < 0");
        Statistics.label("counterparties").collect(Math.min(fills.size(), 4));
    }

    record Step(int kind, int a, int b, int c)
    {
    }

    @Provide
    Arbitrary<List<Step>> paths()
    {
        final Arbitrary<Integer> draw = Arbitraries.integers().between(0, Integer.MAX_VALUE)
            .withDistribution(RandomDistribution.uniform());
        return Combinators.combine(Arbitraries.integers().between(0, 99), draw, draw, draw).as(Step::new)
            .list().ofMinSize(80).ofMaxSize(200);
    }

    /**
     * Leveraged traders, random marks, no pool, ADL switched on and off at random: after every command and deadline
     * money is conserved, every ADL run closes exactly what it reports and never more than a counterparty held, and
     * a snapshot copy taken at a random step goes on exactly like the original.
     */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void conservesMoneyAndClosesNoMoreThanNeededOverRandomPaths(
        @ForAll("paths") final List<Step> steps, @ForAll @IntRange(min = 0, max = 1_000) final int cutDraw)
    {
        final PathDriver driver = new PathDriver();
        final int cut = cutDraw % (steps.size() + 1);
        PathDriver copy = null;
        int eventsAtCut = 0;
        for (int i = 0; i < steps.size(); i++)
        {
            if (i == cut)
            {
                copy = new PathDriver(driver);
                eventsAtCut = driver.events.size();
            }
            driver.apply(steps.get(i));
            if (null != copy)
            {
                copy.apply(steps.get(i));
            }
        }
        if (null != copy)
        {
            assertEquals(driver.events.since(eventsAtCut), copy.events.events);
            assertArrayEquals(LiquidationEngineTest.digest(driver.house), LiquidationEngineTest.digest(copy.house));
        }
        Statistics.label("adl runs").collect(Math.min(driver.events.ofType(AutoDeleveragingEnded.class).size(), 3));
    }

    static final class PathDriver
    {
        static final int TRADERS = 8;
        static final long FIRST_TRADER = 100;

        final RecordingEvents events;
        final ClearingHouse house;
        final Sequences seq;
        long venueTradeId;
        long nowMs;
        long price = 1_000;
        int checkedEvents;
        long lastRun;
        long runLots;
        long runClosed;

        PathDriver()
        {
            events = new RecordingEvents();
            house = new ClearingHouse(events);
            new LiquidationEngine(house, new LiquidationEngine.Context().bandPpm(50_000).twapWindowMs(6_000));
            seq = new Sequences();
            ok(house.listInstrument(OPERATOR, ++seq.operator, BTC, "BTC-PERP", 100_000, 50_000, 200, 1, 1, USD));
            ok(house.applyPriceTick(EXCHANGE, ++seq.exchange, BTC, 1, price));
            for (int i = 0; i < TRADERS; i++)
            {
                open(house, seq, FIRST_TRADER + i, (3_000 + 2_000L * i) * USD);
            }
            check();
        }

        PathDriver(final PathDriver source)
        {
            events = new RecordingEvents(source.house.eventSequence() + 1);
            house = SnapshotLoader.copyOf(source.house, events);
            seq = new Sequences();
            seq.operator = source.seq.operator;
            seq.exchange = source.seq.exchange;
            seq.member = source.seq.member;
            venueTradeId = source.venueTradeId;
            nowMs = source.nowMs;
            price = source.price;
            lastRun = source.lastRun;
        }

        void apply(final Step step)
        {
            final int kind = step.kind();
            if (kind < 35)
            {
                final long buyer = FIRST_TRADER + step.a() % TRADERS;
                final long seller = FIRST_TRADER + step.b() % TRADERS;
                if (buyer != seller)
                {
                    house.clearTrade(
                        EXCHANGE, ++seq.exchange, ++venueTradeId, BTC, buyer, seller, price, 1 + step.c() % 80);
                }
            }
            else if (kind < 65)
            {
                // The mark moves by up to ±10%, biased neither way; at least one tick.
                final long move = Math.max(1, price * (step.a() % 101) / 1_000);
                price = Math.max(50, step.b() % 2 == 0 ? price + move : price - move);
                house.applyPriceTick(EXCHANGE, ++seq.exchange, BTC, 1, price);
            }
            else if (kind < 95)
            {
                final long toMs = nowMs + 5 + step.a() % 300;
                while (house.nextDeadlineMs() <= toMs)
                {
                    house.onDeadline(house.nextDeadlineMs());
                    check();
                }
                house.advanceTime(toMs);
                nowMs = toMs;
            }
            else if (kind < 98)
            {
                house.deposit(MEMBER, ++seq.member, FIRST_TRADER + step.a() % TRADERS, (1 + step.b() % 5_000) * USD);
            }
            else
            {
                // The operator switches ADL for the instrument or for all: on (twice as likely), off, or back to the
                // default.
                final int instrumentId = step.a() % 2 == 0 ? 0 : BTC;
                final int draw = step.b() % 4;
                final int mode = 0 == instrumentId ? (draw < 3 ? 1 : 2) : (draw < 2 ? draw : 2);
                ok(house.setAutoDeleveraging(OPERATOR, ++seq.operator, instrumentId, mode));
            }
            check();
        }

        void check()
        {
            assertEquals(0, house.conservationError(), "money conserved");
            final List<Event> fresh = events.since(checkedEvents);
            checkedEvents = events.size();
            for (final Event event : fresh)
            {
                if (event instanceof AutoDeleveraged fill)
                {
                    if (fill.runId() != lastRun)
                    {
                        assertEquals(lastRun + 1, fill.runId());
                        lastRun = fill.runId();
                        runLots = fill.remainingLots() + Math.abs(fill.lots());
                        runClosed = 0;
                    }
                    assertTrue(Math.abs(fill.lots()) > 0);
                    assertTrue(Math.abs(fill.lots()) <= Math.abs(fill.counterpartyPositionBefore()),
                        "closed more than the counterparty held");
                    assertTrue(Long.signum(fill.lots()) == -Long.signum(fill.counterpartyPositionBefore()));
                    assertEquals(fill.counterpartyPositionBefore() + fill.lots(), fill.counterpartyPositionAfter());
                    runClosed += Math.abs(fill.lots());
                    assertEquals(runLots - runClosed, fill.remainingLots());
                    assertTrue(fill.defaulterPayment() >= fill.counterpartyReceipt() && fill.counterpartyReceipt() >= 0);
                }
                else if (event instanceof AutoDeleveragingEnded ended)
                {
                    assertEquals(lastRun, ended.runId());
                    assertEquals(runClosed, ended.closedLots());
                    assertEquals(Math.abs(ended.lots()), ended.closedLots() + ended.remainingLots());
                    assertEquals(0, ended.remainingLots(), "positions net to zero: the opposite side always suffices");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the oracle

    record Expected(long accountId, long position, boolean lastResort, long pnlPpm, long leveragePpm, long score)
    {
    }

    /**
     * Every opposite (short) holder ranked by the rule, with exact arithmetic: good standing first by score
     * descending, then the last resort, each by account id on ties.
     */
    static List<Expected> rankIndependently(final ClearingHouse house, final long markTicks)
    {
        final List<Expected> ranking = new ArrayList<>();
        for (final long accountId : house.sortedAccountIds())
        {
            final MarginAccount account = house.account(accountId);
            final long position = account.quantityOf(BTC);
            if (accountId == DEFAULTER || position >= 0 || RiskState.BANKRUPT == account.riskState())
            {
                continue;
            }
            final BigInteger cost = BigInteger.valueOf(account.costBasisAt(account.indexOf(BTC))).abs();
            final BigInteger unrealised = BigInteger.valueOf(position).multiply(BigInteger.valueOf(markTicks * USD))
                .subtract(BigInteger.valueOf(account.costBasisAt(account.indexOf(BTC))));
            final long pnlPpm = floorDiv(unrealised.multiply(MILLION), cost).longValueExact();
            final long equity = house.equity(account);
            final boolean lastResort = RiskState.LIQUIDATION == account.riskState() || equity <= 0;
            long leveragePpm = 0;
            long score = 0;
            if (equity > 0)
            {
                final BigInteger gross = BigInteger.valueOf(Math.abs(position) * markTicks * USD);
                final BigInteger leverage = floorDiv(gross.multiply(MILLION), BigInteger.valueOf(equity));
                leveragePpm = leverage.longValueExact();
                score = (pnlPpm >= 0 ?
                    floorDiv(BigInteger.valueOf(pnlPpm).multiply(leverage), MILLION) :
                    floorDiv(BigInteger.valueOf(pnlPpm).multiply(MILLION), leverage.max(BigInteger.ONE)))
                    .longValueExact();
            }
            ranking.add(new Expected(accountId, position, lastResort, pnlPpm, leveragePpm, lastResort ? 0 : score));
        }
        ranking.sort(Comparator.comparing(Expected::lastResort)
            .thenComparing(Expected::score, Comparator.reverseOrder())
            .thenComparing(Expected::accountId));
        return ranking;
    }

    static BigInteger floorDiv(final BigInteger a, final BigInteger b)
    {
        final BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() != 0 && (qr[1].signum() != b.signum()) ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static final class Sequences
    {
        long operator;
        long exchange;
        long member;
        long venueTradeId;
    }

    static void open(final ClearingHouse house, final Sequences seq, final long accountId, final long amount)
    {
        ok(house.openAccount(OPERATOR, ++seq.operator, accountId, 1));
        ok(house.deposit(MEMBER, ++seq.member, accountId, amount));
    }

    static void trade(
        final ClearingHouse house, final Sequences seq, final long buyer, final long seller, final long priceTicks,
        final long lots)
    {
        ok(house.clearTrade(EXCHANGE, ++seq.exchange, ++seq.venueTradeId, BTC, buyer, seller, priceTicks, lots));
    }

    static void ok(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }
}
