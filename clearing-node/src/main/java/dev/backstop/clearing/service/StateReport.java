package dev.backstop.clearing.service;

/**
 * What a node's clearing service had applied at one log position, computed on the service thread so that it is a
 * consistent view: two nodes that report the same log position must report the same digest (DESIGN.md section 7).
 *
 * @param memberId      cluster member id of the node.
 * @param logPosition   log position of the last message the service had processed.
 * @param eventSequence last event sequence assigned.
 * @param tradesCleared trades cleared so far.
 * @param netDeposits   deposits minus withdrawals.
 * @param feeAccount    the CCP's fee account.
 * @param digestHex     SHA-256 state digest, lower-case hex.
 */
public record StateReport(
    int memberId,
    long logPosition,
    long eventSequence,
    long tradesCleared,
    long netDeposits,
    long feeAccount,
    String digestHex)
{
}
