package io.tusk.bench;

import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparable;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.WritableUtils;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Partitioner;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.MultipleInputs;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;

/**
 * Workload W5: an inner join of pages and their visits in the classic reduce-side style, with a
 * secondary sort: {@code PageVisitsJoin <pages> <visits> <output>}.
 * <p>
 * Both tables are tab-separated text (see {@code DataGenerators.joinTables}): pages {@code pageId
 * url rank ...}, visits {@code visitor pageId date adRevenue ...}. {@link MultipleInputs} gives each
 * table its mapper, which tags its records in a composite {@link JoinKey} (page id, table, order).
 * The {@link PagePartitioner} and the {@link PageGroupingComparator} look at the page id only, while
 * the {@link JoinKey.SortComparator} sorts a page's own record before its visits and the visits by
 * their output fields; so the reducer sees the page first and streams its visits without holding
 * them. It writes one line per visit of an existing page, {@code pageId url rank date visitor
 * adRevenue}; visits of a page that does not exist are dropped. As every record's position is
 * defined by its key, the output's bytes do not depend on the engine. The number of reducers is the
 * configuration's ({@code -D mapreduce.job.reduces=2} in the suite).
 */
public final class PageVisitsJoin
        extends Configured
        implements Tool
{
    public static void main(String[] args)
            throws Exception
    {
        System.exit(ToolRunner.run(new PageVisitsJoin(), args));
    }

    @Override
    public int run(String[] args)
            throws Exception
    {
        if (args.length != 3) {
            System.err.println("Usage: PageVisitsJoin <pages> <visits> <output>");
            return 2;
        }
        Job job = Job.getInstance(getConf(), "join pages and visits");
        job.setJarByClass(PageVisitsJoin.class);
        MultipleInputs.addInputPath(job, new Path(args[0]), TextInputFormat.class, PageMapper.class);
        MultipleInputs.addInputPath(job, new Path(args[1]), TextInputFormat.class, VisitMapper.class);
        job.setMapOutputKeyClass(JoinKey.class);
        job.setMapOutputValueClass(Text.class);
        job.setPartitionerClass(PagePartitioner.class);
        job.setSortComparatorClass(JoinKey.SortComparator.class);
        job.setGroupingComparatorClass(PageGroupingComparator.class);
        job.setReducerClass(JoinReducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(Text.class);
        FileOutputFormat.setOutputPath(job, new Path(args[2]));
        return job.waitForCompletion(true) ? 0 : 1;
    }

    /**
     * The map output key: a page id, the table the record comes from ({@link #PAGE} sorts before
     * {@link #VISIT}), and the text that orders the visits of one page. Mutable and reused, as Hadoop's
     * keys are.
     * <p>
     * Serialized as the page id in 4 bytes (big-endian; ids are not negative, so the bytes sort as
     * the numbers), the table in one byte, and the order as a {@link Text}; the comparators below
     * compare these bytes without deserializing.
     */
    public static final class JoinKey
            implements WritableComparable<JoinKey>
    {
        public static final byte PAGE = 0;
        public static final byte VISIT = 1;

        private int pageId;
        private byte table;
        private final Text order = new Text();

        public int pageId()
        {
            return pageId;
        }

        public byte table()
        {
            return table;
        }

        void set(int pageId, byte table, String order)
        {
            if (pageId < 0) {
                throw new IllegalArgumentException("page id is negative: " + pageId);
            }
            this.pageId = pageId;
            this.table = table;
            this.order.set(order);
        }

        @Override
        public void write(DataOutput out)
                throws IOException
        {
            out.writeInt(pageId);
            out.writeByte(table);
            order.write(out);
        }

        @Override
        public void readFields(DataInput in)
                throws IOException
        {
            pageId = in.readInt();
            table = in.readByte();
            order.readFields(in);
        }

        @Override
        public int compareTo(JoinKey other)
        {
            int compared = Integer.compare(pageId, other.pageId);
            if (compared == 0) {
                compared = Byte.compare(table, other.table);
            }
            return compared != 0 ? compared : order.compareTo(other.order);
        }

        @Override
        public boolean equals(Object other)
        {
            return other instanceof JoinKey key && compareTo(key) == 0;
        }

        @Override
        public int hashCode()
        {
            return pageId;
        }

        @Override
        public String toString()
        {
            return pageId + "/" + (table == PAGE ? "page" : "visit") + "/" + order;
        }

        /** Sorts by page id, then table, then order, on the serialized bytes. */
        public static final class SortComparator
                extends WritableComparator
        {
            public SortComparator()
            {
                super(JoinKey.class);
            }

            @Override
            public int compare(byte[] left, int leftStart, int leftLength, byte[] right, int rightStart, int rightLength)
            {
                // page id and table: 5 bytes that sort as the values they encode
                int compared = compareBytes(left, leftStart, 5, right, rightStart, 5);
                if (compared != 0) {
                    return compared;
                }
                try {
                    int leftSize = WritableUtils.decodeVIntSize(left[leftStart + 5]);
                    int rightSize = WritableUtils.decodeVIntSize(right[rightStart + 5]);
                    int leftOrder = readVInt(left, leftStart + 5);
                    int rightOrder = readVInt(right, rightStart + 5);
                    return compareBytes(left, leftStart + 5 + leftSize, leftOrder, right, rightStart + 5 + rightSize, rightOrder);
                }
                catch (IOException e) {
                    throw new IllegalArgumentException("Not a serialized JoinKey", e);
                }
            }
        }
    }

    /** Sends all records of one page id to the same reducer, whatever their table. */
    public static final class PagePartitioner
            extends Partitioner<JoinKey, Text>
    {
        @Override
        public int getPartition(JoinKey key, Text value, int partitions)
        {
            return key.pageId() % partitions;
        }
    }

    /** Groups the records of one page id into one reduce call, whatever their table. */
    public static final class PageGroupingComparator
            extends WritableComparator
    {
        public PageGroupingComparator()
        {
            super(JoinKey.class);
        }

        @Override
        public int compare(byte[] left, int leftStart, int leftLength, byte[] right, int rightStart, int rightLength)
        {
            return compareBytes(left, leftStart, 4, right, rightStart, 4);
        }
    }

    /** Tags a page {@code pageId url rank ...} with key (pageId, PAGE, "") and value {@code url TAB rank}. */
    public static final class PageMapper
            extends Mapper<LongWritable, Text, JoinKey, Text>
    {
        private final JoinKey key = new JoinKey();
        private final Text value = new Text();

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            String[] fields = line.toString().split("\t", 4);
            if (fields.length < 3) {
                throw new IOException("Not a page line 'pageId TAB url TAB rank ...' at offset " + offset + ": " + line);
            }
            key.set(Integer.parseInt(fields[0]), JoinKey.PAGE, "");
            value.set(fields[1] + "\t" + fields[2]);
            context.write(key, value);
        }
    }

    /**
     * Tags a visit {@code visitor pageId date adRevenue ...} with key (pageId, VISIT, fields) and value
     * fields, where fields is {@code date TAB visitor TAB adRevenue}.
     */
    public static final class VisitMapper
            extends Mapper<LongWritable, Text, JoinKey, Text>
    {
        private final JoinKey key = new JoinKey();
        private final Text value = new Text();

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            String[] fields = line.toString().split("\t", 5);
            if (fields.length < 4) {
                throw new IOException("Not a visit line 'visitor TAB pageId TAB date TAB adRevenue ...' at offset " + offset + ": " + line);
            }
            String visit = fields[2] + "\t" + fields[0] + "\t" + fields[3];
            key.set(Integer.parseInt(fields[1]), JoinKey.VISIT, visit);
            value.set(visit);
            context.write(key, value);
        }
    }

    /**
     * Receives one page id's records, the page's own first if the page exists, and writes one line
     * per visit: key {@code pageId TAB url TAB rank}, value {@code date TAB visitor TAB adRevenue}.
     */
    public static final class JoinReducer
            extends Reducer<JoinKey, Text, Text, Text>
    {
        private final Text page = new Text();

        @Override
        protected void reduce(JoinKey key, Iterable<Text> values, Context context)
                throws IOException, InterruptedException
        {
            // the key holds the group's first record: the page's own, unless the page does not exist
            if (key.table() != JoinKey.PAGE) {
                return;
            }
            Iterator<Text> records = values.iterator();
            page.set(key.pageId() + "\t" + records.next());
            while (records.hasNext()) {
                context.write(page, records.next());
            }
        }
    }
}
