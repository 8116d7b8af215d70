package io.tusk.yarn.client;

import io.tusk.yarn.ContainerResources;
import io.tusk.yarn.FinalState;
import io.tusk.yarn.JavaCommand;
import io.tusk.yarn.MasterProtocol;
import io.tusk.yarn.YarnSettings;
import io.tusk.yarn.master.ApplicationMaster;
import io.tusk.yarn.net.AppSecret;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.ipc.ProtocolSignature;
import org.apache.hadoop.ipc.RPC;
import org.apache.hadoop.ipc.WritableRpcEngine;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Cluster;
import org.apache.hadoop.mapreduce.ClusterMetrics;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobPriority;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.MRJobConfig;
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
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Hadoop's client protocol for {@code mapreduce.framework.name=tusk-yarn}: each job becomes one YARN
 * application (its id is the job's id, as with MapReduce on YARN) whose master runs the job on
 * Tusk. Status, counters, reports and events come from the master while it runs; once it is gone,
 * from the final state it left beside the submit directory, else from YARN's report of the
 * application. Thread-safe.
 */
final class TuskYarnClientProtocol
        implements ClientProtocol
{
    private static final Logger LOG = LogManager.getLogger(TuskYarnClientProtocol.class);

    private final Configuration conf;
    private final YarnClient yarn;
    private final Map<String, YarnClientApplication> created = new ConcurrentHashMap<>();
    private final Map<String, Submitted> submitted = new ConcurrentHashMap<>();

    /** What the client knows of a job it submitted. */
    private static final class Submitted
    {
        final ApplicationId application;
        final Path submitDir;
        final String jobName;
        final String user;
        /** The application is a named session's, which runs other jobs too. */
        final boolean session;
        volatile MasterProtocol master;
        volatile FinalState finalState;
        volatile JobStatus lastStatus;

        Submitted(ApplicationId application, Path submitDir, String jobName, String user, boolean session)
        {
            this.application = application;
            this.submitDir = submitDir;
            this.jobName = jobName;
            this.user = user;
            this.session = session;
        }
    }

    TuskYarnClientProtocol(Configuration conf)
    {
        this.conf = requireNonNull(conf, "conf is null");
        this.yarn = YarnClient.createYarnClient();
        yarn.init(conf);
        yarn.start();
    }

    void close()
    {
        for (Submitted job : submitted.values()) {
            MasterProtocol master = job.master;
            if (master != null) {
                RPC.stopProxy(master);
            }
        }
        yarn.stop();
    }

    @Override
    public JobID getNewJobID()
            throws IOException
    {
        try {
            YarnClientApplication application = yarn.createApplication();
            ApplicationId id = application.getNewApplicationResponse().getApplicationId();
            JobID jobId = new JobID(Long.toString(id.getClusterTimestamp()), id.getId());
            created.put(jobId.toString(), application);
            return jobId;
        }
        catch (YarnException e) {
            throw new IOException("YARN refused a new application: " + e.getMessage(), e);
        }
    }

    @Override
    public JobStatus submitJob(JobID jobId, String jobSubmitDir, Credentials credentials)
            throws IOException
    {
        YarnClientApplication application = created.remove(jobId.toString());
        if (application == null) {
            throw new IOException("Job " + jobId + " was not created by this client");
        }
        Path submitDir = new Path(jobSubmitDir);
        FileSystem fs = submitDir.getFileSystem(conf);
        submitDir = fs.makeQualified(submitDir);
        // a Path resource would be read from the local disk: read job.xml from its file system
        JobConf job = new JobConf(false);
        try (java.io.InputStream in = fs.open(new Path(submitDir, "job.xml"))) {
            job.addResource(in, "job.xml");
            job.size();
        }
        String session = YarnSettings.sessionName(conf);
        if (!session.isEmpty()) {
            return submitToSession(session, jobId, submitDir, job, credentials);
        }
        Map<String, Path> jars = JarCache.upload(conf, JarCache.classpath(conf));
        ContainerResources.writeJarList(fs, submitDir, jars);
        ContainerResources resources = new ContainerResources().addTuskJars(job, submitDir).addJobConf(job, submitDir).addJobJar(job);

        Map<String, String> environment = new HashMap<>();
        environment.put(YarnSettings.ENV_JOB_ID, jobId.toString());
        environment.put(YarnSettings.ENV_SUBMIT_DIR, submitDir.toString());
        int amMb = job.getInt(MRJobConfig.MR_AM_VMEM_MB, MRJobConfig.DEFAULT_MR_AM_VMEM_MB);
        int amVcores = job.getInt(MRJobConfig.MR_AM_CPU_VCORES, MRJobConfig.DEFAULT_MR_AM_CPU_VCORES);
        ContainerLaunchContext master = masterContainer(job, amMb, resources, environment, credentials, ApplicationMaster.class);

        ApplicationSubmissionContext context = application.getApplicationSubmissionContext();
        ApplicationId id = context.getApplicationId();
        describe(context, job, job.getJobName());
        context.setResource(Resource.newInstance(amMb, amVcores));
        context.setAMContainerSpec(master);
        context.setMaxAppAttempts(job.getInt(MRJobConfig.MR_AM_MAX_ATTEMPTS, MRJobConfig.DEFAULT_MR_AM_MAX_ATTEMPTS));
        try {
            yarn.submitApplication(context);
        }
        catch (YarnException e) {
            throw new IOException("YARN refused " + jobId + ": " + e.getMessage(), e);
        }
        String user = UserGroupInformation.getCurrentUser().getShortUserName();
        Submitted state = new Submitted(id, submitDir, job.getJobName(), user, false);
        submitted.put(jobId.toString(), state);
        LOG.info("Submitted {} as YARN application {} (master {} MB, {} vcores, queue {})", jobId, id, amMb, amVcores, context.getQueue());
        return preparing(jobId, state, "");
    }

    /**
     * Runs the job in the named session's application: the oldest of the user's that has not ended,
     * else one started now with this job's settings (less its own, as {@link MapReduceSession} takes
     * them). A session that is ending when the job reaches it passes the job on to the next, or to a
     * new one; any other refusal is the job's.
     */
    private JobStatus submitToSession(String session, JobID jobId, Path submitDir, JobConf job, Credentials credentials)
            throws IOException
    {
        String user = UserGroupInformation.getCurrentUser().getShortUserName();
        Set<ApplicationId> ending = new HashSet<>();
        Submitted state;
        while (true) {
            ApplicationId application = findSession(session, user, ending);
            if (application == null) {
                application = startSession(session, submitDir, job, credentials);
            }
            state = new Submitted(application, submitDir, job.getJobName(), user, true);
            try {
                sessionMaster(session, state).submitJob(jobId, submitDir.toString(), credentials);
                break;
            }
            catch (IOException e) {
                stopMaster(state);
                IOException cause = e instanceof org.apache.hadoop.ipc.RemoteException remote
                        ? remote.unwrapRemoteException(io.tusk.yarn.SessionEndingException.class)
                        : e;
                // a session of an older Tusk speaks another version of the protocol: as one that ends, the job goes to another
                boolean older = e instanceof org.apache.hadoop.ipc.RemoteException remote
                        && remote.getClassName().equals(org.apache.hadoop.ipc.RPC.VersionMismatch.class.getName());
                if (!(cause instanceof io.tusk.yarn.SessionEndingException || older) || ending.size() >= 3) {
                    throw cause;
                }
                LOG.info("Session {} ({}) is {}: {} goes to another", session, application, older ? "of another Tusk version" : "ending", jobId);
                ending.add(application);
            }
        }
        submitted.put(jobId.toString(), state);
        LOG.info("Submitted {} to session {} (YARN application {}): the session's executors run it", jobId, session, state.application);
        return preparing(jobId, state, "");
    }

    private static void stopMaster(Submitted job)
    {
        MasterProtocol master = job.master;
        job.master = null;
        if (master != null) {
            RPC.stopProxy(master);
        }
    }

    /** The tag of session {@code name}'s application (YARN keeps tags in lower case). */
    static String sessionTag(String name)
    {
        return "tusk-session:" + name.toLowerCase(java.util.Locale.ROOT);
    }

    /** The oldest application of session {@code name} of {@code user} that has not ended, but those {@code ending}; or null. */
    private ApplicationId findSession(String name, String user, Set<ApplicationId> ending)
            throws IOException
    {
        try {
            return yarn.getApplications(Set.of("TUSK"), java.util.EnumSet.of(YarnApplicationState.NEW, YarnApplicationState.NEW_SAVING,
                            YarnApplicationState.SUBMITTED, YarnApplicationState.ACCEPTED, YarnApplicationState.RUNNING), Set.of(sessionTag(name))).stream()
                    .filter(report -> user.equals(report.getUser()))
                    .map(ApplicationReport::getApplicationId)
                    .filter(id -> !ending.contains(id))
                    .min(java.util.Comparator.naturalOrder())
                    .orElse(null);
        }
        catch (YarnException e) {
            throw new IOException("Cannot list YARN's applications of session " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts session {@code name}'s application: its master (in a container, with the job's master
     * size) reads the settings and Tusk's jars from a staging directory of its own beside the job's.
     */
    private ApplicationId startSession(String name, Path submitDir, JobConf job, Credentials credentials)
            throws IOException
    {
        YarnClientApplication application;
        try {
            application = yarn.createApplication();
        }
        catch (YarnException e) {
            throw new IOException("YARN refused a new application: " + e.getMessage(), e);
        }
        ApplicationSubmissionContext context = application.getApplicationSubmissionContext();
        ApplicationId id = context.getApplicationId();
        FileSystem fs = submitDir.getFileSystem(conf);
        Path staging = new Path(submitDir.getParent(), "tusk-session-" + id);
        fs.mkdirs(staging, new org.apache.hadoop.fs.permission.FsPermission((short) 0700));
        Configuration settings = MapReduceSession.applicationConf(job);
        try (java.io.OutputStream out = fs.create(new Path(staging, YarnSettings.JOB_CONF))) {
            settings.writeXml(out);
        }
        ContainerResources.writeJarList(fs, staging, JarCache.upload(conf, JarCache.classpath(conf)));
        ContainerResources resources = new ContainerResources().addTuskJars(settings, staging).addJobConf(settings, staging);
        Map<String, String> environment = new HashMap<>();
        environment.put(YarnSettings.ENV_SESSION, name);
        environment.put(YarnSettings.ENV_SUBMIT_DIR, staging.toString());
        int amMb = job.getInt(MRJobConfig.MR_AM_VMEM_MB, MRJobConfig.DEFAULT_MR_AM_VMEM_MB);
        int amVcores = job.getInt(MRJobConfig.MR_AM_CPU_VCORES, MRJobConfig.DEFAULT_MR_AM_CPU_VCORES);
        ContainerLaunchContext master = masterContainer(job, amMb, resources, environment, credentials, io.tusk.yarn.master.SessionMaster.class);
        describe(context, job, "Tusk session " + name);
        Set<String> tags = new HashSet<>(context.getApplicationTags() == null ? Set.of() : context.getApplicationTags());
        tags.add(sessionTag(name));
        context.setApplicationTags(tags);
        context.setResource(Resource.newInstance(amMb, amVcores));
        context.setAMContainerSpec(master);
        // a master that dies ends the session: its jobs' clients hear it, the next job starts another
        context.setMaxAppAttempts(1);
        try {
            yarn.submitApplication(context);
        }
        catch (YarnException e) {
            throw new IOException("YARN refused session " + name + ": " + e.getMessage(), e);
        }
        LOG.info("Started session {} as YARN application {} (master {} MB, {} vcores, queue {}); it ends {} s after its last job", name, id, amMb, amVcores,
                context.getQueue(), settings.getLong(YarnSettings.SESSION_IDLE_TIMEOUT, 600_000) / 1000);
        return id;
    }

    /** The session's master, once it runs; waits for it up to {@value YarnSettings#LAUNCH_TIMEOUT}. */
    private MasterProtocol sessionMaster(String name, Submitted session)
            throws IOException
    {
        long until = System.currentTimeMillis() + conf.getLong(YarnSettings.LAUNCH_TIMEOUT, 120_000);
        while (true) {
            MasterProtocol master = master(session);
            if (master != null) {
                return master;
            }
            YarnApplicationState state = report(session).getYarnApplicationState();
            if (state == YarnApplicationState.FINISHED || state == YarnApplicationState.FAILED || state == YarnApplicationState.KILLED) {
                throw new IOException("Session " + name + " (" + session.application + ") ended " + state + ": " + report(session).getDiagnostics());
            }
            if (System.currentTimeMillis() > until) {
                throw new IOException("Session " + name + " (" + session.application + ") did not start within " + YarnSettings.LAUNCH_TIMEOUT + " ms; it is "
                        + state);
            }
            try {
                Thread.sleep(200);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("Interrupted while waiting for session " + name);
            }
        }
    }

    /** The container of a master ({@code mainClass}) of {@code amMb} MB: its files, environment, command and tokens (the client's and a new application secret). */
    private static ContainerLaunchContext masterContainer(JobConf job, int amMb, ContainerResources resources, Map<String, String> environment,
            Credentials credentials, Class<?> mainClass)
            throws IOException
    {
        String amOpts = (job.get(MRJobConfig.MR_AM_COMMAND_OPTS, "") + " " + job.get(YarnSettings.AM_JAVA_OPTS, "")).replace("-Xmx1024m", "").trim();
        Credentials amCredentials = new Credentials(credentials);
        AppSecret.generate().addTo(amCredentials);
        DataOutputBuffer tokens = new DataOutputBuffer();
        amCredentials.writeTokenStorageToStream(tokens);
        return ContainerLaunchContext.newInstance(resources.resources(), environment,
                JavaCommand.of(JavaCommand.Role.MASTER, amMb, amOpts, resources.classpath(), resources.launcher(), mainClass.getName()), null,
                ByteBuffer.wrap(tokens.getData(), 0, tokens.getLength()), null);
    }

    /** Names the application and puts it in the queue, with the tags and priority, that the job's configuration asks for. */
    static void describe(ApplicationSubmissionContext context, Configuration job, String name)
    {
        context.setApplicationName(name);
        context.setApplicationType("TUSK");
        context.setQueue(job.get(MRJobConfig.QUEUE_NAME, "default"));
        Set<String> tags = new HashSet<>(job.getTrimmedStringCollection(MRJobConfig.JOB_TAGS));
        if (!tags.isEmpty()) {
            context.setApplicationTags(tags);
        }
        context.setPriority(Priority.newInstance(priority(job)));
    }

    /** YARN's priority of the job: {@code mapreduce.job.priority} as a name or a number. */
    private static int priority(Configuration job)
    {
        String value = job.get(MRJobConfig.PRIORITY, "DEFAULT").trim();
        try {
            return Integer.parseInt(value);
        }
        catch (NumberFormatException e) {
            return switch (value.toUpperCase(java.util.Locale.ROOT)) {
                case "VERY_HIGH" -> 5;
                case "HIGH" -> 4;
                case "LOW" -> 2;
                case "VERY_LOW" -> 1;
                default -> 3;
            };
        }
    }

    private static JobStatus preparing(JobID jobId, Submitted job, String trackingUrl)
    {
        return new org.apache.hadoop.mapred.JobStatus(org.apache.hadoop.mapred.JobID.downgrade(jobId), 0, 0, 0, 0,
                org.apache.hadoop.mapred.JobStatus.PREP, org.apache.hadoop.mapred.JobPriority.DEFAULT, job.user, job.jobName,
                new Path(job.submitDir, "job.xml").toString(), trackingUrl);
    }

    /** A call to the job's master, or null when the master is not (or no longer) there. */
    private interface Call<T>
    {
        T on(MasterProtocol master)
                throws IOException;
    }

    private <T> T ask(JobID jobId, Call<T> call)
            throws IOException
    {
        Submitted job = submitted.get(jobId.toString());
        if (job == null || job.finalState != null) {
            return null;
        }
        MasterProtocol master = master(job);
        if (master == null) {
            return null;
        }
        try {
            return call.on(master);
        }
        catch (IOException e) {
            LOG.debug("The master of {} did not answer: {}", jobId, e.toString());
            job.master = null;
            RPC.stopProxy(master);
            return null;
        }
    }

    /** The proxy of the job's master once YARN reports where it is. */
    private MasterProtocol master(Submitted job)
            throws IOException
    {
        MasterProtocol master = job.master;
        if (master != null) {
            return master;
        }
        ApplicationReport report = report(job);
        if (report.getYarnApplicationState() != YarnApplicationState.RUNNING || report.getRpcPort() <= 0) {
            return null;
        }
        Configuration rpc = new Configuration(conf);
        rpc.setInt("ipc.client.connect.max.retries", 1);
        rpc.setInt("ipc.client.connect.max.retries.on.timeouts", 1);
        rpc.setInt("ipc.client.connect.retry.interval", 200);
        RPC.setProtocolEngine(rpc, MasterProtocol.class, WritableRpcEngine.class);
        master = RPC.getProxy(MasterProtocol.class, MasterProtocol.versionID, new InetSocketAddress(report.getHost(), report.getRpcPort()), rpc);
        job.master = master;
        return master;
    }

    private ApplicationReport report(Submitted job)
            throws IOException
    {
        try {
            return yarn.getApplicationReport(job.application);
        }
        catch (YarnException e) {
            throw new IOException("Cannot get YARN's report of " + job.application + ": " + e.getMessage(), e);
        }
    }

    /**
     * The final state the master left, once YARN says the application ended; else one made from
     * YARN's report (the master died before it could write it).
     */
    private FinalState finalState(JobID jobId, Submitted job)
            throws IOException
    {
        if (job.finalState != null) {
            return job.finalState;
        }
        ApplicationReport report = report(job);
        YarnApplicationState state = report.getYarnApplicationState();
        Path path = FinalState.path(job.submitDir, jobId);
        FileSystem fs = path.getFileSystem(conf);
        boolean ended = state == YarnApplicationState.FINISHED || state == YarnApplicationState.FAILED || state == YarnApplicationState.KILLED;
        // a session's master writes each job's final state at its end and goes on
        if (!ended && !(job.session && fs.exists(path))) {
            return null;
        }
        FinalState finalState;
        if (fs.exists(path)) {
            finalState = FinalState.read(conf, path);
            fs.delete(path, false);
        }
        else {
            int runState = state == YarnApplicationState.KILLED || report.getFinalApplicationStatus() == FinalApplicationStatus.KILLED
                    ? org.apache.hadoop.mapred.JobStatus.KILLED
                    : report.getFinalApplicationStatus() == FinalApplicationStatus.SUCCEEDED ? org.apache.hadoop.mapred.JobStatus.SUCCEEDED
                    : org.apache.hadoop.mapred.JobStatus.FAILED;
            org.apache.hadoop.mapred.JobStatus status = new org.apache.hadoop.mapred.JobStatus(org.apache.hadoop.mapred.JobID.downgrade(jobId), 1, 1, 1, 1,
                    runState, org.apache.hadoop.mapred.JobPriority.DEFAULT, job.user, job.jobName, new Path(job.submitDir, "job.xml").toString(),
                    report.getTrackingUrl());
            status.setFailureInfo("Application " + job.application + " ended " + state + ": " + report.getDiagnostics());
            finalState = new FinalState(status, new Counters(), new TaskCompletionEvent[0], Map.of());
        }
        job.finalState = finalState;
        return finalState;
    }

    @Override
    public JobStatus getJobStatus(JobID jobId)
            throws IOException
    {
        Submitted job = submitted.get(jobId.toString());
        if (job == null) {
            return null;
        }
        JobStatus status = ask(jobId, master -> master.getJobStatus(jobId));
        if (status != null) {
            job.lastStatus = status;
            return status;
        }
        FinalState finalState = finalState(jobId, job);
        if (finalState != null) {
            return finalState.status();
        }
        return job.lastStatus != null ? job.lastStatus : preparing(jobId, job, report(job).getTrackingUrl());
    }

    @Override
    public Counters getJobCounters(JobID jobId)
            throws IOException
    {
        Counters counters = ask(jobId, master -> master.getJobCounters(jobId));
        if (counters != null) {
            return counters;
        }
        Submitted job = submitted.get(jobId.toString());
        FinalState finalState = job == null ? null : finalState(jobId, job);
        return finalState == null ? new Counters() : finalState.counters();
    }

    @Override
    public TaskReport[] getTaskReports(JobID jobId, TaskType type)
            throws IOException
    {
        TaskReport[] reports = ask(jobId, master -> master.getTaskReports(jobId, type));
        return reports == null ? new TaskReport[0] : reports;
    }

    @Override
    public TaskCompletionEvent[] getTaskCompletionEvents(JobID jobId, int fromEventId, int maxEvents)
            throws IOException
    {
        TaskCompletionEvent[] events = ask(jobId, master -> master.getTaskCompletionEvents(jobId, fromEventId, maxEvents));
        if (events != null) {
            return events;
        }
        Submitted job = submitted.get(jobId.toString());
        FinalState finalState = job == null ? null : finalState(jobId, job);
        if (finalState == null || fromEventId >= finalState.events().length) {
            return TaskCompletionEvent.EMPTY_ARRAY;
        }
        return java.util.Arrays.copyOfRange(finalState.events(), fromEventId, Math.min(finalState.events().length, fromEventId + maxEvents));
    }

    @Override
    public String[] getTaskDiagnostics(TaskAttemptID attemptId)
            throws IOException
    {
        JobID jobId = attemptId.getJobID();
        String[] diagnostics = ask(jobId, master -> master.getTaskDiagnostics(attemptId));
        if (diagnostics != null) {
            return diagnostics;
        }
        Submitted job = submitted.get(jobId.toString());
        FinalState finalState = job == null ? null : finalState(jobId, job);
        String text = finalState == null ? null : finalState.diagnostics().get(attemptId.toString());
        return text == null ? new String[0] : new String[] {text};
    }

    @Override
    public void killJob(JobID jobId)
            throws IOException
    {
        Submitted job = submitted.get(jobId.toString());
        if (job == null) {
            return;
        }
        Boolean asked = ask(jobId, master -> {
            master.killJob(jobId);
            return true;
        });
        if (asked == null && job.session) {
            if (finalState(jobId, job) != null) {
                return;
            }
            throw new IOException("The master of session application " + job.application + " does not answer; " + jobId + " cannot be killed now");
        }
        if (asked == null) {
            try {
                yarn.killApplication(job.application);
            }
            catch (YarnException e) {
                throw new IOException("Cannot kill " + job.application + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void setJobPriority(JobID jobId, String priority)
            throws IOException
    {
        Submitted job = submitted.get(jobId.toString());
        if (job == null) {
            throw new IOException("Unknown job " + jobId);
        }
        if (job.session) {
            throw new IOException(jobId + " runs in session application " + job.application + ", whose priority is its other jobs' too");
        }
        try {
            JobConf holder = new JobConf(false);
            holder.set(MRJobConfig.PRIORITY, priority);
            yarn.updateApplicationPriority(job.application, Priority.newInstance(priority(holder)));
        }
        catch (YarnException e) {
            throw new IOException("YARN refused the priority of " + job.application + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean killTask(TaskAttemptID taskId, boolean shouldFail)
    {
        throw new UnsupportedOperationException("Killing single tasks is not supported by Tusk; kill the job instead");
    }

    @Override
    public ClusterMetrics getClusterMetrics()
            throws IOException
    {
        try {
            int nodes = yarn.getYarnClusterMetrics().getNumNodeManagers();
            return new ClusterMetrics(0, 0, 0, 0, 0, 0, nodes, nodes, submitted.size(), nodes, 0, 0);
        }
        catch (YarnException e) {
            throw new IOException(e);
        }
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
    public String getFilesystemName()
            throws IOException
    {
        return FileSystem.get(conf).getUri().toString();
    }

    @Override
    public JobStatus[] getAllJobs()
            throws IOException
    {
        java.util.List<JobStatus> statuses = new java.util.ArrayList<>();
        for (String id : submitted.keySet()) {
            statuses.add(getJobStatus(JobID.forName(id)));
        }
        return statuses.toArray(new JobStatus[0]);
    }

    @Override
    public TaskTrackerInfo[] getActiveTrackers()
    {
        return new TaskTrackerInfo[0];
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
        return FileSystem.get(conf).makeQualified(new Path(conf.get("mapreduce.jobtracker.system.dir", "/tmp/hadoop/mapred/system"))).toString();
    }

    @Override
    public String getStagingAreaDir()
            throws IOException
    {
        String user = UserGroupInformation.getCurrentUser().getShortUserName();
        Path staging = new Path(conf.get(MRJobConfig.MR_AM_STAGING_DIR, MRJobConfig.DEFAULT_MR_AM_STAGING_DIR), user + "/" + ".staging");
        return FileSystem.get(conf).makeQualified(staging).toString();
    }

    @Override
    public String getJobHistoryDir()
    {
        return null;
    }

    @Override
    public QueueInfo[] getQueues()
    {
        return new QueueInfo[] {queue(conf.get(MRJobConfig.QUEUE_NAME, "default"))};
    }

    @Override
    public QueueInfo getQueue(String queueName)
    {
        return queue(queueName);
    }

    private static QueueInfo queue(String name)
    {
        return new QueueInfo(name, "YARN queue " + name, QueueState.RUNNING, new JobStatus[0]);
    }

    @Override
    public QueueAclsInfo[] getQueueAclsForCurrentUser()
    {
        return new QueueAclsInfo[0];
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
        throw new UnsupportedOperationException("Tusk's task logs are in the YARN logs of the application's executors: yarn logs -applicationId <id>");
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
