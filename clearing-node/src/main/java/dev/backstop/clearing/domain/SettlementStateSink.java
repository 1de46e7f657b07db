package dev.backstop.clearing.domain;

/**
 * Receives the settlement and circuit breaker state in canonical order, inside the clearing house's own records
 * (see {@link ClearingStateSink}): {@link #settlementLedger} after the risk ledger; per instrument, after its oracle,
 * {@link #instrumentSettlement}, {@link #instrumentFunding}, {@link #instrumentBreaker} and its non-empty
 * {@link #breakerBucket}s by slot; per account, after its risk record, {@link #positionFees} for each position with
 * fees since its last settlement, by instrument id. Plain values only, so the snapshot writer, the digest and the
 * restore path ({@link ClearingHouse#settlementRestorer()}) see exactly the same fields. Empty default bodies; a
 * snapshot writer must override every one (the state digest does).
 */
public interface SettlementStateSink
{
    /**
     * The house-wide variation margin schedule and the cycle id generator.
     */
    default void settlementLedger(long vmIntervalMs, long nextVmMs, long lastVmMs, long lastCycleId)
    {
    }

    default void instrumentSettlement(
        int instrumentId,
        long settlementPriceTicks,
        long feesSinceSettlement,
        long realisedGainsSinceSettlement,
        long realisedLossesSinceSettlement)
    {
    }

    default void instrumentFunding(
        int instrumentId,
        long intervalMs,
        int interestPpm,
        int premiumClampPpm,
        int capPpm,
        long nextFundingMs,
        long intervalStartMs,
        long premiumIntegral,
        long premiumDurationMs,
        boolean hasPremium,
        long lastPremiumPpb,
        long lastPremiumMs)
    {
    }

    default void instrumentBreaker(
        int instrumentId,
        int bandPpm,
        long windowMs,
        long haltMs,
        boolean halted,
        long haltedSinceMs,
        long haltedUntilMs,
        long rangeHighTicks,
        long rangeLowTicks,
        long bandTicks)
    {
    }

    default void breakerBucket(int instrumentId, int slot, long epoch, long highTicks, long lowTicks)
    {
    }

    default void positionFees(long accountId, int instrumentId, long fees)
    {
    }
}
