package io.tusk.io;

import java.util.List;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/** A byte range of one file, with the hosts that store most of it. */
public record FileSplit(String path, long start, long length, List<String> hosts)
{
    public FileSplit
    {
        requireNonNull(path, "path is null");
        checkArgument(start >= 0, "start is negative: %s", start);
        checkArgument(length >= 0, "length is negative: %s", length);
        hosts = List.copyOf(hosts);
    }

    @Override
    public String toString()
    {
        return path + ":" + start + "+" + length;
    }
}
