package io.tusk.mr.job;

import io.tusk.engine.plan.ShuffleDependency;
import io.tusk.engine.plan.ShuffleReader;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.task.TaskContext;

import java.util.Iterator;
import java.util.List;

/** The reduce side of a MapReduce shuffle: hands the merged cursor of the partition to the reduce task as its one record. */
final class CursorReader
        implements ShuffleReader
{
    @Override
    public Iterator<?> read(ShuffleDependency dependency, RecordCursor cursor, TaskContext context)
    {
        return List.of(cursor).iterator();
    }
}
