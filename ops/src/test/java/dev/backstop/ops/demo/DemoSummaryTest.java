package dev.backstop.ops.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoSummaryTest
{
    @Test
    void crashSummaryIsConsistentOnlyWhenTheCascadeRanAndMoneyIsConserved()
    {
        final DemoSummary summary = crash();
        summary.check();
        assertTrue(summary.isConsistent(), summary.problems().toString());

        final String json = summary.toJson();
        assertTrue(json.contains("\"scenario\":\"crash\",\"liquidations\":12,\"auctionFills\":5,\"poolTakeovers\":9,"),
            json);
        assertTrue(json.contains("\"insuranceFund\":1000,\"openDeficits\":250,"), json);
        assertTrue(json.contains("\"conservationError\":0,"), json);
        assertFalse(json.contains("\n"));
    }

    @Test
    void crashSummaryNamesEveryMissingStepOfTheCascade()
    {
        final DemoSummary summary = crash();
        summary.liquidations = 0;
        summary.auctionFills = 0;
        summary.poolTakeovers = 0;
        summary.insuranceFund = 0;
        summary.conservationError = 1;
        summary.eventGaps = 1;
        summary.check();

        assertFalse(summary.isConsistent());
        assertEquals(6, summary.problems().size(), summary.problems().toString());
    }

    @Test
    void daySummaryKeepsItsFieldsAndLeavesTheCrashFieldsOut()
    {
        final DemoSummary summary = new DemoSummary();
        summary.nodes = 3;
        final String json = summary.toJson();
        assertTrue(json.startsWith("{\"nodes\":3,\"tradesCleared\":"), json);
        assertFalse(json.contains("\"liquidations\""), json);
    }

    @Test
    void memberDefaultSummaryShowsTheWaterfallAndIsConsistentOnlyWhenItReachedTheMutualFund()
    {
        final DemoSummary summary = memberDefault();
        summary.check();
        assertTrue(summary.isConsistent(), summary.problems().toString());

        final String json = summary.toJson();
        assertTrue(json.contains("\"scenario\":\"default\",\"bankruptMembers\":2,"), json);
        assertTrue(json.contains("\"waterfall\":{\"defaulterCollateral\":100,\"defaulterContribution\":200," +
            "\"insuranceFund\":0,\"ccpCapital\":300,\"mutualisedContributions\":400,\"assessments\":0," +
            "\"vmGainsHaircut\":0},"), json);
        assertTrue(json.contains("\"adlContracts\":24000,"), json);
        assertTrue(json.contains("\"coverageRatio\":1.25,\"coverageRatioPpm\":1250000,"), json);
        assertTrue(json.contains("\"conservationError\":0,"), json);

        summary.coverageRatioPpm = -1;
        assertTrue(summary.toJson().contains("\"coverageRatio\":null,\"coverageRatioPpm\":-1,"), summary.toJson());
    }

    @Test
    void memberDefaultSummaryNamesWhatTheDefaultDidNotReach()
    {
        final DemoSummary summary = memberDefault();
        summary.bankruptMembers = 1;
        summary.waterfall[4] = 0;
        summary.openWaterfalls = 1;
        summary.openDeficits = 5;
        summary.conservationError = -3;
        summary.check();

        assertFalse(summary.isConsistent());
        assertEquals(5, summary.problems().size(), summary.problems().toString());
    }

    private static DemoSummary memberDefault()
    {
        final DemoSummary summary = new DemoSummary();
        summary.nodes = 3;
        summary.scenario = Demo.Scenario.MEMBER_DEFAULT;
        summary.tradesAccepted = 6;
        summary.tradesCleared = 6;
        summary.expectedNetDeposits = 1_000_000;
        summary.ledgerNetDeposits = 1_000_000;
        summary.liquidations = 6;
        summary.bankruptMembers = 2;
        summary.adlContracts = 24_000;
        summary.waterfall[0] = 100;
        summary.waterfall[1] = 200;
        summary.waterfall[3] = 300;
        summary.waterfall[4] = 400;
        summary.coverageRatioPpm = 1_250_000;
        return summary;
    }

    private static DemoSummary crash()
    {
        final DemoSummary summary = new DemoSummary();
        summary.nodes = 3;
        summary.scenario = Demo.Scenario.CRASH;
        summary.tradesAccepted = 30;
        summary.tradesCleared = 30;
        summary.expectedNetDeposits = 1_000_000;
        summary.ledgerNetDeposits = 1_000_000;
        summary.liquidations = 12;
        summary.auctionFills = 5;
        summary.poolTakeovers = 9;
        summary.insuranceFund = 1_000;
        summary.openDeficits = 250;
        return summary;
    }
}
