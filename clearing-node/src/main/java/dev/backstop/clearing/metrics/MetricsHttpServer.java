package dev.backstop.clearing.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Serves a Prometheus registry's text exposition at {@code http://127.0.0.1:<port>/metrics}.
 * <p>
 * Scrapes run on one daemon thread of their own, never on an Aeron agent's thread: a slow scraper must not stall the
 * consensus module, the service or the gateway's duty cycle. Every gauge it reads is either an Aeron counter (safe to
 * read from any thread) or a value the owning thread has published with release semantics.
 */
public final class MetricsHttpServer implements AutoCloseable
{
    /**
     * Prometheus text format 0.0.4, what Prometheus asks for by default.
     */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private volatile Runnable beforeScrape = () -> {};

    private MetricsHttpServer(final HttpServer server, final ExecutorService executor,
        final PrometheusMeterRegistry registry)
    {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
    }

    /**
     * Starts serving on loopback.
     *
     * @param port       TCP port on 127.0.0.1 (0 is not accepted here: callers treat 0 as "metrics off").
     * @param registry   registry to scrape.
     * @param threadName name of the serving thread.
     * @return the running server.
     * @throws IllegalStateException when the port cannot be bound.
     */
    public static MetricsHttpServer start(final int port, final PrometheusMeterRegistry registry,
        final String threadName)
    {
        return start(InetAddress.getLoopbackAddress().getHostAddress(), port, registry, threadName);
    }

    /**
     * Starts serving on a given address.
     *
     * @param host       address to bind, e.g. 127.0.0.1 or the node's own address in a network namespace.
     * @param port       TCP port (0 is not accepted here: callers treat 0 as "metrics off").
     * @param registry   registry to scrape.
     * @param threadName name of the serving thread.
     * @return the running server.
     * @throws IllegalStateException when the port cannot be bound.
     */
    public static MetricsHttpServer start(
        final String host, final int port, final PrometheusMeterRegistry registry, final String threadName)
    {
        if (port <= 0 || port > 65535)
        {
            throw new IllegalArgumentException("metrics port must be in [1, 65535]: " + port);
        }

        final ExecutorService executor = Executors.newSingleThreadExecutor(
            (runnable) ->
            {
                final Thread thread = new Thread(runnable, threadName);
                thread.setDaemon(true);
                return thread;
            });
        try
        {
            final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
            final MetricsHttpServer metricsServer = new MetricsHttpServer(server, executor, registry);
            server.createContext("/metrics", metricsServer::scrape);
            server.setExecutor(executor);
            server.start();
            return metricsServer;
        }
        catch (final IOException ex)
        {
            executor.shutdownNow();
            throw new IllegalStateException("cannot serve metrics on " + host + ":" + port, ex);
        }
    }

    /**
     * Serves a JSON document computed on each request (on the server's own thread).
     *
     * @param path path of the document, e.g. {@code /state}.
     * @param body computes the document; null answers 503 (not available right now).
     */
    public void route(final String path, final Supplier<String> body)
    {
        server.createContext(path, (exchange) -> serve(exchange, body));
    }

    /**
     * @return the registry served.
     */
    public PrometheusMeterRegistry registry()
    {
        return registry;
    }

    /**
     * @return the bound port.
     */
    public int port()
    {
        return server.getAddress().getPort();
    }

    /**
     * Stops serving and closes the registry.
     */
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }

    private static void serve(final HttpExchange exchange, final Supplier<String> body) throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final String document = body.get();
            if (null == document)
            {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            final byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(bytes);
            }
        }
    }

    /**
     * Runs {@code hook} on the serving thread before every scrape, e.g. to register gauges for labels that appeared
     * since the last one (a pool created).
     *
     * @param hook what to run; it must be quick and must not throw.
     */
    public void beforeScrape(final Runnable hook)
    {
        this.beforeScrape = hook;
    }

    private void scrape(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(405, -1);
                return;
            }

            beforeScrape.run();
            final byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }
}
