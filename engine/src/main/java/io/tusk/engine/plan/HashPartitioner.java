package io.tusk.engine.plan;

import static io.tusk.engine.TuskException.checkArgument;

/** {@code floorMod(key.hashCode(), partitions)}; null keys go to partition 0. */
public record HashPartitioner(int partitions)
        implements Partitioner
{
    public HashPartitioner
    {
        checkArgument(partitions > 0, "partitions must be positive: %s", partitions);
    }

    @Override
    public int partition(Object key)
    {
        return key == null ? 0 : Math.floorMod(key.hashCode(), partitions);
    }
}
