package io.tusk.io.history;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the records of a Tusk event log (an Avro container file) without trusting a length in it.
 * Avro's {@code DataFileStream} sizes a block's buffer (up to 2 GiB) and a string's bytes from what
 * the file says; here a block's length is checked against the bytes the file has left before the
 * block is read, and each block is walked through once by this class, every string, array and map
 * length checked against the bytes the block has left, before Avro decodes it. A corrupt length costs
 * an {@link IOException} naming what was wrong, never a large allocation or a long loop. Reads up to
 * the first block that is not whole: the log of a process that still writes it, or was killed,
 * ends in one.
 */
final class JobLogReader
{
    private static final byte[] MAGIC = {'O', 'b', 'j', 1};
    private static final int SYNC_SIZE = 16;
    /** The largest array a JVM makes. */
    private static final long MAX_BLOCK = Integer.MAX_VALUE - 8;
    /** Deeper values than this (a recursive schema) are taken for corruption, not walked on the stack. */
    private static final int MAX_DEPTH = 256;

    private final InputStream in;
    private long remaining;

    private JobLogReader(InputStream in, long length)
    {
        this.in = in;
        this.remaining = length;
    }

    /**
     * Gives {@code records} each record of the first {@code length} bytes of {@code in} (all of it
     * with {@link Long#MAX_VALUE}: a file still written on HDFS is longer than its listing says),
     * read as {@code readerSchema}; throws at the first block that is cut short or corrupt, after the
     * records of the blocks before it. A length the file claims is never allocated up front: bytes
     * are read in small buffers, so what a read allocates is bounded by what the file holds.
     */
    static void read(InputStream in, long length, Schema readerSchema, Consumer<GenericRecord> records)
            throws IOException
    {
        new JobLogReader(in.markSupported() ? in : new java.io.BufferedInputStream(in), length).readAll(readerSchema, records);
    }

    private void readAll(Schema readerSchema, Consumer<GenericRecord> records)
            throws IOException
    {
        if (!Arrays.equals(bytes(MAGIC.length, "the header"), MAGIC)) {
            throw new IOException("Not an Avro container file: it does not start with Avro's magic bytes");
        }
        Map<String, byte[]> metadata = metadata();
        byte[] sync = bytes(SYNC_SIZE, "the header's sync marker");
        byte[] schemaText = metadata.get("avro.schema");
        if (schemaText == null) {
            throw new IOException("The header has no avro.schema");
        }
        Schema writerSchema = new Schema.Parser().parse(new String(schemaText, StandardCharsets.UTF_8));
        byte[] codec = metadata.get("avro.codec");
        if (codec != null && !new String(codec, StandardCharsets.UTF_8).equals("null")) {
            // a codec's output could be any size: Tusk writes its logs uncompressed
            throw new IOException("The log is compressed with " + new String(codec, StandardCharsets.UTF_8) + "; Tusk's logs are not");
        }
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(writerSchema, readerSchema);
        BinaryDecoder decoder = null;
        for (long block = 0; !atEnd(); block++) {
            long count = varLong();
            long size = varLong();
            if (count < 0 || size < 0 || size > Math.min(remaining - SYNC_SIZE, MAX_BLOCK) || count > size) {
                throw new IOException("Block " + block + " claims " + count + " records in " + size + " bytes, and " + remaining
                        + " bytes are left in the file");
            }
            byte[] data = bytes((int) size, "block " + block);
            if (!Arrays.equals(bytes(SYNC_SIZE, "the sync marker of block " + block), sync)) {
                throw new IOException("Block " + block + " does not end with the file's sync marker");
            }
            Walk walk = new Walk(data);
            for (long i = 0; i < count; i++) {
                walk.value(writerSchema, 0);
            }
            if (walk.position != walk.end) {
                throw new IOException("Block " + block + " has " + (walk.end - walk.position) + " bytes after its " + count + " records");
            }
            decoder = DecoderFactory.get().binaryDecoder(data, decoder);
            for (long i = 0; i < count; i++) {
                records.accept(reader.read(null, decoder));
            }
        }
    }

    private Map<String, byte[]> metadata()
            throws IOException
    {
        Map<String, byte[]> metadata = new HashMap<>();
        for (long count = varLong(); count != 0; count = varLong()) {
            if (count < 0) {
                // a negative count is followed by the entries' size in bytes
                count = -count;
                varLong();
            }
            if (count > remaining / 2) {
                throw new IOException("The header claims " + count + " metadata entries, and " + remaining + " bytes are left in the file");
            }
            for (long i = 0; i < count; i++) {
                String key = new String(lengthPrefixed("a metadata key"), StandardCharsets.UTF_8);
                metadata.put(key, lengthPrefixed("the metadata value of " + key));
            }
        }
        return metadata;
    }

    private byte[] lengthPrefixed(String what)
            throws IOException
    {
        long length = varLong();
        if (length < 0 || length > Math.min(remaining, Integer.MAX_VALUE)) {
            throw new IOException("The length of " + what + " is " + length + ", and " + remaining + " bytes are left in the file");
        }
        return bytes((int) length, what);
    }

    /** Whether the file ends here: no bytes left of its length, or none in the stream. */
    private boolean atEnd()
            throws IOException
    {
        if (remaining <= 0) {
            return true;
        }
        in.mark(1);
        int next = in.read();
        in.reset();
        return next < 0;
    }

    /** {@code length}, at most {@link #remaining}, bytes; read in small buffers (InputStream's), not allocated up front. */
    private byte[] bytes(int length, String what)
            throws IOException
    {
        if (length > remaining) {
            throw new EOFException("The file ends within " + what);
        }
        byte[] bytes = in.readNBytes(length);
        remaining -= bytes.length;
        if (bytes.length < length) {
            throw new EOFException("The file ends within " + what);
        }
        return bytes;
    }

    /** Avro's zig-zag variable-length long. */
    private long varLong()
            throws IOException
    {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (remaining <= 0) {
                throw new EOFException("The file ends within a length");
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("The file ends within a length");
            }
            remaining--;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new IOException("A length of more than ten bytes");
    }

    /**
     * One pass over the encoded values of a block that checks every length against the bytes left
     * and allocates nothing: no loop runs more often than the block has bytes, except over values
     * that take no bytes (null items), which it bounds by the block's size too.
     */
    private static final class Walk
    {
        private final byte[] bytes;
        private final int end;
        private int position;

        Walk(byte[] bytes)
        {
            this.bytes = bytes;
            this.end = bytes.length;
        }

        void value(Schema schema, int depth)
                throws IOException
        {
            if (depth > MAX_DEPTH) {
                throw new IOException("Values nested more than " + MAX_DEPTH + " deep");
            }
            switch (schema.getType()) {
                case NULL -> {
                }
                case BOOLEAN -> skip(1);
                case INT, LONG -> varLong();
                case FLOAT -> skip(4);
                case DOUBLE -> skip(8);
                case STRING, BYTES -> skip(varLong());
                case FIXED -> skip(schema.getFixedSize());
                case ENUM -> index(schema.getEnumSymbols().size(), "enum symbol");
                case UNION -> value(schema.getTypes().get(index(schema.getTypes().size(), "union branch")), depth + 1);
                case RECORD -> {
                    for (Schema.Field field : schema.getFields()) {
                        value(field.schema(), depth + 1);
                    }
                }
                case ARRAY -> items(schema.getElementType(), false, depth + 1);
                case MAP -> items(schema.getValueType(), true, depth + 1);
            }
        }

        private void items(Schema item, boolean keyed, int depth)
                throws IOException
        {
            for (long count = varLong(); count != 0; count = varLong()) {
                if (count < 0) {
                    count = -count;
                    long size = varLong();
                    if (size < 0 || size > end - position) {
                        throw new IOException("A block of items claims " + size + " bytes, and " + (end - position) + " are left in the block");
                    }
                }
                if (count > end - position) {
                    throw new IOException("A block of items claims " + count + " items, and " + (end - position) + " bytes are left in the block");
                }
                for (long i = 0; i < count; i++) {
                    if (keyed) {
                        skip(varLong());
                    }
                    value(item, depth);
                }
            }
        }

        private int index(int size, String what)
                throws IOException
        {
            long index = varLong();
            if (index < 0 || index >= size) {
                throw new IOException("No " + what + " " + index + " (there are " + size + ")");
            }
            return (int) index;
        }

        private void skip(long length)
                throws IOException
        {
            if (length < 0 || length > end - position) {
                throw new IOException("A length of " + length + ", and " + (end - position) + " bytes are left in the block");
            }
            position += (int) length;
        }

        private long varLong()
                throws IOException
        {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new EOFException("The block ends within a number");
                }
                int b = bytes[position++] & 0xff;
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
            throw new IOException("A number of more than ten bytes");
        }
    }
}
