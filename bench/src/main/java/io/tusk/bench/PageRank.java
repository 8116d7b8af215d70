package io.tusk.bench;

import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.io.WritableUtils;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Workload W6: PageRank as a chain of MapReduce jobs, one per iteration, each reading the previous
 * one's output: {@code PageRank <graph> <output> <iterations>}.
 * <p>
 * The graph and every job's output are text lines {@code vertex TAB rank TAB target,target,...}.
 * Ranks are fixed-point integers, {@link #ONE} standing for 1.0, so that the result does not depend
 * on the order in which an engine hands a vertex its contributions: each vertex sends {@code rank /
 * outDegree} (integer division) along each out-link, and a vertex's new rank is {@code 0.15 * ONE +
 * sum * 85 / 100} (integer arithmetic) of the contributions it received; the rank mass of a vertex
 * without out-links is dropped. A target that has no line of its own is no vertex and gets none.
 * <p>
 * The iterations in between are written under {@code <output>-iterations} and deleted once the next
 * job has read them; the last one writes {@code <output>}. The number of reducers is the
 * configuration's ({@code -D mapreduce.job.reduces=2} in the suite).
 */
public final class PageRank
        extends Configured
        implements Tool
{
    /** The fixed-point scale of a rank: {@code ONE} is a rank of 1.0, each vertex's starting rank. */
    public static final long ONE = 1_000_000_000L;
    /** The rank of a vertex without in-links: the teleport share {@code 1 - 0.85} of {@link #ONE}. */
    public static final long BASE = ONE * 15 / 100;

    public static void main(String[] args)
            throws Exception
    {
        System.exit(ToolRunner.run(new PageRank(), args));
    }

    /** The rank a vertex receiving contributions summing to {@code contributions} gets; exact. */
    public static long nextRank(long contributions)
    {
        return BASE + Math.multiplyExact(contributions, 85L) / 100;
    }

    @Override
    public int run(String[] args)
            throws Exception
    {
        if (args.length != 3) {
            System.err.println("Usage: PageRank <graph> <output> <iterations>");
            return 2;
        }
        Path graph = new Path(args[0]);
        Path output = new Path(args[1]);
        int iterations = Integer.parseInt(args[2]);
        if (iterations < 1) {
            System.err.println("PageRank: iterations must be at least 1, not " + iterations);
            return 2;
        }
        Path between = new Path(output.getParent(), output.getName() + "-iterations");
        FileSystem fs = between.getFileSystem(getConf());
        // left over by an interrupted run: only this driver writes there
        fs.delete(between, true);
        Path input = graph;
        for (int iteration = 1; iteration <= iterations; iteration++) {
            Path next = iteration == iterations ? output : new Path(between, Integer.toString(iteration));
            Job job = Job.getInstance(getConf(), "PageRank iteration " + iteration + " of " + iterations);
            job.setJarByClass(PageRank.class);
            job.setMapperClass(RankMapper.class);
            job.setReducerClass(RankReducer.class);
            job.setMapOutputKeyClass(IntWritable.class);
            job.setMapOutputValueClass(RankMessage.class);
            job.setOutputKeyClass(IntWritable.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, input);
            FileOutputFormat.setOutputPath(job, next);
            if (!job.waitForCompletion(true)) {
                System.err.println("PageRank iteration " + iteration + " failed; its input is " + input);
                return 1;
            }
            if (!input.equals(graph)) {
                fs.delete(input, true);
            }
            input = next;
        }
        fs.delete(between, true);
        return 0;
    }

    /**
     * What a vertex receives in one iteration: either its own out-links (the graph's structure,
     * passed on to the next iteration) or one contribution of rank. Reused by its writer; mutable.
     */
    public static final class RankMessage
            implements Writable
    {
        private boolean links;
        private long contribution;
        private final Text targets = new Text();

        public boolean isLinks()
        {
            return links;
        }

        public long contribution()
        {
            return contribution;
        }

        public Text targets()
        {
            return targets;
        }

        void setLinks(String targets)
        {
            this.links = true;
            this.contribution = 0;
            this.targets.set(targets);
        }

        void setContribution(long contribution)
        {
            this.links = false;
            this.contribution = contribution;
        }

        @Override
        public void write(DataOutput out)
                throws IOException
        {
            out.writeBoolean(links);
            if (links) {
                targets.write(out);
            }
            else {
                WritableUtils.writeVLong(out, contribution);
            }
        }

        @Override
        public void readFields(DataInput in)
                throws IOException
        {
            links = in.readBoolean();
            if (links) {
                targets.readFields(in);
                contribution = 0;
            }
            else {
                targets.clear();
                contribution = WritableUtils.readVLong(in);
            }
        }
    }

    /** Sends a vertex its own out-links, and each target its share of the vertex's rank. */
    public static final class RankMapper
            extends Mapper<LongWritable, Text, IntWritable, RankMessage>
    {
        private final IntWritable vertex = new IntWritable();
        private final RankMessage message = new RankMessage();

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            String text = line.toString();
            int rankStart = text.indexOf('\t') + 1;
            int targetsStart = text.indexOf('\t', rankStart) + 1;
            if (rankStart == 0 || targetsStart == 0) {
                throw new IOException("Not a line 'vertex TAB rank TAB targets' at offset " + offset + ": " + text);
            }
            long rank = Long.parseLong(text, rankStart, targetsStart - 1, 10);
            String targets = text.substring(targetsStart);
            vertex.set(Integer.parseInt(text, 0, rankStart - 1, 10));
            message.setLinks(targets);
            context.write(vertex, message);
            if (targets.isEmpty()) {
                return;
            }
            int degree = 1;
            for (int i = 0; i < targets.length(); i++) {
                if (targets.charAt(i) == ',') {
                    degree++;
                }
            }
            message.setContribution(rank / degree);
            int start = 0;
            while (start < targets.length()) {
                int end = targets.indexOf(',', start);
                end = end < 0 ? targets.length() : end;
                vertex.set(Integer.parseInt(targets, start, end, 10));
                context.write(vertex, message);
                start = end + 1;
            }
        }
    }

    /** Sums a vertex's contributions into its new rank and writes its line for the next iteration. */
    public static final class RankReducer
            extends Reducer<IntWritable, RankMessage, IntWritable, Text>
    {
        private final Text targets = new Text();
        private final Text line = new Text();

        @Override
        protected void reduce(IntWritable vertex, Iterable<RankMessage> messages, Context context)
                throws IOException, InterruptedException
        {
            long sum = 0;
            boolean exists = false;
            for (RankMessage message : messages) {
                if (message.isLinks()) {
                    exists = true;
                    targets.set(message.targets());
                }
                else {
                    sum += message.contribution();
                }
            }
            if (!exists) {
                return;
            }
            line.set(nextRank(sum) + "\t" + targets);
            context.write(vertex, line);
        }
    }
}
