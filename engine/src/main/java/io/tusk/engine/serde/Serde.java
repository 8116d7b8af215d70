package io.tusk.engine.serde;

/**
 * Turns objects into bytes and back. Implementations are thread-safe; per-record callers use a
 * {@link SerdeSession} instead, which is confined to one thread and reuses its buffers.
 */
public interface Serde
{
    byte[] serialize(Object value);

    Object deserialize(byte[] bytes);

    /** A session confined to the calling thread; close it to return its resources. */
    SerdeSession openSession();
}
