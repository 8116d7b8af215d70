package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The map side of a shuffle for one task attempt: serialized records go into pages granted by the
 * memory manager; when no more memory is granted, the buffer is sorted by partition and
 * {@link SortOrder}, combined, and spilled to a local file as one sorted run. {@link #finish()} sorts
 * and combines what is left and hands everything over as a {@link MapOutput}; {@link #close()}
 * without {@code finish} (a failed attempt) releases the memory and deletes the spills. With
 * {@link #combineBeforeSorting()}, records are first gathered by key and combined, and only the
 * combiner's output is sorted: in two stages, a small buffer that stays in the processor's caches
 * and is combined whenever full, and a large one for its output, combined when memory runs short
 * or the task ends.
 * <p>
 * Confined to the task's thread: other consumers never ask a sorter to spill.
 */
public final class ShuffleSorter
        implements MemoryConsumer, AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(ShuffleSorter.class);

    private static final int MIN_INDEX_CAPACITY = 256;
    /** The longest array of longs asked for: the JVM refuses a few lengths below {@code Integer.MAX_VALUE}. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    /** More sorted runs than this are merged into one file when the task finishes. */
    static final int MAX_RUNS = 8;

    private final String name;
    private final int partitions;
    private final SortOrder order;
    private final ShuffleCombiner combiner;
    private final MemoryManager memoryManager;
    private final SpillDirectory spillDirectory;
    private final int pageSize;
    private final List<SpillFile> spills = new ArrayList<>();
    private PagedRecords buffer;
    private long spilledRecords;
    private RecordSize recordSize;
    /** How spilled blocks are stored; null: as they are. */
    private BlockTransform blockTransform;
    private WireTransform wireTransform;
    /** Bytes of the small first stage of combining before sorting: it stays in the processor's caches. */
    static final int GATHERED_BYTES = 512 * 1024;
    private static final int GATHERED_PAGE = 64 * 1024;

    /** The map's records gathered by key for the combiner before sorting; null when the combiner runs on sorted runs. */
    private CombineBuffer gathered;
    /** The output of combining {@link #gathered}, gathered by key to be combined again. */
    private CombineBuffer partials;
    /** Gathering goes on only if the first stage's first fill holds at least this many records per distinct key. */
    static final int MIN_RECORDS_PER_KEY = 5;
    private boolean gatheringChecked;
    private boolean gatheringRequested;
    /** The algorithm that sorts a map's output that stays one run within {@link #equalKeysLimit}; null: the sorter's own. */
    private IndexSort equalKeysSort;
    private long equalKeysLimit;
    private int equalKeysRecordBytes;
    private long addedRecords;
    private long addedBytes;
    /** The map's records while they are copies of few distinct records (see {@link #sortEqualKeysAs}); null otherwise. */
    private DistinctRecords copies;
    /** The buffer holds its records in order already: {@link #finish()} wrote them from {@link #copies}. */
    private boolean bufferSorted;
    private boolean done;
    /**
     * Once gathering has stopped, the sorted buffer is sorted and combined whenever it holds this
     * many records, into a run kept in memory, and its pages and index are reused for the next
     * records: the sort works on an index that stays in the processor's caches, the buffer does not
     * grow to the whole map's output, and the map's output is the merge of the combined runs.
     */
    static final int RUN_RECORDS = 1 << 18;
    /** The fewest bytes of pages a map's output kept in memory must leave unused to be copied into an array of its size. */
    static final int SHRINK_FROM = 64 * 1024;
    /** The combined runs of {@link #RUN_RECORDS}, in memory. */
    private final List<Run> memoryRuns = new ArrayList<>();

    /** Sorted records and where each partition starts among them. */
    private record Run(PagedRecords records, int[] starts)
    {
        Run(PagedRecords records, int partitions)
        {
            this(records, records.partitionStarts(partitions));
        }

        /** The records of {@code partition}; null when it has none. */
        RecordCursor cursor(int partition)
        {
            return starts[partition] == starts[partition + 1] ? null : records.cursor(starts[partition], starts[partition + 1]);
        }
    }

    /** The sorted records of each partition, from one run or merged from several. */
    private interface PartitionRecords
    {
        /** The records of {@code partition}, for the caller to close; null when it has none. */
        RecordCursor open(int partition)
                throws IOException;
    }

    /**
     * @param combiner combines records before each spill and at the end; null for none
     */
    public ShuffleSorter(String name, int partitions, SortOrder order, ShuffleCombiner combiner,
            MemoryManager memoryManager, SpillDirectory spillDirectory, int pageSize)
    {
        checkArgument(partitions > 0, "partitions must be positive: %s", partitions);
        checkArgument(pageSize >= 1024, "pageSize is too small: %s", pageSize);
        this.name = requireNonNull(name, "name is null");
        this.partitions = partitions;
        this.order = requireNonNull(order, "order is null");
        this.combiner = combiner;
        this.memoryManager = requireNonNull(memoryManager, "memoryManager is null");
        this.spillDirectory = requireNonNull(spillDirectory, "spillDirectory is null");
        this.pageSize = pageSize;
        this.buffer = newRecords();
    }

    @Override
    public String memoryOwnerName()
    {
        return name;
    }

    /**
     * Runs the combiner on the records gathered by key bytes before they are sorted, instead of on
     * sorted runs: only its output is sorted and spilled. For a combiner that may see a key's values
     * in any subsets and its keys in any order, with keys whose comparator equals byte equality (the
     * caller decides). Call before the first record.
     */
    public void combineBeforeSorting()
    {
        checkArgument(combiner != null, "sorter %s has no combiner", name);
        checkArgument(!hasRecords(), "sorter %s already has records", name);
        gatheringRequested = true;
        int gatheredPage = Math.min(GATHERED_PAGE, pageSize);
        gathered = new CombineBuffer(partitions, memoryManager, this, gatheredPage, GATHERED_BYTES / gatheredPage, true);
        partials = new CombineBuffer(partitions, memoryManager, this, pageSize, Integer.MAX_VALUE, false);
    }

    /**
     * Sorts the task's output with {@code algorithm} instead of the sorter's own sorts when it is
     * one run in the end and its records, counting {@code recordBytes} per record beside their key
     * and value bytes, take less than {@code limitBytes}; the algorithm then sees the records in the
     * order they were added, so that records with equal keys come out in the order it leaves them
     * in (copies of one record, in whatever order: nothing can tell them apart, so the algorithm
     * does not run for them). Not with {@link #combineBeforeSorting()}, whose combined records are
     * in no added order.
     * <p>
     * Without a combiner, the records are first counted as copies of distinct records
     * ({@link DistinctRecords}) while they mostly repeat: when no two distinct records have keys the
     * order calls equal, nothing can tell one order of equal keys from another, and the output is
     * written in order from the distinct records, without a sort; else, or once records stop
     * repeating, they go to the buffer in the order they came, and on as above.
     * Call before the first record.
     */
    public void sortEqualKeysAs(IndexSort algorithm, long limitBytes, int recordBytes)
    {
        checkArgument(!hasRecords(), "sorter %s already has records", name);
        checkArgument(recordBytes >= 0, "recordBytes is negative: %s", recordBytes);
        this.equalKeysSort = requireNonNull(algorithm, "algorithm is null");
        this.equalKeysLimit = limitBytes;
        this.equalKeysRecordBytes = recordBytes;
        if (combiner == null && order.isSorted() && !gatheringRequested) {
            copies = new DistinctRecords(memoryManager, this);
        }
    }

    private boolean hasRecords()
    {
        return !spills.isEmpty() || !buffer.isEmpty() || copies != null && copies.records() > 0;
    }

    public void add(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
            throws IOException
    {
        addedRecords++;
        addedBytes += keyLength + valueLength;
        if (copies != null) {
            if (copies.add(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength)) {
                return;
            }
            LOG.debug("{}: {} distinct records in {} records; sorting them one by one", name, copies.distinct(), copies.records());
            moveCopies(false);
        }
        if (gathered != null) {
            if (gathered.fits(keyLength, valueLength)) {
                if (gathered.add(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength)) {
                    return;
                }
                drainGathered();
                if (gathered != null && gathered.add(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength)) {
                    return;
                }
            }
            // larger than the first stage's page, or without memory for it
            if (gathered != null && addPartial(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength)) {
                combiner.skipped(1, 0);
                return;
            }
        }
        // not gathered: sorted, and combined on sorted runs when gathering has stopped; without memory for gathering
        // even when empty, or larger than a page, sorted without being combined, as the contract allows
        addSorted(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
    }

    /**
     * Combines the first stage into the second; the first time, when the first stage holds more
     * than one distinct key per {@link #MIN_RECORDS_PER_KEY} records, hands its records to the
     * sorted buffer instead and stops gathering: keys that rarely repeat are combined for less on
     * sorted runs, whose sort walks memory in order, than in a hash table that outgrows the caches.
     */
    private void drainGathered()
            throws IOException
    {
        if (!gatheringChecked) {
            gatheringChecked = true;
            if (gathered.keys() * (long) MIN_RECORDS_PER_KEY > gathered.records() && partials.isEmpty()) {
                LOG.debug("{}: {} distinct keys in {} records; combining sorted runs instead", name, gathered.keys(), gathered.records());
                CombineBuffer records = gathered;
                gathered = null;
                partials.clear();
                partials = null;
                records.moveTo(partition -> (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> addSorted(partition, prefix, key,
                        keyOffset, keyLength, value, valueOffset, valueLength));
                return;
            }
        }
        gathered.drain(combiner, true, false, partition -> (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> {
            if (!addPartial(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength)) {
                combiner.skipped(0, 1);
                addSorted(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
            }
        });
    }

    /**
     * Moves the records counted as copies to the buffer and stops counting: when {@code last} and no
     * two distinct records have equal keys, in order (the buffer then needs no sort); else in the
     * order they came, every record after them following there.
     */
    private void moveCopies(boolean last)
            throws IOException
    {
        DistinctRecords counted = copies;
        copies = null;
        // the buffer takes the memory they held: both together could make it spill where it would not have
        counted.releaseGrant();
        try {
            reserveIndex(counted.records());
            // in order as written, also when the buffer spills on the way
            bufferSorted = last;
            if (last && counted.writeSorted(order, this::addCopies)) {
                return;
            }
            // nothing written
            bufferSorted = false;
            if (last) {
                LOG.debug("{}: distinct records with equal keys; sorting the {} records one by one", name, counted.records());
            }
            counted.moveTo(this::sortedSink);
        }
        finally {
            counted.clear();
        }
    }

    /**
     * Adds {@code copies} records that are one record to the buffer: its bytes once, and an index
     * entry per copy pointing at them.
     */
    private void addCopies(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength, int copies)
            throws IOException
    {
        int left = copies;
        while (left > 0) {
            // a whole record first: it may grow the index, or spill the buffer and start another
            addSorted(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
            left--;
            int more = Math.min(left, buffer.indexRoom());
            buffer.appendCopies(buffer.count() - 1, more);
            left -= more;
        }
    }

    private RecordSink sortedSink(int partition)
    {
        return (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> addSorted(partition, prefix, key, keyOffset, keyLength, value,
                valueOffset, valueLength);
    }

    /** Grows the buffer's index to hold {@code records} more at once, when granted, instead of doubling it as they come. */
    private void reserveIndex(int records)
    {
        long capacity = (long) buffer.count() + records;
        if (capacity <= buffer.indexCapacity() || capacity * 2 > MAX_ARRAY_LENGTH) {
            return;
        }
        // not forced as the buffer's growth is when nothing is left to spill: the index still grows as records come
        long[] grown = grantedLongs(capacity * 2);
        if (grown != null) {
            replaceIndex(buffer, grown);
        }
    }

    /** Moves the index of {@code records} into {@code grown}, granted already, and gives the old one's memory back for reuse. */
    private void replaceIndex(PagedRecords records, long[] grown)
    {
        long oldBytes = records.indexBytes();
        long[] replaced = records.growIndex(grown);
        memoryManager.release(this, oldBytes);
        memoryManager.recycle(replaced);
    }

    /** Adds to the second stage, combining it into the sorted buffer first when full; false when it cannot take the record. */
    private boolean addPartial(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
            throws IOException
    {
        if (!partials.fits(keyLength, valueLength)) {
            return false;
        }
        if (partials.add(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength)) {
            return true;
        }
        drainPartials();
        return partials.add(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
    }

    /** Combines the second stage into the sorted buffer. */
    private void drainPartials()
            throws IOException
    {
        partials.drain(combiner, false, true, partition -> (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> addSorted(partition, prefix,
                key, keyOffset, keyLength, value, valueOffset, valueLength));
    }

    /** Adds to the buffer of records to sort, spilling it when memory runs short. */
    private void addSorted(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
            throws IOException
    {
        int size = PagedRecords.RECORD_OVERHEAD + keyLength + valueLength;
        ensureRoom(buffer, size, true);
        buffer.append(partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
        if (buffer.count() >= RUN_RECORDS && combinesRuns()) {
            combineRun();
        }
    }

    /** Whether the buffer is combined into runs kept in memory: see {@link #RUN_RECORDS}. */
    private boolean combinesRuns()
    {
        return gatheringRequested && gathered == null;
    }

    /** Sorts and combines the buffer into a run kept in memory and keeps the buffer's pages for the next records. */
    private void combineRun()
            throws IOException
    {
        sortBuffer(buffer);
        Run sorted = new Run(buffer, partitions);
        PagedRecords combined = combineInMemory(sorted::cursor);
        if (combined == null) {
            // sorted already
            spillMemoryRuns();
            spills.add(writeSpill("spill", sorted::cursor));
            drop(buffer);
            buffer = newRecords();
            return;
        }
        memoryRuns.add(new Run(combined, partitions));
        buffer.clearForReuse();
    }

    /** Merges the runs kept in memory, combining them, into one spill file and releases their memory. */
    private void spillMemoryRuns()
            throws IOException
    {
        if (memoryRuns.isEmpty()) {
            return;
        }
        spills.add(writeSpill("spill", this::mergedMemoryRuns));
        releaseMemoryRuns();
    }

    /** The records of {@code partition} in the runs kept in memory, merged; null when none has any. */
    private RecordCursor mergedMemoryRuns(int partition)
    {
        List<RecordCursor> cursors = new ArrayList<>();
        for (Run run : memoryRuns) {
            RecordCursor cursor = run.cursor(partition);
            if (cursor != null) {
                cursors.add(cursor);
            }
        }
        return cursors.isEmpty() ? null : new MergingCursor(order, cursors);
    }

    private void releaseMemoryRuns()
    {
        for (Run run : memoryRuns) {
            drop(run.records());
        }
        memoryRuns.clear();
    }

    /**
     * Merges the runs kept in memory, combining them, into one run in memory; null (with the runs
     * written to spill files) when memory for the merged run is not granted.
     */
    private PagedRecords mergeMemoryRuns()
            throws IOException
    {
        PagedRecords merged = combineInMemory(this::mergedMemoryRuns);
        if (merged == null) {
            spillMemoryRuns();
            return null;
        }
        releaseMemoryRuns();
        return merged;
    }

    /**
     * Measures the task's output with {@code size}: {@link MapOutput#measured} then tells what the
     * records of each partition of its runs measure. Call before the first record.
     */
    public void measureOutput(RecordSize size)
    {
        checkArgument(!hasRecords(), "sorter %s already has records", name);
        this.recordSize = requireNonNull(size, "size is null");
    }

    /**
     * Stores the blocks of every file this sorter and its output spill with {@code transform}
     * (compressed, encrypted). Call before the first record.
     */
    public void storeBlocks(BlockTransform transform)
    {
        checkArgument(!hasRecords(), "sorter %s already has records", name);
        this.blockTransform = requireNonNull(transform, "transform is null");
    }

    /** Sends this sorter's output to reducers in other processes encoded with {@code transform}. */
    public void sendBlocks(WireTransform transform)
    {
        this.wireTransform = requireNonNull(transform, "transform is null");
    }

    /** Records written to spill files so far, counting a record again each time it is spilled. */
    public long spilledRecords()
    {
        return spilledRecords;
    }

    public int spillCount()
    {
        return spills.size();
    }

    /**
     * Makes room for one record in {@code records}, spilling the buffer if memory is short and
     * {@code mayspill}; returns false when there is no memory and spilling is not allowed.
     */
    private boolean ensureRoom(PagedRecords records, int recordSize, boolean maySpill)
            throws IOException
    {
        if (!records.indexHasRoom()) {
            int capacity = Math.max(MIN_INDEX_CAPACITY, records.indexCapacity() * 2);
            // the old index and the new one both live while the index is copied
            long[] grown = grantedLongs(capacity * 2L, bytes -> acquire(records, bytes));
            if (grown == null) {
                if (!maySpill) {
                    return false;
                }
                spill();
                return ensureRoom(buffer, recordSize, true);
            }
            replaceIndex(records, grown);
        }
        if (!records.pageHasRoom(recordSize)) {
            int length = Math.max(pageSize, recordSize);
            // taken first: with the budget full, the grant would drop it to make room for itself
            byte[] kept = length == pageSize ? memoryManager.keptPage(length) : null;
            if (!acquire(records, length)) {
                if (kept != null) {
                    memoryManager.recycle(kept);
                }
                if (!maySpill) {
                    return false;
                }
                spill();
                return ensureRoom(buffer, recordSize, true);
            }
            records.addPage(kept != null ? kept : new byte[length]);
        }
        return true;
    }

    private boolean acquire(PagedRecords records, long bytes)
    {
        if (memoryManager.tryAcquire(this, bytes)) {
            return true;
        }
        if (records == buffer && records.isEmpty() && !records.hasPages() && memoryRuns.isEmpty()) {
            // nothing left to spill: take the minimum needed to make progress
            memoryManager.forceAcquire(this, bytes);
            return true;
        }
        return false;
    }

    /**
     * Sorts the buffer, with a radix pass first when the memory manager grants the scratch space
     * (released right after), else with a comparison sort. When memory for a second copy of the
     * records is granted too, the records are compacted into sorted order on the way (see
     * {@link PagedRecords#sort(SortOrder, long[], int)}), and the old pages released.
     */
    private void sortBuffer(PagedRecords records)
    {
        long[] scratch = records.count() > 4096 ? grantedLongs(sizeClass(records.radixScratchLongs())) : null;
        if (scratch != null) {
            try {
                long compactionBytes = records.compactionBytes(pageSize);
                if (memoryManager.tryAcquire(this, compactionBytes)) {
                    long before = records.memoryBytes();
                    List<byte[]> dropped = records.sort(order, scratch, pageSize);
                    memoryManager.release(this, before + compactionBytes - records.memoryBytes());
                    recycle(dropped);
                }
                else {
                    records.sort(order, scratch);
                }
            }
            finally {
                releaseLongs(scratch);
            }
            return;
        }
        LOG.debug("Sorting {} records in place: {} longs of scratch space were not granted", records.count(), records.radixScratchLongs());
        records.sort(order);
    }

    /**
     * Sorts the buffer into the order of the algorithm {@link #sortEqualKeysAs} gave, with the
     * faster sort first when the memory manager grants its scratch space and a copy of the index
     * (released right after), and compacted as {@link #sortBuffer} does when granted. Refused them
     * while other such sorts of the process hold theirs (the maps of a job end together), it waits
     * for those to end and asks again: without, the records are sorted in place, and neither
     * compacted nor, when keys repeat, ranked for the algorithm.
     */
    private void sortWithGivenAlgorithm(PagedRecords records)
    {
        // two arrays the index's length, two ints per record (where each record came in, and where it
        // is sorted), and what an algorithm that merges runs of records may take beside them (three
        // ints per record: the merged order, and a partition's intermediate merges, the ones kept and
        // the one being written)
        long intBytes = 5L * records.count() * Integer.BYTES;
        long[][] arrays = sortArrays(records, intBytes);
        if (arrays == null && records.radixScratchLongs() <= MAX_ARRAY_LENGTH && SORTS_HOLDING_MEMORY.awaitNone(name)) {
            arrays = sortArrays(records, intBytes);
        }
        if (arrays == null) {
            records.sort(order, equalKeysSort, null, null, 0);
            return;
        }
        SORTS_HOLDING_MEMORY.add();
        try {
            long compactionBytes = records.compactionBytes(pageSize);
            boolean compact = memoryManager.tryAcquire(this, compactionBytes);
            long before = records.memoryBytes();
            List<byte[]> dropped = records.sort(order, equalKeysSort, arrays[0], arrays[1], compact ? pageSize : 0);
            if (compact) {
                memoryManager.release(this, before + compactionBytes - records.memoryBytes());
                recycle(dropped);
            }
        }
        finally {
            try {
                releaseLongs(arrays[1]);
                releaseLongs(arrays[0]);
                memoryManager.release(this, intBytes);
            }
            finally {
                SORTS_HOLDING_MEMORY.remove();
            }
        }
    }

    /** The scratch and temporary arrays of {@link #sortWithGivenAlgorithm}, under grants with {@code intBytes} beside them; null when refused. */
    private long[][] sortArrays(PagedRecords records, long intBytes)
    {
        if (!memoryManager.tryAcquire(this, intBytes)) {
            return null;
        }
        long length = sizeClass(records.radixScratchLongs());
        long[] scratch = grantedLongs(length);
        long[] temp = scratch != null ? grantedLongs(length) : null;
        if (temp == null) {
            if (scratch != null) {
                releaseLongs(scratch);
            }
            memoryManager.release(this, intBytes);
            return null;
        }
        return new long[][] {scratch, temp};
    }

    /** The sorts with a given algorithm that hold their memory now, in this process; a sort refused memory waits for none to be left. */
    private static final HoldingSorts SORTS_HOLDING_MEMORY = new HoldingSorts();

    private static final class HoldingSorts
    {
        /** How long a refused sort waits: about what the slower sort of a large map takes. */
        private static final long WAIT_MILLIS = 30_000;
        private int holding;

        synchronized void add()
        {
            holding++;
        }

        synchronized void remove()
        {
            holding--;
            notifyAll();
        }

        /** Waits until no sort holds memory (up to {@link #WAIT_MILLIS}); false at once when none did. */
        synchronized boolean awaitNone(String waiter)
        {
            if (holding == 0) {
                return false;
            }
            LOG.debug("{}: waiting for {} other sorts to give back their memory", waiter, holding);
            long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
            try {
                while (holding > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }
    }

    /** {@link #grantedLongs(long, LongPredicate)} through the memory manager's {@code tryAcquire}. */
    private long[] grantedLongs(long length)
    {
        return grantedLongs(length, bytes -> memoryManager.tryAcquire(this, bytes));
    }

    /**
     * An array of at least {@code length} longs under a grant of its bytes: one the memory manager
     * kept for reuse (any content, up to twice as long) when its bytes are free without asking anyone
     * to spill, else a new one of {@code length} granted by {@code acquire}; null when that refuses.
     * Given back through {@link #releaseLongs}.
     */
    private long[] grantedLongs(long length, LongPredicate acquire)
    {
        return grantedLongs(length, 2 * length, acquire);
    }

    /** As {@link #grantedLongs(long, LongPredicate)}, with a kept array of at most {@code maxLength} longs. */
    private long[] grantedLongs(long length, long maxLength, LongPredicate acquire)
    {
        if (length > MAX_ARRAY_LENGTH) {
            return null;
        }
        // taken before its grant, which could drop it to make room for itself
        long[] kept = memoryManager.keptLongs((int) length, maxLength);
        if (kept != null) {
            if (memoryManager.tryAcquireFree(this, (long) kept.length * Long.BYTES)) {
                return kept;
            }
            memoryManager.recycle(kept);
        }
        return acquire.test(length * Long.BYTES) ? new long[(int) length] : null;
    }

    /** Releases the grant of an array {@link #grantedLongs} gave and keeps the array for reuse. */
    private void releaseLongs(long[] array)
    {
        memoryManager.release(this, (long) array.length * Long.BYTES);
        memoryManager.recycle(array);
    }

    /** Spills what is buffered now, if anything, to free memory for the caller. */
    public void spillNow()
            throws IOException
    {
        if (copies != null) {
            moveCopies(false);
        }
        if (!buffer.isEmpty() || !memoryRuns.isEmpty()) {
            spill();
        }
    }

    private void spill()
            throws IOException
    {
        spillMemoryRuns();
        PagedRecords full = buffer;
        // empty, it may still hold pages kept for reuse
        if (!full.isEmpty()) {
            if (!bufferSorted) {
                sortBuffer(full);
            }
            spills.add(writeSpill("spill", new Run(full, partitions)::cursor));
        }
        buffer = newRecords();
        drop(full);
    }

    private void copy(int partition, RecordCursor cursor, RecordSink sink)
            throws IOException
    {
        if (combiner != null && gathered == null) {
            // the combiner runs on partitions that have records only
            LookaheadCursor lookahead = new LookaheadCursor(cursor);
            if (lookahead.hasRecords()) {
                combiner.combine(partition, lookahead, sink);
            }
            return;
        }
        while (cursor.next()) {
            sink.add(cursor.prefix(), cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(),
                    cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
        }
    }

    /** Sorts and combines what is buffered and returns all runs as the task's output. */
    public MapOutput finish()
            throws IOException
    {
        checkArgument(!done, "sorter %s already finished", name);
        if (copies != null) {
            moveCopies(true);
        }
        if (gathered != null) {
            drainGathered();
            // unless the drain stopped gathering
            if (gathered != null) {
                gathered.clear();
                drainPartials();
            }
        }
        Run run = null;
        if (!buffer.isEmpty()) {
            if (bufferSorted) {
                // written in order from the distinct records
            }
            else if (sortsWithGivenAlgorithm()) {
                sortWithGivenAlgorithm(buffer);
            }
            else {
                sortBuffer(buffer);
            }
            run = new Run(buffer, partitions);
            if (combiner != null && gathered == null) {
                PagedRecords combined = combineInMemory(run::cursor);
                if (combined == null) {
                    spill();
                    run = null;
                }
                else {
                    drop(buffer);
                    run = new Run(combined, partitions);
                }
            }
        }
        else {
            // pages kept for reuse after the last combined run
            drop(buffer);
        }
        buffer = newRecords();
        if (!memoryRuns.isEmpty()) {
            if (run != null) {
                memoryRuns.add(run);
            }
            if (memoryRuns.size() == 1) {
                run = memoryRuns.remove(0);
            }
            else {
                PagedRecords merged = mergeMemoryRuns();
                run = merged == null ? null : new Run(merged, partitions);
            }
        }
        if (spills.size() + (run == null ? 0 : 1) > MAX_RUNS) {
            mergeRuns(run);
            memoryManager.releaseAll(this);
            run = null;
        }
        if (run != null) {
            shrinkToFit(run.records());
            seal(run.records());
        }
        MapOutput output = new MapOutput(name, partitions, memoryManager, spillDirectory, spills, run == null ? null : run.records(),
                run == null ? null : run.starts(), measure(run), blockTransform, wireTransform, pageSize);
        memoryManager.transfer(this, output, memoryManager.usedBy(this));
        if (run != null) {
            memoryManager.registerSpillable(output);
        }
        done = true;
        return output;
    }

    /**
     * Copies the records kept as the task's output into one array of their size when their pages
     * waste at least {@value #SHRINK_FROM} bytes and at least as many as the records take (a small
     * map's output in a page of the page size), and gives the pages to the memory manager for the
     * next buffers: a job over many small files keeps what its maps wrote, not a page per map.
     * Skipped when the memory for the copy is not free now.
     */
    private void shrinkToFit(PagedRecords records)
    {
        if (!records.wastes(SHRINK_FROM) || !memoryManager.tryAcquireFree(this, records.recordBytes())) {
            return;
        }
        long copy = records.recordBytes();
        long before = records.memoryBytes();
        List<byte[]> dropped = records.compactToFit();
        memoryManager.release(this, before + copy - records.memoryBytes());
        recycle(dropped);
    }

    /**
     * Seals the records kept as the task's output ({@link PagedRecords#seal(long[])}): while the
     * output waits for its reducers, its index takes 8 bytes a record instead of 16 and the room it
     * had to grow. The new index is an array kept for reuse when there is one. Skipped when the
     * memory for the new index is not free now: asking others to spill for it would write whole
     * map outputs to disk to save a fraction of one.
     */
    private void seal(PagedRecords records)
    {
        long sealedBytes = records.sealedIndexBytes();
        // of its size class, so that the next map's index, a little longer, fits in this one once it is given back
        long length = sizeClass(sealedBytes / Long.BYTES);
        // a kept array at most a quarter longer, or the seal would keep much of the room it saves
        long[] packed = sealedBytes < 0 ? null : grantedLongs(length, length + length / 4, bytes -> memoryManager.tryAcquireFree(this, bytes));
        if (packed == null) {
            return;
        }
        long before = records.memoryBytes();
        long[] replaced = records.seal(packed);
        memoryManager.release(this, before + (long) packed.length * Long.BYTES - records.memoryBytes());
        memoryManager.recycle(replaced);
    }

    /**
     * {@code length} rounded up to the next of eight steps between two powers of two (at most an
     * eighth more): the maps of a job ask for nearly equal lengths of sealed indexes and sort
     * scratch, which then are one length, and an array one map gave back serves the next.
     */
    static long sizeClass(long length)
    {
        if (length <= 8) {
            return length;
        }
        long step = Long.highestOneBit(length) >>> 3;
        return (length + step - 1) & -step;
    }

    /** Whether the buffer holds every record added, in the order added, within the limit {@link #sortEqualKeysAs} set. */
    private boolean sortsWithGivenAlgorithm()
    {
        return equalKeysSort != null && order.isSorted() && !gatheringRequested && spills.isEmpty()
                && addedBytes + equalKeysRecordBytes * addedRecords < equalKeysLimit;
    }

    /** What the records of each partition of the final runs measure; null without a record size. */
    private long[] measure(Run run)
            throws IOException
    {
        if (recordSize == null) {
            return null;
        }
        long[] measured = new long[partitions];
        for (SpillFile spill : spills) {
            for (int partition = 0; partition < partitions; partition++) {
                measured[partition] += spill.measured(partition);
            }
        }
        if (run != null) {
            for (int partition = 0; partition < partitions; partition++) {
                RecordCursor records = run.cursor(partition);
                if (records == null) {
                    continue;
                }
                try (records) {
                    while (records.next()) {
                        measured[partition] += recordSize.of(records.keyLength(), records.valueLength());
                    }
                }
            }
        }
        return measured;
    }

    /** Merges all runs (combining them) into one spill file, so that readers open few files. */
    private void mergeRuns(Run run)
            throws IOException
    {
        List<SpillFile> inputs = List.copyOf(spills);
        SpillFile file = writeSpill("merged", partition -> {
            List<RecordCursor> cursors = new ArrayList<>();
            for (SpillFile input : inputs) {
                cursors.add(input.cursor(partition));
            }
            RecordCursor memory = run == null ? null : run.cursor(partition);
            if (memory != null) {
                cursors.add(memory);
            }
            return new MergingCursor(order, cursors);
        });
        spills.clear();
        spills.add(file);
        for (SpillFile input : inputs) {
            input.delete();
        }
    }

    /** Writes each partition's sorted records, through the combiner when it runs on sorted runs, to a new spill file. */
    private SpillFile writeSpill(String kind, PartitionRecords source)
            throws IOException
    {
        // a local directory that cannot take the file is left for the next, where the records are written again
        SpillFile file = spillDirectory.write(kind, path -> {
            try (SpillFile.Writer writer = new SpillFile.Writer(path, partitions, recordSize, blockTransform)) {
                for (int partition = 0; partition < partitions; partition++) {
                    writer.startPartition(partition);
                    RecordCursor records = source.open(partition);
                    if (records != null) {
                        try (records) {
                            copy(partition, records, writer);
                        }
                    }
                }
                return writer.finish();
            }
        });
        spilledRecords += file.records();
        return file;
    }

    /** Combines into new pages; null (with the new pages released) if memory ran out. */
    private PagedRecords combineInMemory(PartitionRecords source)
            throws IOException
    {
        PagedRecords combined = newRecords();
        try {
            for (int partition = 0; partition < partitions; partition++) {
                int target = partition;
                RecordCursor records = source.open(partition);
                if (records == null) {
                    continue;
                }
                try (records) {
                    combiner.combine(partition, records, (prefix, key, keyOffset, keyLength, value, valueOffset, valueLength) -> {
                        if (!ensureRoom(combined, PagedRecords.RECORD_OVERHEAD + keyLength + valueLength, false)) {
                            throw new OutOfBudget();
                        }
                        combined.append(target, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
                    });
                }
            }
            return combined;
        }
        catch (OutOfBudget e) {
            drop(combined);
            return null;
        }
    }

    /** New records whose pages of the page size come from the memory manager's kept pages. */
    private PagedRecords newRecords()
    {
        return new PagedRecords(memoryManager::page);
    }

    /** Releases the memory of records no one reads any more and gives their pages and index to the memory manager for reuse. */
    private void drop(PagedRecords records)
    {
        memoryManager.release(this, records.memoryBytes());
        recycle(records, memoryManager, pageSize);
    }

    /**
     * Gives the index and the pages of {@code pageSize} bytes of records whose memory was released
     * already, and that no cursor reads any more, to the memory manager for the next buffers.
     */
    static void recycle(PagedRecords records, MemoryManager memoryManager, int pageSize)
    {
        memoryManager.recycle(records.dropIndex());
        recycle(records.dropPages(), memoryManager, pageSize);
    }

    /** Gives pages of the page size, released already, to the memory manager for the next buffers. */
    private void recycle(List<byte[]> pages)
    {
        recycle(pages, memoryManager, pageSize);
    }

    private static void recycle(List<byte[]> pages, MemoryManager memoryManager, int pageSize)
    {
        for (byte[] page : pages) {
            if (page.length == pageSize) {
                memoryManager.recycle(page);
            }
        }
    }

    /** Releases the memory and, unless finished, deletes the spill files of this attempt. */
    @Override
    public void close()
    {
        buffer = newRecords();
        memoryRuns.clear();
        if (copies != null) {
            copies.clear();
            copies = null;
        }
        if (gathered != null && !done) {
            gathered.clear();
            partials.clear();
        }
        if (!done) {
            done = true;
            for (SpillFile spill : spills) {
                spill.delete();
            }
            spills.clear();
            memoryManager.releaseAll(this);
        }
    }

    private static final class OutOfBudget
            extends RuntimeException
    {
        OutOfBudget()
        {
            super(null, null, false, false);
        }
    }
}
