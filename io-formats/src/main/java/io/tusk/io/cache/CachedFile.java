package io.tusk.io.cache;

import io.tusk.engine.storage.PagedBytes;

import static java.util.Objects.requireNonNull;

/**
 * A committed file kept in the block store: the version of the file it copies, how it was written
 * and its bytes, exactly as in the file.
 *
 * @param format how the file was written, for example {@link #TEXT}; readers serve only formats
 * whose records they can reproduce
 */
public record CachedFile(FileVersion version, String format, PagedBytes bytes)
{
    /** Lines written by Hadoop's {@code TextOutputFormat} (either API), uncompressed. */
    public static final String TEXT = "text";
    /** Records written by Hadoop's {@code SequenceFileOutputFormat} (either API), uncompressed. */
    public static final String SEQUENCE = "sequence";
    /** An Avro container file written by a dataset's {@code saveAsAvroFile} (any codec: the copy holds the file's bytes). */
    public static final String AVRO = "avro";

    public CachedFile
    {
        requireNonNull(version, "version is null");
        requireNonNull(format, "format is null");
        requireNonNull(bytes, "bytes is null");
    }
}
