package io.tusk.engine.shuffle;

import java.io.IOException;
import java.util.List;

/**
 * Keeps the map outputs of shuffles and serves their partitions to reducers. Thread-safe.
 */
public interface ShuffleService
        extends AutoCloseable
{
    /** Registers the committed output of map {@code mapIndex}; if the map already has output, the new one is deleted. */
    void register(int shuffleId, int mapIndex, MapOutput output);

    /** The maps among {@code [0, maps)} of the shuffle that have no registered output. */
    List<Integer> missingMaps(int shuffleId, int maps);

    /**
     * A cursor over {@code partition} of the shuffle, merged from the outputs of all maps in
     * {@code order}. Every map must have registered output.
     */
    RecordCursor open(int shuffleId, int maps, int partition, SortOrder order)
            throws IOException;

    /** Deletes the outputs of a shuffle that no dataset needs any more. */
    void remove(int shuffleId);

    @Override
    void close();
}
