package io.tusk.yarn.master;

import java.util.List;

/**
 * Where a backend gets executors from and gives them back: a cluster manager (YARN) or, in tests, a
 * script. Called from the backend's scheduling thread; implementations must not block long.
 */
public interface ExecutorPool
{
    /**
     * Tells the pool how much work waits: {@code pending} attempts (one entry each, with the hosts
     * each prefers) and {@code running} attempts. The pool asks for executors near the preferred
     * hosts, or cancels requests that are no longer needed.
     */
    void demand(List<List<String>> pending, int running);

    /** Whether an executor is starting on {@code host}: its container is allocated and it has not registered yet. */
    default boolean startingOn(String host)
    {
        return false;
    }

    /** The executor {@code executor} (its container id) registered with the backend. */
    default void registered(String executor) {}

    /** Gives back the executor (its container), which the backend has told to stop. */
    void release(String executor);
}
