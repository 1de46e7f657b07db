package dev.backstop.ops.cluster;

import dev.backstop.clearing.node.ClusterTopology;
import dev.backstop.gateway.Gateway;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's block of ports, {@code portBase + 400 .. + 499}, and the overrides that move a gateway started from
 * {@code ops/config/gateway.properties} onto another port base (9000 gives the file's own 9400, 9410, 9420).
 */
final class GatewayPorts
{
    /**
     * Offset, within the gateway's block, of the endpoint exchanges and members send to.
     */
    static final int EXCHANGE_OFFSET = 0;

    /**
     * Offset of the event stream's multi-destination-cast control endpoint.
     */
    static final int EVENT_CONTROL_OFFSET = 10;

    /**
     * Offset of the gateway's own cluster egress endpoint.
     */
    static final int CLUSTER_EGRESS_OFFSET = 20;

    /**
     * Offset of the first port clients may use for replies (up to the end of the block).
     */
    static final int CLIENT_REPLY_OFFSET = 50;

    private GatewayPorts()
    {
    }

    static int gatewayPort(final int portBase, final int offset)
    {
        return portBase + LocalCluster.GATEWAY_PORT_OFFSET + offset;
    }

    static String exchangeEndpoint(final int portBase)
    {
        return ClusterTopology.DEFAULT_HOSTNAME + ":" + gatewayPort(portBase, EXCHANGE_OFFSET);
    }

    static String eventControlEndpoint(final int portBase)
    {
        return ClusterTopology.DEFAULT_HOSTNAME + ":" + gatewayPort(portBase, EVENT_CONTROL_OFFSET);
    }

    static int clientReplyPort(final int portBase, final int index)
    {
        if (index < 0 || CLIENT_REPLY_OFFSET + index > 99)
        {
            throw new IllegalArgumentException("client reply port index out of range: " + index);
        }
        return gatewayPort(portBase, CLIENT_REPLY_OFFSET + index);
    }

    /**
     * System-property overrides for a gateway on the given cluster.
     *
     * @param ctx      the local cluster's settings.
     * @param aeronDir the gateway's media driver directory.
     * @return key to value, in a stable order.
     */
    static Map<String, String> overrides(final LocalCluster.Context ctx, final Path aeronDir)
    {
        final int portBase = ctx.portBase();
        final String host = ClusterTopology.DEFAULT_HOSTNAME;
        final Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(Gateway.Context.AERON_DIR_PROP, aeronDir.toString());
        overrides.put(Gateway.Context.DELETE_AERON_DIR_ON_START_PROP, "true");
        overrides.put(Gateway.Context.INGRESS_UDP_CHANNEL_PROP, "aeron:udp?endpoint=" + exchangeEndpoint(portBase));
        overrides.put(Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP,
            ClusterTopology.ingressEndpoints(host, portBase, LocalCluster.MEMBER_COUNT));
        overrides.put(Gateway.Context.CLUSTER_EGRESS_CHANNEL_PROP,
            "aeron:udp?endpoint=" + host + ":" + gatewayPort(portBase, CLUSTER_EGRESS_OFFSET) + "|term-length=512k");
        overrides.put(Gateway.Context.EVENT_CHANNEL_PROP,
            "aeron:udp?control=" + eventControlEndpoint(portBase) + "|control-mode=dynamic");
        overrides.put(Gateway.Context.METRICS_PORT_PROP,
            Integer.toString(portBase + LocalCluster.GATEWAY_METRICS_PORT_OFFSET));
        return overrides;
    }
}
