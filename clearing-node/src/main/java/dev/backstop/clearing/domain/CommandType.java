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
    QUERY_LEDGER,
    SUBMIT_ORDER,
    CANCEL_ORDER,
    SET_ORACLE_PARAMETERS,
    SET_MARGIN_BRACKETS,
    SET_OPEN_INTEREST_SCALING,
    SET_MARGIN_RATE,
    SET_ACCOUNT_MARGIN_METHOD,
    SET_UNDERLYING_SCENARIOS,
    SET_INSTRUMENT_UNDERLYING,
    REGISTER_LIQUIDITY_PROVIDER,
    AUCTION_BID,
    CREATE_POOL,
    POOL_DEPOSIT,
    POOL_REDEEM,
    SET_LIQUIDATION_PARAMETERS,
    // Auto-deleveraging (issue 4, part A).
    SET_AUTO_DELEVERAGING,
    // Issue 4, default fund and loss waterfall (W).
    CONTRIBUTE_DEFAULT_FUND,
    INJECT_CCP_CAPITAL,
    SET_STRESS_SCENARIO,
    SET_DEFAULT_FUND_PARAMETERS,
    // settlement and circuit breakers (issue 4, S)
    SET_VARIATION_MARGIN_INTERVAL,
    SET_FUNDING_PARAMETERS,
    SET_CIRCUIT_BREAKER,
    RESUME_INSTRUMENT
}
