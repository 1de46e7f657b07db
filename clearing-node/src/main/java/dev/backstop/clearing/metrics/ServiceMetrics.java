package dev.backstop.clearing.metrics;

import dev.backstop.clearing.domain.Outcome;
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
import dev.backstop.sbe.cluster.TradeCommandDecoder;
import dev.backstop.sbe.cluster.UnderlyingScenariosCommandDecoder;
import dev.backstop.sbe.cluster.WithdrawCommandDecoder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the clearing service has done, published for a metrics thread to read.
 * <p>
 * Only the service thread writes (it owns the domain); the metrics thread reads. Command counts are kept in a
 * pre-sized {@link AtomicLongArray} indexed by command template and outcome, and the domain's balances are copied
 * into another after every message, so the per-message path allocates nothing and a scrape never touches a domain
 * object.
 * <p>
 * Where to add a figure: a single balance or count (a fund, a ratio in ppm) is one more value index with its name
 * and description below, published in {@code ClearingService.publishMetrics()}; a family with one series per label
 * (the equity of each pool) is one more {@link LabelledGauges} field, bound in {@link #bindTo} and refreshed in
 * {@link #registerNewMeters()}. The waterfall's seven rungs are a fixed set, so each is a plain value.
 */
public final class ServiceMetrics
{
    /** Index of each domain gauge in the published values. */
    public static final int INSURANCE_FUND = 0;
    public static final int OPEN_DEFICITS = 1;
    public static final int FEE_ACCOUNT = 2;
    public static final int NET_DEPOSITS = 3;
    public static final int EVENT_SEQUENCE = 4;
    public static final int TRADES_CLEARED = 5;
    public static final int ACCOUNTS = 6;
    public static final int OPEN_LIQUIDATIONS = 7;
    public static final int OPEN_AUCTIONS = 8;
    public static final int POOLS = 9;
    public static final int APPLIED_LOG_POSITION = 10;
    public static final int ADL_CONTRACTS = 11;
    // Issue 4, default fund and loss waterfall (W).
    public static final int DEFAULT_FUND_CONTRIBUTIONS = 12;
    public static final int CCP_CAPITAL = 13;
    public static final int DEFAULT_FUND_REQUIREMENT = 14;
    public static final int COVERAGE_RATIO_PPM = 15;
    public static final int OPEN_WATERFALLS = 16;
    /** Absorbed by rung 1; rung n is at {@code WATERFALL_RUNG_1 + n − 1}. */
    public static final int WATERFALL_RUNG_1 = 17;
    private static final int VALUE_COUNT = 24;

    /** Index of each domain event count. */
    public static final int LIQUIDATIONS_STARTED = 0;
    public static final int AUCTION_FILLS = 1;
    public static final int POOL_TAKEOVERS = 2;
    public static final int ADL_FILLS = 3;
    private static final int EVENT_COUNT = 4;
    private static final String[] EVENT_NAMES =
        { "liquidations.started", "auction.fills", "pool.takeovers", "adl.fills" };
    private static final String[] EVENT_DESCRIPTIONS =
    {
        "liquidations started since the service started (log replay included)",
        "auction fills since the service started (log replay included)",
        "pool takeovers since the service started (log replay included)",
        "auto-deleveraging fills (one per counterparty) since the service started (log replay included)"
    };

    private static final String[] VALUE_NAMES =
    {
        "insurance.fund", "open.deficits", "fee.account", "net.deposits", "event.sequence", "trades.cleared",
        "accounts", "liquidations.open", "auctions.open", "pools", "applied.log.position", "adl.contracts",
        "default.fund.contributions", "ccp.capital", "default.fund.requirement", "default.fund.coverage.ratio.ppm",
        "waterfalls.open", "waterfall.absorbed.rung1", "waterfall.absorbed.rung2", "waterfall.absorbed.rung3",
        "waterfall.absorbed.rung4", "waterfall.absorbed.rung5", "waterfall.absorbed.rung6", "waterfall.absorbed.rung7"
    };

    private static final String[] VALUE_DESCRIPTIONS =
    {
        "insurance fund balance, micro-units",
        "open deficits of bankrupt accounts, micro-units",
        "fee account balance, micro-units",
        "deposits minus withdrawals, micro-units",
        "sequence of the last event published",
        "trades cleared",
        "accounts open",
        "accounts in liquidation",
        "liquidation auctions open",
        "backstop pools",
        "log position of the last message applied",
        "lots closed by auto-deleveraging, from the ledger",
        "members' default fund contributions, micro-units",
        "the CCP's own capital in the loss waterfall, micro-units",
        "Cover-2 default fund requirement at the last recomputation, micro-units",
        "(contributions + CCP capital + insurance fund) / requirement in ppm, -1 without a requirement",
        "loss waterfalls open (withdrawals and redemptions wait)",
        "absorbed by the defaulters' other collateral over every waterfall, micro-units",
        "absorbed by the defaulters' own contributions, micro-units",
        "absorbed by the insurance fund, micro-units",
        "absorbed by the CCP's capital, micro-units",
        "absorbed by the non-defaulters' contributions, micro-units",
        "absorbed by assessments, micro-units",
        "absorbed by the haircut of VM gains, micro-units"
    };

    /**
     * Most pools given an equity gauge of their own; more are counted in {@code pool.equity.overflow}.
     */
    public static final int MAX_POOL_GAUGES = 256;

    private static final int MAX_TEMPLATE_ID = 255;
    private static final Outcome[] OUTCOMES = Outcome.values();

    private static final String[] TYPE_NAME_BY_TEMPLATE_ID = new String[MAX_TEMPLATE_ID + 1];
    private final AtomicLongArray commands = new AtomicLongArray((MAX_TEMPLATE_ID + 1) * OUTCOMES.length);
    private final AtomicLongArray values = new AtomicLongArray(VALUE_COUNT);
    private final AtomicLongArray events = new AtomicLongArray(EVENT_COUNT);
    private final LabelledGauges poolEquity = new LabelledGauges(
        "pool.equity", "pool",
        "equity of each backstop pool's account (cash + unrealised PnL at mark), micro-units", MAX_POOL_GAUGES);

    static
    {
        name(TradeCommandDecoder.TEMPLATE_ID, "TRADE");
        name(PriceTickCommandDecoder.TEMPLATE_ID, "PRICE_TICK");
        name(DepositCommandDecoder.TEMPLATE_ID, "DEPOSIT");
        name(WithdrawCommandDecoder.TEMPLATE_ID, "WITHDRAW");
        name(QueryAccountCommandDecoder.TEMPLATE_ID, "QUERY_ACCOUNT");
        name(ListInstrumentCommandDecoder.TEMPLATE_ID, "LIST_INSTRUMENT");
        name(OpenAccountCommandDecoder.TEMPLATE_ID, "OPEN_ACCOUNT");
        name(QueryLedgerCommandDecoder.TEMPLATE_ID, "QUERY_LEDGER");
        name(OrderCommandDecoder.TEMPLATE_ID, "SUBMIT_ORDER");
        name(CancelOrderCommandDecoder.TEMPLATE_ID, "CANCEL_ORDER");
        name(OracleParametersCommandDecoder.TEMPLATE_ID, "SET_ORACLE_PARAMETERS");
        name(MarginBracketsCommandDecoder.TEMPLATE_ID, "SET_MARGIN_BRACKETS");
        name(OpenInterestScalingCommandDecoder.TEMPLATE_ID, "SET_OPEN_INTEREST_SCALING");
        name(MarginRateCommandDecoder.TEMPLATE_ID, "SET_MARGIN_RATE");
        name(AccountMarginMethodCommandDecoder.TEMPLATE_ID, "SET_ACCOUNT_MARGIN_METHOD");
        name(UnderlyingScenariosCommandDecoder.TEMPLATE_ID, "SET_UNDERLYING_SCENARIOS");
        name(InstrumentUnderlyingCommandDecoder.TEMPLATE_ID, "SET_INSTRUMENT_UNDERLYING");
        name(LiquidationParametersCommandDecoder.TEMPLATE_ID, "SET_LIQUIDATION_PARAMETERS");
        name(RegisterBlpCommandDecoder.TEMPLATE_ID, "REGISTER_LIQUIDITY_PROVIDER");
        name(AuctionBidCommandDecoder.TEMPLATE_ID, "AUCTION_BID");
        name(CreatePoolCommandDecoder.TEMPLATE_ID, "CREATE_POOL");
        name(PoolDepositCommandDecoder.TEMPLATE_ID, "POOL_DEPOSIT");
        name(PoolRedemptionCommandDecoder.TEMPLATE_ID, "POOL_REDEEM");
        name(AutoDeleveragingCommandDecoder.TEMPLATE_ID, "SET_AUTO_DELEVERAGING");
        name(dev.backstop.sbe.cluster.ContributeDefaultFundCommandDecoder.TEMPLATE_ID, "CONTRIBUTE_DEFAULT_FUND");
        name(dev.backstop.sbe.cluster.InjectCcpCapitalCommandDecoder.TEMPLATE_ID, "INJECT_CCP_CAPITAL");
        name(dev.backstop.sbe.cluster.StressScenarioCommandDecoder.TEMPLATE_ID, "SET_STRESS_SCENARIO");
        name(dev.backstop.sbe.cluster.DefaultFundParametersCommandDecoder.TEMPLATE_ID, "SET_DEFAULT_FUND_PARAMETERS");
        name(dev.backstop.sbe.cluster.VariationMarginIntervalCommandDecoder.TEMPLATE_ID, "SET_VARIATION_MARGIN_INTERVAL");
        name(dev.backstop.sbe.cluster.FundingParametersCommandDecoder.TEMPLATE_ID, "SET_FUNDING_PARAMETERS");
        name(dev.backstop.sbe.cluster.CircuitBreakerCommandDecoder.TEMPLATE_ID, "SET_CIRCUIT_BREAKER");
        name(dev.backstop.sbe.cluster.ResumeInstrumentCommandDecoder.TEMPLATE_ID, "RESUME_INSTRUMENT");
    }

    /**
     * Counts a command's result. Called by the service thread only.
     *
     * @param templateId cluster-protocol template of the command.
     * @param outcome    its outcome.
     */
    public void commandApplied(final int templateId, final Outcome outcome)
    {
        if (templateId >= 0 && templateId <= MAX_TEMPLATE_ID)
        {
            final int index = templateId * OUTCOMES.length + outcome.ordinal();
            increment(commands, index);
        }
    }

    /**
     * @param templateId cluster-protocol template of the command.
     * @param outcome    its outcome.
     * @return how many such commands have been applied.
     */
    public long commandCount(final int templateId, final Outcome outcome)
    {
        return commands.get(templateId * OUTCOMES.length + outcome.ordinal());
    }

    /**
     * Counts a liquidation started. Called by the service thread only.
     */
    public void liquidationStarted()
    {
        increment(events, LIQUIDATIONS_STARTED);
    }

    /**
     * Counts an auction fill. Called by the service thread only.
     */
    public void auctionFill()
    {
        increment(events, AUCTION_FILLS);
    }

    /**
     * Counts a pool takeover. Called by the service thread only.
     */
    public void poolTakeover()
    {
        increment(events, POOL_TAKEOVERS);
    }

    /**
     * Counts an auto-deleveraging fill. Called by the service thread only.
     */
    public void autoDeleveraged()
    {
        increment(events, ADL_FILLS);
    }

    /**
     * @param index one of the event indices, e.g. {@link #LIQUIDATIONS_STARTED}.
     * @return how many such events the service has published.
     */
    public long eventCount(final int index)
    {
        return events.get(index);
    }

    /**
     * Publishes one domain value. Called by the service thread only.
     *
     * @param index one of the value indices, e.g. {@link #INSURANCE_FUND}.
     * @param value the value.
     */
    public void publish(final int index, final long value)
    {
        values.lazySet(index, value);
    }

    /**
     * @param index one of the value indices.
     * @return the last value published.
     */
    public long value(final int index)
    {
        return values.get(index);
    }

    /**
     * The equity of each pool: the service thread publishes one row per pool (label: the pool id) after every
     * message.
     *
     * @return the pool equity family.
     */
    public LabelledGauges poolEquity()
    {
        return poolEquity;
    }

    /**
     * Registers gauges for labels that appeared since the last call (a pool created). Called by the metrics thread
     * before each scrape.
     *
     * @return gauges added.
     */
    public int registerNewMeters()
    {
        return poolEquity.registerNew();
    }

    /**
     * Registers every meter: a counter for each command type and outcome (all pre-registered, so a scrape shows
     * zeros rather than missing series), a gauge for each domain value and one per pool for its equity.
     *
     * @param registry registry to add to.
     * @param prefix   meter name prefix, e.g. {@code backstop.node}.
     */
    public void bindTo(final MeterRegistry registry, final String prefix)
    {
        for (int templateId = 0; templateId <= MAX_TEMPLATE_ID; templateId++)
        {
            final String type = TYPE_NAME_BY_TEMPLATE_ID[templateId];
            if (null == type)
            {
                continue;
            }
            for (final Outcome outcome : OUTCOMES)
            {
                final int index = templateId * OUTCOMES.length + outcome.ordinal();
                FunctionCounter.builder(prefix + ".commands", commands, (array) -> array.get(index))
                    .description("commands applied by the clearing service, by type and outcome")
                    .tag("type", type)
                    .tag("outcome", outcome.name())
                    .register(registry);
            }
        }

        for (int i = 0; i < EVENT_COUNT; i++)
        {
            final int index = i;
            FunctionCounter.builder(prefix + "." + EVENT_NAMES[i], events, (array) -> array.get(index))
                .description(EVENT_DESCRIPTIONS[i])
                .register(registry);
        }

        for (int i = 0; i < VALUE_COUNT; i++)
        {
            final int index = i;
            Gauge.builder(prefix + "." + VALUE_NAMES[i], values, (array) -> array.get(index))
                .description(VALUE_DESCRIPTIONS[i])
                .register(registry);
        }

        poolEquity.bindTo(registry, prefix);
    }

    /**
     * @param templateId cluster-protocol (or exchange-protocol, the ids are equal) template of a command.
     * @return the command's type name, e.g. {@code TRADE}, or null when the template is not a command.
     */
    public static String commandTypeName(final int templateId)
    {
        return templateId >= 0 && templateId <= MAX_TEMPLATE_ID ? TYPE_NAME_BY_TEMPLATE_ID[templateId] : null;
    }

    /**
     * @return the largest template id a command may have.
     */
    public static int maxTemplateId()
    {
        return MAX_TEMPLATE_ID;
    }

    private static void increment(final AtomicLongArray array, final int index)
    {
        // Single writer: a plain read plus an ordered write is enough and cheaper than an atomic increment.
        array.lazySet(index, array.get(index) + 1);
    }

    private static void name(final int templateId, final String type)
    {
        TYPE_NAME_BY_TEMPLATE_ID[templateId] = type;
    }
}
