package io.tusk.mr.task;

import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;

import java.io.IOException;
import java.util.Optional;

/**
 * A faster way to run the old-API map of some jobs, found with {@link java.util.ServiceLoader} on
 * Tusk's class path ({@code streaming-bridge} provides one for Hadoop Streaming's
 * {@code PipeMapRunner}). An accelerator must produce what the job's own map runner would: the
 * same output records in the same order, the same failures.
 */
public interface MapAccelerator
{
    /** A runner for the map task configured by {@code conf}, or empty to run the job's map runner. */
    Optional<Runner> runnerFor(JobConf conf);

    /** Runs one map task attempt; confined to the task's thread. */
    interface Runner
    {
        /**
         * Maps every record of {@code input} (the caller closes it), collecting into {@code output},
         * or into {@code text} when that is not null and the output is a pair of {@code Text}.
         */
        void run(RecordReader<Object, Object> input, OutputCollector<Object, Object> output, TextSink text, Reporter reporter)
                throws IOException;
    }

    /**
     * Takes a map output record whose key and value are {@code Text}, given as the UTF-8 bytes of
     * each, and serializes it straight into the shuffle; exactly as collecting the two {@code Text}
     * objects would. Thread-safe.
     */
    interface TextSink
    {
        void collect(byte[] bytes, int keyOffset, int keyLength, int valueOffset, int valueLength)
                throws IOException;
    }
}
