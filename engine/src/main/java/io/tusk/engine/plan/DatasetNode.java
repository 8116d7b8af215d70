package io.tusk.engine.plan;

import io.tusk.engine.storage.BlockId;
import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.TaskContext;
import io.tusk.engine.task.UserCodeException;

import java.util.Iterator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A node of the lineage graph: knows its partitions, its parents, and how to compute a partition
 * from them. Immutable; a node graph travels to tasks through the serde, so nodes keep only what
 * computing needs.
 */
public abstract sealed class DatasetNode
        permits SourceNode, MapPartitionsNode, UnionNode, ShuffledNode
{
    private final int id;
    private final String name;

    protected DatasetNode(int id, String name)
    {
        this.id = id;
        this.name = requireNonNull(name, "name is null");
    }

    public final int id()
    {
        return id;
    }

    /** The operation and where the user called it: {@code map at WordCount.java:31}. */
    public final String name()
    {
        return name;
    }

    public abstract int partitions();

    public abstract List<Dependency> dependencies();

    /** The records of a partition, computed from the parents. */
    protected abstract Iterator<?> compute(int partition, TaskContext context)
            throws Exception;

    /** Hosts where computing the partition is cheapest; empty for anywhere. */
    public List<String> preferredHosts(int partition)
    {
        return List.of();
    }

    /** Executors that hold the partition's input in memory, better than others on their hosts; empty for none. */
    public List<String> preferredExecutors(int partition)
    {
        return List.of();
    }

    /** The records of a partition: from the block store if this dataset is persisted, else computed. */
    public final Iterator<?> iterator(int partition, TaskContext context)
            throws Exception
    {
        StorageLevel level = context.storageLevel(id);
        if (level == null) {
            return compute(partition, context);
        }
        return context.env().blockStore().getOrCompute(new BlockId(id, partition), level, () -> {
            try {
                return compute(partition, context);
            }
            catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
        });
    }

    /** One line for plan printing. */
    public String describe()
    {
        return getClass().getSimpleName().replace("Node", "") + "[" + id + "] " + name + " (" + partitions() + " partitions)";
    }

    @Override
    public String toString()
    {
        return describe();
    }
}
