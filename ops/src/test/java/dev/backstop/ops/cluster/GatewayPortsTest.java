package dev.backstop.ops.cluster;

import dev.backstop.clearing.node.ClearingNodeConfiguration;
import dev.backstop.gateway.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GatewayPortsTest
{
    private static final Path CONFIG_DIR = Path.of(System.getProperty("basedir", ".")).resolve("config");

    @TempDir
    Path runDir;

    @Test
    void shouldMatchTheShippedGatewayConfigOnTheDefaultPortBase() throws IOException
    {
        final Properties file = load(CONFIG_DIR.resolve("gateway.properties"));
        final LocalCluster.Context ctx = new LocalCluster.Context()
            .configDir(CONFIG_DIR).runDir(runDir).portBase(9000).conclude();

        final Map<String, String> overrides = GatewayPorts.overrides(ctx, runDir.resolve("aeron"));

        for (final String key : new String[]{
            Gateway.Context.INGRESS_UDP_CHANNEL_PROP,
            Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP,
            Gateway.Context.CLUSTER_EGRESS_CHANNEL_PROP,
            Gateway.Context.EVENT_CHANNEL_PROP,
            Gateway.Context.METRICS_PORT_PROP })
        {
            assertEquals(file.getProperty(key), overrides.get(key), key);
        }
        assertEquals(runDir.resolve("aeron").toString(), overrides.get(Gateway.Context.AERON_DIR_PROP));
    }

    @Test
    void shouldMoveEveryGatewayPortIntoTheOpsTestRange()
    {
        final LocalCluster.Context ctx = new LocalCluster.Context()
            .configDir(CONFIG_DIR).runDir(runDir).portBase(22000).conclude();

        final Map<String, String> overrides = GatewayPorts.overrides(ctx, runDir.resolve("aeron"));

        assertEquals("aeron:udp?endpoint=127.0.0.1:22400", overrides.get(Gateway.Context.INGRESS_UDP_CHANNEL_PROP));
        assertEquals("0=127.0.0.1:22002,1=127.0.0.1:22102,2=127.0.0.1:22202",
            overrides.get(Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP));
        assertEquals("aeron:udp?endpoint=127.0.0.1:22420|term-length=512k",
            overrides.get(Gateway.Context.CLUSTER_EGRESS_CHANNEL_PROP));
        assertEquals("aeron:udp?control=127.0.0.1:22410|control-mode=dynamic",
            overrides.get(Gateway.Context.EVENT_CHANNEL_PROP));
        assertEquals("22510", overrides.get(Gateway.Context.METRICS_PORT_PROP));
        assertEquals(22450, GatewayPorts.clientReplyPort(22000, 0));
        assertEquals(22499, GatewayPorts.clientReplyPort(22000, 49));
        assertThrows(IllegalArgumentException.class, () -> GatewayPorts.clientReplyPort(22000, 50));
    }

    @Test
    void shouldShipOneConfigPerNodeOnTheDefaultPortBase() throws IOException
    {
        for (int i = 0; i < LocalCluster.MEMBER_COUNT; i++)
        {
            final Properties node = load(CONFIG_DIR.resolve("node-" + i + ".properties"));
            assertEquals(Integer.toString(i), node.getProperty(ClearingNodeConfiguration.NODE_ID_PROP));
            assertEquals("9000", node.getProperty(ClearingNodeConfiguration.PORT_BASE_PROP));
            assertEquals("3", node.getProperty(ClearingNodeConfiguration.MEMBER_COUNT_PROP));
            assertEquals(Integer.toString(LocalCluster.nodeMetricsPort(9000, i)),
                node.getProperty(ClearingNodeConfiguration.METRICS_PORT_PROP));
            assertEquals(9500 + i, LocalCluster.nodeMetricsPort(9000, i));
        }
    }

    @Test
    void shouldRefuseMissingConfigAndBadPortBase()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new LocalCluster.Context().configDir(runDir).runDir(runDir).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new LocalCluster.Context().configDir(CONFIG_DIR).runDir(runDir).portBase(65200).conclude());
    }

    @Test
    void shouldNameMediaDriverDirectoriesAfterTheLauncherSoStaleOnesCanBeFound()
    {
        final LocalCluster.Context ctx = new LocalCluster.Context()
            .configDir(CONFIG_DIR).runDir(runDir).portBase(22000).aeronDirRoot(runDir);
        final LocalCluster cluster = new LocalCluster(ctx);

        assertEquals(runDir.resolve("backstop-" + ProcessHandle.current().pid() + "-22000-node-1"),
            cluster.nodeAeronDir(1));
        assertEquals(runDir.resolve("node-2").resolve("cluster"), cluster.clusterDir(2));
        assertEquals(-1, cluster.findLeader());
        cluster.close();
    }

    @Test
    void shouldRemoveOnlyMediaDriverDirectoriesOfLaunchersThatAreGone() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        final Path stale = Files.createDirectories(runDir.resolve("backstop-" + finished.pid() + "-9000-node-0"));
        Files.writeString(stale.resolve("cnc.dat"), "x");
        final Path live = Files.createDirectories(
            runDir.resolve("backstop-" + ProcessHandle.current().pid() + "-9000-node-0"));
        final Path foreign = Files.createDirectories(runDir.resolve("backstop-gateway"));
        final Path other = Files.createDirectories(runDir.resolve("aeron-root"));

        assertEquals(1, LocalCluster.removeStaleAeronDirs(runDir));

        assertFalse(Files.exists(stale));
        assertTrue(Files.isDirectory(live));
        assertTrue(Files.isDirectory(foreign));
        assertTrue(Files.isDirectory(other));
    }

    private static Properties load(final Path file) throws IOException
    {
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            properties.load(in);
        }
        return properties;
    }
}
