package dev.backstop.clearing.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over the canonical serialisation of the clearing house's state (DESIGN.md section 7): two nodes with the
 * same digest hold byte-for-byte the same state, whatever path each took to it (log replay or snapshot load).
 */
final class StateDigest implements ClearingStateSink
{
    private final MessageDigest sha256;
    private final byte[] scratch = new byte[Long.BYTES];

    StateDigest()
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform must provide SHA-256", ex);
        }
    }

    public void header(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        putLong('H');
        putLong(eventSequence);
        putLong(netDeposits);
        putLong(feeAccount);
        putLong(tradesCleared);
    }

    public void instrument(final Instrument instrument)
    {
        putLong('I');
        putLong(instrument.instrumentId());
        final byte[] symbol = instrument.symbol().getBytes(StandardCharsets.UTF_8);
        putLong(symbol.length);
        sha256.update(symbol);
        putLong(instrument.initialMarginPpm());
        putLong(instrument.maintenanceMarginPpm());
        putLong(instrument.tradeFeePpm());
        putLong(instrument.tickSizeMicros());
        putLong(instrument.lotSizeMicros());
        putLong(instrument.tickValue());
        putLong(instrument.markPriceTicks());
        putLong(instrument.openInterestLots());
    }

    public void account(final MarginAccount account)
    {
        putLong('A');
        putLong(account.accountId());
        putLong(account.memberId());
        putLong(account.cash());
        putLong(account.positionCount());
        for (int i = 0, n = account.positionCount(); i < n; i++)
        {
            putLong(account.instrumentIdAt(i));
            putLong(account.quantityAt(i));
            putLong(account.costBasisAt(i));
        }
    }

    public void sender(final SenderSequence sender)
    {
        putLong('S');
        putLong(sender.senderId());
        putLong(sender.lastAppliedSequence());
        final int count = sender.recentResultCount();
        putLong(count);
        for (int i = 0; i < count; i++)
        {
            putLong(sender.recentSequenceAt(i));
            putLong(sender.recentOutcomeAt(i).code());
        }
    }

    public void tradeIds(final long exchangeId, final long[] sortedVenueTradeIds, final int offset, final int count)
    {
        putLong('T');
        putLong(exchangeId);
        putLong(count);
        for (int i = offset, end = offset + count; i < end; i++)
        {
            putLong(sortedVenueTradeIds[i]);
        }
    }

    void digestInto(final byte[] digest)
    {
        try
        {
            sha256.digest(digest, 0, 32);
        }
        catch (final java.security.DigestException ex)
        {
            throw new IllegalArgumentException("digest needs 32 bytes", ex);
        }
    }

    private void putLong(final long value)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            scratch[i] = (byte)(value >>> (i * 8));
        }
        sha256.update(scratch);
    }
}
