package io.tusk.io.cache;

import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The output files of one running write (a MapReduce job, a dataset's save) that are kept in memory
 * when it commits: its tasks capture what they write and hand it over here when their attempt
 * commits ({@link #committed}); the driver keeps the captured bytes of every committed file after
 * the job's commit has moved them into the output directory ({@link #keepCommitted}). Registered
 * under a key the tasks know (the job's id); registrations live in this process, so tasks that run
 * elsewhere find none and capture nothing. Thread-safe.
 */
public final class PendingOutputs
{
    private static final Logger LOG = LogManager.getLogger(OutputCache.LOG_NAME);
    private static final Map<String, PendingOutputs> WRITES = new ConcurrentHashMap<>();

    private final String key;
    private final BlockStore store;
    private final Path outputDirectory;
    private final String format;
    // guarded by this
    private final Map<String, PagedBytes> committed = new LinkedHashMap<>();
    private boolean ended;

    private PendingOutputs(String key, BlockStore store, Path outputDirectory, String format)
    {
        this.key = requireNonNull(key, "key is null");
        this.store = requireNonNull(store, "store is null");
        this.outputDirectory = requireNonNull(outputDirectory, "outputDirectory is null");
        this.format = requireNonNull(format, "format is null");
    }

    /**
     * Registers a write whose committed files in {@code outputDirectory} (qualified) will be kept, in
     * {@code format} (see {@link CachedFile}).
     */
    public static PendingOutputs register(String key, BlockStore store, Path outputDirectory, String format)
    {
        PendingOutputs outputs = new PendingOutputs(key, store, outputDirectory, format);
        WRITES.put(key, outputs);
        return outputs;
    }

    /** The registration under {@code key}, if the write's output is kept and its driver runs in this process. */
    public static Optional<PendingOutputs> find(String key)
    {
        return key == null ? Optional.empty() : Optional.ofNullable(WRITES.get(key));
    }

    public BlockStore store()
    {
        return store;
    }

    public String format()
    {
        return format;
    }

    /** A task attempt committed file {@code name} with these bytes; replaces an earlier attempt's. */
    public void committed(String name, PagedBytes bytes)
    {
        PagedBytes previous;
        synchronized (this) {
            previous = ended ? bytes : committed.put(name, bytes);
        }
        if (previous != null) {
            previous.release();
        }
    }

    /**
     * After the job's commit: keeps every committed file whose captured bytes are as long as the
     * file in the output directory now, and logs what was kept.
     */
    public void keepCommitted(FileSystem fs)
    {
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
            LOG.info("Kept {} of {} output files of {} in memory ({} bytes) for the jobs that read them next", kept, files.size(), key, bytes);
        }
        else if (!files.isEmpty()) {
            LOG.info("Kept none of the {} output files of {} in memory: not enough free memory", files.size(), key);
        }
    }

    /** The write has ended: releases what was not kept and forgets the registration. */
    public void end()
    {
        WRITES.remove(key, this);
        Map<String, PagedBytes> left;
        synchronized (this) {
            ended = true;
            left = new LinkedHashMap<>(committed);
            committed.clear();
        }
        left.values().forEach(PagedBytes::release);
    }
}
