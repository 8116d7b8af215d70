package io.tusk.mr.task;

import io.tusk.engine.task.AttemptProgress;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.MapReduceBase;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The combiner runs of one task, as Hadoop's combiner runners make them: every run has a combiner
 * instance of its own, set up and cleaned up (configured and closed) once, and sees only its own
 * records; the counters add up over the runs.
 */
class CombinerRunnerTest
{
    private static final TaskAttemptID ATTEMPT = TaskAttemptID.forName("attempt_1_0001_m_000000_0");
    private static final List<String> EVENTS = new ArrayList<>();

    @Test
    void everyRunOfTheNewApisCombinerHasItsOwnInstance()
            throws IOException
    {
        JobConf conf = conf();
        conf.setClass("mapreduce.job.combine.class", CountingCombiner.class, Reducer.class);
        runAndCheck(conf, "setup", "cleanup");
    }

    @Test
    void everyRunOfTheOldApisCombinerHasItsOwnInstance()
            throws IOException
    {
        JobConf conf = conf();
        conf.setCombinerClass(OldCountingCombiner.class);
        runAndCheck(conf, "configure", "close");
    }

    private static void runAndCheck(JobConf conf, String start, String end)
            throws IOException
    {
        EVENTS.clear();
        Counters counters = new Counters();
        CombinerRunner runner = (CombinerRunner) CombinerRunner.create(conf, ATTEMPT, new TaskReporter(counters, null, new AttemptProgress()), KeyPrefix.NONE);
        List<List<Map.Entry<String, Integer>>> runs = List.of(
                List.of(Map.entry("a", 1), Map.entry("a", 2), Map.entry("b", 5)),
                List.of(Map.entry("a", 10), Map.entry("c", 1), Map.entry("c", 1), Map.entry("c", 1)),
                List.of(Map.entry("b", 7)));
        List<List<String>> outputs = combine(runner, runs);

        assertThat(outputs).containsExactly(List.of("a=3", "b=5"), List.of("a=10", "c=3"), List.of("b=7"));
        assertThat(EVENTS).hasSize(6);
        List<String> instances = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            String first = EVENTS.get(run * 2);
            String last = EVENTS.get(run * 2 + 1);
            assertThat(first).startsWith(start + " ");
            assertThat(last).isEqualTo(end + first.substring(start.length()));
            instances.add(first.substring(start.length() + 1));
        }
        assertThat(instances).as("one instance per run").doesNotHaveDuplicates();
        assertThat(counters.findCounter(TaskCounter.COMBINE_INPUT_RECORDS).getValue()).isEqualTo(8);
        assertThat(counters.findCounter(TaskCounter.COMBINE_OUTPUT_RECORDS).getValue()).isEqualTo(5);
    }

    /**
     * The context a run's combiner gets is read as a new one would be, whatever the run before
     * did with its own: an empty status, key objects of its own, only its own records — also
     * after a run that marked and reset its values (and the run after that one).
     */
    @Test
    void everyRunReadsItsRecordsAsFromANewContext(@TempDir java.nio.file.Path local)
            throws IOException
    {
        EVENTS.clear();
        KEYS.clear();
        JobConf conf = conf();
        // where a mark keeps values that do not fit its memory
        conf.set("mapreduce.cluster.local.dir", local.toString());
        conf.setClass("mapreduce.job.combine.class", StatefulCombiner.class, Reducer.class);
        Counters counters = new Counters();
        CombinerRunner runner = (CombinerRunner) CombinerRunner.create(conf, ATTEMPT, new TaskReporter(counters, null, new AttemptProgress()), KeyPrefix.NONE);
        List<List<Map.Entry<String, Integer>>> runs = List.of(
                List.of(Map.entry("a", 1), Map.entry("a", 2)),
                List.of(Map.entry("mark", 3), Map.entry("mark", 4), Map.entry("z", 1)),
                List.of(Map.entry("b", 5), Map.entry("b", 6)),
                List.of(Map.entry("c", 7)));
        List<List<String>> outputs = combine(runner, runs);

        // the marked key's values are summed twice: once before the reset, once after
        assertThat(outputs).containsExactly(List.of("a=3"), List.of("mark=14", "z=1"), List.of("b=11"), List.of("c=7"));
        assertThat(EVENTS).as("the status each run starts with").containsExactly("status ''", "status ''", "status ''", "status ''");
        assertThat(KEYS).hasSize(5);
        assertThat(KEYS.stream().map(System::identityHashCode).distinct().count()).as("a key object per run").isEqualTo(4);
        assertThat(counters.findCounter(TaskCounter.COMBINE_INPUT_RECORDS).getValue()).isEqualTo(8);
        assertThat(counters.findCounter(TaskCounter.COMBINE_OUTPUT_RECORDS).getValue()).isEqualTo(5);
    }

    /**
     * A run started by another's output before that one ends (as the sorter combines a full second
     * stage while a first-stage run writes into it) reads and writes its own records only, and
     * leaves the outer run reading and writing, and counting, where it was: with each API.
     */
    @Test
    void aRunStartedInsideAnotherLeavesTheOuterRunAsItWas()
            throws IOException
    {
        JobConf newApi = conf();
        newApi.setClass("mapreduce.job.combine.class", CountingCombiner.class, Reducer.class);
        JobConf oldApi = conf();
        oldApi.setCombinerClass(OldCountingCombiner.class);
        for (JobConf conf : List.of(newApi, oldApi)) {
            Counters counters = new Counters();
            CombinerRunner runner = (CombinerRunner) CombinerRunner.create(conf, ATTEMPT, new TaskReporter(counters, null, new AttemptProgress()), KeyPrefix.NONE);
            // a first run, so that the runner has a context to reuse
            assertThat(combine(runner, List.of(List.of(Map.entry("z", 1))))).containsExactly(List.of("z=1"));
            List<String> outer = new ArrayList<>();
            List<String> inner = new ArrayList<>();
            // the first stage: inputs counted, outputs not (handed on); the nested run: the reverse
            runner.combine(0, cursor(List.of(Map.entry("a", 1), Map.entry("a", 2), Map.entry("b", 5), Map.entry("c", 1), Map.entry("c", 1))),
                    (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> {
                        String record = read(new Text(), key, keyOffset, keyLength) + "=" + read(new IntWritable(), value, valueOffset, valueLength);
                        outer.add(record);
                        if (outer.size() == 1) {
                            runner.combine(1, cursor(List.of(Map.entry("x", 4), Map.entry("x", 5), Map.entry("y", 6))), (p, k, ko, kl, v, vo, vl) ->
                                    inner.add(read(new Text(), k, ko, kl) + "=" + read(new IntWritable(), v, vo, vl)), false, true);
                        }
                    }, true, false);

            String api = conf.getCombinerClass() == null ? "new API" : "old API";
            assertThat(outer).as(api + ": the outer run's output").containsExactly("a=3", "b=5", "c=2");
            assertThat(inner).containsExactly("x=9", "y=6");
            assertThat(counters.findCounter(TaskCounter.COMBINE_INPUT_RECORDS).getValue()).as("the first run's one and the outer run's five").isEqualTo(6);
            assertThat(counters.findCounter(TaskCounter.COMBINE_OUTPUT_RECORDS).getValue()).as("the first run's one and the nested run's two").isEqualTo(3);
            // and the runs after go on as before
            assertThat(combine(runner, List.of(List.of(Map.entry("d", 1), Map.entry("d", 1))))).containsExactly(List.of("d=2"));
        }
    }

    private static WritableCursor cursor(List<Map.Entry<String, Integer>> records)
    {
        return new WritableCursor(records.stream().map(record -> Map.entry(new Text(record.getKey()), new IntWritable(record.getValue()))).toList());
    }

    /** Each run's records through the runner, and what it wrote for each, as text. */
    private static List<List<String>> combine(CombinerRunner runner, List<List<Map.Entry<String, Integer>>> runs)
            throws IOException
    {
        List<List<String>> outputs = new ArrayList<>();
        for (List<Map.Entry<String, Integer>> run : runs) {
            List<String> output = new ArrayList<>();
            runner.combine(0, cursor(run), (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) ->
                    output.add(read(new Text(), key, keyOffset, keyLength) + "=" + read(new IntWritable(), value, valueOffset, valueLength)), true, true);
            outputs.add(output);
        }
        return outputs;
    }

    private static JobConf conf()
    {
        JobConf conf = new JobConf(false);
        conf.setMapOutputKeyClass(Text.class);
        conf.setMapOutputValueClass(IntWritable.class);
        return conf;
    }

    private static String read(org.apache.hadoop.io.Writable writable, byte[] bytes, int offset, int length)
    {
        DataInputBuffer in = new DataInputBuffer();
        in.reset(bytes, offset, length);
        try {
            writable.readFields(in);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return writable.toString();
    }

    public static final class CountingCombiner
            extends Reducer<Text, IntWritable, Text, IntWritable>
    {
        @Override
        protected void setup(Context context)
        {
            EVENTS.add("setup " + System.identityHashCode(this));
        }

        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            int sum = 0;
            for (IntWritable value : values) {
                sum += value.get();
            }
            context.write(key, new IntWritable(sum));
        }

        @Override
        protected void cleanup(Context context)
        {
            EVENTS.add("cleanup " + System.identityHashCode(this));
        }
    }

    private static final List<Object> KEYS = new ArrayList<>();

    public static final class StatefulCombiner
            extends Reducer<Text, IntWritable, Text, IntWritable>
    {
        @Override
        protected void setup(Context context)
        {
            EVENTS.add("status '" + context.getStatus() + "'");
            context.setStatus("combining");
        }

        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            KEYS.add(key);
            int sum = 0;
            if (key.toString().equals("mark")) {
                org.apache.hadoop.mapreduce.MarkableIterator<IntWritable> iterator = new org.apache.hadoop.mapreduce.MarkableIterator<>(values.iterator());
                iterator.mark();
                while (iterator.hasNext()) {
                    sum += iterator.next().get();
                }
                iterator.reset();
                while (iterator.hasNext()) {
                    sum += iterator.next().get();
                }
            }
            else {
                for (IntWritable value : values) {
                    sum += value.get();
                }
            }
            context.write(key, new IntWritable(sum));
        }
    }

    public static final class OldCountingCombiner
            extends MapReduceBase
            implements org.apache.hadoop.mapred.Reducer<Text, IntWritable, Text, IntWritable>
    {
        @Override
        public void configure(JobConf job)
        {
            EVENTS.add("configure " + System.identityHashCode(this));
        }

        @Override
        public void reduce(Text key, Iterator<IntWritable> values, OutputCollector<Text, IntWritable> output, Reporter reporter)
                throws IOException
        {
            int sum = 0;
            while (values.hasNext()) {
                sum += values.next().get();
            }
            output.collect(key, new IntWritable(sum));
        }

        @Override
        public void close()
        {
            EVENTS.add("close " + System.identityHashCode(this));
        }
    }
}
