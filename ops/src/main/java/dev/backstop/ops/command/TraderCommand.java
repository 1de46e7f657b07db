package dev.backstop.ops.command;

import dev.backstop.ops.demo.TradeFeed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code backstop trader}: a steady flow of trades through a running gateway ({@link TradeFeed}), one JSON progress
 * line a second, a final line with the ledger's count when stopped. The container system tests run it as their
 * client, and an operator can point it at any deployment (the compose file's {@code trader} service) to see the
 * cluster clear and the dashboard move.
 */
@Command(
    name = "trader",
    mixinStandardHelpOptions = true,
    description = {
        "Clear a steady flow of trades through a gateway and report progress as JSON lines.",
        "",
        "Logs on as the demo's operator, two members and the exchange (credentials from the gateway's configuration), "
            + "lists its own instrument, opens and funds two accounts, then sends one trade every interval, "
            + "re-sending through leader failovers. Runs until --duration is over or SIGTERM, then prints a final "
            + "line with the trades the ledger cleared. Exit status 0 when that count equals the trades accepted."
    })
public final class TraderCommand implements Callable<Integer>
{
    private volatile boolean stopRequested;

    @Option(names = "--gateway", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9400",
        description = "The gateway's UDP ingress (default ${DEFAULT-VALUE}).")
    String gateway;

    @Option(names = "--reply-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
        description = "This machine's address as the gateway reaches it (default ${DEFAULT-VALUE}); it must be in "
            + "the gateway's backstop.gateway.reply.allowedHosts.")
    String replyHost;

    @Option(names = "--gateway-config", paramLabel = "FILE",
        description = "Gateway properties holding the senders' credentials (default ops/config/gateway.properties).")
    Path gatewayConfig;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "50",
        description = "Pause between trades (default ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
        description = "Stop after this long, 0 = until SIGTERM (default ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--instrument", paramLabel = "ID", defaultValue = "9",
        description = "Instrument id the trader lists and trades (default ${DEFAULT-VALUE}).")
    int instrumentId;

    @Option(names = "--retry-timeout-ms", paramLabel = "MS", defaultValue = "60000",
        description = "How long a trade is re-sent through failovers before it counts as unanswered "
            + "(default ${DEFAULT-VALUE}).")
    long retryTimeoutMs;

    public Integer call() throws Exception
    {
        final Path config = null != gatewayConfig ? gatewayConfig :
            Home.path().resolve("ops").resolve("config").resolve("gateway.properties");
        if (!Files.isRegularFile(config))
        {
            System.err.println("backstop trader: no such gateway config: " + config);
            return 2;
        }
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(config))
        {
            properties.load(in);
        }
        catch (final IOException ex)
        {
            System.err.println("backstop trader: cannot read " + config + ": " + ex.getMessage());
            return 2;
        }

        final TradeFeed.Context ctx = new TradeFeed.Context()
            .gatewayEndpoint(gateway)
            .replyHost(replyHost)
            .gatewayConfig(properties)
            .intervalMs(intervalMs)
            .durationMs(TimeUnit.SECONDS.toMillis(durationSeconds))
            .instrumentId(instrumentId)
            .accounts(instrumentId * 1000L + 1, instrumentId * 1000L + 2)
            .retryTimeoutMs(retryTimeoutMs);

        // SIGTERM: stop trading, let the feed print its final line, then let the JVM exit.
        final CountDownLatch finished = new CountDownLatch(1);
        final Thread main = Thread.currentThread();
        final Thread hook = new Thread(
            () ->
            {
                stopRequested = true;
                try
                {
                    if (!finished.await(30, TimeUnit.SECONDS))
                    {
                        main.interrupt();
                    }
                }
                catch (final InterruptedException ignore)
                {
                    Thread.currentThread().interrupt();
                }
            },
            "backstop-trader-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        try (TradeFeed feed = new TradeFeed(ctx, System.out))
        {
            return feed.run(() -> stopRequested) ? 0 : 1;
        }
        finally
        {
            finished.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ignore)
            {
                // the JVM is shutting down: the hook is running
            }
        }
    }
}
