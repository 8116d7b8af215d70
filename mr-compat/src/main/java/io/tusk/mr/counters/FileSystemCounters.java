package io.tusk.mr.counters;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.mapred.Counters;
import org.apache.hadoop.mapreduce.FileSystemCounter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * File system counters of one task attempt, from Hadoop's per-thread file system statistics: a
 * task runs on one worker thread, so the difference between the thread's statistics at the end
 * and at the start is the task's I/O, per scheme ({@code FILE_BYTES_READ}, {@code HDFS_BYTES_WRITTEN},
 * …), as Hadoop reports it. Confined to the task's thread.
 */
public final class FileSystemCounters
{
    private final Map<String, long[]> start = snapshot();

    /**
     * Adds the task's I/O since construction to {@code counters}; bytes written in the output's
     * scheme also count as the output format's. (The input format's bytes are counted around the
     * record reader's calls, see {@link InputBytes}.)
     */
    public void record(Counters counters, String outputScheme)
    {
        Map<String, long[]> end = snapshot();
        end.forEach((scheme, values) -> {
            long[] before = start.getOrDefault(scheme, new long[5]);
            long read = values[0] - before[0];
            long written = values[1] - before[1];
            counters.findCounter(scheme, FileSystemCounter.BYTES_READ).increment(read);
            counters.findCounter(scheme, FileSystemCounter.BYTES_WRITTEN).increment(written);
            counters.findCounter(scheme, FileSystemCounter.READ_OPS).increment(values[2] - before[2]);
            counters.findCounter(scheme, FileSystemCounter.LARGE_READ_OPS).increment(values[3] - before[3]);
            counters.findCounter(scheme, FileSystemCounter.WRITE_OPS).increment(values[4] - before[4]);
            if (scheme.equals(outputScheme)) {
                counters.findCounter(FileOutputFormatCounter.BYTES_WRITTEN).increment(written);
            }
        });
    }

    private static Map<String, long[]> snapshot()
    {
        Map<String, long[]> values = new HashMap<>();
        for (FileSystem.Statistics statistics : FileSystem.getAllStatistics()) {
            FileSystem.Statistics.StatisticsData data = statistics.getThreadStatistics();
            long[] sum = values.computeIfAbsent(statistics.getScheme().toLowerCase(Locale.ROOT), scheme -> new long[5]);
            sum[0] += data.getBytesRead();
            sum[1] += data.getBytesWritten();
            sum[2] += data.getReadOps();
            sum[3] += data.getLargeReadOps();
            sum[4] += data.getWriteOps();
        }
        return values;
    }

    /** The scheme of a path or URI string, {@code file} when it has none. */
    public static String scheme(String path, org.apache.hadoop.conf.Configuration conf)
    {
        if (path == null) {
            return null;
        }
        try {
            return new org.apache.hadoop.fs.Path(path).getFileSystem(conf).getScheme().toLowerCase(Locale.ROOT);
        }
        catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
