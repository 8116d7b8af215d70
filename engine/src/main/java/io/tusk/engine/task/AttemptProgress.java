package io.tusk.engine.task;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Whether a running attempt still makes progress. Its task ticks it as it reads, writes and
 * reports, and may ask to be watched ({@link #watch}): the executor's {@code AttemptWatchdog}
 * then times the attempt out once it has not ticked for the task's timeout, as Hadoop's
 * application master fails an attempt that reports no progress for {@code mapreduce.task.timeout}.
 * Ticks come from the attempt's threads; the rest is read by the watchdog. Thread-safe.
 */
public final class AttemptProgress
{
    private static final VarHandle TICKS;

    static {
        try {
            TICKS = MethodHandles.lookup().findVarHandle(AttemptProgress.class, "ticks", long.class);
        }
        catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long ticks;
    private volatile long timeoutMillis;
    private volatile String timeoutMessage;
    private volatile TuskException timedOut;

    /** Marks progress; cheap enough for every record. Ticks of several threads may be lost, never all. */
    public void tick()
    {
        TICKS.setOpaque(this, (long) TICKS.getOpaque(this) + 1);
    }

    long ticks()
    {
        return (long) TICKS.getOpaque(this);
    }

    /**
     * Asks to be timed out after {@code timeoutMillis} without a tick (0: never), failing with
     * {@code message} as the attempt's error.
     */
    public void watch(long timeoutMillis, String message)
    {
        checkArgument(timeoutMillis >= 0, "timeoutMillis is negative: %s", timeoutMillis);
        this.timeoutMessage = requireNonNull(message, "message is null");
        this.timeoutMillis = timeoutMillis;
    }

    /** The timeout the task asked for; 0 when it is not watched. */
    public long timeoutMillis()
    {
        return timeoutMillis;
    }

    /** Records that the attempt timed out; returns the error it fails with. */
    TuskException timeOut()
    {
        TuskException error = new TuskException(ErrorCode.TASK_TIMED_OUT, timeoutMessage);
        timedOut = error;
        return error;
    }

    /** The error of an attempt that timed out; null while it is within its timeout. */
    public TuskException timedOut()
    {
        return timedOut;
    }
}
