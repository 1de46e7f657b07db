package dev.backstop.clearing.domain;

/**
 * A cleared instrument: its contract terms, margin rates and the mark price every account is valued at.
 * <p>
 * Prices are whole ticks and quantities whole lots; {@link #tickValue()} converts a tick for one lot into money
 * micro-units, so every value in the clearing house is an exact integer product.
 */
public final class Instrument
{
    private final int instrumentId;
    private final String symbol;
    private final int initialMarginPpm;
    private final int maintenanceMarginPpm;
    private final int tradeFeePpm;
    private final long tickSizeMicros;
    private final long lotSizeMicros;
    private final long tickValue;
    private long markPriceTicks;
    private long openInterestLots;

    Instrument(
        final int instrumentId,
        final String symbol,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int tradeFeePpm,
        final long tickSizeMicros,
        final long lotSizeMicros,
        final long tickValue)
    {
        this.instrumentId = instrumentId;
        this.symbol = symbol;
        this.initialMarginPpm = initialMarginPpm;
        this.maintenanceMarginPpm = maintenanceMarginPpm;
        this.tradeFeePpm = tradeFeePpm;
        this.tickSizeMicros = tickSizeMicros;
        this.lotSizeMicros = lotSizeMicros;
        this.tickValue = tickValue;
    }

    /**
     * The terms an operator may list an instrument with.
     *
     * @return the refusal, or {@link Outcome#ACCEPTED} when the terms are sound.
     */
    static Outcome validateTerms(
        final int instrumentId,
        final String symbol,
        final int initialMarginPpm,
        final int maintenanceMarginPpm,
        final int tradeFeePpm,
        final long tickSizeMicros,
        final long lotSizeMicros,
        final long tickValue)
    {
        if (instrumentId <= 0 ||
            null == symbol || symbol.isEmpty() || symbol.length() > 64 ||
            maintenanceMarginPpm <= 0 || maintenanceMarginPpm > Money.PPM ||
            initialMarginPpm < maintenanceMarginPpm || initialMarginPpm > Money.PPM ||
            tradeFeePpm < 0 || tradeFeePpm > 100_000 ||
            tickSizeMicros <= 0 || lotSizeMicros <= 0 || tickValue <= 0)
        {
            return Outcome.INVALID_PARAMETER;
        }
        return Outcome.ACCEPTED;
    }

    public int instrumentId()
    {
        return instrumentId;
    }

    public String symbol()
    {
        return symbol;
    }

    /**
     * @return initial margin rate in ppm of notional.
     */
    public int initialMarginPpm()
    {
        return initialMarginPpm;
    }

    /**
     * @return maintenance margin rate in ppm of notional.
     */
    public int maintenanceMarginPpm()
    {
        return maintenanceMarginPpm;
    }

    /**
     * @return fee each side of a trade pays, in ppm of the trade's notional.
     */
    public int tradeFeePpm()
    {
        return tradeFeePpm;
    }

    /**
     * @return one tick in micro-units of the quote asset (descriptive: values use {@link #tickValue()}).
     */
    public long tickSizeMicros()
    {
        return tickSizeMicros;
    }

    /**
     * @return one lot in micro-units of the base asset (descriptive).
     */
    public long lotSizeMicros()
    {
        return lotSizeMicros;
    }

    /**
     * @return money value in micro-units of one tick for one lot.
     */
    public long tickValue()
    {
        return tickValue;
    }

    /**
     * @return the mark price in ticks, 0 before the first tick or trade.
     */
    public long markPriceTicks()
    {
        return markPriceTicks;
    }

    /**
     * @return open interest: the sum of all long positions in lots (equal to the sum of all shorts).
     */
    public long openInterestLots()
    {
        return openInterestLots;
    }

    void markPriceTicks(final long markPriceTicks)
    {
        this.markPriceTicks = markPriceTicks;
    }

    void openInterestLots(final long openInterestLots)
    {
        this.openInterestLots = openInterestLots;
    }
}
