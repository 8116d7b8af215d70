package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.RecordSink;
import io.tusk.engine.shuffle.ShuffleCombiner;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.io.serializer.Serializer;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.reduce.WrappedReducer;
import org.apache.hadoop.mapreduce.task.ReduceContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;

/**
 * Runs the job's combiner on a sorted run of one partition, as Hadoop does on each spill: a new
 * combiner instance per run, grouping by {@code mapreduce.job.combiner.group.comparator.class} (else
 * the sort comparator), output serialized back into the run. The old API's
 * {@code mapred.combiner.class} takes precedence over the new API's {@code mapreduce.job.combine.class}.
 * Confined to the task's thread.
 */
abstract class CombinerRunner
        implements ShuffleCombiner
{
    protected final JobConf conf;
    protected final TaskAttemptID attemptId;
    protected final TaskReporter reporter;
    protected final Class<Object> keyClass;
    protected final Class<Object> valueClass;
    protected final Counter inputRecords;
    private final Counter outputRecords;
    private final SerializationFactory serialization;
    private final KeyPrefix prefix;

    @SuppressWarnings("unchecked")
    private CombinerRunner(JobConf conf, TaskAttemptID attemptId, TaskReporter reporter, KeyPrefix prefix)
    {
        this.prefix = prefix;
        this.conf = conf;
        this.attemptId = attemptId;
        this.reporter = reporter;
        this.keyClass = (Class<Object>) conf.getMapOutputKeyClass();
        this.valueClass = (Class<Object>) conf.getMapOutputValueClass();
        this.inputRecords = reporter.getCounter(TaskCounter.COMBINE_INPUT_RECORDS);
        this.outputRecords = reporter.getCounter(TaskCounter.COMBINE_OUTPUT_RECORDS);
        this.serialization = new SerializationFactory(conf);
    }

    /**
     * The job's combiner, or null if it has none.
     *
     * @param prefix the sort prefix of the keys the combiner writes back, the map side's
     */
    static ShuffleCombiner create(JobConf conf, TaskAttemptID attemptId, TaskReporter reporter, KeyPrefix prefix)
    {
        if (conf.getCombinerClass() != null) {
            return new Old(conf, attemptId, reporter, prefix);
        }
        if (conf.getClass("mapreduce.job.combine.class", null, Reducer.class) != null) {
            return new New(conf, attemptId, reporter, prefix);
        }
        return null;
    }

    /** Serializes combiner output into the sink. */
    protected final OutputCollector<Object, Object> collector(RecordSink sink)
    {
        Serializer<Object> keySerializer = serialization.getSerializer(keyClass);
        Serializer<Object> valueSerializer = serialization.getSerializer(valueClass);
        RecordOutput keyBuffer = new RecordOutput();
        RecordOutput valueBuffer = new RecordOutput();
        try {
            keySerializer.open(keyBuffer);
            valueSerializer.open(valueBuffer);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return (key, value) -> {
            keyBuffer.reset();
            keySerializer.serialize(key);
            valueBuffer.reset();
            valueSerializer.serialize(value);
            sink.add(prefix.prefix(keyBuffer.data(), 0, keyBuffer.length()), keyBuffer.data(), 0, keyBuffer.length(),
                    valueBuffer.data(), 0, valueBuffer.length());
            outputRecords.increment(1);
        };
    }

    protected final Deserializer<Object> deserializer(Class<Object> type)
    {
        return serialization.getDeserializer(type);
    }

    private static final class Old
            extends CombinerRunner
    {
        Old(JobConf conf, TaskAttemptID attemptId, TaskReporter reporter, KeyPrefix prefix)
        {
            super(conf, attemptId, reporter, prefix);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void combine(int partition, RecordCursor input, RecordSink output)
                throws IOException
        {
            org.apache.hadoop.mapred.Reducer<Object, Object, Object, Object> combiner = ReflectionUtils.newInstance(conf.getCombinerClass(), conf);
            RawComparator<?> grouping = conf.getCombinerKeyGroupingComparator();
            OldApiGroups groups = new OldApiGroups(input, grouping, deserializer(keyClass), deserializer(valueClass), inputRecords);
            OutputCollector<Object, Object> collector = collector(output);
            try {
                while (groups.nextGroup()) {
                    combiner.reduce(groups.key(), groups, collector, reporter);
                }
            }
            finally {
                combiner.close();
            }
        }
    }

    private static final class New
            extends CombinerRunner
    {
        New(JobConf conf, TaskAttemptID attemptId, TaskReporter reporter, KeyPrefix prefix)
        {
            super(conf, attemptId, reporter, prefix);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void combine(int partition, RecordCursor input, RecordSink output)
                throws IOException
        {
            Reducer<Object, Object, Object, Object> combiner = ReflectionUtils.newInstance(conf.getClass("mapreduce.job.combine.class", null, Reducer.class), conf);
            RecordWriter<Object, Object> writer = new CollectorWriter(collector(output));
            // a plain counter per run: the task's counters are synchronized, and this one is per record
            Counter records = new org.apache.hadoop.mapreduce.counters.GenericCounter();
            try {
                ReduceContextImpl<Object, Object, Object, Object> context = new ReduceContextImpl<>(conf, attemptId, new CursorKeyValueIterator(input),
                        null, records, writer, null, reporter, (RawComparator<Object>) conf.getCombinerKeyGroupingComparator(), keyClass, valueClass);
                combiner.run(new WrappedReducer<Object, Object, Object, Object>().getReducerContext(context));
                inputRecords.increment(records.getValue());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("combiner interrupted");
            }
        }
    }
}
