package dev.backstop.ops.demo;

import dev.backstop.gateway.client.AccountState;
import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.Ledger;
import dev.backstop.gateway.client.Response;
import dev.backstop.sbe.events.AutoDeleveragedDecoder;
import dev.backstop.sbe.events.LiquidationEndedDecoder;
import dev.backstop.sbe.events.LiquidationStartedDecoder;
import dev.backstop.sbe.events.OpenDeficitDecoder;
import dev.backstop.sbe.events.TakeoverHeldDecoder;
import dev.backstop.sbe.events.WaterfallClosedDecoder;
import dev.backstop.sbe.events.WaterfallStartedDecoder;
import dev.backstop.sbe.exchange.ResultCode;
import dev.backstop.sbe.exchange.RiskState;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A member default at the clearinghouse, driven through the gateway: the operator lists BTC-PERP, sets two Cover-2
 * stress scenarios (BTC −30% and +30%) and the default fund's parameters, and puts the CCP's own capital in; four
 * members fund the default fund: two that then open very leveraged longs (7x to 9x) across three accounts each, with
 * a small spare account each, and two well-funded members that take the short side. There is no backstop pool and no
 * BLP. The exchange's price source drops BTC 30% in three ticks: every long account falls through its bankruptcy
 * price; with no pool to take the positions, auto-deleveraging closes them against the shorts at the mark, and each
 * account's deficit runs down the loss waterfall: the defaulter's spare account, its own contribution, the insurance
 * fund, the CCP's capital, then the other members' contributions pro rata.
 * <p>
 * When every liquidation has ended, every waterfall has closed and the stream has been quiet for a while, every
 * account and the ledger are read back: money must be conserved to the micro-unit with the default fund and the
 * CCP's capital counted, and the waterfall must have reached the non-defaulters' contributions.
 */
final class MemberDefaultScenario
{
    /**
     * The two well-funded members on the short side, enrolled at the gateway for this run only.
     */
    static final long MEMBER_C = 202;
    static final long MEMBER_D = 203;
    /**
     * Their public demo credentials: never use them outside a local demo.
     */
    static final String MEMBER_C_DEMO_SECRET = "demo-member-202-secret";
    static final String MEMBER_D_DEMO_SECRET = "demo-member-203-secret";

    static final long START_PRICE_TICKS = 600_000; // 60,000.0 USD
    static final int CRASH_STEPS = 3;
    static final int CRASH_STEP_PERCENT = 10;
    static final long CRASH_STEP_PAUSE_MS = 300;
    static final long POSITION_LOTS = 4_000; // 4 BTC, 240,000 USD at the start
    static final int[] LONG_LEVERAGE = { 9, 8, 7 };
    static final int SHORT_LEVERAGE = 3;
    static final int PRICE_SOURCE = 1;
    static final int STRESS_DOWN = 1;
    static final int STRESS_UP = 2;
    static final int STRESS_SHOCK_PPM = 300_000;

    /**
     * The takeover band's averaging window (as in the crash run): ADL waits out the crash, then closes at the mark.
     */
    static final long TWAP_WINDOW_MS = 3_000;

    private static final long USD = 1_000_000;
    private static final long SPARE_DEPOSIT = 20_000 * USD;
    private static final long DEFAULTER_CONTRIBUTION = 10_000 * USD;
    private static final long SHORT_CONTRIBUTION = 150_000 * USD;
    private static final long CCP_CAPITAL = 25_000 * USD;
    private static final long MINIMUM_CONTRIBUTION = 10_000 * USD;
    private static final long QUIET_MS = 1_000;
    private static final long EXPOSURE_WAIT_MS = 1_500;
    private static final long SETTLE_TIMEOUT_MS = 60_000;

    private final Participants parties;
    private final EventTap tap;
    private final Narrator narrator;
    private final DemoSummary summary;
    private final List<Long> accounts = new ArrayList<>();
    private long venueTradeId = 7_000;

    /**
     * The parties of the default: members A and B default, C and D hold the shorts.
     */
    record Participants(
        Participant operator,
        Participant exchange,
        Participant memberA,
        Participant memberB,
        Participant memberC,
        Participant memberD)
    {
    }

    MemberDefaultScenario(
        final Participants parties, final EventTap tap, final Narrator narrator, final DemoSummary summary)
    {
        this.parties = parties;
        this.tap = tap;
        this.narrator = narrator;
        this.summary = summary;
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
        expect(operator, "sets the liquidation parameters: the defaults, but the takeover band around a " +
            TWAP_WINDOW_MS / 1000 + " s average of the mark instead of 5 min",
            (c) -> c.setLiquidationParameters(100, 1_000 * USD, 100_000, 1_020_000, 5_000, 5, 20, 200_000, 50_000,
                TWAP_WINDOW_MS, 24L * 3600 * 1000, 666_667, 666_667));
        expect(operator, "sets the default fund's parameters: minimum contribution " +
            Narrator.usd(MINIMUM_CONTRIBUTION) + ", the rest the defaults but a waterfall retried after 1 s",
            (c) -> c.setDefaultFundParameters(MINIMUM_CONTRIBUTION, 60_000, 100_000, 1_000, 3_600_000, 2_000_000,
                28L * 24 * 3600 * 1000, 1_000));
        expect(operator, "sets Cover-2 stress scenario " + STRESS_DOWN + ": BTC -30%",
            (c) -> c.setStressScenario(STRESS_DOWN, new int[]{ DemoScenario.BTC_PERP },
                new int[]{ -STRESS_SHOCK_PPM }));
        expect(operator, "sets Cover-2 stress scenario " + STRESS_UP + ": BTC +30%",
            (c) -> c.setStressScenario(STRESS_UP, new int[]{ DemoScenario.BTC_PERP },
                new int[]{ STRESS_SHOCK_PPM }));
        if (expect(operator, "injects " + Narrator.usd(CCP_CAPITAL) + " of the CCP's own capital (skin in the game)",
            (c) -> c.injectCcpCapital(CCP_CAPITAL)).isAccepted())
        {
            summary.expectedNetDeposits += CCP_CAPITAL;
        }
        priceTick(exchange, START_PRICE_TICKS);

        openMember(parties.memberA(), DemoScenario.MEMBER_A, 21_000, true);
        openMember(parties.memberB(), DemoScenario.MEMBER_B, 21_100, true);
        openMember(parties.memberC(), MEMBER_C, 21_200, false);
        openMember(parties.memberD(), MEMBER_D, 21_300, false);
        trade(exchange, 21_001, 21_201, LONG_LEVERAGE.length);
        trade(exchange, 21_101, 21_301, LONG_LEVERAGE.length);

        // a trade marks its members; the default fund is recomputed a second later (the exposure check)
        Thread.sleep(EXPOSURE_WAIT_MS);
        final Ledger beforeCrash = operator.query(ExchangeClient::queryLedger);
        summary.coverageRatioPpmBeforeCrash = beforeCrash.coverageRatioPpm();
        narrator.step("before the crash: Cover-2 requirement " + Narrator.usd(beforeCrash.defaultFundRequirement()) +
            ", prefunded " + Narrator.usd(beforeCrash.defaultFundContributions() + beforeCrash.ccpCapital() +
            beforeCrash.insuranceFund()) + " (contributions " + Narrator.usd(beforeCrash.defaultFundContributions()) +
            ", CCP capital " + Narrator.usd(beforeCrash.ccpCapital()) + ", insurance fund " +
            Narrator.usd(beforeCrash.insuranceFund()) + "), coverage ratio " +
            DemoSummary.ratio(beforeCrash.coverageRatioPpm()) + "; " + Narrator.usd(summary.expectedNetDeposits) +
            " paid in");

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
        narrator.step("the default settled " + settledMs + " ms after the last tick: every liquidation has ended " +
            "and every waterfall has closed");

        settle(operator, opening);
    }

    /**
     * Opens a member's accounts and funds them: a defaulter gets three long accounts at 9x, 8x and 7x and a spare
     * account that pays its contribution and keeps the rest (rung 1 of its waterfall); a short holder gets three
     * short accounts at 3x and a treasury account that pays its whole contribution.
     */
    private void openMember(final Participant member, final long memberId, final long base, final boolean longs)
    {
        final long notional = POSITION_LOTS * START_PRICE_TICKS * DemoScenario.TICK_VALUE;
        final long fee = notional * DemoScenario.FEE_PPM / 1_000_000 + 1;
        long deposited = 0;
        for (int i = 0; i < LONG_LEVERAGE.length; i++)
        {
            final long accountId = base + 1 + i;
            final long amount = notional / (longs ? LONG_LEVERAGE[i] : SHORT_LEVERAGE) + fee;
            quietly(parties.operator(), (c) -> c.openAccount(accountId, memberId));
            deposited += quietDeposit(member, accountId, amount);
            accounts.add(accountId);
        }
        final long spareAccount = base + 9;
        final long spare = longs ? SPARE_DEPOSIT : SHORT_CONTRIBUTION;
        final long contribution = longs ? DEFAULTER_CONTRIBUTION : SHORT_CONTRIBUTION;
        quietly(parties.operator(), (c) -> c.openAccount(spareAccount, memberId));
        deposited += quietDeposit(member, spareAccount, spare);
        accounts.add(spareAccount);
        narrator.step("member " + memberId + ": accounts " + (base + 1) + "-" + (base + LONG_LEVERAGE.length) +
            (longs ? " for 4 BTC long each at 9x, 8x, 7x" : " for 4 BTC short each at " + SHORT_LEVERAGE + "x") +
            ", " + (longs ? "spare" : "treasury") + " account " + spareAccount + "; " + Narrator.usd(deposited) +
            " deposited");
        expect(member, "contributes " + Narrator.usd(contribution) + " from " + spareAccount + " to the default fund",
            (c) -> c.contributeDefaultFund(spareAccount, contribution));
    }

    private void trade(final Participant exchange, final long firstLong, final long firstShort, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long longAccount = firstLong + i;
            final long shortAccount = firstShort + i;
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
        narrator.step(parties.exchange().name() + " cleared " + count + " trades of 4 BTC at " +
            Narrator.price(START_PRICE_TICKS, 1) + ": accounts " + firstLong + "-" + (firstLong + count - 1) +
            " long against " + firstShort + "-" + (firstShort + count - 1) + " short");
    }

    /**
     * Waits until every liquidation started has ended, every waterfall started has closed, and the stream has been
     * quiet for a while (a takeover held by the price band publishes nothing while it waits).
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
            else if (tap.count(LiquidationStartedDecoder.TEMPLATE_ID) > 0 && 0 == openLiquidations() &&
                0 == openWaterfalls() && System.currentTimeMillis() - lastChangeMs >= QUIET_MS)
            {
                return lastChangeMs - startMs;
            }
        }
        summary.problems.add(openLiquidations() + " liquidation(s) and " + openWaterfalls() +
            " waterfall(s) still open " + SETTLE_TIMEOUT_MS + " ms after the crash");
        return System.currentTimeMillis() - startMs;
    }

    private long openLiquidations()
    {
        return tap.count(LiquidationStartedDecoder.TEMPLATE_ID) - tap.count(LiquidationEndedDecoder.TEMPLATE_ID);
    }

    private long openWaterfalls()
    {
        return tap.count(WaterfallStartedDecoder.TEMPLATE_ID) - tap.count(WaterfallClosedDecoder.TEMPLATE_ID);
    }

    private void settle(final Participant operator, final Ledger opening)
    {
        long totalEquity = 0;
        int bankrupt = 0;
        for (final long accountId : accounts)
        {
            final AccountState account = operator.query((c) -> c.queryAccount(accountId));
            totalEquity += account.equity();
            bankrupt += RiskState.BANKRUPT == account.riskState() ? 1 : 0;
            if (RiskState.LIQUIDATION == account.riskState() ||
                (account.equity() < account.maintenanceMargin() && RiskState.BANKRUPT != account.riskState()))
            {
                summary.problems.add("account " + accountId + " is " + account.riskState() + " with equity " +
                    account.equity() + " against maintenance margin " + account.maintenanceMargin());
            }
        }
        summary.bankruptMembers = tap.bankruptMembers();
        narrator.step("members " + tap.bankruptMemberIds() + " went bankrupt: " +
            tap.count(WaterfallStartedDecoder.TEMPLATE_ID) + " accounts' deficits ran down the waterfall; " +
            bankrupt + " of " + accounts.size() + " accounts still bankrupt");

        final Ledger closing = operator.query(ExchangeClient::queryLedger);
        summary.tradesCleared = closing.tradesCleared();
        summary.leaderChanges = closing.leadershipTermId() - opening.leadershipTermId();
        summary.ledgerConservationError = closing.conservationError();
        summary.ledgerNetDeposits = closing.netDeposits();
        summary.feeAccount = closing.feeAccount();
        summary.insuranceFund = closing.insuranceFund();
        summary.openDeficits = closing.openDeficits();
        summary.openWaterfalls = closing.openWaterfalls();
        summary.adlContracts = closing.adlContracts();
        summary.defaultFundContributions = closing.defaultFundContributions();
        summary.ccpCapital = closing.ccpCapital();
        summary.defaultFundRequirement = closing.defaultFundRequirement();
        summary.coverageRatioPpm = closing.coverageRatioPpm();
        for (int rung = 1; rung <= DemoSummary.WATERFALL_RUNGS; rung++)
        {
            summary.waterfall[rung - 1] = closing.waterfallRung(rung);
        }
        summary.accounts = closing.accountCount();
        summary.ledgerEventSequence = closing.eventSequence();
        summary.stateDigest = closing.stateDigest();
        summary.conservationError = totalEquity + closing.feeAccount() + closing.insuranceFund() +
            closing.defaultFundContributions() + closing.ccpCapital() - summary.expectedNetDeposits;
        summary.liquidations = tap.count(LiquidationStartedDecoder.TEMPLATE_ID);
        summary.adlFills = tap.count(AutoDeleveragedDecoder.TEMPLATE_ID);
        summary.marginCalls = tap.marginCalls();

        narrator.step("default: " + summary.liquidations + " accounts liquidated, " +
            tap.count(TakeoverHeldDecoder.TEMPLATE_ID) + " takeovers held by the price band, " + summary.adlFills +
            " ADL fills closing " + closing.adlContracts() + " lots against the shorts, " +
            tap.count(OpenDeficitDecoder.TEMPLATE_ID) + " open deficits, " + summary.marginCalls + " margin calls");
        narrator.step("waterfall absorbed: defaulters' collateral " + Narrator.usd(closing.waterfallRung(1)) +
            ", defaulters' contributions " + Narrator.usd(closing.waterfallRung(2)) + ", insurance fund " +
            Narrator.usd(closing.waterfallRung(3)) + ", CCP capital " + Narrator.usd(closing.waterfallRung(4)) +
            ", other members' contributions " + Narrator.usd(closing.waterfallRung(5)) + ", assessments " +
            Narrator.usd(closing.waterfallRung(6)) + ", VM gains haircut " + Narrator.usd(closing.waterfallRung(7)));
        narrator.step("ledger: " + closing.tradesCleared() + " trades, default fund " +
            Narrator.usd(closing.defaultFundContributions()) + ", CCP capital " + Narrator.usd(closing.ccpCapital()) +
            ", insurance fund " + Narrator.usd(closing.insuranceFund()) + ", requirement " +
            Narrator.usd(closing.defaultFundRequirement()) + ", coverage ratio " +
            DemoSummary.ratio(closing.coverageRatioPpm()) + ", open waterfalls " + closing.openWaterfalls() +
            ", open deficits " + Narrator.usd(closing.openDeficits()) + ", digest " +
            closing.stateDigest().substring(0, 16) + "...");
        narrator.step("conservation: accounts' equity " + Narrator.usd(totalEquity) + " + fee account " +
            Narrator.usd(closing.feeAccount()) + " + insurance fund " + Narrator.usd(closing.insuranceFund()) +
            " + default fund " + Narrator.usd(closing.defaultFundContributions()) + " + CCP capital " +
            Narrator.usd(closing.ccpCapital()) + " - (deposits + CCP capital - withdrawals) " +
            Narrator.usd(summary.expectedNetDeposits) + " = " + summary.conservationError +
            " (ledger's own figure " + closing.conservationError() + ")");
    }

    private long quietDeposit(final Participant member, final long accountId, final long amount)
    {
        if (quietly(member, (c) -> c.deposit(accountId, amount)).isAccepted())
        {
            summary.expectedNetDeposits += amount;
            return amount;
        }
        return 0;
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
