package io.tusk.yarn;

import org.apache.hadoop.mapreduce.TaskReport;

/**
 * A task report as it travels from the master to the client: Hadoop's, with the attempts that
 * only subclasses can set.
 */
public final class SentTaskReport
        extends TaskReport
{
    /** For deserialization. */
    public SentTaskReport() {}

    public static SentTaskReport copyOf(TaskReport report)
    {
        SentTaskReport copy = new SentTaskReport(report);
        if (report.getSuccessfulTaskAttemptId() != null) {
            copy.setSuccessfulAttemptId(report.getSuccessfulTaskAttemptId());
        }
        copy.setRunningTaskAttemptIds(report.getRunningTaskAttemptIds());
        return copy;
    }

    private SentTaskReport(TaskReport report)
    {
        super(report.getTaskID(), report.getProgress(), report.getState(), report.getDiagnostics(), report.getCurrentStatus(), report.getStartTime(),
                report.getFinishTime(), report.getTaskCounters());
    }
}
