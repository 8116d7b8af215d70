package io.tusk.engine.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide numbering of classes that are not registered with Kryo up front, so that every Kryo
 * instance of the process writes such a class as a small number instead of its name in every record.
 * Thread-safe. Numbers are only meaningful inside one process; bytes that leave the process must be
 * written by a serde that writes class names.
 */
final class SharedClassIds
{
    /** Above Kryo's default registrations and ours. */
    static final int FIRST_ID = 1_000;

    private static final Map<Class<?>, Integer> IDS = new ConcurrentHashMap<>();
    private static final Map<Integer, Class<?>> CLASSES = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger(FIRST_ID);

    private SharedClassIds() {}

    static int idOf(Class<?> type)
    {
        Integer id = IDS.get(type);
        if (id != null) {
            return id;
        }
        synchronized (IDS) {
            return IDS.computeIfAbsent(type, key -> {
                int next = NEXT.getAndIncrement();
                CLASSES.put(next, key);
                return next;
            });
        }
    }

    static Class<?> classOf(int id)
    {
        return CLASSES.get(id);
    }
}
