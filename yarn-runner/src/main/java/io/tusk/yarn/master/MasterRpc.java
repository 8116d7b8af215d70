package io.tusk.yarn.master;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.io.history.AvroJobLogProvider;
import io.tusk.mr.TuskClientProtocol;
import io.tusk.yarn.FinalState;
import io.tusk.yarn.MasterProtocol;
import io.tusk.yarn.SentJobStatus;
import io.tusk.yarn.SentTaskReport;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.ipc.ProtocolSignature;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCompletionEvent;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.yarn.api.ApplicationConstants;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a master in a container answers its clients over Hadoop RPC from the jobs it runs; the
 * masters of one job ({@link ApplicationMaster}) and of a named session ({@link SessionMaster}) share it.
 */
abstract class MasterRpc
        implements MasterProtocol
{
    /** A master's environment variable {@code name}, which Tusk's client sets when it starts the master. */
    static String requireEnv(String name)
    {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The environment lacks " + name + "; Tusk's masters are started by Tusk's YARN client");
        }
        return value;
    }

    /** Runs a master's {@code run} and exits the JVM with its exit code (1 if it throws). */
    static void runAndExit(java.util.concurrent.Callable<Integer> run)
    {
        int exit;
        try {
            exit = run.call();
        }
        catch (Throwable e) {
            org.apache.logging.log4j.LogManager.getLogger(MasterRpc.class).error("The master failed", e);
            exit = 1;
        }
        org.apache.logging.log4j.LogManager.shutdown();
        System.exit(exit);
    }

    private volatile TuskClientProtocol jobs;

    /** Answers clients from {@code jobs} from now on. */
    final void serve(TuskClientProtocol jobs)
    {
        this.jobs = jobs;
    }

    /** The jobs this master answers for; null before {@link #serve}. */
    final TuskClientProtocol served()
    {
        return jobs;
    }

    /** Who this master is, for messages: {@code the master of job_…}. */
    abstract String describe();

    /** The jobs this master runs; an exception while it is still starting them. */
    final TuskClientProtocol jobs()
            throws IOException
    {
        TuskClientProtocol local = jobs;
        if (local == null) {
            throw new IOException(describe() + " is still starting");
        }
        return local;
    }

    /**
     * Tusk's settings of a master from its configuration: its {@code tusk.*} settings, the
     * container's first local directory, the event log beside the jobs' history files, no UI of
     * the engine's own (the master serves it) and no memory budget of the client's.
     */
    static Map<String, String> engineSettings(JobConf conf)
            throws IOException
    {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : conf) {
            if (entry.getKey().startsWith("tusk.")) {
                properties.put(entry.getKey(), entry.getValue());
            }
        }
        String localDirs = System.getenv(ApplicationConstants.Environment.LOCAL_DIRS.name());
        if (localDirs != null && !localDirs.isBlank()) {
            properties.put(TuskConfig.LOCAL_DIR, localDirs.split(",")[0]);
        }
        properties.remove(TuskConfig.MEMORY_BUDGET);
        // the master serves the UI itself, on its host, at the address it gives YARN as the tracking URL
        properties.put(Tusk.UI_ENABLED, "false");
        if (!properties.containsKey(AvroJobLogProvider.DIRECTORY)) {
            // Tusk's event log beside the jobs' .jhist files
            Path events = AvroJobLogProvider.directory(conf, null);
            properties.put(AvroJobLogProvider.DIRECTORY, events.getFileSystem(conf).makeQualified(events).toString());
        }
        return properties;
    }

    /** What a client that asks once the master is gone learns of a job that ended with {@code status}. */
    static FinalState finalState(TuskClientProtocol jobs, JobID jobId, JobStatus status)
    {
        List<TaskCompletionEvent> events = new ArrayList<>();
        while (true) {
            TaskCompletionEvent[] batch = jobs.getTaskCompletionEvents(jobId, events.size(), 1000);
            if (batch.length == 0) {
                break;
            }
            events.addAll(List.of(batch));
        }
        Map<String, String> diagnostics = new LinkedHashMap<>();
        for (TaskCompletionEvent event : events) {
            if (event.getStatus() != TaskCompletionEvent.Status.SUCCEEDED) {
                String[] text = jobs.getTaskDiagnostics(event.getTaskAttemptId());
                if (text.length > 0) {
                    diagnostics.put(event.getTaskAttemptId().toString(), text[0]);
                }
            }
        }
        return new FinalState(status, jobs.getJobCounters(jobId), events.toArray(new TaskCompletionEvent[0]), diagnostics);
    }

    @Override
    public JobStatus getJobStatus(JobID id)
            throws IOException
    {
        JobStatus status = jobs().getJobStatus(id);
        return status == null ? null : SentJobStatus.copyOf(status);
    }

    @Override
    public Counters getJobCounters(JobID id)
            throws IOException
    {
        return jobs().getJobCounters(id);
    }

    @Override
    public TaskReport[] getTaskReports(JobID id, TaskType type)
            throws IOException
    {
        TaskReport[] reports = jobs().getTaskReports(id, type);
        TaskReport[] plain = new TaskReport[reports.length];
        for (int i = 0; i < reports.length; i++) {
            plain[i] = SentTaskReport.copyOf(reports[i]);
        }
        return plain;
    }

    @Override
    public TaskCompletionEvent[] getTaskCompletionEvents(JobID id, int fromEventId, int maxEvents)
            throws IOException
    {
        return jobs().getTaskCompletionEvents(id, fromEventId, maxEvents);
    }

    @Override
    public String[] getTaskDiagnostics(TaskAttemptID attemptId)
            throws IOException
    {
        return jobs().getTaskDiagnostics(attemptId);
    }

    @Override
    public void killJob(JobID id)
            throws IOException
    {
        jobs().killJob(id);
    }

    @Override
    public long getProtocolVersion(String protocol, long clientVersion)
    {
        return versionID;
    }

    @Override
    public ProtocolSignature getProtocolSignature(String protocol, long clientVersion, int clientMethodsHash)
            throws IOException
    {
        return ProtocolSignature.getProtocolSignature(this, protocol, clientVersion, clientMethodsHash);
    }
}
