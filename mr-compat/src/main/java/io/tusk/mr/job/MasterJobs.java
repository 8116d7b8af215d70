package io.tusk.mr.job;

import org.apache.hadoop.mapred.JobConf;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes of the MapReduce jobs a master runs without having them (the master of a named YARN
 * session, which runs the jobs of many clients): each job's jar and {@code -libjars}, copied from
 * where the client staged them, in a class loader of the job's own, as the master of a single job
 * has its job's jar. The job's end ({@link #ended}) closes the loader and removes the copies.
 * Thread-safe.
 */
public final class MasterJobs
{
    private static final Logger LOG = LogManager.getLogger(MasterJobs.class);

    private record Localized(CacheLocalizer cache, URLClassLoader loader) {}

    private static final Map<String, Localized> JOBS = new ConcurrentHashMap<>();

    private MasterJobs() {}

    /**
     * Copies job {@code jobId}'s jar and libraries (not its other cache files and archives: its
     * tasks run elsewhere) under {@code directory}; the class loader of its classes, whose parent is
     * this class's.
     */
    public static ClassLoader localize(String jobId, JobConf conf, Path directory)
            throws IOException
    {
        CacheLocalizer cache = CacheLocalizer.localizeClasses(conf, jobId, directory);
        List<URL> urls = new ArrayList<>();
        if (cache.jobJar().isPresent()) {
            urls.add(cache.jobJar().get().toUri().toURL());
        }
        urls.addAll(cache.classpath());
        URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), MasterJobs.class.getClassLoader());
        Localized earlier = JOBS.put(jobId, new Localized(cache, loader));
        if (earlier != null) {
            close(jobId, earlier);
        }
        return loader;
    }

    /** Job {@code jobId} has ended: its loader is closed, its copies removed. */
    public static void ended(String jobId)
    {
        Localized localized = JOBS.remove(jobId);
        if (localized != null) {
            close(jobId, localized);
        }
    }

    private static void close(String jobId, Localized localized)
    {
        try {
            localized.loader().close();
        }
        catch (IOException e) {
            LOG.debug("Cannot close the class loader of {}", jobId, e);
        }
        localized.cache().close();
    }
}
