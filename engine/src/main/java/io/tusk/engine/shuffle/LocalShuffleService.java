package io.tusk.engine.shuffle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shuffle service of one process: reducers read map outputs directly from memory and local spill
 * files, without copying. Thread-safe.
 */
public final class LocalShuffleService
        implements ShuffleService
{
    private final Map<Integer, Map<Integer, MapOutput>> shuffles = new ConcurrentHashMap<>();

    /**
     * The latest output registered for a map replaces an earlier one, which is deleted: a map runs
     * again where its output could not be read (a corrupt spill, a failed fetch), and the broken
     * output must not be served again. A reader that already opened the replaced output finishes
     * reading it; one that had not fails its fetch and is run again.
     */
    @Override
    public void register(int shuffleId, int mapIndex, MapOutput output)
    {
        MapOutput previous = shuffles.computeIfAbsent(shuffleId, id -> new ConcurrentHashMap<>()).put(mapIndex, output);
        if (previous != null && previous != output) {
            previous.delete();
        }
    }

    @Override
    public RecordCursor open(int shuffleId, List<String> locations, int partition, SortOrder order)
            throws IOException
    {
        Map<Integer, MapOutput> outputs = shuffles.get(shuffleId);
        int maps = locations.size();
        MapOutput[] mapOutputs = new MapOutput[maps];
        for (int map = 0; map < maps; map++) {
            MapOutput output = outputs == null ? null : outputs.get(map);
            if (output == null) {
                throw new FetchFailedException(shuffleId, map, locations.get(map), "this process holds no such output", null);
            }
            mapOutputs[map] = output;
        }
        List<RecordCursor> cursors = new ArrayList<>();
        try {
            for (int map : mergeOrder(mapOutputs, partition)) {
                MapOutput output = mapOutputs[map];
                int mapIndex = map;
                // runs kept in memory are read as they are, without a wrapper on their per-record path
                cursors.addAll(output.open(partition, file -> new CorruptionFailsFetch(file, shuffleId, mapIndex, locations.get(mapIndex))));
            }
        }
        catch (IOException | RuntimeException e) {
            for (RecordCursor cursor : cursors) {
                cursor.close();
            }
            throw e;
        }
        if (cursors.size() == 1) {
            return cursors.get(0);
        }
        return new MergingCursor(order, cursors);
    }

    /** Reads a map's spilled output; a corrupt spill file fails the fetch, so that the map runs again. */
    /**
     * The maps in the order their runs enter the merge: smallest measured output of the partition
     * first, then by map, as Hadoop's reducer orders the map outputs it holds in memory (where
     * Hadoop's sizes tie, its order depends on the order of its fetches, which is not fixed); by map
     * when the outputs were not measured.
     */
    private static Integer[] mergeOrder(MapOutput[] outputs, int partition)
    {
        Integer[] order = new Integer[outputs.length];
        boolean measured = true;
        for (int map = 0; map < outputs.length; map++) {
            order[map] = map;
            measured &= outputs[map].isMeasured();
        }
        if (measured) {
            Arrays.sort(order, Comparator.comparingLong((Integer map) -> outputs[map].measured(partition)).thenComparingInt(map -> map));
        }
        return order;
    }

    private static final class CorruptionFailsFetch
            extends ForwardingCursor
    {
        private final int shuffleId;
        private final int mapIndex;
        private final String location;

        CorruptionFailsFetch(RecordCursor delegate, int shuffleId, int mapIndex, String location)
        {
            super(delegate);
            this.shuffleId = shuffleId;
            this.mapIndex = mapIndex;
            this.location = location;
        }

        @Override
        public boolean next()
                throws IOException
        {
            try {
                return delegate.next();
            }
            catch (CorruptSpillException e) {
                throw new FetchFailedException(shuffleId, mapIndex, location, e.getMessage(), e);
            }
        }
    }

    /** The output of map {@code mapIndex} registered here, or null; for serving it to other executors. */
    public MapOutput output(int shuffleId, int mapIndex)
    {
        Map<Integer, MapOutput> outputs = shuffles.get(shuffleId);
        return outputs == null ? null : outputs.get(mapIndex);
    }

    @Override
    public void remove(int shuffleId)
    {
        Map<Integer, MapOutput> outputs = shuffles.remove(shuffleId);
        if (outputs != null) {
            outputs.values().forEach(MapOutput::delete);
        }
    }

    @Override
    public void close()
    {
        for (Integer shuffleId : List.copyOf(shuffles.keySet())) {
            remove(shuffleId);
        }
    }
}
