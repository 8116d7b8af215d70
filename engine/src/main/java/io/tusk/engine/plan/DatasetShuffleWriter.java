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
        Output keyOutput = new Output(256, -1);
        Output valueOutput = new Output(256, -1);
        while (records.hasNext()) {
            Object record = records.next();
            if (!(record instanceof Pair<?, ?> pair)) {
                throw new IllegalArgumentException("A shuffle needs key-value records (Pair), got " + (record == null ? "null" : record.getClass().getName()));
            }
            Object key = pair.key();
            Object value = pair.value();
            if (aggregator != null) {
                value = createCombiner(aggregator, value);
            }
            int partition = partitioner.partition(key);
            keyOutput.reset();
            keys.write(session, keyOutput, key);
            valueOutput.reset();
            session.write(valueOutput, value);
            byte[] keyBytes = keyOutput.getBuffer();
            int keyLength = keyOutput.position();
            add(sorter, partition, keys.prefix(key, keyBytes, 0, keyLength), keyBytes, keyLength, valueOutput);
        }
        return sorter.finish();
    }

    private static void add(ShuffleSorter sorter, int partition, int prefix, byte[] key, int keyLength, Output value)
            throws IOException
    {
        sorter.add(partition, prefix, key, 0, keyLength, value.getBuffer(), 0, value.position());
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
