package io.tusk.engine.scheduler;

import io.tusk.engine.TuskConfig;
import io.tusk.engine.task.ExecutorEnv;

import java.util.Map;

/**
 * Runs a context's tasks on executors of a cluster (for example YARN): found with
 * {@link java.util.ServiceLoader} by the master name of {@link TuskConfig#MASTER}.
 */
public interface ClusterManager
{
    /** Whether this manager runs contexts whose master is {@code master} (for example {@code yarn}). */
    boolean accepts(String master);

    /**
     * The context's settings given the cluster's configuration, before it starts: for example the
     * cluster settings the driver's own file systems need. The settings unchanged by default.
     */
    default TuskConfig configure(TuskConfig config, Iterable<Map.Entry<String, String>> clusterConf)
    {
        return config;
    }

    /**
     * Starts the context's executors (they may come later) and returns the backend that runs
     * attempts on them; closing the backend gives the cluster's resources back.
     *
     * @param clusterConf the cluster's settings as the caller has them, or null for the defaults of this process
     * @param env the driver's own environment
     */
    Backend start(TuskConfig config, Iterable<Map.Entry<String, String>> clusterConf, ExecutorEnv env);
}
