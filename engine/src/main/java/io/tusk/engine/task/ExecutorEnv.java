package io.tusk.engine.task;

import io.tusk.engine.memory.MemoryManager;
import io.tusk.engine.serde.Serde;
import io.tusk.engine.shuffle.ShuffleService;
import io.tusk.engine.shuffle.SpillDirectory;
import io.tusk.engine.storage.BlockStore;

import static java.util.Objects.requireNonNull;

/** What tasks of one executor share: memory, shuffle, cache, local disk and the serde. Thread-safe. */
public record ExecutorEnv(
        Serde serde,
        MemoryManager memoryManager,
        ShuffleService shuffleService,
        BlockStore blockStore,
        SpillDirectory spillDirectory,
        int pageSize)
{
    public ExecutorEnv
    {
        requireNonNull(serde, "serde is null");
        requireNonNull(memoryManager, "memoryManager is null");
        requireNonNull(shuffleService, "shuffleService is null");
        requireNonNull(blockStore, "blockStore is null");
        requireNonNull(spillDirectory, "spillDirectory is null");
    }
}
