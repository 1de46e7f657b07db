package dev.backstop.ops.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateNetworkCmd;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.async.ResultCallback;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three clearing node containers, a gateway container and a trader container on an internal Docker network of their
 * own, built from the backstop image (ops/docker/Dockerfile) on a locally built base image, with nothing ever pulled.
 * <p>
 * Every container has a fixed address on the network ({@link #SUBNET}): Aeron names each member by address in the
 * members list, and a stopped or disconnected container's name would vanish from Docker's DNS. The test JVM reaches
 * nothing over the network: it reads each node's state report and metrics by running bash's {@code /dev/tcp} inside
 * the node's container ({@code docker exec}), and the trader's progress from its standard output.
 */
final class ContainerCluster implements AutoCloseable
{
    /** Label on every container and the network, so a leftover from a killed run can be found and removed. */
    static final String LABEL = "dev.backstop.test";
    static final String LABEL_VALUE = "container-it";
    static final String SUBNET = "10.231.77.0/24";
    static final String IMAGE = "backstop/backstop:container-it";
    static final int MEMBER_COUNT = 3;
    static final int LEADER_ROLE = 2;

    private static final String PREFIX = "10.231.77.";
    private static final String GATEWAY_IP = PREFIX + "20";
    private static final String TRADER_IP = PREFIX + "30";
    private static final ImagePullPolicy NEVER_PULL = (imageName) -> false;
    private static final Pattern ROLE = Pattern.compile("^backstop_node_cluster_role\\{[^}]*} ([0-9.]+)$",
        Pattern.MULTILINE);
    private static final Pattern SNAPSHOTS = Pattern.compile(
        "^backstop_node_cluster_snapshots\\{[^}]*} ([0-9.]+)$", Pattern.MULTILINE);
    private static final Pattern LOG_POSITION = Pattern.compile("\"logPosition\":(-?\\d+)");
    private static final Pattern DIGEST = Pattern.compile("\"digest\":\"([0-9a-f]*)\"");

    private final Path opsDir;
    private final Path logDir;
    private final DockerClient docker;
    private final Network network;
    private final List<GenericContainer<?>> nodes = new ArrayList<>();
    private final TraderLog traderLog = new TraderLog();
    private GenericContainer<?> gateway;
    private GenericContainer<?> trader;

    private ContainerCluster(final Path opsDir, final Path logDir)
    {
        this.opsDir = opsDir;
        this.logDir = logDir;
        this.docker = DockerClientFactory.instance().client();
        final Consumer<CreateNetworkCmd> internal = (cmd) -> cmd
            .withInternal(true)
            .withLabels(Map.of(LABEL, LABEL_VALUE))
            .withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(SUBNET)));
        this.network = Network.builder().createNetworkCmdModifier(internal).build();
    }

    /**
     * Builds the image, starts the three nodes, then the gateway once they have a leader, then the trader.
     *
     * @param opsDir    the ops module (the image's build context).
     * @param baseImage local image with a Java 17 runtime, the Dockerfile's BASE_IMAGE.
     * @param logDir    where each container's output is written at the end.
     * @return the running cluster.
     */
    static ContainerCluster start(final Path opsDir, final String baseImage, final Path logDir)
    {
        final ContainerCluster cluster = new ContainerCluster(opsDir, logDir);
        try
        {
            cluster.startAll(baseImage);
            return cluster;
        }
        catch (final RuntimeException | Error ex)
        {
            cluster.close();
            throw ex;
        }
    }

    private void startAll(final String baseImage)
    {
        final String image = buildImage(baseImage);
        final String memberHosts = String.join(",", nodeIp(0), nodeIp(1), nodeIp(2));
        for (int i = 0; i < MEMBER_COUNT; i++)
        {
            nodes.add(container(image, nodeIp(i), 256)
                .withEnv("BACKSTOP_NODE_ID", Integer.toString(i))
                .withEnv("BACKSTOP_MEMBER_HOSTS", memberHosts)
                .withEnv("BACKSTOP_HEAP", "192m")
                .withCommand("node")
                .waitingFor(Wait.forLogMessage(".*backstop clearing node " + i + " started.*", 1)));
        }
        Startables.deepStart(nodes).join();
        awaitLeader(Duration.ofSeconds(60));

        gateway = container(image, GATEWAY_IP, 128)
            .withEnv("BACKSTOP_MEMBER_HOSTS", memberHosts)
            .withEnv("BACKSTOP_HOST", GATEWAY_IP)
            .withEnv("BACKSTOP_HEAP", "128m")
            .withEnv("JAVA_OPTS", "-Dbackstop.gateway.reply.allowedHosts=" + TRADER_IP)
            .withCommand("gateway")
            .waitingFor(Wait.forLogMessage(".*connected to cluster.*", 1));
        gateway.start();

        trader = container(image, TRADER_IP, 128)
            .withEnv("BACKSTOP_HEAP", "128m")
            .withCommand("trader", "--gateway", GATEWAY_IP + ":9400", "--reply-host", TRADER_IP,
                "--interval-ms", "50", "--retry-timeout-ms", "60000")
            .withLogConsumer(traderLog)
            .waitingFor(Wait.forLogMessage(".*\"type\":\"setup\".*", 1));
        trader.start();
    }

    private String buildImage(final String baseImage)
    {
        return new ImageFromDockerfile(IMAGE, false)
            .withDockerfilePath("docker/Dockerfile")
            .withFileFromPath("docker/Dockerfile", opsDir.resolve("docker/Dockerfile"))
            .withFileFromPath("docker/backstop-entrypoint.sh", opsDir.resolve("docker/backstop-entrypoint.sh"))
            .withFileFromPath("docker/cluster-tool.sh", opsDir.resolve("docker/cluster-tool.sh"))
            .withFileFromPath("docker/config", opsDir.resolve("docker/config"))
            .withFileFromPath("target/backstop.jar", opsDir.resolve("target/backstop.jar"))
            .withBuildArg("BASE_IMAGE", baseImage)
            .get();
    }

    private GenericContainer<?> container(final String image, final String ip, final long shmMegabytes)
    {
        return new GenericContainer<>(DockerImageName.parse(image))
            .withImagePullPolicy(NEVER_PULL)
            .withNetwork(network)
            .withLabel(LABEL, LABEL_VALUE)
            .withSharedMemorySize(shmMegabytes * 1024 * 1024)
            .withStartupTimeout(Duration.ofSeconds(90))
            .withCreateContainerCmdModifier((cmd) -> cmd.withIpv4Address(ip));
    }

    static String nodeIp(final int member)
    {
        return PREFIX + (10 + member);
    }

    /**
     * @return what the trader has reported so far.
     */
    TraderLog traderLog()
    {
        return traderLog;
    }

    /**
     * @param member member id.
     * @return its container.
     */
    GenericContainer<?> node(final int member)
    {
        return nodes.get(member);
    }

    /**
     * @param member member id.
     * @return its role counter (0 follower, 1 candidate, 2 leader), -1 when it cannot be read (paused, stopped).
     */
    int role(final int member)
    {
        final String metrics = get(member, "/metrics");
        if (null == metrics)
        {
            return -1;
        }
        final Matcher matcher = ROLE.matcher(metrics);
        return matcher.find() ? (int)Double.parseDouble(matcher.group(1)) : -1;
    }

    /**
     * @param member member id.
     * @return the log position its service has applied, -1 when it cannot be read.
     */
    long logPosition(final int member)
    {
        final String state = get(member, "/state");
        if (null == state)
        {
            return -1;
        }
        final Matcher matcher = LOG_POSITION.matcher(state);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /**
     * @param member member id.
     * @return {@code logPosition:digest} of its state report, null when it cannot be read.
     */
    String positionAndDigest(final int member)
    {
        final String state = get(member, "/state");
        if (null == state)
        {
            return null;
        }
        final Matcher position = LOG_POSITION.matcher(state);
        final Matcher digest = DIGEST.matcher(state);
        return position.find() && digest.find() ? position.group(1) + ":" + digest.group(1) : null;
    }

    /**
     * @param timeout how long to wait.
     * @return the member that reports itself leader.
     */
    int awaitLeader(final Duration timeout)
    {
        return awaitLeaderOtherThan(-1, timeout);
    }

    /**
     * @param excluded a member that must not be the answer (-1 for none).
     * @param timeout  how long to wait.
     * @return a member other than {@code excluded} that reports itself leader.
     */
    int awaitLeaderOtherThan(final int excluded, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadlineNs < 0)
        {
            for (int i = 0; i < MEMBER_COUNT; i++)
            {
                if (i != excluded && LEADER_ROLE == role(i))
                {
                    return i;
                }
            }
            sleep(200);
        }
        throw new AssertionError("no leader" + (excluded >= 0 ? " other than node " + excluded : "") +
            " within " + timeout);
    }

    /**
     * Runs Aeron's ClusterTool on a member's node inside its container (/opt/backstop/bin/cluster-tool).
     *
     * @param member member id.
     * @param verb   ClusterTool command and arguments, e.g. {@code snapshot}.
     * @return the exit code and output.
     */
    Container.ExecResult clusterTool(final int member, final String... verb)
    {
        final String[] command = new String[verb.length + 1];
        command[0] = "/opt/backstop/bin/cluster-tool";
        System.arraycopy(verb, 0, command, 1, verb.length);
        try
        {
            return nodes.get(member).execInContainer(command);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * @param member member id.
     * @return snapshots it has taken since it started, -1 when it cannot be read.
     */
    long snapshotCount(final int member)
    {
        final String metrics = get(member, "/metrics");
        if (null == metrics)
        {
            return -1;
        }
        final Matcher matcher = SNAPSHOTS.matcher(metrics);
        return matcher.find() ? (long)Double.parseDouble(matcher.group(1)) : -1;
    }

    /**
     * Cuts a member off the network (a partition: its process keeps running).
     *
     * @param member member id.
     */
    void disconnect(final int member)
    {
        docker.disconnectFromNetworkCmd()
            .withNetworkId(network.getId())
            .withContainerId(nodes.get(member).getContainerId())
            .withForce(true)
            .exec();
    }

    /**
     * Puts a member back on the network with its own address.
     *
     * @param member member id.
     */
    void reconnect(final int member)
    {
        docker.connectToNetworkCmd()
            .withNetworkId(network.getId())
            .withContainerId(nodes.get(member).getContainerId())
            .withContainerNetwork(new ContainerNetwork()
                .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(nodeIp(member))))
            .exec();
    }

    /**
     * Freezes every process of a member ({@code docker pause}).
     *
     * @param member member id.
     */
    void pause(final int member)
    {
        docker.pauseContainerCmd(nodes.get(member).getContainerId()).exec();
    }

    /**
     * @param member member id.
     */
    void unpause(final int member)
    {
        docker.unpauseContainerCmd(nodes.get(member).getContainerId()).exec();
    }

    /**
     * Stops a member's container the way an operator would ({@code docker stop}: SIGTERM, then SIGKILL after a
     * grace period); its file system, and so its node state, stays.
     *
     * @param member member id.
     */
    void stop(final int member)
    {
        docker.stopContainerCmd(nodes.get(member).getContainerId()).withTimeout(20).exec();
    }

    /**
     * Starts a stopped member's container again: the node recovers from its snapshot and log and rejoins.
     *
     * @param member member id.
     */
    void restart(final int member)
    {
        docker.startContainerCmd(nodes.get(member).getContainerId()).exec();
    }

    /**
     * Stops the trader with SIGTERM, so that it prints its final line.
     */
    void stopTrader()
    {
        docker.stopContainerCmd(trader.getContainerId()).withTimeout(40).exec();
    }

    /**
     * Writes every container's whole output (across restarts) to the log directory, then removes the containers and
     * the network.
     */
    public void close()
    {
        final List<GenericContainer<?>> all = new ArrayList<>(nodes);
        all.add(gateway);
        all.add(trader);
        for (int i = 0; i < all.size(); i++)
        {
            final GenericContainer<?> container = all.get(i);
            if (null == container || null == container.getContainerId())
            {
                continue;
            }
            final String name = i < nodes.size() ? "node-" + i : (container == gateway ? "gateway" : "trader");
            saveLogs(container.getContainerId(), logDir.resolve(name + ".log"));
            try
            {
                docker.unpauseContainerCmd(container.getContainerId()).exec();
            }
            catch (final RuntimeException ignore)
            {
                // not paused
            }
            container.stop();
        }
        network.close();
    }

    private void saveLogs(final String containerId, final Path file)
    {
        final StringBuilder out = new StringBuilder();
        try
        {
            Files.createDirectories(file.getParent());
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                .exec(new ResultCallback.Adapter<Frame>()
                {
                    public void onNext(final Frame frame)
                    {
                        out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                })
                .awaitCompletion(10, TimeUnit.SECONDS);
            Files.writeString(file, out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            System.err.println("could not save the logs of " + containerId + ": " + ex);
        }
    }

    /**
     * GETs a path from a node's metrics server from inside its container (bash's /dev/tcp; the network plays no
     * part, so this works on a partitioned node too).
     */
    private String get(final int member, final String path)
    {
        try
        {
            final Container.ExecResult result = nodes.get(member).execInContainer("bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/9500 && printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' >&3 && " +
                "timeout 10 cat <&3");
            if (0 != result.getExitCode() || !result.getStdout().startsWith("HTTP/1.1 200"))
            {
                return null;
            }
            final String response = result.getStdout();
            final int body = response.indexOf("\r\n\r\n");
            return body < 0 ? null : response.substring(body + 4);
        }
        catch (final IOException | RuntimeException ex)
        {
            // paused or stopped containers refuse exec
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * Follows the trader's JSON lines: the latest progress and, once stopped, its final line.
     */
    static final class TraderLog implements Consumer<OutputFrame>
    {
        private static final Pattern ACCEPTED = Pattern.compile("\"accepted\":(\\d+)");
        private final StringBuilder partial = new StringBuilder();
        private volatile long accepted;
        private volatile String lastLine = "";
        private volatile String finalLine;

        public synchronized void accept(final OutputFrame frame)
        {
            if (null == frame.getBytes())
            {
                return;
            }
            partial.append(frame.getUtf8String());
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0)
            {
                final String line = partial.substring(0, newline).trim();
                partial.delete(0, newline + 1);
                onLine(line);
            }
        }

        private void onLine(final String line)
        {
            if (!line.startsWith("{"))
            {
                return;
            }
            lastLine = line;
            final Matcher matcher = ACCEPTED.matcher(line);
            if (matcher.find())
            {
                accepted = Long.parseLong(matcher.group(1));
            }
            if (line.contains("\"type\":\"final\""))
            {
                finalLine = line;
            }
        }

        long accepted()
        {
            return accepted;
        }

        String lastLine()
        {
            return lastLine;
        }

        String finalLine()
        {
            return finalLine;
        }
    }
}
