package dev.backstop.ops.demo;

import dev.backstop.gateway.client.AccountState;
import dev.backstop.gateway.client.ExchangeClient;
import dev.backstop.gateway.client.Ledger;
import dev.backstop.gateway.client.Response;
import dev.backstop.ops.cluster.LocalCluster;
import dev.backstop.sbe.exchange.ResultCode;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

/**
 * A short day at the clearinghouse, driven through the gateway the way its users would: the operator lists a
 * perpetual and opens accounts, members fund them, an exchange sends prices and executed trades (both directions,
 * some closing or flipping positions so PnL is realised), the mark moves, a member tries to withdraw too much, the
 * exchange sends a trade twice and re-sends a sequence; then the leader node is killed with SIGKILL and clearing
 * carries on through the gateway while the cluster elects a new leader. At the end every account and the ledger are
 * read back and conservation is checked independently.
 */
final class DemoScenario
{
    /**
     * BTC-PERP: instrument id.
     */
    static final int BTC_PERP = 1;
    /**
     * Initial margin 10%.
     */
    static final int IMR_PPM = 100_000;
    /**
     * Maintenance margin 5%.
     */
    static final int MMR_PPM = 50_000;
    /**
     * Trade fee 0.05%.
     */
    static final int FEE_PPM = 500;
    /**
     * One tick is 0.1 USD.
     */
    static final long TICK_SIZE_MICROS = 100_000;
    /**
     * One lot is 0.001 BTC.
     */
    static final long LOT_SIZE_MICROS = 1_000;
    /**
     * One tick for one lot: 0.1 USD x 0.001 = 0.0001 USD = 100 micro-USD.
     */
    static final long TICK_VALUE = 100;

    static final long OPERATOR_ID = 1;
    static final long EXCHANGE_ID = 100;
    static final long MEMBER_A = 200;
    static final long MEMBER_B = 201;

    static final long ACCOUNT_A1 = 2001;
    static final long ACCOUNT_A2 = 2002;
    static final long ACCOUNT_B1 = 2011;
    static final long ACCOUNT_B2 = 2012;
    static final long[] ACCOUNTS = { ACCOUNT_A1, ACCOUNT_A2, ACCOUNT_B1, ACCOUNT_B2 };

    private static final long FIRST_TRADE_ID = 1001;
    private static final long USD = 1_000_000;
    private static final int PRICE_SCALE = 1;
    private static final int LOT_SCALE = 3;
    private static final Set<ResultCode> ACCEPTED = EnumSet.of(ResultCode.ACCEPTED);
    private static final Set<ResultCode> WITHDRAWAL_REFUSALS =
        EnumSet.of(ResultCode.BELOW_INITIAL_MARGIN, ResultCode.INSUFFICIENT_CASH);

    private final Participants parties;
    private final LocalCluster cluster;
    private final Narrator narrator;
    private final DemoSummary summary;
    private final boolean killLeader;
    private long venueTradeId = FIRST_TRADE_ID - 1;
    private long firstTradeSequence = -1;
    private boolean refusalsAsExpected = true;

    /**
     * The four parties of the demo.
     */
    record Participants(Participant operator, Participant exchange, Participant memberA, Participant memberB)
    {
    }

    DemoScenario(
        final Participants parties,
        final LocalCluster cluster,
        final Narrator narrator,
        final DemoSummary summary,
        final boolean killLeader)
    {
        this.parties = parties;
        this.cluster = cluster;
        this.narrator = narrator;
        this.summary = summary;
        this.killLeader = killLeader;
    }

    /**
     * Run every step; fills in the summary.
     */
    void run()
    {
        final Participant operator = parties.operator();
        final Participant exchange = parties.exchange();
        final Participant memberA = parties.memberA();
        final Participant memberB = parties.memberB();

        final Ledger opening = operator.query(ExchangeClient::queryLedger);
        narrator.step("ledger at the open: leadership term " + opening.leadershipTermId() + ", " +
            opening.tradesCleared() + " trades, " + opening.accountCount() + " accounts");

        expect(operator, "lists BTC-PERP (IMR 10%, MMR 5%, fee 0.05%, tick 0.1 USD, lot 0.001 BTC)", ACCEPTED,
            (c) -> c.listInstrument(BTC_PERP, "BTC-PERP", IMR_PPM, MMR_PPM, FEE_PPM, TICK_SIZE_MICROS,
                LOT_SIZE_MICROS, TICK_VALUE));
        openAccount(operator, ACCOUNT_A1, MEMBER_A);
        openAccount(operator, ACCOUNT_A2, MEMBER_A);
        openAccount(operator, ACCOUNT_B1, MEMBER_B);
        openAccount(operator, ACCOUNT_B2, MEMBER_B);

        deposit(memberA, ACCOUNT_A1, 10_000 * USD);
        deposit(memberA, ACCOUNT_A2, 5_000 * USD);
        deposit(memberB, ACCOUNT_B1, 10_000 * USD);
        deposit(memberB, ACCOUNT_B2, 2_000 * USD);

        priceTick(exchange, 1, 600_000);
        priceTick(exchange, 2, 600_020);

        trade(exchange, ACCOUNT_A1, ACCOUNT_B1, 600_000, 50, "opens: A1 long, B1 short");
        trade(exchange, ACCOUNT_A2, ACCOUNT_B2, 600_100, 20, "opens: A2 long, B2 short");
        trade(exchange, ACCOUNT_B1, ACCOUNT_A1, 601_000, 20, "A1 takes profit on 0.020, B1 covers");
        trade(exchange, ACCOUNT_B2, ACCOUNT_A2, 599_500, 40, "both flip: A2 now short, B2 long");

        priceTick(exchange, 1, 605_000);
        trade(exchange, ACCOUNT_A1, ACCOUNT_B2, 605_000, 10, "A1 adds, B2 cuts to 0.010");

        expect(memberB, "withdraws 1,950 USD from 2012 (its open position needs initial margin)",
            WITHDRAWAL_REFUSALS, (c) -> c.withdraw(ACCOUNT_B2, 1_950 * USD));
        expect(memberA, "withdraws 1,000,000 USD from 2002 (more than it holds)",
            WITHDRAWAL_REFUSALS, (c) -> c.withdraw(ACCOUNT_A2, 1_000_000 * USD));
        withdraw(memberA, ACCOUNT_A1, 1_000 * USD);

        expect(exchange, "sends trade " + FIRST_TRADE_ID + " again under a new sequence",
            EnumSet.of(ResultCode.DUPLICATE_TRADE),
            (c) -> c.submitTrade(FIRST_TRADE_ID, BTC_PERP, ACCOUNT_A1, ACCOUNT_B1, 600_000, 50));
        resend(exchange, firstTradeSequence);

        final Ledger beforeKill = operator.query(ExchangeClient::queryLedger);
        narrator.step("ledger: " + beforeKill.tradesCleared() + " trades cleared, fee account " +
            Narrator.usd(beforeKill.feeAccount()) + ", term " + beforeKill.leadershipTermId());

        long killedAtNs = 0;
        if (killLeader)
        {
            final int leader = cluster.awaitLeader(10_000, -1);
            final long pid = cluster.node(leader).pid();

            // three trades in flight when the leader dies: some may be committed, some not; the gateway re-sends
            // what is unanswered and the idempotency key keeps any of them from being applied twice
            final Trade[] burst = {
                nextTrade(ACCOUNT_B1, ACCOUNT_A2, 604_000, 15, "in flight as the leader dies"),
                nextTrade(ACCOUNT_A2, ACCOUNT_A1, 603_500, 25, "in flight as the leader dies"),
                nextTrade(ACCOUNT_B2, ACCOUNT_B1, 603_800, 5, "in flight as the leader dies")
            };
            final long[] sequences = new long[burst.length];
            final long sentNs = System.nanoTime();
            for (int i = 0; i < burst.length; i++)
            {
                final Trade trade = burst[i];
                sequences[i] = exchange.client().sendTrade(trade.venueTradeId(), BTC_PERP, trade.buyAccountId(),
                    trade.sellAccountId(), trade.priceTicks(), trade.quantityLots());
            }
            narrator.step(exchange.name() + " sends trades " + burst[0].venueTradeId() + "-" +
                burst[burst.length - 1].venueTradeId() + " without waiting for their answers");

            killedAtNs = System.nanoTime();
            cluster.killNode(leader);
            summary.killedLeader = leader;
            narrator.step("KILL -9 node-" + leader + " (pid " + pid + "), the leader; clearing continues " +
                "through the gateway while the other two elect a new leader");

            for (int i = 0; i < burst.length; i++)
            {
                recordTrade(exchange, burst[i], exchange.awaitAnswer(sequences[i]), sentNs);
            }
        }

        final Response afterKill = trade(exchange, ACCOUNT_B1, ACCOUNT_A1, 603_200, 7,
            killLeader ? "first trade sent after the kill" : "");
        if (killLeader && afterKill.isAccepted())
        {
            summary.failoverMs = (System.nanoTime() - killedAtNs) / 1_000_000;
            final int newLeader = cluster.awaitLeader(30_000, summary.killedLeader);
            narrator.step("node-" + newLeader + " is the new leader; a trade sent after the kill was accepted " +
                summary.failoverMs + " ms after the kill");
        }
        trade(exchange, ACCOUNT_A2, ACCOUNT_B2, 603_600, 6, "");
        priceTick(exchange, 2, 603_000);
        trade(exchange, ACCOUNT_B2, ACCOUNT_B1, 603_000, 5, "");
        trade(exchange, ACCOUNT_B1, ACCOUNT_A1, 602_000, 30, "A1 sells down");
        deposit(memberB, ACCOUNT_B2, 500 * USD);
        trade(exchange, ACCOUNT_A1, ACCOUNT_B2, 602_500, 10, "");
        priceTick(exchange, 1, 606_000);
        trade(exchange, ACCOUNT_A2, ACCOUNT_B1, 606_000, 12, "");
        trade(exchange, ACCOUNT_B2, ACCOUNT_A1, 606_500, 8, "");

        settle(operator, opening);
    }

    private void settle(final Participant operator, final Ledger opening)
    {
        long totalEquity = 0;
        for (final long accountId : ACCOUNTS)
        {
            final AccountState account = operator.query((c) -> c.queryAccount(accountId));
            totalEquity += account.equity();
            final AccountState.Position position = account.position(BTC_PERP);
            narrator.step("account " + accountId + " (member " + account.memberId() + "): cash " +
                Narrator.usd(account.cash()) + ", equity " + Narrator.usd(account.equity()) + ", IM " +
                Narrator.usd(account.initialMargin()) + ", position " +
                (null == position ? "flat" : Narrator.quantity(position.quantityLots(), LOT_SCALE) +
                " BTC, unrealised " + Narrator.usd(position.unrealisedPnl())));
        }

        final Ledger closing = operator.query(ExchangeClient::queryLedger);
        summary.tradesCleared = closing.tradesCleared();
        summary.leaderChanges = closing.leadershipTermId() - opening.leadershipTermId();
        summary.ledgerConservationError = closing.conservationError();
        summary.ledgerNetDeposits = closing.netDeposits();
        summary.feeAccount = closing.feeAccount();
        summary.accounts = closing.accountCount();
        summary.ledgerEventSequence = closing.eventSequence();
        summary.stateDigest = closing.stateDigest();
        summary.conservationError = totalEquity + closing.feeAccount() - summary.expectedNetDeposits;
        summary.expectedRefusalsSeen = refusalsAsExpected;

        narrator.step("ledger: " + closing.tradesCleared() + " trades, net deposits " +
            Narrator.usd(closing.netDeposits()) + ", cash " + Narrator.usd(closing.totalCash()) + ", unrealised " +
            Narrator.usd(closing.totalUnrealisedPnl()) + ", fee account " + Narrator.usd(closing.feeAccount()) +
            ", term " + closing.leadershipTermId() + ", digest " + closing.stateDigest().substring(0, 16) + "...");
        narrator.step("conservation: accounts' equity " + Narrator.usd(totalEquity) + " + fee account " +
            Narrator.usd(closing.feeAccount()) + " - (deposits - withdrawals) " +
            Narrator.usd(summary.expectedNetDeposits) + " = " + summary.conservationError +
            " (ledger's own figure " + closing.conservationError() + ")");
    }

    private void openAccount(final Participant operator, final long accountId, final long memberId)
    {
        expect(operator, "opens account " + accountId + " for member " + memberId, ACCEPTED,
            (c) -> c.openAccount(accountId, memberId));
    }

    private void deposit(final Participant member, final long accountId, final long amount)
    {
        final Response response = expect(member, "deposits " + Narrator.usd(amount) + " into " + accountId,
            ACCEPTED, (c) -> c.deposit(accountId, amount));
        if (response.isAccepted())
        {
            summary.expectedNetDeposits += amount;
        }
    }

    private void withdraw(final Participant member, final long accountId, final long amount)
    {
        final Response response = expect(member, "withdraws " + Narrator.usd(amount) + " from " + accountId,
            ACCEPTED, (c) -> c.withdraw(accountId, amount));
        if (response.isAccepted())
        {
            summary.expectedNetDeposits -= amount;
        }
    }

    private void priceTick(final Participant exchange, final int sourceId, final long priceTicks)
    {
        expect(exchange, "price tick from source " + sourceId + ": BTC-PERP " +
            Narrator.price(priceTicks, PRICE_SCALE), ACCEPTED, (c) -> c.submitPriceTick(BTC_PERP, sourceId, priceTicks));
    }

    /**
     * An executed trade as the exchange reports it.
     */
    private record Trade(
        long venueTradeId, long buyAccountId, long sellAccountId, long priceTicks, long quantityLots, String note)
    {
        String describe()
        {
            return "trade " + venueTradeId + ": " + buyAccountId + " buys " +
                Narrator.quantity(quantityLots, LOT_SCALE) + " BTC from " + sellAccountId + " at " +
                Narrator.price(priceTicks, PRICE_SCALE) + (note.isEmpty() ? "" : " (" + note + ")");
        }
    }

    private Trade nextTrade(
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots,
        final String note)
    {
        return new Trade(++venueTradeId, buyAccountId, sellAccountId, priceTicks, quantityLots, note);
    }

    private Response trade(
        final Participant exchange,
        final long buyAccountId,
        final long sellAccountId,
        final long priceTicks,
        final long quantityLots,
        final String note)
    {
        final Trade trade = nextTrade(buyAccountId, sellAccountId, priceTicks, quantityLots, note);
        final long startNs = System.nanoTime();
        final Response response = exchange.command((c) -> c.submitTrade(trade.venueTradeId(), BTC_PERP,
            trade.buyAccountId(), trade.sellAccountId(), trade.priceTicks(), trade.quantityLots()));
        return recordTrade(exchange, trade, response, startNs);
    }

    private Response recordTrade(
        final Participant exchange, final Trade trade, final Response response, final long startNs)
    {
        report(exchange, trade.describe(), ACCEPTED, response, startNs);
        if (response.isAccepted())
        {
            // a replayed answer here means the trade was committed before the leader died and the gateway's re-send
            // got the original result: cleared once, and counted once; the ledger check below proves it
            summary.tradesAccepted++;
            if (response.replayed())
            {
                summary.committedBeforeFailover++;
            }
            if (firstTradeSequence < 0)
            {
                firstTradeSequence = response.sequence();
            }
        }
        return response;
    }

    private void resend(final Participant exchange, final long sequence)
    {
        final long startNs = System.nanoTime();
        final Response response = exchange.resend(sequence);
        final boolean asExpected = response.isAccepted() && response.replayed();
        if (response.replayed())
        {
            summary.replayed++;
        }
        if (!asExpected)
        {
            refusalsAsExpected = false;
            summary.problems.add("re-sent sequence " + sequence + " answered " + response.resultCode() +
                (response.replayed() ? " (replayed)" : " (not marked replayed)"));
        }
        narrator.step(exchange.name() + " re-sends sequence " + sequence + " (trade already cleared) -> " +
            response.resultCode() + (response.replayed() ? ", replayed: the original result, nothing applied twice" :
            "") + millis(startNs) + (asExpected ? "" : "  <-- UNEXPECTED"));
    }

    private Response expect(
        final Participant party,
        final String what,
        final Set<ResultCode> expected,
        final Function<ExchangeClient, Response> call)
    {
        final long startNs = System.nanoTime();
        return report(party, what, expected, party.command(call), startNs);
    }

    private Response report(
        final Participant party,
        final String what,
        final Set<ResultCode> expected,
        final Response response,
        final long startNs)
    {
        final ResultCode code = response.resultCode();
        final boolean asExpected = expected.contains(code);

        if (!response.isAccepted())
        {
            summary.refusals.merge(code.name(), 1L, Long::sum);
            if (ResultCode.DUPLICATE_TRADE == code)
            {
                summary.duplicates++;
            }
            else
            {
                summary.rejected++;
            }
        }
        if (!asExpected)
        {
            if (!expected.contains(ResultCode.ACCEPTED))
            {
                refusalsAsExpected = false;
            }
            summary.problems.add(party.name() + " " + what + ": expected " + expected + ", got " + code +
                (response.reason().isEmpty() ? "" : " (" + response.reason() + ")"));
        }

        narrator.step(party.name() + " " + what + " -> " + code +
            (response.isAccepted() || response.reason().isEmpty() ? "" : ": " + response.reason()) +
            (response.replayed() ? " (replayed: applied once already, this is the original answer)" : "") +
            millis(startNs) +
            (asExpected ? "" : "  <-- UNEXPECTED"));
        return response;
    }

    private static String millis(final long startNs)
    {
        final long ms = (System.nanoTime() - startNs) / 1_000_000;
        return ms >= 100 ? " [" + ms + " ms]" : "";
    }
}
