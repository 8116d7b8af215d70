package io.tusk.engine.shuffle;

import java.io.IOException;

/**
 * How the blocks of a spill file are stored on disk, for example compressed with a job's map output
 * codec or encrypted: {@link #encode} before a block is written, {@link #decode} after it is read
 * and its checksum (over the encoded bytes) has been checked. Thread-safe.
 */
public interface BlockTransform
{
    /** The stored form of {@code block[0, length)}. */
    byte[] encode(byte[] block, int length)
            throws IOException;

    /** The block {@code encoded[0, length)} stands for. */
    byte[] decode(byte[] encoded, int length)
            throws IOException;

    /** Several transforms, applied in order when encoding and in reverse when decoding. */
    static BlockTransform chain(BlockTransform first, BlockTransform second)
    {
        return new BlockTransform()
        {
            @Override
            public byte[] encode(byte[] block, int length)
                    throws IOException
            {
                byte[] once = first.encode(block, length);
                return second.encode(once, once.length);
            }

            @Override
            public byte[] decode(byte[] encoded, int length)
                    throws IOException
            {
                byte[] once = second.decode(encoded, length);
                return first.decode(once, once.length);
            }
        };
    }
}
