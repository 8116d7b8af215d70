package io.tusk.engine.shuffle;

import java.io.IOException;
import java.util.List;

/**
 * Keeps the map outputs written by the tasks of one executor and serves the partitions of a shuffle
 * to its reducers: from this process, or fetched from the executors that hold them. Thread-safe.
 */
public interface ShuffleService
        extends AutoCloseable
{
    /** Registers the committed output of map {@code mapIndex}; if the map already has output here, the new one is deleted. */
    void register(int shuffleId, int mapIndex, MapOutput output);

    /**
     * A cursor over {@code partition} of the shuffle, merged in {@code order} from the outputs of all
     * maps; {@code locations} names, in map order, the executor that holds each map's output. A map
     * output that cannot be read fails the cursor with a {@link FetchFailedException}.
     */
    RecordCursor open(int shuffleId, List<String> locations, int partition, SortOrder order)
            throws IOException;

    /** Deletes this executor's outputs of a shuffle that no dataset needs any more. */
    void remove(int shuffleId);

    @Override
    void close();
}
