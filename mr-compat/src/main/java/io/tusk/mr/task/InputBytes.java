package io.tusk.mr.task;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Counter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Counts the input format's {@code BYTES_READ} as Hadoop does: the bytes the task's thread reads
 * from the file system of the split's path while inside the record reader's calls (creating it,
 * {@code initialize}, {@code next}, {@code close}); reads by the mapper itself do not count, and a
 * split that is not a file split counts nothing. Confined to the task's thread.
 */
final class InputBytes
{
    private final FileSystem.Statistics[] statistics;
    private final Counter counter;

    /** @param path the split's file, or null when the split is not a file split */
    InputBytes(Path path, Configuration conf, Counter counter)
    {
        this.counter = counter;
        this.statistics = path == null ? new FileSystem.Statistics[0] : matching(path, conf);
    }

    private static FileSystem.Statistics[] matching(Path path, Configuration conf)
    {
        String scheme;
        try {
            scheme = path.getFileSystem(conf).getScheme();
        }
        catch (IOException e) {
            return new FileSystem.Statistics[0];
        }
        List<FileSystem.Statistics> matched = new ArrayList<>();
        for (FileSystem.Statistics candidate : FileSystem.getAllStatistics()) {
            if (candidate.getScheme().toLowerCase(Locale.ROOT).equals(scheme.toLowerCase(Locale.ROOT))) {
                matched.add(candidate);
            }
        }
        return matched.toArray(new FileSystem.Statistics[0]);
    }

    /** The thread's bytes read so far; pass to {@link #end(long)} after the reader's call. */
    long start()
    {
        long total = 0;
        for (FileSystem.Statistics candidate : statistics) {
            total += candidate.getThreadStatistics().getBytesRead();
        }
        return total;
    }

    void end(long start)
    {
        if (statistics.length > 0) {
            counter.increment(start() - start);
        }
    }
}
