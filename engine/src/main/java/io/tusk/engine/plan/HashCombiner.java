package io.tusk.engine.plan;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.serde.SerdeSession;

import static java.util.Objects.requireNonNull;

/**
 * Map-side combining of a hashed, aggregating shuffle in an open-addressing hash map of key to
 * combiner: a record costs one lookup and one merge, and only one entry per distinct key is kept.
 * Memory is estimated from sampled serialized sizes and granted by the memory manager; when no more
 * is granted, the entries are handed to a {@link Flush} (which serializes them into the shuffle's
 * sorter and spills) and the map starts empty. Confined to the task's thread.
 */
final class HashCombiner
        implements MemoryConsumer
{
    private static final Object NULL_KEY = new Object();
    private static final int CHECK_EVERY = 256;
    private static final int MAX_SAMPLE_INTERVAL = 4096;
    private static final long RESERVE_STEP = 1 << 20;
    private static final int ENTRY_OVERHEAD = 48;
    private static final int OBJECT_OVERHEAD = 3;

    private final String name;
    private final Aggregator aggregator;
    private final MemoryManager memoryManager;
    private final SerdeSession session;
    private final long minimumBytes;
    private final Output sample = new Output(256, -1);
    private Object[] table = new Object[2 * 1024];
    private int size;
    private long updates;
    private long nextSample = 1;
    private int sampleInterval = 1;
    /** Moving average of the serialized size of an entry, from recently added or updated entries. */
    private double entryBytes;
    private long reserved;

    /** Receives the entries of the map when it is full and at the end. */
    interface Flush
    {
        void entry(Object key, Object combiner)
                throws Exception;

        /** All entries of one flush were given. */
        void done()
                throws Exception;
    }

    /**
     * @param minimumBytes memory the map may always hold, even beyond the budget, so that a task
     * short of memory still flushes in reasonably large batches
     */
    HashCombiner(String name, Aggregator aggregator, MemoryManager memoryManager, SerdeSession session, long minimumBytes)
    {
        this.minimumBytes = minimumBytes;
        this.name = requireNonNull(name, "name is null");
        this.aggregator = requireNonNull(aggregator, "aggregator is null");
        this.memoryManager = requireNonNull(memoryManager, "memoryManager is null");
        this.session = requireNonNull(session, "session is null");
    }

    @Override
    public String memoryOwnerName()
    {
        return name;
    }

    void add(Object key, Object value, Flush flush)
            throws Exception
    {
        Object stored = key == null ? NULL_KEY : key;
        int hash = spread(stored.hashCode());
        int mask = (table.length >> 1) - 1;
        int slot = hash & mask;
        while (true) {
            Object existing = table[2 * slot];
            if (existing == null) {
                break;
            }
            if (existing == stored || existing.equals(stored)) {
                table[2 * slot + 1] = aggregator.mergeValue().apply(table[2 * slot + 1], value);
                updated(key, table[2 * slot + 1], flush);
                return;
            }
            slot = (slot + 1) & mask;
        }
        table[2 * slot] = stored;
        table[2 * slot + 1] = aggregator.createCombiner().apply(value);
        size++;
        if (size * 10L > (table.length >> 1) * 7L) {
            grow();
        }
        updated(key, table[2 * slot + 1], flush);
    }

    /** Samples entry sizes at growing intervals (combiners may grow as they merge) and checks the budget. */
    private void updated(Object key, Object combiner, Flush flush)
            throws Exception
    {
        updates++;
        if (updates == nextSample) {
            sample.reset();
            session.write(sample, key);
            session.write(sample, combiner);
            entryBytes = entryBytes == 0 ? sample.position() : 0.8 * entryBytes + 0.2 * sample.position();
            sampleInterval = Math.min(MAX_SAMPLE_INTERVAL, sampleInterval * 2);
            nextSample = updates + sampleInterval;
        }
        if (updates % CHECK_EVERY == 0 && !reserve(estimate())) {
            flush(flush);
        }
    }

    /** Hands over every entry and empties the map. */
    void flush(Flush flush)
            throws Exception
    {
        Object[] entries = table;
        table = new Object[2 * 1024];
        size = 0;
        memoryManager.release(this, reserved);
        reserved = 0;
        for (int i = 0; i < entries.length; i += 2) {
            Object key = entries[i];
            if (key != null) {
                flush.entry(key == NULL_KEY ? null : key, entries[i + 1]);
            }
        }
        flush.done();
    }

    void close()
    {
        table = new Object[2];
        size = 0;
        memoryManager.releaseAll(this);
        reserved = 0;
    }

    private long estimate()
    {
        double perEntry = ENTRY_OVERHEAD + OBJECT_OVERHEAD * entryBytes;
        return (long) (size * perEntry) + (long) table.length * 8;
    }

    private boolean reserve(long bytes)
    {
        if (bytes <= reserved) {
            return true;
        }
        long step = Math.max(bytes - reserved, RESERVE_STEP);
        if (!memoryManager.tryAcquire(this, step)) {
            if (reserved + step > minimumBytes) {
                return false;
            }
            memoryManager.forceAcquire(this, step);
        }
        reserved += step;
        return true;
    }

    private void grow()
    {
        Object[] old = table;
        table = new Object[old.length * 2];
        int mask = (table.length >> 1) - 1;
        for (int i = 0; i < old.length; i += 2) {
            Object key = old[i];
            if (key != null) {
                int slot = spread(key.hashCode()) & mask;
                while (table[2 * slot] != null) {
                    slot = (slot + 1) & mask;
                }
                table[2 * slot] = key;
                table[2 * slot + 1] = old[i + 1];
            }
        }
    }

    private static int spread(int hash)
    {
        return (hash ^ (hash >>> 16)) * 0x9E3779B1;
    }
}
