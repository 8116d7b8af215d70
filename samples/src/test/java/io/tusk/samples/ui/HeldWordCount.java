package io.tusk.samples.ui;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A word count whose mappers wait for a file before their first record, and whose driver waits for
 * another before it exits, packed into a job jar by {@code WebUiBrowserIT}: the test looks at the
 * UI while the job runs and after it ended, while the process still serves it.
 * Arguments: input, output, the file that lets the maps go, the file that lets the driver exit.
 */
public final class HeldWordCount
{
    private HeldWordCount() {}

    public static class HeldMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        private final Text word = new Text();
        private final IntWritable one = new IntWritable(1);

        @Override
        protected void setup(Context context)
                throws InterruptedException
        {
            awaitFile(Path.of(context.getConfiguration().get("held.maps")));
        }

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            for (String token : line.toString().split("\\s+")) {
                if (!token.isEmpty()) {
                    word.set(token);
                    context.write(word, one);
                }
            }
        }
    }

    public static class SumReducer
            extends Reducer<Text, IntWritable, Text, IntWritable>
    {
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
    }

    static void awaitFile(Path file)
            throws InterruptedException
    {
        long until = System.currentTimeMillis() + 300_000;
        while (!Files.exists(file) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
    }

    public static void main(String[] args)
            throws Exception
    {
        Configuration conf = new Configuration();
        conf.set("held.maps", args[2]);
        Job job = Job.getInstance(conf, "held word count");
        job.setJarByClass(HeldWordCount.class);
        job.setMapperClass(HeldMapper.class);
        job.setCombinerClass(SumReducer.class);
        job.setReducerClass(SumReducer.class);
        job.setNumReduceTasks(2);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        FileInputFormat.addInputPath(job, new org.apache.hadoop.fs.Path(args[0]));
        FileOutputFormat.setOutputPath(job, new org.apache.hadoop.fs.Path(args[1]));
        boolean succeeded = job.waitForCompletion(true);
        System.out.println("held word count ended");
        awaitFile(Path.of(args[3]));
        System.exit(succeeded ? 0 : 1);
    }
}
