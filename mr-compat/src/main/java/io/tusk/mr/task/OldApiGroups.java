package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.mapreduce.Counter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import static java.util.Objects.requireNonNull;

/**
 * The old API's view of a sorted run for reducers and combiners, as Hadoop's {@code Task.ValuesIterator}:
 * a group starts at a record and goes on while the grouping comparator's <em>object</em> comparison
 * of the group's first key with the next key is 0 (so a comparator that only overrides the raw
 * comparison groups by the key's {@code compareTo}, and one that never returns 0 makes one group
 * per record). For Hadoop's registered default comparators, whose raw and object comparisons agree,
 * serialized keys are compared without deserializing them. The key handed to {@code reduce} is the
 * group's first key and stays unchanged while its values are read; the value object is reused; a
 * value counts as input only when it is read. Confined to the task's thread.
 */
final class OldApiGroups
        implements Iterator<Object>
{
    private final RecordCursor cursor;
    private final RawComparator<Object> grouping;
    private final boolean rawGrouping;
    private final RecordCodecs.Reader keyReader;
    private final RecordCodecs.Reader valueReader;
    private final Counter valueCounter;
    private byte[] groupKey = new byte[64];
    private int groupKeyLength;
    private Object key;
    /** Holds the cursor's key when {@link #nextKeyLoaded}; swapped with {@link #key} at a new group. */
    private Object nextKey;
    private boolean nextKeyLoaded;
    private Object value;
    /** The cursor stands on a record not yet handed out. */
    private boolean positioned;
    /** The group's first record is not read yet; it belongs to the group without a comparison. */
    private boolean atGroupStart;
    private boolean exhausted;
    private boolean inGroup;

    @SuppressWarnings("unchecked")
    OldApiGroups(RecordCursor cursor, RawComparator<?> grouping, Class<?> keyClass, Deserializer<Object> keyDeserializer, Class<?> valueClass, Deserializer<Object> valueDeserializer,
            Counter valueCounter)
            throws IOException
    {
        this.cursor = requireNonNull(cursor, "cursor is null");
        this.grouping = (RawComparator<Object>) requireNonNull(grouping, "grouping is null");
        this.rawGrouping = rawAgreesWithObjectComparison(grouping);
        this.keyReader = RecordCodecs.reader(keyClass, keyDeserializer);
        this.valueReader = RecordCodecs.reader(valueClass, valueDeserializer);
        this.valueCounter = valueCounter;
    }

    /**
     * True for comparators whose raw comparison is, by contract, the object comparison: the generic
     * {@link WritableComparator} (it deserializes and calls {@code compareTo}) and the comparators
     * Hadoop's own Writables register for themselves ({@code Text.Comparator}, ...).
     */
    private static boolean rawAgreesWithObjectComparison(RawComparator<?> comparator)
    {
        Class<?> type = comparator.getClass();
        return type == WritableComparator.class
                || (type.getName().startsWith("org.apache.hadoop.io.") && type.getName().endsWith("$Comparator"));
    }

    /** Moves to the next group, skipping the unread values of this one; false at the end. */
    boolean nextGroup()
            throws IOException
    {
        while (inGroup && hasNext()) {
            consume();
        }
        if (!positioned && !advance()) {
            return false;
        }
        Object previous = key;
        if (nextKeyLoaded) {
            key = nextKey;
        }
        else {
            key = keyReader.read(nextKey, cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength());
        }
        nextKey = previous;
        nextKeyLoaded = false;
        if (rawGrouping) {
            groupKeyLength = cursor.keyLength();
            if (groupKey.length < groupKeyLength) {
                groupKey = new byte[Math.max(groupKeyLength, groupKey.length * 2)];
            }
            System.arraycopy(cursor.keyBuffer(), cursor.keyOffset(), groupKey, 0, groupKeyLength);
        }
        inGroup = true;
        atGroupStart = true;
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
        if (atGroupStart) {
            return true;
        }
        try {
            if (!positioned && !advance()) {
                inGroup = false;
                return false;
            }
            if (!sameGroup()) {
                inGroup = false;
                return false;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    private boolean sameGroup()
            throws IOException
    {
        if (cursor.sameKeyAsPrevious()) {
            // the bytes of the record before, which is in the group: compared, they compare the same
            return true;
        }
        if (rawGrouping) {
            return grouping.compare(groupKey, 0, groupKeyLength, cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength()) == 0;
        }
        if (!nextKeyLoaded) {
            nextKey = keyReader.read(nextKey, cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength());
            nextKeyLoaded = true;
        }
        return grouping.compare(key, nextKey) == 0;
    }

    @Override
    public Object next()
    {
        if (!hasNext()) {
            throw new NoSuchElementException("iterate past last value");
        }
        try {
            value = valueReader.read(value, cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        consume();
        if (valueCounter != null) {
            valueCounter.increment(1);
        }
        return value;
    }

    private void consume()
    {
        positioned = false;
        atGroupStart = false;
        nextKeyLoaded = false;
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
        nextKeyLoaded = false;
        return true;
    }

    @Override
    public String toString()
    {
        return "group of " + key;
    }
}
