package io.tusk.io;

import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.MemoryInputStream;
import io.tusk.io.cache.OutputCache;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.util.LineReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Lines of text files, one partition per {@link FileSplit}, read with Hadoop's line semantics: a
 * split that does not start a file skips its first (partial) line, and every split reads past its
 * end to finish its last line. Lines end at {@code \n}, {@code \r} or {@code \r\n} and are decoded
 * as UTF-8. A file kept in memory as text by the job that wrote it ({@link OutputCache}), unchanged
 * since, is read from memory.
 */
public final class TextFileSource
        extends FileSource
{
    public TextFileSource(String path, List<FileSplit> splits, Map<String, String> settings)
    {
        super("textFile", path, splits, settings);
    }

    @Override
    protected Iterator<?> open(FileSplit split, Configuration conf, BlockStore store)
            throws IOException
    {
        return new LineIterator(split, conf, store);
    }

    private static final class LineIterator
            implements Iterator<String>, AutoCloseable
    {
        private final InputStream stream;
        private final LineReader reader;
        private final Text line = new Text();
        private final long end;
        private final boolean compressed;
        private long position;
        private String next;
        private boolean done;

        /** @param store where kept job outputs are, or null to read the file in any case */
        LineIterator(FileSplit split, Configuration configuration, BlockStore store)
                throws IOException
        {
            Path file = new Path(split.path());
            FileSystem fs = file.getFileSystem(configuration);
            CompressionCodec codec = new CompressionCodecFactory(configuration).getCodec(file);
            Optional<PagedBytes.Reader> kept = store == null || codec != null ? Optional.empty() : OutputCache.open(store, fs, file, CachedFile.TEXT);
            FSDataInputStream in = kept.isPresent() ? new FSDataInputStream(new MemoryInputStream(kept.get())) : fs.open(file);
            this.compressed = codec != null;
            this.stream = compressed ? codec.createInputStream(in) : in;
            if (!compressed && split.start() > 0) {
                in.seek(split.start());
            }
            this.reader = new LineReader(stream, configuration);
            this.position = split.start();
            this.end = compressed ? Long.MAX_VALUE : split.start() + split.length();
            if (!compressed && split.start() > 0) {
                position += reader.readLine(line);
            }
        }

        @Override
        public boolean hasNext()
        {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                int read = position <= end ? reader.readLine(line) : 0;
                if (read == 0) {
                    close();
                    return false;
                }
                position += read;
                next = line.toString();
                return true;
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String next()
        {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String value = next;
            next = null;
            return value;
        }

        @Override
        public void close()
                throws IOException
        {
            if (!done) {
                done = true;
                stream.close();
            }
        }
    }
}
