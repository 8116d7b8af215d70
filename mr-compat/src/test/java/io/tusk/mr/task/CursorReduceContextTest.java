package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.mapred.RawKeyValueIterator;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.MarkableIterator;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.counters.GenericCounter;
import org.apache.hadoop.mapreduce.lib.reduce.WrappedReducer;
import org.apache.hadoop.mapreduce.task.ReduceContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential: a reducer run through {@link CursorReduceContext} sees and writes exactly what it
 * sees and writes through Hadoop's own {@code ReduceContextImpl} over the same sorted records, with
 * the same group and record counts.
 */
class CursorReduceContextTest
{
    private static final TaskAttemptID ATTEMPT = TaskAttemptID.forName("attempt_1_0001_r_000000_0");

    /** Sorted "group#n" keys: three groups, one with a single record; equal keys in a row, which the cursor says are. */
    private static final List<String> KEYS = List.of("a#1", "a#2", "a#2", "a#3", "b#1", "c#1", "c#1", "c#1", "c#2", "c#3", "c#4");

    @TempDir
    Path localDir;

    @Test
    void secondarySortReducerSeesEachRecordsKey()
            throws Exception
    {
        assertSameRun(new KeyPerValue(), byGroupPrefix());
    }

    @Test
    void groupingByTheWholeKey()
            throws Exception
    {
        assertSameRun(new KeyPerValue(), new Text.Comparator());
    }

    @Test
    void reducerThatReadsPartOfEachGroup()
            throws Exception
    {
        assertSameRun(new FirstValueOnly(), byGroupPrefix());
    }

    @Test
    void reducerThatChangesTheKeySeesItOverwrittenByTheNextValue()
            throws Exception
    {
        assertSameRun(new ChangesKey(), byGroupPrefix());
    }

    @Test
    void markAndResetReplayTheValuesSinceTheMark()
            throws Exception
    {
        assertSameRun(new MarkReset(false), byGroupPrefix());
    }

    @Test
    void clearingTheMarkAfterAReplayFailsTheNextGroupsResetAsInHadoop()
            throws Exception
    {
        assertSameRun(new MarkReset(true), byGroupPrefix());
    }

    private void assertSameRun(Reducer<Text, IntWritable, Text, Text> reducer, RawComparator<?> grouping)
            throws Exception
    {
        Configuration conf = new Configuration(false);
        // where mark and reset keep values that outgrow memory
        conf.set("mapreduce.cluster.local.dir", localDir.toString());
        List<String> hadoop = new ArrayList<>();
        Counter hadoopGroups = new GenericCounter();
        Counter hadoopRecords = new GenericCounter();
        ReduceContextImpl<Text, IntWritable, Text, Text> hadoopContext = new ReduceContextImpl<>(conf, ATTEMPT, new ListIterator(), hadoopGroups, hadoopRecords,
                writer(hadoop), null, new TaskAttemptContextImpl.DummyReporter(), cast(grouping), Text.class, IntWritable.class);
        try {
            reducer.run(new WrappedReducer<Text, IntWritable, Text, Text>().getReducerContext(hadoopContext));
        }
        catch (IOException e) {
            hadoop.add("failed: " + e);
        }

        List<String> tusk = new ArrayList<>();
        CursorReduceContext tuskContext = new CursorReduceContext(conf, ATTEMPT, new ListCursor(), cast(writer(tusk)), null,
                new TaskAttemptContextImpl.DummyReporter(), grouping, cast(Text.class), cast(IntWritable.class));
        try {
            reducer.run(cast(new WrappedReducer<Object, Object, Object, Object>().getReducerContext(tuskContext)));
        }
        catch (IOException e) {
            tusk.add("failed: " + e);
        }

        assertThat(tusk).isNotEmpty().isEqualTo(hadoop);
        assertThat(tuskContext.inputKeys()).isEqualTo(hadoopGroups.getValue());
        assertThat(tuskContext.inputValues()).isEqualTo(hadoopRecords.getValue());
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object object)
    {
        return (T) object;
    }

    private static RecordWriter<Text, Text> writer(List<String> lines)
    {
        return new RecordWriter<>()
        {
            @Override
            public void write(Text key, Text value)
            {
                lines.add(key + "\t" + value);
            }

            @Override
            public void close(TaskAttemptContext context) {}
        };
    }

    /** Groups keys by what comes before their '#'. */
    private static RawComparator<Text> byGroupPrefix()
    {
        return new WritableComparator(Text.class, true)
        {
            @Override
            @SuppressWarnings("rawtypes")
            public int compare(org.apache.hadoop.io.WritableComparable a, org.apache.hadoop.io.WritableComparable b)
            {
                return group(a).compareTo(group(b));
            }

            private String group(Object key)
            {
                String text = key.toString();
                return text.substring(0, text.indexOf('#'));
            }
        };
    }

    private static byte[][] serialized(int index)
            throws IOException
    {
        DataOutputBuffer key = new DataOutputBuffer();
        new Text(KEYS.get(index)).write(key);
        DataOutputBuffer value = new DataOutputBuffer();
        new IntWritable(index * 10).write(value);
        return new byte[][] {java.util.Arrays.copyOf(key.getData(), key.getLength()), java.util.Arrays.copyOf(value.getData(), value.getLength())};
    }

    /** Hadoop's view of the records. */
    private static final class ListIterator
            implements RawKeyValueIterator
    {
        private final DataInputBuffer key = new DataInputBuffer();
        private final DataInputBuffer value = new DataInputBuffer();
        private int index = -1;

        @Override
        public DataInputBuffer getKey()
        {
            return key;
        }

        @Override
        public DataInputBuffer getValue()
        {
            return value;
        }

        @Override
        public boolean next()
                throws IOException
        {
            if (++index >= KEYS.size()) {
                return false;
            }
            byte[][] record = serialized(index);
            key.reset(record[0], record[0].length);
            value.reset(record[1], record[1].length);
            return true;
        }

        @Override
        public void close() {}

        @Override
        public Progress getProgress()
        {
            return new Progress();
        }
    }

    /** Tusk's view of the records; each record in a buffer of its own, overwritten by the next. */
    private static final class ListCursor
            implements RecordCursor
    {
        private final byte[] keyBuffer = new byte[64];
        private final byte[] valueBuffer = new byte[64];
        private int keyLength;
        private int valueLength;
        private boolean sameKey;
        private int index = -1;

        @Override
        public boolean next()
                throws IOException
        {
            if (++index >= KEYS.size()) {
                return false;
            }
            sameKey = index > 0 && KEYS.get(index).equals(KEYS.get(index - 1));
            byte[][] record = serialized(index);
            // at an offset, so that a reader that ignores offsets fails
            System.arraycopy(record[0], 0, keyBuffer, 3, record[0].length);
            System.arraycopy(record[1], 0, valueBuffer, 5, record[1].length);
            keyLength = record[0].length;
            valueLength = record[1].length;
            return true;
        }

        @Override
        public int prefix()
        {
            return 0;
        }

        @Override
        public boolean sameKeyAsPrevious()
        {
            // as the combine buffer's cursor: the context then neither compares nor copies the key
            return sameKey;
        }

        @Override
        public byte[] keyBuffer()
        {
            return keyBuffer;
        }

        @Override
        public int keyOffset()
        {
            return 3;
        }

        @Override
        public int keyLength()
        {
            return keyLength;
        }

        @Override
        public byte[] valueBuffer()
        {
            return valueBuffer;
        }

        @Override
        public int valueOffset()
        {
            return 5;
        }

        @Override
        public int valueLength()
        {
            return valueLength;
        }

        @Override
        public void close() {}
    }

    /** Writes the key the context shows beside every value. */
    private static final class KeyPerValue
            extends Reducer<Text, IntWritable, Text, Text>
    {
        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            Text first = new Text(key);
            for (IntWritable value : values) {
                context.write(first, new Text(context.getCurrentKey() + "=" + value + " same object " + (key == context.getCurrentKey())));
            }
        }
    }

    private static final class FirstValueOnly
            extends Reducer<Text, IntWritable, Text, Text>
    {
        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            context.write(key, new Text(values.iterator().next().toString()));
        }
    }

    private static final class ChangesKey
            extends Reducer<Text, IntWritable, Text, Text>
    {
        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            for (IntWritable value : values) {
                context.write(new Text(key), new Text(value.toString()));
                key.set("changed");
                context.write(new Text(key), new Text("after change"));
            }
        }
    }

    /** Marks at the first value, reads to the end, resets and reads again. */
    private static final class MarkReset
            extends Reducer<Text, IntWritable, Text, Text>
    {
        private final boolean clearMark;

        MarkReset(boolean clearMark)
        {
            this.clearMark = clearMark;
        }

        @Override
        protected void reduce(Text key, Iterable<IntWritable> values, Context context)
                throws IOException, InterruptedException
        {
            MarkableIterator<IntWritable> iterator = new MarkableIterator<>(values.iterator());
            int read = 0;
            while (iterator.hasNext()) {
                IntWritable value = iterator.next();
                if (read++ == 0) {
                    iterator.mark();
                }
                context.write(new Text(key), new Text("first pass " + value + " key " + context.getCurrentKey()));
            }
            iterator.reset();
            while (iterator.hasNext()) {
                context.write(new Text(key), new Text("replay " + iterator.next()));
            }
            if (clearMark) {
                iterator.clearMark();
            }
            Iterator<IntWritable> plain = values.iterator();
            context.write(new Text(key), new Text("more " + plain.hasNext()));
        }
    }
}
