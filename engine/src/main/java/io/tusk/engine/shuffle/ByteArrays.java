package io.tusk.engine.shuffle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Big-endian int access to byte arrays, and equality of byte ranges. */
final class ByteArrays
{
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    /** For equality only: the machine's own order. */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
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
     * Whether {@code length} bytes of {@code a} from {@code aFrom} equal those of {@code b} from
     * {@code bFrom}: eight at a time, in line, for the short keys of most jobs, where a call to the
     * vectorized {@code Arrays.equals} costs more than the comparison.
     */
    static boolean equal(byte[] a, int aFrom, byte[] b, int bFrom, int length)
    {
        if (length > SHORT) {
            return Arrays.equals(a, aFrom, aFrom + length, b, bFrom, bFrom + length);
        }
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if ((long) LONG.get(a, aFrom + i) != (long) LONG.get(b, bFrom + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a[aFrom + i] != b[bFrom + i]) {
                return false;
            }
        }
        return true;
    }
}
