package dev.backstop.clearing.domain;

/**
 * How an instrument's mark price follows from its index (DESIGN.md 5 item 1, after Hyperliquid's mark).
 * <p>
 * The basis is the exponential moving average of {@code last trade − index} in ticks, kept by {@link PriceOracle}.
 * {@link #code()} is a stable number for snapshots and operator commands.
 */
public enum MarkBasis
{
    /**
     * The mark is the index.
     */
    INDEX(1),

    /**
     * The mark is {@code index + EMA(last trade − index)}: the venue's premium over the index, smoothed.
     */
    INDEX_PLUS_EMA_BASIS(2),

    /**
     * The mark is the median of the index, {@code index + EMA basis} and the last trade, so no single input alone
     * can move it.
     */
    MEDIAN_OF_INDEX_EMA_LAST(3);

    private static final MarkBasis[] BY_CODE = new MarkBasis[4];

    static
    {
        for (final MarkBasis basis : values())
        {
            BY_CODE[basis.code] = basis;
        }
    }

    private final int code;

    MarkBasis(final int code)
    {
        this.code = code;
    }

    /**
     * @return stable code for snapshots and commands.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code stable code.
     * @return the basis with that code, or null when no basis has it (the caller refuses the command).
     */
    public static MarkBasis fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
