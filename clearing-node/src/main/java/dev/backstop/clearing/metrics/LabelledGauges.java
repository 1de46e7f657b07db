package dev.backstop.clearing.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One gauge per label for a family of values whose labels appear while the node runs: the equity of each backstop
 * pool (label: the pool's id), and the seam for later families such as the loss waterfall's usage per rung.
 * <p>
 * The service thread publishes {@code (label, value)} rows into pre-sized arrays after each message, so its path
 * allocates nothing and never touches Micrometer. The metrics thread registers a gauge for every label it has not
 * seen yet just before each scrape ({@link #registerNew()}), and each gauge looks its label up by value, so a
 * restored node whose rows come back in another order still reports each label's own value. Labels are never
 * removed (pools are never closed); at most {@link #capacity()} labels are exported, the rest are counted in
 * {@link #overflow()} so a dashboard can tell that rows are missing.
 */
public final class LabelledGauges
{
    private final String name;
    private final String tagKey;
    private final String description;
    private final int capacity;
    private final AtomicLongArray labels;
    private final AtomicLongArray values;
    /** [0]: rows published, [1]: rows that did not fit. Written by the service thread only. */
    private final AtomicIntegerArray counts = new AtomicIntegerArray(2);

    private MeterRegistry registry;
    private String prefix;
    private int registered;

    /**
     * @param name        meter name after the registry prefix, e.g. {@code pool.equity}.
     * @param tagKey      tag that carries the label, e.g. {@code pool}.
     * @param description meter description.
     * @param capacity    most labels exported.
     */
    public LabelledGauges(final String name, final String tagKey, final String description, final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.name = name;
        this.tagKey = tagKey;
        this.description = description;
        this.capacity = capacity;
        this.labels = new AtomicLongArray(capacity);
        this.values = new AtomicLongArray(capacity);
    }

    /**
     * Publishes the value of one row. Called by the service thread only, for rows {@code 0 .. n-1} then
     * {@link #publishCount(int)} with {@code n}.
     *
     * @param index row, from 0; rows beyond the capacity are ignored (and counted by {@link #publishCount(int)}).
     * @param label the row's label, e.g. a pool id.
     * @param value the value.
     */
    public void publish(final int index, final long label, final long value)
    {
        if (index >= 0 && index < capacity)
        {
            values.lazySet(index, value);
            labels.lazySet(index, label);
        }
    }

    /**
     * Publishes how many rows there are now. Called by the service thread after the rows themselves.
     *
     * @param count rows published.
     */
    public void publishCount(final int count)
    {
        counts.lazySet(1, Math.max(0, count - capacity));
        counts.lazySet(0, Math.min(count, capacity));
    }

    /**
     * @param label a label.
     * @return its last published value, NaN when no row carries it.
     */
    public double valueOf(final long label)
    {
        final int count = counts.get(0);
        for (int i = 0; i < count; i++)
        {
            if (labels.get(i) == label)
            {
                return values.get(i);
            }
        }
        return Double.NaN;
    }

    /**
     * @return rows published, at most {@link #capacity()}.
     */
    public int count()
    {
        return counts.get(0);
    }

    /**
     * @return rows published beyond the capacity, which have no gauge.
     */
    public int overflow()
    {
        return counts.get(1);
    }

    /**
     * @return most labels exported.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Remembers the registry and registers a gauge for every row published so far plus one counting the rows that
     * did not fit. Called once, by the thread that owns the registry.
     *
     * @param registry registry to add to.
     * @param prefix   meter name prefix, e.g. {@code backstop.node}.
     */
    public synchronized void bindTo(final MeterRegistry registry, final String prefix)
    {
        this.registry = registry;
        this.prefix = prefix;
        Gauge.builder(prefix + "." + name + ".overflow", counts, (array) -> array.get(1))
            .description("rows of " + prefix + "." + name + " beyond the " + capacity + " exported")
            .register(registry);
        registerNew();
    }

    /**
     * Registers a gauge for each label published since the last call. Called by the metrics thread before a scrape;
     * does nothing until {@link #bindTo} has been called.
     *
     * @return gauges registered by this call.
     */
    public synchronized int registerNew()
    {
        if (null == registry)
        {
            return 0;
        }
        final int count = counts.get(0);
        int added = 0;
        while (registered < count)
        {
            final long label = labels.get(registered++);
            // A label seen twice (a row moved after a restart) maps to the same meter: Micrometer returns the first.
            Gauge.builder(prefix + "." + name, this, (gauges) -> gauges.valueOf(label))
                .description(description)
                .tag(tagKey, Long.toString(label))
                .register(registry);
            added++;
        }
        return added;
    }
}
