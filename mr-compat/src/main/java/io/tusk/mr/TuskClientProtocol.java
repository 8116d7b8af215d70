package io.tusk.mr;

import io.tusk.engine.Tusk;
import io.tusk.mr.history.JobHistoryRecorder;
import io.tusk.mr.job.MrJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.ipc.ProtocolSignature;
import org.apache.hadoop.mapreduce.Cluster;
import org.apache.hadoop.mapreduce.ClusterMetrics;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.QueueAclsInfo;
import org.apache.hadoop.mapreduce.QueueInfo;
import org.apache.hadoop.mapreduce.QueueState;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCompletionEvent;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskTrackerInfo;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.protocol.ClientProtocol;
import org.apache.hadoop.mapreduce.security.token.delegation.DelegationTokenIdentifier;
import org.apache.hadoop.mapreduce.v2.LogParams;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.authorize.AccessControlList;
import org.apache.hadoop.security.token.Token;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Hadoop's client protocol answered by Tusk in this process ({@code mapreduce.framework.name=tusk}):
 * {@code Job.submit()} and {@code JobClient.runJob()} reach {@link #submitJob}, which runs the job on
 * the shared engine, and poll status, counters and task completion events from here. Thread-safe.
 */
public final class TuskClientProtocol
        implements ClientProtocol
{
    private static final Logger LOG = LogManager.getLogger(TuskClientProtocol.class);
    private static final AtomicInteger NEXT_JOB = new AtomicInteger();
    private static final AtomicInteger SUBMITTED = new AtomicInteger();
    /** By job id string: clients hand in both API's JobID classes, which are never equal to each other. */
    private static final Map<String, MrJob> JOBS = new ConcurrentHashMap<>();
    private static final int RETAINED_JOBS = 100;
    /** How long a status question waits for a running job to end before it answers "running". */
    private static final Duration STATUS_WAIT = Duration.ofMillis(20);

    private final Configuration conf;
    private final java.util.function.Supplier<Tusk> engine;

    public TuskClientProtocol(Configuration conf)
    {
        this(conf, () -> MrEngine.get(conf));
    }

    /** Runs the jobs on {@code engine} (for example one whose tasks run on a cluster) instead of the process's shared engine. */
    public TuskClientProtocol(Configuration conf, Tusk engine)
    {
        this(conf, () -> engine);
        requireNonNull(engine, "engine is null");
    }

    /** Runs the jobs on the engine {@code engine} gives when it is first needed (a job is submitted, the cluster's size asked for). */
    public TuskClientProtocol(Configuration conf, java.util.function.Supplier<Tusk> engine)
    {
        this.conf = requireNonNull(conf, "conf is null");
        this.engine = requireNonNull(engine, "engine is null");
    }

    private Tusk tusk()
    {
        return engine.get();
    }

    /** The engine the jobs run on. */
    public Tusk engine()
    {
        return tusk();
    }

    /** How many jobs this process has submitted to Tusk so far, run locally or on a cluster. */
    public static int jobsSubmitted()
    {
        return SUBMITTED.get();
    }

    /**
     * Kills the jobs of this process whose tasks run on a cluster (a session's) and that have not
     * ended, and waits for their ends, {@code wait} at most: each aborts its output as a killed job
     * does. For a master that exits: such jobs cannot go on without it. Returns how many it killed.
     */
    public static int killClusterJobs(Duration wait)
            throws InterruptedException
    {
        List<MrJob> running = JOBS.values().stream().filter(job -> !job.finished() && job.tasksElsewhere()).toList();
        running.forEach(MrJob::kill);
        long deadline = System.nanoTime() + wait.toNanos();
        for (MrJob job : running) {
            job.awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return running.size();
    }

    @Override
    public JobID getNewJobID()
    {
        return new JobID(LocalJobIds.identifier(), NEXT_JOB.incrementAndGet());
    }

    @Override
    public JobStatus submitJob(JobID jobId, String jobSubmitDir, Credentials credentials)
            throws IOException
    {
        SUBMITTED.incrementAndGet();
        ClassLoader loader = conf.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && loader == Configuration.class.getClassLoader()) {
            loader = context;
        }
        MrJob job = new MrJob(jobId, new Path(jobSubmitDir), conf, credentials, tusk(), loader);
        forgetOldJobs();
        JOBS.put(jobId.toString(), job);
        job.start();
        return job.status();
    }

    /** Keeps the status of the last {@link #RETAINED_JOBS} finished jobs for clients that poll late. */
    private static void forgetOldJobs()
    {
        List<String> finished = new ArrayList<>();
        JOBS.forEach((id, job) -> {
            if (job.finished()) {
                finished.add(id);
            }
        });
        if (finished.size() > RETAINED_JOBS) {
            finished.sort(java.util.Comparator.comparing(JobID::forName));
            finished.subList(0, finished.size() - RETAINED_JOBS).forEach(JOBS::remove);
        }
    }

    @Override
    public ClusterMetrics getClusterMetrics()
    {
        int slots = tusk().defaultParallelism();
        int runningMaps = 0;
        int runningReduces = 0;
        for (MrJob job : JOBS.values()) {
            runningMaps += job.runningMaps();
            runningReduces += job.runningReduces();
        }
        return new ClusterMetrics(runningMaps, runningReduces, Math.min(runningMaps, slots), Math.min(runningReduces, slots), 0, 0,
                slots, slots, JOBS.size(), 1, 0, 0);
    }

    @Override
    public Cluster.JobTrackerStatus getJobTrackerStatus()
    {
        return Cluster.JobTrackerStatus.RUNNING;
    }

    @Override
    public long getTaskTrackerExpiryInterval()
    {
        return 0;
    }

    @Override
    public AccessControlList getQueueAdmins(String queueName)
    {
        return new AccessControlList(" ");
    }

    @Override
    public void killJob(JobID jobId)
    {
        MrJob job = JOBS.get(jobId.toString());
        if (job != null) {
            job.kill();
        }
    }

    /** Kills a job whose master stops, for another attempt of the master to run it again ({@link MrJob#killForNextAttempt()}). */
    public void killJobForNextAttempt(JobID jobId)
    {
        MrJob job = JOBS.get(jobId.toString());
        if (job != null) {
            job.killForNextAttempt();
        }
    }

    @Override
    public void setJobPriority(JobID jobId, String priority)
    {
        throw new UnsupportedOperationException("Changing job priority is not supported by Tusk");
    }

    @Override
    public boolean killTask(TaskAttemptID taskId, boolean shouldFail)
    {
        throw new UnsupportedOperationException("Killing single tasks is not supported by Tusk; kill the job instead");
    }

    @Override
    public JobStatus getJobStatus(JobID jobId)
    {
        MrJob job = JOBS.get(jobId.toString());
        if (job != null) {
            // Hadoop's clients ask until the job has ended, sleeping between questions (10 to 5000
            // ms): an answer that waits a moment for the end lets them see it when it comes
            try {
                job.awaitEnd(STATUS_WAIT);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return job.status();
        }
        // a job of an earlier process: as its history says it ended
        try {
            return JobHistoryRecorder.findEnded(conf, jobId).orElse(null);
        }
        catch (IOException | RuntimeException e) {
            LOG.debug("Cannot look for the history of {}: {}", jobId, e.toString());
            return null;
        }
    }

    @Override
    public Counters getJobCounters(JobID jobId)
    {
        MrJob job = JOBS.get(jobId.toString());
        return job == null ? null : job.counters();
    }

    @Override
    public TaskReport[] getTaskReports(JobID jobId, TaskType type)
    {
        MrJob job = JOBS.get(jobId.toString());
        return job == null ? new TaskReport[0] : job.taskReports(type);
    }

    @Override
    public String getFilesystemName()
            throws IOException
    {
        return FileSystem.get(conf).getUri().toString();
    }

    @Override
    public JobStatus[] getAllJobs()
    {
        List<JobStatus> statuses = new ArrayList<>();
        for (MrJob job : JOBS.values()) {
            statuses.add(job.status());
        }
        return statuses.toArray(new JobStatus[0]);
    }

    @Override
    public TaskCompletionEvent[] getTaskCompletionEvents(JobID jobId, int fromEventId, int maxEvents)
    {
        MrJob job = JOBS.get(jobId.toString());
        return job == null ? TaskCompletionEvent.EMPTY_ARRAY : job.events(fromEventId, maxEvents);
    }

    @Override
    public String[] getTaskDiagnostics(TaskAttemptID taskId)
    {
        MrJob job = JOBS.get(taskId.getJobID().toString());
        return job == null ? new String[0] : job.diagnostics(taskId);
    }

    @Override
    public TaskTrackerInfo[] getActiveTrackers()
    {
        return new TaskTrackerInfo[] {new TaskTrackerInfo("tusk_localhost")};
    }

    @Override
    public TaskTrackerInfo[] getBlacklistedTrackers()
    {
        return new TaskTrackerInfo[0];
    }

    @Override
    public String getSystemDir()
            throws IOException
    {
        Path system = new Path(conf.get("mapreduce.jobtracker.system.dir", "/tmp/hadoop/mapred/system"));
        return FileSystem.getLocal(conf).makeQualified(system).toString();
    }

    @Override
    public String getStagingAreaDir()
            throws IOException
    {
        Path root = new Path(conf.get("mapreduce.jobtracker.staging.root.dir", "/tmp/hadoop/mapred/staging"));
        String user = UserGroupInformation.getCurrentUser().getShortUserName();
        return FileSystem.getLocal(conf).makeQualified(new Path(root, user + "/.staging")).toString();
    }

    @Override
    public String getJobHistoryDir()
    {
        return null;
    }

    @Override
    public QueueInfo[] getQueues()
    {
        return new QueueInfo[] {defaultQueue()};
    }

    @Override
    public QueueInfo getQueue(String queueName)
    {
        return "default".equals(queueName) ? defaultQueue() : null;
    }

    @Override
    public QueueAclsInfo[] getQueueAclsForCurrentUser()
    {
        return new QueueAclsInfo[] {new QueueAclsInfo("default", new String[] {"SUBMIT_APPLICATIONS", "ADMINISTER_QUEUE"})};
    }

    @Override
    public QueueInfo[] getRootQueues()
    {
        return getQueues();
    }

    @Override
    public QueueInfo[] getChildQueues(String queueName)
    {
        return new QueueInfo[0];
    }

    private static QueueInfo defaultQueue()
    {
        return new QueueInfo("default", "Tusk's only queue", QueueState.RUNNING, new JobStatus[0]);
    }

    @Override
    public Token<DelegationTokenIdentifier> getDelegationToken(Text renewer)
    {
        return null;
    }

    @Override
    public long renewDelegationToken(Token<DelegationTokenIdentifier> token)
    {
        return 0;
    }

    @Override
    public void cancelDelegationToken(Token<DelegationTokenIdentifier> token) {}

    @Override
    public LogParams getLogFileParams(JobID jobId, TaskAttemptID taskAttemptId)
    {
        throw new UnsupportedOperationException("Task logs are written to the console by Tusk");
    }

    @Override
    public long getProtocolVersion(String protocol, long clientVersion)
    {
        return ClientProtocol.versionID;
    }

    @Override
    public ProtocolSignature getProtocolSignature(String protocol, long clientVersion, int clientMethodsHash)
            throws IOException
    {
        return ProtocolSignature.getProtocolSignature(this, protocol, clientVersion, clientMethodsHash);
    }
}
