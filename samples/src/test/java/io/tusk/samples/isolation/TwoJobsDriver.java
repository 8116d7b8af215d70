package io.tusk.samples.isolation;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/**
 * A driver that runs the same map-only job twice; its mapper counts setups in a static field and
 * writes the count. Packed into a job jar by {@code JobIsolationIT}: on Hadoop every task is a new
 * JVM, so each job must see a count of one.
 */
public final class TwoJobsDriver
{
    private TwoJobsDriver() {}

    public static class CountingMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        static int setups;

        @Override
        protected void setup(Context context)
        {
            setups++;
        }

        @Override
        protected void cleanup(Context context)
                throws java.io.IOException, InterruptedException
        {
            context.write(new Text("setups"), new Text(Integer.toString(setups)));
        }
    }

    public static void main(String[] args)
            throws Exception
    {
        for (int run = 0; run < 2; run++) {
            Job job = Job.getInstance(new Configuration(), "isolation " + run);
            job.setJarByClass(TwoJobsDriver.class);
            job.setMapperClass(CountingMapper.class);
            job.setNumReduceTasks(0);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, new Path(args[0]));
            FileOutputFormat.setOutputPath(job, new Path(args[1] + "-" + run));
            if (!job.waitForCompletion(false)) {
                System.exit(1);
            }
        }
    }
}
