package io.tusk.mr.counters;

import io.tusk.engine.dataset.Accumulator;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.mapred.Counters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A job's counters: each attempt counts into its own {@link Counters}, and those of successful
 * attempts are added to the driver's when the attempts end. Travels between task and driver in
 * Hadoop's own {@code Writable} form. Driver-side methods are thread-safe.
 */
public final class CountersAccumulator
        extends Accumulator<Counters>
{
    private Counters counters = new Counters();

    public CountersAccumulator(long id, String name)
    {
        super(id, name);
    }

    @Override
    public synchronized void add(Counters more)
    {
        counters.incrAllCounters(more);
    }

    @Override
    public synchronized Counters value()
    {
        return counters;
    }

    /** A copy of the counters now, safe to hand out while tasks still add to them. */
    public synchronized Counters snapshot()
    {
        Counters copy = new Counters();
        copy.incrAllCounters(counters);
        return copy;
    }

    @Override
    public Object taskValue()
    {
        DataOutputBuffer out = new DataOutputBuffer();
        try {
            counters.write(out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.copyOf(out.getData(), out.getLength());
    }

    @Override
    public void merge(Object taskValue)
    {
        add(read(taskValue));
    }

    /** The counters of one attempt, from what it sent ({@link #taskValue()} in the task). */
    public static Counters read(Object taskValue)
    {
        byte[] bytes = (byte[]) taskValue;
        DataInputBuffer in = new DataInputBuffer();
        in.reset(bytes, bytes.length);
        Counters update = new Counters();
        try {
            update.readFields(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return update;
    }

    @Override
    protected synchronized void reset()
    {
        counters = new Counters();
    }
}
