package io.tusk.engine.scheduler;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;

import static java.util.Objects.requireNonNull;

/**
 * An attempt ended because its executor was lost (its container or node died, or it stopped
 * answering). Not the task's fault: it does not count against the task's attempts.
 */
public final class ExecutorLostException
        extends TuskException
{
    private final String executor;

    public ExecutorLostException(String executor, String reason)
    {
        super(ErrorCode.EXECUTOR_LOST, "Executor " + executor + " was lost: " + reason);
        this.executor = requireNonNull(executor, "executor is null");
    }

    public String executor()
    {
        return executor;
    }
}
