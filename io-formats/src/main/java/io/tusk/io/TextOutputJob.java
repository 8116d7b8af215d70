package io.tusk.io;

import io.tusk.io.cache.CachedFile;
import org.apache.hadoop.fs.FSDataOutputStream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes records as lines ({@code toString()}, UTF-8, each ended by {@code \n}); kept in memory as text. */
public final class TextOutputJob
        extends FileOutputJob
{
    public TextOutputJob(String path, Map<String, String> settings)
    {
        super(path, settings);
    }

    @Override
    protected String keptFormat()
    {
        return CachedFile.TEXT;
    }

    @Override
    protected RecordWriter open(FSDataOutputStream out)
    {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        return new RecordWriter()
        {
            @Override
            public void write(Object record)
                    throws IOException
            {
                writer.write(String.valueOf(record));
                writer.write('\n');
            }

            @Override
            public void close()
                    throws IOException
            {
                writer.close();
            }
        };
    }
}
