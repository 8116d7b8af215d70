package io.tusk.engine.dataset;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;

import java.nio.file.Path;
import java.util.Map;

/** Contexts for tests: a given number of threads and memory budget, files under a test directory. */
final class TestingTusk
{
    private TestingTusk() {}

    static Tusk create(Path localDir, int threads, long memoryBudget)
    {
        TuskConfig config = TuskConfig.fromProperties(Map.of())
                .withThreads(threads)
                .withMemoryBudget(memoryBudget)
                .withPageSize((int) Math.max(4096, Math.min(1 << 20, memoryBudget / 64)))
                .withLocalDir(localDir);
        return Tusk.create(config);
    }
}
