package io.tusk.yarn.client;

import io.tusk.engine.TuskConfig;
import io.tusk.engine.scheduler.Backend;
import io.tusk.engine.scheduler.TaskLaunch;
import io.tusk.engine.scheduler.TaskListener;
import io.tusk.yarn.ContainerResources;
import io.tusk.yarn.YarnSettings;
import io.tusk.yarn.master.ExecutorLauncher;
import io.tusk.yarn.master.StatusServer;
import io.tusk.yarn.master.YarnBackend;
import io.tusk.yarn.net.AppSecret;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.YarnApplicationAttemptState;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.ClientRMProxy;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.security.AMRMTokenIdentifier;
import org.apache.hadoop.yarn.util.RackResolver;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.PrivilegedExceptionAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The YARN application of a dataset-API context: the driver (the user's process) registers as the
 * application's unmanaged master, so its scheduler places tasks on executors in containers that it
 * asks YARN for, next to their data. The application lives as long as the context: closing the
 * context ends it, gives every container back and deletes its staging directory; a driver that
 * exits without closing it ends it too (failed).
 */
final class DriverApplication
        implements Backend
{
    private static final Logger LOG = LogManager.getLogger(DriverApplication.class);
    private static final long EXECUTOR_END_WAIT_MILLIS = 5_000;
    /** How long the process's exit waits for the MapReduce jobs it cuts to abort their output. */
    private static final java.time.Duration EXIT_JOB_KILL_WAIT = java.time.Duration.ofSeconds(10);

    private final ApplicationId application;
    private final YarnClient yarn;
    private final YarnBackend backend;
    private final ExecutorLauncher executors;
    private final FileSystem fs;
    private final Path staging;
    private final StatusServer status;
    private final Thread exitHook;
    private boolean closed;

    private DriverApplication(ApplicationId application, YarnClient yarn, YarnBackend backend, ExecutorLauncher executors, FileSystem fs, Path staging,
            StatusServer status, boolean exitSucceeds)
    {
        this.status = status;
        this.application = application;
        this.yarn = yarn;
        this.backend = backend;
        this.executors = executors;
        this.fs = fs;
        this.staging = staging;
        // a MapReduce session ends with its driver (failed if it exits while a job runs); a dataset program closes its context
        this.exitHook = new Thread(() -> {
            int running = 0;
            try {
                // jobs cut by the exit abort their output first, as killed jobs
                running = io.tusk.mr.TuskClientProtocol.killClusterJobs(EXIT_JOB_KILL_WAIT);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (exitSucceeds && running == 0) {
                end(FinalApplicationStatus.SUCCEEDED, "");
            }
            else {
                end(FinalApplicationStatus.FAILED, exitSucceeds ? "the driver exited while " + running + " of its MapReduce jobs ran; they were killed"
                        : "the driver exited without closing its Tusk context");
            }
        }, "tusk-driver-exit");
    }

    static DriverApplication start(Configuration conf, TuskConfig config)
            throws IOException, YarnException, InterruptedException
    {
        RackResolver.init(conf);
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(conf);
        yarn.start();
        Path staging = null;
        FileSystem fs = null;
        YarnBackend backend = null;
        StatusServer status = null;
        try {
            YarnClientApplication created = yarn.createApplication();
            ApplicationSubmissionContext context = created.getApplicationSubmissionContext();
            ApplicationId id = context.getApplicationId();

            // what executors need: Tusk's and the program's jars (the driver's class path, uploaded once per content) and the configuration
            fs = FileSystem.get(conf);
            staging = fs.makeQualified(new Path(conf.get(YarnSettings.STAGING_DIR, fs.getHomeDirectory() + "/.tusk/staging"), id.toString()));
            fs.mkdirs(staging, new FsPermission((short) 0700));
            try (OutputStream out = fs.create(new Path(staging, YarnSettings.JOB_CONF))) {
                conf.writeXml(out);
            }
            ContainerResources.writeJarList(fs, staging, JarCache.upload(conf, JarCache.classpath(conf)));
            ContainerResources resources = new ContainerResources().addTuskJars(conf, staging).addJobConf(conf, staging);

            TuskYarnClientProtocol.describe(context, conf, conf.get(YarnSettings.APP_NAME, "Tusk"));
            context.setUnmanagedAM(true);
            context.setAMContainerSpec(ContainerLaunchContext.newInstance(Map.of(), Map.of(), List.of(), null, null, null));
            context.setResource(Resource.newInstance(conf.getInt("yarn.scheduler.minimum-allocation-mb", 1024), 1));
            context.setMaxAppAttempts(1);
            yarn.submitApplication(context);
            waitForLaunch(yarn, id, conf.getLong(YarnSettings.LAUNCH_TIMEOUT, 120_000));

            // the driver acts as the master with the application's token
            Token<AMRMTokenIdentifier> token = yarn.getAMRMToken(id);
            token.setService(ClientRMProxy.getAMRMTokenService(conf));
            UserGroupInformation user = UserGroupInformation.getCurrentUser();
            UserGroupInformation master = UserGroupInformation.createRemoteUser(user.getShortUserName());
            master.addCredentials(user.getCredentials());
            master.addToken(token);

            AppSecret secret = AppSecret.generate();
            String host = conf.get(YarnSettings.DRIVER_HOST, InetAddress.getLocalHost().getCanonicalHostName());
            ClassLoader programClasses = Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader()
                    : DriverApplication.class.getClassLoader();
            backend = new YarnBackend(secret, InetAddress.getByName(host), YarnBackend.rackResolver(), conf.getLong(YarnSettings.LOCALITY_WAIT, 3000),
                    conf.getLong(YarnSettings.EXECUTOR_IDLE_TIMEOUT, 600_000), config.cancelGraceMillis(), () -> programClasses);
            Map<String, String> environment = new HashMap<>();
            environment.put(YarnSettings.ENV_MASTER_ADDRESS, host + ":" + backend.address().getPort());
            Credentials credentials = executorCredentials(conf, user, secret);
            YarnBackend executorsBackend = backend;
            Consumer<String> fatal = reason -> {
                LOG.error("Application {} cannot run tasks: {}", id, reason);
                executorsBackend.abort(reason);
            };
            status = new StatusServer(host, () -> String.format("Tusk dataset application %s%nexecutors: %d (%d cores)%n", id, executorsBackend.executorCount(),
                    executorsBackend.executorCount() == 0 ? 0 : executorsBackend.parallelism()));
            String trackingUrl = status.url();
            ExecutorLauncher executors = master.doAs((PrivilegedExceptionAction<ExecutorLauncher>) () -> {
                ExecutorLauncher launcher = new ExecutorLauncher(conf, executorsBackend, resources, environment, credentials, fatal);
                launcher.register(host, -1, trackingUrl);
                return launcher;
            });
            DriverApplication driver = new DriverApplication(id, yarn, backend, executors, fs, staging, status, conf.getBoolean(YarnSettings.EXIT_SUCCEEDS, false));
            // before Hadoop closes its cached file systems at exit: the hook deletes the staging directory
            org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(driver.exitHook, FileSystem.SHUTDOWN_HOOK_PRIORITY + 10);
            LOG.info("Tusk context runs as YARN application {} (queue {}); executors of {} cores and {} MB connect to {}", id, context.getQueue(),
                    executors.cores(), executors.executorMb(), environment.get(YarnSettings.ENV_MASTER_ADDRESS));
            return driver;
        }
        catch (IOException | YarnException | InterruptedException | RuntimeException e) {
            if (backend != null) {
                backend.close();
            }
            if (status != null) {
                status.close();
            }
            if (staging != null) {
                fs.delete(staging, true);
            }
            yarn.stop();
            throw e;
        }
    }

    /** Waits until YARN has accepted the application and its (unmanaged) attempt may register. */
    private static ApplicationAttemptId waitForLaunch(YarnClient yarn, ApplicationId id, long timeoutMillis)
            throws IOException, YarnException, InterruptedException
    {
        long until = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            ApplicationReport report = yarn.getApplicationReport(id);
            YarnApplicationState state = report.getYarnApplicationState();
            if (state == YarnApplicationState.FINISHED || state == YarnApplicationState.FAILED || state == YarnApplicationState.KILLED) {
                throw new IOException("YARN ended application " + id + " before it started (" + state + "): " + report.getDiagnostics());
            }
            ApplicationAttemptId attempt = report.getCurrentApplicationAttemptId();
            if (attempt != null && yarn.getApplicationAttemptReport(attempt).getYarnApplicationAttemptState() == YarnApplicationAttemptState.LAUNCHED) {
                return attempt;
            }
            if (System.currentTimeMillis() > until) {
                yarn.killApplication(id);
                throw new IOException("YARN did not start application " + id + " within " + timeoutMillis + " ms (" + state + ": "
                        + report.getDiagnostics() + "); is the queue full? (" + YarnSettings.LAUNCH_TIMEOUT + ")");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** The executors' tokens: the user's (with file system delegation tokens on a secure cluster) and the application's secret. */
    private static Credentials executorCredentials(Configuration conf, UserGroupInformation user, AppSecret secret)
            throws IOException
    {
        Credentials credentials = secret.executorCredentials(user.getCredentials());
        if (UserGroupInformation.isSecurityEnabled()) {
            String renewer = conf.get("yarn.resourcemanager.principal", user.getShortUserName());
            FileSystem.get(conf).addDelegationTokens(renewer, credentials);
        }
        return credentials;
    }

    /** The application's tracking URL shows the driver's web UI. */
    @Override
    public void showStatus(io.tusk.engine.status.StatusStore jobs)
    {
        status.serve(io.tusk.engine.ui.UiServer.handler(jobs));
    }

    @Override
    public int parallelism()
    {
        return backend.parallelism();
    }

    @Override
    public void launch(TaskLaunch launch, TaskListener listener)
    {
        backend.launch(launch, listener);
    }

    @Override
    public void cancel(int job)
    {
        backend.cancel(job);
    }

    @Override
    public void onExecutorLost(Consumer<String> listener)
    {
        backend.onExecutorLost(listener);
    }

    @Override
    public void unpersist(int datasetId)
    {
        backend.unpersist(datasetId);
    }

    @Override
    public void endWrite(String key, boolean keep)
    {
        backend.endWrite(key, keep);
    }

    @Override
    public java.util.Optional<String> failure()
    {
        return backend.failure();
    }

    @Override
    public void close()
    {
        try {
            org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(exitHook);
        }
        catch (IllegalStateException e) {
            // the JVM is exiting: the hook ends the application
        }
        end(FinalApplicationStatus.SUCCEEDED, "");
    }

    /** Stops the executors, tells YARN how the application ended and deletes its files; once. */
    private void end(FinalApplicationStatus outcome, String diagnostics)
    {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        backend.close();
        try {
            // executors told to stop end on their own (writing their class-data archive) before YARN kills them with the application
            executors.awaitExecutorsEnded(EXECUTOR_END_WAIT_MILLIS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executors.unregister(outcome, diagnostics, status.url());
        status.close();
        try {
            fs.delete(staging, true);
        }
        catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", staging, e.toString());
        }
        yarn.stop();
        if (backend.failure().isPresent()) {
            LOG.info("YARN application {} had ended: {}", application, backend.failure().get());
        }
        else {
            LOG.info("YARN application {} ended {}", application, outcome);
        }
    }
}
