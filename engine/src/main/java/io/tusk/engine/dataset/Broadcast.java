package io.tusk.engine.dataset;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.serde.Serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A read-only value shipped once to each executor instead of with every task. Functions capture the
 * {@code Broadcast} and call {@link #value()} inside tasks; only its id travels with the task, and
 * the value is deserialized once per executor process. Thread-safe.
 */
public final class Broadcast<T>
        implements KryoSerializable
{
    private static final AtomicLong NEXT_ID = new AtomicLong();
    /** Executor side: the serialized values of this process's broadcasts, read on first use. */
    private static final Map<Long, Shipped> SHIPPED = new ConcurrentHashMap<>();
    /** Executor side, in a process other than the driver's: where values not shipped here yet come from. */
    private static volatile Source source;

    /** Fetches the serialized value of a broadcast from the process that created it. */
    public interface Source
    {
        /** The bytes {@link #shippedBytes} gives in the driver, or null if the broadcast was destroyed. */
        byte[] fetch(long id);

        /** Deserializes fetched bytes. */
        Serde serde();
    }

    private long id;
    private transient volatile T value;

    private Broadcast(long id, T value)
    {
        this.id = id;
        this.value = value;
    }

    /** Serializes {@code value} now, as it would be sent to executors. */
    public static <T> Broadcast<T> create(T value, Serde serde)
    {
        long id = NEXT_ID.getAndIncrement();
        SHIPPED.put(id, new Shipped(serde.serialize(value), serde));
        return new Broadcast<>(id, value);
    }

    public long id()
    {
        return id;
    }

    @SuppressWarnings("unchecked")
    public T value()
    {
        T current = value;
        if (current == null) {
            Shipped shipped = SHIPPED.get(id);
            Source remote = source;
            if (shipped == null && remote != null) {
                byte[] bytes = remote.fetch(id);
                if (bytes != null) {
                    shipped = SHIPPED.computeIfAbsent(id, key -> new Shipped(bytes, remote.serde()));
                }
            }
            if (shipped == null) {
                throw new TuskException(ErrorCode.INVALID_ARGUMENT, "Broadcast " + id + " was destroyed; it can no longer be used in tasks");
            }
            current = (T) shipped.value();
            value = current;
        }
        return current;
    }

    /**
     * Makes this process an executor of a driver in another process: broadcasts are fetched from
     * {@code remote} on first use.
     */
    public static void fetchFrom(Source remote)
    {
        source = remote;
    }

    /** Driver side: the serialized value of broadcast {@code id}, for an executor that fetches it; null once destroyed. */
    public static byte[] shippedBytes(long id)
    {
        Shipped shipped = SHIPPED.get(id);
        return shipped == null ? null : shipped.bytes;
    }

    /** Frees the shipped value; tasks that use this broadcast afterwards fail. */
    public void destroy()
    {
        destroy(id);
    }

    /** Frees the shipped value of broadcast {@code id}. */
    public static void destroy(long id)
    {
        SHIPPED.remove(id);
    }

    @Override
    public void write(Kryo kryo, Output output)
    {
        output.writeVarLong(id, true);
    }

    @Override
    public void read(Kryo kryo, Input input)
    {
        id = input.readVarLong(true);
    }

    @Override
    public String toString()
    {
        return "Broadcast(" + id + ")";
    }

    private static final class Shipped
    {
        private final byte[] bytes;
        private final Serde serde;
        private volatile Object value;

        Shipped(byte[] bytes, Serde serde)
        {
            this.bytes = bytes;
            this.serde = serde;
        }

        Object value()
        {
            Object current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        current = serde.deserialize(bytes);
                        value = current;
                    }
                }
            }
            return current;
        }
    }
}
