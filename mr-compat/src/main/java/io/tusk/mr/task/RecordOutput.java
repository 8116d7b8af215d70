package io.tusk.mr.task;

import java.io.DataOutputStream;
import java.io.OutputStream;
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

    private static final class Bytes
            extends OutputStream
    {
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
