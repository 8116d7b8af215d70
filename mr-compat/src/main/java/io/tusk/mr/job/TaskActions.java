package io.tusk.mr.job;

import io.tusk.engine.scheduler.PartitionAction;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.task.TaskContext;
import io.tusk.mr.counters.CountersAccumulator;
import io.tusk.mr.task.AttemptStderr;
import io.tusk.mr.task.MapTask;
import io.tusk.mr.task.ReduceTask;

import java.util.Iterator;

import static java.util.Objects.requireNonNull;

/** The result tasks of a MapReduce job: the reduce tasks, or the map tasks of a map-only job. */
final class TaskActions
{
    private TaskActions() {}

    /** Runs reduce task {@code partition} on the merged cursor the shuffle hands over. */
    static final class Reduce
            implements PartitionAction<Void>
    {
        private final JobSpec spec;
        private final CountersAccumulator counters;

        Reduce(JobSpec spec, CountersAccumulator counters)
        {
            this.spec = requireNonNull(spec, "spec is null");
            this.counters = requireNonNull(counters, "counters is null");
        }

        @Override
        public Void apply(int partition, Iterator<?> records, TaskContext context)
                throws Exception
        {
            return JobUsers.runAs(spec.jobId().toString(), () -> AttemptStderr.run(() -> {
                new ReduceTask(spec, partition, context, counters.value()).run((RecordCursor) records.next());
                return null;
            }));
        }
    }

    /** Runs map task {@code partition} of a map-only job. */
    static final class MapOnly
            implements PartitionAction<Void>
    {
        private final JobSpec spec;
        private final CountersAccumulator counters;

        MapOnly(JobSpec spec, CountersAccumulator counters)
        {
            this.spec = requireNonNull(spec, "spec is null");
            this.counters = requireNonNull(counters, "counters is null");
        }

        @Override
        public Void apply(int partition, Iterator<?> records, TaskContext context)
                throws Exception
        {
            return JobUsers.runAs(spec.jobId().toString(), () -> AttemptStderr.run(() -> {
                new MapTask(spec, partition, context, counters.value()).runMapOnly();
                return null;
            }));
        }
    }
}
