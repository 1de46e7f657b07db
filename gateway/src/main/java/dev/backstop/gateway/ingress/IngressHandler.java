package dev.backstop.gateway.ingress;

import dev.backstop.sbe.exchange.ResultCode;
import org.agrona.DirectBuffer;

/**
 * What the {@link IngressDecoder} concluded about one message. The decoder validates and translates; the handler
 * owns the effects (replies, cluster forwarding), which keeps the decoder testable without Aeron.
 */
public interface IngressHandler
{
    /**
     * A Logon whose credential and role check out. The handler asks the cluster where the sender's sequence stands
     * and completes the logon when it answers.
     *
     * @param session       connection the Logon came on.
     * @param sender        the authenticated sender.
     * @param replyChannel  validated reply channel named by the Logon.
     * @param replyStreamId reply stream id named by the Logon.
     */
    void onLogonAuthenticated(ExchangeSession session, Sender sender, String replyChannel, int replyStreamId);

    /**
     * A Logon refused. The reply goes to {@code replyChannel} when it could be read and validated, otherwise to the
     * session's existing reply publication, if any.
     *
     * @param session       connection the Logon came on.
     * @param senderId      sender id named by the Logon, 0 when unreadable.
     * @param replyChannel  validated reply channel or null.
     * @param replyStreamId reply stream id.
     * @param code          why.
     * @param reason        human-readable reason.
     */
    void onLogonRefused(
        ExchangeSession session, long senderId, String replyChannel, int replyStreamId, ResultCode code,
        ReasonText reason);

    /**
     * A Logout from a logged-on session.
     *
     * @param session connection.
     */
    void onLogout(ExchangeSession session);

    /**
     * A valid command, already translated to the cluster protocol, to forward.
     *
     * @param session    connection it came on.
     * @param sender     sender it is for.
     * @param sequence   the sender's sequence.
     * @param templateId cluster-protocol template id (equal to the exchange-protocol one).
     * @param buffer     encoded cluster command including its message header.
     * @param offset     of the command.
     * @param length     of the command.
     * @return {@link ResultCode#ACCEPTED} when it was taken for forwarding; otherwise why not (for example
     * {@link ResultCode#CLUSTER_UNAVAILABLE}); a refused command does not consume its sequence.
     */
    ResultCode onCommand(
        ExchangeSession session, Sender sender, long sequence, int templateId, DirectBuffer buffer, int offset,
        int length);

    /**
     * A message refused at the gateway; nothing was forwarded and no sequence consumed.
     *
     * @param session    connection it came on.
     * @param sequence   the message's sequence, or -1 when it could not be read.
     * @param templateId template id of the refused message, 0 when it could not be read.
     * @param code       why.
     * @param reason     human-readable reason.
     */
    void onRefusal(ExchangeSession session, long sequence, int templateId, ResultCode code, ReasonText reason);
}
