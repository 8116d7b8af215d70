package io.tusk.engine.memory;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The one memory budget of a process, shared by shuffle buffers, retained shuffle output and the
 * block store. Memory is accounted, not allocated: a consumer asks before it allocates and releases
 * after it drops its references. When the budget is exhausted, spillable consumers are asked to give
 * memory back (spill or evict); a consumer that still cannot get memory must spill itself.
 * <p>
 * Pages of records their owners dropped ({@link #recycle(byte[])}) are kept, while the budget has
 * room for them beside the grants, for the next owner that asks for a page of the same length
 * ({@link #page(int)}): the buffers of one map task after another reuse pages that already live in
 * the old generation instead of filling the young generation with new ones that every collection
 * copies while they are written. Arrays of longs (a buffer's index, a sort's scratch space) are kept
 * the same way ({@link #recycle(long[])}, {@link #keptLongs(int)}) and given to the next owner that
 * asks for at least their length, if not more than twice it. Kept pages and arrays are not grants:
 * they are dropped, before anyone is asked to spill, whenever a grant needs their room; and they are
 * held softly, so that the collector takes them back before the job's own objects run out of heap.
 * <p>
 * Thread-safe. Spill requests are made without the lock held.
 */
public final class MemoryManager
{
    private static final Logger LOG = LogManager.getLogger(MemoryManager.class);

    private final long budget;
    private final List<MemoryConsumer> spillables = new CopyOnWriteArrayList<>();
    private final Map<MemoryConsumer, Long> usedByOwner = new IdentityHashMap<>();
    private long used;
    private long peak;
    /** Pages of at least this many bytes are kept for reuse. */
    static final int MIN_KEPT_BYTES = 64 * 1024;
    /** Kept pages by length, and kept arrays by length; a reference the collector cleared still counts in {@link #kept} until it is polled. */
    private final Map<Integer, ArrayDeque<SoftReference<byte[]>>> keptPages = new HashMap<>();
    private final TreeMap<Integer, ArrayDeque<SoftReference<long[]>>> keptArrays = new TreeMap<>();
    private long kept;

    public MemoryManager(long budget)
    {
        checkArgument(budget > 0, "memory budget must be positive: %s", budget);
        this.budget = budget;
    }

    public long budget()
    {
        return budget;
    }

    public synchronized long used()
    {
        return used;
    }

    public synchronized long peak()
    {
        return peak;
    }

    public synchronized long usedBy(MemoryConsumer owner)
    {
        return usedByOwner.getOrDefault(owner, 0L);
    }

    public synchronized long available()
    {
        return Math.max(0, budget - used);
    }

    /** Registers a consumer that other consumers may ask to spill. */
    public void registerSpillable(MemoryConsumer consumer)
    {
        spillables.add(requireNonNull(consumer, "consumer is null"));
    }

    public void unregisterSpillable(MemoryConsumer consumer)
    {
        spillables.remove(consumer);
    }

    /**
     * Grants {@code bytes} to {@code owner} if they fit in the budget, after asking other spillable
     * consumers to free memory if needed. Returns false when the memory could not be found; the caller
     * must then spill or do without.
     */
    public boolean tryAcquire(MemoryConsumer owner, long bytes)
    {
        checkArgument(bytes >= 0, "bytes is negative: %s", bytes);
        if (grant(owner, bytes, false)) {
            return true;
        }
        long missing = bytes - available();
        for (MemoryConsumer spillable : spillables) {
            if (spillable == owner) {
                continue;
            }
            long freed = spillable.spill(missing);
            if (freed > 0) {
                LOG.debug("{} freed {} bytes for {}", spillable.memoryOwnerName(), freed, owner.memoryOwnerName());
            }
            missing -= freed;
            if (missing <= 0) {
                break;
            }
        }
        return grant(owner, bytes, false);
    }

    /**
     * Asks every spillable consumer to give back all it can (spill or evict); returns how much was
     * released, after dropping the pages kept for reuse. For an attempt that needs the heap to
     * itself; a consumer that cannot spill (its disk failed) keeps its memory, with a warning.
     */
    public long spillAll()
    {
        synchronized (this) {
            keptPages.clear();
            keptArrays.clear();
            kept = 0;
        }
        long freed = 0;
        for (MemoryConsumer spillable : spillables) {
            try {
                freed += spillable.spill(Long.MAX_VALUE);
            }
            catch (RuntimeException e) {
                LOG.warn("{} could not give its memory back: {}", spillable.memoryOwnerName(), e.toString());
            }
        }
        return freed;
    }

    /**
     * Grants {@code bytes} to {@code owner} only if they are free now, without asking anyone to spill:
     * for memory that is worth having but less than what shuffle and running tasks hold (cached
     * job outputs).
     */
    public boolean tryAcquireFree(MemoryConsumer owner, long bytes)
    {
        checkArgument(bytes >= 0, "bytes is negative: %s", bytes);
        return grant(owner, bytes, false);
    }

    /**
     * Grants {@code bytes} even beyond the budget. Only for the minimum a consumer needs to make
     * progress (one page), after it has spilled everything it holds.
     */
    public void forceAcquire(MemoryConsumer owner, long bytes)
    {
        checkArgument(bytes >= 0, "bytes is negative: %s", bytes);
        grant(owner, bytes, true);
    }

    public synchronized void release(MemoryConsumer owner, long bytes)
    {
        checkArgument(bytes >= 0, "bytes is negative: %s", bytes);
        long held = usedByOwner.getOrDefault(owner, 0L);
        checkArgument(bytes <= held, "%s releases %s bytes but holds %s", owner.memoryOwnerName(), bytes, held);
        if (held == bytes) {
            usedByOwner.remove(owner);
        }
        else {
            usedByOwner.put(owner, held - bytes);
        }
        used -= bytes;
    }

    /** Moves {@code bytes} held by {@code from} to {@code to}, for a hand-over of buffers. */
    public synchronized void transfer(MemoryConsumer from, MemoryConsumer to, long bytes)
    {
        if (bytes == 0) {
            return;
        }
        release(from, bytes);
        used += bytes;
        usedByOwner.merge(to, bytes, Long::sum);
    }

    /** Releases everything {@code owner} holds and returns how much that was. */
    public synchronized long releaseAll(MemoryConsumer owner)
    {
        Long held = usedByOwner.remove(owner);
        if (held == null) {
            return 0;
        }
        used -= held;
        return held;
    }

    /** Owners that hold memory now, for leak checks. */
    public synchronized List<String> owners()
    {
        List<String> owners = new ArrayList<>();
        usedByOwner.forEach((owner, bytes) -> owners.add(owner.memoryOwnerName() + "=" + bytes));
        return owners;
    }

    /**
     * A page of {@code length} bytes: one an owner gave back ({@link #recycle(byte[])}), with any
     * content, else a new one. The caller must hold a grant for its bytes.
     */
    public byte[] page(int length)
    {
        byte[] page = keptPage(length);
        return page != null ? page : new byte[length];
    }

    /**
     * A page of {@code length} bytes an owner gave back, or null when none is kept. Taken before
     * the grant for it, a kept page cannot be dropped to make room for that very grant; the caller
     * hands it back through {@link #recycle(byte[])} if the grant is refused.
     */
    public synchronized byte[] keptPage(int length)
    {
        ArrayDeque<SoftReference<byte[]>> pages = keptPages.get(length);
        while (pages != null && !pages.isEmpty()) {
            kept -= length;
            byte[] page = pages.pollLast().get();
            if (page != null) {
                return page;
            }
        }
        return null;
    }

    /**
     * Keeps a page its owner no longer references for the next {@link #page(int)} of its length, if
     * it is large enough and the budget has room for it beside the grants; else it is left to the
     * collector. Call after releasing its grant; the caller must not touch the page afterwards.
     */
    public synchronized void recycle(byte[] page)
    {
        long bytes = page.length;
        if (bytes < MIN_KEPT_BYTES || !roomToKeep(bytes)) {
            return;
        }
        keptPages.computeIfAbsent(page.length, ignored -> new ArrayDeque<>()).addLast(new SoftReference<>(page));
        kept += bytes;
    }

    /**
     * An array of at least {@code length} longs and at most twice that an owner gave back
     * ({@link #recycle(long[])}), the shortest kept, with any content; or null when none is kept.
     * As {@link #keptPage(int)}: taken before the grant for its bytes (its own length's), handed
     * back if the grant is refused.
     */
    public long[] keptLongs(int length)
    {
        return keptLongs(length, 2L * length);
    }

    /** As {@link #keptLongs(int)}, of at most {@code maxLength} longs. */
    public synchronized long[] keptLongs(int length, long maxLength)
    {
        while (true) {
            Map.Entry<Integer, ArrayDeque<SoftReference<long[]>>> shortest = keptArrays.ceilingEntry(length);
            if (shortest == null || shortest.getKey() > maxLength) {
                return null;
            }
            long[] array = shortest.getValue().pollLast().get();
            if (shortest.getValue().isEmpty()) {
                keptArrays.remove(shortest.getKey());
            }
            kept -= (long) shortest.getKey() * Long.BYTES;
            if (array != null) {
                return array;
            }
        }
    }

    /** Keeps an array of longs its owner no longer references for {@link #keptLongs(int)}, as {@link #recycle(byte[])} keeps a page. */
    public synchronized void recycle(long[] array)
    {
        long bytes = (long) array.length * Long.BYTES;
        if (bytes < MIN_KEPT_BYTES || !roomToKeep(bytes)) {
            return;
        }
        keptArrays.computeIfAbsent(array.length, ignored -> new ArrayDeque<>()).addLast(new SoftReference<>(array));
        kept += bytes;
    }

    /** Whether the budget has room to keep {@code bytes} beside the grants, once the kept pages and arrays the collector took back no longer count. */
    private boolean roomToKeep(long bytes)
    {
        if (used + kept + bytes <= budget) {
            return true;
        }
        forgetCleared();
        return used + kept + bytes <= budget;
    }

    /** Stops counting the kept pages and arrays the collector took back. */
    private void forgetCleared()
    {
        for (Map.Entry<Integer, ArrayDeque<SoftReference<byte[]>>> pages : keptPages.entrySet()) {
            kept -= (long) pages.getKey() * removeCleared(pages.getValue());
        }
        for (Map.Entry<Integer, ArrayDeque<SoftReference<long[]>>> arrays : keptArrays.entrySet()) {
            kept -= (long) arrays.getKey() * Long.BYTES * removeCleared(arrays.getValue());
        }
        keptArrays.values().removeIf(ArrayDeque::isEmpty);
    }

    /** Clears the references to the kept pages, as the collector clears them when the heap runs short; for tests. */
    synchronized void clearKeptPageReferences()
    {
        keptPages.values().forEach(pages -> pages.forEach(SoftReference::clear));
    }

    /** Removes the references the collector cleared; returns how many. */
    private static int removeCleared(ArrayDeque<? extends SoftReference<?>> references)
    {
        int before = references.size();
        // refersTo, not get: a get counts as a use, which keeps the collector from taking it
        references.removeIf(reference -> reference.refersTo(null));
        return before - references.size();
    }

    /** Bytes of the pages and arrays kept for reuse (with those the collector took back and no one has noticed yet). */
    public synchronized long kept()
    {
        return kept;
    }

    /** Drops kept arrays, then pages, until grants of {@code used} bytes leave them room in the budget. */
    private void dropKept(long used)
    {
        if (used + kept > budget) {
            // those the collector took back first: dropping them gives nothing
            forgetCleared();
        }
        // the longest arrays first: the fewest dropped to make the room
        while (used + kept > budget && !keptArrays.isEmpty()) {
            Map.Entry<Integer, ArrayDeque<SoftReference<long[]>>> longest = keptArrays.lastEntry();
            longest.getValue().pollLast();
            kept -= (long) longest.getKey() * Long.BYTES;
            if (longest.getValue().isEmpty()) {
                keptArrays.remove(longest.getKey());
            }
        }
        Iterator<Map.Entry<Integer, ArrayDeque<SoftReference<byte[]>>>> entries = keptPages.entrySet().iterator();
        while (used + kept > budget && entries.hasNext()) {
            Map.Entry<Integer, ArrayDeque<SoftReference<byte[]>>> entry = entries.next();
            ArrayDeque<SoftReference<byte[]>> pages = entry.getValue();
            while (used + kept > budget && pages.pollLast() != null) {
                kept -= entry.getKey();
            }
            if (pages.isEmpty()) {
                entries.remove();
            }
        }
    }

    private synchronized boolean grant(MemoryConsumer owner, long bytes, boolean force)
    {
        if (!force && used + bytes > budget) {
            return false;
        }
        dropKept(used + bytes);
        used += bytes;
        peak = Math.max(peak, used);
        usedByOwner.merge(owner, bytes, Long::sum);
        return true;
    }

    @Override
    public synchronized String toString()
    {
        return "MemoryManager{used=" + used + ", kept=" + kept + ", budget=" + budget + "}";
    }
}
