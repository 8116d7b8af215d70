package io.tusk.mr.cache;

import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.OutputCache;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text read from kept bytes against Hadoop's own readers of the same file, for every split of files
 * of many lengths, with CR LF and long lines: the same records (keys, values and, in the old API,
 * positions), and nothing read from the file system. ({@code BYTES_READ} depends on the file
 * system's buffering; HdfsOutputCacheIT compares it where it is the bytes the reader takes.)
 */
class CachedInputTest
{
    private static final int[] LENGTHS = {0, 1, 37, 511, 512, 513, 1024, 1100, 4096, 5000, 70_000};
    private static final long[] SPLIT_SIZES = {Long.MAX_VALUE, 40, 512, 1000, 4096, 65_536};

    @TempDir
    java.nio.file.Path work;
    private MemoryManager memory;
    private BlockStore store;
    private FileSystem fs;
    private final JobConf conf = new JobConf();

    @BeforeEach
    void setUp()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        store = new BlockStore(memory, new SpillDirectory(work), new KryoSerde());
        fs = FileSystem.getLocal(conf);
    }

    @AfterEach
    void tearDown()
    {
        store.close();
    }

    /** A file of about {@code length} bytes of lines, some ending in CR LF, some empty, some long. */
    private Path writeFile(String name, int length, Random random)
            throws IOException
    {
        return writeFile(name, length, random, false);
    }

    private Path writeFile(String name, int length, Random random, boolean byteOrderMark)
            throws IOException
    {
        Path path = new Path(work.resolve(name).toString());
        StringBuilder text = new StringBuilder(byteOrderMark ? "\uFEFF" : "");
        while (text.length() < length) {
            int words = random.nextInt(12);
            for (int word = 0; word < words; word++) {
                text.append(word == 0 ? "" : random.nextInt(5) == 0 ? "\t" : " ").append("w").append(random.nextInt(1000));
            }
            text.append(random.nextInt(6) == 0 ? "\r\n" : "\n");
        }
        byte[] bytes = java.util.Arrays.copyOf(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), length);
        try (FSDataOutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
        PagedBytes kept = store.newBytes();
        assertThat(kept.append(bytes, 0, bytes.length)).isTrue();
        assertThat(OutputCache.keep(store, fs, path, CachedFile.TEXT, kept)).isPresent();
        return path;
    }

    private static List<FileSplit> splits(Path path, long length, long size)
    {
        List<FileSplit> splits = new ArrayList<>();
        for (long start = 0; start < length || splits.isEmpty(); start += size) {
            splits.add(new FileSplit(path, start, Math.min(size, length - start), new String[0]));
        }
        return splits;
    }

    @Test
    void newApiReadersMatchHadoops()
            throws Exception
    {
        Random random = new Random(3);
        List<String> mismatches = new ArrayList<>();
        for (int length : LENGTHS) {
            Path path = writeFile("new-" + length, length, random);
            for (long size : SPLIT_SIZES) {
                for (FileSplit split : splits(path, length, size)) {
                    for (Class<?> format : List.<Class<?>>of(TextInputFormat.class, KeyValueTextInputFormat.class)) {
                        Read hadoop = readHadoop(format, split);
                        Read ours = readOurs(format, split);
                        if (!hadoop.records().equals(ours.records())) {
                            mismatches.add(String.format(Locale.ROOT, "%s %s [%d+%d] of %d: hadoop %d records %d bytes, ours %d records %d bytes",
                                    format.getSimpleName(), size, split.getStart(), split.getLength(), length,
                                    hadoop.records.size(), hadoop.bytes, ours.records.size(), ours.bytes));
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void oldApiReadersMatchHadoops()
            throws Exception
    {
        Random random = new Random(4);
        List<String> mismatches = new ArrayList<>();
        for (int length : LENGTHS) {
            Path path = writeFile("old-" + length, length, random);
            for (long size : SPLIT_SIZES) {
                for (FileSplit newSplit : splits(path, length, size)) {
                    org.apache.hadoop.mapred.FileSplit split = new org.apache.hadoop.mapred.FileSplit(path, newSplit.getStart(), newSplit.getLength(), new String[0]);
                    for (Class<?> format : List.of(org.apache.hadoop.mapred.TextInputFormat.class, org.apache.hadoop.mapred.KeyValueTextInputFormat.class)) {
                        Read hadoop = readOldHadoop(format, split);
                        Read ours = readOldOurs(format, split);
                        if (!hadoop.records().equals(ours.records())) {
                            mismatches.add(String.format(Locale.ROOT, "%s %s [%d+%d] of %d: hadoop %d records %d bytes, ours %d records %d bytes",
                                    format.getSimpleName(), size, split.getStart(), split.getLength(), length,
                                    hadoop.records.size(), hadoop.bytes, ours.records.size(), ours.bytes));
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void lineLengthLimitDelimiterAndByteOrderMarkAsHadoop()
            throws Exception
    {
        conf.setInt("mapreduce.input.linerecordreader.line.maxlength", 30);
        conf.set("textinputformat.record.delimiter", "\t");
        Random random = new Random(7);
        List<String> mismatches = new ArrayList<>();
        for (int length : new int[] {3, 200, 5000}) {
            Path path = writeFile("settings-" + length, length, random, true);
            for (long size : SPLIT_SIZES) {
                for (FileSplit split : splits(path, length, size)) {
                    Read hadoop = readHadoop(TextInputFormat.class, split);
                    Read ours = readOurs(TextInputFormat.class, split);
                    org.apache.hadoop.mapred.FileSplit oldSplit = new org.apache.hadoop.mapred.FileSplit(path, split.getStart(), split.getLength(), new String[0]);
                    Read oldHadoop = readOldHadoop(org.apache.hadoop.mapred.TextInputFormat.class, oldSplit);
                    Read oldOurs = readOldOurs(org.apache.hadoop.mapred.TextInputFormat.class, oldSplit);
                    if (!hadoop.records().equals(ours.records()) || !oldHadoop.records().equals(oldOurs.records())) {
                        mismatches.add(length + " [" + split.getStart() + "+" + split.getLength() + "]: " + hadoop.records() + " / " + ours.records()
                                + " old " + oldHadoop.records() + " / " + oldOurs.records());
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /**
     * A SequenceFile of {@code records} records written by Hadoop to the file system, and kept as
     * the output capture keeps it: written again by a second writer into memory.
     */
    private Path writeSequenceFile(String name, int records, Random random)
            throws IOException
    {
        Path path = new Path(work.resolve(name).toString());
        PagedBytes kept = store.newBytes();
        org.apache.hadoop.fs.FSDataOutputStream memory = new org.apache.hadoop.fs.FSDataOutputStream(new java.io.OutputStream()
        {
            @Override
            public void write(int b)
            {
                kept.append(b);
            }

            @Override
            public void write(byte[] b, int off, int len)
            {
                kept.append(b, off, len);
            }
        }, null);
        try (org.apache.hadoop.io.SequenceFile.Writer file = org.apache.hadoop.io.SequenceFile.createWriter(fs, conf, path, org.apache.hadoop.io.Text.class,
                org.apache.hadoop.io.IntWritable.class, org.apache.hadoop.io.SequenceFile.CompressionType.NONE, null, Reporter.NULL);
                org.apache.hadoop.io.SequenceFile.Writer copy = org.apache.hadoop.io.SequenceFile.createWriter(conf,
                        org.apache.hadoop.io.SequenceFile.Writer.stream(memory), org.apache.hadoop.io.SequenceFile.Writer.keyClass(org.apache.hadoop.io.Text.class),
                        org.apache.hadoop.io.SequenceFile.Writer.valueClass(org.apache.hadoop.io.IntWritable.class),
                        org.apache.hadoop.io.SequenceFile.Writer.compression(org.apache.hadoop.io.SequenceFile.CompressionType.NONE))) {
            org.apache.hadoop.io.Text key = new org.apache.hadoop.io.Text();
            org.apache.hadoop.io.IntWritable value = new org.apache.hadoop.io.IntWritable();
            for (int record = 0; record < records; record++) {
                key.set("k" + random.nextInt(100_000) + "x".repeat(random.nextInt(30)));
                value.set(random.nextInt());
                file.append(key, value);
                copy.append(key, value);
            }
        }
        assertThat(OutputCache.keep(store, fs, path, CachedFile.SEQUENCE, kept)).as("the copy is as long as the file").isPresent();
        return path;
    }

    @Test
    void sequenceFileReadersMatchHadoops()
            throws Exception
    {
        Random random = new Random(8);
        List<String> mismatches = new ArrayList<>();
        for (int records : new int[] {0, 1, 50, 3000}) {
            Path path = writeSequenceFile("sequence-" + records, records, random);
            long length = fs.getFileStatus(path).getLen();
            for (long size : new long[] {Long.MAX_VALUE, 100, 2000, 7000}) {
                if (length / size > 100) {
                    // enough splits of this file are read at the larger sizes
                    continue;
                }
                for (FileSplit split : splits(path, length, size)) {
                    for (Class<?> format : List.<Class<?>>of(org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class,
                            org.apache.hadoop.mapreduce.lib.input.SequenceFileAsTextInputFormat.class,
                            org.apache.hadoop.mapreduce.lib.input.SequenceFileAsBinaryInputFormat.class)) {
                        Read hadoop = readHadoop(format, split);
                        Read ours = readOurs(format, split);
                        if (!hadoop.records().equals(ours.records())) {
                            mismatches.add(format.getSimpleName() + " " + records + " [" + split.getStart() + "+" + split.getLength() + "]: "
                                    + hadoop.records().size() + " / " + ours.records().size());
                        }
                    }
                    org.apache.hadoop.mapred.FileSplit oldSplit = new org.apache.hadoop.mapred.FileSplit(path, split.getStart(), split.getLength(), new String[0]);
                    for (Class<?> format : List.of(org.apache.hadoop.mapred.SequenceFileInputFormat.class, org.apache.hadoop.mapred.SequenceFileAsTextInputFormat.class,
                            org.apache.hadoop.mapred.SequenceFileAsBinaryInputFormat.class)) {
                        Read hadoop = readOldHadoop(format, oldSplit);
                        Read ours = readOldOurs(format, oldSplit);
                        if (!hadoop.records().equals(ours.records())) {
                            mismatches.add(format.getName() + " " + records + " [" + split.getStart() + "+" + split.getLength() + "]: "
                                    + hadoop.records().size() + " / " + ours.records().size());
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void changedFileIsNotServed()
            throws Exception
    {
        Path path = writeFile("changed", 2000, new Random(5));
        FileSplit split = new FileSplit(path, 0, 2000, new String[0]);
        assertThat(CachedInput.newApi(TextInputFormat.class, split, conf, store, new Counters())).isPresent();
        // the same length, other bytes, written through another file system instance
        try (FileSystem other = FileSystem.newInstance(conf); FSDataOutputStream out = other.create(path, true)) {
            out.write(new byte[2000]);
        }
        assertThat(CachedInput.newApi(TextInputFormat.class, split, conf, store, new Counters())).isEmpty();
        assertThat(store.hasNamed()).as("the stale copy is dropped").isFalse();
    }

    /**
     * The copies of deleted and renamed files, and of files in a deleted directory, are dropped by
     * the sweep a job starts with; those of files still there stay, and named bytes that are no
     * file's copy are not the sweep's.
     */
    @Test
    void copiesOfDeletedFilesAreDroppedWhenTheNextJobStarts()
            throws Exception
    {
        Path kept = writeFile("kept", 300, new Random(7));
        Path deleted = writeFile("deleted", 300, new Random(8));
        Path renamed = writeFile("renamed", 300, new Random(9));
        java.nio.file.Files.createDirectories(work.resolve("gone"));
        Path inGoneDirectory = writeFile("gone/part-r-00000", 300, new Random(10));
        PagedBytes other = store.newBytes();
        assertThat(other.append(new byte[10], 0, 10)).isTrue();
        store.putNamed("not a file's copy", other, "something else");
        assertThat(OutputCache.dropDeleted(store, conf)).as("nothing deleted yet").isZero();

        fs.delete(deleted, false);
        fs.rename(renamed, new Path(renamed.getParent(), "renamed-2"));
        fs.delete(inGoneDirectory.getParent(), true);

        assertThat(OutputCache.dropDeleted(store, conf)).isEqualTo(3);
        assertThat(store.namedAttachments().keySet()).containsExactlyInAnyOrder(fs.makeQualified(kept).toString(), "not a file's copy");
        assertThat(CachedInput.newApi(TextInputFormat.class, new FileSplit(kept, 0, 300, new String[0]), conf, store, new Counters())).isPresent();
    }

    /**
     * A job's sweep lists a bounded number of directories: a driver that keeps every job's output
     * does not pay a listing per earlier job. Those not listed yet come first, the ones holding the
     * most memory first among them, so every directory has its turn.
     */
    @Test
    void theSweepListsABoundedNumberOfDirectoriesInTurnsTheLargestFirst()
            throws Exception
    {
        int directories = OutputCache.MAX_DIRECTORIES_LISTED + 2;
        List<Path> files = keptInDirectories("d", directories);
        for (Path file : files.subList(2, directories)) {
            fs.delete(file.getParent(), true);
        }
        assertThat(OutputCache.dropDeleted(store, conf)).as("the largest first").isEqualTo(OutputCache.MAX_DIRECTORIES_LISTED);
        assertThat(store.namedAttachments().keySet()).containsExactly(qualified(files.get(0)), qualified(files.get(1)));

        Files.createDirectories(work.resolve("late"));
        Path late = writeFile("late/part-r-00000", 300, new Random(40));
        // the two left were not listed yet, and the new one: all three in this sweep
        assertThat(OutputCache.dropDeleted(store, conf)).isZero();
        fs.delete(files.get(1).getParent(), true);
        fs.delete(late.getParent(), true);
        assertThat(OutputCache.dropDeleted(store, conf)).isEqualTo(2);
        assertThat(store.namedAttachments().keySet()).containsExactly(qualified(files.get(0)));
    }

    @Test
    void everyDirectoryHasItsTurnWhenMoreAreKeptThanASweepLists()
            throws Exception
    {
        int directories = OutputCache.MAX_DIRECTORIES_LISTED + 2;
        List<Path> files = keptInDirectories("e", directories);
        assertThat(OutputCache.dropDeleted(store, conf)).as("nothing deleted: the largest listed").isZero();
        // the two smallest, not listed by the sweep before, are deleted: the next sweep finds them although larger directories stay
        fs.delete(files.get(0).getParent(), true);
        fs.delete(files.get(1).getParent(), true);
        assertThat(OutputCache.dropDeleted(store, conf)).isEqualTo(2);
        assertThat(store.namedAttachments()).hasSize(directories - 2);
    }

    /** A kept file in each of {@code count} new directories, each file a page of memory larger than the one before. */
    private List<Path> keptInDirectories(String prefix, int count)
            throws IOException
    {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Files.createDirectories(work.resolve(prefix + i));
            files.add(writeFile(prefix + i + "/part-r-00000", 4096 << i, new Random(20 + i)));
        }
        return files;
    }

    private String qualified(Path file)
    {
        return fs.makeQualified(file).toString();
    }

    @Test
    void otherFormatsAndDisabledJobsReadFiles()
            throws Exception
    {
        Path path = writeFile("formats", 300, new Random(6));
        FileSplit split = new FileSplit(path, 0, 300, new String[0]);
        assertThat(CachedInput.newApi(org.apache.hadoop.mapreduce.lib.input.NLineInputFormat.class, split, conf, store, new Counters())).isEmpty();
        assertThat(CachedInput.newApi(org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class, split, conf, store, new Counters())).isEmpty();
        JobConf disabled = new JobConf(conf);
        disabled.setBoolean(OutputCache.ENABLED, false);
        assertThat(CachedInput.newApi(TextInputFormat.class, split, disabled, store, new Counters())).isEmpty();
        assertThat(CachedInput.newApi(TextInputFormat.class, split, conf, store, new Counters())).isPresent();
    }

    private record Read(List<String> records, long bytes) {}

    private static long threadBytesRead()
    {
        long total = 0;
        for (FileSystem.Statistics statistics : FileSystem.getAllStatistics()) {
            if (statistics.getScheme().equals("file")) {
                total += statistics.getThreadStatistics().getBytesRead();
            }
        }
        return total;
    }

    private TaskAttemptContext context()
    {
        return new TaskAttemptContextImpl(conf, TaskAttemptID.forName("attempt_1_0001_m_000000_0"));
    }

    private Read readHadoop(Class<?> format, FileSplit split)
            throws Exception
    {
        long before = threadBytesRead();
        @SuppressWarnings("unchecked")
        InputFormat<Object, Object> inputFormat = (InputFormat<Object, Object>) format.getConstructor().newInstance();
        RecordReader<Object, Object> reader = inputFormat.createRecordReader(split, context());
        reader.initialize(split, context());
        List<String> records = drain(reader);
        return new Read(records, threadBytesRead() - before);
    }

    private Read readOurs(Class<?> format, FileSplit split)
            throws Exception
    {
        Counters counters = new Counters();
        long before = threadBytesRead();
        RecordReader<Object, Object> reader = CachedInput.newApi(format, split, conf, store, counters).orElseThrow();
        reader.initialize(split, context());
        List<String> records = drain(reader);
        assertThat(threadBytesRead()).as("nothing read from the file system").isEqualTo(before);
        return new Read(records, counters.findCounter(FileInputFormatCounter.BYTES_READ).getValue());
    }

    private static List<String> drain(RecordReader<Object, Object> reader)
            throws Exception
    {
        List<String> records = new ArrayList<>();
        while (reader.nextKeyValue()) {
            records.add(reader.getCurrentKey() + "|" + reader.getCurrentValue() + "|" + reader.getProgress());
        }
        reader.close();
        return records;
    }

    @SuppressWarnings("unchecked")
    private Read readOldHadoop(Class<?> format, org.apache.hadoop.mapred.FileSplit split)
            throws Exception
    {
        long before = threadBytesRead();
        org.apache.hadoop.mapred.InputFormat<Object, Object> inputFormat = (org.apache.hadoop.mapred.InputFormat<Object, Object>) format.getConstructor().newInstance();
        if (inputFormat instanceof org.apache.hadoop.mapred.JobConfigurable configurable) {
            configurable.configure(conf);
        }
        List<String> records = drainOld(inputFormat.getRecordReader(split, conf, Reporter.NULL));
        return new Read(records, threadBytesRead() - before);
    }

    private Read readOldOurs(Class<?> format, org.apache.hadoop.mapred.FileSplit split)
            throws Exception
    {
        Counters counters = new Counters();
        long before = threadBytesRead();
        List<String> records = drainOld(CachedInput.oldApi(format, split, conf, store, counters, Reporter.NULL).orElseThrow());
        assertThat(threadBytesRead()).as("nothing read from the file system").isEqualTo(before);
        return new Read(records, counters.findCounter(FileInputFormatCounter.BYTES_READ).getValue());
    }

    private static List<String> drainOld(org.apache.hadoop.mapred.RecordReader<Object, Object> reader)
            throws IOException
    {
        List<String> records = new ArrayList<>();
        Object key = reader.createKey();
        Object value = reader.createValue();
        while (reader.next(key, value)) {
            records.add(key + "|" + value + "|" + reader.getPos());
        }
        reader.close();
        return records;
    }
}
