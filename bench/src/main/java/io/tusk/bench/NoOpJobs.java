package io.tusk.bench;

import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

import java.util.Arrays;

/**
 * Workload W8: one driver that runs {@code count} identity MapReduce jobs, one after the other, on
 * a tiny input, and prints the median wall time per job after the first (warm):
 * {@code NoOpJobs <input> <output root> <count>}; job {@code i} writes {@code <output root>/job-i}.
 */
public final class NoOpJobs
        extends Configured
        implements Tool
{
    /** The line that reports the median wall time of a warm job, in milliseconds; the suite reads it. */
    static final String WARM_JOB_MS = "W8 median ms per warm job: ";

    public static void main(String[] args)
            throws Exception
    {
        System.exit(ToolRunner.run(new NoOpJobs(), args));
    }

    @Override
    public int run(String[] args)
            throws Exception
    {
        if (args.length != 3) {
            System.err.println("Usage: NoOpJobs <input> <output root> <count>");
            return 2;
        }
        int count = Integer.parseInt(args[2]);
        long[] millis = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Job job = Job.getInstance(getConf(), "no-op " + i);
            job.setJarByClass(NoOpJobs.class);
            job.setMapperClass(Mapper.class);
            job.setReducerClass(Reducer.class);
            job.setOutputKeyClass(LongWritable.class);
            job.setOutputValueClass(Text.class);
            job.setNumReduceTasks(1);
            FileInputFormat.addInputPath(job, new Path(args[0]));
            FileOutputFormat.setOutputPath(job, new Path(args[1], "job-" + i));
            if (!job.waitForCompletion(false)) {
                System.err.println("no-op job " + i + " failed");
                return 1;
            }
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        long[] warm = Arrays.copyOfRange(millis, Math.min(1, count - 1), count);
        Arrays.sort(warm);
        System.out.println(WARM_JOB_MS + warm[warm.length / 2]);
        return 0;
    }
}
