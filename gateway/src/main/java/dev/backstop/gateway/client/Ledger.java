package dev.backstop.gateway.client;

/**
 * The clearing house's ledger totals and state digest, as answered to QueryLedger (LedgerResponse). Money is in
 * micro-units of the settlement asset.
 *
 * @param sequence           the query's sequence.
 * @param netDeposits        deposits minus withdrawals.
 * @param totalCash          sum of every account's cash.
 * @param totalUnrealisedPnl sum of every position's unrealised PnL at mark.
 * @param feeAccount         the CCP's fee account.
 * @param accountCount       accounts open.
 * @param tradesCleared      trades novated.
 * @param eventSequence      last event sequence assigned.
 * @param stateDigest        SHA-256 of the canonical state, lower-case hex (64 characters).
 * @param leadershipTermId   leadership term in force when the query was applied.
 * @param insuranceFund      the insurance fund (liquidation fees and the CCP's share of takeovers).
 * @param openDeficits       bankrupt accounts' negative cash not yet absorbed (already inside totalCash).
 * @param adlContracts       lots closed by auto-deleveraging since the start.
 * @param defaultFundContributions every member's default fund contribution.
 * @param ccpCapital         the CCP's own capital in the loss waterfall (counted in netDeposits).
 * @param defaultFundRequirement the Cover-2 requirement at the last recomputation.
 * @param coverageRatioPpm   (contributions + CCP capital + insurance fund) × 1e6 / requirement; -1 without one.
 * @param openWaterfalls     loss waterfalls open (withdrawals and pool redemptions wait meanwhile).
 * @param waterfallAbsorbed  what each rung absorbed over every waterfall, rung 1 (the defaulters' other
 *                           collateral) at index 0 to rung 7 (the VM gains haircut) at index 6.
 */
public record Ledger(
    long sequence,
    long netDeposits,
    long totalCash,
    long totalUnrealisedPnl,
    long feeAccount,
    long accountCount,
    long tradesCleared,
    long eventSequence,
    String stateDigest,
    long leadershipTermId,
    long insuranceFund,
    long openDeficits,
    long adlContracts,
    long defaultFundContributions,
    long ccpCapital,
    long defaultFundRequirement,
    long coverageRatioPpm,
    long openWaterfalls,
    java.util.List<Long> waterfallAbsorbed)
{
    /**
     * Conservation (DESIGN.md section 4): what the accounts (pools included), the fee account, the insurance fund,
     * the default fund and the CCP's capital hold, marked to market, minus what was paid in (CCP capital is paid in).
     * Open deficits are negative cash, so they are already counted. Zero in a correct ledger.
     *
     * @return totalCash + totalUnrealisedPnl + feeAccount + insuranceFund + defaultFundContributions + ccpCapital -
     * netDeposits.
     */
    public long conservationError()
    {
        return totalCash + totalUnrealisedPnl + feeAccount + insuranceFund + defaultFundContributions + ccpCapital -
            netDeposits;
    }

    /**
     * @param rung 1 to 7.
     * @return what that rung absorbed over every waterfall, micro-units.
     */
    public long waterfallRung(final int rung)
    {
        return waterfallAbsorbed.get(rung - 1);
    }
}
