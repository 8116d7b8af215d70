package io.tusk.engine.dataset;

/** Sums longs. */
public final class LongAccumulator
        extends Accumulator<Long>
{
    private long sum;

    public LongAccumulator(long id, String name)
    {
        super(id, name);
    }

    public synchronized void add(long value)
    {
        sum += value;
    }

    @Override
    public void add(Long value)
    {
        add(value.longValue());
    }

    public synchronized long sum()
    {
        return sum;
    }

    @Override
    public synchronized Long value()
    {
        return sum;
    }

    @Override
    public synchronized void merge(Object taskValue)
    {
        sum += (Long) taskValue;
    }

    @Override
    protected synchronized void reset()
    {
        sum = 0;
    }
}
