package io.tusk.yarn.executor;

import io.tusk.engine.TuskConfig;
import io.tusk.engine.dataset.Broadcast;
import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.scheduler.Locality;
import io.tusk.engine.scheduler.TaskLaunch;
import io.tusk.engine.scheduler.TaskListener;
import io.tusk.engine.scheduler.TaskPlacement;
import io.tusk.engine.scheduler.TaskRunner;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.serde.Serde;
import io.tusk.engine.shuffle.LocalShuffleService;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.task.AttemptSlots;
import io.tusk.engine.task.ExecutorEnv;
import io.tusk.engine.task.TaskAttemptId;
import io.tusk.io.cache.FileVersion;
import io.tusk.io.cache.PendingOutputs;
import io.tusk.mr.job.JobClassLoaders;
import io.tusk.yarn.YarnSettings;
import io.tusk.yarn.net.AppSecret;
import io.tusk.yarn.net.ControlProtocol;
import io.tusk.yarn.net.Failures;
import io.tusk.yarn.net.Handshake;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An executor: the process in a YARN container that runs the master's task attempts, as many at
 * once as its cores, for as long as the application needs it. It connects to the master's control
 * channel (proving the application's secret), serves its map outputs to other executors, and ends
 * when the master tells it to or the master's connection is gone.
 *
 * <p>Arguments: {@code <executor id> <cores>}; the master's address comes from the environment.
 */
public final class ExecutorMain
{
    private static final Logger LOG = LogManager.getLogger(ExecutorMain.class);
    private static final long HEARTBEAT_MILLIS = 1_000;

    private final String executorId;
    private final String host;
    private final int cores;
    /** The master gives this executor at most one attempt per core; one alone takes every slot. */
    private final AttemptSlots slots;
    private final MasterChannel master;
    private final BlockStore blockStore;
    private final TaskRunner runner;
    private final String location;
    private final Map<Thread, Running> running = new ConcurrentHashMap<>();
    private final io.tusk.engine.task.AttemptWatchdog watchdog = new io.tusk.engine.task.AttemptWatchdog("tusk-attempt-watchdog");
    private final ClassLoader jobClassLoader;
    /** Jobs cancelled here: attempts of them that arrive later do not run. */
    private final java.util.Set<Integer> cancelledJobs = ConcurrentHashMap.newKeySet();

    /** A running attempt; the slots it holds, once it has them, go back when it ends or is given up. */
    private record Running(TaskAttemptId id, AtomicBoolean cancelled, java.util.concurrent.atomic.AtomicReference<AttemptSlots.Held> slots)
    {
        void releaseSlots()
        {
            AttemptSlots.Held held = slots.get();
            if (held != null) {
                held.release();
            }
        }
    }

    private ExecutorMain(String executorId, String host, int cores, MasterChannel master, BlockStore blockStore, TaskRunner runner, String location,
            ClassLoader jobClassLoader)
    {
        this.executorId = executorId;
        this.host = host;
        this.cores = cores;
        this.slots = new AttemptSlots(cores);
        this.master = master;
        this.blockStore = blockStore;
        this.runner = runner;
        this.location = location;
        this.jobClassLoader = jobClassLoader;
    }

    public static void main(String[] args)
            throws Exception
    {
        if (args.length != 2) {
            System.err.println("usage: ExecutorMain <executor id> <cores>");
            System.exit(2);
        }
        String executorId = args[0];
        int cores = Integer.parseInt(args[1]);
        String host = requireEnv("NM_HOST");
        String[] master = requireEnv(YarnSettings.ENV_MASTER_ADDRESS).split(":");
        AppSecret secret = AppSecret.fromCurrentUser();
        JobConf conf = new JobConf(new Path(new File(YarnSettings.JOB_CONF).getAbsolutePath()));

        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : conf) {
            if (entry.getKey().startsWith("tusk.")) {
                properties.put(entry.getKey(), entry.getValue());
            }
        }
        String localDirs = System.getenv("LOCAL_DIRS");
        if (localDirs != null && !localDirs.isBlank()) {
            // every disk YARN gives the container: spills are spread over them
            properties.put(TuskConfig.LOCAL_DIR, localDirs);
        }
        properties.remove(TuskConfig.MEMORY_BUDGET);
        TuskConfig config = TuskConfig.fromProperties(properties);

        if (System.getenv(YarnSettings.ENV_JOB_ID) == null) {
            // a dataset program's executor: every Configuration it makes (file systems of sources and outputs) starts from the driver's
            org.apache.hadoop.conf.Configuration.addDefaultResource(YarnSettings.JOB_CONF);
            // and a MapReduce session's: YARN localized none of its jobs, their first task here does
            Map<String, String> jobSettings = new HashMap<>();
            if (localDirs != null && !localDirs.isBlank()) {
                jobSettings.put("mapreduce.cluster.local.dir", localDirs);
            }
            io.tusk.mr.job.ExecutorJobs.enable(new File(System.getProperty("user.dir")).toPath(), jobSettings);
        }
        ClassLoader jobClassLoader = registerJob(conf);
        Socket control = new Socket(master[0], Integer.parseInt(master[1]));
        control.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(new BufferedInputStream(control.getInputStream()));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(control.getOutputStream()));
        Handshake.connect(control, secret, in, out);
        MasterChannel channel = new MasterChannel(in, out);

        // records are read by other executors: classes in them are numbered by the master
        KryoSerde serde = new KryoSerde(ExecutorMain.class.getClassLoader(), Map.of(), new ApplicationClassIds(channel));
        Broadcast.fetchFrom(new Broadcast.Source()
        {
            @Override
            public byte[] fetch(long id)
            {
                try {
                    return channel.request(ControlProtocol.BROADCAST, ByteBuffer.allocate(8).putLong(id).array());
                }
                catch (IOException e) {
                    throw new UncheckedIOException("Cannot fetch broadcast " + id + " from the master", e);
                }
            }

            @Override
            public Serde serde()
            {
                return serde;
            }
        });
        MemoryManager memoryManager = new MemoryManager(config.memoryBudget());
        SpillDirectory spillDirectory = new SpillDirectory(config.localDirs());
        int fetchThreads = conf.getInt(YarnSettings.FETCH_THREADS, 8);
        // the server serves the outputs the shuffle service keeps; the service needs the server's port in its location
        LocalShuffleService outputs = new LocalShuffleService();
        ShuffleServer server = new ShuffleServer(outputs, secret, InetAddress.getByName(host));
        String location = executorId + "@" + host + ":" + server.port();
        NetworkShuffleService shuffle = new NetworkShuffleService(location, outputs, secret, memoryManager, spillDirectory, fetchThreads,
                io.tusk.mr.task.MapOutputBlocks::wireDecoder);
        BlockStore blockStore = new BlockStore(memoryManager, spillDirectory, serde);
        ExecutorEnv env = new ExecutorEnv(serde, memoryManager, shuffle, blockStore, spillDirectory, config.pageSize());

        ExecutorMain executor = new ExecutorMain(executorId, host, cores, channel, blockStore, new TaskRunner(env), location, jobClassLoader);
        int status = 0;
        try {
            status = executor.run();
        }
        finally {
            channel.closed("the executor stops");
            server.close();
            shuffle.close();
            blockStore.close();
            spillDirectory.close();
            control.close();
        }
        LOG.info("Executor {} stops after {} s, {} s of CPU, {} s of it collecting garbage", executorId, seconds(ManagementFactory.getRuntimeMXBean().getUptime()),
                seconds(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000),
                seconds(ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum()));
        System.exit(status);
    }

    private static String seconds(long millis)
    {
        return String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static String requireEnv(String name)
    {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The environment lacks " + name + "; executors are started by Tusk's application master in YARN containers");
        }
        return value;
    }

    /**
     * The class loader of the job's tasks: its jar and {@code -libjars}, which YARN localized into
     * this container's directory; and where the distributed cache is, as tasks read it from their
     * configuration.
     */
    private static ClassLoader registerJob(JobConf conf)
            throws IOException
    {
        String jobId = System.getenv(YarnSettings.ENV_JOB_ID);
        File cwd = new File(System.getProperty("user.dir"));
        List<URL> classpath = new ArrayList<>();
        String entries = System.getenv(YarnSettings.ENV_JOB_CLASSPATH);
        if (entries != null) {
            for (String entry : entries.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    classpath.add(new File(cwd, entry).toURI().toURL());
                }
            }
        }
        ClassLoader loader = new URLClassLoader(classpath.toArray(new URL[0]), ExecutorMain.class.getClassLoader());
        Map<String, String> settings = new HashMap<>();
        for (String[] keys : new String[][] {{"mapreduce.job.cache.files", "mapreduce.job.cache.local.files"},
                {"mapreduce.job.cache.archives", "mapreduce.job.cache.local.archives"}}) {
            List<String> local = new ArrayList<>();
            for (String uri : conf.getTrimmedStrings(keys[0])) {
                java.net.URI parsed = java.net.URI.create(uri);
                String link = parsed.getFragment() != null ? parsed.getFragment() : new Path(parsed.getPath()).getName();
                local.add(new File(cwd, link).toURI().toString());
            }
            if (!local.isEmpty()) {
                settings.put(keys[1], String.join(",", local));
            }
        }
        String localDirs = System.getenv("LOCAL_DIRS");
        if (localDirs != null && !localDirs.isBlank()) {
            // as Hadoop's YARN tasks have it: task directories on the container's disks, which YARN removes with the application
            settings.put("mapreduce.cluster.local.dir", localDirs);
        }
        if (jobId != null) {
            JobClassLoaders.registerExecutorJob(jobId, loader, settings);
        }
        return loader;
    }

    private int run()
            throws IOException
    {
        send(out -> ControlProtocol.writeRegistration(out, new ControlProtocol.Registration(location, host, cores)));
        Thread heartbeat = new Thread(this::heartbeats, "tusk-executor-heartbeat");
        heartbeat.setDaemon(true);
        heartbeat.start();
        LOG.info("Executor {} on {} registered with {} cores", location, host, cores);
        while (true) {
            DataInputStream in = master.in();
            byte type;
            try {
                type = in.readByte();
            }
            catch (EOFException e) {
                LOG.info("The master closed the connection");
                master.closed("the master closed it");
                cancelAll();
                return 0;
            }
            switch (type) {
                case ControlProtocol.LAUNCH -> launch(ControlProtocol.readLaunch(in));
                case ControlProtocol.CANCEL_JOB -> cancel(in.readInt());
                case ControlProtocol.REPLY -> master.replied();
                case ControlProtocol.UNPERSIST -> blockStore.removeDataset(in.readInt());
                case ControlProtocol.END_WRITE -> endWrite(in.readInt(), in.readUTF(), in.readBoolean());
                case ControlProtocol.SHUTDOWN -> {
                    LOG.info("The master stops this executor: {}", in.readUTF());
                    master.closed("the master stops this executor");
                    cancelAll();
                    return 0;
                }
                default -> throw new IOException("Unknown message type " + type + " from the master");
            }
        }
    }

    private void heartbeats()
    {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(HEARTBEAT_MILLIS);
                send(out -> out.writeByte(ControlProtocol.HEARTBEAT));
            }
            catch (InterruptedException | IOException e) {
                return;
            }
        }
    }

    private void launch(TaskLaunch launch)
    {
        if (cancelledJobs.contains(launch.attemptId().job())) {
            new Reporter().failed(launch.attemptId(), null, new io.tusk.engine.TuskException(io.tusk.engine.ErrorCode.JOB_CANCELLED,
                    "Attempt " + launch.attemptId() + " arrived after its job was cancelled"));
            return;
        }
        Running attempt = new Running(launch.attemptId(), new AtomicBoolean(), new java.util.concurrent.atomic.AtomicReference<>());
        LOG.debug("Attempt {} starts", launch.attemptId());
        TaskPlacement placement = new TaskPlacement(location, host, Locality.NO_PREFERENCE);
        io.tusk.engine.task.AttemptProgress progress = new io.tusk.engine.task.AttemptProgress();
        Reporter reporter = new Reporter();
        Thread thread = new Thread(() -> {
            try {
                AttemptSlots.Held held = slots.take(launch.attemptId().toString(), launch.alone(), () -> attempt.cancelled().get());
                if (held == null) {
                    throw new InterruptedException("cancelled");
                }
                attempt.slots().set(held);
                runner.run(launch, placement, reporter, attempt.cancelled(), progress);
            }
            catch (InterruptedException e) {
                // cancelled while it waited for its slots
                reporter.failed(launch.attemptId(), placement, new io.tusk.engine.TuskException(io.tusk.engine.ErrorCode.JOB_CANCELLED,
                        "Attempt " + launch.attemptId() + " was cancelled before it started"));
            }
            catch (RuntimeException | Error e) {
                LOG.error("Task runner failed", e);
            }
            finally {
                watchdog.unwatch(progress);
                running.remove(Thread.currentThread());
                attempt.releaseSlots();
            }
        }, "tusk-task " + launch.attemptId());
        thread.setDaemon(true);
        thread.setContextClassLoader(jobClassLoader);
        running.put(thread, attempt);
        // the master hears of the timeout at once and runs the task again; an attempt that ignores the
        // interrupt runs on without being counted, and can no longer commit
        watchdog.watch(progress, thread, error -> {
            attempt.cancelled().set(true);
            attempt.releaseSlots();
            reporter.failed(launch.attemptId(), placement, error);
        });
        thread.start();
    }

    /**
     * Keeps (or drops) the files the attempts of the write {@code key} committed here, off the
     * control thread (keeping asks the file system for each file's version), and tells the master
     * which were kept when it asks ({@code request} not 0).
     */
    private void endWrite(int request, String key, boolean keep)
    {
        Thread thread = new Thread(() -> {
            List<FileVersion> kept = PendingOutputs.endHere(key, keep);
            if (request != 0) {
                try {
                    send(out -> {
                        out.writeByte(ControlProtocol.WRITE_ENDED);
                        out.writeInt(request);
                        ControlProtocol.writeFileVersions(out, kept);
                    });
                }
                catch (IOException e) {
                    LOG.warn("Cannot tell the master which files of {} are kept here", key, e);
                }
            }
            // a MapReduce job's end (its key is its id): its jar and cache files go, once the master knows what is kept
            io.tusk.mr.job.ExecutorJobs.ended(key, keep);
        }, "tusk-end-write " + key);
        thread.setDaemon(true);
        thread.start();
    }

    private void cancel(int job)
    {
        cancelledJobs.add(job);
        running.forEach((thread, attempt) -> {
            if (attempt.id().job() == job) {
                attempt.cancelled().set(true);
                thread.interrupt();
            }
        });
    }

    private void cancelAll()
    {
        running.forEach((thread, attempt) -> {
            attempt.cancelled().set(true);
            thread.interrupt();
        });
    }

    private void send(MasterChannel.Message message)
            throws IOException
    {
        master.send(message);
    }

    /** Sends how attempts end to the master. */
    /** Tells the master of one attempt's outcome, once. */
    private final class Reporter
            implements TaskListener
    {
        private final AtomicBoolean reported = new AtomicBoolean();

        @Override
        public void succeeded(TaskAttemptId attemptId, TaskPlacement placement, byte[] result)
        {
            if (!reported.compareAndSet(false, true)) {
                return;
            }
            LOG.debug("Attempt {} succeeded", attemptId);
            report(attemptId, out -> {
                out.writeByte(ControlProtocol.SUCCEEDED);
                ControlProtocol.writeAttemptId(out, attemptId);
                ControlProtocol.writeBytes(out, result);
            });
        }

        @Override
        public void failed(TaskAttemptId attemptId, TaskPlacement placement, Throwable cause)
        {
            if (!reported.compareAndSet(false, true)) {
                return;
            }
            LOG.debug("Attempt {} failed: {}", attemptId, cause.toString());
            report(attemptId, out -> {
                out.writeByte(ControlProtocol.FAILED);
                ControlProtocol.writeAttemptId(out, attemptId);
                Failures.write(out, cause);
            });
        }

        private void report(TaskAttemptId attemptId, MasterChannel.Message message)
        {
            try {
                send(message);
            }
            catch (IOException e) {
                LOG.warn("Cannot report {} to the master", attemptId, e);
            }
        }
    }
}
