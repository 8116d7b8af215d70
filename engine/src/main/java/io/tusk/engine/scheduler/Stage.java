package io.tusk.engine.scheduler;

import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.ShuffleDependency;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A set of tasks that run the same fused pipeline on different partitions, cut from the lineage at
 * shuffle boundaries. A map stage computes {@code node} and writes {@code shuffle}; the result stage
 * computes {@code node} for an action.
 */
public record Stage(int id, DatasetNode node, ShuffleDependency shuffle, List<Stage> parents)
{
    public Stage
    {
        requireNonNull(node, "node is null");
        parents = List.copyOf(parents);
    }

    public boolean isMapStage()
    {
        return shuffle != null;
    }

    public int partitions()
    {
        return node.partitions();
    }
}
