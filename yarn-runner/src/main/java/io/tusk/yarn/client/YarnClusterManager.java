package io.tusk.yarn.client;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.TuskException;
import io.tusk.engine.scheduler.Backend;
import io.tusk.engine.scheduler.ClusterManager;
import io.tusk.engine.task.ExecutorEnv;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Master {@code yarn} of the dataset API ({@code Tusk.yarn(conf)}, {@code tusk.master=yarn}): the
 * context becomes one YARN application whose master is the driver itself, its tasks running on
 * executors in containers next to their data.
 */
public final class YarnClusterManager
        implements ClusterManager
{
    @Override
    public boolean accepts(String master)
    {
        return master.equals("yarn");
    }

    /**
     * Adds the settings of a {@code Configuration} given to {@code Tusk.yarn} that differ from this
     * process's defaults and site files (for example a {@code fs.defaultFS} set in code): the
     * driver's own sources and outputs use them, as the executors do (they start from the driver's
     * whole configuration).
     */
    @Override
    public TuskConfig configure(TuskConfig config, Iterable<Map.Entry<String, String>> clusterConf)
    {
        if (clusterConf == null) {
            return config;
        }
        Configuration defaults = new YarnConfiguration();
        Map<String, String> differing = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : clusterConf) {
            String key = entry.getKey();
            if (!key.startsWith("tusk.") && !config.properties().containsKey(key) && !Objects.equals(defaults.getRaw(key), entry.getValue())) {
                differing.put(key, entry.getValue());
            }
        }
        return config.withProperties(differing);
    }

    @Override
    public Backend start(TuskConfig config, Iterable<Map.Entry<String, String>> clusterConf, ExecutorEnv env)
    {
        Configuration conf = clusterConf instanceof Configuration given ? new YarnConfiguration(given) : new YarnConfiguration();
        if (clusterConf != null && !(clusterConf instanceof Configuration)) {
            clusterConf.forEach(entry -> conf.set(entry.getKey(), entry.getValue()));
        }
        config.properties().forEach((key, value) -> {
            if (key.startsWith("tusk.")) {
                conf.set(key, value);
            }
        });
        try {
            return DriverApplication.start(conf, config);
        }
        catch (IOException | YarnException e) {
            throw new TuskException(ErrorCode.CLUSTER_UNAVAILABLE, "Cannot start the YARN application of this context: " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TuskException(ErrorCode.CLUSTER_UNAVAILABLE, "Interrupted while the YARN application of this context started", e);
        }
    }
}
