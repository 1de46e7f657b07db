package dev.backstop.gateway.ingress;

import dev.backstop.sbe.cluster.DepositCommandEncoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandEncoder;
import dev.backstop.sbe.cluster.OpenAccountCommandEncoder;
import dev.backstop.sbe.cluster.PriceTickCommandEncoder;
import dev.backstop.sbe.cluster.QueryAccountCommandEncoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandEncoder;
import dev.backstop.sbe.cluster.TradeCommandEncoder;
import dev.backstop.sbe.cluster.WithdrawCommandEncoder;
import dev.backstop.sbe.exchange.DepositCollateralDecoder;
import dev.backstop.sbe.exchange.ListInstrumentDecoder;
import dev.backstop.sbe.exchange.LogonDecoder;
import dev.backstop.sbe.exchange.LogoutDecoder;
import dev.backstop.sbe.exchange.MessageHeaderDecoder;
import dev.backstop.sbe.exchange.OpenAccountDecoder;
import dev.backstop.sbe.exchange.QueryAccountDecoder;
import dev.backstop.sbe.exchange.QueryLedgerDecoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.SubmitPriceTickDecoder;
import dev.backstop.sbe.exchange.SubmitTradeDecoder;
import dev.backstop.sbe.exchange.WithdrawCollateralDecoder;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Set;

/**
 * Validates every exchange-protocol message (schema 101) that arrives at the gateway and translates the valid ones
 * into cluster-protocol commands (schema 102).
 * <p>
 * Nothing reaches the cluster before every check below has passed, in this order: the buffer holds a header; the
 * schema id and version are ours; the template is a request we know; the buffer holds the whole root block and every
 * variable-length field lies inside it; the session is logged on; the sender's role may send this message; the
 * sequence is exactly one past the last forwarded (or a resend of an already forwarded one, which the cluster
 * answers with the original result); the values are sane (positive quantities, prices and amounts, instrument terms
 * within bounds). A failed check becomes one {@link IngressHandler#onRefusal} with a result code and a reason; the
 * session keeps working. The decoder never throws for any input.
 * <p>
 * Single-threaded; no allocation on the command path (a Logon, which is rare, allocates its strings).
 */
public final class IngressDecoder
{
    /**
     * Longest credential accepted in a Logon.
     */
    public static final int MAX_CREDENTIAL_LENGTH = 256;

    /**
     * Longest reply channel accepted in a Logon.
     */
    public static final int MAX_REPLY_CHANNEL_LENGTH = 512;

    /**
     * Longest instrument symbol (the clearing house keeps at most 64 characters).
     */
    public static final int MAX_SYMBOL_LENGTH = 64;

    /**
     * Highest margin rate: 100% in ppm.
     */
    public static final int MAX_MARGIN_PPM = 1_000_000;

    /**
     * Highest trade fee rate: 10% in ppm.
     */
    public static final int MAX_TRADE_FEE_PPM = 100_000;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int VAR_LENGTH_FIELD_HEADER = 4;
    private static final int SCRATCH_LENGTH = 512;

    private final SenderDirectory senders;
    private final IngressHandler handler;
    private final Set<String> allowedReplyHosts;
    private final int ingressStreamId;
    private final ReasonText reason = new ReasonText();

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final LogonDecoder logonDecoder = new LogonDecoder();
    private final LogoutDecoder logoutDecoder = new LogoutDecoder();
    private final SubmitTradeDecoder tradeDecoder = new SubmitTradeDecoder();
    private final SubmitPriceTickDecoder priceTickDecoder = new SubmitPriceTickDecoder();
    private final DepositCollateralDecoder depositDecoder = new DepositCollateralDecoder();
    private final WithdrawCollateralDecoder withdrawDecoder = new WithdrawCollateralDecoder();
    private final QueryAccountDecoder queryAccountDecoder = new QueryAccountDecoder();
    private final ListInstrumentDecoder listInstrumentDecoder = new ListInstrumentDecoder();
    private final OpenAccountDecoder openAccountDecoder = new OpenAccountDecoder();
    private final QueryLedgerDecoder queryLedgerDecoder = new QueryLedgerDecoder();

    private final UnsafeBuffer commandBuffer = new UnsafeBuffer(new byte[SCRATCH_LENGTH]);
    private final dev.backstop.sbe.cluster.MessageHeaderEncoder commandHeader =
        new dev.backstop.sbe.cluster.MessageHeaderEncoder();
    private final TradeCommandEncoder tradeCommand = new TradeCommandEncoder();
    private final PriceTickCommandEncoder priceTickCommand = new PriceTickCommandEncoder();
    private final DepositCommandEncoder depositCommand = new DepositCommandEncoder();
    private final WithdrawCommandEncoder withdrawCommand = new WithdrawCommandEncoder();
    private final QueryAccountCommandEncoder queryAccountCommand = new QueryAccountCommandEncoder();
    private final ListInstrumentCommandEncoder listInstrumentCommand = new ListInstrumentCommandEncoder();
    private final OpenAccountCommandEncoder openAccountCommand = new OpenAccountCommandEncoder();
    private final QueryLedgerCommandEncoder queryLedgerCommand = new QueryLedgerCommandEncoder();

    private long messagesRefused;
    private long commandsForwarded;

    /**
     * @param senders           enrolled senders.
     * @param handler           receives the verdicts.
     * @param allowedReplyHosts hosts a UDP reply channel may name (loopback by default); empty allows any.
     * @param ingressStreamId   the gateway's own ingress stream, which a reply stream may not be (replies would
     *                          come straight back in as requests).
     */
    public IngressDecoder(
        final SenderDirectory senders,
        final IngressHandler handler,
        final Set<String> allowedReplyHosts,
        final int ingressStreamId)
    {
        this.senders = senders;
        this.handler = handler;
        this.allowedReplyHosts = Set.copyOf(allowedReplyHosts);
        this.ingressStreamId = ingressStreamId;
    }

    /**
     * @return messages refused since start.
     */
    public long messagesRefused()
    {
        return messagesRefused;
    }

    /**
     * @return commands handed to the handler for forwarding since start.
     */
    public long commandsForwarded()
    {
        return commandsForwarded;
    }

    /**
     * Validates one message and reports the verdict to the handler.
     *
     * @param session connection the message came on.
     * @param buffer  holding the message.
     * @param offset  of the message header.
     * @param length  of the message as received.
     */
    public void onMessage(final ExchangeSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            refuse(session, -1, 0, ResultCode.MALFORMED_MESSAGE,
                reason.set("message of ").append(length).append(" bytes is shorter than the 8-byte header"));
            return;
        }

        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int schemaId = headerDecoder.schemaId();
        final int version = headerDecoder.version();
        final int blockLength = headerDecoder.blockLength();

        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            refuse(session, -1, templateId, ResultCode.WRONG_SCHEMA,
                reason.set("schema id ").append(schemaId).append(" is not the exchange protocol (")
                    .append(MessageHeaderDecoder.SCHEMA_ID).append(')'));
            return;
        }
        if (version != MessageHeaderDecoder.SCHEMA_VERSION)
        {
            refuse(session, -1, templateId, ResultCode.WRONG_SCHEMA,
                reason.set("schema version ").append(version).append(" is not supported (expected ")
                    .append(MessageHeaderDecoder.SCHEMA_VERSION).append(')'));
            return;
        }

        final int minBlockLength = requestBlockLength(templateId);
        if (minBlockLength < 0)
        {
            refuse(session, -1, templateId, ResultCode.UNKNOWN_TEMPLATE,
                reason.set("template id ").append(templateId).append(" is not a request this gateway accepts"));
            return;
        }
        if (blockLength < minBlockLength)
        {
            refuse(session, -1, templateId, ResultCode.MALFORMED_MESSAGE,
                reason.set("block length ").append(blockLength).append(" is shorter than the ")
                    .append(minBlockLength).append(" bytes of template ").append(templateId));
            return;
        }
        if (length - HEADER_LENGTH < blockLength)
        {
            refuse(session, -1, templateId, ResultCode.MALFORMED_MESSAGE,
                reason.set("message of ").append(length).append(" bytes is truncated: template ")
                    .append(templateId).append(" needs ").append(HEADER_LENGTH + blockLength));
            return;
        }

        final int bodyOffset = offset + HEADER_LENGTH;
        final int end = offset + length;
        switch (templateId)
        {
            case LogonDecoder.TEMPLATE_ID:
                onLogon(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case LogoutDecoder.TEMPLATE_ID:
                onLogout(session, buffer, bodyOffset, blockLength, version);
                break;

            case SubmitTradeDecoder.TEMPLATE_ID:
                onTrade(session, buffer, bodyOffset, blockLength, version);
                break;

            case SubmitPriceTickDecoder.TEMPLATE_ID:
                onPriceTick(session, buffer, bodyOffset, blockLength, version);
                break;

            case DepositCollateralDecoder.TEMPLATE_ID:
                onDeposit(session, buffer, bodyOffset, blockLength, version);
                break;

            case WithdrawCollateralDecoder.TEMPLATE_ID:
                onWithdraw(session, buffer, bodyOffset, blockLength, version);
                break;

            case QueryAccountDecoder.TEMPLATE_ID:
                onQueryAccount(session, buffer, bodyOffset, blockLength, version);
                break;

            case ListInstrumentDecoder.TEMPLATE_ID:
                onListInstrument(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case OpenAccountDecoder.TEMPLATE_ID:
                onOpenAccount(session, buffer, bodyOffset, blockLength, version);
                break;

            case QueryLedgerDecoder.TEMPLATE_ID:
                onQueryLedger(session, buffer, bodyOffset, blockLength, version);
                break;

            default:
                break;
        }
    }

    /**
     * Which roles may send which request. Exchanges submit trades and prices; members and BLPs move collateral
     * (whose account it is the cluster decides); the operator lists instruments, opens accounts and reads the ledger
     * (and may move collateral on a member's behalf); anyone logged on may read an account.
     *
     * @param templateId exchange-protocol request template.
     * @param role       sender role.
     * @return true when allowed.
     */
    public static boolean isAllowed(final int templateId, final SenderRole role)
    {
        switch (templateId)
        {
            case SubmitTradeDecoder.TEMPLATE_ID:
            case SubmitPriceTickDecoder.TEMPLATE_ID:
                return SenderRole.EXCHANGE == role;

            case DepositCollateralDecoder.TEMPLATE_ID:
            case WithdrawCollateralDecoder.TEMPLATE_ID:
                return SenderRole.MEMBER == role || SenderRole.BLP == role || SenderRole.OPERATOR == role;

            case QueryAccountDecoder.TEMPLATE_ID:
                return true;

            case ListInstrumentDecoder.TEMPLATE_ID:
            case OpenAccountDecoder.TEMPLATE_ID:
            case QueryLedgerDecoder.TEMPLATE_ID:
                return SenderRole.OPERATOR == role;

            default:
                return false;
        }
    }

    private static int requestBlockLength(final int templateId)
    {
        switch (templateId)
        {
            case LogonDecoder.TEMPLATE_ID:
                return LogonDecoder.BLOCK_LENGTH;
            case LogoutDecoder.TEMPLATE_ID:
                return LogoutDecoder.BLOCK_LENGTH;
            case SubmitTradeDecoder.TEMPLATE_ID:
                return SubmitTradeDecoder.BLOCK_LENGTH;
            case SubmitPriceTickDecoder.TEMPLATE_ID:
                return SubmitPriceTickDecoder.BLOCK_LENGTH;
            case DepositCollateralDecoder.TEMPLATE_ID:
                return DepositCollateralDecoder.BLOCK_LENGTH;
            case WithdrawCollateralDecoder.TEMPLATE_ID:
                return WithdrawCollateralDecoder.BLOCK_LENGTH;
            case QueryAccountDecoder.TEMPLATE_ID:
                return QueryAccountDecoder.BLOCK_LENGTH;
            case ListInstrumentDecoder.TEMPLATE_ID:
                return ListInstrumentDecoder.BLOCK_LENGTH;
            case OpenAccountDecoder.TEMPLATE_ID:
                return OpenAccountDecoder.BLOCK_LENGTH;
            case QueryLedgerDecoder.TEMPLATE_ID:
                return QueryLedgerDecoder.BLOCK_LENGTH;
            default:
                return -1;
        }
    }

    private void onLogon(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final LogonDecoder logon = logonDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long senderId = logon.senderId();
        final int replyStreamId = logon.replyStreamId();

        final int credentialHeader = logon.limit();
        final int credentialLength = varLength(buffer, credentialHeader, end);
        if (credentialLength < 0)
        {
            refuseLogon(session, senderId, null, replyStreamId, ResultCode.MALFORMED_MESSAGE,
                reason.set("credential length runs past the end of the message"));
            return;
        }
        final int channelHeader = credentialHeader + VAR_LENGTH_FIELD_HEADER + credentialLength;
        final int channelLength = varLength(buffer, channelHeader, end);
        if (channelLength < 0)
        {
            refuseLogon(session, senderId, null, replyStreamId, ResultCode.MALFORMED_MESSAGE,
                reason.set("reply channel length runs past the end of the message"));
            return;
        }
        if (0 == channelLength || channelLength > MAX_REPLY_CHANNEL_LENGTH)
        {
            refuseLogon(session, senderId, null, replyStreamId, ResultCode.MALFORMED_MESSAGE,
                reason.set("reply channel must be 1 to ").append(MAX_REPLY_CHANNEL_LENGTH).append(" bytes"));
            return;
        }

        final String replyChannel = ReasonText.utf8(
            buffer, channelHeader + VAR_LENGTH_FIELD_HEADER, channelLength);
        if (replyStreamId == ingressStreamId)
        {
            refuseLogon(session, senderId, null, replyStreamId, ResultCode.INVALID_PARAMETER,
                reason.set("reply stream id must differ from the gateway's ingress stream ").append(ingressStreamId));
            return;
        }
        if (!validReplyChannel(replyChannel))
        {
            refuseLogon(session, senderId, null, replyStreamId, ResultCode.INVALID_PARAMETER, reason);
            return;
        }

        if (ExchangeSession.State.NEW != session.state())
        {
            refuseLogon(session, senderId, replyChannel, replyStreamId, ResultCode.ALREADY_LOGGED_ON,
                reason.set(ExchangeSession.State.LOGON_PENDING == session.state() ?
                    "a logon is already in progress on this connection" :
                    "this connection is already logged on"));
            return;
        }

        final Sender sender = senders.get(senderId);
        final byte[] credential = new byte[Math.min(credentialLength, MAX_CREDENTIAL_LENGTH + 1)];
        buffer.getBytes(credentialHeader + VAR_LENGTH_FIELD_HEADER, credential);
        if (null == sender)
        {
            refuseLogon(session, senderId, replyChannel, replyStreamId, ResultCode.BAD_CREDENTIAL,
                reason.set("sender ").append(senderId).append(" is not enrolled at this gateway"));
            return;
        }
        if (credentialLength > MAX_CREDENTIAL_LENGTH || !sender.credentialMatches(credential))
        {
            refuseLogon(session, senderId, replyChannel, replyStreamId, ResultCode.BAD_CREDENTIAL,
                reason.set("credential does not match for sender ").append(senderId));
            return;
        }
        final SenderRole role = logon.role();
        if (role != sender.role())
        {
            refuseLogon(session, senderId, replyChannel, replyStreamId, ResultCode.NOT_AUTHORISED,
                reason.set("sender ").append(senderId).append(" is not enrolled with role ")
                    .append(SenderRole.NULL_VAL == role ? "unknown" : role.name()));
            return;
        }

        handler.onLogonAuthenticated(session, sender, replyChannel, replyStreamId);
    }

    private void onLogout(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final LogoutDecoder logout = logoutDecoder.wrap(buffer, bodyOffset, blockLength, version);
        if (!session.isLoggedOn())
        {
            refuseNotLoggedOn(session, -1, LogoutDecoder.TEMPLATE_ID);
            return;
        }
        if (logout.senderId() != session.sender().senderId())
        {
            refuse(session, -1, LogoutDecoder.TEMPLATE_ID, ResultCode.NOT_AUTHORISED,
                reason.set("logout names sender ").append(logout.senderId()).append(" but this session is sender ")
                    .append(session.sender().senderId()));
            return;
        }
        handler.onLogout(session);
    }

    private void onTrade(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final SubmitTradeDecoder trade = tradeDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = trade.sequence();
        if (!admit(session, sequence, SubmitTradeDecoder.TEMPLATE_ID))
        {
            return;
        }
        if (trade.quantityLots() <= 0)
        {
            refuse(session, sequence, SubmitTradeDecoder.TEMPLATE_ID, ResultCode.INVALID_QUANTITY,
                reason.set("quantity must be positive lots, was ").append(trade.quantityLots()));
            return;
        }
        if (trade.priceTicks() <= 0)
        {
            refuse(session, sequence, SubmitTradeDecoder.TEMPLATE_ID, ResultCode.INVALID_PRICE,
                reason.set("price must be positive ticks, was ").append(trade.priceTicks()));
            return;
        }
        if (trade.venueTradeId() <= 0)
        {
            refuse(session, sequence, SubmitTradeDecoder.TEMPLATE_ID, ResultCode.INVALID_PARAMETER,
                reason.set("venue trade id must be positive, was ").append(trade.venueTradeId()));
            return;
        }
        if (trade.buyAccountId() == trade.sellAccountId())
        {
            refuse(session, sequence, SubmitTradeDecoder.TEMPLATE_ID, ResultCode.SELF_TRADE,
                reason.set("buyer and seller are the same account ").append(trade.buyAccountId()));
            return;
        }

        tradeCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .venueTradeId(trade.venueTradeId())
            .instrumentId(trade.instrumentId())
            .buyAccountId(trade.buyAccountId())
            .sellAccountId(trade.sellAccountId())
            .priceTicks(trade.priceTicks())
            .quantityLots(trade.quantityLots());
        forward(session, sequence, TradeCommandEncoder.TEMPLATE_ID, HEADER_LENGTH + tradeCommand.encodedLength());
    }

    private void onPriceTick(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final SubmitPriceTickDecoder tick = priceTickDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = tick.sequence();
        if (!admit(session, sequence, SubmitPriceTickDecoder.TEMPLATE_ID))
        {
            return;
        }
        if (tick.priceTicks() <= 0)
        {
            refuse(session, sequence, SubmitPriceTickDecoder.TEMPLATE_ID, ResultCode.INVALID_PRICE,
                reason.set("price must be positive ticks, was ").append(tick.priceTicks()));
            return;
        }

        priceTickCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .instrumentId(tick.instrumentId())
            .sourceId(tick.sourceId())
            .priceTicks(tick.priceTicks());
        forward(session, sequence, PriceTickCommandEncoder.TEMPLATE_ID,
            HEADER_LENGTH + priceTickCommand.encodedLength());
    }

    private void onDeposit(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final DepositCollateralDecoder deposit = depositDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = deposit.sequence();
        if (!admit(session, sequence, DepositCollateralDecoder.TEMPLATE_ID))
        {
            return;
        }
        if (deposit.amount() <= 0)
        {
            refuse(session, sequence, DepositCollateralDecoder.TEMPLATE_ID, ResultCode.INVALID_AMOUNT,
                reason.set("amount must be positive micro-units, was ").append(deposit.amount()));
            return;
        }

        depositCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .accountId(deposit.accountId())
            .amount(deposit.amount());
        forward(session, sequence, DepositCommandEncoder.TEMPLATE_ID, HEADER_LENGTH + depositCommand.encodedLength());
    }

    private void onWithdraw(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final WithdrawCollateralDecoder withdraw = withdrawDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = withdraw.sequence();
        if (!admit(session, sequence, WithdrawCollateralDecoder.TEMPLATE_ID))
        {
            return;
        }
        if (withdraw.amount() <= 0)
        {
            refuse(session, sequence, WithdrawCollateralDecoder.TEMPLATE_ID, ResultCode.INVALID_AMOUNT,
                reason.set("amount must be positive micro-units, was ").append(withdraw.amount()));
            return;
        }

        withdrawCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .accountId(withdraw.accountId())
            .amount(withdraw.amount());
        forward(session, sequence, WithdrawCommandEncoder.TEMPLATE_ID,
            HEADER_LENGTH + withdrawCommand.encodedLength());
    }

    private void onQueryAccount(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final QueryAccountDecoder query = queryAccountDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = query.sequence();
        if (!admit(session, sequence, QueryAccountDecoder.TEMPLATE_ID))
        {
            return;
        }

        queryAccountCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .accountId(query.accountId());
        forward(session, sequence, QueryAccountCommandEncoder.TEMPLATE_ID,
            HEADER_LENGTH + queryAccountCommand.encodedLength());
    }

    private void onListInstrument(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final ListInstrumentDecoder list = listInstrumentDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = list.sequence();
        final int symbolHeader = list.limit();
        final int symbolLength = varLength(buffer, symbolHeader, end);
        if (symbolLength < 0)
        {
            refuse(session, sequence, ListInstrumentDecoder.TEMPLATE_ID, ResultCode.MALFORMED_MESSAGE,
                reason.set("symbol length runs past the end of the message"));
            return;
        }
        if (!admit(session, sequence, ListInstrumentDecoder.TEMPLATE_ID))
        {
            return;
        }

        final int initialMarginPpm = list.initialMarginPpm();
        final int maintenanceMarginPpm = list.maintenanceMarginPpm();
        final int tradeFeePpm = list.tradeFeePpm();
        if (list.instrumentId() <= 0)
        {
            refuseParameter(session, sequence, reason.set("instrument id must be positive, was ")
                .append(list.instrumentId()));
            return;
        }
        if (symbolLength < 1 || symbolLength > MAX_SYMBOL_LENGTH)
        {
            refuseParameter(session, sequence, reason.set("symbol must be 1 to ").append(MAX_SYMBOL_LENGTH)
                .append(" bytes, was ").append(symbolLength));
            return;
        }
        if (maintenanceMarginPpm <= 0 || maintenanceMarginPpm > MAX_MARGIN_PPM ||
            initialMarginPpm < maintenanceMarginPpm || initialMarginPpm > MAX_MARGIN_PPM)
        {
            refuseParameter(session, sequence, reason.set("margins must satisfy 0 < maintenance <= initial <= ")
                .append(MAX_MARGIN_PPM).append(" ppm, were initial=").append(initialMarginPpm)
                .append(" maintenance=").append(maintenanceMarginPpm));
            return;
        }
        if (tradeFeePpm < 0 || tradeFeePpm > MAX_TRADE_FEE_PPM)
        {
            refuseParameter(session, sequence, reason.set("trade fee must be 0 to ").append(MAX_TRADE_FEE_PPM)
                .append(" ppm, was ").append(tradeFeePpm));
            return;
        }
        if (list.tickSizeMicros() <= 0 || list.lotSizeMicros() <= 0 || list.tickValue() <= 0)
        {
            refuseParameter(session, sequence, reason.set("tick size, lot size and tick value must be positive"));
            return;
        }

        listInstrumentCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .instrumentId(list.instrumentId())
            .initialMarginPpm(initialMarginPpm)
            .maintenanceMarginPpm(maintenanceMarginPpm)
            .tradeFeePpm(tradeFeePpm)
            .tickSizeMicros(list.tickSizeMicros())
            .lotSizeMicros(list.lotSizeMicros())
            .tickValue(list.tickValue())
            .putSymbol(buffer, symbolHeader + VAR_LENGTH_FIELD_HEADER, symbolLength);
        forward(session, sequence, ListInstrumentCommandEncoder.TEMPLATE_ID,
            HEADER_LENGTH + listInstrumentCommand.encodedLength());
    }

    private void onOpenAccount(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final OpenAccountDecoder open = openAccountDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = open.sequence();
        if (!admit(session, sequence, OpenAccountDecoder.TEMPLATE_ID))
        {
            return;
        }
        if (open.accountId() <= 0 || open.memberId() <= 0)
        {
            refuse(session, sequence, OpenAccountDecoder.TEMPLATE_ID, ResultCode.INVALID_PARAMETER,
                reason.set("account id and member id must be positive, were ").append(open.accountId())
                    .append(" and ").append(open.memberId()));
            return;
        }

        openAccountCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .accountId(open.accountId())
            .memberId(open.memberId());
        forward(session, sequence, OpenAccountCommandEncoder.TEMPLATE_ID,
            HEADER_LENGTH + openAccountCommand.encodedLength());
    }

    private void onQueryLedger(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final QueryLedgerDecoder query = queryLedgerDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = query.sequence();
        if (!admit(session, sequence, QueryLedgerDecoder.TEMPLATE_ID))
        {
            return;
        }

        queryLedgerCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence);
        forward(session, sequence, QueryLedgerCommandEncoder.TEMPLATE_ID,
            HEADER_LENGTH + queryLedgerCommand.encodedLength());
    }

    /**
     * Session, role and sequence checks common to every command.
     */
    private boolean admit(final ExchangeSession session, final long sequence, final int templateId)
    {
        if (!session.isLoggedOn())
        {
            refuseNotLoggedOn(session, sequence, templateId);
            return false;
        }

        final Sender sender = session.sender();
        if (!isAllowed(templateId, sender.role()))
        {
            refuse(session, sequence, templateId, ResultCode.NOT_AUTHORISED,
                reason.set("role ").append(sender.role().name()).append(" may not send template ")
                    .append(templateId));
            return false;
        }

        if (sequence <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("sequence must be positive, was ").append(sequence));
            return false;
        }

        final long expected = sender.lastForwardedSequence() + 1;
        if (sequence > expected)
        {
            refuse(session, sequence, templateId, ResultCode.SEQUENCE_GAP,
                reason.set("sequence ").append(sequence).append(" is out of order: expected ").append(expected));
            return false;
        }

        return true;
    }

    private void forward(final ExchangeSession session, final long sequence, final int templateId, final int length)
    {
        final Sender sender = session.sender();
        final ResultCode code = handler.onCommand(session, sender, sequence, templateId, commandBuffer, 0, length);
        if (ResultCode.ACCEPTED != code)
        {
            if (ResultCode.CLUSTER_UNAVAILABLE == code)
            {
                reason.set("cluster unavailable; the command was not forwarded, retry with the same sequence");
            }
            else if (ResultCode.BACK_PRESSURED == code)
            {
                reason.set("gateway has too many unacknowledged commands; retry with the same sequence");
            }
            else
            {
                reason.set("the command could not be forwarded");
            }
            refuse(session, sequence, templateId, code, reason);
            return;
        }

        commandsForwarded++;
        if (sequence == sender.lastForwardedSequence() + 1)
        {
            sender.lastForwardedSequence(sequence);
        }
    }

    private void refuseNotLoggedOn(final ExchangeSession session, final long sequence, final int templateId)
    {
        refuse(session, sequence, templateId, ResultCode.NOT_LOGGED_ON,
            reason.set(ExchangeSession.State.LOGON_PENDING == session.state() ?
                "logon still in progress: wait for the LogonResponse" :
                "not logged on: send a Logon first"));
    }

    private void refuseParameter(final ExchangeSession session, final long sequence, final ReasonText text)
    {
        refuse(session, sequence, ListInstrumentDecoder.TEMPLATE_ID, ResultCode.INVALID_PARAMETER, text);
    }

    private void refuse(
        final ExchangeSession session,
        final long sequence,
        final int templateId,
        final ResultCode code,
        final ReasonText text)
    {
        messagesRefused++;
        handler.onRefusal(session, sequence, templateId, code, text);
    }

    private void refuseLogon(
        final ExchangeSession session,
        final long senderId,
        final String replyChannel,
        final int replyStreamId,
        final ResultCode code,
        final ReasonText text)
    {
        messagesRefused++;
        handler.onLogonRefused(session, senderId, replyChannel, replyStreamId, code, text);
    }

    /**
     * @return the length of the variable-length field whose 4-byte length header starts at {@code index}, or -1 when
     * the header or the data runs past {@code end}.
     */
    private static int varLength(final DirectBuffer buffer, final int index, final int end)
    {
        if (index < 0 || end - index < VAR_LENGTH_FIELD_HEADER)
        {
            return -1;
        }
        final long length = buffer.getInt(index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (length > end - index - VAR_LENGTH_FIELD_HEADER)
        {
            return -1;
        }
        return (int)length;
    }

    private boolean validReplyChannel(final String channel)
    {
        final ChannelUri uri;
        try
        {
            uri = ChannelUri.parse(channel);
        }
        catch (final RuntimeException ex)
        {
            reason.set("reply channel is not an Aeron channel URI");
            return false;
        }

        if (uri.isIpc())
        {
            return true;
        }
        if (!uri.isUdp())
        {
            reason.set("reply channel must be aeron:udp or aeron:ipc");
            return false;
        }

        final String endpoint = uri.get(CommonContext.ENDPOINT_PARAM_NAME);
        final int colon = null == endpoint ? -1 : endpoint.lastIndexOf(':');
        if (colon <= 0)
        {
            reason.set("UDP reply channel needs endpoint=host:port");
            return false;
        }
        final String host = endpoint.substring(0, colon);
        final int port;
        try
        {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            reason.set("reply endpoint port is not a number");
            return false;
        }
        if (port <= 0 || port > 65535)
        {
            reason.set("reply endpoint port must be a concrete port (1-65535), was ").append(port);
            return false;
        }
        if (!allowedReplyHosts.isEmpty() && !allowedReplyHosts.contains(host))
        {
            reason.set("reply endpoint host is not allowed by this gateway");
            return false;
        }
        return true;
    }
}
