package io.tusk.engine.function;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Maps one record to zero or more records.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface FlatMapFunction<T, R>
        extends Serializable
{
    Iterator<R> apply(T value)
            throws Exception;
}
