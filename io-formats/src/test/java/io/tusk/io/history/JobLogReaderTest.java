package io.tusk.io.history;

import io.tusk.engine.status.StatusStore;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Event logs with corrupt lengths: each read fails with an {@link IOException} after the jobs of
 * the blocks before the corruption, and allocates no more than a few megabytes where Avro's own
 * reader would size a buffer of the length the file claims.
 */
class JobLogReaderTest
{
    private static final long FEW_MEGABYTES = 16L << 20;

    private static StatusStore.JobRecord job(int id, String name)
    {
        StatusStore.AttemptRecord attempt = new StatusStore.AttemptRecord(0, 0, StatusStore.State.SUCCEEDED, 1, 5, "local", "localhost", "NO_PREFERENCE", null,
                40, 1_000, 300);
        StatusStore.StageRecord stage = new StatusStore.StageRecord(3, "map at X.java:1", true, 1, List.of(), List.of(), StatusStore.State.SUCCEEDED, 1, 6,
                List.of(attempt));
        return new StatusStore.JobRecord(id, "job " + name, "MapReduce", name, "alice", StatusStore.State.SUCCEEDED, 0, 10, null, List.of(stage),
                Map.of("Map-Reduce Framework", Map.of("Map input records", 7L)));
    }

    @Test
    void aWholeLogReadsBackEveryJob()
            throws IOException
    {
        Log log = write(job(0, "first"), job(1, "second"), job(2, "third"));
        assertThat(descriptions(log.bytes)).containsExactly("job first", "job second", "job third");
        // cut in its last block (as a log still written is): the jobs before it read
        List<String> read = new ArrayList<>();
        byte[] cut = Arrays.copyOf(log.bytes, log.bytes.length - 3);
        assertThatThrownBy(() -> readWithin(cut, Long.MAX_VALUE, read)).isInstanceOf(java.io.EOFException.class);
        assertThat(read).containsExactly("job first", "job second");
    }

    @Test
    void aBlockLongerThanTheFileIsRefusedBeforeItIsRead()
            throws IOException
    {
        Log log = write(job(0, "first"), job(1, "second"));
        // the second block claims 1.9 GB: Avro's DataFileStream would allocate a buffer of that size
        byte[] corrupt = replaceVarLongs(log.bytes, log.blockStarts.get(1), 2, 1, 1_900_000_000L);
        List<String> read = new ArrayList<>();
        assertThatThrownBy(() -> readWithin(corrupt, corrupt.length, read)).isInstanceOf(IOException.class)
                .hasMessageContaining("Block 1 claims 1 records in 1900000000 bytes");
        assertThat(read).containsExactly("job first");
        // read to the end of the stream (the file's length unknown): what is read is what the file holds
        read.clear();
        assertThatThrownBy(() -> readWithin(corrupt, Long.MAX_VALUE, read)).isInstanceOf(java.io.EOFException.class).hasMessageContaining("block 1");
        assertThat(read).containsExactly("job first");
    }

    @Test
    void moreRecordsThanABlockHasBytesAreRefused()
            throws IOException
    {
        Log log = write(job(0, "first"));
        byte[] corrupt = replaceVarLongs(log.bytes, log.blockStarts.get(0), 1, 1L << 40);
        assertThatThrownBy(() -> readWithin(corrupt, Long.MAX_VALUE, new ArrayList<>())).isInstanceOf(IOException.class).hasMessageContaining("claims 1099511627776 records");
    }

    @Test
    void aStringLongerThanItsBlockIsRefusedBeforeItIsRead()
            throws IOException
    {
        Log header = write();
        byte[] record = encode(job(0, "first"));
        // the record starts with its id (0: one byte) and its description's length: make that 1 GiB
        assertThat(record[1]).isEqualTo((byte) ("job first".length() * 2));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(record, 0, 1);
        writeVarLong(bytes, 1L << 30);
        bytes.write(record, 2, record.length - 2);
        byte[] corruptRecord = bytes.toByteArray();

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(header.bytes);
        writeVarLong(file, 1);
        writeVarLong(file, corruptRecord.length);
        file.write(corruptRecord);
        file.write(header.bytes, header.bytes.length - 16, 16);
        assertThatThrownBy(() -> readWithin(file.toByteArray(), Long.MAX_VALUE, new ArrayList<>())).isInstanceOf(IOException.class)
                .hasMessageContaining("A length of 1073741824");
    }

    @Test
    void aDamagedHeaderIsRefused()
    {
        assertThatThrownBy(() -> descriptions("not a log".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isInstanceOf(IOException.class)
                .hasMessageContaining("magic");
        byte[] header = new byte[] {'O', 'b', 'j', 1, 0x02, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertThatThrownBy(() -> descriptions(header)).isInstanceOf(IOException.class).hasMessageContaining("The file ends within a metadata key");
    }

    /** Reads {@code length} of {@code bytes}, asserting that this thread allocated no more than a few megabytes. */
    private static void readWithin(byte[] bytes, long length, List<String> read)
            throws IOException
    {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            JobLogReader.read(new ByteArrayInputStream(bytes), length, JobLogFormat.JOB, record -> read.add(record.get("description").toString()));
        }
        finally {
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated").isLessThan(FEW_MEGABYTES);
        }
    }

    private static List<String> descriptions(byte[] bytes)
            throws IOException
    {
        List<String> read = new ArrayList<>();
        readWithin(bytes, Long.MAX_VALUE, read);
        return read;
    }

    private record Log(byte[] bytes, List<Integer> blockStarts) {}

    /** A log with one block per job, as Tusk's writer flushes one per job. */
    private static Log write(StatusStore.JobRecord... jobs)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> starts = new ArrayList<>();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(JobLogFormat.JOB))) {
            writer.create(JobLogFormat.JOB, out);
            for (StatusStore.JobRecord job : jobs) {
                starts.add((int) writer.sync());
                writer.append(JobLogFormat.toAvro(job));
            }
        }
        return new Log(out.toByteArray(), starts);
    }

    private static byte[] encode(StatusStore.JobRecord job)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(JobLogFormat.JOB).write(JobLogFormat.toAvro(job), encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** {@code bytes} with the {@code count} variable-length longs at {@code offset} replaced by {@code values}. */
    private static byte[] replaceVarLongs(byte[] bytes, int offset, int count, long... values)
    {
        int end = offset;
        for (int i = 0; i < count; i++) {
            while ((bytes[end] & 0x80) != 0) {
                end++;
            }
            end++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, offset);
        for (long value : values) {
            writeVarLong(out, value);
        }
        out.write(bytes, end, bytes.length - end);
        return out.toByteArray();
    }

    private static void writeVarLong(ByteArrayOutputStream out, long value)
    {
        long zigZag = (value << 1) ^ (value >> 63);
        while ((zigZag & ~0x7fL) != 0) {
            out.write((int) ((zigZag & 0x7f) | 0x80));
            zigZag >>>= 7;
        }
        out.write((int) zigZag);
    }
}
