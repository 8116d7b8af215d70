package io.tusk.engine.shuffle;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/** A cursor that can tell whether it has any record before the first {@link #next()}. Confined to one thread. */
final class LookaheadCursor
        implements RecordCursor
{
    private final RecordCursor delegate;
    private boolean peeked;
    private boolean peekedResult;

    LookaheadCursor(RecordCursor delegate)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
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

    @Override
    public int prefix()
    {
        return delegate.prefix();
    }

    @Override
    public byte[] keyBuffer()
    {
        return delegate.keyBuffer();
    }

    @Override
    public int keyOffset()
    {
        return delegate.keyOffset();
    }

    @Override
    public int keyLength()
    {
        return delegate.keyLength();
    }

    @Override
    public byte[] valueBuffer()
    {
        return delegate.valueBuffer();
    }

    @Override
    public int valueOffset()
    {
        return delegate.valueOffset();
    }

    @Override
    public int valueLength()
    {
        return delegate.valueLength();
    }

    @Override
    public void close()
            throws IOException
    {
        delegate.close();
    }
}
