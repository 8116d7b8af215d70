package io.tusk.engine.plan;

/** Assigns keys to the partitions of a shuffle. Immutable; travels to tasks through the serde. */
public interface Partitioner
{
    int partitions();

    /** A partition in {@code [0, partitions())}. */
    int partition(Object key);
}
