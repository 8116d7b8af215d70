package io.tusk.engine.task;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static io.tusk.engine.TuskException.checkArgument;

/**
 * The slots of an executor: an attempt takes one, an attempt {@code alone} (an earlier attempt of
 * its task ran out of memory) takes all of them, so that it has the process's heap to itself as a
 * Hadoop task's retry has a JVM of its own. Whoever gives an attempt up (a cancellation or a timeout
 * it ignores) releases its slots, so an attempt that runs on never holds later ones. An attempt alone
 * that has not found every slot free after {@link #ALONE_WAIT_MILLIS} (the others may wait for a job
 * of their own) takes one and runs beside them. Thread-safe.
 */
public final class AttemptSlots
{
    private static final Logger LOG = LogManager.getLogger(AttemptSlots.class);
    static final long ALONE_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final long POLL_MILLIS = 100;

    private final int slots;
    private final long aloneWaitMillis;
    private final Semaphore free;

    public AttemptSlots(int slots)
    {
        this(slots, ALONE_WAIT_MILLIS);
    }

    AttemptSlots(int slots, long aloneWaitMillis)
    {
        checkArgument(slots > 0, "slots must be positive: %s", slots);
        this.slots = slots;
        this.aloneWaitMillis = aloneWaitMillis;
        this.free = new Semaphore(slots);
        // an executor lends no more cores than it runs attempts on (a container's vcores, local[N])
        SpareCores.limitTo(slots);
    }

    /**
     * Takes one slot, or every slot for an attempt {@code alone}; null once {@code stop} says so.
     * Blocks until the slots are free.
     */
    public Held take(String attempt, boolean alone, BooleanSupplier stop)
            throws InterruptedException
    {
        if (alone) {
            LOG.info("Attempt {} runs alone: an earlier attempt of its task ran out of memory", attempt);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(aloneWaitMillis);
            while (System.nanoTime() < deadline) {
                if (stop.getAsBoolean()) {
                    return null;
                }
                if (free.tryAcquire(slots, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return new Held(slots);
                }
            }
            LOG.warn("Attempt {} runs beside other attempts: they did not end within {} s", attempt, TimeUnit.MILLISECONDS.toSeconds(aloneWaitMillis));
        }
        while (!stop.getAsBoolean()) {
            if (free.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                return new Held(1);
            }
        }
        return null;
    }

    /** Slots an attempt holds; released once, by whoever is first. */
    public final class Held
    {
        private final int count;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Held(int count)
        {
            this.count = count;
        }

        /** Gives the slots back; true if this call did. */
        public boolean release()
        {
            if (held.compareAndSet(true, false)) {
                free.release(count);
                return true;
            }
            return false;
        }
    }
}
