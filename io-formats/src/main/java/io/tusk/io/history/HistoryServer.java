package io.tusk.io.history;

import io.tusk.engine.status.StatusStore;
import io.tusk.engine.ui.UiServer;
import io.tusk.io.HadoopConfigurations;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Tusk's history server ({@code tusk history}): the web UI's pages and API for the jobs of
 * processes that have ended, read from the Avro event logs in a directory (by default where jobs
 * write them, see {@link AvroJobLogProvider}), which it reads again every few seconds for jobs
 * that ended since. Logs of processes that were killed read back to their last job.
 */
public final class HistoryServer
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(HistoryServer.class);
    private static final String USAGE = "Usage: tusk history [--dir <event log directory>] [--port <port, default 18088>] [--host <address, default 127.0.0.1>]";
    private static final int RETAINED_JOBS = 10_000;

    private final FileSystem fs;
    private final Path directory;
    private final StatusStore store = new StatusStore(RETAINED_JOBS);
    /** Jobs read from each log so far. */
    private final Map<Path, Integer> read = new HashMap<>();
    /** The complete logs (path, length, time) whose corruption was reported: once each. */
    private final java.util.Set<String> warned = new java.util.HashSet<>();
    private final UiServer ui;

    private HistoryServer(FileSystem fs, Path directory, InetAddress address, int port)
            throws IOException
    {
        this.fs = requireNonNull(fs, "fs is null");
        this.directory = requireNonNull(directory, "directory is null");
        refresh();
        this.ui = UiServer.start(store, address, port);
    }

    public static HistoryServer start(Configuration conf, Path directory, InetAddress address, int port)
            throws IOException
    {
        return new HistoryServer(directory.getFileSystem(conf), directory, address, port);
    }

    public java.net.URI uri()
    {
        return ui.uri();
    }

    /** Reads the jobs that logs in the directory gained since the last time; returns how many. */
    public synchronized int refresh()
            throws IOException
    {
        if (!fs.exists(directory)) {
            return 0;
        }
        List<StatusStore.JobRecord> added = new ArrayList<>();
        for (FileStatus file : fs.listStatus(directory)) {
            String name = file.getPath().getName();
            if (!file.isFile() || !(name.endsWith(JobLogFormat.SUFFIX) || name.endsWith(JobLogFormat.SUFFIX + JobLogFormat.IN_PROGRESS))) {
                continue;
            }
            // a log renamed once complete is the same log: count it under its final name
            Path key = new Path(directory, name.replace(JobLogFormat.IN_PROGRESS, ""));
            int known = read.getOrDefault(key, 0);
            List<StatusStore.JobRecord> jobs = read(file);
            if (jobs.size() > known) {
                added.addAll(jobs.subList(known, jobs.size()));
                read.put(key, jobs.size());
            }
        }
        added.sort(Comparator.comparingLong(StatusStore.JobRecord::submitted));
        added.forEach(store::restore);
        return added.size();
    }

    /**
     * The jobs of one log, as far as it reads: a log being written, or of a killed process, ends in
     * a partial block; a corrupt one is read up to its corruption, with a warning once.
     */
    private List<StatusStore.JobRecord> read(FileStatus file)
    {
        Path log = file.getPath();
        List<StatusStore.JobRecord> jobs = new ArrayList<>();
        try (FSDataInputStream in = fs.open(log)) {
            // to the end of the stream: on HDFS, the listing leaves out the block still written
            JobLogReader.read(in, Long.MAX_VALUE, JobLogFormat.JOB, record -> jobs.add(JobLogFormat.fromAvro(record)));
        }
        catch (IOException | RuntimeException e) {
            if (log.getName().endsWith(JobLogFormat.IN_PROGRESS) || !warned.add(log + " " + file.getLen() + " " + file.getModificationTime())) {
                LOG.debug("Read {} jobs of {}: {}", jobs.size(), log, e.toString());
            }
            else {
                LOG.warn("Read {} jobs of {}, the rest cannot be read: {}", jobs.size(), log, e.toString());
            }
        }
        return jobs;
    }

    @Override
    public void close()
    {
        ui.close();
    }

    public static void main(String[] args)
            throws Exception
    {
        Configuration conf = HadoopConfigurations.from(Map.of());
        String dir = System.getProperty(AvroJobLogProvider.DIRECTORY);
        int port = 18088;
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                System.err.println(USAGE);
                System.exit(2);
            }
            switch (args[i]) {
                case "--dir" -> dir = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--host" -> host = args[++i];
                default -> {
                    System.err.println(USAGE);
                    System.exit(2);
                }
            }
        }
        Path directory = AvroJobLogProvider.directory(conf, dir);
        HistoryServer server = start(conf, directory, InetAddress.getByName(host), port);
        System.err.println("Tusk history server: " + server.uri() + " (jobs of " + directory + "; Ctrl-C stops it)");
        while (true) {
            Thread.sleep(5_000);
            try {
                int added = server.refresh();
                if (added > 0) {
                    LOG.info("{} more jobs from {}", added, directory);
                }
            }
            catch (IOException e) {
                LOG.warn("Cannot read {}: {}", directory, e.toString());
            }
        }
    }
}
