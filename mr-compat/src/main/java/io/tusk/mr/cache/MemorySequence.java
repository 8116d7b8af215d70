package io.tusk.mr.cache;

import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.MemoryInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.io.SequenceFile;

import java.io.IOException;

/**
 * One split of an uncompressed SequenceFile read from its kept bytes with Hadoop's own
 * {@code SequenceFile.Reader}, positioned as Hadoop's record readers position it: at the first sync
 * mark after the split's start (unless the split starts in the header), reading records until one
 * that starts at or after the split's end follows a sync mark. The kept bytes have the file's
 * layout (header, records, sync marks at the same positions) with a sync mark of their own.
 */
final class MemorySequence
{
    final SequenceFile.Reader in;
    private final MemoryInputStream memory;
    final long start;
    final long end;

    MemorySequence(PagedBytes.Reader bytes, long splitStart, long splitLength, Configuration conf)
            throws IOException
    {
        this.memory = new MemoryInputStream(bytes);
        this.in = new SequenceFile.Reader(conf, SequenceFile.Reader.stream(new FSDataInputStream(memory)), SequenceFile.Reader.length(bytes.length()));
        this.end = splitStart + splitLength;
        if (splitStart > in.getPosition()) {
            in.sync(splitStart);
        }
        this.start = in.getPosition();
    }

    /** Whether the record that began at {@code position} (just read) ends the split. */
    boolean pastEnd(long position)
    {
        return position >= end && in.syncSeen();
    }

    /** As Hadoop's readers: the binary ones divide in double precision, the others in float. */
    float progress(boolean binary)
            throws IOException
    {
        if (end == start) {
            return 0.0f;
        }
        if (binary) {
            return Math.min(1.0f, (float) ((in.getPosition() - start) / (double) (end - start)));
        }
        return Math.min(1.0f, (in.getPosition() - start) / (float) (end - start));
    }

    /** Bytes of the file the reader has taken so far. */
    long bytesTaken()
    {
        return memory.delivered();
    }

    void close()
            throws IOException
    {
        in.close();
    }
}
