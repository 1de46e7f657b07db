package dev.backstop.clearing.metrics;

import dev.backstop.clearing.domain.Outcome;
import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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

    @Test
    void registersAnEquityGaugePerPoolAsPoolsAppear()
    {
        final ServiceMetrics metrics = new ServiceMetrics();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final LabelledGauges pools = metrics.poolEquity();
        pools.publish(0, 15, 400_000);
        pools.publishCount(1);
        metrics.bindTo(registry, "backstop.node");

        assertEquals(400_000, registry.get("backstop.node.pool.equity").tag("pool", "15").gauge().value());
        assertNull(registry.find("backstop.node.pool.equity").tag("pool", "16").gauge());

        pools.publish(0, 15, 390_000);
        pools.publish(1, 16, 7);
        pools.publishCount(2);
        assertEquals(390_000, registry.get("backstop.node.pool.equity").tag("pool", "15").gauge().value());
        assertNull(registry.find("backstop.node.pool.equity").tag("pool", "16").gauge(), "registered before a scrape");
        assertEquals(1, metrics.registerNewMeters());
        assertEquals(7, registry.get("backstop.node.pool.equity").tag("pool", "16").gauge().value());
        assertEquals(0, metrics.registerNewMeters(), "nothing new");
        assertEquals(0, registry.get("backstop.node.pool.equity.overflow").gauge().value());
    }

    @Test
    void countsRowsBeyondTheCapacityWithoutAGauge()
    {
        final LabelledGauges gauges = new LabelledGauges("rung.used", "rung", "test", 2);
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        gauges.bindTo(registry, "backstop.node");
        for (int i = 0; i < 3; i++)
        {
            gauges.publish(i, 100 + i, i);
        }
        gauges.publishCount(3);
        assertEquals(2, gauges.registerNew());
        assertEquals(2, registry.find("backstop.node.rung.used").gauges().size());
        assertEquals(1, registry.get("backstop.node.rung.used.overflow").gauge().value());
        assertEquals(Double.NaN, gauges.valueOf(102));
        assertEquals(1, gauges.valueOf(101));
    }

    private static double count(final SimpleMeterRegistry registry, final String type, final String outcome)
    {
        final var counter = registry.find("backstop.node.commands").tags("type", type, "outcome", outcome)
            .functionCounter();
        assertNotNull(counter, type + " " + outcome);
        return counter.count();
    }
}
