package io.tusk.io.cache;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * On a driver whose tasks run on executors in other processes: which executor keeps which output
 * file in memory, as the executors reported when the write that made the file ended. Splits of such
 * a file prefer that executor (and its host, should it stay busy), so that their tasks read memory
 * there. Only a preference: the task still checks the file's version before it reads the copy. The
 * newest entries are kept, a bounded number. Thread-safe.
 */
public final class KeptLocations
{
    private static final int MAX_FILES = 100_000;

    /** The executor that keeps a file: its id for the scheduler and its host. */
    public record Keeper(String host, String executor) {}

    private record Location(Keeper keeper, FileVersion version) {}

    // guarded by itself
    private static final Map<String, Location> LOCATIONS = new LinkedHashMap<>(64, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Location> eldest)
        {
            return size() > MAX_FILES;
        }
    };

    private KeptLocations() {}

    /** The executor {@code executor} on {@code host} keeps these files. */
    public static void kept(String host, String executor, Collection<FileVersion> files)
    {
        Keeper keeper = new Keeper(host, executor);
        synchronized (LOCATIONS) {
            for (FileVersion file : files) {
                LOCATIONS.put(file.uri(), new Location(keeper, file));
            }
        }
    }

    /** Executor {@code executor} is gone, with what it kept. */
    public static void forgetExecutor(String executor)
    {
        synchronized (LOCATIONS) {
            LOCATIONS.values().removeIf(location -> location.keeper().executor().equals(executor));
        }
    }

    /** Whether no executor has said it keeps a file. */
    public static boolean isEmpty()
    {
        synchronized (LOCATIONS) {
            return LOCATIONS.isEmpty();
        }
    }

    /** The executor that keeps the file {@code uri} (qualified) of this length and modification time, if one does. */
    public static Optional<Keeper> keeperOf(String uri, long length, long modificationTime)
    {
        synchronized (LOCATIONS) {
            Location location = LOCATIONS.get(uri);
            if (location == null) {
                return Optional.empty();
            }
            if (location.version().length() != length || location.version().modificationTime() != modificationTime) {
                LOCATIONS.remove(uri);
                return Optional.empty();
            }
            return Optional.of(location.keeper());
        }
    }
}
