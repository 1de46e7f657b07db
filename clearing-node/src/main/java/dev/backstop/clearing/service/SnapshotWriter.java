package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.ClearingHouse;
import dev.backstop.clearing.domain.ClearingStateSink;
import dev.backstop.clearing.domain.Instrument;
import dev.backstop.clearing.domain.MarginAccount;
import dev.backstop.clearing.domain.SenderSequence;
import dev.backstop.sbe.snapshot.AccountRecordEncoder;
import dev.backstop.sbe.snapshot.InstrumentRecordEncoder;
import dev.backstop.sbe.snapshot.MessageHeaderEncoder;
import dev.backstop.sbe.snapshot.ResultCode;
import dev.backstop.sbe.snapshot.SenderRecordEncoder;
import dev.backstop.sbe.snapshot.SnapshotBeginEncoder;
import dev.backstop.sbe.snapshot.SnapshotEndEncoder;
import dev.backstop.sbe.snapshot.TradeIdRecordEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Writes the clearing house's state as snapshot records (schema 104): SnapshotBegin, the records in the clearing
 * house's canonical order, then SnapshotEnd with the format version, the record count and the state digest.
 * <p>
 * Repeating groups are chunked so that no record exceeds a few tens of KiB, well inside the maximum message length of
 * a small snapshot term: an account with many positions or a sender with a full window of recent results becomes
 * several consecutive records with the same key, and the loader treats a repeated key as a continuation.
 */
final class SnapshotWriter implements ClearingStateSink
{
    /**
     * Version of the record layout and its meaning; a loader refuses any other.
     */
    static final int FORMAT_VERSION = 1;

    /**
     * Positions per AccountRecord.
     */
    static final int POSITION_CHUNK = 512;

    /**
     * Recent results per SenderRecord.
     */
    static final int RECENT_RESULT_CHUNK = 1024;

    /**
     * Where encoded records go: the snapshot publication (offered until it succeeds) or, in tests, a list.
     */
    @FunctionalInterface
    interface RecordOutput
    {
        void write(DirectBuffer buffer, int offset, int length);
    }

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SnapshotBeginEncoder snapshotBegin = new SnapshotBeginEncoder();
    private final InstrumentRecordEncoder instrumentRecord = new InstrumentRecordEncoder();
    private final AccountRecordEncoder accountRecord = new AccountRecordEncoder();
    private final SenderRecordEncoder senderRecord = new SenderRecordEncoder();
    private final TradeIdRecordEncoder tradeIdRecord = new TradeIdRecordEncoder();
    private final SnapshotEndEncoder snapshotEnd = new SnapshotEndEncoder();
    private final byte[] digest = new byte[32];

    private RecordOutput output;
    private long recordCount;
    private boolean begun;

    /**
     * Writes a complete snapshot of {@code clearingHouse} to {@code output}.
     *
     * @param clearingHouse the state to write.
     * @param output        receives each encoded record in order.
     * @return the number of records between SnapshotBegin and SnapshotEnd.
     */
    long write(final ClearingHouse clearingHouse, final RecordOutput output)
    {
        this.output = output;
        recordCount = 0;
        begun = false;
        try
        {
            clearingHouse.writeState(this);
            if (!begun)
            {
                throw new IllegalStateException("clearing house wrote no header");
            }

            clearingHouse.stateDigest(digest);
            snapshotEnd.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .formatVersion(FORMAT_VERSION)
                .recordCount(recordCount)
                .putStateDigest(digest, 0, digest.length);
            emit(snapshotEnd.encodedLength());

            return recordCount;
        }
        finally
        {
            this.output = null;
        }
    }

    public void header(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        if (begun)
        {
            throw new IllegalStateException("header written twice");
        }
        begun = true;
        snapshotBegin.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .formatVersion(FORMAT_VERSION)
            .eventSequence(eventSequence)
            .netDeposits(netDeposits)
            .feeAccount(feeAccount)
            .tradesCleared(tradesCleared);
        emit(snapshotBegin.encodedLength());
    }

    public void instrument(final Instrument instrument)
    {
        instrumentRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .instrumentId(instrument.instrumentId())
            .initialMarginPpm(instrument.initialMarginPpm())
            .maintenanceMarginPpm(instrument.maintenanceMarginPpm())
            .tradeFeePpm(instrument.tradeFeePpm())
            .tickSizeMicros(instrument.tickSizeMicros())
            .lotSizeMicros(instrument.lotSizeMicros())
            .tickValue(instrument.tickValue())
            .markPriceTicks(instrument.markPriceTicks())
            .openInterestLots(instrument.openInterestLots())
            .symbol(instrument.symbol());
        emitRecord(instrumentRecord.encodedLength());
    }

    public void account(final MarginAccount account)
    {
        final int positionCount = account.positionCount();
        int index = 0;
        do
        {
            final int chunk = Math.min(POSITION_CHUNK, positionCount - index);
            accountRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .accountId(account.accountId())
                .memberId(account.memberId())
                .cash(account.cash());
            final AccountRecordEncoder.PositionsEncoder positions = accountRecord.positionsCount(chunk);
            for (int i = 0; i < chunk; i++, index++)
            {
                positions.next()
                    .instrumentId(account.instrumentIdAt(index))
                    .quantityLots(account.quantityAt(index))
                    .costBasis(account.costBasisAt(index));
            }
            emitRecord(accountRecord.encodedLength());
        }
        while (index < positionCount);
    }

    public void sender(final SenderSequence sender)
    {
        final int resultCount = sender.recentResultCount();
        int index = 0;
        do
        {
            final int chunk = Math.min(RECENT_RESULT_CHUNK, resultCount - index);
            senderRecord.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .senderId(sender.senderId())
                .lastAppliedSequence(sender.lastAppliedSequence());
            final SenderRecordEncoder.RecentResultsEncoder results = senderRecord.recentResultsCount(chunk);
            for (int i = 0; i < chunk; i++, index++)
            {
                results.next()
                    .sequence(sender.recentSequenceAt(index))
                    .resultCode(ResultCode.get(sender.recentOutcomeAt(index).code()));
            }
            emitRecord(senderRecord.encodedLength());
        }
        while (index < resultCount);
    }

    public void tradeIds(final long exchangeId, final long[] sortedVenueTradeIds, final int offset, final int count)
    {
        int index = offset;
        final int end = offset + count;
        do
        {
            final int chunk = Math.min(ClearingHouse.TRADE_ID_CHUNK, end - index);
            tradeIdRecord.wrapAndApplyHeader(buffer, 0, headerEncoder).exchangeId(exchangeId);
            final TradeIdRecordEncoder.TradeIdsEncoder ids = tradeIdRecord.tradeIdsCount(chunk);
            for (int i = 0; i < chunk; i++, index++)
            {
                ids.next().venueTradeId(sortedVenueTradeIds[index]);
            }
            emitRecord(tradeIdRecord.encodedLength());
        }
        while (index < end);
    }

    private void emitRecord(final int messageLength)
    {
        if (!begun)
        {
            throw new IllegalStateException("record before header");
        }
        recordCount++;
        emit(messageLength);
    }

    private void emit(final int messageLength)
    {
        output.write(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + messageLength);
    }
}
