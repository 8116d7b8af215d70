package io.tusk.engine.task;

import io.tusk.engine.storage.StorageLevel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The attempt a thread is running, with the executor's services. User functions can read it through
 * {@link #get()} (for the partition and attempt number). Confined to the task's thread.
 */
public final class TaskContext
{
    private static final Logger LOG = LogManager.getLogger(TaskContext.class);
    private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

    private final TaskAttemptId attemptId;
    private final ExecutorEnv env;
    private final Map<Integer, StorageLevel> storageLevels;
    private final Map<Integer, List<String>> shuffleLocations;
    private final Map<Long, Object> accumulatorUpdates = new HashMap<>();
    private final Map<Long, TaskAccumulator> accumulators = new HashMap<>();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    private final AtomicBoolean cancelled;
    private final AttemptProgress progress;

    public TaskContext(TaskAttemptId attemptId, ExecutorEnv env, Map<Integer, StorageLevel> storageLevels)
    {
        this(attemptId, env, storageLevels, Map.of(), new AtomicBoolean());
    }

    /**
     * @param shuffleLocations for each shuffle the task reads (by id), the executor holding each map's output
     * @param cancelled set by the backend when the attempt's job is cancelled
     */
    public TaskContext(TaskAttemptId attemptId, ExecutorEnv env, Map<Integer, StorageLevel> storageLevels, Map<Integer, List<String>> shuffleLocations,
            AtomicBoolean cancelled)
    {
        this(attemptId, env, storageLevels, shuffleLocations, cancelled, new AttemptProgress());
    }

    /**
     * @param shuffleLocations for each shuffle the task reads (by id), the executor holding each map's output
     * @param cancelled set by the backend when the attempt's job is cancelled
     * @param progress what the task ticks as it makes progress, watched by the executor
     */
    public TaskContext(TaskAttemptId attemptId, ExecutorEnv env, Map<Integer, StorageLevel> storageLevels, Map<Integer, List<String>> shuffleLocations,
            AtomicBoolean cancelled, AttemptProgress progress)
    {
        this.progress = requireNonNull(progress, "progress is null");
        this.shuffleLocations = Map.copyOf(requireNonNull(shuffleLocations, "shuffleLocations is null"));
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
        this.attemptId = requireNonNull(attemptId, "attemptId is null");
        this.env = requireNonNull(env, "env is null");
        this.storageLevels = Map.copyOf(requireNonNull(storageLevels, "storageLevels is null"));
    }

    /** The context of the task running on this thread; fails outside a task. */
    public static TaskContext get()
    {
        TaskContext context = CURRENT.get();
        if (context == null) {
            throw new IllegalStateException("No task is running on this thread");
        }
        return context;
    }

    public static Optional<TaskContext> current()
    {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes this the context of the calling thread until {@link #detach()}. */
    public void attach()
    {
        CURRENT.set(this);
    }

    public void detach()
    {
        CURRENT.remove();
    }

    /**
     * True once the attempt's job was cancelled (or failed), even if user code swallowed the
     * interrupt: the attempt's results will not be used and it must not publish output.
     */
    public boolean isCancelled()
    {
        return cancelled.get() || Thread.currentThread().isInterrupted();
    }

    /** How this attempt tells its executor it makes progress (see {@link AttemptProgress}). */
    public AttemptProgress progress()
    {
        return progress;
    }

    public TaskAttemptId attemptId()
    {
        return attemptId;
    }

    public int partition()
    {
        return attemptId.partition();
    }

    public int attemptNumber()
    {
        return attemptId.attempt();
    }

    public int stageId()
    {
        return attemptId.stage();
    }

    public ExecutorEnv env()
    {
        return env;
    }

    /** The level a dataset is persisted at, or null. */
    public StorageLevel storageLevel(int datasetId)
    {
        return storageLevels.get(datasetId);
    }

    /** The executor holding each map's output of shuffle {@code shuffleId}, in map order. */
    public List<String> shuffleLocations(int shuffleId)
    {
        List<String> locations = shuffleLocations.get(shuffleId);
        if (locations == null) {
            throw new IllegalStateException("Attempt " + attemptId + " was launched without the locations of shuffle " + shuffleId);
        }
        return locations;
    }

    /** Closes {@code closeable} when the attempt ends, successful or not, last registered first. */
    public void closeOnCompletion(AutoCloseable closeable)
    {
        closeables.push(requireNonNull(closeable, "closeable is null"));
    }

    /** Registers a task-side accumulator, whose value is reported when the attempt succeeds. */
    public void registerAccumulator(long id, TaskAccumulator accumulator)
    {
        accumulators.put(id, accumulator);
    }

    /** The accumulator updates of this attempt, to be merged on the driver if it succeeds. */
    public Map<Long, Object> accumulatorUpdates()
    {
        accumulatorUpdates.clear();
        accumulators.forEach((id, accumulator) -> accumulatorUpdates.put(id, accumulator.taskValue()));
        return Map.copyOf(accumulatorUpdates);
    }

    /** Runs the completion hooks; failures are logged, not thrown, so every hook runs. */
    public void complete()
    {
        while (!closeables.isEmpty()) {
            AutoCloseable closeable = closeables.pop();
            try {
                closeable.close();
            }
            catch (Exception e) {
                LOG.warn("Cleanup of {} failed", attemptId, e);
            }
        }
    }

    /** A task-side copy of an accumulator. */
    public interface TaskAccumulator
    {
        Object taskValue();
    }
}
