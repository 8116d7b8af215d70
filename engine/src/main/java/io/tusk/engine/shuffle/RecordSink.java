package io.tusk.engine.shuffle;

import java.io.IOException;

/** Receives serialized records in order. Confined to one thread. */
public interface RecordSink
{
    void add(int prefix, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength)
            throws IOException;
}
