package io.tusk.mr;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.mapreduce.Counter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

import static java.util.Objects.requireNonNull;

/**
 * The old API's view of a sorted run for reducers and combiners: groups of adjacent records whose
 * keys the grouping comparator finds equal. The key handed to {@code reduce} is the group's first
 * key and stays unchanged while its values are read; the value object is reused; a value counts
 * as input only when it is read. Confined to the task's thread.
 */
final class OldApiGroups
        implements Iterator<Object>
{
    private final RecordCursor cursor;
    private final RawComparator<?> grouping;
    private final Deserializer<Object> keyDeserializer;
    private final Deserializer<Object> valueDeserializer;
    private final DataInputBuffer keyInput = new DataInputBuffer();
    private final DataInputBuffer valueInput = new DataInputBuffer();
    private final Counter valueCounter;
    private byte[] groupKey = new byte[64];
    private int groupKeyLength;
    private Object key;
    private Object spareKey;
    private Object value;
    /** The cursor stands on a record not yet handed out. */
    private boolean positioned;
    private boolean exhausted;
    private boolean inGroup;

    OldApiGroups(RecordCursor cursor, RawComparator<?> grouping, Deserializer<Object> keyDeserializer, Deserializer<Object> valueDeserializer, Counter valueCounter)
            throws IOException
    {
        this.cursor = requireNonNull(cursor, "cursor is null");
        this.grouping = requireNonNull(grouping, "grouping is null");
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.valueCounter = valueCounter;
        keyDeserializer.open(keyInput);
        valueDeserializer.open(valueInput);
    }

    /** Moves to the next group, skipping the unread values of this one; false at the end. */
    boolean nextGroup()
            throws IOException
    {
        while (inGroup && hasNext()) {
            skip();
        }
        if (!positioned && !advance()) {
            return false;
        }
        groupKeyLength = cursor.keyLength();
        if (groupKey.length < groupKeyLength) {
            groupKey = new byte[Math.max(groupKeyLength, groupKey.length * 2)];
        }
        System.arraycopy(cursor.keyBuffer(), cursor.keyOffset(), groupKey, 0, groupKeyLength);
        keyInput.reset(groupKey, 0, groupKeyLength);
        Object previous = key;
        key = keyDeserializer.deserialize(spareKey);
        spareKey = previous;
        inGroup = true;
        return true;
    }

    /** The first key of the current group. */
    Object key()
    {
        return key;
    }

    @Override
    public boolean hasNext()
    {
        if (!inGroup) {
            return false;
        }
        if (!positioned) {
            try {
                if (!advance()) {
                    inGroup = false;
                    return false;
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (grouping.compare(groupKey, 0, groupKeyLength, cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength()) != 0) {
            inGroup = false;
            return false;
        }
        return true;
    }

    @Override
    public Object next()
    {
        if (!hasNext()) {
            throw new NoSuchElementException("iterate past last value");
        }
        valueInput.reset(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
        try {
            value = valueDeserializer.deserialize(value);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        positioned = false;
        if (valueCounter != null) {
            valueCounter.increment(1);
        }
        return value;
    }

    private void skip()
    {
        positioned = false;
    }

    private boolean advance()
            throws IOException
    {
        if (exhausted) {
            return false;
        }
        if (!cursor.next()) {
            exhausted = true;
            return false;
        }
        positioned = true;
        return true;
    }

    @Override
    public String toString()
    {
        return "group of " + Arrays.toString(Arrays.copyOf(groupKey, Math.min(groupKeyLength, 16)));
    }
}
