package io.tusk.engine.io;

import io.tusk.engine.plan.Source;

import java.util.Map;

/**
 * Reads and writes files for the dataset API. Found with {@link java.util.ServiceLoader}; Tusk's
 * implementation is in {@code tusk-io-formats} and goes through Hadoop's {@code FileSystem}, so any
 * scheme Hadoop knows ({@code file://}, {@code hdfs://}) works.
 */
public interface FileFormatProvider
{
    /**
     * Lines of the text files at {@code path} (a file, a directory or a glob), in at least
     * {@code minPartitions} splits; compressed files are decompressed by extension.
     *
     * @param settings file system settings from the Tusk configuration
     */
    Source textFile(String path, int minPartitions, Map<String, String> settings);

    /** Writes records as lines ({@code toString()}) into {@code part-NNNNN} files under {@code path}. */
    OutputJob textOutput(String path, Map<String, String> settings);

    /**
     * Key-value pairs ({@code Pair}s of fresh objects) of the Hadoop SequenceFiles at {@code path},
     * whose key and value classes must be {@code keyClass} and {@code valueClass} or subclasses.
     */
    Source sequenceFile(String path, Class<?> keyClass, Class<?> valueClass, int minPartitions, Map<String, String> settings);

    /**
     * Writes {@code Pair}s into Hadoop SequenceFiles {@code part-NNNNN} under {@code path}.
     *
     * @param codec a Hadoop {@code CompressionCodec} class name for block compression, or null
     */
    OutputJob sequenceOutput(String path, Class<?> keyClass, Class<?> valueClass, String codec, Map<String, String> settings);

    /**
     * Records of the Avro container files at {@code path}: instances of {@code recordClass} (a
     * generated specific record class) when it is not null, else generic records in
     * {@code readerSchema} (Avro's JSON; null: each file's own schema).
     */
    Source avroFile(String path, String readerSchema, Class<?> recordClass, int minPartitions, Map<String, String> settings);

    /**
     * Writes Avro records (generic or specific) of {@code schema} (Avro's JSON) into Avro container
     * files {@code part-NNNNN.avro} under {@code path}.
     *
     * @param codec an Avro codec name ({@code deflate}, {@code snappy}, {@code zstandard}…), or null for none
     */
    OutputJob avroOutput(String path, String schema, String codec, Map<String, String> settings);
}
