package io.tusk.engine.shuffle;

import io.tusk.engine.memory.MemoryConsumer;
import io.tusk.engine.memory.MemoryManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The output of one map task: sorted runs in memory and on disk, each with one segment per reduce
 * partition. Memory runs are spilled to disk when the memory manager asks for memory. When the
 * output is deleted, the pages and index of its run in memory go to the memory manager for the next
 * map outputs once the last cursor over them is closed (never while one reads them), instead of
 * becoming garbage the collector finds in the old generation. Thread-safe.
 */
public final class MapOutput
        implements MemoryConsumer
{
    private final String name;
    private final int partitions;
    private final MemoryManager memoryManager;
    private final SpillDirectory spillDirectory;
    private final long records;
    private final long[] measured;
    private final List<SpillFile> files;
    private PagedRecords memoryRun;
    private int[] memoryRunStarts;
    private boolean deleted;
    /** How the run kept in memory is stored when it is spilled; null: as it is. */
    private final BlockTransform transform;
    /** How the output travels to reducers in other processes; null: as it is. */
    private final WireTransform wireTransform;
    private final int pageSize;
    /** Cursors over the run in memory opened and not closed yet. */
    private int readers;
    /** The run in memory of a deleted output, left for the last of its {@link #readers} to recycle. */
    private PagedRecords unrecycled;

    MapOutput(String name, int partitions, MemoryManager memoryManager, SpillDirectory spillDirectory,
            List<SpillFile> files, PagedRecords memoryRun, int[] memoryRunStarts, long[] measured, BlockTransform transform, WireTransform wireTransform, int pageSize)
    {
        this.pageSize = pageSize;
        this.transform = transform;
        this.wireTransform = wireTransform;
        this.measured = measured;
        this.name = requireNonNull(name, "name is null");
        this.partitions = partitions;
        this.memoryManager = requireNonNull(memoryManager, "memoryManager is null");
        this.spillDirectory = requireNonNull(spillDirectory, "spillDirectory is null");
        this.files = new ArrayList<>(files);
        this.memoryRun = memoryRun;
        this.memoryRunStarts = memoryRunStarts;
        long count = memoryRun == null ? 0 : memoryRun.count();
        for (SpillFile file : files) {
            count += file.records();
        }
        this.records = count;
    }

    public int partitions()
    {
        return partitions;
    }

    /** How this output is sent to reducers in other processes, if not as it is. */
    public java.util.Optional<WireTransform> wireTransform()
    {
        return java.util.Optional.ofNullable(wireTransform);
    }

    public long records()
    {
        return records;
    }

    /**
     * What the records of {@code partition} measure in the {@link RecordSize} the sorter was given
     * ({@link ShuffleSorter#measureOutput}); it must have had one.
     */
    public long measured(int partition)
    {
        checkArgument(measured != null, "map output %s was not measured", name);
        return measured[partition];
    }

    /** Whether the sorter that wrote this output measured it ({@link ShuffleSorter#measureOutput}). */
    public boolean isMeasured()
    {
        return measured != null;
    }

    /** The bytes of this output held in memory now. */
    public synchronized long memoryBytes()
    {
        return memoryRun == null ? 0 : memoryRun.memoryBytes();
    }

    /** The bytes of this output in spill files. */
    public synchronized long spilledBytes()
    {
        long bytes = 0;
        for (SpillFile file : files) {
            bytes += file.bytes();
        }
        return bytes;
    }

    public synchronized int fileCount()
    {
        return files.size();
    }

    public synchronized boolean inMemory()
    {
        return memoryRun != null;
    }

    /** Opens one cursor per run over the records of {@code partition}; the caller closes them. */
    public List<RecordCursor> open(int partition)
            throws IOException
    {
        return open(partition, UnaryOperator.identity());
    }

    /**
     * As {@link #open(int)}, with the cursors of runs read from spill files (the only ones that can
     * meet a corrupt byte) passed through {@code fileCursors}.
     */
    public synchronized List<RecordCursor> open(int partition, UnaryOperator<RecordCursor> fileCursors)
            throws IOException
    {
        if (deleted) {
            throw new IllegalStateException("map output " + name + " was deleted");
        }
        List<RecordCursor> cursors = new ArrayList<>(files.size() + 1);
        try {
            for (SpillFile file : files) {
                cursors.add(fileCursors.apply(file.cursor(partition)));
            }
        }
        catch (IOException | RuntimeException e) {
            for (RecordCursor cursor : cursors) {
                cursor.close();
            }
            throw e;
        }
        if (memoryRun != null && memoryRunStarts[partition] < memoryRunStarts[partition + 1]) {
            readers++;
            cursors.add(memoryRun.cursor(memoryRunStarts[partition], memoryRunStarts[partition + 1], this::readerClosed));
        }
        return cursors;
    }

    private synchronized void readerClosed()
    {
        readers--;
        recycleUnread();
    }

    private void recycleUnread()
    {
        if (readers == 0 && unrecycled != null) {
            ShuffleSorter.recycle(unrecycled, memoryManager, pageSize);
            unrecycled = null;
        }
    }

    @Override
    public String memoryOwnerName()
    {
        return name;
    }

    /** Writes the memory run to disk. Readers that already opened it keep reading the pages. */
    @Override
    public synchronized long spill(long bytes)
    {
        if (memoryRun == null || deleted) {
            return 0;
        }
        try {
            files.add(writeRun(memoryRun, memoryRunStarts, partitions, spillDirectory, transform));
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot spill shuffle output " + name + " to " + spillDirectory.usable() + ": " + e.getMessage(), e);
        }
        memoryRun = null;
        memoryRunStarts = null;
        memoryManager.unregisterSpillable(this);
        return memoryManager.releaseAll(this);
    }

    /** Releases the memory and deletes the files of this output. */
    public synchronized void delete()
    {
        if (deleted) {
            return;
        }
        deleted = true;
        memoryManager.unregisterSpillable(this);
        PagedRecords run = memoryRun;
        memoryRun = null;
        memoryRunStarts = null;
        memoryManager.releaseAll(this);
        unrecycled = run;
        recycleUnread();
        for (SpillFile file : files) {
            file.delete();
        }
        files.clear();
    }

    static SpillFile writeRun(PagedRecords run, int[] starts, int partitions, SpillDirectory directory, BlockTransform transform)
            throws IOException
    {
        return directory.write("shuffle", path -> {
            try (SpillFile.Writer writer = new SpillFile.Writer(path, partitions, null, transform)) {
                for (int partition = 0; partition < partitions; partition++) {
                    writer.startPartition(partition);
                    RecordCursor cursor = run.cursor(starts[partition], starts[partition + 1]);
                    while (cursor.next()) {
                        writer.add(cursor.prefix(), cursor.keyBuffer(), cursor.keyOffset(), cursor.keyLength(),
                                cursor.valueBuffer(), cursor.valueOffset(), cursor.valueLength());
                    }
                }
                return writer.finish();
            }
        });
    }

    @Override
    public synchronized String toString()
    {
        return name + "{records=" + records + ", files=" + files.size() + ", inMemory=" + (memoryRun != null) + "}";
    }
}
