package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalShuffleServiceTest
{
    private static final SortOrder BY_BYTES = SortOrder.sorted(RawComparator::compareBytes);

    @TempDir
    Path temp;

    private static MapOutput output(String value, MemoryManager memory, SpillDirectory directory)
            throws IOException
    {
        ShuffleSorter sorter = new ShuffleSorter("map", 1, BY_BYTES, null, memory, directory, 64 << 10);
        byte[] key = "key".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sorter.add(0, 0, key, 0, key.length, bytes, 0, bytes.length);
        return sorter.finish();
    }

    /** The output of a map that wrote {@code values} under one key, measured by their lengths. */
    private static MapOutput measuredOutput(MemoryManager memory, SpillDirectory directory, String... values)
            throws IOException
    {
        ShuffleSorter sorter = new ShuffleSorter("map", 1, BY_BYTES, null, memory, directory, 64 << 10);
        sorter.measureOutput((keyLength, valueLength) -> keyLength + valueLength);
        byte[] key = "key".getBytes(StandardCharsets.UTF_8);
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            sorter.add(0, 0, key, 0, key.length, bytes, 0, bytes.length);
        }
        return sorter.finish();
    }

    private static List<String> values(RecordCursor cursor)
            throws IOException
    {
        List<String> values = new ArrayList<>();
        try (cursor) {
            while (cursor.next()) {
                values.add(new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    @Test
    void aMapRunAgainReplacesItsEarlierOutput()
            throws IOException
    {
        MemoryManager memory = new MemoryManager(16 << 20);
        try (SpillDirectory directory = new SpillDirectory(temp); LocalShuffleService service = new LocalShuffleService()) {
            MapOutput first = output("first run", memory, directory);
            service.register(7, 0, first);
            long heldByOne = memory.used();
            MapOutput again = output("second run", memory, directory);
            service.register(7, 0, again);

            assertThat(service.output(7, 0)).isSameAs(again);
            assertThat(values(service.open(7, List.of("here"), 0, BY_BYTES))).containsExactly("second run");
            assertThat(memory.used()).as("the replaced output's memory is given back").isEqualTo(heldByOne);
            // registering the same output twice keeps it
            service.register(7, 0, again);
            assertThat(values(service.open(7, List.of("here"), 0, BY_BYTES))).containsExactly("second run");
        }
    }
    /**
     * As Hadoop's reducer, which holds small map outputs in memory ordered by size (maps of equal
     * size in the order of the maps) and merges them in that order with its heap: the smallest
     * output's records of a key come first; when an output ends, the last one in the heap takes its
     * place and keeps it against equal keys.
     */
    @Test
    void mapsEnterTheMergeSmallestOutputFirst()
            throws IOException
    {
        MemoryManager memory = new MemoryManager(16 << 20);
        try (SpillDirectory directory = new SpillDirectory(temp); LocalShuffleService service = new LocalShuffleService()) {
            service.register(3, 0, measuredOutput(memory, directory, "large 0", "large 1", "large 2"));
            service.register(3, 1, measuredOutput(memory, directory, "small"));
            service.register(3, 2, measuredOutput(memory, directory, "equal 0", "equal 1", "equal 2"));

            assertThat(values(service.open(3, List.of("a", "b", "c"), 0, BY_BYTES)))
                    .containsExactly("small", "equal 0", "equal 1", "equal 2", "large 0", "large 1", "large 2");
        }
    }
}
