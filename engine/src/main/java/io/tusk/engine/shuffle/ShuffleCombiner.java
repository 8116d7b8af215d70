package io.tusk.engine.shuffle;

import java.io.IOException;

/**
 * Combines the records of one partition of a sorted run: reads the input in order and writes fewer
 * (or the same) records to the output, in the same order. Called zero or more times per record, on
 * the map side before a spill and at the end of a map task. Confined to the calling thread; one
 * instance per task.
 */
@FunctionalInterface
public interface ShuffleCombiner
{
    void combine(int partition, RecordCursor input, RecordSink output)
            throws IOException;
}
