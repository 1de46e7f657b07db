package dev.backstop.clearing.domain;

/**
 * Receives the liquidation engine's state in canonical order, after the clearing house's own records: header,
 * liquidating accounts by id, auctions by id (each followed by its bids by BLP id), BLPs by id, pools by account id
 * (each followed by its depositors by id and its pending redemptions in due order), price bands by instrument id (each
 * followed by its non-empty buckets by slot), open deficits by account id, then the auto-deleveraging record and its
 * instrument settings by instrument id. Plain values only, so the snapshot writer, the digest and
 * the restore path see exactly the same fields. Empty default bodies, like the risk records of
 * {@link ClearingStateSink}; a snapshot writer must override every one (the state digest does).
 */
public interface LiquidationStateSink
{
    default void liquidationHeader(
        long nextAuctionId,
        long nextRoundMs,
        long redemptionRetryAtMs,
        long roundIntervalMs,
        long minSliceNotional,
        int slicePpm,
        int targetPpm,
        int feePpm,
        int auctionSteps,
        long auctionStepMs,
        int poolLossCapPpm,
        int bandPpm,
        long twapWindowMs,
        long redemptionNoticeMs,
        long redemptionRetryMs,
        int wholeAccountThresholdPpm,
        int poolSharePpm)
    {
    }

    default void liquidation(long accountId, long startedMs, int causeCode, long auctionId, int heldCauseCode)
    {
    }

    default void auction(
        long auctionId,
        long accountId,
        int instrumentId,
        long sliceLotsSigned,
        long remainingLots,
        long markTicks,
        long bankruptcyTicks,
        long tickValue,
        long startMs,
        int steps,
        long stepIntervalMs,
        int nextStep,
        boolean open,
        boolean awaitingPool)
    {
    }

    default void auctionBid(long auctionId, long blpAccountId, long priceTicks, long lots)
    {
    }

    default void blp(long blpAccountId, long capacityNotional, long remainingCapacity)
    {
    }

    default void pool(
        long poolAccountId, long sharesOutstanding, long highWaterNavPerMillionShares, int lossCapPpm,
        long redemptionNoticeMs)
    {
    }

    default void poolDepositor(long poolAccountId, long depositorAccountId, long shares)
    {
    }

    default void poolRedemption(long poolAccountId, long depositorAccountId, long shares, long dueMs)
    {
    }

    default void priceBand(
        int instrumentId, long windowMs, int buckets, boolean hasMark, long lastMarkTicks, long lastMs)
    {
    }

    /**
     * One non-empty bucket of a price band, by slot.
     */
    default void priceBandBucket(int instrumentId, int slot, long epoch, long integral, long duration)
    {
    }

    default void openDeficit(long accountId, long deficit)
    {
    }

    /**
     * Auto-deleveraging: the setting for all instruments and the counters (issue 4, part A).
     */
    default void autoDeleveraging(int defaultModeCode, long runCount, long fillCount, long closedLots)
    {
    }

    /**
     * One instrument's own ADL setting, by instrument id.
     */
    default void autoDeleveragingInstrument(int instrumentId, int modeCode)
    {
    }
}
