package io.tusk.engine.backend;

import io.tusk.engine.scheduler.Backend;
import io.tusk.engine.scheduler.TaskLaunch;
import io.tusk.engine.scheduler.TaskListener;
import io.tusk.engine.scheduler.TaskRunner;
import io.tusk.engine.task.ExecutorEnv;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Runs attempts on a pool of worker threads in this process ({@code local[N]}), all sharing one
 * {@link ExecutorEnv}. Thread-safe.
 */
public final class LocalBackend
        implements Backend
{
    private final int threads;
    private final TaskRunner runner;
    private final ExecutorService workers;

    public LocalBackend(int threads, ExecutorEnv env)
    {
        checkArgument(threads > 0, "threads must be positive: %s", threads);
        this.threads = threads;
        this.runner = new TaskRunner(requireNonNull(env, "env is null"));
        AtomicInteger next = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "tusk-worker-" + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public int parallelism()
    {
        return threads;
    }

    @Override
    public void launch(TaskLaunch launch, TaskListener listener)
    {
        workers.execute(() -> runner.run(launch, listener));
    }

    @Override
    public void close()
    {
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
