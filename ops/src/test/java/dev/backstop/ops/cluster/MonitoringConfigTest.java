package dev.backstop.ops.cluster;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Prometheus configuration scrapes the ports the shipped node and gateway configs serve, and the Grafana
 * dashboard is well-formed JSON that queries those metrics.
 */
class MonitoringConfigTest
{
    private static final Path BASE_DIR = Path.of(System.getProperty("basedir", "."));
    private static final Path MONITORING = BASE_DIR.resolve("monitoring");

    @Test
    void shouldScrapeEveryNodeAndTheGatewayOnTheirMetricsPorts() throws IOException
    {
        final String prometheus = Files.readString(MONITORING.resolve("prometheus.yml"));
        for (int i = 0; i < LocalCluster.MEMBER_COUNT; i++)
        {
            final int port = LocalCluster.nodeMetricsPort(9000, i);
            assertTrue(prometheus.contains("\"127.0.0.1:" + port + "\""), "node " + i + " target " + port);
            final String node = Files.readString(BASE_DIR.resolve("config").resolve("node-" + i + ".properties"));
            assertTrue(node.contains("backstop.node.metricsPort=" + port), "node-" + i + ".properties");
        }
        final int gatewayPort = 9000 + LocalCluster.GATEWAY_METRICS_PORT_OFFSET;
        assertEquals(9510, gatewayPort);
        assertTrue(prometheus.contains("\"127.0.0.1:" + gatewayPort + "\""));
        assertTrue(Files.readString(BASE_DIR.resolve("config").resolve("gateway.properties"))
            .contains("backstop.gateway.metricsPort=" + gatewayPort));
    }

    @Test
    void shouldShipAWellFormedDashboard() throws IOException
    {
        final String json = Files.readString(MONITORING.resolve("backstop-dashboard.json")).trim();
        assertTrue(json.startsWith("{") && json.endsWith("}"));
        assertBalanced(json);
        for (final String metric : new String[]{
            "backstop_node_cluster_role", "backstop_node_cluster_commit_position", "backstop_node_commands_total",
            "backstop_node_insurance_fund", "backstop_gateway_command_latency_seconds_bucket",
            "backstop_gateway_commands_total", "backstop_node_aeron_driver_back_pressure",
            "backstop_node_liquidations_started_total", "backstop_gateway_sessions", "backstop_node_pool_equity" })
        {
            assertTrue(json.contains(metric), metric);
        }
    }

    /**
     * Brackets and braces balance outside strings, and every string closes: enough to catch a hand edit gone wrong
     * without a JSON library.
     */
    private static void assertBalanced(final String json)
    {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++)
        {
            final char c = json.charAt(i);
            if (inString)
            {
                if ('\\' == c)
                {
                    i++;
                }
                else if ('"' == c)
                {
                    inString = false;
                }
            }
            else if ('"' == c)
            {
                inString = true;
            }
            else if ('{' == c || '[' == c)
            {
                depth++;
            }
            else if ('}' == c || ']' == c)
            {
                depth--;
                assertTrue(depth >= 0, "unbalanced at " + i);
            }
        }
        assertEquals(0, depth);
        assertTrue(!inString, "unterminated string");
    }
}
