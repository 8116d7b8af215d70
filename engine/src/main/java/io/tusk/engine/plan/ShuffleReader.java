package io.tusk.engine.plan;

import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.task.TaskContext;

import java.util.Iterator;

/**
 * The reduce side of a shuffle: turns the merged, sorted records of one partition into the records
 * of the shuffled dataset. The dataset API yields {@code Pair}s ({@link #PAIRS}); other front ends
 * may consume the raw cursor. Immutable; travels to tasks through the serde.
 */
@FunctionalInterface
public interface ShuffleReader
{
    /** Pairs, grouped and combined when the dependency has an aggregator. */
    ShuffleReader PAIRS = new PairShuffleReader();

    /** @param cursor closed by the task's completion hooks */
    Iterator<?> read(ShuffleDependency dependency, RecordCursor cursor, TaskContext context)
            throws Exception;

    /** The default reader, as a named class so that it serializes as one. */
    final class PairShuffleReader
            implements ShuffleReader
    {
        @Override
        public Iterator<?> read(ShuffleDependency dependency, RecordCursor cursor, TaskContext context)
        {
            io.tusk.engine.serde.SerdeSession session = context.env().serde().openSession();
            context.closeOnCompletion(session);
            return new CombiningReader(dependency.keys(), dependency.aggregator(), session, dependency.mapSideCombine()).pairs(cursor);
        }
    }
}
