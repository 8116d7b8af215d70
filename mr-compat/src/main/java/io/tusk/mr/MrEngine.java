package io.tusk.mr;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.io.history.AvroJobLogProvider;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.MRConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The engine that runs this process's MapReduce jobs: the program's own local Tusk context if it
 * has one open (jobs and datasets then share threads, memory and kept outputs), else one shared
 * context created with the {@code tusk.*} settings of the first job's configuration (and system
 * properties), so that jobs share worker threads, memory and cached data, and closed when the
 * process exits. Thread-safe.
 */
final class MrEngine
{
    private static final Logger LOG = LogManager.getLogger(MrEngine.class);
    private static Tusk tusk;

    private MrEngine() {}

    static synchronized Tusk get(Configuration conf)
    {
        if (tusk == null || tusk.isClosed()) {
            Optional<Tusk> program = Tusk.openLocal();
            if (program.isPresent()) {
                // the program's context: not ours to close
                return program.get();
            }
            Map<String, String> properties = new LinkedHashMap<>();
            System.getProperties().forEach((key, value) -> {
                if (key.toString().startsWith("tusk.")) {
                    properties.put(key.toString(), value.toString());
                }
            });
            for (Map.Entry<String, String> entry : conf) {
                if (entry.getKey().startsWith("tusk.")) {
                    properties.put(entry.getKey(), entry.getValue());
                }
            }
            if (!properties.containsKey(TuskConfig.LOCAL_DIR)) {
                clusterLocalDirs(conf).ifPresent(dirs -> properties.put(TuskConfig.LOCAL_DIR, dirs));
            }
            if (!properties.containsKey(AvroJobLogProvider.DIRECTORY)) {
                // Tusk's event log beside the jobs' .jhist files, on the jobs' file system
                try {
                    Path directory = AvroJobLogProvider.directory(conf, null);
                    properties.put(AvroJobLogProvider.DIRECTORY, directory.getFileSystem(conf).makeQualified(directory).toString());
                }
                catch (IOException | RuntimeException e) {
                    LOG.debug("No directory for Tusk's event log: {}", e.toString());
                }
            }
            // MapReduce jobs pick their cluster with mapreduce.framework.name; tusk.master=yarn is for the dataset API
            if (!TuskConfig.isLocal(properties.getOrDefault(TuskConfig.MASTER, "local[*]"))) {
                properties.remove(TuskConfig.MASTER);
            }
            Tusk created = Tusk.create(TuskConfig.fromProperties(properties));
            Runtime.getRuntime().addShutdownHook(new Thread(created::close, "tusk-shutdown"));
            tusk = created;
        }
        return tusk;
    }

    /**
     * The {@code mapreduce.cluster.local.dir} list that a site file or the job sets (not Hadoop's
     * default under {@code hadoop.tmp.dir}), comma-separated: where no {@code tusk.local.dir} is
     * given, Tusk spills where Hadoop's tasks would, spread over the same disks.
     */
    static Optional<String> clusterLocalDirs(Configuration conf)
    {
        String[] sources = conf.getPropertySources(MRConfig.LOCAL_DIR);
        if (sources == null || Arrays.stream(sources).allMatch(source -> source.endsWith("-default.xml"))) {
            return Optional.empty();
        }
        String[] dirs = conf.getTrimmedStrings(MRConfig.LOCAL_DIR);
        return dirs.length == 0 ? Optional.empty() : Optional.of(String.join(",", dirs));
    }
}
