package io.tusk.engine.dataset;

import java.io.Serializable;
import java.util.Comparator;

/** A comparator that can travel to tasks. */
@FunctionalInterface
public interface SerializableComparator<T>
        extends Comparator<T>, Serializable
{
}
