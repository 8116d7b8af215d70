package io.tusk.engine.plan;

import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.dataset.Pair;
import io.tusk.engine.serde.SerdeSession;
import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.shuffle.ShuffleSorter;
import io.tusk.engine.task.ExecutorEnv;
import io.tusk.engine.task.TaskContext;
import io.tusk.engine.task.UserCodeException;

import java.io.IOException;
import java.util.Iterator;

/**
 * Writes the key-value records of one map partition into a {@link ShuffleSorter}: each record is
 * serialized as it arrives (with its value turned into a combiner first when the shuffle combines
 * on the map side), partitioned, and given its sort prefix. Confined to the task's thread.
 */
final class DatasetShuffleWriter
{
    private DatasetShuffleWriter() {}

    static MapOutput write(ShuffleDependency dependency, Iterator<?> records, TaskContext context)
            throws Exception
    {
        ExecutorEnv env = context.env();
        SerdeSession session = env.serde().openSession();
        context.closeOnCompletion(session);
        ShuffleKeys keys = dependency.keys();
        Partitioner partitioner = dependency.partitioner();
        Aggregator aggregator = dependency.mapSideCombine() ? dependency.aggregator() : null;
        ShuffleSorter sorter = new ShuffleSorter(
                context.attemptId() + ".shuffle_" + dependency.shuffleId(),
                partitioner.partitions(),
                keys.order(session),
                aggregator == null ? null : new CombiningReader(keys, aggregator, session, true)::combine,
                env.memoryManager(),
                env.spillDirectory(),
                env.pageSize());
        context.closeOnCompletion(sorter);
        RecordWriter writer = new RecordWriter(sorter, keys, partitioner, session);
        if (aggregator != null && !keys.sorted()) {
            // combine in a hash map; entries go to the sorter when memory runs out and at the end
            HashCombiner combiner = new HashCombiner(context.attemptId() + ".combine_" + dependency.shuffleId(), aggregator, env.memoryManager(), session,
                    4L * env.pageSize());
            context.closeOnCompletion(combiner::close);
            HashCombiner.Flush flush = new HashCombiner.Flush()
            {
                @Override
                public void entry(Object key, Object combined)
                        throws IOException
                {
                    writer.write(key, combined);
                }

                @Override
                public void done()
                        throws IOException
                {
                    // the map was full: free the memory its entries now take in the sorter
                    sorter.spillNow();
                }
            };
            while (records.hasNext()) {
                Pair<?, ?> pair = pair(records.next());
                combiner.add(pair.key(), pair.value(), flush);
            }
            combiner.flush(new HashCombiner.Flush()
            {
                @Override
                public void entry(Object key, Object combined)
                        throws IOException
                {
                    writer.write(key, combined);
                }

                @Override
                public void done() {}
            });
            return sorter.finish();
        }
        while (records.hasNext()) {
            Pair<?, ?> pair = pair(records.next());
            Object value = pair.value();
            if (aggregator != null) {
                value = createCombiner(aggregator, value);
            }
            writer.write(pair.key(), value);
        }
        return sorter.finish();
    }

    private static Pair<?, ?> pair(Object record)
    {
        if (!(record instanceof Pair<?, ?> pair)) {
            throw new IllegalArgumentException("A shuffle needs key-value records (Pair), got " + (record == null ? "null" : record.getClass().getName()));
        }
        return pair;
    }

    /** Serializes a record, partitions it and adds it to the sorter. */
    private static final class RecordWriter
    {
        private final ShuffleSorter sorter;
        private final ShuffleKeys keys;
        private final Partitioner partitioner;
        private final SerdeSession session;
        private final Output keyOutput = new Output(256, -1);
        private final Output valueOutput = new Output(256, -1);

        RecordWriter(ShuffleSorter sorter, ShuffleKeys keys, Partitioner partitioner, SerdeSession session)
        {
            this.sorter = sorter;
            this.keys = keys;
            this.partitioner = partitioner;
            this.session = session;
        }

        void write(Object key, Object value)
                throws IOException
        {
            int partition;
            int prefix;
            keyOutput.reset();
            keys.write(session, keyOutput, key);
            byte[] keyBytes = keyOutput.getBuffer();
            int keyLength = keyOutput.position();
            if (keys instanceof HashedKeys && partitioner instanceof HashPartitioner hash) {
                // one hashCode() for both
                prefix = key == null ? 0 : key.hashCode();
                partition = key == null ? 0 : Math.floorMod(prefix, hash.partitions());
            }
            else {
                partition = partitioner.partition(key);
                prefix = keys.prefix(key, keyBytes, 0, keyLength);
            }
            valueOutput.reset();
            session.write(valueOutput, value);
            sorter.add(partition, prefix, keyBytes, 0, keyLength, valueOutput.getBuffer(), 0, valueOutput.position());
        }
    }

    private static Object createCombiner(Aggregator aggregator, Object value)
    {
        try {
            return aggregator.createCombiner().apply(value);
        }
        catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }
}
