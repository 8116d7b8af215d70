package io.tusk.engine.function;

import java.io.Serializable;

/**
 * Combines two values; must be associative and commutative, as it is applied in any order and on either side of a shuffle.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface ReduceFunction<T>
        extends Serializable
{
    T apply(T left, T right)
            throws Exception;
}
