package io.tusk.engine.storage;

/** Where a persisted dataset keeps its partitions. */
public enum StorageLevel
{
    /** Records as objects on the heap; a partition that does not fit is recomputed when needed. */
    MEMORY_ONLY(true, false, false),
    /** Records serialized into byte arrays on the heap: smaller, slower to read. */
    MEMORY_ONLY_SER(true, false, true),
    /** Records as objects; partitions that do not fit or are evicted go to local disk. */
    MEMORY_AND_DISK(true, true, false),
    /** Serialized in memory; partitions that do not fit or are evicted go to local disk. */
    MEMORY_AND_DISK_SER(true, true, true),
    /** Serialized on local disk only. */
    DISK_ONLY(false, true, true);

    private final boolean memory;
    private final boolean disk;
    private final boolean serialized;

    StorageLevel(boolean memory, boolean disk, boolean serialized)
    {
        this.memory = memory;
        this.disk = disk;
        this.serialized = serialized;
    }

    public boolean useMemory()
    {
        return memory;
    }

    public boolean useDisk()
    {
        return disk;
    }

    public boolean serialized()
    {
        return serialized;
    }
}
