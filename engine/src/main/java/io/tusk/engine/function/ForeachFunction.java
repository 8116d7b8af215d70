package io.tusk.engine.function;

import java.io.Serializable;

/**
 * Consumes one record for its side effects.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface ForeachFunction<T>
        extends Serializable
{
    void accept(T value)
            throws Exception;
}
