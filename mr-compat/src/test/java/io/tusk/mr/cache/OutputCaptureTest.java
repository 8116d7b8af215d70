package io.tusk.mr.cache;

import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.OutputCache;
import io.tusk.io.cache.PendingOutputs;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DoubleWritable;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.TextOutputFormat;
import org.apache.hadoop.mapreduce.task.JobContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy a task keeps of its text output: the file's exact bytes, whichever API wrote them, with
 * each record formatted once (a key's or value's {@code toString} is called once per record, as
 * when nothing is kept).
 */
class OutputCaptureTest
{
    @TempDir
    java.nio.file.Path work;
    private BlockStore store;
    private FileSystem fs;

    @BeforeEach
    void setUp()
            throws IOException
    {
        store = new BlockStore(new MemoryManager(64 << 20), new SpillDirectory(work.resolve("store")), new KryoSerde());
        fs = FileSystem.getLocal(new JobConf());
    }

    @AfterEach
    void tearDown()
    {
        store.close();
    }

    @Test
    void newApiCopyHasTheFilesBytesAndFormatsEachRecordOnce()
            throws Exception
    {
        Counted counted = new Counted("counted ✓");
        JobConf conf = job("job_1_0001", "new");
        TaskAttemptID attempt = new TaskAttemptID("1", 1, TaskType.REDUCE, 0, 0);
        conf.set("mapreduce.task.attempt.id", attempt.toString());
        TaskAttemptContext context = new TaskAttemptContextImpl(conf, attempt);
        FileOutputCommitter committer = new FileOutputCommitter(new Path(conf.get("mapreduce.output.fileoutputformat.outputdir")), context);
        committer.setupJob(new JobContextImpl(conf, JobID.forName("job_1_0001")));
        committer.setupTask(context);

        @SuppressWarnings("unchecked")
        RecordWriter<Object, Object> created = (RecordWriter<Object, Object>) (RecordWriter<?, ?>) new TextOutputFormat<>().getRecordWriter(context);
        OutputCapture capture = OutputCapture.start(conf, OutputCapture.newApiName(context)).orElseThrow();
        RecordWriter<Object, Object> writer = capture.wrap(created, conf);
        for (Object[] record : records(counted)) {
            writer.write(record[0], record[1]);
        }
        writer.close(context);
        committer.commitTask(context);
        committer.commitJob(new JobContextImpl(conf, JobID.forName("job_1_0001")));
        capture.committed();
        PendingOutputs.endHere("job_1_0001", true);

        assertThat(counted.calls).as("toString calls of the value written twice").isEqualTo(2);
        assertCopyIsFile(new Path(conf.get("mapreduce.output.fileoutputformat.outputdir"), "part-r-00000"));
    }

    @Test
    void oldApiCopyHasTheFilesBytesAndFormatsEachRecordOnce()
            throws Exception
    {
        Counted counted = new Counted("counted ✓");
        JobConf conf = job("job_1_0002", "old");
        Path output = new Path(conf.get("mapreduce.output.fileoutputformat.outputdir"));
        conf.set("mapreduce.task.output.dir", output.toString());
        conf.set("mapreduce.task.attempt.id", new TaskAttemptID("1", 2, TaskType.REDUCE, 0, 0).toString());

        org.apache.hadoop.mapred.RecordWriter<Object, Object> created = new org.apache.hadoop.mapred.TextOutputFormat<Object, Object>()
                .getRecordWriter(fs, conf, "part-00000", Reporter.NULL);
        OutputCapture capture = OutputCapture.start(conf, "part-00000").orElseThrow();
        org.apache.hadoop.mapred.RecordWriter<Object, Object> writer = capture.wrap(created, conf);
        for (Object[] record : records(counted)) {
            writer.write(record[0], record[1]);
        }
        writer.close(Reporter.NULL);
        capture.committed();
        PendingOutputs.endHere("job_1_0002", true);

        assertThat(counted.calls).as("toString calls of the value written twice").isEqualTo(2);
        assertCopyIsFile(new Path(output, "part-00000"));
    }

    /** A job whose text output in {@code directory} is kept, with a separator of its own. */
    private JobConf job(String id, String directory)
            throws IOException
    {
        JobConf conf = new JobConf();
        conf.set("mapreduce.job.id", id);
        conf.set("mapreduce.output.textoutputformat.separator", " => ");
        Path output = fs.makeQualified(new Path(work.resolve(directory).toString()));
        conf.set("mapreduce.output.fileoutputformat.outputdir", output.toString());
        PendingOutputs.register(id, store, fs, output, CachedFile.TEXT);
        return conf;
    }

    private static List<Object[]> records(Counted counted)
    {
        return List.of(
                new Object[] {new Text("word"), new IntWritable(42)},
                new Object[] {new Text("ünïcödé 𝄞"), counted},
                new Object[] {NullWritable.get(), new Text("value alone")},
                new Object[] {new LongWritable(-7), null},
                new Object[] {null, null},
                new Object[] {NullWritable.get(), NullWritable.get()},
                new Object[] {new Text(""), new DoubleWritable(0.1)},
                new Object[] {new Text("tab\tinside"), counted});
    }

    private void assertCopyIsFile(Path file)
            throws IOException
    {
        byte[] written = Files.readAllBytes(java.nio.file.Path.of(file.toUri()));
        assertThat(new String(written, java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("word => 42\nünïcödé 𝄞 => counted ✓\nvalue alone\n-7\n => 0.1\n");
        CachedFile kept = OutputCache.find(store, fs, file).orElseThrow(() -> new AssertionError("no copy kept of " + file));
        byte[] copy = new byte[(int) kept.bytes().length()];
        try (PagedBytes.Reader reader = kept.bytes().open().orElseThrow()) {
            assertThat(reader.read(0, copy, 0, copy.length)).isEqualTo(copy.length);
        }
        assertThat(copy).isEqualTo(written);
    }

    /** A value that counts how often it is formatted. */
    private static final class Counted
    {
        private final String text;
        private int calls;

        Counted(String text)
        {
            this.text = text;
        }

        @Override
        public String toString()
        {
            calls++;
            return text;
        }
    }
}
