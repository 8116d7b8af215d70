package io.tusk.mr.history;

import org.apache.hadoop.mapred.JobID;
import org.apache.hadoop.mapred.JobPriority;
import org.apache.hadoop.mapreduce.JobStatus;

/** A job's status that names its history file, which Hadoop's job client reads ({@code mapred job -history <job id>}); Hadoop's setter is not public. */
public final class StatusWithHistory
        extends org.apache.hadoop.mapred.JobStatus
{
    /**
     * @param historyFile null when there is none (yet)
     * @param startTime, finishTime 0 when not known
     */
    public StatusWithHistory(org.apache.hadoop.mapreduce.JobID jobId, float setupProgress, float mapProgress, float reduceProgress, float cleanupProgress,
            JobStatus.State state, String user, String jobName, String queue, String jobFile, String trackingUrl, String historyFile, long startTime,
            long finishTime)
    {
        super(JobID.downgrade(jobId), setupProgress, mapProgress, reduceProgress, cleanupProgress, state.getValue(), JobPriority.DEFAULT, user, jobName,
                queue, jobFile, trackingUrl);
        if (historyFile != null) {
            setHistoryFile(historyFile);
        }
        if (startTime != 0) {
            setStartTime(startTime);
        }
        if (finishTime != 0) {
            setFinishTime(finishTime);
        }
    }
}
