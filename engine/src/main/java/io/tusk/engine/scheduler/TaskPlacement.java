package io.tusk.engine.scheduler;

import static java.util.Objects.requireNonNull;

/**
 * Where an attempt ran: the executor (whose id also locates its shuffle output), its host, and how
 * close that was to the task's data.
 */
public record TaskPlacement(String executor, String host, Locality locality)
{
    /** The executor of a local backend: every task runs in this process. */
    public static final String LOCAL_EXECUTOR = "local";
    public static final TaskPlacement LOCAL = new TaskPlacement(LOCAL_EXECUTOR, "localhost", Locality.NO_PREFERENCE);

    public TaskPlacement
    {
        requireNonNull(executor, "executor is null");
        requireNonNull(host, "host is null");
        requireNonNull(locality, "locality is null");
    }
}
