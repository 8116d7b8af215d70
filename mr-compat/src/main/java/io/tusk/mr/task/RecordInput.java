package io.tusk.mr.task;

import java.io.DataInputStream;
import java.io.InputStream;

/**
 * A reusable view of one serialized record that Hadoop deserializers read from, without the
 * locking of {@code DataInputBuffer}, whose {@code ByteArrayInputStream} takes a monitor on every
 * {@code read} (each {@code readByte} of a variable-length integer is one). Deserializers that find
 * a {@link java.io.DataInputStream} use it directly. Confined to one thread.
 */
final class RecordInput
        extends DataInputStream
{
    private final Bytes bytes;

    RecordInput()
    {
        this(new Bytes());
    }

    private RecordInput(Bytes bytes)
    {
        super(bytes);
        this.bytes = bytes;
    }

    /** Reads {@code length} bytes of {@code buffer} from {@code offset} next; the buffer is not copied. */
    void reset(byte[] buffer, int offset, int length)
    {
        bytes.data = buffer;
        bytes.position = offset;
        bytes.end = offset + length;
    }

    private static final class Bytes
            extends InputStream
    {
        private byte[] data = new byte[0];
        private int position;
        private int end;

        @Override
        public int read()
        {
            return position < end ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len)
        {
            if (len == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            int n = Math.min(len, end - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public long skip(long n)
        {
            long skipped = Math.max(0, Math.min(n, end - position));
            position += (int) skipped;
            return skipped;
        }

        @Override
        public int available()
        {
            return end - position;
        }
    }
}
