package io.tusk.mr.cache;

import io.tusk.engine.storage.BlockStore;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.OutputCache;
import io.tusk.mr.counters.OutputCacheCounter;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter;
import org.apache.hadoop.mapreduce.lib.input.KeyValueLineRecordReader;
import org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Record readers over kept job outputs ({@link OutputCache}), used instead of the job's own when its
 * input format (or, under {@code MultipleInputs}, the split's) is exactly one whose records Tusk
 * reproduces from the file's bytes: {@code TextInputFormat} and {@code KeyValueTextInputFormat} of
 * either API, over a file kept as text whose name names no compression codec. The split's file is
 * compared with the file system when the reader is made: a changed file is read from disk.
 * <p>
 * The mapper gets the same keys and values, and the job the same record counters and the format's
 * {@code BYTES_READ} (the bytes of the file the reader takes, as when it reads a file of a file
 * system without checksum files, such as HDFS); the file system counters show nothing read, and
 * the "Tusk Output Cache" group what was read from memory.
 */
public final class CachedInput
{
    private static final String TAGGED_NEW = "org.apache.hadoop.mapreduce.lib.input.TaggedInputSplit";
    private static final String TAGGED_OLD = "org.apache.hadoop.mapred.lib.TaggedInputSplit";

    private CachedInput() {}

    /** What the reader of a split reads: the file split and the input format that reads it. */
    record Resolved(Path path, long start, long length, Class<?> format) {}

    /** The new API's reader of {@code split} from memory, if it can be read from there. */
    public static Optional<RecordReader<Object, Object>> newApi(Class<?> inputFormat, InputSplit split, JobConf conf, BlockStore store, Counters counters)
            throws IOException
    {
        Optional<Resolved> resolved = resolveNew(inputFormat, split);
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        Optional<CachedFile> file = find(resolved.get(), conf, store);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Tally tally = new Tally(counters);
        if (resolved.get().format() == TextInputFormat.class) {
            String delimiter = conf.get("textinputformat.record.delimiter");
            return Optional.of(new NewLines(file.get(), resolved.get(), conf, delimiter == null ? null : delimiter.getBytes(StandardCharsets.UTF_8), tally));
        }
        return Optional.of(new NewKeyValues(file.get(), resolved.get(), conf, tally));
    }

    /** The old API's reader of {@code split} from memory, if it can be read from there. */
    public static Optional<org.apache.hadoop.mapred.RecordReader<Object, Object>> oldApi(Class<?> inputFormat, org.apache.hadoop.mapred.InputSplit split,
            JobConf conf, BlockStore store, Counters counters, Reporter reporter)
            throws IOException
    {
        Optional<Resolved> resolved = resolveOld(inputFormat, split);
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        Optional<CachedFile> file = find(resolved.get(), conf, store);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Tally tally = new Tally(counters);
        if (resolved.get().format() == org.apache.hadoop.mapred.TextInputFormat.class) {
            // as the old TextInputFormat's getRecordReader
            reporter.setStatus(split.toString());
            String delimiter = conf.get("textinputformat.record.delimiter");
            return Optional.of(new OldLines(file.get(), resolved.get(), conf, delimiter == null ? null : delimiter.getBytes(StandardCharsets.UTF_8), tally));
        }
        reporter.setStatus(split.toString());
        return Optional.of(new OldKeyValues(file.get(), resolved.get(), conf, tally));
    }

    /** Whether the split would be read from memory now; looks it up (dropping a stale copy) but reads nothing. */
    public static boolean servable(Object split, Class<?> inputFormat, boolean newApi, JobConf conf, BlockStore store)
            throws IOException
    {
        Optional<Resolved> resolved = newApi ? resolveNew(inputFormat, (InputSplit) split) : resolveOld(inputFormat, (org.apache.hadoop.mapred.InputSplit) split);
        return resolved.isPresent() && find(resolved.get(), conf, store).isPresent();
    }

    static Optional<Resolved> resolveNew(Class<?> inputFormat, InputSplit split)
    {
        Class<?> format = inputFormat;
        Object inner = split;
        if (split.getClass().getName().equals(TAGGED_NEW)) {
            format = (Class<?>) call(split, "getInputFormatClass");
            inner = call(split, "getInputSplit");
        }
        if ((format != TextInputFormat.class && format != KeyValueTextInputFormat.class) || !(inner instanceof org.apache.hadoop.mapreduce.lib.input.FileSplit file)) {
            return Optional.empty();
        }
        return Optional.of(new Resolved(file.getPath(), file.getStart(), file.getLength(), format));
    }

    static Optional<Resolved> resolveOld(Class<?> inputFormat, org.apache.hadoop.mapred.InputSplit split)
    {
        Class<?> format = inputFormat;
        Object inner = split;
        if (split.getClass().getName().equals(TAGGED_OLD)) {
            format = (Class<?>) call(split, "getInputFormatClass");
            inner = call(split, "getInputSplit");
        }
        if ((format != org.apache.hadoop.mapred.TextInputFormat.class && format != org.apache.hadoop.mapred.KeyValueTextInputFormat.class)
                || !(inner instanceof org.apache.hadoop.mapred.FileSplit file)) {
            return Optional.empty();
        }
        return Optional.of(new Resolved(file.getPath(), file.getStart(), file.getLength(), format));
    }

    private static Optional<CachedFile> find(Resolved resolved, JobConf conf, BlockStore store)
            throws IOException
    {
        if (!conf.getBoolean(OutputCache.ENABLED, true) || !store.hasNamed() || new CompressionCodecFactory(conf).getCodec(resolved.path()) != null) {
            return Optional.empty();
        }
        return OutputCache.find(store, resolved.path().getFileSystem(conf), resolved.path())
                .filter(file -> file.format().equals(CachedFile.TEXT))
                .filter(file -> resolved.start() + resolved.length() <= file.bytes().length());
    }

    /** A public method of a split class that is not public (MultipleInputs' tagged splits). */
    private static Object call(Object target, String name)
    {
        try {
            Method method = target.getClass().getMethod(name);
            method.setAccessible(true);
            return method.invoke(target);
        }
        catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot call " + name + " of " + target.getClass().getName(), e);
        }
    }

    /** Adds what a reader took from memory to the task's counters, once per reader. */
    private static final class Tally
    {
        private final Counters counters;
        private long records;
        private boolean done;

        Tally(Counters counters)
        {
            this.counters = counters;
        }

        void record()
        {
            records++;
        }

        void end(MemoryLines lines)
        {
            if (done) {
                return;
            }
            done = true;
            long bytes = lines.bytesTaken();
            counters.findCounter(FileInputFormatCounter.BYTES_READ).increment(bytes);
            counters.findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).increment(1);
            counters.findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).increment(records);
            counters.findCounter(OutputCacheCounter.BYTES_FROM_MEMORY).increment(bytes);
        }
    }

    /** The new API's {@code LineRecordReader} over memory. */
    private static final class NewLines
            extends RecordReader<Object, Object>
    {
        private final CachedFile file;
        private final Resolved split;
        private final JobConf conf;
        private final byte[] delimiter;
        private final Tally tally;
        private MemoryLines lines;
        private LongWritable key;
        private Text value;

        NewLines(CachedFile file, Resolved split, JobConf conf, byte[] delimiter, Tally tally)
        {
            this.file = file;
            this.split = split;
            this.conf = conf;
            this.delimiter = delimiter;
            this.tally = tally;
        }

        @Override
        public void initialize(InputSplit ignored, TaskAttemptContext context)
                throws IOException
        {
            lines = new MemoryLines(file.bytes(), split.start(), split.length(), context.getConfiguration(), delimiter);
        }

        @Override
        public boolean nextKeyValue()
                throws IOException
        {
            if (key == null) {
                key = new LongWritable();
            }
            if (value == null) {
                value = new Text();
            }
            if (lines.nextNewApi(key, value)) {
                tally.record();
                return true;
            }
            // as Hadoop's reader, which drops its key and value at the end
            key = null;
            value = null;
            tally.end(lines);
            return false;
        }

        @Override
        public Object getCurrentKey()
        {
            return key;
        }

        @Override
        public Object getCurrentValue()
        {
            return value;
        }

        @Override
        public float getProgress()
        {
            return lines == null ? 0.0f : lines.progress();
        }

        @Override
        public void close()
                throws IOException
        {
            if (lines != null) {
                tally.end(lines);
                lines.close();
            }
        }
    }

    /** The new API's {@code KeyValueLineRecordReader} over memory. */
    private static final class NewKeyValues
            extends RecordReader<Object, Object>
    {
        private final NewLines lines;
        private final byte separator;
        private Text key;
        private Text value;

        NewKeyValues(CachedFile file, Resolved split, JobConf conf, Tally tally)
        {
            this.lines = new NewLines(file, split, conf, null, tally);
            this.separator = (byte) conf.get(KeyValueLineRecordReader.KEY_VALUE_SEPARATOR, "\t").charAt(0);
        }

        @Override
        public void initialize(InputSplit ignored, TaskAttemptContext context)
                throws IOException
        {
            lines.initialize(ignored, context);
        }

        @Override
        public boolean nextKeyValue()
                throws IOException
        {
            if (!lines.nextKeyValue()) {
                return false;
            }
            Text line = (Text) lines.getCurrentValue();
            if (key == null) {
                key = new Text();
            }
            if (value == null) {
                value = new Text();
            }
            int pos = KeyValueLineRecordReader.findSeparator(line.getBytes(), 0, line.getLength(), separator);
            KeyValueLineRecordReader.setKeyValue(key, value, line.getBytes(), line.getLength(), pos);
            return true;
        }

        @Override
        public Object getCurrentKey()
        {
            return key;
        }

        @Override
        public Object getCurrentValue()
        {
            return value;
        }

        @Override
        public float getProgress()
        {
            return lines.getProgress();
        }

        @Override
        public void close()
                throws IOException
        {
            lines.close();
        }
    }

    /** The old API's {@code LineRecordReader} over memory. */
    private static class OldLines
            implements org.apache.hadoop.mapred.RecordReader<Object, Object>
    {
        private final MemoryLines lines;
        private final Tally tally;

        OldLines(CachedFile file, Resolved split, JobConf conf, byte[] delimiter, Tally tally)
                throws IOException
        {
            this.lines = new MemoryLines(file.bytes(), split.start(), split.length(), conf, delimiter);
            this.tally = tally;
        }

        @Override
        public boolean next(Object key, Object value)
                throws IOException
        {
            if (lines.nextOldApi((LongWritable) key, (Text) value)) {
                tally.record();
                return true;
            }
            tally.end(lines);
            return false;
        }

        @Override
        public Object createKey()
        {
            return new LongWritable();
        }

        @Override
        public Object createValue()
        {
            return new Text();
        }

        @Override
        public long getPos()
        {
            return lines.position();
        }

        @Override
        public float getProgress()
        {
            return lines.progress();
        }

        @Override
        public void close()
                throws IOException
        {
            tally.end(lines);
            lines.close();
        }
    }

    /** The old API's {@code KeyValueLineRecordReader} over memory. */
    private static final class OldKeyValues
            extends OldLines
    {
        private final LongWritable lineKey = new LongWritable();
        private final Text line = new Text();
        private final byte separator;

        OldKeyValues(CachedFile file, Resolved split, JobConf conf, Tally tally)
                throws IOException
        {
            super(file, split, conf, null, tally);
            this.separator = (byte) conf.get(KeyValueLineRecordReader.KEY_VALUE_SEPARATOR, "\t").charAt(0);
        }

        @Override
        public boolean next(Object key, Object value)
                throws IOException
        {
            if (!super.next(lineKey, line)) {
                return false;
            }
            int pos = KeyValueLineRecordReader.findSeparator(line.getBytes(), 0, line.getLength(), separator);
            KeyValueLineRecordReader.setKeyValue((Text) key, (Text) value, line.getBytes(), line.getLength(), pos);
            return true;
        }

        @Override
        public Object createKey()
        {
            return new Text();
        }

        @Override
        public Object createValue()
        {
            return new Text();
        }
    }
}
