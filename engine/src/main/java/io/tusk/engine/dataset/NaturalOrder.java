package io.tusk.engine.dataset;

import java.io.Serializable;
import java.util.Comparator;

/** {@code Comparable} order, nulls first; serializable as a plain class. */
final class NaturalOrder
        implements Comparator<Object>, Serializable
{
    static final NaturalOrder INSTANCE = new NaturalOrder();

    @Override
    @SuppressWarnings("unchecked")
    public int compare(Object left, Object right)
    {
        if (left == null || right == null) {
            return left == null ? (right == null ? 0 : -1) : 1;
        }
        return ((Comparable<Object>) left).compareTo(right);
    }
}
