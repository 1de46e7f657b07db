package dev.backstop.ops.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuMeterTest
{
    @Test
    void chargesTheCpuTimeSpentBetweenStartAndEndToEachMessage()
    {
        final CpuMeter meter = new CpuMeter().role("client", List.of(ProcessHandle.current()));
        meter.onMeasureStart();
        // burn 50 ms of this thread's own CPU time, however busy the machine is
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long untilCpuNs = threads.getCurrentThreadCpuTime() + 50_000_000L;
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() < untilCpuNs)
        {
            sink += sink * 31 + 7;
        }
        meter.onMeasureEnd();

        final Map<String, Double> perMessage = meter.perMessageUs(1_000);
        assertTrue(sink != 1, "keep the loop");
        assertEquals(1, perMessage.size());
        // 50 ms of this thread alone is 50 us for each of 1,000 messages; the OS counts in clock ticks
        assertTrue(perMessage.get("client") >= 30, perMessage.toString());
        assertTrue(meter.perMessageUs(0).isEmpty());
    }
}
