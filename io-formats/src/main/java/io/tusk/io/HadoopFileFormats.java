package io.tusk.io;

import io.tusk.engine.io.FileFormatProvider;
import io.tusk.engine.io.OutputJob;
import io.tusk.engine.plan.Source;

import java.util.Map;

/** Files through Hadoop's {@code FileSystem}: any scheme Hadoop knows, {@code file://} and {@code hdfs://} included. */
public final class HadoopFileFormats
        implements FileFormatProvider
{
    @Override
    public Source textFile(String path, int minPartitions, Map<String, String> settings)
    {
        return new TextFileSource(path, FileSplitter.split(path, minPartitions, HadoopConfigurations.from(settings)), settings);
    }

    @Override
    public OutputJob textOutput(String path, Map<String, String> settings)
    {
        return new TextOutputJob(path, settings);
    }

    @Override
    public Source sequenceFile(String path, Class<?> keyClass, Class<?> valueClass, int minPartitions, Map<String, String> settings)
    {
        return new SequenceFileSource(path, FileSplitter.split(path, minPartitions, HadoopConfigurations.from(settings)), keyClass, valueClass, settings);
    }

    @Override
    public OutputJob sequenceOutput(String path, Class<?> keyClass, Class<?> valueClass, String codec, Map<String, String> settings)
    {
        return new SequenceOutputJob(path, keyClass, valueClass, codec, settings);
    }

    @Override
    public Source avroFile(String path, String readerSchema, Class<?> recordClass, int minPartitions, Map<String, String> settings)
    {
        return new AvroFileSource(path, FileSplitter.split(path, minPartitions, HadoopConfigurations.from(settings)), readerSchema, recordClass, settings);
    }

    @Override
    public OutputJob avroOutput(String path, String schema, String codec, Map<String, String> settings)
    {
        return new AvroOutputJob(path, schema, codec, settings);
    }
}
