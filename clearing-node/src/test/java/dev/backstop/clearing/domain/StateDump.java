package dev.backstop.clearing.domain;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Readable companion to the state digest: the canonical state as one line per record, so a test can say exactly
 * which part of the state a command changed (a digest only says that something did).
 */
final class StateDump implements ClearingStateSink
{
    final List<String> lines = new ArrayList<>();

    static List<String> of(final ClearingHouse house)
    {
        final StateDump dump = new StateDump();
        house.writeState(dump);
        return dump.lines;
    }

    /**
     * @return the state without the header and sender records: what a refused or duplicate command must leave
     * untouched (a refusal moves the event sequence, every admitted command moves its sender's sequence).
     */
    static List<String> booksOf(final ClearingHouse house)
    {
        return books(of(house));
    }

    static List<String> books(final List<String> state)
    {
        final List<String> books = new ArrayList<>();
        for (final String line : state)
        {
            if (!line.startsWith("header") && !line.startsWith("sender"))
            {
                books.add(line);
            }
        }
        return books;
    }

    static String digestOf(final ClearingHouse house)
    {
        final byte[] digest = new byte[32];
        house.stateDigest(digest);
        return HexFormat.of().formatHex(digest);
    }

    public void header(
        final long eventSequence, final long netDeposits, final long feeAccount, final long tradesCleared)
    {
        lines.add("header eventSequence=" + eventSequence + " netDeposits=" + netDeposits + " fee=" + feeAccount +
            " tradesCleared=" + tradesCleared);
    }

    public void instrument(final Instrument i)
    {
        lines.add("instrument " + i.instrumentId() + " " + i.symbol() + " imr=" + i.initialMarginPpm() +
            " mmr=" + i.maintenanceMarginPpm() + " fee=" + i.tradeFeePpm() + " tick=" + i.tickSizeMicros() +
            " lot=" + i.lotSizeMicros() + " tickValue=" + i.tickValue() + " mark=" + i.markPriceTicks() +
            " oi=" + i.openInterestLots());
    }

    public void account(final MarginAccount a)
    {
        final StringBuilder line = new StringBuilder()
            .append("account ").append(a.accountId()).append(" member=").append(a.memberId())
            .append(" cash=").append(a.cash());
        for (int i = 0; i < a.positionCount(); i++)
        {
            line.append(" [").append(a.instrumentIdAt(i)).append(": ").append(a.quantityAt(i))
                .append(" @cost ").append(a.costBasisAt(i)).append(']');
        }
        lines.add(line.toString());
    }

    public void sender(final SenderSequence s)
    {
        final StringBuilder line = new StringBuilder()
            .append("sender ").append(s.senderId()).append(" last=").append(s.lastAppliedSequence());
        for (int i = 0; i < s.recentResultCount(); i++)
        {
            line.append(' ').append(s.recentSequenceAt(i)).append('=').append(s.recentOutcomeAt(i));
        }
        lines.add(line.toString());
    }

    public void tradeIds(final long exchangeId, final long[] sortedVenueTradeIds, final int offset, final int count)
    {
        final StringBuilder line = new StringBuilder().append("tradeIds ").append(exchangeId);
        for (int i = offset; i < offset + count; i++)
        {
            line.append(' ').append(sortedVenueTradeIds[i]);
        }
        lines.add(line.toString());
    }
}
