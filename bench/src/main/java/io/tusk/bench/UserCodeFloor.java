package io.tusk.bench;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.examples.WordCount;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.mapred.RawKeyValueIterator;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.counters.GenericCounter;
import org.apache.hadoop.mapreduce.lib.map.WrappedMapper;
import org.apache.hadoop.mapreduce.lib.reduce.WrappedReducer;
import org.apache.hadoop.mapreduce.task.MapContextImpl;
import org.apache.hadoop.mapreduce.task.ReduceContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.Progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The user-code floor of workloads W1 and W2 (BENCH.md): the examples jar's own WordCount code,
 * {@code WordCount.TokenizerMapper} and {@code WordCount.IntSumReducer}, called in a tight loop over
 * lines read into memory beforehand, on {@value #THREADS} threads, the output discarded. No engine
 * can run the unmodified job faster than this. {@code UserCodeFloor <input directory> <output
 * directory>}.
 * <p>
 * Reading the input is not timed. The timed loop has two phases. Map: each thread runs a mapper over
 * its half of the lines, through a {@code Mapper.Context} whose {@code write} groups the pairs in a
 * hash map per reduce partition ({@code hash(key) mod }{@value #PARTITIONS}, as Hadoop's default
 * partitioner), copying a key only when it is new — the cheapest shuffle there is: no
 * serialization, no sort, no combiner. Reduce: each thread takes one partition, merges the
 * threads' values of each key and calls the reducer once per key, whose {@code write} only counts.
 * <p>
 * Prints {@code BENCH_SECONDS <seconds>} — the time of the loop, which the suite reports instead of
 * the process's — and writes {@code summary.txt} into the output directory: the number of distinct
 * words and the sum of their counts, for the suite to check against Tusk's output.
 */
public final class UserCodeFloor
{
    private static final int THREADS = 2;
    private static final int PARTITIONS = 2;

    private UserCodeFloor() {}

    public static void main(String[] args)
            throws Exception
    {
        if (args.length != 2) {
            System.err.println("Usage: UserCodeFloor <input directory> <output directory>");
            System.exit(2);
        }
        Text[] lines = readLines(Path.of(args[0]));
        Configuration conf = new Configuration(false);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            long start = System.nanoTime();
            List<Future<List<Map<Text, IntList>>>> mapped = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                int from = (int) ((long) lines.length * thread / THREADS);
                int to = (int) ((long) lines.length * (thread + 1) / THREADS);
                int task = thread;
                mapped.add(threads.submit(() -> map(conf, task, Arrays.copyOfRange(lines, from, to))));
            }
            List<List<Map<Text, IntList>>> groups = new ArrayList<>();
            for (Future<List<Map<Text, IntList>>> future : mapped) {
                groups.add(future.get(1, TimeUnit.HOURS));
            }
            long mapEnd = System.nanoTime();
            List<Future<long[]>> reduced = new ArrayList<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                List<Map<Text, IntList>> partitionGroups = new ArrayList<>();
                for (List<Map<Text, IntList>> threadGroups : groups) {
                    partitionGroups.add(threadGroups.get(partition));
                }
                int task = partition;
                reduced.add(threads.submit(() -> reduce(conf, task, partitionGroups)));
            }
            long keys = 0;
            long total = 0;
            for (Future<long[]> future : reduced) {
                long[] summary = future.get(1, TimeUnit.HOURS);
                keys += summary[0];
                total += summary[1];
            }
            long end = System.nanoTime();
            System.out.printf(Locale.ROOT, "map %.3f s, reduce %.3f s over %d lines%n", (mapEnd - start) / 1e9, (end - mapEnd) / 1e9, lines.length);
            System.out.printf(Locale.ROOT, "BENCH_SECONDS %.3f%n", (end - start) / 1e9);
            Path output = Path.of(args[1]);
            Files.createDirectories(output);
            Files.writeString(output.resolve("summary.txt"), summary(keys, total) + "\n", StandardCharsets.UTF_8);
        }
        finally {
            threads.shutdownNow();
        }
    }

    /** The line {@code summary.txt} holds; the suite computes the same from a word count's output. */
    static String summary(long keys, long total)
    {
        return keys + " keys, counts summing to " + total;
    }

    private static List<Map<Text, IntList>> map(Configuration conf, int task, Text[] lines)
            throws IOException, InterruptedException
    {
        List<Map<Text, IntList>> partitions = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            partitions.add(new HashMap<>());
        }
        RecordWriter<Text, IntWritable> grouping = new RecordWriter<>()
        {
            @Override
            public void write(Text key, IntWritable value)
            {
                Map<Text, IntList> partition = partitions.get((key.hashCode() & Integer.MAX_VALUE) % PARTITIONS);
                IntList values = partition.get(key);
                if (values == null) {
                    values = new IntList();
                    partition.put(new Text(key), values);
                }
                values.add(value.get());
            }

            @Override
            public void close(TaskAttemptContext context) {}
        };
        TaskAttemptID attempt = new TaskAttemptID("floor", 1, TaskType.MAP, task, 0);
        Mapper<Object, Text, Text, IntWritable>.Context context = new WrappedMapper<Object, Text, Text, IntWritable>().getMapContext(
                new MapContextImpl<>(conf, attempt, null, grouping, null, new TaskAttemptContextImpl.DummyReporter(), null));
        WordCount.TokenizerMapper mapper = new WordCount.TokenizerMapper();
        LongWritable offset = new LongWritable();
        for (Text line : lines) {
            mapper.map(offset, line, context);
        }
        return partitions;
    }

    private static long[] reduce(Configuration conf, int partition, List<Map<Text, IntList>> groups)
            throws IOException, InterruptedException
    {
        Map<Text, IntList> merged = groups.get(0);
        for (Map<Text, IntList> other : groups.subList(1, groups.size())) {
            for (Map.Entry<Text, IntList> entry : other.entrySet()) {
                IntList values = merged.putIfAbsent(entry.getKey(), entry.getValue());
                if (values != null) {
                    values.addAll(entry.getValue());
                }
            }
        }
        long[] summary = new long[2];
        RecordWriter<Text, IntWritable> counting = new RecordWriter<>()
        {
            @Override
            public void write(Text key, IntWritable value)
            {
                summary[0]++;
                summary[1] += value.get();
            }

            @Override
            public void close(TaskAttemptContext context) {}
        };
        TaskAttemptID attempt = new TaskAttemptID("floor", 1, TaskType.REDUCE, partition, 0);
        @SuppressWarnings("unchecked") // Hadoop's comparators are raw types
        RawComparator<Text> keyOrder = WritableComparator.get(Text.class);
        Reducer<Text, IntWritable, Text, IntWritable>.Context context = new WrappedReducer<Text, IntWritable, Text, IntWritable>().getReducerContext(
                new ReduceContextImpl<>(conf, attempt, new NoRawInput(), new GenericCounter(), new GenericCounter(), counting, null,
                        new TaskAttemptContextImpl.DummyReporter(), keyOrder, Text.class, IntWritable.class));
        WordCount.IntSumReducer reducer = new WordCount.IntSumReducer();
        Values values = new Values();
        for (Map.Entry<Text, IntList> entry : merged.entrySet()) {
            reducer.reduce(entry.getKey(), values.of(entry.getValue()), context);
        }
        return summary;
    }

    private static Text[] readLines(Path directory)
            throws IOException
    {
        List<Text> lines = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> paths = Files.list(directory)) {
            files = paths.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().startsWith(".") && !path.getFileName().toString().startsWith("_"))
                    .sorted().toList();
        }
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i == bytes.length ? i > start : bytes[i] == '\n') {
                    Text line = new Text();
                    line.set(bytes, start, i - start);
                    lines.add(line);
                    start = i + 1;
                }
            }
        }
        return lines.toArray(new Text[0]);
    }

    /** A growable list of ints. */
    private static final class IntList
    {
        private int[] values = new int[4];
        private int size;

        void add(int value)
        {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        void addAll(IntList other)
        {
            if (size + other.size > values.length) {
                values = Arrays.copyOf(values, Math.max(size * 2, size + other.size));
            }
            System.arraycopy(other.values, 0, values, size, other.size);
            size += other.size;
        }
    }

    /** The values of one key as the reducer iterates them: one {@link IntWritable}, reused, as Hadoop does. */
    private static final class Values
            implements Iterable<IntWritable>, Iterator<IntWritable>
    {
        private final IntWritable value = new IntWritable();
        private IntList list;
        private int next;

        Values of(IntList list)
        {
            this.list = list;
            this.next = 0;
            return this;
        }

        @Override
        public Iterator<IntWritable> iterator()
        {
            return this;
        }

        @Override
        public boolean hasNext()
        {
            return next < list.size;
        }

        @Override
        public IntWritable next()
        {
            if (next >= list.size) {
                throw new NoSuchElementException();
            }
            value.set(list.values[next++]);
            return value;
        }
    }

    /** The reduce context's own input, unused: the floor hands the reducer its values directly. */
    private static final class NoRawInput
            implements RawKeyValueIterator
    {
        @Override
        public DataInputBuffer getKey()
        {
            throw new NoSuchElementException();
        }

        @Override
        public DataInputBuffer getValue()
        {
            throw new NoSuchElementException();
        }

        @Override
        public boolean next()
        {
            return false;
        }

        @Override
        public void close() {}

        @Override
        public Progress getProgress()
        {
            return new Progress();
        }
    }
}
