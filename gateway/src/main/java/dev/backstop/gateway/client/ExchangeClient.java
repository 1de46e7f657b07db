package dev.backstop.gateway.client;

import dev.backstop.sbe.exchange.AccountStateResponseDecoder;
import dev.backstop.sbe.exchange.BooleanType;
import dev.backstop.sbe.exchange.CommandResponseDecoder;
import dev.backstop.sbe.exchange.DepositCollateralEncoder;
import dev.backstop.sbe.exchange.LedgerResponseDecoder;
import dev.backstop.sbe.exchange.ListInstrumentEncoder;
import dev.backstop.sbe.exchange.LogonEncoder;
import dev.backstop.sbe.exchange.LogonResponseDecoder;
import dev.backstop.sbe.exchange.LogoutEncoder;
import dev.backstop.sbe.exchange.MessageHeaderDecoder;
import dev.backstop.sbe.exchange.MessageHeaderEncoder;
import dev.backstop.sbe.exchange.OpenAccountEncoder;
import dev.backstop.sbe.exchange.QueryAccountEncoder;
import dev.backstop.sbe.exchange.QueryLedgerEncoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.SubmitOrderEncoder;
import dev.backstop.sbe.exchange.CancelOrderEncoder;
import dev.backstop.sbe.exchange.RegisterBlpEncoder;
import dev.backstop.sbe.exchange.SubmitAuctionBidEncoder;
import dev.backstop.sbe.exchange.CreatePoolEncoder;
import dev.backstop.sbe.exchange.PoolDepositEncoder;
import dev.backstop.sbe.exchange.RequestPoolRedemptionEncoder;
import dev.backstop.sbe.exchange.SetOracleParametersEncoder;
import dev.backstop.sbe.exchange.SetMarginBracketsEncoder;
import dev.backstop.sbe.exchange.SetOpenInterestScalingEncoder;
import dev.backstop.sbe.exchange.SetMarginRateEncoder;
import dev.backstop.sbe.exchange.SetLiquidationParametersEncoder;
import dev.backstop.sbe.exchange.SetAutoDeleveragingEncoder;
import dev.backstop.sbe.exchange.AutoDeleveragingMode;
import dev.backstop.sbe.exchange.SetInstrumentUnderlyingEncoder;
import dev.backstop.sbe.exchange.SetAccountMarginMethodEncoder;
import dev.backstop.sbe.exchange.SetUnderlyingScenariosEncoder;
import dev.backstop.sbe.exchange.MarginMethod;
import dev.backstop.sbe.exchange.MarkBasis;
import dev.backstop.sbe.exchange.Side;
import dev.backstop.sbe.exchange.SenderRole;
import dev.backstop.sbe.exchange.SubmitPriceTickEncoder;
import dev.backstop.sbe.exchange.SubmitTradeEncoder;
import dev.backstop.sbe.exchange.WithdrawCollateralEncoder;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small Java client for exchanges, members and operators: logs on to a Backstop gateway over Aeron (UDP or IPC),
 * then sends requests and waits for their answers.
 * <p>
 * Each request carries the sender's next sequence (DESIGN.md section 6). The client learns where to start from the
 * LogonResponse and advances by one per request; when a request comes back refused by the gateway (it never reached
 * the cluster) or as a sequence gap, its sequence was not used and the next request reuses it. {@link #resend(long)}
 * sends a request again with its original sequence; the cluster answers with the original result, marked replayed.
 * <p>
 * Not thread-safe: one client per thread. Blocking calls poll with a backoff idle strategy; {@link #sendTrade} and
 * {@link #pollResponses} let a load generator pipeline without blocking.
 */
public final class ExchangeClient implements AutoCloseable
{
    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int SENT_HISTORY = 1024;
    private static final int MAX_COMMAND_LENGTH = 4096;
    private static final int MAX_UNCLAIMED = 1024;

    private final Context ctx;
    private final ClientMedia media;
    private final Subscription replies;
    private final ExclusivePublication publication;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onReply);
    private final IdleStrategy idle = new BackoffIdleStrategy(
        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(200));

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_COMMAND_LENGTH]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final LogonEncoder logonEncoder = new LogonEncoder();
    private final LogoutEncoder logoutEncoder = new LogoutEncoder();
    private final SubmitTradeEncoder tradeEncoder = new SubmitTradeEncoder();
    private final SubmitPriceTickEncoder priceTickEncoder = new SubmitPriceTickEncoder();
    private final DepositCollateralEncoder depositEncoder = new DepositCollateralEncoder();
    private final WithdrawCollateralEncoder withdrawEncoder = new WithdrawCollateralEncoder();
    private final QueryAccountEncoder queryAccountEncoder = new QueryAccountEncoder();
    private final ListInstrumentEncoder listInstrumentEncoder = new ListInstrumentEncoder();
    private final OpenAccountEncoder openAccountEncoder = new OpenAccountEncoder();
    private final QueryLedgerEncoder queryLedgerEncoder = new QueryLedgerEncoder();
    private final SubmitOrderEncoder submitOrderEncoder = new SubmitOrderEncoder();
    private final CancelOrderEncoder cancelOrderEncoder = new CancelOrderEncoder();
    private final RegisterBlpEncoder registerBlpEncoder = new RegisterBlpEncoder();
    private final SubmitAuctionBidEncoder submitAuctionBidEncoder = new SubmitAuctionBidEncoder();
    private final CreatePoolEncoder createPoolEncoder = new CreatePoolEncoder();
    private final PoolDepositEncoder poolDepositEncoder = new PoolDepositEncoder();
    private final RequestPoolRedemptionEncoder requestPoolRedemptionEncoder = new RequestPoolRedemptionEncoder();
    private final SetOracleParametersEncoder setOracleParametersEncoder = new SetOracleParametersEncoder();
    private final SetMarginBracketsEncoder setMarginBracketsEncoder = new SetMarginBracketsEncoder();
    private final SetOpenInterestScalingEncoder setOpenInterestScalingEncoder = new SetOpenInterestScalingEncoder();
    private final SetMarginRateEncoder setMarginRateEncoder = new SetMarginRateEncoder();
    private final SetLiquidationParametersEncoder setLiquidationParametersEncoder = new SetLiquidationParametersEncoder();
    private final SetAutoDeleveragingEncoder setAutoDeleveragingEncoder = new SetAutoDeleveragingEncoder();
    private final dev.backstop.sbe.exchange.ContributeDefaultFundEncoder contributeDefaultFundEncoder =
        new dev.backstop.sbe.exchange.ContributeDefaultFundEncoder();
    private final dev.backstop.sbe.exchange.InjectCcpCapitalEncoder injectCcpCapitalEncoder =
        new dev.backstop.sbe.exchange.InjectCcpCapitalEncoder();
    private final dev.backstop.sbe.exchange.SetStressScenarioEncoder setStressScenarioEncoder =
        new dev.backstop.sbe.exchange.SetStressScenarioEncoder();
    private final dev.backstop.sbe.exchange.SetDefaultFundParametersEncoder setDefaultFundParametersEncoder =
        new dev.backstop.sbe.exchange.SetDefaultFundParametersEncoder();
    private final SetInstrumentUnderlyingEncoder setInstrumentUnderlyingEncoder = new SetInstrumentUnderlyingEncoder();
    private final SetAccountMarginMethodEncoder setAccountMarginMethodEncoder = new SetAccountMarginMethodEncoder();
    private final SetUnderlyingScenariosEncoder setUnderlyingScenariosEncoder = new SetUnderlyingScenariosEncoder();
    private final dev.backstop.sbe.exchange.SetVariationMarginIntervalEncoder setVariationMarginIntervalEncoder =
        new dev.backstop.sbe.exchange.SetVariationMarginIntervalEncoder();
    private final dev.backstop.sbe.exchange.SetFundingParametersEncoder setFundingParametersEncoder =
        new dev.backstop.sbe.exchange.SetFundingParametersEncoder();
    private final dev.backstop.sbe.exchange.SetCircuitBreakerEncoder setCircuitBreakerEncoder =
        new dev.backstop.sbe.exchange.SetCircuitBreakerEncoder();
    private final dev.backstop.sbe.exchange.ResumeInstrumentEncoder resumeInstrumentEncoder =
        new dev.backstop.sbe.exchange.ResumeInstrumentEncoder();
    private final LogonResponseDecoder logonResponseDecoder = new LogonResponseDecoder();
    private final CommandResponseDecoder commandResponseDecoder = new CommandResponseDecoder();
    private final AccountStateResponseDecoder accountStateDecoder = new AccountStateResponseDecoder();
    private final LedgerResponseDecoder ledgerDecoder = new LedgerResponseDecoder();

    private final long[] sentSequences = new long[SENT_HISTORY];
    private final UnsafeBuffer[] sentCommands = new UnsafeBuffer[SENT_HISTORY];
    private final int[] sentLengths = new int[SENT_HISTORY];
    private final ArrayDeque<Object> unclaimed = new ArrayDeque<>();

    private ResponseListener listener;
    private LogonAnswer logonAnswer;
    private long nextSequence;
    private boolean closed;

    private record LogonAnswer(long senderId, ResultCode resultCode, long nextSequence, String reason)
    {
    }

    private ExchangeClient(final Context ctx)
    {
        this.ctx = ctx;
        for (int i = 0; i < SENT_HISTORY; i++)
        {
            sentSequences[i] = -1;
        }
        ClientMedia media = null;
        Subscription replies = null;
        ExclusivePublication publication = null;
        try
        {
            media = ClientMedia.open(ctx.aeronDirectoryName(), "client-" + ctx.senderId());
            replies = media.aeron().addSubscription(ctx.replyChannel(), ctx.replyStreamId());
            publication = media.aeron().addExclusivePublication(ctx.gatewayChannel(), ctx.gatewayStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(publication, replies, media);
            throw ex;
        }
        this.media = media;
        this.replies = replies;
        this.publication = publication;
    }

    /**
     * Connects to the gateway and logs on.
     *
     * @param ctx settings; concluded here.
     * @return a logged-on client.
     * @throws ExchangeClientException when the gateway cannot be reached or refuses the logon.
     */
    public static ExchangeClient connect(final Context ctx)
    {
        ctx.conclude();
        final ExchangeClient client = new ExchangeClient(ctx);
        try
        {
            client.logon();
            return client;
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
    }

    /**
     * @return the sender id this client logged on as.
     */
    public long senderId()
    {
        return ctx.senderId();
    }

    /**
     * @return the sequence the next request will carry.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * @return true while the gateway's subscription is connected to this client's publication.
     */
    public boolean isConnected()
    {
        return publication.isConnected();
    }

    /**
     * Submits an executed trade for novation (exchange role) that matched no registered order, and waits for the
     * outcome.
     *
     * @return the outcome.
     */
    public Response submitTrade(
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots)
    {
        return submitTrade(venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks, quantityLots, 0, 0);
    }

    /**
     * Submits an executed trade for novation (exchange role) and waits for the outcome. A fill of an order submitted
     * with {@link #submitOrder} names that order, so the initial margin it reserved is consumed.
     *
     * @param buyOrderId  the buyer's order id, 0 when none.
     * @param sellOrderId the seller's order id, 0 when none.
     * @return the outcome.
     */
    public Response submitTrade(
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots,
        final long buyOrderId,
        final long sellOrderId)
    {
        return awaitResponse(sendTrade(venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks,
            quantityLots, buyOrderId, sellOrderId));
    }

    /**
     * Sends a trade without orders without waiting; the answer arrives through {@link #pollResponses}.
     *
     * @return the sequence it carries.
     */
    public long sendTrade(
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots)
    {
        return sendTrade(venueTradeId, instrumentId, buyAccountId, sellAccountId, priceTicks, quantityLots, 0, 0);
    }

    /**
     * Sends a trade without waiting; the answer arrives through {@link #pollResponses}.
     *
     * @param buyOrderId  the buyer's order id, 0 when none.
     * @param sellOrderId the seller's order id, 0 when none.
     * @return the sequence it carries.
     */
    public long sendTrade(
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots,
        final long buyOrderId,
        final long sellOrderId)
    {
        final long sequence = nextSequence;
        tradeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .venueTradeId(venueTradeId)
            .instrumentId(instrumentId)
            .buyAccountId(buyAccountId)
            .sellAccountId(sellAccountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots)
            .buyOrderId(buyOrderId)
            .sellOrderId(sellOrderId);
        return sendCommand(sequence, HEADER_LENGTH + tradeEncoder.encodedLength());
    }

    /**
     * Offers a trade without orders once, without waiting and without polling for answers, for a load generator
     * that paces itself and reads the answers through {@link #pollResponses} (the blocking sends poll while they
     * retry back pressure, and would keep answers from such a caller's listener). The sequence is used only when
     * the offer succeeds.
     *
     * @return the sequence it carries, or the negative {@link Publication} result (BACK_PRESSURED, ADMIN_ACTION,
     * NOT_CONNECTED, ...) when it was not sent: then nothing changed and the next request reuses the sequence.
     */
    public long trySendTrade(
        final long venueTradeId,
        final int instrumentId,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots)
    {
        final long sequence = nextSequence;
        tradeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .venueTradeId(venueTradeId)
            .instrumentId(instrumentId)
            .buyAccountId(buyAccountId)
            .sellAccountId(sellAccountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots)
            .buyOrderId(0)
            .sellOrderId(0);
        final int length = HEADER_LENGTH + tradeEncoder.encodedLength();
        final long result = publication.offer(buffer, 0, length);
        if (result < 0)
        {
            return result;
        }
        remember(sequence, length);
        nextSequence = sequence + 1;
        return sequence;
    }

    /**
     * Submits a price observation (exchange role) stamped with this machine's clock as the source time, and waits
     * for the outcome.
     *
     * @return the outcome.
     */
    public Response submitPriceTick(final int instrumentId, final int sourceId, final long priceTicks)
    {
        return submitPriceTick(instrumentId, sourceId, priceTicks, System.currentTimeMillis());
    }

    /**
     * Submits a price observation (exchange role) and waits for the outcome.
     *
     * @param sourceTimeMs when the source observed the price, epoch ms; the oracle judges staleness by it.
     * @return the outcome.
     */
    public Response submitPriceTick(
        final int instrumentId, final int sourceId, final long priceTicks, final long sourceTimeMs)
    {
        return awaitResponse(sendPriceTick(instrumentId, sourceId, priceTicks, sourceTimeMs));
    }

    /**
     * Sends a price tick stamped with this machine's clock without waiting; the answer arrives through
     * {@link #pollResponses}.
     *
     * @return the sequence it carries.
     */
    public long sendPriceTick(final int instrumentId, final int sourceId, final long priceTicks)
    {
        return sendPriceTick(instrumentId, sourceId, priceTicks, System.currentTimeMillis());
    }

    /**
     * Sends a price tick without waiting; the answer arrives through {@link #pollResponses}.
     *
     * @param sourceTimeMs when the source observed the price, epoch ms.
     * @return the sequence it carries.
     */
    public long sendPriceTick(
        final int instrumentId, final int sourceId, final long priceTicks, final long sourceTimeMs)
    {
        final long sequence = nextSequence;
        priceTickEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .sourceId(sourceId)
            .priceTicks(priceTicks)
            .sourceTimeMs(sourceTimeMs);
        return sendCommand(sequence, HEADER_LENGTH + priceTickEncoder.encodedLength());
    }

    /**
     * Deposits collateral into an account (amount in micro-units) and waits for the outcome.
     *
     * @return the outcome.
     */
    public Response deposit(final long accountId, final long amount)
    {
        final long sequence = nextSequence;
        depositEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .accountId(accountId)
            .amount(amount);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + depositEncoder.encodedLength()));
    }

    /**
     * Withdraws collateral from an account (amount in micro-units) and waits for the outcome.
     *
     * @return the outcome.
     */
    public Response withdraw(final long accountId, final long amount)
    {
        final long sequence = nextSequence;
        withdrawEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .accountId(accountId)
            .amount(amount);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + withdrawEncoder.encodedLength()));
    }

    /**
     * Lists an instrument (operator role) and waits for the outcome.
     *
     * @return the outcome.
     */
    public Response listInstrument(
        final int instrumentId,
        final String symbol,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int tradeFeePpm,
        final long tickSizeMicros,
        final long lotSizeMicros,
        final long tickValue)
    {
        final long sequence = nextSequence;
        listInstrumentEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .initialMarginPpm(initialMarginPpm)
            .maintenanceMarginPpm(maintenanceMarginPpm)
            .tradeFeePpm(tradeFeePpm)
            .tickSizeMicros(tickSizeMicros)
            .lotSizeMicros(lotSizeMicros)
            .tickValue(tickValue)
            .symbol(symbol);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + listInstrumentEncoder.encodedLength()));
    }

    /**
     * Opens a margin account owned by a member (operator role) and waits for the outcome.
     *
     * @return the outcome.
     */
    public Response openAccount(final long accountId, final long memberId)
    {
        final long sequence = nextSequence;
        openAccountEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .accountId(accountId)
            .memberId(memberId);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + openAccountEncoder.encodedLength()));
    }

    /**
     * Submits an order resting at the venue (exchange role) and waits for the outcome: the clearing house reserves
     * its initial margin, or refuses it when the account cannot carry it (unless it reduces risk).
     *
     * @param orderId      venue order id, unique per exchange; name it again in the trades that fill it.
     * @param side         BUY or SELL.
     * @param priceTicks   limit price.
     * @param quantityLots open quantity.
     * @return the outcome.
     */
    public Response submitOrder(
        final long orderId,
        final int instrumentId,
        final long accountId,
        final Side side,
        final long priceTicks,
        final long quantityLots)
    {
        return awaitResponse(sendOrder(orderId, instrumentId, accountId, side, priceTicks, quantityLots));
    }

    /**
     * Sends an order without waiting; the answer arrives through {@link #pollResponses}.
     *
     * @return the sequence it carries.
     */
    public long sendOrder(
        final long orderId,
        final int instrumentId,
        final long accountId,
        final Side side,
        final long priceTicks,
        final long quantityLots)
    {
        final long sequence = nextSequence;
        submitOrderEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .orderId(orderId)
            .instrumentId(instrumentId)
            .accountId(accountId)
            .side(side)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots);
        return sendCommand(sequence, HEADER_LENGTH + submitOrderEncoder.encodedLength());
    }

    /**
     * Cancels what is left of an order (exchange role), releasing its reservation, and waits for the outcome.
     *
     * @return the outcome.
     */
    public Response cancelOrder(final long orderId)
    {
        return awaitResponse(sendCancelOrder(orderId));
    }

    /**
     * Sends a cancel without waiting; the answer arrives through {@link #pollResponses}.
     *
     * @return the sequence it carries.
     */
    public long sendCancelOrder(final long orderId)
    {
        final long sequence = nextSequence;
        cancelOrderEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .orderId(orderId);
        return sendCommand(sequence, HEADER_LENGTH + cancelOrderEncoder.encodedLength());
    }

    /**
     * Registers a backstop liquidity provider account with its declared capacity (BLP or operator role) and waits
     * for the outcome.
     *
     * @param accountId the BLP's margin account, which takes the auction fills.
     * @param capacity  declared capacity in micro-units of notional.
     * @return the outcome.
     */
    public Response registerBlp(final long accountId, final long capacity)
    {
        final long sequence = nextSequence;
        registerBlpEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .accountId(accountId)
            .capacity(capacity);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + registerBlpEncoder.encodedLength()));
    }

    /**
     * Bids in a liquidation auction (BLP role) and waits for the outcome.
     *
     * @param auctionId    the auction, as published in the slice-offered event.
     * @param accountId    the BLP account bidding.
     * @param priceTicks   price the BLP takes the slice at.
     * @param quantityLots how much of the slice.
     * @return the outcome.
     */
    public Response submitAuctionBid(
        final long auctionId, final long accountId, final long priceTicks, final long quantityLots)
    {
        return awaitResponse(sendAuctionBid(auctionId, accountId, priceTicks, quantityLots));
    }

    /**
     * Sends an auction bid without waiting; the answer arrives through {@link #pollResponses}. Auction steps last
     * tens of milliseconds, so a BLP following the event stream bids this way.
     *
     * @return the sequence it carries.
     */
    public long sendAuctionBid(
        final long auctionId, final long accountId, final long priceTicks, final long quantityLots)
    {
        final long sequence = nextSequence;
        submitAuctionBidEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .auctionId(auctionId)
            .accountId(accountId)
            .priceTicks(priceTicks)
            .quantityLots(quantityLots);
        return sendCommand(sequence, HEADER_LENGTH + submitAuctionBidEncoder.encodedLength());
    }

    /**
     * Opens a backstop pool (operator role): the pool is an account of its own, owned by a member, and waits for
     * the outcome.
     *
     * @param poolAccountId the pool's account id, opened by this command.
     * @param ownerMemberId member that owns the pool's account.
     * @return the outcome.
     */
    public Response createPool(final long poolAccountId, final long ownerMemberId)
    {
        final long sequence = nextSequence;
        createPoolEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .poolAccountId(poolAccountId)
            .ownerMemberId(ownerMemberId);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + createPoolEncoder.encodedLength()));
    }

    /**
     * Deposits cash from an account into a pool (member or BLP role), minting shares at NAV, and waits for the
     * outcome.
     *
     * @param amount micro-units.
     * @return the outcome.
     */
    public Response poolDeposit(final long poolAccountId, final long accountId, final long amount)
    {
        final long sequence = nextSequence;
        poolDepositEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .poolAccountId(poolAccountId)
            .accountId(accountId)
            .amount(amount);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + poolDepositEncoder.encodedLength()));
    }

    /**
     * Asks to redeem pool shares (member or BLP role); they are paid out after the pool's notice period, losses
     * meanwhile still applying. Waits for the outcome of the request.
     *
     * @return the outcome.
     */
    public Response requestPoolRedemption(final long poolAccountId, final long accountId, final long shares)
    {
        final long sequence = nextSequence;
        requestPoolRedemptionEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .poolAccountId(poolAccountId)
            .accountId(accountId)
            .shares(shares);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + requestPoolRedemptionEncoder.encodedLength()));
    }

    /**
     * Sets an instrument's index and mark parameters (operator role) and waits for the outcome; a tick from a
     * source beyond the first {@code maxSources} recorded is refused.
     *
     * @return the outcome.
     */
    public Response setOracleParameters(
        final int instrumentId,
        final long sourceAgeLimitMs,
        final int exclusionBandPpm,
        final int quorum,
        final MarkBasis markBasis,
        final long emaWindowMs,
        final int maxSources)
    {
        final long sequence = nextSequence;
        setOracleParametersEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .sourceAgeLimitMs(sourceAgeLimitMs)
            .exclusionBandPpm(exclusionBandPpm)
            .quorum(quorum)
            .markBasis(markBasis)
            .emaWindowMs(emaWindowMs)
            .maxSources(maxSources);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setOracleParametersEncoder.encodedLength()));
    }

    /**
     * Replaces an instrument's notional brackets (operator role) and waits for the outcome. The arrays are read in
     * parallel, ascending by notional cap; the last cap is {@link Long#MAX_VALUE}.
     *
     * @param notionalCaps          upper notional bound of each bracket, micro-units.
     * @param initialMarginPpm     IMR of each bracket.
     * @param maintenanceMarginPpm MMR of each bracket.
     * @return the outcome.
     */
    public Response setMarginBrackets(
        final int instrumentId,
        final long[] notionalCaps,
        final int[] initialMarginPpm,
        final int[] maintenanceMarginPpm)
    {
        final int count = notionalCaps.length;
        if (initialMarginPpm.length != count || maintenanceMarginPpm.length != count)
        {
            throw new IllegalArgumentException("bracket arrays differ in length");
        }
        final long sequence = nextSequence;
        final SetMarginBracketsEncoder encoder = setMarginBracketsEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId);
        final SetMarginBracketsEncoder.BracketsEncoder brackets = encoder.bracketsCount(count);
        for (int i = 0; i < count; i++)
        {
            brackets.next()
                .notionalCap(notionalCaps[i])
                .initialMarginPpm(initialMarginPpm[i])
                .maintenanceMarginPpm(maintenanceMarginPpm[i]);
        }
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + encoder.encodedLength()));
    }

    /**
     * Sets how an instrument's initial margin rate rises with its open interest (operator role) and waits for the
     * outcome: unscaled up to {@code lowerCapNotional} of open interest at mark, 100% from {@code upperCapNotional};
     * both 0 turn scaling off.
     *
     * @return the outcome.
     */
    public Response setOpenInterestScaling(
        final int instrumentId, final long lowerCapNotional, final long upperCapNotional)
    {
        final long sequence = nextSequence;
        setOpenInterestScalingEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .lowerCapNotional(lowerCapNotional)
            .upperCapNotional(upperCapNotional);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setOpenInterestScalingEncoder.encodedLength()));
    }

    /**
     * Asks for new margin rates of an instrument through its anti-procyclical floors (operator role) and waits for
     * the outcome: a raise applies at once, a cut is released by at most {@code maxCutPerStepPpm} every
     * {@code stepIntervalMs}, and no rate goes below its floor.
     *
     * @return the outcome.
     */
    public Response setMarginRate(
        final int instrumentId,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int initialMarginFloorPpm,
        final int maintenanceMarginFloorPpm,
        final int maxCutPerStepPpm,
        final long stepIntervalMs)
    {
        final long sequence = nextSequence;
        setMarginRateEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .initialMarginPpm(initialMarginPpm)
            .maintenanceMarginPpm(maintenanceMarginPpm)
            .initialMarginFloorPpm(initialMarginFloorPpm)
            .maintenanceMarginFloorPpm(maintenanceMarginFloorPpm)
            .maxCutPerStepPpm(maxCutPerStepPpm)
            .stepIntervalMs(stepIntervalMs);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setMarginRateEncoder.encodedLength()));
    }

    /**
     * Selects how an account is margined (operator role) and waits for the outcome.
     *
     * @return the outcome.
     */
    public Response setAccountMarginMethod(final long accountId, final MarginMethod method)
    {
        final long sequence = nextSequence;
        setAccountMarginMethodEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .accountId(accountId)
            .method(method);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setAccountMarginMethodEncoder.encodedLength()));
    }

    /**
     * Replaces the price-shock grid of an underlying for portfolio margin (operator role) and waits for the
     * outcome; no shocks removes the grid.
     *
     * @param priceShocksPpm signed relative price moves, ppm.
     * @return the outcome.
     */
    public Response setUnderlyingScenarios(final int underlyingId, final int... priceShocksPpm)
    {
        final long sequence = nextSequence;
        final SetUnderlyingScenariosEncoder encoder =
            setUnderlyingScenariosEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .sequence(sequence)
                .underlyingId(underlyingId);
        final SetUnderlyingScenariosEncoder.ShocksEncoder shocks = encoder.shocksCount(priceShocksPpm.length);
        for (final int shock : priceShocksPpm)
        {
            shocks.next().priceShockPpm(shock);
        }
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + encoder.encodedLength()));
    }

    /**
     * Moves cash from an account into its member's default-fund contribution (member, BLP or operator role), no more
     * than the account could withdraw; it pays the member's open call first. Waits for the outcome.
     *
     * @param amount micro-units.
     * @return the outcome.
     */
    public Response contributeDefaultFund(final long accountId, final long amount)
    {
        final long sequence = nextSequence;
        contributeDefaultFundEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .accountId(accountId)
            .amount(amount);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + contributeDefaultFundEncoder.encodedLength()));
    }

    /**
     * Puts the CCP's own capital into the loss waterfall (operator role), counted as a deposit, and waits for the
     * outcome.
     *
     * @param amount micro-units.
     * @return the outcome.
     */
    public Response injectCcpCapital(final long amount)
    {
        final long sequence = nextSequence;
        injectCcpCapitalEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .amount(amount);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + injectCcpCapitalEncoder.encodedLength()));
    }

    /**
     * Sets or replaces a Cover-2 stress scenario, a price shock per underlying (operator role); no shocks removes it.
     * The default fund is recomputed at once. Waits for the outcome.
     *
     * @param underlyingIds ascending underlying ids.
     * @param shocksPpm     signed relative price move of each underlying, ppm.
     * @return the outcome.
     */
    public Response setStressScenario(final int scenarioId, final int[] underlyingIds, final int[] shocksPpm)
    {
        if (underlyingIds.length != shocksPpm.length)
        {
            throw new IllegalArgumentException("one shock per underlying");
        }
        final long sequence = nextSequence;
        final dev.backstop.sbe.exchange.SetStressScenarioEncoder encoder =
            setStressScenarioEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .sequence(sequence)
                .scenarioId(scenarioId);
        final dev.backstop.sbe.exchange.SetStressScenarioEncoder.ShocksEncoder shocks =
            encoder.shocksCount(underlyingIds.length);
        for (int i = 0; i < underlyingIds.length; i++)
        {
            shocks.next().underlyingId(underlyingIds[i]).priceShockPpm(shocksPpm[i]);
        }
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + encoder.encodedLength()));
    }

    /**
     * Sets the default fund's parameters (operator role) and waits for the outcome; the fund is recomputed at once.
     * Defaults (DESIGN.md 5.2): minimum 0, recompute every 60_000 ms, exposure threshold 100_000 ppm checked 1_000 ms
     * after a change, calls due in 3_600_000 ms, assessments capped at 2_000_000 ppm (2×) per 28 days, a waterfall
     * that could not close retried every 10_000 ms.
     *
     * @return the outcome.
     */
    public Response setDefaultFundParameters(
        final long minimumContribution,
        final long recomputeIntervalMs,
        final int exposureThresholdPpm,
        final long exposureCheckMs,
        final long callDeadlineMs,
        final int assessmentCapPpm,
        final long cappedPeriodMs,
        final long waterfallRetryMs)
    {
        final long sequence = nextSequence;
        setDefaultFundParametersEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .minimumContribution(minimumContribution)
            .recomputeIntervalMs(recomputeIntervalMs)
            .exposureThresholdPpm(exposureThresholdPpm)
            .exposureCheckMs(exposureCheckMs)
            .callDeadlineMs(callDeadlineMs)
            .assessmentCapPpm(assessmentCapPpm)
            .cappedPeriodMs(cappedPeriodMs)
            .waterfallRetryMs(waterfallRetryMs);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setDefaultFundParametersEncoder.encodedLength()));
    }

    /**
     * Names the underlying an instrument belongs to, for the portfolio method's offsets (operator role), and waits
     * for the outcome.
     *
     * @return the outcome.
     */
    public Response setInstrumentUnderlying(final int instrumentId, final int underlyingId)
    {
        final long sequence = nextSequence;
        setInstrumentUnderlyingEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .underlyingId(underlyingId);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setInstrumentUnderlyingEncoder.encodedLength()));
    }

    /**
     * Sets the interval of the variation margin cycle (operator role) and waits for the outcome.
     *
     * @param intervalMs cluster time between cycles: 0 turns them off, otherwise 1_000 to 86_400_000 ms (default
     *                   60_000).
     * @return the outcome.
     */
    public Response setVariationMarginInterval(final long intervalMs)
    {
        final long sequence = nextSequence;
        setVariationMarginIntervalEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .intervalMs(intervalMs);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setVariationMarginIntervalEncoder.encodedLength()));
    }

    /**
     * Sets an instrument's perpetual funding (operator role) and waits for the outcome:
     * {@code F = P + clamp(I − P, ±premiumClampPpm)}, capped at {@code ±capPpm}, paid every interval.
     *
     * @param intervalMs      0 turns funding off, otherwise 1_000 to 604_800_000 ms (default 8 h).
     * @param interestPpm     interest component I per interval (default 100 = 0.01%).
     * @param premiumClampPpm clamp of {@code I − P} (default 500 = 0.05%).
     * @param capPpm          cap of the rate (default 5_000 = 0.5%).
     * @return the outcome.
     */
    public Response setFundingParameters(
        final int instrumentId, final long intervalMs, final int interestPpm, final int premiumClampPpm,
        final int capPpm)
    {
        final long sequence = nextSequence;
        setFundingParametersEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .intervalMs(intervalMs)
            .interestPpm(interestPpm)
            .premiumClampPpm(premiumClampPpm)
            .capPpm(capPpm);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setFundingParametersEncoder.encodedLength()));
    }

    /**
     * Sets an instrument's circuit breaker (operator role) and waits for the outcome.
     *
     * @param bandPpm  band in ppm of the last settlement price around the rolling high and low; 0 turns the breaker
     *                 off (default 100_000 = 10%).
     * @param windowMs window of the rolling high and low, a multiple of 60 up to 86_400_000 (default 3_600_000).
     * @param haltMs   how long new risk is halted after a trip, 1 to 86_400_000 ms (default 120_000).
     * @return the outcome.
     */
    public Response setCircuitBreaker(final int instrumentId, final int bandPpm, final long windowMs, final long haltMs)
    {
        final long sequence = nextSequence;
        setCircuitBreakerEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .bandPpm(bandPpm)
            .windowMs(windowMs)
            .haltMs(haltMs);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setCircuitBreakerEncoder.encodedLength()));
    }

    /**
     * Ends an instrument's circuit breaker halt early (operator role) and waits for the outcome
     * ({@code INSTRUMENT_NOT_HALTED} when none is in force).
     *
     * @return the outcome.
     */
    public Response resumeInstrument(final int instrumentId)
    {
        final long sequence = nextSequence;
        resumeInstrumentEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + resumeInstrumentEncoder.encodedLength()));
    }

    /**
     * Sets the liquidation, auction and pool parameters (operator role) and waits for the outcome. Rates are ppm;
     * {@code targetPpm} is the target equity as a multiple of maintenance margin (1_020_000 = 1.02);
     * {@code wholeAccountThresholdPpm} the multiple of maintenance margin below which an account goes to the backstop
     * whole and {@code poolSharePpm} the pool's share of a takeover's equity (666_667 = exactly ⅔ for both).
     *
     * @return the outcome.
     */
    public Response setLiquidationParameters(
        final long roundIntervalMs,
        final long minSliceNotional,
        final int slicePpm,
        final int targetPpm,
        final int feePpm,
        final int auctionSteps,
        final long auctionStepMs,
        final int poolLossCapPpm,
        final int bandPpm,
        final long twapWindowMs,
        final long redemptionNoticeMs,
        final int wholeAccountThresholdPpm,
        final int poolSharePpm)
    {
        final long sequence = nextSequence;
        setLiquidationParametersEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .roundIntervalMs(roundIntervalMs)
            .minSliceNotional(minSliceNotional)
            .slicePpm(slicePpm)
            .targetPpm(targetPpm)
            .feePpm(feePpm)
            .auctionSteps(auctionSteps)
            .auctionStepMs(auctionStepMs)
            .poolLossCapPpm(poolLossCapPpm)
            .bandPpm(bandPpm)
            .twapWindowMs(twapWindowMs)
            .redemptionNoticeMs(redemptionNoticeMs)
            .wholeAccountThresholdPpm(wholeAccountThresholdPpm)
            .poolSharePpm(poolSharePpm);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setLiquidationParametersEncoder.encodedLength()));
    }

    /**
     * Switches auto-deleveraging (operator role) and waits for the outcome: {@code instrumentId} 0 sets it for all
     * instruments ({@link AutoDeleveragingMode#ON} or {@link AutoDeleveragingMode#OFF}); an instrument id sets it for
     * that instrument alone, {@link AutoDeleveragingMode#FOLLOW_DEFAULT} dropping its own setting. Off, a failed
     * position that no pool can take waits for one instead of being closed against opposite positions.
     *
     * @return the outcome.
     */
    public Response setAutoDeleveraging(final int instrumentId, final AutoDeleveragingMode mode)
    {
        final long sequence = nextSequence;
        setAutoDeleveragingEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .instrumentId(instrumentId)
            .mode(mode);
        return awaitResponse(sendCommand(sequence, HEADER_LENGTH + setAutoDeleveragingEncoder.encodedLength()));
    }

    /**
     * Reads an account's state.
     *
     * @param accountId account.
     * @return its state.
     * @throws ExchangeClientException when refused (for example UNKNOWN_ACCOUNT) or unanswered.
     */
    public AccountState queryAccount(final long accountId)
    {
        final long sequence = nextSequence;
        queryAccountEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .accountId(accountId);
        final Object reply = awaitReply(sendCommand(sequence, HEADER_LENGTH + queryAccountEncoder.encodedLength()));
        if (reply instanceof AccountState state)
        {
            return state;
        }
        throw refused("query of account " + accountId, (Response)reply);
    }

    /**
     * Reads the ledger totals and state digest (operator role).
     *
     * @return the ledger.
     * @throws ExchangeClientException when refused or unanswered.
     */
    public Ledger queryLedger()
    {
        final long sequence = nextSequence;
        queryLedgerEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).sequence(sequence);
        final Object reply = awaitReply(sendCommand(sequence, HEADER_LENGTH + queryLedgerEncoder.encodedLength()));
        if (reply instanceof Ledger ledger)
        {
            return ledger;
        }
        throw refused("ledger query", (Response)reply);
    }

    /**
     * Sends an earlier request again, byte for byte, with its original sequence, and waits for the answer. The
     * cluster does not apply it twice: it answers with the original outcome and {@link Response#replayed()} set.
     *
     * @param sequence of a request sent by this client (one of the last 1024).
     * @return the answer.
     */
    public Response resend(final long sequence)
    {
        final int index = (int)(sequence & (SENT_HISTORY - 1));
        if (sentSequences[index] != sequence)
        {
            throw new IllegalArgumentException("sequence " + sequence + " was not sent by this client recently");
        }
        offerOrThrow(sentCommands[index], 0, sentLengths[index]);
        final Object reply = awaitReply(sequence);
        if (reply instanceof Response response)
        {
            return response;
        }
        return new Response(sequence, ResultCode.ACCEPTED, true, "", 0, 0);
    }

    /**
     * Offers raw bytes to the gateway (for tests that send malformed input), retrying back pressure until the
     * response timeout.
     *
     * @return the publication's result: a position when sent.
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.responseTimeoutMs());
        long result;
        idle.reset();
        while ((result = publication.offer(buffer, offset, length)) < 0 && System.nanoTime() - deadlineNs < 0)
        {
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                break;
            }
            pollReplies();
            idle.idle();
        }
        return result;
    }

    /**
     * Waits for the CommandResponse to a given sequence (use -1 for a gateway refusal of a message whose sequence
     * could not be read). An AccountStateResponse or LedgerResponse for that sequence counts as accepted.
     *
     * @param sequence to wait for.
     * @return the answer.
     * @throws ExchangeClientException when none arrives within the response timeout.
     */
    public Response awaitResponse(final long sequence)
    {
        final Object reply = awaitReply(sequence);
        if (reply instanceof Response response)
        {
            return response;
        }
        return new Response(sequence, ResultCode.ACCEPTED, false, "", 0, 0);
    }

    /**
     * Polls for answers and hands every CommandResponse to the listener (for pipelined senders). Account and
     * ledger answers are kept for the blocking calls.
     *
     * @param listener receives the responses.
     * @param limit    most fragments to read.
     * @return fragments read.
     */
    public int pollResponses(final ResponseListener listener, final int limit)
    {
        this.listener = listener;
        try
        {
            return replies.poll(assembler, limit);
        }
        finally
        {
            this.listener = null;
        }
    }

    /**
     * Logs out (best effort) and releases the client's Aeron resources.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (null != logonAnswer && ResultCode.ACCEPTED == logonAnswer.resultCode() && publication.isConnected())
            {
                logoutEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).senderId(ctx.senderId());
                publication.offer(buffer, 0, HEADER_LENGTH + logoutEncoder.encodedLength());
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(publication, replies, media);
        }
    }

    private void logon()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.connectTimeoutMs());
        final String replyChannel = resolveReplyChannel(deadlineNs);

        idle.reset();
        while (!publication.isConnected())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new ExchangeClientException("gateway not reachable on " + ctx.gatewayChannel() + " stream " +
                    ctx.gatewayStreamId() + " within " + ctx.connectTimeoutMs() + " ms");
            }
            idle.idle();
        }

        logonEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .senderId(ctx.senderId())
            .role(ctx.role())
            .replyStreamId(ctx.replyStreamId())
            .credential(ctx.credential())
            .replyChannel(replyChannel);
        offerOrThrow(buffer, 0, HEADER_LENGTH + logonEncoder.encodedLength());

        idle.reset();
        while (null == logonAnswer)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new ExchangeClientException("no LogonResponse from the gateway within " +
                    ctx.connectTimeoutMs() + " ms (is reply channel " + replyChannel + " reachable from it?)");
            }
            idle.idle(pollReplies());
        }

        if (ResultCode.ACCEPTED != logonAnswer.resultCode())
        {
            throw new ExchangeClientException("logon refused for sender " + ctx.senderId() + ": " +
                logonAnswer.resultCode() + ": " + logonAnswer.reason(), logonAnswer.resultCode(), null);
        }
        nextSequence = logonAnswer.nextSequence();
    }

    private String resolveReplyChannel(final long deadlineNs)
    {
        final ChannelUri uri = ChannelUri.parse(ctx.replyChannel());
        if (!uri.isUdp())
        {
            return ctx.replyChannel();
        }
        final String endpoint = uri.get(CommonContext.ENDPOINT_PARAM_NAME);
        if (null == endpoint || !endpoint.endsWith(":0"))
        {
            return ctx.replyChannel();
        }

        // An ephemeral reply port: tell the gateway the port the driver actually bound.
        String resolved;
        idle.reset();
        while (null == (resolved = replies.tryResolveChannelEndpointPort()))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new ExchangeClientException("could not resolve the reply endpoint of " + ctx.replyChannel());
            }
            idle.idle();
        }
        return resolved;
    }

    private long sendCommand(final long sequence, final int length)
    {
        if (length > MAX_COMMAND_LENGTH)
        {
            throw new IllegalArgumentException("request too long: " + length + " bytes");
        }
        remember(sequence, length);
        offerOrThrow(buffer, 0, length);
        nextSequence = sequence + 1;
        return sequence;
    }

    private void remember(final long sequence, final int length)
    {
        final int index = (int)(sequence & (SENT_HISTORY - 1));
        if (null == sentCommands[index] || sentCommands[index].capacity() < length)
        {
            sentCommands[index] = new UnsafeBuffer(new byte[Math.max(256, length)]);
        }
        sentCommands[index].putBytes(0, buffer, 0, length);
        sentLengths[index] = length;
        sentSequences[index] = sequence;
    }

    private void offerOrThrow(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = offer(buffer, offset, length);
        if (result < 0)
        {
            throw new ExchangeClientException("could not send to the gateway: " + Publication.errorString(result));
        }
    }

    private Object awaitReply(final long sequence)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.responseTimeoutMs());
        idle.reset();
        while (true)
        {
            final Iterator<Object> iterator = unclaimed.iterator();
            while (iterator.hasNext())
            {
                final Object reply = iterator.next();
                if (sequenceOf(reply) == sequence)
                {
                    iterator.remove();
                    return reply;
                }
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new ExchangeClientException("no answer to sequence " + sequence + " within " +
                    ctx.responseTimeoutMs() + " ms; it may or may not have been applied: resend(" + sequence +
                    ") to find out");
            }
            idle.idle(pollReplies());
        }
    }

    private int pollReplies()
    {
        return replies.poll(assembler, 16);
    }

    private static long sequenceOf(final Object reply)
    {
        if (reply instanceof Response response)
        {
            return response.sequence();
        }
        if (reply instanceof AccountState state)
        {
            return state.sequence();
        }
        return ((Ledger)reply).sequence();
    }

    private void keep(final Object reply)
    {
        if (unclaimed.size() >= MAX_UNCLAIMED)
        {
            unclaimed.pollFirst();
        }
        unclaimed.addLast(reply);
    }

    private ExchangeClientException refused(final String what, final Response response)
    {
        return new ExchangeClientException(what + " refused: " + response.resultCode() + ": " + response.reason(),
            response.resultCode(), response);
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() || length - HEADER_LENGTH < blockLength)
        {
            return;
        }
        final int bodyOffset = offset + HEADER_LENGTH;

        switch (headerDecoder.templateId())
        {
            case LogonResponseDecoder.TEMPLATE_ID:
            {
                final LogonResponseDecoder decoder = logonResponseDecoder.wrap(buffer, bodyOffset, blockLength, version);
                logonAnswer = new LogonAnswer(
                    decoder.senderId(), decoder.resultCode(), decoder.nextSequence(), decoder.reason());
                break;
            }

            case CommandResponseDecoder.TEMPLATE_ID:
            {
                final CommandResponseDecoder decoder =
                    commandResponseDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final long sequence = decoder.sequence();
                final ResultCode code = decoder.resultCode();
                final boolean replayed = BooleanType.TRUE == decoder.replayed();
                final long clusterTime = decoder.clusterTime();
                if (((ResultCode.ACCEPTED != code && 0 == clusterTime) || ResultCode.SEQUENCE_GAP == code) &&
                    sequence == nextSequence - 1)
                {
                    // Not consumed: the next request reuses this sequence.
                    nextSequence = sequence;
                }
                if (null != listener)
                {
                    listener.onResponse(sequence, code, replayed, clusterTime);
                }
                else
                {
                    keep(new Response(sequence, code, replayed, decoder.reason(), clusterTime,
                        decoder.refusedTemplateId()));
                }
                break;
            }

            case AccountStateResponseDecoder.TEMPLATE_ID:
            {
                final AccountStateResponseDecoder decoder =
                    accountStateDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final List<AccountState.Position> positions = new ArrayList<>();
                for (final AccountStateResponseDecoder.PositionsDecoder position : decoder.positions())
                {
                    positions.add(new AccountState.Position(position.instrumentId(), position.quantityLots(),
                        position.costBasis(), position.markPriceTicks(), position.unrealisedPnl()));
                }
                keep(new AccountState(decoder.sequence(), decoder.accountId(), decoder.memberId(), decoder.cash(),
                    decoder.equity(), decoder.initialMargin(), decoder.maintenanceMargin(), decoder.withdrawable(),
                    decoder.reservedMargin(), decoder.riskState(), decoder.marginMethod(), List.copyOf(positions)));
                break;
            }

            case LedgerResponseDecoder.TEMPLATE_ID:
            {
                final LedgerResponseDecoder decoder = ledgerDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final byte[] digest = new byte[LedgerResponseDecoder.stateDigestLength()];
                decoder.getStateDigest(digest, 0, digest.length);
                keep(new Ledger(decoder.sequence(), decoder.netDeposits(), decoder.totalCash(),
                    decoder.totalUnrealisedPnl(), decoder.feeAccount(), decoder.accountCount(), decoder.tradesCleared(),
                    decoder.eventSequence(), hex(digest), decoder.leadershipTermId(), decoder.insuranceFund(),
                    decoder.openDeficits(), decoder.adlContracts(), decoder.defaultFundContributions(),
                    decoder.ccpCapital(),
                    decoder.defaultFundRequirement(), decoder.coverageRatioPpm(), decoder.openWaterfalls(),
                    List.of(decoder.waterfallRung1(), decoder.waterfallRung2(), decoder.waterfallRung3(),
                        decoder.waterfallRung4(), decoder.waterfallRung5(), decoder.waterfallRung6(),
                        decoder.waterfallRung7())));
                break;
            }

            default:
                break;
        }
    }

    private static String hex(final byte[] bytes)
    {
        final StringBuilder builder = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes)
        {
            builder.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return builder.toString();
    }

    /**
     * Client settings. Defaults suit the local demo; system properties {@code backstop.client.gatewayChannel},
     * {@code backstop.client.gatewayStreamId}, {@code backstop.client.replyChannel},
     * {@code backstop.client.replyStreamId} and {@code backstop.client.responseTimeoutMs} override the defaults.
     */
    public static final class Context
    {
        /** Default gateway ingress. */
        public static final String GATEWAY_CHANNEL_DEFAULT = "aeron:udp?endpoint=127.0.0.1:9400";
        /** Default gateway ingress stream. */
        public static final int GATEWAY_STREAM_ID_DEFAULT = 1001;
        /**
         * Default reply channel: a UDP port the operating system picks; the client resolves it and names the bound
         * port in its Logon, so many clients can run side by side.
         */
        public static final String REPLY_CHANNEL_DEFAULT = "aeron:udp?endpoint=127.0.0.1:0";
        /** Default reply stream. */
        public static final int REPLY_STREAM_ID_DEFAULT = 1002;

        private boolean concluded;
        private String aeronDirectoryName;
        private String gatewayChannel = System.getProperty("backstop.client.gatewayChannel", GATEWAY_CHANNEL_DEFAULT);
        private int gatewayStreamId = Integer.getInteger("backstop.client.gatewayStreamId", GATEWAY_STREAM_ID_DEFAULT);
        private String replyChannel = System.getProperty("backstop.client.replyChannel", REPLY_CHANNEL_DEFAULT);
        private int replyStreamId = Integer.getInteger("backstop.client.replyStreamId", REPLY_STREAM_ID_DEFAULT);
        private long senderId;
        private SenderRole role;
        private String credential;
        private long responseTimeoutMs = Long.getLong("backstop.client.responseTimeoutMs", 10_000L);
        private long connectTimeoutMs = Long.getLong("backstop.client.connectTimeoutMs", 10_000L);

        /**
         * Validates; called by {@link ExchangeClient#connect(Context)}.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("ExchangeClient.Context already concluded");
            }
            concluded = true;
            if (senderId <= 0)
            {
                throw new IllegalArgumentException("senderId must be positive");
            }
            if (null == role || SenderRole.NULL_VAL == role)
            {
                throw new IllegalArgumentException("role is required");
            }
            if (null == credential)
            {
                throw new IllegalArgumentException("credential is required");
            }
            if (null == gatewayChannel || null == replyChannel)
            {
                throw new IllegalArgumentException("gatewayChannel and replyChannel are required");
            }
            if (replyChannel.startsWith("aeron:ipc") && null == aeronDirectoryName)
            {
                throw new IllegalArgumentException(
                    "an IPC reply channel needs aeronDirectoryName: the gateway's own driver directory");
            }
            if (responseTimeoutMs <= 0 || connectTimeoutMs <= 0)
            {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            return this;
        }

        /** @return driver directory, null for an embedded driver in a fresh temporary directory. */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /** @param dir driver directory, null for an embedded driver. @return this. */
        public Context aeronDirectoryName(final String dir)
        {
            this.aeronDirectoryName = dir;
            return this;
        }

        /** @return gateway ingress channel. */
        public String gatewayChannel()
        {
            return gatewayChannel;
        }

        /** @param channel gateway ingress channel (aeron:udp?endpoint=... or aeron:ipc). @return this. */
        public Context gatewayChannel(final String channel)
        {
            this.gatewayChannel = channel;
            return this;
        }

        /** @return gateway ingress stream id. */
        public int gatewayStreamId()
        {
            return gatewayStreamId;
        }

        /** @param streamId gateway ingress stream id. @return this. */
        public Context gatewayStreamId(final int streamId)
        {
            this.gatewayStreamId = streamId;
            return this;
        }

        /** @return reply channel. */
        public String replyChannel()
        {
            return replyChannel;
        }

        /**
         * @param channel reply channel: aeron:udp?endpoint=host:port (port 0 picks a free port), or aeron:ipc when
         *                the client shares the gateway's driver (then give each client its own replyStreamId).
         * @return this.
         */
        public Context replyChannel(final String channel)
        {
            this.replyChannel = channel;
            return this;
        }

        /** @return reply stream id. */
        public int replyStreamId()
        {
            return replyStreamId;
        }

        /** @param streamId reply stream id. @return this. */
        public Context replyStreamId(final int streamId)
        {
            this.replyStreamId = streamId;
            return this;
        }

        /** @return sender id. */
        public long senderId()
        {
            return senderId;
        }

        /** @param senderId sender id enrolled at the gateway. @return this. */
        public Context senderId(final long senderId)
        {
            this.senderId = senderId;
            return this;
        }

        /** @return role. */
        public SenderRole role()
        {
            return role;
        }

        /** @param role role the sender is enrolled with. @return this. */
        public Context role(final SenderRole role)
        {
            this.role = role;
            return this;
        }

        /** @return credential. */
        public String credential()
        {
            return credential;
        }

        /** @param credential the sender's secret. @return this. */
        public Context credential(final String credential)
        {
            this.credential = credential;
            return this;
        }

        /** @return response timeout in ms. */
        public long responseTimeoutMs()
        {
            return responseTimeoutMs;
        }

        /** @param timeoutMs how long a blocking call waits for its answer. @return this. */
        public Context responseTimeoutMs(final long timeoutMs)
        {
            this.responseTimeoutMs = timeoutMs;
            return this;
        }

        /** @return connect and logon timeout in ms. */
        public long connectTimeoutMs()
        {
            return connectTimeoutMs;
        }

        /** @param timeoutMs how long connect waits for the gateway and the LogonResponse. @return this. */
        public Context connectTimeoutMs(final long timeoutMs)
        {
            this.connectTimeoutMs = timeoutMs;
            return this;
        }
    }
}
