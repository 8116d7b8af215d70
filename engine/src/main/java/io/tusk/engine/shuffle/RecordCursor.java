package io.tusk.engine.shuffle;

import java.io.Closeable;
import java.io.IOException;

/**
 * A forward-only cursor over serialized shuffle records (prefix, key bytes, value bytes). The
 * buffers returned for the current record are valid until the next call to {@link #next()}; the
 * caller must not modify them. Confined to one thread.
 */
public interface RecordCursor
        extends Closeable
{
    /** Advances to the next record; false at the end. */
    boolean next()
            throws IOException;

    int prefix();

    byte[] keyBuffer();

    int keyOffset();

    int keyLength();

    byte[] valueBuffer();

    int valueOffset();

    int valueLength();

    /**
     * True when the current record's key bytes are known to be the previous record's, so that a
     * reader grouping records may take it for the same key without comparing; false when not known.
     */
    default boolean sameKeyAsPrevious()
    {
        return false;
    }

    /** How many records this cursor returns in all, or -1 if it cannot tell; for progress reports. */
    default long records()
    {
        return -1;
    }

    @Override
    void close()
            throws IOException;

    static RecordCursor empty()
    {
        return EmptyCursor.INSTANCE;
    }
}
