package io.tusk.mr;

import io.tusk.mr.history.JobHistoryRecorder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.map.TokenCounterMapper;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.reduce.IntSumReducer;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The job the launcher runs once per build, in a JVM started with {@code
 * -XX:ArchiveClassesAtExit}, to write Tusk's class-data archive: a word count of a few lines on
 * Tusk through ToolRunner and Hadoop's Job API, in a temporary directory. The classes every job
 * loads (Hadoop's configuration, file systems and job submission, Tusk's engine and tasks) end up
 * in the archive, and later JVMs map them from it instead of loading and verifying them from jars.
 * Exits with 0 when the word count is right.
 */
public final class StartupTraining
        extends Configured
        implements Tool
{
    public static void main(String[] args)
            throws Exception
    {
        System.exit(ToolRunner.run(new Configuration(), new StartupTraining(), args));
    }

    @Override
    public int run(String[] args)
            throws Exception
    {
        Path directory = Files.createTempDirectory("tusk-startup-training");
        try {
            Path input = Files.createDirectories(directory.resolve("input"));
            Files.write(input.resolve("part-0"), List.of("the quick brown fox", "jumps over the lazy dog"), StandardCharsets.UTF_8);
            Path output = directory.resolve("output");
            Configuration conf = getConf();
            conf.set("mapreduce.framework.name", TuskClientProtocolProvider.FRAMEWORK_NAME);
            // its history too, for the classes that write it, but not among the user's jobs
            conf.set("mapreduce.jobhistory.intermediate-done-dir", directory.resolve("history").toUri().toString());
            Job job = Job.getInstance(conf, "Tusk start-up training");
            job.setJarByClass(StartupTraining.class);
            job.setMapperClass(TokenCounterMapper.class);
            job.setCombinerClass(IntSumReducer.class);
            job.setReducerClass(IntSumReducer.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(IntWritable.class);
            FileInputFormat.addInputPath(job, new org.apache.hadoop.fs.Path(input.toUri()));
            FileOutputFormat.setOutputPath(job, new org.apache.hadoop.fs.Path(output.toUri()));
            boolean succeeded = job.waitForCompletion(false);
            JobHistoryRecorder.awaitWrites(10_000);
            if (!succeeded) {
                return 1;
            }
            List<String> counts = Files.readAllLines(output.resolve("part-r-00000"), StandardCharsets.UTF_8);
            return counts.contains("the\t2") && counts.size() == 8 ? 0 : 1;
        }
        finally {
            FileUtil.fullyDelete(directory.toFile());
        }
    }
}
