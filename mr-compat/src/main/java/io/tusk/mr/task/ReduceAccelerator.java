package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.Reporter;

import java.io.IOException;
import java.util.Optional;

/**
 * A faster way to run the old-API reduce of some jobs, working on the serialized, merged input
 * instead of deserialized groups; found with {@link java.util.ServiceLoader} on Tusk's class path
 * ({@code streaming-bridge} provides one for Hadoop Streaming's {@code PipeReducer}). An
 * accelerator must produce what the job's own reducer would: the same output records in the same
 * order, the same failures.
 */
public interface ReduceAccelerator
{
    /** A runner for the reduce task configured by {@code conf}, or empty to run the job's reducer. */
    Optional<Runner> runnerFor(JobConf conf);

    /** Runs one reduce task attempt; confined to the task's thread. */
    interface Runner
    {
        /**
         * Reduces {@code input}, the partition's records merged in sort order (serialized keys and
         * values; buffers valid until the next {@code next()}), writing through {@code output}.
         * The caller counts input records and groups and closes the output.
         */
        void run(RecordCursor input, OutputCollector<Object, Object> output, Reporter reporter)
                throws IOException;
    }
}
