package dev.backstop.ops.bench;

import dev.backstop.ops.demo.JsonLine;
import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * One measurement of one side: a closed-loop maximum-rate run ({@code mode "max"}) or a fixed-rate run
 * ({@code mode "fixed"}), printed as one JSON line.
 *
 * @param round        which round of the run, from 1.
 * @param side         {@code echo}, {@code echo-gateway} or {@code backstop}.
 * @param mode         {@code max} or {@code fixed}.
 * @param offeredRate  messages per second offered (NaN for the closed loop, which offers as fast as answers come).
 * @param window       messages in flight for the closed loop, 0 for a fixed rate.
 * @param durationS    measured seconds (warm-up excluded).
 * @param achievedRate answers per second: for the closed loop, answers received during the measured time; for a
 *                     fixed rate, recorded answers over the time from the first one due to the last one answered.
 * @param sent         messages sent during the measured time.
 * @param count        of those, how many were answered.
 * @param errors       of those, how many were answered with anything but the expected success.
 * @param complete     every message due was sent and answered before the drain timed out.
 * @param unsent       messages of a fixed-rate schedule never sent (an overloaded run gives up).
 * @param errorCodes   the errors by result code, e.g. {@code BACK_PRESSURED:3}, empty when none.
 * @param cpuUsPerMessage CPU time per message measured, in microseconds, by role ({@code nodes} for the three
 *                     node processes together, {@code gateway}, {@code client} for the load generator's JVM and
 *                     its media driver); empty when not measured.
 * @param latency      latency percentiles.
 */
public record Measurement(
    int round,
    String side,
    String mode,
    double offeredRate,
    int window,
    double durationS,
    double achievedRate,
    long sent,
    long count,
    long errors,
    boolean complete,
    long unsent,
    String errorCodes,
    Map<String, Double> cpuUsPerMessage,
    Latency latency)
{
    /**
     * @param unsent messages never sent.
     * @return a copy with {@code unsent} set.
     */
    Measurement withUnsent(final long unsent)
    {
        return new Measurement(round, side, mode, offeredRate, window, durationS, achievedRate, sent, count, errors,
            complete, unsent, errorCodes, cpuUsPerMessage, latency);
    }

    /**
     * @param round which round of the run, from 1.
     * @return a copy in that round.
     */
    Measurement inRound(final int round)
    {
        return new Measurement(round, side, mode, offeredRate, window, durationS, achievedRate, sent, count, errors,
            complete, unsent, errorCodes, cpuUsPerMessage, latency);
    }

    /**
     * @param cpuUsPerMessage CPU microseconds per message by role.
     * @return a copy with the CPU figures set.
     */
    Measurement withCpu(final Map<String, Double> cpuUsPerMessage)
    {
        return new Measurement(round, side, mode, offeredRate, window, durationS, achievedRate, sent, count, errors,
            complete, unsent, errorCodes, Map.copyOf(cpuUsPerMessage), latency);
    }

    /**
     * @return messages the measured time carried: answers in the window for the closed loop, messages sent for a
     * fixed rate.
     */
    double messagesMeasured()
    {
        return Double.isNaN(offeredRate) ? achievedRate * durationS : sent;
    }

    /**
     * @return true when every message sent was answered with success.
     */
    public boolean clean()
    {
        return complete && count == sent && 0 == errors;
    }

    /**
     * @return the JSON line.
     */
    public String toJson()
    {
        final JsonLine json = new JsonLine()
            .field("metric", "latency")
            .field("round", round)
            .field("side", side)
            .field("mode", mode);
        if (Double.isNaN(offeredRate))
        {
            json.rawField("offeredRate", "null");
        }
        else
        {
            json.field("offeredRate", Math.round(offeredRate));
        }
        if (window > 0)
        {
            json.field("window", window);
        }
        json.field("durationS", durationS)
            .field("achievedRate", round1(achievedRate))
            .field("sent", sent)
            .field("count", count)
            .field("errors", errors)
            .field("unanswered", sent - count);
        if (unsent > 0)
        {
            json.field("unsent", unsent);
        }
        if (!errorCodes.isEmpty())
        {
            json.field("errorCodes", errorCodes);
        }
        for (final String role : new String[]{ "nodes", "gateway", "client" })
        {
            final Double cpu = cpuUsPerMessage.get(role);
            if (null != cpu)
            {
                json.field("cpuUsPerMsg" + Character.toUpperCase(role.charAt(0)) + role.substring(1), cpu);
            }
        }
        return json
            .field("p50Us", latency.p50Us())
            .field("p90Us", latency.p90Us())
            .field("p99Us", latency.p99Us())
            .field("p999Us", latency.p999Us())
            .field("maxUs", latency.maxUs())
            .field("meanUs", latency.meanUs())
            .toString();
    }

    static double round1(final double value)
    {
        return Math.round(value * 10.0) / 10.0;
    }

    /**
     * Latency percentiles in microseconds, one decimal.
     *
     * @param p50Us  median.
     * @param p90Us  90th percentile.
     * @param p99Us  99th percentile.
     * @param p999Us 99.9th percentile.
     * @param maxUs  largest.
     * @param meanUs mean.
     */
    public record Latency(double p50Us, double p90Us, double p99Us, double p999Us, double maxUs, double meanUs)
    {
        static Latency of(final Histogram histogram)
        {
            if (0 == histogram.getTotalCount())
            {
                return new Latency(0, 0, 0, 0, 0, 0);
            }
            return new Latency(
                us(histogram.getValueAtPercentile(50)),
                us(histogram.getValueAtPercentile(90)),
                us(histogram.getValueAtPercentile(99)),
                us(histogram.getValueAtPercentile(99.9)),
                us(histogram.getMaxValue()),
                round1(histogram.getMean() / 1000.0));
        }

        private static double us(final long ns)
        {
            return round1(ns / 1000.0);
        }
    }
}
