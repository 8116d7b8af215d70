package io.tusk.engine.status;

import io.tusk.engine.scheduler.Stage;
import io.tusk.engine.scheduler.TaskMetrics;
import io.tusk.engine.scheduler.TaskPlacement;
import io.tusk.engine.task.TaskAttemptId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * What the engine's jobs did and are doing, for the web UI and its JSON API: each job with its
 * stages (the DAG), each stage with its task attempts (state, times, executor, host, locality,
 * error), the executors the attempts ran on, and what the program that submitted a job says about
 * it ({@link #describe}: a MapReduce job's name, user and counters). The scheduler reports into it
 * from its event loop; readers render JSON from it at any time. Keeps the last {@code retainedJobs}
 * finished jobs. Thread-safe.
 */
public final class StatusStore
{
    /** What a program says about the jobs it runs under one description (a MapReduce job's id). */
    public interface Details
    {
        /** What kind of job: {@code MapReduce}, {@code Dataset}. */
        String kind();

        String name();

        String user();

        /** The job's counters now: group → counter → value. */
        Map<String, Map<String, Long>> counters();
    }

    public enum State
    {
        WAITING, RUNNING, SUCCEEDED, FAILED, KILLED
    }

    /** A finished job as the UI shows it, for Tusk's event log and its history server. */
    public record JobRecord(int id, String description, String kind, String name, String user, State state, long submitted, long completed,
            String error, List<StageRecord> stages, Map<String, Map<String, Long>> counters)
    {
        public JobRecord
        {
            stages = List.copyOf(stages);
            counters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        }
    }

    public record StageRecord(int id, String name, boolean mapStage, int partitions, List<Integer> parents, List<String> cached, State state,
            long submitted, long completed, List<AttemptRecord> attempts)
    {
        public StageRecord
        {
            parents = List.copyOf(parents);
            cached = List.copyOf(cached);
            attempts = List.copyOf(attempts);
        }
    }

    /**
     * @param executor, host, locality, error null when not known
     * @param shuffleRecords, shuffleBytes, spilledBytes what a successful map attempt wrote into the shuffle (bytes in memory and on disk), and of those on disk
     */
    public record AttemptRecord(int partition, int attempt, State state, long started, long ended, String executor, String host, String locality,
            String error, long shuffleRecords, long shuffleBytes, long spilledBytes) {}

    /** A stage that runs now, for the console's progress bar. */
    public record RunningStage(int jobId, int stageId, String kind, int tasks, int succeeded, int running, long records, long submitted,
            long jobSubmitted) {}

    /** Hears that a job ended (on the scheduler's thread: it must only hand the job's id on). */
    public interface EndListener
    {
        void jobEnded(int jobId);
    }

    private static final class JobView
    {
        final int id;
        final String description;
        final long submitted;
        long completed;
        State state = State.RUNNING;
        String error;
        final Map<Integer, StageView> stages = new LinkedHashMap<>();

        JobView(int id, String description, long submitted)
        {
            this.id = id;
            this.description = description;
            this.submitted = submitted;
        }

        long attempts()
        {
            long attempts = 0;
            for (StageView stage : stages.values()) {
                attempts += stage.attempts.size();
            }
            return attempts;
        }
    }

    private static final class StageView
    {
        final int id;
        final String name;
        final boolean mapStage;
        final int partitions;
        final List<Integer> parents = new ArrayList<>();
        /** The persisted datasets it computes or reads from the cache. */
        final List<String> cached = new ArrayList<>();
        State state = State.WAITING;
        long submitted;
        long completed;
        final Map<TaskAttemptId, AttemptView> attempts = new LinkedHashMap<>();

        StageView(Stage stage)
        {
            this.id = stage.id();
            this.name = stage.node().name();
            this.mapStage = stage.isMapStage();
            this.partitions = stage.partitions();
            for (Stage parent : stage.parents()) {
                parents.add(parent.id());
            }
        }

        StageView(StageRecord stage)
        {
            this.id = stage.id();
            this.name = stage.name();
            this.mapStage = stage.mapStage();
            this.partitions = stage.partitions();
            this.parents.addAll(stage.parents());
            this.cached.addAll(stage.cached());
            this.state = stage.state();
            this.submitted = stage.submitted();
            this.completed = stage.completed();
        }
    }

    private static final class AttemptView
    {
        final TaskAttemptId id;
        final long started;
        long ended;
        State state = State.RUNNING;
        String executor;
        String host;
        String locality;
        String error;
        long shuffleRecords;
        long shuffleBytes;
        long spilledBytes;

        AttemptView(TaskAttemptId id, long started)
        {
            this.id = id;
            this.started = started;
        }
    }

    private static final class ExecutorView
    {
        final String id;
        final String host;
        int succeeded;
        int failed;
        long taskMillis;
        boolean lost;

        ExecutorView(String id, String host)
        {
            this.id = id;
            this.host = host;
        }
    }

    /** Finished jobs' task attempts kept at most (about 150 bytes each), whatever the number of jobs. */
    private static final long RETAINED_ATTEMPTS = 200_000;
    private final int retainedJobs;
    private final long retainedAttempts;
    private final long started = System.currentTimeMillis();
    private final Map<Integer, JobView> jobs = new LinkedHashMap<>();
    private final Map<String, Details> details = new HashMap<>();
    /** What restored jobs were, by their ids here. */
    private final Map<Integer, Details> restoredDetails = new HashMap<>();
    private final Map<String, ExecutorView> executors = new LinkedHashMap<>();
    private Supplier<Map<String, Long>> memory = Map::of;
    private final List<EndListener> endListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int nextRestoredId;

    public StatusStore(int retainedJobs)
    {
        this(retainedJobs, RETAINED_ATTEMPTS);
    }

    /** @param retainedAttempts older finished jobs are forgotten while their task attempts together exceed this */
    public StatusStore(int retainedJobs, long retainedAttempts)
    {
        this.retainedJobs = retainedJobs;
        this.retainedAttempts = retainedAttempts;
    }

    /** Where the memory figures come from: name → bytes (budget, used, peak, cache…). */
    public synchronized void memorySource(Supplier<Map<String, Long>> memory)
    {
        this.memory = requireNonNull(memory, "memory is null");
    }

    /** Says what the jobs described as {@code description} are; forgotten with the last of them. */
    public synchronized void describe(String description, Details jobDetails)
    {
        details.put(requireNonNull(description, "description is null"), requireNonNull(jobDetails, "jobDetails is null"));
    }

    // from the scheduler's event loop

    /** @param cached by stage id, the persisted datasets the stage computes or reads from the cache */
    public synchronized void jobSubmitted(int jobId, String description, List<Stage> stages, Map<Integer, List<String>> cached, long time)
    {
        JobView job = new JobView(jobId, description, time);
        for (Stage stage : stages) {
            StageView view = new StageView(stage);
            view.cached.addAll(cached.getOrDefault(stage.id(), List.of()));
            job.stages.put(stage.id(), view);
        }
        jobs.put(jobId, job);
    }

    public synchronized void stageSubmitted(int jobId, int stageId, long time)
    {
        StageView stage = stage(jobId, stageId);
        if (stage != null) {
            stage.state = State.RUNNING;
            stage.submitted = stage.submitted == 0 ? time : stage.submitted;
            stage.completed = 0;
        }
    }

    public synchronized void stageCompleted(int jobId, int stageId, long time)
    {
        StageView stage = stage(jobId, stageId);
        if (stage != null) {
            stage.state = State.SUCCEEDED;
            stage.completed = time;
        }
    }

    public synchronized void taskLaunched(TaskAttemptId attempt, long time)
    {
        StageView stage = stage(attempt.job(), attempt.stage());
        if (stage != null) {
            stage.attempts.put(attempt, new AttemptView(attempt, time));
        }
    }

    /** The attempt runs on {@code placement}; it may have ended already. */
    public synchronized void taskPlaced(TaskAttemptId attempt, TaskPlacement placement)
    {
        StageView stage = stage(attempt.job(), attempt.stage());
        AttemptView view = stage == null ? null : stage.attempts.get(attempt);
        if (view != null && view.executor == null) {
            view.executor = placement.executor();
            view.host = placement.host();
            view.locality = placement.locality().name();
        }
    }

    /** @param failure null when the attempt succeeded */
    public synchronized void taskEnded(TaskAttemptId attempt, TaskPlacement placement, Throwable failure, boolean killed, TaskMetrics metrics, long time)
    {
        StageView stage = stage(attempt.job(), attempt.stage());
        if (stage == null) {
            return;
        }
        AttemptView view = stage.attempts.computeIfAbsent(attempt, id -> new AttemptView(id, time));
        view.ended = time;
        view.state = failure == null ? State.SUCCEEDED : killed ? State.KILLED : State.FAILED;
        view.error = failure == null ? null : failure.toString();
        view.shuffleRecords = metrics.shuffleRecords();
        view.shuffleBytes = metrics.shuffleMemoryBytes() + metrics.shuffleSpilledBytes();
        view.spilledBytes = metrics.shuffleSpilledBytes();
        if (placement != null) {
            view.executor = placement.executor();
            view.host = placement.host();
            view.locality = placement.locality().name();
            ExecutorView executor = executors.computeIfAbsent(placement.executor(), id -> new ExecutorView(id, placement.host()));
            if (failure == null) {
                executor.succeeded++;
            }
            else {
                executor.failed++;
            }
            executor.taskMillis += time - view.started;
        }
    }

    public synchronized void executorLost(String executor)
    {
        ExecutorView view = executors.get(executor);
        if (view != null) {
            view.lost = true;
        }
    }

    public synchronized void jobEnded(int jobId, State state, String error, long time)
    {
        JobView job = jobs.get(jobId);
        if (job == null) {
            return;
        }
        job.state = state;
        job.error = error;
        job.completed = time;
        for (StageView stage : job.stages.values()) {
            if (stage.state == State.RUNNING || stage.state == State.WAITING) {
                stage.state = state == State.SUCCEEDED ? State.SUCCEEDED : stage.state == State.RUNNING ? state : State.WAITING;
            }
            for (AttemptView attempt : stage.attempts.values()) {
                if (attempt.state == State.RUNNING) {
                    attempt.state = State.KILLED;
                    attempt.ended = time;
                }
            }
        }
        forgetOldJobs();
        for (EndListener listener : endListeners) {
            listener.jobEnded(jobId);
        }
    }

    public void onJobEnded(EndListener listener)
    {
        endListeners.add(requireNonNull(listener, "listener is null"));
    }

    /** The job as it is now, with its counters; null when it is not (or no longer) known. */
    public synchronized JobRecord snapshot(int jobId)
    {
        JobView job = jobs.get(jobId);
        if (job == null) {
            return null;
        }
        List<StageRecord> stages = new ArrayList<>();
        for (StageView stage : job.stages.values()) {
            List<AttemptRecord> attempts = new ArrayList<>();
            for (AttemptView attempt : stage.attempts.values()) {
                attempts.add(new AttemptRecord(attempt.id.partition(), attempt.id.attempt(), attempt.state, attempt.started, attempt.ended,
                        attempt.executor, attempt.host, attempt.locality, attempt.error, attempt.shuffleRecords, attempt.shuffleBytes, attempt.spilledBytes));
            }
            stages.add(new StageRecord(stage.id, stage.name, stage.mapStage, stage.partitions, stage.parents, stage.cached, stage.state, stage.submitted,
                    stage.completed, attempts));
        }
        Details described = detailsOf(job);
        return new JobRecord(job.id, job.description, described == null ? "Dataset" : described.kind(), described == null ? job.description : described.name(),
                described == null ? null : described.user(), job.state, job.submitted, job.completed, job.error, stages,
                described == null ? Map.of() : described.counters());
    }

    /**
     * Adds a finished job read back from an event log, under an id of its own (jobs of several
     * processes share numbers); returns that id.
     */
    public synchronized int restore(JobRecord record)
    {
        while (jobs.containsKey(nextRestoredId)) {
            nextRestoredId++;
        }
        int id = nextRestoredId++;
        JobView job = new JobView(id, record.description(), record.submitted());
        job.state = record.state();
        job.completed = record.completed();
        job.error = record.error();
        for (StageRecord stage : record.stages()) {
            StageView view = new StageView(stage);
            for (AttemptRecord attempt : stage.attempts()) {
                AttemptView attemptView = new AttemptView(new TaskAttemptId(id, stage.id(), attempt.partition(), attempt.attempt()), attempt.started());
                attemptView.ended = attempt.ended();
                attemptView.state = attempt.state();
                attemptView.executor = attempt.executor();
                attemptView.host = attempt.host();
                attemptView.locality = attempt.locality();
                attemptView.error = attempt.error();
                attemptView.shuffleRecords = attempt.shuffleRecords();
                attemptView.shuffleBytes = attempt.shuffleBytes();
                attemptView.spilledBytes = attempt.spilledBytes();
                view.attempts.put(attemptView.id, attemptView);
                if (attempt.executor() != null) {
                    ExecutorView executor = executors.computeIfAbsent(attempt.executor(), executorId -> new ExecutorView(executorId, attempt.host()));
                    executor.succeeded += attempt.state() == State.SUCCEEDED ? 1 : 0;
                    executor.failed += attempt.state() == State.FAILED ? 1 : 0;
                    executor.taskMillis += Math.max(0, attempt.ended() - attempt.started());
                }
            }
            job.stages.put(stage.id(), view);
        }
        jobs.put(id, job);
        restoredDetails.put(id, new Details()
        {
            @Override
            public String kind()
            {
                return record.kind();
            }

            @Override
            public String name()
            {
                return record.name();
            }

            @Override
            public String user()
            {
                return record.user();
            }

            @Override
            public Map<String, Map<String, Long>> counters()
            {
                return record.counters();
            }
        });
        forgetOldJobs();
        return id;
    }

    private void forgetOldJobs()
    {
        long finished = 0;
        long attempts = 0;
        for (JobView job : jobs.values()) {
            if (job.completed != 0) {
                finished++;
                attempts += job.attempts();
            }
        }
        var iterator = jobs.values().iterator();
        while ((finished > retainedJobs || attempts > retainedAttempts) && iterator.hasNext()) {
            JobView job = iterator.next();
            if (job.completed != 0) {
                iterator.remove();
                restoredDetails.remove(job.id);
                finished--;
                attempts -= job.attempts();
                if (jobs.values().stream().noneMatch(other -> other.description.equals(job.description))) {
                    details.remove(job.description);
                }
            }
        }
    }

    private Details detailsOf(JobView job)
    {
        Details restored = restoredDetails.get(job.id);
        return restored != null ? restored : details.get(job.description);
    }

    private StageView stage(int jobId, int stageId)
    {
        JobView job = jobs.get(jobId);
        return job == null ? null : job.stages.get(stageId);
    }

    // readers

    /** The stages that run now, oldest job first. */
    public synchronized List<RunningStage> runningStages()
    {
        List<RunningStage> running = new ArrayList<>();
        for (JobView job : jobs.values()) {
            if (job.state != State.RUNNING) {
                continue;
            }
            for (StageView stage : job.stages.values()) {
                if (stage.state != State.RUNNING) {
                    continue;
                }
                int succeeded = 0;
                int active = 0;
                long records = 0;
                for (AttemptView attempt : stage.attempts.values()) {
                    succeeded += attempt.state == State.SUCCEEDED ? 1 : 0;
                    active += attempt.state == State.RUNNING ? 1 : 0;
                    records += attempt.shuffleRecords;
                }
                running.add(new RunningStage(job.id, stage.id, stage.mapStage ? "map" : "result", stage.partitions, succeeded, active, records,
                        stage.submitted, job.submitted));
            }
        }
        return running;
    }

    /** Every retained job, newest first, with its stages' task counts but not its tasks. */
    public synchronized String jobsJson()
    {
        Json json = new Json().beginObject().time("started", started).field("now", System.currentTimeMillis()).name("jobs").beginArray();
        List<JobView> newestFirst = new ArrayList<>(jobs.values());
        java.util.Collections.reverse(newestFirst);
        for (JobView job : newestFirst) {
            writeJob(json, job, false);
        }
        return json.endArray().endObject().toString();
    }

    /** One job with its stages and counters; null when it is not (or no longer) known. */
    public synchronized String jobJson(int jobId)
    {
        JobView job = jobs.get(jobId);
        if (job == null) {
            return null;
        }
        Json json = new Json();
        writeJob(json, job, true);
        return json.toString();
    }

    /** One stage with all its task attempts; null when it is not known. */
    public synchronized String stageJson(int jobId, int stageId)
    {
        StageView stage = stage(jobId, stageId);
        if (stage == null) {
            return null;
        }
        Json json = new Json();
        writeStage(json, stage, true);
        return json.toString();
    }

    public synchronized String executorsJson()
    {
        Json json = new Json().beginObject().name("executors").beginArray();
        Map<String, Integer> running = new HashMap<>();
        for (JobView job : jobs.values()) {
            for (StageView stage : job.stages.values()) {
                for (AttemptView attempt : stage.attempts.values()) {
                    if (attempt.state == State.RUNNING && attempt.executor != null) {
                        running.merge(attempt.executor, 1, Integer::sum);
                    }
                }
            }
        }
        for (ExecutorView executor : executors.values()) {
            json.beginObject().field("id", executor.id).field("host", executor.host).field("lost", executor.lost)
                    .field("runningTasks", running.getOrDefault(executor.id, 0)).field("succeededTasks", executor.succeeded).field("failedTasks", executor.failed).field("taskMillis", executor.taskMillis)
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    public String memoryJson()
    {
        Supplier<Map<String, Long>> source;
        synchronized (this) {
            source = memory;
        }
        Map<String, Long> figures = source.get();
        Json json = new Json().beginObject();
        figures.forEach(json::field);
        return json.endObject().toString();
    }

    private void writeJob(Json json, JobView job, boolean full)
    {
        json.beginObject().field("id", job.id).field("description", job.description).field("state", job.state.name())
                .time("submitted", job.submitted).time("completed", job.completed).field("error", job.error);
        Details described = detailsOf(job);
        if (described != null) {
            json.field("kind", described.kind()).field("name", described.name()).field("user", described.user());
        }
        else {
            json.field("kind", "Dataset").field("name", job.description);
        }
        int tasks = 0;
        int succeeded = 0;
        int running = 0;
        for (StageView stage : job.stages.values()) {
            tasks += stage.partitions;
            for (AttemptView attempt : stage.attempts.values()) {
                succeeded += attempt.state == State.SUCCEEDED ? 1 : 0;
                running += attempt.state == State.RUNNING ? 1 : 0;
            }
        }
        json.field("tasks", tasks).field("succeededTasks", succeeded).field("runningTasks", running);
        json.name("stages").beginArray();
        for (StageView stage : job.stages.values()) {
            writeStage(json, stage, false);
        }
        json.endArray();
        if (full && described != null) {
            json.name("counters").beginObject();
            for (Map.Entry<String, Map<String, Long>> group : described.counters().entrySet()) {
                json.name(group.getKey()).beginObject();
                group.getValue().forEach(json::field);
                json.endObject();
            }
            json.endObject();
        }
        json.endObject();
    }

    private static void writeStage(Json json, StageView stage, boolean withAttempts)
    {
        int succeeded = 0;
        int running = 0;
        int failed = 0;
        int killed = 0;
        long records = 0;
        long bytes = 0;
        long spilled = 0;
        for (AttemptView attempt : stage.attempts.values()) {
            records += attempt.shuffleRecords;
            bytes += attempt.shuffleBytes;
            spilled += attempt.spilledBytes;
            switch (attempt.state) {
                case SUCCEEDED -> succeeded++;
                case RUNNING -> running++;
                case FAILED -> failed++;
                case KILLED -> killed++;
                case WAITING -> {
                }
            }
        }
        json.beginObject().field("id", stage.id).field("name", stage.name).field("kind", stage.mapStage ? "shuffle map" : "result")
                .field("state", stage.state.name()).field("tasks", stage.partitions).field("attempts", stage.attempts.size())
                .field("succeededAttempts", succeeded).field("runningAttempts", running).field("failedAttempts", failed).field("killedAttempts", killed)
                .time("submitted", stage.submitted).time("completed", stage.completed)
                .field("shuffleRecords", records).field("shuffleBytes", bytes).field("spilledBytes", spilled);
        json.name("parents").beginArray();
        for (int parent : stage.parents) {
            json.value(parent);
        }
        json.endArray();
        json.name("cached").beginArray();
        for (String dataset : stage.cached) {
            json.value(dataset);
        }
        json.endArray();
        if (withAttempts) {
            json.name("taskAttempts").beginArray();
            for (AttemptView attempt : stage.attempts.values()) {
                json.beginObject().field("partition", attempt.id.partition()).field("attempt", attempt.id.attempt()).field("state", attempt.state.name())
                        .time("started", attempt.started).time("ended", attempt.ended)
                        .field("durationMillis", (attempt.ended == 0 ? System.currentTimeMillis() : attempt.ended) - attempt.started)
                        .field("executor", attempt.executor).field("host", attempt.host).field("locality", attempt.locality).field("error", attempt.error)
                        .field("shuffleRecords", attempt.shuffleRecords).field("shuffleBytes", attempt.shuffleBytes).field("spilledBytes", attempt.spilledBytes)
                        .endObject();
            }
            json.endArray();
        }
        json.endObject();
    }
}
