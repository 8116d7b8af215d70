package io.tusk.mr.job;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.plan.ShuffleKeys;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.SortOrder;

import static java.util.Objects.requireNonNull;

/**
 * Orders a MapReduce shuffle by the job's sort comparator on the serialized keys
 * ({@code mapreduce.job.output.key.comparator.class}, else the comparator registered for the map
 * output key class). Keys are serialized by the map task with the job's own serialization, so the
 * engine never writes or reads them here.
 */
final class MrShuffleKeys
        implements ShuffleKeys
{
    private final JobSpec spec;

    MrShuffleKeys(JobSpec spec)
    {
        this.spec = requireNonNull(spec, "spec is null");
    }

    @Override
    public SortOrder order(SerdeSession session)
    {
        org.apache.hadoop.io.RawComparator<?> comparator = spec.jobConf().getOutputKeyComparator();
        return SortOrder.sorted(comparator::compare);
    }

    @Override
    public int prefix(Object key, byte[] bytes, int offset, int length)
    {
        return 0;
    }

    @Override
    public boolean sorted()
    {
        return true;
    }

    @Override
    public void write(SerdeSession session, Output output, Object key)
    {
        throw new UnsupportedOperationException("MapReduce keys are serialized by the map task");
    }

    @Override
    public Object read(SerdeSession session, byte[] buffer, int offset, int length)
    {
        throw new UnsupportedOperationException("MapReduce keys are deserialized by the reduce task");
    }

    @Override
    public String describe()
    {
        return "sorted by " + spec.jobConf().get("mapreduce.job.output.key.comparator.class", "the key class's comparator");
    }
}
