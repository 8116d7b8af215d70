package io.tusk.engine.storage;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.memory.MemoryManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.tusk.engine.TuskException.checkArgument;

/**
 * Bytes written once, in pages, under the block store's memory accounting: each new page is granted
 * by {@link BlockStore#reserveBytes} (free memory, or memory of least recently used blocks), and a
 * refused page ends the writing: {@link #append} returns false from then on and the bytes are
 * released. Pages grow from 4 KiB to 1 MiB, so a small file costs little. Until they are stored,
 * the store may {@link #abandon} them when another consumer needs memory. Written by one thread;
 * once stored in the block store they are read-only and may be read by many threads, each through
 * a {@link Reader} it {@linkplain #open opened}.
 * <p>
 * Pages of stored bytes go back to the memory manager for reuse ({@link MemoryManager#recycle(byte[])})
 * once the bytes are released and every reader is closed, and new pages come from there first: a
 * pipeline whose every job replaces the last one's output writes into the pages of an output
 * dropped before instead of garbage the collector promotes into fresh memory. Pages of bytes never
 * stored are left to the collector: their writer may still hold one.
 */
public final class PagedBytes
{
    private static final int FIRST_PAGE = 4096;
    private static final int MAX_PAGE = 1 << 20;

    private final BlockStore store;
    private final List<byte[]> pages = new ArrayList<>();
    /** Start offset of each page. */
    private final List<Long> starts = new ArrayList<>();
    private long length;
    // guarded by this where they change; read without the lock on the writer's path
    private volatile long memoryBytes;
    private volatile boolean refused;
    private volatile boolean released;
    /** Readers opened and not closed yet; guarded by this. */
    private int readers;
    /** Whether the writer is done: the bytes were stored. Guarded by this. */
    private boolean stored;

    PagedBytes(BlockStore store)
    {
        this.store = store;
    }

    /** Appends {@code len} bytes; false (and every later call false) once memory was refused. */
    public boolean append(byte[] bytes, int offset, int len)
    {
        checkArgument(offset >= 0 && len >= 0 && offset + len <= bytes.length, "bad range %s+%s of %s", offset, len, bytes.length);
        if (refused || released) {
            return false;
        }
        int done = 0;
        while (done < len) {
            byte[] page = pages.isEmpty() ? null : pages.get(pages.size() - 1);
            int used = page == null ? 0 : (int) (length - starts.get(starts.size() - 1));
            if (page == null || used == page.length) {
                int size = page == null ? FIRST_PAGE : Math.min(MAX_PAGE, page.length * 2);
                // taken first: with the budget full, the grant would drop it to make room for itself
                byte[] kept = store.keptPage(size);
                synchronized (this) {
                    if (released || !store.reserveBytes(size)) {
                        if (kept != null) {
                            store.recyclePage(kept);
                        }
                        refused = true;
                        release();
                        return false;
                    }
                    memoryBytes += size;
                }
                page = kept != null ? kept : new byte[size];
                pages.add(page);
                starts.add(length);
                used = 0;
            }
            int n = Math.min(len - done, page.length - used);
            System.arraycopy(bytes, offset + done, page, used, n);
            done += n;
            length += n;
        }
        return true;
    }

    public boolean append(int b)
    {
        return append(new byte[] {(byte) b}, 0, 1);
    }

    /** Whether memory was refused (or the bytes released): what was appended is gone. */
    public boolean refused()
    {
        return refused || released;
    }

    public long length()
    {
        return length;
    }

    /** Memory held: the pages' sizes. */
    public long memoryBytes()
    {
        return released ? 0 : memoryBytes;
    }

    /**
     * A reader of the bytes, or empty when they were released already (their pages may hold
     * another's bytes by now): their pages are not reused before it is closed.
     */
    public synchronized Optional<Reader> open()
    {
        if (released) {
            return Optional.empty();
        }
        readers++;
        return Optional.of(new Reader());
    }

    /** Reads the bytes; confined to one thread. Closing it (once or more) lets the pages be reused once the bytes are released. */
    public final class Reader
            implements AutoCloseable
    {
        private volatile boolean closed;

        private Reader() {}

        public long length()
        {
            return length;
        }

        /**
         * Copies up to {@code len} bytes from {@code position} into {@code target}; returns how many,
         * -1 at the end.
         */
        public int read(long position, byte[] target, int offset, int len)
        {
            if (closed) {
                throw new TuskException(ErrorCode.INTERNAL_ERROR, "Reader of " + PagedBytes.this + " is closed");
            }
            return PagedBytes.this.read(position, target, offset, len);
        }

        @Override
        public void close()
        {
            synchronized (PagedBytes.this) {
                if (!closed) {
                    closed = true;
                    readers--;
                    recycleIfUnread();
                }
            }
        }
    }

    /** Marks the writer done (the store stored the bytes): their pages may be reused once released and unread. */
    synchronized void stored()
    {
        stored = true;
    }

    private int read(long position, byte[] target, int offset, int len)
    {
        if (position >= length) {
            return -1;
        }
        int page = pageOf(position);
        int done = 0;
        while (done < len && position < length) {
            byte[] bytes = pages.get(page);
            int inPage = (int) (position - starts.get(page));
            int n = (int) Math.min(Math.min(len - done, bytes.length - inPage), length - position);
            System.arraycopy(bytes, inPage, target, offset + done, n);
            done += n;
            position += n;
            page++;
        }
        return done;
    }

    private int pageOf(long position)
    {
        int low = 0;
        int high = starts.size() - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (starts.get(middle) <= position) {
                low = middle;
            }
            else {
                high = middle - 1;
            }
        }
        return low;
    }

    /** Gives the memory back, once; readers open still read the bytes, and the pages are reused after them. */
    public synchronized void release()
    {
        if (!released) {
            released = true;
            store.releaseBytes(memoryBytes);
            store.forget(this);
            recycleIfUnread();
        }
    }

    /** Gives the pages of stored bytes to the memory manager once released and no reader is open; holding this. */
    private void recycleIfUnread()
    {
        // once: release and the last close each happen once, and no reader opens after the release
        if (released && stored && readers == 0) {
            pages.forEach(store::recyclePage);
            pages.clear();
            starts.clear();
        }
    }

    /**
     * Gives up bytes not stored yet because another consumer needs their memory: the writer's next
     * append fails and what was written is gone. Returns the memory freed.
     */
    synchronized long abandon()
    {
        if (released) {
            return 0;
        }
        long freed = memoryBytes;
        refused = true;
        release();
        return freed;
    }

    @Override
    public String toString()
    {
        return "PagedBytes{length=" + length + ", pages=" + pages.size() + (refused ? ", refused" : "") + "}";
    }
}
