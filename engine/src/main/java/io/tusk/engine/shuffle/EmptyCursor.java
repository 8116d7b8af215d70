package io.tusk.engine.shuffle;

final class EmptyCursor
        implements RecordCursor
{
    static final EmptyCursor INSTANCE = new EmptyCursor();

    @Override
    public boolean next()
    {
        return false;
    }

    @Override
    public int prefix()
    {
        throw new IllegalStateException("empty cursor");
    }

    @Override
    public byte[] keyBuffer()
    {
        throw new IllegalStateException("empty cursor");
    }

    @Override
    public int keyOffset()
    {
        throw new IllegalStateException("empty cursor");
    }

    @Override
    public int keyLength()
    {
        throw new IllegalStateException("empty cursor");
    }

    @Override
    public byte[] valueBuffer()
    {
        throw new IllegalStateException("empty cursor");
    }

    @Override
    public int valueOffset()
    {
        throw new IllegalStateException("empty cursor");
    }

    @Override
    public int valueLength()
    {
        throw new IllegalStateException("empty cursor");
    }

    @Override
    public long records()
    {
        return 0;
    }

    @Override
    public void close() {}
}
