package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.examples.WordCount;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Job classes of the tests, and a job jar that holds them (the cluster's tasks load them from it). */
final class TestJobs
{
    private TestJobs() {}

    /** The examples' word count of {@code input} into {@code output} with three reducers, not yet submitted. */
    static Job wordCount(Configuration conf, String input, String output)
            throws IOException
    {
        Job job = Job.getInstance(conf, "word count");
        job.setJarByClass(WordCount.class);
        job.setMapperClass(WordCount.TokenizerMapper.class);
        job.setCombinerClass(WordCount.IntSumReducer.class);
        job.setReducerClass(WordCount.IntSumReducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        job.setNumReduceTasks(3);
        FileInputFormat.addInputPath(job, new Path(input));
        FileOutputFormat.setOutputPath(job, new Path(output));
        return job;
    }

    /** Fails on the first record it reads, in every attempt. */
    public static final class FailingMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        @Override
        protected void map(LongWritable key, Text value, Context context)
        {
            throw new IllegalStateException("bad record at offset " + key.get() + " of " + context.getInputSplit());
        }
    }

    /**
     * Word count's mapper, slowed down so that a test can act while the maps run: it pauses before
     * its first record, longer for later input files ({@code words-N}), so that maps end one after another.
     */
    public static final class SlowTokenizer
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        private static final IntWritable ONE = new IntWritable(1);
        private final Text word = new Text();

        @Override
        protected void map(LongWritable key, Text value, Context context)
                throws IOException, InterruptedException
        {
            if (key.get() == 0) {
                String file = ((org.apache.hadoop.mapreduce.lib.input.FileSplit) context.getInputSplit()).getPath().getName();
                int index = Integer.parseInt(file.substring(file.lastIndexOf('-') + 1));
                Thread.sleep(Long.getLong("tusk.test.map.pause", 100) * (index + 1) / 4);
            }
            for (String token : value.toString().split(" ")) {
                word.set(token);
                context.write(word, ONE);
            }
        }
    }

    /** Sums the counts of a word. */
    public static class IntSumReducer
            extends org.apache.hadoop.mapreduce.Reducer<Text, IntWritable, Text, IntWritable>
    {
        private final IntWritable sum = new IntWritable();

        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            int total = 0;
            for (IntWritable value : values) {
                total += value.get();
            }
            sum.set(total);
            context.write(key, sum);
        }
    }

    /** Sums the counts of a word after a pause of {@code -Dtusk.test.reduce.pause} ms at its start. */
    public static final class SlowSumReducer
            extends IntSumReducer
    {
        @Override
        protected void setup(Context context)
                throws InterruptedException
        {
            Thread.sleep(Long.getLong("tusk.test.reduce.pause", 0));
        }
    }

    /**
     * An old-API word count that leaves out the words listed in the distributed cache file linked
     * as {@code stopwords}, read in {@code configure} as Hadoop's tasks read it: from the working
     * directory; and those of the secret key {@code test.stopwords} of the job's credentials, if any.
     */
    public static final class StopWordMapper
            extends org.apache.hadoop.mapred.MapReduceBase
            implements org.apache.hadoop.mapred.Mapper<LongWritable, Text, Text, IntWritable>
    {
        private static final IntWritable ONE = new IntWritable(1);
        private final java.util.Set<String> stopWords = new java.util.HashSet<>();
        private final Text word = new Text();

        @Override
        public void configure(org.apache.hadoop.mapred.JobConf job)
        {
            if (job.getBoolean("test.local.dirs.in.container", false)) {
                // as Hadoop's YARN tasks: the task's local directories are on the container's disks
                for (String dir : job.getStrings("mapreduce.cluster.local.dir")) {
                    if (!dir.contains("/appcache/")) {
                        throw new IllegalStateException("local directory " + dir + " is not one of the container's");
                    }
                }
            }
            byte[] secret = job.getCredentials().getSecretKey(new Text("test.stopwords"));
            if (secret != null) {
                stopWords.addAll(java.util.List.of(new String(secret, java.nio.charset.StandardCharsets.UTF_8).split("\n")));
            }
            try {
                stopWords.addAll(Files.readAllLines(new File("stopwords").toPath()));
            }
            catch (IOException e) {
                throw new java.io.UncheckedIOException("the cache file is not linked as stopwords", e);
            }
        }

        @Override
        public void map(LongWritable key, Text value, org.apache.hadoop.mapred.OutputCollector<Text, IntWritable> output,
                org.apache.hadoop.mapred.Reporter reporter)
                throws IOException
        {
            for (String token : value.toString().split(" ")) {
                if (!stopWords.contains(token)) {
                    word.set(token);
                    output.collect(word, ONE);
                }
            }
        }
    }

    /** The old API's sum of counts. */
    public static final class OldApiSum
            extends org.apache.hadoop.mapred.MapReduceBase
            implements org.apache.hadoop.mapred.Reducer<Text, IntWritable, Text, IntWritable>
    {
        @Override
        public void reduce(Text key, java.util.Iterator<IntWritable> values, org.apache.hadoop.mapred.OutputCollector<Text, IntWritable> output,
                org.apache.hadoop.mapred.Reporter reporter)
                throws IOException
        {
            int sum = 0;
            while (values.hasNext()) {
                sum += values.next().get();
            }
            output.collect(key, new IntWritable(sum));
        }
    }

    /** A jar with the classes of this file, as a user's job jar would hold them. */
    static File jar(File directory)
            throws IOException
    {
        File jar = new File(directory, "test-jobs.jar");
        if (jar.exists()) {
            return jar;
        }
        Files.createDirectories(directory.toPath());
        try (OutputStream out = Files.newOutputStream(jar.toPath()); JarOutputStream jarOut = new JarOutputStream(out)) {
            for (Class<?> type : new Class<?>[] {TestJobs.class, FailingMapper.class, SlowTokenizer.class, IntSumReducer.class, SlowSumReducer.class, StopWordMapper.class, OldApiSum.class}) {
                String name = type.getName().replace('.', '/') + ".class";
                jarOut.putNextEntry(new JarEntry(name));
                try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(jarOut);
                }
                jarOut.closeEntry();
            }
        }
        return jar;
    }
}
