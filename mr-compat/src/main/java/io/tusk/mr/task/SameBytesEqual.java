package io.tusk.mr.task;

import org.apache.hadoop.io.RawComparator;

import java.util.Arrays;

/**
 * A job's grouping comparator that calls two serialized keys of the same bytes equal without asking
 * the job's comparator, which must call them equal too (every comparator calls a key equal to
 * itself); other pairs go to the job's. Grouping compares each record's key with the one before,
 * and in most groups they are the same bytes: a vectorized comparison of equal arrays is cheaper
 * than a comparator's walk (a {@code Text} comparator first decodes both lengths).
 */
final class SameBytesEqual<T>
        implements RawComparator<T>
{
    private final RawComparator<T> comparator;

    private SameBytesEqual(RawComparator<T> comparator)
    {
        this.comparator = comparator;
    }

    @SuppressWarnings("unchecked")
    static <T> RawComparator<T> wrap(RawComparator<?> comparator)
    {
        return new SameBytesEqual<>((RawComparator<T>) comparator);
    }

    @Override
    public int compare(byte[] b1, int s1, int l1, byte[] b2, int s2, int l2)
    {
        if (l1 == l2 && Arrays.equals(b1, s1, s1 + l1, b2, s2, s2 + l2)) {
            return 0;
        }
        return comparator.compare(b1, s1, l1, b2, s2, l2);
    }

    @Override
    public int compare(T first, T second)
    {
        return comparator.compare(first, second);
    }
}
