package io.tusk.mr.task;

import io.tusk.engine.shuffle.ForwardingCursor;
import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.mapred.Counters;

import java.io.IOException;
import java.util.Arrays;

/**
 * Counts a reduce's input records and groups (runs of adjacent keys equal under the grouping
 * comparator) as its records pass, for a reduce that reads the serialized input itself. Confined to
 * the task's thread.
 */
final class GroupCountingCursor
        extends ForwardingCursor
{
    private final RawComparator<?> grouping;
    private final Counters.Counter records;
    private final Counters.Counter groups;
    private byte[] previousKey = new byte[64];
    private int previousLength = -1;

    GroupCountingCursor(RecordCursor delegate, RawComparator<?> grouping, Counters.Counter records, Counters.Counter groups)
    {
        super(delegate);
        this.grouping = grouping;
        this.records = records;
        this.groups = groups;
    }

    @Override
    public boolean next()
            throws IOException
    {
        if (!delegate.next()) {
            return false;
        }
        records.increment(1);
        byte[] key = delegate.keyBuffer();
        int offset = delegate.keyOffset();
        int length = delegate.keyLength();
        boolean sameBytes = length == previousLength && Arrays.equals(key, offset, offset + length, previousKey, 0, length);
        if (!sameBytes) {
            if (previousLength < 0 || grouping.compare(previousKey, 0, previousLength, key, offset, length) != 0) {
                groups.increment(1);
            }
            if (previousKey.length < length) {
                previousKey = new byte[Math.max(length, previousKey.length * 2)];
            }
            System.arraycopy(key, offset, previousKey, 0, length);
            previousLength = length;
        }
        return true;
    }
}
