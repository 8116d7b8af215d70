package io.tusk.engine.serde;

/**
 * Numbers for classes that are not registered with Kryo up front, so that records write a small
 * number instead of a class name. Every process that reads a record must map its numbers to the
 * same classes as the process that wrote it: in one process {@link #processWide()} does; on a
 * cluster the executors share the numbering of their master. Implementations are thread-safe.
 */
public interface ClassIds
{
    /** The first number given to a class: above Kryo's default registrations and ours. */
    int FIRST_ID = 1_000;

    /** The number of {@code type}, given now if it has none yet. */
    int idOf(Class<?> type);

    /**
     * The class numbered {@code id}, loaded by {@code loader} if it must be loaded, or null when
     * no class has that number.
     */
    Class<?> classOf(int id, ClassLoader loader);

    /** The numbering of this process: for records that never leave it. */
    static ClassIds processWide()
    {
        return SharedClassIds.INSTANCE;
    }
}
