package io.tusk.engine.shuffle;

import io.tusk.engine.task.SpareCores;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import static io.tusk.engine.TuskException.checkArgument;
import static io.tusk.engine.TuskException.checkState;

/**
 * Serialized records in large byte pages plus an index of two longs per record until it is sealed
 * (below): {@code (partition << 32 | prefix)} and {@code (page << 32 | offset)}. A record in a page is
 * {@code [key length][value length][key][value]}; a record never straddles pages.
 * <p>
 * Holds no memory accounting of its own: the owner acquires memory before handing in pages or a
 * larger index, and compaction takes its new pages from the owner's page source and hands the old
 * ones back. Confined to one thread while written; read-only and safe to share once sorted.
 * <p>
 * Records kept after they are sorted (a map's output) can be {@linkplain #seal(long[]) sealed}: the index
 * becomes one long per record, {@code (prefix << 32 | page << offsetBits | offset)}, in an array of
 * at least the record count (one kept for reuse may be longer); the partitions are left to the
 * owner's partition starts.
 */
final class PagedRecords
{
    static final int RECORD_OVERHEAD = 8;
    static final int INDEX_BYTES_PER_RECORD = 16;
    private static final int RADIX_THRESHOLD = 4096;
    /** Records appended first that {@link #mayAllBeCopies()} looks at. */
    private static final int COPIES_SAMPLE = 4096;
    /** Records whose sizes compaction reads before copying them. */
    private static final int COMPACTION_BATCH = 32;
    /**
     * Records from which compaction copies the second half on a spare core when one is free: below,
     * the "spare" core is mostly compiling the job's code (W6 at 1/16, maps of 156K records: 60 %
     * more CPU for the copies, no time saved), above it is not (W6 at full size, maps of 2.5M).
     */
    static final int FORK_COMPACTION_FROM = 1 << 18;

    private final List<byte[]> pages = new ArrayList<>();
    private byte[] current;
    /** The number of {@link #current} among the pages: pages after it are kept empty for reuse. */
    private int currentPage = -1;
    private int currentPosition;
    private long[] index = new long[0];
    /** After {@link #seal(long[])}: one long per record, prefix and packed page pointer; null before. */
    private long[] sealed;
    private int offsetBits;
    private int count;
    private long pageBytes;
    /** Bytes of the records themselves, overhead included: what a compacted copy needs. */
    private long recordBytes;
    private int largestRecord;
    /** Where compaction's pages of exactly the page size come from. */
    private final IntFunction<byte[]> pageSource;

    PagedRecords()
    {
        this(byte[]::new);
    }

    /** Records whose compaction takes its pages of the page size from {@code pageSource}. */
    PagedRecords(IntFunction<byte[]> pageSource)
    {
        this.pageSource = pageSource;
    }

    int count()
    {
        return count;
    }

    /** Bytes of the records themselves, overhead included. */
    long recordBytes()
    {
        return recordBytes;
    }

    long memoryBytes()
    {
        return pageBytes + (long) index.length * Long.BYTES + (sealed == null ? 0 : (long) sealed.length * Long.BYTES);
    }

    boolean isEmpty()
    {
        return count == 0;
    }

    /** Whether it holds pages: with no record, pages kept for reuse (see {@link #clearForReuse()}). */
    boolean hasPages()
    {
        return !pages.isEmpty();
    }

    /** Whether the current page, or else the next page kept for reuse, has room for a record of {@code recordSize}. */
    boolean pageHasRoom(int recordSize)
    {
        if (current != null && current.length - currentPosition >= recordSize) {
            return true;
        }
        if (currentPage + 1 < pages.size() && pages.get(currentPage + 1).length >= recordSize) {
            current = pages.get(++currentPage);
            currentPosition = 0;
            return true;
        }
        return false;
    }

    boolean indexHasRoom()
    {
        return (count + 1) * 2 <= index.length;
    }

    /** Bytes of the index array, as {@link #memoryBytes()} counts them. */
    long indexBytes()
    {
        return (long) index.length * Long.BYTES;
    }

    int indexCapacity()
    {
        return index.length / 2;
    }

    /** Adds a page after the last one; only when no page kept for reuse is left ({@link #pageHasRoom} said no). */
    void addPage(byte[] page)
    {
        pages.add(page);
        current = page;
        currentPage = pages.size() - 1;
        currentPosition = 0;
        pageBytes += page.length;
    }

    /**
     * Forgets the records but keeps the pages and the index (and their memory) for the records
     * appended next. Only when no cursor over the records is read any more.
     */
    void clearForReuse()
    {
        checkState(sealed == null, "sealed records are not reused");
        count = 0;
        recordBytes = 0;
        largestRecord = 0;
        current = null;
        currentPage = -1;
        currentPosition = 0;
    }

    void growIndex(int recordCapacity)
    {
        growIndex(new long[recordCapacity * 2]);
    }

    /**
     * Moves the index into {@code grown}, two longs a record it can hold, whatever it held before;
     * returns the index it replaced, no longer referenced, for reuse.
     */
    long[] growIndex(long[] grown)
    {
        checkArgument(grown.length >= count * 2, "an index of %s longs cannot hold %s records", grown.length, count);
        System.arraycopy(index, 0, grown, 0, count * 2);
        long[] replaced = index;
        index = grown;
        return replaced;
    }

    void append(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
    {
        byte[] page = current;
        int position = currentPosition;
        ByteArrays.putInt(page, position, keyLength);
        ByteArrays.putInt(page, position + 4, valueLength);
        System.arraycopy(key, keyOffset, page, position + RECORD_OVERHEAD, keyLength);
        System.arraycopy(value, valueOffset, page, position + RECORD_OVERHEAD + keyLength, valueLength);
        int size = RECORD_OVERHEAD + keyLength + valueLength;
        currentPosition = position + size;
        recordBytes += size;
        largestRecord = Math.max(largestRecord, size);
        int slot = count * 2;
        index[slot] = ((long) partition << 32) | (prefix & 0xFFFF_FFFFL);
        index[slot + 1] = ((long) currentPage << 32) | position;
        count++;
    }

    /** Room in the index for this many more records. */
    int indexRoom()
    {
        return index.length / 2 - count;
    }

    /**
     * Appends {@code copies} more records that are {@code record}: index entries pointing at its
     * bytes, which are not copied (readers cannot tell; compaction or a spill writes each copy out).
     * Only with that much {@link #indexRoom()}, and not once sealed.
     */
    void appendCopies(int record, int copies)
    {
        checkState(sealed == null, "sealed records take no more");
        checkArgument(copies >= 0 && copies <= indexRoom(), "no room in the index for %s records", copies);
        long key = index[record * 2];
        long pointer = index[record * 2 + 1];
        byte[] page = pages.get((int) (pointer >>> 32));
        int offset = (int) pointer;
        int size = RECORD_OVERHEAD + ByteArrays.getInt(page, offset) + ByteArrays.getInt(page, offset + 4);
        int slot = count * 2;
        for (int copy = 0; copy < copies; copy++, slot += 2) {
            index[slot] = key;
            index[slot + 1] = pointer;
        }
        count += copies;
        recordBytes += (long) size * copies;
    }

    int partition(int record)
    {
        checkState(sealed == null, "the partitions of sealed records are their owner's");
        return (int) (index[record * 2] >>> 32);
    }

    int prefix(int record)
    {
        return sealed != null ? (int) (sealed[record] >>> 32) : (int) index[record * 2];
    }

    byte[] page(int record)
    {
        return pages.get(sealed != null ? (int) sealed[record] >>> offsetBits : (int) (index[record * 2 + 1] >>> 32));
    }

    int offset(int record)
    {
        return sealed != null ? (int) sealed[record] & ((1 << offsetBits) - 1) : (int) index[record * 2 + 1];
    }

    /**
     * The bytes of the index {@link #seal(long[])} needs, or -1 when its page pointers do not fit 32 bits
     * (the bits of the largest offset plus those of the page count: some 4 GiB of pages with a
     * power-of-two page size, less otherwise) or the records are sealed already. Call after sorting.
     */
    long sealedIndexBytes()
    {
        return sealed == null && pointerBits(pages.size(), largestOffset()) <= Integer.SIZE ? (long) count * Long.BYTES : -1;
    }

    /** Bits of a pointer to offsets up to {@code largestOffset} in one of {@code pageCount} pages. */
    static int pointerBits(int pageCount, int largestOffset)
    {
        return offsetBits(largestOffset) + (Integer.SIZE - Integer.numberOfLeadingZeros(Math.max(0, pageCount - 1)));
    }

    private static int offsetBits(int largestOffset)
    {
        return Math.max(1, Integer.SIZE - Integer.numberOfLeadingZeros(largestOffset));
    }

    private int largestOffset()
    {
        int largest = 0;
        for (int record = 0; record < count; record++) {
            largest = Math.max(largest, (int) index[record * 2 + 1]);
        }
        return largest;
    }

    /**
     * Replaces the sorted index, two longs per record and room for more, by one long per record
     * (see the class comment): for records that are only read from now on, with the partition
     * starts ({@link #partitionStarts}) taken before. Only when {@link #sealedIndexBytes()} is not -1.
     * The new index is {@code packed}, of at least one long per record and any content (an array
     * kept for reuse); {@link #memoryBytes()} counts its whole length. Returns the index it
     * replaced, no longer referenced, for reuse.
     */
    long[] seal(long[] packed)
    {
        int largestOffset = largestOffset();
        checkState(sealed == null && pointerBits(pages.size(), largestOffset) <= Integer.SIZE, "records cannot be sealed");
        checkArgument(packed.length >= count, "a sealed index of %s records needs as many longs, not %s", count, packed.length);
        int bits = offsetBits(largestOffset);
        for (int record = 0; record < count; record++) {
            long pointer = index[record * 2 + 1];
            int packedPointer = (int) (pointer >>> 32) << bits | (int) pointer;
            packed[record] = (index[record * 2] << 32) | (packedPointer & 0xFFFF_FFFFL);
        }
        offsetBits = bits;
        sealed = packed;
        long[] replaced = index;
        index = new long[0];
        return replaced;
    }

    /** Sorts the index by partition, then by {@code order}. */
    void sort(SortOrder order)
    {
        sort(order, null);
    }

    /**
     * Sorts the index by partition, then by {@code order}. A radix sort on (partition, prefix) runs
     * first and the comparator only orders records with equal prefixes. With a scratch array of at
     * least the index's length, the radix sort is a stable one that copies the index back and forth;
     * without, an in-place one that needs no memory but does not keep the order of equal keys.
     */
    void sort(SortOrder order, long[] scratch)
    {
        sort(order, scratch, 0);
    }

    /**
     * As {@link #sort(SortOrder, long[])}; with a positive {@code compactPageSize}, the records are
     * also copied into new pages of that size in (partition, prefix) order right after the radix
     * pass, and the old pages dropped. The copy reads each record once with independent loads;
     * afterwards the comparison sort, and every reader of the sorted records, walks memory nearly
     * sequentially instead of missing the cache on every record. The caller must have acquired
     * {@link #compactionBytes(int)} beforehand; {@link #memoryBytes()} reflects the new pages after.
     *
     * @return the pages compaction dropped (none without compaction), for the owner to release and recycle
     */
    List<byte[]> sort(SortOrder order, long[] scratch, int compactPageSize)
    {
        IndexSorter sorter = new IndexSorter(order);
        if (count < RADIX_THRESHOLD) {
            sorter.sort(0, count);
            return List.of();
        }
        List<byte[]> dropped = List.of();
        if (scratch == null) {
            radixSortInPlace();
        }
        else {
            radixSort(scratch);
            if (compactPageSize > 0) {
                dropped = compact(compactPageSize);
            }
        }
        if (order.isSorted()) {
            sortEqualPrefixes(sorter);
        }
        return dropped;
    }

    /** After a radix sort: sorts each run of equal (partition, prefix) with the comparator. */
    private void sortEqualPrefixes(IndexSorter sorter)
    {
        int start = 0;
        while (start < count) {
            long key = index[start * 2];
            int end = start + 1;
            while (end < count && index[end * 2] == key) {
                end++;
            }
            // a run already in order (equal keys, as the radix pass leaves them: in the order appended) stays as it is
            if (end - start > 1 && !sorter.isSorted(start, end)) {
                sorter.sort(start, end);
            }
            start = end;
        }
    }

    /**
     * Sorts the index into the order {@code algorithm} leaves it in; the algorithm sees the records
     * in the order they were appended and compares them by partition, then by {@code order}, as
     * {@link #sort(SortOrder)} does.
     * <p>
     * Distinct keys leave every sort in the same order. Given {@code scratch} and {@code temp}, each
     * at least the index's length (see {@link #radixScratchLongs()}), the faster sort of
     * {@link #sort(SortOrder, long[], int)} runs first (compacting with a positive
     * {@code compactPageSize}), and the algorithm only if that leaves two equal keys side by side
     * whose records differ in a byte (key or value; records that are the same bytes read the same in
     * any order, so the algorithm's order of them cannot be told from this one's): it then compares
     * each record's rank in the sorted order instead of its key (the same answers without reading a
     * key), over the records in the order appended again, recovered from their
     * page pointers, which grow in the order records are appended and, after compaction, in the
     * order compacted. Without, the algorithm compares keys; when the first records appended show
     * no key with two different values, the in-place sorts run first and the algorithm only if they
     * leave equal keys side by side whose records differ, over the records put back in the order
     * appended (by their page pointers).
     */
    List<byte[]> sort(SortOrder order, IndexSort algorithm, long[] scratch, long[] temp, int compactPageSize)
    {
        IndexSorter sorter = new IndexSorter(order);
        if (scratch == null || temp == null) {
            if (count >= RADIX_THRESHOLD && order.isSorted() && mayAllBeCopies()) {
                // the in-place sorts leave equal keys in no kept order, which copies of one record do not show
                radixSortInPlace();
                sortEqualPrefixes(sorter);
                if (!hasDifferingEqualNeighbours(sorter)) {
                    return compactPageSize > 0 ? compact(compactPageSize) : List.of();
                }
                sortByPointers();
            }
            algorithm.sort(new IndexPositions()
            {
                @Override
                public int compare(int left, int right)
                {
                    return sorter.compare(left, right);
                }

                @Override
                public void swap(int left, int right)
                {
                    swapEntries(left, right);
                }
            }, 0, count);
            return compactPageSize > 0 ? compact(compactPageSize) : List.of();
        }
        if (order.longKeys() != null && sortByLongKeys(order.longKeys(), algorithm, scratch, temp)) {
            return compactPageSize > 0 ? compact(compactPageSize) : List.of();
        }
        radixSort(scratch);
        // before compaction the pointers' order is the order appended: kept, and ranked only if the algorithm runs
        keepPointers(scratch);
        List<byte[]> dropped = compactPageSize > 0 ? compact(compactPageSize) : List.of();
        sortEqualPrefixes(sorter);
        if (!hasDifferingEqualNeighbours(sorter)) {
            return dropped;
        }
        int[] appendedAtCompacted = rankKeptPointers(scratch, temp);
        int[] appendedAtSorted;
        int[] sortedAtAppended;
        if (pointersGrow()) {
            // each record's pointer rank is its place in the index: the order the comparator left is the radix pass's
            appendedAtSorted = appendedAtCompacted;
            sortedAtAppended = new int[count];
        }
        else {
            appendedAtSorted = pointerRanks(scratch, temp);
            if (compactPageSize > 0) {
                for (int record = 0; record < count; record++) {
                    appendedAtSorted[record] = appendedAtCompacted[appendedAtSorted[record]];
                }
            }
            // appendedAtCompacted is not read any more: it becomes the inverse of appendedAtSorted
            sortedAtAppended = appendedAtCompacted;
        }
        RankedPositions positions = new RankedPositions(scratch, temp);
        int rank = 0;
        for (int record = 0; record < count; record++) {
            if (record > 0 && (index[(record - 1) * 2] != index[record * 2] || sorter.compare(record - 1, record) != 0)) {
                rank++;
            }
            int appended = appendedAtSorted[record];
            sortedAtAppended[appended] = record;
            // in sorted order, which after compaction is the pages' order: the lengths are read sequentially
            byte[] page = page(record);
            int offset = offset(record);
            positions.set(appended, rank, (int) (index[record * 2] >>> 32), ByteArrays.getInt(page, offset), ByteArrays.getInt(page, offset + 4));
        }
        algorithm.sort(positions, 0, count);
        rearrange(positions, sortedAtAppended, temp);
        return dropped;
    }

    /**
     * Puts the index into the order the algorithm left {@code positions} in, through {@code temp}:
     * the record appended at {@code a} is at {@code sortedAtAppended[a]} of the index now (null: at
     * {@code a}, the index still in the order appended).
     */
    private void rearrange(RankedPositions positions, int[] sortedAtAppended, long[] temp)
    {
        for (int position = 0; position < count; position++) {
            int appended = positions.appended(position);
            int record = sortedAtAppended == null ? appended : sortedAtAppended[appended];
            temp[position * 2] = index[record * 2];
            temp[position * 2 + 1] = index[record * 2 + 1];
        }
        System.arraycopy(temp, 0, index, 0, count * 2);
    }

    /**
     * {@link #sort(SortOrder, IndexSort, long[], long[], int)} for keys whose longs order them
     * ({@link SortOrder.LongKeys}), without sorting first: each record's rank is its partition above
     * its key's distance from the smallest key, computed in the order appended, as long as that fits
     * in 31 bits and at most 64 ranks per record are possible (so that a bit per rank finds whether
     * two records share one). Returns false, having changed nothing but the two arrays, when a key has
     * another length, the ranks do not fit, or no two records have equal keys (the faster sort then
     * leaves the same order).
     */
    private boolean sortByLongKeys(SortOrder.LongKeys keys, IndexSort algorithm, long[] scratch, long[] temp)
    {
        if (count < 2) {
            return false;
        }
        int keyLength = keys.keyLength();
        long smallest = Long.MAX_VALUE;
        long largest = Long.MIN_VALUE;
        BitSet partitions = new BitSet();
        RankedPositions positions = new RankedPositions(scratch, temp);
        // the index is in the order appended, and so are the pages: the keys are read sequentially
        for (int record = 0; record < count; record++) {
            long pointer = index[record * 2 + 1];
            byte[] page = pages.get((int) (pointer >>> 32));
            int offset = (int) pointer;
            if (ByteArrays.getInt(page, offset) != keyLength) {
                return false;
            }
            long key = keys.read(page, offset + RECORD_OVERHEAD);
            temp[record] = key;
            positions.measure(record, keyLength, ByteArrays.getInt(page, offset + 4));
            smallest = Math.min(smallest, key);
            largest = Math.max(largest, key);
            partitions.set((int) (index[record * 2] >>> 32));
        }
        int lastPartition = partitions.length() - 1;
        long span = largest - smallest;
        int keyBits = Long.SIZE - Long.numberOfLeadingZeros(span);
        int partitionBits = Integer.SIZE - Integer.numberOfLeadingZeros(lastPartition);
        // a negative span overflowed
        if (span < 0 || keyBits + partitionBits > 31 || ((long) (lastPartition + 1) << keyBits) > (long) count * Long.SIZE) {
            return false;
        }
        int words = (int) ((((long) (lastPartition + 1) << keyBits) + Long.SIZE - 1) / Long.SIZE);
        Arrays.fill(temp, count, count + words, 0L);
        boolean repeats = false;
        for (int record = 0; record < count; record++) {
            int rank = (int) (index[record * 2] >>> 32) << keyBits | (int) (temp[record] - smallest);
            int word = count + (rank >>> 6);
            long bit = 1L << rank;
            repeats |= (temp[word] & bit) != 0;
            temp[word] |= bit;
            positions.place(record, rank);
        }
        if (!repeats) {
            return false;
        }
        for (int partition = partitions.nextSetBit(0); partition >= 0; partition = partitions.nextSetBit(partition + 1)) {
            positions.addPartition(partition, partition << keyBits);
        }
        algorithm.sort(positions, 0, count);
        rearrange(positions, null, temp);
        return true;
    }

    /**
     * The records as {@link #sort(SortOrder, IndexSort, long[], long[], int)}'s algorithm moves them,
     * without touching the index or the pages: each position holds one long, the record's rank in the
     * sorted order (equal keys, equal ranks) above the position it was appended at, and what the
     * algorithm measures of a record is kept by that appended position. A swap moves one long; the
     * lengths of the records in the order appended are read sequentially; the index is rearranged once,
     * at the end. Both of the sort's scratch arrays are used: {@code scratch} holds the lengths (first
     * half) and the positions (second half), {@code spare} is room for {@link #permute}.
     */
    private final class RankedPositions
            implements IndexSort.Positions
    {
        private final long[] entries;
        private final long[] spare;
        /** The partitions present, ascending, and the rank of the first record of each. */
        private int[] partitions = new int[4];
        private int[] firstRanks = new int[4];
        private int partitionCount;

        RankedPositions(long[] scratch, long[] spare)
        {
            this.entries = scratch;
            this.spare = spare;
        }

        /** Records what the record appended at {@code appended} measures; in rank order, as ranks only grow. */
        void set(int appended, int rank, int partition, int keyLength, int valueLength)
        {
            place(appended, rank);
            measure(appended, keyLength, valueLength);
            if (partitionCount == 0 || partitions[partitionCount - 1] != partition) {
                addPartition(partition, rank);
            }
        }

        /** Puts the record appended at {@code appended}, of rank {@code rank}, at position {@code appended}. */
        void place(int appended, int rank)
        {
            entries[count + appended] = ((long) rank << 32) | appended;
        }

        /** Records the key and value lengths of the record appended at {@code appended}. */
        void measure(int appended, int keyLength, int valueLength)
        {
            entries[appended] = ((long) keyLength << 32) | (valueLength & 0xFFFF_FFFFL);
        }

        /** The next partition present, after those added, and the rank of its first record; every later rank belongs to it up to the next. */
        void addPartition(int partition, int firstRank)
        {
            if (partitionCount == partitions.length) {
                partitions = Arrays.copyOf(partitions, partitionCount * 2);
                firstRanks = Arrays.copyOf(firstRanks, partitionCount * 2);
            }
            partitions[partitionCount] = partition;
            firstRanks[partitionCount] = firstRank;
            partitionCount++;
        }

        /** The position, in the order appended, of the record now at {@code position}. */
        int appended(int position)
        {
            return (int) entries[count + position];
        }

        private int rank(int position)
        {
            return (int) (entries[count + position] >>> 32);
        }

        @Override
        public int compare(int left, int right)
        {
            return Integer.compare(rank(left), rank(right));
        }

        @Override
        public void swap(int left, int right)
        {
            int l = count + left;
            int r = count + right;
            long moved = entries[l];
            entries[l] = entries[r];
            entries[r] = moved;
        }

        @Override
        public int partition(int position)
        {
            int found = Arrays.binarySearch(firstRanks, 0, partitionCount, rank(position));
            // a rank between two partitions' first ranks is the earlier one's
            return partitions[found >= 0 ? found : -found - 2];
        }

        @Override
        public int keyLength(int position)
        {
            return (int) (entries[appended(position)] >>> 32);
        }

        @Override
        public int valueLength(int position)
        {
            return (int) entries[appended(position)];
        }

        @Override
        public IndexSort.Ranks ranks()
        {
            return new IndexSort.Ranks(entries, count);
        }

        @Override
        public void permute(int from, int[] order)
        {
            for (int k = 0; k < order.length; k++) {
                spare[k] = entries[count + order[k]];
            }
            System.arraycopy(spare, 0, entries, count + from, order.length);
        }
    }

    /** Positions of this index's records: what each record measures is read from its page. */
    private abstract class IndexPositions
            implements IndexSort.Positions
    {
        @Override
        public int partition(int position)
        {
            return PagedRecords.this.partition(position);
        }

        @Override
        public int keyLength(int position)
        {
            return ByteArrays.getInt(page(position), offset(position));
        }

        @Override
        public int valueLength(int position)
        {
            return ByteArrays.getInt(page(position), offset(position) + 4);
        }
    }

    /** For each record of the index, the rank of its page pointer among all records' pointers. */
    private int[] pointerRanks(long[] scratch, long[] temp)
    {
        keepPointers(scratch);
        return rankKeptPointers(scratch, temp);
    }

    /** Puts each record's page pointer and its place in the index into {@code pairs}, for {@link #rankKeptPointers}. */
    private void keepPointers(long[] pairs)
    {
        for (int record = 0; record < count; record++) {
            pairs[record * 2] = index[record * 2 + 1];
            pairs[record * 2 + 1] = record;
        }
    }

    /** {@link #pointerRanks} of the pointers {@link #keepPointers} put into {@code pairs}, which it sorts through {@code temp}. */
    private int[] rankKeptPointers(long[] pairs, long[] temp)
    {
        long[] byPointer = radixSortPairs(pairs, temp, count);
        int[] ranks = new int[count];
        for (int rank = 0; rank < count; rank++) {
            ranks[(int) byPointer[rank * 2 + 1]] = rank;
        }
        return ranks;
    }

    /** Whether the page pointers grow along the index. */
    boolean pointersGrow()
    {
        for (int record = 1; record < count; record++) {
            if (index[(record - 1) * 2 + 1] >= index[record * 2 + 1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether two records side by side in the index compare equal but are not the same bytes. Equal
     * keys are side by side after a sort, so when no such pair exists every run of equal keys is
     * copies of one record. Records that are the same bytes are not compared with the order: a
     * word count's ("the", 1) over and over costs a comparison of a few bytes each.
     */
    private boolean hasDifferingEqualNeighbours(IndexSorter sorter)
    {
        for (int record = 1; record < count; record++) {
            if (index[(record - 1) * 2] == index[record * 2] && !sameBytes(record - 1, record) && sorter.compare(record - 1, record) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether no two of the first {@value #COPIES_SAMPLE} records appended have the same key bytes
     * and different value bytes: when they have, the records are not all copies of one record per
     * key, and sorting them to find out would be wasted. Call before sorting.
     */
    private boolean mayAllBeCopies()
    {
        Map<ByteBuffer, ByteBuffer> values = new HashMap<>();
        for (int record = 0; record < Math.min(count, COPIES_SAMPLE); record++) {
            byte[] page = page(record);
            int offset = offset(record);
            int keyLength = ByteArrays.getInt(page, offset);
            ByteBuffer key = ByteBuffer.wrap(page, offset + RECORD_OVERHEAD, keyLength);
            ByteBuffer value = ByteBuffer.wrap(page, offset + RECORD_OVERHEAD + keyLength, ByteArrays.getInt(page, offset + 4));
            ByteBuffer first = values.putIfAbsent(key, value);
            if (first != null && !first.equals(value)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sorts the index by page pointer, in place (a heap sort): back to the order the records were
     * appended in, which their pointers follow until compaction.
     */
    private void sortByPointers()
    {
        for (int root = count / 2 - 1; root >= 0; root--) {
            siftDownByPointer(root, count);
        }
        for (int end = count - 1; end > 0; end--) {
            swapEntries(0, end);
            siftDownByPointer(0, end);
        }
    }

    private void siftDownByPointer(int root, int size)
    {
        while (true) {
            int child = 2 * root + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && index[child * 2 + 1] < index[(child + 1) * 2 + 1]) {
                child++;
            }
            if (index[root * 2 + 1] >= index[child * 2 + 1]) {
                return;
            }
            swapEntries(root, child);
            root = child;
        }
    }

    /** Whether two records have the same key bytes and the same value bytes. */
    private boolean sameBytes(int left, int right)
    {
        byte[] leftPage = page(left);
        int leftOffset = offset(left);
        byte[] rightPage = page(right);
        int rightOffset = offset(right);
        int keyLength = ByteArrays.getInt(leftPage, leftOffset);
        int valueLength = ByteArrays.getInt(leftPage, leftOffset + 4);
        // a record's value follows its key: the two are compared as one range
        return keyLength == ByteArrays.getInt(rightPage, rightOffset) && valueLength == ByteArrays.getInt(rightPage, rightOffset + 4)
                && ByteArrays.equal(leftPage, leftOffset + RECORD_OVERHEAD, rightPage, rightOffset + RECORD_OVERHEAD, keyLength + valueLength);
    }

    /**
     * An upper bound of the bytes {@link #sort(SortOrder, long[], int)} allocates when compacting
     * into pages of {@code pageSize}: the records plus, per page, the room a record that does not
     * fit at a page's end leaves unused, plus a page when the records are copied in two halves.
     */
    long compactionBytes(int pageSize)
    {
        long pages = recordBytes / pageSize + 1;
        // and the unused end of the first half's last page when the halves are copied apart
        long halves = count >= FORK_COMPACTION_FROM ? pageSize : 0;
        return recordBytes + pages * Math.min(largestRecord, pageSize) + halves;
    }

    /**
     * Copies the records into new pages in index order; returns the old pages. From
     * {@value #FORK_COMPACTION_FROM} records on, the second half is copied into pages of its own on
     * a spare core if one is free ({@link SpareCores}), and its pages follow the first half's.
     */
    private List<byte[]> compact(int pageSize)
    {
        return compact(pageSize, count >= FORK_COMPACTION_FROM);
    }

    /**
     * Whether the pages hold at least {@code waste} bytes, and at least as many as the records, more
     * than the records need: what {@link #compactToFit()} would give back.
     */
    boolean wastes(long waste)
    {
        long unused = pageBytes - recordBytes;
        return count > 0 && sealed == null && unused >= waste && unused >= recordBytes && recordBytes <= Integer.MAX_VALUE - 16;
    }

    /**
     * Copies the records, in index order, into one array of exactly their size (which the page source
     * is asked for); returns the old pages. Only before sealing; see {@link #wastes(long)}.
     */
    List<byte[]> compactToFit()
    {
        checkState(sealed == null, "sealed records are not compacted");
        return compact((int) recordBytes, false);
    }

    /** {@link #compact(int)}, the second half on a spare core only if {@code halves}. */
    private List<byte[]> compact(int pageSize, boolean halves)
    {
        byte[][] sources = pages.toArray(new byte[0][]);
        int half = count / 2;
        Compaction second = new Compaction(sources, pageSize, half, count);
        SpareCores.Fork fork = halves ? SpareCores.tryFork(second) : null;
        Compaction first = new Compaction(sources, pageSize, 0, fork != null ? half : count);
        Throwable failure = null;
        try {
            first.run();
        }
        catch (RuntimeException | Error e) {
            failure = e;
        }
        // joined whatever failed: the fork writes into the index until it ends
        SpareCores.joinAll(fork != null ? List.of(fork) : List.of(), failure);
        List<Compaction> parts = fork != null ? List.of(first, second) : List.of(first);
        List<byte[]> dropped = new ArrayList<>(pages);
        pages.clear();
        pageBytes = 0;
        for (Compaction part : parts) {
            if (!pages.isEmpty()) {
                // the part numbered its pages from zero: they follow the pages before it
                long shift = (long) pages.size() << 32;
                for (int record = part.from; record < part.to; record++) {
                    index[record * 2 + 1] += shift;
                }
            }
            pages.addAll(part.compacted);
            pageBytes += part.allocated;
        }
        Compaction last = parts.get(parts.size() - 1);
        current = last.target;
        currentPage = pages.size() - 1;
        currentPosition = last.position;
        return dropped;
    }

    /** The copy of the records at index places {@code [from, to)} into pages of their own, numbered from zero. */
    private final class Compaction
            implements Runnable
    {
        private final byte[][] sources;
        private final int pageSize;
        private final int from;
        private final int to;
        private final List<byte[]> compacted = new ArrayList<>();
        private long allocated;
        private byte[] target;
        private int position;

        private Compaction(byte[][] sources, int pageSize, int from, int to)
        {
            this.sources = sources;
            this.pageSize = pageSize;
            this.from = from;
            this.to = to;
        }

        @Override
        public void run()
        {
            // locals in the loop, the fields once at the end: the loop's stores stay in registers
            long[] entries = index;
            byte[] page = null;
            int at = 0;
            long bytes = 0;
            int[] sizes = new int[COMPACTION_BATCH];
            for (int batch = from; batch < to; batch += COMPACTION_BATCH) {
                int end = Math.min(to, batch + COMPACTION_BATCH);
                // the sizes of a batch first: loads with no branch between them, so that the processor
                // waits for their cache misses together instead of one after another in the copies
                for (int record = batch; record < end; record++) {
                    long pointer = entries[record * 2 + 1];
                    byte[] source = sources[(int) (pointer >>> 32)];
                    int offset = (int) pointer;
                    sizes[record - batch] = RECORD_OVERHEAD + ByteArrays.getInt(source, offset) + ByteArrays.getInt(source, offset + 4);
                }
                for (int record = batch; record < end; record++) {
                    int slot = record * 2 + 1;
                    long pointer = entries[slot];
                    int size = sizes[record - batch];
                    if (page == null || page.length - at < size) {
                        page = size <= pageSize ? pageSource.apply(pageSize) : new byte[size];
                        compacted.add(page);
                        bytes += page.length;
                        at = 0;
                    }
                    ByteArrays.copy(sources[(int) (pointer >>> 32)], (int) pointer, page, at, size);
                    entries[slot] = ((long) (compacted.size() - 1) << 32) | at;
                    at += size;
                }
            }
            target = page;
            position = at;
            allocated = bytes;
        }
    }

    /**
     * Forgets the records and hands over their pages, for an owner that released their memory and
     * recycles them; only once no cursor over the records is read any more.
     */
    List<byte[]> dropPages()
    {
        sealed = null;
        clearForReuse();
        List<byte[]> dropped = new ArrayList<>(pages);
        pages.clear();
        pageBytes = 0;
        return dropped;
    }

    /**
     * Hands over the index (the sealed one if sealed), leaving an empty one: as {@link #dropPages()},
     * for an owner that released its memory and recycles it.
     */
    long[] dropIndex()
    {
        long[] dropped = sealed != null ? sealed : index;
        sealed = null;
        index = new long[0];
        return dropped;
    }

    /** Bytes of scratch space {@link #sort(SortOrder, long[])} needs for a radix sort. */
    long radixScratchLongs()
    {
        return (long) count * 2;
    }

    /** Stable least-significant-digit radix sort of the index by its 64-bit (partition, prefix) key, 16 bits a pass. */
    private void radixSort(long[] scratch)
    {
        long[] sorted = radixSortPairs(index, scratch, count);
        if (sorted != index) {
            System.arraycopy(sorted, 0, index, 0, count * 2);
        }
    }

    /**
     * Stable least-significant-digit radix sort of {@code count} pairs of longs by their first long
     * (unsigned), 16 bits a pass, back and forth between {@code pairs} and {@code scratch}; returns
     * the one that holds the sorted pairs.
     */
    private static long[] radixSortPairs(long[] pairs, long[] scratch, int count)
    {
        long[] source = pairs;
        long[] target = scratch;
        int[] counts = new int[1 << 16];
        for (int shift = 0; shift < 64; shift += 16) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < count; i++) {
                counts[(int) ((source[i * 2] >>> shift) & 0xFFFF)]++;
            }
            if (counts[(int) ((source[0] >>> shift) & 0xFFFF)] == count) {
                continue;
            }
            int position = 0;
            for (int digit = 0; digit < counts.length; digit++) {
                int n = counts[digit];
                counts[digit] = position;
                position += n;
            }
            for (int i = 0; i < count; i++) {
                long key = source[i * 2];
                int slot = counts[(int) ((key >>> shift) & 0xFFFF)]++ * 2;
                target[slot] = key;
                target[slot + 1] = source[i * 2 + 1];
            }
            long[] swap = source;
            source = target;
            target = swap;
        }
        return source;
    }

    /**
     * Unstable most-significant-digit radix sort of the index by its (partition, prefix) key, in
     * place, a byte a pass (American flag sort): for a buffer whose scratch space the memory manager
     * does not grant. Starts at the highest byte in which keys differ; small ranges are finished by
     * insertion sort.
     */
    private void radixSortInPlace()
    {
        long first = index[0];
        long differing = 0;
        for (int i = 1; i < count; i++) {
            differing |= index[i * 2] ^ first;
        }
        if (differing != 0) {
            int shift = (63 - Long.numberOfLeadingZeros(differing)) / 8 * 8;
            int levels = shift / 8 + 1;
            radixSortInPlace(0, count, shift, new int[levels][257], new int[levels][256]);
        }
    }

    private void radixSortInPlace(int from, int to, int shift, int[][] starts, int[][] next)
    {
        if (to - from <= 32) {
            for (int i = from + 1; i < to; i++) {
                for (int j = i; j > from && Long.compareUnsigned(index[(j - 1) * 2], index[j * 2]) > 0; j--) {
                    swapEntries(j - 1, j);
                }
            }
            return;
        }
        int level = shift / 8;
        int[] start = starts[level];
        int[] end = next[level];
        Arrays.fill(end, 0);
        for (int i = from; i < to; i++) {
            end[(int) (index[i * 2] >>> shift) & 0xFF]++;
        }
        start[0] = from;
        for (int digit = 0; digit < 256; digit++) {
            start[digit + 1] = start[digit] + end[digit];
            end[digit] = start[digit];
        }
        // end[digit]: the next unplaced slot of the digit's bucket; each swap places one entry for good
        for (int digit = 0; digit < 256; digit++) {
            while (end[digit] < start[digit + 1]) {
                int slot = end[digit];
                int belongs = (int) (index[slot * 2] >>> shift) & 0xFF;
                if (belongs == digit) {
                    end[digit]++;
                }
                else {
                    swapEntries(slot, end[belongs]++);
                }
            }
        }
        if (shift == 0) {
            return;
        }
        for (int digit = 0; digit < 256; digit++) {
            // start[] of this level is intact: deeper levels use their own arrays
            if (start[digit + 1] - start[digit] > 1) {
                radixSortInPlace(start[digit], start[digit + 1], shift - 8, starts, next);
            }
        }
    }

    private void swapEntries(int left, int right)
    {
        int l = left * 2;
        int r = right * 2;
        long key = index[l];
        long pointer = index[l + 1];
        index[l] = index[r];
        index[l + 1] = index[r + 1];
        index[r] = key;
        index[r + 1] = pointer;
    }

    /**
     * After {@link #sort}: the first record of each partition, with {@code result[partitions]} equal
     * to the record count. Not for sealed records: their partitions are their owner's.
     */
    int[] partitionStarts(int partitions)
    {
        int[] starts = new int[partitions + 1];
        int record = 0;
        for (int partition = 0; partition < partitions; partition++) {
            starts[partition] = record;
            while (record < count && partition(record) == partition) {
                record++;
            }
        }
        starts[partitions] = count;
        return starts;
    }

    /** A cursor over records {@code [from, to)} in index order. */
    RecordCursor cursor(int from, int to)
    {
        return new Cursor(from, to, null);
    }

    /** As {@link #cursor(int, int)}, running {@code onClose} when the cursor is first closed. */
    RecordCursor cursor(int from, int to, Runnable onClose)
    {
        return new Cursor(from, to, onClose);
    }

    private final class Cursor
            implements RecordCursor
    {
        private final int to;
        private int record;
        private byte[] page;
        private int offset;

        private final int from;
        private Runnable onClose;

        Cursor(int from, int to, Runnable onClose)
        {
            this.from = from;
            this.record = from - 1;
            this.to = to;
            this.onClose = onClose;
        }

        @Override
        public long records()
        {
            return to - from;
        }

        @Override
        public boolean next()
        {
            if (record + 1 >= to) {
                record = to;
                return false;
            }
            record++;
            page = page(record);
            offset = offset(record);
            return true;
        }

        @Override
        public int prefix()
        {
            return PagedRecords.this.prefix(record);
        }

        @Override
        public byte[] keyBuffer()
        {
            return page;
        }

        @Override
        public int keyOffset()
        {
            return offset + RECORD_OVERHEAD;
        }

        @Override
        public int keyLength()
        {
            return ByteArrays.getInt(page, offset);
        }

        @Override
        public byte[] valueBuffer()
        {
            return page;
        }

        @Override
        public int valueOffset()
        {
            return offset + RECORD_OVERHEAD + ByteArrays.getInt(page, offset);
        }

        @Override
        public int valueLength()
        {
            return ByteArrays.getInt(page, offset + 4);
        }

        @Override
        public void close()
        {
            Runnable closed = onClose;
            onClose = null;
            if (closed != null) {
                closed.run();
            }
        }
    }

    /** Three-way quicksort of the index pairs, with insertion sort for short ranges. */
    private final class IndexSorter
    {
        private final SortOrder order;

        IndexSorter(SortOrder order)
        {
            this.order = order;
        }

        boolean isSorted(int from, int to)
        {
            for (int i = from + 1; i < to; i++) {
                if (compare(i - 1, i) > 0) {
                    return false;
                }
            }
            return true;
        }

        void sort(int from, int to)
        {
            while (to - from > 16) {
                int pivot = medianOfThree(from, from + (to - from) / 2, to - 1);
                swapEntries(from, pivot);
                // invariant: [from, lt) < pivot, [lt, i) == pivot, (gt, to) > pivot; pivot record kept at lt
                int lt = from;
                int gt = to - 1;
                int i = from + 1;
                while (i <= gt) {
                    int c = compare(i, lt);
                    if (c < 0) {
                        swapEntries(lt, i);
                        lt++;
                        i++;
                    }
                    else if (c > 0) {
                        swapEntries(i, gt);
                        gt--;
                    }
                    else {
                        i++;
                    }
                }
                // recurse into the smaller side, loop on the larger
                if (lt - from < to - gt - 1) {
                    sort(from, lt);
                    from = gt + 1;
                }
                else {
                    sort(gt + 1, to);
                    to = lt;
                }
            }
            for (int i = from + 1; i < to; i++) {
                for (int j = i; j > from && compare(j - 1, j) > 0; j--) {
                    swapEntries(j - 1, j);
                }
            }
        }

        private int medianOfThree(int a, int b, int c)
        {
            if (compare(a, b) < 0) {
                if (compare(b, c) < 0) {
                    return b;
                }
                return compare(a, c) < 0 ? c : a;
            }
            if (compare(a, c) < 0) {
                return a;
            }
            return compare(b, c) < 0 ? c : b;
        }

        private int compare(int left, int right)
        {
            long leftKey = index[left * 2];
            long rightKey = index[right * 2];
            int leftPartition = (int) (leftKey >>> 32);
            int rightPartition = (int) (rightKey >>> 32);
            if (leftPartition != rightPartition) {
                return Integer.compare(leftPartition, rightPartition);
            }
            // the records' memory is touched only for equal prefixes
            if (!order.isSorted() || (int) leftKey != (int) rightKey) {
                return Integer.compareUnsigned((int) leftKey, (int) rightKey);
            }
            byte[] leftPage = page(left);
            int leftOffset = offset(left);
            byte[] rightPage = page(right);
            int rightOffset = offset(right);
            return order.compare((int) leftKey, leftPage, leftOffset + RECORD_OVERHEAD, ByteArrays.getInt(leftPage, leftOffset),
                    (int) rightKey, rightPage, rightOffset + RECORD_OVERHEAD, ByteArrays.getInt(rightPage, rightOffset));
        }

    }
}
