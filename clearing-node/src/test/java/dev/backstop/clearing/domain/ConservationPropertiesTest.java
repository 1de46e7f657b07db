package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AccountOpened;
import dev.backstop.clearing.domain.RecordingEvents.CollateralMoved;
import dev.backstop.clearing.domain.RecordingEvents.CommandRefused;
import dev.backstop.clearing.domain.RecordingEvents.Event;
import dev.backstop.clearing.domain.RecordingEvents.InstrumentListed;
import dev.backstop.clearing.domain.RecordingEvents.MarkPriceUpdated;
import dev.backstop.clearing.domain.RecordingEvents.OrderAccepted;
import dev.backstop.clearing.domain.RecordingEvents.OrderCancelled;
import dev.backstop.clearing.domain.RecordingEvents.OrderFilled;
import dev.backstop.clearing.domain.RecordingEvents.RiskParametersChanged;
import dev.backstop.clearing.domain.RecordingEvents.RiskStateChanged;
import dev.backstop.clearing.domain.RecordingEvents.TradeCleared;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random command streams against a model the test keeps on its own: which instruments, accounts, venue trade ids and
 * sender sequences exist, what every applied sequence answered, and deposits minus withdrawals. After every command
 * the model predicts the outcome (including replays, gaps and refusals) and the books are checked: money conserved
 * to the micro-unit, positions netting to zero, open interest equal to the longs, fees never negative, events
 * gap-free and exactly one refusal event per refusal.
 * <p>
 * With the risk engine the streams also carry orders (each one's reservation predicted from an independent BigInteger
 * valuation of the order-inclusive requirement), cancels, trades filling orders, and margin checks on every trade
 * (predicted the same way). After every command every account's risk state must be exactly "margin call when equity
 * is below initial margin", each change published once with its equity and margins, and reservations never negative
 * and equal to the model's. Cluster time advances 40 s per command, so every tick is its source's only fresh one
 * and the oracle's mark is the tick. A snapshot copy taken at a random point must then behave like
 * the original, and the same stream on two fresh clearing houses must give the same events and digests.
 */
class ConservationPropertiesTest
{
    static final long[] SENDERS = {1, 2, 3};
    static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    /**
     * One random step: what kind of command, from whom, how its sequence relates to the sender's last one, and raw
     * draws the driver turns into parameters (some of them out of range on purpose).
     */
    record Step(int kind, int sender, int sequenceDraw, int p1, int p2, int p3, int p4, int p5)
    {
    }

    @Provide
    Arbitrary<List<Step>> streams()
    {
        // uniform: jqwik's default bias towards small numbers would make every modulo pick its first choice.
        final Arbitrary<Integer> draw = Arbitraries.integers().between(0, Integer.MAX_VALUE)
            .withDistribution(RandomDistribution.uniform());
        final Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 99).withDistribution(RandomDistribution.uniform()),
            Arbitraries.integers().between(0, SENDERS.length - 1), draw, draw, draw, draw, draw, draw)
            .as(Step::new);
        return step.list().ofMinSize(150).ofMaxSize(400);
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void booksBalanceAfterEveryCommandAndASnapshotCopyBehavesTheSame(
        @ForAll("streams") final List<Step> steps, @ForAll @IntRange(min = 0, max = 10_000) final int cutDraw)
    {
        final Driver driver = new Driver();
        driver.setUp();
        final int cut = cutDraw % (steps.size() + 1);
        ClearingHouse copy = null;
        RecordingEvents copyEvents = null;
        int eventsAtCut = 0;
        for (int i = 0; i <= steps.size(); i++)
        {
            if (i == cut)
            {
                copyEvents = new RecordingEvents(driver.house.eventSequence() + 1);
                copy = SnapshotLoader.copyOf(driver.house, copyEvents);
                eventsAtCut = driver.events.size();
                assertEquals(StateDump.digestOf(driver.house), StateDump.digestOf(copy));
            }
            if (i == steps.size())
            {
                break;
            }
            final Command command = driver.resolve(steps.get(i));
            final int appliedBefore = driver.applied.size();
            driver.applyAndCheck(command);
            for (final Event event : driver.events.since(driver.eventsBeforeLast))
            {
                if (event instanceof RiskStateChanged r)
                {
                    Statistics.label("risk").collect(r.state() == RiskState.MARGIN_CALL ? "margin call" : "cure");
                }
                else if (event instanceof OrderFilled)
                {
                    Statistics.label("risk").collect("order filled");
                }
            }
            final String result = driver.outcomes.get(appliedBefore);
            Statistics.label("command").collect(command.type() + " " + result);
            Statistics.label("sequence").collect(result.endsWith("(replayed)") ? "replayed" :
                result.equals("SEQUENCE_GAP") ? "gap" : result.equals("INVALID_SEQUENCE") ? "invalid" : "next");
            if (null != copy)
            {
                for (int k = appliedBefore; k < driver.applied.size(); k++)
                {
                    final Command applied = driver.applied.get(k);
                    copy.advanceTime(driver.times.get(k));
                    assertEquals(driver.outcomes.get(k), describe(applied.applyTo(copy), copy), applied::toString);
                }
            }
        }
        assertEquals(driver.events.since(eventsAtCut), copyEvents.events);
        assertEquals(StateDump.of(driver.house), StateDump.of(copy));
        assertEquals(StateDump.digestOf(driver.house), StateDump.digestOf(copy));

        final ClearingHouse finalCopy = SnapshotLoader.copyOf(driver.house, new RecordingEvents());
        assertEquals(StateDump.digestOf(driver.house), StateDump.digestOf(finalCopy));
        assertEquals(0, finalCopy.conservationError());

        // the streams must actually reach the paths the invariants are about (checked over all tries).
        Statistics.label("command").coverage(checker ->
        {
            checker.check("TRADE ACCEPTED").percentage(p -> p > 6);
            checker.check("TRADE ACCEPTED (replayed)").percentage(p -> p > 0.5);
            checker.check("TRADE DUPLICATE_TRADE").percentage(p -> p > 0.5);
            checker.check("TRADE ARITHMETIC_OVERFLOW").percentage(p -> p > 0.2);
            checker.check("TRADE SEQUENCE_GAP").percentage(p -> p > 1);
            checker.check("PRICE_TICK ACCEPTED").percentage(p -> p > 5);
            checker.check("WITHDRAW ACCEPTED").percentage(p -> p > 2);
            checker.check("WITHDRAW BELOW_INITIAL_MARGIN").percentage(p -> p > 0.2);
            checker.check("WITHDRAW INSUFFICIENT_CASH").percentage(p -> p > 0.2);
            checker.check("DEPOSIT ARITHMETIC_OVERFLOW").percentage(p -> p > 0.05);
            checker.check("LIST_INSTRUMENT ACCEPTED").percentage(p -> p > 0.05);
            checker.check("OPEN_ACCOUNT ACCEPTED").percentage(p -> p > 0.05);
            checker.check("TRADE BELOW_INITIAL_MARGIN").percentage(p -> p > 0.5);
            checker.check("SUBMIT_ORDER ACCEPTED").percentage(p -> p > 1);
            checker.check("SUBMIT_ORDER BELOW_INITIAL_MARGIN").percentage(p -> p > 0.1);
            checker.check("CANCEL_ORDER ACCEPTED").percentage(p -> p > 0.3);
            checker.check("CANCEL_ORDER UNKNOWN_ORDER").percentage(p -> p > 0.1);
            checker.check("TRADE MARGIN_CALL_OPEN").percentage(p -> p > 0.02);
            checker.check("SUBMIT_ORDER MARGIN_CALL_OPEN").percentage(p -> p > 0.01);
            checker.check("TRADE UNKNOWN_ORDER").percentage(p -> p > 0.02);
            checker.check("TRADE INVALID_PRICE").percentage(p -> p > 0.02);
        });
        Statistics.label("risk").coverage(checker ->
        {
            checker.check("margin call").percentage(p -> p > 0.1);
            checker.check("cure").percentage(p -> p > 0.05);
            checker.check("order filled").percentage(p -> p > 0.3);
        });
    }

    @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
    void theSameStreamGivesTheSameEventsAndDigestOnEveryNode(@ForAll("streams") final List<Step> steps)
    {
        final Driver driver = new Driver();
        driver.setUp();
        for (final Step step : steps)
        {
            driver.applyAndCheck(driver.resolve(step));
        }

        for (int node = 0; node < 2; node++)
        {
            final RecordingEvents events = new RecordingEvents();
            final ClearingHouse house = new ClearingHouse(events);
            final List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < driver.applied.size(); i++)
            {
                house.advanceTime(driver.times.get(i));
                outcomes.add(describe(driver.applied.get(i).applyTo(house), house));
            }
            assertEquals(driver.outcomes, outcomes);
            assertEquals(driver.events.events, events.events);
            assertEquals(StateDump.digestOf(driver.house), StateDump.digestOf(house));
        }
    }

    static String describe(final Outcome outcome, final ClearingHouse house)
    {
        return house.lastCommandReplayed() ? outcome + " (replayed)" : outcome.toString();
    }

    // ---------------------------------------------------------------------------------------------------- commands

    interface Command
    {
        long sender();

        long sequence();

        CommandType type();

        Outcome applyTo(ClearingHouse house);
    }

    record ListInstrument(
        long sender, long sequence, int instrumentId, String symbol, int imr, int mmr, int fee, long tick, long lot,
        long tickValue, boolean invalid) implements Command
    {
        public CommandType type()
        {
            return CommandType.LIST_INSTRUMENT;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.listInstrument(sender, sequence, instrumentId, symbol, imr, mmr, fee, tick, lot, tickValue);
        }
    }

    /**
     * Turns an instrument's circuit breaker off: the driver follows every listing with it, because the model
     * predicts every tick's and trade's outcome exactly and the random marks here jump far beyond any band (the
     * breaker has its own tests, CircuitBreakerTest and SettlementPropertiesTest).
     */
    record BreakerOff(long sender, long sequence, int instrumentId) implements Command
    {
        public CommandType type()
        {
            return CommandType.SET_CIRCUIT_BREAKER;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.setCircuitBreaker(
                sender, sequence, instrumentId, 0, CircuitBreaker.DEFAULT_WINDOW_MS, CircuitBreaker.DEFAULT_HALT_MS);
        }
    }

    record OpenAccount(long sender, long sequence, long accountId, long memberId) implements Command
    {
        public CommandType type()
        {
            return CommandType.OPEN_ACCOUNT;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.openAccount(sender, sequence, accountId, memberId);
        }
    }

    record Deposit(long sender, long sequence, long accountId, long amount, boolean overflows) implements Command
    {
        public CommandType type()
        {
            return CommandType.DEPOSIT;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.deposit(sender, sequence, accountId, amount);
        }
    }

    record Withdraw(long sender, long sequence, long accountId, long amount) implements Command
    {
        public CommandType type()
        {
            return CommandType.WITHDRAW;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.withdraw(sender, sequence, accountId, amount);
        }
    }

    record Trade(
        long sender, long sequence, long venueTradeId, int instrumentId, long buyer, long seller, long price,
        long quantity, boolean overflows, long buyOrderId, long sellOrderId) implements Command
    {
        Trade(
            final long sender, final long sequence, final long venueTradeId, final int instrumentId, final long buyer,
            final long seller, final long price, final long quantity, final boolean overflows)
        {
            this(sender, sequence, venueTradeId, instrumentId, buyer, seller, price, quantity, overflows, 0, 0);
        }

        public CommandType type()
        {
            return CommandType.TRADE;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.clearTrade(
                sender, sequence, venueTradeId, instrumentId, buyer, seller, price, quantity, buyOrderId, sellOrderId);
        }
    }

    record SubmitOrder(
        long sender, long sequence, long orderId, long accountId, int instrumentId, boolean buy, long lots,
        long limit) implements Command
    {
        public CommandType type()
        {
            return CommandType.SUBMIT_ORDER;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.submitOrder(sender, sequence, orderId, accountId, instrumentId, buy, lots, limit);
        }
    }

    record CancelOrder(long sender, long sequence, long orderId) implements Command
    {
        public CommandType type()
        {
            return CommandType.CANCEL_ORDER;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.cancelOrder(sender, sequence, orderId);
        }
    }

    /**
     * The model's view of an open order.
     */
    static final class ModelOrder
    {
        final long orderId, accountId;
        final int instrumentId;
        final boolean buy;
        final long limit;
        long remaining, reservation;

        ModelOrder(
            final long orderId, final long accountId, final int instrumentId, final boolean buy, final long remaining,
            final long limit, final long reservation)
        {
            this.orderId = orderId;
            this.accountId = accountId;
            this.instrumentId = instrumentId;
            this.buy = buy;
            this.remaining = remaining;
            this.limit = limit;
            this.reservation = reservation;
        }
    }

    record Tick(long sender, long sequence, int instrumentId, int sourceId, long price) implements Command
    {
        public CommandType type()
        {
            return CommandType.PRICE_TICK;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.applyPriceTick(sender, sequence, instrumentId, sourceId, price);
        }
    }

    record QueryAccount(long sender, long sequence, long accountId) implements Command
    {
        public CommandType type()
        {
            return CommandType.QUERY_ACCOUNT;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.queryAccount(sender, sequence, accountId);
        }
    }

    record QueryLedger(long sender, long sequence) implements Command
    {
        public CommandType type()
        {
            return CommandType.QUERY_LEDGER;
        }

        public Outcome applyTo(final ClearingHouse house)
        {
            return house.queryLedger(sender, sequence);
        }
    }

    // ---------------------------------------------------------------------------------------------------- driver

    /**
     * Terms of a listed instrument as the test listed them.
     */
    record Terms(int imr, int mmr, int fee, long tickValue)
    {
    }

    static final class Driver
    {
        final RecordingEvents events = new RecordingEvents();
        final ClearingHouse house = new ClearingHouse(events);
        final List<Command> applied = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final List<String> outcomes = new ArrayList<>();
        long clock;
        int eventsBeforeLast;
        final TreeMap<Long, ModelOrder> openOrders = new TreeMap<>();
        long pendingReservation;

        // the model
        final Map<Long, Long> lastSequence = new HashMap<>();
        final Map<Long, Map<Long, Outcome>> results = new HashMap<>();
        final Map<Integer, Terms> listed = new TreeMap<>();
        final Set<Long> opened = new TreeSet<>();
        final Map<Long, Set<Long>> venueTradeIds = new HashMap<>();
        long netDeposits;
        long tradesCleared;
        long previousFee;

        void setUp()
        {
            final long operator = SENDERS[0];
            applyAndCheck(new ListInstrument(operator, next(operator), 1, "BTC-PERP", 100_000, 50_000, 500,
                100_000, 1_000, 100, false));
            applyAndCheck(new ListInstrument(operator, next(operator), 2, "ETH-PERP", 100_000, 50_000, 300,
                10_000, 300, 3, false));
            applyAndCheck(new ListInstrument(operator, next(operator), 3, "ODD", 200_000, 100_000, 0, 1, 1, 7, false));
            for (long account = 1; account <= 5; account++)
            {
                applyAndCheck(new OpenAccount(operator, next(operator), account, account));
                // a few USD each: tens of lots at 800..1600 ticks need most of it, and price moves call margin.
                applyAndCheck(new Deposit(operator, next(operator), account, account * 1_000_000L, false));
            }
        }

        long next(final long sender)
        {
            return lastSequence.getOrDefault(sender, 0L) + 1;
        }

        Command resolve(final Step step)
        {
            final long sender = SENDERS[step.sender()];
            final long last = lastSequence.getOrDefault(sender, 0L);
            final int mode = step.sequenceDraw() % 100;
            final long offset = step.sequenceDraw() / 100;
            final long sequence;
            if (mode < 85 || (mode < 93 && 0 == last))
            {
                sequence = last + 1;
            }
            else if (mode < 93)
            {
                sequence = 1 + offset % last; // a replay of something already applied
            }
            else if (mode < 98)
            {
                sequence = last + 2 + offset % 3; // a gap
            }
            else
            {
                sequence = offset % 3 == 0 ? 0 : offset % 3 == 1 ? -1 : Long.MIN_VALUE;
            }

            final int kind = step.kind();
            final int p1 = step.p1(), p2 = step.p2(), p3 = step.p3(), p4 = step.p4(), p5 = step.p5();
            if (kind < 3)
            {
                return listInstrument(sender, sequence, p1, p2, p3, p4, p5);
            }
            if (kind < 6)
            {
                return new OpenAccount(sender, sequence, p1 % 7, p2 % 4);
            }
            if (kind < 16)
            {
                final long accountId = account(p1);
                final int roll = p2 % 100;
                if (roll < 2)
                {
                    return new Deposit(sender, sequence, accountId, 0, false);
                }
                if (roll < 4)
                {
                    return new Deposit(sender, sequence, accountId, -1_000, false);
                }
                if (roll < 7 && netDeposits > 0)
                {
                    // one micro-unit more than net deposits can take.
                    return new Deposit(sender, sequence, accountId, Long.MAX_VALUE - netDeposits + 1, true);
                }
                return new Deposit(sender, sequence, accountId, 1 + p3 % 2_000_000L, false);
            }
            if (kind < 26)
            {
                final long accountId = account(p1);
                final MarginAccount account = house.account(accountId);
                final int roll = p2 % 100;
                final long amount;
                if (roll < 2)
                {
                    amount = 0;
                }
                else if (roll < 4)
                {
                    amount = -5;
                }
                else if (roll < 20 && null != account)
                {
                    amount = Math.max(1, account.cash());
                }
                else if (roll < 35 && null != account)
                {
                    amount = Math.max(1, house.withdrawable(account));
                }
                else if (roll < 45 && null != account)
                {
                    amount = house.withdrawable(account) + 1;
                }
                else
                {
                    amount = 1 + p3 % 1_000_000L;
                }
                return new Withdraw(sender, sequence, accountId, amount);
            }
            if (kind >= 50 && kind < 60)
            {
                return submitOrder(sender, sequence, p1, p2, p3, p4, p5);
            }
            if (kind >= 60 && kind < 64)
            {
                final long orderId = openOrders.isEmpty() || p1 % 5 == 0 ? 1 + p2 % 40 :
                    (Long)openOrders.keySet().toArray()[p2 % openOrders.size()];
                return new CancelOrder(sender, sequence, orderId);
            }
            if (kind >= 64 && kind < 68 && !openOrders.isEmpty())
            {
                return tradeAgainstOrder(sender, sequence, p1, p2, p3, p4, p5);
            }
            if (kind < 68 || kind >= 97)
            {
                final boolean huge = kind >= 97;
                final long price = p5 % 100 < 3 ? (p5 % 100 == 0 ? 0 : -7) : 800 + (p5 / 100) % 800;
                final long quantity = huge ? Long.MAX_VALUE / 2 : (p1 / 60) % 40 - 2;
                return new Trade(sender, sequence, 1 + p1 % 60, instrument(p2), account(p3), account(p4),
                    huge && price > 0 ? Math.max(3, price) : price, quantity, huge);
            }
            if (kind < 88)
            {
                final long price = p3 % 100 < 3 ? (p3 % 100 == 0 ? 0 : -1) : 800 + (p3 / 100) % 800;
                return new Tick(sender, sequence, instrument(p1), p2 % 4, price);
            }
            if (kind < 94)
            {
                return new QueryAccount(sender, sequence, account(p1));
            }
            return new QueryLedger(sender, sequence);
        }

        private Command submitOrder(
            final long sender, final long sequence, final int p1, final int p2, final int p3, final int p4,
            final int p5)
        {
            final int roll = p5 % 100;
            final long orderId = roll < 2 ? 0 : 1 + p1 % 40;
            final long lots = roll < 4 ? -(p2 % 2) : 1 + (p2 / 7) % 25;
            final long limit = roll >= 4 && roll < 6 ? 0 : 800 + (p3 / 7) % 800;
            return new SubmitOrder(sender, sequence, orderId, account(p4), instrument(p3), p2 % 2 == 0, lots, limit);
        }

        /**
         * A trade filling an open order (chosen by the draw) against a random counterparty, at or inside the limit,
         * sometimes breaking the order's terms on purpose.
         */
        private Command tradeAgainstOrder(
            final long sender, final long sequence, final int p1, final int p2, final int p3, final int p4,
            final int p5)
        {
            final ModelOrder order = (ModelOrder)openOrders.values().toArray()[p2 % openOrders.size()];
            final int roll = p5 % 100;
            final long quantity = roll < 5 ? order.remaining + 1 : 1 + p1 % order.remaining;
            final long inside = p3 % 3;
            final long price = roll >= 5 && roll < 10 ?
                (order.buy ? order.limit + 1 : order.limit - 1) : (order.buy ? order.limit - inside : order.limit + inside);
            final long other = account(p4);
            final long orderId = roll >= 10 && roll < 13 ? order.orderId + 1_000 : order.orderId;
            return order.buy ?
                new Trade(sender, sequence, 1 + p1 % 60, order.instrumentId, order.accountId, other, price, quantity,
                    false, orderId, 0) :
                new Trade(sender, sequence, 1 + p1 % 60, order.instrumentId, other, order.accountId, price, quantity,
                    false, 0, orderId);
        }

        /**
         * Mostly instruments 1..3 (listed at set-up), sometimes 0 (never valid) or 4 (listed only by a random step).
         */
        static int instrument(final int draw)
        {
            final int roll = draw % 10;
            return 0 == roll ? 0 : 9 == roll ? 4 : 1 + (draw / 10) % 3;
        }

        /**
         * Mostly accounts 1..5 (opened at set-up), sometimes 0 (never valid) or 6 (opened only by a random step).
         */
        static long account(final int draw)
        {
            final int roll = draw % 20;
            return 0 == roll ? 0 : 19 == roll ? 6 : 1 + (draw / 20) % 5;
        }

        private Command listInstrument(
            final long sender, final long sequence, final int p1, final int p2, final int p3, final int p4,
            final int p5)
        {
            final int id = p1 % 5;
            final long tickValue = new long[]{1, 3, 7, 100}[p3 % 4];
            int fee = new int[]{0, 1, 300, 500, 2_500, 100_000}[p4 % 6];
            int mmr = new int[]{10_000, 50_000, 333_333}[p5 % 3];
            int imr = Math.min(1_000_000, 2 * mmr);
            long tick = 1_000;
            String symbol = "I" + id;
            final boolean invalid = p2 % 4 == 0;
            if (invalid)
            {
                switch ((p3 / 4) % 6)
                {
                    case 0 -> mmr = 0;
                    case 1 -> imr = mmr - 1;
                    case 2 -> fee = -1;
                    case 3 -> fee = 100_001;
                    case 4 -> tick = 0;
                    default -> symbol = "";
                }
            }
            return new ListInstrument(sender, sequence, id, symbol, imr, mmr, fee, tick, 1, tickValue, invalid);
        }

        /**
         * The outcome the rulebook gives the command in the current state, worked out from the model alone (and, for
         * a withdrawal, from the account's cash and positions valued independently with BigInteger).
         */
        Outcome expectedOutcome(final Command command)
        {
            if (command instanceof BreakerOff c)
            {
                return listed.containsKey(c.instrumentId()) ? Outcome.ACCEPTED : Outcome.UNKNOWN_INSTRUMENT;
            }
            if (command instanceof ListInstrument c)
            {
                if (c.invalid() || c.instrumentId() <= 0)
                {
                    return Outcome.INVALID_PARAMETER;
                }
                return listed.containsKey(c.instrumentId()) ? Outcome.INSTRUMENT_EXISTS : Outcome.ACCEPTED;
            }
            if (command instanceof OpenAccount c)
            {
                if (c.accountId() <= 0 || c.memberId() <= 0)
                {
                    return Outcome.INVALID_PARAMETER;
                }
                return opened.contains(c.accountId()) ? Outcome.ACCOUNT_EXISTS : Outcome.ACCEPTED;
            }
            if (command instanceof Deposit c)
            {
                if (c.amount() <= 0)
                {
                    return Outcome.INVALID_AMOUNT;
                }
                if (!opened.contains(c.accountId()))
                {
                    return Outcome.UNKNOWN_ACCOUNT;
                }
                return c.overflows() ? Outcome.ARITHMETIC_OVERFLOW : Outcome.ACCEPTED;
            }
            if (command instanceof Withdraw c)
            {
                if (c.amount() <= 0)
                {
                    return Outcome.INVALID_AMOUNT;
                }
                if (!opened.contains(c.accountId()))
                {
                    return Outcome.UNKNOWN_ACCOUNT;
                }
                final MarginAccount account = house.account(c.accountId());
                if (c.amount() > account.cash())
                {
                    return Outcome.INSUFFICIENT_CASH;
                }
                final BigInteger equityAfter = equity(account).subtract(BigInteger.valueOf(c.amount()));
                return equityAfter.compareTo(margin(account, true).add(reserved(c.accountId()))) < 0 ?
                    Outcome.BELOW_INITIAL_MARGIN : Outcome.ACCEPTED;
            }
            if (command instanceof Trade c)
            {
                if (venueTradeIds.getOrDefault(c.sender(), Set.of()).contains(c.venueTradeId()))
                {
                    return Outcome.DUPLICATE_TRADE;
                }
                if (!listed.containsKey(c.instrumentId()))
                {
                    return Outcome.UNKNOWN_INSTRUMENT;
                }
                if (!opened.contains(c.buyer()) || !opened.contains(c.seller()))
                {
                    return Outcome.UNKNOWN_ACCOUNT;
                }
                if (c.buyer() == c.seller())
                {
                    return Outcome.SELF_TRADE;
                }
                if (c.quantity() <= 0)
                {
                    return Outcome.INVALID_QUANTITY;
                }
                if (c.price() <= 0)
                {
                    return Outcome.INVALID_PRICE;
                }
                final Outcome buyOrder = orderCheck(c.buyOrderId(), c.buyer(), c, true);
                if (null != buyOrder)
                {
                    return buyOrder;
                }
                final Outcome sellOrder = orderCheck(c.sellOrderId(), c.seller(), c, false);
                if (null != sellOrder)
                {
                    return sellOrder;
                }
                if (c.overflows())
                {
                    return Outcome.ARITHMETIC_OVERFLOW;
                }
                final Outcome buyer = sideAfterTrade(c, c.buyer(), c.quantity());
                return null != buyer ? buyer : Objects.requireNonNullElse(
                    sideAfterTrade(c, c.seller(), -c.quantity()), Outcome.ACCEPTED);
            }
            if (command instanceof SubmitOrder c)
            {
                return expectedSubmit(c);
            }
            if (command instanceof CancelOrder c)
            {
                return openOrders.containsKey(c.orderId()) ? Outcome.ACCEPTED : Outcome.UNKNOWN_ORDER;
            }
            if (command instanceof Tick c)
            {
                if (!listed.containsKey(c.instrumentId()))
                {
                    return Outcome.UNKNOWN_INSTRUMENT;
                }
                return c.price() <= 0 ? Outcome.INVALID_PRICE : Outcome.ACCEPTED;
            }
            if (command instanceof QueryAccount c)
            {
                return opened.contains(c.accountId()) ? Outcome.ACCEPTED : Outcome.UNKNOWN_ACCOUNT;
            }
            return Outcome.ACCEPTED;
        }

        private Outcome orderCheck(final long orderId, final long accountId, final Trade c, final boolean buy)
        {
            if (0 == orderId)
            {
                return null;
            }
            final ModelOrder order = openOrders.get(orderId);
            if (null == order || order.accountId != accountId || order.instrumentId != c.instrumentId() ||
                order.buy != buy)
            {
                return Outcome.UNKNOWN_ORDER;
            }
            if (c.quantity() > order.remaining)
            {
                return Outcome.INVALID_QUANTITY;
            }
            return (buy ? c.price() > order.limit : c.price() < order.limit) ? Outcome.INVALID_PRICE : null;
        }

        /**
         * One side of a trade: refused unless it reduces the position, or equity after the trade (before +
         * delta × (mark after − price) × tick value − fee) covers IM after it.
         */
        private Outcome sideAfterTrade(final Trade c, final long accountId, final long delta)
        {
            final MarginAccount account = house.account(accountId);
            final long before = quantity(account, c.instrumentId());
            if (before != 0 && (before > 0) != (delta > 0) && Math.abs(delta) <= Math.abs(before))
            {
                return null;
            }
            if (account.riskState() != RiskState.NORMAL)
            {
                return Outcome.MARGIN_CALL_OPEN;
            }
            final Terms terms = listed.get(c.instrumentId());
            final long mark = house.instrument(c.instrumentId()).markPriceTicks();
            final long markAfter = 0 == mark ? c.price() : mark;
            final BigInteger tickValue = BigInteger.valueOf(terms.tickValue());
            final BigInteger value = BigInteger.valueOf(c.quantity()).multiply(BigInteger.valueOf(c.price()))
                .multiply(tickValue);
            final BigInteger fee = ceilDiv(value.multiply(BigInteger.valueOf(terms.fee())), MILLION);
            final BigInteger equityAfter = equity(account)
                .add(BigInteger.valueOf(delta).multiply(BigInteger.valueOf(markAfter - c.price())).multiply(tickValue))
                .subtract(fee);
            final Map<Integer, Long> quantities = positions(account);
            quantities.merge(c.instrumentId(), delta, Long::sum);
            BigInteger im = BigInteger.ZERO;
            for (final Map.Entry<Integer, Long> e : quantities.entrySet())
            {
                final long m = e.getKey() == c.instrumentId() ? markAfter :
                    house.instrument(e.getKey()).markPriceTicks();
                im = im.add(linearMargin(e.getKey(), e.getValue(), m, true));
            }
            return equityAfter.compareTo(im) < 0 ? Outcome.BELOW_INITIAL_MARGIN : null;
        }

        private Outcome expectedSubmit(final SubmitOrder c)
        {
            if (c.orderId() <= 0)
            {
                return Outcome.INVALID_PARAMETER;
            }
            if (openOrders.containsKey(c.orderId()))
            {
                return Outcome.ORDER_EXISTS;
            }
            if (!listed.containsKey(c.instrumentId()))
            {
                return Outcome.UNKNOWN_INSTRUMENT;
            }
            if (!opened.contains(c.accountId()))
            {
                return Outcome.UNKNOWN_ACCOUNT;
            }
            if (c.lots() <= 0)
            {
                return Outcome.INVALID_QUANTITY;
            }
            if (c.limit() <= 0)
            {
                return Outcome.INVALID_PRICE;
            }
            if (0 == house.instrument(c.instrumentId()).markPriceTicks())
            {
                return Outcome.NO_MARK_PRICE;
            }
            final MarginAccount account = house.account(c.accountId());
            final long position = quantity(account, c.instrumentId());
            long sameSide = 0;
            for (final ModelOrder o : openOrders.values())
            {
                if (o.accountId == c.accountId() && o.instrumentId == c.instrumentId() && o.buy == c.buy())
                {
                    sameSide += o.remaining;
                }
            }
            final boolean reducing = c.buy() ?
                position < 0 && sameSide + c.lots() <= -position : position > 0 && sameSide + c.lots() <= position;
            if (!reducing && account.riskState() != RiskState.NORMAL)
            {
                return Outcome.MARGIN_CALL_OPEN;
            }
            final BigInteger before = requirement(account, null);
            final BigInteger after = requirement(account, c);
            if (!reducing && equity(account).compareTo(after) < 0)
            {
                return Outcome.BELOW_INITIAL_MARGIN;
            }
            pendingReservation = after.subtract(before).max(BigInteger.ZERO).longValueExact();
            return Outcome.ACCEPTED;
        }

        /**
         * The order-inclusive requirement, valued independently: per instrument the worse (larger absolute) of
         * position + open buys and position − open sells at mark, plus what filling that side at its limits loses
         * against the mark.
         */
        BigInteger requirement(final MarginAccount account, final SubmitOrder extra)
        {
            final Map<Integer, Long> quantities = positions(account);
            final Map<Integer, long[]> sides = new TreeMap<>();
            final List<ModelOrder> orders = new ArrayList<>();
            for (final ModelOrder o : openOrders.values())
            {
                if (o.accountId == account.accountId())
                {
                    orders.add(o);
                }
            }
            if (null != extra)
            {
                orders.add(new ModelOrder(extra.orderId(), extra.accountId(), extra.instrumentId(), extra.buy(),
                    extra.lots(), extra.limit(), 0));
            }
            for (final ModelOrder o : orders)
            {
                // buy lots, buy Σ lots × limit, sell lots, sell Σ lots × limit (in ticks × lots)
                final long[] side = sides.computeIfAbsent(o.instrumentId, i -> new long[4]);
                side[o.buy ? 0 : 2] += o.remaining;
                side[o.buy ? 1 : 3] += o.remaining * o.limit;
            }
            BigInteger total = BigInteger.ZERO;
            final Set<Integer> instruments = new TreeSet<>(quantities.keySet());
            instruments.addAll(sides.keySet());
            for (final int instrumentId : instruments)
            {
                final long q = quantities.getOrDefault(instrumentId, 0L);
                final long mark = house.instrument(instrumentId).markPriceTicks();
                final long[] side = sides.get(instrumentId);
                if (null == side)
                {
                    total = total.add(linearMargin(instrumentId, q, mark, true));
                    continue;
                }
                final BigInteger tickValue = BigInteger.valueOf(listed.get(instrumentId).tickValue());
                final long withBuys = q + side[0];
                final long withSells = q - side[2];
                if (Math.abs(withBuys) >= Math.abs(withSells))
                {
                    total = total.add(linearMargin(instrumentId, withBuys, mark, true)).add(
                        BigInteger.valueOf(side[1] - side[0] * mark).multiply(tickValue).max(BigInteger.ZERO));
                }
                else
                {
                    total = total.add(linearMargin(instrumentId, withSells, mark, true)).add(
                        BigInteger.valueOf(side[2] * mark - side[3]).multiply(tickValue).max(BigInteger.ZERO));
                }
            }
            return total;
        }

        BigInteger reserved(final long accountId)
        {
            long total = 0;
            for (final ModelOrder o : openOrders.values())
            {
                if (o.accountId == accountId)
                {
                    total += o.reservation;
                }
            }
            return BigInteger.valueOf(total);
        }

        Map<Integer, Long> positions(final MarginAccount account)
        {
            final Map<Integer, Long> quantities = new TreeMap<>();
            for (int i = 0; i < account.positionCount(); i++)
            {
                quantities.put(account.instrumentIdAt(i), account.quantityAt(i));
            }
            return quantities;
        }

        BigInteger linearMargin(final int instrumentId, final long quantity, final long mark, final boolean initial)
        {
            final Terms terms = listed.get(instrumentId);
            final BigInteger value = BigInteger.valueOf(quantity).multiply(BigInteger.valueOf(mark))
                .multiply(BigInteger.valueOf(terms.tickValue())).abs();
            return ceilDiv(value.multiply(BigInteger.valueOf(initial ? terms.imr() : terms.mmr())), MILLION);
        }

        void applyAndCheck(final Command command)
        {
            clock += 40_000;
            house.advanceTime(clock);
            times.add(clock);
            eventsBeforeLast = events.size();
            final Map<Long, RiskState> statesBefore = new TreeMap<>();
            for (final long accountId : opened)
            {
                statesBefore.put(accountId, house.account(accountId).riskState());
            }
            final long sender = command.sender();
            final long sequence = command.sequence();
            final long last = lastSequence.getOrDefault(sender, 0L);
            final boolean replay = sequence > 0 && sequence <= last;
            final boolean invalidSequence = sequence <= 0;
            final boolean gap = !replay && sequence != last + 1; // an invalid sequence is refused like a gap
            final Outcome expected = replay ? results.get(sender).get(sequence) :
                invalidSequence ? Outcome.INVALID_SEQUENCE : gap ? Outcome.SEQUENCE_GAP : expectedOutcome(command);

            final List<String> stateBefore = StateDump.of(house);
            final List<String> booksBefore = StateDump.books(stateBefore);
            final Before before = new Before(command);
            final int eventsBefore = events.size();

            final Outcome outcome = command.applyTo(house);
            applied.add(command);
            outcomes.add(describe(outcome, house));

            assertEquals(expected, outcome, command::toString);
            assertEquals(replay, house.lastCommandReplayed(), command::toString);
            final List<Event> emitted = events.since(eventsBefore);
            final CommandRefused refusal = new CommandRefused(
                eventsBefore + 1, sender, sequence, command.type(), outcome);
            if (replay)
            {
                assertEquals(List.of(), emitted, "a replay emits nothing");
                assertEquals(stateBefore, StateDump.of(house), "a replay changes nothing");
            }
            else if (gap)
            {
                assertEquals(List.of(refusal), emitted);
                assertEquals(booksBefore, StateDump.booksOf(house));
                assertEquals(last, house.lastAppliedSequence(sender), "a gap does not consume the sequence");
                assertEquals(stateBefore.subList(1, stateBefore.size()), StateDump.of(house).subList(
                    1, stateBefore.size()), "a gap or invalid sequence moves only the event sequence");
            }
            else
            {
                lastSequence.put(sender, sequence);
                results.computeIfAbsent(sender, s -> new HashMap<>()).put(sequence, outcome);
                if (outcome.isRefusal())
                {
                    assertEquals(List.of(refusal), emitted, "exactly one refusal event");
                    assertEquals(booksBefore, StateDump.booksOf(house), "a refusal changes nothing");
                }
                else if (outcome == Outcome.DUPLICATE_TRADE)
                {
                    // not a refusal, but published like one so that nothing goes unseen on the stream.
                    assertEquals(List.of(refusal), emitted);
                    assertEquals(booksBefore, StateDump.booksOf(house), "a duplicate changes nothing");
                }
                else
                {
                    final List<Event> core = new ArrayList<>();
                    final List<Event> risk = new ArrayList<>();
                    for (final Event event : emitted)
                    {
                        (event instanceof RiskStateChanged ? risk : core).add(event);
                    }
                    checkAccepted(command, before, core);
                    checkRiskEvents(command, statesBefore, risk);
                }
            }
            checkInvariants();
            if (command instanceof ListInstrument c && Outcome.ACCEPTED == outcome && !replay && !gap)
            {
                applyAndCheck(new BreakerOff(SENDERS[0], next(SENDERS[0]), c.instrumentId()));
            }
        }

        /**
         * What an accepted command's checks need from before it ran.
         */
        final class Before
        {
            long buyerCash, sellerCash, buyerQuantity, sellerQuantity, buyerCost, sellerCost, cash, mark;

            Before(final Command command)
            {
                if (command instanceof Trade c && null != house.account(c.buyer()) &&
                    null != house.account(c.seller()) && null != house.instrument(c.instrumentId()))
                {
                    final MarginAccount buyer = house.account(c.buyer());
                    final MarginAccount seller = house.account(c.seller());
                    buyerCash = buyer.cash();
                    sellerCash = seller.cash();
                    buyerQuantity = quantity(buyer, c.instrumentId());
                    sellerQuantity = quantity(seller, c.instrumentId());
                    buyerCost = cost(buyer, c.instrumentId());
                    sellerCost = cost(seller, c.instrumentId());
                    mark = house.instrument(c.instrumentId()).markPriceTicks();
                }
                else if (command instanceof Deposit c && null != house.account(c.accountId()))
                {
                    cash = house.account(c.accountId()).cash();
                }
                else if (command instanceof Withdraw c && null != house.account(c.accountId()))
                {
                    cash = house.account(c.accountId()).cash();
                }
                else if (command instanceof Tick c && null != house.instrument(c.instrumentId()))
                {
                    mark = house.instrument(c.instrumentId()).markPriceTicks();
                }
            }
        }

        /**
         * Every account whose state changed is published once, with its equity and margins now and the cause: for
         * a trade buyer then seller, otherwise in account id order.
         */
        private void checkRiskEvents(
            final Command command, final Map<Long, RiskState> statesBefore, final List<Event> risk)
        {
            final List<Long> order = new ArrayList<>();
            if (command instanceof Trade c)
            {
                order.add(c.buyer());
                order.add(c.seller());
            }
            else
            {
                order.addAll(opened);
            }
            final RiskCause cause = command instanceof Trade ? RiskCause.TRADE : command instanceof Tick ?
                RiskCause.MARK_PRICE : command instanceof Deposit ? RiskCause.DEPOSIT : RiskCause.WITHDRAWAL;
            final List<Event> expected = new ArrayList<>();
            long sequence = risk.isEmpty() ? 0 : risk.get(0).sequence();
            for (final long accountId : order)
            {
                final MarginAccount account = house.account(accountId);
                final RiskState previous = statesBefore.get(accountId);
                if (null != account && null != previous && previous != account.riskState())
                {
                    expected.add(new RiskStateChanged(sequence++, accountId, previous, account.riskState(),
                        equity(account).longValueExact(), margin(account, true).longValueExact(),
                        margin(account, false).longValueExact(), cause));
                }
            }
            assertEquals(expected, risk, command::toString);
        }

        private void checkAccepted(final Command command, final Before before, final List<Event> emitted)
        {
            final long firstEvent = emitted.isEmpty() ? 0 : emitted.get(0).sequence();
            if (command instanceof ListInstrument c)
            {
                assertEquals(List.of(new InstrumentListed(firstEvent, c.instrumentId(), c.symbol(), c.imr(), c.mmr(),
                    c.fee(), c.tick(), c.lot(), c.tickValue(), 0, 0)), emitted);
                listed.put(c.instrumentId(), new Terms(c.imr(), c.mmr(), c.fee(), c.tickValue()));
            }
            else if (command instanceof OpenAccount c)
            {
                assertEquals(List.of(new AccountOpened(firstEvent, c.accountId(), c.memberId())), emitted);
                opened.add(c.accountId());
                assertEquals(0, house.account(c.accountId()).cash());
                assertEquals(0, house.account(c.accountId()).positionCount());
            }
            else if (command instanceof Deposit c)
            {
                netDeposits += c.amount();
                final MarginAccount account = house.account(c.accountId());
                assertEquals(before.cash + c.amount(), account.cash());
                assertEquals(List.of(new CollateralMoved(firstEvent, c.accountId(), true, c.amount(), account.cash(),
                    equity(account).longValueExact())), emitted);
            }
            else if (command instanceof Withdraw c)
            {
                netDeposits -= c.amount();
                final MarginAccount account = house.account(c.accountId());
                assertEquals(before.cash - c.amount(), account.cash());
                assertTrue(account.cash() >= 0, "a withdrawal never leaves cash negative");
                assertTrue(equity(account).compareTo(margin(account, true)) >= 0, "nor equity below IM");
                assertEquals(List.of(new CollateralMoved(firstEvent, c.accountId(), false, c.amount(), account.cash(),
                    equity(account).longValueExact())), emitted);
            }
            else if (command instanceof Tick c)
            {
                // every other source is 40 s old, beyond the 30 s age limit: this tick alone is the index and the mark.
                assertEquals(List.of(new MarkPriceUpdated(
                    firstEvent, c.instrumentId(), c.sourceId(), c.price(), TickDecision.ACCEPTED, before.mark,
                    c.price(), c.price(), 1, 0)), emitted);
                assertEquals(c.price(), house.instrument(c.instrumentId()).markPriceTicks());
            }
            else if (command instanceof Trade c)
            {
                checkTrade(c, before, emitted);
            }
            else if (command instanceof SubmitOrder c)
            {
                final long reserved = reserved(c.accountId()).longValueExact() + pendingReservation;
                assertEquals(List.of(new OrderAccepted(firstEvent, c.orderId(), c.accountId(), c.instrumentId(),
                    c.buy(), c.lots(), c.limit(), pendingReservation, reserved)), emitted);
                openOrders.put(c.orderId(), new ModelOrder(c.orderId(), c.accountId(), c.instrumentId(), c.buy(),
                    c.lots(), c.limit(), pendingReservation));
            }
            else if (command instanceof BreakerOff c)
            {
                assertEquals(List.of(new RiskParametersChanged(
                    firstEvent, CommandType.SET_CIRCUIT_BREAKER, c.instrumentId(), 0)), emitted);
            }
            else if (command instanceof CancelOrder c)
            {
                final ModelOrder order = openOrders.remove(c.orderId());
                assertEquals(List.of(new OrderCancelled(firstEvent, c.orderId(), order.accountId, order.remaining,
                    order.reservation, reserved(order.accountId).longValueExact())), emitted);
                assertNull(house.order(c.orderId()));
            }
            else
            {
                assertEquals(List.of(), emitted, "a query emits nothing");
            }
        }

        private void checkTrade(final Trade c, final Before before, final List<Event> emitted)
        {
            final Terms terms = listed.get(c.instrumentId());
            int index = 0;
            if (0 == before.mark)
            {
                // the first trade on an instrument without a mark sets it.
                assertEquals(new MarkPriceUpdated(
                    emitted.get(0).sequence(), c.instrumentId(), 0, c.price(), 0, c.price()), emitted.get(0));
                index = 1;
            }
            final int fills = (0 == c.buyOrderId() ? 0 : 1) + (0 == c.sellOrderId() ? 0 : 1);
            assertEquals(index + 1 + fills, emitted.size());
            final TradeCleared cleared = (TradeCleared)emitted.get(index);
            int fillIndex = index + 1;
            for (final long orderId : new long[]{c.buyOrderId(), c.sellOrderId()})
            {
                if (0 == orderId)
                {
                    continue;
                }
                // the filled share of the reservation is consumed, rounded up, all of it when the order is done.
                final ModelOrder order = openOrders.get(orderId);
                final long remaining = order.remaining - c.quantity();
                final long consumed = 0 == remaining ? order.reservation : Math.min(order.reservation,
                    ceilDiv(BigInteger.valueOf(order.reservation).multiply(BigInteger.valueOf(c.quantity())),
                        BigInteger.valueOf(order.remaining)).longValueExact());
                order.remaining = remaining;
                order.reservation -= consumed;
                if (0 == remaining)
                {
                    openOrders.remove(orderId);
                }
                assertEquals(new OrderFilled(emitted.get(fillIndex).sequence(), orderId, order.accountId,
                    c.quantity(), remaining, consumed, order.reservation,
                    reserved(order.accountId).longValueExact()), emitted.get(fillIndex));
                fillIndex++;
            }
            // fee: ⌈quantity × price × tick value × fee ppm / 1e6⌉, each side.
            final BigInteger value = BigInteger.valueOf(c.quantity()).multiply(BigInteger.valueOf(c.price()))
                .multiply(BigInteger.valueOf(terms.tickValue()));
            final long fee = ceilDiv(value.multiply(BigInteger.valueOf(terms.fee())), MILLION).longValueExact();
            assertEquals(new TradeCleared(cleared.sequence(), c.sender(), c.venueTradeId(), c.instrumentId(),
                c.buyer(), c.seller(), c.price(), c.quantity(), fee, fee, cleared.buyerRealisedPnl(),
                cleared.sellerRealisedPnl()), cleared);

            checkSide(house.account(c.buyer()), c, value, fee, before.buyerQuantity, before.buyerCost,
                before.buyerCash, c.quantity(), cleared.buyerRealisedPnl());
            checkSide(house.account(c.seller()), c, value.negate(), fee, before.sellerQuantity, before.sellerCost,
                before.sellerCash, -c.quantity(), cleared.sellerRealisedPnl());
            venueTradeIds.computeIfAbsent(c.sender(), s -> new HashSet<>()).add(c.venueTradeId());
            tradesCleared++;
        }

        /**
         * One side of a fill: the quantity moves by delta, cash by realised PnL minus the fee, and what left cash
         * and cost basis together is exactly the value traded. Realised PnL is that of the closed lots at the
         * trade price against their share of the cost basis, rounded down (against the member, DESIGN.md section 4).
         */
        private void checkSide(
            final MarginAccount account, final Trade c, final BigInteger signedValue, final long fee,
            final long quantityBefore, final long costBefore, final long cashBefore, final long delta,
            final long realised)
        {
            assertEquals(quantityBefore + delta, quantity(account, c.instrumentId()));
            assertEquals(cashBefore + realised - fee, account.cash());
            final long costAfter = cost(account, c.instrumentId());
            // (Δcash + fee) − Δcost = −value of what was bought (or +value of what was sold)
            assertEquals(signedValue.negate(), BigInteger.valueOf(realised)
                .subtract(BigInteger.valueOf(costAfter).subtract(BigInteger.valueOf(costBefore))));
            final boolean reduces = quantityBefore != 0 && (quantityBefore > 0) != (delta > 0);
            if (!reduces)
            {
                assertEquals(0, realised, "opening or adding realises nothing");
                return;
            }
            final long held = Math.abs(quantityBefore);
            final long closed = Math.min(held, Math.abs(delta));
            final long tickValue = listed.get(c.instrumentId()).tickValue();
            // exact realised × held = sign × closed × price × tick value × held − cost × closed, and
            // realised = ⌊exact⌋, so 0 ≤ exact × held − realised × held < held.
            final BigInteger exactTimesHeld = BigInteger.valueOf(Long.signum(quantityBefore))
                .multiply(BigInteger.valueOf(closed)).multiply(BigInteger.valueOf(c.price()))
                .multiply(BigInteger.valueOf(tickValue)).multiply(BigInteger.valueOf(held))
                .subtract(BigInteger.valueOf(costBefore).multiply(BigInteger.valueOf(closed)));
            final BigInteger shortfall = exactTimesHeld.subtract(
                BigInteger.valueOf(realised).multiply(BigInteger.valueOf(held)));
            assertTrue(shortfall.signum() >= 0 && shortfall.compareTo(BigInteger.valueOf(held)) < 0,
                () -> "realised " + realised + " is not ⌊" + exactTimesHeld + " / " + held + "⌋");
        }

        void checkInvariants()
        {
            assertEquals(0, house.conservationError());
            assertEquals(netDeposits, house.netDeposits());
            assertEquals(netDeposits, house.totalCash() + house.totalUnrealisedPnl() + house.feeAccount());

            // the same sum valued by the test: Σ cash + Σ (quantity × mark × tick value − cost) + fee.
            BigInteger total = BigInteger.valueOf(house.feeAccount());
            for (final long accountId : opened)
            {
                final MarginAccount account = house.account(accountId);
                total = total.add(equity(account));
                assertEquals(equity(account).longValueExact(), house.equity(account));
                assertEquals(margin(account, true).longValueExact(), house.initialMargin(account));
                assertEquals(margin(account, false).longValueExact(), house.maintenanceMargin(account));
            }
            assertEquals(BigInteger.valueOf(netDeposits), total,
                "Σ cash + Σ unrealised + fee = deposits − withdrawals");

            for (final int instrumentId : listed.keySet())
            {
                long net = 0;
                long longs = 0;
                for (final long accountId : opened)
                {
                    final long quantity = quantity(house.account(accountId), instrumentId);
                    net += quantity;
                    longs += Math.max(0, quantity);
                }
                assertEquals(0, net, "positions net to zero");
                assertEquals(longs, house.instrument(instrumentId).openInterestLots(), "open interest = Σ longs");
            }
            for (final long accountId : opened)
            {
                final MarginAccount account = house.account(accountId);
                final RiskState expected = equity(account).compareTo(margin(account, true)) < 0 ?
                    RiskState.MARGIN_CALL : RiskState.NORMAL;
                assertEquals(expected, account.riskState(), "a margin call exactly while equity < IM");
                assertTrue(account.reservedMargin() >= 0, "reservations never negative");
                assertEquals(reserved(accountId).longValueExact(), account.reservedMargin());
            }
            assertEquals(openOrders.size(), house.openOrderCount());
            for (final ModelOrder order : openOrders.values())
            {
                final OpenOrder open = house.order(order.orderId);
                assertEquals(order.remaining, open.remainingLots());
                assertEquals(order.reservation, open.reservedMargin());
                assertTrue(open.reservedMargin() >= 0, "reservations never negative");
            }
            assertTrue(house.feeAccount() >= previousFee, "fees only ever accrue");
            assertTrue(house.feeAccount() >= 0);
            previousFee = house.feeAccount();
            assertEquals(events.size(), house.eventSequence());
            assertEquals(tradesCleared, house.tradesCleared());
            assertEquals(opened.size(), house.accountCount());
            for (final long sender : SENDERS)
            {
                assertEquals(lastSequence.getOrDefault(sender, 0L), house.lastAppliedSequence(sender));
            }
        }

        BigInteger equity(final MarginAccount account)
        {
            BigInteger equity = BigInteger.valueOf(account.cash());
            for (int i = 0; i < account.positionCount(); i++)
            {
                equity = equity.add(positionValue(account, i).subtract(BigInteger.valueOf(account.costBasisAt(i))));
            }
            return equity;
        }

        BigInteger margin(final MarginAccount account, final boolean initial)
        {
            BigInteger margin = BigInteger.ZERO;
            for (int i = 0; i < account.positionCount(); i++)
            {
                final Terms terms = listed.get(account.instrumentIdAt(i));
                final int rate = initial ? terms.imr() : terms.mmr();
                margin = margin.add(ceilDiv(positionValue(account, i).abs().multiply(BigInteger.valueOf(rate)),
                    MILLION));
            }
            return margin;
        }

        BigInteger positionValue(final MarginAccount account, final int index)
        {
            final int instrumentId = account.instrumentIdAt(index);
            return BigInteger.valueOf(account.quantityAt(index))
                .multiply(BigInteger.valueOf(house.instrument(instrumentId).markPriceTicks()))
                .multiply(BigInteger.valueOf(listed.get(instrumentId).tickValue()));
        }
    }

    static long quantity(final MarginAccount account, final int instrumentId)
    {
        final int index = account.indexOf(instrumentId);
        return index >= 0 ? account.quantityAt(index) : 0;
    }

    static long cost(final MarginAccount account, final int instrumentId)
    {
        final int index = account.indexOf(instrumentId);
        return index >= 0 ? account.costBasisAt(index) : 0;
    }

    static BigInteger ceilDiv(final BigInteger dividend, final BigInteger divisor)
    {
        final BigInteger[] qr = dividend.divideAndRemainder(divisor);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }
}
