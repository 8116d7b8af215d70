package io.tusk.engine.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Cores of this process that no task attempt uses now, lent to an attempt for parts of its own work
 * that touch nothing another part touches (the sorts of separate ranges of one array): a map whose
 * output is sorted after the other maps ended, or the only map of a job, sorts on every core
 * instead of one. An attempt counts as busy while it runs ({@link #taskRunning}); a part runs on a
 * helper thread only while fewer attempts and helpers run than the process has processors (or its
 * executor attempt slots, {@link #limitTo}), and on the attempt's own thread otherwise: with every
 * core busy, nothing is lent and nothing waits.
 */
public final class SpareCores
{
    /** The cores attempts and helpers may use: the processors, or fewer when the executor runs fewer attempts at once. */
    private static volatile int cores = Runtime.getRuntime().availableProcessors();
    /** Attempts running and helpers lent. */
    private static final AtomicInteger BUSY = new AtomicInteger();
    private static final AtomicInteger HELPER_NUMBER = new AtomicInteger();
    private static final AtomicLong FORKS = new AtomicLong();
    /** Helper threads, each ended after two idle seconds: a process between jobs keeps none. */
    private static final ExecutorService HELPERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
        Thread thread = new Thread(runnable, "tusk-spare-core-" + HELPER_NUMBER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private SpareCores() {}

    /**
     * Lends no more than {@code slots} cores in all (nor more than the processors): an executor that
     * runs that many attempts at once, such as a YARN container of that many vcores on a larger
     * node, uses no more cores than it was given.
     */
    public static void limitTo(int slots)
    {
        cores = Math.max(1, Math.min(slots, Runtime.getRuntime().availableProcessors()));
    }

    /** Cores no attempt or helper uses now. */
    public static int spare()
    {
        return Math.max(0, cores - BUSY.get());
    }

    /** Parts started on spare cores so far in this process. */
    public static long forks()
    {
        return FORKS.get();
    }

    /** Counts an attempt as running until the returned handle is closed (once). */
    public static Running taskRunning()
    {
        BUSY.incrementAndGet();
        return new Running();
    }

    /** An attempt counted as running. */
    public static final class Running
            implements AutoCloseable
    {
        private boolean closed;

        private Running() {}

        @Override
        public void close()
        {
            if (!closed) {
                closed = true;
                BUSY.decrementAndGet();
            }
        }
    }

    /**
     * Starts {@code part} on a spare core if one is free now; null (and nothing started) when none is
     * or no thread can be started for it, for the caller to run it itself. Whoever forks joins.
     */
    public static Fork tryFork(Runnable part)
    {
        requireNonNull(part, "part is null");
        while (true) {
            int busy = BUSY.get();
            if (busy >= cores) {
                return null;
            }
            if (BUSY.compareAndSet(busy, busy + 1)) {
                break;
            }
        }
        FORKS.incrementAndGet();
        Fork fork = new Fork();
        try {
            HELPERS.execute(() -> fork.run(part));
        }
        catch (RuntimeException | OutOfMemoryError e) {
            // rejected, or no thread to be had: the caller runs the part
            BUSY.decrementAndGet();
            return null;
        }
        return fork;
    }

    /**
     * Runs every part, some on spare cores if any are free (those forked first, then the rest here,
     * in order); returns once all ran, throwing the first failure.
     */
    public static void runAll(List<? extends Runnable> parts)
    {
        List<Fork> forks = new ArrayList<>();
        Throwable failure = null;
        try {
            for (int i = 0; i < parts.size(); i++) {
                Fork fork = i < parts.size() - 1 ? tryFork(parts.get(i)) : null;
                if (fork != null) {
                    forks.add(fork);
                }
                else {
                    parts.get(i).run();
                }
            }
        }
        catch (RuntimeException | Error e) {
            failure = e;
        }
        joinAll(forks, failure);
    }

    /**
     * Joins every fork (none may still work on the caller's data once this returns), then throws
     * {@code failure} if there is one, else the first fork's failure.
     */
    public static void joinAll(List<Fork> forks, Throwable failure)
    {
        Throwable first = failure;
        for (Fork fork : forks) {
            try {
                fork.join();
            }
            catch (RuntimeException | Error e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        rethrow(first);
    }

    /** Throws {@code failure} unchanged if unchecked, wrapped otherwise; nothing if null. */
    private static void rethrow(Throwable failure)
    {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** A part started on a spare core. */
    public static final class Fork
    {
        private boolean done;
        private Throwable failure;

        private Fork() {}

        private void run(Runnable part)
        {
            Throwable thrown = null;
            try {
                part.run();
            }
            catch (Throwable t) {
                thrown = t;
            }
            finally {
                BUSY.decrementAndGet();
                synchronized (this) {
                    failure = thrown;
                    done = true;
                    notifyAll();
                }
            }
        }

        /**
         * Waits until the part ran, even when interrupted (it works on the caller's data, which must
         * not change under the caller once it goes on; the interrupt is kept), and throws what it threw.
         */
        public void join()
        {
            boolean interrupted = false;
            synchronized (this) {
                while (!done) {
                    try {
                        wait();
                    }
                    catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            rethrow(failure);
        }
    }
}
