package io.tusk.engine.scheduler;

import io.tusk.engine.task.TaskAttemptId;

/** Told by a backend how attempts end. Called from backend threads; implementations must not block. */
public interface TaskListener
{
    /**
     * @param placement where the attempt ran; a map attempt's output stays on that executor
     * @param result the serialized {@link TaskResult}
     */
    void succeeded(TaskAttemptId attemptId, TaskPlacement placement, byte[] result);

    /**
     * @param placement where the attempt ran, or null if it never started
     * @param cause the user's exception, or the engine's when the engine failed; an
     * {@link ExecutorLostException} when the executor running it was lost
     */
    void failed(TaskAttemptId attemptId, TaskPlacement placement, Throwable cause);

    /** The attempt starts on {@code placement} (for the UI: where it runs before it ends). */
    default void started(TaskAttemptId attemptId, TaskPlacement placement) {}
}
