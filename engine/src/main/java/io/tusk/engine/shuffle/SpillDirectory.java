package io.tusk.engine.shuffle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A private directory for spill and block files of one engine, removed with everything in it on
 * {@link #close()}. Thread-safe.
 */
public final class SpillDirectory
        implements AutoCloseable
{
    private final Path root;
    private final AtomicLong next = new AtomicLong();

    public SpillDirectory(Path parent)
    {
        requireNonNull(parent, "parent is null");
        try {
            Files.createDirectories(parent);
            this.root = Files.createTempDirectory(parent, "tusk-");
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create a spill directory in " + parent + "; set tusk.local.dir to a writable directory", e);
        }
    }

    public Path root()
    {
        return root;
    }

    /** A path for a new file; the file does not exist yet. */
    public Path newFile(String kind)
    {
        return root.resolve(kind + "-" + next.getAndIncrement());
    }

    /** Number of files in the directory now; for tests and leak checks. */
    public long fileCount()
    {
        try (Stream<Path> files = Files.list(root)) {
            return files.count();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close()
    {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot delete spill directory " + root, e);
        }
    }
}
