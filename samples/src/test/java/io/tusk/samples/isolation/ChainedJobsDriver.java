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
 * A driver that runs four map-only jobs, packed into a job jar by {@code JobIsolationIT}. The first
 * two run a mapper that counts setups in a static field and writes the count: on Hadoop every task
 * is a new JVM, so each job must see a count of one. The last two run a mapper without static
 * state that writes which class loader defined it: the second of them may run the classes the
 * first loaded (and compiled).
 */
public final class ChainedJobsDriver
{
    private ChainedJobsDriver() {}

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

    public static class StatelessMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        @Override
        protected void cleanup(Context context)
                throws java.io.IOException, InterruptedException
        {
            ClassLoader loader = StatelessMapper.class.getClassLoader();
            context.write(new Text("loader"), new Text(loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader))));
        }
    }

    public static void main(String[] args)
            throws Exception
    {
        for (int run = 0; run < 4; run++) {
            Job job = Job.getInstance(new Configuration(), "isolation " + run);
            job.setJarByClass(ChainedJobsDriver.class);
            job.setMapperClass(run < 2 ? CountingMapper.class : StatelessMapper.class);
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
