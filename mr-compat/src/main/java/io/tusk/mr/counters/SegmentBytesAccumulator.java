package io.tusk.mr.counters;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.dataset.Accumulator;

/**
 * The bytes of every map's output segment for each reducer, summed over the maps: what each
 * reducer fetches from Hadoop's map output files, for its {@code REDUCE_SHUFFLE_BYTES} when the maps'
 * segments are compressed (their lengths known only to the maps that measured them). Driver-side
 * methods are thread-safe.
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
