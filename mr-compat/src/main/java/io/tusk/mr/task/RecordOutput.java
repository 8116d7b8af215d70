package io.tusk.mr.task;

import org.apache.hadoop.io.WritableUtils;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A reusable, growable buffer that Hadoop serializers write records into, without the locking of
 * {@code DataOutputBuffer}: its stream and {@code ByteArrayOutputStream} take a monitor on every
 * {@code write}, several times per record ({@code writeInt} alone writes four single bytes).
 * Serializers that find a {@link DataOutputStream} use it directly, as Hadoop's
 * {@code WritableSerialization} does. Confined to one thread.
 */
final class RecordOutput
        extends DataOutputStream
{
    private final Bytes bytes;

    RecordOutput()
    {
        this(new Bytes());
    }

    private RecordOutput(Bytes bytes)
    {
        super(bytes);
        this.bytes = bytes;
    }

    /** Empties the buffer for the next record. */
    void reset()
    {
        bytes.length = 0;
        written = 0;
    }

    /** The buffer; valid up to {@link #length()} until the next write or reset. */
    byte[] data()
    {
        return bytes.data;
    }

    int length()
    {
        return bytes.length;
    }

    @Override
    public void write(int b)
    {
        bytes.write(b);
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len)
    {
        bytes.write(b, off, len);
        written += len;
    }

    @Override
    public void flush() {}

    /** As {@code WritableUtils.writeVInt(this, value)}. */
    void writeVInt(int value)
            throws IOException
    {
        if (value >= -112 && value <= 127) {
            write(value);
        }
        else {
            WritableUtils.writeVInt(this, value);
        }
    }

    /** As {@code writeInt}, in one call. */
    void writeIntBigEndian(int value)
    {
        bytes.putInt(value);
        written += Integer.BYTES;
    }

    /** As {@code writeLong}, in one call. */
    void writeLongBigEndian(long value)
    {
        bytes.putLong(value);
        written += Long.BYTES;
    }

    private static final class Bytes
            extends OutputStream
    {
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

        private byte[] data = new byte[256];
        private int length;

        @Override
        public void write(int b)
        {
            if (length == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[length++] = (byte) b;
        }

        void putInt(int value)
        {
            ensure(Integer.BYTES);
            INT.set(data, length, value);
            length += Integer.BYTES;
        }

        void putLong(long value)
        {
            ensure(Long.BYTES);
            LONG.set(data, length, value);
            length += Long.BYTES;
        }

        private void ensure(int bytes)
        {
            if (data.length - length < bytes) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, length + bytes));
            }
        }

        @Override
        public void write(byte[] b, int off, int len)
        {
            if (data.length - length < len) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, length + len));
            }
            System.arraycopy(b, off, data, length, len);
            length += len;
        }
    }
}
