package io.tusk.engine.plan;

import io.tusk.engine.task.TaskContext;

import java.io.Serializable;
import java.util.Iterator;

/** Turns the records of a parent partition into the records of a child partition, lazily. */
@FunctionalInterface
public interface PartitionTransform
        extends Serializable
{
    Iterator<?> apply(int partition, Iterator<?> input, TaskContext context)
            throws Exception;
}
