package io.tusk.mr;

import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparable;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.mapred.MapReduceBase;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Partitioner;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.output.MultipleOutputs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.StringTokenizer;

/** Mappers, reducers and comparators of the differential tests, in both APIs. */
final class TestJobs
{
    private TestJobs() {}

    /** Word count with a combiner: text in {@code in}, "word TAB count" out, one reduce. */
    static org.apache.hadoop.mapreduce.Job wordCount(org.apache.hadoop.conf.Configuration conf, java.nio.file.Path in, java.nio.file.Path out)
            throws java.io.IOException
    {
        org.apache.hadoop.mapreduce.Job job = org.apache.hadoop.mapreduce.Job.getInstance(conf, "word count");
        job.setMapperClass(WordMapper.class);
        job.setCombinerClass(SumReducer.class);
        job.setReducerClass(SumReducer.class);
        job.setOutputKeyClass(org.apache.hadoop.io.Text.class);
        job.setOutputValueClass(org.apache.hadoop.io.IntWritable.class);
        org.apache.hadoop.mapreduce.lib.input.FileInputFormat.addInputPath(job, new org.apache.hadoop.fs.Path(in.toString()));
        org.apache.hadoop.mapreduce.lib.output.FileOutputFormat.setOutputPath(job, new org.apache.hadoop.fs.Path(out.toString()));
        return job;
    }

    enum Records
    {
        LINES, EMPTY_LINES
    }

    /** Counts words; counts lines with a user enum counter and a dynamic counter. */
    public static class WordMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        private final Text word = new Text();
        private final IntWritable one = new IntWritable(1);

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            context.getCounter(Records.LINES).increment(1);
            if (line.getLength() == 0) {
                context.getCounter("dynamic", "empty lines").increment(1);
            }
            StringTokenizer tokens = new StringTokenizer(line.toString());
            while (tokens.hasMoreTokens()) {
                word.set(tokens.nextToken());
                context.write(word, one);
            }
        }
    }

    public static class SumReducer
            extends Reducer<Text, IntWritable, Text, IntWritable>
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

    /** Old API word count. */
    public static class OldWordMapper
            extends MapReduceBase
            implements org.apache.hadoop.mapred.Mapper<LongWritable, Text, Text, IntWritable>
    {
        private final Text word = new Text();
        private final IntWritable one = new IntWritable(1);

        @Override
        public void map(LongWritable offset, Text line, OutputCollector<Text, IntWritable> output, Reporter reporter)
                throws IOException
        {
            StringTokenizer tokens = new StringTokenizer(line.toString());
            while (tokens.hasMoreTokens()) {
                word.set(tokens.nextToken());
                output.collect(word, one);
            }
        }
    }

    /** Old API sum, also usable as combiner; writes the group's key as it stands after reading the values. */
    public static class OldSumReducer
            extends MapReduceBase
            implements org.apache.hadoop.mapred.Reducer<Text, IntWritable, Text, IntWritable>
    {
        @Override
        public void reduce(Text key, Iterator<IntWritable> values, OutputCollector<Text, IntWritable> output, Reporter reporter)
                throws IOException
        {
            int total = 0;
            while (values.hasNext()) {
                total += values.next().get();
            }
            output.collect(key, new IntWritable(total));
        }
    }

    /** A composite key: natural part and secondary part, sorted by both, grouped by the first. */
    public static class PairKey
            implements WritableComparable<PairKey>
    {
        int first;
        int second;

        public PairKey() {}

        PairKey(int first, int second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(DataOutput out)
                throws IOException
        {
            out.writeInt(first);
            out.writeInt(second);
        }

        @Override
        public void readFields(DataInput in)
                throws IOException
        {
            first = in.readInt();
            second = in.readInt();
        }

        @Override
        public int compareTo(PairKey other)
        {
            int result = Integer.compare(first, other.first);
            return result != 0 ? result : Integer.compare(second, other.second);
        }

        @Override
        public int hashCode()
        {
            return first * 157 + second;
        }

        @Override
        public boolean equals(Object other)
        {
            return other instanceof PairKey key && key.first == first && key.second == second;
        }

        @Override
        public String toString()
        {
            return first + "," + second;
        }
    }

    public static class FirstPartitioner
            extends Partitioner<PairKey, IntWritable>
    {
        @Override
        public int getPartition(PairKey key, IntWritable value, int partitions)
        {
            return Math.abs(key.first * 127) % partitions;
        }
    }

    public static class FirstGrouping
            extends WritableComparator
    {
        public FirstGrouping()
        {
            super(PairKey.class, true);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public int compare(WritableComparable left, WritableComparable right)
        {
            return Integer.compare(((PairKey) left).first, ((PairKey) right).first);
        }
    }

    /**
     * Overrides only the raw comparison, to group Text keys by their first byte. The old API groups
     * with the comparator's object comparison, which here is still Text.compareTo: whole words.
     */
    public static class FirstByteRawGrouping
            extends WritableComparator
    {
        public FirstByteRawGrouping()
        {
            super(Text.class);
        }

        @Override
        public int compare(byte[] left, int leftStart, int leftLength, byte[] right, int rightStart, int rightLength)
        {
            // one vint length byte for words shorter than 128 bytes
            return Byte.compare(left[leftStart + 1], right[rightStart + 1]);
        }
    }

    /** Parses "a b" lines into (a,b) keys with value b. */
    public static class PairMapper
            extends Mapper<LongWritable, Text, PairKey, IntWritable>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            String[] parts = line.toString().split(" ");
            int first = Integer.parseInt(parts[0]);
            int second = Integer.parseInt(parts[1]);
            context.write(new PairKey(first, second), new IntWritable(second));
        }
    }

    /** Writes, for each value, the key as it is at that moment: the key changes as values are read. */
    public static class KeyTrackingReducer
            extends Reducer<PairKey, IntWritable, Text, Text>
    {
        @Override
        protected void reduce(PairKey key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            StringBuilder seen = new StringBuilder();
            for (IntWritable value : values) {
                seen.append(key).append('=').append(value.get()).append(' ');
            }
            context.write(new Text(Integer.toString(key.first)), new Text(seen.toString().trim()));
        }
    }

    /** Writes word counts to named outputs by first letter through MultipleOutputs. */
    public static class MultipleOutputsReducer
            extends Reducer<Text, IntWritable, Text, IntWritable>
    {
        private MultipleOutputs<Text, IntWritable> outputs;

        @Override
        protected void setup(Context context)
        {
            outputs = new MultipleOutputs<>(context);
        }

        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            int total = 0;
            for (IntWritable value : values) {
                total += value.get();
            }
            outputs.write("letters", key, new IntWritable(total), "letter-" + key.toString().charAt(0));
            context.write(key, new IntWritable(total));
        }

        @Override
        protected void cleanup(Context context)
                throws IOException, InterruptedException
        {
            outputs.close();
        }
    }

    /** Writes the task's localized configuration next to each record. */
    public static class TaskConfMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            if (offset.get() == 0) {
                var conf = context.getConfiguration();
                context.write(new Text("partition " + conf.get("mapreduce.task.partition")), new Text("ismap " + conf.get("mapreduce.task.ismap")
                        + " attempt-suffix " + conf.get("mapreduce.task.attempt.id").replaceAll(".*_m_", "m_")));
            }
        }
    }

    /** Writes, once per map, the job's secret keys and tokens its task sees ({@code context.getCredentials()}), as the driver put them there. */
    public static class CredentialsMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            if (offset.get() != 0) {
                return;
            }
            var credentials = context.getCredentials();
            for (Text alias : new java.util.TreeSet<>(credentials.getAllSecretKeys())) {
                if (alias.toString().startsWith("test.")) {
                    context.write(new Text("secret " + alias), new Text(new String(credentials.getSecretKey(alias), java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
            for (var token : credentials.getAllTokens()) {
                if (token.getKind().toString().startsWith("TEST_")) {
                    context.write(new Text("token " + token.getService()), new Text(token.getKind() + " " + new String(token.getIdentifier(), java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        }
    }

    /** Fails every attempt on the line "boom". */
    public static class FailingMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            if (line.toString().equals("boom")) {
                throw new IllegalStateException("cannot map the line boom");
            }
            context.write(line, new IntWritable(1));
        }
    }

    /** Fails the first attempt of every map task only; Hadoop's local runner cannot retry. */
    public static class FlakyMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        @Override
        protected void setup(Context context)
        {
            if (context.getTaskAttemptID().getId() == 0) {
                throw new IllegalStateException("first attempt fails");
            }
        }

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            context.write(line, new IntWritable(1));
        }
    }

    /** Emits IntWritable keys although the job declares Text: a type mismatch. */
    public static class WrongKeyMapper
            extends Mapper<LongWritable, Text, Object, IntWritable>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            context.write(new IntWritable(1), new IntWritable(1));
        }
    }

    /** Reads the cache file linked as "dictionary" by relative path and tags each word. */
    public static class CacheMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        private java.util.Set<String> dictionary;

        @Override
        protected void setup(Context context)
                throws IOException
        {
            dictionary = new java.util.HashSet<>(java.nio.file.Files.readAllLines(java.nio.file.Path.of("dictionary")));
        }

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            for (String word : line.toString().split(" ")) {
                context.write(new Text(word), new Text(dictionary.contains(word) ? "known" : "unknown"));
            }
        }
    }

    /** Reads each group twice through a MarkableIterator: mark at the start, reset after the first pass. */
    public static class MarkResetReducer
            extends Reducer<Text, IntWritable, Text, Text>
    {
        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            org.apache.hadoop.mapreduce.MarkableIterator<IntWritable> iterator = new org.apache.hadoop.mapreduce.MarkableIterator<>(values.iterator());
            iterator.mark();
            int first = 0;
            while (iterator.hasNext()) {
                first += iterator.next().get();
            }
            iterator.reset();
            int second = 0;
            while (iterator.hasNext()) {
                second += iterator.next().get();
            }
            context.write(key, new Text(first + "/" + second));
        }
    }

    /** Old API: tags each line with the input file name the task sees in its configuration. */
    public static class InputFileMapper
            extends MapReduceBase
            implements org.apache.hadoop.mapred.Mapper<LongWritable, Text, Text, Text>
    {
        private String file;

        @Override
        public void configure(org.apache.hadoop.mapred.JobConf conf)
        {
            String path = conf.get("mapreduce.map.input.file");
            file = path.substring(path.lastIndexOf('/') + 1) + "@" + conf.get("mapreduce.map.input.start") + "+" + conf.get("map.input.length");
        }

        @Override
        public void map(LongWritable offset, Text line, OutputCollector<Text, Text> output, Reporter reporter)
                throws IOException
        {
            // the offset makes keys unique: the order of values with equal keys is not part of the contract
            output.collect(new Text(file + ":" + String.format("%08d", offset.get())), line);
        }
    }

    /** Sends every record to a partition that does not exist. */
    public static class BadPartitioner
            extends Partitioner<Text, IntWritable>
    {
        @Override
        public int getPartition(Text key, IntWritable value, int partitions)
        {
            return partitions;
        }
    }

    /** Fails, after a second, the map task of the file named bad.txt; maps of other files succeed at once. */
    public static class SlowFailingMapper
            extends Mapper<LongWritable, Text, LongWritable, Text>
    {
        @Override
        protected void setup(Context context)
                throws InterruptedException
        {
            String file = ((org.apache.hadoop.mapreduce.lib.input.FileSplit) context.getInputSplit()).getPath().getName();
            if (file.equals("bad.txt")) {
                Thread.sleep(1_000);
                throw new IllegalStateException("bad.txt fails after the other task committed");
            }
        }
    }
    /** Emits each word with where it was read: its file, the offset of its line and its place in the line. */
    public static class WordPlaceMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        private final Text word = new Text();
        private final Text place = new Text();

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            StringTokenizer words = new StringTokenizer(line.toString());
            for (int position = 0; words.hasMoreTokens(); position++) {
                word.set(words.nextToken());
                place.set(((org.apache.hadoop.mapreduce.lib.input.FileSplit) context.getInputSplit()).getPath().getName() + ":" + offset.get() + ":" + position);
                context.write(word, place);
            }
        }
    }

    /**
     * As {@link WordPlaceMapper}, with each word (a letter and a number) as a number key: the letter's
     * distance from 'c' times {@code test.number.scale} (1000 unless set) plus the number, as an
     * {@code IntWritable}, or as a {@code LongWritable} when {@code test.number.long} is true.
     */
    public static class NumberPlaceMapper
            extends Mapper<LongWritable, Text, WritableComparable<?>, Text>
    {
        private final IntWritable intKey = new IntWritable();
        private final LongWritable longKey = new LongWritable();
        private final Text place = new Text();
        private boolean longKeys;
        private long scale;

        @Override
        protected void setup(Context context)
        {
            longKeys = context.getConfiguration().getBoolean("test.number.long", false);
            scale = context.getConfiguration().getLong("test.number.scale", 1000);
        }

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            StringTokenizer words = new StringTokenizer(line.toString());
            for (int position = 0; words.hasMoreTokens(); position++) {
                String word = words.nextToken();
                long number = (word.charAt(0) - 'c') * scale + Long.parseLong(word.substring(1));
                place.set(((org.apache.hadoop.mapreduce.lib.input.FileSplit) context.getInputSplit()).getPath().getName() + ":" + offset.get() + ":" + position);
                if (longKeys) {
                    longKey.set(number);
                    context.write(longKey, place);
                }
                else {
                    intKey.set((int) number);
                    context.write(intKey, place);
                }
            }
        }
    }

    /** Writes only the first value of each key: its output depends on the order of equal keys. */
    public static class FirstValueReducer
            extends Reducer<Text, Text, Text, Text>
    {
        @Override
        protected void reduce(Text key, Iterable<Text> values, Context context)
                throws IOException, InterruptedException
        {
            context.write(key, values.iterator().next());
        }
    }
    /** Emits each Avro record's word with its count, as Avro keys and values. */
    public static class AvroWordMapper
            extends Mapper<org.apache.avro.mapred.AvroKey<org.apache.avro.generic.GenericRecord>, org.apache.hadoop.io.NullWritable,
            org.apache.avro.mapred.AvroKey<CharSequence>, org.apache.avro.mapred.AvroValue<Integer>>
    {
        @Override
        protected void map(org.apache.avro.mapred.AvroKey<org.apache.avro.generic.GenericRecord> record, org.apache.hadoop.io.NullWritable nothing, Context context)
                throws IOException, InterruptedException
        {
            context.write(new org.apache.avro.mapred.AvroKey<>(record.datum().get("word").toString()),
                    new org.apache.avro.mapred.AvroValue<>((Integer) record.datum().get("count")));
        }
    }

    /** Sums the counts of each word; the first count read comes first in the output, so the order of values shows. */
    public static class AvroSumReducer
            extends Reducer<org.apache.avro.mapred.AvroKey<CharSequence>, org.apache.avro.mapred.AvroValue<Integer>,
            org.apache.avro.mapred.AvroKey<CharSequence>, org.apache.avro.mapred.AvroValue<Integer>>
    {
        @Override
        protected void reduce(org.apache.avro.mapred.AvroKey<CharSequence> word, Iterable<org.apache.avro.mapred.AvroValue<Integer>> counts, Context context)
                throws IOException, InterruptedException
        {
            int first = -1;
            int sum = 0;
            for (org.apache.avro.mapred.AvroValue<Integer> count : counts) {
                first = first < 0 ? count.datum() : first;
                sum += count.datum();
            }
            context.write(new org.apache.avro.mapred.AvroKey<>(word.datum() + " first " + first), new org.apache.avro.mapred.AvroValue<>(sum));
        }
    }
    /**
     * Sums as {@link SumReducer}; its first attempts first hang without progress: the first reducer
     * sleeps (the interrupt ends it), the others swallow interrupts until released.
     */
    public static class HangingFirstReducer
            extends SumReducer
    {
        public static final java.util.concurrent.atomic.AtomicBoolean RELEASED = new java.util.concurrent.atomic.AtomicBoolean();

        @Override
        protected void setup(Context context)
                throws InterruptedException
        {
            if (context.getTaskAttemptID().getId() > 0) {
                return;
            }
            if (context.getTaskAttemptID().getTaskID().getId() == 0) {
                Thread.sleep(600_000);
            }
            while (!RELEASED.get()) {
                try {
                    Thread.sleep(10);
                }
                catch (InterruptedException swallowed) {
                    // as user code sometimes does
                }
            }
        }
    }
}
