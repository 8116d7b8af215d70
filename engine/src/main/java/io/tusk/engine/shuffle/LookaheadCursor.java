package io.tusk.engine.shuffle;

import java.io.IOException;

/** A cursor that can tell whether it has any record before the first {@link #next()}. Confined to one thread. */
final class LookaheadCursor
        extends ForwardingCursor
{
    private boolean peeked;
    private boolean peekedResult;

    LookaheadCursor(RecordCursor delegate)
    {
        super(delegate);
    }

    boolean hasRecords()
            throws IOException
    {
        if (!peeked) {
            peekedResult = delegate.next();
            peeked = true;
        }
        return peekedResult;
    }

    @Override
    public boolean next()
            throws IOException
    {
        if (peeked) {
            peeked = false;
            return peekedResult;
        }
        return delegate.next();
    }
}
