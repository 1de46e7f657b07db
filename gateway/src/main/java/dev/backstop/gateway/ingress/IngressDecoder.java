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
import dev.backstop.sbe.exchange.SubmitOrderDecoder;
import dev.backstop.sbe.exchange.CancelOrderDecoder;
import dev.backstop.sbe.exchange.RegisterBlpDecoder;
import dev.backstop.sbe.exchange.SubmitAuctionBidDecoder;
import dev.backstop.sbe.exchange.CreatePoolDecoder;
import dev.backstop.sbe.exchange.PoolDepositDecoder;
import dev.backstop.sbe.exchange.RequestPoolRedemptionDecoder;
import dev.backstop.sbe.exchange.SetOracleParametersDecoder;
import dev.backstop.sbe.exchange.SetMarginBracketsDecoder;
import dev.backstop.sbe.exchange.SetOpenInterestScalingDecoder;
import dev.backstop.sbe.exchange.SetMarginRateDecoder;
import dev.backstop.sbe.exchange.SetLiquidationParametersDecoder;
import dev.backstop.sbe.exchange.SetAutoDeleveragingDecoder;
import dev.backstop.sbe.exchange.AutoDeleveragingMode;
import dev.backstop.sbe.exchange.SetInstrumentUnderlyingDecoder;
import dev.backstop.sbe.exchange.SetAccountMarginMethodDecoder;
import dev.backstop.sbe.exchange.SetUnderlyingScenariosDecoder;
import dev.backstop.sbe.exchange.ListInstrumentDecoder;
import dev.backstop.sbe.exchange.LogonDecoder;
import dev.backstop.sbe.exchange.LogoutDecoder;
import dev.backstop.sbe.exchange.MessageHeaderDecoder;
import dev.backstop.sbe.exchange.OpenAccountDecoder;
import dev.backstop.sbe.exchange.QueryAccountDecoder;
import dev.backstop.sbe.exchange.QueryLedgerDecoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.MarginMethod;
import dev.backstop.sbe.exchange.MarkBasis;
import dev.backstop.sbe.exchange.Side;
import dev.backstop.sbe.exchange.SubmitPriceTickDecoder;
import dev.backstop.sbe.exchange.SubmitTradeDecoder;
import dev.backstop.sbe.exchange.WithdrawCollateralDecoder;
import dev.backstop.gateway.cluster.UnacknowledgedCommands;
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

    /**
     * Most brackets in one SetMarginBrackets (the clearing house keeps at most 8).
     */
    public static final int MAX_MARGIN_BRACKETS = 8;

    /**
     * Most price shocks in one SetUnderlyingScenarios (the clearing house keeps at most 16).
     */
    public static final int MAX_SCENARIO_SHOCKS = 16;

    /**
     * Longest duration a parameter may name (age limits, EMA windows): one day.
     */
    public static final long MAX_PARAMETER_DURATION_MS = 86_400_000L;

    /**
     * Shortest variation margin or funding interval an operator may set (0 turns either off).
     */
    public static final long MIN_SETTLEMENT_INTERVAL_MS = 1_000L;

    /**
     * Longest funding interval: 7 days (the VM interval and the breaker's window and halt stop at one day).
     */
    public static final long MAX_FUNDING_INTERVAL_MS = 7 * 86_400_000L;

    /**
     * Longest pool redemption notice: 30 days.
     */
    public static final long MAX_REDEMPTION_NOTICE_MS = 30L * 86_400_000L;

    /**
     * Most price sources an oracle may record.
     */
    public static final int MAX_ORACLE_SOURCES = 64;

    /**
     * Most shocked underlyings in one SetStressScenario (the clearing house keeps at most 16).
     */
    public static final int MAX_STRESS_SHOCKS = 16;

    /**
     * Longest call deadline, capped period or recompute interval a default fund parameter may name: 366 days.
     */
    public static final long MAX_DEFAULT_FUND_DURATION_MS = 366L * 86_400_000L;

    /**
     * Highest assessment cap: 100× the contribution, in ppm.
     */
    public static final int MAX_ASSESSMENT_CAP_PPM = 100 * MAX_MARGIN_PPM;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = 4;
    private static final int VAR_LENGTH_FIELD_HEADER = 4;
    private static final int SCRATCH_LENGTH = UnacknowledgedCommands.MAX_COMMAND_LENGTH;

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
    private final SubmitOrderDecoder submitOrderDecoder = new SubmitOrderDecoder();
    private final CancelOrderDecoder cancelOrderDecoder = new CancelOrderDecoder();
    private final RegisterBlpDecoder registerBlpDecoder = new RegisterBlpDecoder();
    private final SubmitAuctionBidDecoder submitAuctionBidDecoder = new SubmitAuctionBidDecoder();
    private final CreatePoolDecoder createPoolDecoder = new CreatePoolDecoder();
    private final PoolDepositDecoder poolDepositDecoder = new PoolDepositDecoder();
    private final RequestPoolRedemptionDecoder requestPoolRedemptionDecoder = new RequestPoolRedemptionDecoder();
    private final SetOracleParametersDecoder setOracleParametersDecoder = new SetOracleParametersDecoder();
    private final SetMarginBracketsDecoder setMarginBracketsDecoder = new SetMarginBracketsDecoder();
    private final SetOpenInterestScalingDecoder setOpenInterestScalingDecoder = new SetOpenInterestScalingDecoder();
    private final SetMarginRateDecoder setMarginRateDecoder = new SetMarginRateDecoder();
    private final SetLiquidationParametersDecoder setLiquidationParametersDecoder = new SetLiquidationParametersDecoder();
    private final SetAutoDeleveragingDecoder setAutoDeleveragingDecoder = new SetAutoDeleveragingDecoder();
    private final SetInstrumentUnderlyingDecoder setInstrumentUnderlyingDecoder = new SetInstrumentUnderlyingDecoder();
    private final SetAccountMarginMethodDecoder setAccountMarginMethodDecoder = new SetAccountMarginMethodDecoder();
    private final SetUnderlyingScenariosDecoder setUnderlyingScenariosDecoder = new SetUnderlyingScenariosDecoder();
    private final dev.backstop.sbe.exchange.ContributeDefaultFundDecoder contributeDefaultFundDecoder =
        new dev.backstop.sbe.exchange.ContributeDefaultFundDecoder();
    private final dev.backstop.sbe.exchange.InjectCcpCapitalDecoder injectCcpCapitalDecoder =
        new dev.backstop.sbe.exchange.InjectCcpCapitalDecoder();
    private final dev.backstop.sbe.exchange.SetStressScenarioDecoder setStressScenarioDecoder =
        new dev.backstop.sbe.exchange.SetStressScenarioDecoder();
    private final dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder setDefaultFundParametersDecoder =
        new dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder();
    private final dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder setVariationMarginIntervalDecoder =
        new dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder();
    private final dev.backstop.sbe.exchange.SetFundingParametersDecoder setFundingParametersDecoder =
        new dev.backstop.sbe.exchange.SetFundingParametersDecoder();
    private final dev.backstop.sbe.exchange.SetCircuitBreakerDecoder setCircuitBreakerDecoder =
        new dev.backstop.sbe.exchange.SetCircuitBreakerDecoder();
    private final dev.backstop.sbe.exchange.ResumeInstrumentDecoder resumeInstrumentDecoder =
        new dev.backstop.sbe.exchange.ResumeInstrumentDecoder();

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

            case SubmitOrderDecoder.TEMPLATE_ID:
                onSubmitOrder(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case CancelOrderDecoder.TEMPLATE_ID:
                onCancelOrder(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case RegisterBlpDecoder.TEMPLATE_ID:
                onRegisterBlp(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SubmitAuctionBidDecoder.TEMPLATE_ID:
                onSubmitAuctionBid(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case CreatePoolDecoder.TEMPLATE_ID:
                onCreatePool(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case PoolDepositDecoder.TEMPLATE_ID:
                onPoolDeposit(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case RequestPoolRedemptionDecoder.TEMPLATE_ID:
                onRequestPoolRedemption(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetOracleParametersDecoder.TEMPLATE_ID:
                onSetOracleParameters(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetMarginBracketsDecoder.TEMPLATE_ID:
                onSetMarginBrackets(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetOpenInterestScalingDecoder.TEMPLATE_ID:
                onSetOpenInterestScaling(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetMarginRateDecoder.TEMPLATE_ID:
                onSetMarginRate(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetLiquidationParametersDecoder.TEMPLATE_ID:
                onSetLiquidationParameters(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetInstrumentUnderlyingDecoder.TEMPLATE_ID:
                onSetInstrumentUnderlying(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetAccountMarginMethodDecoder.TEMPLATE_ID:
                onSetAccountMarginMethod(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetUnderlyingScenariosDecoder.TEMPLATE_ID:
                onSetUnderlyingScenarios(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case SetAutoDeleveragingDecoder.TEMPLATE_ID:
                onSetAutoDeleveraging(session, buffer, bodyOffset, blockLength, version, end);
                break;

            // Issue 4, default fund and loss waterfall (W).
            case dev.backstop.sbe.exchange.ContributeDefaultFundDecoder.TEMPLATE_ID:
                onContributeDefaultFund(session, buffer, bodyOffset, blockLength, version);
                break;

            case dev.backstop.sbe.exchange.InjectCcpCapitalDecoder.TEMPLATE_ID:
                onInjectCcpCapital(session, buffer, bodyOffset, blockLength, version);
                break;

            case dev.backstop.sbe.exchange.SetStressScenarioDecoder.TEMPLATE_ID:
                onSetStressScenario(session, buffer, bodyOffset, blockLength, version, end);
                break;

            case dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder.TEMPLATE_ID:
                onSetDefaultFundParameters(session, buffer, bodyOffset, blockLength, version);
                break;

            case dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder.TEMPLATE_ID:
                onSetVariationMarginInterval(session, buffer, bodyOffset, blockLength, version);
                break;

            case dev.backstop.sbe.exchange.SetFundingParametersDecoder.TEMPLATE_ID:
                onSetFundingParameters(session, buffer, bodyOffset, blockLength, version);
                break;

            case dev.backstop.sbe.exchange.SetCircuitBreakerDecoder.TEMPLATE_ID:
                onSetCircuitBreaker(session, buffer, bodyOffset, blockLength, version);
                break;

            case dev.backstop.sbe.exchange.ResumeInstrumentDecoder.TEMPLATE_ID:
                onResumeInstrument(session, buffer, bodyOffset, blockLength, version);
                break;

            default:
                break;
        }
    }

    /**
     * Which roles may send which request. Exchanges submit orders, trades and prices; members and BLPs move
     * collateral and deposit into or redeem from pools (whose account it is the cluster decides); BLPs register
     * (or the operator registers them) and bid in liquidation auctions; the operator lists instruments, opens
     * accounts, creates pools, sets every risk parameter and reads the ledger (and may move collateral on a member's
     * behalf); anyone logged on may read an account.
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

            case SubmitOrderDecoder.TEMPLATE_ID:
            case CancelOrderDecoder.TEMPLATE_ID:
                return SenderRole.EXCHANGE == role;

            case RegisterBlpDecoder.TEMPLATE_ID:
                return SenderRole.BLP == role || SenderRole.OPERATOR == role;

            case SubmitAuctionBidDecoder.TEMPLATE_ID:
                return SenderRole.BLP == role;

            case PoolDepositDecoder.TEMPLATE_ID:
            case RequestPoolRedemptionDecoder.TEMPLATE_ID:
                return SenderRole.MEMBER == role || SenderRole.BLP == role;

            case dev.backstop.sbe.exchange.ContributeDefaultFundDecoder.TEMPLATE_ID:
                return SenderRole.MEMBER == role || SenderRole.BLP == role || SenderRole.OPERATOR == role;

            case dev.backstop.sbe.exchange.InjectCcpCapitalDecoder.TEMPLATE_ID:
            case dev.backstop.sbe.exchange.SetStressScenarioDecoder.TEMPLATE_ID:
            case dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder.TEMPLATE_ID:
                return SenderRole.OPERATOR == role;

            case ListInstrumentDecoder.TEMPLATE_ID:
            case OpenAccountDecoder.TEMPLATE_ID:
            case QueryLedgerDecoder.TEMPLATE_ID:
            case CreatePoolDecoder.TEMPLATE_ID:
            case SetOracleParametersDecoder.TEMPLATE_ID:
            case SetMarginBracketsDecoder.TEMPLATE_ID:
            case SetOpenInterestScalingDecoder.TEMPLATE_ID:
            case SetMarginRateDecoder.TEMPLATE_ID:
            case SetAccountMarginMethodDecoder.TEMPLATE_ID:
            case SetUnderlyingScenariosDecoder.TEMPLATE_ID:
            case SetInstrumentUnderlyingDecoder.TEMPLATE_ID:
            case SetLiquidationParametersDecoder.TEMPLATE_ID:
            case SetAutoDeleveragingDecoder.TEMPLATE_ID:
            case dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder.TEMPLATE_ID:
            case dev.backstop.sbe.exchange.SetFundingParametersDecoder.TEMPLATE_ID:
            case dev.backstop.sbe.exchange.SetCircuitBreakerDecoder.TEMPLATE_ID:
            case dev.backstop.sbe.exchange.ResumeInstrumentDecoder.TEMPLATE_ID:
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
            case SubmitOrderDecoder.TEMPLATE_ID:
                return SubmitOrderDecoder.BLOCK_LENGTH;
            case CancelOrderDecoder.TEMPLATE_ID:
                return CancelOrderDecoder.BLOCK_LENGTH;
            case RegisterBlpDecoder.TEMPLATE_ID:
                return RegisterBlpDecoder.BLOCK_LENGTH;
            case SubmitAuctionBidDecoder.TEMPLATE_ID:
                return SubmitAuctionBidDecoder.BLOCK_LENGTH;
            case CreatePoolDecoder.TEMPLATE_ID:
                return CreatePoolDecoder.BLOCK_LENGTH;
            case PoolDepositDecoder.TEMPLATE_ID:
                return PoolDepositDecoder.BLOCK_LENGTH;
            case RequestPoolRedemptionDecoder.TEMPLATE_ID:
                return RequestPoolRedemptionDecoder.BLOCK_LENGTH;
            case SetOracleParametersDecoder.TEMPLATE_ID:
                return SetOracleParametersDecoder.BLOCK_LENGTH;
            case SetMarginBracketsDecoder.TEMPLATE_ID:
                return SetMarginBracketsDecoder.BLOCK_LENGTH;
            case SetOpenInterestScalingDecoder.TEMPLATE_ID:
                return SetOpenInterestScalingDecoder.BLOCK_LENGTH;
            case SetMarginRateDecoder.TEMPLATE_ID:
                return SetMarginRateDecoder.BLOCK_LENGTH;
            case SetLiquidationParametersDecoder.TEMPLATE_ID:
                return SetLiquidationParametersDecoder.BLOCK_LENGTH;
            case SetInstrumentUnderlyingDecoder.TEMPLATE_ID:
                return SetInstrumentUnderlyingDecoder.BLOCK_LENGTH;
            case SetAccountMarginMethodDecoder.TEMPLATE_ID:
                return SetAccountMarginMethodDecoder.BLOCK_LENGTH;
            case SetUnderlyingScenariosDecoder.TEMPLATE_ID:
                return SetUnderlyingScenariosDecoder.BLOCK_LENGTH;
            case SetAutoDeleveragingDecoder.TEMPLATE_ID:
                return SetAutoDeleveragingDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.ContributeDefaultFundDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.ContributeDefaultFundDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.InjectCcpCapitalDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.InjectCcpCapitalDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.SetStressScenarioDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.SetStressScenarioDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.SetFundingParametersDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.SetFundingParametersDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.SetCircuitBreakerDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.SetCircuitBreakerDecoder.BLOCK_LENGTH;
            case dev.backstop.sbe.exchange.ResumeInstrumentDecoder.TEMPLATE_ID:
                return dev.backstop.sbe.exchange.ResumeInstrumentDecoder.BLOCK_LENGTH;
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
        if (trade.buyOrderId() < 0 || trade.sellOrderId() < 0)
        {
            refuse(session, sequence, SubmitTradeDecoder.TEMPLATE_ID, ResultCode.INVALID_PARAMETER,
                reason.set("order ids must be positive, or 0 for a trade without an order, were ")
                    .append(trade.buyOrderId()).append(" and ").append(trade.sellOrderId()));
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
            .quantityLots(trade.quantityLots())
            .buyOrderId(trade.buyOrderId())
            .sellOrderId(trade.sellOrderId());
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
        if (tick.sourceTimeMs() < 0)
        {
            refuse(session, sequence, SubmitPriceTickDecoder.TEMPLATE_ID, ResultCode.INVALID_PARAMETER,
                reason.set("source time must be epoch ms, was ").append(tick.sourceTimeMs()));
            return;
        }

        priceTickCommand.wrapAndApplyHeader(commandBuffer, 0, commandHeader)
            .senderId(session.sender().senderId())
            .sequence(sequence)
            .instrumentId(tick.instrumentId())
            .sourceId(tick.sourceId())
            .priceTicks(tick.priceTicks())
            .sourceTimeMs(tick.sourceTimeMs());
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

    private void onSubmitOrder(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SubmitOrderDecoder order = submitOrderDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = order.sequence();
        final int templateId = SubmitOrderDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (order.orderId() <= 0 || order.accountId() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("order id and account id must be positive, were ").append(order.orderId())
                    .append(" and ").append(order.accountId()));
            return;
        }
        if (!validSide(order.sideRaw()))
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("side must be BUY (1) or SELL (2), was ").append(order.sideRaw()));
            return;
        }
        if (order.quantityLots() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_QUANTITY,
                reason.set("quantity must be positive lots, was ").append(order.quantityLots()));
            return;
        }
        if (order.priceTicks() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PRICE,
                reason.set("price must be positive ticks, was ").append(order.priceTicks()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onCancelOrder(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final CancelOrderDecoder cancel = cancelOrderDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = cancel.sequence();
        final int templateId = CancelOrderDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (cancel.orderId() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("order id must be positive, was ").append(cancel.orderId()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onRegisterBlp(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final RegisterBlpDecoder register = registerBlpDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = register.sequence();
        final int templateId = RegisterBlpDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (register.accountId() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("BLP account id must be positive, was ").append(register.accountId()));
            return;
        }
        if (register.capacity() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_AMOUNT,
                reason.set("declared capacity must be positive micro-units, was ").append(register.capacity()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSubmitAuctionBid(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SubmitAuctionBidDecoder bid = submitAuctionBidDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = bid.sequence();
        final int templateId = SubmitAuctionBidDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (bid.auctionId() <= 0 || bid.accountId() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("auction id and account id must be positive, were ").append(bid.auctionId())
                    .append(" and ").append(bid.accountId()));
            return;
        }
        if (bid.quantityLots() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_QUANTITY,
                reason.set("quantity must be positive lots, was ").append(bid.quantityLots()));
            return;
        }
        if (bid.priceTicks() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PRICE,
                reason.set("price must be positive ticks, was ").append(bid.priceTicks()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onCreatePool(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final CreatePoolDecoder create = createPoolDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = create.sequence();
        final int templateId = CreatePoolDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (create.poolAccountId() <= 0 || create.ownerMemberId() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("pool account id and owner member id must be positive, were ")
                    .append(create.poolAccountId()).append(" and ").append(create.ownerMemberId()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onPoolDeposit(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final PoolDepositDecoder deposit = poolDepositDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = deposit.sequence();
        final int templateId = PoolDepositDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (deposit.poolAccountId() <= 0 || deposit.accountId() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("pool account id and account id must be positive, were ").append(deposit.poolAccountId())
                    .append(" and ").append(deposit.accountId()));
            return;
        }
        if (deposit.amount() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_AMOUNT,
                reason.set("amount must be positive micro-units, was ").append(deposit.amount()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onRequestPoolRedemption(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final RequestPoolRedemptionDecoder redeem =
            requestPoolRedemptionDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = redeem.sequence();
        final int templateId = RequestPoolRedemptionDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (redeem.poolAccountId() <= 0 || redeem.accountId() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER,
                reason.set("pool account id and account id must be positive, were ").append(redeem.poolAccountId())
                    .append(" and ").append(redeem.accountId()));
            return;
        }
        if (redeem.shares() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_QUANTITY,
                reason.set("shares must be positive, was ").append(redeem.shares()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetOracleParameters(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetOracleParametersDecoder set =
            setOracleParametersDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetOracleParametersDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.instrumentId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be positive, was ").append(set.instrumentId()));
            return;
        }
        if (set.sourceAgeLimitMs() < 1 || set.sourceAgeLimitMs() > MAX_PARAMETER_DURATION_MS ||
            set.emaWindowMs() < 1 || set.emaWindowMs() > MAX_PARAMETER_DURATION_MS)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("source age limit and EMA window must be 1 to ").append(MAX_PARAMETER_DURATION_MS)
                    .append(" ms, were ").append(set.sourceAgeLimitMs()).append(" and ").append(set.emaWindowMs()));
            return;
        }
        if (set.exclusionBandPpm() < 1 || set.exclusionBandPpm() > MAX_MARGIN_PPM)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("exclusion band must be 1 to ").append(MAX_MARGIN_PPM).append(" ppm, was ")
                    .append(set.exclusionBandPpm()));
            return;
        }
        if (set.quorum() < 1 || set.quorum() > MAX_ORACLE_SOURCES)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("quorum must be 1 to ").append(MAX_ORACLE_SOURCES).append(", was ").append(set.quorum()));
            return;
        }
        if (set.maxSources() < set.quorum() || set.maxSources() > MAX_ORACLE_SOURCES)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("max sources must be the quorum to ").append(MAX_ORACLE_SOURCES).append(", was ")
                    .append(set.maxSources()));
            return;
        }
        if (MarkBasis.SBE_UNKNOWN == set.markBasis() || MarkBasis.NULL_VAL == set.markBasis())
        {
            refuseParameter(session, sequence, templateId,
                reason.set("unknown mark basis ").append(set.markBasisRaw()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetMarginBrackets(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetMarginBracketsDecoder set = setMarginBracketsDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetMarginBracketsDecoder.TEMPLATE_ID;
        final int groupEnd = groupEnd(buffer, bodyOffset + blockLength, end,
            SetMarginBracketsDecoder.BracketsDecoder.sbeBlockLength(), 1, MAX_MARGIN_BRACKETS);
        if (groupEnd < 0)
        {
            refuse(session, sequence, templateId, ResultCode.MALFORMED_MESSAGE, reason);
            return;
        }
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.instrumentId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be positive, was ").append(set.instrumentId()));
            return;
        }
        long previousCap = 0;
        int previousInitial = 0;
        int previousMaintenance = 0;
        int index = 0;
        for (final SetMarginBracketsDecoder.BracketsDecoder bracket : set.brackets())
        {
            final long cap = bracket.notionalCap();
            final int initial = bracket.initialMarginPpm();
            final int maintenance = bracket.maintenanceMarginPpm();
            if (cap <= previousCap)
            {
                refuseParameter(session, sequence, templateId,
                    reason.set("bracket ").append(index).append(": notional caps must be positive and ascending, was ")
                        .append(cap));
                return;
            }
            if (maintenance <= 0 || maintenance < previousMaintenance || initial < maintenance ||
                initial < previousInitial || initial > MAX_MARGIN_PPM)
            {
                refuseParameter(session, sequence, templateId,
                    reason.set("bracket ").append(index).append(": need 0 < maintenance <= initial <= ")
                        .append(MAX_MARGIN_PPM).append(" ppm, neither falling, were initial=")
                        .append(initial).append(" maintenance=").append(maintenance));
                return;
            }
            previousCap = cap;
            previousInitial = initial;
            previousMaintenance = maintenance;
            index++;
        }
        if (Long.MAX_VALUE != previousCap)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("the last bracket's notional cap must be unbounded (").append(Long.MAX_VALUE).append(')'));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, groupEnd);
    }

    private void onSetOpenInterestScaling(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetOpenInterestScalingDecoder set =
            setOpenInterestScalingDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetOpenInterestScalingDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.instrumentId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be positive, was ").append(set.instrumentId()));
            return;
        }
        final long lower = set.lowerCapNotional();
        final long upper = set.upperCapNotional();
        if (0 == upper ? 0 != lower : (lower < 0 || lower >= upper))
        {
            refuseParameter(session, sequence, templateId,
                reason.set("need 0 <= lower cap < upper cap, or both 0 to turn scaling off, were ").append(lower)
                    .append(" and ").append(upper));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetMarginRate(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetMarginRateDecoder set = setMarginRateDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetMarginRateDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.instrumentId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be positive, was ").append(set.instrumentId()));
            return;
        }
        final int initial = set.initialMarginPpm();
        final int maintenance = set.maintenanceMarginPpm();
        if (maintenance <= 0 || initial < maintenance || initial > MAX_MARGIN_PPM)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("margins must satisfy 0 < maintenance <= initial <= ").append(MAX_MARGIN_PPM)
                    .append(" ppm, were initial=").append(initial).append(" maintenance=").append(maintenance));
            return;
        }
        if (set.initialMarginFloorPpm() < 0 || set.initialMarginFloorPpm() > initial ||
            set.maintenanceMarginFloorPpm() < 0 || set.maintenanceMarginFloorPpm() > maintenance)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("floors must be 0 to the rate they protect, were initial floor=")
                    .append(set.initialMarginFloorPpm()).append(" maintenance floor=")
                    .append(set.maintenanceMarginFloorPpm()));
            return;
        }
        if (set.maxCutPerStepPpm() <= 0 || set.maxCutPerStepPpm() > MAX_MARGIN_PPM ||
            set.stepIntervalMs() <= 0 || set.stepIntervalMs() > MAX_PARAMETER_DURATION_MS)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("need 0 < cut per step <= ").append(MAX_MARGIN_PPM).append(" ppm and 0 < step interval <= ")
                    .append(MAX_PARAMETER_DURATION_MS).append(" ms, were ").append(set.maxCutPerStepPpm())
                    .append(" and ").append(set.stepIntervalMs()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetAccountMarginMethod(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetAccountMarginMethodDecoder set =
            setAccountMarginMethodDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetAccountMarginMethodDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.accountId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("account id must be positive, was ").append(set.accountId()));
            return;
        }
        if (MarginMethod.SBE_UNKNOWN == set.method() || MarginMethod.NULL_VAL == set.method())
        {
            refuseParameter(session, sequence, templateId,
                reason.set("unknown margin method ").append(set.methodRaw()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetUnderlyingScenarios(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetUnderlyingScenariosDecoder set =
            setUnderlyingScenariosDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetUnderlyingScenariosDecoder.TEMPLATE_ID;
        final int groupEnd = groupEnd(buffer, bodyOffset + blockLength, end,
            SetUnderlyingScenariosDecoder.ShocksDecoder.sbeBlockLength(), 0, MAX_SCENARIO_SHOCKS);
        if (groupEnd < 0)
        {
            refuse(session, sequence, templateId, ResultCode.MALFORMED_MESSAGE, reason);
            return;
        }
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.underlyingId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("underlying id must be positive, was ").append(set.underlyingId()));
            return;
        }
        int index = 0;
        for (final SetUnderlyingScenariosDecoder.ShocksDecoder shock : set.shocks())
        {
            final int shockPpm = shock.priceShockPpm();
            if (shockPpm <= -MAX_MARGIN_PPM || shockPpm > MAX_MARGIN_PPM)
            {
                refuseParameter(session, sequence, templateId,
                    reason.set("shock ").append(index).append(" must be above -").append(MAX_MARGIN_PPM)
                        .append(" and at most ").append(MAX_MARGIN_PPM).append(" ppm, was ").append(shockPpm));
                return;
            }
            index++;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, groupEnd);
    }

    private void onContributeDefaultFund(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.exchange.ContributeDefaultFundDecoder contribute =
            contributeDefaultFundDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = contribute.sequence();
        final int templateId = dev.backstop.sbe.exchange.ContributeDefaultFundDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (contribute.accountId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("account id must be positive, was ").append(contribute.accountId()));
            return;
        }
        if (contribute.amount() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_AMOUNT,
                reason.set("amount must be positive micro-units, was ").append(contribute.amount()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onInjectCcpCapital(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.exchange.InjectCcpCapitalDecoder inject =
            injectCcpCapitalDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = inject.sequence();
        final int templateId = dev.backstop.sbe.exchange.InjectCcpCapitalDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (inject.amount() <= 0)
        {
            refuse(session, sequence, templateId, ResultCode.INVALID_AMOUNT,
                reason.set("amount must be positive micro-units, was ").append(inject.amount()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetStressScenario(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final dev.backstop.sbe.exchange.SetStressScenarioDecoder set =
            setStressScenarioDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = dev.backstop.sbe.exchange.SetStressScenarioDecoder.TEMPLATE_ID;
        final int groupEnd = groupEnd(buffer, bodyOffset + blockLength, end,
            dev.backstop.sbe.exchange.SetStressScenarioDecoder.ShocksDecoder.sbeBlockLength(), 0, MAX_STRESS_SHOCKS);
        if (groupEnd < 0)
        {
            refuse(session, sequence, templateId, ResultCode.MALFORMED_MESSAGE, reason);
            return;
        }
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.scenarioId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("scenario id must be positive, was ").append(set.scenarioId()));
            return;
        }
        int index = 0;
        int previousUnderlying = 0;
        for (final dev.backstop.sbe.exchange.SetStressScenarioDecoder.ShocksDecoder shock : set.shocks())
        {
            final int underlyingId = shock.underlyingId();
            final int shockPpm = shock.priceShockPpm();
            if (underlyingId <= previousUnderlying)
            {
                refuseParameter(session, sequence, templateId,
                    reason.set("shock ").append(index).append(": underlying ids must be positive and ascending, was ")
                        .append(underlyingId));
                return;
            }
            if (shockPpm < -MAX_MARGIN_PPM || shockPpm > MAX_MARGIN_PPM)
            {
                refuseParameter(session, sequence, templateId,
                    reason.set("shock ").append(index).append(" must be -").append(MAX_MARGIN_PPM).append(" to ")
                        .append(MAX_MARGIN_PPM).append(" ppm, was ").append(shockPpm));
                return;
            }
            previousUnderlying = underlyingId;
            index++;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, groupEnd);
    }

    private void onSetDefaultFundParameters(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder set =
            setDefaultFundParametersDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = dev.backstop.sbe.exchange.SetDefaultFundParametersDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.minimumContribution() < 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("minimum contribution must not be negative, was ").append(set.minimumContribution()));
            return;
        }
        if (!inDuration(set.recomputeIntervalMs()) || !inDuration(set.exposureCheckMs()) ||
            !inDuration(set.callDeadlineMs()) || !inDuration(set.cappedPeriodMs()) ||
            !inDuration(set.waterfallRetryMs()))
        {
            refuseParameter(session, sequence, templateId,
                reason.set("recompute interval, exposure check, call deadline, capped period and waterfall retry must ")
                    .append("be 1 to ").append(MAX_DEFAULT_FUND_DURATION_MS).append(" ms"));
            return;
        }
        if (set.exposureThresholdPpm() < 0 || set.exposureThresholdPpm() > MAX_MARGIN_PPM ||
            set.assessmentCapPpm() < 0 || set.assessmentCapPpm() > MAX_ASSESSMENT_CAP_PPM)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("exposure threshold must be 0 to ").append(MAX_MARGIN_PPM)
                    .append(" ppm and the assessment cap 0 to ").append(MAX_ASSESSMENT_CAP_PPM).append(" ppm"));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private static boolean inDuration(final long ms)
    {
        return ms > 0 && ms <= MAX_DEFAULT_FUND_DURATION_MS;
    }

    private void onSetInstrumentUnderlying(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetInstrumentUnderlyingDecoder set =
            setInstrumentUnderlyingDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetInstrumentUnderlyingDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.instrumentId() <= 0 || set.underlyingId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id and underlying id must be positive, were ").append(set.instrumentId())
                    .append(" and ").append(set.underlyingId()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetLiquidationParameters(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetLiquidationParametersDecoder set =
            setLiquidationParametersDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetLiquidationParametersDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.roundIntervalMs() <= 0 || set.roundIntervalMs() > MAX_PARAMETER_DURATION_MS ||
            set.auctionStepMs() <= 0 || set.auctionStepMs() > MAX_PARAMETER_DURATION_MS ||
            set.twapWindowMs() <= 0 || set.twapWindowMs() > MAX_PARAMETER_DURATION_MS ||
            set.redemptionNoticeMs() < 0 || set.redemptionNoticeMs() > MAX_REDEMPTION_NOTICE_MS)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("round, auction step and TWAP window must be 1 to ").append(MAX_PARAMETER_DURATION_MS)
                    .append(" ms and the redemption notice 0 to ").append(MAX_REDEMPTION_NOTICE_MS).append(" ms"));
            return;
        }
        if (set.minSliceNotional() < 0 || set.slicePpm() <= 0 || set.slicePpm() > MAX_MARGIN_PPM ||
            set.targetPpm() < MAX_MARGIN_PPM || set.feePpm() < 0 || set.feePpm() > MAX_MARGIN_PPM ||
            set.auctionSteps() < 2 || set.poolLossCapPpm() < 0 || set.poolLossCapPpm() > MAX_MARGIN_PPM ||
            set.bandPpm() < 0 || set.bandPpm() > MAX_MARGIN_PPM)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("need min slice >= 0, 0 < slice <= 1e6 ppm, target >= 1e6 ppm, fee, loss cap and band ")
                    .append("0 to 1e6 ppm, at least 2 auction steps"));
            return;
        }
        if (set.wholeAccountThresholdPpm() <= 0 || set.wholeAccountThresholdPpm() > MAX_MARGIN_PPM ||
            set.poolSharePpm() <= 0 || set.poolSharePpm() > MAX_MARGIN_PPM)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("whole-account threshold and pool share must be 1 to 1e6 ppm, were ")
                    .append(set.wholeAccountThresholdPpm()).append(" and ").append(set.poolSharePpm()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetAutoDeleveraging(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end)
    {
        final SetAutoDeleveragingDecoder set = setAutoDeleveragingDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = SetAutoDeleveragingDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.instrumentId() < 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be 0 (all instruments) or positive, was ").append(set.instrumentId()));
            return;
        }
        final AutoDeleveragingMode mode = set.mode();
        if (AutoDeleveragingMode.SBE_UNKNOWN == mode || AutoDeleveragingMode.NULL_VAL == mode)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("unknown auto-deleveraging mode ").append(set.modeRaw()));
            return;
        }
        if (0 == set.instrumentId() && AutoDeleveragingMode.FOLLOW_DEFAULT == mode)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("the setting for all instruments must be ON or OFF"));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    // ---- settlement cycles and circuit breakers (issue 4, S) ----

    private void onSetVariationMarginInterval(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder set =
            setVariationMarginIntervalDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = dev.backstop.sbe.exchange.SetVariationMarginIntervalDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        final long intervalMs = set.intervalMs();
        if (0 != intervalMs && (intervalMs < MIN_SETTLEMENT_INTERVAL_MS || intervalMs > MAX_PARAMETER_DURATION_MS))
        {
            refuseParameter(session, sequence, templateId,
                reason.set("variation margin interval must be 0 (off) or ").append(MIN_SETTLEMENT_INTERVAL_MS)
                    .append(" to ").append(MAX_PARAMETER_DURATION_MS).append(" ms, was ").append(intervalMs));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetFundingParameters(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.exchange.SetFundingParametersDecoder set =
            setFundingParametersDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = dev.backstop.sbe.exchange.SetFundingParametersDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        final long intervalMs = set.intervalMs();
        if (set.instrumentId() <= 0 ||
            (0 != intervalMs && (intervalMs < MIN_SETTLEMENT_INTERVAL_MS || intervalMs > MAX_FUNDING_INTERVAL_MS)))
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be positive and the funding interval 0 (off) or ")
                    .append(MIN_SETTLEMENT_INTERVAL_MS).append(" to ").append(MAX_FUNDING_INTERVAL_MS)
                    .append(" ms, were ").append(set.instrumentId()).append(" and ").append(intervalMs));
            return;
        }
        if (set.interestPpm() < -MAX_MARGIN_PPM || set.interestPpm() > MAX_MARGIN_PPM ||
            set.premiumClampPpm() < 0 || set.premiumClampPpm() > MAX_MARGIN_PPM ||
            set.capPpm() < 0 || set.capPpm() > MAX_MARGIN_PPM)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("interest must be -1e6 to 1e6 ppm, premium clamp and cap 0 to 1e6 ppm, were ")
                    .append(set.interestPpm()).append(", ").append(set.premiumClampPpm()).append(" and ")
                    .append(set.capPpm()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onSetCircuitBreaker(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.exchange.SetCircuitBreakerDecoder set =
            setCircuitBreakerDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = set.sequence();
        final int templateId = dev.backstop.sbe.exchange.SetCircuitBreakerDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (set.instrumentId() <= 0 || set.bandPpm() < 0 || set.bandPpm() > MAX_MARGIN_PPM)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be positive and the band 0 (off) to 1e6 ppm, were ")
                    .append(set.instrumentId()).append(" and ").append(set.bandPpm()));
            return;
        }
        final long windowMs = set.windowMs();
        final long haltMs = set.haltMs();
        if (windowMs < 60 || windowMs > MAX_PARAMETER_DURATION_MS || windowMs % 60 != 0 ||
            haltMs <= 0 || haltMs > MAX_PARAMETER_DURATION_MS)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("window must be a multiple of 60 ms up to ").append(MAX_PARAMETER_DURATION_MS)
                    .append(" and the halt 1 to ").append(MAX_PARAMETER_DURATION_MS).append(" ms, were ")
                    .append(windowMs).append(" and ").append(haltMs));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private void onResumeInstrument(
        final ExchangeSession session,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version)
    {
        final dev.backstop.sbe.exchange.ResumeInstrumentDecoder resume =
            resumeInstrumentDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final long sequence = resume.sequence();
        final int templateId = dev.backstop.sbe.exchange.ResumeInstrumentDecoder.TEMPLATE_ID;
        if (!admit(session, sequence, templateId))
        {
            return;
        }
        if (resume.instrumentId() <= 0)
        {
            refuseParameter(session, sequence, templateId,
                reason.set("instrument id must be positive, was ").append(resume.instrumentId()));
            return;
        }
        forwardCopy(session, sequence, templateId, buffer, bodyOffset, blockLength, bodyOffset + blockLength);
    }

    private static boolean validSide(final short sideRaw)
    {
        return Side.BUY.value() == sideRaw || Side.SELL.value() == sideRaw;
    }

    /**
     * Checks the one repeating group that follows a root block: its header and every entry lie inside the message,
     * its entries are at least as long as this version's, and it holds {@code minCount} to {@code maxCount} entries.
     *
     * @return the index just past the group, or -1 with {@link #reason} set.
     */
    private int groupEnd(
        final DirectBuffer buffer,
        final int groupHeader,
        final int end,
        final int minEntryLength,
        final int minCount,
        final int maxCount)
    {
        if (end - groupHeader < GROUP_HEADER_LENGTH)
        {
            reason.set("repeating group header runs past the end of the message");
            return -1;
        }
        final int entryLength = buffer.getShort(groupHeader, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (entryLength < minEntryLength)
        {
            reason.set("repeating group entry length ").append(entryLength).append(" is shorter than ")
                .append(minEntryLength);
            return -1;
        }
        if (count < minCount || count > maxCount)
        {
            reason.set("repeating group must hold ").append(minCount).append(" to ").append(maxCount)
                .append(" entries, held ").append(count);
            return -1;
        }
        final long groupEnd = (long)groupHeader + GROUP_HEADER_LENGTH + (long)entryLength * count;
        if (groupEnd > end)
        {
            reason.set("repeating group runs past the end of the message");
            return -1;
        }
        return (int)groupEnd;
    }

    /**
     * Forwards a request whose cluster command has the same layout with the sender id in front: the cluster protocol
     * defines every issue-3 command that way, so the validated body (root block and groups) is copied as it is.
     */
    private void forwardCopy(
        final ExchangeSession session,
        final long sequence,
        final int templateId,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int bodyEnd)
    {
        final int bodyLength = bodyEnd - bodyOffset;
        final int length = HEADER_LENGTH + Long.BYTES + bodyLength;
        if (length > commandBuffer.capacity())
        {
            refuse(session, sequence, templateId, ResultCode.MALFORMED_MESSAGE,
                reason.set("message of ").append(length).append(" bytes is too long to forward"));
            return;
        }
        commandHeader.wrap(commandBuffer, 0)
            .blockLength(blockLength + Long.BYTES)
            .templateId(templateId)
            .schemaId(dev.backstop.sbe.cluster.MessageHeaderEncoder.SCHEMA_ID)
            .version(dev.backstop.sbe.cluster.MessageHeaderEncoder.SCHEMA_VERSION);
        commandBuffer.putLong(HEADER_LENGTH, session.sender().senderId(), ByteOrder.LITTLE_ENDIAN);
        commandBuffer.putBytes(HEADER_LENGTH + Long.BYTES, buffer, bodyOffset, bodyLength);
        forward(session, sequence, templateId, length);
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

    private void refuseParameter(
        final ExchangeSession session, final long sequence, final int templateId, final ReasonText text)
    {
        refuse(session, sequence, templateId, ResultCode.INVALID_PARAMETER, text);
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
