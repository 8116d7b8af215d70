package io.tusk.engine.task;

import static io.tusk.engine.TuskException.checkArgument;

/** One attempt of one task: {@code job_3.stage_1.task_17.attempt_0}. */
public record TaskAttemptId(int job, int stage, int partition, int attempt)
{
    public TaskAttemptId
    {
        checkArgument(job >= 0, "job is negative: %s", job);
        checkArgument(stage >= 0, "stage is negative: %s", stage);
        checkArgument(partition >= 0, "partition is negative: %s", partition);
        checkArgument(attempt >= 0, "attempt is negative: %s", attempt);
    }

    @Override
    public String toString()
    {
        return "job_" + job + ".stage_" + stage + ".task_" + partition + ".attempt_" + attempt;
    }
}
