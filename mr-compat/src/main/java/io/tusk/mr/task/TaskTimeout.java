package io.tusk.mr.task;

import io.tusk.engine.task.AttemptProgress;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.TaskAttemptID;

/**
 * {@code mapreduce.task.timeout} as Hadoop's application master applies it on a cluster: an attempt
 * that reads no record, writes none and reports neither progress, a status nor a counter for that
 * long fails with Hadoop's diagnostic and runs again (Hadoop's local runner never times a task out;
 * a task that hangs hangs it). 0 turns it off.
 */
final class TaskTimeout
{
    private TaskTimeout() {}

    static void watch(JobConf conf, TaskAttemptID attemptId, AttemptProgress progress)
    {
        long timeout = conf.getLong(MRJobConfig.TASK_TIMEOUT, MRJobConfig.DEFAULT_TASK_TIMEOUT_MILLIS);
        if (timeout <= 0) {
            return;
        }
        // concatenated, not formatted: every attempt pays for it
        progress.watch(timeout, "AttemptID:" + attemptId + " Timed out after " + timeout / 1000 + " secs: it read and wrote no record and reported no progress, status "
                + "or counter for " + MRJobConfig.TASK_TIMEOUT + " = " + timeout + " ms (raise it, or report progress from long computations)");
    }
}
