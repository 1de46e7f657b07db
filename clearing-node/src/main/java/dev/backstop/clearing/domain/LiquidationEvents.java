package dev.backstop.clearing.domain;

/**
 * What the liquidation engine reports: every trigger, slice, auction step, bid, fill, pool takeover, fee, pool
 * movement and open deficit (DESIGN.md section 5 items 4-5), each with the clearing house's gap-free event sequence.
 * Where an account's risk changes, the event carries its equity and maintenance margin (before and after where both
 * matter) and a {@link LiquidationCause}, so a risk desk can follow a default live without querying the cluster.
 * <p>
 * Money in micro-units, prices in ticks, lots signed as the defaulter's position (+ long, − short) unless stated.
 * Empty default bodies (as for the risk events of {@link ClearingEvents}) so an implementation compiles before it
 * encodes them; an adapter that publishes the stream must override every one.
 */
public interface LiquidationEvents
{
    default void onLiquidationStarted(
        long eventSequence, long accountId, long equity, long maintenanceMargin, LiquidationCause cause)
    {
    }

    /**
     * A slice of a position is put up for a Dutch auction, from the mark towards the bankruptcy price.
     */
    default void onSliceOffered(
        long eventSequence,
        long auctionId,
        long accountId,
        int instrumentId,
        long lots,
        long markTicks,
        long bankruptcyTicks,
        long equity,
        long maintenanceMargin)
    {
    }

    /**
     * The auction's price for the step now open (step 0 is the mark, the last step the bankruptcy price).
     */
    default void onAuctionStep(long eventSequence, long auctionId, int step, long priceTicks)
    {
    }

    /**
     * A BLP's bid as received: {@link Outcome#ACCEPTED} or the reason it was refused or later dropped.
     */
    default void onAuctionBid(
        long eventSequence, long auctionId, long blpAccountId, long priceTicks, long lots, Outcome outcome)
    {
    }

    /**
     * Part of a slice sold to a BLP at its bid; {@code lots} unsigned (the BLP takes the defaulter's side).
     */
    default void onAuctionFill(
        long eventSequence,
        long auctionId,
        long accountId,
        long blpAccountId,
        int instrumentId,
        long priceTicks,
        long lots,
        long fee,
        long equityBefore,
        long maintenanceMarginBefore,
        long equityAfter,
        long maintenanceMarginAfter)
    {
    }

    /**
     * The auction is over: sold out, exhausted (remainder to the pools) or cancelled.
     */
    default void onAuctionEnded(
        long eventSequence, long auctionId, long accountId, long filledLots, long unfilledLots, LiquidationCause cause)
    {
    }

    /**
     * A pool took a slice or a whole position at the mark; the defaulter paid {@code poolPayment +
     * insurancePayment} (its equity share, zero when bankrupt).
     */
    default void onPoolTakeover(
        long eventSequence,
        long accountId,
        long poolAccountId,
        int instrumentId,
        long lots,
        long markTicks,
        long bankruptcyTicks,
        long poolPayment,
        long insurancePayment,
        long equityBefore,
        long maintenanceMarginBefore,
        long equityAfter,
        long maintenanceMarginAfter)
    {
    }

    /**
     * A takeover could not happen now and waits for a later round (published when the hold starts or its cause
     * changes, not every round).
     */
    default void onTakeoverHeld(
        long eventSequence, long accountId, int instrumentId, long lots, long markTicks, long twapTicks,
        LiquidationCause cause)
    {
    }

    default void onLiquidationFee(long eventSequence, long accountId, long amount, long insuranceFundAfter)
    {
    }

    default void onLiquidationEnded(
        long eventSequence, long accountId, long equity, long maintenanceMargin, LiquidationCause cause)
    {
    }

    /**
     * A bankrupt account's negative equity, left as its negative cash for the loss waterfall (issue 4).
     */
    default void onOpenDeficit(long eventSequence, long accountId, long deficit)
    {
    }

    default void onBlpRegistered(long eventSequence, long blpAccountId, long capacityNotional)
    {
    }

    default void onPoolCreated(long eventSequence, long poolAccountId, long ownerMemberId)
    {
    }

    /**
     * @param navPerSharePpm pool equity per share in micro-units, scaled by 1e6 (1_000_000 at inception).
     */
    default void onPoolDeposit(
        long eventSequence,
        long poolAccountId,
        long depositorAccountId,
        long amount,
        long sharesMinted,
        long totalShares,
        long navPerSharePpm)
    {
    }

    default void onPoolRedemptionRequested(
        long eventSequence, long poolAccountId, long depositorAccountId, long shares, long dueMs)
    {
    }

    /**
     * A redemption paid at the pool's NAV when due (losses during the notice applied).
     */
    default void onPoolRedemption(
        long eventSequence,
        long poolAccountId,
        long depositorAccountId,
        long amount,
        long sharesBurned,
        long totalShares,
        long navPerSharePpm)
    {
    }

    // ---- auto-deleveraging (issue 4, part A) ----

    /**
     * One counterparty's opposite position closed against a failed one that no pool could take. {@code lots} is
     * signed as the defaulter's position (+ a long closed by selling to the counterparty); positions changed hands
     * at {@code markTicks}; {@code priceTicks} is the ADL price, the bankruptcy price when the defaulter's equity was
     * not negative (settled in money: the defaulter paid {@code defaulterPayment}, the counterparty received
     * {@code counterpartyReceipt}, the rounding remainder went to the fee account) and the mark when it was (no
     * cash). The counterparty's score, PnL% and effective leverage are those it was ranked by, in ppm; {@code rank}
     * is its place in the ranking (1 first); {@code lastResort} is true when it was in liquidation itself or had no
     * positive equity (ranked after every account in good standing, by account id). {@code remainingLots} is what
     * was left of the failed lots after this fill.
     */
    default void onAutoDeleveraged(
        long eventSequence,
        long runId,
        long accountId,
        long counterpartyAccountId,
        int instrumentId,
        long lots,
        long priceTicks,
        long markTicks,
        long bankruptcyTicks,
        long defaulterPayment,
        long counterpartyReceipt,
        long feeAccountRemainder,
        long scorePpm,
        long pnlPpm,
        long leveragePpm,
        int rank,
        boolean lastResort,
        long counterpartyPositionBefore,
        long counterpartyPositionAfter,
        long remainingLots)
    {
    }

    /**
     * The end of one ADL run: the failed lots (signed as the defaulter's position), how many were closed and how many
     * remain (0 unless the counterparties ran out: {@link LiquidationCause#NO_DELEVERAGING_COUNTERPARTY}), against
     * how many counterparties out of how many ranked candidates, the total the defaulter paid, and its equity and
     * maintenance margin before and after.
     */
    default void onAutoDeleveragingEnded(
        long eventSequence,
        long runId,
        long accountId,
        int instrumentId,
        long lots,
        long closedLots,
        long remainingLots,
        int counterparties,
        int candidates,
        long priceTicks,
        long markTicks,
        long bankruptcyTicks,
        long defaulterPayment,
        long equityBefore,
        long maintenanceMarginBefore,
        long equityAfter,
        long maintenanceMarginAfter,
        LiquidationCause cause)
    {
    }

    /**
     * The operator switched ADL for all instruments ({@code instrumentId} 0) or for one.
     */
    default void onAutoDeleveragingModeChanged(long eventSequence, int instrumentId, AutoDeleveragingMode mode)
    {
    }
}
