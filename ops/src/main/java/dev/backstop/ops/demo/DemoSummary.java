package dev.backstop.ops.demo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a demo run did and whether the clearinghouse stayed consistent through it; rendered as the one JSON line
 * the demo ends with.
 * <p>
 * Consistent means: conservation holds to the micro-unit both by the demo's own reckoning (accepted deposits minus
 * accepted withdrawals against the sum of every account's equity plus the fee account) and by the ledger's; the
 * ledger's net deposits match the demo's; the ledger cleared exactly the trades the demo saw accepted (none lost or
 * doubled across the failover); every refusal the scenario provoked came back with an expected code; a duplicate
 * trade and a re-sent sequence were recognised; and, when a leader was killed, the leadership term moved on.
 * <p>
 * For the crash scenario, consistent means: conservation as above with the insurance fund, the pool and the BLP
 * counted like any other holder of money, and the cascade actually ran: accounts were liquidated, some slices were
 * sold in auctions and others taken over by the pool, the insurance fund received something, and the event stream
 * came through without a gap.
 * <p>
 * For the member-default scenario, consistent means: conservation as above with the default fund's contributions and
 * the CCP's capital counted too (the capital as paid in), at least two members went bankrupt, the loss waterfall
 * absorbed something at the non-defaulters' contributions (rung 5) or deeper, and at the end no waterfall is open, no
 * deficit is left, and the event stream came through without a gap.
 */
public final class DemoSummary
{
    /**
     * Rungs of the loss waterfall, in order.
     */
    static final int WATERFALL_RUNGS = 7;
    private static final String[] RUNG_NAMES = {
        "defaulterCollateral", "defaulterContribution", "insuranceFund", "ccpCapital", "mutualisedContributions",
        "assessments", "vmGainsHaircut" };

    int nodes;
    long tradesCleared;
    long tradesAccepted;
    long rejected;
    long duplicates;
    long replayed;
    long committedBeforeFailover;
    long leaderChanges;
    long conservationError;
    long ledgerConservationError;
    long expectedNetDeposits;
    long ledgerNetDeposits;
    long feeAccount;
    long accounts;
    long eventsSeen;
    long lastEventSequence;
    long ledgerEventSequence;
    long eventGaps;
    long resends;
    int initialLeader = -1;
    int killedLeader = -1;
    int finalLeader = -1;
    long failoverMs = -1;
    long startupMs;
    long wallTimeMs;
    boolean killLeader;
    boolean expectedRefusalsSeen;
    Demo.Scenario scenario = Demo.Scenario.DAY;
    long liquidations;
    long auctionFills;
    long poolTakeovers;
    long marginCalls;
    long auctionBids;
    long insuranceFund;
    long openDeficits;
    long poolEquity;
    long crashFromTicks;
    long crashToTicks;
    long bankruptMembers;
    long adlContracts;
    long adlFills;
    long defaultFundContributions;
    long ccpCapital;
    long defaultFundRequirement;
    long coverageRatioPpm = -1;
    long coverageRatioPpmBeforeCrash = -1;
    long openWaterfalls;
    final long[] waterfall = new long[WATERFALL_RUNGS];
    String stateDigest = "";
    String runDir = "";
    final Map<String, Long> refusals = new TreeMap<>();
    final List<String> problems = new ArrayList<>();

    /**
     * @return nodes in the cluster.
     */
    public int nodes()
    {
        return nodes;
    }

    /**
     * @return trades the ledger says were cleared.
     */
    public long tradesCleared()
    {
        return tradesCleared;
    }

    /**
     * @return trades the demo saw accepted.
     */
    public long tradesAccepted()
    {
        return tradesAccepted;
    }

    /**
     * @return commands refused by the cluster, duplicates excluded.
     */
    public long rejected()
    {
        return rejected;
    }

    /**
     * @return trades refused as DUPLICATE_TRADE.
     */
    public long duplicates()
    {
        return duplicates;
    }

    /**
     * @return re-sent sequences answered with their original result.
     */
    public long replayed()
    {
        return replayed;
    }

    /**
     * @return elections between the start and the end of the scenario (leadership term change).
     */
    public long leaderChanges()
    {
        return leaderChanges;
    }

    /**
     * @return Σ equity + fee account − (deposits − withdrawals), by the demo's own reckoning.
     */
    public long conservationError()
    {
        return conservationError;
    }

    /**
     * @return the ledger's own conservation error.
     */
    public long ledgerConservationError()
    {
        return ledgerConservationError;
    }

    /**
     * @return events received from the event stream.
     */
    public long eventsSeen()
    {
        return eventsSeen;
    }

    /**
     * @return events the cluster published that the event-stream tap never received.
     */
    public long eventsMissed()
    {
        return Math.max(0, ledgerEventSequence - eventsSeen);
    }

    /**
     * @return gaps the tap saw in the event stream's sequence.
     */
    public long eventGaps()
    {
        return eventGaps;
    }

    /**
     * @return wall time of the run in milliseconds.
     */
    public long wallTimeMs()
    {
        return wallTimeMs;
    }

    /**
     * @return the scenario that was played.
     */
    public Demo.Scenario scenario()
    {
        return scenario;
    }

    /**
     * @return accounts taken into liquidation (crash scenario).
     */
    public long liquidations()
    {
        return liquidations;
    }

    /**
     * @return liquidation slices sold to a BLP in a Dutch auction (crash scenario).
     */
    public long auctionFills()
    {
        return auctionFills;
    }

    /**
     * @return slices or whole accounts taken over by a backstop pool (crash scenario).
     */
    public long poolTakeovers()
    {
        return poolTakeovers;
    }

    /**
     * @return margin calls issued (crash scenario).
     */
    public long marginCalls()
    {
        return marginCalls;
    }

    /**
     * @return the insurance fund's balance at the end, micro-units.
     */
    public long insuranceFund()
    {
        return insuranceFund;
    }

    /**
     * @return bankrupt accounts' negative cash not yet absorbed, micro-units.
     */
    public long openDeficits()
    {
        return openDeficits;
    }

    /**
     * @return members whose accounts' deficits entered the loss waterfall (member-default scenario).
     */
    public long bankruptMembers()
    {
        return bankruptMembers;
    }

    /**
     * @return lots closed by auto-deleveraging, from the ledger (member-default scenario).
     */
    public long adlContracts()
    {
        return adlContracts;
    }

    /**
     * @param rung 1 (the defaulters' other collateral) to 7 (the VM gains haircut).
     * @return what that rung absorbed over every waterfall, micro-units (member-default scenario).
     */
    public long waterfallRung(final int rung)
    {
        return waterfall[rung - 1];
    }

    /**
     * @return loss waterfalls still open at the end (member-default scenario).
     */
    public long openWaterfalls()
    {
        return openWaterfalls;
    }

    /**
     * @return the ledger's coverage ratio at the end, ppm; -1 when there was no requirement (member-default scenario).
     */
    public long coverageRatioPpm()
    {
        return coverageRatioPpm;
    }

    /**
     * @return what went wrong, empty when consistent.
     */
    public List<String> problems()
    {
        return List.copyOf(problems);
    }

    /**
     * @return true when the run is consistent (see the class description).
     */
    public boolean isConsistent()
    {
        return problems.isEmpty();
    }

    /**
     * Record the checks' verdicts; call once when every figure is in.
     */
    void check()
    {
        if (0 != conservationError)
        {
            problems.add("conservation error " + conservationError + " by the demo's reckoning");
        }
        if (0 != ledgerConservationError)
        {
            problems.add("conservation error " + ledgerConservationError + " in the ledger");
        }
        if (ledgerNetDeposits != expectedNetDeposits)
        {
            problems.add("ledger net deposits " + ledgerNetDeposits + " != accepted deposits - withdrawals " +
                expectedNetDeposits);
        }
        if (Demo.Scenario.CRASH == scenario)
        {
            checkCrash();
            return;
        }
        if (Demo.Scenario.MEMBER_DEFAULT == scenario)
        {
            checkMemberDefault();
            return;
        }
        if (tradesCleared <= 0)
        {
            problems.add("no trade cleared");
        }
        if (tradesCleared != tradesAccepted)
        {
            problems.add("ledger cleared " + tradesCleared + " trades, the demo saw " + tradesAccepted + " accepted");
        }
        if (!expectedRefusalsSeen)
        {
            problems.add("an expected refusal did not happen");
        }
        if (duplicates < 1)
        {
            problems.add("the duplicate trade was not refused as DUPLICATE_TRADE");
        }
        if (replayed < 1)
        {
            problems.add("the re-sent sequence was not answered as a replay");
        }
        if (killLeader && leaderChanges < 1)
        {
            problems.add("the leader was killed but the leadership term did not change");
        }
    }

    private void checkCrash()
    {
        if (tradesAccepted <= 0)
        {
            problems.add("no trade cleared");
        }
        if (tradesCleared < tradesAccepted)
        {
            problems.add("ledger cleared " + tradesCleared + " trades, fewer than the " + tradesAccepted +
                " the demo saw accepted");
        }
        if (liquidations <= 0)
        {
            problems.add("the crash took no account into liquidation");
        }
        if (auctionFills <= 0)
        {
            problems.add("no liquidation slice was sold in an auction");
        }
        if (poolTakeovers <= 0)
        {
            problems.add("the backstop pool took nothing over");
        }
        if (insuranceFund <= 0)
        {
            problems.add("the insurance fund received nothing");
        }
        if (eventGaps != 0)
        {
            problems.add(eventGaps + " gap(s) in the event stream's sequence");
        }
    }

    private void checkMemberDefault()
    {
        if (tradesAccepted <= 0)
        {
            problems.add("no trade cleared");
        }
        if (tradesCleared < tradesAccepted)
        {
            problems.add("ledger cleared " + tradesCleared + " trades, fewer than the " + tradesAccepted +
                " the demo saw accepted");
        }
        if (bankruptMembers < 2)
        {
            problems.add(bankruptMembers + " member(s) went bankrupt, expected at least 2");
        }
        long deepRungs = 0;
        for (int rung = 5; rung <= WATERFALL_RUNGS; rung++)
        {
            deepRungs += waterfall[rung - 1];
        }
        if (deepRungs <= 0)
        {
            problems.add("the loss waterfall never reached the non-defaulters' contributions (rung 5) or deeper");
        }
        if (0 != openWaterfalls)
        {
            problems.add(openWaterfalls + " loss waterfall(s) still open");
        }
        if (0 != openDeficits)
        {
            problems.add("open deficits " + openDeficits + " left unabsorbed");
        }
        if (eventGaps != 0)
        {
            problems.add(eventGaps + " gap(s) in the event stream's sequence");
        }
    }

    /**
     * @param ppm a coverage ratio in ppm, -1 when there is no requirement.
     * @return the ratio as a JSON number (1.25), or null without a requirement.
     */
    static String ratio(final long ppm)
    {
        return ppm < 0 ? "null" : BigDecimal.valueOf(ppm, 6).stripTrailingZeros().toPlainString();
    }

    /**
     * @return the summary as one line of JSON.
     */
    public String toJson()
    {
        final JsonLine refusalCounts = new JsonLine();
        refusals.forEach(refusalCounts::field);

        final StringBuilder problemList = new StringBuilder("[");
        for (int i = 0; i < problems.size(); i++)
        {
            if (i > 0)
            {
                problemList.append(',');
            }
            JsonLine.quote(problemList, problems.get(i));
        }
        problemList.append(']');

        final JsonLine line = new JsonLine()
            .field("nodes", nodes)
            .field("tradesCleared", tradesCleared)
            .field("tradesAccepted", tradesAccepted)
            .field("rejected", rejected)
            .field("duplicates", duplicates)
            .field("replayed", replayed)
            .field("committedBeforeFailover", committedBeforeFailover)
            .field("refusals", refusalCounts)
            .field("leaderChanges", leaderChanges)
            .field("initialLeader", initialLeader)
            .field("killedLeader", killedLeader)
            .field("finalLeader", finalLeader)
            .field("failoverMs", failoverMs)
            .field("conservationError", conservationError)
            .field("ledgerConservationError", ledgerConservationError);
        if (Demo.Scenario.CRASH == scenario)
        {
            line.field("scenario", "crash")
                .field("liquidations", liquidations)
                .field("auctionFills", auctionFills)
                .field("poolTakeovers", poolTakeovers)
                .field("marginCalls", marginCalls)
                .field("auctionBids", auctionBids)
                .field("insuranceFund", insuranceFund)
                .field("openDeficits", openDeficits)
                .field("poolEquity", poolEquity)
                .field("crashFromTicks", crashFromTicks)
                .field("crashToTicks", crashToTicks);
        }
        else if (Demo.Scenario.MEMBER_DEFAULT == scenario)
        {
            final JsonLine rungs = new JsonLine();
            for (int i = 0; i < WATERFALL_RUNGS; i++)
            {
                rungs.field(RUNG_NAMES[i], waterfall[i]);
            }
            line.field("scenario", scenario.cliName())
                .field("bankruptMembers", bankruptMembers)
                .field("liquidations", liquidations)
                .field("marginCalls", marginCalls)
                .field("adlContracts", adlContracts)
                .field("adlFills", adlFills)
                .field("waterfall", rungs)
                .field("openWaterfalls", openWaterfalls)
                .field("openDeficits", openDeficits)
                .field("defaultFundContributions", defaultFundContributions)
                .field("ccpCapital", ccpCapital)
                .field("insuranceFund", insuranceFund)
                .field("defaultFundRequirement", defaultFundRequirement)
                .rawField("coverageRatio", ratio(coverageRatioPpm))
                .field("coverageRatioPpm", coverageRatioPpm)
                .rawField("coverageRatioBeforeCrash", ratio(coverageRatioPpmBeforeCrash))
                .field("crashFromTicks", crashFromTicks)
                .field("crashToTicks", crashToTicks);
        }
        return line
            .field("netDepositsMicros", expectedNetDeposits)
            .field("feeAccountMicros", feeAccount)
            .field("accounts", accounts)
            .field("eventsSeen", eventsSeen)
            .field("lastEventSequence", lastEventSequence)
            .field("ledgerEventSequence", ledgerEventSequence)
            .field("eventsMissed", eventsMissed())
            .field("eventGaps", eventGaps)
            .field("resends", resends)
            .field("stateDigest", stateDigest)
            .field("startupMs", startupMs)
            .field("wallTimeMs", wallTimeMs)
            .field("runDir", runDir)
            .field("consistent", isConsistent())
            .rawField("problems", problemList.toString())
            .toString();
    }
}
