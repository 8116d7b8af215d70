package io.tusk.engine.scheduler;

import io.tusk.engine.serde.Serde;
import io.tusk.engine.task.TaskAttemptId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backend driven by a test: it records every attempt the scheduler launches, and the test says
 * how each ends (succeeded on a host, failed, its executor lost) and which executors are lost.
 */
final class TestingBackend
        implements Backend
{
    private final Serde serde;
    private final BlockingQueue<Launched> launches = new LinkedBlockingQueue<>();
    private final List<Consumer<String>> lostListeners = new ArrayList<>();
    private final List<Integer> cancelledJobs = new ArrayList<>();

    record Launched(TaskLaunch launch, TaskListener listener)
    {
        TaskAttemptId id()
        {
            return launch.attemptId();
        }

        int partition()
        {
            return launch.attemptId().partition();
        }
    }

    TestingBackend(Serde serde)
    {
        this.serde = serde;
    }

    @Override
    public int parallelism()
    {
        return 4;
    }

    @Override
    public void launch(TaskLaunch launch, TaskListener listener)
    {
        launches.add(new Launched(launch, listener));
    }

    @Override
    public synchronized void cancel(int job)
    {
        cancelledJobs.add(job);
    }

    synchronized List<Integer> cancelledJobs()
    {
        return List.copyOf(cancelledJobs);
    }

    @Override
    public void onExecutorLost(Consumer<String> listener)
    {
        lostListeners.add(listener);
    }

    /** The next attempts the scheduler launches, in launch order; fails if fewer come within a few seconds. */
    List<Launched> next(int count)
            throws InterruptedException
    {
        List<Launched> next = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Launched launched = launches.poll(10, TimeUnit.SECONDS);
            assertThat(launched).as("launch %s of %s", i + 1, count).isNotNull();
            next.add(launched);
        }
        return next;
    }

    /** Asserts that the scheduler launches nothing more for a while. */
    void expectNoLaunch()
            throws InterruptedException
    {
        assertThat(launches.poll(300, TimeUnit.MILLISECONDS)).as("no further launch").isNull();
    }

    void succeed(Launched attempt, String executor, Object value)
    {
        attempt.listener().succeeded(attempt.id(), new TaskPlacement(executor, host(executor), Locality.NODE_LOCAL),
                serde.serialize(new TaskResult(value, Map.of(), TaskMetrics.NONE)));
    }

    void fail(Launched attempt, String executor, Throwable cause)
    {
        attempt.listener().failed(attempt.id(), new TaskPlacement(executor, host(executor), Locality.NODE_LOCAL), cause);
    }

    void loseExecutor(String executor)
    {
        lostListeners.forEach(listener -> listener.accept(executor));
    }

    static String host(String executor)
    {
        return executor.replace("exec-", "host-");
    }

    @Override
    public void close() {}
}
