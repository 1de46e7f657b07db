package dev.backstop.ops.demo;

import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.ExchangeClientException;
import dev.backstop.gateway.client.Response;
import dev.backstop.sbe.exchange.ResultCode;
import org.agrona.CloseHelper;

import java.util.function.Function;

/**
 * One party of the demo (an exchange, a member, the operator) with its gateway session, sending the way a careful
 * client does across a leader failover: when an answer does not come in time it re-sends the same sequence (the
 * idempotency key makes that safe), and when the gateway refuses because the cluster is briefly unreachable it
 * sends again with the sequence that was not used. Every command therefore ends with the cluster's own answer.
 */
final class Participant implements AutoCloseable
{
    private static final long RETRY_PAUSE_MS = 250;

    private final String name;
    private final ExchangeClient client;
    private final long retryTimeoutMs;
    private long resends;

    Participant(final String name, final ExchangeClient client, final long retryTimeoutMs)
    {
        this.name = name;
        this.client = client;
        this.retryTimeoutMs = retryTimeoutMs;
    }

    String name()
    {
        return name;
    }

    ExchangeClient client()
    {
        return client;
    }

    /**
     * @return how many times a request had to be sent again (timeouts and transient gateway refusals).
     */
    long resends()
    {
        return resends;
    }

    /**
     * Send a command and return the cluster's answer, retrying through a failover.
     *
     * @param call sends one request with the client's next sequence and waits for its answer.
     * @return the answer.
     */
    Response command(final Function<ExchangeClient, Response> call)
    {
        final long deadlineMs = System.currentTimeMillis() + retryTimeoutMs;
        while (true)
        {
            final long sequence = client.nextSequence();
            Response response;
            try
            {
                response = call.apply(client);
            }
            catch (final ExchangeClientException ex)
            {
                if (null != ex.response())
                {
                    response = ex.response();
                }
                else
                {
                    response = resendUntilAnswered(sequence, deadlineMs);
                }
            }

            if (isTransient(response) && System.currentTimeMillis() < deadlineMs)
            {
                // refused by the gateway before it reached the cluster: the sequence was not used, send again
                resends++;
                pause();
                continue;
            }
            return response;
        }
    }

    /**
     * Ask a query and return its answer, retrying through a failover.
     *
     * @param query sends one query and returns its typed answer (throws when refused or unanswered).
     * @param <T>   answer type.
     * @return the answer.
     */
    <T> T query(final Function<ExchangeClient, T> query)
    {
        final long deadlineMs = System.currentTimeMillis() + retryTimeoutMs;
        while (true)
        {
            final long sequence = client.nextSequence();
            try
            {
                return query.apply(client);
            }
            catch (final ExchangeClientException ex)
            {
                if (System.currentTimeMillis() >= deadlineMs)
                {
                    throw ex;
                }
                if (null == ex.response())
                {
                    // unanswered: settle that sequence (applied or not) before asking again with the next one
                    resendUntilAnswered(sequence, deadlineMs);
                }
                else if (!isTransient(ex.response()))
                {
                    throw ex;
                }
                resends++;
                pause();
            }
        }
    }

    /**
     * Wait for the answer to a request sent without waiting, re-sending it if the answer does not come (the leader
     * may have died with it uncommitted) or if it was refused before reaching the cluster.
     *
     * @param sequence of the request.
     * @return the cluster's answer.
     */
    Response awaitAnswer(final long sequence)
    {
        final long deadlineMs = System.currentTimeMillis() + retryTimeoutMs;
        Response response;
        try
        {
            response = client.awaitResponse(sequence);
        }
        catch (final ExchangeClientException ex)
        {
            response = resendUntilAnswered(sequence, deadlineMs);
        }
        while ((isTransient(response) || ResultCode.SEQUENCE_GAP == response.resultCode()) &&
            System.currentTimeMillis() < deadlineMs)
        {
            // an earlier request of the same burst was not used up; it has been settled first, so send this again
            resends++;
            pause();
            response = resendUntilAnswered(sequence, deadlineMs);
        }
        return response;
    }

    /**
     * Send an earlier request again with its original sequence: the cluster must not apply it twice.
     *
     * @param sequence of a request this participant sent.
     * @return the answer, which should be the original one marked replayed.
     */
    Response resend(final long sequence)
    {
        return resendUntilAnswered(sequence, System.currentTimeMillis() + retryTimeoutMs);
    }

    public void close()
    {
        CloseHelper.quietClose(client);
    }

    private Response resendUntilAnswered(final long sequence, final long deadlineMs)
    {
        while (true)
        {
            try
            {
                final Response response = client.resend(sequence);
                if (!isTransient(response) || System.currentTimeMillis() >= deadlineMs)
                {
                    return response;
                }
            }
            catch (final ExchangeClientException ex)
            {
                if (System.currentTimeMillis() >= deadlineMs)
                {
                    throw new ExchangeClientException(
                        name + ": no answer to sequence " + sequence + " within " + retryTimeoutMs + " ms");
                }
            }
            resends++;
            pause();
        }
    }

    private static boolean isTransient(final Response response)
    {
        final ResultCode code = response.resultCode();
        return response.isGatewayRefusal() &&
            (ResultCode.CLUSTER_UNAVAILABLE == code || ResultCode.BACK_PRESSURED == code);
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(RETRY_PAUSE_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    public String toString()
    {
        return name;
    }
}
