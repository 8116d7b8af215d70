package io.tusk.mr.task;

import io.tusk.engine.shuffle.ForwardingCursor;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.task.AttemptProgress;

import java.io.IOException;

/**
 * A reduce task's input cursor that knows how far it has read: the fraction of its records
 * returned so far, 1 once it is exhausted; and what the records it returned measure in Hadoop's
 * IFile format, the bytes Hadoop's reduce would have shuffled. Confined to the task's thread.
 */
final class ProgressCursor
        extends ForwardingCursor
        implements TaskReporter.PhaseProgress
{
    private final long records;
    private final AttemptProgress attemptProgress;
    private long position;
    private long ifileBytes;
    private boolean exhausted;

    /** @param attemptProgress ticked for every record read */
    ProgressCursor(RecordCursor delegate, AttemptProgress attemptProgress)
    {
        super(delegate);
        this.attemptProgress = attemptProgress;
        this.records = delegate.records();
    }

    @Override
    public float progress()
    {
        if (exhausted) {
            return 1.0f;
        }
        return records <= 0 ? 0.0f : (float) position / records;
    }

    @Override
    public boolean next()
            throws IOException
    {
        if (delegate.next()) {
            attemptProgress.tick();
            position++;
            ifileBytes += IFileSizes.record(delegate.keyLength(), delegate.valueLength());
            return true;
        }
        exhausted = true;
        return false;
    }

    /** Reads the records nobody read (a reducer may stop early): Hadoop's reduce shuffles them all the same. */
    void drain()
            throws IOException
    {
        while (!exhausted) {
            next();
        }
    }

    /** The IFile records of the records returned so far, without their segments' trailers. */
    long ifileBytes()
    {
        return ifileBytes;
    }
}
