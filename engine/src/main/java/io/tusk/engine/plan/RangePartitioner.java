package io.tusk.engine.plan;

import java.util.Arrays;
import java.util.Comparator;

import static java.util.Objects.requireNonNull;

/**
 * Assigns keys to partitions by ranges between sorted bounds, so that partition {@code i} holds keys
 * smaller than those of partition {@code i + 1} in {@code comparator} order (reversed when
 * descending). {@code bounds.length + 1} partitions.
 */
public final class RangePartitioner
        implements Partitioner
{
    private final Object[] bounds;
    private final Comparator<Object> comparator;

    public RangePartitioner(Object[] bounds, Comparator<Object> comparator)
    {
        this.bounds = requireNonNull(bounds, "bounds is null").clone();
        this.comparator = requireNonNull(comparator, "comparator is null");
    }

    @Override
    public int partitions()
    {
        return bounds.length + 1;
    }

    @Override
    public int partition(Object key)
    {
        int found = Arrays.binarySearch(bounds, key, comparator);
        return found >= 0 ? found : -found - 1;
    }

    @Override
    public String toString()
    {
        return "RangePartitioner(" + partitions() + ")";
    }
}
