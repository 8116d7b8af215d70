package io.tusk.mr.cache;

import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.OutputCache;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The output files of one running job that will be kept in memory when the job commits: its tasks
 * capture what they write and hand it over here when their attempt commits ({@link #committed});
 * the job's driver keeps the captured bytes of every committed file after job commit
 * ({@link #keepCommitted}). Only a job that writes with Hadoop's {@code TextOutputFormat} or
 * {@code SequenceFileOutputFormat} (exactly those classes, of the API its output side uses), uncompressed, committed by Hadoop's
 * {@code FileOutputCommitter}, without {@value OutputCache#ENABLED}{@code =false}, is captured: the
 * committer then moves each task's file to the output directory under its own name. Registrations
 * live in this process; tasks that run elsewhere find none and capture nothing. Thread-safe.
 */
public final class JobOutputs
{
    private static final Logger LOG = LogManager.getLogger(JobOutputs.class);
    private static final Map<String, JobOutputs> JOBS = new ConcurrentHashMap<>();

    private final String jobId;
    private final BlockStore store;
    private final Path outputDirectory;
    private final String format;
    // guarded by this
    private final Map<String, PagedBytes> committed = new LinkedHashMap<>();
    private boolean ended;

    private JobOutputs(String jobId, BlockStore store, Path outputDirectory, String format)
    {
        this.jobId = jobId;
        this.store = store;
        this.outputDirectory = outputDirectory;
        this.format = format;
    }

    /**
     * Registers the job's output for capture if it can be kept (see the class comment); empty if
     * not. {@code committer} is the job's committer; {@code newApi} whether the output side (the
     * reducer, or the mapper of a map-only job) uses the new API.
     */
    public static Optional<JobOutputs> begin(String jobId, JobConf conf, boolean newApi, OutputCommitter committer, BlockStore store)
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
            output = output.getFileSystem(conf).makeQualified(output);
        }
        catch (IOException e) {
            return Optional.empty();
        }
        JobOutputs outputs = new JobOutputs(jobId, store, output, format);
        JOBS.put(jobId, outputs);
        return Optional.of(outputs);
    }

    /** The registration of the job whose task runs with {@code conf}, if its output is captured here. */
    static Optional<JobOutputs> of(JobConf conf)
    {
        String jobId = conf.get("mapreduce.job.id");
        return jobId == null ? Optional.empty() : Optional.ofNullable(JOBS.get(jobId));
    }

    BlockStore store()
    {
        return store;
    }

    String format()
    {
        return format;
    }

    /** A task attempt committed file {@code name} with these bytes; replaces an earlier attempt's. */
    void committed(String name, PagedBytes bytes)
    {
        PagedBytes previous;
        synchronized (this) {
            if (ended) {
                previous = bytes;
            }
            else {
                previous = committed.put(name, bytes);
            }
        }
        if (previous != null) {
            previous.release();
        }
    }

    /**
     * After job commit: keeps every committed file whose captured bytes are as long as the file in
     * the output directory now. Logs what was kept.
     */
    public void keepCommitted(org.apache.hadoop.conf.Configuration conf)
    {
        FileSystem fs;
        try {
            fs = outputDirectory.getFileSystem(conf);
        }
        catch (IOException e) {
            LOG.debug("Cannot keep the output of {}", jobId, e);
            end();
            return;
        }
        Map<String, PagedBytes> files;
        synchronized (this) {
            files = new LinkedHashMap<>(committed);
            committed.clear();
        }
        int kept = 0;
        long bytes = 0;
        for (Map.Entry<String, PagedBytes> file : files.entrySet()) {
            long length = file.getValue().length();
            if (OutputCache.keep(store, fs, new Path(outputDirectory, file.getKey()), format, file.getValue())) {
                kept++;
                bytes += length;
            }
        }
        if (kept > 0) {
            LOG.info("Kept {} of {} output files of {} in memory ({} bytes) for the jobs that read them next", kept, files.size(), jobId, bytes);
        }
        else if (!files.isEmpty()) {
            LOG.info("Kept none of the {} output files of {} in memory: not enough free memory", files.size(), jobId);
        }
    }

    /** The job has ended: releases what was not kept and forgets the registration. */
    public void end()
    {
        JOBS.remove(jobId, this);
        Map<String, PagedBytes> left;
        synchronized (this) {
            ended = true;
            left = new LinkedHashMap<>(committed);
            committed.clear();
        }
        left.values().forEach(PagedBytes::release);
    }
}
