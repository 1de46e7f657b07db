package dev.backstop.ops.demo;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Tells the demo's story as it happens: one line per step, stamped with the seconds since the run began, plus the
 * helpers that turn fixed-point units (DESIGN.md section 4) into the numbers a person reads.
 */
final class Narrator
{
    private final PrintStream out;
    private final long startNs;

    Narrator(final PrintStream out, final long startNs)
    {
        this.out = out;
        this.startNs = startNs;
    }

    /**
     * @param line what just happened.
     */
    void step(final String line)
    {
        out.println(String.format(Locale.ROOT, "[%6.1fs] %s", (System.nanoTime() - startNs) / 1e9, line));
        out.flush();
    }

    /**
     * @param line a raw line (an event's JSON).
     */
    void raw(final String line)
    {
        out.println(line);
        out.flush();
    }

    /**
     * @return milliseconds since the run began.
     */
    long elapsedMs()
    {
        return (System.nanoTime() - startNs) / 1_000_000;
    }

    /**
     * @param micros money in micro-units of the settlement asset.
     * @return e.g. {@code 1,950 USD} or {@code 0.6001 USD}.
     */
    static String usd(final long micros)
    {
        return plain(BigDecimal.valueOf(micros, 6)) + " USD";
    }

    /**
     * @param ticks     price in ticks.
     * @param tickScale decimal places of the tick size (0.1 USD is 1).
     * @return e.g. {@code 60000.0}.
     */
    static String price(final long ticks, final int tickScale)
    {
        return BigDecimal.valueOf(ticks, tickScale).toPlainString();
    }

    /**
     * @param lots     quantity in lots.
     * @param lotScale decimal places of the lot size (0.001 BTC is 3).
     * @return e.g. {@code 0.050}.
     */
    static String quantity(final long lots, final int lotScale)
    {
        return BigDecimal.valueOf(lots, lotScale).toPlainString();
    }

    private static String plain(final BigDecimal value)
    {
        final BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
