package io.tusk.engine.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.util.Pool;
import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

import static java.util.Objects.requireNonNull;

/**
 * Kryo serde for records, closures and task descriptions. Thread-safe: Kryo instances come from a
 * pool. Lambdas are serialized through their {@code SerializedLambda}, so functions given to the
 * dataset API must implement {@link java.io.Serializable} (the function interfaces do).
 * <p>
 * Closures and task descriptions are written with references tracked, so they may hold shared or
 * cyclic object graphs; records (through {@link #openSession()}) are written without, for speed.
 */
public final class KryoSerde
        implements Serde
{
    private final ClassLoader classLoader;
    private final Map<Class<?>, Serializer<?>> serializers;
    private final ClassIds classIds;
    private final Pool<Kryo> pool;
    private final Pool<Kryo> recordPool;

    public KryoSerde()
    {
        this(KryoSerde.class.getClassLoader(), Map.of());
    }

    /**
     * @param classLoader loads the classes named in serialized data
     * @param serializers serializers for classes that must not be serialized field by field, beside
     * those of every {@link SerializerProvider}
     */
    public KryoSerde(ClassLoader classLoader, Map<Class<?>, Serializer<?>> serializers)
    {
        this(classLoader, serializers, ClassIds.processWide());
    }

    /**
     * @param classIds the numbering of classes in records: every process that reads the records
     * this serde writes must share it
     */
    public KryoSerde(ClassLoader classLoader, Map<Class<?>, Serializer<?>> serializers, ClassIds classIds)
    {
        this.classIds = requireNonNull(classIds, "classIds is null");
        this.classLoader = requireNonNull(classLoader, "classLoader is null");
        this.serializers = new LinkedHashMap<>(requireNonNull(serializers, "serializers is null"));
        for (SerializerProvider provider : ServiceLoader.load(SerializerProvider.class, KryoSerde.class.getClassLoader())) {
            provider.serializers().forEach(this.serializers::putIfAbsent);
        }
        this.pool = new Pool<>(true, false, 64)
        {
            @Override
            protected Kryo create()
            {
                // task descriptions and results may travel to other processes: classes by name
                return newKryo(true, false);
            }
        };
        this.recordPool = new Pool<>(true, false, 64)
        {
            @Override
            protected Kryo create()
            {
                return newKryo(false, true);
            }
        };
    }

    /** @param processIds write unregistered classes as numbers of this serde's {@link ClassIds} (records), else by name */
    private Kryo newKryo(boolean references, boolean processIds)
    {
        Kryo kryo = new Kryo(processIds ? new SharedIdClassResolver(classIds) : new com.esotericsoftware.kryo.util.DefaultClassResolver(), null);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(references);
        kryo.setClassLoader(classLoader);
        kryo.setInstantiatorStrategy(new com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.register(ClosureSerializer.Closure.class, new LambdaSerializer());
        serializers.forEach((type, serializer) -> kryo.addDefaultSerializer(type, serializer));
        return kryo;
    }

    @Override
    public byte[] serialize(Object value)
    {
        Kryo kryo = pool.obtain();
        try (Output output = new Output(256, -1)) {
            kryo.writeClassAndObject(output, value);
            return output.toBytes();
        }
        catch (KryoException | IllegalArgumentException e) {
            throw notSerializable(value, e);
        }
        finally {
            pool.free(kryo);
        }
    }

    @Override
    public Object deserialize(byte[] bytes)
    {
        Kryo kryo = pool.obtain();
        try {
            return kryo.readClassAndObject(new Input(bytes));
        }
        finally {
            pool.free(kryo);
        }
    }

    @Override
    public SerdeSession openSession()
    {
        return new SerdeSession(this, recordPool.obtain());
    }

    void release(Kryo kryo)
    {
        recordPool.free(kryo);
    }

    private static TuskException notSerializable(Object value, Exception cause)
    {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root instanceof TuskException ? root.getMessage() : cause.getMessage();
        return new TuskException(ErrorCode.NOT_SERIALIZABLE,
                "Cannot serialize " + (value == null ? "null" : value.getClass().getName()) + " to send it to tasks: " + message
                        + ". Functions must capture only serializable values; use a broadcast variable for large ones.",
                cause);
    }
}
