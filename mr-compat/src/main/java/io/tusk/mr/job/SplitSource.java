package io.tusk.mr.job;

import io.tusk.engine.plan.Source;
import io.tusk.engine.task.TaskContext;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The input splits of a MapReduce job as the partitions of a dataset. Map tasks read their split
 * themselves with the job's input format, so a partition has no records of its own; the source
 * carries the splits' hosts for placement.
 */
final class SplitSource
        implements Source
{
    private final JobSpec spec;

    SplitSource(JobSpec spec)
    {
        this.spec = requireNonNull(spec, "spec is null");
    }

    @Override
    public int partitions()
    {
        return spec.maps();
    }

    @Override
    public Iterator<?> read(int partition, TaskContext context)
    {
        return Collections.emptyIterator();
    }

    @Override
    public List<String> preferredHosts(int partition)
    {
        return spec.hosts(partition);
    }

    @Override
    public List<String> preferredExecutors(int partition)
    {
        return spec.executors(partition);
    }

    @Override
    public String describe()
    {
        return "splits of " + spec;
    }
}
