package io.tusk.engine.shuffle;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Private directories for spill and block files of one engine, one in each local directory it is
 * given, removed with everything in them on {@link #close()}. New files go to the directories in
 * turn. A directory where a file cannot be written (gone, read-only, full) is taken out of use with
 * a warning and the write is tried on the others ({@link #write}); only when none is left does a
 * write fail, saying which directories failed and why. A directory out of use is tried again after
 * {@value #RECHECK_SECONDS} seconds: space freed on a disk is used again by a process that lives on.
 * <p>
 * Each directory {@code tusk-N} has a sibling {@code tusk-N.lock} that its process holds locked
 * (with its process id in it) for the directory's life. A process killed with {@code kill -9}
 * cannot remove its directories, but the operating system releases its locks: a new spill
 * directory in the same parent first removes every directory whose lock it can take, and never one
 * whose process still lives. Thread-safe.
 */
public final class SpillDirectory
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(SpillDirectory.class);

    private final List<Path> roots;
    // guarded by this
    private final List<Path> usable;
    /** The directories out of use: why, and since when by {@link #clock}; guarded by this. */
    private final Map<Path, OutOfUse> outOfUse = new LinkedHashMap<>();
    static final long RECHECK_SECONDS = 30;
    private final java.util.function.LongSupplier clock;
    private final AtomicLong next = new AtomicLong();
    /** The locks that say this process owns {@link #roots}, held until {@link #close()}. */
    private final List<FileChannel> locks = new ArrayList<>();
    /**
     * Lock files of this JVM's spill directories. Never probed: closing a channel of a locked file
     * drops every lock the process holds on it, whichever channel took it.
     */
    private static final Set<Path> OWN_LOCKS = ConcurrentHashMap.newKeySet();
    private static final String DEFAULT_PREFIX = "tusk-";
    /** A lock file without a process id may be one that its process is about to fill in. */
    private static final long UNFILLED_LOCK_MILLIS = 60_000;

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
        this(parents, DEFAULT_PREFIX, DEFAULT_PREFIX, System::nanoTime);
    }

    /**
     * Directories named {@code prefix} and a number, and in the same parents, the directories that
     * ended processes left whose names start with {@code leftovers} removed first. For directories
     * that are not spill directories: the task-private directories of a job, for one.
     */
    public SpillDirectory(List<Path> parents, String prefix, String leftovers)
    {
        this(parents, prefix, leftovers, System::nanoTime);
    }

    /** @param clock nanoseconds, for the re-check of directories taken out of use */
    SpillDirectory(List<Path> parents, java.util.function.LongSupplier clock)
    {
        this(parents, DEFAULT_PREFIX, DEFAULT_PREFIX, clock);
    }

    private SpillDirectory(List<Path> parents, String prefix, String leftovers, java.util.function.LongSupplier clock)
    {
        checkArgument(prefix.startsWith(leftovers), "the directories' prefix %s does not start with the leftovers' %s", prefix, leftovers);
        this.clock = requireNonNull(clock, "clock is null");
        List<Path> created = new ArrayList<>();
        Map<Path, String> refused = new LinkedHashMap<>();
        for (Path parent : parents) {
            try {
                // one spelling of each directory: this process's lock files are known by their paths
                Path real = Files.createDirectories(parent).toRealPath();
                removeLeftovers(real, leftovers);
                created.add(createLocked(real, prefix));
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

    /** Takes a lock file in {@code parent} (a real path, the spelling {@link #OWN_LOCKS} knows), fills in this process's id, and makes the directory it names. */
    private Path createLocked(Path parent, String prefix)
            throws IOException
    {
        // named and known as this process's before it exists: a removal of leftovers on another
        // thread must never probe it (closing its channel there would drop the lock taken here)
        Path lockFile = null;
        FileChannel channel = null;
        while (channel == null) {
            Path candidate = parent.resolve(prefix + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".lock");
            if (!OWN_LOCKS.add(candidate)) {
                continue;
            }
            try {
                channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                lockFile = candidate;
            }
            catch (java.nio.file.FileAlreadyExistsException e) {
                // another process's: another name
                OWN_LOCKS.remove(candidate);
            }
            catch (IOException | RuntimeException e) {
                OWN_LOCKS.remove(candidate);
                throw e;
            }
        }
        try {
            // another process that removes leftovers may hold it for a moment
            FileLock lock = channel.tryLock();
            for (long until = System.nanoTime() + 100_000_000L; lock == null && System.nanoTime() < until; lock = channel.tryLock()) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            if (lock == null) {
                throw new IOException("Cannot lock " + lockFile);
            }
            // for people looking at the directory; no sync: the lock, not the file's content, says the directory is in use
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            Path directory = Files.createDirectory(directoryOf(lockFile));
            locks.add(channel);
            return directory;
        }
        catch (IOException | RuntimeException e) {
            OWN_LOCKS.remove(lockFile);
            channel.close();
            Files.deleteIfExists(lockFile);
            throw e;
        }
    }

    private static Path directoryOf(Path lockFile)
    {
        String name = lockFile.getFileName().toString();
        return lockFile.resolveSibling(name.substring(0, name.length() - ".lock".length()));
    }

    /**
     * Removes the spill directories in {@code parent} of processes that ended without removing
     * them: those whose filled-in lock this process can take. Failures are warnings.
     */
    private static void removeLeftovers(Path parent, String prefix)
    {
        List<Path> lockFiles;
        try (Stream<Path> files = Files.list(parent)) {
            lockFiles = files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(".lock");
            }).map(Path::toAbsolutePath).filter(file -> !OWN_LOCKS.contains(file)).toList();
        }
        catch (IOException e) {
            LOG.warn("Cannot look for spill directories left in {}: {}", parent, e.toString());
            return;
        }
        for (Path lockFile : lockFiles) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    continue;
                }
                boolean filled = channel.size() > 0;
                if (!filled && System.currentTimeMillis() - Files.getLastModifiedTime(lockFile).toMillis() < UNFILLED_LOCK_MILLIS) {
                    continue;
                }
                Path directory = directoryOf(lockFile);
                deleteTree(directory);
                Files.deleteIfExists(lockFile);
                LOG.info("Removed spill directory {}, left by a process that ended without removing it", directory);
            }
            catch (IOException | RuntimeException e) {
                LOG.warn("Cannot remove spill directory {} left by an ended process: {}", directoryOf(lockFile), e.toString());
            }
        }
    }

    /** Deletes {@code root} and what is in it; files that others remove meanwhile are no failure. */
    private static void deleteTree(Path root)
            throws IOException
    {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>()
        {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attributes)
            {
                file.toFile().delete();
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e)
            {
                // gone meanwhile, or not ours to read: the directory's deletion says what is left
                file.toFile().delete();
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path directory, IOException e)
            {
                directory.toFile().delete();
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
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
            readmit();
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
                        throw new IOException("No local directory can take spill files any more: " + outOfUse
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
                outOfUse.put(root, new OutOfUse(failure.toString(), clock.getAsLong()));
                LOG.warn("Local directory {} is taken out of use: {}; {} left", root, failure.toString(), usable.size());
            }
        }
        return true;
    }

    /** Puts back into use, in their order, the directories out of use for {@value #RECHECK_SECONDS} seconds; their next write tells. */
    private void readmit()
    {
        if (outOfUse.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        if (outOfUse.values().removeIf(out -> now - out.since() >= java.util.concurrent.TimeUnit.SECONDS.toNanos(RECHECK_SECONDS))) {
            usable.clear();
            for (Path root : roots) {
                if (!outOfUse.containsKey(root)) {
                    usable.add(root);
                }
            }
            LOG.info("Local directories in use again after {} s out of use: {}", RECHECK_SECONDS, usable);
        }
    }

    /** Why a directory is out of use (what the failure message shows), and since when. */
    private record OutOfUse(String why, long since)
    {
        @Override
        public String toString()
        {
            return why;
        }
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

    /**
     * A directory of this process's own for native libraries that libraries unpack (Snappy's),
     * removed with the others; not created.
     */
    public Path nativeLibraries()
    {
        return roots.get(0).resolve(NATIVE_LIBRARIES);
    }

    private static final String NATIVE_LIBRARIES = "native";

    /** Number of files (and directories) in the directories now, but for {@link #nativeLibraries()}; for tests and leak checks. */
    public long fileCount()
    {
        long count = 0;
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.list(root)) {
                count += files.filter(file -> !file.equals(nativeLibraries())).count();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return count;
    }

    @Override
    public synchronized void close()
    {
        for (Path root : roots) {
            try {
                deleteTree(root);
            }
            catch (IOException | RuntimeException e) {
                LOG.warn("Cannot delete spill directory {}", root, e);
            }
        }
        for (int i = 0; i < locks.size(); i++) {
            Path lockFile = roots.get(i).resolveSibling(roots.get(i).getFileName() + ".lock");
            try {
                Files.deleteIfExists(lockFile);
            }
            catch (IOException e) {
                LOG.warn("Cannot remove lock file {}", lockFile, e);
            }
            finally {
                try {
                    locks.get(i).close();
                }
                catch (IOException e) {
                    LOG.debug("Cannot close lock file {}", lockFile, e);
                }
                OWN_LOCKS.remove(lockFile);
            }
        }
        locks.clear();
    }
}
