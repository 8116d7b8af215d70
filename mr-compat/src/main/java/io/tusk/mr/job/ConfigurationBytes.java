package io.tusk.mr.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableUtils;

import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A configuration in Hadoop's serialized form ({@link Configuration#write}, read back by
 * {@link Configuration#readFields}), written faster: Hadoop compresses the source of every key on
 * its own, a compressor per key (a thousand per job), although a job's keys come from a handful of
 * sources; here each distinct source is compressed once and its bytes repeated.
 */
final class ConfigurationBytes
        extends Configuration
{
    private ConfigurationBytes(Configuration conf)
    {
        // a copy: its properties are visible to a subclass, in the order Hadoop's write would take them
        super(conf);
    }

    /** The bytes {@code conf.write} writes for a copy of {@code conf}. */
    static byte[] of(Configuration conf)
    {
        return written(new ConfigurationBytes(conf)::writeTo);
    }

    private void writeTo(DataOutput out)
            throws IOException
    {
        Properties properties = getProps();
        Map<String, byte[]> compressedSources = new HashMap<>();
        WritableUtils.writeVInt(out, properties.size());
        for (Map.Entry<Object, Object> property : properties.entrySet()) {
            Text.writeString(out, (String) property.getKey());
            Text.writeString(out, (String) property.getValue());
            String[] sources = getPropertySources((String) property.getKey());
            if (sources == null) {
                out.writeInt(-1);
                continue;
            }
            out.writeInt(sources.length);
            for (String source : sources) {
                out.write(compressedSources.computeIfAbsent(source, name -> written(compressed -> WritableUtils.writeCompressedString(compressed, name))));
            }
        }
    }

    private interface Writing
    {
        void to(DataOutput out)
                throws IOException;
    }

    private static byte[] written(Writing writing)
    {
        DataOutputBuffer out = new DataOutputBuffer();
        try {
            writing.to(out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.copyOf(out.getData(), out.getLength());
    }
}
