package io.tusk.yarn.master;

import io.tusk.engine.dataset.Broadcast;
import io.tusk.engine.serde.ClassIds;
import io.tusk.yarn.net.ControlProtocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the master keeps for all its executors and gives them on request: one numbering of the
 * classes in records (so that a record one executor writes reads the same on every other), and
 * the values of broadcasts created by the driver. Thread-safe.
 */
final class SharedState
{
    // guarded by this
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    /** The reply to request {@code kind} with {@code payload}; null for none. */
    byte[] answer(byte kind, byte[] payload)
            throws IOException
    {
        switch (kind) {
            case ControlProtocol.CLASS_ID -> {
                return ByteBuffer.allocate(4).putInt(classId(new String(payload, StandardCharsets.UTF_8))).array();
            }
            case ControlProtocol.CLASS_NAME -> {
                String name = className(ByteBuffer.wrap(payload).getInt());
                return name == null ? null : name.getBytes(StandardCharsets.UTF_8);
            }
            case ControlProtocol.BROADCAST -> {
                return Broadcast.shippedBytes(ByteBuffer.wrap(payload).getLong());
            }
            default -> throw new IOException("unknown request kind " + kind);
        }
    }

    synchronized int classId(String name)
    {
        Integer id = ids.get(name);
        if (id == null) {
            id = ClassIds.FIRST_ID + names.size();
            ids.put(name, id);
            names.add(name);
        }
        return id;
    }

    synchronized String className(int id)
    {
        int index = id - ClassIds.FIRST_ID;
        return index >= 0 && index < names.size() ? names.get(index) : null;
    }
}
