package io.tusk.mr.task;

import org.apache.hadoop.mapred.JobConf;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The {@link MapAccelerator}s and {@link ReduceAccelerator}s on Tusk's class path, loaded once.
 * Setting {@code tusk.accelerators.enabled=false} runs every job's own classes.
 */
final class Accelerators
{
    private static final List<MapAccelerator> MAP = load(MapAccelerator.class);
    private static final List<ReduceAccelerator> REDUCE = load(ReduceAccelerator.class);

    private Accelerators() {}

    static Optional<MapAccelerator.Runner> mapRunner(JobConf conf)
    {
        return first(MAP, accelerator -> accelerator.runnerFor(conf), conf);
    }

    static Optional<ReduceAccelerator.Runner> reduceRunner(JobConf conf)
    {
        return first(REDUCE, accelerator -> accelerator.runnerFor(conf), conf);
    }

    private static <A, R> Optional<R> first(List<A> accelerators, Function<A, Optional<R>> runner, JobConf conf)
    {
        if (!conf.getBoolean("tusk.accelerators.enabled", true)) {
            return Optional.empty();
        }
        for (A accelerator : accelerators) {
            Optional<R> found = runner.apply(accelerator);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static <A> List<A> load(Class<A> type)
    {
        return ServiceLoader.load(type, type.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
    }
}
