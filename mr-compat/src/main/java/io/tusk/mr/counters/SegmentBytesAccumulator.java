package io.tusk.mr.counters;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.dataset.Accumulator;

/**
 * The lengths of a map's output segments, one per reducer, when they are compressed (known only to
 * the map that measured them): each successful map attempt's part reaches the driver, which sums the
 * latest of every map into each reducer's {@code REDUCE_SHUFFLE_BYTES} (what Hadoop's reducer
 * fetches), so a map run again replaces what it measured before. Driver-side methods are thread-safe.
 */
public final class SegmentBytesAccumulator
        extends Accumulator<long[]>
{
    private int partitions;
    private long[] bytes;

    public SegmentBytesAccumulator(long id, String name, int partitions)
    {
        super(id, name);
        this.partitions = partitions;
        this.bytes = new long[partitions];
    }

    @Override
    public synchronized void add(long[] more)
    {
        for (int partition = 0; partition < partitions; partition++) {
            bytes[partition] += more[partition];
        }
    }

    @Override
    public synchronized long[] value()
    {
        return bytes.clone();
    }

    @Override
    public void merge(Object taskValue)
    {
        add((long[]) taskValue);
    }

    @Override
    protected synchronized void reset()
    {
        bytes = new long[partitions];
    }

    @Override
    protected void writeState(Kryo kryo, Output output)
    {
        output.writeVarInt(partitions, true);
    }

    @Override
    protected void readState(Kryo kryo, Input input)
    {
        partitions = input.readVarInt(true);
    }
}
