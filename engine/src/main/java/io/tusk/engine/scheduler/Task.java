package io.tusk.engine.scheduler;

import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.ShuffleDependency;

import static java.util.Objects.requireNonNull;

/**
 * What every task of a stage runs, serialized once per stage and deserialized by every attempt,
 * as it would be in another process.
 */
public sealed interface Task
        permits Task.ShuffleMapTask, Task.ResultTask
{
    /** Computes a partition of {@code parent} and writes it into the shuffle. */
    record ShuffleMapTask(DatasetNode parent, ShuffleDependency dependency)
            implements Task
    {
        public ShuffleMapTask
        {
            requireNonNull(parent, "parent is null");
            requireNonNull(dependency, "dependency is null");
        }
    }

    /** Computes a partition of {@code node} and applies the action to it. */
    record ResultTask(DatasetNode node, PartitionAction<?> action)
            implements Task
    {
        public ResultTask
        {
            requireNonNull(node, "node is null");
            requireNonNull(action, "action is null");
        }
    }
}
