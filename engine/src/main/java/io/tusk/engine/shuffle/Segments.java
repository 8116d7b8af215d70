package io.tusk.engine.shuffle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Sorted runs of shuffle records as bytes, the format of spill files and of shuffle blocks on the
 * network: records one after another, each {@code [prefix][key length][value length][key][value]}
 * with big-endian ints.
 */
public final class Segments
{
    /** Bytes of a record's header. */
    public static final int HEADER_BYTES = 12;

    private Segments() {}

    /** Writes the current record of {@code cursor} to {@code out}, using {@code header} (12 bytes) as scratch; returns the bytes written. */
    public static int write(RecordCursor cursor, OutputStream out, byte[] header)
            throws IOException
    {
        ByteArrays.putInt(header, 0, cursor.prefix());
        ByteArrays.putInt(header, 4, cursor.keyLength());
        ByteArrays.putInt(header, 8, cursor.valueLength());
        out.write(header, 0, HEADER_BYTES);
        out.write(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength());
        out.write(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
        return HEADER_BYTES + cursor.keyLength() + cursor.valueLength();
    }

    /** A cursor over records in {@code bytes[offset, offset + length)}; the array must not change while it is read. */
    public static RecordCursor cursor(byte[] bytes, int offset, int length, long records)
    {
        return new ArrayCursor(bytes, offset, length, records);
    }

    /** A cursor over {@code length} bytes of records from {@code start} of a file. */
    public static RecordCursor cursor(Path file, long start, long length, long records)
            throws IOException
    {
        return SpillFile.cursor(file, start, length, records);
    }

    private static final class ArrayCursor
            implements RecordCursor
    {
        private final byte[] bytes;
        private final int end;
        private final long records;
        private int position;
        private int prefix;
        private int keyOffset;
        private int keyLength;
        private int valueLength;

        ArrayCursor(byte[] bytes, int offset, int length, long records)
        {
            this.bytes = requireNonNull(bytes, "bytes is null");
            checkArgument(offset >= 0 && length >= 0 && offset + length <= bytes.length, "segment [%s, %s) outside an array of %s bytes", offset, offset + length, bytes.length);
            this.position = offset;
            this.end = offset + length;
            this.records = records;
        }

        @Override
        public boolean next()
                throws IOException
        {
            if (position >= end) {
                return false;
            }
            if (end - position < HEADER_BYTES) {
                throw new IOException("truncated shuffle record header at byte " + position);
            }
            prefix = ByteArrays.getInt(bytes, position);
            keyLength = ByteArrays.getInt(bytes, position + 4);
            valueLength = ByteArrays.getInt(bytes, position + 8);
            keyOffset = position + HEADER_BYTES;
            if (keyLength < 0 || valueLength < 0 || (long) keyOffset + keyLength + valueLength > end) {
                throw new IOException("corrupt shuffle record at byte " + position);
            }
            position = keyOffset + keyLength + valueLength;
            return true;
        }

        @Override
        public int prefix()
        {
            return prefix;
        }

        @Override
        public byte[] keyBuffer()
        {
            return bytes;
        }

        @Override
        public int keyOffset()
        {
            return keyOffset;
        }

        @Override
        public int keyLength()
        {
            return keyLength;
        }

        @Override
        public byte[] valueBuffer()
        {
            return bytes;
        }

        @Override
        public int valueOffset()
        {
            return keyOffset + keyLength;
        }

        @Override
        public int valueLength()
        {
            return valueLength;
        }

        @Override
        public long records()
        {
            return records;
        }

        @Override
        public void close() {}
    }
}
