package io.tusk.mr.counters;

import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapreduce.TaskCounter;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The JVM counters Hadoop's tasks report: {@code GC_TIME_MILLIS}, the collectors' time while the
 * task ran, and {@code COMMITTED_HEAP_BYTES}, the heap committed at its end. Tasks share one JVM,
 * as in Hadoop's local runner, so concurrent tasks each count a collection that overlaps them.
 */
public final class JvmCounters
{
    private final long gcMillisAtStart = gcMillis();

    public void record(Counters counters)
    {
        counters.findCounter(TaskCounter.GC_TIME_MILLIS).increment(gcMillis() - gcMillisAtStart);
        counters.findCounter(TaskCounter.COMMITTED_HEAP_BYTES).setValue(Runtime.getRuntime().totalMemory());
    }

    private static long gcMillis()
    {
        long total = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
