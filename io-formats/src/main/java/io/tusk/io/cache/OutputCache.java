package io.tusk.io.cache;

import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Committed output files kept in memory for the jobs that read them next, in the block store under
 * their qualified path. A file is kept only if the bytes captured while it was written are as long
 * as the committed file, and served only while the file is still the same version (path, length,
 * modification time, identity): every lookup compares with the file system and drops a stale copy.
 * Setting {@value #ENABLED}{@code =false} in a job keeps its output out of the cache and makes it
 * read its input from files.
 */
public final class OutputCache
{
    /** Per job: whether its committed output is kept and its input may be read from memory. */
    public static final String ENABLED = "tusk.output.cache";

    /** The logger of what is kept and read from memory, shown on the console as job progress is. */
    public static final String LOG_NAME = "io.tusk.cache";

    /** The most directories {@link #dropDeleted} lists for one job. */
    public static final int MAX_DIRECTORIES_LISTED = 8;

    private static final Logger LOG = LogManager.getLogger(LOG_NAME);

    /** Calls of {@link #dropDeleted} so far, and the last in which each directory still holding kept files was listed. */
    private static final java.util.concurrent.atomic.AtomicLong SWEEPS = new java.util.concurrent.atomic.AtomicLong();
    private static final Map<Path, Long> LISTED_AT = new java.util.concurrent.ConcurrentHashMap<>();

    private OutputCache() {}

    /**
     * Keeps {@code bytes} as the contents of the committed {@code file}; returns the version kept,
     * or empty when they were not kept (and so released).
     */
    public static Optional<FileVersion> keep(BlockStore store, FileSystem fs, Path file, String format, PagedBytes bytes)
    {
        try {
            if (bytes.refused()) {
                bytes.release();
                return Optional.empty();
            }
            Optional<FileVersion> version = FileVersion.of(fs, file);
            if (version.isEmpty() || version.get().length() != bytes.length()) {
                LOG.debug("Not keeping {}: {} bytes captured, file is {}", file, bytes.length(), version.map(v -> v.length() + " bytes").orElse("missing"));
                bytes.release();
                return Optional.empty();
            }
            store.putNamed(version.get().uri(), bytes, new CachedFile(version.get(), format, bytes));
            return version;
        }
        catch (IOException | RuntimeException e) {
            LOG.debug("Not keeping {}", file, e);
            bytes.release();
            return Optional.empty();
        }
    }

    /**
     * Drops the kept copies of files their directory no longer lists (deleted, renamed, or the
     * directory gone): memory no job can use any more, as when a driver deletes each job's output
     * once the next job has read it. One listing per directory that holds kept files, for at most
     * {@value #MAX_DIRECTORIES_LISTED} directories per call, so that a driver that keeps every job's
     * output lists a bounded number per job, not all of them: those listed longest ago first (never
     * listed: first of all), and of those the ones whose copies hold the most memory, so that every
     * directory's turn comes. A directory that cannot be listed keeps its copies (every lookup
     * checks them anyway). Returns how many were dropped.
     */
    public static int dropDeleted(BlockStore store, Configuration conf)
    {
        Map<String, Object> kept = store.namedAttachments();
        Map<Path, KeptDirectory> byDirectory = new LinkedHashMap<>();
        kept.forEach((name, attachment) -> {
            if (attachment instanceof CachedFile cached) {
                Path file = new Path(name);
                if (file.getParent() != null) {
                    KeptDirectory directory = byDirectory.computeIfAbsent(file.getParent(), KeptDirectory::new);
                    directory.names.add(name);
                    directory.memoryBytes += cached.bytes().memoryBytes();
                }
            }
        });
        long sweep = SWEEPS.incrementAndGet();
        LISTED_AT.keySet().retainAll(byDirectory.keySet());
        List<KeptDirectory> turns = new ArrayList<>(byDirectory.values());
        turns.sort(Comparator.comparingLong((KeptDirectory directory) -> LISTED_AT.getOrDefault(directory.path, 0L))
                .thenComparing(Comparator.comparingLong((KeptDirectory directory) -> directory.memoryBytes).reversed()));
        int dropped = 0;
        for (KeptDirectory directory : turns.subList(0, Math.min(MAX_DIRECTORIES_LISTED, turns.size()))) {
            LISTED_AT.put(directory.path, sweep);
            Set<String> listed = new HashSet<>();
            try {
                FileSystem fs = directory.path.getFileSystem(conf);
                for (FileStatus status : fs.listStatus(directory.path)) {
                    listed.add(fs.makeQualified(status.getPath()).toString());
                }
            }
            catch (FileNotFoundException e) {
                // the directory is gone: so are its files
            }
            catch (InterruptedIOException e) {
                // the job is being killed: leave the rest, and the interrupt for the job to see
                Thread.currentThread().interrupt();
                return dropped;
            }
            catch (IOException | RuntimeException e) {
                LOG.debug("Cannot list {} to find deleted outputs", directory.path, e);
                continue;
            }
            for (String name : directory.names) {
                if (!listed.contains(name)) {
                    LOG.debug("Dropping the kept copy of {}: the file is gone", name);
                    // only the copy seen gone: a job may have written the file again and kept a new copy since
                    store.removeNamed(name, kept.get(name));
                    dropped++;
                }
            }
        }
        return dropped;
    }

    private static final class KeptDirectory
    {
        private final Path path;
        private final List<String> names = new ArrayList<>();
        private long memoryBytes;

        private KeptDirectory(Path path)
        {
            this.path = path;
        }
    }

    /**
     * A reader of the kept copy of {@code file} written in {@code format}, if there is one and the
     * file has not changed since (as {@link #find}); whoever reads must close it.
     */
    public static Optional<PagedBytes.Reader> open(BlockStore store, FileSystem fs, Path file, String format)
            throws IOException
    {
        return find(store, fs, file).filter(cached -> cached.format().equals(format)).flatMap(cached -> cached.bytes().open());
    }

    /**
     * The kept copy of {@code file} if there is one and the file has not changed since; a copy of
     * an older version is dropped. Reading it takes a {@linkplain PagedBytes#open reader}.
     */
    public static Optional<CachedFile> find(BlockStore store, FileSystem fs, Path file)
            throws IOException
    {
        if (!store.hasNamed()) {
            return Optional.empty();
        }
        Path qualified = fs.makeQualified(file);
        Optional<BlockStore.Named> named = store.getNamed(qualified.toString());
        if (named.isEmpty() || !(named.get().attachment() instanceof CachedFile cached)) {
            return Optional.empty();
        }
        Optional<FileVersion> now = FileVersion.of(fs, qualified);
        if (now.isEmpty() || !now.get().equals(cached.version())) {
            LOG.debug("Dropping the kept copy of {}: the file {}", qualified, now.isEmpty() ? "is gone" : "has changed");
            store.removeNamed(qualified.toString());
            return Optional.empty();
        }
        return Optional.of(cached);
    }
}
