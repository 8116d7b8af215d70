package io.tusk.mr;

import io.tusk.mr.counters.OutputCacheCounter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileOutputFormat;
import org.apache.hadoop.mapred.JobClient;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.KeyValueTextInputFormat;
import org.apache.hadoop.mapred.MapReduceBase;
import org.apache.hadoop.mapred.Mapper;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.Reducer;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.RunningJob;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An iterative algorithm as one old-API MapReduce job per iteration, each reading the previous
 * iteration's text output with {@code KeyValueTextInputFormat}: ten iterations give the same bytes
 * with the cache on, off and on Hadoop's LocalJobRunner, and read from memory from the second on;
 * and in a process whose memory budget cannot hold one output, the loop runs from files with the
 * same result.
 */
class OutputCacheLoopIT
{
    private static final int ITERATIONS = 10;

    @TempDir
    java.nio.file.Path work;

    /** Node "n TAB value": gives half its value to itself and half (rounded up) to node n+1. */
    public static class SpreadMapper
            extends MapReduceBase
            implements Mapper<Text, org.apache.hadoop.io.Writable, Text, IntWritable>
    {
        private int nodes;
        private final Text target = new Text();
        private final IntWritable share = new IntWritable();

        @Override
        public void configure(JobConf job)
        {
            nodes = job.getInt("loop.nodes", 0);
        }

        @Override
        public void map(Text node, org.apache.hadoop.io.Writable value, OutputCollector<Text, IntWritable> output, Reporter reporter)
                throws IOException
        {
            int n = Integer.parseInt(node.toString());
            int v = Integer.parseInt(value.toString());
            share.set(v / 2);
            output.collect(node, share);
            target.set(Integer.toString((n + 1) % nodes));
            share.set(v - v / 2 + 1);
            output.collect(target, share);
        }
    }

    public static class SumReducer
            extends MapReduceBase
            implements Reducer<Text, IntWritable, Text, IntWritable>
    {
        private final IntWritable sum = new IntWritable();

        @Override
        public void reduce(Text key, Iterator<IntWritable> values, OutputCollector<Text, IntWritable> output, Reporter reporter)
                throws IOException
        {
            int total = 0;
            while (values.hasNext()) {
                total += values.next().get();
            }
            sum.set(total % 1_000_003);
            output.collect(key, sum);
        }
    }

    static void writeStart(java.nio.file.Path directory, int nodes)
            throws IOException
    {
        Files.createDirectories(directory);
        StringBuilder text = new StringBuilder();
        for (int n = 0; n < nodes; n++) {
            text.append(n).append('\t').append((n * 7919) % 1000).append('\n');
        }
        Files.writeString(directory.resolve("start.txt"), text);
    }

    /** Runs the loop from {@code start} into {@code base}/1 … /ITERATIONS; returns each iteration's records read from memory. */
    static List<Long> loop(Configuration base, java.nio.file.Path start, java.nio.file.Path out, int nodes)
            throws IOException
    {
        return loop(base, start, out, nodes, false);
    }

    /** @param sequence whether the iterations write SequenceFiles (and all but the first read them) */
    static List<Long> loop(Configuration base, java.nio.file.Path start, java.nio.file.Path out, int nodes, boolean sequence)
            throws IOException
    {
        List<Long> fromMemory = new ArrayList<>();
        java.nio.file.Path input = start;
        for (int iteration = 1; iteration <= ITERATIONS; iteration++) {
            JobConf job = new JobConf(base, OutputCacheLoopIT.class);
            job.setJobName("spread " + iteration);
            job.setInt("loop.nodes", nodes);
            if (sequence && iteration > 1) {
                job.setInputFormat(org.apache.hadoop.mapred.SequenceFileInputFormat.class);
            }
            else {
                job.setInputFormat(KeyValueTextInputFormat.class);
            }
            if (sequence) {
                job.setOutputFormat(org.apache.hadoop.mapred.SequenceFileOutputFormat.class);
            }
            job.setMapperClass(SpreadMapper.class);
            job.setCombinerClass(SumReducer.class);
            job.setReducerClass(SumReducer.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(IntWritable.class);
            job.setNumReduceTasks(2);
            // the old API's split hint: files are read in parts
            job.setNumMapTasks(5);
            java.nio.file.Path output = out.resolve(Integer.toString(iteration));
            FileInputFormat.setInputPaths(job, new Path(input.toString()));
            FileOutputFormat.setOutputPath(job, new Path(output.toString()));
            RunningJob running = JobClient.runJob(job);
            assertThat(running.isSuccessful()).isTrue();
            org.apache.hadoop.mapred.Counters counters = running.getCounters();
            assertThat(counters.findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(nodes);
            if (base.get("mapreduce.framework.name").equals("tusk")) {
                assertThat(counters.findCounter(org.apache.hadoop.mapreduce.JobCounter.TOTAL_LAUNCHED_MAPS).getValue()).as("maps of iteration %s", iteration)
                        .isGreaterThan(2);
            }
            fromMemory.add(counters.findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue());
            input = output;
        }
        return fromMemory;
    }

    @Test
    void tenIterationsMatchLocalRunnerAndReadFromMemory()
            throws Exception
    {
        int nodes = 3000;
        java.nio.file.Path start = work.resolve("start");
        writeStart(start, nodes);
        loop(conf("local", true), start, work.resolve("local"), nodes);
        List<Long> cached = loop(conf("tusk", true), start, work.resolve("cached"), nodes);
        List<Long> uncached = loop(conf("tusk", false), start, work.resolve("uncached"), nodes);
        for (int iteration = 1; iteration <= ITERATIONS; iteration++) {
            String name = Integer.toString(iteration);
            Differential.assertSameOutput(work.resolve("local").resolve(name), work.resolve("cached").resolve(name));
            Differential.assertSameOutput(work.resolve("local").resolve(name), work.resolve("uncached").resolve(name));
        }
        assertThat(cached.get(0)).as("the first iteration reads the start file").isZero();
        assertThat(cached.subList(1, ITERATIONS)).as("later iterations read everything from memory").containsOnly((long) nodes);
        assertThat(uncached).containsOnly(0L);
    }

    @Test
    void tenSequenceFileIterationsMatchLocalRunnerAndReadFromMemory()
            throws Exception
    {
        // SequenceFile splits are at least 2000 bytes: files of some 170 KB, in parts
        int nodes = 20_000;
        java.nio.file.Path start = work.resolve("start");
        writeStart(start, nodes);
        loop(conf("local", true), start, work.resolve("local"), nodes, true);
        List<Long> cached = loop(conf("tusk", true), start, work.resolve("cached"), nodes, true);
        List<Long> uncached = loop(conf("tusk", false), start, work.resolve("uncached"), nodes, true);
        for (int iteration = 1; iteration <= ITERATIONS; iteration++) {
            String name = Integer.toString(iteration);
            Differential.assertSameSequenceFiles(work.resolve("local").resolve(name), work.resolve("cached").resolve(name));
            Differential.assertSameSequenceFiles(work.resolve("local").resolve(name), work.resolve("uncached").resolve(name));
        }
        assertThat(cached.get(0)).isZero();
        assertThat(cached.subList(1, ITERATIONS)).containsOnly((long) nodes);
        assertThat(uncached).containsOnly(0L);
    }

    private static Configuration conf(String framework, boolean cache)
    {
        Configuration conf = Differential.conf(framework);
        conf.setBoolean("tusk.output.cache", cache);
        return conf;
    }

    /** Runs the loop in this process: {@code start out nodes}; prints the records read from memory per iteration. */
    public static void main(String[] args)
            throws Exception
    {
        int nodes = Integer.parseInt(args[2]);
        List<Long> fromMemory = loop(conf("tusk", true), java.nio.file.Path.of(args[0]), java.nio.file.Path.of(args[1]), nodes);
        System.out.println("from memory: " + fromMemory);
    }

    @Test
    void budgetTooSmallForOneOutputRunsFromFiles()
            throws Exception
    {
        // about 1.6 MB per output file, with a budget of 1 MiB for shuffle and cache together
        int nodes = 300_000;
        java.nio.file.Path start = work.resolve("start");
        writeStart(start, nodes);
        List<String> command = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dtusk.memory.budget=1m", "-cp", System.getProperty("java.class.path"),
                OutputCacheLoopIT.class.getName(), start.toString(), work.resolve("small").toString(), Integer.toString(nodes));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("small.log").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the loop ends").isTrue();
        String log = Files.readString(work.resolve("small.log"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).doesNotContain("OutOfMemoryError").contains("from memory: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]");
        assertThat(Files.size(work.resolve("small").resolve("1").resolve("part-00000"))).as("one output file is larger than the budget").isGreaterThan(1 << 20);

        loop(conf("tusk", false), start, work.resolve("reference"), nodes);
        Differential.assertSameOutput(work.resolve("reference").resolve(Integer.toString(ITERATIONS)), work.resolve("small").resolve(Integer.toString(ITERATIONS)));
    }
}
