package io.tusk.engine.function;

import java.io.Serializable;

/**
 * Folds one value into an accumulator.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface CombineFunction<A, T>
        extends Serializable
{
    A apply(A accumulator, T value)
            throws Exception;
}
