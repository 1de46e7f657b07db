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

    public void riskLedger(final long clusterTimeMs, final long insuranceFund, final long openDeficits)
    {
        lines.add("ledger now=" + clusterTimeMs + " insurance=" + insuranceFund + " deficits=" + openDeficits);
    }

    public void instrumentRisk(final Instrument i)
    {
        final StringBuilder line = new StringBuilder()
            .append("risk ").append(i.instrumentId()).append(" underlying=").append(i.underlyingId());
        final MarginBrackets b = i.marginBrackets();
        for (int k = 0; k < b.count(); k++)
        {
            line.append(" [").append(b.capAt(k)).append(' ').append(b.initialMarginPpmAt(k)).append('/')
                .append(b.maintenanceMarginPpmAt(k)).append(']');
        }
        line.append(" oi=").append(i.openInterestScaling().lowerCapNotional()).append("..")
            .append(i.openInterestScaling().upperCapNotional());
        appendRate(line.append(" imr="), i.initialMarginRate());
        appendRate(line.append(" mmr="), i.maintenanceMarginRate());
        lines.add(line.toString());
    }

    private static void appendRate(final StringBuilder line, final MarginRateFloor r)
    {
        line.append(r.effectiveRatePpm()).append('>').append(r.targetRatePpm()).append(" floor ").append(r.floorPpm())
            .append(" step ").append(r.maxCutPerStepPpm()).append('/').append(r.stepIntervalMs()).append(" next ")
            .append(r.nextStepDeadlineMs());
    }

    public void oracle(final int instrumentId, final PriceOracle o)
    {
        final StringBuilder line = new StringBuilder().append("oracle ").append(instrumentId).append(' ')
            .append(o.parameters()).append(" index=").append(o.indexPriceTicks()).append(" mark=")
            .append(o.markPriceTicks()).append(" previous=").append(o.previousMarkTicks()).append(" basis=")
            .append(o.hasBasis()).append('/').append(o.emaBasisTicks()).append('@').append(o.emaTimeMs())
            .append(" lastTrade=").append(o.lastTradeTicks()).append('@').append(o.lastTradeTimeMs())
            .append(" last=").append(o.lastDecision()).append(" others=").append(o.othersMedianTicks())
            .append(" fresh=").append(o.freshSourceCount()).append(" counted=").append(o.countedSourceCount());
        for (int s = 0; s < o.sourceCount(); s++)
        {
            line.append(" [").append(o.sourceIdAt(s)).append(": ").append(o.sourcePriceTicksAt(s)).append('@')
                .append(o.sourceTimeMsAt(s)).append(o.isSourceExcludedAt(s) ? " excluded]" : "]");
        }
        lines.add(line.toString());
    }

    public void portfolioMargin(final PortfolioMargin p)
    {
        final StringBuilder line = new StringBuilder().append("portfolio mm=").append(p.maintenanceFractionPpm())
            .append(" gross=").append(p.minimumGrossPpm()).append(" default=");
        for (int s = 0; s < p.defaultScenarioCount(); s++)
        {
            line.append(p.defaultShockPpmAt(s)).append(',');
        }
        for (int g = 0; g < p.gridCount(); g++)
        {
            line.append(" u").append(p.gridUnderlyingIdAt(g)).append('=');
            for (int s = 0; s < p.gridScenarioCountAt(g); s++)
            {
                line.append(p.gridShockPpmAt(g, s)).append(',');
            }
        }
        lines.add(line.toString());
    }

    public void accountRisk(final MarginAccount a)
    {
        lines.add("accountRisk " + a.accountId() + " " + a.riskState() + " " + a.marginMethod() + " " + a.role() +
            " reserved=" + a.reservedMargin() + " orders=" + a.openOrderCount());
    }

    public void order(final OpenOrder o)
    {
        lines.add("order " + o.orderId() + " account=" + o.accountId() + " instrument=" + o.instrumentId() +
            (o.buy() ? " buy " : " sell ") + o.remainingLots() + " @" + o.limitPriceTicks() + " reserved=" +
            o.reservedMargin());
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
    public void settlementLedger(final long vmIntervalMs, final long nextVmMs, final long lastVmMs, final long lastCycleId)
    {
        lines.add("settlement vmInterval=" + vmIntervalMs + " nextVm=" + nextVmMs + " lastVm=" + lastVmMs +
            " lastCycle=" + lastCycleId);
    }

    public void instrumentSettlement(
        final int instrumentId, final long settlementPriceTicks, final long feesSinceSettlement,
        final long realisedGainsSinceSettlement, final long realisedLossesSinceSettlement)
    {
        lines.add("instrumentSettlement " + instrumentId + " price=" + settlementPriceTicks + " fees=" +
            feesSinceSettlement + " gains=" + realisedGainsSinceSettlement + " losses=" + realisedLossesSinceSettlement);
    }

    public void instrumentFunding(
        final int instrumentId, final long intervalMs, final int interestPpm, final int premiumClampPpm,
        final int capPpm, final long nextFundingMs, final long intervalStartMs, final long premiumIntegral,
        final long premiumDurationMs, final boolean hasPremium, final long lastPremiumPpb, final long lastPremiumMs)
    {
        lines.add("funding " + instrumentId + " interval=" + intervalMs + " interest=" + interestPpm + " clamp=" +
            premiumClampPpm + " cap=" + capPpm + " next=" + nextFundingMs + " start=" + intervalStartMs +
            " integral=" + premiumIntegral + " duration=" + premiumDurationMs + " has=" + hasPremium + " premium=" +
            lastPremiumPpb + " at=" + lastPremiumMs);
    }

    public void instrumentBreaker(
        final int instrumentId, final int bandPpm, final long windowMs, final long haltMs, final boolean halted,
        final long haltedSinceMs, final long haltedUntilMs, final long rangeHighTicks, final long rangeLowTicks,
        final long bandTicks)
    {
        lines.add("breaker " + instrumentId + " band=" + bandPpm + " window=" + windowMs + " halt=" + haltMs +
            " halted=" + halted + " since=" + haltedSinceMs + " until=" + haltedUntilMs + " range=" + rangeLowTicks +
            ".." + rangeHighTicks + " bandTicks=" + bandTicks);
    }

    public void breakerBucket(
        final int instrumentId, final int slot, final long epoch, final long highTicks, final long lowTicks)
    {
        lines.add("breakerBucket " + instrumentId + " slot=" + slot + " epoch=" + epoch + " high=" + highTicks +
            " low=" + lowTicks);
    }

    public void positionFees(final long accountId, final int instrumentId, final long fees)
    {
        lines.add("positionFees " + accountId + "/" + instrumentId + " fees=" + fees);
    }
}
