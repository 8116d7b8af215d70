package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShuffleSorterTest
{
    private static final SortOrder BY_BYTES = SortOrder.sorted(RawComparator::compareBytes);

    @TempDir
    Path temp;
    private SpillDirectory directory;
    private MemoryManager memory;

    @BeforeEach
    void setUp()
    {
        directory = new SpillDirectory(temp);
    }

    @AfterEach
    void tearDown()
    {
        directory.close();
    }

    @Test
    void sortsByPartitionThenKeyInMemory()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        ShuffleSorter sorter = new ShuffleSorter("test", 3, BY_BYTES, null, memory, directory, 4096);
        Random random = new Random(1);
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int key = random.nextInt(1_000_000);
            keys.add(key);
            add(sorter, key % 3, key, i);
        }
        MapOutput output = sorter.finish();

        assertThat(output.inMemory()).isTrue();
        assertThat(output.fileCount()).isZero();
        assertThat(output.records()).isEqualTo(5_000);
        for (int partition = 0; partition < 3; partition++) {
            int target = partition;
            List<Integer> expected = keys.stream().filter(key -> key % 3 == target).sorted().toList();
            assertThat(readKeys(output, partition)).containsExactlyElementsOf(expected);
        }
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void compactsRecordsOfMixedSizesIntoSortedOrder()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, null, memory, directory, 4096);
        Random random = new Random(3);
        TreeMap<String, String> expected = new TreeMap<>();
        for (int i = 0; i < 10_000; i++) {
            // one shared prefix: the comparator orders everything after the radix pass
            String key = "key-" + random.nextInt(1_000_000_000) + "-" + i;
            String value = "v".repeat(i % 97 == 0 ? 6000 : random.nextInt(200));
            expected.put(key, value);
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
            sorter.add(0, ByteBuffer.wrap(keyBytes).getInt(), keyBytes, 0, keyBytes.length, valueBytes, 0, valueBytes.length);
        }
        MapOutput output = sorter.finish();

        assertThat(output.inMemory()).isTrue();
        Map<String, String> actual = new LinkedHashMap<>();
        try (RecordCursor cursor = new MergingCursor(BY_BYTES, output.open(0))) {
            while (cursor.next()) {
                actual.put(new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8),
                        new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
            }
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void theNextMapsBuffersReuseThePagesOfThoseBeforeWithoutTouchingTheirOutputs()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        List<MapOutput> outputs = new ArrayList<>();
        List<List<Integer>> expected = new ArrayList<>();
        Random random = new Random(5);
        for (int map = 0; map < 3; map++) {
            ShuffleSorter sorter = new ShuffleSorter("map-" + map, 2, BY_BYTES, null, memory, directory, 64 << 10);
            List<Integer> keys = new ArrayList<>();
            long keptBefore = memory.kept();
            for (int i = 0; i < 20_000; i++) {
                int key = random.nextInt(1_000_000);
                keys.add(key);
                add(sorter, key % 2, key, map);
            }
            if (map > 0) {
                assertThat(memory.kept()).as("the buffer took the pages compaction dropped before").isLessThan(keptBefore);
            }
            outputs.add(sorter.finish());
            assertThat(memory.kept()).as("compaction dropped the buffer's pages and kept them").isPositive();
            expected.add(keys);
        }
        // every output is intact although later buffers and compactions wrote into recycled pages
        for (int map = 0; map < 3; map++) {
            for (int partition = 0; partition < 2; partition++) {
                int target = partition;
                assertThat(readKeys(outputs.get(map), partition)).containsExactlyElementsOf(expected.get(map).stream().filter(key -> key % 2 == target).sorted().toList());
                for (long[] record : readRecords(outputs.get(map), partition)) {
                    assertThat(record[1]).isEqualTo(map);
                }
            }
            outputs.get(map).delete();
        }
        assertThat(memory.used()).isZero();
    }

    /**
     * The index each buffer grows, and the scratch arrays of each sort, come from the arrays the maps
     * before gave back, whatever those hold (overwritten here between maps): every output, read
     * after all maps ran, is still sorted, equal keys in the order each sort leaves them (Tusk's
     * own: as added; the given algorithm's: last added first).
     */
    @Test
    void theNextMapsIndexAndSortsReuseTheArraysOfThoseBeforeWhateverTheyHold()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        Random random = new Random(11);
        int records = 20_000;
        List<MapOutput> outputs = new ArrayList<>();
        for (int map = 0; map < 4; map++) {
            ShuffleSorter sorter = new ShuffleSorter("map-" + map, 2, BY_BYTES, null, memory, directory, 64 << 10);
            if (map % 2 == 1) {
                sorter.sortEqualKeysAs(lastAddedFirst(new int[1]), Long.MAX_VALUE, 16);
            }
            for (int i = 0; i < records; i++) {
                int key = random.nextInt(5_000);
                add(sorter, key % 2, key, i);
            }
            MapOutput output = sorter.finish();
            assertThat(memory.usedBy(output)).as("the output's grant is its memory, a kept sealed index's whole length included").isEqualTo(output.memoryBytes());
            outputs.add(output);
            assertThat(overwriteKeptArrays()).as("arrays kept after map %s", map).isPositive();
        }
        for (int map = 0; map < 4; map++) {
            boolean givenAlgorithm = map % 2 == 1;
            int read = 0;
            for (int partition = 0; partition < 2; partition++) {
                List<long[]> partitionRecords = readRecords(outputs.get(map), partition);
                read += partitionRecords.size();
                for (int i = 1; i < partitionRecords.size(); i++) {
                    long[] previous = partitionRecords.get(i - 1);
                    long[] current = partitionRecords.get(i);
                    boolean equalKeysInOrder = givenAlgorithm ? previous[1] > current[1] : previous[1] < current[1];
                    assertThat(previous[0] < current[0] || previous[0] == current[0] && equalKeysInOrder).as("map %s record %s", map, i).isTrue();
                }
            }
            assertThat(read).isEqualTo(records);
            outputs.get(map).delete();
        }
        assertThat(memory.used()).isZero();
    }

    /**
     * A deleted output's pages and index go to the memory manager for the next maps only once the
     * last cursor over them is closed: a reducer still reading when its job deletes the shuffle
     * reads every record as written although the next map writes meanwhile, and an output deleted
     * with no reader gives its memory back for reuse at once.
     */
    @Test
    void aDeletedOutputsPagesAreReusedOnlyAfterItsLastReaderClosed()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        int records = 20_000;
        MapOutput first = writeOutput("map-0", records, 0);
        assertThat(first.inMemory()).isTrue();
        List<RecordCursor> partition0 = first.open(0);
        List<RecordCursor> partition1 = first.open(1);
        RecordCursor reading = new MergingCursor(BY_BYTES, partition0);
        List<long[]> read = new ArrayList<>();
        for (int i = 0; i < 100 && reading.next(); i++) {
            read.add(record(reading));
        }
        long keptBefore = memory.kept();
        first.delete();
        assertThat(memory.used()).as("the grant goes at once").isZero();
        assertThat(memory.kept()).as("nothing kept while cursors read the pages").isEqualTo(keptBefore);

        // the next map's buffer and compaction take pages and arrays from the memory manager now
        MapOutput second = writeOutput("map-1", records, 1);
        long keptAfterSecond = memory.kept();
        for (RecordCursor cursor : partition1) {
            cursor.close();
        }
        assertThat(memory.kept()).as("one reader left").isEqualTo(keptAfterSecond);
        while (reading.next()) {
            read.add(record(reading));
        }
        assertThat(read).as("partition 0 as written").hasSize(records / 2).allSatisfy(record -> {
            assertThat(record[0] % 2).isZero();
            assertThat(record[1]).isZero();
        });
        long keptWhileRead = memory.kept();
        reading.close();
        long recycled = memory.kept() - keptWhileRead;
        assertThat(recycled).as("the last reader gave the pages and index back").isPositive();
        reading.close();
        assertThat(memory.kept()).as("closed twice, given back once").isEqualTo(keptWhileRead + recycled);

        long keptBeforeSecond = memory.kept();
        long secondBytes = second.memoryBytes();
        second.delete();
        assertThat(memory.kept()).as("no reader: given back at once").isGreaterThan(keptBeforeSecond).isLessThanOrEqualTo(keptBeforeSecond + secondBytes);
        assertThat(memory.used()).isZero();
    }

    /** An output of {@code records} records of even keys in partition 0, odd keys in partition 1, valued {@code value}. */
    private MapOutput writeOutput(String name, int records, long value)
            throws IOException
    {
        ShuffleSorter sorter = new ShuffleSorter(name, 2, BY_BYTES, null, memory, directory, 64 << 10);
        for (int key = 0; key < records; key++) {
            add(sorter, key % 2, key, value);
        }
        return sorter.finish();
    }

    private static long[] record(RecordCursor cursor)
    {
        return new long[] {ByteBuffer.wrap(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength()).getInt(),
                ByteBuffer.wrap(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength()).getLong()};
    }

    /**
     * A map whose output is a little longer than the last one's seals its index into the array the
     * last one gave back (sealed indexes are asked for by size class): a job's maps leave no new
     * array behind each.
     */
    @Test
    void aLittleLongerMapSealsIntoTheIndexTheLastOneGaveBack()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        Random random = new Random(5);
        Set<long[]> keptAfterFirst = null;
        for (int records : new int[] {20_000, 20_150}) {
            ShuffleSorter sorter = new ShuffleSorter("map-" + records, 2, BY_BYTES, null, memory, directory, 64 << 10);
            for (int i = 0; i < records; i++) {
                int key = random.nextInt(5_000);
                add(sorter, key % 2, key, i);
            }
            sorter.finish().delete();
            Set<long[]> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int length = 1 << 10; length <= 1 << 24; length <<= 1) {
                for (long[] array = memory.keptLongs(length); array != null; array = memory.keptLongs(length)) {
                    kept.add(array);
                }
            }
            kept.forEach(memory::recycle);
            if (keptAfterFirst == null) {
                keptAfterFirst = kept;
            }
            else {
                List<Integer> lengths = kept.stream().map(array -> array.length).sorted().toList();
                List<Integer> lengthsBefore = keptAfterFirst.stream().map(array -> array.length).sorted().toList();
                assertThat(lengths).as("the arrays kept after the second map are the first one's").isEqualTo(lengthsBefore);
                assertThat(keptAfterFirst.containsAll(kept)).isTrue();
            }
        }
        assertThat(memory.used()).isZero();
    }

    /**
     * A small map's output kept in memory takes an array of its own size, not its page: the page goes
     * back to the memory manager and the next map's buffer starts in it, so that a job over many
     * small files keeps what its maps wrote, not a page per map. Its records read back unchanged.
     */
    @Test
    void aSmallMapsOutputKeepsItsBytesAndGivesItsPageToTheNextMap()
            throws IOException
    {
        int pageSize = 1 << 20;
        memory = new MemoryManager(256 << 20);
        Random random = new Random(9);
        List<MapOutput> outputs = new ArrayList<>();
        for (int map = 0; map < 20; map++) {
            ShuffleSorter sorter = new ShuffleSorter("map-" + map, 2, BY_BYTES, null, memory, directory, pageSize);
            List<long[]> added = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int key = random.nextInt(1_000);
                add(sorter, key % 2, key, i);
                added.add(new long[] {key % 2, key, i});
            }
            MapOutput output = sorter.finish();
            outputs.add(output);
            assertThat(output.inMemory()).isTrue();
            // 100 records of 20 bytes, and an index sealed to 8 bytes a record
            assertThat(output.memoryBytes()).as("map %s keeps its records' bytes", map).isLessThan(8 << 10);
            List<String> read = new ArrayList<>();
            for (int partition = 0; partition < 2; partition++) {
                assertThat(readKeys(output, partition)).isSorted();
                for (long[] record : readRecords(output, partition)) {
                    read.add(partition + " " + record[0] + " " + record[1]);
                }
            }
            assertThat(read).as("map %s's records", map).containsExactlyInAnyOrderElementsOf(added.stream().map(record -> record[0] + " " + record[1] + " " + record[2]).toList());
        }
        assertThat(memory.used()).as("20 maps' outputs in memory").isLessThan(pageSize);
        assertThat(memory.keptPage(pageSize)).as("the one page the maps passed on").isNotNull();
        assertThat(memory.keptPage(pageSize)).isNull();
        outputs.forEach(MapOutput::delete);
        assertThat(memory.used()).isZero();
    }

    @Test
    void sizeClassesAreAtMostAnEighthLongerAndShareNearlyEqualLengths()
    {
        for (long length = 1; length < 1 << 20; length += 1 + length / 97) {
            long size = ShuffleSorter.sizeClass(length);
            assertThat(size).isBetween(length, length + length / 8);
            assertThat(ShuffleSorter.sizeClass(size)).isEqualTo(size);
        }
        assertThat(ShuffleSorter.sizeClass(2_744_284)).isEqualTo(ShuffleSorter.sizeClass(2_754_063));
        assertThat(ShuffleSorter.sizeClass(20_000)).isEqualTo(20_480);
    }

    /** Takes every array the memory manager keeps, fills it with -1 and gives it back; returns how many. */
    private int overwriteKeptArrays()
    {
        List<long[]> kept = new ArrayList<>();
        for (int length = 1 << 10; length <= 1 << 24; length <<= 1) {
            for (long[] array = memory.keptLongs(length); array != null; array = memory.keptLongs(length)) {
                Arrays.fill(array, -1);
                kept.add(array);
            }
        }
        kept.forEach(memory::recycle);
        return kept.size();
    }

    @Test
    void spillsSortedRunsWhenMemoryRunsOutAndMergesThem()
            throws IOException
    {
        memory = new MemoryManager(64 * 1024);
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, null, memory, directory, 4096);
        List<Integer> keys = new ArrayList<>();
        Random random = new Random(2);
        for (int i = 0; i < 20_000; i++) {
            int key = random.nextInt(Integer.MAX_VALUE);
            keys.add(key);
            add(sorter, key % 2, key, i);
        }
        MapOutput output = sorter.finish();

        assertThat(sorter.spillCount()).as("runs merged into one file at the end").isEqualTo(1);
        assertThat(sorter.spilledRecords()).as("records spilled in many runs, then merged").isGreaterThan(20_000);
        assertThat(output.fileCount()).isEqualTo(1);
        assertThat(directory.fileCount()).isEqualTo(1);
        assertThat(output.records()).isEqualTo(20_000);
        for (int partition = 0; partition < 2; partition++) {
            int target = partition;
            List<Integer> expected = keys.stream().filter(key -> key % 2 == target).sorted().toList();
            assertThat(readKeys(output, partition)).containsExactlyElementsOf(expected);
        }
        assertThat(memory.used()).isLessThanOrEqualTo(memory.budget());
        output.delete();
        assertThat(directory.fileCount()).isZero();
        assertThat(memory.used()).isZero();
    }

    @Test
    void combinesBeforeSpillingAndAtTheEnd()
            throws IOException
    {
        memory = new MemoryManager(32 * 1024);
        ShuffleSorter sorter = new ShuffleSorter("test", 1, BY_BYTES, sumByKey(), memory, directory, 4096);
        for (int i = 0; i < 30_000; i++) {
            add(sorter, 0, i % 10, 1);
        }
        MapOutput output = sorter.finish();

        List<Long> sums = new ArrayList<>();
        List<Integer> keys = new ArrayList<>();
        try (RecordCursor cursor = new MergingCursor(BY_BYTES, output.open(0))) {
            while (cursor.next()) {
                keys.add(ByteBuffer.wrap(cursor.keyBuffer(), cursor.keyOffset(), 4).getInt());
                sums.add(ByteBuffer.wrap(cursor.valueBuffer(), cursor.valueOffset(), 8).getLong());
            }
        }
        // every run holds each key at most once; all runs together hold every record once
        assertThat(sums.stream().mapToLong(Long::longValue).sum()).isEqualTo(30_000);
        assertThat(keys.size()).isLessThanOrEqualTo(10 * (sorter.spillCount() + 1));
        assertThat(keys).isSorted();
        output.delete();
    }

    @Test
    void combinesBeforeSortingWhatItGatheredByKey()
            throws IOException
    {
        memory = new MemoryManager(16 << 20);
        List<Integer> combinerInputs = new ArrayList<>();
        ShuffleSorter sorter = new ShuffleSorter("test", 3, BY_BYTES, counting(sumByKey(), combinerInputs), memory, directory, 4096);
        sorter.combineBeforeSorting();
        for (int i = 0; i < 30_000; i++) {
            // keys arrive in no order; a key's records may go to several partitions
            add(sorter, i % 3, (i * 7919) % 1000, i % 5);
        }
        MapOutput output = sorter.finish();

        assertThat(combinerInputs.stream().mapToInt(Integer::intValue).sum()).as("every record went through the combiner once").isEqualTo(30_000);
        assertThat(sorter.spillCount()).isZero();
        long total = 0;
        for (int partition = 0; partition < 3; partition++) {
            Map<Integer, Long> sums = sums(output, partition);
            // one record per key of the partition, in key order
            assertThat(readKeys(output, partition)).isSorted().doesNotHaveDuplicates().hasSize(sums.size());
            total += sums.values().stream().mapToLong(Long::longValue).sum();
        }
        long expected = 0;
        for (int i = 0; i < 30_000; i++) {
            expected += i % 5;
        }
        assertThat(total).isEqualTo(expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void aGatheredKeysRecordsComeTogetherAndTheCursorSaysWhichFollowTheirKey()
            throws IOException
    {
        memory = new MemoryManager(16 << 20);
        ShuffleCombiner sumByKey = sumByKey();
        int[] checked = new int[2];
        ShuffleCombiner checking = (partition, input, sink) -> sumByKey.combine(partition, new ForwardingCursor(input)
        {
            private final java.util.Set<Integer> ended = new java.util.HashSet<>();
            private int previous = -1;

            @Override
            public boolean next()
                    throws IOException
            {
                if (!super.next()) {
                    return false;
                }
                int key = ByteBuffer.wrap(keyBuffer(), keyOffset(), 4).getInt();
                assertThat(sameKeyAsPrevious()).as("record of key %s after key %s", key, previous).isEqualTo(key == previous);
                if (key != previous) {
                    assertThat(ended.add(previous)).as("key %s came back after another", previous).isTrue();
                    assertThat(ended).doesNotContain(key);
                }
                checked[sameKeyAsPrevious() ? 1 : 0]++;
                previous = key;
                return true;
            }
        }, sink);
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, checking, memory, directory, 4096);
        sorter.combineBeforeSorting();
        for (int i = 0; i < 20_000; i++) {
            add(sorter, i % 2, (i * 7919) % 300, 1);
        }
        MapOutput output = sorter.finish();

        assertThat(checked[0]).as("records that start a key's run").isPositive();
        assertThat(checked[1]).as("records that follow their key").isGreaterThan(checked[0]);
        long total = 0;
        for (int partition = 0; partition < 2; partition++) {
            total += sums(output, partition).values().stream().mapToLong(Long::longValue).sum();
        }
        assertThat(total).isEqualTo(20_000);
        output.delete();
    }

    @Test
    void combinesBeforeSortingInStagesAndCountsEachRecordOnce()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        List<Integer> combinerInputs = new ArrayList<>();
        long[] handedOn = new long[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, counting(sumByKey(), combinerInputs, handedOn), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        // several times what the first stage holds
        int records = 8 * ShuffleSorter.GATHERED_BYTES / 16;
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < records; i++) {
            int key = (i * 7919) % 5000;
            add(sorter, key % 2, key, i);
            expected.merge(key, (long) i, Long::sum);
        }
        MapOutput output = sorter.finish();

        assertThat(combinerInputs.size()).as("the first stage was combined several times").isGreaterThan(4);
        assertThat(combinerInputs.stream().mapToInt(Integer::intValue).sum()).as("each record counted once").isEqualTo(records);
        assertThat(handedOn[0]).as("one record per key left combining").isEqualTo(expected.size());
        Map<Integer, Long> actual = new java.util.TreeMap<>();
        for (int partition = 0; partition < 2; partition++) {
            assertThat(readKeys(output, partition)).isSorted().doesNotHaveDuplicates();
            actual.putAll(sums(output, partition));
        }
        assertThat(actual).isEqualTo(expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void aSmallMapWhoseKeysRarelyRepeatIsCombinedOnTheSortedBufferAtTheEnd()
            throws IOException
    {
        memory = new MemoryManager(16 << 20);
        List<Integer> combinerInputs = new ArrayList<>();
        long[] handedOn = new long[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 1, BY_BYTES, counting(sumByKey(), combinerInputs, handedOn), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        for (int i = 0; i < 1000; i++) {
            add(sorter, 0, i % 500, 1);
        }
        MapOutput output = sorter.finish();

        assertThat(combinerInputs).containsExactly(1000);
        assertThat(handedOn[0]).isEqualTo(500);
        assertThat(readKeys(output, 0)).hasSize(500).isSorted().doesNotHaveDuplicates();
        assertThat(sums(output, 0).values()).containsOnly(2L);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void keysThatRarelyRepeatAreCombinedOnSortedRunsInstead()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        List<Integer> combinerInputs = new ArrayList<>();
        long[] handedOn = new long[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, counting(sumByKey(), combinerInputs, handedOn), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        int records = 4 * ShuffleSorter.GATHERED_BYTES / 16;
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < records; i++) {
            // two records per key
            int key = (i * 7919) % (records / 2);
            add(sorter, key % 2, key, i);
            expected.merge(key, (long) i, Long::sum);
        }
        MapOutput output = sorter.finish();

        assertThat(combinerInputs).as("one combine per partition of the sorted buffer").hasSize(2);
        assertThat(combinerInputs.stream().mapToInt(Integer::intValue).sum()).isEqualTo(records);
        assertThat(handedOn[0]).isEqualTo(expected.size());
        Map<Integer, Long> actual = new java.util.TreeMap<>();
        for (int partition = 0; partition < 2; partition++) {
            assertThat(readKeys(output, partition)).isSorted().doesNotHaveDuplicates();
            actual.putAll(sums(output, partition));
        }
        assertThat(actual).isEqualTo(expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void keysThatRarelyRepeatAreCombinedInRunsOfTheSortedBufferThatAreMergedAndCombinedAgain()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        List<Integer> combinerInputs = new ArrayList<>();
        long[] handedOn = new long[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, counting(sumByKey(), combinerInputs, handedOn), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        int records = 3 * ShuffleSorter.RUN_RECORDS + 1000;
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < records; i++) {
            // each key twice in every run
            int key = (int) ((i * 7919L) % (ShuffleSorter.RUN_RECORDS / 2));
            add(sorter, key % 2, key, i);
            expected.merge(key, (long) i, Long::sum);
        }
        MapOutput output = sorter.finish();

        assertThat(output.inMemory()).isTrue();
        assertThat(output.fileCount()).isZero();
        assertThat(sorter.spillCount()).isZero();
        assertThat(combinerInputs).as("each partition of four runs, then of their merge").hasSize(2 * 4 + 2);
        assertThat(combinerInputs.subList(0, 8).stream().mapToInt(Integer::intValue).sum()).isEqualTo(records);
        assertThat(combinerInputs.subList(8, 10).stream().mapToInt(Integer::intValue).sum())
                .as("the merge reads what the runs' combines wrote").isGreaterThan(expected.size()).isLessThan(records);
        assertSortedSums(output, 2, expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void combinedRunsKeptInMemoryAreSpilledWhenMemoryRunsShortAndLoseNothing()
            throws IOException
    {
        // a buffer of one run and its sort fit, not four runs of distinct keys beside it
        memory = new MemoryManager(24 << 20);
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, sumByKey(), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        int records = 4 * ShuffleSorter.RUN_RECORDS + 1000;
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < records; i++) {
            int key = (int) ((i * 7919L) % records);
            add(sorter, key % 2, key, i);
            expected.merge(key, (long) i, Long::sum);
            assertThat(memory.used()).isLessThanOrEqualTo(memory.budget());
        }
        MapOutput output = sorter.finish();

        assertThat(sorter.spillCount()).isPositive();
        assertSortedSums(output, 2, expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void combinedRunsWhoseMergeIsNotGrantedMemoryAreMergedFromSpillFiles()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, sumByKey(), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        // two whole runs: the buffer is empty at the end, and its kept pages (less than the merge needs) are given back
        int records = 2 * ShuffleSorter.RUN_RECORDS;
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < records; i++) {
            int key = (int) ((i * 7919L) % records);
            add(sorter, key % 2, key, i);
            expected.merge(key, (long) i, Long::sum);
        }
        MemoryConsumer other = () -> "other";
        long taken = memory.available() - 64 * 1024;
        assertThat(memory.tryAcquire(other, taken)).isTrue();
        MapOutput output = sorter.finish();

        assertThat(output.inMemory()).isFalse();
        assertThat(sorter.spillCount()).as("the two runs, merged into one file").isEqualTo(1);
        assertSortedSums(output, 2, expected);
        output.delete();
        memory.release(other, taken);
        assertThat(memory.used()).isZero();
    }

    @Test
    void aMapOfOneRunHandsItOverWithoutMergingIt()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        List<Integer> combinerInputs = new ArrayList<>();
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, counting(sumByKey(), combinerInputs), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < ShuffleSorter.RUN_RECORDS; i++) {
            int key = (int) ((i * 7919L) % ShuffleSorter.RUN_RECORDS);
            add(sorter, key % 2, key, i);
            expected.merge(key, (long) i, Long::sum);
        }
        MapOutput output = sorter.finish();

        assertThat(output.inMemory()).isTrue();
        assertThat(combinerInputs).as("one combine per partition of the one run").hasSize(2);
        assertSortedSums(output, 2, expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void closingASorterWithCombinedRunsInMemoryGivesBackTheirMemory()
            throws IOException
    {
        memory = new MemoryManager(256 << 20);
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, sumByKey(), memory, directory, 1 << 20);
        sorter.combineBeforeSorting();
        for (int i = 0; i < 2 * ShuffleSorter.RUN_RECORDS + 10; i++) {
            add(sorter, i % 2, i, i);
        }
        assertThat(memory.used()).isPositive();
        sorter.close();
        assertThat(memory.used()).isZero();
    }

    @Test
    void combiningBeforeSortingWithLittleMemoryCombinesInBatchesAndLosesNothing()
            throws IOException
    {
        memory = new MemoryManager(48 * 1024);
        List<Integer> combinerInputs = new ArrayList<>();
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, counting(sumByKey(), combinerInputs), memory, directory, 4096);
        sorter.combineBeforeSorting();
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        for (int i = 0; i < 40_000; i++) {
            // keys that repeat at first, so that gathering goes on, then 3000 of them
            int key = i < 5000 ? i % 50 : (i * 31) % 3000;
            add(sorter, key % 2, key, i);
            expected.merge(key, (long) i, Long::sum);
        }
        byte[] large = new byte[5000];
        // larger than a page: sorted without combining
        sorter.add(0, 0, ByteBuffer.allocate(4).putInt(0).array(), 0, 4, large, 0, large.length);
        MapOutput output = sorter.finish();

        assertThat(combinerInputs.size()).as("the buffer filled and was combined several times").isGreaterThan(2);
        assertThat(combinerInputs.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40_000);
        Map<Integer, Long> actual = new java.util.TreeMap<>();
        for (int partition = 0; partition < 2; partition++) {
            assertThat(readKeys(output, partition)).isSorted();
            try (RecordCursor cursor = new MergingCursor(BY_BYTES, output.open(partition))) {
                while (cursor.next()) {
                    if (cursor.valueLength() == 8) {
                        actual.merge(ByteBuffer.wrap(cursor.keyBuffer(), cursor.keyOffset(), 4).getInt(),
                                ByteBuffer.wrap(cursor.valueBuffer(), cursor.valueOffset(), 8).getLong(), Long::sum);
                    }
                    else {
                        assertThat(cursor.valueLength()).isEqualTo(large.length);
                    }
                }
            }
        }
        assertThat(actual).isEqualTo(expected);
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void closingASorterThatCombinesBeforeSortingGivesBackItsMemory()
            throws IOException
    {
        memory = new MemoryManager(1 << 20);
        ShuffleSorter sorter = new ShuffleSorter("test", 1, BY_BYTES, sumByKey(), memory, directory, 4096);
        sorter.combineBeforeSorting();
        for (int i = 0; i < 1000; i++) {
            add(sorter, 0, i, i);
        }
        assertThat(memory.used()).isPositive();
        sorter.close();
        assertThat(memory.used()).isZero();
    }

    /**
     * The combiner, noting how many records each of its runs read: all of them for a run that is
     * not a stage of a staged combine, the original ones for a stage (as a counting combiner counts).
     */
    private static ShuffleCombiner counting(ShuffleCombiner combiner, List<Integer> inputs)
    {
        return counting(combiner, inputs, new long[1]);
    }

    /** As {@link #counting(ShuffleCombiner, List)}, adding the records that left combining to {@code handedOn[0]}. */
    private static ShuffleCombiner counting(ShuffleCombiner combiner, List<Integer> inputs, long[] handedOn)
    {
        return new ShuffleCombiner()
        {
            @Override
            public void combine(int partition, RecordCursor input, RecordSink output)
                    throws IOException
            {
                combine(partition, input, output, true, true);
            }

            @Override
            public void combine(int partition, RecordCursor input, RecordSink output, boolean original, boolean handedOnOutput)
                    throws IOException
            {
                int[] read = new int[1];
                combiner.combine(partition, new ForwardingCursor(input)
                {
                    @Override
                    public boolean next()
                            throws IOException
                    {
                        boolean next = super.next();
                        if (next) {
                            read[0]++;
                        }
                        return next;
                    }
                }, (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> {
                    if (handedOnOutput) {
                        handedOn[0]++;
                    }
                    output.add(prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
                });
                if (original) {
                    inputs.add(read[0]);
                }
            }

            @Override
            public void skipped(long skippedInputs, long skippedOutputs)
            {
                inputs.add((int) skippedInputs);
                handedOn[0] += skippedOutputs;
            }
        };
    }

    /** Asserts that each partition's keys are sorted, each once, and that the values summed by key are {@code expected}. */
    private static void assertSortedSums(MapOutput output, int partitions, Map<Integer, Long> expected)
            throws IOException
    {
        Map<Integer, Long> actual = new java.util.TreeMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            assertThat(readKeys(output, partition)).isSorted().doesNotHaveDuplicates();
            actual.putAll(sums(output, partition));
        }
        assertThat(actual).isEqualTo(expected);
    }

    private static Map<Integer, Long> sums(MapOutput output, int partition)
            throws IOException
    {
        Map<Integer, Long> sums = new java.util.HashMap<>();
        try (RecordCursor cursor = new MergingCursor(BY_BYTES, output.open(partition))) {
            while (cursor.next()) {
                sums.merge(ByteBuffer.wrap(cursor.keyBuffer(), cursor.keyOffset(), 4).getInt(), ByteBuffer.wrap(cursor.valueBuffer(), cursor.valueOffset(), 8).getLong(),
                        Long::sum);
            }
        }
        return sums;
    }

    @Test
    void measuresTheRecordsOfTheFinalRunsOfEachPartition()
            throws IOException
    {
        memory = new MemoryManager(32 * 1024);
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, sumByKey(), memory, directory, 4096);
        sorter.measureOutput((keyLength, valueLength) -> 1000L * keyLength + valueLength);
        for (int i = 0; i < 30_000; i++) {
            add(sorter, i % 2, i % 10, 1);
        }
        MapOutput output = sorter.finish();

        assertThat(sorter.spillCount()).as("combined runs on disk and in memory").isPositive();
        for (int partition = 0; partition < 2; partition++) {
            // what the runs hold after combining, each record a 4-byte key and an 8-byte value
            assertThat(output.measured(partition)).isEqualTo(4008L * readKeys(output, partition).size()).isPositive();
        }
        output.delete();

        ShuffleSorter unmeasured = new ShuffleSorter("unmeasured", 1, BY_BYTES, null, memory, directory, 4096);
        add(unmeasured, 0, 1, 1);
        MapOutput plain = unmeasured.finish();
        assertThatThrownBy(() -> plain.measured(0)).hasMessageContaining("was not measured");
        plain.delete();
    }

    @Test
    void closeWithoutFinishDeletesSpillsAndReleasesMemory()
            throws IOException
    {
        memory = new MemoryManager(16 * 1024);
        ShuffleSorter sorter = new ShuffleSorter("test", 1, BY_BYTES, null, memory, directory, 4096);
        for (int i = 0; i < 10_000; i++) {
            add(sorter, 0, i, i);
        }
        assertThat(directory.fileCount()).isGreaterThan(0);

        sorter.close();

        assertThat(directory.fileCount()).isZero();
        assertThat(memory.used()).isZero();
    }

    @Test
    void retainedOutputSpillsWhenAnotherConsumerNeedsMemory()
            throws IOException
    {
        memory = new MemoryManager(512 * 1024);
        ShuffleSorter first = new ShuffleSorter("first", 1, BY_BYTES, null, memory, directory, 4096);
        for (int i = 0; i < 5_000; i++) {
            add(first, 0, i, i);
        }
        MapOutput output = first.finish();
        assertThat(output.inMemory()).isTrue();
        long held = memory.used();

        boolean granted = memory.tryAcquire(() -> "other", memory.budget() - 1024);

        assertThat(granted).isTrue();
        assertThat(output.inMemory()).isFalse();
        assertThat(output.fileCount()).isEqualTo(1);
        assertThat(held).isGreaterThan(0);
        assertThat(readKeys(output, 0)).hasSize(5_000).isSorted();
        output.delete();
    }

    @Test
    void sortsAnOutputWithinTheLimitWithTheGivenAlgorithmOverTheRecordsInTheOrderAdded()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        int records = 3_000;
        // 12 bytes of key and value and 16 counted per record
        long needed = records * (12L + 16);
        for (long limit : new long[] {needed, needed + 1}) {
            int[] calls = new int[1];
            ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, null, memory, directory, 4096);
            sorter.sortEqualKeysAs(lastAddedFirst(calls), limit, 16);
            for (int i = 0; i < records; i++) {
                add(sorter, i % 2, i % 10, i);
            }
            MapOutput output = sorter.finish();

            assertThat(calls[0]).as("sorts with the given algorithm under a limit of %s", limit).isEqualTo(limit > needed ? 1 : 0);
            if (limit > needed) {
                for (int partition = 0; partition < 2; partition++) {
                    List<long[]> read = readRecords(output, partition);
                    assertThat(read).hasSize(records / 2);
                    for (int i = 1; i < read.size(); i++) {
                        long[] previous = read.get(i - 1);
                        long[] current = read.get(i);
                        // sorted by key; equal keys last added first, as the algorithm leaves them
                        assertThat(previous[0] < current[0] || previous[0] == current[0] && previous[1] > current[1]).as("record %s", i).isTrue();
                    }
                }
            }
            output.delete();
        }
        assertThat(memory.used()).isZero();
    }

    /**
     * Two maps that end together, with memory for one sort's arrays: the second waits for the first
     * to give them back, then sorts with them (its algorithm gets ranks), instead of sorting in place.
     */
    @Test
    void aSortRefusedMemoryWaitsForTheSortThatHoldsIt()
            throws Exception
    {
        memory = new MemoryManager(64 << 20);
        java.util.concurrent.CountDownLatch firstHolds = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Thread> second = new java.util.concurrent.atomic.AtomicReference<>();
        List<Boolean> ranked = java.util.Collections.synchronizedList(new ArrayList<>());
        IndexSort firstAlgorithm = (positions, from, to) -> {
            ranked.add(positions.ranks() != null);
            firstHolds.countDown();
            // until the second sort waits
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (second.get() == null || second.get().getState() != Thread.State.TIMED_WAITING) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the second sort did not wait");
                }
                Thread.onSpinWait();
            }
            lastAddedFirst(new int[1]).sort(positions, from, to);
        };
        IndexSort secondAlgorithm = (positions, from, to) -> {
            ranked.add(positions.ranks() != null);
            lastAddedFirst(new int[1]).sort(positions, from, to);
        };
        ShuffleSorter first = new ShuffleSorter("first", 1, BY_BYTES, null, memory, directory, 4096);
        first.sortEqualKeysAs(firstAlgorithm, Long.MAX_VALUE, 16);
        ShuffleSorter other = new ShuffleSorter("second", 1, BY_BYTES, null, memory, directory, 4096);
        other.sortEqualKeysAs(secondAlgorithm, Long.MAX_VALUE, 16);
        int records = 20_000;
        for (int i = 0; i < records; i++) {
            // keys repeat with different values: the algorithm runs
            add(first, 0, i % 100, i);
            add(other, 0, i % 100, i);
        }
        // room for one sort's arrays (ints, scratch and a copy of the index: 1.04 MB here), not for two
        MemoryConsumer pinned = () -> "pinned";
        memory.forceAcquire(pinned, memory.budget() - memory.used() - 1_600_000);

        java.util.concurrent.CompletableFuture<MapOutput> firstOutput = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return first.finish();
            }
            catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(firstHolds.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.CompletableFuture<MapOutput> secondOutput = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                secondOutput.complete(other.finish());
            }
            catch (IOException | RuntimeException e) {
                secondOutput.completeExceptionally(e);
            }
        });
        second.set(thread);
        thread.start();
        MapOutput firstDone = firstOutput.get(20, java.util.concurrent.TimeUnit.SECONDS);
        MapOutput secondDone = secondOutput.get(20, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(ranked).as("both sorts ranked the records for their algorithms").containsExactly(true, true);
        assertThat(readRecords(secondDone, 0)).as("the same order after the wait").containsExactlyElementsOf(readRecords(firstDone, 0));
        firstDone.delete();
        secondDone.delete();
        memory.release(pinned, memory.usedBy(pinned));
        assertThat(memory.used()).isZero();
    }

    /**
     * A map that writes copies of few records (a streaming word count's {@code word 1}) keeps each
     * distinct record once while it runs, and its output is every copy, in order.
     */
    @Test
    void copiesOfFewRecordsAreKeptOnceAndWrittenInOrder()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        int[] calls = new int[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 3, BY_BYTES, null, memory, directory, 4096);
        sorter.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        Random random = new Random(5);
        List<long[]> added = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int key = random.nextInt(50);
            added.add(new long[] {key, key * 7L});
            add(sorter, key % 3, key, key * 7L);
        }
        assertThat(memory.used()).as("each distinct record kept once, not 100,000 records of 12 bytes").isLessThan(1 << 20);
        MapOutput output = sorter.finish();
        // an index entry per record (16 bytes, 8 once sealed) pointing at each distinct record's bytes, not 2 MB of copies beside it
        assertThat(memory.used()).as("the output's memory").isLessThan(2_000_000);

        assertThat(calls[0]).isZero();
        for (int partition = 0; partition < 3; partition++) {
            assertThat(readRecords(output, partition)).as("partition %s", partition)
                    .containsExactlyElementsOf(inAlgorithmOrder(added, partition, 3, key -> key));
        }
        output.delete();
        assertThat(memory.used()).isZero();
    }

    /**
     * Distinct records whose keys the order calls equal (equal bytes, or bytes the comparator calls
     * equal) are sorted by the given algorithm, which sees every record in the order it came.
     */
    @Test
    void copiesWithEqualKeysOfDistinctRecordsGoToTheAlgorithmInTheOrderTheyCame()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        // keys equal by their first two bytes
        SortOrder byHighHalf = SortOrder.sorted((left, leftOffset, leftLength, right, rightOffset, rightLength) -> Integer.compare(
                ByteBuffer.wrap(left, leftOffset, leftLength).getInt() >>> 16, ByteBuffer.wrap(right, rightOffset, rightLength).getInt() >>> 16));
        for (boolean sameKeyBytes : new boolean[] {true, false}) {
            int[] calls = new int[1];
            ShuffleSorter sorter = new ShuffleSorter("test", 2, sameKeyBytes ? BY_BYTES : byHighHalf, null, memory, directory, 4096);
            sorter.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
            Random random = new Random(6);
            List<long[]> added = new ArrayList<>();
            for (int i = 0; i < 50_000; i++) {
                int high = random.nextInt(40);
                // two values of each key, or two keys equal by the order with one value each
                int low = sameKeyBytes ? 0 : random.nextInt(2);
                long value = sameKeyBytes ? random.nextInt(2) : high;
                int key = high << 16 | low;
                added.add(new long[] {key, value});
                sorter.add(high % 2, high, ByteBuffer.allocate(4).putInt(key).array(), 0, 4, ByteBuffer.allocate(8).putLong(value).array(), 0, 8);
            }
            MapOutput output = sorter.finish();

            assertThat(calls[0]).as("the algorithm ran").isPositive();
            for (int partition = 0; partition < 2; partition++) {
                List<long[]> expected = inAlgorithmOrder(added, partition, 2, key -> key >>> 16);
                assertThat(readRecords(output, partition, sameKeyBytes ? BY_BYTES : byHighHalf)).as("same key bytes %s, partition %s", sameKeyBytes, partition)
                        .containsExactlyElementsOf(expected);
            }
            output.delete();
            assertThat(memory.used()).isZero();
        }
    }

    /** A map whose records stop repeating goes on with every record in the order it came, those counted as copies first. */
    @Test
    void recordsThatStopRepeatingGoToTheAlgorithmInTheOrderTheyCame()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        int[] calls = new int[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 1, BY_BYTES, null, memory, directory, 4096);
        sorter.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        List<long[]> added = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // copies of ten records first (past the first check), then the same keys with values that never repeat
            int key = i % 10;
            long value = i < DistinctRecords.FIRST_CHECK + 1000 ? key : i;
            added.add(new long[] {key, value});
            add(sorter, 0, key, value);
        }
        MapOutput output = sorter.finish();

        assertThat(calls[0]).as("the algorithm ran").isPositive();
        assertThat(readRecords(output, 0)).containsExactlyElementsOf(inAlgorithmOrder(added, 0, 1, key -> key));
        output.delete();
        assertThat(memory.used()).isZero();
    }

    /**
     * Records counted as copies and then moved out to be sorted one by one do not keep the memory
     * of the count: a map whose records fit the budget does not spill.
     */
    @Test
    void recordsMovedOutOfTheCountDoNotSpillWhereTheyFit()
            throws IOException
    {
        // the records' pages (168 KB) and index (131 KB), not the count's 47 KB beside them
        memory = new MemoryManager(320_000);
        int[] calls = new int[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 1, BY_BYTES, null, memory, directory, 4096);
        sorter.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        List<long[]> added = new ArrayList<>();
        for (int i = 0; i < 1 << 13; i++) {
            // each key with two values: moved out at the end
            int key = i % 128;
            long value = (i / 128) % 2;
            added.add(new long[] {key, value});
            add(sorter, 0, key, value);
        }
        MapOutput output = sorter.finish();

        assertThat(sorter.spillCount()).isZero();
        assertThat(calls[0]).as("the algorithm ran").isPositive();
        assertThat(readRecords(output, 0)).containsExactlyElementsOf(inAlgorithmOrder(added, 0, 1, key -> key));
        output.delete();
        assertThat(memory.used()).isZero();
    }

    /** A map asked to spill while its records are counted as copies, or closed without finishing, loses nothing and keeps no memory. */
    @Test
    void countedCopiesSpillOnDemandAndGiveBackTheirMemoryWhenClosed()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        int[] calls = new int[1];
        ShuffleSorter spilled = new ShuffleSorter("spilled", 2, BY_BYTES, null, memory, directory, 4096);
        spilled.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        ShuffleSorter closed = new ShuffleSorter("closed", 2, BY_BYTES, null, memory, directory, 4096);
        closed.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        List<long[]> added = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            int key = i % 30;
            added.add(new long[] {key, 1});
            add(spilled, key % 2, key, 1);
            add(closed, key % 2, key, 1);
            if (i == 20_000) {
                spilled.spillNow();
            }
        }
        assertThatThrownBy(() -> closed.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16)).hasMessageContaining("already has records");
        closed.close();
        MapOutput output = spilled.finish();

        assertThat(spilled.spillCount()).isEqualTo(1);
        for (int partition = 0; partition < 2; partition++) {
            assertThat(readRecords(output, partition)).containsExactlyElementsOf(inAlgorithmOrder(added, partition, 2, key -> key));
        }
        output.delete();
        assertThat(memory.used()).isZero();
    }

    /** Copies written out with too little memory for all of them spill on the way, and come out whole and in order. */
    @Test
    void copiesWrittenWithLittleMemorySpill()
            throws IOException
    {
        // room for the count (an int per record), not for the records (20 bytes and an index entry of 16 each)
        memory = new MemoryManager(1 << 20);
        int[] calls = new int[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, null, memory, directory, 4096);
        sorter.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        List<long[]> added = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int key = (i * 7919) % 20;
            added.add(new long[] {key, 3});
            add(sorter, key % 2, key, 3);
        }
        MapOutput output = sorter.finish();

        assertThat(sorter.spillCount()).as("spilled").isGreaterThan(1);
        for (int partition = 0; partition < 2; partition++) {
            assertThat(readRecords(output, partition)).containsExactlyElementsOf(inAlgorithmOrder(added, partition, 2, key -> key));
        }
        output.delete();
        assertThat(memory.used()).isZero();
    }

    /**
     * The records of {@code partition} (key modulo {@code partitions}) as {@link #lastAddedFirst}
     * leaves them: by {@code orderKey} of the key, records of equal order keys last added first.
     */
    private static List<long[]> inAlgorithmOrder(List<long[]> added, int partition, int partitions, java.util.function.LongUnaryOperator orderKey)
    {
        List<long[]> records = new ArrayList<>();
        for (long[] record : added) {
            if (orderKey.applyAsLong(record[0]) % partitions == partition) {
                records.add(record);
            }
        }
        java.util.Collections.reverse(records);
        // stable: equal order keys keep the reversed order
        records.sort(java.util.Comparator.comparingLong(record -> orderKey.applyAsLong(record[0])));
        return records;
    }

    /** Distinct keys leave every sort in one order: the faster sort's, without the given algorithm. */
    @Test
    void distinctKeysAreSortedWithoutTheGivenAlgorithm()
            throws IOException
    {
        memory = new MemoryManager(64 << 20);
        int[] calls = new int[1];
        ShuffleSorter sorter = new ShuffleSorter("test", 2, BY_BYTES, null, memory, directory, 4096);
        sorter.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        Random random = new Random(9);
        java.util.Set<Integer> keys = new java.util.HashSet<>();
        while (keys.size() < 10_000) {
            int key = random.nextInt(1 << 20);
            if (keys.add(key)) {
                // the same prefix for many keys: the comparator tells them apart
                byte[] keyBytes = ByteBuffer.allocate(4).putInt(key).array();
                sorter.add(key % 2, key >>> 12, keyBytes, 0, 4, new byte[8], 0, 8);
            }
        }
        MapOutput output = sorter.finish();

        assertThat(calls[0]).isZero();
        for (int partition = 0; partition < 2; partition++) {
            int target = partition;
            assertThat(readKeys(output, partition)).containsExactlyElementsOf(keys.stream().filter(key -> key % 2 == target).sorted().toList());
        }
        output.delete();
        assertThat(memory.used()).isZero();
    }

    @Test
    void theGivenAlgorithmDoesNotSortSpilledNorCombinedOutputs()
            throws IOException
    {
        int[] calls = new int[1];
        memory = new MemoryManager(64 << 20);
        ShuffleSorter combined = new ShuffleSorter("combined", 1, BY_BYTES, sumByKey(), memory, directory, 4096);
        combined.combineBeforeSorting();
        combined.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        ShuffleSorter spilled = new ShuffleSorter("spilled", 1, BY_BYTES, null, memory, directory, 4096);
        spilled.sortEqualKeysAs(lastAddedFirst(calls), Long.MAX_VALUE, 16);
        for (int i = 0; i < 1_000; i++) {
            add(combined, 0, i % 10, 1);
            add(spilled, 0, i % 10, i);
            if (i == 500) {
                spilled.spillNow();
            }
        }
        MapOutput combinedOutput = combined.finish();
        MapOutput spilledOutput = spilled.finish();

        assertThat(calls[0]).isZero();
        assertThat(sums(combinedOutput, 0)).hasSize(10).containsValue(100L);
        assertThat(readKeys(spilledOutput, 0)).hasSize(1_000).isSorted();
        combinedOutput.delete();
        spilledOutput.delete();
    }

    /** An insertion sort that moves a record past equal ones: equal keys end up last added first. */
    private static IndexSort lastAddedFirst(int[] calls)
    {
        return (positions, from, to) -> {
            calls[0]++;
            for (int i = from + 1; i < to; i++) {
                for (int j = i; j > from && positions.compare(j - 1, j) >= 0; j--) {
                    positions.swap(j - 1, j);
                }
            }
        };
    }

    /** The (key, value) pairs of a partition in the order read. */
    private static List<long[]> readRecords(MapOutput output, int partition)
            throws IOException
    {
        return readRecords(output, partition, BY_BYTES);
    }

    /** The (key, value) pairs of a partition in the order read, its runs merged in {@code order}. */
    private static List<long[]> readRecords(MapOutput output, int partition, SortOrder order)
            throws IOException
    {
        List<long[]> records = new ArrayList<>();
        try (RecordCursor cursor = new MergingCursor(order, output.open(partition))) {
            while (cursor.next()) {
                records.add(new long[] {ByteBuffer.wrap(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength()).getInt(),
                        ByteBuffer.wrap(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength()).getLong()});
            }
        }
        return records;
    }

    private static void add(ShuffleSorter sorter, int partition, int key, long value)
            throws IOException
    {
        byte[] keyBytes = ByteBuffer.allocate(4).putInt(key).array();
        byte[] valueBytes = ByteBuffer.allocate(8).putLong(value).array();
        int prefix = key;
        sorter.add(partition, prefix, keyBytes, 0, 4, valueBytes, 0, 8);
    }

    /** Sums the 8-byte values of equal keys. */
    private static ShuffleCombiner sumByKey()
    {
        return (partition, input, sink) -> {
            byte[] key = null;
            long sum = 0;
            while (input.next()) {
                byte[] current = java.util.Arrays.copyOfRange(input.keyBuffer(), input.keyOffset(), input.keyOffset() + input.keyLength());
                if (key != null && !java.util.Arrays.equals(key, current)) {
                    emit(sink, key, sum);
                    sum = 0;
                }
                key = current;
                sum += ByteBuffer.wrap(input.valueBuffer(), input.valueOffset(), input.valueLength()).getLong();
            }
            if (key != null) {
                emit(sink, key, sum);
            }
        };
    }

    private static void emit(RecordSink sink, byte[] key, long sum)
            throws IOException
    {
        byte[] value = ByteBuffer.allocate(8).putLong(sum).array();
        sink.add(ByteBuffer.wrap(key).getInt(), key, 0, key.length, value, 0, 8);
    }

    private static List<Integer> readKeys(MapOutput output, int partition)
            throws IOException
    {
        List<Integer> keys = new ArrayList<>();
        try (RecordCursor cursor = new MergingCursor(BY_BYTES, output.open(partition))) {
            while (cursor.next()) {
                keys.add(ByteBuffer.wrap(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength()).getInt());
            }
        }
        return keys;
    }
}
