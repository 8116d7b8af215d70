package io.tusk.mr.task;

import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/** The new API's record writer over an old-API collector; closing it does nothing. */
final class CollectorWriter
        extends RecordWriter<Object, Object>
{
    private final OutputCollector<Object, Object> collector;

    CollectorWriter(OutputCollector<Object, Object> collector)
    {
        this.collector = requireNonNull(collector, "collector is null");
    }

    @Override
    public void write(Object key, Object value)
            throws IOException
    {
        collector.collect(key, value);
    }

    @Override
    public void close(TaskAttemptContext context) {}
}
