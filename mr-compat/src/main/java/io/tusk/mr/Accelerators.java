package io.tusk.mr;

import org.apache.hadoop.mapred.JobConf;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The {@link MapAccelerator}s and {@link ReduceAccelerator}s on Tusk's class path, loaded once. Setting
 * {@code tusk.accelerators.enabled=false} runs every job's own classes.
 */
final class Accelerators
{
    private static final List<ReduceAccelerator> REDUCE = ServiceLoader.load(ReduceAccelerator.class, ReduceAccelerator.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

    private static final List<MapAccelerator> MAP = ServiceLoader.load(MapAccelerator.class, MapAccelerator.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

    private Accelerators() {}

    static Optional<MapAccelerator.Runner> mapRunner(JobConf conf)
    {
        if (!conf.getBoolean("tusk.accelerators.enabled", true)) {
            return Optional.empty();
        }
        for (MapAccelerator accelerator : MAP) {
            Optional<MapAccelerator.Runner> runner = accelerator.runnerFor(conf);
            if (runner.isPresent()) {
                return runner;
            }
        }
        return Optional.empty();
    }

    static Optional<ReduceAccelerator.Runner> reduceRunner(JobConf conf)
    {
        if (!conf.getBoolean("tusk.accelerators.enabled", true)) {
            return Optional.empty();
        }
        for (ReduceAccelerator accelerator : REDUCE) {
            Optional<ReduceAccelerator.Runner> runner = accelerator.runnerFor(conf);
            if (runner.isPresent()) {
                return runner;
            }
        }
        return Optional.empty();
    }
}
