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

    /**
     * Combines as {@link #combine(int, RecordCursor, RecordSink)}, as one stage of a combine run in
     * stages (records combined in small batches, their outputs combined again): {@code original}
     * says whether the input is the records the task wrote rather than an earlier stage's output,
     * {@code handedOn} whether the output leaves combining rather than going to a later stage. A
     * combiner that counts what it reads and writes counts the original input and the handed-on
     * output only, so that its counts are those of one combine over the task's records however many
     * stages it ran in.
     */
    default void combine(int partition, RecordCursor input, RecordSink output, boolean original, boolean handedOn)
            throws IOException
    {
        combine(partition, input, output);
    }

    /**
     * Counts records that skipped a stage of a staged combine: {@code inputs} of the task's own
     * records that went straight to a later stage, {@code outputs} of an earlier stage's output that
     * left combining without a later stage.
     */
    default void skipped(long inputs, long outputs) {}
}
