package io.tusk.engine.plan;

import io.tusk.engine.task.TaskContext;

import java.util.Iterator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A narrow transformation of one parent. Chains of these are fused: a task pulls records through
 * all of them in one pass over the partition.
 */
public final class MapPartitionsNode
        extends DatasetNode
{
    private final DatasetNode parent;
    private final PartitionTransform transform;

    public MapPartitionsNode(int id, String name, DatasetNode parent, PartitionTransform transform)
    {
        super(id, name);
        this.parent = requireNonNull(parent, "parent is null");
        this.transform = requireNonNull(transform, "transform is null");
    }

    /** The dataset whose partition each partition of this one transforms (the same index). */
    public DatasetNode parent()
    {
        return parent;
    }

    @Override
    public int partitions()
    {
        return parent.partitions();
    }

    @Override
    public List<Dependency> dependencies()
    {
        return List.of(new NarrowDependency(parent));
    }

    @Override
    protected Iterator<?> compute(int partition, TaskContext context)
            throws Exception
    {
        return transform.apply(partition, parent.iterator(partition, context), context);
    }

    @Override
    public List<String> preferredHosts(int partition)
    {
        return parent.preferredHosts(partition);
    }

    @Override
    public List<String> preferredExecutors(int partition)
    {
        return parent.preferredExecutors(partition);
    }
}
