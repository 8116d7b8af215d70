package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/**
 * A map's records kept as few distinct records, each with its number of copies and the order the
 * copies came in, while the map writes mostly copies of few records (a streaming word count's
 * {@code word 1}). Such records need neither sorting nor compacting one by one: in the end each
 * distinct record is written as many times as it came, in the order of the distinct records; and
 * when two distinct records have keys the order calls equal (where the order of equal keys is the
 * sort algorithm's), the records are handed on in the order they came instead.
 * <p>
 * A record is identified by its partition, key bytes and value bytes; each distinct record's bytes
 * are kept once, in an area of their own. {@link #add} refuses a record (and the caller moves
 * everything out with {@link #moveTo}) when memory is not granted, when more than
 * {@link #MAX_DISTINCT} records differ, or when at a check (after {@link #FIRST_CHECK} records and
 * at every doubling after) fewer than {@link #FIRST_COPIES} records came per distinct record, or
 * from {@link #CHECK_RECORDS} records on fewer than {@link #MIN_COPIES}: a small sample has seen
 * most of its records' vocabulary once only. Memory is granted to {@code owner}. Confined to the
 * task's thread.
 */
final class DistinctRecords
{
    /** Records counted before the first check of how often records repeat. */
    static final int FIRST_CHECK = 1 << 12;
    /** Records per distinct record the checks before {@link #CHECK_RECORDS} ask for. */
    static final int FIRST_COPIES = 2;
    static final int CHECK_RECORDS = 1 << 16;
    /** Records per distinct record the checks from {@link #CHECK_RECORDS} on ask for. */
    static final int MIN_COPIES = 4;
    /** At most this many distinct records: their comparison sort at the end stays short beside the sort of the records. */
    static final int MAX_DISTINCT = 1 << 18;
    /** Bytes kept per distinct record beside its bytes: six ints and two table slots. */
    private static final int BYTES_PER_DISTINCT = 6 * Integer.BYTES + 2 * Long.BYTES;
    private static final int MIN_CAPACITY = 256;

    private final MemoryManager memoryManager;
    private final MemoryConsumer owner;
    private long heldBytes;

    private int distinct;
    private int[] partitionOf = new int[0];
    private int[] prefixOf = new int[0];
    private int[] keyLengthOf = new int[0];
    private int[] valueLengthOf = new int[0];
    /** Where each distinct record's key bytes, then its value bytes, are in {@link #area}. */
    private int[] at = new int[0];
    private int[] copiesOf = new int[0];
    private byte[] area = new byte[0];
    private int areaUsed;
    /** Open addressing: the record's hash in the high half, its number + 1 in the low, 0 for a free slot; at most half full. */
    private long[] table = new long[0];
    /** The distinct record of each record, in the order they came. */
    private int[] arrivals = new int[0];
    private int records;
    private long nextCheck = FIRST_CHECK;

    DistinctRecords(MemoryManager memoryManager, MemoryConsumer owner)
    {
        this.memoryManager = requireNonNull(memoryManager, "memoryManager is null");
        this.owner = requireNonNull(owner, "owner is null");
    }

    int records()
    {
        return records;
    }

    int distinct()
    {
        return distinct;
    }

    /** Counts a record; false, with nothing counted, when it is refused (see the class comment). */
    boolean add(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
    {
        if (records == nextCheck) {
            if ((long) distinct * (records < CHECK_RECORDS ? FIRST_COPIES : MIN_COPIES) > records) {
                return false;
            }
            nextCheck *= 2;
        }
        if (records == arrivals.length && !growArrivals()) {
            return false;
        }
        int hash = ByteArrays.hash(ByteArrays.hash(partition, key, keyOffset, keyLength), value, valueOffset, valueLength);
        int number = -1;
        if (table.length > 0) {
            int mask = table.length - 1;
            int slot = hash & mask;
            long entry;
            while ((entry = table[slot]) != 0) {
                int candidate = (int) entry - 1;
                if ((int) (entry >>> 32) == hash && sameRecord(candidate, partition, key, keyOffset, keyLength, value, valueOffset, valueLength)) {
                    number = candidate;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        if (number < 0) {
            number = addDistinct(hash, partition, prefix, key, keyOffset, keyLength, value, valueOffset, valueLength);
            if (number < 0) {
                return false;
            }
        }
        copiesOf[number]++;
        arrivals[records++] = number;
        return true;
    }

    private boolean sameRecord(int number, int partition, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
    {
        return partitionOf[number] == partition && keyLengthOf[number] == keyLength && valueLengthOf[number] == valueLength
                && ByteArrays.equal(area, at[number], key, keyOffset, keyLength)
                && ByteArrays.equal(area, at[number] + keyLength, value, valueOffset, valueLength);
    }

    /** The new distinct record's number; -1 when refused. */
    private int addDistinct(int hash, int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
    {
        if (distinct == MAX_DISTINCT || (distinct == partitionOf.length || 2 * (distinct + 1) > table.length) && !growDistinct()) {
            return -1;
        }
        long bytes = (long) keyLength + valueLength;
        if (area.length - areaUsed < bytes && !growArea(bytes)) {
            return -1;
        }
        int number = distinct++;
        System.arraycopy(key, keyOffset, area, areaUsed, keyLength);
        System.arraycopy(value, valueOffset, area, areaUsed + keyLength, valueLength);
        at[number] = areaUsed;
        areaUsed += (int) bytes;
        partitionOf[number] = partition;
        prefixOf[number] = prefix;
        keyLengthOf[number] = keyLength;
        valueLengthOf[number] = valueLength;
        copiesOf[number] = 0;
        int mask = table.length - 1;
        int slot = hash & mask;
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = ((long) hash << 32) | (number + 1);
        return number;
    }

    private boolean growArrivals()
    {
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(MIN_CAPACITY, 2L * arrivals.length));
        if (capacity == arrivals.length || !acquire((long) capacity * Integer.BYTES)) {
            return false;
        }
        long old = (long) arrivals.length * Integer.BYTES;
        arrivals = Arrays.copyOf(arrivals, capacity);
        release(old);
        return true;
    }

    private boolean growDistinct()
    {
        int capacity = Math.max(MIN_CAPACITY, 2 * partitionOf.length);
        if (!acquire((long) capacity * BYTES_PER_DISTINCT)) {
            return false;
        }
        long old = (long) partitionOf.length * BYTES_PER_DISTINCT;
        partitionOf = Arrays.copyOf(partitionOf, capacity);
        prefixOf = Arrays.copyOf(prefixOf, capacity);
        keyLengthOf = Arrays.copyOf(keyLengthOf, capacity);
        valueLengthOf = Arrays.copyOf(valueLengthOf, capacity);
        at = Arrays.copyOf(at, capacity);
        copiesOf = Arrays.copyOf(copiesOf, capacity);
        table = CombineBuffer.rehashed(table, 2 * capacity);
        release(old);
        return true;
    }

    private boolean growArea(long bytes)
    {
        long capacity = Math.max(4096, Math.max(2L * area.length, areaUsed + bytes));
        if (capacity > Integer.MAX_VALUE - 8 || !acquire(capacity)) {
            return false;
        }
        long old = area.length;
        area = Arrays.copyOf(area, (int) capacity);
        release(old);
        return true;
    }

    /** Receives a distinct record with the number of times it came. */
    interface CopiesSink
    {
        void add(int partition, int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength, int copies)
                throws IOException;
    }

    /**
     * Hands each distinct record with the number of times it came to {@code output}, in order: by
     * partition, then the distinct records of a partition in {@code order}; false, with nothing
     * handed on, when two distinct records of a partition have keys the order calls equal.
     */
    boolean writeSorted(SortOrder order, CopiesSink output)
            throws IOException
    {
        Integer[] sorted = new Integer[distinct];
        for (int number = 0; number < distinct; number++) {
            sorted[number] = number;
        }
        try {
            // by partition first
            Arrays.sort(sorted, (left, right) -> compare(order, left, right));
        }
        catch (IllegalArgumentException e) {
            // a comparator that breaks its contract: the records are sorted one by one, as they would be without counting
            return false;
        }
        for (int i = 1; i < distinct; i++) {
            if (compare(order, sorted[i - 1], sorted[i]) == 0) {
                return false;
            }
        }
        for (int number : sorted) {
            int keyAt = at[number];
            int keyLength = keyLengthOf[number];
            output.add(partitionOf[number], prefixOf[number], area, keyAt, keyLength, area, keyAt + keyLength, valueLengthOf[number], copiesOf[number]);
        }
        return true;
    }

    private int compare(SortOrder order, int left, int right)
    {
        int result = Integer.compare(partitionOf[left], partitionOf[right]);
        if (result != 0) {
            return result;
        }
        return order.compare(prefixOf[left], area, at[left], keyLengthOf[left], prefixOf[right], area, at[right], keyLengthOf[right]);
    }

    /** Hands every record to its partition's output in the order they came. */
    void moveTo(IntFunction<RecordSink> outputs)
            throws IOException
    {
        for (int i = 0; i < records; i++) {
            int number = arrivals[i];
            int keyAt = at[number];
            int keyLength = keyLengthOf[number];
            outputs.apply(partitionOf[number]).add(prefixOf[number], area, keyAt, keyLength, area, keyAt + keyLength, valueLengthOf[number]);
        }
    }

    /**
     * Gives back the memory granted for the records while they stay readable, for an owner about to
     * move them out: the memory they take goes to where they are moved. {@link #clear()} then has
     * nothing to give back.
     */
    void releaseGrant()
    {
        release(heldBytes);
    }

    /** Forgets every record and gives back the memory. */
    void clear()
    {
        distinct = 0;
        records = 0;
        partitionOf = new int[0];
        prefixOf = new int[0];
        keyLengthOf = new int[0];
        valueLengthOf = new int[0];
        at = new int[0];
        copiesOf = new int[0];
        area = new byte[0];
        areaUsed = 0;
        table = new long[0];
        arrivals = new int[0];
        release(heldBytes);
    }

    private boolean acquire(long bytes)
    {
        if (!memoryManager.tryAcquire(owner, bytes)) {
            return false;
        }
        heldBytes += bytes;
        return true;
    }

    private void release(long bytes)
    {
        memoryManager.release(owner, bytes);
        heldBytes -= bytes;
    }
}
