package io.tusk.engine.scheduler;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.MapPartitionsNode;
import io.tusk.engine.serde.Serde;
import io.tusk.engine.shuffle.FetchFailedException;
import io.tusk.engine.status.StatusStore;
import io.tusk.engine.storage.BlockId;
import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.TaskAttemptId;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Turns actions into jobs of stages and stages into task attempts on a {@link Backend}. One
 * event-loop thread owns all job, stage and task state; callers and backends only post events.
 * A stage runs when the shuffles it reads are complete; a failed attempt is retried until
 * {@code maxAttempts} attempts of the task have failed, which fails the job.
 */
public final class DagScheduler
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(DagScheduler.class);

    /** Times a task may be rerun because its executor was lost, or because it could not read its input. */
    private static final int MAX_EXECUTOR_LOSSES = 8;
    private static final int MAX_FETCH_FAILURES = 4;

    private final Backend backend;
    private final MapOutputTracker tracker;
    private final Serde serde;
    private final int maxAttempts;
    private final IntPredicate fullyCached;
    private final Consumer<Map<Long, Object>> accumulatorSink;
    private final StatusStore status;
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Thread eventLoop;
    private final AtomicInteger nextJobId = new AtomicInteger();
    private final AtomicInteger nextStageId = new AtomicInteger();
    private volatile boolean stopped;

    // confined to the event loop
    private final Map<Integer, Job> jobs = new HashMap<>();
    /** Executors known to be gone: map outputs they report later are not registered. */
    private final Set<String> lostExecutors = new java.util.HashSet<>();
    /** Where partitions of persisted datasets were last computed (and so are probably cached), on the event loop. */
    private final Map<BlockId, TaskPlacement> cachedOn = new HashMap<>();

    /**
     * @param fullyCached whether every partition of a dataset (by id) is cached
     * @param accumulatorSink receives the accumulator updates of each successful attempt, on the event loop
     * @param status hears of every job, stage and attempt, for the UI
     */
    public DagScheduler(Backend backend, MapOutputTracker tracker, Serde serde, int maxAttempts,
            IntPredicate fullyCached, Consumer<Map<Long, Object>> accumulatorSink, StatusStore status)
    {
        checkArgument(maxAttempts >= 1, "maxAttempts must be at least 1: %s", maxAttempts);
        this.backend = requireNonNull(backend, "backend is null");
        this.tracker = requireNonNull(tracker, "tracker is null");
        this.serde = requireNonNull(serde, "serde is null");
        this.maxAttempts = maxAttempts;
        this.fullyCached = requireNonNull(fullyCached, "fullyCached is null");
        this.accumulatorSink = requireNonNull(accumulatorSink, "accumulatorSink is null");
        this.status = requireNonNull(status, "status is null");
        this.eventLoop = new Thread(this::runEventLoop, "tusk-dag-scheduler");
        eventLoop.setDaemon(true);
        eventLoop.start();
        backend.onExecutorLost(this::executorLost);
    }

    /** The plan of an action on {@code node}, as text. */
    public String explain(DatasetNode node, IntPredicate persisted)
    {
        Map<Integer, Integer> maps = new HashMap<>();
        collectShuffles(node, maps);
        Planner planner = new Planner(new AtomicInteger(), fullyCached,
                shuffleId -> maps.containsKey(shuffleId) && tracker.isComplete(shuffleId, maps.get(shuffleId)));
        return planner.explain(node, persisted);
    }

    private static void collectShuffles(DatasetNode node, Map<Integer, Integer> maps)
    {
        for (var dependency : node.dependencies()) {
            if (dependency instanceof io.tusk.engine.plan.ShuffleDependency shuffle) {
                maps.put(shuffle.shuffleId(), shuffle.maps());
            }
            collectShuffles(dependency.parent(), maps);
        }
    }

    /**
     * Runs {@code action} on every partition of {@code node} and returns the results in partition
     * order. Blocks until the job ends; a failed job throws the {@link TuskException} that failed it.
     */
    public <R> List<R> runJob(DatasetNode node, PartitionAction<R> action, Map<Integer, StorageLevel> storageLevels, String description)
    {
        int[] partitions = new int[node.partitions()];
        Arrays.setAll(partitions, partition -> partition);
        return runJob(node, partitions, action, storageLevels, description);
    }

    /** Like {@link #runJob(DatasetNode, PartitionAction, Map, String)} for some partitions only; results in the given order. */
    public <R> List<R> runJob(DatasetNode node, int[] partitions, PartitionAction<R> action, Map<Integer, StorageLevel> storageLevels, String description)
    {
        return runJob(node, partitions, action, storageLevels, description, JobListener.NONE);
    }

    /** Like {@link #runJob(DatasetNode, int[], PartitionAction, Map, String)}, telling {@code listener} about attempts. */
    public <R> List<R> runJob(DatasetNode node, int[] partitions, PartitionAction<R> action, Map<Integer, StorageLevel> storageLevels, String description,
            JobListener listener)
    {
        requireNonNull(listener, "listener is null");
        requireNonNull(node, "node is null");
        java.util.BitSet seen = new java.util.BitSet();
        for (int partition : partitions) {
            checkArgument(partition >= 0 && partition < node.partitions(), "partition %s out of range [0, %s)", partition, node.partitions());
            checkArgument(!seen.get(partition), "partition %s listed twice", partition);
            seen.set(partition);
        }
        requireNonNull(action, "action is null");
        if (stopped) {
            throw new TuskException(ErrorCode.CONTEXT_CLOSED, "The Tusk context is closed; create a new one to run more jobs");
        }
        CompletableFuture<List<Object>> future = new CompletableFuture<>();
        int jobId = nextJobId.getAndIncrement();
        post(() -> submitJob(new Job(jobId, node, partitions.clone(), action, Map.copyOf(storageLevels), description, listener, future)));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    @SuppressWarnings("unchecked")
                    List<R> results = (List<R>) (List<?>) future.get(1, TimeUnit.SECONDS);
                    return results;
                }
                catch (TimeoutException e) {
                    if (!eventLoop.isAlive()) {
                        throw new TuskException(ErrorCode.INTERNAL_ERROR, "The scheduler stopped while job " + jobId + " was running");
                    }
                }
                catch (InterruptedException e) {
                    // cancel, then wait for the running attempts to end before returning
                    if (!interrupted) {
                        interrupted = true;
                        post(() -> failJob(jobId, new TuskException(ErrorCode.JOB_CANCELLED, "Job " + jobId + " was cancelled: the driver thread was interrupted")));
                    }
                }
                catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof TuskException tusk) {
                        throw new TuskException(tusk.errorCode(), tusk.getMessage(), tusk.getCause() == null ? tusk : tusk.getCause());
                    }
                    throw new TuskException(ErrorCode.INTERNAL_ERROR, "Job " + jobId + " failed: " + cause, cause);
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void post(Runnable event)
    {
        events.add(event);
    }

    private void runEventLoop()
    {
        while (!stopped || !events.isEmpty()) {
            Runnable event;
            try {
                event = events.poll(100, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException e) {
                return;
            }
            if (event == null) {
                continue;
            }
            try {
                event.run();
            }
            catch (RuntimeException | Error e) {
                LOG.error("Scheduler event failed", e);
                for (Integer jobId : List.copyOf(jobs.keySet())) {
                    failJob(jobId, new TuskException(ErrorCode.INTERNAL_ERROR, "Scheduler failure: " + e, e));
                }
            }
        }
    }

    private void submitJob(Job job)
    {
        jobs.put(job.id, job);
        Stage result = new Planner(nextStageId, fullyCached, shuffleId -> false).plan(job.node);
        job.resultStage = job.state(result);
        List<Stage> stages = new ArrayList<>();
        collectStages(result, stages);
        Map<Integer, List<String>> cached = new HashMap<>();
        for (Stage stage : stages) {
            cached.put(stage.id(), persistedIn(stage.node(), job.storageLevels));
        }
        status.jobSubmitted(job.id, job.description, stages, cached, System.currentTimeMillis());
        LOG.debug("Job {} ({}): {} stages", job.id, job.description, job.byStageId.size());
        submitStage(job, job.resultStage);
    }

    /**
     * The persisted datasets a stage computes or reads from the cache (along its narrow lineage),
     * for the UI: name, storage level and whether every partition is cached.
     */
    private List<String> persistedIn(DatasetNode node, Map<Integer, StorageLevel> storageLevels)
    {
        List<String> persisted = new ArrayList<>();
        if (storageLevels.isEmpty()) {
            return persisted;
        }
        List<DatasetNode> pending = new ArrayList<>(List.of(node));
        Set<Integer> seen = new java.util.HashSet<>();
        while (!pending.isEmpty()) {
            DatasetNode current = pending.remove(pending.size() - 1);
            if (!seen.add(current.id())) {
                continue;
            }
            StorageLevel level = storageLevels.get(current.id());
            if (level != null) {
                persisted.add(current.name() + " (" + level + (fullyCached.test(current.id()) ? ", cached" : ", cached as computed") + ")");
                if (fullyCached.test(current.id())) {
                    // read from the cache: its lineage is not computed
                    continue;
                }
            }
            for (var dependency : current.dependencies()) {
                if (!(dependency instanceof io.tusk.engine.plan.ShuffleDependency)) {
                    pending.add(dependency.parent());
                }
            }
        }
        return persisted;
    }

    /** {@code stage} and the stages it reads, each once, parents first. */
    private static void collectStages(Stage stage, List<Stage> stages)
    {
        for (Stage parent : stage.parents()) {
            collectStages(parent, stages);
        }
        if (stages.stream().noneMatch(known -> known.id() == stage.id())) {
            stages.add(stage);
        }
    }

    /** Launches {@code stage} if every shuffle it reads is complete, else the parent stages that write what is missing. */
    private void submitStage(Job job, StageRun stage)
    {
        if (job.finished || stage.submitted) {
            return;
        }
        boolean ready = true;
        for (Stage parent : stage.stage.parents()) {
            if (!shuffleComplete(parent)) {
                ready = false;
                StageRun parentRun = job.state(parent);
                // not submitted yet, or ran and lost outputs since
                if (!parentRun.submitted || parentRun.pending == 0) {
                    parentRun.submitted = false;
                    submitStage(job, parentRun);
                }
            }
        }
        if (ready) {
            launchStage(job, stage);
        }
    }

    private boolean shuffleComplete(Stage stage)
    {
        return tracker.isComplete(stage.shuffle().shuffleId(), stage.partitions());
    }

    private boolean parentsComplete(StageRun stage)
    {
        for (Stage parent : stage.stage.parents()) {
            if (!shuffleComplete(parent)) {
                return false;
            }
        }
        return true;
    }

    private void launchStage(Job job, StageRun stage)
    {
        stage.submitted = true;
        stage.parked.clear();
        status.stageSubmitted(job.id, stage.stage.id(), System.currentTimeMillis());
        List<Integer> partitions;
        Task task;
        if (stage.stage.isMapStage()) {
            partitions = tracker.missingMaps(stage.stage.shuffle().shuffleId(), stage.stage.partitions());
            task = new Task.ShuffleMapTask(stage.stage.node(), stage.stage.shuffle());
        }
        else {
            partitions = new ArrayList<>();
            for (int partition : job.partitions) {
                partitions.add(partition);
            }
            task = new Task.ResultTask(stage.stage.node(), job.action);
        }
        try {
            stage.binary = serde.serialize(task);
        }
        catch (TuskException e) {
            failJob(job.id, e);
            return;
        }
        LOG.debug("Job {}: stage {} launches {} tasks", job.id, stage.stage.id(), partitions.size());
        if (partitions.isEmpty()) {
            stageFinished(job, stage);
            return;
        }
        for (int partition : partitions) {
            launch(job, stage, partition);
        }
    }

    private void launch(Job job, StageRun stage, int partition)
    {
        int attempt = stage.attempts.merge(partition, 1, Integer::sum) - 1;
        stage.done.remove(partition);
        stage.pending++;
        TaskAttemptId attemptId = new TaskAttemptId(job.id, stage.stage.id(), partition, attempt);
        job.running++;
        status.taskLaunched(attemptId, System.currentTimeMillis());
        notify(() -> job.listener.taskLaunched(attemptId, stage.stage.isMapStage()));
        Map<Integer, List<String>> locations = new HashMap<>();
        for (Stage parent : stage.stage.parents()) {
            int shuffleId = parent.shuffle().shuffleId();
            if (tracker.isComplete(shuffleId, parent.partitions())) {
                locations.put(shuffleId, tracker.locations(shuffleId, parent.partitions()));
            }
        }
        boolean alone = stage.outOfMemory.contains(partition);
        if (alone) {
            LOG.info("Task {} ({}) runs alone: an earlier attempt of it ran out of memory", attemptId, stage.stage.node().name());
        }
        TaskPlacement cached = cachedPlacement(job, stage.stage.node(), partition);
        TaskLaunch launch = cached != null && cached.host() != null
                ? new TaskLaunch(attemptId, stage.binary, job.storageLevels, List.of(cached.host()), List.of(cached.executor()), locations, alone)
                : new TaskLaunch(attemptId, stage.binary, job.storageLevels, stage.stage.node().preferredHosts(partition),
                        stage.stage.node().preferredExecutors(partition), locations, alone);
        backend.launch(launch, new TaskListener()
        {
            @Override
            public void succeeded(TaskAttemptId id, TaskPlacement placement, byte[] result)
            {
                post(() -> taskSucceeded(id, placement, result));
            }

            @Override
            public void failed(TaskAttemptId id, TaskPlacement placement, Throwable cause)
            {
                post(() -> taskFailed(id, placement, cause));
            }

            @Override
            public void started(TaskAttemptId id, TaskPlacement placement)
            {
                status.taskPlaced(id, placement);
            }
        });
    }

    private void taskSucceeded(TaskAttemptId id, TaskPlacement placement, byte[] bytes)
    {
        Job job = jobs.get(id.job());
        if (job == null || attemptEnded(job)) {
            return;
        }
        StageRun stage = job.byStageId.get(id.stage());
        if (stage == null || stage.done.contains(id.partition())) {
            return;
        }
        if (stage.stage.isMapStage() && lostExecutors.contains(placement.executor())) {
            // its report raced with the loss of its executor: the output is gone with it
            job.running++;
            taskFailed(id, placement, new ExecutorLostException(placement.executor(), "its output arrived after it was lost"));
            return;
        }
        TaskResult result;
        try {
            result = (TaskResult) serde.deserialize(bytes);
        }
        catch (RuntimeException e) {
            failJob(job.id, new TuskException(ErrorCode.INTERNAL_ERROR, "Cannot read the result of " + id + ": " + e, e));
            return;
        }
        stage.done.add(id.partition());
        if (stage.stage.isMapStage()) {
            tracker.register(stage.stage.shuffle().shuffleId(), id.partition(), placement.executor());
        }
        accumulatorSink.accept(result.accumulatorUpdates());
        status.taskEnded(id, placement, null, false, result.metrics(), System.currentTimeMillis());
        rememberCached(job, stage.stage.node(), id.partition(), placement);
        notify(() -> job.listener.taskEnded(id, stage.stage.isMapStage(), placement, null, result.accumulatorUpdates()));
        if (!stage.stage.isMapStage()) {
            job.results[job.resultIndex.get(id.partition())] = result.value();
        }
        stage.pending--;
        if (stage.pending == 0) {
            stageFinished(job, stage);
        }
    }

    /**
     * Every launched task of {@code stage} has ended. A map stage whose outputs are all known lets
     * the stages that wait for it go on; one that lost outputs meanwhile runs those maps again.
     */
    private void stageFinished(Job job, StageRun stage)
    {
        if (job.finished) {
            return;
        }
        if (stage == job.resultStage) {
            if (stage.parked.isEmpty() && stage.done.size() == job.partitions.length) {
                finishJob(job);
            }
            return;
        }
        if (!shuffleComplete(stage.stage)) {
            if (parentsComplete(stage)) {
                List<Integer> lost = tracker.missingMaps(stage.stage.shuffle().shuffleId(), stage.stage.partitions());
                LOG.info("Job {}: stage {} runs {} maps again whose output was lost", job.id, stage.stage.id(), lost.size());
                for (int partition : lost) {
                    launch(job, stage, partition);
                }
            }
            else {
                // its own inputs were lost: run their stages first
                stage.submitted = false;
                submitStage(job, stage);
            }
            return;
        }
        status.stageCompleted(job.id, stage.stage.id(), System.currentTimeMillis());
        resumeWaitingStages(job);
    }

    /** Launches stages, and reruns parked tasks, whose shuffles are now all complete. */
    private void resumeWaitingStages(Job job)
    {
        for (StageRun waiting : new ArrayList<>(job.byStageId.values())) {
            if (job.finished) {
                return;
            }
            if (!parentsComplete(waiting)) {
                continue;
            }
            if (!waiting.submitted) {
                // every stage of the job feeds its result; one whose shuffle is complete has nothing to do
                if (waiting == job.resultStage || !shuffleComplete(waiting.stage)) {
                    launchStage(job, waiting);
                }
            }
            else if (!waiting.parked.isEmpty()) {
                List<Integer> parked = new ArrayList<>(waiting.parked);
                waiting.parked.clear();
                LOG.info("Job {}: stage {} runs {} tasks again after their inputs were recomputed", job.id, waiting.stage.id(), parked.size());
                for (int partition : parked) {
                    launch(job, waiting, partition);
                }
            }
        }
    }

    private void taskFailed(TaskAttemptId id, TaskPlacement placement, Throwable cause)
    {
        Job job = jobs.get(id.job());
        if (job == null || attemptEnded(job)) {
            return;
        }
        StageRun stage = job.byStageId.get(id.stage());
        if (stage == null || stage.done.contains(id.partition())) {
            return;
        }
        status.taskEnded(id, placement, cause, cause instanceof FetchFailedException || cause instanceof ExecutorLostException, TaskMetrics.NONE,
                System.currentTimeMillis());
        notify(() -> job.listener.taskEnded(id, stage.stage.isMapStage(), placement, cause, Map.of()));
        stage.pending--;
        if (cause instanceof FetchFailedException fetch) {
            fetchFailed(job, stage, id, fetch);
            return;
        }
        if (cause instanceof ExecutorLostException lost) {
            int losses = stage.executorLosses.merge(id.partition(), 1, Integer::sum);
            if (losses <= MAX_EXECUTOR_LOSSES) {
                LOG.info("Task {} ({}) was on lost executor {}, running it again", id, stage.stage.node().name(), lost.executor());
                relaunch(job, stage, id.partition());
                return;
            }
            failJob(job.id, new TuskException(ErrorCode.EXECUTOR_LOST, String.format("Task %s lost its executor %d times, giving up: %s",
                    id, losses, cause.getMessage()), cause));
            return;
        }
        if (ranOutOfMemory(cause)) {
            stage.outOfMemory.add(id.partition());
        }
        int failures = stage.failures.merge(id.partition(), 1, Integer::sum);
        int allowed = Math.max(1, job.listener.maxAttempts(stage.stage.isMapStage(), maxAttempts));
        if (failures < allowed && !(cause instanceof TuskException tusk && tusk.errorCode() == ErrorCode.NOT_SERIALIZABLE)) {
            LOG.info("Task {} ({}) failed, retrying: {}", id, stage.stage.node().name(), cause.toString());
            relaunch(job, stage, id.partition());
            return;
        }
        String message = String.format("Task failed %d time%s, giving up: stage %d (%s), partition %d, attempt %d (%s): %s",
                failures, failures == 1 ? "" : "s", id.stage(), stage.stage.node().name(), id.partition(), id.attempt(), id, cause);
        failJob(job.id, new TuskException(ErrorCode.USER_TASK_FAILED, message, cause));
    }

    /**
     * Whether {@code cause} is, or was caused by, an {@link OutOfMemoryError} (also one an executor
     * could only describe, which prints as the original): the attempt may have failed for the memory
     * the attempts beside it held.
     */
    static boolean ranOutOfMemory(Throwable cause)
    {
        int depth = 0;
        for (Throwable error = cause; error != null && depth < 32; error = error.getCause(), depth++) {
            if (error instanceof OutOfMemoryError || String.valueOf(error).startsWith(OutOfMemoryError.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs a task again: now if the shuffles it reads are complete, else once the maps that lost
     * their output have run again.
     */
    private void relaunch(Job job, StageRun stage, int partition)
    {
        if (parentsComplete(stage)) {
            launch(job, stage, partition);
            return;
        }
        stage.parked.add(partition);
        recomputeParents(job, stage);
    }

    /** Launches the missing maps of the stage's incomplete parents that are not running. */
    private void recomputeParents(Job job, StageRun stage)
    {
        for (Stage parent : stage.stage.parents()) {
            StageRun parentRun = job.state(parent);
            if (!shuffleComplete(parent) && parentRun.pending == 0) {
                parentRun.submitted = false;
                submitStage(job, parentRun);
            }
        }
    }

    /**
     * A task could not read a map's output: forget that output, run the map again, and run the
     * task again once its inputs are complete.
     */
    private void fetchFailed(Job job, StageRun stage, TaskAttemptId id, FetchFailedException fetch)
    {
        int failures = stage.fetchFailures.merge(id.partition(), 1, Integer::sum);
        if (failures > MAX_FETCH_FAILURES) {
            failJob(job.id, new TuskException(ErrorCode.FETCH_FAILED, String.format("Task %s could not read its input %d times, giving up: %s",
                    id, failures, fetch.getMessage()), fetch));
            return;
        }
        if (fetch.executorUnreachable()) {
            lostExecutors.add(fetch.location());
            tracker.removeExecutor(fetch.location());
        }
        else {
            tracker.unregister(fetch.shuffleId(), fetch.mapIndex(), fetch.location());
        }
        LOG.info("Task {} could not fetch map {} of shuffle {} from {}; running the map again", id, fetch.mapIndex(), fetch.shuffleId(), fetch.location());
        stage.parked.add(id.partition());
        recomputeParents(job, stage);
        if (parentsComplete(stage)) {
            // another executor's copy was registered meanwhile
            resumeWaitingStages(job);
        }
    }

    /**
     * Where the task that computed a partition a task reads (of a persisted dataset, through narrow
     * transformations) ran and cached it, if it did: the task runs best on that executor. Null when
     * the partition runs best near its input.
     */
    private TaskPlacement cachedPlacement(Job job, DatasetNode node, int partition)
    {
        for (DatasetNode current = node; current != null; current = current instanceof MapPartitionsNode narrow ? narrow.parent() : null) {
            if (job.storageLevels.containsKey(current.id())) {
                TaskPlacement cached = cachedOn.get(new BlockId(current.id(), partition));
                if (cached != null && cached.host() != null) {
                    return cached;
                }
            }
        }
        return null;
    }

    /** A task that computed partitions of persisted datasets cached them where it ran. */
    private void rememberCached(Job job, DatasetNode node, int partition, TaskPlacement placement)
    {
        if (placement == null || job.storageLevels.isEmpty()) {
            return;
        }
        for (DatasetNode current = node; current != null; current = current instanceof MapPartitionsNode narrow ? narrow.parent() : null) {
            if (job.storageLevels.containsKey(current.id())) {
                cachedOn.put(new BlockId(current.id(), partition), placement);
            }
        }
    }

    /** Forgets where a dataset that is no longer persisted was cached. */
    public void unpersisted(int datasetId)
    {
        post(() -> cachedOn.keySet().removeIf(block -> block.datasetId() == datasetId));
    }

    /** An executor is gone with the map outputs it held: maps whose output a stage still needs run again. */
    public void executorLost(String executor)
    {
        post(() -> {
            lostExecutors.add(executor);
            status.executorLost(executor);
            cachedOn.values().removeIf(placement -> executor.equals(placement.executor()));
            Set<Integer> shuffles = tracker.removeExecutor(executor);
            if (shuffles.isEmpty()) {
                return;
            }
            LOG.info("Executor {} was lost with map outputs of shuffles {}", executor, shuffles);
            for (Job job : List.copyOf(jobs.values())) {
                for (StageRun stage : new ArrayList<>(job.byStageId.values())) {
                    if (!job.finished && stage.stage.isMapStage() && shuffles.contains(stage.stage.shuffle().shuffleId())
                            && stage.submitted && stage.pending == 0 && isNeededLater(job, stage)) {
                        stage.submitted = false;
                        submitStage(job, stage);
                    }
                }
            }
        });
    }

    /** Whether some stage that reads {@code stage}'s shuffle has tasks still to run. */
    private static boolean isNeededLater(Job job, StageRun stage)
    {
        for (StageRun other : job.byStageId.values()) {
            if (other.stage.parents().stream().anyMatch(parent -> parent.id() == stage.stage.id())
                    && (!other.submitted || other.pending > 0 || !other.parked.isEmpty())) {
                return true;
            }
        }
        return false;
    }

    private static void notify(Runnable call)
    {
        try {
            call.run();
        }
        catch (RuntimeException e) {
            LOG.warn("Job listener failed", e);
        }
    }

    private void finishJob(Job job)
    {
        job.finished = true;
        jobs.remove(job.id);
        long now = System.currentTimeMillis();
        status.stageCompleted(job.id, job.resultStage.stage.id(), now);
        status.jobEnded(job.id, StatusStore.State.SUCCEEDED, null, now);
        job.future.complete(Arrays.asList(job.results));
    }

    /**
     * Counts an attempt's end; returns true when the job already failed, in which case the failure
     * is reported once the last running attempt has ended.
     */
    private boolean attemptEnded(Job job)
    {
        job.running--;
        if (!job.finished) {
            return false;
        }
        completeFailedJob(job);
        return true;
    }

    /**
     * Fails the job: no more attempts start, and the caller learns of the failure when the attempts
     * still running have ended, so that it never cleans up (aborts output, deletes inputs) under
     * their feet.
     */
    private void failJob(int jobId, TuskException failure)
    {
        Job job = jobs.get(jobId);
        if (job == null || job.finished) {
            return;
        }
        job.finished = true;
        job.failure = failure;
        LOG.debug("Job {} failed", jobId, failure);
        if (job.running > 0) {
            // the backend reports attempts that ignore the cancellation as failed after a grace period
            backend.cancel(jobId);
        }
        completeFailedJob(job);
    }

    private void completeFailedJob(Job job)
    {
        if (job.running <= 0 && jobs.remove(job.id) != null) {
            status.jobEnded(job.id, job.failure.errorCode() == ErrorCode.JOB_CANCELLED ? StatusStore.State.KILLED : StatusStore.State.FAILED,
                    job.failure.getMessage(), System.currentTimeMillis());
            job.future.completeExceptionally(job.failure);
        }
    }

    @Override
    public void close()
    {
        stopped = true;
        post(() -> {
            for (Integer jobId : List.copyOf(jobs.keySet())) {
                failJob(jobId, new TuskException(ErrorCode.CONTEXT_CLOSED, "The Tusk context was closed while job " + jobId + " was running"));
                Job job = jobs.remove(jobId);
                if (job != null) {
                    status.jobEnded(jobId, StatusStore.State.FAILED, job.failure.getMessage(), System.currentTimeMillis());
                    job.future.completeExceptionally(job.failure);
                }
            }
        });
        try {
            eventLoop.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job's state; confined to the event loop. */
    private static final class Job
    {
        final int id;
        final DatasetNode node;
        final int[] partitions;
        final Map<Integer, Integer> resultIndex = new HashMap<>();
        final PartitionAction<?> action;
        final Map<Integer, StorageLevel> storageLevels;
        final String description;
        final JobListener listener;
        final CompletableFuture<List<Object>> future;
        final Object[] results;
        final Map<Integer, StageRun> byStageId = new HashMap<>();
        StageRun resultStage;
        boolean finished;
        TuskException failure;
        int running;

        Job(int id, DatasetNode node, int[] partitions, PartitionAction<?> action, Map<Integer, StorageLevel> storageLevels, String description, JobListener listener,
                CompletableFuture<List<Object>> future)
        {
            this.listener = listener;
            this.id = id;
            this.node = node;
            this.partitions = partitions;
            for (int i = 0; i < partitions.length; i++) {
                resultIndex.put(partitions[i], i);
            }
            this.action = action;
            this.storageLevels = storageLevels;
            this.description = description;
            this.future = future;
            this.results = new Object[partitions.length];
        }

        StageRun state(Stage stage)
        {
            return byStageId.computeIfAbsent(stage.id(), id -> new StageRun(stage));
        }
    }

    /** A stage's progress within a job; confined to the event loop. */
    private static final class StageRun
    {
        final Stage stage;
        final Set<Integer> done = new java.util.HashSet<>();
        /** Partitions that could not read their input, waiting for the maps to run again. */
        final Set<Integer> parked = new java.util.TreeSet<>();
        /** Attempts launched per partition: the next attempt's number. */
        final Map<Integer, Integer> attempts = new HashMap<>();
        final Map<Integer, Integer> failures = new HashMap<>();
        final Map<Integer, Integer> fetchFailures = new HashMap<>();
        final Map<Integer, Integer> executorLosses = new HashMap<>();
        /** Partitions an attempt of which ran out of memory: they run alone from then on. */
        final Set<Integer> outOfMemory = new java.util.HashSet<>();
        byte[] binary;
        int pending;
        boolean submitted;

        StageRun(Stage stage)
        {
            this.stage = stage;
        }
    }
}
