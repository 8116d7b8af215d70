package io.tusk.engine.plan;

import io.tusk.engine.task.TaskContext;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static io.tusk.engine.TuskException.checkArgument;

/** The partitions of its parents, one after another. */
public final class UnionNode
        extends DatasetNode
{
    private final List<DatasetNode> parents;
    private final int partitions;

    public UnionNode(int id, String name, List<DatasetNode> parents)
    {
        super(id, name);
        checkArgument(!parents.isEmpty(), "union of no datasets");
        this.parents = List.copyOf(parents);
        int total = 0;
        for (DatasetNode parent : parents) {
            total += parent.partitions();
        }
        this.partitions = total;
    }

    @Override
    public int partitions()
    {
        return partitions;
    }

    @Override
    public List<Dependency> dependencies()
    {
        List<Dependency> dependencies = new ArrayList<>();
        for (DatasetNode parent : parents) {
            dependencies.add(new NarrowDependency(parent));
        }
        return dependencies;
    }

    @Override
    protected Iterator<?> compute(int partition, TaskContext context)
            throws Exception
    {
        int local = partition;
        for (DatasetNode parent : parents) {
            if (local < parent.partitions()) {
                return parent.iterator(local, context);
            }
            local -= parent.partitions();
        }
        throw new IllegalArgumentException("partition " + partition + " of a union of " + partitions);
    }

    @Override
    public List<String> preferredHosts(int partition)
    {
        return ofParent(partition, DatasetNode::preferredHosts);
    }

    @Override
    public List<String> preferredExecutors(int partition)
    {
        return ofParent(partition, DatasetNode::preferredExecutors);
    }

    /** What {@code of} says of the parent's partition that is {@code partition} here; empty if none is. */
    private List<String> ofParent(int partition, java.util.function.BiFunction<DatasetNode, Integer, List<String>> of)
    {
        int local = partition;
        for (DatasetNode parent : parents) {
            if (local < parent.partitions()) {
                return of.apply(parent, local);
            }
            local -= parent.partitions();
        }
        return List.of();
    }
}
