package io.tusk.mr.counters;

import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapreduce.TaskCounter;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The JVM counters Hadoop's tasks report: {@code GC_TIME_MILLIS}, the collectors' time while the
 * task ran, and {@code COMMITTED_HEAP_BYTES}, the heap committed at its end; on a cluster also
 * {@code CPU_MILLISECONDS}. Tasks share one JVM, as in Hadoop's local runner, so concurrent tasks
 * each count a collection that overlaps them; the physical and virtual memory snapshots of a task's
 * process are not counted (its process is every task's).
 */
public final class JvmCounters
{
    /** The JVM's collectors, fixed for its life (asking for them builds their beans anew each time). */
    private static final List<GarbageCollectorMXBean> COLLECTORS = List.copyOf(ManagementFactory.getGarbageCollectorMXBeans());

    private final long gcMillisAtStart = gcMillis();
    /** The task thread's CPU time at its start in ns, or -1 when not measured. */
    private final long cpuNanosAtStart;

    public JvmCounters()
    {
        this(false);
    }

    /**
     * @param cpu whether to count {@code CPU_MILLISECONDS}: the CPU time of the task's thread (a task
     * runs on one thread), as a cluster counts it per task; Hadoop's local runner does not count it
     */
    private JvmCounters(boolean cpu)
    {
        this.cpuNanosAtStart = cpu ? threadCpuNanos() : -1;
    }

    /** The current thread's CPU time in ns, or -1 when the JVM does not measure it. */
    private static long threadCpuNanos()
    {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }

    /** Counters of a task that runs with {@code conf}, started now on the task's thread: with CPU time on a cluster. */
    public static JvmCounters start(org.apache.hadoop.conf.Configuration conf)
    {
        return new JvmCounters("tusk-yarn".equals(conf.get(org.apache.hadoop.mapreduce.MRConfig.FRAMEWORK_NAME)));
    }

    /** Records the task's counters; on the task's thread, at its end. */
    public void record(Counters counters)
    {
        counters.findCounter(TaskCounter.GC_TIME_MILLIS).increment(gcMillis() - gcMillisAtStart);
        counters.findCounter(TaskCounter.COMMITTED_HEAP_BYTES).setValue(Runtime.getRuntime().totalMemory());
        if (cpuNanosAtStart >= 0) {
            long cpu = threadCpuNanos();
            if (cpu >= 0) {
                counters.findCounter(TaskCounter.CPU_MILLISECONDS).increment((cpu - cpuNanosAtStart) / 1_000_000);
            }
        }
    }

    private static long gcMillis()
    {
        long total = 0;
        for (GarbageCollectorMXBean collector : COLLECTORS) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
