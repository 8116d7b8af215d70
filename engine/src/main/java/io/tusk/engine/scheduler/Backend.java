package io.tusk.engine.scheduler;

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
     * they ended. Attempts not started yet are run as usual.
     */
    default void cancel(int job) {}

    /** Stops accepting attempts and waits (bounded) for running ones. */
    @Override
    void close();
}
