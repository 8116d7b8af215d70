package io.tusk.engine.shuffle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A sorted run on local disk: partition segments one after another, each a sequence of checksummed
 * blocks {@code [payload length][CRC32C of the payload][payload]} whose payloads hold whole records
 * {@code [prefix][key length][value length][key][value]} (about 64 KiB of them, or one larger
 * record). A reader checks every block's length against its segment before it allocates, and its
 * checksum before it hands out a record: a corrupt file fails with a {@link CorruptSpillException}
 * naming it, never with wrong records or a huge allocation. Immutable once written; any number of
 * cursors may read it concurrently. The file is deleted by {@link #delete()}.
 */
final class SpillFile
{
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Records are written in blocks of this many bytes, or one record each when larger. */
    private static final int BLOCK_BYTES = 64 * 1024;
    /** A block's length and checksum. */
    private static final int BLOCK_HEADER_BYTES = 8;

    private final Path path;
    /** Byte offset of each partition's segment; {@code offsets[partitions]} is the file length. */
    private final long[] offsets;
    /** Record count of each partition's segment. */
    private final long[] counts;
    /** Each partition's records measured by the writer's {@link RecordSize}; null if it had none. */
    private final long[] measured;
    private final long records;
    /** How the blocks are stored; null: as they are. */
    private final BlockTransform transform;

    private SpillFile(Path path, long[] offsets, long[] counts, long[] measured, long records, BlockTransform transform)
    {
        this.path = requireNonNull(path, "path is null");
        this.offsets = offsets;
        this.counts = counts;
        this.measured = measured;
        this.records = records;
        this.transform = transform;
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
        return new BlockCursor(path, start, length, counts[partition], transform);
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
        private final CRC32C checksum = new CRC32C();
        private final BlockTransform transform;
        private byte[] block = new byte[BLOCK_BYTES];
        private int blockUsed;
        private int partition = -1;
        /** Bytes of the file written so far, blocks in the making not included. */
        private long position;
        private long records;
        private boolean finished;

        Writer(Path path, int partitions)
                throws IOException
        {
            this(path, partitions, null, null);
        }

        /**
         * @param size measures each partition's records as they are written; null for no measure
         * @param transform how blocks are stored (compressed, encrypted); null: as they are
         */
        Writer(Path path, int partitions, RecordSize size, BlockTransform transform)
                throws IOException
        {
            this.transform = transform;
            this.path = requireNonNull(path, "path is null");
            this.offsets = new long[partitions + 1];
            this.counts = new long[partitions];
            this.size = size;
            this.measured = size == null ? null : new long[partitions];
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE_NEW), BUFFER_SIZE));
        }

        /** Starts the segment of {@code next}; earlier partitions without records get empty segments. */
        void startPartition(int next)
                throws IOException
        {
            writeBlock();
            while (partition < next) {
                partition++;
                offsets[partition] = position;
            }
        }

        @Override
        public void add(int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
                throws IOException
        {
            long bytes = 12L + keyLength + valueLength;
            if (blockUsed > 0 && blockUsed + bytes > block.length) {
                writeBlock();
            }
            if (bytes > block.length) {
                // a record larger than a block is a block of its own
                checkArgument(bytes <= Integer.MAX_VALUE - 64, "record of %s bytes is too large for a spill file", bytes);
                block = new byte[(int) bytes];
            }
            ByteArrays.putInt(block, blockUsed, prefix);
            ByteArrays.putInt(block, blockUsed + 4, keyLength);
            ByteArrays.putInt(block, blockUsed + 8, valueLength);
            System.arraycopy(key, keyOffset, block, blockUsed + 12, keyLength);
            System.arraycopy(value, valueOffset, block, blockUsed + 12 + keyLength, valueLength);
            blockUsed += (int) bytes;
            records++;
            counts[partition]++;
            if (size != null) {
                measured[partition] += size.of(keyLength, valueLength);
            }
        }

        /** Writes the records gathered so far as one checksummed block. */
        private void writeBlock()
                throws IOException
        {
            if (blockUsed == 0) {
                return;
            }
            byte[] stored = block;
            int length = blockUsed;
            if (transform != null) {
                stored = transform.encode(block, blockUsed);
                length = stored.length;
            }
            checksum.reset();
            checksum.update(stored, 0, length);
            out.writeInt(length);
            out.writeInt((int) checksum.getValue());
            out.write(stored, 0, length);
            position += BLOCK_HEADER_BYTES + length;
            blockUsed = 0;
            if (block.length > BLOCK_BYTES) {
                block = new byte[BLOCK_BYTES];
            }
        }

        SpillFile finish()
                throws IOException
        {
            startPartition(offsets.length - 1);
            out.close();
            finished = true;
            return new SpillFile(path, offsets, counts, measured, records, transform);
        }

        /** Closes and, unless finished, deletes the partial file. */
        @Override
        public void close()
                throws IOException
        {
            if (!finished) {
                // closing flushes, which fails again on a full disk: the partial file goes all the same
                try {
                    out.close();
                }
                finally {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** Opens {@code path} at {@code start} for reading {@code length} bytes; the channel closes with the stream. */
    private static DataInputStream open(Path path, long start, long length)
            throws IOException
    {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            channel.position(start);
        }
        catch (IOException e) {
            channel.close();
            throw e;
        }
        return new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), (int) Math.min(BUFFER_SIZE, Math.max(length, 512))));
    }

    /** Reads one segment's checksummed blocks and hands out their records, which stay valid until the next call. */
    private static final class BlockCursor
            implements RecordCursor
    {
        private final Path path;
        private final DataInputStream in;
        private final CRC32C checksum = new CRC32C();
        private final long records;
        private final BlockTransform transform;
        /** The file offset of the next block. */
        private long offset;
        private long remaining;
        private byte[] block = new byte[256];
        /** The records of the block read last. */
        private RecordCursor current = RecordCursor.empty();

        BlockCursor(Path path, long start, long length, long records, BlockTransform transform)
                throws IOException
        {
            this.path = path;
            this.records = records;
            this.transform = transform;
            this.in = open(path, start, length);
            this.offset = start;
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
            while (!current.next()) {
                if (remaining <= 0) {
                    return false;
                }
                // readBlock may replace the array: read first
                int length = readBlock();
                if (transform == null) {
                    current = Segments.cursor(block, 0, length, 0);
                }
                else {
                    byte[] decoded;
                    try {
                        decoded = transform.decode(block, length);
                    }
                    catch (IOException | RuntimeException e) {
                        throw new CorruptSpillException(path, offset, "a block that passed its checksum cannot be decoded: " + e);
                    }
                    current = Segments.cursor(decoded, 0, decoded.length, 0);
                }
            }
            return true;
        }

        /** Reads and checks the next block into {@link #block}; returns its length. */
        private int readBlock()
                throws IOException
        {
            if (remaining < BLOCK_HEADER_BYTES) {
                throw corrupt("a block header runs past its segment");
            }
            int length;
            int expected;
            try {
                length = in.readInt();
                expected = in.readInt();
            }
            catch (EOFException e) {
                throw corrupt("the file is shorter than its segments");
            }
            // checked before anything is allocated: a corrupt length must not cost memory
            if (length <= 0 || length > remaining - BLOCK_HEADER_BYTES) {
                throw corrupt("a block claims " + length + " bytes where its segment has " + (remaining - BLOCK_HEADER_BYTES));
            }
            if (length > block.length) {
                block = new byte[Math.max(length, Math.min(BLOCK_BYTES, block.length * 2))];
            }
            try {
                in.readFully(block, 0, length);
            }
            catch (EOFException e) {
                throw corrupt("the file is shorter than its segments");
            }
            checksum.reset();
            checksum.update(block, 0, length);
            if ((int) checksum.getValue() != expected) {
                throw corrupt("checksum mismatch");
            }
            offset += BLOCK_HEADER_BYTES + length;
            remaining -= BLOCK_HEADER_BYTES + length;
            return length;
        }

        private CorruptSpillException corrupt(String what)
        {
            return new CorruptSpillException(path, offset, what);
        }

        @Override
        public int prefix()
        {
            return current.prefix();
        }

        @Override
        public byte[] keyBuffer()
        {
            return current.keyBuffer();
        }

        @Override
        public int keyOffset()
        {
            return current.keyOffset();
        }

        @Override
        public int keyLength()
        {
            return current.keyLength();
        }

        @Override
        public byte[] valueBuffer()
        {
            return current.valueBuffer();
        }

        @Override
        public int valueOffset()
        {
            return current.valueOffset();
        }

        @Override
        public int valueLength()
        {
            return current.valueLength();
        }

        @Override
        public void close()
                throws IOException
        {
            in.close();
        }
    }

    /** A cursor over {@code length} bytes of unblocked records from {@code start} of a file (fetched shuffle runs). */
    static RecordCursor cursor(Path path, long start, long length, long records)
            throws IOException
    {
        return length == 0 ? RecordCursor.empty() : new Cursor(path, start, length, records);
    }

    private static final class Cursor
            implements RecordCursor
    {
        private final Path path;
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
            this.path = path;
            this.records = records;
            this.in = open(path, start, length);
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
            // checked before anything is allocated: a corrupt length must not cost memory
            if (keyLength < 0 || valueLength < 0 || 12L + keyLength + valueLength > remaining) {
                throw new IOException("corrupt shuffle run in " + path + ": a record claims " + keyLength + " + " + valueLength + " bytes where " + (remaining - 12) + " remain");
            }
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
        }
    }
}
