package dev.backstop.gateway;

import dev.backstop.sbe.exchange.SenderRole;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class GatewayContextTest
{
    @Test
    void readsTheDemoConfiguration() throws Exception
    {
        final Path file = Path.of("..", "ops", "config", "gateway.properties");
        final Gateway.Context ctx = Gateway.Context.load(file).conclude();

        assertEquals("aeron:udp?endpoint=127.0.0.1:9400", ctx.ingressUdpChannel());
        assertEquals(1001, ctx.ingressStreamId());
        assertEquals("aeron:udp?control=127.0.0.1:9410|control-mode=dynamic", ctx.eventChannel());
        assertEquals(2001, ctx.eventStreamId());
        assertTrue(ctx.clusterEgressChannel().contains("127.0.0.1:9420"));
        assertEquals(4, ctx.senders().size());
        assertEquals(SenderRole.OPERATOR, ctx.senders().get(1).role());
        assertEquals(SenderRole.EXCHANGE, ctx.senders().get(100).role());
        assertEquals(SenderRole.MEMBER, ctx.senders().get(200).role());
        assertEquals(SenderRole.MEMBER, ctx.senders().get(201).role());
    }

    @Test
    void systemPropertiesOverrideTheFile()
    {
        final Map<String, String> values = minimal();
        values.put(Gateway.Context.INGRESS_STREAM_ID_PROP, "1001");
        System.setProperty(Gateway.Context.INGRESS_STREAM_ID_PROP, "4242");
        try
        {
            assertEquals(4242, Gateway.Context.fromProperties(values).conclude().ingressStreamId());
        }
        finally
        {
            System.clearProperty(Gateway.Context.INGRESS_STREAM_ID_PROP);
        }
    }

    @Test
    void metricsBindToLoopbackUnlessAHostIsGiven()
    {
        assertEquals("127.0.0.1", Gateway.Context.fromProperties(minimal()).conclude().metricsHost());

        final Map<String, String> container = minimal();
        container.put(Gateway.Context.METRICS_HOST_PROP, " 0.0.0.0 ");
        assertEquals("0.0.0.0", Gateway.Context.fromProperties(container).conclude().metricsHost());

        final Map<String, String> blank = minimal();
        blank.put(Gateway.Context.METRICS_HOST_PROP, " ");
        assertThrows(IllegalArgumentException.class, () -> Gateway.Context.fromProperties(blank).conclude());
    }

    @Test
    void refusesUnknownKeysMissingEndpointsAndHalfConfiguredSenders()
    {
        final Map<String, String> typo = minimal();
        typo.put("backstop.gateway.ingress.udpChanel", "aeron:udp?endpoint=127.0.0.1:9400");
        assertThrows(IllegalArgumentException.class, () -> Gateway.Context.fromProperties(typo));

        final Map<String, String> noEndpoints = minimal();
        noEndpoints.remove(Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP);
        assertThrows(IllegalArgumentException.class, () -> Gateway.Context.fromProperties(noEndpoints).conclude());

        final Map<String, String> badEndpoints = minimal();
        badEndpoints.put(Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP, "127.0.0.1:9002");
        assertThrows(IllegalArgumentException.class, () -> Gateway.Context.fromProperties(badEndpoints).conclude());

        final Map<String, String> halfSender = minimal();
        halfSender.put("backstop.gateway.sender.7.role", "MEMBER");
        assertThrows(IllegalArgumentException.class, () -> Gateway.Context.fromProperties(halfSender));

        final Map<String, String> badRole = minimal();
        badRole.put("backstop.gateway.sender.1.role", "KING");
        assertThrows(IllegalArgumentException.class, () -> Gateway.Context.fromProperties(badRole));

        final Map<String, String> badTerm = minimal();
        badTerm.put(Gateway.Context.TERM_LENGTH_PROP, "100k");
        assertThrows(IllegalArgumentException.class, () -> Gateway.Context.fromProperties(badTerm).conclude());
    }

    @Test
    void concludesOnce()
    {
        final Gateway.Context ctx = Gateway.Context.fromProperties(minimal()).conclude();
        assertThrows(IllegalStateException.class, ctx::conclude);
    }

    private static Map<String, String> minimal()
    {
        final Map<String, String> values = new HashMap<>();
        values.put(Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP, "0=127.0.0.1:9002,1=127.0.0.1:9102");
        values.put("backstop.gateway.sender.1.role", "OPERATOR");
        values.put("backstop.gateway.sender.1.secret", "s");
        return values;
    }
}
