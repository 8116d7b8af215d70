package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A map's records gathered by (partition, key bytes) for a combiner that runs before anything is
 * sorted: {@link #drain} hands the combiner, one partition at a time, every key with its values
 * together in the order they came (keys in no particular order), then forgets them. Only the
 * combiner's output is sorted, which for a job with few distinct keys (a word count) is a small
 * fraction of what the map wrote.
 * <p>
 * Values are appended to the pages as they come, each with its key's number, and each distinct
 * key's bytes once to a key area of their own, so that finding a record's key compares it with
 * bytes that stay in the processor's closest caches instead of bytes scattered over the pages; a
 * drain first copies each key's values together into one array, counted into place (one pass over
 * the pages in the order they were written), so that the combiner then reads each key's values one
 * after the other instead of loading each from wherever it was written (W1's combine spent a tenth
 * of its map's time on those scattered loads).
 * <p>
 * Grouping is by key bytes: keys whose comparator calls equal but whose bytes differ are combined
 * apart, which the combiner's contract allows (it may see any subset of a key's values). Memory is
 * granted to {@code owner} in whole pages, at most {@code maxPages} of them; {@link #add} refuses a
 * record when no page is left or granted, and the caller drains and adds again. A buffer that
 * {@code keepsMemory} keeps its pages and arrays across drains, for a small buffer drained often;
 * the others give their memory back at every drain. Confined to the task's thread.
 */
final class CombineBuffer
{
    /** A value's key number and length, before its bytes. */
    private static final int VALUE_OVERHEAD = 8;
    private static final int KEY_ARRAYS_BYTES_PER_KEY = 7 * 4;
    /** A grouped value's length, before its bytes. */
    private static final int GROUPED_OVERHEAD = 4;
    private static final int MIN_KEY_AREA = 4096;
    private static final int MIN_GROUPED_BYTES = 8192;

    private final int partitions;
    private final MemoryManager memoryManager;
    private final MemoryConsumer owner;
    private final int pageSize;
    private final boolean keepsMemory;
    /** A position in the pages is {@code page << pageBits | offset}, in an int. */
    private final int pageBits;
    private final int pageLimit;
    private final List<byte[]> pages = new ArrayList<>();
    /** Where each page before the current one ends. */
    private int[] pageEnds = new int[0];
    /** The page records go into, {@code pages.get(currentPage)}; pages after it are kept from before a drain, empty. */
    private byte[] current;
    private int currentPage = -1;
    private int position;
    private long heldBytes;

    private int keys;
    private long records;
    private int[] partitionOf = new int[0];
    private int[] prefixOf = new int[0];
    private int[] keyLengthOf = new int[0];
    private int[] valuesOf = new int[0];
    /** The bytes each key's values take in {@link #grouped}. */
    private int[] valueBytesOf = new int[0];
    /** The bytes all values take in {@link #grouped}. */
    private long groupedBytes;
    /** The memory granted for {@link #grouped}, which is allocated (to this size) when a drain needs it. */
    private long groupedGranted;
    /** Where each key's bytes are in {@link #keyArea}. */
    private int[] keyAt = new int[0];
    /** The keys' bytes, each distinct key's once, in the order they came. */
    private byte[] keyArea = new byte[0];
    private int keyAreaUsed;
    /** During a drain, where each key's next value goes in {@link #grouped}, then where its first is. */
    private int[] slotOf = new int[0];
    /** During a drain, the positions of the values, each key's together in the order they came. */
    private byte[] grouped = new byte[0];
    /**
     * Open addressing: the key's hash in the high half and its number + 1 in the low, 0 for a free
     * slot; at most half full. A probe compares hashes without touching the key's arrays.
     */
    private long[] table = new long[0];

    CombineBuffer(int partitions, MemoryManager memoryManager, MemoryConsumer owner, int pageSize, int maxPages, boolean keepsMemory)
    {
        checkArgument(maxPages > 0, "maxPages must be positive: %s", maxPages);
        this.partitions = partitions;
        this.memoryManager = requireNonNull(memoryManager, "memoryManager is null");
        this.owner = requireNonNull(owner, "owner is null");
        this.pageSize = pageSize;
        this.keepsMemory = keepsMemory;
        this.pageBits = 32 - Integer.numberOfLeadingZeros(pageSize - 1);
        checkArgument(pageBits <= 30, "page size too large: %s", pageSize);
        this.pageLimit = Math.min(maxPages, 1 << (31 - pageBits));
    }

    boolean isEmpty()
    {
        return keys == 0;
    }

    /** Distinct (partition, key) pairs held. */
    int keys()
    {
        return keys;
    }

    long records()
    {
        return records;
    }

    /** Hands every record as it came to its partition's output, uncombined, and empties the buffer, giving its memory back. */
    void moveTo(IntFunction<RecordSink> outputs)
            throws IOException
    {
        try {
            int[] order = new int[keys];
            for (int number = 0; number < keys; number++) {
                order[number] = number;
            }
            group(order);
            for (int number = 0; number < keys; number++) {
                RecordSink output = outputs.apply(partitionOf[number]);
                Groups values = new Groups(order, number, number + 1);
                while (values.next()) {
                    output.add(values.prefix(), values.keyBuffer(), values.keyOffset(), values.keyLength(), values.valueBuffer(), values.valueOffset(),
                            values.valueLength());
                }
            }
        }
        finally {
            clear();
        }
    }

    /** Whether a record of these sizes fits a page, so that {@link #add} can take it. */
    boolean fits(int keyLength, int valueLength)
    {
        return VALUE_OVERHEAD + (long) valueLength + keyLength <= pageSize;
    }

    /** Adds a record that {@link #fits}; false, with nothing added, when the memory it needs is not granted. */
    boolean add(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
    {
        if (groupedBytes + GROUPED_OVERHEAD + valueLength > groupedGranted && !growGrouped(GROUPED_OVERHEAD + valueLength)) {
            return false;
        }
        int hash = ByteArrays.hash(partition, key, keyOffset, keyLength);
        int slot = find(hash, partition, key, keyOffset, keyLength);
        int number = table.length == 0 ? -1 : (int) table[slot] - 1;
        if (number < 0) {
            if (!roomForKey(keyLength, VALUE_OVERHEAD + valueLength)) {
                return false;
            }
            // the table may have grown: find the free slot again
            slot = find(hash, partition, key, keyOffset, keyLength);
            number = keys++;
            System.arraycopy(key, keyOffset, keyArea, keyAreaUsed, keyLength);
            keyAt[number] = keyAreaUsed;
            keyAreaUsed += keyLength;
            partitionOf[number] = partition;
            prefixOf[number] = prefix;
            keyLengthOf[number] = keyLength;
            valuesOf[number] = 0;
            valueBytesOf[number] = 0;
            table[slot] = entry(hash, number);
        }
        else if (!roomInPage(VALUE_OVERHEAD + valueLength)) {
            return false;
        }
        ByteArrays.putInt(current, position, number);
        ByteArrays.putInt(current, position + 4, valueLength);
        System.arraycopy(value, valueOffset, current, position + VALUE_OVERHEAD, valueLength);
        position += VALUE_OVERHEAD + valueLength;
        valuesOf[number]++;
        valueBytesOf[number] += GROUPED_OVERHEAD + valueLength;
        groupedBytes += GROUPED_OVERHEAD + valueLength;
        records++;
        return true;
    }

    /**
     * Memory for {@link #grouped} to take {@code bytes} more (half as much again as granted, at
     * least); false when not granted. Only granted here: the array is made once, by the drain.
     */
    private boolean growGrouped(int bytes)
    {
        long capacity = Math.max(groupedBytes + bytes, Math.max(MIN_GROUPED_BYTES, groupedGranted + groupedGranted / 2));
        if (capacity > Integer.MAX_VALUE - 8 || !acquire(capacity - groupedGranted)) {
            return false;
        }
        groupedGranted = capacity;
        return true;
    }

    /**
     * Copies into {@link #grouped} the values of the keys {@code order} lists, each key's in the
     * order they came (each value's length, then its bytes), the keys in that order: each key's place
     * is counted first, then one pass over the pages puts each value in its key's next place.
     */
    private void group(int[] order)
    {
        int next = 0;
        for (int number : order) {
            slotOf[number] = next;
            next += valueBytesOf[number];
        }
        if (this.grouped.length < groupedBytes) {
            this.grouped = new byte[(int) groupedGranted];
        }
        byte[] grouped = this.grouped;
        int[] slotOf = this.slotOf;
        for (int page = 0; page <= currentPage; page++) {
            byte[] bytes = pages.get(page);
            int end = page == currentPage ? position : pageEnds[page];
            int offset = 0;
            while (offset < end) {
                int number = ByteArrays.getInt(bytes, offset);
                int length = ByteArrays.getInt(bytes, offset + 4);
                int slot = slotOf[number];
                ByteArrays.putInt(grouped, slot, length);
                if (length == Integer.BYTES) {
                    // an int or a float, most combined values: no call for four bytes
                    ByteArrays.putInt(grouped, slot + GROUPED_OVERHEAD, ByteArrays.getInt(bytes, offset + VALUE_OVERHEAD));
                }
                else {
                    System.arraycopy(bytes, offset + VALUE_OVERHEAD, grouped, slot + GROUPED_OVERHEAD, length);
                }
                slotOf[number] = slot + GROUPED_OVERHEAD + length;
                offset += VALUE_OVERHEAD + length;
            }
        }
        // back to each key's first place
        for (int number : order) {
            slotOf[number] -= valueBytesOf[number];
        }
    }

    /**
     * Runs {@code combiner} on every partition that has records, writing into that partition's
     * output, and empties the buffer, giving its memory back unless it {@code keepsMemory}.
     *
     * @param original whether the records are the task's own, not an earlier combine's output
     * @param handedOn whether the combiner's output leaves combining
     */
    void drain(ShuffleCombiner combiner, boolean original, boolean handedOn, IntFunction<RecordSink> outputs)
            throws IOException
    {
        if (keys == 0) {
            // memory taken for a record that was then refused
            if (!keepsMemory) {
                clear();
            }
            return;
        }
        int[] starts = new int[partitions + 1];
        for (int number = 0; number < keys; number++) {
            starts[partitionOf[number] + 1]++;
        }
        for (int partition = 0; partition < partitions; partition++) {
            starts[partition + 1] += starts[partition];
        }
        try {
            int[] order = new int[keys];
            int[] next = Arrays.copyOf(starts, partitions);
            for (int number = 0; number < keys; number++) {
                order[next[partitionOf[number]]++] = number;
            }
            group(order);
            for (int partition = 0; partition < partitions; partition++) {
                if (starts[partition] < starts[partition + 1]) {
                    combiner.combine(partition, new Groups(order, starts[partition], starts[partition + 1]), outputs.apply(partition), original, handedOn);
                }
            }
        }
        finally {
            if (keepsMemory) {
                empty();
            }
            else {
                clear();
            }
        }
    }

    /** Forgets every record, keeping the pages and arrays for the next. */
    private void empty()
    {
        keys = 0;
        keyAreaUsed = 0;
        records = 0;
        groupedBytes = 0;
        Arrays.fill(table, 0);
        currentPage = pages.isEmpty() ? -1 : 0;
        current = pages.isEmpty() ? null : pages.get(0);
        position = 0;
    }

    /** Forgets every record and gives back the memory. */
    void clear()
    {
        pages.clear();
        current = null;
        currentPage = -1;
        position = 0;
        keys = 0;
        records = 0;
        groupedBytes = 0;
        partitionOf = new int[0];
        prefixOf = new int[0];
        keyLengthOf = new int[0];
        valuesOf = new int[0];
        valueBytesOf = new int[0];
        keyAt = new int[0];
        keyArea = new byte[0];
        keyAreaUsed = 0;
        slotOf = new int[0];
        grouped = new byte[0];
        groupedGranted = 0;
        pageEnds = new int[0];
        table = new long[0];
        memoryManager.release(owner, heldBytes);
        heldBytes = 0;
    }

    /** The slot of the key, or the free slot where it would go. */
    private int find(int hash, int partition, byte[] key, int offset, int length)
    {
        if (table.length == 0) {
            return 0;
        }
        int mask = table.length - 1;
        int slot = hash & mask;
        while (true) {
            long entry = table[slot];
            if (entry == 0) {
                return slot;
            }
            int number = (int) entry - 1;
            if ((int) (entry >>> 32) == hash && partitionOf[number] == partition && keyLengthOf[number] == length
                    && ByteArrays.equal(keyArea, keyAt[number], key, offset, length)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Room for one more key (its arrays, table slot and {@code keyLength} bytes in the key area) and {@code bytes} in the current page. */
    private boolean roomForKey(int keyLength, int bytes)
    {
        if (keys == partitionOf.length || 2 * (keys + 1) > table.length) {
            int capacity = Math.max(256, partitionOf.length * 2);
            long arrays = (long) capacity * KEY_ARRAYS_BYTES_PER_KEY + (long) capacity * 2 * Long.BYTES;
            if (!acquire(arrays)) {
                return false;
            }
            long old = (long) partitionOf.length * KEY_ARRAYS_BYTES_PER_KEY + (long) table.length * Long.BYTES;
            grow(capacity);
            memoryManager.release(owner, old);
            heldBytes -= old;
        }
        if (keyArea.length - keyAreaUsed < keyLength) {
            long capacity = Math.max(MIN_KEY_AREA, Math.max(2L * keyArea.length, (long) keyAreaUsed + keyLength));
            if (capacity > Integer.MAX_VALUE - 8 || !acquire(capacity)) {
                return false;
            }
            long old = keyArea.length;
            keyArea = Arrays.copyOf(keyArea, (int) capacity);
            memoryManager.release(owner, old);
            heldBytes -= old;
        }
        return roomInPage(bytes);
    }

    private void grow(int capacity)
    {
        partitionOf = Arrays.copyOf(partitionOf, capacity);
        prefixOf = Arrays.copyOf(prefixOf, capacity);
        keyLengthOf = Arrays.copyOf(keyLengthOf, capacity);
        valuesOf = Arrays.copyOf(valuesOf, capacity);
        valueBytesOf = Arrays.copyOf(valueBytesOf, capacity);
        keyAt = Arrays.copyOf(keyAt, capacity);
        slotOf = Arrays.copyOf(slotOf, capacity);
        table = rehashed(table, capacity * 2);
    }

    /**
     * A table of {@code length} slots (a power of two) with the entries of {@code entries}, an open
     * addressing table whose entries carry their hash in the high half and 0 marks a free slot.
     */
    static long[] rehashed(long[] entries, int length)
    {
        long[] table = new long[length];
        int mask = length - 1;
        for (long entry : entries) {
            if (entry != 0) {
                int slot = (int) (entry >>> 32) & mask;
                while (table[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = entry;
            }
        }
        return table;
    }

    private static long entry(int hash, int number)
    {
        return ((long) hash << 32) | (number + 1);
    }

    private boolean roomInPage(int bytes)
    {
        if (current != null && current.length - position >= bytes) {
            return true;
        }
        if (currentPage + 1 == pages.size()) {
            if (pages.size() >= pageLimit || !acquire(pageSize)) {
                return false;
            }
            if (pageEnds.length < pages.size() + 1) {
                pageEnds = Arrays.copyOf(pageEnds, Math.max(8, pageEnds.length * 2));
            }
            pages.add(new byte[pageSize]);
        }
        if (currentPage >= 0) {
            pageEnds[currentPage] = position;
        }
        current = pages.get(++currentPage);
        position = 0;
        return true;
    }

    private boolean acquire(long bytes)
    {
        if (!memoryManager.tryAcquire(owner, bytes)) {
            return false;
        }
        heldBytes += bytes;
        return true;
    }

    /**
     * The keys {@code order[from..to)} (one partition's, or one key's), each with its values in the
     * order they came; {@link #group} has put their positions in place.
     */
    private final class Groups
            implements RecordCursor
    {
        private final int[] order;
        private final int from;
        private final int to;
        private int index;
        private int number = -1;
        /** Where the current value is in {@link #grouped} (its length, then its bytes), and where its key's values end. */
        private int slot;
        private int keyEnd;
        private int valueLength;
        /** The current value is not its key's first. */
        private boolean sameKey;

        Groups(int[] order, int from, int to)
        {
            this.order = order;
            this.from = from;
            this.index = from - 1;
            this.to = to;
        }

        @Override
        public boolean next()
        {
            if (number >= 0) {
                slot += GROUPED_OVERHEAD + valueLength;
            }
            sameKey = slot < keyEnd;
            if (!sameKey) {
                if (index + 1 >= to) {
                    return false;
                }
                number = order[++index];
                slot = slotOf[number];
                keyEnd = slot + valueBytesOf[number];
            }
            valueLength = ByteArrays.getInt(grouped, slot);
            return true;
        }

        @Override
        public int prefix()
        {
            return prefixOf[number];
        }

        @Override
        public boolean sameKeyAsPrevious()
        {
            return sameKey;
        }

        @Override
        public byte[] keyBuffer()
        {
            return keyArea;
        }

        @Override
        public int keyOffset()
        {
            return keyAt[number];
        }

        @Override
        public int keyLength()
        {
            return keyLengthOf[number];
        }

        @Override
        public byte[] valueBuffer()
        {
            return grouped;
        }

        @Override
        public int valueOffset()
        {
            return slot + GROUPED_OVERHEAD;
        }

        @Override
        public int valueLength()
        {
            return valueLength;
        }

        @Override
        public long records()
        {
            long records = 0;
            for (int i = from; i < to; i++) {
                records += valuesOf[order[i]];
            }
            return records;
        }

        @Override
        public void close() {}
    }
}
