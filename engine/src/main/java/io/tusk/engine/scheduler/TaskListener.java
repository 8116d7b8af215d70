package io.tusk.engine.scheduler;

import io.tusk.engine.task.TaskAttemptId;

/** Told by a backend how attempts end. Called from backend threads; implementations must not block. */
public interface TaskListener
{
    /** @param result the serialized {@link TaskResult} */
    void succeeded(TaskAttemptId attemptId, byte[] result);

    /** @param cause the user's exception, or the engine's when the engine failed */
    void failed(TaskAttemptId attemptId, Throwable cause);
}
