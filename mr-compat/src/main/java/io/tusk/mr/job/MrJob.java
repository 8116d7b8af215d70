package io.tusk.mr.job;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskException;
import io.tusk.engine.plan.ShuffleDependency;
import io.tusk.engine.plan.ShuffledNode;
import io.tusk.engine.plan.SourceNode;
import io.tusk.engine.scheduler.ExecutorLostException;
import io.tusk.engine.scheduler.JobListener;
import io.tusk.engine.scheduler.TaskPlacement;
import io.tusk.engine.shuffle.FetchFailedException;
import io.tusk.engine.status.StatusStore;
import io.tusk.engine.task.TaskAttemptId;
import io.tusk.mr.TuskJar;
import io.tusk.mr.cache.CachedInput;
import io.tusk.mr.cache.JobOutputs;
import io.tusk.mr.counters.CountersAccumulator;
import io.tusk.mr.counters.SegmentBytesAccumulator;
import io.tusk.mr.history.JobHistoryRecorder;
import io.tusk.mr.history.StatusWithHistory;
import io.tusk.mr.task.AttemptStderr;
import io.tusk.mr.task.CompressedSegments;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobCounter;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobPriority;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.OutputFormat;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCompletionEvent;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.split.JobSplit;
import org.apache.hadoop.mapreduce.split.SplitMetaInfoReader;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;
import org.apache.hadoop.util.StringUtils;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A submitted MapReduce job, run on the engine by its own driver thread: the job committer's
 * {@code setupJob}, the map tasks (a shuffle map stage, or the result stage of a map-only job),
 * the reduce tasks (the result stage), then {@code commitJob} — or {@code abortJob} when a task has
 * failed all its attempts or the job is killed. Status, counters and task completion events are
 * kept for the client. Thread-safe.
 */
public final class MrJob
{
    private static final Logger LOG = LogManager.getLogger(MrJob.class);
    /** How long a job's status waits for the UI to start, for its tracking URL. */
    private static final Duration UI_WAIT = Duration.ofSeconds(5);

    private final JobID jobId;
    private final JobConf conf;
    private final Path submitDir;
    private final JobSpec spec;
    private final Tusk tusk;
    private final CountersAccumulator counters;
    /** The lengths of the maps' compressed output segments per reducer; null when map output is not compressed (or not measured). */
    private final SegmentBytesAccumulator segmentBytes;
    /** Each map's compressed segment lengths per reducer, from its successful attempt; guarded by this. */
    private final Map<Integer, long[]> segmentsByMap = new HashMap<>();
    private final Thread driver;
    private final CacheLocalizer cache;
    /** Class loaders this job created, closed when it ends. */
    private final List<java.net.URLClassLoader> ownLoaders = new ArrayList<>();
    /** The loader of the job's classes when the driver runs under {@code tusk jar}; given back when the job ends. */
    private TuskJar.JobJarClassLoader jobJarLoader;

    // guarded by this
    private JobStatus.State state = JobStatus.State.RUNNING;
    /** Whether the job's outcome is decided and it is giving back its resources; its state says so last. */
    private boolean ending;
    private float setupProgress;
    private float cleanupProgress;
    private int completedMaps;
    private int completedReduces;
    private final Map<JobCounter, Long> jobCounters = new HashMap<>();
    private final List<TaskCompletionEvent> events = new ArrayList<>();
    private final Map<String, String> diagnostics = new HashMap<>();
    /** By task id text: Hadoop's ids of the two APIs are not equal to each other. */
    private final Map<String, TaskState> tasks = new HashMap<>();
    private String failureInfo = "";
    private boolean killed;
    /** Killed because its master stops and another attempt of it will run the job again: nothing of its end is told or kept. */
    private volatile boolean leftToNextAttempt;
    /** The job's history, written when it ends; null when the job turns it off. */
    private final JobHistoryRecorder history;
    /** The job file's path as its status gives it, made once: a client polls the status many times a second. */
    private final String jobFile;
    /** The last tracking URL given and the UI address it was made of. */
    private volatile TrackingUrl trackingUrl;

    private record TrackingUrl(Optional<java.net.URI> ui, String url) {}

    /**
     * {@code client}: the configuration of the client that submits the job, which may be the job's
     * own; {@code credentials}: the tokens and secret keys it was submitted with, or null.
     */
    public MrJob(JobID jobId, Path submitDir, Configuration client, org.apache.hadoop.security.Credentials credentials, Tusk tusk, ClassLoader classLoader)
            throws IOException
    {
        this.jobId = requireNonNull(jobId, "jobId is null");
        this.submitDir = requireNonNull(submitDir, "submitDir is null");
        this.tusk = requireNonNull(tusk, "tusk is null");
        this.conf = submittedConf(client, submitDir);
        // as in Hadoop's tasks: the tokens and secret keys the job was submitted with are its tasks' (context.getCredentials());
        // a copy of its own, which the client's later changes do not reach
        conf.setCredentials(JobCredentials.of(conf.getCredentials(), credentials));
        this.jobFile = new Path(submitDir, "job.xml").toString();
        // in the engine's own directory: a process killed with kill -9 leaves it to the next one to remove
        // executors of a session localize the job where its tasks run; the client is not where they run
        this.cache = tasksElsewhere() ? CacheLocalizer.none(jobId.toString(), tusk.spillDirectory().root())
                : CacheLocalizer.localize(conf, jobId.toString(), tusk.spillDirectory().root());
        try {
            TuskJar.JobJarClassLoader jobJar = jobJarLoader(classLoader);
            if (jobJar != null) {
                // the job's classes afresh, or classes that cannot hold state from an earlier job, as
                // in a new task JVM; -libjars in the same loader, so that the job's classes see them
                jobJarLoader = jobJar.forNextJob(cache.classpath());
                classLoader = jobJarLoader;
            }
            else if (!cache.classpath().isEmpty()) {
                java.net.URLClassLoader withLibraries = new java.net.URLClassLoader(cache.classpath().toArray(new java.net.URL[0]), classLoader);
                ownLoaders.add(withLibraries);
                classLoader = withLibraries;
            }
            JobClassLoaders.register(jobId.toString(), classLoader);
            JobUsers.register(jobId.toString());
            conf.setClassLoader(classLoader);
            FileSystem fs = submitDir.getFileSystem(conf);
            JobSplit.TaskSplitMetaInfo[] splits = SplitMetaInfoReader.readSplitMetaInfo(jobId, fs, conf, submitDir);
            List<JobSpec.SplitRef> refs = new ArrayList<>(splits.length);
            for (JobSplit.TaskSplitMetaInfo split : splits) {
                refs.add(new JobSpec.SplitRef(split.getSplitIndex().getSplitLocation(), split.getSplitIndex().getStartOffset(), Arrays.asList(split.getLocations())));
            }
            JobSpec submitted = new JobSpec(jobId, conf, refs);
            this.spec = tasksElsewhere() ? preferKeptHosts(submitted) : submitted;
            this.counters = tusk.register(new CountersAccumulator(tusk.newAccumulatorId(), jobId + " counters"));
            this.segmentBytes = spec.reduces() > 0 && CompressedSegments.measured(conf)
                    ? tusk.register(new SegmentBytesAccumulator(tusk.newAccumulatorId(), jobId + " map output segments", spec.reduces()))
                    : null;
        }
        catch (IOException | RuntimeException e) {
            releaseResources(false);
            throw e;
        }
        this.history = JobHistoryRecorder.of(jobId, conf, System.currentTimeMillis());
        tusk.status().describe(jobId.toString(), new UiDetails());
        this.driver = new Thread(this::run, "tusk-mr-" + jobId);
        driver.setDaemon(true);
        driver.setContextClassLoader(classLoader);
    }

    /**
     * The job's configuration as the client wrote it into {@code job.xml}. The new API's {@code Job}
     * (the old API's {@code JobClient} makes one) submits through a client of its own configuration,
     * which JobSubmitter has just written there and which names the submit directory: a copy of it
     * is what a parse of {@code job.xml} gives, without parsing XML. Unless the program has set a
     * parameter that a resource marked final: a parse keeps the resource's value.
     */
    static JobConf submittedConf(Configuration client, Path submitDir)
    {
        if (client != null && submitDir.toString().equals(client.get(MRJobConfig.MAPREDUCE_JOB_DIR)) && !overridesFinalParameters(client)) {
            return new JobConf(client);
        }
        return new JobConf(new Path(submitDir, "job.xml"));
    }

    private static boolean overridesFinalParameters(Configuration conf)
    {
        for (String name : conf.getFinalParameters()) {
            String[] sources = conf.getPropertySources(name);
            if (sources == null || Arrays.asList(sources).contains("programmatically")) {
                return true;
            }
        }
        return false;
    }

    public void start()
    {
        driver.start();
    }

    JobID id()
    {
        return jobId;
    }

    public JobStatus status()
    {
        // the UI starts beside the job: the tracking URL waits a moment for it (the job does not), so
        // that the client's "url to track the job" is the UI whenever the UI runs
        Optional<java.net.URI> ui;
        try {
            ui = tusk.uiAddress(UI_WAIT);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ui = tusk.uiAddress();
        }
        TrackingUrl known = trackingUrl;
        if (known == null || !known.ui().equals(ui)) {
            known = new TrackingUrl(ui, ui.map(address -> address + "#/find/" + jobId).orElse("http://localhost:8080/"));
            trackingUrl = known;
        }
        return status(known.url());
    }

    private synchronized JobStatus status(String trackingUrl)
    {
        float mapProgress = spec.maps() == 0 ? 1f : (float) completedMaps / spec.maps();
        // as in Hadoop (local runner and YARN), a map-only job's reduce progress stays at 0
        float reduceProgress = spec.reduces() == 0 ? 0f : (float) completedReduces / spec.reduces();
        org.apache.hadoop.mapred.JobStatus status = new StatusWithHistory(jobId, setupProgress, mapProgress, reduceProgress, cleanupProgress, state,
                conf.getUser(), conf.getJobName(), conf.getQueueName(), jobFile,
                trackingUrl, history == null ? null : history.historyFile(), 0, 0);
        status.setFailureInfo(failureInfo);
        return status;
    }

    public Counters counters()
    {
        org.apache.hadoop.mapred.Counters snapshot = counters.snapshot();
        synchronized (this) {
            jobCounters.forEach((counter, value) -> snapshot.findCounter(counter).setValue(value));
        }
        return new Counters(snapshot);
    }

    public synchronized TaskCompletionEvent[] events(int from, int max)
    {
        if (from >= events.size()) {
            return TaskCompletionEvent.EMPTY_ARRAY;
        }
        return events.subList(from, Math.min(events.size(), from + max)).toArray(new TaskCompletionEvent[0]);
    }

    public synchronized String[] diagnostics(TaskAttemptID attempt)
    {
        String text = diagnostics.get(attempt.toString());
        return text == null ? new String[0] : new String[] {text};
    }

    /**
     * One report per task of {@code type}, as a cluster gives them: state, start and finish times,
     * attempts, failed attempts' diagnostics and the counters of the successful attempt.
     */
    public synchronized org.apache.hadoop.mapreduce.TaskReport[] taskReports(TaskType type)
    {
        boolean mapOnly = spec.reduces() == 0;
        int count = type == TaskType.MAP ? spec.maps() : type == TaskType.REDUCE ? spec.reduces() : 0;
        org.apache.hadoop.mapreduce.TaskReport[] reports = new org.apache.hadoop.mapreduce.TaskReport[count];
        for (int task = 0; task < count; task++) {
            org.apache.hadoop.mapred.TaskID id = new org.apache.hadoop.mapred.TaskID(jobId, type, task);
            TaskState info = tasks.getOrDefault(id.toString(), new TaskState());
            org.apache.hadoop.mapred.TIPStatus status = info.status;
            if (state != JobStatus.State.RUNNING && (status == org.apache.hadoop.mapred.TIPStatus.RUNNING || status == org.apache.hadoop.mapred.TIPStatus.PENDING)) {
                status = info.diagnostics.isEmpty() ? org.apache.hadoop.mapred.TIPStatus.KILLED : org.apache.hadoop.mapred.TIPStatus.FAILED;
            }
            float progress = status == org.apache.hadoop.mapred.TIPStatus.COMPLETE ? 1.0f : 0.0f;
            reports[task] = new Report(id, progress, status, info);
        }
        return reports;
    }

    /** A task report with its attempts, which Hadoop's report lets only subclasses set. */
    private static final class Report
            extends org.apache.hadoop.mapreduce.TaskReport
    {
        Report(org.apache.hadoop.mapred.TaskID id, float progress, org.apache.hadoop.mapred.TIPStatus status, TaskState info)
        {
            super(id, progress, info.host == null ? status.name() : status.name() + " on " + info.host, info.diagnostics.toArray(new String[0]), status, info.start, info.finish,
                    info.counters == null ? new Counters() : new Counters(info.counters));
            if (info.successful != null) {
                setSuccessfulAttemptId(info.successful);
            }
            setRunningTaskAttemptIds(List.copyOf(info.running));
        }
    }

    /** What the reports know of one task; guarded by the job. */
    private static final class TaskState
    {
        org.apache.hadoop.mapred.TIPStatus status = org.apache.hadoop.mapred.TIPStatus.PENDING;
        long start;
        long finish;
        TaskAttemptID successful;
        /** What the successful attempt counted. */
        org.apache.hadoop.mapred.Counters counters;
        /** Where the task last ran, on a cluster. */
        String host;
        /** The task's last failed attempt and its error, for the job's history. */
        TaskAttemptID lastFailed;
        String lastError;
        final List<TaskAttemptID> running = new ArrayList<>();
        final List<String> diagnostics = new ArrayList<>();
    }

    public synchronized int runningMaps()
    {
        return state == JobStatus.State.RUNNING ? spec.maps() - completedMaps : 0;
    }

    public synchronized int runningReduces()
    {
        return state == JobStatus.State.RUNNING ? spec.reduces() - completedReduces : 0;
    }

    public void kill()
    {
        synchronized (this) {
            if (state != JobStatus.State.RUNNING || ending) {
                return;
            }
            killed = true;
        }
        driver.interrupt();
    }

    /**
     * Kills the job because the master that runs it stops and another attempt of the master will run
     * it again: its tasks and temporary output end as a killed job's do, but its end is neither
     * notified nor recorded in its history, and its submit directory stays for the next attempt.
     */
    public void killForNextAttempt()
    {
        leftToNextAttempt = true;
        kill();
    }

    private void run()
    {
        org.apache.hadoop.mapred.JobContextImpl jobContext = new org.apache.hadoop.mapred.JobContextImpl(conf, jobId);
        OutputCommitter committer = null;
        io.tusk.io.cache.PendingOutputs outputs = null;
        // what the job's end says, unless it gets further: an error the catch below does not survive fails the job
        JobStatus.State finalState = JobStatus.State.FAILED;
        String info = "Job " + jobId + " ended in an error while it ended";
        try {
            committer = jobCommitter();
            committer.setupJob(jobContext);
            synchronized (this) {
                setupProgress = 1;
                if (killed) {
                    // the interrupt may have been swallowed by the job's setup (file system calls)
                    throw new InterruptedException("Job " + jobId + " was killed during its setup");
                }
            }
            checkLocalParallelism();
            if (history != null) {
                history.jobStarted(System.currentTimeMillis(), spec.maps(), spec.reduces());
            }
            boolean newApiOutput = conf.getNumReduceTasks() == 0 ? conf.getUseNewMapper() : conf.getUseNewReducer();
            if (conf.getBoolean(io.tusk.io.cache.OutputCache.ENABLED, true)) {
                io.tusk.io.cache.OutputCache.dropDeleted(tusk.blockStore(), conf);
            }
            outputs = JobOutputs.begin(jobId.toString(), conf, newApiOutput, committer, tusk.blockStore()).orElse(null);
            if (outputs != null && tasksElsewhere()) {
                // the executors that run its tasks keep what they write, as the job's process does in one process
                spec.captureOutputs(outputs.format());
            }
            reportInputsInMemory();
            runTasks();
            committer.commitJob(jobContext);
            if (outputs != null) {
                outputs.keepCommitted();
            }
            notifyEnd(JobStatus.State.SUCCEEDED);
            recordEnd(JobStatus.State.SUCCEEDED, "");
            finalState = JobStatus.State.SUCCEEDED;
            info = "";
        }
        catch (Throwable failure) {
            boolean wasKilled;
            synchronized (this) {
                wasKilled = killed;
            }
            finalState = wasKilled ? JobStatus.State.KILLED : JobStatus.State.FAILED;
            info = wasKilled ? "Job killed" : "Job " + jobId + " failed: " + failure;
            if (committer != null) {
                // a kill interrupted this thread: the abort's file system calls (HDFS's RPCs) must not see it
                Thread.interrupted();
                try {
                    committer.abortJob(jobContext, finalState);
                }
                catch (Throwable e) {
                    LOG.warn("Error cleaning up job {}", jobId, e);
                }
            }
            if (!wasKilled) {
                // the client prints the failure with the failed attempts' diagnostics
                LOG.debug("Job {} failed", jobId, failure);
                info = failureInfo(failure);
            }
            if (!leftToNextAttempt) {
                notifyEnd(finalState);
                recordEnd(finalState, info);
            }
        }
        finally {
            synchronized (this) {
                // its outcome is decided: a kill now would only interrupt the cleanup
                ending = true;
            }
            try {
                if (outputs != null) {
                    outputs.end();
                }
                if (tasksElsewhere() && !leftToNextAttempt) {
                    // executors that run job after job keep what the job's tasks committed there (if
                    // it succeeded) and remove its localized jar and files; before the end is told,
                    // so that the next job finds where its input is kept
                    tusk.endWrite(jobId.toString(), finalState == JobStatus.State.SUCCEEDED);
                }
                tusk.unregister(counters);
                if (segmentBytes != null) {
                    tusk.unregister(segmentBytes);
                }
                releaseResources(finalState == JobStatus.State.SUCCEEDED);
                try {
                    if (!leftToNextAttempt) {
                        submitDir.getFileSystem(conf).delete(submitDir, true);
                    }
                }
                catch (IOException e) {
                    LOG.debug("Cannot delete {}", submitDir, e);
                }
            }
            finally {
                // last: a client that sees the end (at once: status questions wait for it) finds the
                // job's resources given back, its class loader ready for the job it submits next
                finish(finalState, info);
            }
        }
    }

    /** Records the job's end in its history: the tasks that failed for good, then the job. */
    private void recordEnd(JobStatus.State finalState, String info)
    {
        if (history == null) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            Counters jobCounters = counters();
            int succeededMaps;
            int succeededReduces;
            synchronized (this) {
                for (TaskState task : tasks.values()) {
                    if (task.status != org.apache.hadoop.mapred.TIPStatus.COMPLETE && task.lastFailed != null && task.running.isEmpty()) {
                        history.taskFailed(task.lastFailed, task.finish == 0 ? now : task.finish, task.lastError);
                    }
                }
                succeededMaps = completedMaps;
                succeededReduces = completedReduces;
            }
            history.jobEnded(finalState, now, spec.maps(), spec.reduces(), succeededMaps, succeededReduces,
                    (int) jobCounters.findCounter(JobCounter.NUM_FAILED_MAPS).getValue(), (int) jobCounters.findCounter(JobCounter.NUM_FAILED_REDUCES).getValue(),
                    (int) jobCounters.findCounter(JobCounter.NUM_KILLED_MAPS).getValue(), (int) jobCounters.findCounter(JobCounter.NUM_KILLED_REDUCES).getValue(),
                    jobCounters, info);
        }
        catch (RuntimeException e) {
            LOG.warn("Cannot record the history of {}: {}", jobId, e.toString());
        }
    }

    /**
     * The local runner's limits on concurrent maps and reduces: Tusk runs as many as it has threads,
     * but a job that sets one below 1 fails as on the local runner.
     */
    private void checkLocalParallelism()
    {
        String framework = conf.get(org.apache.hadoop.mapreduce.MRConfig.FRAMEWORK_NAME, "local");
        // in this process (a job for the local runner that runs on Tusk too), not on a cluster
        if (framework.equals(io.tusk.mr.TuskClientProtocolProvider.FRAMEWORK_NAME) || framework.equals("local")) {
            for (String key : List.of("mapreduce.local.map.tasks.maximum", "mapreduce.local.reduce.tasks.maximum")) {
                if (conf.getInt(key, 1) < 1) {
                    throw new IllegalArgumentException("Configured " + key + " must be >= 1");
                }
            }
        }
    }

    /**
     * Calls the job's end-notification URL ({@code mapreduce.job.end-notification.url}, with
     * {@code $jobId} and {@code $jobStatus} filled in), retrying as configured, as Hadoop's local
     * runner does; before the job reports its end, so that a driver that exits when its job ends
     * does not cut it short. A notification that fails is logged, never the job's failure.
     */
    private void notifyEnd(JobStatus.State finalState)
    {
        if (conf.getJobEndNotificationURI() == null) {
            return;
        }
        int runState = switch (finalState) {
            case SUCCEEDED -> org.apache.hadoop.mapred.JobStatus.SUCCEEDED;
            case KILLED -> org.apache.hadoop.mapred.JobStatus.KILLED;
            default -> org.apache.hadoop.mapred.JobStatus.FAILED;
        };
        org.apache.hadoop.mapred.JobStatus ended = new org.apache.hadoop.mapred.JobStatus(org.apache.hadoop.mapred.JobID.downgrade(jobId), 1f, 1f, 1f, runState);
        try {
            org.apache.hadoop.mapred.JobEndNotifier.localRunnerNotification(conf, ended);
        }
        catch (RuntimeException e) {
            LOG.warn("Cannot notify {} that {} ended", conf.getJobEndNotificationURI(), jobId, e);
        }
    }

    /**
     * The job jar's loader in {@code loader}'s chain, if the driver runs under {@code tusk jar};
     * ToolRunner puts a loader for {@code -libjars} in front of it.
     */
    private static TuskJar.JobJarClassLoader jobJarLoader(ClassLoader loader)
    {
        for (ClassLoader current = loader; current != null; current = current.getParent()) {
            if (current instanceof TuskJar.JobJarClassLoader jobJar) {
                return jobJar;
            }
        }
        return null;
    }

    /** Removes the job's cache links and copies, closes the class loaders it created and gives back the job jar's. */
    private void releaseResources(boolean succeeded)
    {
        cache.close();
        JobClassLoaders.remove(jobId.toString());
        JobUsers.remove(jobId.toString());
        TaskDirectories.release(jobId.toString());
        if (spec != null) {
            spec.release();
        }
        for (java.net.URLClassLoader loader : ownLoaders) {
            try {
                loader.close();
            }
            catch (IOException e) {
                LOG.debug("Cannot close a class loader of {}", jobId, e);
            }
        }
        ownLoaders.clear();
        if (jobJarLoader != null) {
            jobJarLoader.jobEnded(succeeded);
            jobJarLoader = null;
        }
    }

    public synchronized boolean finished()
    {
        return state != JobStatus.State.RUNNING;
    }

    /** Waits until the job has ended, or for {@code wait} at most; true if it has ended. */
    public synchronized boolean awaitEnd(Duration wait)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + wait.toNanos();
        while (state == JobStatus.State.RUNNING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private synchronized void finish(JobStatus.State finalState, String info)
    {
        cleanupProgress = 1;
        failureInfo = info;
        state = finalState;
        notifyAll();
    }

    private String failureInfo(Throwable failure)
    {
        synchronized (this) {
            for (int i = events.size() - 1; i >= 0; i--) {
                TaskCompletionEvent event = events.get(i);
                if (event.getStatus() == TaskCompletionEvent.Status.FAILED) {
                    String cause = userCause(failure).toString();
                    AttemptStderr.StderrTail stderr = AttemptStderr.tailOf(failure);
                    if (stderr != null) {
                        cause += "\n" + stderr;
                    }
                    return "Task failed " + event.getTaskAttemptId().getTaskID() + " (last attempt " + event.getTaskAttemptId() + "): " + cause
                            + "\nJob failed as tasks failed. failedMaps:" + jobCounters.getOrDefault(JobCounter.NUM_FAILED_MAPS, 0L)
                            + " failedReduces:" + jobCounters.getOrDefault(JobCounter.NUM_FAILED_REDUCES, 0L);
                }
            }
        }
        return failure instanceof TuskException ? failure.getMessage() : StringUtils.stringifyException(failure);
    }

    /** The user's exception inside the engine's wrapper, or the failure itself. */
    private static Throwable userCause(Throwable failure)
    {
        return failure instanceof TuskException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private OutputCommitter jobCommitter()
            throws IOException, InterruptedException, ClassNotFoundException
    {
        if (conf.getNumReduceTasks() == 0 ? conf.getUseNewMapper() : conf.getUseNewReducer()) {
            TaskAttemptContextImpl context = new TaskAttemptContextImpl(conf, new TaskAttemptID(jobId.getJtIdentifier(), jobId.getId(), TaskType.MAP, 0, 0));
            OutputFormat<?, ?> outputFormat = ReflectionUtils.newInstance(context.getOutputFormatClass(), conf);
            return outputFormat.getOutputCommitter(context);
        }
        return conf.getOutputCommitter();
    }

    /**
     * Whether the job's tasks run in processes of a context that outlives the job (executors of a
     * YARN session), which keep outputs and localize jobs themselves.
     */
    public boolean tasksElsewhere()
    {
        return !io.tusk.engine.TuskConfig.isLocal(tusk.config().master());
    }

    /**
     * {@code submitted} with each split of a file that an executor keeps in memory placed on that
     * executor first, where its map reads the file's copy; logs how many.
     */
    private JobSpec preferKeptHosts(JobSpec submitted)
    {
        if (io.tusk.io.cache.KeptLocations.isEmpty() || !conf.getBoolean(io.tusk.io.cache.OutputCache.ENABLED, true)) {
            return submitted;
        }
        Map<Integer, io.tusk.io.cache.KeptLocations.Keeper> keepers = new HashMap<>();
        Map<Path, org.apache.hadoop.fs.FileStatus> statuses = new HashMap<>();
        try {
            forEachSplit(submitted, (map, split, inputFormat, newApi) ->
                    CachedInput.keeper(split, inputFormat, newApi, conf, statuses).ifPresent(keeper -> keepers.put(map, keeper)));
        }
        catch (IOException | ClassNotFoundException | RuntimeException e) {
            LOG.debug("Cannot tell which inputs of {} executors keep in memory", jobId, e);
            return submitted;
        }
        if (keepers.isEmpty()) {
            return submitted;
        }
        LogManager.getLogger(io.tusk.io.cache.OutputCache.LOG_NAME)
                .info("{} of the {} input splits of {} are kept in memory by executors, which run their maps: outputs of earlier jobs", keepers.size(), submitted.maps(), jobId);
        return submitted.preferring(keepers);
    }

    /**
     * Says which of the job's splits will be read from outputs of earlier jobs kept in memory; looking
     * them up drops copies of files that have changed since.
     */
    private void reportInputsInMemory()
    {
        if (!tusk.blockStore().hasNamed() || !conf.getBoolean(io.tusk.io.cache.OutputCache.ENABLED, true)) {
            return;
        }
        try {
            int[] inMemory = new int[1];
            forEachSplit(spec, (map, split, inputFormat, newApi) -> {
                if (CachedInput.servable(split, inputFormat, newApi, conf, tusk.blockStore())) {
                    inMemory[0]++;
                }
            });
            if (inMemory[0] > 0) {
                LogManager.getLogger(io.tusk.io.cache.OutputCache.LOG_NAME)
                        .info("{} of the {} input splits of {} are read from memory: outputs of earlier jobs, unchanged since", inMemory[0], spec.maps(), jobId);
            }
        }
        catch (IOException | ClassNotFoundException | RuntimeException e) {
            LOG.debug("Cannot tell which inputs of {} are in memory", jobId, e);
        }
    }

    /** What {@link #forEachSplit} does with a map's split. */
    private interface SplitAction
    {
        void accept(int map, Object split, Class<?> inputFormat, boolean newApi)
                throws IOException;
    }

    /** Calls {@code action} with each map's split of {@code job}, read as its tasks read it, and the job's input format and API. */
    private void forEachSplit(JobSpec job, SplitAction action)
            throws IOException, ClassNotFoundException
    {
        boolean newApi = conf.getUseNewMapper();
        Class<?> inputFormat = newApi ? new org.apache.hadoop.mapreduce.task.JobContextImpl(conf, jobId).getInputFormatClass() : conf.getInputFormat().getClass();
        org.apache.hadoop.mapred.Counters.Counter ignored = new org.apache.hadoop.mapred.Counters().findCounter("tusk", "split bytes");
        for (int map = 0; map < job.maps(); map++) {
            action.accept(map, job.split(map, conf, ignored), inputFormat, newApi);
        }
    }

    private void runTasks()
    {
        SourceNode splits = new SourceNode(tusk.newDatasetId(), "splits of " + jobId, new SplitSource(spec));
        if (spec.reduces() == 0) {
            tusk.runJob(splits, new TaskActions.MapOnly(spec, counters), jobId.toString(), new Listener());
            return;
        }
        ShuffleDependency shuffle = new ShuffleDependency(tusk.newShuffleId(), splits, new TaskPartitions(spec.reduces()), new MrShuffleKeys(spec),
                null, false, new MapTaskWriter(spec, counters, segmentBytes));
        ShuffledNode shuffled = new ShuffledNode(tusk.newDatasetId(), "shuffle of " + jobId, shuffle, new CursorReader());
        tusk.registerShuffle(shuffled);
        try {
            tusk.runJob(shuffled, new TaskActions.Reduce(spec, counters), jobId.toString(), new Listener());
        }
        finally {
            // no later job reads this job's map outputs: their memory and spill files go now
            tusk.removeShuffle(shuffle.shuffleId());
        }
    }

    /** What the UI shows of the job beside what the engine knows: its name, user and counters by their display names. */
    private final class UiDetails
            implements StatusStore.Details
    {
        @Override
        public String kind()
        {
            return "MapReduce";
        }

        @Override
        public String name()
        {
            return conf.getJobName();
        }

        @Override
        public String user()
        {
            return conf.getUser();
        }

        @Override
        public Map<String, Map<String, Long>> counters()
        {
            Map<String, Map<String, Long>> groups = new java.util.LinkedHashMap<>();
            for (org.apache.hadoop.mapreduce.CounterGroup group : MrJob.this.counters()) {
                Map<String, Long> values = new java.util.LinkedHashMap<>();
                for (org.apache.hadoop.mapreduce.Counter counter : group) {
                    values.put(counter.getDisplayName(), counter.getValue());
                }
                groups.put(group.getDisplayName(), values);
            }
            return groups;
        }
    }

    /** Hadoop's name, in a job's history, of where an attempt ran from its input. */
    private static String historyLocality(TaskPlacement placement)
    {
        if (placement == null) {
            return "OFF_SWITCH";
        }
        return switch (placement.locality()) {
            case NODE_LOCAL -> "NODE_LOCAL";
            case RACK_LOCAL -> "RACK_LOCAL";
            case OFF_RACK, NO_PREFERENCE -> "OFF_SWITCH";
        };
    }

    /** Turns engine attempts into MapReduce progress, counters and task completion events. */
    private final class Listener
            implements JobListener
    {
        @Override
        public int maxAttempts(boolean mapStage, int defaultAttempts)
        {
            boolean map = mapStage || spec.reduces() == 0;
            return map ? conf.getMaxMapAttempts() : conf.getMaxReduceAttempts();
        }

        @Override
        public void taskLaunched(TaskAttemptId attempt, boolean mapStage)
        {
            boolean map = mapStage || spec.reduces() == 0;
            TaskAttemptID attemptId = spec.attemptId(map ? TaskType.MAP : TaskType.REDUCE, attempt.partition(), attempt.attempt());
            synchronized (MrJob.this) {
                jobCounters.merge(map ? JobCounter.TOTAL_LAUNCHED_MAPS : JobCounter.TOTAL_LAUNCHED_REDUCES, 1L, Long::sum);
                TaskState task = tasks.computeIfAbsent(attemptId.getTaskID().toString(), id -> new TaskState());
                if (task.start == 0) {
                    task.start = System.currentTimeMillis();
                }
                task.status = org.apache.hadoop.mapred.TIPStatus.RUNNING;
                task.running.add(attemptId);
            }
            if (history != null) {
                history.attemptStarted(attemptId, System.currentTimeMillis());
            }
        }

        @Override
        public void taskEnded(TaskAttemptId attempt, boolean mapStage, TaskPlacement placement, Throwable failure, Map<Long, Object> accumulatorUpdates)
        {
            boolean map = mapStage || spec.reduces() == 0;
            TaskAttemptID attemptId = spec.attemptId(map ? TaskType.MAP : TaskType.REDUCE, attempt.partition(), attempt.attempt());
            // an attempt whose executor was lost, or that could not read its input, is killed, not failed, as in Hadoop
            boolean killed = failure instanceof ExecutorLostException || failure instanceof FetchFailedException;
            boolean local = placement == null || TaskPlacement.LOCAL_EXECUTOR.equals(placement.executor());
            String tracker = local ? "http://localhost:8080/" : "http://" + placement.host() + ":8080/";
            synchronized (MrJob.this) {
                TaskCompletionEvent.Status status = failure == null ? TaskCompletionEvent.Status.SUCCEEDED
                        : killed ? TaskCompletionEvent.Status.KILLED : TaskCompletionEvent.Status.FAILED;
                events.add(new TaskCompletionEvent(events.size(), attemptId, attempt.partition(), map, status, tracker));
                if (map && placement != null) {
                    switch (placement.locality()) {
                        case NODE_LOCAL -> jobCounters.merge(JobCounter.DATA_LOCAL_MAPS, 1L, Long::sum);
                        case RACK_LOCAL -> jobCounters.merge(JobCounter.RACK_LOCAL_MAPS, 1L, Long::sum);
                        case OFF_RACK -> jobCounters.merge(JobCounter.OTHER_LOCAL_MAPS, 1L, Long::sum);
                        case NO_PREFERENCE -> {
                        }
                    }
                }
                TaskState task = tasks.computeIfAbsent(attemptId.getTaskID().toString(), id -> new TaskState());
                task.running.remove(attemptId);
                Object update = accumulatorUpdates.get(counters.id());
                org.apache.hadoop.mapred.Counters attemptCounters = update == null ? null : CountersAccumulator.read(update);
                if (failure == null && map && segmentBytes != null && accumulatorUpdates.get(segmentBytes.id()) instanceof long[] segments) {
                    // a map run again (its output was lost) replaces what it measured before
                    segmentsByMap.put(attempt.partition(), segments);
                }
                if (failure == null && !map && segmentBytes != null && attemptCounters != null && task.status != org.apache.hadoop.mapred.TIPStatus.COMPLETE) {
                    // what the reducer fetched: its segment of every map's compressed output, as the maps measured them
                    long shuffled = 0;
                    for (long[] segments : segmentsByMap.values()) {
                        shuffled += segments[attempt.partition()];
                    }
                    attemptCounters.findCounter(TaskCounter.REDUCE_SHUFFLE_BYTES).increment(shuffled);
                    org.apache.hadoop.mapred.Counters added = new org.apache.hadoop.mapred.Counters();
                    added.findCounter(TaskCounter.REDUCE_SHUFFLE_BYTES).increment(shuffled);
                    counters.add(added);
                }
                if (!local) {
                    task.host = placement.host();
                }
                if (history != null) {
                    String host = local ? "localhost" : placement.host();
                    if (failure == null) {
                        history.attemptSucceeded(attemptId, System.currentTimeMillis(), host, historyLocality(placement), attemptCounters);
                    }
                    else {
                        history.attemptFailed(attemptId, System.currentTimeMillis(), host, killed, StringUtils.stringifyException(failure));
                    }
                }
                if (failure == null) {
                    boolean again = task.status == org.apache.hadoop.mapred.TIPStatus.COMPLETE;
                    task.status = org.apache.hadoop.mapred.TIPStatus.COMPLETE;
                    task.finish = System.currentTimeMillis();
                    task.successful = attemptId;
                    task.counters = attemptCounters;
                    if (again) {
                        // a map run again because its output was lost
                        return;
                    }
                    if (map) {
                        completedMaps++;
                    }
                    else {
                        completedReduces++;
                    }
                }
                else if (killed) {
                    LOG.info("Task attempt {} was killed: {}", attemptId, failure.getMessage());
                    diagnostics.put(attemptId.toString(), failure.getMessage());
                    jobCounters.merge(map ? JobCounter.NUM_KILLED_MAPS : JobCounter.NUM_KILLED_REDUCES, 1L, Long::sum);
                }
                else {
                    task.lastFailed = attemptId;
                    task.lastError = StringUtils.stringifyException(failure);
                    task.diagnostics.add(attemptId + ": " + StringUtils.stringifyException(failure));
                    if (task.running.isEmpty()) {
                        task.finish = System.currentTimeMillis();
                    }
                    // one line, as a log reader needs it; the client prints the stack trace from the diagnostics
                    LOG.warn("Task attempt {} failed: {}", attemptId, userCause(failure));
                    LOG.debug("Task attempt {} failed", attemptId, failure);
                    diagnostics.put(attemptId.toString(), "Error: " + StringUtils.stringifyException(failure));
                    jobCounters.merge(map ? JobCounter.NUM_FAILED_MAPS : JobCounter.NUM_FAILED_REDUCES, 1L, Long::sum);
                }
            }
        }
    }
}
