package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Writable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** A run of records given as key and value objects, each serialized when the cursor reaches it. */
final class WritableCursor
        implements RecordCursor
{
    private final List<? extends Map.Entry<? extends Writable, ? extends Writable>> records;
    private final DataOutputBuffer key = new DataOutputBuffer();
    private final DataOutputBuffer value = new DataOutputBuffer();
    private int next;

    WritableCursor(List<? extends Map.Entry<? extends Writable, ? extends Writable>> records)
    {
        this.records = records;
    }

    @Override
    public boolean next()
    {
        if (next == records.size()) {
            return false;
        }
        Map.Entry<? extends Writable, ? extends Writable> record = records.get(next++);
        try {
            key.reset();
            record.getKey().write(key);
            value.reset();
            record.getValue().write(value);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    @Override
    public long records()
    {
        return records.size();
    }

    @Override
    public int prefix()
    {
        return 0;
    }

    @Override
    public byte[] keyBuffer()
    {
        return key.getData();
    }

    @Override
    public int keyOffset()
    {
        return 0;
    }

    @Override
    public int keyLength()
    {
        return key.getLength();
    }

    @Override
    public byte[] valueBuffer()
    {
        return value.getData();
    }

    @Override
    public int valueOffset()
    {
        return 0;
    }

    @Override
    public int valueLength()
    {
        return value.getLength();
    }

    @Override
    public void close() {}
}
