package io.tusk.mr.cache;

import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.KeptLocations;
import io.tusk.io.cache.OutputCache;
import io.tusk.mr.counters.OutputCacheCounter;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.SequenceFile;
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
import java.util.Map;
import java.util.Optional;

/**
 * Record readers over kept job outputs ({@link OutputCache}), used instead of the job's own when its
 * input format (or, under {@code MultipleInputs}, the split's) is exactly one whose records Tusk
 * reproduces from the file's bytes: {@code TextInputFormat} and {@code KeyValueTextInputFormat} of
 * either API over a file kept as text whose name names no compression codec;
 * {@code SequenceFileInputFormat}, {@code SequenceFileAsTextInputFormat} and
 * {@code SequenceFileAsBinaryInputFormat} of either API over a file kept as a SequenceFile. The
 * split's file is compared with the file system when the reader is made: a changed file is read
 * from disk.
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
    private static final java.util.Set<Class<?>> TEXT_FORMATS = java.util.Set.of(TextInputFormat.class, KeyValueTextInputFormat.class,
            org.apache.hadoop.mapred.TextInputFormat.class, org.apache.hadoop.mapred.KeyValueTextInputFormat.class);
    private static final java.util.Set<Class<?>> SEQUENCE_FORMATS = java.util.Set.of(
            org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class,
            org.apache.hadoop.mapreduce.lib.input.SequenceFileAsTextInputFormat.class,
            org.apache.hadoop.mapreduce.lib.input.SequenceFileAsBinaryInputFormat.class,
            org.apache.hadoop.mapred.SequenceFileInputFormat.class,
            org.apache.hadoop.mapred.SequenceFileAsTextInputFormat.class,
            org.apache.hadoop.mapred.SequenceFileAsBinaryInputFormat.class);

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
        Optional<PagedBytes.Reader> file = find(resolved.get(), conf, store).flatMap(cached -> cached.bytes().open());
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Tally tally = new Tally(counters);
        Class<?> format = resolved.get().format();
        if (format == TextInputFormat.class) {
            String delimiter = conf.get("textinputformat.record.delimiter");
            return Optional.of(new NewLines(file.get(), resolved.get(), conf, delimiter == null ? null : delimiter.getBytes(StandardCharsets.UTF_8), tally));
        }
        if (format == KeyValueTextInputFormat.class) {
            return Optional.of(new NewKeyValues(file.get(), resolved.get(), conf, tally));
        }
        if (format == org.apache.hadoop.mapreduce.lib.input.SequenceFileAsBinaryInputFormat.class) {
            return Optional.of(new NewSequenceBinary(file.get(), resolved.get(), tally));
        }
        return Optional.of(new NewSequence(file.get(), resolved.get(), tally, format == org.apache.hadoop.mapreduce.lib.input.SequenceFileAsTextInputFormat.class));
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
        Optional<PagedBytes.Reader> file = find(resolved.get(), conf, store).flatMap(cached -> cached.bytes().open());
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(oldApiReader(resolved.get(), file.get(), split, conf, new Tally(counters), reporter));
        }
        catch (IOException | RuntimeException | Error e) {
            file.get().close();
            throw e;
        }
    }

    /** The old API's reader over {@code file} (which it closes when it is closed), made as the old formats' {@code getRecordReader}. */
    private static org.apache.hadoop.mapred.RecordReader<Object, Object> oldApiReader(Resolved resolved, PagedBytes.Reader file,
            org.apache.hadoop.mapred.InputSplit split, JobConf conf, Tally tally, Reporter reporter)
            throws IOException
    {
        Class<?> format = resolved.format();
        if (format == org.apache.hadoop.mapred.SequenceFileAsBinaryInputFormat.class) {
            return new OldSequenceBinary(file, resolved, conf, tally);
        }
        reporter.setStatus(split.toString());
        if (format == org.apache.hadoop.mapred.TextInputFormat.class) {
            String delimiter = conf.get("textinputformat.record.delimiter");
            return new OldLines(file, resolved, conf, delimiter == null ? null : delimiter.getBytes(StandardCharsets.UTF_8), tally);
        }
        if (format == org.apache.hadoop.mapred.KeyValueTextInputFormat.class) {
            return new OldKeyValues(file, resolved, conf, tally);
        }
        return new OldSequence(file, resolved, conf, tally, format == org.apache.hadoop.mapred.SequenceFileAsTextInputFormat.class);
    }

    /** Whether the split would be read from memory now; looks it up (dropping a stale copy) but reads nothing. */
    public static boolean servable(Object split, Class<?> inputFormat, boolean newApi, JobConf conf, BlockStore store)
            throws IOException
    {
        Optional<Resolved> resolved = newApi ? resolveNew(inputFormat, (InputSplit) split) : resolveOld(inputFormat, (org.apache.hadoop.mapred.InputSplit) split);
        return resolved.isPresent() && find(resolved.get(), conf, store).isPresent();
    }

    /**
     * The executor that keeps in memory the file {@code split} covers, if one does and the job reads
     * it with a format Tusk serves from memory; {@code statuses} caches the files' statuses.
     */
    public static Optional<KeptLocations.Keeper> keeper(Object split, Class<?> inputFormat, boolean newApi, JobConf conf, Map<Path, FileStatus> statuses)
            throws IOException
    {
        Optional<Resolved> resolved = newApi ? resolveNew(inputFormat, (InputSplit) split) : resolveOld(inputFormat, (org.apache.hadoop.mapred.InputSplit) split);
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        FileSystem fs = resolved.get().path().getFileSystem(conf);
        Path file = fs.makeQualified(resolved.get().path());
        FileStatus status = statuses.get(file);
        if (status == null) {
            try {
                status = fs.getFileStatus(file);
            }
            catch (java.io.FileNotFoundException e) {
                return Optional.empty();
            }
            statuses.put(file, status);
        }
        return KeptLocations.keeperOf(file.toString(), status.getLen(), status.getModificationTime());
    }

    static Optional<Resolved> resolveNew(Class<?> inputFormat, InputSplit split)
    {
        Class<?> format = inputFormat;
        Object inner = split;
        if (split.getClass().getName().equals(TAGGED_NEW)) {
            format = (Class<?>) call(split, "getInputFormatClass");
            inner = call(split, "getInputSplit");
        }
        if (!(TEXT_FORMATS.contains(format) || SEQUENCE_FORMATS.contains(format)) || !(inner instanceof org.apache.hadoop.mapreduce.lib.input.FileSplit file)) {
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
        if (!(TEXT_FORMATS.contains(format) || SEQUENCE_FORMATS.contains(format)) || !(inner instanceof org.apache.hadoop.mapred.FileSplit file)) {
            return Optional.empty();
        }
        return Optional.of(new Resolved(file.getPath(), file.getStart(), file.getLength(), format));
    }

    private static Optional<CachedFile> find(Resolved resolved, JobConf conf, BlockStore store)
            throws IOException
    {
        if (!conf.getBoolean(OutputCache.ENABLED, true) || !store.hasNamed()) {
            return Optional.empty();
        }
        boolean text = TEXT_FORMATS.contains(resolved.format());
        if (text && new CompressionCodecFactory(conf).getCodec(resolved.path()) != null) {
            return Optional.empty();
        }
        return OutputCache.find(store, resolved.path().getFileSystem(conf), resolved.path())
                .filter(file -> file.format().equals(text ? CachedFile.TEXT : CachedFile.SEQUENCE))
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

    /** Closes what reads the kept bytes (null if nothing was read), then the bytes' reader in any case. */
    private static void closeReading(java.io.Closeable reading, PagedBytes.Reader file)
            throws IOException
    {
        try {
            if (reading != null) {
                reading.close();
            }
        }
        finally {
            file.close();
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
            end(lines.bytesTaken());
        }

        void end(MemorySequence sequence)
        {
            end(sequence.bytesTaken());
        }

        private void end(long bytes)
        {
            if (done) {
                return;
            }
            done = true;
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
        private final PagedBytes.Reader file;
        private final Resolved split;
        private final JobConf conf;
        private final byte[] delimiter;
        private final Tally tally;
        private MemoryLines lines;
        private LongWritable key;
        private Text value;

        NewLines(PagedBytes.Reader file, Resolved split, JobConf conf, byte[] delimiter, Tally tally)
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
            lines = new MemoryLines(file, split.start(), split.length(), context.getConfiguration(), delimiter);
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
            }
            closeReading(lines == null ? null : lines::close, file);
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

        NewKeyValues(PagedBytes.Reader file, Resolved split, JobConf conf, Tally tally)
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

        OldLines(PagedBytes.Reader file, Resolved split, JobConf conf, byte[] delimiter, Tally tally)
                throws IOException
        {
            this.lines = new MemoryLines(file, split.start(), split.length(), conf, delimiter);
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

        OldKeyValues(PagedBytes.Reader file, Resolved split, JobConf conf, Tally tally)
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

    /** The new API's {@code SequenceFileRecordReader} over memory, or its {@code SequenceFileAsTextRecordReader}. */
    private static final class NewSequence
            extends RecordReader<Object, Object>
    {
        private final PagedBytes.Reader file;
        private final Resolved split;
        private final Tally tally;
        private final boolean asText;
        private MemorySequence sequence;
        private boolean more;
        private Object key;
        private Object value;
        private Text textKey;
        private Text textValue;

        NewSequence(PagedBytes.Reader file, Resolved split, Tally tally, boolean asText)
        {
            this.file = file;
            this.split = split;
            this.tally = tally;
            this.asText = asText;
        }

        @Override
        public void initialize(InputSplit ignored, TaskAttemptContext context)
                throws IOException
        {
            sequence = new MemorySequence(file, split.start(), split.length(), context.getConfiguration());
            more = sequence.start < sequence.end;
        }

        @Override
        public boolean nextKeyValue()
                throws IOException
        {
            if (!more) {
                tally.end(sequence);
                return false;
            }
            long pos = sequence.in.getPosition();
            key = sequence.in.next(key);
            if (key == null || sequence.pastEnd(pos)) {
                more = false;
                key = null;
                value = null;
                tally.end(sequence);
                return false;
            }
            value = sequence.in.getCurrentValue(value);
            tally.record();
            if (asText) {
                if (textKey == null) {
                    textKey = new Text();
                }
                if (textValue == null) {
                    textValue = new Text();
                }
                textKey.set(key.toString());
                textValue.set(value.toString());
            }
            return true;
        }

        @Override
        public Object getCurrentKey()
        {
            return asText ? textKey : key;
        }

        @Override
        public Object getCurrentValue()
        {
            return asText ? textValue : value;
        }

        @Override
        public float getProgress()
                throws IOException
        {
            return sequence == null ? 0.0f : sequence.progress(false);
        }

        @Override
        public void close()
                throws IOException
        {
            if (sequence != null) {
                tally.end(sequence);
            }
            closeReading(sequence == null ? null : sequence::close, file);
        }
    }

    /** Reads the raw key and value bytes of the next record into {@code key} and {@code value}; false at the split's end. */
    private static boolean nextRaw(MemorySequence sequence, org.apache.hadoop.io.DataOutputBuffer buffer, SequenceFile.ValueBytes valueBytes,
            BytesWritable key, BytesWritable value)
            throws IOException
    {
        long pos = sequence.in.getPosition();
        boolean eof = sequence.in.nextRawKey(buffer) == -1;
        if (!eof) {
            key.set(buffer.getData(), 0, buffer.getLength());
            buffer.reset();
            sequence.in.nextRawValue(valueBytes);
            valueBytes.writeUncompressedBytes(buffer);
            value.set(buffer.getData(), 0, buffer.getLength());
            buffer.reset();
        }
        return !(eof || sequence.pastEnd(pos));
    }

    /** The new API's {@code SequenceFileAsBinaryRecordReader} over memory. */
    private static final class NewSequenceBinary
            extends RecordReader<Object, Object>
    {
        private final PagedBytes.Reader file;
        private final Resolved split;
        private final Tally tally;
        private final org.apache.hadoop.io.DataOutputBuffer buffer = new org.apache.hadoop.io.DataOutputBuffer();
        private MemorySequence sequence;
        private SequenceFile.ValueBytes valueBytes;
        private boolean done;
        private BytesWritable key;
        private BytesWritable value;

        NewSequenceBinary(PagedBytes.Reader file, Resolved split, Tally tally)
        {
            this.file = file;
            this.split = split;
            this.tally = tally;
        }

        @Override
        public void initialize(InputSplit ignored, TaskAttemptContext context)
                throws IOException
        {
            sequence = new MemorySequence(file, split.start(), split.length(), context.getConfiguration());
            valueBytes = sequence.in.createValueBytes();
            done = sequence.start >= sequence.end;
        }

        @Override
        public boolean nextKeyValue()
                throws IOException
        {
            if (done) {
                tally.end(sequence);
                return false;
            }
            if (key == null) {
                key = new BytesWritable();
            }
            if (value == null) {
                value = new BytesWritable();
            }
            done = !nextRaw(sequence, buffer, valueBytes, key, value);
            if (done) {
                tally.end(sequence);
                return false;
            }
            tally.record();
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
                throws IOException
        {
            return sequence == null ? 0.0f : sequence.progress(true);
        }

        @Override
        public void close()
                throws IOException
        {
            if (sequence != null) {
                tally.end(sequence);
            }
            closeReading(sequence == null ? null : sequence::close, file);
        }
    }

    /** The old API's {@code SequenceFileRecordReader} over memory, or its {@code SequenceFileAsTextRecordReader}. */
    private static final class OldSequence
            implements org.apache.hadoop.mapred.RecordReader<Object, Object>
    {
        private final MemorySequence sequence;
        private final JobConf conf;
        private final Tally tally;
        private final boolean asText;
        private Object innerKey;
        private Object innerValue;
        private boolean more;

        OldSequence(PagedBytes.Reader file, Resolved split, JobConf conf, Tally tally, boolean asText)
                throws IOException
        {
            this.sequence = new MemorySequence(file, split.start(), split.length(), conf);
            this.conf = conf;
            this.tally = tally;
            this.asText = asText;
            this.more = sequence.start < sequence.end;
        }

        @Override
        public boolean next(Object key, Object value)
                throws IOException
        {
            if (asText) {
                if (innerKey == null) {
                    innerKey = newKey();
                    innerValue = newValue();
                }
                if (!nextObjects(innerKey, innerValue)) {
                    return false;
                }
                ((Text) key).set(innerKey.toString());
                ((Text) value).set(innerValue.toString());
                return true;
            }
            return nextObjects(key, value);
        }

        private boolean nextObjects(Object key, Object value)
                throws IOException
        {
            if (!more) {
                tally.end(sequence);
                return false;
            }
            long pos = sequence.in.getPosition();
            boolean remaining = sequence.in.next(key) != null;
            if (remaining) {
                sequence.in.getCurrentValue(value);
            }
            more = !sequence.pastEnd(pos) && remaining;
            if (more) {
                tally.record();
            }
            else {
                tally.end(sequence);
            }
            return more;
        }

        private Object newKey()
        {
            return org.apache.hadoop.util.ReflectionUtils.newInstance(sequence.in.getKeyClass(), conf);
        }

        private Object newValue()
        {
            return org.apache.hadoop.util.ReflectionUtils.newInstance(sequence.in.getValueClass(), conf);
        }

        @Override
        public Object createKey()
        {
            return asText ? new Text() : newKey();
        }

        @Override
        public Object createValue()
        {
            return asText ? new Text() : newValue();
        }

        @Override
        public long getPos()
                throws IOException
        {
            return sequence.in.getPosition();
        }

        @Override
        public float getProgress()
                throws IOException
        {
            return sequence.progress(false);
        }

        @Override
        public void close()
                throws IOException
        {
            tally.end(sequence);
            sequence.close();
        }
    }

    /** The old API's {@code SequenceFileAsBinaryRecordReader} over memory. */
    private static final class OldSequenceBinary
            implements org.apache.hadoop.mapred.RecordReader<Object, Object>
    {
        private final MemorySequence sequence;
        private final Tally tally;
        private final org.apache.hadoop.io.DataOutputBuffer buffer = new org.apache.hadoop.io.DataOutputBuffer();
        private final SequenceFile.ValueBytes valueBytes;
        private boolean done;

        OldSequenceBinary(PagedBytes.Reader file, Resolved split, JobConf conf, Tally tally)
                throws IOException
        {
            this.sequence = new MemorySequence(file, split.start(), split.length(), conf);
            this.tally = tally;
            this.valueBytes = sequence.in.createValueBytes();
            this.done = sequence.start >= sequence.end;
        }

        @Override
        public boolean next(Object key, Object value)
                throws IOException
        {
            if (done) {
                tally.end(sequence);
                return false;
            }
            done = !nextRaw(sequence, buffer, valueBytes, (BytesWritable) key, (BytesWritable) value);
            if (done) {
                tally.end(sequence);
                return false;
            }
            tally.record();
            return true;
        }

        @Override
        public Object createKey()
        {
            return new BytesWritable();
        }

        @Override
        public Object createValue()
        {
            return new BytesWritable();
        }

        @Override
        public long getPos()
                throws IOException
        {
            return sequence.in.getPosition();
        }

        @Override
        public float getProgress()
                throws IOException
        {
            return sequence.progress(true);
        }

        @Override
        public void close()
                throws IOException
        {
            tally.end(sequence);
            sequence.close();
        }
    }
}
