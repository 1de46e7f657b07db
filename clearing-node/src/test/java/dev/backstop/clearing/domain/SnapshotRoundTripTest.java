package dev.backstop.clearing.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot at domain level: {@link ClearingHouse#writeState} into a sink that rebuilds a fresh clearing house
 * through its {@code restore*} methods, as the service adapter does on a snapshot load. The copy must have the same
 * digest and then behave exactly like the original: same outcomes, same replays, same events with the same
 * sequences.
 */
class SnapshotRoundTripTest
{
    static final long OPERATOR = 1;
    static final long EXCHANGE = 2;
    static final long MEMBER = 3;
    static final long OTHER_EXCHANGE = 4;

    @Test
    void anEmptyClearingHouseRoundTrips()
    {
        final ClearingHouse original = new ClearingHouse(new RecordingEvents());
        final ClearingHouse copy = SnapshotLoader.copyOf(original, new RecordingEvents());
        assertEquals(StateDump.digestOf(original), StateDump.digestOf(copy));
        assertEquals(List.of(
            "header eventSequence=0 netDeposits=0 fee=0 tradesCleared=0",
            "ledger now=0 insurance=0 deficits=0",
            "settlement vmInterval=60000 nextVm=60000 lastVm=0 lastCycle=0",
            "portfolio mm=500000 gross=10000 default=-150000,-100000,-50000,0,50000,100000,150000,"),
            StateDump.of(copy));
    }

    @Test
    void aLoadedCopyHasTheSameDigestAndBehavesIdentically()
    {
        final RecordingEvents originalEvents = new RecordingEvents();
        final ClearingHouse original = new ClearingHouse(originalEvents);
        final long[] sequences = new long[5];
        buildBusyState(original, sequences);

        final SnapshotLoader loader = SnapshotLoader.load(original, new RecordingEvents(original.eventSequence() + 1));
        final ClearingHouse copy = loader.target;
        final RecordingEvents copyEvents = new RecordingEvents(original.eventSequence() + 1);
        final ClearingHouse copyWithRecorder = SnapshotLoader.copyOf(original, copyEvents);

        // 1_500 ids on EXCHANGE go out as 1_024 + 476, then OTHER_EXCHANGE's 3 ids.
        assertEquals(List.of(1_024, 476, 3), loader.tradeIdChunkSizes);
        assertEquals(StateDump.of(original), StateDump.of(copy));
        assertEquals(StateDump.digestOf(original), StateDump.digestOf(copy));
        assertEquals(StateDump.digestOf(original), StateDump.digestOf(copyWithRecorder));
        assertEquals(original.conservationError(), copy.conservationError());
        assertEquals(original.equity(original.account(101)), copy.equity(copy.account(101)));
        assertEquals(original.initialMargin(original.account(103)), copy.initialMargin(copy.account(103)));

        // the same commands against both, including replays inside and outside the retained window.
        final int eventsBefore = originalEvents.size();
        final List<Function<ClearingHouse, Outcome>> nextCommands = new ArrayList<>();
        final long e = sequences[(int)EXCHANGE];
        final long m = sequences[(int)MEMBER];
        final long o = sequences[(int)OPERATOR];
        nextCommands.add(h -> h.clearTrade(EXCHANGE, e + 1, 1_200, 1, 101, 102, 600_100, 3)); // id in chunk 2
        nextCommands.add(h -> h.clearTrade(EXCHANGE, e + 2, 7, 1, 101, 102, 600_100, 3)); // id in chunk 1
        nextCommands.add(h -> h.clearTrade(OTHER_EXCHANGE, 4, 2, 1, 101, 102, 600_100, 3)); // OTHER's id 2
        nextCommands.add(h -> h.clearTrade(EXCHANGE, e + 3, 1_501, 1, 103, 101, 600_100, 4)); // new id
        nextCommands.add(h -> h.clearTrade(EXCHANGE, e + 3, 1_501, 1, 103, 101, 600_100, 4)); // replay
        nextCommands.add(h -> h.clearTrade(EXCHANGE, e, 9, 1, 103, 101, 1, 1)); // replay of the self trade
        nextCommands.add(h -> h.clearTrade(EXCHANGE, e + 9, 1_502, 1, 103, 101, 1, 1)); // gap
        nextCommands.add(h -> h.applyPriceTick(EXCHANGE, e + 4, 2, 1, 3_333)); // first tick on ETH
        nextCommands.add(h -> h.applyPriceTick(EXCHANGE, e + 5, 1, 1, 580_000));
        nextCommands.add(h -> h.withdraw(MEMBER, m + 1, 103, 1_000_000_000L));
        nextCommands.add(h -> h.withdraw(MEMBER, m + 2, 103, 999_000_000_000L));
        nextCommands.add(h -> h.queryAccount(MEMBER, 2, 101)); // expired: MEMBER has > 4_096 results
        nextCommands.add(h -> h.queryAccount(MEMBER, m - 1, 101)); // retained: an UNKNOWN_ACCOUNT refusal
        nextCommands.add(h -> h.queryAccount(MEMBER, m, 101)); // retained: ACCEPTED
        nextCommands.add(h -> h.deposit(MEMBER, m + 3, 103, 5_000_000L));
        nextCommands.add(h -> h.listInstrument(OPERATOR, o + 1, 2, "ETH2", 100_000, 50_000, 0, 1, 1, 1));
        nextCommands.add(h -> h.openAccount(OPERATOR, o + 2, 101, 14));
        nextCommands.add(h -> h.openAccount(OPERATOR, o + 3, 105, 15));
        nextCommands.add(h -> h.deposit(MEMBER, m + 4, 105, 5_000_000L));
        nextCommands.add(h -> h.clearTrade(EXCHANGE, e + 6, 1_503, 2, 105, 103, 3_300, 10));
        nextCommands.add(h -> h.queryLedger(OPERATOR, o + 4));

        final List<String> originalOutcomes = new ArrayList<>();
        final List<String> copyOutcomes = new ArrayList<>();
        for (final Function<ClearingHouse, Outcome> command : nextCommands)
        {
            originalOutcomes.add(command.apply(original) + (original.lastCommandReplayed() ? " (replayed)" : ""));
            copyOutcomes.add(command.apply(copyWithRecorder) + (copyWithRecorder.lastCommandReplayed() ?
                " (replayed)" : ""));
        }
        assertEquals(List.of(
            "DUPLICATE_TRADE", "DUPLICATE_TRADE", "DUPLICATE_TRADE", "ACCEPTED", "ACCEPTED (replayed)",
            "SELF_TRADE (replayed)", "SEQUENCE_GAP", "ACCEPTED", "ACCEPTED", "ACCEPTED", "INSUFFICIENT_CASH",
            "SEQUENCE_REPLAY_EXPIRED (replayed)", "UNKNOWN_ACCOUNT (replayed)", "ACCEPTED (replayed)",
            "ACCEPTED", "INSTRUMENT_EXISTS", "ACCOUNT_EXISTS", "ACCEPTED", "ACCEPTED", "ACCEPTED", "ACCEPTED"),
            originalOutcomes);
        assertEquals(originalOutcomes, copyOutcomes);
        assertEquals(originalEvents.since(eventsBefore), copyEvents.events);
        assertTrue(copyEvents.size() >= 8, "the commands after the load produced events");
        assertEquals(StateDump.of(original), StateDump.of(copyWithRecorder));
        assertEquals(StateDump.digestOf(original), StateDump.digestOf(copyWithRecorder));
        assertEquals(0, copyWithRecorder.conservationError());
    }

    @Test
    void theDigestCoversEveryFieldOfTheState()
    {
        // one state built through the restore methods, then the same state with exactly one field changed: every
        // variant must have its own digest, or two nodes could differ in that field and still agree.
        final long[] base = {
            17, 25_000_000_000L, 1_193_008, 4, // header: event sequence, net deposits, fee account, trades cleared
            1, 0, 100_000, 50_000, 500, 100_000, 1_000, 100, 620_000, 7, // instrument (symbol 0 = "BTC-PERP")
            101, 11, 10_002_698_498L, // account
            1, 4, 240_000_400L, // position: instrument, quantity, cost basis
            2, 5, 0, // sender, last applied, outcome code of sequence 5
            2, 5_001, // exchange, venue trade id
        };
        final java.util.Set<String> digests = new java.util.HashSet<>();
        digests.add(StateDump.digestOf(restoredFrom(base)));
        for (int field = 0; field < base.length; field++)
        {
            final long[] variant = base.clone();
            variant[field]++;
            final ClearingHouse house = restoredFrom(variant);
            final int changed = field;
            assertTrue(digests.add(StateDump.digestOf(house)), () -> "digest blind to field " + changed);
        }
        assertEquals(base.length + 1, digests.size());
    }

    private static ClearingHouse restoredFrom(final long[] f)
    {
        final ClearingHouse house = new ClearingHouse(new RecordingEvents());
        house.restoreHeader(f[0], f[1], f[2], f[3]);
        house.restoreInstrument((int)f[4], 0 == f[5] ? "BTC-PERP" : "BTC-PERQ", (int)f[6], (int)f[7], (int)f[8],
            f[9], f[10], f[11], f[12], f[13]);
        house.restoreAccount(f[14], f[15], f[16]);
        house.restorePosition(f[14], (int)f[17], f[18], f[19]);
        house.restoreSender(f[20], f[21]);
        house.restoreRecentResult(f[20], f[21], Outcome.fromCode((int)f[22]));
        house.restoreTradeId(f[23], f[24]);
        return house;
    }

    /**
     * Instruments with and without marks, accounts with several positions, fees, a sender past the retained window
     * with refusals in it, and more venue trade ids than one chunk.
     *
     * @param sequences last sequence used, indexed by sender id.
     */
    static void buildBusyState(final ClearingHouse house, final long[] sequences)
    {
        assertEquals(Outcome.ACCEPTED, house.listInstrument(
            OPERATOR, ++sequences[(int)OPERATOR], 1, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 100));
        assertEquals(Outcome.ACCEPTED, house.listInstrument(
            OPERATOR, ++sequences[(int)OPERATOR], 2, "ETH-PERP", 100_000, 50_000, 300, 10_000, 300, 3));
        assertEquals(Outcome.ACCEPTED, house.listInstrument(
            OPERATOR, ++sequences[(int)OPERATOR], 3, "SOL-PERP", 125_000, 62_500, 250, 1_000, 100, 7));
        for (long account = 101; account <= 103; account++)
        {
            assertEquals(Outcome.ACCEPTED,
                house.openAccount(OPERATOR, ++sequences[(int)OPERATOR], account, account - 90));
        }
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, ++sequences[(int)MEMBER], 101, 90_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, ++sequences[(int)MEMBER], 102, 90_000_000_000L));
        assertEquals(Outcome.ACCEPTED, house.deposit(MEMBER, ++sequences[(int)MEMBER], 103, 3_000_000_000L));

        // 1_500 trades on BTC, rotating buyer and seller, prices around 600_000; 101 buys 2 lots and sells 1, so
        // it ends long 500 and 102 short 500.
        for (int i = 1; i <= 1_500; i++)
        {
            final long buyer = 101 + (i % 3);
            final long seller = 101 + ((i + 1) % 3);
            assertEquals(Outcome.ACCEPTED, house.clearTrade(
                EXCHANGE, ++sequences[(int)EXCHANGE], i, 1, buyer, seller, 600_000 + (i * 37L) % 2_000,
                buyer == 101 ? 2 : 1));
        }
        // SOL trades from another exchange (ids 1..3 again: per exchange), leaving ETH with no mark.
        for (int i = 1; i <= 3; i++)
        {
            assertEquals(Outcome.ACCEPTED, house.clearTrade(
                OTHER_EXCHANGE, ++sequences[(int)OTHER_EXCHANGE], i, 3, 103, 101, 20_000 + i, 11L * i));
        }
        assertEquals(Outcome.ACCEPTED, house.applyPriceTick(EXCHANGE, ++sequences[(int)EXCHANGE], 1, 2, 601_234));
        assertEquals(Outcome.SELF_TRADE, house.clearTrade(
            EXCHANGE, ++sequences[(int)EXCHANGE], 9_999, 1, 101, 101, 600_000, 1));
        // MEMBER past the 4_096-result window, alternating accepted and refused queries; the last one accepted.
        for (int i = 0; i < 4_200; i++)
        {
            final long account = i % 2 == 0 ? 999 : 101;
            house.queryAccount(MEMBER, ++sequences[(int)MEMBER], account);
        }
        assertEquals(0, house.conservationError());
        assertEquals(0, house.instrument(2).markPriceTicks());
        assertEquals(2, house.account(101).positionCount());
        assertEquals(500, house.account(101).quantityAt(0));
        assertEquals(-66, house.account(101).quantityAt(1)); // 11 + 22 + 33 SOL sold to 103
    }
}
