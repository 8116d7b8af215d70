package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spill files carry a checksum per block: a corrupt byte or length is caught, named and never handed on. */
class SpillFileTest
{
    @TempDir
    Path temp;

    private static List<String> records(int partition)
    {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            records.add("p" + partition + " record " + i + " " + "x".repeat(i % 50));
        }
        // larger than a block: a block of its own
        records.add(1_000, "big".repeat(40_000));
        return records;
    }

    private SpillFile write(Path file)
            throws IOException
    {
        try (SpillFile.Writer writer = new SpillFile.Writer(file, 3)) {
            for (int partition : new int[] {0, 2}) {
                writer.startPartition(partition);
                for (String record : records(partition)) {
                    byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
                    writer.add(partition, bytes, 0, 3, bytes, 3, bytes.length - 3);
                }
            }
            return writer.finish();
        }
    }

    private static List<String> read(RecordCursor cursor)
            throws IOException
    {
        List<String> records = new ArrayList<>();
        try (cursor) {
            while (cursor.next()) {
                records.add(new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8)
                        + new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
            }
        }
        return records;
    }

    private static void overwrite(Path file, long offset, byte[] bytes)
            throws IOException
    {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(offset);
            out.write(bytes);
        }
    }

    @Test
    void recordsComeBackPerPartition()
            throws IOException
    {
        SpillFile spill = write(temp.resolve("spill"));
        assertThat(read(spill.cursor(0))).isEqualTo(records(0));
        assertThat(read(spill.cursor(1))).isEmpty();
        assertThat(read(spill.cursor(2))).isEqualTo(records(2));
        assertThat(spill.records()).isEqualTo(2 * records(0).size());
        assertThat(spill.bytes()).isEqualTo(Files.size(temp.resolve("spill")));
    }

    @Test
    void blocksAreStoredThroughTheTransform()
            throws IOException
    {
        // a transform that flips every bit and adds a marker byte
        BlockTransform flip = new BlockTransform()
        {
            @Override
            public byte[] encode(byte[] block, int length)
            {
                byte[] encoded = new byte[length + 1];
                encoded[0] = 42;
                for (int i = 0; i < length; i++) {
                    encoded[i + 1] = (byte) ~block[i];
                }
                return encoded;
            }

            @Override
            public byte[] decode(byte[] encoded, int length)
            {
                assertThat(encoded[0]).isEqualTo((byte) 42);
                byte[] block = new byte[length - 1];
                for (int i = 0; i < block.length; i++) {
                    block[i] = (byte) ~encoded[i + 1];
                }
                return block;
            }
        };
        Path file = temp.resolve("transformed");
        SpillFile spill;
        try (SpillFile.Writer writer = new SpillFile.Writer(file, 1, null, flip)) {
            writer.startPartition(0);
            for (String record : records(0)) {
                byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
                writer.add(0, bytes, 0, 3, bytes, 3, bytes.length - 3);
            }
            spill = writer.finish();
        }
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("record 17");
        assertThat(read(spill.cursor(0))).isEqualTo(records(0));
    }

    @Test
    void aFlippedByteFailsTheReadNamingTheFile()
            throws IOException
    {
        Path file = temp.resolve("spill");
        SpillFile spill = write(file);
        long middle = Files.size(file) * 3 / 4;
        byte[] one = new byte[1];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(middle);
            one[0] = (byte) (in.read() ^ 0x10);
        }
        overwrite(file, middle, one);

        assertThat(read(spill.cursor(0))).as("the other partition's blocks are whole").isEqualTo(records(0));
        assertThatThrownBy(() -> read(spill.cursor(2)))
                .isInstanceOf(CorruptSpillException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aCorruptLengthIsCaughtBeforeAnythingIsAllocated()
            throws IOException
    {
        Path file = temp.resolve("spill");
        SpillFile spill = write(file);
        // the first block's length: two gigabytes
        overwrite(file, 0, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
        assertThatThrownBy(() -> read(spill.cursor(0)))
                .isInstanceOf(CorruptSpillException.class)
                .hasMessageContaining("a block claims 2147483632 bytes");
        // cut short
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(out.length() - 100);
        }
        assertThatThrownBy(() -> read(spill.cursor(2))).isInstanceOf(CorruptSpillException.class);
    }

    @Test
    void aCorruptMapOutputFailsItsFetchSoThatTheMapRunsAgain()
            throws IOException
    {
        MemoryManager memory = new MemoryManager(1 << 20);
        SortOrder order = SortOrder.sorted(RawComparator::compareBytes);
        try (SpillDirectory directory = new SpillDirectory(temp.resolve("spills")); LocalShuffleService service = new LocalShuffleService()) {
            // a small budget: the map spills, and its output is on disk
            ShuffleSorter sorter = new ShuffleSorter("map", 2, order, null, memory, directory, 64 << 10);
            for (int i = 0; i < 60_000; i++) {
                byte[] key = String.format("key %06d", i).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("value " + i + " " + "v".repeat(20)).getBytes(StandardCharsets.UTF_8);
                sorter.add(i % 2, 0, key, 0, key.length, value, 0, value.length);
            }
            MapOutput output = sorter.finish();
            service.register(3, 0, output);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(temp.resolve("spills"))) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            assertThat(files).as("the map's output went to disk").isNotEmpty();
            for (Path file : files) {
                overwrite(file, Files.size(file) / 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
            List<String> locations = List.of("here");
            assertThatThrownBy(() -> {
                try (RecordCursor cursor = service.open(3, locations, 0, order)) {
                    while (cursor.next()) {
                        // read it all
                    }
                }
                try (RecordCursor cursor = service.open(3, locations, 1, order)) {
                    while (cursor.next()) {
                        // read it all
                    }
                }
            }).isInstanceOfSatisfying(FetchFailedException.class, failed -> {
                assertThat(failed.mapIndex()).isEqualTo(0);
                assertThat(failed.shuffleId()).isEqualTo(3);
                assertThat(failed).hasMessageContaining("is corrupt");
            });
        }
    }
}
