package io.tusk.engine.backend;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.TuskException;
import io.tusk.engine.scheduler.Backend;
import io.tusk.engine.scheduler.TaskLaunch;
import io.tusk.engine.scheduler.TaskListener;
import io.tusk.engine.scheduler.TaskPlacement;
import io.tusk.engine.scheduler.TaskRunner;
import io.tusk.engine.task.AttemptProgress;
import io.tusk.engine.task.AttemptSlots;
import io.tusk.engine.task.AttemptWatchdog;
import io.tusk.engine.task.ExecutorEnv;
import io.tusk.engine.task.TaskAttemptId;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Runs attempts in this process ({@code local[N]}), at most {@code N} at once, all sharing one
 * {@link ExecutorEnv}. Every attempt gets a thread of its own, as every Hadoop task had a JVM of
 * its own: thread-local state of user code (and of the libraries it calls) never carries over from
 * one task to the next, and lookups in thread-local maps stay short. Thread-safe.
 */
public final class LocalBackend
        implements Backend
{
    private static final Logger LOG = LogManager.getLogger(LocalBackend.class);

    private final int threads;
    private final TaskRunner runner;
    private final AttemptSlots slots;
    private final BlockingQueue<Attempt> queue = new LinkedBlockingQueue<>();
    private final Map<Thread, Running> running = new ConcurrentHashMap<>();
    /**
     * Jobs cancelled so far (a few bytes each for the life of the context): an attempt of one never
     * starts. Guarded by itself, together with the queue's removals at a cancel and the start of
     * each attempt.
     */
    private final Set<Integer> cancelledJobs = new HashSet<>();
    private final Thread dispatcher;
    private final long cancelGraceMillis;
    private final AttemptWatchdog watchdog = new AttemptWatchdog("tusk-attempt-watchdog");
    private volatile boolean closed;

    public LocalBackend(int threads, ExecutorEnv env)
    {
        this(threads, env, 10_000);
    }

    /**
     * @param cancelGraceMillis how long a cancelled attempt may keep its slot; one that ignores the
     * interrupt longer is reported failed and runs on without a slot, so that it holds neither its
     * job nor later jobs
     */
    public LocalBackend(int threads, ExecutorEnv env, long cancelGraceMillis)
    {
        checkArgument(threads > 0, "threads must be positive: %s", threads);
        this.cancelGraceMillis = cancelGraceMillis;
        this.threads = threads;
        this.runner = new TaskRunner(requireNonNull(env, "env is null"));
        this.slots = new AttemptSlots(threads);
        this.dispatcher = new Thread(this::dispatch, "tusk-local-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    @Override
    public int parallelism()
    {
        return threads;
    }

    @Override
    public void launch(TaskLaunch launch, TaskListener listener)
    {
        queue.add(new Attempt(launch, listener));
    }

    @Override
    public void cancel(int job)
    {
        List<Attempt> queued = new ArrayList<>();
        synchronized (cancelledJobs) {
            // an attempt of the job that the dispatcher holds, waiting for a slot, sees it cancelled
            cancelledJobs.add(job);
            queue.removeIf(task -> task.launch().attemptId().job() == job && queued.add(task));
            running.forEach((thread, attempt) -> {
                if (attempt.job() == job) {
                    stop(thread, attempt, "its cancellation", new TuskException(ErrorCode.JOB_CANCELLED, "Attempt " + attempt.id() + " was cancelled"));
                }
            });
        }
        queued.forEach(LocalBackend::refuse);
    }

    private boolean cancelled(int job)
    {
        synchronized (cancelledJobs) {
            return cancelledJobs.contains(job);
        }
    }

    /** Reports an attempt of a cancelled job failed without starting it. */
    private static void refuse(Attempt task)
    {
        TaskAttemptId id = task.launch().attemptId();
        task.listener().failed(id, null, new TuskException(ErrorCode.JOB_CANCELLED, "Attempt " + id + " was cancelled before it started"));
    }

    /**
     * Interrupts an attempt whose result will not be used; if it has not stopped after the grace,
     * it is reported failed with {@code error} and runs on in the background without a slot.
     */
    private void stop(Thread thread, Running attempt, String why, TuskException error)
    {
        attempt.cancelled().set(true);
        thread.interrupt();
        CompletableFuture.delayedExecutor(cancelGraceMillis, TimeUnit.MILLISECONDS).execute(() -> {
            if (thread.isAlive() && attempt.slots().release()) {
                LOG.warn("Attempt {} did not stop within {} ms of {} ({}); it runs on in the background without a slot and its result is discarded",
                        attempt.id(), cancelGraceMillis, why, TuskConfig.CANCEL_GRACE);
                attempt.listener().failed(attempt.id(), TaskPlacement.LOCAL, error);
            }
        });
    }

    private record Attempt(TaskLaunch launch, TaskListener listener) {}

    /** A running attempt; its listener hears of it once, from the attempt or from its abandonment. */
    private record Running(TaskAttemptId id, AtomicBoolean cancelled, AttemptSlots.Held slots, TaskListener listener)
    {
        int job()
        {
            return id.job();
        }
    }

    private static TaskListener once(TaskListener listener)
    {
        AtomicBoolean reported = new AtomicBoolean();
        return new TaskListener()
        {
            @Override
            public void succeeded(TaskAttemptId id, TaskPlacement placement, byte[] result)
            {
                if (reported.compareAndSet(false, true)) {
                    listener.succeeded(id, placement, result);
                }
            }

            @Override
            public void failed(TaskAttemptId id, TaskPlacement placement, Throwable cause)
            {
                if (reported.compareAndSet(false, true)) {
                    listener.failed(id, placement, cause);
                }
            }
        };
    }

    private void dispatch()
    {
        while (!closed) {
            Attempt task;
            AttemptSlots.Held held;
            try {
                task = queue.poll(100, TimeUnit.MILLISECONDS);
                if (task == null) {
                    continue;
                }
                int job = task.launch().attemptId().job();
                held = slots.take(task.launch().attemptId().toString(), task.launch().alone(), () -> closed || cancelled(job));
                if (held == null) {
                    if (closed) {
                        return;
                    }
                    refuse(task);
                    continue;
                }
            }
            catch (InterruptedException e) {
                return;
            }
            Running attempt = new Running(task.launch().attemptId(), new AtomicBoolean(), held, once(task.listener()));
            AttemptProgress progress = new AttemptProgress();
            Thread thread = new Thread(() -> {
                try {
                    runner.run(task.launch(), TaskPlacement.LOCAL, attempt.listener(), attempt.cancelled(), progress);
                }
                catch (RuntimeException | Error e) {
                    LOG.error("Task runner failed", e);
                }
                finally {
                    watchdog.unwatch(progress);
                    running.remove(Thread.currentThread());
                    attempt.slots().release();
                }
            }, "tusk-task");
            thread.setDaemon(true);
            synchronized (cancelledJobs) {
                // started under the lock: a cancel comes either before (and it never starts) or after (and it is stopped)
                if (cancelledJobs.contains(attempt.job())) {
                    held.release();
                    refuse(task);
                    continue;
                }
                running.put(thread, attempt);
                watchdog.watch(progress, thread, error -> stop(thread, attempt, "its timeout", error));
                task.listener().started(task.launch().attemptId(), TaskPlacement.LOCAL);
                thread.start();
            }
        }
    }

    @Override
    public void close()
    {
        closed = true;
        watchdog.close();
        dispatcher.interrupt();
        for (Thread thread : running.keySet()) {
            thread.interrupt();
        }
        // one bound for all: attempts that ignore the interrupt must not hold up the close once each
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread thread : running.keySet()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
