package io.tusk.engine.shuffle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A sorted run on local disk: partition segments one after another, each record
 * {@code [prefix][key length][value length][key][value]}. Immutable once written; any number of
 * cursors may read it concurrently. The file is deleted by {@link #delete()}.
 */
final class SpillFile
{
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Path path;
    /** Byte offset of each partition's segment; {@code offsets[partitions]} is the file length. */
    private final long[] offsets;
    /** Record count of each partition's segment. */
    private final long[] counts;
    /** Each partition's records measured by the writer's {@link RecordSize}; null if it had none. */
    private final long[] measured;
    private final long records;

    private SpillFile(Path path, long[] offsets, long[] counts, long[] measured, long records)
    {
        this.path = requireNonNull(path, "path is null");
        this.offsets = offsets;
        this.counts = counts;
        this.measured = measured;
        this.records = records;
    }

    /** The records of {@code partition} measured as they were written; the file must have been written with a {@link RecordSize}. */
    long measured(int partition)
    {
        checkArgument(measured != null, "spill file %s was written without a record size", path);
        return measured[partition];
    }

    Path path()
    {
        return path;
    }

    long records()
    {
        return records;
    }

    long bytes()
    {
        return offsets[offsets.length - 1];
    }

    RecordCursor cursor(int partition)
            throws IOException
    {
        long start = offsets[partition];
        long length = offsets[partition + 1] - start;
        if (length == 0) {
            return RecordCursor.empty();
        }
        return new Cursor(path, start, length, counts[partition]);
    }

    void delete()
    {
        try {
            Files.deleteIfExists(path);
        }
        catch (IOException ignored) {
            // the spill directory is removed as a whole when the engine closes
        }
    }

    /** Writes partitions in increasing order; records within a partition must come sorted. */
    static final class Writer
            implements RecordSink, AutoCloseable
    {
        private final Path path;
        private final long[] offsets;
        private final long[] counts;
        private final DataOutputStream out;
        private final RecordSize size;
        private final long[] measured;
        private final byte[] header = new byte[12];
        private int partition = -1;
        private long position;
        private long records;
        private boolean finished;

        Writer(Path path, int partitions)
                throws IOException
        {
            this(path, partitions, null);
        }

        /** @param size measures each partition's records as they are written; null for no measure */
        Writer(Path path, int partitions, RecordSize size)
                throws IOException
        {
            this.path = requireNonNull(path, "path is null");
            this.offsets = new long[partitions + 1];
            this.counts = new long[partitions];
            this.size = size;
            this.measured = size == null ? null : new long[partitions];
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE_NEW), BUFFER_SIZE));
        }

        /** Starts the segment of {@code next}; earlier partitions without records get empty segments. */
        void startPartition(int next)
        {
            while (partition < next) {
                partition++;
                offsets[partition] = position;
            }
        }

        @Override
        public void add(int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
                throws IOException
        {
            ByteArrays.putInt(header, 0, prefix);
            ByteArrays.putInt(header, 4, keyLength);
            ByteArrays.putInt(header, 8, valueLength);
            out.write(header, 0, 12);
            out.write(key, keyOffset, keyLength);
            out.write(value, valueOffset, valueLength);
            position += 12L + keyLength + valueLength;
            records++;
            counts[partition]++;
            if (size != null) {
                measured[partition] += size.of(keyLength, valueLength);
            }
        }

        SpillFile finish()
                throws IOException
        {
            startPartition(offsets.length - 1);
            out.close();
            finished = true;
            return new SpillFile(path, offsets, counts, measured, records);
        }

        /** Closes and, unless finished, deletes the partial file. */
        @Override
        public void close()
                throws IOException
        {
            if (!finished) {
                out.close();
                Files.deleteIfExists(path);
            }
        }
    }

    /** A cursor over {@code length} bytes of records from {@code start} of a file in this format. */
    static RecordCursor cursor(Path path, long start, long length, long records)
            throws IOException
    {
        return length == 0 ? RecordCursor.empty() : new Cursor(path, start, length, records);
    }

    private static final class Cursor
            implements RecordCursor
    {
        private final FileChannel channel;
        private final DataInputStream in;
        private long remaining;
        private final long records;
        private final byte[] header = new byte[12];
        private byte[] buffer = new byte[256];
        private int prefix;
        private int keyLength;
        private int valueLength;

        Cursor(Path path, long start, long length, long records)
                throws IOException
        {
            this.records = records;
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            channel.position(start);
            InputStream stream = Channels.newInputStream(channel);
            this.in = new DataInputStream(new BufferedInputStream(stream, (int) Math.min(BUFFER_SIZE, Math.max(length, 512))));
            this.remaining = length;
        }

        @Override
        public long records()
        {
            return records;
        }

        @Override
        public boolean next()
                throws IOException
        {
            if (remaining <= 0) {
                return false;
            }
            in.readFully(header, 0, 12);
            prefix = ByteArrays.getInt(header, 0);
            keyLength = ByteArrays.getInt(header, 4);
            valueLength = ByteArrays.getInt(header, 8);
            int size = keyLength + valueLength;
            if (size > buffer.length) {
                buffer = new byte[Math.max(size, buffer.length * 2)];
            }
            in.readFully(buffer, 0, size);
            remaining -= 12L + size;
            if (remaining < 0) {
                throw new EOFException("spill segment overrun");
            }
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
            return buffer;
        }

        @Override
        public int keyOffset()
        {
            return 0;
        }

        @Override
        public int keyLength()
        {
            return keyLength;
        }

        @Override
        public byte[] valueBuffer()
        {
            return buffer;
        }

        @Override
        public int valueOffset()
        {
            return keyLength;
        }

        @Override
        public int valueLength()
        {
            return valueLength;
        }

        @Override
        public void close()
                throws IOException
        {
            in.close();
            channel.close();
        }
    }
}
