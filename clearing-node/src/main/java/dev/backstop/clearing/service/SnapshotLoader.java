package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.sbe.snapshot.AccountRecordDecoder;
import dev.backstop.sbe.snapshot.InstrumentRecordDecoder;
import dev.backstop.sbe.snapshot.MessageHeaderDecoder;
import dev.backstop.sbe.snapshot.SenderRecordDecoder;
import dev.backstop.sbe.snapshot.SnapshotBeginDecoder;
import dev.backstop.sbe.snapshot.SnapshotEndDecoder;
import dev.backstop.sbe.snapshot.TradeIdRecordDecoder;
import io.aeron.cluster.client.ClusterException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Restores the clearing house from snapshot records written by {@link SnapshotWriter}; it must receive whole
 * messages, so it sits behind an {@code ImageFragmentAssembler}.
 * <p>
 * Anything but a complete, well-formed snapshot of the expected format fails loudly with a {@link ClusterException}:
 * a record before SnapshotBegin or after SnapshotEnd, an unknown schema or template, another format version, a
 * record count that differs, or a state digest recomputed after the load that differs from the one the writer
 * recorded. A node that cannot restore its state exactly must not join the cluster.
 */
final class SnapshotLoader implements FragmentHandler
{
    /**
     * Where snapshot records come from: the snapshot image behind a fragment assembler, or records in a test.
     */
    interface Source
    {
        /**
         * Delivers up to {@code fragmentLimit} fragments to the loader.
         *
         * @return fragments delivered.
         */
        int poll(int fragmentLimit);

        /**
         * @return true when no more fragments will ever come (end of stream or closed).
         */
        boolean isEnded();
    }

    private final ClearingHouse clearingHouse;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SnapshotBeginDecoder snapshotBegin = new SnapshotBeginDecoder();
    private final InstrumentRecordDecoder instrumentRecord = new InstrumentRecordDecoder();
    private final AccountRecordDecoder accountRecord = new AccountRecordDecoder();
    private final SenderRecordDecoder senderRecord = new SenderRecordDecoder();
    private final TradeIdRecordDecoder tradeIdRecord = new TradeIdRecordDecoder();
    private final SnapshotEndDecoder snapshotEnd = new SnapshotEndDecoder();
    private final byte[] expectedDigest = new byte[32];
    private final byte[] actualDigest = new byte[32];

    private boolean begun;
    private boolean done;
    private long recordCount;
    private boolean hasLastAccount;
    private long lastAccountId;
    private boolean hasLastSender;
    private long lastSenderId;

    SnapshotLoader(final ClearingHouse clearingHouse)
    {
        this.clearingHouse = clearingHouse;
    }

    /**
     * @return true once SnapshotEnd was read and the restored state verified.
     */
    boolean isDone()
    {
        return done;
    }

    /**
     * @return records restored between SnapshotBegin and SnapshotEnd.
     */
    long recordCount()
    {
        return recordCount;
    }

    /**
     * Reads records until SnapshotEnd, idling while the source has none yet.
     *
     * @param source       the records.
     * @param idleStrategy how to wait for more.
     * @return records restored.
     * @throws ClusterException when the source ends before SnapshotEnd, or on any invalid record.
     */
    long loadFrom(final Source source, final IdleStrategy idleStrategy)
    {
        idleStrategy.reset();
        while (!done)
        {
            final int fragments = source.poll(16);
            if (done)
            {
                break;
            }

            if (0 == fragments)
            {
                if (source.isEnded())
                {
                    throw new ClusterException(
                        "snapshot ended without SnapshotEnd after " + recordCount + " records" +
                        (begun ? "" : " and without SnapshotBegin"));
                }
                idleStrategy.idle();
            }
            else
            {
                idleStrategy.reset();
            }
        }
        return recordCount;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (done)
        {
            throw new ClusterException("snapshot record after SnapshotEnd");
        }
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new ClusterException("snapshot record shorter than a message header: length=" + length);
        }

        headerDecoder.wrap(buffer, offset);
        final int schemaId = headerDecoder.schemaId();
        if (SnapshotBeginDecoder.SCHEMA_ID != schemaId)
        {
            throw new ClusterException("snapshot record of unknown schema: schemaId=" + schemaId);
        }

        final int templateId = headerDecoder.templateId();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        if (SnapshotBeginDecoder.TEMPLATE_ID == templateId)
        {
            onSnapshotBegin(buffer, bodyOffset, blockLength, version);
            return;
        }
        if (!begun)
        {
            throw new ClusterException("snapshot record before SnapshotBegin: templateId=" + templateId);
        }

        switch (templateId)
        {
            case InstrumentRecordDecoder.TEMPLATE_ID:
                onInstrument(buffer, bodyOffset, blockLength, version);
                break;

            case AccountRecordDecoder.TEMPLATE_ID:
                onAccount(buffer, bodyOffset, blockLength, version);
                break;

            case SenderRecordDecoder.TEMPLATE_ID:
                onSender(buffer, bodyOffset, blockLength, version);
                break;

            case TradeIdRecordDecoder.TEMPLATE_ID:
                onTradeIds(buffer, bodyOffset, blockLength, version);
                break;

            case SnapshotEndDecoder.TEMPLATE_ID:
                onSnapshotEnd(buffer, bodyOffset, blockLength, version);
                break;

            default:
                throw new ClusterException("snapshot record of unknown template: templateId=" + templateId);
        }
    }

    private void onSnapshotBegin(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        if (begun)
        {
            throw new ClusterException("second SnapshotBegin in one snapshot");
        }
        checkBlockLength(blockLength, SnapshotBeginDecoder.BLOCK_LENGTH);
        snapshotBegin.wrap(buffer, offset, blockLength, version);
        checkFormatVersion(snapshotBegin.formatVersion());
        begun = true;
        clearingHouse.restoreHeader(
            snapshotBegin.eventSequence(),
            snapshotBegin.netDeposits(),
            snapshotBegin.feeAccount(),
            snapshotBegin.tradesCleared());
    }

    private void onInstrument(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, InstrumentRecordDecoder.BLOCK_LENGTH);
        instrumentRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        clearingHouse.restoreInstrument(
            instrumentRecord.instrumentId(),
            instrumentRecord.symbol(),
            instrumentRecord.initialMarginPpm(),
            instrumentRecord.maintenanceMarginPpm(),
            instrumentRecord.tradeFeePpm(),
            instrumentRecord.tickSizeMicros(),
            instrumentRecord.lotSizeMicros(),
            instrumentRecord.tickValue(),
            instrumentRecord.markPriceTicks(),
            instrumentRecord.openInterestLots());
    }

    private void onAccount(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, AccountRecordDecoder.BLOCK_LENGTH);
        accountRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final long accountId = accountRecord.accountId();
        // Records come sorted by key, so a repeated account id is a continuation chunk of the same account.
        if (!hasLastAccount || accountId != lastAccountId)
        {
            clearingHouse.restoreAccount(accountId, accountRecord.memberId(), accountRecord.cash());
            hasLastAccount = true;
            lastAccountId = accountId;
        }
        for (final AccountRecordDecoder.PositionsDecoder position : accountRecord.positions())
        {
            clearingHouse.restorePosition(
                accountId, position.instrumentId(), position.quantityLots(), position.costBasis());
        }
    }

    private void onSender(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, SenderRecordDecoder.BLOCK_LENGTH);
        senderRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final long senderId = senderRecord.senderId();
        if (!hasLastSender || senderId != lastSenderId)
        {
            clearingHouse.restoreSender(senderId, senderRecord.lastAppliedSequence());
            hasLastSender = true;
            lastSenderId = senderId;
        }
        for (final SenderRecordDecoder.RecentResultsDecoder result : senderRecord.recentResults())
        {
            clearingHouse.restoreRecentResult(senderId, result.sequence(), Outcome.fromCode(result.resultCodeRaw()));
        }
    }

    private void onTradeIds(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, TradeIdRecordDecoder.BLOCK_LENGTH);
        tradeIdRecord.wrap(buffer, offset, blockLength, version);
        recordCount++;
        final long exchangeId = tradeIdRecord.exchangeId();
        for (final TradeIdRecordDecoder.TradeIdsDecoder id : tradeIdRecord.tradeIds())
        {
            clearingHouse.restoreTradeId(exchangeId, id.venueTradeId());
        }
    }

    private void onSnapshotEnd(final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        checkBlockLength(blockLength, SnapshotEndDecoder.BLOCK_LENGTH);
        snapshotEnd.wrap(buffer, offset, blockLength, version);
        checkFormatVersion(snapshotEnd.formatVersion());
        if (snapshotEnd.recordCount() != recordCount)
        {
            throw new ClusterException(
                "snapshot record count mismatch: SnapshotEnd says " + snapshotEnd.recordCount() +
                ", loaded " + recordCount);
        }

        snapshotEnd.getStateDigest(expectedDigest, 0, expectedDigest.length);
        clearingHouse.stateDigest(actualDigest);
        if (!Arrays.equals(expectedDigest, actualDigest))
        {
            throw new ClusterException(
                "state digest after snapshot load differs: expected=" + HexFormat.of().formatHex(expectedDigest) +
                " actual=" + HexFormat.of().formatHex(actualDigest));
        }
        done = true;
    }

    private static void checkBlockLength(final int blockLength, final int expected)
    {
        if (blockLength < expected)
        {
            throw new ClusterException(
                "snapshot record block length " + blockLength + " shorter than " + expected);
        }
    }

    private static void checkFormatVersion(final int formatVersion)
    {
        if (SnapshotWriter.FORMAT_VERSION != formatVersion)
        {
            throw new ClusterException(
                "snapshot format version " + formatVersion + " not supported; expected " +
                SnapshotWriter.FORMAT_VERSION);
        }
    }
}
