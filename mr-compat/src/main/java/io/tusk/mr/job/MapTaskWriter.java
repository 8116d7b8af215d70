package io.tusk.mr.job;

import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.ShuffleDependency;
import io.tusk.engine.plan.ShuffleWriter;
import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.task.TaskContext;
import io.tusk.mr.counters.CountersAccumulator;
import io.tusk.mr.counters.SegmentBytesAccumulator;
import io.tusk.mr.task.AttemptStderr;
import io.tusk.mr.task.MapTask;

import static java.util.Objects.requireNonNull;

/** The map side of a MapReduce job's shuffle: runs the map task of split {@code partition}. */
final class MapTaskWriter
        implements ShuffleWriter
{
    private final JobSpec spec;
    private final CountersAccumulator counters;
    private final SegmentBytesAccumulator segmentBytes;

    /** @param segmentBytes the lengths of the maps' compressed output segments; null when they are not measured */
    MapTaskWriter(JobSpec spec, CountersAccumulator counters, SegmentBytesAccumulator segmentBytes)
    {
        this.spec = requireNonNull(spec, "spec is null");
        this.counters = requireNonNull(counters, "counters is null");
        this.segmentBytes = segmentBytes;
    }

    @Override
    public MapOutput write(ShuffleDependency dependency, DatasetNode parent, int partition, TaskContext context)
            throws Exception
    {
        return JobUsers.runAs(spec.jobId().toString(), () -> AttemptStderr.run(() -> new MapTask(spec, partition, context, counters.value(), segmentBytes).runWithShuffle()));
    }
}
