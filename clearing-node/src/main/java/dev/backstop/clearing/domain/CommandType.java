package dev.backstop.clearing.domain;

/**
 * The commands the clearing house applies, named so a refusal event can say which command it refused.
 */
public enum CommandType
{
    LIST_INSTRUMENT,
    OPEN_ACCOUNT,
    DEPOSIT,
    WITHDRAW,
    TRADE,
    PRICE_TICK,
    QUERY_ACCOUNT,
    QUERY_LEDGER
}
