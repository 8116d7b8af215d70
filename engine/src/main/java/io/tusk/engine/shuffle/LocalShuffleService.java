package io.tusk.engine.shuffle;

import java.io.IOException;
import java.util.ArrayList;
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

    /** The first output registered for a map wins; a later one (from a concurrent job) is deleted. */
    @Override
    public void register(int shuffleId, int mapIndex, MapOutput output)
    {
        MapOutput existing = shuffles.computeIfAbsent(shuffleId, id -> new ConcurrentHashMap<>()).putIfAbsent(mapIndex, output);
        if (existing != null && existing != output) {
            output.delete();
        }
    }

    @Override
    public List<Integer> missingMaps(int shuffleId, int maps)
    {
        Map<Integer, MapOutput> outputs = shuffles.getOrDefault(shuffleId, Map.of());
        List<Integer> missing = new ArrayList<>();
        for (int map = 0; map < maps; map++) {
            if (!outputs.containsKey(map)) {
                missing.add(map);
            }
        }
        return missing;
    }

    @Override
    public RecordCursor open(int shuffleId, int maps, int partition, SortOrder order)
            throws IOException
    {
        Map<Integer, MapOutput> outputs = shuffles.get(shuffleId);
        List<RecordCursor> cursors = new ArrayList<>();
        try {
            for (int map = 0; map < maps; map++) {
                MapOutput output = outputs == null ? null : outputs.get(map);
                if (output == null) {
                    throw new IOException("Output of map " + map + " of shuffle " + shuffleId + " is missing");
                }
                cursors.addAll(output.open(partition));
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
