package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression tests for the defects this suite found in the domain (D1 to D5), each written as it failed against the
 * first version of the code: the comments say what went wrong then, so a reintroduction is recognised.
 */
class DomainDefectsTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final int UNIT = 8;

    // ------------------------------------------------------------------------------------------------------------
    // D1: Money.proportion overflowed in its intermediate products although the result fit, so a position of more
    // than ~3.04e9 lots (√2^63) could become impossible to reduce or close: the closing trade was refused with
    // ARITHMETIC_OVERFLOW. Its Javadoc promises "exact for any inputs whose result fits".
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void proportionIsExactWheneverTheResultFits()
    {
        // 3e9 × 6e9 / 6e9 = 3e9; the first version computed remainder (3e9) × part (6e9) = 1.8e19 first.
        assertEquals(3_000_000_000L, Money.proportion(3_000_000_000L, 6_000_000_000L, 6_000_000_000L));
        // 9e9 × 6e9 / 6e9 = 9e9 (quotient 1, remainder 3e9: same product).
        assertEquals(9_000_000_000L, Money.proportion(9_000_000_000L, 6_000_000_000L, 6_000_000_000L));
        // −(2^63 − 1) × 3 / 3 = −(2^63 − 1): floorDiv gave quotient −3_074_457_345_618_258_603, whose × 3 is below
        // −2^63 although adding the remainder's share (2) brings it back.
        assertEquals(-Long.MAX_VALUE, Money.proportion(-Long.MAX_VALUE, 3, 3));
        assertEquals(Long.MIN_VALUE, Money.proportion(Long.MIN_VALUE, 3, 3));
        // and over random inputs, against BigInteger.
        final Random random = new Random(42);
        for (int i = 0; i < 10_000; i++)
        {
            final long value = random.nextLong();
            final long whole = 1 + (random.nextLong() & Long.MAX_VALUE) % Long.MAX_VALUE;
            final long part = (random.nextLong() & Long.MAX_VALUE) % (whole + 1 > 0 ? whole + 1 : whole);
            final BigInteger exact = MoneyTest.floorDiv(
                BigInteger.valueOf(value).multiply(BigInteger.valueOf(part)), whole);
            MoneyTest.assertExactOrOverflow(exact, () -> Money.proportion(value, part, whole));
        }
    }

    @Test
    void aLargePositionBoughtAtTwoPricesCanBeClosed()
    {
        final RecordingEvents events = new RecordingEvents();
        final ClearingHouse house = unitHouse(events);
        // Alice buys 3e9 lots at 1 and 3e9 at 2 from Bob: 6e9 lots at cost 3e9 + 6e9 = 9e9 (tick value 1, no fee).
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 1, 1, UNIT, 101, 102, 1, 3_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 2, 2, UNIT, 101, 102, 2, 3_000_000_000L));
        // She sells all 6e9 back to Bob at 2: value 12e9 fits easily; realised 12e9 − 9e9 = 3e9 for her,
        // −3e9 for Bob. The first version released 9e9 × 6e9 / 6e9 via 3e9 × 6e9 = 1.8e19 and refused the trade.
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 3, 3, UNIT, 102, 101, 2, 6_000_000_000L));
        assertEquals(0, house.account(101).positionCount());
        assertEquals(0, house.account(102).positionCount());
        assertEquals(10_000_000_000L + 3_000_000_000L, house.account(101).cash());
        assertEquals(10_000_000_000L - 3_000_000_000L, house.account(102).cash());
        assertEquals(0, house.instrument(UNIT).openInterestLots());
        assertEquals(0, house.conservationError());
    }

    // ------------------------------------------------------------------------------------------------------------
    // D2: applyPriceTick refuses a mark whose value at the open interest overflows, "which keeps every account's
    // valuation exact", but clearTrade did not check the open interest it creates against the mark. A tick while
    // open interest is 0 is always accepted, so a later trade left positions that could not be valued: equity,
    // margin, withdrawals, deposits, queries and conservationError() all failed from then on.
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void aTradeNeverLeavesPositionsThatCannotBeValuedAtTheMark()
    {
        final RecordingEvents events = new RecordingEvents();
        final ClearingHouse house = unitHouse(events);
        // open interest 0: value(0, 1e18, 1) = 0, so any mark is accepted.
        assertEquals(Outcome.ACCEPTED, house.applyPriceTick(EXCHANGE, 1, UNIT, 1, 1_000_000_000_000_000_000L));
        // Alice buys 10 lots at 1 (value 10): at the mark they are worth 10 × 1e18 = 1e19 > 2^63 − 1.
        final Outcome outcome = house.clearTrade(EXCHANGE, 2, 1, UNIT, 101, 102, 1, 10);
        // valuation must stay possible (it threw ArithmeticException, and every command below was refused) ...
        assertDoesNotThrow(house::conservationError);
        assertEquals(Outcome.ACCEPTED, house.queryLedger(OPERATOR, 5));
        assertEquals(Outcome.ACCEPTED, house.queryAccount(MEMBER, 3, 101));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 4, 101, 1));
        // ... which the fix achieves by refusing the trade, like a tick that would overflow.
        assertEquals(Outcome.ARITHMETIC_OVERFLOW, outcome);
    }

    // ------------------------------------------------------------------------------------------------------------
    // D3: totalCash() and totalUnrealisedPnl() added with Math.addExact while iterating the accounts map in hash
    // order. Whether an intermediate sum overflows depends on that order, and the order depends on insertion history:
    // a node that replayed the log and a node that loaded a snapshot (accounts inserted in id order) held the same
    // state, with equal digests, yet answered QueryLedger differently (ACCEPTED vs ARITHMETIC_OVERFLOW), and that
    // outcome is recorded in the sender's retained results, so their digests then diverged. DESIGN.md section 7
    // forbids an outcome that depends on hash order. The true totals fit, so the right answer on both is ACCEPTED.
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void ledgerTotalsDoNotDependOnHashOrder()
    {
        final ClearingHouse replayed = new ClearingHouse(new RecordingEvents());
        long sequence = 0;
        // margin 1 ppm: a loser with 1 micro-unit may still buy 1 lot at 1_000.
        assertEquals(Outcome.ACCEPTED, replayed.listInstrument(
            OPERATOR, ++sequence, UNIT, "UNIT", 1, 1, 0, 1, 1, 1));
        // accounts 2, 4 and 1 opened in that order: in Agrona's open addressing, 1 and 4 share a slot.
        final long whale = 2;
        final long winner = 4;
        final long loser = 1;
        assertEquals(Outcome.ACCEPTED, replayed.openAccount(OPERATOR, ++sequence, whale, 1));
        assertEquals(Outcome.ACCEPTED, replayed.openAccount(OPERATOR, ++sequence, winner, 1));
        assertEquals(Outcome.ACCEPTED, replayed.openAccount(OPERATOR, ++sequence, loser, 1));
        assertEquals(Outcome.ACCEPTED, replayed.deposit(OPERATOR, ++sequence, winner, 1));
        assertEquals(Outcome.ACCEPTED, replayed.deposit(OPERATOR, ++sequence, loser, 1));
        // net deposits 2 + (2^63 − 3) = 2^63 − 1
        assertEquals(Outcome.ACCEPTED, replayed.deposit(OPERATOR, ++sequence, whale, Long.MAX_VALUE - 2));
        // the loser buys 1 at 1_000 from the winner and sells it back at 1: winner 1 + 999 = 1_000, loser −998.
        assertEquals(Outcome.ACCEPTED, replayed.clearTrade(EXCHANGE, 1, 1, UNIT, loser, winner, 1_000, 1));
        assertEquals(Outcome.ACCEPTED, replayed.clearTrade(EXCHANGE, 2, 2, UNIT, winner, loser, 1, 1));
        assertEquals(1_000, replayed.account(winner).cash());
        assertEquals(-998, replayed.account(loser).cash());
        // Σ cash = (2^63 − 3) + 1_000 − 998 = 2^63 − 1: it fits, but whale + winner first does not.

        final ClearingHouse restored =
            SnapshotLoader.copyOf(replayed, new RecordingEvents(replayed.eventSequence() + 1));
        assertEquals(StateDump.digestOf(replayed), StateDump.digestOf(restored));

        final Outcome onReplayed = replayed.queryLedger(OPERATOR, ++sequence);
        final Outcome onRestored = restored.queryLedger(OPERATOR, sequence);
        // the first version: replayed ACCEPTED, restored ARITHMETIC_OVERFLOW.
        assertEquals(onReplayed, onRestored, "the same command on the same state must have the same outcome");
        assertEquals(Outcome.ACCEPTED, onRestored);
        assertEquals(StateDump.digestOf(replayed), StateDump.digestOf(restored));
        assertEquals(0, restored.conservationError());
        assertEquals(Long.MAX_VALUE, restored.totalCash());
    }

    // ------------------------------------------------------------------------------------------------------------
    // D4: clearTrade added the buyer's open-interest change before the seller's, so with open interest at 2^63 − 1 a
    // trade that moves long lots from one account to another (net change 0) was refused with ARITHMETIC_OVERFLOW.
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void aTradeBetweenTwoLongsAtMaximumOpenInterestClears()
    {
        final ClearingHouse house = unitHouse(new RecordingEvents());
        // IM of 2^63 − 1 lots at 1 ppm: 9_223_372_036_855 each side.
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 3, 101, 10_000_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 4, 102, 10_000_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 5, 103, 1_000_000L));
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 1, 1, UNIT, 101, 102, 1, Long.MAX_VALUE));
        // Carol (103) buys 5 of Alice's (101) long lots: open interest + 5 − 5 = 2^63 − 1.
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 2, 2, UNIT, 103, 101, 1, 5));
        assertEquals(Long.MAX_VALUE, house.instrument(UNIT).openInterestLots());
        assertEquals(5, house.account(103).quantityAt(0));
    }

    // ------------------------------------------------------------------------------------------------------------
    // D5: on a partial close the released cost basis was rounded towards −∞, so realised PnL rounded towards +∞ for
    // longs and shorts alike: in the member's favour, both when it receives and when it pays. DESIGN.md section 4:
    // what a member receives rounds down, what it owes rounds up. Money is conserved either way (the remainder stays
    // in the cost basis of what is left and is realised on the final close).
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void realisedPnlOnAPartialCloseRoundsAgainstTheMember()
    {
        final RecordingEvents events = new RecordingEvents();
        final ClearingHouse house = new ClearingHouse(events);
        assertEquals(Outcome.ACCEPTED, house.listInstrument(
            OPERATOR, 1, 1, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 100));
        assertEquals(Outcome.ACCEPTED, house.openAccount(OPERATOR, 2, 101, 11));
        assertEquals(Outcome.ACCEPTED, house.openAccount(OPERATOR, 3, 102, 12));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 1, 101, 1_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 2, 102, 1_000_000_000L));
        // Alice buys 2 at 100 and 1 at 101 from Bob: cost 2 × 100 × 100 + 101 × 100 = 30_100 for 3 lots.
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 1, 1, 1, 101, 102, 100, 2));
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 2, 2, 1, 101, 102, 101, 1));
        // Alice sells 1 back to Bob at 110 (value 11_000). Exact: Alice 11_000 − 30_100/3 = +966.67 (receives:
        // round down to 966); Bob −11_000 + 30_100/3 = −966.67 (owes: round up to 967). The first version gave
        // +967 / −966.
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 3, 3, 1, 102, 101, 110, 1));
        final RecordingEvents.TradeCleared cleared = (RecordingEvents.TradeCleared)events.last();
        assertEquals(966, cleared.sellerRealisedPnl());
        assertEquals(-967, cleared.buyerRealisedPnl());
        assertEquals(0, house.conservationError());
    }

    private static ClearingHouse unitHouse(final ClearingEvents events)
    {
        // UNIT: tick value 1, no fee, so values are lots × ticks; margin 1 ppm so that huge positions are margined.
        final ClearingHouse house = new ClearingHouse(events);
        assertEquals(Outcome.ACCEPTED, house.listInstrument(
            OPERATOR, 1, UNIT, "UNIT", 1, 1, 0, 1, 1, 1));
        assertEquals(Outcome.ACCEPTED, house.openAccount(OPERATOR, 2, 101, 11));
        assertEquals(Outcome.ACCEPTED, house.openAccount(OPERATOR, 3, 102, 12));
        assertEquals(Outcome.ACCEPTED, house.openAccount(OPERATOR, 4, 103, 13));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 1, 101, 10_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 2, 102, 10_000_000_000L));
        return house;
    }
}
