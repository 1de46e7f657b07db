package dev.backstop.gateway.metrics;

import io.aeron.AeronCounters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agrona.concurrent.status.CountersReader;

/**
 * Maps the gateway driver's counters operators watch (errors, NAKs, back pressure) to Micrometer gauges.
 * <p>
 * Each gauge looks its counter up by type id in the {@link CountersReader} when scraped, so a counter allocated after
 * binding (a publication added later) is still found; a missing counter reads -1. Counters live in
 * shared memory and may be read from any thread.
 */
public final class AeronDriverGauges
{
    private AeronDriverGauges()
    {
    }

    /**
     * Registers the media driver's gauges: errors, NAKs and the sum of sender back-pressure events.
     *
     * @param registry registry to add to.
     * @param counters counters of the driver.
     * @param prefix   meter name prefix, e.g. {@code backstop.node}.
     */
    public static void bindDriver(final MeterRegistry registry, final CountersReader counters, final String prefix)
    {
        gaugeSystem(registry, counters, prefix + ".aeron.driver.errors", AeronCounters.SYSTEM_COUNTER_ID_ERRORS,
            "errors the media driver has logged");
        gaugeSystem(registry, counters, prefix + ".aeron.driver.naks.sent",
            AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_SENT, "NAKs sent (loss seen by receivers)");
        gaugeSystem(registry, counters, prefix + ".aeron.driver.naks.received",
            AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_RECEIVED, "NAKs received (loss seen by peers)");
        Gauge.builder(prefix + ".aeron.driver.back.pressure", counters,
                (reader) -> sumOfType(reader, AeronCounters.DRIVER_SENDER_BPE_TYPE_ID))
            .description("back-pressure events summed over the driver's publications")
            .register(registry);
    }

    /**
     * @param counters counters to search.
     * @param typeId   type id of the counter.
     * @return value of the first allocated counter of that type, -1 when none.
     */
    public static long valueOfType(final CountersReader counters, final int typeId)
    {
        final int maxId = counters.maxCounterId();
        for (int id = 0; id < maxId; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_ALLOCATED == state)
            {
                if (counters.getCounterTypeId(id) == typeId)
                {
                    return counters.getCounterValue(id);
                }
            }
            else if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
        }
        return -1;
    }

    /**
     * @param counters counters to search.
     * @param typeId   type id of the counters.
     * @return sum of every allocated counter of that type.
     */
    public static long sumOfType(final CountersReader counters, final int typeId)
    {
        long sum = 0;
        final int maxId = counters.maxCounterId();
        for (int id = 0; id < maxId; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_ALLOCATED == state)
            {
                if (counters.getCounterTypeId(id) == typeId)
                {
                    sum += counters.getCounterValue(id);
                }
            }
            else if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
        }
        return sum;
    }

    private static void gaugeSystem(
        final MeterRegistry registry,
        final CountersReader counters,
        final String name,
        final int counterId,
        final String description)
    {
        Gauge.builder(name, counters,
                (reader) -> reader.getCounterState(counterId) == CountersReader.RECORD_ALLOCATED &&
                    reader.getCounterTypeId(counterId) == AeronCounters.DRIVER_SYSTEM_COUNTER_TYPE_ID ?
                    reader.getCounterValue(counterId) : -1)
            .description(description)
            .register(registry);
    }
}
