package io.tusk.engine.function;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Maps the records of one whole partition; the input iterator is single-pass.
 * <p>
 * Functions travel to tasks through the serializer, as they would to another process: capture
 * only what a task needs, and never the {@code Tusk} context or a dataset.
 */
@FunctionalInterface
public interface MapPartitionsFunction<T, R>
        extends Serializable
{
    Iterator<R> apply(Iterator<T> records)
            throws Exception;
}
