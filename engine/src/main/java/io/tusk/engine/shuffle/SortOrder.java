package io.tusk.engine.shuffle;

import static java.util.Objects.requireNonNull;

/**
 * How a shuffle orders its records within a partition: first by a 32-bit prefix compared unsigned,
 * then, if the order is total, by a {@link RawComparator} on the key bytes.
 * <p>
 * A hashed order ({@link #hashed()}) uses the key's hash as prefix and nothing else: equal keys are
 * then in one run of equal prefixes, possibly interleaved with other keys of the same hash, which
 * consumers group with {@code equals}. A sorted order must use a prefix consistent with its
 * comparator: if two prefixes differ, the comparator orders the keys as the prefixes do.
 * Confined to one thread when the comparator is.
 */
public final class SortOrder
{
    private final RawComparator keyComparator;
    private final LongKeys longKeys;

    private SortOrder(RawComparator keyComparator, LongKeys longKeys)
    {
        this.keyComparator = keyComparator;
        this.longKeys = longKeys;
    }

    public static SortOrder hashed()
    {
        return new SortOrder(null, null);
    }

    public static SortOrder sorted(RawComparator keyComparator)
    {
        return new SortOrder(requireNonNull(keyComparator, "keyComparator is null"), null);
    }

    /** A sorted order whose keys are {@code longKeys}: sorts may compare their longs instead of calling the comparator. */
    public static SortOrder sorted(RawComparator keyComparator, LongKeys longKeys)
    {
        return new SortOrder(requireNonNull(keyComparator, "keyComparator is null"), requireNonNull(longKeys, "longKeys is null"));
    }

    /** What {@link #sorted(RawComparator, LongKeys)} was given; null otherwise. */
    public LongKeys longKeys()
    {
        return longKeys;
    }

    public boolean isSorted()
    {
        return keyComparator != null;
    }

    public int compare(int leftPrefix, byte[] left, int leftOffset, int leftLength, int rightPrefix, byte[] right, int rightOffset, int rightLength)
    {
        int result = Integer.compareUnsigned(leftPrefix, rightPrefix);
        if (result != 0 || keyComparator == null) {
            return result;
        }
        return keyComparator.compare(left, leftOffset, leftLength, right, rightOffset, rightLength);
    }

    /** As {@link #compare(int, byte[], int, int, int, byte[], int, int)}; reads the keys only when the prefixes are equal. */
    public int compare(RecordCursor left, RecordCursor right)
    {
        return compare(left, left.prefix(), right, right.prefix());
    }

    /** As {@link #compare(RecordCursor, RecordCursor)}, with the cursors' prefixes given. */
    public int compare(RecordCursor left, int leftPrefix, RecordCursor right, int rightPrefix)
    {
        int result = Integer.compareUnsigned(leftPrefix, rightPrefix);
        if (result != 0 || keyComparator == null) {
            return result;
        }
        return keyComparator.compare(left.keyBuffer(), left.keyOffset(), left.keyLength(), right.keyBuffer(), right.keyOffset(), right.keyLength());
    }

    /**
     * Keys serialized in a fixed number of bytes that hold a signed long ordered as the comparator
     * orders the keys, and equal only for equal keys: a 4-byte int or an 8-byte long. A record whose
     * key has another length is left to the comparator.
     */
    public interface LongKeys
    {
        /** The bytes of every such key. */
        int keyLength();

        /** The long of the key serialized at {@code offset}. */
        long read(byte[] bytes, int offset);
    }
}
