package io.tusk.engine.plan;

import static java.util.Objects.requireNonNull;

/**
 * The child reads all map outputs of a shuffle of the parent's key-value records. The parent is not
 * sent to reduce tasks (it is transient): they read the shuffle by id.
 */
public final class ShuffleDependency
        implements Dependency
{
    private final int shuffleId;
    private final transient DatasetNode parent;
    private final int maps;
    private final Partitioner partitioner;
    private final ShuffleKeys keys;
    private final Aggregator aggregator;
    private final boolean mapSideCombine;
    private final ShuffleWriter writer;

    public ShuffleDependency(int shuffleId, DatasetNode parent, Partitioner partitioner, ShuffleKeys keys, Aggregator aggregator, boolean mapSideCombine)
    {
        this(shuffleId, parent, partitioner, keys, aggregator, mapSideCombine, ShuffleWriter.PAIRS);
    }

    /**
     * @param aggregator how values of a key are combined; null to keep every value
     * @param mapSideCombine whether map outputs hold combiners instead of values
     * @param writer runs the map side
     */
    public ShuffleDependency(int shuffleId, DatasetNode parent, Partitioner partitioner, ShuffleKeys keys, Aggregator aggregator, boolean mapSideCombine,
            ShuffleWriter writer)
    {
        this.writer = requireNonNull(writer, "writer is null");
        this.shuffleId = shuffleId;
        this.parent = requireNonNull(parent, "parent is null");
        this.maps = parent.partitions();
        this.partitioner = requireNonNull(partitioner, "partitioner is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.aggregator = aggregator;
        this.mapSideCombine = mapSideCombine && aggregator != null;
    }

    public int shuffleId()
    {
        return shuffleId;
    }

    @Override
    public DatasetNode parent()
    {
        return parent;
    }

    public int maps()
    {
        return maps;
    }

    public Partitioner partitioner()
    {
        return partitioner;
    }

    public ShuffleKeys keys()
    {
        return keys;
    }

    /** Null when values are not combined. */
    public Aggregator aggregator()
    {
        return aggregator;
    }

    public boolean mapSideCombine()
    {
        return mapSideCombine;
    }

    public ShuffleWriter writer()
    {
        return writer;
    }

    public String describe()
    {
        return "shuffle " + shuffleId + ", " + partitioner.partitions() + " partitions, " + keys.describe()
                + (aggregator == null ? "" : mapSideCombine ? ", map-side combine" : ", reduce-side combine");
    }
}
