package dev.backstop.gateway;

import dev.backstop.sbe.cluster.AccountMarginMethodCommandDecoder;
import dev.backstop.sbe.cluster.AuctionBidCommandDecoder;
import dev.backstop.sbe.cluster.AutoDeleveragingCommandDecoder;
import dev.backstop.sbe.cluster.CancelOrderCommandDecoder;
import dev.backstop.sbe.cluster.CreatePoolCommandDecoder;
import dev.backstop.sbe.cluster.DepositCommandDecoder;
import dev.backstop.sbe.cluster.InstrumentUnderlyingCommandDecoder;
import dev.backstop.sbe.cluster.LiquidationParametersCommandDecoder;
import dev.backstop.sbe.cluster.ListInstrumentCommandDecoder;
import dev.backstop.sbe.cluster.MarginBracketsCommandDecoder;
import dev.backstop.sbe.cluster.MarginRateCommandDecoder;
import dev.backstop.sbe.cluster.OpenAccountCommandDecoder;
import dev.backstop.sbe.cluster.OpenInterestScalingCommandDecoder;
import dev.backstop.sbe.cluster.OracleParametersCommandDecoder;
import dev.backstop.sbe.cluster.OrderCommandDecoder;
import dev.backstop.sbe.cluster.PoolDepositCommandDecoder;
import dev.backstop.sbe.cluster.PoolRedemptionCommandDecoder;
import dev.backstop.sbe.cluster.PriceTickCommandDecoder;
import dev.backstop.sbe.cluster.QueryAccountCommandDecoder;
import dev.backstop.sbe.cluster.QueryLedgerCommandDecoder;
import dev.backstop.sbe.cluster.RegisterBlpCommandDecoder;
import dev.backstop.sbe.cluster.ResultCode;
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import dev.backstop.sbe.cluster.UnderlyingScenariosCommandDecoder;
import dev.backstop.sbe.cluster.WithdrawCommandDecoder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Commands as the gateway sees them: each answer by command type and result code (refused at the gateway, or
 * answered by the cluster), and the time from forwarding a command to its result.
 * <p>
 * Written by the agent thread only; counts sit in pre-sized {@link AtomicLongArray}s indexed by template and result
 * code, so counting allocates nothing. Latency is measured with the gateway's own nanoTime (never compared with
 * cluster time) and recorded into every Micrometer {@link Timer} bound.
 */
public final class CommandMetrics
{
    /** Source tag of an answer given by the gateway without the cluster. */
    public static final String GATEWAY = "gateway";
    /** Source tag of an answer from the cluster. */
    public static final String CLUSTER = "cluster";

    private static final int MAX_TEMPLATE_ID = 255;
    private static final int MAX_CODE = 63;
    private static final int CODES = MAX_CODE + 1;
    private static final String[] TYPE_NAMES = new String[MAX_TEMPLATE_ID + 1];
    private static final String[] CODE_NAMES = new String[CODES];

    static
    {
        TYPE_NAMES[0] = "UNKNOWN";
        TYPE_NAMES[TradeCommandDecoder.TEMPLATE_ID] = "TRADE";
        TYPE_NAMES[PriceTickCommandDecoder.TEMPLATE_ID] = "PRICE_TICK";
        TYPE_NAMES[DepositCommandDecoder.TEMPLATE_ID] = "DEPOSIT";
        TYPE_NAMES[WithdrawCommandDecoder.TEMPLATE_ID] = "WITHDRAW";
        TYPE_NAMES[QueryAccountCommandDecoder.TEMPLATE_ID] = "QUERY_ACCOUNT";
        TYPE_NAMES[ListInstrumentCommandDecoder.TEMPLATE_ID] = "LIST_INSTRUMENT";
        TYPE_NAMES[OpenAccountCommandDecoder.TEMPLATE_ID] = "OPEN_ACCOUNT";
        TYPE_NAMES[QueryLedgerCommandDecoder.TEMPLATE_ID] = "QUERY_LEDGER";
        TYPE_NAMES[OrderCommandDecoder.TEMPLATE_ID] = "SUBMIT_ORDER";
        TYPE_NAMES[CancelOrderCommandDecoder.TEMPLATE_ID] = "CANCEL_ORDER";
        TYPE_NAMES[OracleParametersCommandDecoder.TEMPLATE_ID] = "SET_ORACLE_PARAMETERS";
        TYPE_NAMES[MarginBracketsCommandDecoder.TEMPLATE_ID] = "SET_MARGIN_BRACKETS";
        TYPE_NAMES[OpenInterestScalingCommandDecoder.TEMPLATE_ID] = "SET_OPEN_INTEREST_SCALING";
        TYPE_NAMES[MarginRateCommandDecoder.TEMPLATE_ID] = "SET_MARGIN_RATE";
        TYPE_NAMES[AccountMarginMethodCommandDecoder.TEMPLATE_ID] = "SET_ACCOUNT_MARGIN_METHOD";
        TYPE_NAMES[UnderlyingScenariosCommandDecoder.TEMPLATE_ID] = "SET_UNDERLYING_SCENARIOS";
        TYPE_NAMES[InstrumentUnderlyingCommandDecoder.TEMPLATE_ID] = "SET_INSTRUMENT_UNDERLYING";
        TYPE_NAMES[LiquidationParametersCommandDecoder.TEMPLATE_ID] = "SET_LIQUIDATION_PARAMETERS";
        TYPE_NAMES[AutoDeleveragingCommandDecoder.TEMPLATE_ID] = "SET_AUTO_DELEVERAGING";
        TYPE_NAMES[RegisterBlpCommandDecoder.TEMPLATE_ID] = "REGISTER_LIQUIDITY_PROVIDER";
        TYPE_NAMES[AuctionBidCommandDecoder.TEMPLATE_ID] = "AUCTION_BID";
        TYPE_NAMES[CreatePoolCommandDecoder.TEMPLATE_ID] = "CREATE_POOL";
        TYPE_NAMES[PoolDepositCommandDecoder.TEMPLATE_ID] = "POOL_DEPOSIT";
        TYPE_NAMES[PoolRedemptionCommandDecoder.TEMPLATE_ID] = "POOL_REDEEM";
        TYPE_NAMES[dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder.TEMPLATE_ID] = "CONTRIBUTE_DEFAULT_FUND";
        TYPE_NAMES[dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder.TEMPLATE_ID] = "INJECT_CCP_CAPITAL";
        TYPE_NAMES[dev.backstop.sbe.cluster.StressScenarioCommandDecoder.TEMPLATE_ID] = "SET_STRESS_SCENARIO";
        TYPE_NAMES[dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder.TEMPLATE_ID] =
            "SET_DEFAULT_FUND_PARAMETERS";
        TYPE_NAMES[dev.backstop.sbe.cluster.VariationMarginIntervalCommandDecoder.TEMPLATE_ID] =
            "SET_VARIATION_MARGIN_INTERVAL";
        TYPE_NAMES[dev.backstop.sbe.cluster.FundingParametersCommandDecoder.TEMPLATE_ID] = "SET_FUNDING_PARAMETERS";
        TYPE_NAMES[dev.backstop.sbe.cluster.CircuitBreakerCommandDecoder.TEMPLATE_ID] = "SET_CIRCUIT_BREAKER";
        TYPE_NAMES[dev.backstop.sbe.cluster.ResumeInstrumentCommandDecoder.TEMPLATE_ID] = "RESUME_INSTRUMENT";
        for (final ResultCode code : ResultCode.values())
        {
            if (code.value() >= 0 && code.value() <= MAX_CODE)
            {
                CODE_NAMES[code.value()] = code.name();
            }
        }
    }

    private final AtomicLongArray refused = new AtomicLongArray((MAX_TEMPLATE_ID + 1) * CODES);
    private final AtomicLongArray answered = new AtomicLongArray((MAX_TEMPLATE_ID + 1) * CODES);
    private volatile Timer[] latency = new Timer[0];
    private volatile long responses;

    /**
     * Counts a command refused at the gateway.
     *
     * @param templateId template of the refused message, 0 when unknown.
     * @param code       result code value sent back.
     */
    public void onRefused(final int templateId, final int code)
    {
        increment(refused, templateId, code);
    }

    /**
     * Counts a result from the cluster and records its latency.
     *
     * @param templateId template of the command answered.
     * @param code       result code value.
     * @param latencyNs  time from first forwarding to the result, negative when unknown.
     */
    public void onResult(final int templateId, final int code, final long latencyNs)
    {
        increment(answered, templateId, code);
        if (latencyNs >= 0)
        {
            for (final Timer timer : latency)
            {
                timer.record(latencyNs, TimeUnit.NANOSECONDS);
            }
            responses++;
        }
    }

    /**
     * @return results with a measured latency (the count each bound latency timer should show).
     */
    public long responses()
    {
        return responses;
    }

    /**
     * @param templateId template of the command.
     * @param code       result code.
     * @return results from the cluster with that type and code.
     */
    public long answered(final int templateId, final ResultCode code)
    {
        return answered.get(index(templateId, code.value()));
    }

    /**
     * @param templateId template of the command.
     * @param code       result code.
     * @return refusals at the gateway with that type and code.
     */
    public long refused(final int templateId, final ResultCode code)
    {
        return refused.get(index(templateId, code.value()));
    }

    /**
     * Registers {@code backstop.gateway.commands} (tags type, result, source) for every command type and result
     * code, and the latency timer {@code backstop.gateway.command.latency} with a histogram (buckets for
     * Prometheus's {@code histogram_quantile}).
     *
     * @param registry registry to add to.
     */
    public void bindTo(final MeterRegistry registry)
    {
        for (int templateId = 0; templateId <= MAX_TEMPLATE_ID; templateId++)
        {
            final String type = TYPE_NAMES[templateId];
            if (null == type)
            {
                continue;
            }
            for (int code = 0; code <= MAX_CODE; code++)
            {
                final String result = CODE_NAMES[code];
                if (null == result)
                {
                    continue;
                }
                final int index = index(templateId, code);
                FunctionCounter.builder("backstop.gateway.commands", refused, (array) -> array.get(index))
                    .description("commands answered, by type, result code and who answered")
                    .tags("type", type, "result", result, "source", GATEWAY)
                    .register(registry);
                if (0 != templateId)
                {
                    FunctionCounter.builder("backstop.gateway.commands", answered, (array) -> array.get(index))
                        .description("commands answered, by type, result code and who answered")
                        .tags("type", type, "result", result, "source", CLUSTER)
                        .register(registry);
                }
            }
        }
        // Buckets only: Prometheus computes quantiles from them (histogram_quantile, as the dashboard does). Client
        // side percentiles cost a rotating set of concurrent HdrHistograms per result, a seventh of the agent's
        // time at full load in the end-to-end bench.
        final Timer timer = Timer.builder("backstop.gateway.command.latency")
            .description("time from forwarding a command to the cluster to its result, gateway clock")
            .publishPercentileHistogram()
            .register(registry);
        final Timer[] timers = Arrays.copyOf(latency, latency.length + 1);
        timers[timers.length - 1] = timer;
        latency = timers;
    }

    private static void increment(final AtomicLongArray array, final int templateId, final int code)
    {
        final int index = index(templateId, code);
        // Single writer: a plain read and an ordered write suffice.
        array.lazySet(index, array.get(index) + 1);
    }

    private static int index(final int templateId, final int code)
    {
        final int template = templateId > 0 && templateId <= MAX_TEMPLATE_ID && null != TYPE_NAMES[templateId] ?
            templateId : 0;
        final int result = code >= 0 && code <= MAX_CODE ? code : 0;
        return template * CODES + result;
    }
}
