package io.tusk.engine.plan;

import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.task.TaskContext;

import java.util.Iterator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The reduce side of a shuffle: reads one partition merged from all map outputs and, with an
 * aggregator, yields one {@code Pair(key, combined)} per key; without, one pair per record.
 */
public final class ShuffledNode
        extends DatasetNode
{
    private final ShuffleDependency dependency;
    private final ShuffleReader reader;

    public ShuffledNode(int id, String name, ShuffleDependency dependency)
    {
        this(id, name, dependency, ShuffleReader.PAIRS);
    }

    public ShuffledNode(int id, String name, ShuffleDependency dependency, ShuffleReader reader)
    {
        super(id, name);
        this.dependency = requireNonNull(dependency, "dependency is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    public ShuffleDependency dependency()
    {
        return dependency;
    }

    @Override
    public int partitions()
    {
        return dependency.partitioner().partitions();
    }

    @Override
    public List<Dependency> dependencies()
    {
        return List.of(dependency);
    }

    @Override
    protected Iterator<?> compute(int partition, TaskContext context)
            throws Exception
    {
        SerdeSession session = context.env().serde().openSession();
        context.closeOnCompletion(session);
        RecordCursor cursor = context.env().shuffleService().open(dependency.shuffleId(), context.shuffleLocations(dependency.shuffleId()), partition, dependency.keys().order(session));
        context.closeOnCompletion(cursor);
        return reader.read(dependency, cursor, context);
    }

    /** Runs the map side for one partition of the parent: writes it into the shuffle. */
    public static MapOutput writeMapOutput(ShuffleDependency dependency, DatasetNode parent, int partition, TaskContext context)
            throws Exception
    {
        return dependency.writer().write(dependency, parent, partition, context);
    }

    @Override
    public String describe()
    {
        return "Shuffled[" + id() + "] " + name() + " (" + dependency.describe() + ")";
    }
}
