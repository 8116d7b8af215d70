package io.tusk.mr.job;

import io.tusk.engine.shuffle.SpillDirectory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directories under {@code mapreduce.cluster.local.dir} where a job's tasks get directories of
 * their own. Hadoop's local runner gives a task {@code <dir>/taskTracker/<user>/jobcache/<job>/<attempt>};
 * Tusk gives it {@code <dir>/taskTracker/<user>/jobcache/<job>-<n>/<attempt>}, where {@code <job>-<n>}
 * is a {@link SpillDirectory} of this process: held by a lock file while the job runs here, removed
 * when it ends, and, when this process was killed, by the next job of any Tusk process that uses the
 * same directory. Thread-safe.
 */
final class TaskDirectories
{
    private static final Map<String, SpillDirectory> JOBS = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicBoolean HOOKED = new java.util.concurrent.atomic.AtomicBoolean();

    private TaskDirectories() {}

    /** The job's directories in {@code <root>/taskTracker/<user>/jobcache} for each root that can take one. */
    static List<Path> of(String jobId, String[] roots, String user)
    {
        if (HOOKED.compareAndSet(false, true)) {
            try {
                // the jobs of an executor (whose master releases nothing here) end with its process
                Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(JOBS.keySet()).forEach(TaskDirectories::release), "tusk-task-directories"));
            }
            catch (IllegalStateException e) {
                // the process is ending already
            }
        }
        return JOBS.computeIfAbsent(jobId, id -> {
            List<Path> parents = new ArrayList<>();
            for (String root : roots) {
                parents.add(Path.of(new org.apache.hadoop.fs.Path(root).toUri().getPath(), "taskTracker", user, "jobcache"));
            }
            try {
                return new SpillDirectory(parents, id + "-", "job_");
            }
            catch (UncheckedIOException e) {
                throw new UncheckedIOException("No directory of mapreduce.cluster.local.dir " + String.join(",", roots) + " can take the task directories of "
                        + id + "; set it to writable directories", e.getCause());
            }
        }).roots();
    }

    /** Removes the job's directories in this process, with what its tasks left in them. */
    static void release(String jobId)
    {
        SpillDirectory directories = JOBS.remove(jobId);
        if (directories != null) {
            directories.close();
        }
    }
}
