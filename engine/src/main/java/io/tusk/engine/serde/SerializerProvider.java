package io.tusk.engine.serde;

import com.esotericsoftware.kryo.Serializer;

import java.util.Map;

/**
 * Kryo serializers that another module contributes for the classes it knows, for example records
 * of a file format that must not be serialized field by field. Found with
 * {@link java.util.ServiceLoader} by every {@link KryoSerde}; a serializer serves its class and
 * subclasses, and must be thread-safe (the serde's Kryo instances share it).
 */
public interface SerializerProvider
{
    Map<Class<?>, Serializer<?>> serializers();
}
