package io.tusk.engine.shuffle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian int access to byte arrays. */
final class ByteArrays
{
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private ByteArrays() {}

    static int getInt(byte[] bytes, int offset)
    {
        return (int) INT.get(bytes, offset);
    }

    static void putInt(byte[] bytes, int offset, int value)
    {
        INT.set(bytes, offset, value);
    }
}
