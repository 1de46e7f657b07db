package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AuctionFill;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.PoolTakeover;
import dev.backstop.clearing.domain.RecordingEvents.SliceOffered;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random price paths over leveraged accounts, two BLPs bidding at random and a backstop pool. After every command
 * and every deadline: money conserved to the micro-unit (trade fees, liquidation fees and the insurance fund
 * included), no account with positions below maintenance margin unless it is in liquidation, no takeover by a pool
 * past its loss cap, no auction filling more than its slice, and a snapshot copy with the same digest as the
 * original. A copy restored at a random step then goes on exactly like the original: same events, same digest.
 */
class LiquidationPropertiesTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int BTC = 1;
    static final long USD = 1_000_000L;
    static final int TRADERS = 8;
    static final long FIRST_TRADER = 100;
    static final long[] BLPS = {200, 201};
    static final long POOL = 300;
    static final long DEPOSITOR = 301;

    record Step(int kind, int a, int b, int c)
    {
    }

    @Provide
    Arbitrary<List<Step>> paths()
    {
        final Arbitrary<Integer> draw = Arbitraries.integers().between(0, Integer.MAX_VALUE)
            .withDistribution(RandomDistribution.uniform());
        return Combinators.combine(Arbitraries.integers().between(0, 99), draw, draw, draw).as(Step::new)
            .list().ofMinSize(100).ofMaxSize(250);
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void invariantsHoldAfterEveryCommandAndDeadline(
        @ForAll("paths") final List<Step> steps, @ForAll @IntRange(min = 0, max = 1_000) final int cutDraw)
    {
        final Driver driver = new Driver();
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
        if (null != copy)
        {
            // Restored from a snapshot, the copy went on exactly like the original: same events, same state.
            assertEquals(driver.events.since(eventsAtCut), copy.events.events);
            assertArrayEquals(LiquidationEngineTest.digest(driver.house), LiquidationEngineTest.digest(copy.house));
        }
        Statistics.label("liquidations").collect(driver.events.ofType(RecordingEvents.LiquidationStarted.class).size() > 0);
        Statistics.label("auction fills").collect(!driver.events.ofType(AuctionFill.class).isEmpty());
        Statistics.label("pool takeovers").collect(!driver.events.ofType(PoolTakeover.class).isEmpty());
    }

    static final class Driver
    {
        final RecordingEvents events;
        final ClearingHouse house;
        final LiquidationEngine engine;
        final List<SliceOffered> offers = new ArrayList<>();
        final Map<Long, Long> sliceLots = new HashMap<>();
        final Map<Long, Long> filledLots = new HashMap<>();
        long operatorSequence;
        long exchangeSequence;
        long memberSequence;
        long venueTradeId;
        long nowMs;
        long price = 1_000;
        int checkedEvents;

        /**
         * A copy of another driver's clearing house through its snapshot records, with the driver's own counters.
         */
        Driver(final Driver source)
        {
            events = new RecordingEvents(source.house.eventSequence() + 1);
            house = SnapshotLoader.copyOf(source.house, events);
            engine = house.liquidationEngine();
            offers.addAll(source.offers);
            sliceLots.putAll(source.sliceLots);
            filledLots.putAll(source.filledLots);
            operatorSequence = source.operatorSequence;
            exchangeSequence = source.exchangeSequence;
            memberSequence = source.memberSequence;
            venueTradeId = source.venueTradeId;
            nowMs = source.nowMs;
            price = source.price;
        }

        Driver()
        {
            events = new RecordingEvents();
            house = new ClearingHouse(events);
            engine = new LiquidationEngine(
                house, new LiquidationEngine.Context().redemptionNoticeMs(2_000).bandPpm(50_000));
            ok(house.listInstrument(OPERATOR, ++operatorSequence, BTC, "BTC-PERP", 100_000, 50_000, 200, 1, 1, USD));
            ok(house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, price));
            for (int i = 0; i < TRADERS; i++)
            {
                openWith(FIRST_TRADER + i, 3_000 + 2_000L * i);
            }
            for (final long blp : BLPS)
            {
                openWith(blp, 300_000);
                ok(house.registerBlp(OPERATOR, ++operatorSequence, blp, (50_000 + 50_000 * (blp - BLPS[0])) * USD));
            }
            ok(house.createPool(OPERATOR, ++operatorSequence, POOL, 9));
            openWith(DEPOSITOR, 1_000_000);
            ok(house.poolDeposit(MEMBER, ++memberSequence, POOL, DEPOSITOR, 200_000 * USD));
            check();
        }

        void apply(final Step step)
        {
            final int kind = step.kind();
            if (kind < 25)
            {
                // A leveraged trade between two traders at the mark: refused when it takes either below IM.
                final long buyer = FIRST_TRADER + step.a() % TRADERS;
                final long seller = FIRST_TRADER + step.b() % TRADERS;
                if (buyer != seller)
                {
                    house.clearTrade(
                        EXCHANGE, ++exchangeSequence, ++venueTradeId, BTC, buyer, seller, price, 1 + step.c() % 80);
                }
            }
            else if (kind < 50)
            {
                // The mark moves by up to ±6%, biased neither way; at least one tick.
                final long move = Math.max(1, price * (step.a() % 61) / 1_000);
                price = Math.max(50, step.b() % 2 == 0 ? price + move : price - move);
                house.applyPriceTick(EXCHANGE, ++exchangeSequence, BTC, 1, price);
            }
            else if (kind < 72)
            {
                advance(nowMs + 5 + step.a() % 120, step.b() % 2 == 0 ? step : null);
            }
            else if (kind < 92)
            {
                bid(step);
            }
            else if (kind < 95)
            {
                house.deposit(MEMBER, ++memberSequence, FIRST_TRADER + step.a() % TRADERS, (1 + step.b() % 5_000) * USD);
            }
            else if (kind < 97)
            {
                house.poolDeposit(MEMBER, ++memberSequence, POOL, DEPOSITOR, (1 + step.a() % 50_000) * USD);
            }
            else
            {
                final long shares = engine.pool(POOL).sharesOf(DEPOSITOR);
                if (shares > 0)
                {
                    house.requestPoolRedemption(MEMBER, ++memberSequence, POOL, DEPOSITOR, 1 + step.a() % (shares / 4 + 1));
                }
            }
            check();
        }

        private void bid(final Step step)
        {
            if (offers.isEmpty())
            {
                return;
            }
            // Mostly the newest slice, whose auction is the likeliest to be open.
            final SliceOffered offer = offers.get(
                Math.floorMod(step.a(), 3) == 0 ? Math.floorMod(step.a(), offers.size()) : offers.size() - 1);
            final LiquidationAuction auction = engine.auction(offer.auctionId());
            if (null == auction || !auction.isOpen())
            {
                return;
            }
            // Between ZP and a little better than MP for the defaulter.
            final long low = Math.min(offer.bankruptcyTicks(), offer.markTicks());
            final long high = Math.max(offer.bankruptcyTicks(), offer.markTicks());
            final long bidPrice = low + Math.floorMod(step.b(), high - low + 3);
            final long lots = 1 + Math.floorMod(step.c(), Math.abs(offer.lots()));
            house.submitAuctionBid(MEMBER, ++memberSequence, offer.auctionId(), BLPS[Math.floorMod(step.c(), 2)], bidPrice, lots);
        }

        /**
         * Runs the deadlines up to {@code toMs}; with a step, the BLPs also bid (from that step's draws) between
         * deadlines, as they would while auctions run.
         */
        private void advance(final long toMs, final Step bidding)
        {
            int round = 0;
            while (house.nextDeadlineMs() <= toMs)
            {
                final long deadline = house.nextDeadlineMs();
                house.onDeadline(deadline);
                check();
                if (null != bidding)
                {
                    house.advanceTime(deadline);
                    round++;
                    bid(new Step(0, bidding.a() + round, bidding.b() * 31 + round, bidding.c() + 7 * round));
                    check();
                }
            }
            house.advanceTime(toMs);
            nowMs = toMs;
        }

        void check()
        {
            assertEquals(0, house.conservationError(), "money conserved");
            assertTrue(house.insuranceFund() >= 0);

            for (final long accountId : house.sortedAccountIds())
            {
                final MarginAccount account = house.account(accountId);
                if (account.positionCount() > 0 && house.equity(account) < house.maintenanceMargin(account))
                {
                    assertTrue(engine.isLiquidating(accountId),
                        "account " + accountId + " below maintenance without a liquidation");
                }
                assertTrue(engine.blps().remainingCapacity(accountId) >= 0);
            }

            final List<Event> fresh = events.since(checkedEvents);
            checkedEvents = events.size();
            for (final Event event : fresh)
            {
                if (event instanceof SliceOffered offer)
                {
                    sliceLots.put(offer.auctionId(), Math.abs(offer.lots()));
                    offers.add(offer);
                }
                else if (event instanceof AuctionFill fill)
                {
                    final long filled = filledLots.merge(fill.auctionId(), fill.lots(), Long::sum);
                    assertTrue(filled <= sliceLots.get(fill.auctionId()), "auction filled more than its slice");
                    assertTrue(fill.fee() >= 0);
                }
                else if (event instanceof PoolTakeover takeover)
                {
                    final MarginAccount pool = house.account(takeover.poolAccountId());
                    assertTrue(engine.pool(takeover.poolAccountId()).withinLossCap(house.equity(pool)),
                        "pool took over past its loss cap");
                    assertTrue(takeover.poolPayment() >= 0 && takeover.insurancePayment() >= 0);
                }
            }

            final RecordingEvents copyEvents = new RecordingEvents(house.eventSequence() + 1);
            final ClearingHouse copy = SnapshotLoader.copyOf(house, copyEvents);
            assertArrayEquals(LiquidationEngineTest.digest(house), LiquidationEngineTest.digest(copy),
                "snapshot copy digest");
        }

        private void openWith(final long accountId, final long dollars)
        {
            ok(house.openAccount(OPERATOR, ++operatorSequence, accountId, 1));
            ok(house.deposit(MEMBER, ++memberSequence, accountId, dollars * USD));
        }

        private static void ok(final Outcome outcome)
        {
            assertEquals(Outcome.ACCEPTED, outcome);
        }
    }
}
