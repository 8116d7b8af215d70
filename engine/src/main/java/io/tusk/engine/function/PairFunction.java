package io.tusk.engine.function;

import java.io.Serializable;

import io.tusk.engine.dataset.Pair;

/**
 * Maps one record to a key-value pair.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface PairFunction<T, K, V>
        extends Serializable
{
    Pair<K, V> apply(T value)
            throws Exception;
}
