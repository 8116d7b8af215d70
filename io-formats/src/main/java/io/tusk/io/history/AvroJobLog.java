package io.tusk.io.history;

import io.tusk.engine.status.JobLogProvider;
import io.tusk.engine.status.StatusStore;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * One context's event log: an Avro container file of the jobs that ended, created with the first
 * of them as {@code tusk-<start>-<pid>.events.avro.inprogress} and renamed without
 * {@code .inprogress} when the context closes or the process exits (after the jobs still pending,
 * and before Hadoop closes its file systems). Each job is flushed to the file system as it is
 * appended, so the log of a process that was killed still reads back to its last job. Written on
 * a thread of its own; a log that cannot be written is a warning, once, and is given up.
 */
final class AvroJobLog
        implements JobLogProvider.JobLog
{
    private static final Logger LOG = LogManager.getLogger(AvroJobLog.class);
    /** Before Hadoop's file systems close at exit (their hook's priority is 10). */
    private static final int SHUTDOWN_PRIORITY = 20;
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Path directory;
    private final Configuration conf;
    private final String name;
    private final ExecutorService writerThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tusk-event-log");
        thread.setDaemon(true);
        return thread;
    });
    private final Runnable atExit = this::close;
    // confined to the writer thread
    private FileSystem fs;
    private Path inProgress;
    private FSDataOutputStream out;
    private DataFileWriter<GenericRecord> writer;
    private boolean failed;
    private volatile Path written;

    AvroJobLog(Path directory, Configuration conf)
    {
        this.directory = requireNonNull(directory, "directory is null");
        this.conf = requireNonNull(conf, "conf is null");
        this.name = "tusk-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid() + JobLogFormat.SUFFIX;
        ShutdownHookManager.get().addShutdownHook(atExit, SHUTDOWN_PRIORITY);
    }

    @Override
    public void append(Supplier<StatusStore.JobRecord> job)
    {
        try {
            writerThread.execute(() -> write(job));
        }
        catch (RejectedExecutionException e) {
            LOG.debug("A job ended after its event log closed");
        }
    }

    private void write(Supplier<StatusStore.JobRecord> job)
    {
        if (failed) {
            return;
        }
        StatusStore.JobRecord record;
        try {
            record = job.get();
        }
        catch (RuntimeException e) {
            LOG.warn("A job is missing from Tusk's event log: its record could not be made ({})", e.toString());
            return;
        }
        if (record == null) {
            return;
        }
        try {
            if (writer == null) {
                open();
            }
            writer.append(JobLogFormat.toAvro(record));
            writer.flush();
            out.hflush();
        }
        catch (IOException | RuntimeException e) {
            failed = true;
            LOG.warn("Tusk's event log {} cannot be written ({}); the history server will not show this process's later jobs",
                    inProgress != null ? inProgress : new Path(directory, name), e.toString());
        }
    }

    private void open()
            throws IOException
    {
        fs = directory.getFileSystem(conf);
        if (fs instanceof org.apache.hadoop.fs.ChecksumFileSystem checksummed) {
            fs = checksummed.getRawFileSystem();
        }
        fs.mkdirs(directory);
        inProgress = new Path(directory, name + JobLogFormat.IN_PROGRESS);
        out = fs.create(inProgress, false);
        writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(JobLogFormat.JOB));
        writer.create(JobLogFormat.JOB, out);
        written = inProgress;
    }

    /** The log's file, with {@code .inprogress} while it is written; null before its first job. */
    Path path()
    {
        return written;
    }

    @Override
    public void close()
    {
        if (writerThread.isShutdown()) {
            return;
        }
        try {
            writerThread.submit(this::complete).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        catch (RejectedExecutionException e) {
            return;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException e) {
            LOG.warn("Tusk's event log {} may not be complete: {}", new Path(directory, name), e.toString());
        }
        writerThread.shutdown();
        if (!ShutdownHookManager.get().isShutdownInProgress()) {
            ShutdownHookManager.get().removeShutdownHook(atExit);
        }
    }

    private void complete()
    {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
            writer = null;
            if (!failed) {
                Path complete = new Path(directory, name);
                fs.rename(inProgress, complete);
                written = complete;
            }
        }
        catch (IOException | RuntimeException e) {
            LOG.warn("Tusk's event log {} may not be complete: {}", inProgress, e.toString());
        }
    }
}
