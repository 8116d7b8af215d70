package io.tusk.engine.status;

import io.tusk.engine.TuskConfig;

import java.util.Optional;

/**
 * Keeps what a context's jobs did after the process ends: Tusk's event log, which the history
 * server ({@code tusk history}) reads back. Found with {@link java.util.ServiceLoader}; the
 * io-formats module provides one that writes Avro files where the settings say.
 */
public interface JobLogProvider
{
    /** Setting: whether contexts keep an event log (default true). */
    String ENABLED = "tusk.history.enabled";

    /**
     * A log for the jobs of a context with these settings; empty when it keeps none.
     *
     * @param scratch a directory of the context's own for files the log needs while it is written,
     *         removed with the context (and by the next process when this one is killed)
     */
    Optional<JobLog> open(TuskConfig config, java.nio.file.Path scratch);

    /** One context's log; failures are warnings. */
    interface JobLog
            extends AutoCloseable
    {
        /**
         * Records a job that ended. Called on the scheduler's thread: returns at once and asks
         * {@code job} for the record later, on a thread of the log's own, in the order jobs ended.
         */
        void append(java.util.function.Supplier<StatusStore.JobRecord> job);

        /** Writes what is pending (waiting a while) and completes the log. */
        @Override
        void close();
    }
}
