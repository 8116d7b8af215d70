package io.tusk.engine.plan;

import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.task.TaskContext;

/**
 * The map side of a shuffle: computes one partition of the parent and writes it into the shuffle.
 * The dataset API writes key-value pairs ({@link #PAIRS}); other front ends (MapReduce) run their
 * own map tasks. Immutable; travels to tasks through the serde.
 */
@FunctionalInterface
public interface ShuffleWriter
{
    /** Writes the parent's {@code Pair} records, serialized by the dependency's {@link ShuffleKeys}. */
    ShuffleWriter PAIRS = new PairShuffleWriter();

    MapOutput write(ShuffleDependency dependency, DatasetNode parent, int partition, TaskContext context)
            throws Exception;

    /** The default writer, as a named class so that it serializes as one. */
    final class PairShuffleWriter
            implements ShuffleWriter
    {
        @Override
        public MapOutput write(ShuffleDependency dependency, DatasetNode parent, int partition, TaskContext context)
                throws Exception
        {
            return DatasetShuffleWriter.write(dependency, parent.iterator(partition, context), context);
        }
    }
}
