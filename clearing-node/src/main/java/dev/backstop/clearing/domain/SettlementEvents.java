package dev.backstop.clearing.domain;

/**
 * What settlement cycles and circuit breakers report (DESIGN.md 5 items 9 and 10). The service adapter encodes each
 * call as an event on the stream; every event carries the clearing house's gap-free sequence. Empty default bodies,
 * like the risk events of {@link ClearingEvents}; an adapter that publishes the stream must override every one.
 * <p>
 * Money is in micro-units, signed as the account's cash moves (positive: received). A cycle summary's totals
 * balance: {@code received + feeRemainder − paid = net = 0}.
 */
public interface SettlementEvents
{
    /**
     * One account's settlement in one cycle of one instrument; published only when an amount is not zero.
     *
     * @param cycleId              the cycle, one id per instrument and run.
     * @param kind                 variation margin or funding.
     * @param positionLots         the account's position in the instrument.
     * @param settlementPriceTicks the mark the cycle settled at.
     * @param variationMargin      unrealised PnL at the mark turned into cash (VM cycles).
     * @param funding              funding received (positive) or paid (negative) (funding cycles).
     * @param fees                 trade fees the account paid on the position since its last VM cycle (VM cycles;
     *                             informational, already in its cash).
     * @param cashBefore           cash before the cycle.
     * @param cashAfter            cash after it.
     */
    default void onAccountSettled(
        long eventSequence,
        long cycleId,
        SettlementKind kind,
        int instrumentId,
        long accountId,
        long positionLots,
        long settlementPriceTicks,
        long variationMargin,
        long funding,
        long fees,
        long cashBefore,
        long cashAfter)
    {
    }

    /**
     * The totals of one cycle of one instrument.
     *
     * @param cycleId              the cycle.
     * @param kind                 variation margin or funding.
     * @param settlementPriceTicks the mark the cycle settled at (the new settlement price for VM).
     * @param indexPriceTicks      the index then, 0 when none.
     * @param premiumPpm           funding: the time-weighted premium P over the period; 0 for VM.
     * @param fundingRatePpm       funding: F, positive when longs pay; 0 for VM.
     * @param periodStartMs        start of the period the cycle covers (previous cycle of that kind).
     * @param paid                 what payers paid: VM losses turned into cash now plus the losses realised by
     *                             closing fills since the last VM cycle; funding paid (rounded up each).
     * @param received             what receivers got: VM gains plus realised gains; funding received (rounded
     *                             down each).
     * @param feeRemainder         rounding remainder credited to the CCP's fee account.
     * @param net                  {@code received + feeRemainder − paid}: 0.
     * @param accountsSettled      accounts with an {@link #onAccountSettled} event in the cycle.
     * @param accountsDeferred     accounts left for a later cycle because an amount would overflow (never in
     *                             practice; the totals then leave them out).
     * @param feesCollected        VM: trade fees of the instrument since the last VM cycle (both sides).
     * @param realisedPaid         VM: the realised losses included in {@code paid}.
     * @param realisedReceived     VM: the realised gains included in {@code received}.
     */
    default void onSettlementSummary(
        long eventSequence,
        long cycleId,
        SettlementKind kind,
        int instrumentId,
        long settlementPriceTicks,
        long indexPriceTicks,
        int premiumPpm,
        int fundingRatePpm,
        long periodStartMs,
        long paid,
        long received,
        long feeRemainder,
        long net,
        long accountsSettled,
        long accountsDeferred,
        long feesCollected,
        long realisedPaid,
        long realisedReceived)
    {
    }

    /**
     * A mark outside {@code [low − band, high + band]} halted new risk on the instrument.
     *
     * @param markPriceTicks       the mark that tripped (it is the mark now).
     * @param previousMarkTicks    the mark before it.
     * @param highTicks            the rolling high (window and the mark before).
     * @param lowTicks             the rolling low.
     * @param bandTicks            the band: last settlement price × band%, rounded down.
     * @param settlementPriceTicks the last settlement price.
     * @param haltedUntilMs        cluster time the halt ends unless an operator resumes earlier.
     */
    default void onBreakerTripped(
        long eventSequence,
        int instrumentId,
        long markPriceTicks,
        long previousMarkTicks,
        long highTicks,
        long lowTicks,
        long bandTicks,
        long settlementPriceTicks,
        long haltedUntilMs)
    {
    }

    /**
     * A halt ended: at its deadline, or early by an operator.
     *
     * @param markPriceTicks the mark now.
     * @param byOperator     true when an operator resumed it early.
     * @param haltedSinceMs  when it tripped.
     * @param haltedUntilMs  when it was due to end.
     */
    default void onBreakerResumed(
        long eventSequence,
        int instrumentId,
        long markPriceTicks,
        boolean byOperator,
        long haltedSinceMs,
        long haltedUntilMs)
    {
    }
}
