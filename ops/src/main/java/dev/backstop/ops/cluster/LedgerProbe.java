package dev.backstop.ops.cluster;

import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.Ledger;
import dev.backstop.sbe.exchange.SenderRole;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads the ledger of a running local cluster the way the operator would: logs on to its gateway as the operator
 * enrolled in the cluster's {@code gateway.properties} and sends a {@code QueryLedger}. The state digest is a hash of
 * the clearing state computed by the cluster, not a counter, so this is how {@code cluster status} shows it.
 */
public final class LedgerProbe
{
    /**
     * The operator enrolled in ops/config/gateway.properties.
     */
    public static final long OPERATOR_ID = 1;

    /**
     * Last port of the gateway's client block, left free by the demo's clients (which use the first few).
     */
    static final int REPLY_PORT_INDEX = 49;

    private static final int GATEWAY_STREAM_ID = 1001;
    private static final int REPLY_STREAM_ID = 1002;

    private LedgerProbe()
    {
    }

    /**
     * Log on as the operator, query the ledger, log off.
     *
     * @param run       the running cluster.
     * @param timeoutMs how long the logon and the query may each take.
     * @return the ledger.
     * @throws RuntimeException when the gateway or the cluster does not answer, or the operator is not enrolled.
     */
    public static Ledger query(final ClusterRun run, final long timeoutMs)
    {
        final String credential = load(run.configDir().resolve("gateway.properties"))
            .getProperty("backstop.gateway.sender." + OPERATOR_ID + ".secret");
        if (null == credential)
        {
            throw new IllegalStateException("gateway.properties enrols no operator " + OPERATOR_ID);
        }
        final ExchangeClient client = ExchangeClient.connect(new ExchangeClient.Context()
            .gatewayChannel("aeron:udp?endpoint=" + GatewayPorts.exchangeEndpoint(run.portBase()))
            .gatewayStreamId(GATEWAY_STREAM_ID)
            .replyChannel("aeron:udp?endpoint=127.0.0.1:" +
                GatewayPorts.clientReplyPort(run.portBase(), REPLY_PORT_INDEX))
            .replyStreamId(REPLY_STREAM_ID)
            .senderId(OPERATOR_ID)
            .role(SenderRole.OPERATOR)
            .credential(credential)
            .connectTimeoutMs(timeoutMs)
            .responseTimeoutMs(timeoutMs));
        try
        {
            return client.queryLedger();
        }
        finally
        {
            CloseHelper.quietClose(client);
        }
    }

    private static Properties load(final Path file)
    {
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        return properties;
    }
}
