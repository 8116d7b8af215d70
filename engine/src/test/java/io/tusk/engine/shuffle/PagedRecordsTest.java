package io.tusk.engine.shuffle;

import io.tusk.engine.task.SpareCores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PagedRecordsTest
{
    private static final int RECORDS = 50_000;

    /** Records in index order, as "partition key value". */
    private static List<String> sorted(SortOrder order, boolean scratch, long seed, int partitions, int distinctPrefixes)
            throws java.io.IOException
    {
        PagedRecords records = new PagedRecords();
        records.growIndex(RECORDS);
        Random random = new Random(seed);
        for (int i = 0; i < RECORDS; i++) {
            // keys share prefixes (and whole keys repeat) so that both the radix pass and the comparator decide orders
            String text = "k" + random.nextInt(distinctPrefixes) + "-" + random.nextInt(50);
            byte[] key = text.getBytes(StandardCharsets.UTF_8);
            byte[] value = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
            int prefix = ((key[0] & 0xFF) << 24) | ((key[1] & 0xFF) << 16) | ((key.length > 2 ? key[2] & 0xFF : 0) << 8) | (key.length > 3 ? key[3] & 0xFF : 0);
            if (!records.pageHasRoom(8 + key.length + value.length)) {
                records.addPage(new byte[4096]);
            }
            records.append(random.nextInt(partitions), prefix, key, 0, key.length, value, 0, value.length);
        }
        records.sort(order, scratch ? new long[(int) records.radixScratchLongs()] : null);
        List<String> out = new ArrayList<>();
        RecordCursor cursor = records.cursor(0, records.count());
        int record = 0;
        while (cursor.next()) {
            out.add(records.partition(record++) + " " + new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8) + " "
                    + new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void assertOrdered(List<String> records, boolean byKey)
    {
        for (int i = 1; i < records.size(); i++) {
            String[] previous = records.get(i - 1).split(" ");
            String[] current = records.get(i).split(" ");
            int partitions = Integer.compare(Integer.parseInt(previous[0]), Integer.parseInt(current[0]));
            assertThat(partitions).as("partition order at %s", i).isLessThanOrEqualTo(0);
            if (partitions == 0 && byKey) {
                assertThat(previous[1].compareTo(current[1])).as("key order at %s: %s then %s", i, previous[1], current[1]).isLessThanOrEqualTo(0);
            }
        }
    }

    @Test
    void theInPlaceRadixSortOrdersAsTheOneWithScratchSpace()
            throws Exception
    {
        SortOrder order = SortOrder.sorted(RawComparator::compareBytes);
        for (long seed = 0; seed < 4; seed++) {
            for (int partitions : new int[] {1, 3, 300}) {
                List<String> withScratch = sorted(order, true, seed, partitions, 1000);
                List<String> inPlace = sorted(order, false, seed, partitions, 1000);
                assertOrdered(inPlace, true);
                assertOrdered(withScratch, true);
                assertThat(inPlace).containsExactlyInAnyOrderElementsOf(withScratch);
                // equal keys may come in another order: the keys themselves do not
                assertThat(inPlace.stream().map(record -> record.substring(0, record.lastIndexOf(' '))).toList())
                        .isEqualTo(withScratch.stream().map(record -> record.substring(0, record.lastIndexOf(' '))).toList());
            }
        }
    }

    @Test
    void hashedRecordsAreGroupedByPartitionAndPrefixWithoutScratchSpace()
            throws Exception
    {
        List<String> records = sorted(SortOrder.hashed(), false, 7, 5, 20);
        assertOrdered(records, false);
        assertThat(records).hasSize(RECORDS);
    }

    @Test
    void clearedForReuseItTakesNewRecordsIntoTheSamePagesAndIndex()
            throws Exception
    {
        PagedRecords records = new PagedRecords();
        records.growIndex(1000);
        for (int round = 0; round < 3; round++) {
            List<String> added = new ArrayList<>();
            // a different record size each round, so that records end in other places of the pages
            for (int i = 0; i < 1000; i++) {
                byte[] key = ("round" + round + "-" + "x".repeat(round * 7) + i).getBytes(StandardCharsets.UTF_8);
                byte[] value = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
                if (!records.pageHasRoom(8 + key.length + value.length)) {
                    records.addPage(new byte[4096]);
                }
                records.append(0, 0, key, 0, key.length, value, 0, value.length);
                added.add(new String(key, StandardCharsets.UTF_8) + " " + i);
            }
            List<String> read = new ArrayList<>();
            RecordCursor cursor = records.cursor(0, records.count());
            while (cursor.next()) {
                read.add(new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8) + " "
                        + new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
            }
            assertThat(read).isEqualTo(added);
            long memory = records.memoryBytes();
            records.clearForReuse();
            assertThat(records.isEmpty()).isTrue();
            assertThat(records.memoryBytes()).as("pages and index kept").isEqualTo(memory);
        }
    }

    @Test
    void sealedRecordsReadAsBeforeFromAnIndexOfOneLongPerRecord()
            throws Exception
    {
        PagedRecords records = new PagedRecords();
        records.growIndex(1 << 15);
        Random random = new Random(7);
        int count = 20_001;
        for (int i = 0; i < count; i++) {
            // one record larger than a page, in a page of its own
            byte[] key = (i == 5000 ? "big-" + "x".repeat(5000) : "key-" + random.nextInt(3000)).getBytes(StandardCharsets.UTF_8);
            byte[] value = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
            int size = PagedRecords.RECORD_OVERHEAD + key.length + value.length;
            if (!records.pageHasRoom(size)) {
                records.addPage(new byte[Math.max(4096, size)]);
            }
            records.append(random.nextInt(3), random.nextInt(1 << 20) - (1 << 19), key, 0, key.length, value, 0, value.length);
        }
        records.sort(SortOrder.sorted(RawComparator::compareBytes),
                new long[(int) records.radixScratchLongs()], 4096);
        int[] starts = records.partitionStarts(3);
        List<String> before = read(records);
        long pages = records.memoryBytes() - (long) records.indexCapacity() * PagedRecords.INDEX_BYTES_PER_RECORD;

        assertThat(records.sealedIndexBytes()).isEqualTo((long) count * Long.BYTES);
        assertThatThrownBy(() -> records.seal(new long[count - 1])).hasMessageContaining("needs as many longs");
        // an array kept for reuse: longer than needed, with stale content
        long[] kept = new long[count + 100];
        Arrays.fill(kept, -1L);
        records.seal(kept);

        assertThat(read(records)).isEqualTo(before);
        assertThat(records.memoryBytes()).isEqualTo(pages + (long) kept.length * Long.BYTES);
        assertThat(records.partitionStarts(0)).as("no partition to look up").containsExactly(count);
        assertThatThrownBy(() -> records.partitionStarts(3)).hasMessageContaining("sealed");
        assertThat(starts[3]).isEqualTo(count);
        assertThat(records.sealedIndexBytes()).as("sealed once").isEqualTo(-1);
        assertThat(PagedRecords.pointerBits(1024, (4 << 20) - 1)).isEqualTo(32);
        assertThat(PagedRecords.pointerBits(1025, (4 << 20) - 1)).as("no seal beyond 4 GiB of pages").isEqualTo(33);
        assertThat(PagedRecords.pointerBits(1, 0)).isEqualTo(1);
        assertThat(records.dropIndex()).as("the sealed index is handed back for reuse").isSameAs(kept);
        assertThat(records.memoryBytes()).isEqualTo(pages);
    }

    /**
     * From {@link PagedRecords#FORK_COMPACTION_FROM} records on, compaction copies the second half on
     * a spare core into pages of its own, numbered after the first half's: the records read back in
     * the order a sort without compaction leaves them, the pointers still grow in index order, records
     * longer than a page get arrays of their own in either half, and the pages stay within the bound
     * the owner acquired.
     */
    @Test
    void compactionInTwoHalvesLeavesTheOrderOfOneCopy()
            throws Exception
    {
        int count = PagedRecords.FORK_COMPACTION_FROM * 2 + 3;
        int pageSize = 512;
        SpareCores.limitTo(Runtime.getRuntime().availableProcessors());
        boolean spare = SpareCores.spare() > 0;
        long forksBefore = SpareCores.forks();
        PagedRecords uncompacted = recordsToCompact(count);
        uncompacted.sort(SortOrder.sorted(RawComparator::compareBytes), new long[(int) uncompacted.radixScratchLongs()]);
        List<String> expected = readBackHex(uncompacted);
        PagedRecords records = recordsToCompact(count);
        long appendedPages = records.memoryBytes() - records.indexBytes();
        long bound = records.compactionBytes(pageSize);
        List<byte[]> dropped = records.sort(SortOrder.sorted(RawComparator::compareBytes), new long[(int) records.radixScratchLongs()], pageSize);
        assertThat(dropped.stream().mapToLong(page -> page.length).sum()).as("the pages appended to, handed back").isEqualTo(appendedPages);
        assertThat(readBackHex(records)).isEqualTo(expected);
        assertThat(records.pointersGrow()).as("pointers grow in index order across the halves").isTrue();
        assertThat(records.memoryBytes() - records.indexBytes()).as("compacted pages within the bound acquired").isLessThanOrEqualTo(bound);
        if (spare) {
            assertThat(SpareCores.forks()).as("the second half copied on a spare core").isGreaterThan(forksBefore);
        }
    }

    /** {@code count} records of random int keys in 5 partitions, values of 0 to 40 bytes and one in a thousand of 700, in pages of 4096 (or larger). */
    private static PagedRecords recordsToCompact(int count)
    {
        PagedRecords records = new PagedRecords();
        records.growIndex(count);
        Random random = new Random(29);
        for (int i = 0; i < count; i++) {
            // four bytes, big-endian, all in the prefix: the comparator leaves the radix pass's order as it is
            int number = random.nextInt(100_000);
            byte[] key = {(byte) (number >>> 24), (byte) (number >>> 16), (byte) (number >>> 8), (byte) number};
            byte[] value = (i + "-" + "v".repeat(random.nextInt(1000) == 0 ? 700 : random.nextInt(40))).getBytes(StandardCharsets.UTF_8);
            int size = PagedRecords.RECORD_OVERHEAD + key.length + value.length;
            if (!records.pageHasRoom(size)) {
                records.addPage(new byte[Math.max(4096, size)]);
            }
            records.append(random.nextInt(5), number, key, 0, key.length, value, 0, value.length);
        }
        return records;
    }

    /** The records in index order, each as "partition key value", the key in hexadecimal. */
    private static List<String> readBackHex(PagedRecords records)
            throws java.io.IOException
    {
        List<String> read = new ArrayList<>();
        RecordCursor cursor = records.cursor(0, records.count());
        int record = 0;
        while (cursor.next()) {
            read.add(records.partition(record++) + " " + java.util.HexFormat.of().formatHex(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyOffset() + cursor.keyLength())
                    + " " + new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
        }
        return read;
    }

    /**
     * A given algorithm moves the records through an index of ranks when the sort has scratch space,
     * and through the index itself without: it must see the same partitions and lengths at every
     * position, and leave the records in the same order, either way and with compaction too.
     */
    @Test
    void aGivenAlgorithmSeesAndLeavesTheSameRecordsWhateverTheScratchSpace()
            throws Exception
    {
        // records appended in random order to 1, 3 or 300 partitions, or (0) in key order to one
        for (int partitions : new int[] {1, 3, 300, 0}) {
            // prefixes that tell every two keys apart, or that leave it to the comparator
            for (boolean wholeKeyPrefixes : new boolean[] {false, true}) {
                String testCase = partitions + " partitions, whole-key prefixes " + wholeKeyPrefixes;
                List<String> expectedSeen = new ArrayList<>();
                List<String> expected = sortedWithProbe(partitions, wholeKeyPrefixes, 0, expectedSeen);
                assertOrdered(expected, true);
                for (int mode = 1; mode < 3; mode++) {
                    List<String> seen = new ArrayList<>();
                    assertThat(sortedWithProbe(partitions, wholeKeyPrefixes, mode, seen)).as("the order it left, mode %s, %s", mode, testCase).isEqualTo(expected);
                    assertThat(seen).as("what the algorithm saw, mode %s, %s", mode, testCase).isEqualTo(expectedSeen);
                }
            }
        }
    }

    /**
     * Keys that are ints (or longs) written big-endian and ordered as signed numbers: with their
     * {@link SortOrder.LongKeys} the algorithm sees ranks made of the partition and the key's distance
     * from the smallest key, without a sort first, and must see and leave the same as with ranks from
     * the sort; where those ranks cannot be made (a key of another length, too wide a span, one that
     * overflows a long, too few records for a bit per rank) or no key repeats, the usual path runs.
     */
    @Test
    void keysThatAreLongsAreRankedByThemselvesWithTheSameResult()
            throws Exception
    {
        Random random = new Random(41);
        long[] sparse = new long[RECORDS];
        long[] distinct = new long[RECORDS];
        long[] wide = new long[RECORDS];
        long[] extremes = new long[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            sparse[i] = random.nextInt(201) * 10L - 1000;
            distinct[i] = i * 3L - RECORDS;
            wide[i] = random.nextBoolean() ? 1 << 29 : -(1 << 29) + random.nextInt(3);
            extremes[i] = random.nextBoolean() ? Long.MIN_VALUE + random.nextInt(3) : Long.MAX_VALUE;
        }
        // span 2000: 11 bits beside the partition's
        for (int partitions : new int[] {1, 3, 300}) {
            assertRankedByKeys(sparse, Integer.BYTES, partitions, "sparse ints, " + partitions + " partitions", true);
            assertRankedByKeys(sparse, Long.BYTES, partitions, "sparse longs, " + partitions + " partitions", true);
        }
        assertRankedByKeys(distinct, Integer.BYTES, 3, "no key repeats", false);
        assertRankedByKeys(wide, Integer.BYTES, 3, "a span of 31 bits", false);
        assertRankedByKeys(sparse, Integer.BYTES, 1 << 22, "22 bits of partitions", false);
        assertRankedByKeys(extremes, Long.BYTES, 1, "a span beyond a long", false);
        long[] fewRecords = java.util.Arrays.copyOf(sparse, 5000);
        fewRecords[0] = 100_000;
        assertRankedByKeys(fewRecords, Integer.BYTES, 3, "more ranks than 64 per record", false);
        // the first record's key in eight bytes
        assertRankedByKeys(sparse, -1, 3, "a key of another length", false);
    }

    /**
     * A word count's map output without a combiner: every record of a key is a copy of one record,
     * which any order of equal keys leaves the same bytes; the given algorithm is not run, with or
     * without scratch space. One value that differs (among the first records appended or later), or
     * keys the order calls equal whose bytes differ, and it runs, seeing the records in the order
     * appended and leaving them in the same order whatever the scratch space.
     */
    @Test
    void copiesOfOneRecordAreNotHandedToTheAlgorithm()
            throws Exception
    {
        RawComparator bytes = RawComparator::compareBytes;
        // ignores case: "K7" and "k7" are equal keys of different bytes
        RawComparator caseBlind = (left, leftOffset, leftLength, right, rightOffset, rightLength) -> new String(left, leftOffset, leftLength, StandardCharsets.UTF_8)
                .compareToIgnoreCase(new String(right, rightOffset, rightLength, StandardCharsets.UTF_8));
        List<String> expected = null;
        for (int mode = 0; mode < 3; mode++) {
            List<String> seen = new ArrayList<>();
            List<String> copies = sortedCopies(bytes, mode, -1, false, seen);
            assertOrdered(copies, true);
            assertThat(copies).as("mode %s", mode).hasSize(RECORDS);
            assertThat(seen).as("copies of one record need no algorithm, mode %s", mode).isEmpty();
            if (expected == null) {
                expected = copies;
            }
            assertThat(copies).as("mode %s", mode).isEqualTo(expected);
        }
        // a value that differs among the records the sort without scratch space looks at first, after them, or keys of different bytes
        for (String testCase : new String[] {"early", "late", "case"}) {
            RawComparator comparator = testCase.equals("case") ? caseBlind : bytes;
            int differing = testCase.equals("early") ? 100 : testCase.equals("late") ? RECORDS / 2 : -1;
            List<String> expectedSeen = new ArrayList<>();
            List<String> sorted = sortedCopies(comparator, 0, differing, testCase.equals("case"), expectedSeen);
            assertThat(expectedSeen).as("the algorithm runs, %s", testCase).isNotEmpty();
            assertThat(expectedSeen.get(0)).as("and sees the records in the order appended, %s", testCase).startsWith("appended");
            for (int mode = 1; mode < 3; mode++) {
                List<String> seen = new ArrayList<>();
                assertThat(sortedCopies(comparator, mode, differing, testCase.equals("case"), seen)).as("the order it left, mode %s, %s", mode, testCase)
                        .isEqualTo(sorted);
                assertThat(seen).as("what the algorithm saw, mode %s, %s", mode, testCase).isEqualTo(expectedSeen);
            }
        }
    }

    /**
     * Records of 40 keys in 3 partitions, each key's value "1" (the record at {@code differing}: "2";
     * {@code mixedCase}: some keys upper-cased), sorted as {@link #sortedWithProbe(PagedRecords,
     * RawComparator, int, List)} sorts them.
     */
    private static List<String> sortedCopies(RawComparator comparator, int mode, int differing, boolean mixedCase, List<String> seen)
            throws Exception
    {
        PagedRecords records = new PagedRecords();
        records.growIndex(RECORDS);
        Random random = new Random(17);
        for (int i = 0; i < RECORDS; i++) {
            int word = random.nextInt(40);
            String text = "k" + word;
            if (mixedCase && random.nextInt(10) == 0) {
                text = text.toUpperCase(java.util.Locale.ROOT);
            }
            byte[] key = text.getBytes(StandardCharsets.UTF_8);
            byte[] value = (i == differing ? "2" : "1").getBytes(StandardCharsets.UTF_8);
            if (!records.pageHasRoom(8 + key.length + value.length)) {
                records.addPage(new byte[4096]);
            }
            // the partition follows from the key, as a hash partitioner's; one prefix: the comparator orders every key
            records.append(word % 3, 0, key, 0, key.length, value, 0, value.length);
        }
        return sortedWithProbe(records, comparator, mode, seen);
    }

    /**
     * Sorts records with {@code keys} (serialized in {@code keyLength} bytes; -1: four, but the first
     * record's key in eight) in random partitions with and without their long keys, and checks both
     * leave and see the same; {@code byKeys}: whether the algorithm was given ranks made from the keys
     * themselves (else dense ranks, or no call when no key repeats).
     */
    private static void assertRankedByKeys(long[] keys, int keyLength, int partitions, String testCase, boolean byKeys)
            throws Exception
    {
        int bytes = keyLength == -1 ? Integer.BYTES : keyLength;
        SortOrder.LongKeys longKeys = new SortOrder.LongKeys()
        {
            @Override
            public int keyLength()
            {
                return bytes;
            }

            @Override
            public long read(byte[] buffer, int offset)
            {
                long value = 0;
                for (int i = 0; i < bytes; i++) {
                    value = value << 8 | (buffer[offset + i] & 0xFF);
                }
                // sign-extended from the key's width
                return value << (Long.SIZE - bytes * 8) >> (Long.SIZE - bytes * 8);
            }
        };
        RawComparator signed = (left, leftOffset, leftLength, right, rightOffset, rightLength) -> Long.compare(
                longKeys.read(left, leftOffset), longKeys.read(right, rightOffset)) != 0 || leftLength == rightLength
                ? Long.compare(longKeys.read(left, leftOffset), longKeys.read(right, rightOffset))
                : Integer.compare(leftLength, rightLength);
        List<String> expectedSeen = new ArrayList<>();
        List<Integer> expectedLargestRank = new ArrayList<>();
        List<String> expected = sortedLongKeys(keys, keyLength, partitions, SortOrder.sorted(signed), expectedSeen, expectedLargestRank);
        List<String> seen = new ArrayList<>();
        List<Integer> largestRank = new ArrayList<>();
        List<String> actual = sortedLongKeys(keys, keyLength, partitions, SortOrder.sorted(signed, longKeys), seen, largestRank);

        assertThat(actual).as("the order it left, %s", testCase).isEqualTo(expected);
        assertThat(seen).as("what the algorithm saw, %s", testCase).isEqualTo(expectedSeen);
        if (byKeys) {
            long span = java.util.Arrays.stream(keys).max().orElseThrow() - java.util.Arrays.stream(keys).min().orElseThrow();
            // the last partition's first rank is above every distance from the smallest key
            assertThat(largestRank).as("ranks from the keys, %s", testCase).hasSize(1).first()
                    .isNotEqualTo(expectedLargestRank.get(0))
                    .satisfies(rank -> assertThat((long) rank).isGreaterThanOrEqualTo(span));
        }
        else {
            assertThat(largestRank).as("ranks from the sort, %s", testCase).isEqualTo(expectedLargestRank);
        }
    }

    /** {@code keys} in random partitions, each as "partition key value" in index order, sorted (compacted) with {@link #probe}. */
    private static List<String> sortedLongKeys(long[] keys, int keyLength, int partitions, SortOrder order, List<String> seen, List<Integer> largestRank)
            throws Exception
    {
        PagedRecords records = new PagedRecords();
        records.growIndex(keys.length);
        Random random = new Random(partitions);
        for (int i = 0; i < keys.length; i++) {
            int bytes = keyLength == -1 ? (i == 0 ? Long.BYTES : Integer.BYTES) : keyLength;
            byte[] key = new byte[bytes];
            for (int b = 0; b < bytes; b++) {
                key[b] = (byte) (keys[i] >> (8 * (bytes - 1 - b)));
            }
            byte[] value = ("v" + i + "x".repeat(random.nextInt(4))).getBytes(StandardCharsets.UTF_8);
            if (!records.pageHasRoom(8 + key.length + value.length)) {
                records.addPage(new byte[4096]);
            }
            // the prefix of a signed number: its top 32 bits, sign flipped
            records.append(random.nextInt(partitions), (int) (keys[i] >> (bytes == Long.BYTES ? 32 : 0)) ^ Integer.MIN_VALUE, key, 0, key.length, value, 0,
                    value.length);
        }
        IndexSort probe = probe(seen);
        IndexSort noted = (positions, from, to) -> {
            long largest = 0;
            for (int position = from; position < to; position++) {
                IndexSort.Ranks ranks = positions.ranks();
                largest = Math.max(largest, ranks.elements()[ranks.offset() + position] >>> 32);
            }
            largestRank.add((int) largest);
            probe.sort(positions, from, to);
        };
        records.sort(order, noted, new long[(int) records.radixScratchLongs()], new long[(int) records.radixScratchLongs()], 4096);
        return readBackHex(records);
    }

    /**
     * Records of few distinct keys of several lengths, many of each, sorted with {@link #probe}:
     * without scratch space (mode 0), with (1), with and compacted (2); each as "partition key value",
     * in index order. No partitions: all in one, appended in key order.
     */
    private static List<String> sortedWithProbe(int partitions, boolean wholeKeyPrefixes, int mode, List<String> seen)
            throws Exception
    {
        PagedRecords records = new PagedRecords();
        records.growIndex(RECORDS);
        Random random = new Random(partitions);
        for (int i = 0; i < RECORDS; i++) {
            int major = partitions == 0 ? i * 40 / RECORDS : random.nextInt(40);
            int minor = partitions == 0 ? i * 200 / RECORDS % 5 : random.nextInt(5);
            byte[] key = (String.format("k%02d-%d", major, minor) + "z".repeat(minor)).getBytes(StandardCharsets.UTF_8);
            // values of several lengths
            byte[] value = ("v" + i + "x".repeat(random.nextInt(4))).getBytes(StandardCharsets.UTF_8);
            if (!records.pageHasRoom(8 + key.length + value.length)) {
                records.addPage(new byte[4096]);
            }
            records.append(partitions == 0 ? 0 : random.nextInt(partitions), wholeKeyPrefixes ? major * 5 + minor : key[1], key, 0, key.length, value, 0, value.length);
        }
        return sortedWithProbe(records, RawComparator::compareBytes, mode, seen);
    }

    /**
     * Sorts {@code records} by {@code comparator} with {@link #probe}: without scratch space (mode 0),
     * with (1), with and compacted (2); each as "partition key value", in index order.
     */
    private static List<String> sortedWithProbe(PagedRecords records, RawComparator comparator, int mode, List<String> seen)
            throws Exception
    {
        long[] scratch = mode == 0 ? null : new long[(int) records.radixScratchLongs()];
        long[] temp = mode == 0 ? null : new long[(int) records.radixScratchLongs()];
        records.sort(SortOrder.sorted(comparator), probe(seen), scratch, temp, mode == 2 ? 4096 : 0);
        List<String> read = new ArrayList<>();
        RecordCursor cursor = records.cursor(0, records.count());
        int record = 0;
        while (cursor.next()) {
            read.add(records.partition(record++) + " " + new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8)
                    + " " + new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
        }
        return read;
    }

    /**
     * An algorithm that notes what it sees while it reverses the records, heap-sorts them (which does
     * not keep the order of equal keys), and rotates each run of equal keys by one with a permutation.
     */
    private static IndexSort probe(List<String> seen)
    {
        return (positions, from, to) -> {
            Consumer<String> note = stage -> {
                StringBuilder lengths = new StringBuilder(stage);
                for (int position = from; position < to; position++) {
                    lengths.append(' ').append(positions.partition(position)).append(':').append(positions.keyLength(position)).append(':')
                            .append(positions.valueLength(position));
                }
                seen.add(lengths.toString());
            };
            note.accept("appended");
            for (int low = from, high = to - 1; low < high; low++, high--) {
                positions.swap(low, high);
            }
            int size = to - from;
            for (int root = size / 2 - 1; root >= 0; root--) {
                siftDown(positions, from, root, size);
            }
            for (int end = size - 1; end > 0; end--) {
                positions.swap(from, from + end);
                siftDown(positions, from, 0, end);
            }
            note.accept("sorted");
            // all but the first position: a permutation of a range that does not start at the sort's
            int first = from + 1;
            int[] order = new int[to - first];
            int start = 0;
            while (start < order.length) {
                int end = start + 1;
                while (end < order.length && positions.compare(first + end, first + start) == 0) {
                    end++;
                }
                for (int k = start; k < end; k++) {
                    order[k] = first + (k + 1 < end ? k + 1 : start);
                }
                start = end;
            }
            positions.permute(first, order);
            note.accept("permuted");
        };
    }

    private static void siftDown(IndexSort.Positions positions, int from, int root, int size)
    {
        while (2 * root + 1 < size) {
            int child = 2 * root + 1;
            if (child + 1 < size && positions.compare(from + child, from + child + 1) < 0) {
                child++;
            }
            if (positions.compare(from + root, from + child) >= 0) {
                return;
            }
            positions.swap(from + root, from + child);
            root = child;
        }
    }

    /** Each record as "prefix key value", in index order. */
    private static List<String> read(PagedRecords records)
            throws Exception
    {
        List<String> read = new ArrayList<>();
        RecordCursor cursor = records.cursor(0, records.count());
        while (cursor.next()) {
            read.add(cursor.prefix() + " " + new String(cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(), StandardCharsets.UTF_8) + " "
                    + new String(cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength(), StandardCharsets.UTF_8));
        }
        return read;
    }
}
