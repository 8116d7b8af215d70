package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.mapred.RawKeyValueIterator;
import org.apache.hadoop.util.Progress;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * Hadoop's view of a sorted run of serialized records, as its reduce and combine contexts read it.
 * The buffers are valid until the next call to {@link #next()}. Confined to the task's thread.
 */
final class CursorKeyValueIterator
        implements RawKeyValueIterator
{
    private final RecordCursor cursor;
    private final DataInputBuffer key = new DataInputBuffer();
    private final DataInputBuffer value = new DataInputBuffer();
    private final Progress progress = new Progress();
    private long records;

    CursorKeyValueIterator(RecordCursor cursor)
    {
        this.cursor = requireNonNull(cursor, "cursor is null");
    }

    @Override
    public DataInputBuffer getKey()
    {
        return key;
    }

    @Override
    public DataInputBuffer getValue()
    {
        return value;
    }

    @Override
    public boolean next()
            throws IOException
    {
        if (!cursor.next()) {
            return false;
        }
        key.reset(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength());
        value.reset(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
        records++;
        return true;
    }

    long records()
    {
        return records;
    }

    @Override
    public void close() {}

    @Override
    public Progress getProgress()
    {
        return progress;
    }
}
