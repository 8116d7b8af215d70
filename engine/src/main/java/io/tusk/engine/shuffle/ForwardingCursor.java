package io.tusk.engine.shuffle;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/** A cursor that hands every call to another; subclasses override what they change. */
public abstract class ForwardingCursor
        implements RecordCursor
{
    protected final RecordCursor delegate;

    protected ForwardingCursor(RecordCursor delegate)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public boolean next()
            throws IOException
    {
        return delegate.next();
    }

    @Override
    public long records()
    {
        return delegate.records();
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
    public boolean sameKeyAsPrevious()
    {
        return delegate.sameKeyAsPrevious();
    }

    @Override
    public void close()
            throws IOException
    {
        delegate.close();
    }
}
