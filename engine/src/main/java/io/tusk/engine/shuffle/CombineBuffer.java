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
 * sorted: each value joins its key's chain, and {@link #drain} hands the combiner, one partition at
 * a time, every key with its values together in the order they came (keys in no particular order),
 * then forgets them. Only the combiner's output is sorted, which for a job with few distinct keys
 * (a word count) is a small fraction of what the map wrote.
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
    /** A value's chain link (page and offset of the next value, -1 for none) and length, before its bytes. */
    private static final int VALUE_OVERHEAD = 12;
    private static final int KEY_ARRAYS_BYTES_PER_KEY = 4 * 4 + 8 * 3;

    private final int partitions;
    private final MemoryManager memoryManager;
    private final MemoryConsumer owner;
    private final int pageSize;
    private final int maxPages;
    private final boolean keepsMemory;
    private final List<byte[]> pages = new ArrayList<>();
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
    /** Where each key's bytes are, and its first and last values: page index in the high half, offset in the low. */
    private long[] keyAt = new long[0];
    private long[] firstValue = new long[0];
    private long[] lastValue = new long[0];
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
        this.maxPages = maxPages;
        this.keepsMemory = keepsMemory;
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
            for (int number = 0; number < keys; number++) {
                RecordSink output = outputs.apply(partitionOf[number]);
                Groups values = new Groups(new int[] {number}, 0, 1);
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
        int hash = hash(partition, key, keyOffset, keyLength);
        int slot = find(hash, partition, key, keyOffset, keyLength);
        int number = table.length == 0 ? -1 : (int) table[slot] - 1;
        if (number < 0) {
            if (!roomForKey(keyLength + VALUE_OVERHEAD + valueLength)) {
                return false;
            }
            // the table may have grown: find the free slot again
            slot = find(hash, partition, key, keyOffset, keyLength);
            number = keys++;
            System.arraycopy(key, keyOffset, current, position, keyLength);
            keyAt[number] = pointer(position);
            position += keyLength;
            partitionOf[number] = partition;
            prefixOf[number] = prefix;
            keyLengthOf[number] = keyLength;
            valuesOf[number] = 0;
            firstValue[number] = -1;
            table[slot] = entry(hash, number);
        }
        else if (!roomInPage(VALUE_OVERHEAD + valueLength)) {
            return false;
        }
        long at = pointer(position);
        ByteArrays.putInt(current, position, -1);
        ByteArrays.putInt(current, position + 4, -1);
        ByteArrays.putInt(current, position + 8, valueLength);
        System.arraycopy(value, valueOffset, current, position + VALUE_OVERHEAD, valueLength);
        position += VALUE_OVERHEAD + valueLength;
        if (firstValue[number] < 0) {
            firstValue[number] = at;
        }
        else {
            long last = lastValue[number];
            byte[] page = pages.get((int) (last >>> 32));
            ByteArrays.putInt(page, (int) last, (int) (at >>> 32));
            ByteArrays.putInt(page, (int) last + 4, (int) at);
        }
        lastValue[number] = at;
        valuesOf[number]++;
        records++;
        return true;
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
            return;
        }
        int[] starts = new int[partitions + 1];
        for (int number = 0; number < keys; number++) {
            starts[partitionOf[number] + 1]++;
        }
        for (int partition = 0; partition < partitions; partition++) {
            starts[partition + 1] += starts[partition];
        }
        int[] order = new int[keys];
        int[] next = Arrays.copyOf(starts, partitions);
        for (int number = 0; number < keys; number++) {
            order[next[partitionOf[number]]++] = number;
        }
        try {
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
        records = 0;
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
        partitionOf = new int[0];
        prefixOf = new int[0];
        keyLengthOf = new int[0];
        valuesOf = new int[0];
        keyAt = new long[0];
        firstValue = new long[0];
        lastValue = new long[0];
        table = new long[0];
        memoryManager.release(owner, heldBytes);
        heldBytes = 0;
    }

    private long pointer(int offset)
    {
        return ((long) currentPage << 32) | offset;
    }

    private static int hash(int partition, byte[] key, int offset, int length)
    {
        int hash = partition;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + key[i];
        }
        // spread the bits: the table's index takes the low ones
        hash ^= hash >>> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >>> 13;
        return hash;
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
            if ((int) (entry >>> 32) == hash && partitionOf[number] == partition && keyLengthOf[number] == length) {
                long at = keyAt[number];
                int start = (int) at;
                if (ByteArrays.equal(pages.get((int) (at >>> 32)), start, key, offset, length)) {
                    return slot;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Room for one more key (its arrays and table slot) and {@code bytes} in the current page. */
    private boolean roomForKey(int bytes)
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
        return roomInPage(bytes);
    }

    private void grow(int capacity)
    {
        partitionOf = Arrays.copyOf(partitionOf, capacity);
        prefixOf = Arrays.copyOf(prefixOf, capacity);
        keyLengthOf = Arrays.copyOf(keyLengthOf, capacity);
        valuesOf = Arrays.copyOf(valuesOf, capacity);
        keyAt = Arrays.copyOf(keyAt, capacity);
        firstValue = Arrays.copyOf(firstValue, capacity);
        lastValue = Arrays.copyOf(lastValue, capacity);
        long[] old = table;
        table = new long[capacity * 2];
        int mask = table.length - 1;
        // each entry carries its key's hash
        for (long entry : old) {
            if (entry != 0) {
                int slot = (int) (entry >>> 32) & mask;
                while (table[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = entry;
            }
        }
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
        if (currentPage + 1 < pages.size()) {
            current = pages.get(++currentPage);
            position = 0;
            return true;
        }
        if (pages.size() >= maxPages || !acquire(pageSize)) {
            return false;
        }
        current = new byte[pageSize];
        pages.add(current);
        currentPage = pages.size() - 1;
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

    /** The keys of one partition, each with its values in the order they came. */
    private final class Groups
            implements RecordCursor
    {
        private final int[] order;
        private final int from;
        private final int to;
        private int index;
        private int number = -1;
        private long value = -1;
        private byte[] valuePage;
        private int valueOffset;
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
            if (value >= 0) {
                int page = ByteArrays.getInt(valuePage, valueOffset);
                int offset = ByteArrays.getInt(valuePage, valueOffset + 4);
                value = page < 0 ? -1 : ((long) page << 32) | offset;
            }
            sameKey = value >= 0;
            if (value < 0) {
                if (index + 1 >= to) {
                    return false;
                }
                number = order[++index];
                value = firstValue[number];
            }
            valuePage = pages.get((int) (value >>> 32));
            valueOffset = (int) value;
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
            return pages.get((int) (keyAt[number] >>> 32));
        }

        @Override
        public int keyOffset()
        {
            return (int) keyAt[number];
        }

        @Override
        public int keyLength()
        {
            return keyLengthOf[number];
        }

        @Override
        public byte[] valueBuffer()
        {
            return valuePage;
        }

        @Override
        public int valueOffset()
        {
            return valueOffset + VALUE_OVERHEAD;
        }

        @Override
        public int valueLength()
        {
            return ByteArrays.getInt(valuePage, valueOffset + 8);
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
