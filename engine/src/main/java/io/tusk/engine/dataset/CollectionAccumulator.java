package io.tusk.engine.dataset;

import java.util.ArrayList;
import java.util.List;

/** Collects values into a list, in no particular order across tasks. */
public final class CollectionAccumulator<T>
        extends Accumulator<List<T>>
{
    private List<T> values = new ArrayList<>();

    public CollectionAccumulator(long id, String name)
    {
        super(id, name);
    }

    public synchronized void addOne(T value)
    {
        values.add(value);
    }

    @Override
    public synchronized void add(List<T> more)
    {
        values.addAll(more);
    }

    @Override
    public synchronized List<T> value()
    {
        return List.copyOf(values);
    }

    @Override
    public Object taskValue()
    {
        return new ArrayList<>(values);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized void merge(Object taskValue)
    {
        values.addAll((List<T>) taskValue);
    }

    @Override
    protected synchronized void reset()
    {
        values = new ArrayList<>();
    }
}
