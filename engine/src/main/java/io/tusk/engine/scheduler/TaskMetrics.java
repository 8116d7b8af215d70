package io.tusk.engine.scheduler;

/**
 * What a successful map attempt wrote into the shuffle: its records, the bytes it keeps in memory
 * and the bytes it spilled to local disk. Zero for result attempts.
 */
public record TaskMetrics(long shuffleRecords, long shuffleMemoryBytes, long shuffleSpilledBytes)
{
    public static final TaskMetrics NONE = new TaskMetrics(0, 0, 0);
}
