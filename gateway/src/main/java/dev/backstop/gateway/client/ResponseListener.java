package dev.backstop.gateway.client;

import dev.backstop.sbe.exchange.ResultCode;

/**
 * Receives CommandResponses without allocation, for senders that pipeline requests
 * ({@link ExchangeClient#pollResponses(ResponseListener, int)}).
 */
@FunctionalInterface
public interface ResponseListener
{
    /**
     * @param sequence    the request's sequence, -1 when the gateway could not read one.
     * @param resultCode  outcome.
     * @param replayed    true when this repeats an earlier result.
     * @param clusterTime cluster time in ms; 0 for a gateway refusal.
     */
    void onResponse(long sequence, ResultCode resultCode, boolean replayed, long clusterTime);
}
