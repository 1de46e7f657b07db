package dev.backstop.clearing.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Scrapes a Prometheus endpoint on loopback and finds samples in its text exposition.
 */
public final class MetricsScrape
{
    private final String body;

    private MetricsScrape(final String body)
    {
        this.body = body;
    }

    /**
     * @param port metrics port on 127.0.0.1.
     * @return the scraped text.
     */
    public static MetricsScrape of(final int port)
    {
        return new MetricsScrape(get(port, "/metrics"));
    }

    /**
     * @param port metrics port on 127.0.0.1.
     * @param path document path, e.g. {@code /state}.
     * @return the body of a 200 answer.
     */
    public static String get(final int port, final String path)
    {
        try
        {
            final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path + " status on port " + port);
            return response.body();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("scrape of port " + port + " failed", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @return the whole exposition.
     */
    public String body()
    {
        return body;
    }

    /**
     * @param name   sample name, e.g. {@code backstop_node_cluster_role}.
     * @param labels label pairs each as {@code key="value"} that the sample must carry.
     * @return the value of the first matching sample.
     * @throws AssertionError when none matches.
     */
    public double value(final String name, final String... labels)
    {
        final Double value = find(name, labels);
        assertNotNull(value, "no sample " + name + " with " + String.join(",", labels) + " in:\n" + body);
        return value;
    }

    /**
     * @param name   sample name.
     * @param labels label pairs that the sample must carry.
     * @return the value of the first matching sample, null when none.
     */
    public Double find(final String name, final String... labels)
    {
        for (final String line : body.split("\n"))
        {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " ")))
            {
                continue;
            }
            boolean matches = true;
            for (final String label : labels)
            {
                if (!line.contains(label))
                {
                    matches = false;
                    break;
                }
            }
            if (matches)
            {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return null;
    }
}
