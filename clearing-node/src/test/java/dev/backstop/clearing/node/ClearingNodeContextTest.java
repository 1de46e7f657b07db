package dev.backstop.clearing.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClearingNodeContextTest
{
    @Test
    void defaultsDescribeNodeZeroOfALocalThreeNodeCluster()
    {
        final ClearingNode.Context context = new ClearingNode.Context().conclude();

        assertEquals(0, context.nodeId());
        assertEquals(3, context.memberCount());
        assertEquals("127.0.0.1", context.hostname());
        assertEquals(9000, context.portBase());
        assertEquals(new File("run/node-0").getAbsoluteFile(), context.baseDir());
        assertEquals(new File(context.baseDir(), "cluster"), context.clusterDir());
        assertEquals(new File(context.baseDir(), "archive"), context.archiveDir());
        assertFalse(context.deleteDirsOnStart());
        assertEquals(512 * 1024, context.logTermLength());
        assertEquals(0, context.snapshotIntervalMs());
        assertTrue(context.aeronDirectoryName().endsWith("-9000-node-0"), context.aeronDirectoryName());
    }

    @Test
    void readsAFileThenLetsSystemPropertiesOverrideIt(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("node.properties");
        Files.writeString(file, String.join("\n",
            "backstop.node.id=2",
            "backstop.node.portBase=20000",
            "backstop.node.baseDir=" + dir.resolve("node-2"),
            "backstop.node.logTermLength=1m",
            "backstop.node.deleteDirsOnStart=true",
            "backstop.node.snapshotIntervalMs=60000",
            "backstop.node.metricsPort=20990",
            "backstop.node.leaderHeartbeatTimeoutMs=2500"));

        System.setProperty(ClearingNodeConfiguration.LEADER_HEARTBEAT_TIMEOUT_MS_PROP, "4000");
        try
        {
            final ClearingNode.Context context = ClearingNode.Context.fromArgs(new String[]{ "--config", file.toString() })
                .conclude();
            assertEquals(2, context.nodeId());
            assertEquals(20000, context.portBase());
            assertEquals(dir.resolve("node-2").toFile(), context.baseDir());
            assertEquals(1024 * 1024, context.logTermLength());
            assertTrue(context.deleteDirsOnStart());
            assertEquals(60000, context.snapshotIntervalMs());
            assertEquals(20990, context.metricsPort());
            assertEquals(4000, context.leaderHeartbeatTimeoutMs(), "the system property wins over the file");
        }
        finally
        {
            System.clearProperty(ClearingNodeConfiguration.LEADER_HEARTBEAT_TIMEOUT_MS_PROP);
        }
    }

    @Test
    void refusesUnknownKeysAndBadValues()
    {
        assertThrows(IllegalArgumentException.class, () -> fromProperties("backstop.node.portbase", "9000"));
        assertThrows(IllegalArgumentException.class, () -> fromProperties("backstop.node.id", "one"));
        assertThrows(IllegalArgumentException.class, () -> fromProperties("backstop.node.deleteDirsOnStart", "yes"));
        assertThrows(IllegalArgumentException.class, () -> fromProperties("backstop.node.id", "3").conclude());
        assertThrows(IllegalArgumentException.class,
            () -> fromProperties("backstop.node.logTermLength", "100k").conclude());
        assertThrows(IllegalArgumentException.class,
            () -> fromProperties("backstop.node.portBase", "65400").conclude());
        assertThrows(IllegalArgumentException.class,
            () -> fromProperties("backstop.node.leaderHeartbeatIntervalMs", "5000").conclude());
        assertThrows(IllegalArgumentException.class,
            () -> fromProperties("backstop.node.snapshotIntervalMs", "-1").conclude());
        assertThrows(IllegalArgumentException.class,
            () -> ClearingNode.Context.fromArgs(new String[]{ "--verbose" }));
    }

    @Test
    void aMemberWithAnAddressOfItsOwnBindsToItAndKnowsTheOthers()
    {
        final Properties properties = new Properties();
        properties.setProperty(ClearingNodeConfiguration.NODE_ID_PROP, "1");
        properties.setProperty(ClearingNodeConfiguration.MEMBER_HOSTS_PROP, "10.77.0.1, 10.77.0.2 ,10.77.0.3");
        properties.setProperty(ClearingNodeConfiguration.METRICS_HOST_PROP, "10.77.0.2");
        final ClearingNode.Context context = ClearingNode.Context.fromProperties(properties).conclude();

        assertEquals("10.77.0.2", context.hostname());
        assertEquals("10.77.0.2", context.metricsHost());
        assertEquals(java.util.List.of("10.77.0.1", "10.77.0.2", "10.77.0.3"),
            java.util.List.of(context.memberHostnames()));
        assertEquals("127.0.0.1", new ClearingNode.Context().conclude().metricsHost(), "metrics stay on loopback");
        assertEquals(java.util.List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"),
            java.util.List.of(new ClearingNode.Context().conclude().memberHostnames()));

        assertThrows(IllegalArgumentException.class,
            () -> fromProperties(ClearingNodeConfiguration.MEMBER_HOSTS_PROP, "10.77.0.1,10.77.0.2").conclude());
        assertThrows(IllegalArgumentException.class,
            () -> fromProperties(ClearingNodeConfiguration.MEMBER_HOSTS_PROP, "10.77.0.1,,10.77.0.3").conclude());
    }

    @Test
    void concludesOnlyOnce()
    {
        final ClearingNode.Context context = new ClearingNode.Context().conclude();
        assertThrows(IllegalStateException.class, context::conclude);
        assertThrows(IllegalStateException.class, () -> context.nodeId(1));
    }

    @Test
    void givesEveryNodeItsOwnMediaDriverDirectory()
    {
        assertNotEquals(
            ClearingNode.Context.defaultAeronDirectoryName(9000, 0),
            ClearingNode.Context.defaultAeronDirectoryName(9000, 1));
        assertNotEquals(
            ClearingNode.Context.defaultAeronDirectoryName(9000, 0),
            ClearingNode.Context.defaultAeronDirectoryName(20000, 0));
    }

    @Test
    void theOpsConfigurationsDescribeOneClusterOnPorts9000To9299()
    {
        final Path opsConfig = Path.of("..", "ops", "config");
        if (!Files.isDirectory(opsConfig))
        {
            return; // built outside the full repository
        }
        for (int i = 0; i < 3; i++)
        {
            final ClearingNode.Context context =
                ClearingNode.Context.load(opsConfig.resolve("node-" + i + ".properties")).conclude();
            assertEquals(i, context.nodeId());
            assertEquals(3, context.memberCount());
            assertEquals(9000, context.portBase());
            assertEquals("127.0.0.1", context.hostname());
            assertEquals(new File("run/node-" + i).getAbsoluteFile(), context.baseDir());
            assertFalse(context.deleteDirsOnStart());
            assertTrue(ClusterTopology.port(i, 9000, ClusterTopology.MAX_USED_PORT_OFFSET) <= 9299);
        }
    }

    private static ClearingNode.Context fromProperties(final String key, final String value)
    {
        final Properties properties = new Properties();
        properties.setProperty(key, value);
        return ClearingNode.Context.fromProperties(properties);
    }
}
