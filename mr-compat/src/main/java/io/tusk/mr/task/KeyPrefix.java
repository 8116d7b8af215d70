package io.tusk.mr.task;

import io.tusk.engine.shuffle.SortOrder;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.WritableUtils;

import java.util.Optional;

/**
 * The engine's 32-bit sort prefix for serialized MapReduce keys: for the comparators Hadoop
 * registers for {@code Text}, {@code BytesWritable}, {@code IntWritable} and {@code LongWritable},
 * the leading bytes of the key in an order consistent with the comparator, so that most
 * comparisons of a sort never touch the records; for any other comparator a constant, which leaves
 * every comparison to the comparator. The map side and the combiner use the same prefix.
 */
@FunctionalInterface
interface KeyPrefix
{
    KeyPrefix NONE = (bytes, offset, length) -> 0;

    int prefix(byte[] bytes, int offset, int length);

    static KeyPrefix of(RawComparator<?> comparator)
    {
        Class<?> type = comparator.getClass();
        if (type == Text.Comparator.class) {
            return (bytes, offset, length) -> {
                int skip = WritableUtils.decodeVIntSize(bytes[offset]);
                return leadingBytes(bytes, offset + skip, length - skip);
            };
        }
        if (type == BytesWritable.Comparator.class) {
            return (bytes, offset, length) -> leadingBytes(bytes, offset + 4, length - 4);
        }
        if (type == IntWritable.Comparator.class) {
            return (bytes, offset, length) -> leadingBytes(bytes, offset, length) ^ Integer.MIN_VALUE;
        }
        if (type == LongWritable.Comparator.class) {
            return (bytes, offset, length) -> leadingBytes(bytes, offset, length) ^ Integer.MIN_VALUE;
        }
        return NONE;
    }

    /**
     * The keys of the comparators Hadoop registers for {@code IntWritable} and {@code LongWritable}
     * as the engine's longs: these comparators order keys as the signed int or long their bytes hold.
     * Empty for any other comparator, subclasses (a decreasing order, say) included.
     */
    static Optional<SortOrder.LongKeys> longKeys(RawComparator<?> comparator)
    {
        Class<?> type = comparator.getClass();
        if (type == IntWritable.Comparator.class) {
            return Optional.of(new SignedKeys(Integer.BYTES));
        }
        if (type == LongWritable.Comparator.class) {
            return Optional.of(new SignedKeys(Long.BYTES));
        }
        return Optional.empty();
    }

    /** Keys that are a big-endian signed int (four bytes) or long (eight). */
    record SignedKeys(int keyLength)
            implements SortOrder.LongKeys
    {
        @Override
        public long read(byte[] bytes, int offset)
        {
            return keyLength == Integer.BYTES ? WritableComparator.readInt(bytes, offset) : WritableComparator.readLong(bytes, offset);
        }
    }

    /** The first four bytes, big-endian, zero-padded: unsigned order agrees with unsigned byte order. */
    private static int leadingBytes(byte[] bytes, int offset, int length)
    {
        int prefix = 0;
        for (int i = 0; i < 4; i++) {
            prefix <<= 8;
            if (i < length) {
                prefix |= bytes[offset + i] & 0xFF;
            }
        }
        return prefix;
    }
}
