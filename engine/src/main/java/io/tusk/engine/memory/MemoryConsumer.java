package io.tusk.engine.memory;

/**
 * Something that holds memory granted by a {@link MemoryManager}. A consumer that can give memory
 * back on request (by spilling to disk or evicting) implements {@link #spill(long)}.
 */
public interface MemoryConsumer
{
    /** A short description for logs and leak reports. */
    String memoryOwnerName();

    /**
     * Frees up to {@code bytes} for another consumer, releasing it to the memory manager, and returns
     * how much was released. Called from another consumer's thread without the memory manager's lock
     * held; implementations must be thread-safe. The default frees nothing.
     */
    default long spill(long bytes)
    {
        return 0;
    }
}
