package dev.backstop.clearing.metrics;

import dev.backstop.clearing.domain.Outcome;
import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class ServiceMetricsTest
{
    @Test
    void countsCommandsByTypeAndOutcomeAndPublishesDomainValues()
    {
        final ServiceMetrics metrics = new ServiceMetrics();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry, "backstop.node");

        metrics.commandApplied(TradeCommandDecoder.TEMPLATE_ID, Outcome.ACCEPTED);
        metrics.commandApplied(TradeCommandDecoder.TEMPLATE_ID, Outcome.ACCEPTED);
        metrics.commandApplied(TradeCommandDecoder.TEMPLATE_ID, Outcome.DUPLICATE_TRADE);
        metrics.commandApplied(DepositCommandDecoder.TEMPLATE_ID, Outcome.INSUFFICIENT_CASH);
        metrics.liquidationStarted();
        metrics.poolTakeover();
        metrics.poolTakeover();
        metrics.publish(ServiceMetrics.INSURANCE_FUND, 1_234_567);

        assertEquals(2, count(registry, "TRADE", "ACCEPTED"));
        assertEquals(1, count(registry, "TRADE", "DUPLICATE_TRADE"));
        assertEquals(1, count(registry, "DEPOSIT", "INSUFFICIENT_CASH"));
        assertEquals(0, count(registry, "DEPOSIT", "ACCEPTED"), "pre-registered at zero");
        assertEquals(1, registry.get("backstop.node.liquidations.started").functionCounter().count());
        assertEquals(0, registry.get("backstop.node.auction.fills").functionCounter().count());
        assertEquals(2, registry.get("backstop.node.pool.takeovers").functionCounter().count());
        assertEquals(1_234_567, registry.get("backstop.node.insurance.fund").gauge().value());
        assertEquals("TRADE", ServiceMetrics.commandTypeName(TradeCommandDecoder.TEMPLATE_ID));
    }

    private static double count(final SimpleMeterRegistry registry, final String type, final String outcome)
    {
        final var counter = registry.find("backstop.node.commands").tags("type", type, "outcome", outcome)
            .functionCounter();
        assertNotNull(counter, type + " " + outcome);
        return counter.count();
    }
}
