package io.tusk.engine.shuffle;

/**
 * Orders serialized keys without deserializing them (or deserializing as it sees fit). The engine's
 * own interface, so that a MapReduce job's {@code RawComparator} can be adapted to it.
 * Implementations used by a shuffle are confined to one thread.
 */
@FunctionalInterface
public interface RawComparator
{
    int compare(byte[] left, int leftOffset, int leftLength, byte[] right, int rightOffset, int rightLength);

    /** Unsigned lexicographic order of the bytes. */
    static int compareBytes(byte[] left, int leftOffset, int leftLength, byte[] right, int rightOffset, int rightLength)
    {
        return java.util.Arrays.compareUnsigned(left, leftOffset, leftOffset + leftLength, right, rightOffset, rightOffset + rightLength);
    }
}
