package io.tusk.io;

import org.apache.hadoop.fs.FileSystem;

/** What tests measure of reads from local files. */
final class LocalReads
{
    private LocalReads() {}

    /** Bytes read from local files through Hadoop's file systems by every thread so far. */
    static long bytesRead()
    {
        long total = 0;
        for (FileSystem.Statistics statistics : FileSystem.getAllStatistics()) {
            if (statistics.getScheme().equals("file")) {
                total += statistics.getBytesRead();
            }
        }
        return total;
    }
}
