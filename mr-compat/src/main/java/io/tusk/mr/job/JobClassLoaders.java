package io.tusk.mr.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class loader of each running job in this process, by job id, so that tasks load the job's
 * classes (from its jar and {@code -libjars}) and not those of another job; and, in an executor
 * on a cluster, the settings its tasks see differently from the submitted configuration (where the
 * distributed cache is localized). Thread-safe.
 */
public final class JobClassLoaders
{
    private static final Map<String, ClassLoader> LOADERS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, String>> LOCAL_SETTINGS = new ConcurrentHashMap<>();

    private JobClassLoaders() {}

    static void register(String jobId, ClassLoader loader)
    {
        LOADERS.put(jobId, loader);
    }

    /**
     * Registers, in an executor process, the class loader of a job's tasks and the settings that
     * replace the submitted ones in their configuration.
     */
    public static void registerExecutorJob(String jobId, ClassLoader loader, Map<String, String> localSettings)
    {
        LOADERS.put(jobId, loader);
        LOCAL_SETTINGS.put(jobId, Map.copyOf(localSettings));
    }

    /** The settings that replace submitted ones in this process's tasks of the job; empty unless registered. */
    static Map<String, String> localSettings(String jobId)
    {
        return LOCAL_SETTINGS.getOrDefault(jobId, Map.of());
    }

    static ClassLoader get(String jobId)
    {
        ClassLoader loader = LOADERS.get(jobId);
        return loader != null ? loader : JobClassLoaders.class.getClassLoader();
    }

    public static void remove(String jobId)
    {
        LOADERS.remove(jobId);
        LOCAL_SETTINGS.remove(jobId);
    }
}
