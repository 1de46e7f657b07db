package dev.backstop.gateway.client;

import dev.backstop.sbe.exchange.ResultCode;

/**
 * The answer to one request: the outcome the cluster decided (or the gateway's refusal), as received in a
 * CommandResponse.
 *
 * @param sequence          the request's sequence, -1 when the gateway could not read one.
 * @param resultCode        outcome.
 * @param replayed          true when this repeats the result of a request already applied (a resend).
 * @param reason            human-readable reason, empty when accepted.
 * @param clusterTime       cluster time of the command in ms; 0 when the gateway refused it before it reached the
 *                          cluster (then its sequence was not consumed and may be sent again).
 * @param refusedTemplateId template id of the refused request, 0 when accepted.
 */
public record Response(
    long sequence,
    ResultCode resultCode,
    boolean replayed,
    String reason,
    long clusterTime,
    int refusedTemplateId)
{
    /**
     * @return true when the request was applied (or, for a query, answered).
     */
    public boolean isAccepted()
    {
        return ResultCode.ACCEPTED == resultCode;
    }

    /**
     * @return true when the gateway refused the request before it reached the cluster.
     */
    public boolean isGatewayRefusal()
    {
        return ResultCode.ACCEPTED != resultCode && 0 == clusterTime;
    }

    /**
     * @return true when the request's sequence was not used up and the same sequence should be sent next: a gateway
     * refusal, or a sequence gap the cluster refused.
     */
    public boolean sequenceNotConsumed()
    {
        return isGatewayRefusal() || ResultCode.SEQUENCE_GAP == resultCode;
    }
}
