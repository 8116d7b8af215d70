package io.tusk.mr.job;

import io.tusk.engine.plan.Partitioner;

import static io.tusk.engine.TuskException.checkArgument;

/**
 * The reduce partitions of a MapReduce shuffle. Map tasks partition with the job's own partitioner
 * as they collect, so the engine never asks this one for a key's partition.
 */
record TaskPartitions(int partitions)
        implements Partitioner
{
    TaskPartitions
    {
        checkArgument(partitions > 0, "partitions must be positive: %s", partitions);
    }

    @Override
    public int partition(Object key)
    {
        throw new UnsupportedOperationException("MapReduce map tasks partition with the job's partitioner");
    }
}
