package io.tusk.engine.function;

import java.io.Serializable;

/**
 * Maps one record to one record.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface MapFunction<T, R>
        extends Serializable
{
    R apply(T value)
            throws Exception;
}
