package io.tusk.io.cache;

import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The output files of one running write (a MapReduce job, a dataset's save) that are kept in memory
 * when it commits: its tasks capture what they write and hand it over here when their attempt
 * commits ({@link #committed}); after the write's commit has moved the files into the output
 * directory, the process keeps the captured bytes of every committed file ({@link #keepCommitted}).
 * Registered under a key the tasks know (the job's id, the save's key): by the driver, and, where
 * tasks run in other processes (executors on a cluster), by the first task of the write there
 * ({@link #forTask}); the driver then tells every executor to keep or drop what its tasks committed
 * ({@link #endHere}). Thread-safe.
 */
public final class PendingOutputs
{
    private static final Logger LOG = LogManager.getLogger(OutputCache.LOG_NAME);
    private static final Map<String, PendingOutputs> WRITES = new ConcurrentHashMap<>();
    /** Keys of writes that ended in this process, newest last: a late attempt must not register them again. */
    private static final Set<String> ENDED = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest)
        {
            return size() > 1024;
        }
    }));

    private final String key;
    private final BlockStore store;
    private final FileSystem fs;
    private final Path outputDirectory;
    private final String format;
    // guarded by this
    private final Map<String, PagedBytes> committed = new LinkedHashMap<>();
    private boolean ended;

    private PendingOutputs(String key, BlockStore store, FileSystem fs, Path outputDirectory, String format)
    {
        this.key = requireNonNull(key, "key is null");
        this.store = requireNonNull(store, "store is null");
        this.fs = requireNonNull(fs, "fs is null");
        this.outputDirectory = requireNonNull(outputDirectory, "outputDirectory is null");
        this.format = requireNonNull(format, "format is null");
    }

    /**
     * Registers, on the driver, a write whose committed files in {@code outputDirectory} (qualified,
     * on {@code fs}) will be kept, in {@code format} (see {@link CachedFile}).
     */
    public static PendingOutputs register(String key, BlockStore store, FileSystem fs, Path outputDirectory, String format)
    {
        PendingOutputs outputs = new PendingOutputs(key, store, fs, outputDirectory, format);
        WRITES.put(key, outputs);
        return outputs;
    }

    /** The registration under {@code key}, if the write's output is kept and it is registered in this process. */
    public static Optional<PendingOutputs> find(String key)
    {
        return key == null ? Optional.empty() : Optional.ofNullable(WRITES.get(key));
    }

    /**
     * For a task of the write {@code key}: the driver's registration when the task runs in the
     * driver's process, else this process's own, made now with this process's {@code store}; empty
     * once the write has ended here.
     */
    public static Optional<PendingOutputs> forTask(String key, BlockStore store, FileSystem fs, Path outputDirectory, String format)
    {
        if (key == null) {
            return Optional.empty();
        }
        synchronized (WRITES) {
            if (ENDED.contains(key)) {
                return Optional.empty();
            }
            return Optional.of(WRITES.computeIfAbsent(key, ignored -> new PendingOutputs(key, store, fs, outputDirectory, format)));
        }
    }

    /**
     * The driver says the write {@code key} has ended: keeps what its attempts committed in this
     * process if {@code keep}, releases the rest, and returns the versions of the files kept.
     */
    public static List<FileVersion> endHere(String key, boolean keep)
    {
        PendingOutputs outputs;
        synchronized (WRITES) {
            ENDED.add(key);
            outputs = WRITES.get(key);
        }
        if (outputs == null) {
            return List.of();
        }
        try {
            return keep ? outputs.keepCommitted() : List.of();
        }
        finally {
            outputs.end();
        }
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
     * After the write's commit: keeps every committed file whose captured bytes are as long as the
     * file in the output directory now, logs what was kept, and returns the kept files' versions.
     */
    public List<FileVersion> keepCommitted()
    {
        Map<String, PagedBytes> files;
        synchronized (this) {
            files = new LinkedHashMap<>(committed);
            committed.clear();
        }
        List<FileVersion> kept = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, PagedBytes> file : files.entrySet()) {
            long length = file.getValue().length();
            Optional<FileVersion> version = OutputCache.keep(store, fs, new Path(outputDirectory, file.getKey()), format, file.getValue());
            if (version.isPresent()) {
                kept.add(version.get());
                bytes += length;
            }
        }
        if (!kept.isEmpty()) {
            LOG.info("Kept {} of {} output files of {} in memory ({} bytes) for the jobs that read them next", kept.size(), files.size(), key, bytes);
        }
        else if (!files.isEmpty()) {
            LOG.info("Kept none of the {} output files of {} in memory: not enough free memory", files.size(), key);
        }
        return kept;
    }

    /** The write has ended: releases what was not kept and forgets the registration. */
    public void end()
    {
        synchronized (WRITES) {
            ENDED.add(key);
            WRITES.remove(key, this);
        }
        Map<String, PagedBytes> left;
        synchronized (this) {
            ended = true;
            left = new LinkedHashMap<>(committed);
            committed.clear();
        }
        left.values().forEach(PagedBytes::release);
    }
}
