package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.ClearingEvents;
import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.LiquidationEngine;
import dev.backstop.clearing.domain.CommandType;
import dev.backstop.clearing.domain.Instrument;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.sbe.snapshot.AccountRecordDecoder;
import dev.backstop.sbe.snapshot.InstrumentRecordDecoder;
import dev.backstop.sbe.snapshot.MessageHeaderDecoder;
import dev.backstop.sbe.snapshot.SenderRecordDecoder;
import dev.backstop.sbe.snapshot.SnapshotBeginDecoder;
import dev.backstop.sbe.snapshot.SnapshotEndDecoder;
import dev.backstop.sbe.snapshot.TradeIdRecordDecoder;
import io.aeron.cluster.client.ClusterException;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot records written by {@link SnapshotWriter} restore, through {@link SnapshotLoader}, a clearing house with
 * the same state digest; anything but a complete snapshot of the expected format fails loudly.
 */
class SnapshotRecordsTest
{
    private static final long OPERATOR = 1;
    private static final long MEMBER = 2;
    private static final long EXCHANGE = 100;

    private final ClearingHouse original = new ClearingHouse(new IgnoredEvents());
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private long operatorSequence;
    private long memberSequence;
    private long exchangeSequence;

    @BeforeEach
    void buildState()
    {
        // Large enough to chunk: 600 positions per account, 2,500 recent results and 2,500 trade ids.
        for (int instrumentId = 1; instrumentId <= 600; instrumentId++)
        {
            accepted(original.listInstrument(OPERATOR, ++operatorSequence, instrumentId, "INST-" + instrumentId,
                100_000, 50_000, 500, 100_000, 1_000, 1));
        }
        accepted(original.openAccount(OPERATOR, ++operatorSequence, 11, 511));
        accepted(original.openAccount(OPERATOR, ++operatorSequence, 12, 512));
        accepted(original.openAccount(OPERATOR, ++operatorSequence, 13, 513));
        for (int i = 0; i < 2_500; i++)
        {
            accepted(original.deposit(MEMBER, ++memberSequence, 11 + i % 3, 1_000_000_000L));
        }
        for (int i = 0; i < 2_500; i++)
        {
            final int instrumentId = 1 + i % 600;
            accepted(original.clearTrade(EXCHANGE, ++exchangeSequence, 10_000 + i, instrumentId,
                11 + i % 2, 13, 1_000 + i % 50, 1 + i % 4));
        }
        original.withdraw(MEMBER, ++memberSequence, 11, Long.MAX_VALUE / 2);
        original.applyPriceTick(OPERATOR, ++operatorSequence, 1, 1, 1_234);
        assertEquals(600, original.account(13).positionCount());
    }

    @Test
    void restoresTheSameStateDigestFromChunkedRecords()
    {
        final List<byte[]> records = write(original);

        final ClearingHouse restored = new ClearingHouse(new IgnoredEvents());
        final SnapshotLoader loader = new SnapshotLoader(restored);
        final long loaded = loader.loadFrom(source(loader, records), NoOpIdleStrategy.INSTANCE);

        assertTrue(loader.isDone());
        assertEquals(records.size() - 2, loaded, "every record between SnapshotBegin and SnapshotEnd");
        assertArrayEquals(digest(original), digest(restored));
        assertEquals(original.tradesCleared(), restored.tradesCleared());
        assertEquals(original.eventSequence(), restored.eventSequence());
        assertEquals(original.lastAppliedSequence(MEMBER), restored.lastAppliedSequence(MEMBER));

        assertTrue(count(records, AccountRecordDecoder.TEMPLATE_ID) > 3, "600 positions span several records");
        assertTrue(count(records, SenderRecordDecoder.TEMPLATE_ID) > 3, "4,096 recent results span several records");
        assertTrue(count(records, TradeIdRecordDecoder.TEMPLATE_ID) >= 3, "2,500 trade ids span several records");
        for (final byte[] record : records)
        {
            assertTrue(record.length < 16 * 1024, "records stay far below a small term's maximum message length");
        }

        // The restored clearing house behaves as the original: a resent command replays its original outcome.
        assertEquals(Outcome.ACCEPTED, restored.deposit(MEMBER, 2_000, 11, 1_000_000_000L));
        assertTrue(restored.lastCommandReplayed());
        assertEquals(Outcome.DUPLICATE_TRADE,
            restored.clearTrade(EXCHANGE, exchangeSequence + 1, 10_000, 1, 11, 13, 1_000, 1));
    }

    @Test
    void restoresTheRiskEngineState()
    {
        final ClearingHouse house = new ClearingHouse(new IgnoredEvents());
        new LiquidationEngine(house);
        long op = 0;
        long ex = 0;
        long mb = 0;
        house.advanceTime(1_000_000);
        accepted(house.listInstrument(OPERATOR, ++op, 1, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 1));
        accepted(house.listInstrument(OPERATOR, ++op, 2, "ETH-PERP", 100_000, 50_000, 500, 100_000, 1_000, 1));
        accepted(house.openAccount(OPERATOR, ++op, 11, 511));
        accepted(house.openAccount(OPERATOR, ++op, 12, 512));
        accepted(house.deposit(MEMBER, ++mb, 11, 10_000_000));
        accepted(house.deposit(MEMBER, ++mb, 12, 10_000_000));
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 1, 1, 50_000, 1_000_000));
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 1, 2, 50_100, 1_000_000));
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 2, 1, 3_000, 1_000_000));
        accepted(house.setOracleParameters(OPERATOR, ++op, 2, 20_000, 40_000, 1, 2, 30_000, 16));
        accepted(house.setMarginBrackets(OPERATOR, ++op, 1, 2, new long[]{5_000_000, Long.MAX_VALUE},
            new int[]{100_000, 150_000}, new int[]{50_000, 75_000}));
        accepted(house.setOpenInterestScaling(OPERATOR, ++op, 1, 1_000_000_000L, 9_000_000_000L));
        accepted(house.setMarginRate(OPERATOR, ++op, 2, 80_000, 40_000, 50_000, 25_000, 10_000, 1_000));
        accepted(house.setUnderlyingScenarios(OPERATOR, ++op, 7, 3, new int[]{-100_000, 0, 100_000}));
        accepted(house.setInstrumentUnderlying(OPERATOR, ++op, 2, 7));
        accepted(house.setAccountMarginMethod(OPERATOR, ++op, 12, 2));
        accepted(house.clearTrade(EXCHANGE, ++ex, 1, 1, 11, 12, 50_000, 20));
        accepted(house.submitOrder(EXCHANGE, ++ex, 901, 11, 1, true, 5, 49_000));
        accepted(house.submitOrder(EXCHANGE, ++ex, 902, 12, 2, false, 7, 3_100));
        assertTrue(house.nextDeadlineMs() < Long.MAX_VALUE, "a released cut is pending");

        // Liquidation engine state: a BLP, a pool with a depositor, and an account taken into liquidation.
        accepted(house.listInstrument(OPERATOR, ++op, 3, "SOL-PERP", 100_000, 50_000, 500, 100_000, 1_000, 1));
        accepted(house.openAccount(OPERATOR, ++op, 13, 513));
        accepted(house.openAccount(OPERATOR, ++op, 14, 514));
        accepted(house.deposit(MEMBER, ++mb, 13, 150_000));
        accepted(house.deposit(MEMBER, ++mb, 14, 50_000_000));
        accepted(house.registerBlp(OPERATOR, ++op, 14, 5_000_000_000L));
        accepted(house.createPool(OPERATOR, ++op, 15, 515));
        accepted(house.poolDeposit(MEMBER, ++mb, 15, 11, 1_000_000));
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 3, 1, 50_000, 1_000_000));
        accepted(house.clearTrade(EXCHANGE, ++ex, 2, 3, 13, 12, 50_000, 20));
        house.advanceTime(1_000_050);
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 3, 1, 43_000, 1_000_050));
        assertTrue(house.liquidationEngine().isLiquidating(13), "account 13 fell below maintenance margin");
        // Auto-deleveraging off for all instruments but on for SOL-PERP.
        accepted(house.setAutoDeleveraging(OPERATOR, ++op, 0, 2));
        accepted(house.setAutoDeleveraging(OPERATOR, ++op, 3, 1));

        final List<byte[]> records = write(house);
        final ClearingHouse restored = new ClearingHouse(new IgnoredEvents());
        new LiquidationEngine(restored);
        final SnapshotLoader loader = new SnapshotLoader(restored);
        loader.loadFrom(source(loader, records), NoOpIdleStrategy.INSTANCE);

        assertTrue(loader.isDone());
        assertArrayEquals(digest(house), digest(restored));
        assertTrue(restored.liquidationEngine().isLiquidating(13));
        assertEquals(1, restored.liquidationEngine().poolCount());
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.LiquidationRecordDecoder.TEMPLATE_ID));
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.BlpRecordDecoder.TEMPLATE_ID));
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.PoolDepositorRecordDecoder.TEMPLATE_ID));
        assertTrue(count(records, dev.backstop.sbe.snapshot.PriceBandRecordDecoder.TEMPLATE_ID) >= 1);
        assertEquals(house.nextDeadlineMs(), restored.nextDeadlineMs());
        assertEquals(2, restored.openOrderCount());
        assertEquals(house.account(11).reservedMargin(), restored.account(11).reservedMargin());
        assertEquals(house.initialMargin(house.account(12)), restored.initialMargin(restored.account(12)));
        assertEquals(50_100, restored.instrument(1).oracle().sourcePriceTicksAt(1));
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.ScenarioGridRecordDecoder.TEMPLATE_ID));
        assertEquals(2, count(records, dev.backstop.sbe.snapshot.OrderRecordDecoder.TEMPLATE_ID));
        assertEquals(3, count(records, dev.backstop.sbe.snapshot.OracleRecordDecoder.TEMPLATE_ID), "one per instrument");
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.AutoDeleveragingRecordDecoder.TEMPLATE_ID));
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.AutoDeleveragingInstrumentRecordDecoder.TEMPLATE_ID));
        assertEquals(dev.backstop.clearing.domain.AutoDeleveragingMode.OFF,
            restored.liquidationEngine().autoDeleveraging().defaultMode());
        assertTrue(restored.liquidationEngine().autoDeleveraging().isEnabled(3));
        assertTrue(!restored.liquidationEngine().autoDeleveraging().isEnabled(1));

        // Both run every deadline for the next few seconds (liquidation rounds, auction steps, the cut's release)
        // to the same state.
        for (int i = 0; i < 200 && house.nextDeadlineMs() < 1_010_000; i++)
        {
            final long deadline = house.nextDeadlineMs();
            assertEquals(deadline, restored.nextDeadlineMs());
            house.advanceTime(deadline);
            house.onDeadline(deadline);
            restored.advanceTime(deadline);
            restored.onDeadline(deadline);
            assertArrayEquals(digest(house), digest(restored));
        }
        assertEquals(0, house.conservationError());
    }

    @Test
    void restoresTheSettlementAndCircuitBreakerState()
    {
        final ClearingHouse house = new ClearingHouse(new IgnoredEvents());
        new LiquidationEngine(house);
        long op = 0;
        long ex = 0;
        long mb = 0;
        house.advanceTime(1_000_000);
        accepted(house.listInstrument(OPERATOR, ++op, 1, "BTC-PERP", 100_000, 50_000, 500, 100_000, 1_000, 1));
        accepted(house.listInstrument(OPERATOR, ++op, 2, "ETH-PERP", 100_000, 50_000, 500, 100_000, 1_000, 1));
        accepted(house.openAccount(OPERATOR, ++op, 11, 511));
        accepted(house.openAccount(OPERATOR, ++op, 12, 512));
        accepted(house.deposit(MEMBER, ++mb, 11, 100_000_000));
        accepted(house.deposit(MEMBER, ++mb, 12, 100_000_000));
        accepted(house.setVariationMarginInterval(OPERATOR, ++op, 2_000));
        accepted(house.setFundingParameters(OPERATOR, ++op, 1, 10_000, 100, 500, 5_000));
        accepted(house.setCircuitBreaker(OPERATOR, ++op, 2, 20_000, 600_000, 30_000));
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 1, 1, 50_000, 1_000_000));
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 2, 1, 3_000, 1_000_000));
        accepted(house.clearTrade(EXCHANGE, ++ex, 1, 1, 11, 12, 50_000, 20));
        accepted(house.clearTrade(EXCHANGE, ++ex, 2, 2, 12, 11, 3_000, 40));
        house.advanceTime(1_001_000);
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 1, 1, 50_200, 1_001_000));
        house.onDeadline(1_002_000); // a VM cycle on both instruments
        house.advanceTime(1_003_000);
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 1, 1, 50_300, 1_003_000)); // a premium sample mid-interval
        accepted(house.clearTrade(EXCHANGE, ++ex, 3, 1, 11, 12, 50_300, 5)); // fees since the cycle
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 2, 1, 3_200, 1_003_000)); // trips ETH's 2% breaker
        assertTrue(house.instrument(2).circuitBreaker().isHalted(1_003_000));
        assertTrue(house.lastSettlementCycleId() >= 2);

        final List<byte[]> records = write(house);
        final ClearingHouse restored = new ClearingHouse(new IgnoredEvents());
        new LiquidationEngine(restored);
        final SnapshotLoader loader = new SnapshotLoader(restored);
        loader.loadFrom(source(loader, records), NoOpIdleStrategy.INSTANCE);

        assertTrue(loader.isDone());
        assertArrayEquals(digest(house), digest(restored));
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.SettlementLedgerRecordDecoder.TEMPLATE_ID));
        assertEquals(2, count(records, dev.backstop.sbe.snapshot.InstrumentFundingRecordDecoder.TEMPLATE_ID));
        assertEquals(2, count(records, dev.backstop.sbe.snapshot.InstrumentBreakerRecordDecoder.TEMPLATE_ID));
        assertTrue(count(records, dev.backstop.sbe.snapshot.BreakerBucketRecordDecoder.TEMPLATE_ID) >= 2);
        assertEquals(2, count(records, dev.backstop.sbe.snapshot.PositionFeesRecordDecoder.TEMPLATE_ID));
        assertEquals(house.nextDeadlineMs(), restored.nextDeadlineMs());
        assertTrue(restored.instrument(2).circuitBreaker().isHalted(1_003_000));
        assertEquals(50_200, restored.instrument(1).settlementPriceTicks());

        // Both go on the same way: the halt ends, VM and funding cycles run, a refused and an accepted trade.
        for (final ClearingHouse h : List.of(house, restored))
        {
            assertEquals(Outcome.INSTRUMENT_HALTED, h.clearTrade(EXCHANGE, ex + 1, 4, 2, 12, 11, 3_200, 1));
            for (int i = 0; i < 40 && h.nextDeadlineMs() <= 1_040_000; i++)
            {
                h.onDeadline(h.nextDeadlineMs());
            }
            accepted(h.clearTrade(EXCHANGE, ex + 2, 5, 2, 12, 11, 3_200, 1));
            assertEquals(0, h.conservationError());
        }
        assertArrayEquals(digest(house), digest(restored));
        assertTrue(house.lastSettlementCycleId() > 20, "VM every 2 s and funding every 10 s ran on both");
    }

    @Test
    void failsWhenTheSnapshotEndsWithoutSnapshotEnd()
    {
        final List<byte[]> records = write(original);
        records.remove(records.size() - 1);

        final SnapshotLoader loader = new SnapshotLoader(new ClearingHouse(new IgnoredEvents()));
        final ClusterException ex = assertThrows(
            ClusterException.class, () -> loader.loadFrom(source(loader, records), NoOpIdleStrategy.INSTANCE));
        assertTrue(ex.getMessage().contains("without SnapshotEnd"), ex.getMessage());
    }

    @Test
    void failsOnAnotherFormatVersion()
    {
        final List<byte[]> records = write(original);
        final UnsafeBuffer begin = new UnsafeBuffer(records.get(0));
        begin.putInt(MessageHeaderDecoder.ENCODED_LENGTH + SnapshotBeginDecoder.formatVersionEncodingOffset(), 1,
            ByteOrder.LITTLE_ENDIAN);

        final ClusterException ex = assertThrows(ClusterException.class, () -> load(records));
        assertTrue(ex.getMessage().contains("format version 1"), ex.getMessage());
    }

    @Test
    void failsWhenTheRestoredDigestDiffers()
    {
        final List<byte[]> records = write(original);
        final int index = indexOf(records, AccountRecordDecoder.TEMPLATE_ID);
        final UnsafeBuffer account = new UnsafeBuffer(records.get(index));
        final int cashOffset = MessageHeaderDecoder.ENCODED_LENGTH + AccountRecordDecoder.cashEncodingOffset();
        account.putLong(cashOffset, account.getLong(cashOffset, ByteOrder.LITTLE_ENDIAN) + 1, ByteOrder.LITTLE_ENDIAN);

        final ClusterException ex = assertThrows(ClusterException.class, () -> load(records));
        assertTrue(ex.getMessage().contains("state digest"), ex.getMessage());
    }

    @Test
    void failsWhenARecordIsMissing()
    {
        final List<byte[]> records = write(original);
        records.remove(indexOf(records, TradeIdRecordDecoder.TEMPLATE_ID));

        final ClusterException ex = assertThrows(ClusterException.class, () -> load(records));
        assertTrue(ex.getMessage().contains("record count"), ex.getMessage());
    }

    @Test
    void failsOnARecordBeforeSnapshotBeginOrOfAnotherSchema()
    {
        final List<byte[]> withoutBegin = write(original);
        withoutBegin.remove(0);
        assertThrows(ClusterException.class, () -> load(withoutBegin));

        final List<byte[]> otherSchema = write(original);
        new UnsafeBuffer(otherSchema.get(1)).putShort(4, (short)103, ByteOrder.LITTLE_ENDIAN);
        final ClusterException ex = assertThrows(ClusterException.class, () -> load(otherSchema));
        assertTrue(ex.getMessage().contains("schema"), ex.getMessage());
    }

    @Test
    void restoresTheDefaultFundAndAnOpenWaterfall()
    {
        final ClearingHouse house = new ClearingHouse(new IgnoredEvents());
        new LiquidationEngine(house, new LiquidationEngine.Context().bandPpm(1_000_000));
        long op = 0;
        long ex = 0;
        long mb = 0;
        final long usd = 1_000_000L;
        accepted(house.listInstrument(OPERATOR, ++op, 1, "BTC-PERP", 100_000, 50_000, 0, 1, 1, usd));
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 1, 1, 1_000, 0));
        accepted(house.openAccount(OPERATOR, ++op, 10, 1));
        accepted(house.openAccount(OPERATOR, ++op, 30, 3));
        accepted(house.openAccount(OPERATOR, ++op, 40, 4));
        accepted(house.deposit(MEMBER, ++mb, 10, 10_000 * usd));
        accepted(house.deposit(MEMBER, ++mb, 30, 100_000 * usd));
        accepted(house.deposit(MEMBER, ++mb, 40, 1_000 * usd));
        accepted(house.contributeDefaultFund(MEMBER, ++mb, 40, 700 * usd));
        accepted(house.injectCcpCapital(OPERATOR, ++op, 5 * usd));
        accepted(house.setDefaultFundParameters(
            OPERATOR, ++op, 500 * usd, 60_000, 100_000, 1_000, 3_600_000, 2_000_000, 28L * 86_400_000L, 10_000));
        accepted(house.setStressScenario(OPERATOR, ++op, 7, 1, new int[]{1}, new int[]{-250_000}));
        accepted(house.setStressScenario(OPERATOR, ++op, 8, 1, new int[]{1}, new int[]{150_000}));
        accepted(house.createPool(OPERATOR, ++op, 90, 9));
        accepted(house.openAccount(OPERATOR, ++op, 91, 9));
        accepted(house.deposit(MEMBER, ++mb, 91, 20_000 * usd));
        accepted(house.poolDeposit(MEMBER, ++mb, 90, 91, 20_000 * usd));
        accepted(house.clearTrade(EXCHANGE, ++ex, 1, 1, 10, 30, 1_000, 100));
        house.advanceTime(1_000);
        accepted(house.applyPriceTick(EXCHANGE, ++ex, 1, 1, 880, 1_000));
        for (long t = 1_000; t <= 1_100; t = house.nextDeadlineMs())
        {
            house.onDeadline(t);
        }
        // The counterparty closes against the pool: no VM gains left, so the waterfall cannot close yet.
        accepted(house.clearTrade(EXCHANGE, ++ex, 2, 1, 30, 90, 880, 100));
        house.onDeadline(1_101);
        assertTrue(house.defaultFund().waterfall().isOpen(), "the waterfall stays open");
        assertTrue(house.defaultFund().openCallCount() > 0, "calls are open");
        assertTrue(house.defaultFund().member(4).periodStartMs() > 0, "member 4 paid at rung 5: a capped period");

        final List<byte[]> records = write(house);
        final ClearingHouse restored = new ClearingHouse(new IgnoredEvents());
        new LiquidationEngine(restored);
        final SnapshotLoader loader = new SnapshotLoader(restored);
        loader.loadFrom(source(loader, records), NoOpIdleStrategy.INSTANCE);
        assertArrayEquals(digest(house), digest(restored));
        assertEquals(1, count(records, dev.backstop.sbe.snapshot.WaterfallRecordDecoder.TEMPLATE_ID));
        assertEquals(2, count(records, dev.backstop.sbe.snapshot.StressShockRecordDecoder.TEMPLATE_ID));
        assertEquals(house.defaultFund().openCallCount(),
            count(records, dev.backstop.sbe.snapshot.FundCallRecordDecoder.TEMPLATE_ID));
        assertEquals(house.defaultFund().memberCount(),
            count(records, dev.backstop.sbe.snapshot.MemberFundRecordDecoder.TEMPLATE_ID));
        assertEquals(house.nextDeadlineMs(), restored.nextDeadlineMs());
        assertEquals(Outcome.WATERFALL_OPEN, restored.withdraw(MEMBER, ++mb, 30, usd));
        assertEquals(Outcome.WATERFALL_OPEN, house.withdraw(MEMBER, mb, 30, usd));

        // Both close the waterfall with new CCP capital, collect the calls at their deadline and recompute alike.
        for (final ClearingHouse h : List.of(house, restored))
        {
            accepted(h.injectCcpCapital(OPERATOR, op + 1, 3_000 * usd));
        }
        for (int i = 0; i < 200 && house.nextDeadlineMs() < 4_000_000; i++)
        {
            final long deadline = house.nextDeadlineMs();
            assertEquals(deadline, restored.nextDeadlineMs());
            house.onDeadline(deadline);
            restored.onDeadline(deadline);
            assertArrayEquals(digest(house), digest(restored));
        }
        assertFalse(restored.defaultFund().waterfall().isOpen());
        assertEquals(0, restored.conservationError());
    }

    @Test
    void anEmptyClearingHouseRoundTrips()
    {
        final ClearingHouse empty = new ClearingHouse(new IgnoredEvents());
        final List<byte[]> records = write(empty);
        assertEquals(SnapshotBeginDecoder.TEMPLATE_ID, templateId(records.get(0)));
        assertEquals(SnapshotEndDecoder.TEMPLATE_ID, templateId(records.get(records.size() - 1)));
        for (final byte[] record : records)
        {
            assertNotEquals(AccountRecordDecoder.TEMPLATE_ID, templateId(record));
            assertNotEquals(InstrumentRecordDecoder.TEMPLATE_ID, templateId(record));
        }

        final ClearingHouse restored = load(records);
        assertArrayEquals(digest(empty), digest(restored));
    }

    private ClearingHouse load(final List<byte[]> records)
    {
        final ClearingHouse restored = new ClearingHouse(new IgnoredEvents());
        final SnapshotLoader loader = new SnapshotLoader(restored);
        loader.loadFrom(source(loader, records), NoOpIdleStrategy.INSTANCE);
        return restored;
    }

    private static List<byte[]> write(final ClearingHouse clearingHouse)
    {
        final List<byte[]> records = new ArrayList<>();
        new SnapshotWriter().write(clearingHouse, (buffer, offset, length) ->
        {
            final byte[] record = new byte[length];
            buffer.getBytes(offset, record);
            records.add(record);
        });
        return records;
    }

    /**
     * Delivers one record per poll, then reports the end of the stream, like a snapshot image would.
     */
    private static SnapshotLoader.Source source(final SnapshotLoader loader, final List<byte[]> records)
    {
        return new SnapshotLoader.Source()
        {
            private int next;

            public int poll(final int fragmentLimit)
            {
                if (next >= records.size())
                {
                    return 0;
                }
                final byte[] record = records.get(next++);
                loader.onFragment(new UnsafeBuffer(record), 0, record.length, null);
                return 1;
            }

            public boolean isEnded()
            {
                return next >= records.size();
            }
        };
    }

    private int count(final List<byte[]> records, final int templateId)
    {
        int count = 0;
        for (final byte[] record : records)
        {
            count += templateId(record) == templateId ? 1 : 0;
        }
        return count;
    }

    private int indexOf(final List<byte[]> records, final int templateId)
    {
        for (int i = 0; i < records.size(); i++)
        {
            if (templateId(records.get(i)) == templateId)
            {
                return i;
            }
        }
        throw new IllegalStateException("no record of template " + templateId);
    }

    private int templateId(final byte[] record)
    {
        headerDecoder.wrap(new UnsafeBuffer(record), 0);
        return headerDecoder.templateId();
    }

    private static byte[] digest(final ClearingHouse clearingHouse)
    {
        final byte[] digest = new byte[32];
        clearingHouse.stateDigest(digest);
        return digest;
    }

    private static void accepted(final Outcome outcome)
    {
        assertEquals(Outcome.ACCEPTED, outcome);
    }

    private static final class IgnoredEvents implements ClearingEvents
    {
        public void onInstrumentListed(final long eventSequence, final Instrument instrument)
        {
        }

        public void onAccountOpened(final long eventSequence, final long accountId, final long memberId)
        {
        }

        public void onTradeCleared(
            final long eventSequence,
            final long exchangeId,
            final long venueTradeId,
            final int instrumentId,
            final long buyAccountId,
            final long sellAccountId,
            final long priceTicks,
            final long quantityLots,
            final long buyerFee,
            final long sellerFee,
            final long buyerRealisedPnl,
            final long sellerRealisedPnl)
        {
        }

        public void onMarkPriceUpdated(
            final long eventSequence,
            final int instrumentId,
            final int sourceId,
            final long tickPriceTicks,
            final dev.backstop.clearing.domain.TickDecision decision,
            final long previousMarkTicks,
            final long markPriceTicks,
            final long indexPriceTicks,
            final int freshSources,
            final long othersMedianTicks)
        {
        }

        public void onCollateralMoved(
            final long eventSequence,
            final long accountId,
            final boolean deposit,
            final long amount,
            final long cashAfter,
            final long equityAfter)
        {
        }

        public void onCommandRefused(
            final long eventSequence,
            final long senderId,
            final long sequence,
            final CommandType command,
            final Outcome outcome)
        {
        }
    }
}
