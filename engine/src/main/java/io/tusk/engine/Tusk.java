package io.tusk.engine;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.backend.LocalBackend;
import io.tusk.engine.dataset.Accumulator;
import io.tusk.engine.dataset.Broadcast;
import io.tusk.engine.dataset.CollectionAccumulator;
import io.tusk.engine.dataset.Dataset;
import io.tusk.engine.dataset.LongAccumulator;
import io.tusk.engine.dataset.Pair;
import io.tusk.engine.dataset.PairDataset;
import io.tusk.engine.io.FileFormatProvider;
import io.tusk.engine.status.ConsoleProgress;
import io.tusk.engine.status.JobLogProvider;
import io.tusk.engine.status.StatusStore;
import io.tusk.engine.ui.UiServer;
import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.plan.CollectionSource;
import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.ShuffledNode;
import io.tusk.engine.plan.Source;
import io.tusk.engine.plan.SourceNode;
import io.tusk.engine.scheduler.Backend;
import io.tusk.engine.scheduler.ClusterManager;
import io.tusk.engine.scheduler.DagScheduler;
import io.tusk.engine.scheduler.MapOutputTracker;
import io.tusk.engine.scheduler.PartitionAction;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.serde.Serde;
import io.tusk.engine.shuffle.LocalShuffleService;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.engine.storage.BlockId;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.ExecutorEnv;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The entry point of the dataset API: a context that creates datasets and runs their jobs, here in
 * this process on {@code N} worker threads ({@code local[N]}), or on executors of a cluster
 * ({@link #yarn}). Thread-safe: several threads may run
 * actions at once. Close it to stop the workers and delete spill and cache files.
 *
 * <pre>{@code
 * try (Tusk tusk = Tusk.local()) {
 *     Map<String, Long> counts = tusk.textFile("in.txt")
 *             .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
 *             .mapToPair(word -> Pair.of(word, 1L))
 *             .reduceByKey(Long::sum)
 *             .collectAsMap();
 * }
 * }</pre>
 */
public final class Tusk
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(Tusk.class);
    private static final Cleaner CLEANER = Cleaner.create();
    /** Open contexts whose tasks run in this process, oldest first. */
    private static final List<Tusk> OPEN_LOCAL = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Open contexts that are YARN applications, oldest first. */
    private static final List<Tusk> OPEN_ON_YARN = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether to serve the web UI (default true). */
    public static final String UI_ENABLED = "tusk.ui.enabled";
    public static final String UI_PORT = "tusk.ui.port";
    public static final String UI_HOST = "tusk.ui.host";
    /** How many finished jobs the UI keeps (default 200). */
    public static final String UI_RETAINED_JOBS = "tusk.ui.retained.jobs";
    private static final Logger UI_LOG = LogManager.getLogger("io.tusk.ui");
    private static final java.util.concurrent.atomic.AtomicBoolean UI_ANNOUNCED = new java.util.concurrent.atomic.AtomicBoolean();

    private final TuskConfig config;
    private final KryoSerde serde;
    private final MemoryManager memoryManager;
    private final SpillDirectory spillDirectory;
    private final LocalShuffleService shuffleService;
    private final MapOutputTracker tracker = new MapOutputTracker();
    private final BlockStore blockStore;
    private final Backend backend;
    private final DagScheduler scheduler;
    private final StatusStore status;
    private volatile UiServer ui;
    /** Open once the UI has started, failed to start, or is off. */
    private final java.util.concurrent.CountDownLatch uiSettled = new java.util.concurrent.CountDownLatch(1);
    private final Optional<JobLogProvider.JobLog> jobLog;
    /** The console's progress bar, on a terminal; one per process. */
    private final ConsoleProgress progress;
    private static final java.util.concurrent.atomic.AtomicBoolean PROGRESS_SHOWN = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicInteger nextDatasetId = new AtomicInteger();
    private final AtomicInteger nextShuffleId = new AtomicInteger();
    private final AtomicLong nextAccumulatorId = new AtomicLong();
    private final Map<Long, Accumulator<?>> accumulators = new ConcurrentHashMap<>();
    private final Map<Integer, Persisted> persisted = new ConcurrentHashMap<>();
    private final java.util.Set<Long> broadcasts = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Tusk(TuskConfig config, Function<ExecutorEnv, Backend> backendFactory)
    {
        this.config = requireNonNull(config, "config is null");
        Serializer<Object> refuse = new DriverOnlySerializer();
        this.serde = new KryoSerde(Tusk.class.getClassLoader(), Map.of(Tusk.class, refuse, Dataset.class, refuse));
        this.memoryManager = new MemoryManager(config.memoryBudget());
        this.spillDirectory = new SpillDirectory(config.localDirs());
        this.shuffleService = new LocalShuffleService();
        this.blockStore = new BlockStore(memoryManager, spillDirectory, serde);
        ExecutorEnv env = new ExecutorEnv(serde, memoryManager, shuffleService, blockStore, spillDirectory, config.pageSize());
        this.backend = backendFactory.apply(env);
        this.status = new StatusStore(Integer.parseInt(config.properties().getOrDefault(UI_RETAINED_JOBS, "200").trim()));
        status.memorySource(this::memoryUse);
        backend.showStatus(status);
        this.scheduler = new DagScheduler(backend, tracker, serde, config.maxTaskAttempts(), this::fullyCached, this::mergeAccumulators, status);
        if (Boolean.parseBoolean(config.properties().getOrDefault(UI_ENABLED, "true").trim())) {
            startUi();
        }
        else {
            uiSettled.countDown();
        }
        this.jobLog = openJobLog(config, spillDirectory.nativeLibraries());
        this.progress = Boolean.parseBoolean(config.properties().getOrDefault(ConsoleProgress.ENABLED, "false").trim()) && PROGRESS_SHOWN.compareAndSet(false, true)
                ? new ConsoleProgress(status, System.err, 250)
                : null;
        // the record is taken off the scheduler's thread: the job's details (its counters) are the program's to compute
        jobLog.ifPresent(log -> status.onJobEnded(jobId -> log.append(() -> status.snapshot(jobId))));
        LOG.debug("Tusk {} ({} threads), memory budget {} bytes, spill directories {}", backend.getClass().getSimpleName(), config.threads(), config.memoryBudget(), spillDirectory.roots());
    }

    /**
     * Starts the web UI in the background, so that it never delays a job: on {@value #UI_HOST}
     * (default 127.0.0.1), port {@value #UI_PORT} (default 0: a free one). The first UI of the
     * process says where it is on the console. A UI that cannot start is a warning.
     */
    private void startUi()
    {
        Thread starter = new Thread(() -> {
            try {
                UiServer server = UiServer.start(status, java.net.InetAddress.getByName(config.properties().getOrDefault(UI_HOST, "127.0.0.1").trim()),
                        Integer.parseInt(config.properties().getOrDefault(UI_PORT, "0").trim()));
                synchronized (this) {
                    if (closed) {
                        server.close();
                        return;
                    }
                    ui = server;
                }
                if (UI_ANNOUNCED.compareAndSet(false, true)) {
                    UI_LOG.info("Tusk UI: {} ({}=false turns it off)", server.uri(), UI_ENABLED);
                }
                else {
                    LOG.debug("Tusk UI: {}", server.uri());
                }
            }
            catch (java.io.IOException | RuntimeException e) {
                LOG.warn("The Tusk UI could not start ({}); jobs run without it", e.toString());
            }
            finally {
                uiSettled.countDown();
            }
        }, "tusk-ui-start");
        starter.setDaemon(true);
        starter.start();
    }

    private static Optional<JobLogProvider.JobLog> openJobLog(TuskConfig config, java.nio.file.Path scratch)
    {
        if (!Boolean.parseBoolean(config.properties().getOrDefault(JobLogProvider.ENABLED, "true").trim())) {
            return Optional.empty();
        }
        try {
            return ServiceLoader.load(JobLogProvider.class, Tusk.class.getClassLoader()).findFirst().flatMap(provider -> provider.open(config, scratch));
        }
        catch (RuntimeException | java.util.ServiceConfigurationError e) {
            LOG.warn("No event log of this context's jobs: {}", e.toString());
            return Optional.empty();
        }
    }

    /** What the jobs of this context did and do, as the UI shows it. */
    public StatusStore status()
    {
        return status;
    }

    /** Where this context's web UI answers, once it has started; empty when it is off or not up yet. */
    public Optional<java.net.URI> uiAddress()
    {
        UiServer server = ui;
        return server == null ? Optional.empty() : Optional.of(server.uri());
    }

    /**
     * Where this context's web UI answers, waiting up to {@code wait} for it to start (the UI starts
     * in the background); empty when it is off, could not start, or is not up in time.
     */
    public Optional<java.net.URI> uiAddress(java.time.Duration wait)
            throws InterruptedException
    {
        uiSettled.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return uiAddress();
    }

    private Map<String, Long> memoryUse()
    {
        long cache = memoryManager.usedBy(blockStore);
        BlockStore.MemoryUse cached = blockStore.memoryUse();
        Map<String, Long> use = new java.util.LinkedHashMap<>();
        use.put("budget", memoryManager.budget());
        use.put("used", memoryManager.used());
        use.put("shuffle and tasks", memoryManager.used() - cache);
        use.put("cached datasets", cached.datasets());
        use.put("cached job outputs", cached.named());
        use.put("peak", memoryManager.peak());
        use.put("heap max", Runtime.getRuntime().maxMemory());
        use.put("heap used", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        return use;
    }

    /** A context on all cores with default settings (and {@code tusk.*} system properties). */
    public static Tusk local()
    {
        return create(TuskConfig.defaults());
    }

    /** A context with {@code threads} worker threads. */
    public static Tusk local(int threads)
    {
        return create(TuskConfig.defaults().withThreads(threads));
    }

    /** A context for a master string: {@code local}, {@code local[N]}, {@code local[*]} or {@code yarn}. */
    public static Tusk create(String master)
    {
        Map<String, String> properties = new java.util.LinkedHashMap<>(TuskConfig.defaults().properties());
        properties.put(TuskConfig.MASTER, master);
        return create(TuskConfig.fromProperties(properties));
    }

    /** A context for {@code config}: in this process, or on the cluster its {@link TuskConfig#MASTER} names. */
    public static Tusk create(TuskConfig config)
    {
        if (!TuskConfig.isLocal(config.master())) {
            return onCluster(config, null);
        }
        Tusk tusk = new Tusk(config, env -> new LocalBackend(config.threads(), env, config.cancelGraceMillis()));
        OPEN_LOCAL.add(tusk);
        return tusk;
    }

    /**
     * The oldest open context whose tasks run in this process, if any: MapReduce jobs that a
     * program submits run on it, so that they share its threads, its memory budget and the job
     * outputs and cached data it keeps.
     */
    public static Optional<Tusk> openLocal()
    {
        for (Tusk tusk : OPEN_LOCAL) {
            if (!tusk.closed) {
                return Optional.of(tusk);
            }
        }
        return Optional.empty();
    }

    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Why this open context can run no task any more (the cluster application it is has ended, for
     * example killed through YARN), if it cannot.
     */
    public Optional<String> failure()
    {
        return closed ? Optional.empty() : backend.failure();
    }

    /**
     * A context whose tasks run on executors in YARN containers, as one YARN application that
     * lives as long as the context. {@code hadoopConf} is the cluster's configuration (a Hadoop
     * {@code Configuration}, which is such an iterable): where the resource manager and the file
     * system are, and {@code tusk.*} settings. Needs tusk-yarn-runner on the class path.
     */
    public static Tusk yarn(Iterable<Map.Entry<String, String>> hadoopConf)
    {
        requireNonNull(hadoopConf, "hadoopConf is null");
        Map<String, String> properties = new java.util.LinkedHashMap<>(TuskConfig.defaults().properties());
        for (Map.Entry<String, String> entry : hadoopConf) {
            if (entry.getKey().startsWith("tusk.")) {
                properties.put(entry.getKey(), entry.getValue());
            }
        }
        properties.put(TuskConfig.MASTER, "yarn");
        return onCluster(TuskConfig.fromProperties(properties), hadoopConf);
    }

    /**
     * The oldest open context of this process that is a YARN application ({@link #yarn}, or master
     * {@code yarn}), if any:
     * MapReduce jobs that the program submits to YARN run in it, so that jobs and datasets share its
     * executors and the outputs they keep.
     */
    public static Optional<Tusk> openOnYarn()
    {
        for (Tusk tusk : OPEN_ON_YARN) {
            if (!tusk.closed) {
                return Optional.of(tusk);
            }
        }
        return Optional.empty();
    }

    private static Tusk onCluster(TuskConfig config, Iterable<Map.Entry<String, String>> clusterConf)
    {
        String master = config.master();
        ClusterManager manager = ServiceLoader.load(ClusterManager.class, Tusk.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.accepts(master))
                .findFirst()
                .orElseThrow(() -> new TuskException(ErrorCode.MISSING_PROVIDER, "Master '" + master + "' needs "
                        + (master.equals("yarn") ? "the tusk-yarn-runner module" : "a cluster manager that knows it") + " on the class path"));
        TuskConfig configured = manager.configure(config, clusterConf);
        Tusk tusk = new Tusk(configured, env -> manager.start(configured, clusterConf, env));
        if (master.equals("yarn")) {
            OPEN_ON_YARN.add(tusk);
        }
        return tusk;
    }

    /**
     * A context whose tasks run on the backend {@code backendFactory} makes (for example executors
     * on a cluster); it is given this process's executor environment and closed with the context.
     */
    public static Tusk create(TuskConfig config, Function<ExecutorEnv, Backend> backendFactory)
    {
        return new Tusk(config, requireNonNull(backendFactory, "backendFactory is null"));
    }

    public TuskConfig config()
    {
        return config;
    }

    /** Number of partitions used when none is given: the number of worker threads. */
    public int defaultParallelism()
    {
        return config.threads();
    }

    public Serde serde()
    {
        return serde;
    }

    /** The memory budget shared by shuffle buffers and the cache; for monitoring and tests. */
    public MemoryManager memoryManager()
    {
        return memoryManager;
    }

    /** The directory of this context's spill and cache files; for monitoring and tests. */
    public SpillDirectory spillDirectory()
    {
        return spillDirectory;
    }

    public BlockStore blockStore()
    {
        return blockStore;
    }

    // sources

    public <T> Dataset<T> parallelize(List<T> data)
    {
        return parallelize(data, defaultParallelism());
    }

    public <T> Dataset<T> parallelize(List<T> data, int slices)
    {
        requireNonNull(data, "data is null");
        return fromSource(new CollectionSource(data, slices), "parallelize");
    }

    /** Lines of text files (a file, directory or glob, on any Hadoop file system); needs tusk-io-formats. */
    public Dataset<String> textFile(String path)
    {
        return textFile(path, defaultParallelism());
    }

    public Dataset<String> textFile(String path, int minPartitions)
    {
        requireNonNull(path, "path is null");
        return fromSource(fileFormats().textFile(path, minPartitions, config.properties()), "textFile " + path);
    }

    /**
     * The key-value pairs of the Hadoop SequenceFiles at {@code path} (a file, a directory or a
     * glob), as fresh key and value objects of the files' classes, which must be {@code keyClass}
     * and {@code valueClass} or subclasses. Compressed files are read too; a SequenceFile kept in
     * memory by the job or save that wrote it is read from memory.
     */
    public <K, V> PairDataset<K, V> sequenceFile(String path, Class<K> keyClass, Class<V> valueClass)
    {
        return sequenceFile(path, keyClass, valueClass, defaultParallelism());
    }

    public <K, V> PairDataset<K, V> sequenceFile(String path, Class<K> keyClass, Class<V> valueClass, int minPartitions)
    {
        requireNonNull(path, "path is null");
        Dataset<Pair<K, V>> pairs = fromSource(fileFormats().sequenceFile(path, keyClass, valueClass, minPartitions, config.properties()), "sequenceFile " + path);
        return PairDataset.of(pairs);
    }

    /**
     * The records of the Avro container files at {@code path} (a file, a directory or a glob), as
     * generic records ({@code org.apache.avro.generic.GenericRecord}) in each file's own schema.
     * Files of any codec are read; a file kept in memory by the save or job that wrote it is read
     * from memory. Needs tusk-io-formats.
     */
    public <T> Dataset<T> avroFile(String path)
    {
        return avroFile(path, null, null);
    }

    /**
     * As {@link #avroFile(String)}, the records resolved to {@code readerSchema} (Avro's JSON, for
     * example {@code schema.toString()}) by Avro's rules of schema evolution: fields the files lack
     * take the reader's defaults, fields the reader lacks are skipped.
     */
    public <T> Dataset<T> avroFile(String path, String readerSchema)
    {
        requireNonNull(readerSchema, "readerSchema is null");
        return avroFile(path, readerSchema, null);
    }

    /**
     * As {@link #avroFile(String)}, as instances of {@code recordClass}, a specific record class
     * generated by Avro, resolved to its schema.
     */
    public <T> Dataset<T> avroFile(String path, Class<T> recordClass)
    {
        requireNonNull(recordClass, "recordClass is null");
        return avroFile(path, null, recordClass);
    }

    private <T> Dataset<T> avroFile(String path, String readerSchema, Class<T> recordClass)
    {
        requireNonNull(path, "path is null");
        return fromSource(fileFormats().avroFile(path, readerSchema, recordClass, defaultParallelism(), config.properties()), "avroFile " + path);
    }

    /** A dataset read from any {@link Source}. */
    public <T> Dataset<T> fromSource(Source source, String name)
    {
        checkOpen();
        return new Dataset<>(this, new SourceNode(newDatasetId(), name, source));
    }

    // shared variables

    /** Ships {@code value} once to the executors; it is freed when the returned object is unreachable or the context closes. */
    public <T> Broadcast<T> broadcast(T value)
    {
        checkOpen();
        Broadcast<T> broadcast = Broadcast.create(value, serde);
        long id = broadcast.id();
        broadcasts.add(id);
        CLEANER.register(broadcast, () -> Broadcast.destroy(id));
        return broadcast;
    }

    public LongAccumulator longAccumulator(String name)
    {
        return register(new LongAccumulator(newAccumulatorId(), name));
    }

    /** An id for a custom accumulator, to {@link #register} it. */
    public long newAccumulatorId()
    {
        return nextAccumulatorId.getAndIncrement();
    }

    /** Stops delivering task updates to an accumulator that is no longer needed. */
    public void unregister(Accumulator<?> accumulator)
    {
        accumulators.remove(accumulator.id());
    }

    public <T> CollectionAccumulator<T> collectionAccumulator(String name)
    {
        return register(new CollectionAccumulator<>(newAccumulatorId(), name));
    }

    /** Registers a custom accumulator so that task updates reach it. */
    public <A extends Accumulator<?>> A register(A accumulator)
    {
        accumulators.put(accumulator.id(), accumulator);
        return accumulator;
    }

    // for datasets

    /** Runs {@code action} on every partition of {@code node}; results in partition order. */
    public <R> List<R> runJob(DatasetNode node, PartitionAction<R> action, String description)
    {
        checkOpen();
        return scheduler.runJob(node, action, storageLevels(), description);
    }

    public <R> List<R> runJob(DatasetNode node, int[] partitions, PartitionAction<R> action, String description)
    {
        checkOpen();
        return scheduler.runJob(node, partitions, action, storageLevels(), description);
    }

    /** Runs {@code action} on every partition of {@code node}, telling {@code listener} how attempts start and end. */
    public <R> List<R> runJob(DatasetNode node, PartitionAction<R> action, String description, io.tusk.engine.scheduler.JobListener listener)
    {
        checkOpen();
        int[] partitions = new int[node.partitions()];
        java.util.Arrays.setAll(partitions, partition -> partition);
        return scheduler.runJob(node, partitions, action, storageLevels(), description, listener);
    }

    public String explain(DatasetNode node)
    {
        return scheduler.explain(node, persisted::containsKey);
    }

    public int newDatasetId()
    {
        return nextDatasetId.getAndIncrement();
    }

    public int newShuffleId()
    {
        return nextShuffleId.getAndIncrement();
    }

    /** Deletes the shuffle's output once no dataset can read it any more. */
    public void registerShuffle(ShuffledNode node)
    {
        int shuffleId = node.dependency().shuffleId();
        LocalShuffleService service = shuffleService;
        MapOutputTracker outputs = tracker;
        CLEANER.register(node, () -> {
            outputs.removeShuffle(shuffleId);
            service.remove(shuffleId);
        });
    }

    /**
     * Deletes the shuffle's output now, for a caller that knows nothing will read it again (a
     * MapReduce job that ended): its map outputs' memory grants and spill files go at once instead
     * of when the collector finds the shuffle unreachable.
     */
    public void removeShuffle(int shuffleId)
    {
        tracker.removeShuffle(shuffleId);
        shuffleService.remove(shuffleId);
    }

    public void persist(DatasetNode node, StorageLevel level)
    {
        Persisted previous = persisted.putIfAbsent(node.id(), new Persisted(level, node.partitions()));
        checkArgument(previous == null || previous.level == level,
                "Dataset %s is already persisted at %s; unpersist it before choosing %s", node.id(), previous == null ? null : previous.level, level);
    }

    public void unpersist(DatasetNode node)
    {
        persisted.remove(node.id());
        blockStore.removeDataset(node.id());
        scheduler.unpersisted(node.id());
        backend.unpersist(node.id());
    }

    /**
     * Ends the write {@code key} (see {@link io.tusk.engine.io.OutputJob.Kept#key()}) on the
     * executors of other processes: they keep what its attempts committed there if {@code keep},
     * else drop it. Nothing to do for a null key or in local mode.
     */
    public void endWrite(String key, boolean keep)
    {
        if (key != null) {
            backend.endWrite(key, keep);
        }
    }

    public FileFormatProvider fileFormats()
    {
        return ServiceLoader.load(FileFormatProvider.class, Tusk.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new TuskException(ErrorCode.MISSING_PROVIDER,
                        "Reading and writing files needs the tusk-io-formats module on the classpath"));
    }

    private Map<Integer, StorageLevel> storageLevels()
    {
        Map<Integer, StorageLevel> levels = new java.util.HashMap<>();
        persisted.forEach((id, entry) -> levels.put(id, entry.level));
        return levels;
    }

    private boolean fullyCached(int datasetId)
    {
        Persisted entry = persisted.get(datasetId);
        if (entry == null) {
            return false;
        }
        for (int partition = 0; partition < entry.partitions; partition++) {
            if (!blockStore.contains(new BlockId(datasetId, partition))) {
                return false;
            }
        }
        return true;
    }

    private void mergeAccumulators(Map<Long, Object> updates)
    {
        updates.forEach((id, value) -> {
            Accumulator<?> accumulator = accumulators.get(id);
            if (accumulator != null) {
                accumulator.merge(value);
            }
        });
    }

    private void checkOpen()
    {
        if (closed) {
            throw new TuskException(ErrorCode.CONTEXT_CLOSED, "This Tusk context is closed; create a new one");
        }
    }

    /** Stops the scheduler and workers, frees memory and deletes spill and cache files. */
    @Override
    public void close()
    {
        if (closed) {
            return;
        }
        synchronized (this) {
            closed = true;
            if (ui != null) {
                ui.close();
            }
        }
        OPEN_LOCAL.remove(this);
        OPEN_ON_YARN.remove(this);
        scheduler.close();
        jobLog.ifPresent(JobLogProvider.JobLog::close);
        if (progress != null) {
            progress.close();
            PROGRESS_SHOWN.set(false);
        }
        backend.close();
        shuffleService.close();
        blockStore.close();
        spillDirectory.close();
        broadcasts.forEach(Broadcast::destroy);
        broadcasts.clear();
    }

    private record Persisted(StorageLevel level, int partitions) {}

    /** Fails the serialization of driver-only objects captured by a function. */
    private static final class DriverOnlySerializer
            extends Serializer<Object>
    {
        @Override
        public void write(Kryo kryo, Output output, Object object)
        {
            throw new TuskException(ErrorCode.NOT_SERIALIZABLE, "A function captured a " + object.getClass().getSimpleName()
                    + ", which exists only on the driver and cannot be used inside tasks; compute what the function needs before the transformation, "
                    + "or pass it as a broadcast variable");
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type)
        {
            throw new UnsupportedOperationException("driver-only object in serialized data");
        }
    }
}
