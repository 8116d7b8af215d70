package io.tusk.engine.plan;

import io.tusk.engine.task.TaskContext;

import java.util.Iterator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A dataset read from a {@link Source}. */
public final class SourceNode
        extends DatasetNode
{
    private final Source source;

    public SourceNode(int id, String name, Source source)
    {
        super(id, name);
        this.source = requireNonNull(source, "source is null");
    }

    @Override
    public int partitions()
    {
        return source.partitions();
    }

    @Override
    public List<Dependency> dependencies()
    {
        return List.of();
    }

    @Override
    protected Iterator<?> compute(int partition, TaskContext context)
            throws Exception
    {
        return source.read(partition, context);
    }

    @Override
    public List<String> preferredHosts(int partition)
    {
        return source.preferredHosts(partition);
    }

    @Override
    public List<String> preferredExecutors(int partition)
    {
        return source.preferredExecutors(partition);
    }

    @Override
    public String describe()
    {
        return "Source[" + id() + "] " + name() + ": " + source.describe();
    }
}
