package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * A cleared instrument: its contract terms, margin rates and the mark price every account is valued at.
 * <p>
 * Prices are whole ticks and quantities whole lots; {@link #tickValue()} converts a tick for one lot into money
 * micro-units, so every value in the clearing house is an exact integer product.
 */
public final class Instrument
{
    /**
     * Largest cut of a margin rate released at one step, by default: one percentage point.
     */
    public static final int DEFAULT_MAX_CUT_PER_STEP_PPM = 10_000;

    /**
     * Time between two steps of a released cut, by default: one minute of cluster time.
     */
    public static final long DEFAULT_CUT_STEP_INTERVAL_MS = 60_000;

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
    private int underlyingId;

    // Accounts holding a position, ascending: a mark move re-evaluates exactly these, in an order that never
    // depends on hash order. Derived from the positions, so not part of the snapshot.
    private int holderCount;
    private long[] holderAccountIds = new long[8];
    private MarginAccount[] holderAccounts = new MarginAccount[8];

    private final OracleParameters oracleParameters = new OracleParameters();
    private final PriceOracle oracle = new PriceOracle(oracleParameters);
    private final MarginBrackets marginBrackets;
    private final MarginBrackets effectiveBrackets = new MarginBrackets();
    private final OpenInterestScaling openInterestScaling = new OpenInterestScaling();
    private final MarginRateFloor initialMarginRate;
    private final MarginRateFloor maintenanceMarginRate;
    private final long[] scratchCaps = new long[MarginBrackets.MAX_BRACKETS];
    private final int[] scratchInitialPpm = new int[MarginBrackets.MAX_BRACKETS];
    private final int[] scratchMaintenancePpm = new int[MarginBrackets.MAX_BRACKETS];

    // Settlement (issue 4): the last settlement price and what happened since the last variation margin cycle.
    private long settlementPriceTicks;
    private long feesSinceSettlement;
    private long realisedGainsSinceSettlement;
    private long realisedLossesSinceSettlement;
    private final PerpetualFunding funding = new PerpetualFunding();
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

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
        this.underlyingId = instrumentId;
        marginBrackets = MarginBrackets.single(initialMarginPpm, maintenanceMarginPpm);
        initialMarginRate = MarginRateFloor.of(
            initialMarginPpm, initialMarginPpm, DEFAULT_MAX_CUT_PER_STEP_PPM, DEFAULT_CUT_STEP_INTERVAL_MS);
        maintenanceMarginRate = MarginRateFloor.of(
            maintenanceMarginPpm, maintenanceMarginPpm, DEFAULT_MAX_CUT_PER_STEP_PPM, DEFAULT_CUT_STEP_INTERVAL_MS);
        rebuildEffectiveBrackets();
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

    /**
     * @return the underlying the instrument is margined on by the portfolio method; its own id unless the operator
     * groups it with others.
     */
    public int underlyingId()
    {
        return underlyingId;
    }

    /**
     * @return number of accounts holding a position in the instrument.
     */
    public int holderCount()
    {
        return holderCount;
    }

    /**
     * @param index 0 .. {@link #holderCount()} − 1.
     * @return the holder's account id; ascending in index.
     */
    public long holderAt(final int index)
    {
        return holderAccountIds[index];
    }

    /**
     * @return the instrument's price oracle (index, mark, sources, basis).
     */
    public PriceOracle oracle()
    {
        return oracle;
    }

    /**
     * @return the oracle's parameters.
     */
    public OracleParameters oracleParameters()
    {
        return oracleParameters;
    }

    /**
     * @return the bracket table the operator set (one bracket at the listed IMR/MMR by default).
     */
    public MarginBrackets marginBrackets()
    {
        return marginBrackets;
    }

    /**
     * @return the table margin is computed with: the operator's table with every rate raised to at least the
     * effective rate of {@link #initialMarginRate()} or {@link #maintenanceMarginRate()}. Derived, not snapshotted.
     */
    public MarginBrackets effectiveBrackets()
    {
        return effectiveBrackets;
    }

    /**
     * @return the IMR's scaling with open interest (off by default).
     */
    public OpenInterestScaling openInterestScaling()
    {
        return openInterestScaling;
    }

    /**
     * @return the IMR floor and stepped release (effective = floor = the listed IMR by default).
     */
    public MarginRateFloor initialMarginRate()
    {
        return initialMarginRate;
    }

    /**
     * @return the MMR floor and stepped release (effective = floor = the listed MMR by default).
     */
    public MarginRateFloor maintenanceMarginRate()
    {
        return maintenanceMarginRate;
    }

    /**
     * @param notional non-negative notional at mark.
     * @param openInterestNotional the instrument's open interest at mark.
     * @return initial margin of a position of that notional, rounded up.
     * @throws ArithmeticException on overflow.
     */
    public long initialMargin(final long notional, final long openInterestNotional)
    {
        return effectiveBrackets.initialMargin(notional, openInterestScaling, openInterestNotional);
    }

    /**
     * @param notional non-negative notional at mark.
     * @return maintenance margin of a position of that notional, rounded up.
     * @throws ArithmeticException on overflow.
     */
    public long maintenanceMargin(final long notional)
    {
        return effectiveBrackets.maintenanceMargin(notional);
    }

    /**
     * Derives the effective table: each bracket's IMR raised to at least the effective IMR, its MMR to at least
     * {@code min(effective MMR, effective IMR)}. A maximum with a constant keeps rates non-decreasing and MMR ≤ IMR, so
     * the table always validates.
     */
    void rebuildEffectiveBrackets()
    {
        final int floorInitial = initialMarginRate.effectiveRatePpm();
        final int floorMaintenance = Math.min(maintenanceMarginRate.effectiveRatePpm(), floorInitial);
        final int count = marginBrackets.count();
        for (int k = 0; k < count; k++)
        {
            scratchCaps[k] = marginBrackets.capAt(k);
            scratchInitialPpm[k] = Math.max(marginBrackets.initialMarginPpmAt(k), floorInitial);
            scratchMaintenancePpm[k] = Math.max(marginBrackets.maintenanceMarginPpmAt(k), floorMaintenance);
        }
        final Outcome outcome = effectiveBrackets.set(count, scratchCaps, scratchInitialPpm, scratchMaintenancePpm);
        if (outcome.isRefusal())
        {
            throw new IllegalStateException("effective margin brackets refused: " + outcome);
        }
    }

    void underlyingId(final int underlyingId)
    {
        this.underlyingId = underlyingId;
    }

    /**
     * Copies the holders into {@code into} (grown when too small) so they can be visited while positions change.
     *
     * @return the array holding the copy.
     */
    long[] copyHolders(final long[] into)
    {
        final long[] target = into.length >= holderCount ? into : new long[holderAccountIds.length];
        System.arraycopy(holderAccountIds, 0, target, 0, holderCount);
        return target;
    }

    /**
     * @param index 0 .. {@link #holderCount()} − 1.
     * @return the holder's account (the same order as {@link #holderAt(int)}): a settlement cycle visits every holder
     * without a hash lookup per account.
     */
    MarginAccount holderAccountAt(final int index)
    {
        return holderAccounts[index];
    }

    void addHolder(final MarginAccount account)
    {
        final long accountId = account.accountId();
        final int index = Arrays.binarySearch(holderAccountIds, 0, holderCount, accountId);
        if (index >= 0)
        {
            return;
        }
        final int insertAt = -index - 1;
        if (holderCount == holderAccountIds.length)
        {
            holderAccountIds = Arrays.copyOf(holderAccountIds, holderCount * 2);
            holderAccounts = Arrays.copyOf(holderAccounts, holderCount * 2);
        }
        System.arraycopy(holderAccountIds, insertAt, holderAccountIds, insertAt + 1, holderCount - insertAt);
        System.arraycopy(holderAccounts, insertAt, holderAccounts, insertAt + 1, holderCount - insertAt);
        holderAccountIds[insertAt] = accountId;
        holderAccounts[insertAt] = account;
        holderCount++;
    }

    void removeHolder(final long accountId)
    {
        final int index = Arrays.binarySearch(holderAccountIds, 0, holderCount, accountId);
        if (index < 0)
        {
            return;
        }
        System.arraycopy(holderAccountIds, index + 1, holderAccountIds, index, holderCount - index - 1);
        System.arraycopy(holderAccounts, index + 1, holderAccounts, index, holderCount - index - 1);
        holderCount--;
        holderAccounts[holderCount] = null;
    }

    /**
     * @return the last settlement price in ticks: the mark of the last variation margin cycle, or the first mark
     * before the first cycle; 0 before any mark. The circuit breaker's band is a share of it.
     */
    public long settlementPriceTicks()
    {
        return settlementPriceTicks;
    }

    /**
     * @return fees both sides of every trade paid since the last variation margin cycle, in micro-units.
     */
    public long feesSinceSettlement()
    {
        return feesSinceSettlement;
    }

    /**
     * @return realised gains paid into accounts' cash by closing fills since the last variation margin cycle.
     */
    public long realisedGainsSinceSettlement()
    {
        return realisedGainsSinceSettlement;
    }

    /**
     * @return realised losses (positive) taken from accounts' cash by closing fills since the last variation margin
     * cycle.
     */
    public long realisedLossesSinceSettlement()
    {
        return realisedLossesSinceSettlement;
    }

    /**
     * @return the instrument's perpetual funding (interval, rates, premium accumulator).
     */
    public PerpetualFunding funding()
    {
        return funding;
    }

    /**
     * @return the instrument's circuit breaker (band, window, halt).
     */
    public CircuitBreaker circuitBreaker()
    {
        return circuitBreaker;
    }

    void settlementPriceTicks(final long settlementPriceTicks)
    {
        this.settlementPriceTicks = settlementPriceTicks;
    }

    void sinceSettlement(final long fees, final long realisedGains, final long realisedLosses)
    {
        this.feesSinceSettlement = fees;
        this.realisedGainsSinceSettlement = realisedGains;
        this.realisedLossesSinceSettlement = realisedLosses;
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
