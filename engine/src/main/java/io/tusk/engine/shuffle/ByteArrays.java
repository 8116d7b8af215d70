package io.tusk.engine.shuffle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Big-endian int access to byte arrays, and copies, equality and hashes of byte ranges. */
final class ByteArrays
{
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    /** For copies, equality and hashes only: the machine's own order. */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle NATIVE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int SHORT = 32;

    private ByteArrays() {}

    static int getInt(byte[] bytes, int offset)
    {
        return (int) INT.get(bytes, offset);
    }

    static void putInt(byte[] bytes, int offset, int value)
    {
        INT.set(bytes, offset, value);
    }

    /**
     * Copies {@code length} bytes of {@code from} from {@code fromOffset} to {@code to} at
     * {@code toOffset} (arrays that do not overlap): eight at a time, in line, for the short records
     * of most jobs, where a call to the copying stub costs more than the copy.
     */
    static void copy(byte[] from, int fromOffset, byte[] to, int toOffset, int length)
    {
        if (length > SHORT) {
            System.arraycopy(from, fromOffset, to, toOffset, length);
        }
        else if (length >= Long.BYTES) {
            // whole words, the last one overlapping the one before
            int last = length - Long.BYTES;
            for (int i = 0; i < last; i += Long.BYTES) {
                LONG.set(to, toOffset + i, (long) LONG.get(from, fromOffset + i));
            }
            LONG.set(to, toOffset + last, (long) LONG.get(from, fromOffset + last));
        }
        else if (length >= Integer.BYTES) {
            int last = length - Integer.BYTES;
            int first = (int) NATIVE_INT.get(from, fromOffset);
            NATIVE_INT.set(to, toOffset + last, (int) NATIVE_INT.get(from, fromOffset + last));
            NATIVE_INT.set(to, toOffset, first);
        }
        else {
            for (int i = 0; i < length; i++) {
                to[toOffset + i] = from[fromOffset + i];
            }
        }
    }

    /**
     * Whether {@code length} bytes of {@code a} from {@code aFrom} equal those of {@code b} from
     * {@code bFrom}: eight at a time, in line, for the short keys of most jobs, where a call to the
     * vectorized {@code Arrays.equals} costs more than the comparison.
     */
    static boolean equal(byte[] a, int aFrom, byte[] b, int bFrom, int length)
    {
        if (length > SHORT) {
            return Arrays.equals(a, aFrom, aFrom + length, b, bFrom, bFrom + length);
        }
        if (length >= Long.BYTES) {
            // whole words, the last one overlapping the one before: no byte-by-byte tail
            int last = length - Long.BYTES;
            for (int i = 0; i < last; i += Long.BYTES) {
                if ((long) LONG.get(a, aFrom + i) != (long) LONG.get(b, bFrom + i)) {
                    return false;
                }
            }
            return (long) LONG.get(a, aFrom + last) == (long) LONG.get(b, bFrom + last);
        }
        if (length >= Integer.BYTES) {
            int last = length - Integer.BYTES;
            return (int) INT.get(a, aFrom) == (int) INT.get(b, bFrom) && (int) INT.get(a, aFrom + last) == (int) INT.get(b, bFrom + last);
        }
        for (int i = 0; i < length; i++) {
            if (a[aFrom + i] != b[bFrom + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A hash of {@code length} bytes of {@code bytes} from {@code from}, and of {@code seed}, with
     * well-mixed low bits (for a table indexed by them): words at a time, the last one overlapping
     * the one before, so that a short key takes one or two multiplications instead of one per byte.
     * Not stable across machines (words are read in the machine's byte order).
     */
    static int hash(int seed, byte[] bytes, int from, int length)
    {
        long hash = (seed * 0x9E3779B97F4A7C15L) ^ length;
        if (length >= Long.BYTES) {
            int last = from + length - Long.BYTES;
            for (int i = from; i < last; i += Long.BYTES) {
                hash = (hash ^ (long) LONG.get(bytes, i)) * 0xC2B2AE3D27D4EB4FL;
                hash ^= hash >>> 29;
            }
            hash ^= (long) LONG.get(bytes, last);
        }
        else if (length >= Integer.BYTES) {
            hash ^= ((long) (int) INT.get(bytes, from) << 32) ^ ((int) INT.get(bytes, from + length - Integer.BYTES) & 0xFFFF_FFFFL);
        }
        else {
            for (int i = from; i < from + length; i++) {
                hash = hash << 8 ^ (bytes[i] & 0xFF);
            }
        }
        // MurmurHash3's finalizer
        hash ^= hash >>> 33;
        hash *= 0xFF51AFD7ED558CCDL;
        hash ^= hash >>> 33;
        hash *= 0xC4CEB9FE1A85EC53L;
        hash ^= hash >>> 33;
        return (int) hash;
    }
}
