package io.tusk.engine.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide numbering of classes that are not registered with Kryo up front, so that every Kryo
 * instance of the process writes such a class as a small number instead of its name in every record.
 * Numbers are only meaningful inside one process: classes are kept as classes (not names), since
 * jobs in one process may load classes of the same name from different class loaders.
 */
final class SharedClassIds
        implements ClassIds
{
    static final SharedClassIds INSTANCE = new SharedClassIds();

    private final Map<Class<?>, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Class<?>> classes = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(FIRST_ID);

    private SharedClassIds() {}

    @Override
    public int idOf(Class<?> type)
    {
        Integer id = ids.get(type);
        if (id != null) {
            return id;
        }
        synchronized (ids) {
            return ids.computeIfAbsent(type, key -> {
                int number = next.getAndIncrement();
                classes.put(number, key);
                return number;
            });
        }
    }

    @Override
    public Class<?> classOf(int id, ClassLoader loader)
    {
        return classes.get(id);
    }
}
