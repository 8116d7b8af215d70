package io.tusk.engine.storage;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.serde.Serde;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.engine.task.TaskContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Cached partitions of persisted datasets, in memory (as objects or serialized) or on local disk,
 * with least-recently-used eviction when the memory manager asks for memory. An evicted partition
 * either moves to disk (levels with disk) or is dropped and recomputed from lineage on next use.
 * <p>
 * Memory of object blocks is an estimate (sampled serialized size times {@link #OBJECT_OVERHEAD});
 * serialized blocks are accounted exactly. Thread-safe; disk writes of evictions happen under the
 * store's lock.
 * <p>
 * Besides partitions the store keeps named blocks of bytes ({@link #putNamed}): committed files of
 * MapReduce jobs and datasets, kept for the jobs that read them next. They take only free memory or
 * memory of less recently used blocks, never memory that shuffle or running tasks hold, and are
 * dropped when evicted (the file they copy is still there).
 */
public final class BlockStore
        implements MemoryConsumer, AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(BlockStore.class);
    /** Heap bytes of a record as objects per byte of it serialized, for estimates. */
    static final int OBJECT_OVERHEAD = 3;
    private static final int SAMPLE_EVERY = 32;
    private static final long RESERVE_STEP = 256 * 1024;

    private final MemoryManager memoryManager;
    private final SpillDirectory directory;
    private final Serde serde;
    /** Access-ordered: the first entry is the least recently used. */
    private final LinkedHashMap<Object, Block> blocks = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<BlockId, StorageLevel> levels = new java.util.HashMap<>();
    private long evictions;
    /** Bytes being written or waiting for their job's commit: memory that is given up before shuffle spills. */
    private final java.util.Set<PagedBytes> unstored = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public BlockStore(MemoryManager memoryManager, SpillDirectory directory, Serde serde)
    {
        this.memoryManager = requireNonNull(memoryManager, "memoryManager is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.serde = requireNonNull(serde, "serde is null");
        memoryManager.registerSpillable(this);
    }

    @Override
    public String memoryOwnerName()
    {
        return "block store";
    }

    /** The cached records of a block, if it is cached. */
    public Optional<Iterator<Object>> get(BlockId id)
    {
        Block block;
        synchronized (this) {
            block = blocks.get(id);
        }
        if (block == null) {
            return Optional.empty();
        }
        return Optional.of(block.iterator());
    }

    /**
     * The cached records of the block, or, if it is not cached, the records of {@code compute},
     * cached at {@code level} as far as memory allows. A partition that does not fit in memory and may
     * not go to disk is returned uncached.
     */
    public Iterator<Object> getOrCompute(BlockId id, StorageLevel level, Supplier<Iterator<?>> compute)
    {
        Optional<Iterator<Object>> cached = get(id);
        if (cached.isPresent()) {
            return cached.get();
        }
        @SuppressWarnings("unchecked")
        Iterator<Object> records = (Iterator<Object>) compute.get();
        if (level.useMemory()) {
            Reservation reservation = new Reservation(id);
            Block block;
            try {
                block = level.serialized() ? unrollSerialized(records, reservation) : unrollObjects(records, reservation);
            }
            catch (RuntimeException | Error e) {
                reservation.releaseAll();
                throw e;
            }
            if (block.complete()) {
                store(id, level, block, reservation);
                return block.iterator();
            }
            reservation.releaseAll();
            records = block.iteratorThen(records);
            if (!level.useDisk()) {
                LOG.debug("{} does not fit in memory; not cached", id);
                return records;
            }
        }
        Block disk = writeToDisk(id, records);
        store(id, level, disk, null);
        return disk.iterator();
    }

    public synchronized boolean contains(BlockId id)
    {
        return blocks.containsKey(id);
    }

    public synchronized long evictions()
    {
        return evictions;
    }

    /** Drops every block of a dataset. */
    public void removeDataset(int datasetId)
    {
        List<Block> removed = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<Object, Block>> entries = blocks.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<Object, Block> entry = entries.next();
                if (entry.getKey() instanceof BlockId id && id.datasetId() == datasetId) {
                    removed.add(entry.getValue());
                    levels.remove(entry.getKey());
                    entries.remove();
                }
            }
        }
        removed.forEach(this::free);
    }

    /**
     * Empty bytes to fill and then {@link #putNamed store}, their memory accounted to this store.
     * Until they are stored they come last: when another consumer needs memory that evicting blocks
     * does not free, they are abandoned.
     */
    public PagedBytes newBytes()
    {
        PagedBytes bytes = new PagedBytes(this);
        unstored.add(bytes);
        return bytes;
    }

    /** Bytes released or stored are no longer abandoned for memory. */
    void forget(PagedBytes bytes)
    {
        unstored.remove(bytes);
    }

    /**
     * Memory for a page of {@link PagedBytes}: free memory, else memory of least recently used
     * blocks; never memory that other consumers would have to spill for.
     */
    boolean reserveBytes(long bytes)
    {
        if (memoryManager.tryAcquireFree(this, bytes)) {
            return true;
        }
        evict(bytes, -1);
        return memoryManager.tryAcquireFree(this, bytes);
    }

    /** A page of exactly {@code length} bytes the memory manager kept for reuse, or null; not granted yet. */
    byte[] keptPage(int length)
    {
        return memoryManager.keptPage(length);
    }

    /** Gives a page no one reads any more to the memory manager for reuse. */
    void recyclePage(byte[] page)
    {
        memoryManager.recycle(page);
    }

    void releaseBytes(long bytes)
    {
        memoryManager.release(this, bytes);
    }

    /**
     * Stores {@code bytes} under {@code name} with what the caller needs to know about them
     * ({@code attachment}), replacing (and releasing) what was stored under the name before. Bytes
     * whose memory was refused are not stored.
     */
    public void putNamed(String name, PagedBytes bytes, Object attachment)
    {
        requireNonNull(attachment, "attachment is null");
        if (bytes.refused()) {
            removeNamed(name);
            return;
        }
        unstored.remove(bytes);
        bytes.stored();
        Block previous;
        synchronized (this) {
            previous = blocks.put(new NameKey(name), new NamedBlock(bytes, attachment));
        }
        if (previous instanceof NamedBlock named && named.bytes() != bytes) {
            free(previous);
        }
    }

    /** The bytes stored under {@code name}, if they are still kept; counts as a use. */
    public synchronized Optional<Named> getNamed(String name)
    {
        return Optional.ofNullable(blocks.get(new NameKey(name))).map(block -> {
            NamedBlock named = (NamedBlock) block;
            return new Named(named.bytes(), named.attachment());
        });
    }

    /** Drops the bytes stored under {@code name}, if any. */
    public void removeNamed(String name)
    {
        Block removed;
        synchronized (this) {
            removed = blocks.remove(new NameKey(name));
        }
        if (removed != null) {
            free(removed);
        }
    }

    /** The names of the named bytes kept now and what was stored with each, least recently used first; not a use of any. */
    public synchronized Map<String, Object> namedAttachments()
    {
        Map<String, Object> named = new LinkedHashMap<>();
        blocks.forEach((key, block) -> {
            if (key instanceof NameKey nameKey && block instanceof NamedBlock namedBlock) {
                named.put(nameKey.name(), namedBlock.attachment());
            }
        });
        return named;
    }

    /** Drops the bytes stored under {@code name} if they are still those stored with {@code attachment} (the same object). */
    public void removeNamed(String name, Object attachment)
    {
        Block removed = null;
        synchronized (this) {
            if (blocks.get(new NameKey(name)) instanceof NamedBlock named && named.attachment() == attachment) {
                removed = blocks.remove(new NameKey(name));
            }
        }
        if (removed != null) {
            free(removed);
        }
    }

    /** Whether any named bytes are kept: a cheap test before looking anything up. */
    public synchronized boolean hasNamed()
    {
        for (Object key : blocks.keySet()) {
            if (key instanceof NameKey) {
                return true;
            }
        }
        return false;
    }

    /** The memory held by named bytes (the job outputs kept for later jobs), and by datasets' blocks. */
    public synchronized MemoryUse memoryUse()
    {
        long named = 0;
        long datasets = 0;
        for (Map.Entry<Object, Block> entry : blocks.entrySet()) {
            if (entry.getKey() instanceof NameKey) {
                named += entry.getValue().memoryBytes();
            }
            else {
                datasets += entry.getValue().memoryBytes();
            }
        }
        return new MemoryUse(datasets, named);
    }

    public record MemoryUse(long datasets, long named) {}

    /** Named bytes and what was stored with them. */
    public record Named(PagedBytes bytes, Object attachment) {}

    private record NameKey(String name) {}

    @Override
    public long spill(long bytes)
    {
        long freed = evict(bytes, -1);
        if (freed < bytes) {
            // outside the store's lock: an abandoned writer may be waiting for it while it holds its bytes' lock
            List<PagedBytes> writing = new ArrayList<>(unstored);
            writing.sort(java.util.Comparator.comparingLong(PagedBytes::memoryBytes).reversed());
            for (PagedBytes pending : writing) {
                if (freed >= bytes) {
                    break;
                }
                freed += pending.abandon();
            }
        }
        return freed;
    }

    /**
     * Evicts least recently used blocks until {@code bytes} are freed, skipping blocks of
     * {@code protectedDataset}: a dataset being cached never evicts its own partitions, so a scan
     * over a dataset larger than memory keeps what fits instead of cycling through it.
     */
    private long evict(long bytes, int protectedDataset)
    {
        long freed = 0;
        List<Map.Entry<BlockId, Block>> toDisk = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<Object, Block>> entries = blocks.entrySet().iterator();
            while (freed < bytes && entries.hasNext()) {
                Map.Entry<Object, Block> entry = entries.next();
                Block block = entry.getValue();
                if (block.memoryBytes() == 0 || entry.getKey() instanceof BlockId id && id.datasetId() == protectedDataset) {
                    continue;
                }
                entries.remove();
                evictions++;
                freed += block.memoryBytes();
                free(block);
                StorageLevel level = levels.get(entry.getKey());
                if (level != null && level.useDisk()) {
                    toDisk.add(Map.entry((BlockId) entry.getKey(), block));
                }
                else {
                    levels.remove(entry.getKey());
                }
            }
        }
        // outside the lock: a reader meanwhile finds no block and recomputes it
        for (Map.Entry<BlockId, Block> entry : toDisk) {
            DiskBlock disk = writeToDisk(entry.getKey(), entry.getValue().iterator());
            boolean stored = false;
            synchronized (this) {
                if (levels.containsKey(entry.getKey()) && !blocks.containsKey(entry.getKey())) {
                    blocks.put(entry.getKey(), disk);
                    stored = true;
                }
            }
            if (!stored) {
                free(disk);
            }
        }
        return freed;
    }

    @Override
    public void close()
    {
        memoryManager.unregisterSpillable(this);
        List<Block> all;
        synchronized (this) {
            all = new ArrayList<>(blocks.values());
            blocks.clear();
            levels.clear();
        }
        all.forEach(this::free);
    }

    private void store(BlockId id, StorageLevel level, Block block, Reservation reservation)
    {
        Block previous;
        synchronized (this) {
            previous = blocks.put(id, block);
            levels.put(id, level);
        }
        if (reservation != null) {
            reservation.trimTo(block.memoryBytes());
        }
        if (previous != null) {
            free(previous);
        }
    }

    private void free(Block block)
    {
        if (block instanceof NamedBlock named) {
            named.bytes().release();
            return;
        }
        if (block.memoryBytes() > 0) {
            memoryManager.release(this, block.memoryBytes());
        }
        if (block instanceof DiskBlock disk) {
            try {
                Files.deleteIfExists(disk.path);
            }
            catch (IOException e) {
                LOG.warn("Cannot delete block file {}", disk.path, e);
            }
        }
    }

    private Block unrollObjects(Iterator<Object> records, Reservation reservation)
    {
        List<Object> values = new ArrayList<>();
        long sampledBytes = 0;
        int samples = 0;
        try (SerdeSession session = serde.openSession(); Output output = new Output(1024, -1)) {
            while (records.hasNext()) {
                Object value = records.next();
                values.add(value);
                if (values.size() % SAMPLE_EVERY == 1) {
                    output.reset();
                    session.write(output, value);
                    sampledBytes += output.position();
                    samples++;
                    long estimate = 64 + values.size() * (8 + OBJECT_OVERHEAD * sampledBytes / samples);
                    if (!reservation.reserve(estimate)) {
                        return new ObjectBlock(values, 0, false);
                    }
                }
            }
        }
        long estimate = samples == 0 ? 64 : 64 + values.size() * (8 + OBJECT_OVERHEAD * sampledBytes / samples);
        if (!reservation.reserve(estimate)) {
            return new ObjectBlock(values, 0, false);
        }
        return new ObjectBlock(values, estimate, true);
    }

    private Block unrollSerialized(Iterator<Object> records, Reservation reservation)
    {
        List<Object> pending = new ArrayList<>();
        try (SerdeSession session = serde.openSession(); Output output = new Output(4096, -1)) {
            int count = 0;
            while (records.hasNext()) {
                Object value = records.next();
                session.write(output, value);
                count++;
                if (!reservation.reserve(output.position())) {
                    // give back what was serialized, as objects, followed by the rest
                    pending.addAll(readAll(session, output.getBuffer(), output.position(), count));
                    return new ObjectBlock(pending, 0, false);
                }
            }
            return new SerializedBlock(output.toBytes(), count, serde);
        }
    }

    private static List<Object> readAll(SerdeSession session, byte[] bytes, int length, int count)
    {
        Input input = new Input(bytes, 0, length);
        List<Object> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(session.read(input));
        }
        return values;
    }

    private DiskBlock writeToDisk(BlockId id, Iterator<?> records)
    {
        Path path = directory.newFile("block-" + id);
        int count = 0;
        try (SerdeSession session = serde.openSession();
                OutputStream stream = new ChecksummedFrames.Writer(Files.newOutputStream(path));
                Output output = new Output(stream, 64 * 1024)) {
            while (records.hasNext()) {
                session.write(output, records.next());
                count++;
            }
        }
        catch (IOException e) {
            try {
                Files.deleteIfExists(path);
            }
            catch (IOException ignored) {
                // the directory is removed when the engine closes
            }
            // a directory that cannot take files is left out of the next attempt's
            directory.failed(path, e);
            throw new UncheckedIOException("Cannot write cached block " + id + " to " + path + ": " + e.getMessage(), e);
        }
        try {
            return new DiskBlock(path, count, Files.size(path), serde, this::dropCorrupt);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of cached block " + id + " at " + path + ": " + e.getMessage(), e);
        }
    }

    /** Drops a block whose file failed its checks, so that the next read computes it again. */
    private void dropCorrupt(Block block)
    {
        boolean removed;
        synchronized (this) {
            removed = blocks.values().remove(block);
        }
        if (removed) {
            free(block);
        }
    }

    /** Memory reserved for a block being unrolled. */
    private final class Reservation
    {
        private final BlockId id;
        private long reserved;

        Reservation(BlockId id)
        {
            this.id = id;
        }

        boolean reserve(long total)
        {
            if (total <= reserved) {
                return true;
            }
            long step = Math.max(total - reserved, Math.min(RESERVE_STEP, reserved));
            if (!memoryManager.tryAcquire(BlockStore.this, step)) {
                // make room among other datasets' blocks, least recently used first
                evict(step, id.datasetId());
                if (!memoryManager.tryAcquire(BlockStore.this, step)) {
                    return false;
                }
            }
            reserved += step;
            return true;
        }

        void trimTo(long bytes)
        {
            if (reserved > bytes) {
                memoryManager.release(BlockStore.this, reserved - bytes);
                reserved = bytes;
            }
        }

        void releaseAll()
        {
            trimTo(0);
        }

        @Override
        public String toString()
        {
            return id + " reserved " + reserved;
        }
    }

    private sealed interface Block
            permits ObjectBlock, SerializedBlock, DiskBlock, NamedBlock
    {
        Iterator<Object> iterator();

        long memoryBytes();

        /** False for a partial unroll that ran out of memory. */
        default boolean complete()
        {
            return true;
        }

        /** The records of this partial block followed by the rest of the partition. */
        default Iterator<Object> iteratorThen(Iterator<Object> rest)
        {
            Iterator<Object> first = iterator();
            return new Iterator<>()
            {
                @Override
                public boolean hasNext()
                {
                    return first.hasNext() || rest.hasNext();
                }

                @Override
                public Object next()
                {
                    return first.hasNext() ? first.next() : rest.next();
                }
            };
        }
    }

    private record ObjectBlock(List<Object> values, long memoryBytes, boolean complete)
            implements Block
    {
        @Override
        public Iterator<Object> iterator()
        {
            return Collections.unmodifiableList(values).iterator();
        }
    }

    private record NamedBlock(PagedBytes bytes, Object attachment)
            implements Block
    {
        @Override
        public Iterator<Object> iterator()
        {
            throw new UnsupportedOperationException("named bytes are not records");
        }

        @Override
        public long memoryBytes()
        {
            return bytes.memoryBytes();
        }
    }

    private record SerializedBlock(byte[] bytes, int count, Serde serde)
            implements Block
    {
        @Override
        public long memoryBytes()
        {
            return bytes.length;
        }

        @Override
        public Iterator<Object> iterator()
        {
            Input input = new Input(bytes);
            return new CountingIterator(count, serde, input, null, () -> {});
        }
    }

    /** A block in a file of checksummed frames; one that fails its checks is dropped with {@code dropCorrupt}, and its read fails. */
    private record DiskBlock(Path path, int count, long fileBytes, Serde serde, Consumer<Block> dropCorrupt)
            implements Block
    {
        @Override
        public long memoryBytes()
        {
            return 0;
        }

        @Override
        public Iterator<Object> iterator()
        {
            try {
                InputStream stream = new ChecksummedFrames.Reader(path, new BufferedInputStream(Files.newInputStream(path), 64 * 1024), fileBytes);
                return new CountingIterator(count, serde, new Input(stream, 64 * 1024), stream, () -> dropCorrupt.accept(this));
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read cached block " + path, e);
            }
        }
    }

    /** Reads {@code count} records, closing the stream (if any) after the last. */
    private static final class CountingIterator
            implements Iterator<Object>
    {
        private final SerdeSession session;
        private final Input input;
        private final InputStream stream;
        private final Runnable onCorrupt;
        private int remaining;

        CountingIterator(int count, Serde serde, Input input, InputStream stream, Runnable onCorrupt)
        {
            this.onCorrupt = onCorrupt;
            this.remaining = count;
            this.session = serde.openSession();
            this.input = input;
            this.stream = stream;
            if (count == 0) {
                finish();
            }
            else {
                // a task that stops reading early (take, first) still closes the file
                TaskContext.current().ifPresent(context -> context.closeOnCompletion(this::finish));
            }
        }

        @Override
        public boolean hasNext()
        {
            return remaining > 0;
        }

        @Override
        public Object next()
        {
            if (remaining <= 0) {
                throw new NoSuchElementException();
            }
            Object value;
            try {
                value = session.read(input);
            }
            catch (RuntimeException e) {
                ChecksummedFrames.CorruptFrameException corrupt = corruptFrame(e);
                if (corrupt == null) {
                    throw e;
                }
                finish();
                onCorrupt.run();
                throw new UncheckedIOException(corrupt.getMessage() + "; the block is dropped and computed again", corrupt);
            }
            if (--remaining == 0) {
                finish();
            }
            return value;
        }

        private boolean finished;

        private static ChecksummedFrames.CorruptFrameException corruptFrame(Throwable error)
        {
            for (int depth = 0; error != null && depth < 16; error = error.getCause(), depth++) {
                if (error instanceof ChecksummedFrames.CorruptFrameException corrupt) {
                    return corrupt;
                }
            }
            return null;
        }

        private void finish()
        {
            if (finished) {
                return;
            }
            finished = true;
            session.close();
            if (stream != null) {
                try {
                    stream.close();
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
