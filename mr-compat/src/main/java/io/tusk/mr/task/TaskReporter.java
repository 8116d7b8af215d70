package io.tusk.mr.task;

import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.Reporter;
import io.tusk.engine.task.AttemptProgress;
import org.apache.hadoop.mapreduce.StatusReporter;

import static java.util.Objects.requireNonNull;

/**
 * The reporter of one task attempt, for both APIs: counters go into the attempt's {@link Counters}
 * (merged into the job's when the attempt succeeds), status is kept for task reports. Progress is
 * Hadoop's: the finished phases' weight plus the current phase's weight times its progress, which
 * is read from the phase's source when asked (a map's record reader, a reduce's input cursor).
 * Confined to the task's thread.
 */
final class TaskReporter
        extends StatusReporter
        implements Reporter
{
    private final Counters counters;
    private final InputSplit split;
    private final AttemptProgress attemptProgress;
    private volatile String status = "";
    private float completedPhases;
    private float phaseWeight = 1.0f;
    private PhaseProgress phase = () -> 0.0f;

    /**
     * @param split the old-API split of a map task, or null
     * @param attemptProgress ticked when user code reports progress, a status or a counter increment
     */
    TaskReporter(Counters counters, InputSplit split, AttemptProgress attemptProgress)
    {
        this.counters = requireNonNull(counters, "counters is null");
        this.split = split;
        this.attemptProgress = requireNonNull(attemptProgress, "attemptProgress is null");
    }

    AttemptProgress attemptProgress()
    {
        return attemptProgress;
    }

    Counters counters()
    {
        return counters;
    }

    String status()
    {
        return status;
    }

    @Override
    public Counters.Counter getCounter(Enum<?> name)
    {
        return counters.findCounter(name);
    }

    @Override
    public Counters.Counter getCounter(String group, String name)
    {
        return counters.findCounter(group, name);
    }

    @Override
    public void incrCounter(Enum<?> key, long amount)
    {
        attemptProgress.tick();
        counters.incrCounter(key, amount);
    }

    @Override
    public void incrCounter(String group, String counter, long amount)
    {
        attemptProgress.tick();
        counters.incrCounter(group, counter, amount);
    }

    @Override
    public InputSplit getInputSplit()
    {
        if (split == null) {
            throw new UnsupportedOperationException("Input only available on map");
        }
        return split;
    }

    @Override
    public void progress()
    {
        attemptProgress.tick();
    }

    /** Enters a phase: {@code completed} is the weight of the phases before it. */
    void startPhase(float completed, float weight, PhaseProgress progress)
    {
        this.completedPhases = completed;
        this.phaseWeight = weight;
        this.phase = requireNonNull(progress, "progress is null");
    }

    @Override
    public float getProgress()
    {
        return completedPhases + phaseWeight * Math.min(1.0f, Math.max(0.0f, phase.progress()));
    }

    /** The progress of the current phase, between 0 and 1. */
    @FunctionalInterface
    interface PhaseProgress
    {
        float progress();
    }

    @Override
    public void setStatus(String status)
    {
        attemptProgress.tick();
        this.status = status == null ? "" : status;
    }
}
