package io.tusk.yarn;

import org.apache.hadoop.ipc.VersionedProtocol;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCompletionEvent;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.security.Credentials;

import java.io.IOException;

/**
 * What a client asks a job's application master (over Hadoop RPC, Writable arguments): the part of
 * Hadoop's {@code ClientProtocol} that only the master can answer while the job runs.
 */
public interface MasterProtocol
        extends VersionedProtocol
{
    long versionID = 3L;

    /**
     * Runs the job staged in {@code submitDir} with the tokens and secret keys it was submitted with:
     * a named session's master only.
     */
    void submitJob(JobID jobId, String submitDir, Credentials credentials)
            throws IOException;

    JobStatus getJobStatus(JobID jobId)
            throws IOException;

    Counters getJobCounters(JobID jobId)
            throws IOException;

    TaskReport[] getTaskReports(JobID jobId, TaskType type)
            throws IOException;

    TaskCompletionEvent[] getTaskCompletionEvents(JobID jobId, int fromEventId, int maxEvents)
            throws IOException;

    String[] getTaskDiagnostics(TaskAttemptID attemptId)
            throws IOException;

    void killJob(JobID jobId)
            throws IOException;
}
