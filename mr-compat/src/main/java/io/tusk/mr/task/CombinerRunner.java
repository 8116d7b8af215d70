package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.RecordSink;
import io.tusk.engine.shuffle.ShuffleCombiner;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.io.serializer.Serializer;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.reduce.WrappedReducer;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;
import java.util.Set;

/**
 * Runs the job's combiner on a sorted run of one partition, as Hadoop does on each spill: a new
 * combiner instance per run, grouping by {@code mapreduce.job.combiner.group.comparator.class} (else
 * the sort comparator), output serialized back into the run. The old API's
 * {@code mapred.combiner.class} takes precedence over the new API's {@code mapreduce.job.combine.class}.
 * As Hadoop's combiner runners, it looks up the combiner's class and makes the grouping comparator
 * once per task; the serialization factory is made once too (Hadoop makes one per old-API run, which
 * no job can tell apart): a map that combines before sorting runs the combiner thousands of times.
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
    /** Whether this combine counts its input and its output (see {@link ShuffleCombiner#combine(int, RecordCursor, RecordSink, boolean, boolean)}). */
    protected boolean countInput = true;
    private boolean countOutput = true;
    /** Runs in progress: more than one while a run's output has started another, which then uses a context and collector of its own. */
    private int running;
    protected final SerializationFactory serialization;
    private final KeyPrefix prefix;
    /** The combiner's grouping comparator, one for the task's runs as in Hadoop. */
    protected final RawComparator<?> grouping;
    private RunOutput runOutput;

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
        this.grouping = SameBytesEqual.wrap(conf.getCombinerKeyGroupingComparator());
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

    /** Turns off {@link #mayCombineBeforeSorting}: the combiner then runs only on sorted runs, as in Hadoop. */
    static final String COMBINE_BEFORE_SORT = "tusk.combine.before.sort";
    /**
     * Map output key classes whose comparator (Hadoop's own, registered for the class) calls two keys
     * equal exactly when their serialized bytes are equal.
     */
    private static final Set<String> BYTE_EQUAL_KEYS = Set.of("org.apache.hadoop.io.Text", "org.apache.hadoop.io.IntWritable",
            "org.apache.hadoop.io.LongWritable", "org.apache.hadoop.io.VIntWritable", "org.apache.hadoop.io.VLongWritable",
            "org.apache.hadoop.io.BytesWritable", "org.apache.hadoop.io.NullWritable", "org.apache.hadoop.io.BooleanWritable",
            "org.apache.hadoop.io.ByteWritable", "org.apache.hadoop.io.ShortWritable");

    /**
     * Whether the job's combiner may run on the map's records gathered by key bytes before they are
     * sorted (see {@code ShuffleSorter.combineBeforeSorting}): Hadoop's contract lets a combiner see
     * any subset of a key's values, so grouping by bytes is right wherever the key comparator's
     * equality is byte equality: the key class is one of Hadoop's with its own comparator, and the
     * job sets no sort or combiner grouping comparator. Streaming combiners (programs reading lines
     * that may expect them sorted) keep sorted input; so does a job that sets
     * {@code tusk.combine.before.sort=false}.
     */
    static boolean mayCombineBeforeSorting(JobConf conf)
    {
        if (!conf.getBoolean(COMBINE_BEFORE_SORT, true)) {
            return false;
        }
        Class<?> oldApi = conf.getCombinerClass();
        if (oldApi != null && oldApi.getName().startsWith("org.apache.hadoop.streaming.")) {
            return false;
        }
        if (conf.get(MRJobConfig.KEY_COMPARATOR) != null || conf.get(MRJobConfig.COMBINER_GROUP_COMPARATOR_CLASS) != null) {
            return false;
        }
        Class<?> keyClass = conf.getMapOutputKeyClass();
        if (!BYTE_EQUAL_KEYS.contains(keyClass.getName())) {
            return false;
        }
        // a comparator registered in place of the class's own orders by its own rules
        Class<?> comparator = conf.getOutputKeyComparator().getClass();
        return comparator == WritableComparator.class || comparator.getName().equals(keyClass.getName() + "$Comparator");
    }

    @Override
    public final void combine(int partition, RecordCursor input, RecordSink output, boolean original, boolean handedOn)
            throws IOException
    {
        // a run's output may start another run before it ends (the sorter combines a full second
        // stage while the first stage's run writes into it): the outer run's flags come back after
        boolean outerCountsInput = countInput;
        boolean outerCountsOutput = countOutput;
        countInput = original;
        countOutput = handedOn;
        try {
            combine(partition, input, output);
        }
        finally {
            countInput = outerCountsInput;
            countOutput = outerCountsOutput;
        }
    }

    /** One run of the job's combiner over {@code input}, its output into {@code output}. */
    @Override
    public final void combine(int partition, RecordCursor input, RecordSink output)
            throws IOException
    {
        running++;
        try {
            run(partition, input, output);
        }
        finally {
            running--;
        }
    }

    /** Whether the run at hand is the only one in progress, not one started by another's output. */
    protected final boolean outermost()
    {
        return running == 1;
    }

    /** Runs a new instance of the job's combiner over {@code input}; {@link #running} counts this run. */
    protected abstract void run(int partition, RecordCursor input, RecordSink output)
            throws IOException;

    @Override
    public final void skipped(long inputs, long outputs)
    {
        inputRecords.increment(inputs);
        outputRecords.increment(outputs);
    }

    /**
     * Serializes combiner output into {@code sink}: one collector for the task's runs, writing into
     * the sink of the run at hand; a run started inside another gets one of its own.
     */
    protected final OutputCollector<Object, Object> collector(RecordSink sink)
    {
        RunOutput collector = outermost() ? runOutput : new RunOutput();
        if (collector == null) {
            collector = new RunOutput();
            runOutput = collector;
        }
        collector.sink = sink;
        return collector;
    }

    private final class RunOutput
            implements OutputCollector<Object, Object>
    {
        private final Serializer<Object> keySerializer = serialization.getSerializer(keyClass);
        private final Serializer<Object> valueSerializer = serialization.getSerializer(valueClass);
        private final RecordOutput keyBuffer = new RecordOutput();
        private final RecordOutput valueBuffer = new RecordOutput();
        private RecordSink sink;

        RunOutput()
        {
            try {
                keySerializer.open(keyBuffer);
                valueSerializer.open(valueBuffer);
            }
            catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void collect(Object key, Object value)
                throws IOException
        {
            keyBuffer.reset();
            keySerializer.serialize(key);
            valueBuffer.reset();
            valueSerializer.serialize(value);
            sink.add(prefix.prefix(keyBuffer.data(), 0, keyBuffer.length()), keyBuffer.data(), 0, keyBuffer.length(),
                    valueBuffer.data(), 0, valueBuffer.length());
            if (countOutput) {
                outputRecords.increment(1);
            }
        }
    }

    protected final Deserializer<Object> deserializer(Class<Object> type)
    {
        return serialization.getDeserializer(type);
    }

    private static final class Old
            extends CombinerRunner
    {
        private final Class<? extends org.apache.hadoop.mapred.Reducer> combinerClass;

        Old(JobConf conf, TaskAttemptID attemptId, TaskReporter reporter, KeyPrefix prefix)
        {
            super(conf, attemptId, reporter, prefix);
            this.combinerClass = conf.getCombinerClass();
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void run(int partition, RecordCursor input, RecordSink output)
                throws IOException
        {
            org.apache.hadoop.mapred.Reducer<Object, Object, Object, Object> combiner = ReflectionUtils.newInstance(combinerClass, conf);
            OldApiGroups groups = new OldApiGroups(input, grouping, keyClass, deserializer(keyClass), valueClass, deserializer(valueClass), countInput ? inputRecords : null);
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
        private final Class<? extends Reducer> combinerClass;
        private CursorReduceContext context;
        private Reducer<Object, Object, Object, Object>.Context wrapped;

        New(JobConf conf, TaskAttemptID attemptId, TaskReporter reporter, KeyPrefix prefix)
        {
            super(conf, attemptId, reporter, prefix);
            this.combinerClass = conf.getClass("mapreduce.job.combine.class", null, Reducer.class);
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void run(int partition, RecordCursor input, RecordSink output)
                throws IOException
        {
            Reducer<Object, Object, Object, Object> combiner = ReflectionUtils.newInstance(combinerClass, conf);
            OutputCollector<Object, Object> collector = collector(output);
            try {
                // one context for the task's runs, read afresh by each (making one per run asked for the
                // current user every time); a run started inside another makes its own
                CursorReduceContext runContext;
                Reducer<Object, Object, Object, Object>.Context runWrapped;
                if (outermost() && context != null && context.reuse(input)) {
                    runContext = context;
                    runWrapped = wrapped;
                }
                else {
                    runContext = new CursorReduceContext(conf, attemptId, input, new CollectorWriter(collector), null, reporter, grouping, keyClass, valueClass, serialization);
                    runWrapped = new WrappedReducer<Object, Object, Object, Object>().getReducerContext(runContext);
                    if (outermost()) {
                        context = runContext;
                        wrapped = runWrapped;
                    }
                }
                combiner.run(runWrapped);
                // the context counts the values it hands out: the task's counters are synchronized, and this one is per record
                if (countInput) {
                    inputRecords.increment(runContext.inputValues());
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("combiner interrupted");
            }
        }
    }
}
