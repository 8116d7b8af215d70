package io.tusk.engine.scheduler;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.serde.Serde;
import io.tusk.engine.shuffle.ShuffleService;
import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.TaskAttemptId;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private final Backend backend;
    private final ShuffleService shuffleService;
    private final Serde serde;
    private final int maxAttempts;
    private final IntPredicate fullyCached;
    private final Consumer<Map<Long, Object>> accumulatorSink;
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Thread eventLoop;
    private final AtomicInteger nextJobId = new AtomicInteger();
    private final AtomicInteger nextStageId = new AtomicInteger();
    private volatile boolean stopped;

    // confined to the event loop
    private final Map<Integer, Job> jobs = new HashMap<>();

    /**
     * @param fullyCached whether every partition of a dataset (by id) is cached
     * @param accumulatorSink receives the accumulator updates of each successful attempt, on the event loop
     */
    public DagScheduler(Backend backend, ShuffleService shuffleService, Serde serde, int maxAttempts,
            IntPredicate fullyCached, Consumer<Map<Long, Object>> accumulatorSink)
    {
        checkArgument(maxAttempts >= 1, "maxAttempts must be at least 1: %s", maxAttempts);
        this.backend = requireNonNull(backend, "backend is null");
        this.shuffleService = requireNonNull(shuffleService, "shuffleService is null");
        this.serde = requireNonNull(serde, "serde is null");
        this.maxAttempts = maxAttempts;
        this.fullyCached = requireNonNull(fullyCached, "fullyCached is null");
        this.accumulatorSink = requireNonNull(accumulatorSink, "accumulatorSink is null");
        this.eventLoop = new Thread(this::runEventLoop, "tusk-dag-scheduler");
        eventLoop.setDaemon(true);
        eventLoop.start();
    }

    /** The plan of an action on {@code node}, as text. */
    public String explain(DatasetNode node, IntPredicate persisted)
    {
        Map<Integer, Integer> maps = new HashMap<>();
        collectShuffles(node, maps);
        Planner planner = new Planner(new AtomicInteger(), fullyCached,
                shuffleId -> maps.containsKey(shuffleId) && shuffleService.missingMaps(shuffleId, maps.get(shuffleId)).isEmpty());
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
        LOG.debug("Job {} ({}): {} stages", job.id, job.description, job.byStageId.size());
        submitStage(job, job.resultStage);
    }

    private void submitStage(Job job, StageRun stage)
    {
        if (job.finished || stage.submitted) {
            return;
        }
        List<StageRun> missing = new ArrayList<>();
        for (Stage parent : stage.stage.parents()) {
            StageRun parentRun = job.state(parent);
            if (!parentRun.complete && !shuffleComplete(parent)) {
                missing.add(parentRun);
            }
        }
        if (!missing.isEmpty()) {
            for (StageRun parent : missing) {
                submitStage(job, parent);
            }
            return;
        }
        launchStage(job, stage);
    }

    private boolean shuffleComplete(Stage stage)
    {
        return shuffleService.missingMaps(stage.shuffle().shuffleId(), stage.partitions()).isEmpty();
    }

    private void launchStage(Job job, StageRun stage)
    {
        stage.submitted = true;
        List<Integer> partitions;
        Task task;
        if (stage.stage.isMapStage()) {
            partitions = shuffleService.missingMaps(stage.stage.shuffle().shuffleId(), stage.stage.partitions());
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
        stage.pending = partitions.size();
        LOG.debug("Job {}: stage {} launches {} tasks", job.id, stage.stage.id(), partitions.size());
        if (partitions.isEmpty()) {
            stageComplete(job, stage);
            return;
        }
        for (int partition : partitions) {
            launch(job, stage, partition, 0);
        }
    }

    private void launch(Job job, StageRun stage, int partition, int attempt)
    {
        TaskAttemptId attemptId = new TaskAttemptId(job.id, stage.stage.id(), partition, attempt);
        job.running++;
        notify(() -> job.listener.taskLaunched(attemptId, stage.stage.isMapStage()));
        backend.launch(new TaskLaunch(attemptId, stage.binary, job.storageLevels, stage.stage.node().preferredHosts(partition)), new TaskListener()
        {
            @Override
            public void succeeded(TaskAttemptId id, byte[] result)
            {
                post(() -> taskSucceeded(id, result));
            }

            @Override
            public void failed(TaskAttemptId id, Throwable cause)
            {
                post(() -> taskFailed(id, cause));
            }
        });
    }

    private void taskSucceeded(TaskAttemptId id, byte[] bytes)
    {
        Job job = jobs.get(id.job());
        if (job == null || attemptEnded(job)) {
            return;
        }
        StageRun stage = job.byStageId.get(id.stage());
        if (stage == null || stage.done.contains(id.partition())) {
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
        accumulatorSink.accept(result.accumulatorUpdates());
        notify(() -> job.listener.taskEnded(id, stage.stage.isMapStage(), null));
        if (!stage.stage.isMapStage()) {
            job.results[job.resultIndex.get(id.partition())] = result.value();
        }
        stage.pending--;
        if (stage.pending == 0) {
            stageComplete(job, stage);
        }
    }

    private void stageComplete(Job job, StageRun stage)
    {
        stage.complete = true;
        if (stage == job.resultStage) {
            finishJob(job);
            return;
        }
        for (StageRun waiting : new ArrayList<>(job.byStageId.values())) {
            if (!waiting.submitted && waiting.stage.parents().stream().anyMatch(parent -> parent.id() == stage.stage.id())) {
                submitStage(job, waiting);
            }
        }
    }

    private void taskFailed(TaskAttemptId id, Throwable cause)
    {
        Job job = jobs.get(id.job());
        if (job == null || attemptEnded(job)) {
            return;
        }
        StageRun stage = job.byStageId.get(id.stage());
        if (stage == null || stage.done.contains(id.partition())) {
            return;
        }
        int failures = stage.failures.merge(id.partition(), 1, Integer::sum);
        notify(() -> job.listener.taskEnded(id, stage.stage.isMapStage(), cause));
        int allowed = Math.max(1, job.listener.maxAttempts(stage.stage.isMapStage(), maxAttempts));
        if (failures < allowed && !(cause instanceof TuskException tusk && tusk.errorCode() == ErrorCode.NOT_SERIALIZABLE)) {
            LOG.info("Task {} ({}) failed, retrying: {}", id, stage.stage.node().name(), cause.toString());
            launch(job, stage, id.partition(), id.attempt() + 1);
            return;
        }
        String message = String.format("Task failed %d time%s, giving up: stage %d (%s), partition %d, attempt %d (%s): %s",
                failures, failures == 1 ? "" : "s", id.stage(), stage.stage.node().name(), id.partition(), id.attempt(), id, cause);
        failJob(job.id, new TuskException(ErrorCode.USER_TASK_FAILED, message, cause));
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
        final java.util.Set<Integer> done = new java.util.HashSet<>();
        final Map<Integer, Integer> failures = new HashMap<>();
        byte[] binary;
        int pending;
        boolean submitted;
        boolean complete;

        StageRun(Stage stage)
        {
            this.stage = stage;
        }
    }
}
