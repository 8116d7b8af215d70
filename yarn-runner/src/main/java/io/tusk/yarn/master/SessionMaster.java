package io.tusk.yarn.master;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.ui.UiServer;
import io.tusk.mr.TuskClientProtocol;
import io.tusk.mr.history.JobHistoryRecorder;
import io.tusk.mr.job.MasterJobs;
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
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.util.RackResolver;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The master of a named MapReduce session ({@value YarnSettings#SESSION_NAME}): one YARN
 * application that runs the jobs of every client process of its user that names the session, one
 * after the other or side by side, on executors that outlive each job and keep each job's output in
 * memory for the jobs that read it next — a workflow of separate {@code hadoop jar} steps shares them
 * as the jobs of one driver do. Clients submit over Hadoop RPC ({@link MasterProtocol#submitJob});
 * the master localizes each job's jar and libraries for itself (the executors do the same on their
 * first task of the job), writes each job's final state beside its submit directory, and ends the
 * application {@code SUCCEEDED} once no job has run for {@value YarnSettings#SESSION_IDLE_TIMEOUT}
 * milliseconds. Killed through YARN, it kills its running jobs first, whose committers abort their
 * output.
 */
public final class SessionMaster
        extends MasterRpc
{
    private static final Logger LOG = LogManager.getLogger(SessionMaster.class);
    private static final long EXECUTOR_END_WAIT_MILLIS = 10_000;
    private static final long HISTORY_WAIT_MILLIS = 30_000;

    private final JobConf conf;
    private final String session;
    private final Path staging;
    private final String host;
    private final AppSecret secret;
    private volatile String fatal;
    /** Where each job's jar and libraries are copied. */
    private volatile java.nio.file.Path jobsDirectory;
    /** Jobs submitted and not yet ended here, with their submit directories. */
    private final Map<String, Path> running = new ConcurrentHashMap<>();
    // guarded by this
    private long lastActive = System.currentTimeMillis();
    /** The master has decided to end: it takes no more jobs. Guarded by this. */
    private boolean ending;
    /** The JVM is shutting down (YARN killed the application): the kill hook ends the jobs, the main thread does nothing more. */
    private volatile boolean killed;
    /** The user the session runs as: the only one whose clients may submit or kill. */
    private final UserGroupInformation owner;
    /** Every job submitted here: a job id is taken once. */
    private final java.util.Set<String> submitted = ConcurrentHashMap.newKeySet();

    private SessionMaster(JobConf conf, String session, Path staging, String host, AppSecret secret)
            throws IOException
    {
        this.owner = UserGroupInformation.getLoginUser();
        this.conf = conf;
        this.session = session;
        this.staging = staging;
        this.host = host;
        this.secret = secret;
    }

    public static void main(String[] args)
            throws Exception
    {
        JobConf conf = new JobConf(new Path(new File(YarnSettings.JOB_CONF).getAbsolutePath()));
        SessionMaster master = new SessionMaster(conf, requireEnv(YarnSettings.ENV_SESSION), new Path(requireEnv(YarnSettings.ENV_SUBMIT_DIR)),
                requireEnv(ApplicationConstants.Environment.NM_HOST.name()), AppSecret.fromCurrentUser());
        runAndExit(master::run);
    }

    private int run()
            throws Exception
    {
        RackResolver.init(conf);
        Map<String, String> properties = engineSettings(conf);
        // tasks run on executors of other processes, which keep the jobs' outputs
        properties.put(TuskConfig.MASTER, "yarn");
        jobsDirectory = new File(properties.getOrDefault(TuskConfig.LOCAL_DIR, System.getProperty("user.dir")), "tusk-session-jobs").toPath();
        // failures of tasks are read with Tusk's classes: the session has no one job's (an exception class of a job's own arrives as its description)
        YarnBackend backend = new YarnBackend(secret, InetAddress.getByName(host), YarnBackend.rackResolver(), conf.getLong(YarnSettings.LOCALITY_WAIT, 3000),
                conf.getLong(YarnSettings.EXECUTOR_IDLE_TIMEOUT, 600_000), conf.getLong(TuskConfig.CANCEL_GRACE, 10_000), SessionMaster.class::getClassLoader);
        Tusk tusk = Tusk.create(TuskConfig.fromProperties(properties), env -> backend);

        RPC.setProtocolEngine(conf, MasterProtocol.class, WritableRpcEngine.class);
        RPC.Server server = new RPC.Builder(conf).setProtocol(MasterProtocol.class).setInstance(this).setBindAddress(host).setPort(0)
                .setNumHandlers(4).setVerbose(false).build();
        server.start();
        UiServer http = UiServer.start(tusk.status(), InetAddress.getByName(host), conf.getInt(Tusk.UI_PORT, 0));
        String trackingUrl = "http://" + host + ":" + http.port() + "/";

        Credentials executorCredentials = secret.executorCredentials(UserGroupInformation.getCurrentUser().getCredentials());
        // no job of their own: executors localize each job on its first task there
        ContainerResources executorResources = new ContainerResources().addTuskJars(conf, staging).addJobConf(conf, staging);
        Map<String, String> environment = new HashMap<>();
        environment.put(YarnSettings.ENV_MASTER_ADDRESS, host + ":" + backend.address().getPort());
        // before clients can find the master
        serve(new TuskClientProtocol(conf, tusk));
        ExecutorLauncher executors = new ExecutorLauncher(conf, backend, executorResources, environment, executorCredentials, reason -> fatal = reason);
        executors.register(host, server.getListenerAddress().getPort(), trackingUrl);
        long idleMillis = conf.getLong(YarnSettings.SESSION_IDLE_TIMEOUT, 600_000);
        LOG.info("Master of session {} at {} (client RPC {}), executors of {} cores and {} MB; it ends after {} s without a job", session, trackingUrl,
                server.getListenerAddress(), executors.cores(), executors.executorMb(), idleMillis / 1000);

        Thread killOnExit = new Thread(() -> {
            killed = true;
            synchronized (this) {
                ending = true;
            }
            for (String id : List.copyOf(running.keySet())) {
                LOG.warn("The session's master is stopped while {} runs; killing it so that it leaves no output", id);
                served().killJob(JobID.forName(id));
            }
            long until = System.currentTimeMillis() + 8_000;
            while (!running.isEmpty() && System.currentTimeMillis() < until) {
                endJobs();
                sleep(50);
            }
        }, "tusk-session-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);

        while (fatal == null && !endIfIdle(idleMillis)) {
            endJobs();
            sleep(100);
        }
        if (killed) {
            // the kill hook ends the jobs and the JVM; reporting an end here would say SUCCEEDED
            while (true) {
                sleep(1000);
            }
        }
        if (fatal != null) {
            LOG.error("The session cannot go on: {}", fatal);
            for (String id : List.copyOf(running.keySet())) {
                served().killJob(JobID.forName(id));
            }
            long until = System.currentTimeMillis() + 30_000;
            while (!running.isEmpty() && System.currentTimeMillis() < until) {
                endJobs();
                sleep(100);
            }
        }
        else {
            LOG.info("Session {} ends: no job for {} s", session, idleMillis / 1000);
        }
        backend.close();
        tusk.close();
        executors.awaitExecutorsEnded(EXECUTOR_END_WAIT_MILLIS);
        JobHistoryRecorder.awaitWrites(HISTORY_WAIT_MILLIS);
        try {
            staging.getFileSystem(conf).delete(staging, true);
        }
        catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", staging, e.toString());
        }
        executors.unregister(fatal == null ? FinalApplicationStatus.SUCCEEDED : FinalApplicationStatus.FAILED, fatal, trackingUrl);
        server.stop();
        http.close();
        Runtime.getRuntime().removeShutdownHook(killOnExit);
        return 0;
    }

    /** Whether no job has run for {@code idleMillis}; if so, the master takes no more. */
    private synchronized boolean endIfIdle(long idleMillis)
    {
        if (running.isEmpty() && System.currentTimeMillis() - lastActive >= idleMillis) {
            ending = true;
        }
        return ending;
    }

    private synchronized void active()
    {
        lastActive = System.currentTimeMillis();
    }

    private static void sleep(long millis)
    {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For each job that has ended since the last call: its final state beside its submit directory
     * (for clients that ask once the session is gone), and its localized jar and libraries released.
     */
    private void endJobs()
    {
        for (Map.Entry<String, Path> job : List.copyOf(running.entrySet())) {
            JobID id = JobID.forName(job.getKey());
            JobStatus status = served().getJobStatus(id);
            if (status == null || !status.isJobComplete()) {
                continue;
            }
            try {
                finalState(served(), id, SentJobStatus.copyOf(status)).write(conf, FinalState.path(job.getValue(), id));
            }
            catch (IOException e) {
                LOG.warn("Cannot write the final state of {}", id, e);
            }
            MasterJobs.ended(id.toString());
            running.remove(job.getKey());
            active();
        }
    }

    // MasterProtocol, for clients

    @Override
    String describe()
    {
        return "The master of session " + session;
    }

    /** The caller of an RPC is the session's user; else an exception. */
    private void checkCaller()
            throws IOException
    {
        UserGroupInformation caller = org.apache.hadoop.ipc.Server.getRemoteUser();
        if (caller != null && !caller.getShortUserName().equals(owner.getShortUserName())) {
            throw new org.apache.hadoop.security.AccessControlException(
                    "Session " + session + " runs the jobs of " + owner.getShortUserName() + ", not of " + caller.getShortUserName());
        }
    }

    @Override
    public void submitJob(JobID jobId, String submitDir, Credentials credentials)
            throws IOException
    {
        checkCaller();
        TuskClientProtocol local = jobs();
        Path dir = new Path(submitDir);
        synchronized (this) {
            if (fatal != null || ending) {
                throw new io.tusk.yarn.SessionEndingException("Session " + session + " takes no more jobs: " + (fatal != null ? fatal : "it is ending"));
            }
            if (!submitted.add(jobId.toString())) {
                throw new IOException("Session " + session + " was given " + jobId + " already");
            }
            running.put(jobId.toString(), dir);
            lastActive = System.currentTimeMillis();
        }
        try {
            // as the session's user with its tokens and the job's, not as the RPC's caller (who has none)
            // the job's own (a client in a YARN container has its master's token in them), its tokens for services the session lacks
            Credentials jobCredentials = io.tusk.mr.job.JobCredentials.of(credentials);
            io.tusk.mr.job.JobCredentials.addNewTokens(owner, jobCredentials);
            owner.doAs((java.security.PrivilegedExceptionAction<Void>) () -> {
                submit(local, jobId, dir, jobCredentials);
                return null;
            });
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.remove(jobId.toString());
            throw new java.io.InterruptedIOException("Interrupted while submitting " + jobId);
        }
    }

    private void submit(TuskClientProtocol local, JobID jobId, Path dir, Credentials credentials)
            throws IOException
    {
        String submitDir = dir.toString();
        // the job's own settings (a Path resource would be read from the local disk: read job.xml from its file system)
        JobConf job = new JobConf();
        try (java.io.InputStream in = dir.getFileSystem(conf).open(new Path(dir, "job.xml"))) {
            job.addResource(in, "job.xml");
            job.size();
        }
        catch (IOException e) {
            running.remove(jobId.toString());
            throw e;
        }
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try {
            // the job's jar and libraries, for its classes here (its committer, formats, splits)
            thread.setContextClassLoader(MasterJobs.localize(jobId.toString(), job, jobsDirectory));
            // submitted with the job's settings, the status answered with the others'
            new TuskClientProtocol(job, local.engine()).submitJob(jobId, submitDir, credentials);
        }
        catch (IOException | RuntimeException e) {
            running.remove(jobId.toString());
            MasterJobs.ended(jobId.toString());
            throw e;
        }
        finally {
            thread.setContextClassLoader(before);
        }
        LOG.info("Session {} runs {} ({})", session, jobId, job.getJobName());
    }

    @Override
    public void killJob(JobID id)
            throws IOException
    {
        checkCaller();
        super.killJob(id);
    }
}
