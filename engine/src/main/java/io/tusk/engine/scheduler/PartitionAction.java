package io.tusk.engine.scheduler;

import io.tusk.engine.task.TaskContext;

import java.io.Serializable;
import java.util.Iterator;

/**
 * What a result task does with the records of its partition (collect them, count them, write them);
 * its result travels back to the driver through the serde.
 */
@FunctionalInterface
public interface PartitionAction<R>
        extends Serializable
{
    R apply(int partition, Iterator<?> records, TaskContext context)
            throws Exception;
}
