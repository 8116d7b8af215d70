package io.tusk.engine.scheduler;

import java.util.function.Consumer;

/**
 * Runs task attempts: on local threads, or on executors of a cluster. Thread-safe.
 */
public interface Backend
        extends AutoCloseable
{
    /** How many attempts can run at once. */
    int parallelism();

    /** Starts an attempt asynchronously; its end is reported to {@code listener} exactly once. */
    void launch(TaskLaunch launch, TaskListener listener);

    /**
     * Asks the running attempts of job {@code job} to stop (interrupts them); they still report how
     * they ended. Attempts not started yet never start: they are reported failed.
     */
    default void cancel(int job) {}

    /**
     * Registers who hears of executors that are lost (their process or node died): the map outputs
     * they held are gone. Attempts running on them are reported failed with an
     * {@link ExecutorLostException}. Backends whose executors cannot be lost ignore it.
     */
    default void onExecutorLost(Consumer<String> listener) {}

    /** Drops the cached partitions of dataset {@code datasetId} that executors other than the driver's own hold. */
    default void unpersist(int datasetId) {}

    /**
     * Ends the write {@code key} on executors other than the driver's own: {@code keep} keeps the
     * output files its attempts committed there in their block stores (waiting, bounded, until
     * they have), else they drop them. Backends without such executors ignore it.
     */
    default void endWrite(String key, boolean keep) {}

    /**
     * The status of the context's jobs, for a backend that shows it somewhere of its own (a YARN
     * application's tracking URL); called once, when the context is made.
     */
    default void showStatus(io.tusk.engine.status.StatusStore status) {}

    /**
     * Why this backend can run no attempt any more although it is not closed (the cluster
     * application it runs in has ended), if it cannot; attempts launched on it fail at once.
     */
    default java.util.Optional<String> failure()
    {
        return java.util.Optional.empty();
    }

    /** Stops accepting attempts and waits (bounded) for running ones. */
    @Override
    void close();
}
