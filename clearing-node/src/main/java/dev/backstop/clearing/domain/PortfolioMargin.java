package dev.backstop.clearing.domain;

import java.util.Arrays;

/**
 * Portfolio margin by a scenario grid per underlying (SPAN-like; DESIGN.md section 5 item 2), selectable per
 * account instead of the per-position brackets: positions on the same underlying (a future and a perpetual, two
 * expiries) move together, so a long and a short on one underlying offset each other, while nothing offsets across
 * underlyings.
 * <p>
 * For each underlying its grid of price shocks {@code s} in ppm (default −15%, −10%, −5%, 0, +5%, +10%, +15%; at
 * most {@link #MAX_SCENARIOS}, configurable per underlying) is applied to every position on it:
 * <pre>
 *   PnL(position, s)   = floor(quantity × mark × tickValue × s / 1e6)          (rounded against the member)
 *   scenarioLoss(u)    = max(0, − min over s of Σ over u's positions PnL(position, s))
 *   gross(u)           = Σ over u's positions |quantity × mark × tickValue|
 *   requirement(u)     = max(scenarioLoss(u), ceil(gross(u) × minimumGrossPpm / 1e6))
 *   IM                 = Σ over underlyings requirement(u)
 *   MM                 = ceil(IM × maintenanceFractionPpm / 1e6)
 * </pre>
 * Choices stated:
 * <ul>
 *     <li>{@code maintenanceFractionPpm} defaults to {@value #DEFAULT_MAINTENANCE_FRACTION_PPM} (MM = half of IM,
 *     the same ratio as the default 10% / 5% IMR / MMR of the brackets).</li>
 *     <li>A floor on GROSS notional, {@code minimumGrossPpm}, default {@value #DEFAULT_MINIMUM_GROSS_PPM} (1% for
 *     IM, so 0.5% for MM): the grid shocks every instrument on an underlying by the same percentage, so a perfectly
 *     matched calendar spread shows no loss in any scenario, yet its legs can diverge (basis and roll risk, SPAN's
 *     intra-commodity spread charge). A floor on NET exposure would also be zero for such a spread, so it is not
 *     used. The floor is additive in gross notional, so a hedged pair still never costs more than its legs
 *     margined apart.</li>
 * </ul>
 * Per-call work uses pre-allocated scratch (grown only when an account holds more positions than ever before), and
 * the last call's per-underlying requirement and worst shock are kept for events. The configuration is exposed for
 * the snapshot and digest in canonical order (grids sorted by underlying id) and restored through the same setters.
 * Not thread-safe: one instance per clearing house.
 */
public final class PortfolioMargin
{
    /**
     * Most scenarios in one underlying's grid.
     */
    public static final int MAX_SCENARIOS = 16;

    /**
     * MM as a fraction of IM, in ppm.
     */
    public static final int DEFAULT_MAINTENANCE_FRACTION_PPM = 500_000;

    /**
     * IM floor as a fraction of each underlying's gross notional, in ppm.
     */
    public static final int DEFAULT_MINIMUM_GROSS_PPM = 10_000;

    private static final int PPM = Money.PPM;
    private static final int[] DEFAULT_SHOCKS_PPM = { -150_000, -100_000, -50_000, 0, 50_000, 100_000, 150_000 };

    private int maintenanceFractionPpm = DEFAULT_MAINTENANCE_FRACTION_PPM;
    private int minimumGrossPpm = DEFAULT_MINIMUM_GROSS_PPM;
    private int defaultScenarioCount = DEFAULT_SHOCKS_PPM.length;
    private final int[] defaultShocksPpm = Arrays.copyOf(DEFAULT_SHOCKS_PPM, MAX_SCENARIOS);

    private int gridCount;
    private int[] gridUnderlyingIds = new int[4];
    private int[] gridScenarioCounts = new int[4];
    private int[] gridShocksPpm = new int[4 * MAX_SCENARIOS];

    private int underlyingCount;
    private int[] underlyingIds;
    private int[] underlyingGrid;
    private long[] grossNotional;
    private long[] scenarioPnl;
    private long[] requirements;
    private int[] worstShocksPpm;

    /**
     * With the default grid and parameters, and scratch for 16 positions.
     */
    public PortfolioMargin()
    {
        this(16);
    }

    /**
     * @param positionCapacity positions per account the scratch is sized for up front.
     */
    public PortfolioMargin(final int positionCapacity)
    {
        allocateScratch(Math.max(1, positionCapacity));
    }

    /**
     * Sound grid: 1 to {@link #MAX_SCENARIOS} shocks, strictly ascending, each in {@code [−1e6, +1e6]}.
     *
     * @param count     number of shocks used from the array.
     * @param shocksPpm price shocks in ppm.
     * @return {@link Outcome#ACCEPTED} or {@link Outcome#INVALID_PARAMETER}.
     */
    public static Outcome validateScenarios(final int count, final int[] shocksPpm)
    {
        if (count < 1 || count > MAX_SCENARIOS || null == shocksPpm || shocksPpm.length < count)
        {
            return Outcome.INVALID_PARAMETER;
        }
        for (int s = 0; s < count; s++)
        {
            if (shocksPpm[s] < -PPM || shocksPpm[s] > PPM || (s > 0 && shocksPpm[s] <= shocksPpm[s - 1]))
            {
                return Outcome.INVALID_PARAMETER;
            }
        }
        return Outcome.ACCEPTED;
    }

    /**
     * Sets the parameters (operator command or restore).
     *
     * @param maintenanceFractionPpm MM as a fraction of IM, {@code 0 < x <= 1e6}.
     * @param minimumGrossPpm        IM floor per underlying as a fraction of gross notional, {@code 0 <= x <= 1e6}.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    public Outcome parameters(final int maintenanceFractionPpm, final int minimumGrossPpm)
    {
        if (maintenanceFractionPpm <= 0 || maintenanceFractionPpm > PPM || minimumGrossPpm < 0 || minimumGrossPpm > PPM)
        {
            return Outcome.INVALID_PARAMETER;
        }
        this.maintenanceFractionPpm = maintenanceFractionPpm;
        this.minimumGrossPpm = minimumGrossPpm;
        return Outcome.ACCEPTED;
    }

    /**
     * Sets the grid used for every underlying without a grid of its own.
     *
     * @param count     number of shocks used from the array.
     * @param shocksPpm ascending price shocks in ppm.
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    public Outcome defaultScenarios(final int count, final int[] shocksPpm)
    {
        final Outcome outcome = validateScenarios(count, shocksPpm);
        if (!outcome.isRefusal())
        {
            System.arraycopy(shocksPpm, 0, defaultShocksPpm, 0, count);
            defaultScenarioCount = count;
        }
        return outcome;
    }

    /**
     * Sets or removes an underlying's own grid (an operator command or restore; may allocate, never per margin call).
     *
     * @param underlyingId underlying, positive.
     * @param count        number of shocks used from the array; 0 removes the underlying's grid (back to the
     *                     default grid).
     * @param shocksPpm    ascending price shocks in ppm (ignored when count is 0).
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#INVALID_PARAMETER} with nothing changed.
     */
    public Outcome scenarios(final int underlyingId, final int count, final int[] shocksPpm)
    {
        if (underlyingId <= 0)
        {
            return Outcome.INVALID_PARAMETER;
        }
        final int index = Arrays.binarySearch(gridUnderlyingIds, 0, gridCount, underlyingId);
        if (0 == count)
        {
            if (index >= 0)
            {
                final int tail = gridCount - index - 1;
                System.arraycopy(gridUnderlyingIds, index + 1, gridUnderlyingIds, index, tail);
                System.arraycopy(gridScenarioCounts, index + 1, gridScenarioCounts, index, tail);
                System.arraycopy(
                    gridShocksPpm, (index + 1) * MAX_SCENARIOS, gridShocksPpm, index * MAX_SCENARIOS,
                    tail * MAX_SCENARIOS);
                gridCount--;
            }
            return Outcome.ACCEPTED;
        }
        final Outcome outcome = validateScenarios(count, shocksPpm);
        if (outcome.isRefusal())
        {
            return outcome;
        }
        int at = index;
        if (index < 0)
        {
            at = -index - 1;
            if (gridCount == gridUnderlyingIds.length)
            {
                final int length = gridCount * 2;
                gridUnderlyingIds = Arrays.copyOf(gridUnderlyingIds, length);
                gridScenarioCounts = Arrays.copyOf(gridScenarioCounts, length);
                gridShocksPpm = Arrays.copyOf(gridShocksPpm, length * MAX_SCENARIOS);
            }
            final int tail = gridCount - at;
            System.arraycopy(gridUnderlyingIds, at, gridUnderlyingIds, at + 1, tail);
            System.arraycopy(gridScenarioCounts, at, gridScenarioCounts, at + 1, tail);
            System.arraycopy(
                gridShocksPpm, at * MAX_SCENARIOS, gridShocksPpm, (at + 1) * MAX_SCENARIOS, tail * MAX_SCENARIOS);
            gridUnderlyingIds[at] = underlyingId;
            gridCount++;
        }
        gridScenarioCounts[at] = count;
        System.arraycopy(shocksPpm, 0, gridShocksPpm, at * MAX_SCENARIOS, count);
        return Outcome.ACCEPTED;
    }

    /**
     * Initial margin of one account's positions. The arrays are parallel and read up to {@code positionCount}.
     *
     * @param positionCount number of positions.
     * @param underlyingIds underlying of each position's instrument.
     * @param quantities    signed quantity of each position in lots.
     * @param markTicks     mark price of each position's instrument in ticks.
     * @param tickValues    money value of one tick for one lot of each position's instrument.
     * @return IM in micro-units: Σ over underlyings of the requirement.
     * @throws ArithmeticException on overflow (the caller refuses the command).
     */
    public long initialMargin(
        final int positionCount,
        final int[] underlyingIds,
        final long[] quantities,
        final long[] markTicks,
        final long[] tickValues)
    {
        if (positionCount > this.underlyingIds.length)
        {
            allocateScratch(Math.max(positionCount, this.underlyingIds.length * 2));
        }
        underlyingCount = 0;
        for (int i = 0; i < positionCount; i++)
        {
            final int slot = slotOf(underlyingIds[i]);
            final long value = Money.value(quantities[i], markTicks[i], tickValues[i]);
            grossNotional[slot] = Math.addExact(grossNotional[slot], Math.absExact(value));
            final int grid = underlyingGrid[slot];
            final int count = grid < 0 ? defaultScenarioCount : gridScenarioCounts[grid];
            final int[] shocks = grid < 0 ? defaultShocksPpm : gridShocksPpm;
            final int shockBase = grid < 0 ? 0 : grid * MAX_SCENARIOS;
            final int pnlBase = slot * MAX_SCENARIOS;
            for (int s = 0; s < count; s++)
            {
                scenarioPnl[pnlBase + s] =
                    Math.addExact(scenarioPnl[pnlBase + s], shockPnl(value, shocks[shockBase + s]));
            }
        }

        long initialMargin = 0;
        for (int slot = 0; slot < underlyingCount; slot++)
        {
            final int grid = underlyingGrid[slot];
            final int count = grid < 0 ? defaultScenarioCount : gridScenarioCounts[grid];
            final int[] shocks = grid < 0 ? defaultShocksPpm : gridShocksPpm;
            final int shockBase = grid < 0 ? 0 : grid * MAX_SCENARIOS;
            final int pnlBase = slot * MAX_SCENARIOS;
            long worstPnl = scenarioPnl[pnlBase];
            int worstShock = shocks[shockBase];
            for (int s = 1; s < count; s++)
            {
                if (scenarioPnl[pnlBase + s] < worstPnl)
                {
                    worstPnl = scenarioPnl[pnlBase + s];
                    worstShock = shocks[shockBase + s];
                }
            }
            final long scenarioLoss = worstPnl < 0 ? Math.negateExact(worstPnl) : 0;
            final long requirement = Math.max(scenarioLoss, Money.ppmRoundedUp(grossNotional[slot], minimumGrossPpm));
            requirements[slot] = requirement;
            worstShocksPpm[slot] = worstShock;
            initialMargin = Math.addExact(initialMargin, requirement);
        }
        return initialMargin;
    }

    /**
     * @param initialMargin IM from {@link #initialMargin(int, int[], long[], long[], long[])}.
     * @return MM: {@code ceil(IM × maintenanceFractionPpm / 1e6)}.
     */
    public long maintenanceMargin(final long initialMargin)
    {
        return Money.ppmRoundedUp(initialMargin, maintenanceFractionPpm);
    }

    /**
     * @return MM of one account's positions (see {@link #initialMargin(int, int[], long[], long[], long[])}).
     */
    public long maintenanceMargin(
        final int positionCount,
        final int[] underlyingIds,
        final long[] quantities,
        final long[] markTicks,
        final long[] tickValues)
    {
        return maintenanceMargin(initialMargin(positionCount, underlyingIds, quantities, markTicks, tickValues));
    }

    /**
     * @return underlyings in the last margin call, in the order they first appeared in its positions.
     */
    public int lastUnderlyingCount()
    {
        return underlyingCount;
    }

    public int lastUnderlyingIdAt(final int index)
    {
        return underlyingIds[index];
    }

    /**
     * @return the requirement of that underlying in the last margin call, micro-units.
     */
    public long lastRequirementAt(final int index)
    {
        return requirements[index];
    }

    /**
     * @return the shock (ppm) of that underlying's worst scenario in the last margin call (the lowest shock among
     * equal worst ones).
     */
    public int lastWorstShockPpmAt(final int index)
    {
        return worstShocksPpm[index];
    }

    public int maintenanceFractionPpm()
    {
        return maintenanceFractionPpm;
    }

    public int minimumGrossPpm()
    {
        return minimumGrossPpm;
    }

    public int defaultScenarioCount()
    {
        return defaultScenarioCount;
    }

    public int defaultShockPpmAt(final int scenario)
    {
        return defaultShocksPpm[scenario];
    }

    /**
     * @return number of underlyings with a grid of their own, readable in ascending underlying id.
     */
    public int gridCount()
    {
        return gridCount;
    }

    public int gridUnderlyingIdAt(final int index)
    {
        return gridUnderlyingIds[index];
    }

    public int gridScenarioCountAt(final int index)
    {
        return gridScenarioCounts[index];
    }

    public int gridShockPpmAt(final int index, final int scenario)
    {
        return gridShocksPpm[index * MAX_SCENARIOS + scenario];
    }

    /**
     * {@code floor(value × shock / 1e6)} without a 128-bit product: value = m × 1e6 + r with {@code 0 <= r < 1e6}.
     */
    static long shockPnl(final long value, final int shockPpm)
    {
        final long millions = Math.floorDiv(value, PPM);
        final long remainder = Math.floorMod(value, PPM);
        return Math.addExact(Math.multiplyExact(millions, shockPpm), Math.floorDiv(remainder * shockPpm, PPM));
    }

    private int slotOf(final int underlyingId)
    {
        for (int slot = 0; slot < underlyingCount; slot++)
        {
            if (underlyingIds[slot] == underlyingId)
            {
                return slot;
            }
        }
        final int slot = underlyingCount++;
        underlyingIds[slot] = underlyingId;
        underlyingGrid[slot] = Math.max(-1, Arrays.binarySearch(gridUnderlyingIds, 0, gridCount, underlyingId));
        grossNotional[slot] = 0;
        Arrays.fill(scenarioPnl, slot * MAX_SCENARIOS, (slot + 1) * MAX_SCENARIOS, 0L);
        return slot;
    }

    private void allocateScratch(final int capacity)
    {
        underlyingIds = new int[capacity];
        underlyingGrid = new int[capacity];
        grossNotional = new long[capacity];
        scenarioPnl = new long[capacity * MAX_SCENARIOS];
        requirements = new long[capacity];
        worstShocksPpm = new int[capacity];
    }
}
