package dev.backstop.ops.container;

import dev.backstop.clearing.node.ClearingNode;
import dev.backstop.gateway.Gateway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container files agree with each other and with the code, without Docker: the image's configurations load and
 * conclude (no unknown or malformed key), the compose file gives every member the address the members list names,
 * and its Prometheus scrapes the ports the configurations serve.
 */
class ContainerConfigTest
{
    private static final Path OPS = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path DOCKER = OPS.resolve("docker");

    @Test
    void theImagesNodeConfigurationConcludesWithTheMemberHostsFromTheEnvironment() throws IOException
    {
        final String hosts = "10.77.0.10,10.77.0.11,10.77.0.12";
        System.setProperty("backstop.node.memberHosts", hosts);
        System.setProperty("backstop.node.id", "1");
        try
        {
            final ClearingNode.Context context = ClearingNode.Context.load(DOCKER.resolve("config/node.properties"))
                .conclude();
            assertEquals("10.77.0.11", context.hostname(), "a member binds to its own entry");
            assertEquals("0.0.0.0", context.metricsHost());
            assertEquals(9500, context.metricsPort());
            assertTrue(context.snapshotIntervalMs() > 0, "periodic snapshots on in containers");
            assertTrue(context.baseDir().getPath().startsWith("/var/lib/backstop"), "state under the volume");
        }
        finally
        {
            System.clearProperty("backstop.node.memberHosts");
            System.clearProperty("backstop.node.id");
        }
    }

    @Test
    void theImagesGatewayConfigurationConcludesWithTheEndpointsTheEntryPointDerives() throws IOException
    {
        System.setProperty(Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP,
            "0=10.77.0.10:9002,1=10.77.0.11:9102,2=10.77.0.12:9202");
        try
        {
            final Gateway.Context context = Gateway.Context.load(DOCKER.resolve("config/gateway.properties"))
                .conclude();
            assertEquals("0.0.0.0", context.metricsHost());
            assertEquals(9510, context.metricsPort());
            assertTrue(context.ingressUdpChannel().contains("0.0.0.0:9400"));
        }
        finally
        {
            System.clearProperty(Gateway.Context.CLUSTER_INGRESS_ENDPOINTS_PROP);
        }
    }

    @Test
    void theEntryPointDerivesTheIngressEndpointsFromThePortPlan() throws IOException
    {
        final String script = Files.readString(DOCKER.resolve("backstop-entrypoint.sh"));
        // member i's ingress is portBase + 100 i + 2 (ClusterTopology.INGRESS_PORT_OFFSET)
        assertTrue(script.contains("$((port_base + 100 * id + 2))"), "ingress offset");
        assertTrue(script.contains("$host:9420") && script.contains("$host:9410"), "egress and event ports");
        assertTrue(script.contains("rm -rf /dev/shm/backstop-*"), "media driver directories removed on start");
    }

    @Test
    void composeGivesEveryMemberTheAddressTheMembersListNames() throws IOException
    {
        final String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        final Matcher list = Pattern.compile("BACKSTOP_MEMBER_HOSTS: ([0-9.,]+)").matcher(compose);
        final List<String> lists = new ArrayList<>();
        while (list.find())
        {
            lists.add(list.group(1));
        }
        assertTrue(lists.size() >= 2, "nodes and gateway name the members");
        assertTrue(lists.stream().allMatch(lists.get(0)::equals), "one members list: " + lists);
        final String[] hosts = lists.get(0).split(",");
        assertEquals(3, hosts.length);
        for (int i = 0; i < hosts.length; i++)
        {
            final Matcher service = Pattern.compile(
                "(?s)\\n  node-" + i + ":\\n.*?BACKSTOP_NODE_ID: \"" + i + "\".*?ipv4_address: ([0-9.]+)")
                .matcher(compose);
            assertTrue(service.find(), "node-" + i);
            assertEquals(hosts[i], service.group(1), "node-" + i + "'s address");
        }

        final Matcher gateway = Pattern.compile("(?s)\\n  gateway:\\n.*?BACKSTOP_HOST: ([0-9.]+).*?" +
            "allowedHosts=([0-9.,]+).*?ipv4_address: ([0-9.]+)").matcher(compose);
        assertTrue(gateway.find(), "gateway");
        assertEquals(gateway.group(1), gateway.group(3), "the gateway's own address");
        final Matcher trader = Pattern.compile("(?s)\\n  trader:\\n.*?\"--gateway\", \"([0-9.]+):9400\", " +
            "\"--reply-host\", \"([0-9.]+)\".*?ipv4_address: ([0-9.]+)").matcher(compose);
        assertTrue(trader.find(), "trader");
        assertEquals(gateway.group(1), trader.group(1), "the trader sends to the gateway");
        assertEquals(trader.group(3), trader.group(2), "the trader's reply host is its address");
        assertTrue(List.of(gateway.group(2).split(",")).contains(trader.group(2)), "the gateway answers the trader");
        assertTrue(compose.contains("internal: true"), "the cluster network is internal");
        assertTrue(compose.contains("shm_size"), "Aeron needs shared memory");

        final String prometheus = Files.readString(DOCKER.resolve("prometheus.yml"));
        for (final String host : hosts)
        {
            assertTrue(prometheus.contains("\"" + host + ":9500\""), "scrapes " + host);
        }
        assertTrue(prometheus.contains("\"" + gateway.group(1) + ":9510\""), "scrapes the gateway");
    }

    @Test
    void theDockerfileDefaultsToAPublicJreAndTakesTheBaseAsABuildArgument() throws IOException
    {
        final String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("ARG BASE_IMAGE=eclipse-temurin:17-jre"));
        assertTrue(dockerfile.contains("FROM ${BASE_IMAGE}"));
        assertTrue(dockerfile.contains("COPY target/backstop.jar"));
        assertTrue(dockerfile.contains("COPY docker/cluster-tool.sh /opt/backstop/bin/cluster-tool"));
        final String ignore = Files.readString(OPS.resolve(".dockerignore"));
        assertTrue(ignore.contains("!target/backstop.jar"), "the build context sends the jar only");
        for (final String copied : new String[]{ "docker/config/", "docker/backstop-entrypoint.sh", "docker/cluster-tool.sh" })
        {
            assertTrue(ignore.contains("!" + copied), copied + " is in the build context");
        }
    }
}
