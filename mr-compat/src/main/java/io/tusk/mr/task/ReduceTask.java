package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.task.TaskContext;
import io.tusk.mr.cache.OutputCapture;
import io.tusk.mr.counters.FileSystemCounters;
import io.tusk.mr.counters.JvmCounters;
import io.tusk.mr.job.JobSpec;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.OutputFormat;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.reduce.WrappedReducer;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One attempt of a reduce task, for both APIs: reads the partition merged from all map outputs in
 * sort order, groups adjacent keys with the grouping comparator, runs the job's reducer, writes
 * with the job's output format and commits. Confined to the task's thread.
 */
public final class ReduceTask
{
    private final JobSpec spec;
    private final int partition;
    private final TaskAttemptID attemptId;
    private final JobConf conf;
    private final TaskReporter reporter;

    public ReduceTask(JobSpec spec, int partition, TaskContext context, Counters counters)
    {
        this.spec = requireNonNull(spec, "spec is null");
        this.partition = partition;
        this.attemptId = spec.attemptId(TaskType.REDUCE, partition, context.attemptNumber());
        this.conf = spec.taskConf(attemptId);
        conf.setInt("mapreduce.job.maps", spec.maps());
        this.reporter = new TaskReporter(counters, null, context.progress());
        TaskTimeout.watch(conf, attemptId, context.progress());
    }

    public void run(RecordCursor shuffled)
            throws Exception
    {
        FileSystemCounters fileSystems = new FileSystemCounters();
        JvmCounters jvm = JvmCounters.start(conf);
        shuffleCounters();
        // as Hadoop's reduce task: copy, sort and reduce weigh a third each; the first two are done
        ProgressCursor input = new ProgressCursor(shuffled, reporter.attemptProgress());
        float third = 1.0f / 3;
        reporter.startPhase(third * 2, third, input);
        boolean newApi = conf.getUseNewReducer();
        TaskCommitter committer = TaskCommitter.setUp(conf, org.apache.hadoop.mapred.TaskAttemptID.downgrade(attemptId), newApi, reporter);
        OutputCapture[] capture = new OutputCapture[1];
        try {
            if (newApi) {
                runNewReducer(input, committer, capture);
            }
            else {
                runOldReducer(input, capture);
            }
            input.drain();
            // what Hadoop's reduce fetches: this partition's segment of every map's output file (compressed ones the job counts from the maps)
            if (!CompressedSegments.measured(conf)) {
                reporter.getCounter(TaskCounter.REDUCE_SHUFFLE_BYTES).increment(input.ifileBytes() + (long) IFileSizes.SEGMENT_TRAILER * spec.maps());
            }
            committer.commit();
            if (capture[0] != null) {
                capture[0].committed();
            }
        }
        catch (Exception | Error e) {
            committer.abort();
            if (capture[0] != null) {
                capture[0].discard();
            }
            throw e;
        }
        fileSystems.record(reporter.counters(), FileSystemCounters.scheme(conf.get("mapreduce.output.fileoutputformat.outputdir"), conf));
        jvm.record(reporter.counters());
    }

    /**
     * The shuffle counters Hadoop's reduce task reports: every map's output is fetched once, from
     * memory or a local file, and merged; fetches cannot fail, so the error counters stay 0.
     */
    private void shuffleCounters()
    {
        Counters counters = reporter.counters();
        counters.findCounter(TaskCounter.SHUFFLED_MAPS).increment(spec.maps());
        counters.findCounter(TaskCounter.FAILED_SHUFFLE).increment(0);
        counters.findCounter(TaskCounter.MERGED_MAP_OUTPUTS).increment(spec.maps());
        for (String error : List.of("BAD_ID", "CONNECTION", "IO_ERROR", "WRONG_LENGTH", "WRONG_MAP", "WRONG_REDUCE")) {
            counters.findCounter("Shuffle Errors", error).increment(0);
        }
    }

    @SuppressWarnings("unchecked")
    /** @param capture receives the capture of the output file, if the job's output is kept */
    private void runNewReducer(RecordCursor input, TaskCommitter committer, OutputCapture[] capture)
            throws Exception
    {
        TaskAttemptContext taskContext = new TaskAttemptContextImpl(conf, attemptId, reporter);
        Reducer<Object, Object, Object, Object> reducer = (Reducer<Object, Object, Object, Object>) ReflectionUtils.newInstance(taskContext.getReducerClass(), conf);
        OutputFormat<Object, Object> outputFormat = (OutputFormat<Object, Object>) committer.newOutputFormat();
        capture[0] = OutputCapture.start(conf, OutputCapture.newApiName(taskContext)).orElse(null);
        RecordWriter<Object, Object> created = outputFormat.getRecordWriter(taskContext);
        RecordWriter<Object, Object> out = capture[0] == null ? created : capture[0].wrap(created, conf);
        Counter outputRecords = reporter.getCounter(TaskCounter.REDUCE_OUTPUT_RECORDS);
        RecordWriter<Object, Object> writer = new RecordWriter<>()
        {
            @Override
            public void write(Object key, Object value)
                    throws IOException, InterruptedException
            {
                out.write(key, value);
                outputRecords.increment(1);
                reporter.progress();
            }

            @Override
            public void close(TaskAttemptContext context)
                    throws IOException, InterruptedException
            {
                out.close(context);
            }
        };
        // groups and records counted by the context, added to the task's synchronized counters at the end
        CursorReduceContext reduceContext = new CursorReduceContext(conf, attemptId, input, writer, committer.committer(), reporter, SameBytesEqual.wrap(conf.getOutputValueGroupingComparator()),
                (Class<Object>) conf.getMapOutputKeyClass(), (Class<Object>) conf.getMapOutputValueClass());
        Reducer<Object, Object, Object, Object>.Context reducerContext = new WrappedReducer<Object, Object, Object, Object>().getReducerContext(reduceContext);
        try {
            reducer.run(reducerContext);
        }
        finally {
            writer.close(reducerContext);
            reporter.getCounter(TaskCounter.REDUCE_INPUT_GROUPS).increment(reduceContext.inputKeys());
            reporter.getCounter(TaskCounter.REDUCE_INPUT_RECORDS).increment(reduceContext.inputValues());
        }
    }

    @SuppressWarnings("unchecked")
    /** @param capture receives the capture of the output file, if the job's output is kept */
    private void runOldReducer(RecordCursor input, OutputCapture[] capture)
            throws IOException
    {
        Optional<ReduceAccelerator.Runner> accelerated = Accelerators.reduceRunner(conf);
        org.apache.hadoop.mapred.Reducer<Object, Object, Object, Object> reducer = accelerated.isPresent() ? null : ReflectionUtils.newInstance(conf.getReducerClass(), conf);
        String name = String.format("part-%05d", partition);
        org.apache.hadoop.mapred.RecordWriter<Object, Object> created = conf.getOutputFormat().getRecordWriter(FileSystem.get(conf), conf, name, reporter);
        capture[0] = OutputCapture.start(conf, name).orElse(null);
        org.apache.hadoop.mapred.RecordWriter<Object, Object> out = capture[0] == null ? created : capture[0].wrap(created, conf);
        Counter outputRecords = reporter.getCounter(TaskCounter.REDUCE_OUTPUT_RECORDS);
        OutputCollector<Object, Object> collector = (key, value) -> {
            out.write(key, value);
            outputRecords.increment(1);
            reporter.progress();
        };
        if (accelerated.isPresent()) {
            try {
                accelerated.get().run(new GroupCountingCursor(input, SameBytesEqual.wrap(conf.getOutputValueGroupingComparator()),
                        reporter.getCounter(TaskCounter.REDUCE_INPUT_RECORDS), reporter.getCounter(TaskCounter.REDUCE_INPUT_GROUPS)), collector, reporter);
            }
            finally {
                out.close(reporter);
            }
            return;
        }
        SerializationFactory serialization = new SerializationFactory(conf);
        OldApiGroups groups = new OldApiGroups(input, SameBytesEqual.wrap(conf.getOutputValueGroupingComparator()),
                conf.getMapOutputKeyClass(), serialization.getDeserializer((Class<Object>) conf.getMapOutputKeyClass()),
                conf.getMapOutputValueClass(), serialization.getDeserializer((Class<Object>) conf.getMapOutputValueClass()),
                reporter.getCounter(TaskCounter.REDUCE_INPUT_RECORDS));
        Counter inputGroups = reporter.getCounter(TaskCounter.REDUCE_INPUT_GROUPS);
        boolean closed = false;
        try {
            while (groups.nextGroup()) {
                inputGroups.increment(1);
                reducer.reduce(groups.key(), groups, collector, reporter);
            }
            closed = true;
            reducer.close();
        }
        finally {
            if (!closed) {
                // as Hadoop's ReduceTask: the reducer is closed after a failure too
                try {
                    reducer.close();
                }
                catch (IOException | RuntimeException ignored) {
                    // already failing
                }
            }
            out.close(reporter);
        }
    }
}
