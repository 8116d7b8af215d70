package io.tusk.io;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.dataset.Pair;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.storage.PagedBytes;
import io.tusk.io.cache.CachedFile;
import io.tusk.io.cache.MemoryInputStream;
import io.tusk.io.cache.OutputCache;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.SequenceFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Key-value pairs of Hadoop SequenceFiles (any compression), one partition per {@link FileSplit},
 * split as Hadoop's SequenceFile readers split them: a split reads from the first sync mark after
 * its start to the first sync mark at or after its end. Every record is a {@link Pair} of fresh key
 * and value objects (Hadoop's readers reuse theirs), deserialized with the file's classes through
 * {@code io.serializations}; those classes must be the ones asked for, or subclasses. A file kept
 * in memory as a SequenceFile by the job that wrote it, unchanged since, is read from memory.
 */
public final class SequenceFileSource
        extends FileSource
{
    private final Class<?> keyClass;
    private final Class<?> valueClass;

    public SequenceFileSource(String path, List<FileSplit> splits, Class<?> keyClass, Class<?> valueClass, Map<String, String> settings)
    {
        super("sequenceFile", path, splits, settings);
        this.keyClass = requireNonNull(keyClass, "keyClass is null");
        this.valueClass = requireNonNull(valueClass, "valueClass is null");
    }

    @Override
    protected Iterator<?> open(FileSplit split, Configuration conf, BlockStore store)
            throws IOException
    {
        return new Records(split, conf, store);
    }

    private final class Records
            implements Iterator<Pair<Object, Object>>, AutoCloseable
    {
        private final SequenceFile.Reader in;
        private final long end;
        private boolean more;
        private Pair<Object, Object> next;

        Records(FileSplit split, Configuration conf, BlockStore store)
                throws IOException
        {
            Path file = new Path(split.path());
            FileSystem fs = file.getFileSystem(conf);
            Optional<PagedBytes.Reader> kept = store == null ? Optional.empty() : OutputCache.open(store, fs, file, CachedFile.SEQUENCE);
            this.in = kept.isPresent()
                    ? new SequenceFile.Reader(conf, SequenceFile.Reader.stream(new FSDataInputStream(new MemoryInputStream(kept.get()))),
                            SequenceFile.Reader.length(kept.get().length()))
                    : new SequenceFile.Reader(conf, SequenceFile.Reader.file(fs.makeQualified(file)));
            if (!keyClass.isAssignableFrom(in.getKeyClass()) || !valueClass.isAssignableFrom(in.getValueClass())) {
                String found = in.getKeyClassName() + " and " + in.getValueClassName();
                in.close();
                throw new TuskException(ErrorCode.INVALID_ARGUMENT, "SequenceFile " + file + " holds " + found + ", not "
                        + keyClass.getName() + " and " + valueClass.getName() + "; pass the file's classes (or their supertypes) to sequenceFile");
            }
            this.end = split.start() + split.length();
            if (split.start() > in.getPosition()) {
                in.sync(split.start());
            }
            this.more = in.getPosition() < end;
        }

        @Override
        public boolean hasNext()
        {
            if (next != null) {
                return true;
            }
            if (!more) {
                return false;
            }
            try {
                long position = in.getPosition();
                Object key = in.next((Object) null);
                if (key == null || (position >= end && in.syncSeen())) {
                    close();
                    return false;
                }
                next = new Pair<>(key, in.getCurrentValue((Object) null));
                return true;
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Pair<Object, Object> next()
        {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Pair<Object, Object> record = next;
            next = null;
            return record;
        }

        @Override
        public void close()
        {
            if (more) {
                more = false;
                try {
                    in.close();
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
