package io.tusk.yarn.master;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.ui.UiServer;
import io.tusk.mr.TuskClientProtocol;
import io.tusk.mr.history.JobHistoryRecorder;
import io.tusk.yarn.ContainerResources;
import io.tusk.yarn.FinalState;
import io.tusk.yarn.MasterProtocol;
import io.tusk.yarn.SentJobStatus;
import io.tusk.yarn.YarnSettings;
import io.tusk.yarn.net.AppSecret;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.ipc.RPC;
import org.apache.hadoop.ipc.WritableRpcEngine;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.split.JobSplit;
import org.apache.hadoop.mapreduce.split.SplitMetaInfoReader;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.util.RackResolver;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The application master of a MapReduce job on Tusk: runs the job exactly as Tusk runs it in one
 * process (committer, stages, retries), with its tasks on executors in YARN containers; answers the
 * client's status, counters and events over Hadoop RPC; leaves the final state beside the submit
 * directory for clients that ask after it is gone; and tells YARN how the job ended.
 */
public final class ApplicationMaster
        extends MasterRpc
{
    private static final Logger LOG = LogManager.getLogger(ApplicationMaster.class);
    private static final long LINGER_MILLIS = 10_000;
    /** How long the master waits for its executors to end after telling them to stop. */
    private static final long EXECUTOR_END_WAIT_MILLIS = 10_000;
    private static final long HISTORY_WAIT_MILLIS = 30_000;
    /** How long a stopped master waits for its main thread to unregister a job that ended. */
    private static final long UNREGISTER_WAIT_MILLIS = 15_000;

    private final JobConf conf;
    private final JobID jobId;
    private final Path submitDir;
    private final String host;
    private final AppSecret secret;
    private final ClassLoader jobClassLoader;
    private volatile String fatal;
    private volatile boolean finalStatusSeen;
    /**
     * Who ends this attempt, decided once: {@link #RUNNING} until the main thread reports the job's
     * end ({@link #REPORTING}) or the master, stopped before its last attempt, leaves the job to the
     * next attempt ({@link #LEFT}: nothing is reported, nothing unregistered).
     */
    private final java.util.concurrent.atomic.AtomicInteger ending = new java.util.concurrent.atomic.AtomicInteger(RUNNING);
    private static final int RUNNING = 0;
    private static final int LEFT = 1;
    private static final int REPORTING = 2;
    /** Counted down once the attempt has unregistered from YARN. */
    private final java.util.concurrent.CountDownLatch unregistered = new java.util.concurrent.CountDownLatch(1);

    private ApplicationMaster(JobConf conf, JobID jobId, Path submitDir, String host, AppSecret secret, ClassLoader jobClassLoader)
    {
        this.conf = conf;
        this.jobId = jobId;
        this.submitDir = submitDir;
        this.host = host;
        this.secret = secret;
        this.jobClassLoader = jobClassLoader;
    }

    public static void main(String[] args)
            throws Exception
    {
        JobConf conf = new JobConf(new Path(new File(YarnSettings.JOB_CONF).getAbsolutePath()));
        JobID jobId = JobID.forName(requireEnv(YarnSettings.ENV_JOB_ID));
        Path submitDir = new Path(requireEnv(YarnSettings.ENV_SUBMIT_DIR));
        ContainerId container = ContainerId.fromString(requireEnv(ApplicationConstants.Environment.CONTAINER_ID.name()));
        // as MapReduce's master: committers keep each attempt's temporary output apart
        conf.setInt("mapreduce.job.application.attempt.id", container.getApplicationAttemptId().getAttemptId());
        File jobJar = new File("job.jar");
        ClassLoader jobClassLoader = jobJar.exists()
                ? new URLClassLoader(new URL[] {jobJar.toURI().toURL()}, ApplicationMaster.class.getClassLoader())
                : ApplicationMaster.class.getClassLoader();
        ApplicationMaster master = new ApplicationMaster(conf, jobId, submitDir, requireEnv(ApplicationConstants.Environment.NM_HOST.name()),
                AppSecret.fromCurrentUser(), jobClassLoader);
        runAndExit(master::run);
    }

    private int run()
            throws Exception
    {
        RackResolver.init(conf);
        Map<String, String> properties = engineSettings(conf);
        properties.remove(TuskConfig.MASTER);
        YarnBackend backend = new YarnBackend(secret, InetAddress.getByName(host), YarnBackend.rackResolver(), conf.getLong(YarnSettings.LOCALITY_WAIT, 3000),
                conf.getLong(YarnSettings.EXECUTOR_IDLE_TIMEOUT, 60_000), conf.getLong(TuskConfig.CANCEL_GRACE, 10_000), () -> jobClassLoader);
        Tusk tusk = Tusk.create(TuskConfig.fromProperties(properties), env -> backend);

        RPC.setProtocolEngine(conf, MasterProtocol.class, WritableRpcEngine.class);
        RPC.Server server = new RPC.Builder(conf).setProtocol(MasterProtocol.class).setInstance(this).setBindAddress(host).setPort(0)
                .setNumHandlers(4).setVerbose(false).build();
        server.start();
        UiServer http = UiServer.start(tusk.status(), InetAddress.getByName(host), conf.getInt(Tusk.UI_PORT, 0));
        String trackingUrl = "http://" + host + ":" + http.port() + "/";

        Credentials executorCredentials = secret.executorCredentials(UserGroupInformation.getCurrentUser().getCredentials());
        ContainerResources executorResources = new ContainerResources().addTuskJars(conf, submitDir).addJobConf(conf, submitDir).addJobFiles(conf);
        Map<String, String> environment = new HashMap<>();
        environment.put(YarnSettings.ENV_JOB_ID, jobId.toString());
        environment.put(YarnSettings.ENV_MASTER_ADDRESS, host + ":" + backend.address().getPort());
        boolean lastAttempt = conf.getInt("mapreduce.job.application.attempt.id", 1) >= conf.getInt(MRJobConfig.MR_AM_MAX_ATTEMPTS,
                MRJobConfig.DEFAULT_MR_AM_MAX_ATTEMPTS);
        ExecutorLauncher executors = new ExecutorLauncher(conf, backend, executorResources, environment, executorCredentials, reason -> {
            if (reason.equals(YarnExecutorPool.SHUTDOWN_REQUESTED) && !lastAttempt) {
                // YARN ended this attempt and starts the next, which runs the job again: this one must not tell the client the job ended
                LOG.error("The resource manager ended this attempt of the master; the next attempt runs {} again", jobId);
                LogManager.shutdown();
                Runtime.getRuntime().halt(1);
            }
            fatal = reason;
        });
        executors.register(host, server.getListenerAddress().getPort(), trackingUrl);
        // executors take seconds to start: ask for them near the maps' data now, while the job is being set up
        executors.prestart(splitHosts());
        LOG.info("Master of {} at {} (client RPC {}), executors of {} cores and {} MB", jobId, trackingUrl, server.getListenerAddress(), executors.cores(),
                executors.executorMb());

        TuskClientProtocol local = new TuskClientProtocol(conf, tusk);
        Thread.currentThread().setContextClassLoader(jobClassLoader);
        Thread killOnExit = new Thread(() -> {
            TuskClientProtocol running = served();
            if (running == null) {
                return;
            }
            if (lastAttempt) {
                if (!complete(running)) {
                    LOG.warn("The master is stopped while {} runs; killing it so that it leaves no output", jobId);
                    running.killJob(jobId);
                    waitForEnd(running, 8_000);
                }
                awaitUnregistered();
                return;
            }
            if (!ending.compareAndSet(RUNNING, LEFT)) {
                // the job ended first: the main thread reports it
                awaitUnregistered();
                return;
            }
            // as MapReduce's master: the attempt's output goes, the job's files stay, nothing tells the client the job ended
            LOG.warn("The master is stopped while {} runs; this attempt's tasks and temporary output end, the job's files stay "
                    + "for the next attempt of the master, which runs it again (or none, if the application was killed)", jobId);
            server.stop();
            running.killJobForNextAttempt(jobId);
            waitForEnd(running, 8_000);
            JobStatus status = running.getJobStatus(jobId);
            if (status != null && status.getState() == JobStatus.State.SUCCEEDED) {
                // it succeeded before the kill reached it (its files are gone): the main thread reports it after all
                ending.set(REPORTING);
                awaitUnregistered();
            }
        }, "tusk-master-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        // the job keeps its own of them (MrJob leaves out this master's YARN token and Tusk's secret)
        local.submitJob(jobId, submitDir.toString(), UserGroupInformation.getCurrentUser().getCredentials());
        serve(local);
        while (!complete(local)) {
            JobStatus status = local.getJobStatus(jobId);
            executors.setProgress((status.getMapProgress() + status.getReduceProgress()) / 2);
            if (fatal != null) {
                LOG.error("Killing {}: {}", jobId, fatal);
                local.killJob(jobId);
                waitForEnd(local, 30_000);
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        if (!ending.compareAndSet(RUNNING, REPORTING)) {
            // stopped before its last attempt: the JVM is shutting down, and this attempt neither reports an end nor
            // unregisters, so that YARN runs the next one (unless the job turns out to have succeeded first)
            while (ending.get() != REPORTING) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        JobStatus status = local.getJobStatus(jobId);
        if (!status.isJobComplete()) {
            // the job did not end when killed: it ends here, failed, as the client must hear
            SentJobStatus ended = SentJobStatus.copyOf(status);
            ended.setRunState(org.apache.hadoop.mapred.JobStatus.FAILED);
            ended.setFailureInfo("The master ends the job: " + (fatal != null ? fatal : "it did not end when it was killed"));
            status = ended;
        }
        FinalState state = finalState(local, jobId, status);
        try {
            state.write(conf, FinalState.path(submitDir, jobId));
        }
        catch (IOException e) {
            LOG.warn("Cannot write the final state of {}", jobId, e);
        }
        FinalApplicationStatus outcome = switch (status.getState()) {
            case SUCCEEDED -> FinalApplicationStatus.SUCCEEDED;
            case KILLED -> FinalApplicationStatus.KILLED;
            default -> FinalApplicationStatus.FAILED;
        };
        String diagnostics = fatal != null ? fatal : status.getFailureInfo();
        // the client reads the final state from here while it can; then from the file
        long lingerUntil = System.currentTimeMillis() + LINGER_MILLIS;
        while (!finalStatusSeen && System.currentTimeMillis() < lingerUntil) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        LOG.info("{} ended {}", jobId, status.getState());
        backend.close();
        tusk.close();
        // the client has its answer: let the executors end on their own before YARN kills them with the application
        executors.awaitExecutorsEnded(EXECUTOR_END_WAIT_MILLIS);
        // once unregistered, YARN may kill this container at any moment: the job's history is written first
        JobHistoryRecorder.awaitWrites(HISTORY_WAIT_MILLIS);
        executors.unregister(outcome, diagnostics, trackingUrl);
        unregistered.countDown();
        server.stop();
        http.close();
        Runtime.getRuntime().removeShutdownHook(killOnExit);
        return 0;
    }

    /** Lets the main thread report the job's end to YARN before the JVM exits, for a while. */
    private void awaitUnregistered()
    {
        try {
            unregistered.await(UNREGISTER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The hosts of each map's split, as the client wrote them beside the job; none if they cannot be read (the job then reports why). */
    private List<List<String>> splitHosts()
    {
        List<List<String>> hosts = new ArrayList<>();
        try {
            for (JobSplit.TaskSplitMetaInfo split : SplitMetaInfoReader.readSplitMetaInfo(jobId,
                    submitDir.getFileSystem(conf), conf, submitDir)) {
                hosts.add(List.of(split.getLocations()));
            }
        }
        catch (IOException e) {
            LOG.debug("Cannot read the splits of {} ahead of the job", jobId, e);
        }
        return hosts;
    }

    private boolean complete(TuskClientProtocol local)
    {
        JobStatus status = local.getJobStatus(jobId);
        return status != null && status.isJobComplete();
    }

    private void waitForEnd(TuskClientProtocol local, long millis)
    {
        long until = System.currentTimeMillis() + millis;
        while (!complete(local) && System.currentTimeMillis() < until) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // MasterProtocol, for the client

    @Override
    String describe()
    {
        return "The master of " + jobId;
    }

    @Override
    public void submitJob(JobID id, String submitDir, Credentials credentials)
            throws IOException
    {
        throw new IOException("The master of " + jobId + " runs that job alone; only a named session's master takes more (" + YarnSettings.SESSION_NAME + ")");
    }

    @Override
    public JobStatus getJobStatus(JobID id)
            throws IOException
    {
        JobStatus status = super.getJobStatus(id);
        if (status != null && status.isJobComplete()) {
            finalStatusSeen = true;
        }
        return status;
    }
}
