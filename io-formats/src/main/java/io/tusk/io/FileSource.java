package io.tusk.io;

import io.tusk.engine.plan.Source;
import io.tusk.engine.storage.BlockStore;
import io.tusk.engine.task.TaskContext;
import io.tusk.io.cache.OutputCache;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Records of files, one partition per {@link FileSplit}, run next to the split's blocks; a
 * subclass reads one split in its format, from memory where the file is kept
 * ({@link OutputCache}) unless {@value OutputCache#ENABLED} is false.
 */
public abstract class FileSource
        implements Source
{
    private final String kind;
    private final String path;
    private final List<FileSplit> splits;
    private final Map<String, String> settings;

    /** @param kind how the dataset API names the source, for example {@code textFile} */
    protected FileSource(String kind, String path, List<FileSplit> splits, Map<String, String> settings)
    {
        this.kind = requireNonNull(kind, "kind is null");
        this.path = requireNonNull(path, "path is null");
        this.splits = List.copyOf(splits);
        this.settings = Map.copyOf(settings);
    }

    public final List<FileSplit> splits()
    {
        return splits;
    }

    @Override
    public final int partitions()
    {
        return splits.size();
    }

    /**
     * The records of {@code split}; an iterator that is {@link AutoCloseable} is closed when the task ends.
     *
     * @param store where kept files are, or null to read the file in any case
     */
    protected abstract Iterator<?> open(FileSplit split, Configuration conf, BlockStore store)
            throws IOException;

    @Override
    public final Iterator<?> read(int partition, TaskContext context)
            throws IOException
    {
        boolean cache = Boolean.parseBoolean(settings.getOrDefault(OutputCache.ENABLED, "true"));
        Iterator<?> records = open(splits.get(partition), HadoopConfigurations.from(settings), cache ? context.env().blockStore() : null);
        if (records instanceof AutoCloseable closeable) {
            context.closeOnCompletion(closeable);
        }
        return records;
    }

    @Override
    public final List<String> preferredHosts(int partition)
    {
        return splits.get(partition).hosts();
    }

    @Override
    public final List<String> preferredExecutors(int partition)
    {
        return splits.get(partition).executors();
    }

    @Override
    public final String describe()
    {
        return kind + " " + path + " (" + splits.size() + " splits)";
    }
}
