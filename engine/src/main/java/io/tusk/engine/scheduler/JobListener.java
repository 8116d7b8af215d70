package io.tusk.engine.scheduler;

import io.tusk.engine.task.TaskAttemptId;

import java.util.Map;

/**
 * Hears how a job's task attempts start and end, for progress reporting. Called on the scheduler's
 * event loop: implementations must be quick, must not block and must not call the scheduler.
 */
public interface JobListener
{
    JobListener NONE = new JobListener() {};

    /** @param mapStage whether the attempt belongs to a shuffle map stage rather than the result stage */
    default void taskLaunched(TaskAttemptId attempt, boolean mapStage) {}

    /**
     * @param placement where the attempt ran; null if it never started
     * @param failure null when the attempt succeeded; an {@link ExecutorLostException} or a
     * {@link io.tusk.engine.shuffle.FetchFailedException} when the attempt ended through no fault of its own
     * @param accumulatorUpdates what a successful attempt added to each accumulator, by the
     * accumulator's id, in the form {@link io.tusk.engine.dataset.Accumulator#merge} takes; empty
     * for an attempt that failed
     */
    default void taskEnded(TaskAttemptId attempt, boolean mapStage, TaskPlacement placement, Throwable failure, Map<Long, Object> accumulatorUpdates) {}

    /**
     * How many attempts a task of this job may make before the job fails; {@code defaultAttempts}
     * (the engine's setting) unless the job has its own limits, as MapReduce jobs do.
     */
    default int maxAttempts(boolean mapStage, int defaultAttempts)
    {
        return defaultAttempts;
    }
}
