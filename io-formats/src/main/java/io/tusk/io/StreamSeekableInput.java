package io.tusk.io;

import org.apache.avro.file.SeekableInput;
import org.apache.hadoop.fs.FSDataInputStream;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/** Avro's view of a Hadoop stream of known length: a file of any file system, or a file kept in memory. */
final class StreamSeekableInput
        implements SeekableInput
{
    private final FSDataInputStream in;
    private final long length;

    StreamSeekableInput(FSDataInputStream in, long length)
    {
        this.in = requireNonNull(in, "in is null");
        this.length = length;
    }

    @Override
    public void seek(long position)
            throws IOException
    {
        in.seek(position);
    }

    @Override
    public long tell()
            throws IOException
    {
        return in.getPos();
    }

    @Override
    public long length()
    {
        return length;
    }

    @Override
    public int read(byte[] buffer, int offset, int count)
            throws IOException
    {
        return in.read(buffer, offset, count);
    }

    @Override
    public void close()
            throws IOException
    {
        in.close();
    }
}
