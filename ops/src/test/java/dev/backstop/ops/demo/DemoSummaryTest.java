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
    void defaultSummaryKeepsItsFieldsAndLeavesTheCrashFieldsOut()
    {
        final DemoSummary summary = new DemoSummary();
        summary.nodes = 3;
        final String json = summary.toJson();
        assertTrue(json.startsWith("{\"nodes\":3,\"tradesCleared\":"), json);
        assertFalse(json.contains("\"liquidations\""), json);
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
