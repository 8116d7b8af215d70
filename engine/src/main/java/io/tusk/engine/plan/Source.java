package io.tusk.engine.plan;

import io.tusk.engine.task.TaskContext;

import java.util.Iterator;
import java.util.List;

/**
 * Where the records of a source dataset come from: a collection, files. Immutable; travels to tasks
 * through the serde.
 */
public interface Source
{
    int partitions();

    /** The records of one partition; resources the iterator holds are closed on task completion. */
    Iterator<?> read(int partition, TaskContext context)
            throws Exception;

    /** Hosts where reading the partition is cheapest; empty for anywhere. */
    default List<String> preferredHosts(int partition)
    {
        return List.of();
    }

    /**
     * Executors (ids, on {@link #preferredHosts} hosts) that hold the partition's data in memory,
     * better than any other executor on their hosts; empty for none.
     */
    default List<String> preferredExecutors(int partition)
    {
        return List.of();
    }

    /** A short description for plans: {@code textFile hdfs://nn/in (4 splits)}. */
    String describe();
}
