package io.tusk.mr.cache;

import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.CopyingStream;
import io.tusk.io.cache.PendingOutputs;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * The bytes one task attempt writes into its output file, captured while they are written. Text:
 * the stream of {@code TextOutputFormat}'s line writer is replaced by one that appends every byte
 * written to the file to the copy too, so each record is formatted once (its key's and value's
 * {@code toString} called once, as without the copy). SequenceFiles (and a line writer whose stream
 * cannot be reached): every record goes to the job's record writer and to a second writer of the
 * same Hadoop class over memory — a {@code SequenceFile.Writer} of the job's output classes without
 * compression, or a line writer — so the copy has the file's exact bytes (a SequenceFile's copy has
 * its own sync mark, at the same places). When memory is refused the copy is given up and the task
 * goes on. Confined to the task's thread.
 */
public final class OutputCapture
{
    private static final String SEPARATOR = "mapreduce.output.textoutputformat.separator";
    /** The stream field of each API's {@code TextOutputFormat.LineRecordWriter}; null where it cannot be set. */
    private static final Field NEW_API_LINES = streamField("org.apache.hadoop.mapreduce.lib.output.TextOutputFormat$LineRecordWriter");
    private static final Field OLD_API_LINES = streamField("org.apache.hadoop.mapred.TextOutputFormat$LineRecordWriter");

    private final PendingOutputs job;
    private final String name;
    private final PagedBytes bytes;
    private final org.apache.hadoop.fs.FSDataOutputStream copy;

    private OutputCapture(PendingOutputs job, String name)
    {
        this.job = job;
        this.name = name;
        this.bytes = job.store().newBytes();
        this.copy = new org.apache.hadoop.fs.FSDataOutputStream(new Sink(bytes), null);
    }

    /**
     * A capture of the file {@code name} (its name in the output directory) that the task running
     * with {@code conf} writes, if its job's output is kept; empty otherwise.
     */
    public static Optional<OutputCapture> start(JobConf conf, String name)
    {
        return JobOutputs.of(conf).map(job -> new OutputCapture(job, name));
    }

    /** The name the new API's {@code TextOutputFormat} gives the attempt's file. */
    public static String newApiName(TaskAttemptContext context)
    {
        return org.apache.hadoop.mapreduce.lib.output.FileOutputFormat.getUniqueFile(context,
                context.getConfiguration().get("mapreduce.output.basename", "part"), "");
    }

    /** {@code writer} with every record also written into the copy. */
    public RecordWriter<Object, Object> wrap(RecordWriter<Object, Object> writer, JobConf conf)
            throws IOException
    {
        if (teed(writer, NEW_API_LINES)) {
            return writer;
        }
        Copy copied = copy(conf, true);
        return new RecordWriter<>()
        {
            @Override
            public void write(Object key, Object value)
                    throws IOException, InterruptedException
            {
                writer.write(key, value);
                if (!bytes.refused()) {
                    copied.write(key, value);
                }
            }

            @Override
            public void close(TaskAttemptContext context)
                    throws IOException, InterruptedException
            {
                writer.close(context);
                copied.close();
            }
        };
    }

    /**
     * Whether {@code writer} is a text output's line writer (exactly the class whose stream field
     * is {@code lines}) and now writes through a {@link CopyingStream} into the copy.
     */
    private boolean teed(Object writer, Field lines)
    {
        if (!job.format().equals(CachedFile.TEXT) || lines == null || writer.getClass() != lines.getDeclaringClass()) {
            return false;
        }
        try {
            DataOutputStream file = (DataOutputStream) lines.get(writer);
            if (file == null) {
                return false;
            }
            lines.set(writer, new CopyingStream(file, bytes));
            return true;
        }
        catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    private static Field streamField(String lineWriterClass)
    {
        try {
            Field field = Class.forName(lineWriterClass, false, OutputCapture.class.getClassLoader()).getDeclaredField("out");
            if (field.getType() != DataOutputStream.class || Modifier.isFinal(field.getModifiers()) || Modifier.isStatic(field.getModifiers())) {
                return null;
            }
            field.setAccessible(true);
            return field;
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The second writer, over memory. */
    private interface Copy
    {
        void write(Object key, Object value)
                throws IOException, InterruptedException;

        void close()
                throws IOException;
    }

    private Copy copy(JobConf conf, boolean newApi)
            throws IOException
    {
        if (job.format().equals(CachedFile.SEQUENCE)) {
            SequenceFile.Writer writer = SequenceFile.createWriter(conf, SequenceFile.Writer.stream(copy),
                    SequenceFile.Writer.keyClass(conf.getOutputKeyClass()), SequenceFile.Writer.valueClass(conf.getOutputValueClass()),
                    SequenceFile.Writer.compression(SequenceFile.CompressionType.NONE));
            return new Copy()
            {
                @Override
                public void write(Object key, Object value)
                        throws IOException
                {
                    writer.append(key, value);
                }

                @Override
                public void close()
                        throws IOException
                {
                    writer.close();
                }
            };
        }
        String separator = conf.get(SEPARATOR, "\t");
        if (newApi) {
            RecordWriter<Object, Object> lines = NewApiText.lines(copy, separator);
            return new Copy()
            {
                @Override
                public void write(Object key, Object value)
                        throws IOException, InterruptedException
                {
                    lines.write(key, value);
                }

                @Override
                public void close() {}
            };
        }
        org.apache.hadoop.mapred.RecordWriter<Object, Object> lines = OldApiText.lines(copy, separator);
        return new Copy()
        {
            @Override
            public void write(Object key, Object value)
                    throws IOException
            {
                lines.write(key, value);
            }

            @Override
            public void close() {}
        };
    }

    /** The old API's {@code writer} with every record also written into the copy. */
    public org.apache.hadoop.mapred.RecordWriter<Object, Object> wrap(org.apache.hadoop.mapred.RecordWriter<Object, Object> writer, JobConf conf)
            throws IOException
    {
        if (teed(writer, OLD_API_LINES)) {
            return writer;
        }
        Copy copied = copy(conf, false);
        return new org.apache.hadoop.mapred.RecordWriter<>()
        {
            @Override
            public void write(Object key, Object value)
                    throws IOException
            {
                writer.write(key, value);
                if (!bytes.refused()) {
                    try {
                        copied.write(key, value);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException(e.getMessage());
                    }
                }
            }

            @Override
            public void close(Reporter reporter)
                    throws IOException
            {
                writer.close(reporter);
                copied.close();
            }
        };
    }

    /** The attempt has committed its output: hands the copy to the job. */
    public void committed()
    {
        job.committed(name, bytes);
    }

    /** The attempt failed or was killed: the copy is dropped. */
    public void discard()
    {
        bytes.release();
    }

    /** Reaches the new API's line writer, a protected class of its output format. */
    private static final class NewApiText
            extends org.apache.hadoop.mapreduce.lib.output.TextOutputFormat<Object, Object>
    {
        static RecordWriter<Object, Object> lines(DataOutputStream out, String separator)
        {
            return new LineRecordWriter<>(out, separator);
        }
    }

    /** Reaches the old API's line writer, a protected class of its output format. */
    private static final class OldApiText
            extends org.apache.hadoop.mapred.TextOutputFormat<Object, Object>
    {
        static org.apache.hadoop.mapred.RecordWriter<Object, Object> lines(DataOutputStream out, String separator)
        {
            return new LineRecordWriter<>(out, separator);
        }
    }

    /** Appends to the copy; once memory is refused, swallows everything. */
    private static final class Sink
            extends OutputStream
    {
        private final PagedBytes bytes;

        Sink(PagedBytes bytes)
        {
            this.bytes = bytes;
        }

        @Override
        public void write(int b)
        {
            bytes.append(b);
        }

        @Override
        public void write(byte[] b, int off, int len)
        {
            bytes.append(b, off, len);
        }
    }
}
