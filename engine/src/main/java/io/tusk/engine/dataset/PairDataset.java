package io.tusk.engine.dataset;

import io.tusk.engine.Tusk;
import io.tusk.engine.function.CombineFunction;
import io.tusk.engine.function.FilterFunction;
import io.tusk.engine.function.FlatMapFunction;
import io.tusk.engine.function.MapFunction;
import io.tusk.engine.function.ReduceFunction;
import io.tusk.engine.plan.Aggregator;
import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.HashedKeys;
import io.tusk.engine.plan.OrderedKeys;
import io.tusk.engine.plan.Partitioner;
import io.tusk.engine.plan.RangePartitioner;
import io.tusk.engine.plan.ShuffleDependency;
import io.tusk.engine.plan.ShuffleKeys;
import io.tusk.engine.plan.ShuffledNode;
import io.tusk.engine.plan.UnionNode;
import io.tusk.engine.plan.HashPartitioner;
import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.TaskContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A dataset of key-value {@link Pair}s, with the operations that shuffle by key. Operations that
 * take no partition count keep this dataset's number of partitions.
 */
public final class PairDataset<K, V>
        extends Dataset<Pair<K, V>>
{
    private static final int SAMPLES_PER_PARTITION = 100;

    public PairDataset(Tusk tusk, DatasetNode node)
    {
        super(tusk, node);
    }

    /** Views a dataset of pairs as a pair dataset. */
    public static <K, V> PairDataset<K, V> of(Dataset<Pair<K, V>> pairs)
    {
        if (pairs instanceof PairDataset<K, V> already) {
            return already;
        }
        return new PairDataset<>(pairs.tusk(), pairs.node());
    }

    /**
     * Writes the pairs into Hadoop SequenceFiles {@code part-NNNNN} under {@code path}, keys and values
     * serialized as {@code keyClass} and {@code valueClass} (Writables, or what
     * {@code io.serializations} serializes), uncompressed; the files are kept in memory for the jobs
     * and datasets that read them next.
     */
    public void saveAsSequenceFile(String path, Class<? super K> keyClass, Class<? super V> valueClass)
    {
        saveAsSequenceFile(path, keyClass, valueClass, null);
    }

    /**
     * As {@link #saveAsSequenceFile(String, Class, Class)}, block-compressed with {@code codec}, a
     * Hadoop {@code CompressionCodec} class name such as {@code org.apache.hadoop.io.compress.GzipCodec}
     * (null: uncompressed). Compressed files are not kept in memory.
     */
    public void saveAsSequenceFile(String path, Class<? super K> keyClass, Class<? super V> valueClass, String codec)
    {
        requireNonNull(path, "path is null");
        write(tusk().fileFormats().sequenceOutput(path, keyClass, valueClass, codec, tusk().config().properties()), "saveAsSequenceFile " + path);
    }

    @Override
    public PairDataset<K, V> filter(FilterFunction<? super Pair<K, V>> function)
    {
        return of(super.filter(function));
    }

    @Override
    public PairDataset<K, V> cache()
    {
        super.cache();
        return this;
    }

    @Override
    public PairDataset<K, V> persist(StorageLevel level)
    {
        super.persist(level);
        return this;
    }

    @Override
    public PairDataset<K, V> unpersist()
    {
        super.unpersist();
        return this;
    }

    public PairDataset<K, V> union(PairDataset<K, V> other)
    {
        return of(super.union(other));
    }

    public Dataset<K> keys()
    {
        return map(Pair::key);
    }

    public Dataset<V> values()
    {
        return map(Pair::value);
    }

    public <W> PairDataset<K, W> mapValues(MapFunction<? super V, ? extends W> function)
    {
        requireNonNull(function, "function is null");
        MapFunction<Pair<K, V>, Pair<K, W>> map = pair -> new Pair<>(pair.key(), function.apply(pair.value()));
        return new PairDataset<>(tusk, newNode("mapValues", Transforms.map(map)));
    }

    public <W> PairDataset<K, W> flatMapValues(FlatMapFunction<? super V, ? extends W> function)
    {
        requireNonNull(function, "function is null");
        FlatMapFunction<Pair<K, V>, Pair<K, W>> flat = pair -> {
            Iterator<? extends W> values = function.apply(pair.value());
            List<Pair<K, W>> out = new ArrayList<>();
            while (values.hasNext()) {
                out.add(new Pair<>(pair.key(), values.next()));
            }
            return out.iterator();
        };
        return new PairDataset<>(tusk, newNode("flatMapValues", Transforms.flatMap(flat)));
    }

    /** Merges the values of each key, combining on the map side before the shuffle. */
    public PairDataset<K, V> reduceByKey(ReduceFunction<V> function)
    {
        return reduceByKey(function, numPartitions());
    }

    public PairDataset<K, V> reduceByKey(ReduceFunction<V> function, int partitions)
    {
        requireNonNull(function, "function is null");
        ReduceFunction<Object> merge = erase(function);
        Aggregator aggregator = new Aggregator(value -> value, merge::apply, merge);
        return shuffle("reduceByKey", new HashPartitioner(partitions), HashedKeys.INSTANCE, aggregator, true);
    }

    /** All values of each key in one list; values are not combined before the shuffle. */
    public PairDataset<K, List<V>> groupByKey()
    {
        return groupByKey(numPartitions());
    }

    public PairDataset<K, List<V>> groupByKey(int partitions)
    {
        Aggregator aggregator = new Aggregator(
                value -> {
                    List<Object> list = new ArrayList<>();
                    list.add(value);
                    return list;
                },
                (list, value) -> {
                    asList(list).add(value);
                    return list;
                },
                (left, right) -> {
                    asList(left).addAll(asList(right));
                    return left;
                });
        return shuffle("groupByKey", new HashPartitioner(partitions), HashedKeys.INSTANCE, aggregator, false);
    }

    /**
     * Folds the values of each key into an accumulator starting from {@code zero} (copied for each
     * key), then merges accumulators across partitions.
     */
    public <U> PairDataset<K, U> aggregateByKey(U zero, CombineFunction<U, V> fold, ReduceFunction<U> merge)
    {
        return aggregateByKey(zero, fold, merge, numPartitions());
    }

    public <U> PairDataset<K, U> aggregateByKey(U zero, CombineFunction<U, V> fold, ReduceFunction<U> merge, int partitions)
    {
        requireNonNull(fold, "fold is null");
        requireNonNull(merge, "merge is null");
        byte[] zeroBytes = tusk.serde().serialize(zero);
        CombineFunction<Object, Object> foldErased = erase(fold);
        Aggregator aggregator = new Aggregator(
                value -> foldErased.apply(TaskContext.get().env().serde().deserialize(zeroBytes), value),
                foldErased,
                erase(merge));
        return shuffle("aggregateByKey", new HashPartitioner(partitions), HashedKeys.INSTANCE, aggregator, true);
    }

    /** Sorts by key in natural order; keys must be {@code Comparable}. */
    public PairDataset<K, V> sortByKey()
    {
        return sortByKey(true);
    }

    public PairDataset<K, V> sortByKey(boolean ascending)
    {
        return sortByKey(null, ascending, numPartitions());
    }

    /**
     * Sorts by key with {@code comparator} (natural order if null): partition {@code i} holds keys
     * before those of partition {@code i + 1}, so the partitions in order are globally sorted.
     * Samples the keys first, which runs a job.
     */
    public PairDataset<K, V> sortByKey(SerializableComparator<? super K> comparator, boolean ascending, int partitions)
    {
        checkArgument(partitions > 0, "partitions must be positive: %s", partitions);
        @SuppressWarnings("unchecked")
        Comparator<Object> order = comparator == null ? NaturalOrder.INSTANCE : (Comparator<Object>) comparator;
        Partitioner partitioner = rangePartitioner(order, ascending, partitions);
        ShuffleKeys keys = new OrderedKeys(ascending, comparator == null ? null : order);
        return shuffle("sortByKey", partitioner, keys, null, false);
    }

    private Partitioner rangePartitioner(Comparator<Object> order, boolean ascending, int partitions)
    {
        Comparator<Object> directed = ascending ? order : new Reversed(order);
        if (partitions == 1) {
            return new RangePartitioner(new Object[0], directed);
        }
        List<List<Object>> samples = tusk.runJob(node, (partition, records, context) -> {
            Random random = new Random(31L * partition + 17);
            List<Object> reservoir = new ArrayList<>();
            long seen = 0;
            while (records.hasNext()) {
                Object key = ((Pair<?, ?>) records.next()).key();
                seen++;
                if (reservoir.size() < SAMPLES_PER_PARTITION) {
                    reservoir.add(key);
                }
                else {
                    long slot = (long) (random.nextDouble() * seen);
                    if (slot < SAMPLES_PER_PARTITION) {
                        reservoir.set((int) slot, key);
                    }
                }
            }
            return reservoir;
        }, "sortByKey sample");
        List<Object> all = new ArrayList<>();
        samples.forEach(all::addAll);
        all.sort(directed);
        List<Object> bounds = new ArrayList<>();
        for (int i = 1; i < partitions && !all.isEmpty(); i++) {
            Object bound = all.get((int) ((long) i * all.size() / partitions));
            if (bounds.isEmpty() || directed.compare(bounds.get(bounds.size() - 1), bound) < 0) {
                bounds.add(bound);
            }
        }
        return new RangePartitioner(bounds.toArray(), directed);
    }

    /** For each key, the values of this dataset and of {@code other}. */
    public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(PairDataset<K, W> other)
    {
        return cogroup(other, Math.max(numPartitions(), other.numPartitions()));
    }

    public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(PairDataset<K, W> other, int partitions)
    {
        requireNonNull(other, "other is null");
        checkSameContext(other);
        PairDataset<K, Tagged> left = mapValues(value -> new Tagged(0, value));
        PairDataset<K, Tagged> right = other.mapValues(value -> new Tagged(1, value));
        PairDataset<K, Tagged> both = new PairDataset<>(tusk,
                new UnionNode(tusk.newDatasetId(), CallSite.describe("cogroup"), List.of(left.node, right.node)));
        Aggregator aggregator = new Aggregator(
                tagged -> new CoGroup().add((Tagged) tagged),
                (group, tagged) -> ((CoGroup) group).add((Tagged) tagged),
                (group, more) -> ((CoGroup) group).addAll((CoGroup) more));
        PairDataset<K, CoGroup> grouped = both.shuffle("cogroup", new HashPartitioner(partitions), HashedKeys.INSTANCE, aggregator, false);
        return grouped.mapValues(group -> new Pair<>(Dataset.<List<V>>cast(group.left), Dataset.<List<W>>cast(group.right)));
    }

    /** Pairs of values for each key present on both sides. */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other)
    {
        return join(other, Math.max(numPartitions(), other.numPartitions()));
    }

    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other, int partitions)
    {
        return cogroup(other, partitions).flatMapValues(group -> {
            List<Pair<V, W>> out = new ArrayList<>(group.key().size() * group.value().size());
            for (V left : group.key()) {
                for (W right : group.value()) {
                    out.add(new Pair<>(left, right));
                }
            }
            return out.iterator();
        });
    }

    /** Every value of this dataset, with the matching values of {@code other} or empty. */
    public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(PairDataset<K, W> other)
    {
        return leftOuterJoin(other, Math.max(numPartitions(), other.numPartitions()));
    }

    public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(PairDataset<K, W> other, int partitions)
    {
        return cogroup(other, partitions).flatMapValues(group -> {
            List<Pair<V, Optional<W>>> out = new ArrayList<>();
            for (V left : group.key()) {
                if (group.value().isEmpty()) {
                    out.add(new Pair<>(left, Optional.empty()));
                }
                for (W right : group.value()) {
                    out.add(new Pair<>(left, Optional.ofNullable(right)));
                }
            }
            return out.iterator();
        });
    }

    /** The records as a map; later values of a key replace earlier ones. */
    public Map<K, V> collectAsMap()
    {
        Map<K, V> map = new LinkedHashMap<>();
        for (Pair<K, V> pair : collect()) {
            map.put(pair.key(), pair.value());
        }
        return map;
    }

    /** Number of records per key, counted on the map side first. */
    public Map<K, Long> countByKey()
    {
        return mapValues(value -> 1L).reduceByKey(Long::sum).collectAsMap();
    }

    <W> PairDataset<K, W> shuffle(String operation, Partitioner partitioner, ShuffleKeys keys, Aggregator aggregator, boolean mapSideCombine)
    {
        ShuffleDependency dependency = new ShuffleDependency(tusk.newShuffleId(), node, partitioner, keys, aggregator, mapSideCombine);
        ShuffledNode shuffled = new ShuffledNode(tusk.newDatasetId(), CallSite.describe(operation), dependency);
        tusk.registerShuffle(shuffled);
        return new PairDataset<>(tusk, shuffled);
    }

    @SuppressWarnings("unchecked")
    private static ReduceFunction<Object> erase(ReduceFunction<?> function)
    {
        return (ReduceFunction<Object>) function;
    }

    @SuppressWarnings("unchecked")
    private static CombineFunction<Object, Object> erase(CombineFunction<?, ?> function)
    {
        return (CombineFunction<Object, Object>) function;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object list)
    {
        return (List<Object>) list;
    }

    /** A value of one side of a cogroup. */
    record Tagged(int side, Object value) {}

    /** The values of both sides of a cogroup for one key. */
    static final class CoGroup
    {
        final List<Object> left = new ArrayList<>();
        final List<Object> right = new ArrayList<>();

        CoGroup add(Tagged tagged)
        {
            (tagged.side() == 0 ? left : right).add(tagged.value());
            return this;
        }

        CoGroup addAll(CoGroup other)
        {
            left.addAll(other.left);
            right.addAll(other.right);
            return this;
        }
    }

    /** The reverse of a comparator, as a plain serializable class. */
    record Reversed(Comparator<Object> order)
            implements Comparator<Object>, java.io.Serializable
    {
        @Override
        public int compare(Object left, Object right)
        {
            return order.compare(right, left);
        }
    }

}
