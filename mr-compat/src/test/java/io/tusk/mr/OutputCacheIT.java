package io.tusk.mr;

import io.tusk.mr.counters.OutputCacheCounter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter;
import org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.lib.jobcontrol.ControlledJob;
import org.apache.hadoop.mapreduce.lib.jobcontrol.JobControl;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job outputs kept in memory for the next job: chains and loops give the same bytes and counters
 * with the cache on, off, and on Hadoop's LocalJobRunner; memory is really used; and a file that
 * changed after it was kept is read from disk. ({@code BYTES_READ} of the input format is not
 * compared here: on the local file system Hadoop counts checksum files and 4 KiB buffers in it;
 * HdfsOutputCacheIT compares it.)
 */
class OutputCacheIT
{
    private static final List<Enum<?>> COMPARED = List.of(
            TaskCounter.MAP_INPUT_RECORDS,
            TaskCounter.MAP_OUTPUT_RECORDS,
            TaskCounter.MAP_OUTPUT_BYTES,
            TaskCounter.REDUCE_INPUT_RECORDS,
            TaskCounter.REDUCE_OUTPUT_RECORDS,
            FileOutputFormatCounter.BYTES_WRITTEN);

    @TempDir
    java.nio.file.Path work;
    private java.nio.file.Path text;

    @BeforeEach
    void writeText()
            throws IOException
    {
        text = work.resolve("text");
        Differential.writeWords(text, 5, 2, 300, 8, 5, 40);
    }

    static Configuration conf(String framework, boolean cache)
    {
        Configuration conf = Differential.conf(framework);
        conf.setBoolean("tusk.output.cache", cache);
        return conf;
    }

    /** Word count: text in, "word TAB count" out, two reduces. */
    static Job wordCount(Configuration conf, Object in, Object out)
            throws IOException
    {
        Job job = Job.getInstance(conf, "word count");
        job.setMapperClass(TestJobs.WordMapper.class);
        job.setCombinerClass(TestJobs.SumReducer.class);
        job.setReducerClass(TestJobs.SumReducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        job.setNumReduceTasks(2);
        FileInputFormat.addInputPath(job, new Path(in.toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }

    /** Reads "word TAB count" with KeyValueTextInputFormat; writes how many words have each count. */
    static Job wordsPerCount(Configuration conf, Object in, Object out)
            throws IOException
    {
        Job job = Job.getInstance(conf, "words per count");
        job.setInputFormatClass(KeyValueTextInputFormat.class);
        job.setMapperClass(CountMapper.class);
        job.setReducerClass(TestJobs.SumReducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        job.setNumReduceTasks(2);
        FileInputFormat.addInputPath(job, new Path(in.toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }

    /** Map-only: each line of the input with its byte offset, over splits of 16 bytes. */
    static Job offsets(Configuration conf, Object in, Object out)
            throws IOException
    {
        Job job = Job.getInstance(conf, "offsets");
        job.setInputFormatClass(TextInputFormat.class);
        job.setMapperClass(OffsetMapper.class);
        job.setNumReduceTasks(0);
        job.setOutputKeyClass(LongWritable.class);
        job.setOutputValueClass(Text.class);
        FileInputFormat.setMaxInputSplitSize(job, 16);
        FileInputFormat.addInputPath(job, new Path(in.toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }

    public static class CountMapper
            extends Mapper<Text, Text, Text, IntWritable>
    {
        private static final IntWritable ONE = new IntWritable(1);

        @Override
        protected void map(Text word, Text count, Context context)
                throws IOException, InterruptedException
        {
            context.write(count, ONE);
        }
    }

    public static class OffsetMapper
            extends Mapper<LongWritable, Text, LongWritable, Text>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            context.write(offset, line);
        }
    }

    /**
     * The three jobs of the chain, under JobControl (which looks at its jobs every 5 seconds) or one
     * after the other, reading {@code text} and writing into {@code out}/1, /2 and /3 (paths or
     * Hadoop path strings); returns each job's counters.
     */
    static List<Counters> chain(Configuration conf, Object text, String out, boolean jobControl)
            throws Exception
    {
        List<Job> jobs = List.of(
                wordCount(new Configuration(conf), text, out + "/1"),
                wordsPerCount(new Configuration(conf), out + "/1", out + "/2"),
                offsets(new Configuration(conf), out + "/2", out + "/3"));
        if (!jobControl) {
            List<Counters> counters = new ArrayList<>();
            for (Job job : jobs) {
                assertThat(job.waitForCompletion(false)).as(job.getJobName()).isTrue();
                counters.add(job.getCounters());
            }
            return counters;
        }
        JobControl control = new JobControl("chain");
        ControlledJob previous = null;
        for (Job job : jobs) {
            ControlledJob controlled = new ControlledJob(job, previous == null ? null : new ArrayList<>(List.of(previous)));
            control.addJob(controlled);
            previous = controlled;
        }
        Thread runner = new Thread(control, "job control");
        runner.setDaemon(true);
        runner.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (!control.allFinished() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        control.stop();
        assertThat(control.getFailedJobList()).as("failed jobs").isEmpty();
        assertThat(control.getSuccessfulJobList()).as("successful jobs").hasSize(3);
        List<Counters> counters = new ArrayList<>();
        for (Job job : jobs) {
            counters.add(job.getCounters());
        }
        return counters;
    }

    @Test
    void chainUnderJobControlReadsFromMemoryAndMatchesLocalRunner()
            throws Exception
    {
        List<Counters> hadoop = chain(conf("local", true), text, work.resolve("local").toString(), false);
        List<Counters> cached = chain(conf("tusk", true), text, work.resolve("cached").toString(), true);
        List<Counters> uncached = chain(conf("tusk", false), text, work.resolve("uncached").toString(), false);
        for (String job : List.of("1", "2", "3")) {
            Differential.assertSameOutput(work.resolve("local").resolve(job), work.resolve("cached").resolve(job));
            Differential.assertSameOutput(work.resolve("local").resolve(job), work.resolve("uncached").resolve(job));
        }
        for (int job = 0; job < 3; job++) {
            assertThat(values(cached.get(job))).as("counters of job %s with the cache", job + 1).isEqualTo(values(hadoop.get(job)));
            assertThat(values(uncached.get(job))).as("counters of job %s without the cache", job + 1).isEqualTo(values(hadoop.get(job)));
            assertThat(uncached.get(job).findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue()).isZero();
        }
        assertThat(cached.get(0).findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue()).as("the first job reads files").isZero();
        for (int job = 1; job < 3; job++) {
            Counters counters = cached.get(job);
            assertThat(counters.findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue())
                    .as("job %s reads every record from memory", job + 1)
                    .isEqualTo(counters.findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue())
                    .isPositive();
            assertThat(counters.findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).isEqualTo(counters.findCounter(org.apache.hadoop.mapreduce.JobCounter.TOTAL_LAUNCHED_MAPS).getValue());
            assertThat(counters.findCounter("FileSystemCounters", "FILE_BYTES_READ").getValue())
                    .as("job %s reads less from files than without the cache", job + 1)
                    .isLessThan(uncached.get(job).findCounter("FileSystemCounters", "FILE_BYTES_READ").getValue());
        }
        assertThat(cached.get(2).findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).as("partial splits of the files").isGreaterThan(2);
    }

    static Map<String, Long> values(Counters counters, Enum<?>... more)
    {
        Map<String, Long> values = new LinkedHashMap<>();
        List<Enum<?>> counted = new ArrayList<>(COMPARED);
        counted.addAll(List.of(more));
        for (Enum<?> counter : counted) {
            values.put(counter.name(), counters.findCounter(counter).getValue());
        }
        return values;
    }

    /** Words per count from a kept output (KeyValueTextInputFormat) and word count of the original text, in one job. */
    private static Job mixed(Configuration conf, java.nio.file.Path counted, java.nio.file.Path text, java.nio.file.Path out)
            throws IOException
    {
        Job job = Job.getInstance(conf, "multiple inputs");
        org.apache.hadoop.mapreduce.lib.input.MultipleInputs.addInputPath(job, new Path(counted.toString()), KeyValueTextInputFormat.class, CountMapper.class);
        org.apache.hadoop.mapreduce.lib.input.MultipleInputs.addInputPath(job, new Path(text.toString()), TextInputFormat.class, TestJobs.WordMapper.class);
        job.setReducerClass(TestJobs.SumReducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }

    @Test
    void multipleInputsReadKeptSplitsFromMemory()
            throws Exception
    {
        java.nio.file.Path counted = work.resolve("mixed").resolve("counted");
        assertThat(wordCount(conf("tusk", true), text, counted).waitForCompletion(false)).isTrue();
        Job tusk = mixed(conf("tusk", true), counted, text, work.resolve("mixed").resolve("tusk"));
        assertThat(tusk.waitForCompletion(false)).isTrue();
        Job hadoop = mixed(conf("local", true), counted, text, work.resolve("mixed").resolve("local"));
        assertThat(hadoop.waitForCompletion(false)).isTrue();
        Differential.assertSameOutput(work.resolve("mixed").resolve("local"), work.resolve("mixed").resolve("tusk"));
        long keptLines = 0;
        for (String part : List.of("part-r-00000", "part-r-00001")) {
            keptLines += Files.readAllLines(counted.resolve(part)).size();
        }
        Counters counters = tusk.getCounters();
        assertThat(counters.findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).as("the kept files' splits").isEqualTo(2);
        assertThat(counters.findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue()).isEqualTo(keptLines);
        assertThat(values(counters)).isEqualTo(values(hadoop.getCounters()));
    }

    public static class SequenceCountMapper
            extends Mapper<Text, IntWritable, Text, IntWritable>
    {
        private static final IntWritable ONE = new IntWritable(1);
        private final Text count = new Text();

        @Override
        protected void map(Text word, IntWritable value, Context context)
                throws IOException, InterruptedException
        {
            count.set(value.toString());
            context.write(count, ONE);
        }
    }

    /** Reads the SequenceFile output {@code in} with {@code format} ({@code mapper} fits its records), 200-byte splits. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Job readSequence(Configuration conf, Class<?> format, Class<?> mapper, Class<?> outputKey, Class<?> outputValue,
            java.nio.file.Path in, java.nio.file.Path out)
            throws IOException
    {
        Job job = Job.getInstance(conf, "read " + format.getSimpleName());
        job.setInputFormatClass((Class<? extends org.apache.hadoop.mapreduce.InputFormat>) format);
        job.setMapperClass((Class<? extends Mapper>) mapper);
        job.setOutputKeyClass(outputKey);
        job.setOutputValueClass(outputValue);
        if (mapper == Mapper.class) {
            job.setNumReduceTasks(0);
        }
        else {
            job.setReducerClass(TestJobs.SumReducer.class);
        }
        FileInputFormat.setMaxInputSplitSize(job, 200);
        FileInputFormat.addInputPath(job, new Path(in.toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }

    @Test
    void sequenceFileOutputsAreReadFromMemoryByTheThreeSequenceFormats()
            throws Exception
    {
        java.nio.file.Path base = work.resolve("sequence");
        Map<String, Counters> tuskCounters = new LinkedHashMap<>();
        for (String framework : List.of("local", "tusk")) {
            Job count = wordCount(conf(framework, true), text, base.resolve(framework).resolve("counted"));
            count.setOutputFormatClass(org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat.class);
            assertThat(count.waitForCompletion(false)).isTrue();
            java.nio.file.Path counted = base.resolve(framework).resolve("counted");
            List<Job> readers = List.of(
                    readSequence(conf(framework, true), org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class, SequenceCountMapper.class,
                            Text.class, IntWritable.class, counted, base.resolve(framework).resolve("objects")),
                    readSequence(conf(framework, true), org.apache.hadoop.mapreduce.lib.input.SequenceFileAsTextInputFormat.class, CountMapper.class,
                            Text.class, IntWritable.class, counted, base.resolve(framework).resolve("text")),
                    readSequence(conf(framework, true), org.apache.hadoop.mapreduce.lib.input.SequenceFileAsBinaryInputFormat.class, Mapper.class,
                            org.apache.hadoop.io.BytesWritable.class, org.apache.hadoop.io.BytesWritable.class, counted, base.resolve(framework).resolve("binary")));
            for (Job reader : readers) {
                assertThat(reader.waitForCompletion(false)).as(reader.getJobName()).isTrue();
                if (framework.equals("tusk")) {
                    tuskCounters.put(reader.getJobName(), reader.getCounters());
                }
            }
        }
        Differential.assertSameSequenceFiles(base.resolve("local").resolve("counted"), base.resolve("tusk").resolve("counted"));
        for (String output : List.of("objects", "text", "binary")) {
            Differential.assertSameOutput(base.resolve("local").resolve(output), base.resolve("tusk").resolve(output));
        }
        for (Map.Entry<String, Counters> entry : tuskCounters.entrySet()) {
            Counters counters = entry.getValue();
            assertThat(counters.findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue()).as(entry.getKey())
                    .isEqualTo(counters.findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isPositive();
            // SequenceFile splits are at least 2000 bytes: these files are one split each (CachedInputTest and OutputCacheLoopIT read parts of files)
            assertThat(counters.findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).as(entry.getKey()).isEqualTo(2);
        }
    }

    /** Runs word count then words-per-count, changing the first output in between with {@code change}. */
    private Counters afterChange(String name, FileChange change)
            throws Exception
    {
        java.nio.file.Path first = work.resolve(name).resolve("1");
        java.nio.file.Path second = work.resolve(name).resolve("2");
        assertThat(wordCount(conf("tusk", true), text, first).waitForCompletion(false)).isTrue();
        change.apply(first);
        Job next = wordsPerCount(conf("tusk", true), first, second);
        assertThat(next.waitForCompletion(false)).isTrue();
        // the second job read what the files hold now: the same job on the local runner agrees
        java.nio.file.Path expected = work.resolve(name).resolve("expected");
        assertThat(wordsPerCount(conf("local", true), first, expected).waitForCompletion(false)).isTrue();
        Differential.assertSameOutput(expected, second);
        return next.getCounters();
    }

    interface FileChange
    {
        void apply(java.nio.file.Path output)
                throws Exception;
    }

    /** A file system instance of its own, not the one the jobs share. */
    private static FileSystem otherFileSystem()
            throws IOException
    {
        return FileSystem.newInstance(URI.create("file:///"), new Configuration());
    }

    @Test
    void deletedFileIsNotServed()
            throws Exception
    {
        Counters counters = afterChange("deleted", output -> {
            try (FileSystem fs = otherFileSystem()) {
                assertThat(fs.delete(new Path(output.resolve("part-r-00000").toString()), false)).isTrue();
            }
        });
        assertThat(counters.findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).as("the other file is still served").isEqualTo(1);
    }

    @Test
    void fileRewrittenWithTheSameLengthIsNotServed()
            throws Exception
    {
        Counters counters = afterChange("rewritten", output -> {
            Path file = new Path(output.resolve("part-r-00000").toString());
            try (FileSystem fs = otherFileSystem()) {
                byte[] bytes = Files.readAllBytes(output.resolve("part-r-00000"));
                String replaced = new String(bytes, StandardCharsets.UTF_8).replace('a', 'z');
                assertThat(replaced.getBytes(StandardCharsets.UTF_8)).hasSameSizeAs(bytes).isNotEqualTo(bytes);
                try (FSDataOutputStream out = fs.create(file, true)) {
                    out.write(replaced.getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        assertThat(counters.findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).isEqualTo(1);
    }

    @Test
    void appendedFileIsNotServed()
            throws Exception
    {
        Counters counters = afterChange("appended", output -> {
            // the local file system appends only without checksums: append to the raw file, drop its checksum file
            try (FileSystem fs = otherFileSystem()) {
                FileSystem raw = ((org.apache.hadoop.fs.LocalFileSystem) fs).getRawFileSystem();
                try (FSDataOutputStream out = raw.append(new Path(output.resolve("part-r-00001").toString()))) {
                    out.write("appended\t7\n".getBytes(StandardCharsets.UTF_8));
                }
                assertThat(fs.delete(new Path(output.resolve(".part-r-00001.crc").toString()), false)).isTrue();
            }
        });
        assertThat(counters.findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).isEqualTo(1);
    }

    @Test
    void renamedFilesAreNotServed()
            throws Exception
    {
        java.nio.file.Path first = work.resolve("renamed").resolve("1");
        assertThat(wordCount(conf("tusk", true), text, first).waitForCompletion(false)).isTrue();
        java.nio.file.Path moved = work.resolve("renamed").resolve("moved");
        java.nio.file.Path copied = work.resolve("renamed").resolve("copied");
        // the kept files' paths now hold other files of the same lengths
        try (FileSystem fs = otherFileSystem()) {
            assertThat(fs.rename(new Path(first.toString()), new Path(moved.toString()))).isTrue();
            org.apache.hadoop.fs.FileUtil.copy(fs, new Path(moved.toString()), fs, new Path(copied.toString()), false, new Configuration());
            for (String part : List.of("part-r-00000", "part-r-00001")) {
                String replaced = Files.readString(copied.resolve(part)).replace('b', 'y');
                Files.writeString(copied.resolve(part), replaced);
                fs.delete(new Path(copied.resolve("." + part + ".crc").toString()), false);
            }
            assertThat(fs.rename(new Path(copied.toString()), new Path(first.toString()))).isTrue();
        }
        for (java.nio.file.Path input : List.of(moved, first)) {
            java.nio.file.Path out = input.resolveSibling(input.getFileName() + "-counted");
            Job job = wordsPerCount(conf("tusk", true), input, out);
            assertThat(job.waitForCompletion(false)).isTrue();
            assertThat(job.getCounters().findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).as("splits of %s from memory", input.getFileName()).isZero();
            java.nio.file.Path expected = input.resolveSibling(input.getFileName() + "-expected");
            assertThat(wordsPerCount(conf("local", true), input, expected).waitForCompletion(false)).isTrue();
            Differential.assertSameOutput(expected, out);
        }
    }
}
