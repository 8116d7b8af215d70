package io.tusk.engine.function;

import java.io.Serializable;

/**
 * Keeps the records for which it returns true.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface FilterFunction<T>
        extends Serializable
{
    boolean test(T value)
            throws Exception;
}
