package io.tusk.yarn.executor;

import com.esotericsoftware.kryo.KryoException;
import io.tusk.engine.serde.ClassIds;
import io.tusk.yarn.net.ControlProtocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The numbering of classes in records that every executor of the application shares: the master
 * gives the numbers; each executor asks once per class and keeps the answer. Thread-safe.
 */
final class ApplicationClassIds
        implements ClassIds
{
    private final MasterChannel master;
    private final Map<Class<?>, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Class<?>> classes = new ConcurrentHashMap<>();

    ApplicationClassIds(MasterChannel master)
    {
        this.master = master;
    }

    @Override
    public int idOf(Class<?> type)
    {
        Integer known = ids.get(type);
        if (known != null) {
            return known;
        }
        try {
            int id = ByteBuffer.wrap(master.request(ControlProtocol.CLASS_ID, type.getName().getBytes(StandardCharsets.UTF_8))).getInt();
            ids.put(type, id);
            classes.putIfAbsent(id, type);
            return id;
        }
        catch (IOException e) {
            throw new KryoException("Cannot number class " + type.getName() + " for the application's records: " + e.getMessage(), e);
        }
    }

    @Override
    public Class<?> classOf(int id, ClassLoader loader)
    {
        Class<?> known = classes.get(id);
        if (known != null) {
            return known;
        }
        String name;
        try {
            byte[] reply = master.request(ControlProtocol.CLASS_NAME, ByteBuffer.allocate(4).putInt(id).array());
            if (reply == null) {
                return null;
            }
            name = new String(reply, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new KryoException("Cannot find the class numbered " + id + " in the application's records: " + e.getMessage(), e);
        }
        Class<?> type = load(name, loader);
        classes.putIfAbsent(id, type);
        ids.putIfAbsent(type, id);
        return type;
    }

    private static Class<?> load(String name, ClassLoader loader)
    {
        try {
            return Class.forName(name, false, loader);
        }
        catch (ClassNotFoundException e) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null && context != loader) {
                try {
                    return Class.forName(name, false, context);
                }
                catch (ClassNotFoundException ignored) {
                    // reported below
                }
            }
            throw new KryoException("Class " + name + " of a record is not on this executor's class path", e);
        }
    }
}
