package io.tusk.engine.shuffle;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Private directories for spill and block files of one engine, one in each local directory it is
 * given, removed with everything in them on {@link #close()}. New files go to the directories in
 * turn. A directory where a file cannot be written (gone, read-only, full) is taken out of use with
 * a warning and the write is tried on the others ({@link #write}); only when none is left does a
 * write fail, saying which directories failed and why. Thread-safe.
 */
public final class SpillDirectory
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(SpillDirectory.class);

    private final List<Path> roots;
    // guarded by this
    private final List<Path> usable;
    private final Map<Path, String> failures = new LinkedHashMap<>();
    private final AtomicLong next = new AtomicLong();

    /** Writes one file at {@code path}, which does not exist yet. */
    public interface FileWriter<T>
    {
        T write(Path path)
                throws IOException;
    }

    public SpillDirectory(Path parent)
    {
        this(List.of(requireNonNull(parent, "parent is null")));
    }

    /** @param parents the local directories; those where no directory can be made are skipped with a warning */
    public SpillDirectory(List<Path> parents)
    {
        List<Path> created = new ArrayList<>();
        Map<Path, String> refused = new LinkedHashMap<>();
        for (Path parent : parents) {
            try {
                Files.createDirectories(parent);
                created.add(Files.createTempDirectory(parent, "tusk-"));
            }
            catch (IOException | RuntimeException e) {
                refused.put(parent, e.toString());
            }
        }
        if (created.isEmpty()) {
            throw new UncheckedIOException(new IOException("Cannot create a spill directory in any local directory " + refused
                    + "; set tusk.local.dir to writable directories (a comma-separated list)"));
        }
        refused.forEach((parent, why) -> LOG.warn("Local directory {} is not used: {}", parent, why));
        this.roots = List.copyOf(created);
        this.usable = new ArrayList<>(created);
    }

    /** The first directory. */
    public Path root()
    {
        return roots.get(0);
    }

    /** Every directory, in use or not. */
    public List<Path> roots()
    {
        return roots;
    }

    /** The directories still in use. */
    public synchronized List<Path> usable()
    {
        return List.copyOf(usable);
    }

    /** A path for a new file in the next directory in use; the file does not exist yet. */
    public Path newFile(String kind)
    {
        long number = next.getAndIncrement();
        Path root;
        synchronized (this) {
            root = usable.isEmpty() ? roots.get(0) : usable.get((int) (number % usable.size()));
        }
        return root.resolve(kind + "-" + number);
    }

    /**
     * Writes a new file with {@code writer} (which deletes what it wrote when it fails) in the next
     * directory in use; when it fails because the directory cannot take the file, takes that
     * directory out of use and tries the next. Fails when no directory is left.
     */
    public <T> T write(String kind, FileWriter<T> writer)
            throws IOException
    {
        while (true) {
            Path path = newFile(kind);
            try {
                return writer.write(path);
            }
            catch (IOException e) {
                if (!failed(path, e)) {
                    throw e;
                }
                synchronized (this) {
                    if (usable.isEmpty()) {
                        throw new IOException("No local directory can take spill files any more: " + failures
                                + "; free space or give tusk.local.dir other directories", e);
                    }
                }
            }
        }
    }

    /**
     * Writing {@code path} (made by {@link #newFile}) failed with {@code failure}: if its directory
     * cannot take files, takes it out of use (with a warning) and returns true.
     */
    public boolean failed(Path path, IOException failure)
    {
        Path root = path.getParent();
        if (!unusable(root, failure)) {
            return false;
        }
        synchronized (this) {
            if (usable.remove(root)) {
                failures.put(root, failure.toString());
                LOG.warn("Local directory {} is taken out of use: {}; {} left", root, failure.toString(), usable.size());
            }
        }
        return true;
    }

    /** Whether {@code failure} of a write into {@code root} says the directory cannot take files (rather than a fault of the data). */
    private static boolean unusable(Path root, IOException failure)
    {
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof java.nio.file.FileSystemException || message.contains("No space left") || message.contains("Read-only file system")
                    || message.contains("Disk quota exceeded")) {
                return true;
            }
        }
        return false;
    }

    /** Number of files in the directories now; for tests and leak checks. */
    public long fileCount()
    {
        long count = 0;
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.list(root)) {
                count += files.count();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return count;
    }

    @Override
    public void close()
    {
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            catch (IOException e) {
                LOG.warn("Cannot delete spill directory {}", root, e);
            }
        }
    }
}
