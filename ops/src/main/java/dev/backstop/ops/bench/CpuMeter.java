package dev.backstop.ops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time the processes of one side spend during the measured part of a run, read from the operating system
 * ({@link ProcessHandle.Info#totalCpuDuration()}, all threads) when it begins and ends. Divided by the messages
 * measured it says where each message's cost goes, a figure that other load on the machine disturbs far less than
 * rates and latencies do.
 */
final class CpuMeter implements LoadGenerator.Observer
{
    private final Map<String, List<ProcessHandle>> roles = new LinkedHashMap<>();
    private final Map<String, Long> startNs = new LinkedHashMap<>();
    private final Map<String, Long> usedNs = new LinkedHashMap<>();

    /**
     * @param role      e.g. {@code nodes}.
     * @param processes whose CPU time counts for the role.
     * @return this.
     */
    CpuMeter role(final String role, final List<ProcessHandle> processes)
    {
        roles.put(role, new ArrayList<>(processes));
        return this;
    }

    public void onMeasureStart()
    {
        usedNs.clear();
        roles.forEach((role, processes) -> startNs.put(role, cpuNs(processes)));
    }

    public void onMeasureEnd()
    {
        roles.forEach((role, processes) ->
        {
            final Long start = startNs.get(role);
            final long end = cpuNs(processes);
            if (null != start && start >= 0 && end >= 0)
            {
                usedNs.put(role, end - start);
            }
        });
    }

    /**
     * @param messages messages the measured time carried.
     * @return CPU microseconds per message by role, one decimal; empty when nothing was measured.
     */
    Map<String, Double> perMessageUs(final double messages)
    {
        final Map<String, Double> perMessage = new LinkedHashMap<>();
        if (messages > 0)
        {
            usedNs.forEach((role, ns) -> perMessage.put(role, Measurement.round1(ns / 1000.0 / messages)));
        }
        return perMessage;
    }

    private static long cpuNs(final List<ProcessHandle> processes)
    {
        long total = 0;
        for (final ProcessHandle process : processes)
        {
            final Duration cpu = process.info().totalCpuDuration().orElse(null);
            if (null == cpu)
            {
                return -1;
            }
            total += cpu.toNanos();
        }
        return total;
    }
}
