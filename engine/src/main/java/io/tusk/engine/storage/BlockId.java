package io.tusk.engine.storage;

import static io.tusk.engine.TuskException.checkArgument;

/** A cached partition: dataset and partition number. */
public record BlockId(int datasetId, int partition)
{
    public BlockId
    {
        checkArgument(datasetId >= 0, "datasetId is negative: %s", datasetId);
        checkArgument(partition >= 0, "partition is negative: %s", partition);
    }

    @Override
    public String toString()
    {
        return "dataset_" + datasetId + ".partition_" + partition;
    }
}
