package io.tusk.io;

import java.util.List;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A byte range of one file, with the hosts that store most of it, and the executors that keep the
 * file in memory (empty but on a cluster, where an executor wrote it).
 */
public record FileSplit(String path, long start, long length, List<String> hosts, List<String> executors)
{
    public FileSplit
    {
        requireNonNull(path, "path is null");
        checkArgument(start >= 0, "start is negative: %s", start);
        checkArgument(length >= 0, "length is negative: %s", length);
        hosts = List.copyOf(hosts);
        executors = List.copyOf(executors);
    }

    public FileSplit(String path, long start, long length, List<String> hosts)
    {
        this(path, start, length, hosts, List.of());
    }

    @Override
    public String toString()
    {
        return path + ":" + start + "+" + length;
    }
}
