package io.tusk.mr.task;

import org.apache.hadoop.io.WritableUtils;

/**
 * Sizes in Hadoop's IFile format, the format of Hadoop's map output files, which its counters
 * {@code MAP_OUTPUT_MATERIALIZED_BYTES} and {@code REDUCE_SHUFFLE_BYTES} measure (here without
 * compression or encryption): a record is its key's and its value's lengths as vints, then their
 * bytes; each partition's segment ends with an end-of-file marker (two vints of -1) and a 4-byte
 * checksum.
 */
final class IFileSizes
{
    /** What ends every partition's segment, even an empty one. */
    static final int SEGMENT_TRAILER = 2 + 4;

    private IFileSizes() {}

    static long record(int keyLength, int valueLength)
    {
        return WritableUtils.getVIntSize(keyLength) + WritableUtils.getVIntSize(valueLength) + (long) keyLength + valueLength;
    }
}
