package dev.backstop.ops.demo;

import dev.backstop.gateway.client.AccountState;
import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.Ledger;
import dev.backstop.gateway.client.Response;
import dev.backstop.sbe.events.AuctionFillDecoder;
import dev.backstop.sbe.events.LiquidationEndedDecoder;
import dev.backstop.sbe.events.LiquidationStartedDecoder;
import dev.backstop.sbe.events.OpenDeficitDecoder;
import dev.backstop.sbe.events.PoolTakeoverDecoder;
import dev.backstop.sbe.events.SliceOfferedDecoder;
import dev.backstop.sbe.events.TakeoverHeldDecoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.RiskState;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A crash at the clearinghouse, driven through the gateway: the operator lists BTC-PERP, opens a backstop pool that
 * a member funds, and a backstop liquidity provider (BLP) registers its capacity; two members open leveraged
 * accounts, longs against shorts, at leverages from 2x to 9x; then the exchange's price source drops BTC 30% in six
 * ticks, 300 ms apart. The longs fall through their margin: margin calls, then liquidation in slices, each slice
 * offered to the BLP in a Dutch auction from the mark towards the bankruptcy price; the BLP follows the event stream
 * and bids on some ({@link BlpBidder}); what no auction fills, and every account too deep under water to slice, the
 * backstop pool takes over; fees and the CCP's share of takeover discounts go to the insurance fund.
 * <p>
 * When the cascade has settled (every liquidation ended, then no event for a while), every account and the ledger are
 * read back: money must be conserved to the micro-unit, the insurance fund and the pool counted like everyone else,
 * and no account may be left below maintenance margin unless it is bankrupt.
 */
final class CrashScenario
{
    /**
     * Sender id of the demo's BLP (enrolled at the gateway for the crash run only).
     */
    static final long BLP_ID = 300;
    /**
     * Its public demo credential: never use it outside a local demo.
     */
    static final String BLP_DEMO_SECRET = "demo-blp-300-secret";

    /**
     * The takeover band's averaging window in the crash run (the default is 5 minutes).
     */
    static final long TWAP_WINDOW_MS = 3_000;

    static final long MEMBER_POOL = DemoScenario.MEMBER_A;
    static final long POOL_ACCOUNT = 9_001;
    static final long POOL_DEPOSITOR_ACCOUNT = 9_002;
    static final long BLP_ACCOUNT = 9_101;
    static final long FIRST_ACCOUNT = 10_001;

    static final long START_PRICE_TICKS = 600_000; // 60,000.0 USD
    static final int CRASH_STEPS = 6;
    static final int CRASH_STEP_PERCENT = 5;
    static final long CRASH_STEP_PAUSE_MS = 300;
    static final long POSITION_LOTS = 500; // 0.5 BTC, 30,000 USD at the start
    static final int[] LONG_LEVERAGE = { 2, 3, 4, 5, 6, 7, 8, 9 };
    static final int SHORT_LEVERAGE = 3;
    static final int PRICE_SOURCE = 1;

    private static final long USD = 1_000_000;
    private static final long POOL_DEPOSIT = 400_000 * USD;
    private static final long BLP_DEPOSIT = 200_000 * USD;
    private static final long BLP_CAPACITY = 150_000 * USD;
    private static final long QUIET_MS = 1_000;
    private static final long SETTLE_TIMEOUT_MS = 60_000;

    private final Participants parties;
    private final BlpBidder bidder;
    private final EventTap tap;
    private final Narrator narrator;
    private final DemoSummary summary;
    private final int accountCount;
    private final List<Long> accounts = new ArrayList<>();
    private long venueTradeId = 5_000;

    /**
     * The parties of the crash.
     */
    record Participants(
        Participant operator, Participant exchange, Participant memberA, Participant memberB, Participant blp)
    {
    }

    CrashScenario(
        final Participants parties,
        final BlpBidder bidder,
        final EventTap tap,
        final Narrator narrator,
        final DemoSummary summary,
        final int accountCount)
    {
        this.parties = parties;
        this.bidder = bidder;
        this.tap = tap;
        this.narrator = narrator;
        this.summary = summary;
        this.accountCount = accountCount;
    }

    /**
     * Run every step; fills in the summary.
     */
    void run() throws InterruptedException
    {
        final Participant operator = parties.operator();
        final Participant exchange = parties.exchange();
        final Ledger opening = operator.query(ExchangeClient::queryLedger);

        expect(operator, "lists BTC-PERP (IMR 10%, MMR 5%, fee 0.05%, tick 0.1 USD, lot 0.001 BTC)",
            (c) -> c.listInstrument(DemoScenario.BTC_PERP, "BTC-PERP", DemoScenario.IMR_PPM, DemoScenario.MMR_PPM,
                DemoScenario.FEE_PPM, DemoScenario.TICK_SIZE_MICROS, DemoScenario.LOT_SIZE_MICROS,
                DemoScenario.TICK_VALUE));
        configureLiquidation(operator);
        priceTick(exchange, START_PRICE_TICKS);

        setUpBackstop(operator);
        openLeveragedBook(operator, exchange);

        final long beforeCrash = summary.expectedNetDeposits;
        narrator.step(accountCount + " leveraged accounts open (" + accountCount / 2 + " long at 2x-9x, " +
            accountCount / 2 + " short at " + SHORT_LEVERAGE + "x), " + Narrator.usd(beforeCrash) + " deposited");

        bidder.start();
        summary.crashFromTicks = START_PRICE_TICKS;
        long price = START_PRICE_TICKS;
        for (int step = 1; step <= CRASH_STEPS; step++)
        {
            price = START_PRICE_TICKS * (100 - (long)CRASH_STEP_PERCENT * step) / 100;
            priceTick(exchange, price);
            Thread.sleep(CRASH_STEP_PAUSE_MS);
        }
        summary.crashToTicks = price;

        final long settledMs = awaitSettled();
        narrator.step("the cascade settled " + settledMs + " ms after the last tick: every liquidation has ended");
        bidder.stop();

        settle(operator, opening);
    }

    private void configureLiquidation(final Participant operator)
    {
        // A pool takes over only while the mark is within 5% of its time-weighted average. Averaged over the
        // default 5 minutes, that average lags a 30% crash in two seconds for minutes, so the operator has it
        // averaged over 3 s: the pool waits out the crash itself (TakeoverHeld) and acts as soon as the mark has
        // settled. Every other parameter keeps its default.
        expect(operator, "sets the liquidation parameters: the defaults, but the takeover band around a " +
            TWAP_WINDOW_MS / 1000 + " s average of the mark instead of 5 min",
            (c) -> c.setLiquidationParameters(100, 1_000 * USD, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 50_000,
                TWAP_WINDOW_MS, 24L * 3600 * 1000, 666_667, 666_667));
    }

    private void setUpBackstop(final Participant operator)
    {
        final Participant member = parties.memberA();
        final Participant blp = parties.blp();

        expect(operator, "opens backstop pool " + POOL_ACCOUNT + " for member " + MEMBER_POOL +
            " (loss cap 20% drawdown, redemption notice 24 h)",
            (c) -> c.createPool(POOL_ACCOUNT, MEMBER_POOL));
        openAccount(operator, POOL_DEPOSITOR_ACCOUNT, MEMBER_POOL);
        deposit(member, POOL_DEPOSITOR_ACCOUNT, POOL_DEPOSIT);
        expect(member, "moves " + Narrator.usd(POOL_DEPOSIT) + " from " + POOL_DEPOSITOR_ACCOUNT + " into pool " +
            POOL_ACCOUNT + " (shares minted at NAV)",
            (c) -> c.poolDeposit(POOL_ACCOUNT, POOL_DEPOSITOR_ACCOUNT, POOL_DEPOSIT));

        openAccount(operator, BLP_ACCOUNT, BLP_ID);
        deposit(blp, BLP_ACCOUNT, BLP_DEPOSIT);
        expect(blp, "registers as BLP on account " + BLP_ACCOUNT + " with capacity " + Narrator.usd(BLP_CAPACITY),
            (c) -> c.registerBlp(BLP_ACCOUNT, BLP_CAPACITY));
    }

    private void openLeveragedBook(final Participant operator, final Participant exchange)
    {
        final Participant longs = parties.memberA();
        final Participant shorts = parties.memberB();
        final long notional = POSITION_LOTS * START_PRICE_TICKS * DemoScenario.TICK_VALUE;
        final long fee = notional * DemoScenario.FEE_PPM / 1_000_000 + 1;
        for (int pair = 0; pair < accountCount / 2; pair++)
        {
            final long longAccount = FIRST_ACCOUNT + 2L * pair;
            final long shortAccount = longAccount + 1;
            final int leverage = LONG_LEVERAGE[pair % LONG_LEVERAGE.length];
            quietly(operator, (c) -> c.openAccount(longAccount, DemoScenario.MEMBER_A));
            quietly(operator, (c) -> c.openAccount(shortAccount, DemoScenario.MEMBER_B));
            quietDeposit(longs, longAccount, notional / leverage + fee);
            quietDeposit(shorts, shortAccount, notional / SHORT_LEVERAGE + fee);
            accounts.add(longAccount);
            accounts.add(shortAccount);

            final long tradeId = ++venueTradeId;
            final Response response = exchange.command((c) -> c.submitTrade(tradeId, DemoScenario.BTC_PERP,
                longAccount, shortAccount, START_PRICE_TICKS, POSITION_LOTS));
            if (response.isAccepted())
            {
                summary.tradesAccepted++;
            }
            else
            {
                refused("exchange: trade " + tradeId + " " + longAccount + "/" + shortAccount, response);
            }
        }
    }

    /**
     * Waits until every liquidation started has ended (a takeover held by the price band publishes nothing while it
     * waits, so silence alone is not enough) and the stream has been quiet for a while.
     *
     * @return ms from the last tick until the last event.
     */
    private long awaitSettled() throws InterruptedException
    {
        final long startMs = System.currentTimeMillis();
        long lastSeen = tap.eventsSeen();
        long lastChangeMs = startMs;
        while (System.currentTimeMillis() - startMs < SETTLE_TIMEOUT_MS)
        {
            Thread.sleep(100);
            final long seen = tap.eventsSeen();
            if (seen != lastSeen)
            {
                lastSeen = seen;
                lastChangeMs = System.currentTimeMillis();
            }
            else if (0 == openLiquidations() && System.currentTimeMillis() - lastChangeMs >= QUIET_MS)
            {
                return lastChangeMs - startMs;
            }
        }
        summary.problems.add(openLiquidations() + " liquidation(s) still open " + SETTLE_TIMEOUT_MS +
            " ms after the crash");
        return System.currentTimeMillis() - startMs;
    }

    private long openLiquidations()
    {
        return tap.count(LiquidationStartedDecoder.TEMPLATE_ID) - tap.count(LiquidationEndedDecoder.TEMPLATE_ID);
    }

    private void settle(final Participant operator, final Ledger opening)
    {
        long totalEquity = 0;
        final List<Long> everyAccount = new ArrayList<>(accounts);
        everyAccount.add(POOL_ACCOUNT);
        everyAccount.add(POOL_DEPOSITOR_ACCOUNT);
        everyAccount.add(BLP_ACCOUNT);
        int bankrupt = 0;
        for (final long accountId : everyAccount)
        {
            final AccountState account = operator.query((c) -> c.queryAccount(accountId));
            totalEquity += account.equity();
            bankrupt += RiskState.BANKRUPT == account.riskState() ? 1 : 0;
            // settled: no account is left below maintenance margin unless it is bankrupt (an open deficit)
            if (RiskState.LIQUIDATION == account.riskState() ||
                (account.equity() < account.maintenanceMargin() && RiskState.BANKRUPT != account.riskState()))
            {
                summary.problems.add("account " + accountId + " is " + account.riskState() + " with equity " +
                    account.equity() + " against maintenance margin " + account.maintenanceMargin());
            }
        }
        narrator.step(bankrupt + " of " + everyAccount.size() + " accounts bankrupt (open deficits); every other " +
            "account is at or above maintenance margin");
        final AccountState pool = operator.query((c) -> c.queryAccount(POOL_ACCOUNT));
        final AccountState blp = operator.query((c) -> c.queryAccount(BLP_ACCOUNT));
        summary.poolEquity = pool.equity();

        final Ledger closing = operator.query(ExchangeClient::queryLedger);
        summary.tradesCleared = closing.tradesCleared();
        summary.leaderChanges = closing.leadershipTermId() - opening.leadershipTermId();
        summary.ledgerConservationError = closing.conservationError();
        summary.ledgerNetDeposits = closing.netDeposits();
        summary.feeAccount = closing.feeAccount();
        summary.insuranceFund = closing.insuranceFund();
        summary.openDeficits = closing.openDeficits();
        summary.accounts = closing.accountCount();
        summary.ledgerEventSequence = closing.eventSequence();
        summary.stateDigest = closing.stateDigest();
        summary.conservationError =
            totalEquity + closing.feeAccount() + closing.insuranceFund() - summary.expectedNetDeposits;
        summary.auctionBids = bidder.bidsAccepted();
        summary.liquidations = tap.count(LiquidationStartedDecoder.TEMPLATE_ID);
        summary.auctionFills = tap.count(AuctionFillDecoder.TEMPLATE_ID);
        summary.poolTakeovers = tap.count(PoolTakeoverDecoder.TEMPLATE_ID);
        summary.marginCalls = tap.marginCalls();
        narrator.step("cascade: " + summary.liquidations + " accounts liquidated, " +
            tap.count(SliceOfferedDecoder.TEMPLATE_ID) + " slices auctioned, " + bidder.bidsSent() + " bids sent by " +
            parties.blp().name() + " (" + bidder.bidsAccepted() + " accepted), " + summary.auctionFills +
            " auction fills, " + tap.count(TakeoverHeldDecoder.TEMPLATE_ID) + " takeovers held by the price band, " +
            summary.poolTakeovers + " pool takeovers, " + tap.count(OpenDeficitDecoder.TEMPLATE_ID) +
            " open deficits, " + summary.marginCalls + " margin calls");
        narrator.step("pool account " + POOL_ACCOUNT + ": equity " + Narrator.usd(pool.equity()) + "; BLP account " +
            BLP_ACCOUNT + ": equity " + Narrator.usd(blp.equity()));
        narrator.step("ledger: " + closing.tradesCleared() + " trades, insurance fund " +
            Narrator.usd(closing.insuranceFund()) + ", open deficits " + Narrator.usd(closing.openDeficits()) +
            ", fee account " + Narrator.usd(closing.feeAccount()) + ", digest " +
            closing.stateDigest().substring(0, 16) + "...");
        narrator.step("conservation: accounts' equity " + Narrator.usd(totalEquity) + " + fee account " +
            Narrator.usd(closing.feeAccount()) + " + insurance fund " + Narrator.usd(closing.insuranceFund()) +
            " - (deposits - withdrawals) " + Narrator.usd(summary.expectedNetDeposits) + " = " +
            summary.conservationError + " (ledger's own figure " + closing.conservationError() + ")");
    }

    private void openAccount(final Participant operator, final long accountId, final long memberId)
    {
        expect(operator, "opens account " + accountId + " for member " + memberId,
            (c) -> c.openAccount(accountId, memberId));
    }

    private void deposit(final Participant member, final long accountId, final long amount)
    {
        if (expect(member, "deposits " + Narrator.usd(amount) + " into " + accountId,
            (c) -> c.deposit(accountId, amount)).isAccepted())
        {
            summary.expectedNetDeposits += amount;
        }
    }

    private void quietDeposit(final Participant member, final long accountId, final long amount)
    {
        if (quietly(member, (c) -> c.deposit(accountId, amount)).isAccepted())
        {
            summary.expectedNetDeposits += amount;
        }
    }

    private void priceTick(final Participant exchange, final long priceTicks)
    {
        expect(exchange, "price tick from source " + PRICE_SOURCE + ": BTC-PERP " + Narrator.price(priceTicks, 1),
            (c) -> c.submitPriceTick(DemoScenario.BTC_PERP, PRICE_SOURCE, priceTicks));
    }

    /**
     * A command the story tells about: one line with its outcome.
     */
    private Response expect(final Participant party, final String what, final Function<ExchangeClient, Response> call)
    {
        final Response response = party.command(call);
        narrator.step(party.name() + " " + what + " -> " + response.resultCode() +
            (response.isAccepted() || response.reason().isEmpty() ? "" : ": " + response.reason()));
        if (!response.isAccepted())
        {
            refused(party.name() + " " + what, response);
        }
        return response;
    }

    /**
     * One of many set-up commands: a line only when it is refused.
     */
    private Response quietly(final Participant party, final Function<ExchangeClient, Response> call)
    {
        final Response response = party.command(call);
        if (!response.isAccepted())
        {
            refused(party.name(), response);
            narrator.step(party.name() + " -> " + response.resultCode() + ": " + response.reason() +
                "  <-- UNEXPECTED");
        }
        return response;
    }

    private void refused(final String what, final Response response)
    {
        final ResultCode code = response.resultCode();
        summary.rejected++;
        summary.refusals.merge(code.name(), 1L, Long::sum);
        summary.problems.add(what + ": " + code + (response.reason().isEmpty() ? "" : " (" + response.reason() + ")"));
    }
}
