package io.tusk.engine.task;

import io.tusk.engine.TuskException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Times out the attempts of an executor that stop making progress: a daemon thread looks at every
 * watched attempt's {@link AttemptProgress} ten times a second; once one that asked for a timeout
 * has not ticked for that long, it records the timeout, interrupts the attempt's thread and tells
 * the executor, which fails the attempt (an attempt that ignores the interrupt is abandoned as a
 * cancelled one is). Thread-safe.
 */
public final class AttemptWatchdog
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(AttemptWatchdog.class);
    private static final long PERIOD_MILLIS = 100;

    private final Map<AttemptProgress, Watched> watched = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;
    private final Thread thread;

    /** A watchdog with a thread of its own named {@code name}. */
    public AttemptWatchdog(String name)
    {
        this.clockMillis = () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        this.thread = new Thread(this::run, requireNonNull(name, "name is null"));
        thread.setDaemon(true);
        thread.start();
    }

    /** A watchdog without a thread, for tests that {@link #check()} at the times of {@code clockMillis}. */
    AttemptWatchdog(LongSupplier clockMillis)
    {
        this.clockMillis = requireNonNull(clockMillis, "clockMillis is null");
        this.thread = null;
    }

    /** Watches the attempt running on {@code attemptThread} until {@link #unwatch}; {@code onTimeout} hears of its timeout once. */
    public void watch(AttemptProgress progress, Thread attemptThread, Consumer<TuskException> onTimeout)
    {
        watched.put(requireNonNull(progress, "progress is null"), new Watched(requireNonNull(attemptThread, "attemptThread is null"),
                requireNonNull(onTimeout, "onTimeout is null")));
    }

    public void unwatch(AttemptProgress progress)
    {
        watched.remove(progress);
    }

    void check()
    {
        long now = clockMillis.getAsLong();
        watched.forEach((progress, attempt) -> {
            long timeout = progress.timeoutMillis();
            long ticks = progress.ticks();
            if (attempt.since < 0 || ticks != attempt.ticks || timeout == 0) {
                attempt.ticks = ticks;
                attempt.since = now;
                return;
            }
            if (now - attempt.since >= timeout && watched.remove(progress, attempt)) {
                TuskException error = progress.timeOut();
                LOG.warn("{}", error.getMessage());
                attempt.thread.interrupt();
                attempt.onTimeout.accept(error);
            }
        });
    }

    private void run()
    {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS);
                check();
            }
            catch (InterruptedException e) {
                return;
            }
            catch (RuntimeException e) {
                LOG.error("Watching attempts for progress failed", e);
            }
        }
    }

    @Override
    public void close()
    {
        if (thread != null) {
            thread.interrupt();
        }
        watched.clear();
    }

    /** An attempt and, for the watchdog's thread only, its last ticks and since when they have not changed. */
    private static final class Watched
    {
        private final Thread thread;
        private final Consumer<TuskException> onTimeout;
        private long ticks;
        private long since = -1;

        Watched(Thread thread, Consumer<TuskException> onTimeout)
        {
            this.thread = thread;
            this.onTimeout = onTimeout;
        }
    }
}
