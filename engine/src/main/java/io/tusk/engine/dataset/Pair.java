package io.tusk.engine.dataset;

import java.util.Objects;

/** A key and a value; the record type of key-value datasets. Either may be null. */
public record Pair<K, V>(K key, V value)
{
    public static <K, V> Pair<K, V> of(K key, V value)
    {
        return new Pair<>(key, value);
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof Pair<?, ?> pair && Objects.equals(key, pair.key) && Objects.equals(value, pair.value);
    }

    @Override
    public int hashCode()
    {
        return 31 * Objects.hashCode(key) + Objects.hashCode(value);
    }

    @Override
    public String toString()
    {
        return "(" + key + "," + value + ")";
    }
}
