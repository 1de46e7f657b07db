package dev.backstop.gateway.client;

import dev.backstop.sbe.exchange.ResultCode;

/**
 * A client-library call that could not complete: a refused logon, a refused query, no answer in time, or a gateway
 * that cannot be reached.
 */
public final class ExchangeClientException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient ResultCode resultCode;
    private final transient Response response;

    /**
     * @param message    what happened.
     * @param resultCode the refusal's code, or null.
     * @param response   the refusal, or null.
     */
    public ExchangeClientException(final String message, final ResultCode resultCode, final Response response)
    {
        super(message);
        this.resultCode = resultCode;
        this.response = response;
    }

    /**
     * @param message what happened.
     */
    public ExchangeClientException(final String message)
    {
        this(message, null, null);
    }

    /**
     * @return the refusal's code, or null when there was no answer.
     */
    public ResultCode resultCode()
    {
        return resultCode;
    }

    /**
     * @return the refusal (for a refused request), or null.
     */
    public Response response()
    {
        return response;
    }
}
