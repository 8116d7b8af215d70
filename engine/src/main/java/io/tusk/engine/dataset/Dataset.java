package io.tusk.engine.dataset;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.Tusk;
import io.tusk.engine.TuskException;
import io.tusk.engine.function.FilterFunction;
import io.tusk.engine.function.FlatMapFunction;
import io.tusk.engine.function.ForeachFunction;
import io.tusk.engine.function.MapFunction;
import io.tusk.engine.function.MapPartitionsFunction;
import io.tusk.engine.function.PairFunction;
import io.tusk.engine.function.ReduceFunction;
import io.tusk.engine.io.OutputJob;
import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.MapPartitionsNode;
import io.tusk.engine.plan.UnionNode;
import io.tusk.engine.storage.StorageLevel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A lazy, partitioned, immutable collection of records. Transformations return new datasets and
 * compute nothing; actions ({@link #collect()}, {@link #count()}, {@link #saveAsTextFile}…) run a
 * job. Functions given to transformations travel to tasks through the serializer.
 * <p>
 * Datasets belong to the driver: use them only on the thread(s) that drive the {@link Tusk} context,
 * never inside functions.
 */
public class Dataset<T>
{
    private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(Dataset.class);

    protected final Tusk tusk;
    protected final DatasetNode node;

    /** For {@link Tusk} and the engine; users get datasets from {@code Tusk} and transformations. */
    public Dataset(Tusk tusk, DatasetNode node)
    {
        this.tusk = requireNonNull(tusk, "tusk is null");
        this.node = requireNonNull(node, "node is null");
    }

    public final int id()
    {
        return node.id();
    }

    public final int numPartitions()
    {
        return node.partitions();
    }

    /** The lineage node behind this dataset; for the engine and for modules built on it. */
    public final DatasetNode node()
    {
        return node;
    }

    public final Tusk tusk()
    {
        return tusk;
    }

    // transformations

    public <R> Dataset<R> map(MapFunction<? super T, ? extends R> function)
    {
        requireNonNull(function, "function is null");
        return narrow("map", Transforms.map(function));
    }

    public Dataset<T> filter(FilterFunction<? super T> function)
    {
        requireNonNull(function, "function is null");
        return narrow("filter", Transforms.filter(function));
    }

    public <R> Dataset<R> flatMap(FlatMapFunction<? super T, ? extends R> function)
    {
        requireNonNull(function, "function is null");
        return narrow("flatMap", Transforms.flatMap(function));
    }

    public <R> Dataset<R> mapPartitions(MapPartitionsFunction<T, R> function)
    {
        requireNonNull(function, "function is null");
        return narrow("mapPartitions", (partition, input, context) -> function.apply(Transforms.cast(input)));
    }

    public <K, V> PairDataset<K, V> mapToPair(PairFunction<? super T, K, V> function)
    {
        requireNonNull(function, "function is null");
        MapFunction<T, Pair<K, V>> map = function::apply;
        return new PairDataset<>(tusk, newNode("mapToPair", Transforms.map(map)));
    }

    /** Pairs each record with the key {@code function} computes from it. */
    public <K> PairDataset<K, T> keyBy(MapFunction<? super T, K> function)
    {
        requireNonNull(function, "function is null");
        MapFunction<T, Pair<K, T>> map = value -> new Pair<>(function.apply(value), value);
        return new PairDataset<>(tusk, newNode("keyBy", Transforms.map(map)));
    }

    /** The records of this dataset followed by those of {@code other}; duplicates are kept. */
    public Dataset<T> union(Dataset<T> other)
    {
        requireNonNull(other, "other is null");
        checkSameContext(other);
        return new Dataset<>(tusk, new UnionNode(tusk.newDatasetId(), CallSite.describe("union"), List.of(node, other.node)));
    }

    /** Each distinct record once, in no particular order. */
    public Dataset<T> distinct()
    {
        return distinct(numPartitions());
    }

    public Dataset<T> distinct(int partitions)
    {
        PairFunction<T, T, Boolean> pair = value -> new Pair<>(value, Boolean.TRUE);
        return mapToPair(pair).reduceByKey((left, right) -> left, partitions).keys();
    }

    /** Keeps the partitions of this dataset in memory once computed; see {@link #persist}. */
    public Dataset<T> cache()
    {
        return persist(StorageLevel.MEMORY_ONLY);
    }

    /**
     * Keeps the partitions of this dataset, once an action computed them, at {@code level}, so later
     * actions reuse them. Partitions evicted for lack of memory are recomputed from lineage.
     */
    public Dataset<T> persist(StorageLevel level)
    {
        tusk.persist(node, requireNonNull(level, "level is null"));
        return this;
    }

    /** Drops the cached partitions of this dataset. */
    public Dataset<T> unpersist()
    {
        tusk.unpersist(node);
        return this;
    }

    // actions

    public List<T> collect()
    {
        List<List<Object>> parts = tusk.runJob(node, (partition, records, context) -> {
            List<Object> values = new ArrayList<>();
            while (records.hasNext()) {
                values.add(records.next());
            }
            return values;
        }, "collect");
        List<T> all = new ArrayList<>();
        for (List<Object> part : parts) {
            for (Object value : part) {
                all.add(cast(value));
            }
        }
        return all;
    }

    public long count()
    {
        List<Long> counts = tusk.runJob(node, (partition, records, context) -> {
            long count = 0;
            while (records.hasNext()) {
                records.next();
                count++;
            }
            return count;
        }, "count");
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    /** Combines all records with an associative, commutative function; fails on an empty dataset. */
    public T reduce(ReduceFunction<T> function)
    {
        requireNonNull(function, "function is null");
        List<Object[]> partials = tusk.runJob(node, (partition, records, context) -> {
            if (!records.hasNext()) {
                return new Object[0];
            }
            T result = cast(records.next());
            while (records.hasNext()) {
                result = function.apply(result, cast(records.next()));
            }
            return new Object[] {result};
        }, "reduce");
        boolean found = false;
        T result = null;
        for (Object[] partial : partials) {
            if (partial.length == 0) {
                continue;
            }
            try {
                result = found ? function.apply(result, cast(partial[0])) : cast(partial[0]);
            }
            catch (Exception e) {
                throw new TuskException(ErrorCode.USER_TASK_FAILED, "reduce failed on the driver: " + e, e);
            }
            found = true;
        }
        if (!found) {
            throw new TuskException(ErrorCode.EMPTY_DATASET, "reduce of an empty dataset; use count() or take(1) to check first");
        }
        return result;
    }

    /** The first {@code count} records, reading as few partitions as possible. */
    public List<T> take(int count)
    {
        List<T> taken = new ArrayList<>();
        int partitions = numPartitions();
        int next = 0;
        int batch = 1;
        while (taken.size() < count && next < partitions) {
            int[] scan = new int[Math.min(batch, partitions - next)];
            for (int i = 0; i < scan.length; i++) {
                scan[i] = next + i;
            }
            int limit = count - taken.size();
            List<List<Object>> parts = tusk.runJob(node, scan, (partition, records, context) -> {
                List<Object> values = new ArrayList<>();
                while (values.size() < limit && records.hasNext()) {
                    values.add(records.next());
                }
                return values;
            }, "take");
            for (List<Object> part : parts) {
                for (Object value : part) {
                    if (taken.size() < count) {
                        taken.add(cast(value));
                    }
                }
            }
            next += scan.length;
            batch *= 4;
        }
        return taken;
    }

    public T first()
    {
        List<T> one = take(1);
        if (one.isEmpty()) {
            throw new TuskException(ErrorCode.EMPTY_DATASET, "first() of an empty dataset");
        }
        return one.get(0);
    }

    /** Runs {@code function} on every record, in the tasks. */
    public void foreach(ForeachFunction<? super T> function)
    {
        requireNonNull(function, "function is null");
        tusk.runJob(node, (partition, records, context) -> {
            while (records.hasNext()) {
                function.accept(cast(records.next()));
            }
            return null;
        }, "foreach");
    }

    /** Runs {@code function} on the records of every partition, in the tasks. */
    public void foreachPartition(ForeachFunction<Iterator<T>> function)
    {
        requireNonNull(function, "function is null");
        tusk.runJob(node, (partition, records, context) -> {
            function.accept(Transforms.cast(records));
            return null;
        }, "foreachPartition");
    }

    /**
     * Writes each record's {@code toString()} as a line into {@code part-NNNNN} files in the
     * directory {@code path} (any Hadoop file system URI), then {@code _SUCCESS}. Fails if the
     * directory exists; a failed job leaves no output behind.
     */
    public void saveAsTextFile(String path)
    {
        requireNonNull(path, "path is null");
        OutputJob output = tusk.fileFormats().textOutput(path, tusk.config().properties());
        write(output, "saveAsTextFile " + path);
    }

    /**
     * Writes Avro records (generic or specific, of {@code schema}, Avro's JSON such as
     * {@code schema.toString()}) into Avro container files {@code part-NNNNN.avro} in the directory
     * {@code path}, then {@code _SUCCESS}; uncompressed. The files are kept in memory for the jobs
     * and datasets that read them next.
     */
    public void saveAsAvroFile(String path, String schema)
    {
        saveAsAvroFile(path, schema, null);
    }

    /** As {@link #saveAsAvroFile(String, String)}, compressed with Avro's {@code codec} ({@code deflate}, {@code snappy}…; null: none). */
    public void saveAsAvroFile(String path, String schema, String codec)
    {
        requireNonNull(path, "path is null");
        requireNonNull(schema, "schema is null");
        write(tusk.fileFormats().avroOutput(path, schema, codec, tusk.config().properties()), "saveAsAvroFile " + path);
    }

    /** Writes this dataset through {@code output}'s commit protocol. */
    public void write(OutputJob output, String description)
    {
        try {
            output.setupJob();
        }
        catch (IOException e) {
            throw new TuskException(ErrorCode.IO_ERROR, "Cannot set up output " + output.describe() + ": " + e.getMessage(), e);
        }
        OutputJob.Kept kept = output.keepInMemory(tusk.blockStore());
        boolean committed = false;
        boolean endedEverywhere = false;
        try (kept) {
            tusk.runJob(node, (partition, records, context) -> {
                OutputJob.TaskOutput taskOutput = output.openTask(context);
                try {
                    while (records.hasNext()) {
                        taskOutput.write(records.next());
                    }
                    taskOutput.commit();
                }
                catch (Throwable e) {
                    taskOutput.abort();
                    throw e;
                }
                return null;
            }, description);
            output.commitJob();
            committed = true;
            kept.keep();
            tusk.endWrite(kept.key(), true);
            endedEverywhere = true;
        }
        catch (IOException | RuntimeException e) {
            if (committed) {
                // the output is whole: only keeping it failed
                LOG.debug("Cannot keep {} in memory", output.describe(), e);
                return;
            }
            try {
                output.abortJob();
            }
            catch (IOException | RuntimeException abort) {
                e.addSuppressed(abort);
            }
            if (e instanceof TuskException tusk) {
                throw tusk;
            }
            throw new TuskException(ErrorCode.IO_ERROR, "Cannot write " + output.describe() + ": " + e.getMessage(), e);
        }
        finally {
            if (!endedEverywhere) {
                tusk.endWrite(kept.key(), false);
            }
        }
    }

    /** The stages an action on this dataset would run, with their fused operators. */
    public String explain()
    {
        return tusk.explain(node);
    }

    @Override
    public String toString()
    {
        return node.describe();
    }

    // helpers

    final <R> Dataset<R> narrow(String operation, io.tusk.engine.plan.PartitionTransform transform)
    {
        return new Dataset<>(tusk, newNode(operation, transform));
    }

    final DatasetNode newNode(String operation, io.tusk.engine.plan.PartitionTransform transform)
    {
        return new MapPartitionsNode(tusk.newDatasetId(), CallSite.describe(operation), node, transform);
    }

    final void checkSameContext(Dataset<?> other)
    {
        if (other.tusk != tusk) {
            throw TuskException.invalidArgument("Datasets of different Tusk contexts cannot be combined");
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object value)
    {
        return (T) value;
    }
}
