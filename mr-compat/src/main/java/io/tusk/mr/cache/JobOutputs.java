package io.tusk.mr.cache;

import io.tusk.engine.storage.BlockStore;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.OutputCache;
import io.tusk.io.cache.PendingOutputs;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Which jobs' outputs are kept in memory: a job that writes with Hadoop's {@code TextOutputFormat}
 * or {@code SequenceFileOutputFormat} (exactly those classes, of the API its output side uses),
 * uncompressed, committed by Hadoop's {@code FileOutputCommitter} (which moves each task's file to
 * the output directory under its own name), without {@value OutputCache#ENABLED}{@code =false}.
 * Such a job is registered as {@link PendingOutputs} under its id, which its tasks find in their
 * configuration.
 */
public final class JobOutputs
{
    private JobOutputs() {}

    /**
     * Registers the job's output for capture if it can be kept; empty if not. {@code committer} is
     * the job's committer; {@code newApi} whether the output side (the reducer, or the mapper of a
     * map-only job) uses the new API.
     */
    public static Optional<PendingOutputs> begin(String jobId, JobConf conf, boolean newApi, OutputCommitter committer, BlockStore store)
    {
        requireNonNull(store, "store is null");
        if (!conf.getBoolean(OutputCache.ENABLED, true) || conf.getBoolean(FileOutputFormat.COMPRESS, false)) {
            return Optional.empty();
        }
        Path output = org.apache.hadoop.mapred.FileOutputFormat.getOutputPath(conf);
        if (output == null) {
            return Optional.empty();
        }
        String format;
        boolean fileCommitter;
        try {
            if (newApi) {
                JobContext context = new org.apache.hadoop.mapreduce.task.JobContextImpl(conf, org.apache.hadoop.mapreduce.JobID.forName(jobId));
                Class<?> outputFormat = context.getOutputFormatClass();
                format = outputFormat == org.apache.hadoop.mapreduce.lib.output.TextOutputFormat.class ? CachedFile.TEXT
                        : outputFormat == org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat.class ? CachedFile.SEQUENCE : null;
                fileCommitter = committer.getClass() == org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter.class;
            }
            else {
                Class<?> outputFormat = conf.getClass("mapred.output.format.class", org.apache.hadoop.mapred.TextOutputFormat.class);
                format = outputFormat == org.apache.hadoop.mapred.TextOutputFormat.class ? CachedFile.TEXT
                        : outputFormat == org.apache.hadoop.mapred.SequenceFileOutputFormat.class ? CachedFile.SEQUENCE : null;
                fileCommitter = committer.getClass() == org.apache.hadoop.mapred.FileOutputCommitter.class;
            }
        }
        catch (ClassNotFoundException | RuntimeException e) {
            return Optional.empty();
        }
        if (format == null || !fileCommitter) {
            return Optional.empty();
        }
        try {
            org.apache.hadoop.fs.FileSystem fs = output.getFileSystem(conf);
            return Optional.of(PendingOutputs.register(jobId, store, fs, fs.makeQualified(output), format));
        }
        catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Set by the driver in the configuration of a job whose tasks run in other processes (executors
     * of a long-lived application) and whose output is kept: the format ({@link CachedFile}) in
     * which those processes capture what their tasks write.
     */
    public static final String CAPTURE = "tusk.output.cache.capture";

    /**
     * The registration of the job whose task runs with {@code conf}, if its output is kept: the
     * driver's, in its process; elsewhere this process's own, made by the job's first task here.
     */
    static Optional<PendingOutputs> of(JobConf conf)
    {
        String jobId = conf.get("mapreduce.job.id");
        Optional<PendingOutputs> driver = PendingOutputs.find(jobId);
        String format = conf.get(CAPTURE);
        if (driver.isPresent() || format == null) {
            return driver;
        }
        Path output = org.apache.hadoop.mapred.FileOutputFormat.getOutputPath(conf);
        Optional<io.tusk.engine.task.TaskContext> task = io.tusk.engine.task.TaskContext.current();
        if (output == null || task.isEmpty()) {
            return Optional.empty();
        }
        try {
            org.apache.hadoop.fs.FileSystem fs = output.getFileSystem(conf);
            return PendingOutputs.forTask(jobId, task.get().env().blockStore(), fs, fs.makeQualified(output), format);
        }
        catch (IOException e) {
            return Optional.empty();
        }
    }
}
