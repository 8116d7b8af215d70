package io.tusk.io.cache;

import io.tusk.engine.storage.PagedBytes;
import org.apache.hadoop.fs.FSInputStream;

import java.io.EOFException;
import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * A seekable stream over kept bytes, for Hadoop's readers that take an {@code FSDataInputStream}.
 * Counts the bytes it hands out. Closing it closes its reader (the bytes' pages may then be reused
 * once they are released). Confined to one thread.
 */
public final class MemoryInputStream
        extends FSInputStream
{
    private final PagedBytes.Reader bytes;
    private final byte[] one = new byte[1];
    private long position;
    private long delivered;

    public MemoryInputStream(PagedBytes.Reader bytes)
    {
        this.bytes = requireNonNull(bytes, "bytes is null");
    }

    /** Bytes read so far (positioned reads included). */
    public long delivered()
    {
        return delivered;
    }

    @Override
    public void seek(long target)
            throws IOException
    {
        if (target < 0) {
            throw new EOFException("Cannot seek to negative offset " + target);
        }
        if (target > bytes.length()) {
            throw new EOFException("Cannot seek to " + target + " past the end " + bytes.length());
        }
        position = target;
    }

    @Override
    public long getPos()
    {
        return position;
    }

    @Override
    public boolean seekToNewSource(long targetPos)
    {
        return false;
    }

    @Override
    public int read()
    {
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length)
    {
        if (length == 0) {
            return 0;
        }
        int n = bytes.read(position, target, offset, length);
        if (n > 0) {
            position += n;
            delivered += n;
        }
        return n;
    }

    @Override
    public int read(long at, byte[] target, int offset, int length)
    {
        if (length == 0) {
            return 0;
        }
        int n = bytes.read(at, target, offset, length);
        if (n > 0) {
            delivered += n;
        }
        return n;
    }

    @Override
    public int available()
    {
        return (int) Math.min(Integer.MAX_VALUE, bytes.length() - position);
    }

    @Override
    public void close()
    {
        bytes.close();
    }
}
