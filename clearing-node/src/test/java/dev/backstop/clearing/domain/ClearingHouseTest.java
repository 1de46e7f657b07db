package dev.backstop.clearing.domain;

import dev.backstop.clearing.domain.RecordingEvents.AccountOpened;
import dev.backstop.clearing.domain.RecordingEvents.CollateralMoved;
import dev.backstop.clearing.domain.RecordingEvents.CommandRefused;
import dev.backstop.clearing.domain.RecordingEvents.InstrumentListed;
import dev.backstop.clearing.domain.RecordingEvents.MarkPriceUpdated;
import dev.backstop.clearing.domain.RecordingEvents.TradeCleared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clearing house against a worked example whose every number is computed by hand in the comments.
 * <p>
 * Contracts: BTC-PERP (tick 0.1 USD, lot 0.001 BTC, so a tick for a lot is 0.0001 USD = 100 micro-units; IM 10%,
 * MM 5%, fee 500 ppm) and ETH-PERP (tick value 3 micro-units, so values are not multiples of ten and margin
 * rounds; fee 300 ppm). Alice (101), Bob (102) and Carol (103) deposit 10 000, 10 000 and 5 000 USD. After every
 * test, money is conserved, event sequences are gap-free and a snapshot copy has the same digest.
 */
class ClearingHouseTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final long OTHER_EXCHANGE = 4;

    static final int BTC = 1;
    static final int ETH = 2;
    static final long ALICE = 101;
    static final long BOB = 102;
    static final long CAROL = 103;
    static final long DAVE = 104;

    static final long ALICE_DEPOSIT = 10_000_000_000L;
    static final long BOB_DEPOSIT = 10_000_000_000L;
    static final long CAROL_DEPOSIT = 5_000_000_000L;
    static final long NET_DEPOSITS = 25_000_000_000L;

    RecordingEvents events;
    ClearingHouse house;
    final Map<Long, Long> lastSequence = new HashMap<>();

    @BeforeEach
    void setUp()
    {
        events = new RecordingEvents();
        house = new ClearingHouse(events);
        assertEquals(Outcome.ACCEPTED, listBtc());
        assertEquals(Outcome.ACCEPTED, list(ETH, "ETH-PERP", 100_000, 50_000, 300, 10_000, 300, 3));
        assertEquals(Outcome.ACCEPTED, open(ALICE, 11));
        assertEquals(Outcome.ACCEPTED, open(BOB, 12));
        assertEquals(Outcome.ACCEPTED, open(CAROL, 13));
        assertEquals(Outcome.ACCEPTED, deposit(ALICE, ALICE_DEPOSIT));
        assertEquals(Outcome.ACCEPTED, deposit(BOB, BOB_DEPOSIT));
        assertEquals(Outcome.ACCEPTED, deposit(CAROL, CAROL_DEPOSIT));
        assertEquals(8, events.size());
    }

    @AfterEach
    void moneyIsConservedAndASnapshotCopyIsIdentical()
    {
        assertEquals(0, house.conservationError());
        assertEquals(house.netDeposits(), house.totalCash() + house.totalUnrealisedPnl() + house.feeAccount());
        assertEquals(events.size(), house.eventSequence());
        final ClearingHouse copy = SnapshotLoader.copyOf(house, new RecordingEvents(house.eventSequence() + 1));
        assertEquals(StateDump.of(house), StateDump.of(copy));
        assertEquals(StateDump.digestOf(house), StateDump.digestOf(copy));
    }

    // ---------------------------------------------------------------- listing, accounts, collateral

    @Test
    void listingPublishesTheTermsWithNoMarkAndNoOpenInterest()
    {
        assertEquals(
            new InstrumentListed(1, BTC, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 100, 0, 0),
            events.events.get(0));
        assertEquals(
            new InstrumentListed(2, ETH, "ETH-PERP", 100_000, 50_000, 300, 10_000, 300, 3, 0, 0),
            events.events.get(1));
        final Instrument btc = house.instrument(BTC);
        assertEquals("BTC-PERP", btc.symbol());
        assertEquals(100, btc.tickValue());
        assertEquals(0, btc.markPriceTicks());
        assertEquals(0, btc.openInterestLots());
        assertNull(house.instrument(3));
    }

    @Test
    void listingRefusesEveryParameterOutOfRange()
    {
        final String s65 = "X".repeat(65);
        // instrument id, symbol, IMR, MMR, fee, tick size, lot size, tick value: one thing wrong in each row.
        final Object[][] invalid = {
            {0, "ZERO", 100_000, 50_000, 500, 1L, 1L, 1L},
            {-1, "NEG", 100_000, 50_000, 500, 1L, 1L, 1L},
            {9, null, 100_000, 50_000, 500, 1L, 1L, 1L},
            {9, "", 100_000, 50_000, 500, 1L, 1L, 1L},
            {9, s65, 100_000, 50_000, 500, 1L, 1L, 1L},
            {9, "MMR0", 100_000, 0, 500, 1L, 1L, 1L},
            {9, "MMRNEG", 100_000, -1, 500, 1L, 1L, 1L},
            {9, "MMRBIG", 1_000_000, 1_000_001, 500, 1L, 1L, 1L},
            {9, "IMRLOW", 49_999, 50_000, 500, 1L, 1L, 1L},
            {9, "IMRBIG", 1_000_001, 50_000, 500, 1L, 1L, 1L},
            {9, "FEENEG", 100_000, 50_000, -1, 1L, 1L, 1L},
            {9, "FEEBIG", 100_000, 50_000, 100_001, 1L, 1L, 1L},
            {9, "TICK0", 100_000, 50_000, 500, 0L, 1L, 1L},
            {9, "TICKNEG", 100_000, 50_000, 500, -1L, 1L, 1L},
            {9, "LOT0", 100_000, 50_000, 500, 1L, 0L, 1L},
            {9, "LOTNEG", 100_000, 50_000, 500, 1L, -1L, 1L},
            {9, "TV0", 100_000, 50_000, 500, 1L, 1L, 0L},
            {9, "TVNEG", 100_000, 50_000, 500, 1L, 1L, -1L},
        };
        for (final Object[] row : invalid)
        {
            final List<String> books = StateDump.booksOf(house);
            assertRefused(
                Outcome.INVALID_PARAMETER, CommandType.LIST_INSTRUMENT, OPERATOR,
                () -> list((int)row[0], (String)row[1], (int)row[2], (int)row[3], (int)row[4], (long)row[5],
                    (long)row[6], (long)row[7]));
            assertEquals(books, StateDump.booksOf(house), () -> "refused listing changed the books: " + row[1]);
        }
        assertNull(house.instrument(9));

        // the boundaries themselves are valid: 64-character symbol, IMR = MMR = 100%, fee 0 and 10%.
        assertEquals(Outcome.ACCEPTED, list(10, "Y".repeat(64), 1_000_000, 1_000_000, 0, 1, 1, 1));
        assertEquals(Outcome.ACCEPTED, list(11, "FEE10", 50_000, 50_000, 100_000, 1, 1, 1));
        assertEquals(Outcome.ACCEPTED, list(12, "MMR1", 1, 1, 0, 1, 1, 1));

        // relisting an id is refused and leaves the listed terms alone.
        assertRefused(
            Outcome.INSTRUMENT_EXISTS, CommandType.LIST_INSTRUMENT, OPERATOR,
            () -> list(BTC, "OTHER", 200_000, 100_000, 1_000, 1, 1, 1));
        assertEquals("BTC-PERP", house.instrument(BTC).symbol());
        assertEquals(500, house.instrument(BTC).tradeFeePpm());
    }

    @Test
    void openingAnAccountStartsItEmptyAndRefusesBadOrRepeatedIds()
    {
        assertEquals(new AccountOpened(3, ALICE, 11), events.events.get(2));
        assertEquals(Outcome.ACCEPTED, open(DAVE, 14));
        assertEquals(new AccountOpened(9, DAVE, 14), events.last());
        final MarginAccount dave = house.account(DAVE);
        assertEquals(14, dave.memberId());
        assertEquals(0, dave.cash());
        assertEquals(0, dave.positionCount());
        assertEquals(4, house.accountCount());

        assertRefused(Outcome.INVALID_PARAMETER, CommandType.OPEN_ACCOUNT, OPERATOR, () -> open(0, 14));
        assertRefused(Outcome.INVALID_PARAMETER, CommandType.OPEN_ACCOUNT, OPERATOR, () -> open(-5, 14));
        assertRefused(Outcome.INVALID_PARAMETER, CommandType.OPEN_ACCOUNT, OPERATOR, () -> open(105, 0));
        assertRefused(Outcome.INVALID_PARAMETER, CommandType.OPEN_ACCOUNT, OPERATOR, () -> open(105, -1));
        assertRefused(Outcome.ACCOUNT_EXISTS, CommandType.OPEN_ACCOUNT, OPERATOR, () -> open(ALICE, 99));
        assertEquals(11, house.account(ALICE).memberId());
        assertNull(house.account(105));
        assertEquals(4, house.accountCount());
    }

    @Test
    void depositCreditsCashAndNetDepositsAndRefusesBadAmountsOrAccounts()
    {
        assertEquals(
            new CollateralMoved(6, ALICE, true, ALICE_DEPOSIT, ALICE_DEPOSIT, ALICE_DEPOSIT), events.events.get(5));
        assertEquals(NET_DEPOSITS, house.netDeposits());
        assertEquals(NET_DEPOSITS, house.totalCash());

        assertEquals(Outcome.ACCEPTED, deposit(ALICE, 1));
        // 10_000_000_000 + 1
        assertEquals(new CollateralMoved(9, ALICE, true, 1, 10_000_000_001L, 10_000_000_001L), events.last());
        assertEquals(NET_DEPOSITS + 1, house.netDeposits());

        assertRefused(Outcome.INVALID_AMOUNT, CommandType.DEPOSIT, MEMBER, () -> deposit(ALICE, 0));
        assertRefused(Outcome.INVALID_AMOUNT, CommandType.DEPOSIT, MEMBER, () -> deposit(ALICE, -1));
        assertRefused(Outcome.UNKNOWN_ACCOUNT, CommandType.DEPOSIT, MEMBER, () -> deposit(999, 1));
        assertEquals(10_000_000_001L, house.account(ALICE).cash());
        assertEquals(NET_DEPOSITS + 1, house.netDeposits());
    }

    @Test
    void withdrawalDebitsCashUpToAllOfItAndNeverBeyond()
    {
        assertEquals(Outcome.ACCEPTED, withdraw(ALICE, 1_000_000_000L));
        // 10_000_000_000 − 1_000_000_000 = 9_000_000_000, flat so equity = cash.
        assertEquals(new CollateralMoved(9, ALICE, false, 1_000_000_000L, 9_000_000_000L, 9_000_000_000L),
            events.last());
        assertEquals(NET_DEPOSITS - 1_000_000_000L, house.netDeposits());

        assertRefused(Outcome.INSUFFICIENT_CASH, CommandType.WITHDRAW, MEMBER, () -> withdraw(ALICE, 9_000_000_001L));
        assertEquals(9_000_000_000L, house.withdrawable(house.account(ALICE)));
        assertEquals(Outcome.ACCEPTED, withdraw(ALICE, 9_000_000_000L));
        assertEquals(0, house.account(ALICE).cash());
        // 25_000_000_000 − 10_000_000_000
        assertEquals(15_000_000_000L, house.netDeposits());

        assertRefused(Outcome.INSUFFICIENT_CASH, CommandType.WITHDRAW, MEMBER, () -> withdraw(ALICE, 1));
        assertRefused(Outcome.INVALID_AMOUNT, CommandType.WITHDRAW, MEMBER, () -> withdraw(BOB, 0));
        assertRefused(Outcome.INVALID_AMOUNT, CommandType.WITHDRAW, MEMBER, () -> withdraw(BOB, -7));
        assertRefused(Outcome.UNKNOWN_ACCOUNT, CommandType.WITHDRAW, MEMBER, () -> withdraw(999, 1));
        assertEquals(BOB_DEPOSIT, house.account(BOB).cash());
    }

    @Test
    void withdrawalNeverTakesEquityBelowInitialMarginAtTheMark()
    {
        assertEquals(Outcome.ACCEPTED, open(DAVE, 14));
        assertEquals(Outcome.ACCEPTED, deposit(DAVE, 50_000_000L));
        // Dave buys 7 BTC at 600_001 from Bob: value 420_000_700, fee ⌈210_000.35⌉ = 210_001.
        assertEquals(Outcome.ACCEPTED, trade(7001, BTC, DAVE, BOB, 600_001, 7));
        final MarginAccount dave = house.account(DAVE);
        assertEquals(49_789_999L, dave.cash()); // 50_000_000 − 210_001
        assertEquals(Outcome.ACCEPTED, tick(BTC, 7, 590_000));

        // at 590_000: value 7 × 590_000 × 100 = 413_000_000, unrealised 413_000_000 − 420_000_700 = −7_000_700,
        // equity 49_789_999 − 7_000_700 = 42_789_299, IM 10% × 413_000_000 = 41_300_000, MM 20_650_000,
        // withdrawable min(cash 49_789_999, 42_789_299 − 41_300_000 = 1_489_299) = 1_489_299.
        assertEquals(-7_000_700L, house.unrealisedPnl(dave, 0));
        assertEquals(42_789_299L, house.equity(dave));
        assertEquals(41_300_000L, house.initialMargin(dave));
        assertEquals(20_650_000L, house.maintenanceMargin(dave));
        assertEquals(1_489_299L, house.withdrawable(dave));

        assertRefused(Outcome.BELOW_INITIAL_MARGIN, CommandType.WITHDRAW, MEMBER, () -> withdraw(DAVE, 1_489_300L));
        assertEquals(49_789_999L, dave.cash());

        // equity may end exactly at IM: cash 49_789_999 − 1_489_299 = 48_300_700, equity 41_300_000.
        assertEquals(Outcome.ACCEPTED, withdraw(DAVE, 1_489_299L));
        assertEquals(new CollateralMoved(
            events.last().sequence(), DAVE, false, 1_489_299L, 48_300_700L, 41_300_000L), events.last());
        assertEquals(0, house.withdrawable(dave));
        assertRefused(Outcome.BELOW_INITIAL_MARGIN, CommandType.WITHDRAW, MEMBER, () -> withdraw(DAVE, 1));
    }

    @Test
    void withdrawableIsCappedByCashWhenUnrealisedGainsExceedMargin()
    {
        assertEquals(Outcome.ACCEPTED, open(DAVE, 14));
        assertEquals(Outcome.ACCEPTED, deposit(DAVE, 50_000_000L));
        assertEquals(Outcome.ACCEPTED, trade(7001, BTC, DAVE, BOB, 600_001, 7));
        assertEquals(Outcome.ACCEPTED, tick(BTC, 7, 700_000));
        final MarginAccount dave = house.account(DAVE);

        // at 700_000: value 490_000_000, unrealised 490_000_000 − 420_000_700 = 69_999_300, equity
        // 49_789_999 + 69_999_300 = 119_789_299, IM 49_000_000, equity − IM = 70_789_299 > cash 49_789_999.
        assertEquals(119_789_299L, house.equity(dave));
        assertEquals(49_000_000L, house.initialMargin(dave));
        assertEquals(49_789_999L, house.withdrawable(dave));
        assertRefused(Outcome.INSUFFICIENT_CASH, CommandType.WITHDRAW, MEMBER, () -> withdraw(DAVE, 49_790_000L));
        assertEquals(Outcome.ACCEPTED, withdraw(DAVE, 49_789_999L));
        // cash 0, equity 69_999_300 ≥ IM 49_000_000.
        assertEquals(new CollateralMoved(
            events.last().sequence(), DAVE, false, 49_789_999L, 0, 69_999_300L), events.last());

        // a deposit reports equity at the mark: 69_999_300 + 1_000.
        assertEquals(Outcome.ACCEPTED, deposit(DAVE, 1_000));
        assertEquals(new CollateralMoved(
            events.last().sequence(), DAVE, true, 1_000, 1_000, 70_000_300L), events.last());
    }

    // ---------------------------------------------------------------- novation

    @Test
    void novationOpensEqualAndOppositePositionsAndChargesFeesRoundedUp()
    {
        tradeOneAliceBuysSevenFromBob();

        // the first trade sets the mark, then the trade is published.
        assertEquals(new MarkPriceUpdated(9, BTC, 0, 600_001, 0, 600_001), events.events.get(8));
        // value 7 × 600_001 × 100 = 420_000_700; fee 500 ppm = 210_000.35 -> 210_001 each side.
        assertEquals(new TradeCleared(10, EXCHANGE, 5001, BTC, ALICE, BOB, 600_001, 7, 210_001, 210_001, 0, 0),
            events.events.get(9));
        assertPosition(ALICE, BTC, 7, 420_000_700L);
        assertPosition(BOB, BTC, -7, -420_000_700L);
        assertEquals(9_999_789_999L, house.account(ALICE).cash()); // 10_000_000_000 − 210_001
        assertEquals(9_999_789_999L, house.account(BOB).cash());
        assertEquals(420_002L, house.feeAccount()); // 2 × 210_001
        assertEquals(7, house.instrument(BTC).openInterestLots());
        assertEquals(600_001, house.instrument(BTC).markPriceTicks());
        assertEquals(1, house.tradesCleared());

        final MarginAccount alice = house.account(ALICE);
        assertEquals(0, house.unrealisedPnl(alice, 0));
        assertEquals(9_999_789_999L, house.equity(alice));
        assertEquals(42_000_070L, house.initialMargin(alice)); // 10% × 420_000_700
        assertEquals(21_000_035L, house.maintenanceMargin(alice)); // 5% × 420_000_700
        assertEquals(9_957_789_929L, house.withdrawable(alice)); // 9_999_789_999 − 42_000_070
        // the short's notional is the absolute value: the same margin.
        assertEquals(42_000_070L, house.initialMargin(house.account(BOB)));
    }

    @Test
    void partialCloseRealisesTheClosedShareOfTheCostBasis()
    {
        tradeOneAliceBuysSevenFromBob();
        tradeTwoAliceSellsThreeToCarol();

        // value 3 × 610_001 × 100 = 183_000_300; fee 500 ppm = 91_500.15 -> 91_501.
        // Alice closes 3 of 7: released cost 420_000_700 × 3/7 = 180_000_300, realised 183_000_300 − 180_000_300
        // = 3_000_000 (= 3 lots × 10_000 ticks × 100); cost left 240_000_400.
        assertEquals(new TradeCleared(11, EXCHANGE, 5002, BTC, CAROL, ALICE, 610_001, 3, 91_501, 91_501, 0,
            3_000_000), events.last());
        assertPosition(ALICE, BTC, 4, 240_000_400L);
        assertPosition(CAROL, BTC, 3, 183_000_300L);
        assertEquals(10_002_698_498L, house.account(ALICE).cash()); // 9_999_789_999 + 3_000_000 − 91_501
        assertEquals(4_999_908_499L, house.account(CAROL).cash()); // 5_000_000_000 − 91_501
        assertEquals(603_004L, house.feeAccount()); // 420_002 + 2 × 91_501
        // longs: Alice 4 + Carol 3 = 7, shorts: Bob 7; a later trade does not move the mark.
        assertEquals(7, house.instrument(BTC).openInterestLots());
        assertEquals(600_001, house.instrument(BTC).markPriceTicks());
        assertEquals(11, events.size());

        // at mark 600_001: Alice 4 × 60_000_100 − 240_000_400 = 0, Carol 180_000_300 − 183_000_300 = −3_000_000.
        assertEquals(0, house.unrealisedPnl(house.account(ALICE), 0));
        assertEquals(-3_000_000L, house.unrealisedPnl(house.account(CAROL), 0));
        // Σ cash 10_002_698_498 + 9_999_789_999 + 4_999_908_499 = 25_002_396_996; Σ unrealised −3_000_000;
        // fee 603_004: 25_002_396_996 − 3_000_000 + 603_004 = 25_000_000_000.
        assertEquals(25_002_396_996L, house.totalCash());
        assertEquals(-3_000_000L, house.totalUnrealisedPnl());
    }

    @Test
    void flipClosesTheWholePositionAndOpensTheRestAtTheTradePrice()
    {
        tradeOneAliceBuysSevenFromBob();
        tradeTwoAliceSellsThreeToCarol();
        tradeThreeBobBuysTenFromCarol();

        // value 10 × 590_003 × 100 = 590_003_000; fee 295_001.5 -> 295_002.
        // Bob −7 -> +3: realised −7 × 590_003 × 100 + 420_000_700 = 6_998_600 (7 × 9_998 × 100), new cost
        // 3 × 590_003 × 100 = 177_000_900. Carol +3 -> −7: realised 177_000_900 − 183_000_300 = −5_999_400
        // (3 × −19_998 × 100), new cost −7 × 590_003 × 100 = −413_002_100.
        assertEquals(new TradeCleared(12, EXCHANGE, 5003, BTC, BOB, CAROL, 590_003, 10, 295_002, 295_002,
            6_998_600, -5_999_400), events.last());
        assertPosition(BOB, BTC, 3, 177_000_900L);
        assertPosition(CAROL, BTC, -7, -413_002_100L);
        assertEquals(10_006_493_597L, house.account(BOB).cash()); // 9_999_789_999 + 6_998_600 − 295_002
        assertEquals(4_993_614_097L, house.account(CAROL).cash()); // 4_999_908_499 − 5_999_400 − 295_002
        assertEquals(1_193_008L, house.feeAccount()); // 603_004 + 590_004
        // longs: Alice 4 + Bob 3 = 7; shorts: Carol 7.
        assertEquals(7, house.instrument(BTC).openInterestLots());
    }

    @Test
    void aNewMarkRevaluesEveryPositionAndItsMargin()
    {
        tradeOneAliceBuysSevenFromBob();
        tradeTwoAliceSellsThreeToCarol();
        tradeThreeBobBuysTenFromCarol();
        assertEquals(Outcome.ACCEPTED, tick(BTC, 7, 620_000));
        assertEquals(new MarkPriceUpdated(13, BTC, 7, 620_000, 600_001, 620_000), events.last());

        final MarginAccount alice = house.account(ALICE);
        final MarginAccount bob = house.account(BOB);
        final MarginAccount carol = house.account(CAROL);
        // Alice 4 × 620_000 × 100 = 248_000_000 − 240_000_400 = 7_999_600
        // Bob   3 × 620_000 × 100 = 186_000_000 − 177_000_900 = 8_999_100
        // Carol −434_000_000 + 413_002_100 = −20_997_900
        assertEquals(7_999_600L, house.unrealisedPnl(alice, 0));
        assertEquals(8_999_100L, house.unrealisedPnl(bob, 0));
        assertEquals(-20_997_900L, house.unrealisedPnl(carol, 0));
        assertEquals(10_010_698_098L, house.equity(alice)); // 10_002_698_498 + 7_999_600
        assertEquals(10_015_492_697L, house.equity(bob)); // 10_006_493_597 + 8_999_100
        assertEquals(4_972_616_197L, house.equity(carol)); // 4_993_614_097 − 20_997_900
        assertEquals(24_800_000L, house.initialMargin(alice)); // 10% × 248_000_000
        assertEquals(12_400_000L, house.maintenanceMargin(alice));
        assertEquals(18_600_000L, house.initialMargin(bob)); // 10% × 186_000_000
        assertEquals(9_300_000L, house.maintenanceMargin(bob));
        assertEquals(43_400_000L, house.initialMargin(carol)); // 10% × 434_000_000
        assertEquals(21_700_000L, house.maintenanceMargin(carol));
        // Carol: min(cash 4_993_614_097, 4_972_616_197 − 43_400_000 = 4_929_216_197)
        assertEquals(4_929_216_197L, house.withdrawable(carol));
        // Σ cash 25_002_806_192 + Σ unrealised −3_999_200 + fee 1_193_008 = 25_000_000_000
        assertEquals(25_002_806_192L, house.totalCash());
        assertEquals(-3_999_200L, house.totalUnrealisedPnl());
    }

    @Test
    void fullCloseRemovesThePositionAndReducesOpenInterest()
    {
        tradeOneAliceBuysSevenFromBob();
        tradeTwoAliceSellsThreeToCarol();
        tradeThreeBobBuysTenFromCarol();
        assertEquals(Outcome.ACCEPTED, tick(BTC, 7, 620_000));
        // Alice sells her 4 to Carol at 620_000: value 248_000_000, fee 124_000 exactly.
        assertEquals(Outcome.ACCEPTED, trade(5004, BTC, CAROL, ALICE, 620_000, 4));

        // Alice closes all 4: realised 248_000_000 − 240_000_400 = 7_999_600.
        // Carol closes 4 of 7 short: released −413_002_100 × 4/7 = −236_001_200, realised −248_000_000 + 236_001_200
        // = −11_998_800 (4 × −29_997 × 100), cost left −177_000_900.
        assertEquals(new TradeCleared(14, EXCHANGE, 5004, BTC, CAROL, ALICE, 620_000, 4, 124_000, 124_000,
            -11_998_800, 7_999_600), events.last());
        final MarginAccount alice = house.account(ALICE);
        assertEquals(0, alice.positionCount());
        assertTrue(alice.indexOf(BTC) < 0);
        assertEquals(10_010_574_098L, alice.cash()); // 10_002_698_498 + 7_999_600 − 124_000
        assertEquals(0, house.initialMargin(alice));
        assertEquals(alice.cash(), house.withdrawable(alice));
        assertPosition(CAROL, BTC, -3, -177_000_900L);
        assertEquals(4_981_491_297L, house.account(CAROL).cash()); // 4_993_614_097 − 11_998_800 − 124_000
        assertEquals(1_441_008L, house.feeAccount()); // 1_193_008 + 248_000
        assertEquals(3, house.instrument(BTC).openInterestLots()); // only Bob's 3 are long now
        // Bob +8_999_100 and Carol −186_000_000 + 177_000_900 = −8_999_100 net to zero; Σ cash 24_998_558_992.
        assertEquals(0, house.totalUnrealisedPnl());
        assertEquals(24_998_558_992L, house.totalCash());
        assertEquals(4, house.tradesCleared());
    }

    @Test
    void marginIsLinearInNotionalAndRoundedUpPerPosition()
    {
        assertEquals(Outcome.ACCEPTED, list(3, "SOL-PERP", 100_000, 50_000, 300, 10_000, 300, 3));
        // value 7 × 123_453 × 3 = 2_592_513 in ETH and in SOL; fee 300 ppm = 777.7539 -> 778.
        assertEquals(Outcome.ACCEPTED, trade(6001, ETH, ALICE, BOB, 123_453, 7));
        assertEquals(Outcome.ACCEPTED, trade(6002, 3, ALICE, CAROL, 123_453, 7));
        assertEquals(778, ((TradeCleared)events.last()).buyerFee());
        final MarginAccount alice = house.account(ALICE);
        assertEquals(9_999_998_444L, alice.cash()); // 10_000_000_000 − 2 × 778
        // each position: IM 10% × 2_592_513 = 259_251.3 -> 259_252, MM 5% = 129_625.65 -> 129_626.
        // Alice holds two: 518_504 and 259_252 (rounding the sum instead would give 518_503 and 259_252).
        assertEquals(518_504L, house.initialMargin(alice));
        assertEquals(259_252L, house.maintenanceMargin(alice));
        assertEquals(259_252L, house.initialMargin(house.account(BOB)));
        assertEquals(129_626L, house.maintenanceMargin(house.account(BOB)));
        assertEquals(9_999_479_940L, house.withdrawable(alice)); // 9_999_998_444 − 518_504

        assertEquals(Outcome.ACCEPTED, tick(ETH, 1, 130_000));
        // ETH at 130_000: notional 7 × 130_000 × 3 = 2_730_000, IM 273_000, MM 136_500, unrealised
        // 2_730_000 − 2_592_513 = 137_487; Alice IM 273_000 + 259_252 = 532_252, MM 136_500 + 129_626 = 266_126.
        assertEquals(532_252L, house.initialMargin(alice));
        assertEquals(266_126L, house.maintenanceMargin(alice));
        assertEquals(9_999_998_444L + 137_487L, house.equity(alice));
        assertEquals(-137_487L, house.unrealisedPnl(house.account(BOB), 0));
        // positions are kept in instrument order: ETH (2) before SOL (3).
        assertEquals(ETH, alice.instrumentIdAt(0));
        assertEquals(3, alice.instrumentIdAt(1));
    }

    @Test
    void everyInvalidTradeIsRefusedAndChangesNothing()
    {
        tradeOneAliceBuysSevenFromBob();
        final List<String> books = StateDump.booksOf(house);
        assertRefused(Outcome.UNKNOWN_INSTRUMENT, CommandType.TRADE, EXCHANGE,
            () -> trade(5100, 9, ALICE, BOB, 600_001, 1));
        assertRefused(Outcome.UNKNOWN_ACCOUNT, CommandType.TRADE, EXCHANGE,
            () -> trade(5101, BTC, 999, BOB, 600_001, 1));
        assertRefused(Outcome.UNKNOWN_ACCOUNT, CommandType.TRADE, EXCHANGE,
            () -> trade(5102, BTC, ALICE, 999, 600_001, 1));
        assertRefused(Outcome.SELF_TRADE, CommandType.TRADE, EXCHANGE,
            () -> trade(5103, BTC, ALICE, ALICE, 600_001, 1));
        assertRefused(Outcome.INVALID_QUANTITY, CommandType.TRADE, EXCHANGE,
            () -> trade(5104, BTC, ALICE, BOB, 600_001, 0));
        assertRefused(Outcome.INVALID_QUANTITY, CommandType.TRADE, EXCHANGE,
            () -> trade(5105, BTC, ALICE, BOB, 600_001, -3));
        assertRefused(Outcome.INVALID_PRICE, CommandType.TRADE, EXCHANGE,
            () -> trade(5106, BTC, ALICE, BOB, 0, 1));
        assertRefused(Outcome.INVALID_PRICE, CommandType.TRADE, EXCHANGE,
            () -> trade(5107, BTC, ALICE, BOB, -600_001, 1));
        assertEquals(books, StateDump.booksOf(house));

        // a refused trade does not use up its venue trade id: sent again correctly, it clears.
        assertEquals(Outcome.ACCEPTED, trade(5101, BTC, CAROL, BOB, 600_001, 1));
        assertPosition(CAROL, BTC, 1, 60_000_100L);
    }

    @Test
    void priceTicksMoveTheMarkAndBadTicksAreRefused()
    {
        assertEquals(Outcome.ACCEPTED, tick(BTC, 3, 550_000));
        assertEquals(new MarkPriceUpdated(9, BTC, 3, 550_000, 0, 550_000), events.last());
        // with a mark already set, the first trade does not move it.
        assertEquals(Outcome.ACCEPTED, trade(5001, BTC, ALICE, BOB, 600_001, 7));
        assertEquals(550_000, house.instrument(BTC).markPriceTicks());
        assertEquals(10, events.size());
        // Alice at 550_000: 7 × 550_000 × 100 − 420_000_700 = −35_000_700.
        assertEquals(-35_000_700L, house.unrealisedPnl(house.account(ALICE), 0));

        assertRefused(Outcome.UNKNOWN_INSTRUMENT, CommandType.PRICE_TICK, EXCHANGE, () -> tick(9, 3, 550_000));
        assertRefused(Outcome.INVALID_PRICE, CommandType.PRICE_TICK, EXCHANGE, () -> tick(BTC, 3, 0));
        assertRefused(Outcome.INVALID_PRICE, CommandType.PRICE_TICK, EXCHANGE, () -> tick(BTC, 3, -1));
        assertEquals(550_000, house.instrument(BTC).markPriceTicks());
    }

    @Test
    void queriesAnswerWithoutEventsAndRefuseUnknownAccounts()
    {
        final int before = events.size();
        assertEquals(Outcome.ACCEPTED, house.queryAccount(MEMBER, next(MEMBER), ALICE));
        assertEquals(Outcome.ACCEPTED, house.queryLedger(OPERATOR, next(OPERATOR)));
        assertEquals(before, events.size());
        assertRefused(Outcome.UNKNOWN_ACCOUNT, CommandType.QUERY_ACCOUNT, MEMBER,
            () -> house.queryAccount(MEMBER, next(MEMBER), 999));
    }

    // ---------------------------------------------------------------- exactly once

    @Test
    void aDuplicateVenueTradeIdChangesNothingButTheSendersSequence()
    {
        tradeOneAliceBuysSevenFromBob();
        final List<String> before = StateDump.of(house);
        final int eventCount = events.size();

        // same venue id, different terms: still the same trade, cleared once. Not a refusal, but published.
        assertEquals(Outcome.DUPLICATE_TRADE, trade(5001, BTC, CAROL, ALICE, 999, 1));
        assertFalse(Outcome.DUPLICATE_TRADE.isRefusal());
        assertFalse(house.lastCommandReplayed());
        assertEquals(eventCount + 1, events.size());
        assertEquals(new CommandRefused(eventCount + 1, EXCHANGE, 2, CommandType.TRADE, Outcome.DUPLICATE_TRADE),
            events.last());
        final List<String> after = StateDump.of(house);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++)
        {
            if (before.get(i).startsWith("sender " + EXCHANGE + " "))
            {
                assertEquals("sender 2 last=1 1=ACCEPTED", before.get(i));
                assertEquals("sender 2 last=2 1=ACCEPTED 2=DUPLICATE_TRADE", after.get(i));
            }
            else if (before.get(i).startsWith("header"))
            {
                // only the event sequence moved: 10 -> 11.
                assertEquals(before.get(i).replace("eventSequence=10 ", "eventSequence=11 "), after.get(i));
            }
            else
            {
                assertEquals(before.get(i), after.get(i));
            }
        }
        assertEquals(2, house.lastAppliedSequence(EXCHANGE));

        // venue trade ids are per exchange: another exchange's 5001 is another trade.
        assertEquals(Outcome.ACCEPTED,
            house.clearTrade(OTHER_EXCHANGE, next(OTHER_EXCHANGE), 5001, BTC, CAROL, ALICE, 600_001, 1));
        assertPosition(CAROL, BTC, 1, 60_000_100L);
    }

    @Test
    void aReplayedSequenceReturnsTheOriginalOutcomeAndChangesNothing()
    {
        tradeOneAliceBuysSevenFromBob(); // EXCHANGE sequence 1: ACCEPTED
        assertRefused(Outcome.UNKNOWN_ACCOUNT, CommandType.TRADE, EXCHANGE,
            () -> trade(5002, BTC, 999, BOB, 600_001, 1)); // sequence 2
        assertEquals(Outcome.DUPLICATE_TRADE, trade(5001, BTC, ALICE, BOB, 600_001, 7)); // sequence 3

        final List<String> before = StateDump.of(house);
        final String digest = StateDump.digestOf(house);
        final int eventCount = events.size();

        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 1, 5001, BTC, ALICE, BOB, 600_001, 7));
        assertTrue(house.lastCommandReplayed());
        // the idempotency key decides, not the content: a different command under sequence 1 is still a replay.
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 1, 5999, BTC, CAROL, BOB, 1, 50));
        assertTrue(house.lastCommandReplayed());
        assertEquals(Outcome.ACCEPTED, house.deposit(EXCHANGE, 1, ALICE, 1_000_000));
        assertTrue(house.lastCommandReplayed());
        assertEquals(Outcome.UNKNOWN_ACCOUNT, house.clearTrade(EXCHANGE, 2, 5002, BTC, 999, BOB, 600_001, 1));
        assertTrue(house.lastCommandReplayed());
        assertEquals(Outcome.DUPLICATE_TRADE, house.clearTrade(EXCHANGE, 3, 5001, BTC, ALICE, BOB, 600_001, 7));
        assertTrue(house.lastCommandReplayed());
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, 1, ALICE, ALICE_DEPOSIT));
        assertTrue(house.lastCommandReplayed());

        assertEquals(eventCount, events.size());
        assertEquals(before, StateDump.of(house));
        assertEquals(digest, StateDump.digestOf(house));
        assertEquals(3, house.lastAppliedSequence(EXCHANGE));

        // the next sequence is applied normally and is not flagged as a replay.
        assertEquals(Outcome.ACCEPTED, trade(5003, BTC, CAROL, BOB, 600_001, 1));
        assertFalse(house.lastCommandReplayed());
        assertEquals(4, house.lastAppliedSequence(EXCHANGE));
    }

    @Test
    void aSequenceGapIsRefusedWithAnEventAndDoesNotConsumeTheSequence()
    {
        tradeOneAliceBuysSevenFromBob(); // EXCHANGE at 1
        final List<String> before = StateDump.of(house);
        final int eventCount = events.size();

        assertEquals(Outcome.SEQUENCE_GAP, house.clearTrade(EXCHANGE, 3, 5002, BTC, CAROL, BOB, 600_001, 1));
        assertFalse(house.lastCommandReplayed());
        assertEquals(eventCount + 1, events.size());
        assertEquals(new CommandRefused(eventCount + 1, EXCHANGE, 3, CommandType.TRADE, Outcome.SEQUENCE_GAP),
            events.last());
        assertEquals(1, house.lastAppliedSequence(EXCHANGE));
        // only the event sequence moved.
        final List<String> after = StateDump.of(house);
        assertEquals(before.subList(1, before.size()), after.subList(1, after.size()));
        assertEquals(before.get(0).replace("eventSequence=" + eventCount, "eventSequence=" + (eventCount + 1)),
            after.get(0));

        // the gap did not use sequence 3 up: 2 then 3 are applied, and the trade sent under 3 clears once.
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 2, 5002, BTC, CAROL, BOB, 600_001, 1));
        assertFalse(house.lastCommandReplayed());
        assertEquals(Outcome.ACCEPTED, house.clearTrade(EXCHANGE, 3, 5003, BTC, CAROL, BOB, 600_001, 1));
        assertPosition(CAROL, BTC, 2, 120_000_200L);

        // a new sender must start at 1; a gap does not even create its record.
        assertEquals(Outcome.SEQUENCE_GAP, house.deposit(77, 5, ALICE, 1));
        assertEquals(new CommandRefused(events.size(), 77, 5, CommandType.DEPOSIT, Outcome.SEQUENCE_GAP),
            events.last());
        assertEquals(0, house.lastAppliedSequence(77));
        assertTrue(StateDump.of(house).stream().noneMatch(line -> line.startsWith("sender 77")));
        assertEquals(ALICE_DEPOSIT - 210_001, house.account(ALICE).cash());
    }

    @Test
    void sequenceZeroOrNegativeIsRefusedAsInvalid()
    {
        final long[] badSequences = {0, -1, Long.MIN_VALUE};
        for (final long sequence : badSequences)
        {
            // from a sender with history and from a new one, whose record is not created.
            for (final long sender : new long[]{MEMBER, 78})
            {
                final long lastApplied = house.lastAppliedSequence(sender);
                final int eventCount = events.size();
                final List<String> books = StateDump.booksOf(house);
                assertEquals(Outcome.INVALID_SEQUENCE, house.deposit(sender, sequence, ALICE, 1));
                assertFalse(house.lastCommandReplayed());
                assertEquals(eventCount + 1, events.size());
                assertEquals(new CommandRefused(
                    eventCount + 1, sender, sequence, CommandType.DEPOSIT, Outcome.INVALID_SEQUENCE), events.last());
                assertEquals(lastApplied, house.lastAppliedSequence(sender));
                assertEquals(books, StateDump.booksOf(house));
            }
        }
        assertTrue(StateDump.of(house).stream().noneMatch(line -> line.startsWith("sender 78")));
        assertEquals(ALICE_DEPOSIT, house.account(ALICE).cash());
        assertEquals(NET_DEPOSITS, house.netDeposits());
        // the sender's next sequence is still 4.
        assertEquals(Outcome.ACCEPTED, deposit(ALICE, 1));
    }

    @Test
    void aReplayOlderThanTheRetainedWindowIsExpiredAndChangesNothing()
    {
        // MEMBER has applied 1..3; queries take it to 3 + 4_097 = 4_100. The window keeps the last 4_096: 5..4_100.
        for (int i = 0; i < 4_097; i++)
        {
            final Outcome expected = i % 2 == 0 ? Outcome.ACCEPTED : Outcome.UNKNOWN_ACCOUNT;
            assertEquals(expected, house.queryAccount(MEMBER, next(MEMBER), i % 2 == 0 ? ALICE : 999));
        }
        assertEquals(4_100, house.lastAppliedSequence(MEMBER));
        final List<String> before = StateDump.of(house);
        final int eventCount = events.size();

        assertEquals(Outcome.SEQUENCE_REPLAY_EXPIRED, house.deposit(MEMBER, 1, ALICE, ALICE_DEPOSIT));
        assertTrue(house.lastCommandReplayed());
        assertEquals(Outcome.SEQUENCE_REPLAY_EXPIRED, house.queryAccount(MEMBER, 4, ALICE));
        assertTrue(house.lastCommandReplayed());
        // sequence 5 was the 2nd query (i = 1, unknown account); 4_100 the last (i = 4_096, Alice).
        assertEquals(Outcome.UNKNOWN_ACCOUNT, house.queryAccount(MEMBER, 5, ALICE));
        assertTrue(house.lastCommandReplayed());
        assertEquals(Outcome.ACCEPTED, house.queryAccount(MEMBER, 4_100, 999));
        assertTrue(house.lastCommandReplayed());
        assertEquals(eventCount, events.size());
        assertEquals(before, StateDump.of(house));
        assertEquals(ALICE_DEPOSIT, house.account(ALICE).cash());
    }

    // ---------------------------------------------------------------- overflow

    @Test
    void aTradeWhoseValueOverflowsIsRefusedAndChangesNothing()
    {
        // margin 1 ppm, so that Alice's 10_000 USD margin the 9e12 position below.
        assertEquals(Outcome.ACCEPTED, list(9, "HUGE", 1, 1, 0, 1, 1, 1_000_000_000_000L));
        final List<String> books = StateDump.booksOf(house);
        // 1_000 × 10_000_000 × 1e12 = 1e22 > 9.22e18.
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.TRADE, EXCHANGE,
            () -> trade(8001, 9, ALICE, BOB, 10_000_000, 1_000));
        assertEquals(books, StateDump.booksOf(house));
        assertEquals(0, house.tradesCleared());
        // 1 × 9 × 1e12 fits: the venue id was not used up.
        assertEquals(Outcome.ACCEPTED, trade(8001, 9, ALICE, BOB, 9, 1));
    }

    @Test
    void aTradeThatWouldOverflowOpenInterestIsRefused()
    {
        assertEquals(Outcome.ACCEPTED, list(8, "UNIT", 1, 1, 0, 1, 1, 1));
        // IM at 1 ppm of 2^63 − 1: 9_223_372_036_855, more than Alice and Bob hold: they deposit 10^13 more.
        assertEquals(Outcome.ACCEPTED, deposit(ALICE, 10_000_000_000_000L));
        assertEquals(Outcome.ACCEPTED, deposit(BOB, 10_000_000_000_000L));
        // Alice buys Long.MAX_VALUE lots at 1 from Bob: value 2^63 − 1 fits, open interest 2^63 − 1.
        assertEquals(Outcome.ACCEPTED, trade(8001, 8, ALICE, BOB, 1, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, house.instrument(8).openInterestLots());
        assertEquals(ALICE_DEPOSIT + 10_000_000_000_000L, house.equity(house.account(ALICE)));
        final List<String> books = StateDump.booksOf(house);
        // one more long lot, for Carol, would make open interest 2^63.
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.TRADE, EXCHANGE,
            () -> trade(8002, 8, CAROL, BOB, 1, 1));
        assertEquals(books, StateDump.booksOf(house));
        // a trade that closes 5 lots on both sides lowers open interest and clears (at the same price nothing is
        // realised: Alice releases 5 of cost 2^63 − 1 for 2^63 − 1 lots, i.e. exactly 5).
        assertEquals(Outcome.ACCEPTED, trade(8003, 8, BOB, ALICE, 1, 5));
        assertEquals(Long.MAX_VALUE - 5, house.instrument(8).openInterestLots());
        assertPosition(ALICE, 8, Long.MAX_VALUE - 5, Long.MAX_VALUE - 5);
        assertPosition(BOB, 8, -(Long.MAX_VALUE - 5), -(Long.MAX_VALUE - 5));
        assertEquals(ALICE_DEPOSIT + 10_000_000_000_000L, house.account(ALICE).cash());
    }

    @Test
    void aDepositThatWouldOverflowCashOrNetDepositsIsRefused()
    {
        List<String> books = StateDump.booksOf(house);
        // 10_000_000_000 + (2^63 − 1) overflows Alice's cash.
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.DEPOSIT, MEMBER, () -> deposit(ALICE, Long.MAX_VALUE));
        assertEquals(books, StateDump.booksOf(house));
        assertEquals(NET_DEPOSITS, house.netDeposits());

        assertEquals(Outcome.ACCEPTED, open(DAVE, 14));
        books = StateDump.booksOf(house);
        // Dave's cash would be 2^63 − 1 − 25e9 + 1, which fits, but net deposits would be 2^63.
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.DEPOSIT, MEMBER,
            () -> deposit(DAVE, Long.MAX_VALUE - NET_DEPOSITS + 1));
        assertEquals(books, StateDump.booksOf(house));
        assertEquals(NET_DEPOSITS, house.netDeposits());
        // one micro-unit less fits exactly.
        assertEquals(Outcome.ACCEPTED, deposit(DAVE, Long.MAX_VALUE - NET_DEPOSITS));
        assertEquals(Long.MAX_VALUE, house.netDeposits());
    }

    @Test
    void aMarkWhoseValueAtOpenInterestOverflowsIsRefused()
    {
        tradeOneAliceBuysSevenFromBob(); // open interest 7, tick value 100
        // ⌊(2^63 − 1) / 700⌋ = 13_176_245_766_935_394 (700 × it = 9_223_372_036_854_775_800, remainder 7).
        final long highestMark = 13_176_245_766_935_394L;
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.PRICE_TICK, EXCHANGE,
            () -> tick(BTC, 1, highestMark + 1));
        assertEquals(600_001, house.instrument(BTC).markPriceTicks());

        assertEquals(Outcome.ACCEPTED, tick(BTC, 1, highestMark));
        // Alice: 9_223_372_036_854_775_800 − 420_000_700 = 9_223_372_036_434_775_100, Bob the opposite.
        assertEquals(9_223_372_036_434_775_100L, house.unrealisedPnl(house.account(ALICE), 0));
        assertEquals(-9_223_372_036_434_775_100L, house.unrealisedPnl(house.account(BOB), 0));
        // Alice's equity (cash 9_999_789_999 on top) does not fit: her query is refused, not wrapped.
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.QUERY_ACCOUNT, MEMBER,
            () -> house.queryAccount(MEMBER, next(MEMBER), ALICE));
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.WITHDRAW, MEMBER, () -> withdraw(ALICE, 1));
        // Bob's equity fits (9_999_789_999 − 9_223_372_036_434_775_100 = −9_223_372_026_434_985_101) but his
        // withdrawable does not: equity − IM (922_337_203_685_477_580) is below −2^63, so his query is refused too.
        assertEquals(-9_223_372_026_434_985_101L, house.equity(house.account(BOB)));
        assertEquals(922_337_203_685_477_580L, house.initialMargin(house.account(BOB)));
        assertRefused(Outcome.ARITHMETIC_OVERFLOW, CommandType.QUERY_ACCOUNT, MEMBER,
            () -> house.queryAccount(MEMBER, next(MEMBER), BOB));
        // the ledger totals fit: Alice's and Bob's unrealised cancel.
        assertEquals(Outcome.ACCEPTED, house.queryLedger(OPERATOR, next(OPERATOR)));
        assertEquals(-420_002L, house.totalCash() - NET_DEPOSITS); // fees only
    }

    // ---------------------------------------------------------------- digest

    @Test
    void theDigestDependsOnStateNotOnHistory()
    {
        // the same accounts opened in the opposite order by the same sender, with the same outcomes.
        final ClearingHouse forwards = new ClearingHouse(new RecordingEvents());
        final ClearingHouse backwards = new ClearingHouse(new RecordingEvents());
        for (int i = 1; i <= 40; i++)
        {
            assertEquals(Outcome.ACCEPTED, forwards.openAccount(OPERATOR, i, i * 7919L, i));
            assertEquals(Outcome.ACCEPTED, backwards.openAccount(OPERATOR, i, (41 - i) * 7919L, 41 - i));
        }
        assertEquals(StateDump.digestOf(forwards), StateDump.digestOf(backwards));

        // and a micro-unit anywhere changes it.
        assertEquals(Outcome.ACCEPTED, forwards.deposit(MEMBER, 1, 7919L, 1));
        assertEquals(Outcome.ACCEPTED, backwards.deposit(MEMBER, 1, 7919L * 2, 1));
        assertNotEquals(StateDump.digestOf(forwards), StateDump.digestOf(backwards));
    }

    // ---------------------------------------------------------------- helpers

    void tradeOneAliceBuysSevenFromBob()
    {
        assertEquals(Outcome.ACCEPTED, trade(5001, BTC, ALICE, BOB, 600_001, 7));
    }

    void tradeTwoAliceSellsThreeToCarol()
    {
        assertEquals(Outcome.ACCEPTED, trade(5002, BTC, CAROL, ALICE, 610_001, 3));
    }

    void tradeThreeBobBuysTenFromCarol()
    {
        assertEquals(Outcome.ACCEPTED, trade(5003, BTC, BOB, CAROL, 590_003, 10));
    }

    void assertPosition(final long accountId, final int instrumentId, final long quantity, final long costBasis)
    {
        final MarginAccount account = house.account(accountId);
        final int index = account.indexOf(instrumentId);
        assertTrue(index >= 0, "no position");
        assertEquals(quantity, account.quantityAt(index), "quantity");
        assertEquals(costBasis, account.costBasisAt(index), "cost basis");
    }

    /**
     * Runs a command that must be refused and checks it emitted exactly one refusal event naming the command.
     */
    void assertRefused(
        final Outcome expected, final CommandType command, final long sender, final Supplier<Outcome> action)
    {
        final int before = events.size();
        final long sequenceBefore = house.lastAppliedSequence(sender);
        final Outcome outcome = action.get();
        assertEquals(expected, outcome);
        assertFalse(house.lastCommandReplayed());
        assertEquals(before + 1, events.size(), "exactly one event for a refusal");
        assertEquals(new CommandRefused(before + 1, sender, sequenceBefore + 1, command, expected), events.last());
        assertEquals(sequenceBefore + 1, house.lastAppliedSequence(sender), "a refusal consumes its sequence");
    }

    long next(final long sender)
    {
        final long sequence = lastSequence.merge(sender, 1L, Long::sum);
        assertEquals(sequence - 1, house.lastAppliedSequence(sender));
        return sequence;
    }

    Outcome listBtc()
    {
        return list(BTC, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 100);
    }

    Outcome list(
        final int id, final String symbol, final int imr, final int mmr, final int fee, final long tick,
        final long lot, final long tickValue)
    {
        return house.listInstrument(OPERATOR, next(OPERATOR), id, symbol, imr, mmr, fee, tick, lot, tickValue);
    }

    Outcome open(final long accountId, final long memberId)
    {
        return house.openAccount(OPERATOR, next(OPERATOR), accountId, memberId);
    }

    Outcome deposit(final long accountId, final long amount)
    {
        return house.deposit(MEMBER, next(MEMBER), accountId, amount);
    }

    Outcome withdraw(final long accountId, final long amount)
    {
        return house.withdraw(MEMBER, next(MEMBER), accountId, amount);
    }

    Outcome trade(
        final long venueTradeId, final int instrumentId, final long buyer, final long seller, final long price,
        final long quantity)
    {
        return house.clearTrade(EXCHANGE, next(EXCHANGE), venueTradeId, instrumentId, buyer, seller, price, quantity);
    }

    Outcome tick(final int instrumentId, final int sourceId, final long price)
    {
        return house.applyPriceTick(EXCHANGE, next(EXCHANGE), instrumentId, sourceId, price);
    }
}
