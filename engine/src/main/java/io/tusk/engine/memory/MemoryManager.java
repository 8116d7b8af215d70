package io.tusk.engine.memory;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The one memory budget of a process, shared by shuffle buffers, retained shuffle output and the
 * block store. Memory is accounted, not allocated: a consumer asks before it allocates and releases
 * after it drops its references. When the budget is exhausted, spillable consumers are asked to give
 * memory back (spill or evict); a consumer that still cannot get memory must spill itself.
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
     * released. For an attempt that needs the heap to itself; a consumer that cannot spill (its
     * disk failed) keeps its memory, with a warning.
     */
    public long spillAll()
    {
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

    private synchronized boolean grant(MemoryConsumer owner, long bytes, boolean force)
    {
        if (!force && used + bytes > budget) {
            return false;
        }
        used += bytes;
        peak = Math.max(peak, used);
        usedByOwner.merge(owner, bytes, Long::sum);
        return true;
    }

    @Override
    public synchronized String toString()
    {
        return "MemoryManager{used=" + used + ", budget=" + budget + "}";
    }
}
