package dev.backstop.clearing.domain;

/**
 * The clearing house's book API (package-private methods, see {@link LiquidationHooks}) seen through the narrow
 * {@link LiquidationBook} the liquidation engine is written against.
 */
final class ClearingHouseBook implements LiquidationBook
{
    private final ClearingHouse house;

    ClearingHouseBook(final ClearingHouse house)
    {
        this.house = house;
    }

    public long nextEventSequence()
    {
        return house.nextEventSequence();
    }

    public MarginAccount account(final long accountId)
    {
        return house.account(accountId);
    }

    public Instrument instrument(final int instrumentId)
    {
        return house.instrument(instrumentId);
    }

    public long equity(final MarginAccount account)
    {
        return house.equity(account);
    }

    public long initialMargin(final MarginAccount account)
    {
        return house.initialMargin(account);
    }

    public long maintenanceMargin(final MarginAccount account)
    {
        return house.maintenanceMargin(account);
    }

    public long positionMaintenanceMargin(final MarginAccount account, final int positionIndex)
    {
        return house.positionMaintenanceMargin(account, positionIndex);
    }

    public long initialMarginAfter(final MarginAccount account, final int instrumentId, final long deltaLots)
    {
        return house.initialMarginAfter(account, instrumentId, deltaLots);
    }

    public long withdrawable(final MarginAccount account)
    {
        return house.withdrawable(account);
    }

    public void tradeAt(
        final long buyAccountId, final long sellAccountId, final int instrumentId, final long lots, final long priceTicks)
    {
        house.tradeAt(buyAccountId, sellAccountId, instrumentId, lots, priceTicks);
    }

    public void moveCash(final long fromAccountId, final long toAccountId, final long amount)
    {
        house.moveCash(fromAccountId, toAccountId, amount);
    }

    public void payInsuranceFund(final long fromAccountId, final long amount)
    {
        house.creditInsuranceFund(fromAccountId, amount);
    }

    public long insuranceFund()
    {
        return house.insuranceFund();
    }

    public void payFeeAccount(final long fromAccountId, final long amount)
    {
        house.creditFeeAccount(fromAccountId, amount);
    }

    public void evaluateRiskAfterDeleveraging(final long accountId)
    {
        house.evaluateRisk(accountId, RiskCause.AUTO_DELEVERAGING);
    }

    public boolean openPoolAccount(final long accountId, final long memberId)
    {
        if (!house.openAccountForLiquidation(accountId, memberId))
        {
            return false;
        }
        house.setAccountRole(accountId, AccountRole.BACKSTOP_POOL);
        return true;
    }

    public void markLiquidityProvider(final long accountId)
    {
        house.setAccountRole(accountId, AccountRole.LIQUIDITY_PROVIDER);
    }

    public void addOpenDeficit(final long amount)
    {
        house.addOpenDeficit(amount);
    }

    public void markLiquidating(final long accountId)
    {
        house.setRiskState(accountId, RiskState.LIQUIDATION, RiskCause.LIQUIDATION);
        // Open orders reserve margin the account no longer has, and would add risk the engine is closing.
        house.cancelOrdersOf(accountId);
    }

    public void markLiquidationEnded(final long accountId)
    {
        // Back to the clearing house's own rules: normal, or a margin call while still below initial margin.
        house.setRiskState(accountId, RiskState.NORMAL, RiskCause.LIQUIDATION);
        house.evaluateRisk(accountId, RiskCause.LIQUIDATION);
    }

    public void evaluateRisk(final long accountId)
    {
        house.evaluateRisk(accountId, RiskCause.TAKEOVER);
    }

    public void markBankrupt(final long accountId)
    {
        house.setRiskState(accountId, RiskState.BANKRUPT, RiskCause.LIQUIDATION);
    }
}
