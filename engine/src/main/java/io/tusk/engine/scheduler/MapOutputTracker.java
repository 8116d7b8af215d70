package io.tusk.engine.scheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's record of which executor holds the output of each map of each shuffle. Map outputs
 * live on executors (in memory or spilled); the driver only knows where. Entries go when a shuffle
 * is no longer needed, when a reducer could not fetch an output, or when the executor is lost.
 * Thread-safe.
 */
public final class MapOutputTracker
{
    private final Map<Integer, Map<Integer, String>> shuffles = new ConcurrentHashMap<>();

    /** Records that {@code executor} holds map {@code mapIndex}'s output; the first registration wins. */
    public void register(int shuffleId, int mapIndex, String executor)
    {
        shuffles.computeIfAbsent(shuffleId, id -> new ConcurrentHashMap<>()).putIfAbsent(mapIndex, executor);
    }

    /** The maps among {@code [0, maps)} whose output no executor holds. */
    public List<Integer> missingMaps(int shuffleId, int maps)
    {
        Map<Integer, String> outputs = shuffles.getOrDefault(shuffleId, Map.of());
        List<Integer> missing = new ArrayList<>();
        for (int map = 0; map < maps; map++) {
            if (!outputs.containsKey(map)) {
                missing.add(map);
            }
        }
        return missing;
    }

    public boolean isComplete(int shuffleId, int maps)
    {
        Map<Integer, String> outputs = shuffles.getOrDefault(shuffleId, Map.of());
        for (int map = 0; map < maps; map++) {
            if (!outputs.containsKey(map)) {
                return false;
            }
        }
        return true;
    }

    /** The executor of each map in order; every map must have output. */
    public List<String> locations(int shuffleId, int maps)
    {
        Map<Integer, String> outputs = shuffles.getOrDefault(shuffleId, Map.of());
        List<String> locations = new ArrayList<>(maps);
        for (int map = 0; map < maps; map++) {
            String executor = outputs.get(map);
            if (executor == null) {
                throw new IllegalStateException("map " + map + " of shuffle " + shuffleId + " has no output");
            }
            locations.add(executor);
        }
        return locations;
    }

    /** Forgets one map's output if {@code executor} still holds it (a reducer could not fetch it). */
    public boolean unregister(int shuffleId, int mapIndex, String executor)
    {
        Map<Integer, String> outputs = shuffles.get(shuffleId);
        return outputs != null && outputs.remove(mapIndex, executor);
    }

    /** Forgets every output {@code executor} held; returns the shuffles that lost outputs. */
    public Set<Integer> removeExecutor(String executor)
    {
        Set<Integer> affected = new HashSet<>();
        shuffles.forEach((shuffleId, outputs) -> {
            if (outputs.values().removeIf(executor::equals)) {
                affected.add(shuffleId);
            }
        });
        return affected;
    }

    public void removeShuffle(int shuffleId)
    {
        shuffles.remove(shuffleId);
    }
}
