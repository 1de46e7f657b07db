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
    long adlContracts)
{
    /**
     * Conservation (DESIGN.md section 4): what the accounts (pools included), the fee account and the insurance fund
     * hold, marked to market, minus what was paid in. Open deficits are negative cash, so they are already counted.
     * Zero in a correct ledger.
     *
     * @return totalCash + totalUnrealisedPnl + feeAccount + insuranceFund - netDeposits.
     */
    public long conservationError()
    {
        return totalCash + totalUnrealisedPnl + feeAccount + insuranceFund - netDeposits;
    }
}
