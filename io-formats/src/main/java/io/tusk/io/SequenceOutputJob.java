package io.tusk.io;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.dataset.Pair;
import io.tusk.io.cache.CachedFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Writes {@link Pair}s into Hadoop SequenceFiles of {@code keyClass} and {@code valueClass},
 * serialized through {@code io.serializations}: uncompressed, or block-compressed with a codec
 * (Hadoop's {@code CompressionCodec} class name). Uncompressed files are kept in memory as
 * SequenceFiles.
 */
public final class SequenceOutputJob
        extends FileOutputJob
{
    private final Class<?> keyClass;
    private final Class<?> valueClass;
    private final String codec;

    /** @param codec a {@code CompressionCodec} class name, or null for no compression */
    public SequenceOutputJob(String path, Class<?> keyClass, Class<?> valueClass, String codec, Map<String, String> settings)
    {
        super(path, settings);
        this.keyClass = requireNonNull(keyClass, "keyClass is null");
        this.valueClass = requireNonNull(valueClass, "valueClass is null");
        this.codec = codec;
    }

    @Override
    protected String keptFormat()
    {
        return codec == null ? CachedFile.SEQUENCE : null;
    }

    @Override
    protected RecordWriter open(FSDataOutputStream out)
            throws IOException
    {
        Configuration conf = HadoopConfigurations.from(settings());
        SequenceFile.Writer.Option compression;
        if (codec == null) {
            compression = SequenceFile.Writer.compression(SequenceFile.CompressionType.NONE);
        }
        else {
            Class<?> codecClass;
            try {
                codecClass = conf.getClassByName(codec);
            }
            catch (ClassNotFoundException e) {
                throw new TuskException(ErrorCode.INVALID_ARGUMENT, "Compression codec " + codec + " not found", e);
            }
            compression = SequenceFile.Writer.compression(SequenceFile.CompressionType.BLOCK, (CompressionCodec) ReflectionUtils.newInstance(codecClass, conf));
        }
        SequenceFile.Writer writer = SequenceFile.createWriter(conf, SequenceFile.Writer.stream(out),
                SequenceFile.Writer.keyClass(keyClass), SequenceFile.Writer.valueClass(valueClass), compression);
        return new RecordWriter()
        {
            @Override
            public void write(Object record)
                    throws IOException
            {
                if (!(record instanceof Pair<?, ?> pair)) {
                    throw new TuskException(ErrorCode.INVALID_ARGUMENT, "saveAsSequenceFile writes Pairs, not " + (record == null ? "null" : record.getClass().getName()));
                }
                writer.append(pair.key(), pair.value());
            }

            @Override
            public void close()
                    throws IOException
            {
                writer.close();
                out.close();
            }
        };
    }
}
