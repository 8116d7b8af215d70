package io.tusk.io;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.io.OutputJob;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.CopyingStream;
import io.tusk.io.cache.OutputCache;
import io.tusk.io.cache.PendingOutputs;
import io.tusk.engine.task.TaskAttemptId;
import io.tusk.engine.task.TaskContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Writes records into {@code part-NNNNN} files (in the format and with the extension of the subclass) with a two-level
 * commit, as Hadoop's {@code FileOutputCommitter} (algorithm 1) does: an attempt writes under
 * {@code _temporary/0/_temporary/<attempt>/}, task commit renames that to
 * {@code _temporary/0/<task>/}, job commit moves the committed files into the output directory and
 * writes {@code _SUCCESS}. Job abort deletes the output directory, which the job created, so a
 * failed job leaves nothing behind. Files of a format readers can take from memory
 * ({@link #keptFormat()}) are kept in memory when the job commits, unless
 * {@value OutputCache#ENABLED} is false.
 */
public abstract class FileOutputJob
        implements OutputJob
{
    static final String SUCCESS = "_SUCCESS";
    private static final String TEMPORARY = "_temporary";

    private final String path;
    private final Map<String, String> settings;
    /** The key of the registration that keeps the committed files in memory, once there is one. */
    private String keptKey;

    protected FileOutputJob(String path, Map<String, String> settings)
    {
        this.path = requireNonNull(path, "path is null");
        this.settings = Map.copyOf(settings);
    }

    protected final Map<String, String> settings()
    {
        return settings;
    }

    /** How the committed files can be kept in memory ({@link CachedFile}'s formats), or null if they cannot. */
    protected abstract String keptFormat();

    /** What the files' names end with after {@code part-NNNNN}. */
    protected String extension()
    {
        return "";
    }

    /** A writer of records into {@code out}, the attempt's file; closing it closes {@code out}. */
    protected abstract RecordWriter open(org.apache.hadoop.fs.FSDataOutputStream out)
            throws IOException;

    /** Writes records of one attempt. */
    protected interface RecordWriter
            extends java.io.Closeable
    {
        void write(Object record)
                throws IOException;
    }

    private Path output()
    {
        return new Path(path);
    }

    private FileSystem fileSystem()
            throws IOException
    {
        return output().getFileSystem(HadoopConfigurations.from(settings));
    }

    private Path jobAttemptDirectory()
    {
        return new Path(new Path(output(), TEMPORARY), "0");
    }

    @Override
    public void setupJob()
            throws IOException
    {
        FileSystem fs = fileSystem();
        if (fs.exists(output())) {
            throw new TuskException(ErrorCode.OUTPUT_EXISTS,
                    "Output directory " + fs.makeQualified(output()) + " already exists; delete it or choose another path");
        }
        if (!fs.mkdirs(jobAttemptDirectory())) {
            throw new IOException("Cannot create " + jobAttemptDirectory());
        }
    }

    @Override
    public Kept keepInMemory(BlockStore store)
    {
        String format = keptFormat();
        if (format == null || !Boolean.parseBoolean(settings.getOrDefault(OutputCache.ENABLED, "true"))) {
            return Kept.NOTHING;
        }
        PendingOutputs pending;
        try {
            FileSystem fs = fileSystem();
            keptKey = "save-" + UUID.randomUUID();
            pending = PendingOutputs.register(keptKey, store, fs, fs.makeQualified(output()), format);
        }
        catch (IOException e) {
            return Kept.NOTHING;
        }
        String key = keptKey;
        return new Kept()
        {
            @Override
            public void keep()
            {
                pending.keepCommitted();
            }

            @Override
            public void close()
            {
                pending.end();
            }

            @Override
            public String key()
            {
                return key;
            }
        };
    }

    @Override
    public TaskOutput openTask(TaskContext context)
            throws IOException
    {
        TaskAttemptId attemptId = context.attemptId();
        FileSystem fs = fileSystem();
        String fileName = String.format("part-%05d", attemptId.partition()) + extension();
        Path attemptDirectory = new Path(new Path(jobAttemptDirectory(), TEMPORARY), "attempt_" + attemptId);
        Path taskDirectory = new Path(jobAttemptDirectory(), String.format("task_%05d", attemptId.partition()));
        Path file = new Path(attemptDirectory, fileName);
        OutputStream out = fs.create(file, false);
        // the driver's registration, or in an executor's process one of its own
        Optional<PendingOutputs> pending = PendingOutputs.forTask(keptKey, context.env().blockStore(), fs, fs.makeQualified(output()), keptFormat());
        PagedBytes copy = null;
        if (pending.isPresent()) {
            copy = pending.get().store().newBytes();
            out = new CopyingStream(out, copy);
        }
        RecordWriter writer = open(new org.apache.hadoop.fs.FSDataOutputStream(out, null));
        return new FileOutput(fs, writer, attemptDirectory, taskDirectory, pending.orElse(null), fileName, copy);
    }

    @Override
    public void commitJob()
            throws IOException
    {
        FileSystem fs = fileSystem();
        FileStatus[] tasks = fs.listStatus(jobAttemptDirectory(), child -> child.getName().startsWith("task_"));
        for (FileStatus task : tasks) {
            for (FileStatus file : fs.listStatus(task.getPath())) {
                Path target = new Path(output(), file.getPath().getName());
                if (!fs.rename(file.getPath(), target)) {
                    throw new IOException("Cannot move " + file.getPath() + " to " + target);
                }
            }
        }
        fs.delete(new Path(output(), TEMPORARY), true);
        fs.create(new Path(output(), SUCCESS), false).close();
    }

    @Override
    public void abortJob()
            throws IOException
    {
        fileSystem().delete(output(), true);
    }

    @Override
    public String describe()
    {
        return path;
    }

    private static final class FileOutput
            implements TaskOutput
    {
        private final FileSystem fs;
        private final RecordWriter writer;
        private final Path attemptDirectory;
        private final Path taskDirectory;
        private final PendingOutputs pending;
        private final String fileName;
        private final PagedBytes copy;
        private boolean closed;

        /** @param pending where the copy goes when the attempt commits, or null when the output is not kept */
        FileOutput(FileSystem fs, RecordWriter writer, Path attemptDirectory, Path taskDirectory, PendingOutputs pending, String fileName, PagedBytes copy)
        {
            this.fs = fs;
            this.writer = writer;
            this.attemptDirectory = attemptDirectory;
            this.taskDirectory = taskDirectory;
            this.pending = pending;
            this.fileName = fileName;
            this.copy = copy;
        }

        @Override
        public void write(Object record)
                throws IOException
        {
            writer.write(record);
        }

        @Override
        public void commit()
                throws IOException
        {
            closeWriter();
            if (fs.exists(taskDirectory)) {
                // another attempt of this task committed first
                fs.delete(attemptDirectory, true);
                releaseCopy();
                return;
            }
            if (!fs.rename(attemptDirectory, taskDirectory)) {
                releaseCopy();
                throw new IOException("Cannot commit task output " + attemptDirectory + " to " + taskDirectory);
            }
            if (pending != null) {
                pending.committed(fileName, copy);
            }
        }

        private void releaseCopy()
        {
            if (copy != null) {
                copy.release();
            }
        }

        @Override
        public void abort()
        {
            releaseCopy();
            try {
                closeWriter();
            }
            catch (IOException ignored) {
                // the attempt's files are deleted below
            }
            try {
                fs.delete(attemptDirectory, true);
            }
            catch (IOException ignored) {
                // job abort or commit removes _temporary
            }
        }

        private void closeWriter()
                throws IOException
        {
            if (!closed) {
                closed = true;
                writer.close();
            }
        }
    }
}
