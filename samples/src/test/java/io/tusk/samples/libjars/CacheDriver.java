package io.tusk.samples.libjars;

import io.tusk.samples.libhelper.LibHelper;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * A ToolRunner driver whose mapper needs what generic options ship: {@code dict.txt} from
 * {@code -files}, {@code data.zip/inner.txt} from {@code -archives} and a class from {@code -libjars}.
 */
public final class CacheDriver
        extends Configured
        implements Tool
{
    public static class TaggingMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        private List<String> dictionary;
        private String inner;

        @Override
        protected void setup(Context context)
                throws IOException
        {
            dictionary = Files.readAllLines(java.nio.file.Path.of("dict.txt"));
            inner = Files.readString(java.nio.file.Path.of("data.zip", "inner.txt")).trim();
        }

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            for (String word : line.toString().split(" ")) {
                context.write(new Text(LibHelper.tag(word)), new Text(dictionary.contains(word) + " " + inner));
            }
        }
    }

    @Override
    public int run(String[] args)
            throws Exception
    {
        Job job = Job.getInstance(getConf(), "generic options");
        job.setJarByClass(CacheDriver.class);
        job.setMapperClass(TaggingMapper.class);
        job.setNumReduceTasks(1);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(Text.class);
        FileInputFormat.addInputPath(job, new Path(args[0]));
        FileOutputFormat.setOutputPath(job, new Path(args[1]));
        return job.waitForCompletion(true) ? 0 : 1;
    }

    public static void main(String[] args)
            throws Exception
    {
        System.exit(ToolRunner.run(new CacheDriver(), args));
    }
}
