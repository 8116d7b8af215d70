package io.tusk.engine.scheduler;

import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.TaskAttemptId;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One attempt handed to a backend: its id, the stage's serialized {@link Task}, the levels of the
 * persisted datasets (by id) when the job started, where it would best run (hosts, and executors
 * there that hold its input in memory: better than the hosts' other executors), and for every shuffle
 * the task reads (by id) the executor that holds each map's output, in map order. An attempt
 * {@code alone} runs with no other attempt beside it in its process: an earlier attempt of its task
 * ran out of memory, and attempts share their process's heap as Hadoop's never shared a JVM.
 */
public record TaskLaunch(TaskAttemptId attemptId, byte[] taskBinary, Map<Integer, StorageLevel> storageLevels, List<String> preferredHosts,
        List<String> preferredExecutors, Map<Integer, List<String>> shuffleLocations, boolean alone)
{
    public TaskLaunch
    {
        requireNonNull(attemptId, "attemptId is null");
        requireNonNull(taskBinary, "taskBinary is null");
        storageLevels = Map.copyOf(storageLevels);
        preferredHosts = List.copyOf(preferredHosts);
        preferredExecutors = List.copyOf(preferredExecutors);
        shuffleLocations = Map.copyOf(shuffleLocations);
    }

    public TaskLaunch(TaskAttemptId attemptId, byte[] taskBinary, Map<Integer, StorageLevel> storageLevels, List<String> preferredHosts,
            Map<Integer, List<String>> shuffleLocations)
    {
        this(attemptId, taskBinary, storageLevels, preferredHosts, List.of(), shuffleLocations, false);
    }
}
