package io.tusk.engine.shuffle;

import java.io.IOException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Merges sorted cursors into one sorted cursor with a binary heap. Closing it closes the inputs.
 * The heap is built by inserting the inputs that have records one after the other in the order
 * given and moves an entry only past strictly greater ones, as Hadoop's merger does: given the
 * inputs in the order Hadoop's reducer merges its segments in, records with equal keys come out in
 * Hadoop's order. Each input's prefix is read once per record and kept beside it in the heap.
 * Confined to one thread.
 */
public final class MergingCursor
        implements RecordCursor
{
    private final SortOrder order;
    private final RecordCursor[] all;
    private final RecordCursor[] heap;
    /** The prefix of each input's current record, at the input's place in the heap. */
    private final int[] prefixes;
    private int size;
    private RecordCursor current;
    private boolean started;

    public MergingCursor(SortOrder order, List<RecordCursor> inputs)
    {
        this.order = requireNonNull(order, "order is null");
        this.all = inputs.toArray(new RecordCursor[0]);
        this.heap = new RecordCursor[all.length];
        this.prefixes = new int[all.length];
    }

    @Override
    public long records()
    {
        long total = 0;
        for (RecordCursor input : all) {
            long records = input.records();
            if (records < 0) {
                return -1;
            }
            total += records;
        }
        return total;
    }

    @Override
    public boolean next()
            throws IOException
    {
        if (!started) {
            started = true;
            for (RecordCursor input : all) {
                if (input.next()) {
                    heap[size] = input;
                    prefixes[size] = input.prefix();
                    siftUp(size++);
                }
            }
        }
        else if (current != null) {
            if (current.next()) {
                prefixes[0] = current.prefix();
                siftDown(0);
            }
            else {
                heap[0] = heap[--size];
                prefixes[0] = prefixes[size];
                heap[size] = null;
                if (size > 0) {
                    siftDown(0);
                }
            }
        }
        if (size == 0) {
            current = null;
            return false;
        }
        current = heap[0];
        return true;
    }

    private void siftUp(int i)
    {
        RecordCursor moving = heap[i];
        int movingPrefix = prefixes[i];
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (order.compare(moving, movingPrefix, heap[parent], prefixes[parent]) >= 0) {
                break;
            }
            heap[i] = heap[parent];
            prefixes[i] = prefixes[parent];
            i = parent;
        }
        heap[i] = moving;
        prefixes[i] = movingPrefix;
    }

    private void siftDown(int i)
    {
        RecordCursor moving = heap[i];
        int movingPrefix = prefixes[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && order.compare(heap[child + 1], prefixes[child + 1], heap[child], prefixes[child]) < 0) {
                child++;
            }
            if (order.compare(heap[child], prefixes[child], moving, movingPrefix) >= 0) {
                break;
            }
            heap[i] = heap[child];
            prefixes[i] = prefixes[child];
            i = child;
        }
        heap[i] = moving;
        prefixes[i] = movingPrefix;
    }

    @Override
    public int prefix()
    {
        return prefixes[0];
    }

    @Override
    public byte[] keyBuffer()
    {
        return current.keyBuffer();
    }

    @Override
    public int keyOffset()
    {
        return current.keyOffset();
    }

    @Override
    public int keyLength()
    {
        return current.keyLength();
    }

    @Override
    public byte[] valueBuffer()
    {
        return current.valueBuffer();
    }

    @Override
    public int valueOffset()
    {
        return current.valueOffset();
    }

    @Override
    public int valueLength()
    {
        return current.valueLength();
    }

    /** Closes every input, also after one fails to close (a cursor left open keeps its map output's pages from reuse). */
    @Override
    public void close()
            throws IOException
    {
        Exception failure = null;
        for (RecordCursor input : all) {
            try {
                input.close();
            }
            catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }
}
