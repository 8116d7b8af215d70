package io.tusk.mr;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class loader of each running job in this process, by job id, so that tasks load the job's
 * classes (from its jar and {@code -libjars}) and not those of another job. Thread-safe.
 */
final class JobClassLoaders
{
    private static final Map<String, ClassLoader> LOADERS = new ConcurrentHashMap<>();

    private JobClassLoaders() {}

    static void register(String jobId, ClassLoader loader)
    {
        LOADERS.put(jobId, loader);
    }

    static ClassLoader get(String jobId)
    {
        ClassLoader loader = LOADERS.get(jobId);
        return loader != null ? loader : JobClassLoaders.class.getClassLoader();
    }

    static void remove(String jobId)
    {
        LOADERS.remove(jobId);
    }
}
