package io.tusk.mr.history;

import io.tusk.io.history.AvroJobLogProvider;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.counters.AbstractCounters;
import org.apache.hadoop.mapreduce.jobhistory.Event;
import org.apache.hadoop.mapreduce.jobhistory.HistoryEvent;
import org.apache.hadoop.mapreduce.jobhistory.JobFinishedEvent;
import org.apache.hadoop.mapreduce.jobhistory.JobInfoChangeEvent;
import org.apache.hadoop.mapreduce.jobhistory.JobInitedEvent;
import org.apache.hadoop.mapreduce.jobhistory.JobSubmittedEvent;
import org.apache.hadoop.mapreduce.jobhistory.JobUnsuccessfulCompletionEvent;
import org.apache.hadoop.mapreduce.jobhistory.MapAttemptFinishedEvent;
import org.apache.hadoop.mapreduce.jobhistory.ReduceAttemptFinishedEvent;
import org.apache.hadoop.mapreduce.jobhistory.TaskAttemptStartedEvent;
import org.apache.hadoop.mapreduce.jobhistory.TaskAttemptUnsuccessfulCompletionEvent;
import org.apache.hadoop.mapreduce.jobhistory.TaskFailedEvent;
import org.apache.hadoop.mapreduce.jobhistory.TaskFinishedEvent;
import org.apache.hadoop.mapreduce.jobhistory.TaskStartedEvent;
import org.apache.hadoop.mapreduce.util.MRJobConfUtil;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A MapReduce job's history in Hadoop's own format, as the MapReduce application master writes it:
 * the job's events (submitted, inited, task and attempt started / finished / failed, job finished,
 * failed or killed, with counters, hosts and localities) recorded in memory as they happen, then
 * written as an Avro {@code .jhist} file under Hadoop's done-file name, with the job's
 * {@code _conf.xml} and {@code .summary}, into {@code mapreduce.jobhistory.intermediate-done-dir}/user
 * (by default {@code /tmp/hadoop-yarn/staging/history/done_intermediate/<user>} of the default file
 * system), where Hadoop's JobHistory server picks them up and {@code JobHistoryParser} and
 * {@code mapred job -history} read them. For jobs run locally and on YARN alike; on the local file
 * system histories older than {@code mapreduce.jobhistory.max-age-ms} are removed, as the JobHistory
 * server does on a cluster. Written off the job's threads after it ends; a failure to write is a
 * warning, never the job's. Off with {@code tusk.history.enabled=false}. Thread-safe.
 */
public final class JobHistoryRecorder
{
    private static final Logger LOG = LogManager.getLogger(JobHistoryRecorder.class);
    public static final String ENABLED = "tusk.history.enabled";
    private static final String FORMAT = "mapreduce.jobhistory.jhist.format";
    private static final String MAX_AGE = "mapreduce.jobhistory.max-age-ms";
    private static final long DEFAULT_MAX_AGE = TimeUnit.DAYS.toMillis(7);
    private static final int JOB_NAME_LIMIT = 50;
    /** The local directories whose old histories this process removed. */
    private static final Set<Path> PRUNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Touched after each removal of old histories from a directory: the next comes an hour later at the earliest. */
    static final String PRUNED_MARKER = ".tusk-history-pruned";
    private static final long PRUNE_INTERVAL_MILLIS = TimeUnit.HOURS.toMillis(1);
    /**
     * Removes old histories off the path of the writes (and of the process's exit), which never wait
     * for it; its one thread ends a second after its last removal: a process keeps no thread for it.
     */
    private static final ExecutorService PRUNER = new java.util.concurrent.ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "tusk-job-history-pruner");
                thread.setDaemon(true);
                thread.setPriority(Thread.MIN_PRIORITY);
                return thread;
            });
    private static final Counters NO_COUNTERS = new Counters();

    /** Writes histories in the background; the process waits for them (a while) when it exits. */
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tusk-job-history");
        thread.setDaemon(true);
        return thread;
    });

    static {
        // before Hadoop closes its file systems at exit (priority 10)
        ShutdownHookManager.get().addShutdownHook(() -> {
            WRITER.shutdown();
            try {
                WRITER.awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 20);
    }

    /**
     * Waits up to {@code millis} for the histories of jobs that ended so far to be written: a process
     * that is about to be ended from outside (a master that tells YARN it is done) calls it first.
     */
    public static void awaitWrites(long millis)
    {
        try {
            WRITER.submit(() -> {}).get(millis, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("The job history may be incomplete: its writes did not end within {} ms", millis);
        }
    }

    private final JobID jobId;
    private final JobConf conf;
    private final long submitTime;
    /**
     * What happened, in order, as the events it becomes: they are made on the writer's thread when the
     * job has ended, not on the scheduler's as tasks end (Hadoop's events cost a copy of the
     * counters and more each).
     */
    private final List<Recorded> recorded = new ArrayList<>();
    private final Set<TaskID> startedTasks = new HashSet<>();
    private final Map<TaskAttemptID, Long> attemptStarts = new HashMap<>();
    private long launchTime;
    private String historyFile;

    private JobHistoryRecorder(JobID jobId, JobConf conf, long submitTime)
    {
        this.jobId = requireNonNull(jobId, "jobId is null");
        this.conf = requireNonNull(conf, "conf is null");
        this.submitTime = submitTime;
    }

    /**
     * A recorder for the job, or null when the job turns history off or its id is not one Hadoop's
     * history tools read: they take the digits of a cluster's start time (as Tusk's jobs have), not
     * a local runner's {@code job_local…}.
     */
    public static JobHistoryRecorder of(JobID jobId, JobConf conf, long submitTime)
    {
        if (!conf.getBoolean(ENABLED, true)) {
            return null;
        }
        String identifier = jobId.getJtIdentifier();
        if (identifier.isEmpty() || !identifier.chars().allMatch(character -> character >= '0' && character <= '9')) {
            LOG.debug("No history for {}: Hadoop's history tools read job ids of a cluster only", jobId);
            return null;
        }
        return new JobHistoryRecorder(jobId, conf, submitTime);
    }

    public synchronized void jobStarted(long time, int maps, int reduces)
    {
        launchTime = time;
        recorded.add(made -> {
            made.events.add(new JobSubmittedEvent(jobId, conf.getJobName(), conf.getUser(), submitTime, confFileName(), Map.of(), conf.getQueueName()));
            made.events.add(new JobInitedEvent(jobId, time, maps, reduces, JobStatus.State.PREP.name(), false));
            made.events.add(new JobInfoChangeEvent(jobId, submitTime, time));
        });
    }

    /** The attempt started; its start event is written when it ends, with the host it ran on. */
    public synchronized void attemptStarted(TaskAttemptID attempt, long time)
    {
        if (startedTasks.add(attempt.getTaskID())) {
            recorded.add(made -> made.events.add(new TaskStartedEvent(attempt.getTaskID(), time, attempt.getTaskType(), "")));
        }
        attemptStarts.put(attempt, time);
    }

    private void started(TaskAttemptID attempt, long end, String host, String locality)
    {
        Long start = attemptStarts.remove(attempt);
        long started = start == null ? end : start;
        if (startedTasks.add(attempt.getTaskID())) {
            recorded.add(made -> made.events.add(new TaskStartedEvent(attempt.getTaskID(), started, attempt.getTaskType(), "")));
        }
        recorded.add(made -> made.events.add(new TaskAttemptStartedEvent(attempt, attempt.getTaskType(), started, host, -1, -1, locality, "VIRGIN")));
    }

    /**
     * The attempt succeeded on {@code host}; the task succeeded with it.
     *
     * @param locality Hadoop's name of where a map ran from its input: {@code NODE_LOCAL},
     *         {@code RACK_LOCAL} or {@code OFF_SWITCH}
     * @param attemptCounters what the attempt counted; not changed by anyone afterwards (they are read
     *         when the history is written)
     */
    public synchronized void attemptSucceeded(TaskAttemptID attempt, long time, String host, String locality, AbstractCounters<?, ?> attemptCounters)
    {
        started(attempt, time, host, locality);
        recorded.add(made -> {
            TaskType type = attempt.getTaskType();
            Counters counters = attemptCounters == null ? NO_COUNTERS : new Counters(attemptCounters);
            if (type == TaskType.MAP) {
                made.mapCounters.incrAllCounters(counters);
                made.events.add(new MapAttemptFinishedEvent(attempt, type, "SUCCEEDED", time, time, host, -1, "/default-rack", "map", counters, null));
            }
            else {
                made.reduceCounters.incrAllCounters(counters);
                made.events.add(new ReduceAttemptFinishedEvent(attempt, type, "SUCCEEDED", time, time, time, host, -1, "/default-rack", "reduce", counters, null));
            }
            made.events.add(new TaskFinishedEvent(attempt.getTaskID(), attempt, time, type, "SUCCEEDED", counters));
        });
    }

    /** The attempt failed or was killed with {@code error}. */
    public synchronized void attemptFailed(TaskAttemptID attempt, long time, String host, boolean killed, String error)
    {
        started(attempt, time, host, "OFF_SWITCH");
        recorded.add(made -> made.events.add(new TaskAttemptUnsuccessfulCompletionEvent(attempt, attempt.getTaskType(), killed ? "KILLED" : "FAILED", time, host,
                -1, "/default-rack", error, NO_COUNTERS, null)));
    }

    /** The task failed for good with the failure of {@code attempt}. */
    public synchronized void taskFailed(TaskAttemptID attempt, long time, String error)
    {
        recorded.add(made -> made.events.add(new TaskFailedEvent(attempt.getTaskID(), time, attempt.getTaskType(), error, "FAILED", attempt, NO_COUNTERS)));
    }

    /**
     * Records the job's end and writes its history in the background.
     *
     * @param counters the job's counters; all counted as the total
     */
    public void jobEnded(JobStatus.State state, long time, int totalMaps, int totalReduces, int succeededMaps, int succeededReduces, int failedMaps,
            int failedReduces, int killedMaps, int killedReduces, Counters counters, String diagnostics)
    {
        List<Recorded> happened;
        long started;
        synchronized (this) {
            if (state == JobStatus.State.SUCCEEDED) {
                recorded.add(made -> made.events.add(new JobFinishedEvent(jobId, time, succeededMaps, succeededReduces, failedMaps, failedReduces, killedMaps,
                        killedReduces, made.mapCounters, made.reduceCounters, counters)));
            }
            else {
                recorded.add(made -> made.events.add(new JobUnsuccessfulCompletionEvent(jobId, time, succeededMaps, succeededReduces, failedMaps, failedReduces,
                        killedMaps, killedReduces, state.name(), diagnostics == null || diagnostics.isEmpty() ? List.of() : List.of(diagnostics))));
            }
            happened = List.copyOf(recorded);
            started = launchTime == 0 ? submitTime : launchTime;
        }
        String doneName = doneFileName(jobId, submitTime, conf.getUser(), conf.getJobName(), time, totalMaps, totalReduces, state.name(), conf.getQueueName(),
                started);
        String summary = "jobId=" + jobId + ",submitTime=" + submitTime + ",launchTime=" + started + ",finishTime=" + time + ",numMaps=" + totalMaps
                + ",numReduces=" + totalReduces + ",user=" + conf.getUser() + ",queue=" + conf.getQueueName()
                + ",status=" + state.name() + ",jobName=" + conf.getJobName() + "\n";
        WRITER.execute(() -> {
            try {
                write(make(happened), doneName, summary);
                synchronized (this) {
                    historyFile = new Path(directory(), doneName).toString();
                }
            }
            catch (IOException | RuntimeException e) {
                LOG.warn("Cannot write the history of {} into {}: {}", jobId, directory(), e.toString());
            }
        });
    }

    /** The events of what happened, in order; what cannot be made into events is left out with a warning. */
    private List<HistoryEvent> make(List<Recorded> happened)
    {
        Made made = new Made();
        int failed = 0;
        RuntimeException first = null;
        for (Recorded record : happened) {
            try {
                record.make(made);
            }
            catch (RuntimeException e) {
                failed++;
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            LOG.warn("Cannot make {} of the {} things recorded of {} into history events; its history leaves them out: {}", failed, happened.size(), jobId,
                    first.toString());
        }
        return made.events;
    }

    /** Something that happened, made into its history events. */
    private interface Recorded
    {
        void make(Made made);
    }

    /** The events made so far, and what the successful attempts of maps and of reduces counted in them. */
    private static final class Made
    {
        private final List<HistoryEvent> events = new ArrayList<>();
        private final Counters mapCounters = new Counters();
        private final Counters reduceCounters = new Counters();
    }

    private Path directory()
    {
        return directory(conf, conf.getUser());
    }

    private static Path directory(Configuration conf, String user)
    {
        return AvroJobLogProvider.intermediateDoneDirectory(conf, user);
    }

    /** The job's history file once it is written, else null. */
    public synchronized String historyFile()
    {
        return historyFile;
    }

    /**
     * The status of a job that ended in an earlier process, from the history it left in the current
     * user's directory: its state, its {@code _conf.xml} as its job file and its history file, as
     * Hadoop's job client needs them to show it ({@code mapred job -history <job id>}). Empty when
     * there is none.
     */
    public static java.util.Optional<org.apache.hadoop.mapred.JobStatus> findEnded(Configuration conf, JobID jobId)
            throws IOException
    {
        String user = org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName();
        Path directory = directory(conf, user);
        FileSystem fs = directory.getFileSystem(conf);
        if (!fs.exists(directory)) {
            return java.util.Optional.empty();
        }
        FileStatus[] histories = fs.globStatus(new Path(directory, jobId + "-*.jhist"));
        if (histories == null || histories.length == 0) {
            return java.util.Optional.empty();
        }
        Path history = histories[0].getPath();
        // jobId-submitTime-user-jobName-finishTime-maps-reduces-status-queue-startTime.jhist, each field URL-encoded
        String[] fields = history.getName().substring(0, history.getName().length() - ".jhist".length()).split("-");
        if (fields.length < 10) {
            return java.util.Optional.empty();
        }
        JobStatus.State state = switch (decode(fields[7])) {
            case "SUCCEEDED" -> JobStatus.State.SUCCEEDED;
            case "KILLED" -> JobStatus.State.KILLED;
            default -> JobStatus.State.FAILED;
        };
        StatusWithHistory status = new StatusWithHistory(jobId, 1f, 1f, 1f, 1f, state, decode(fields[2]), decode(fields[3]), decode(fields[8]),
                new Path(directory, jobId + "_conf.xml").toString(), "", history.toString(), Long.parseLong(fields[1]), Long.parseLong(fields[4]));
        return java.util.Optional.of(status);
    }

    private String confFileName()
    {
        return new Path(directory(), jobId + "_conf.xml").toString();
    }

    private void write(List<HistoryEvent> written, String doneName, String summary)
            throws IOException
    {
        Path directory = directory();
        FileSystem fs = directory.getFileSystem(conf);
        if (fs instanceof ChecksumFileSystem checksummed) {
            // as on a cluster's file system: no .crc beside each file
            fs = checksummed.getRawFileSystem();
        }
        fs.mkdirs(directory, new FsPermission((short) 01777));
        if ("file".equals(fs.getUri().getScheme()) && PRUNED.add(directory)) {
            FileSystem local = fs;
            long oldest = System.currentTimeMillis() - conf.getLong(MAX_AGE, DEFAULT_MAX_AGE);
            PRUNER.execute(() -> pruneNowAndThen(local, directory, oldest));
        }
        // the history file last and under a temporary name first: the JobHistory server takes what has its final name
        try (FSDataOutputStream out = fs.create(new Path(directory, jobId + "_conf.xml_tmp"), true)) {
            writeConf(redacted(conf), out);
        }
        fs.rename(new Path(directory, jobId + "_conf.xml_tmp"), new Path(directory, jobId + "_conf.xml"));
        try (FSDataOutputStream out = fs.create(new Path(directory, jobId + ".summary_tmp"), true)) {
            out.write(summary.getBytes(StandardCharsets.UTF_8));
        }
        fs.rename(new Path(directory, jobId + ".summary_tmp"), new Path(directory, jobId + ".summary"));
        Path temporary = new Path(directory, doneName + "_tmp");
        try (FSDataOutputStream out = fs.create(temporary, true)) {
            writeEvents(out, written, !conf.get(FORMAT, "binary").equalsIgnoreCase("json"));
        }
        fs.rename(temporary, new Path(directory, doneName));
        LOG.debug("Wrote the history of {} into {}", jobId, directory);
    }

    /**
     * Removes old histories unless that was done less than an hour ago (a directory of many
     * thousand histories takes a second or more to list, which no process should pay at every job).
     */
    static void pruneNowAndThen(FileSystem fs, Path directory, long oldest)
    {
        Path marker = new Path(directory, PRUNED_MARKER);
        try {
            if (fs.exists(marker) && fs.getFileStatus(marker).getModificationTime() > System.currentTimeMillis() - PRUNE_INTERVAL_MILLIS) {
                return;
            }
            // claimed first: a process that exits while it lists (its pruner is not waited for) leaves the rest to the next hour
            fs.create(marker, true).close();
            removeOldHistories(fs, directory, oldest);
        }
        catch (IOException | RuntimeException e) {
            LOG.debug("Cannot remove old histories from {}: {}", directory, e.toString());
        }
    }

    /**
     * Removes the histories older than {@code oldest} from {@code directory} of the local file system
     * {@code fs}: on a cluster Hadoop's JobHistory server does it; on one machine nothing else would.
     * Read with one system call per history, not through Hadoop's local file system, which reads
     * each file's status twice and builds its {@code Path} (a week of histories can be 60,000 files).
     * Symbolic links are left alone.
     */
    static void removeOldHistories(FileSystem fs, Path directory, long oldest)
            throws IOException
    {
        int removed = 0;
        int failed = 0;
        // the URI's path: Path.of(URI) refuses a file URI with a host, or with characters beyond ASCII unescaped (as Hadoop leaves them)
        try (DirectoryStream<java.nio.file.Path> files = Files.newDirectoryStream(java.nio.file.Path.of(fs.makeQualified(directory).toUri().getPath()))) {
            for (java.nio.file.Path file : files) {
                String name = file.getFileName().toString();
                if (!(name.endsWith(".jhist") || name.endsWith("_conf.xml") || name.endsWith(".summary") || name.endsWith("_tmp"))) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().toMillis() < oldest && Files.deleteIfExists(file)) {
                        removed++;
                    }
                }
                catch (NoSuchFileException e) {
                    // removed meanwhile
                }
                catch (IOException e) {
                    // another user's history in the shared directory: the others are still removed
                    failed++;
                    LOG.debug("Cannot remove the old history {}: {}", file, e.toString());
                }
            }
        }
        if (removed > 0 || failed > 0) {
            LOG.info("Removed {} job history files older than {} ms from {} ({}){}", removed, System.currentTimeMillis() - oldest, directory, MAX_AGE,
                    failed > 0 ? "; " + failed + " could not be removed" : "");
        }
    }

    /**
     * The configuration as Hadoop's application master writes it into a job's history: each property
     * {@code mapreduce.job.redacted-properties} names (secrets a job needs, such as a store's keys)
     * set to Hadoop's redacted value, whether the job set it or not.
     */
    static Configuration redacted(Configuration conf)
    {
        if (conf.getTrimmedStringCollection(MRJobConfig.MR_JOB_REDACTED_PROPERTIES).isEmpty()) {
            return conf;
        }
        Configuration copy = new Configuration(conf);
        MRJobConfUtil.redact(copy);
        return copy;
    }

    /**
     * The configuration as {@code Configuration.writeXml} writes it (each property with its value,
     * whether it is final, and its sources), without building a DOM: in a tenth of the time.
     */
    static void writeConf(Configuration conf, OutputStream out)
            throws IOException
    {
        Map<String, String> properties = new TreeMap<>();
        for (Map.Entry<String, String> property : conf) {
            properties.put(property.getKey(), property.getValue());
        }
        Set<String> finals = conf.getFinalParameters();
        StringBuilder xml = new StringBuilder(properties.size() * 160);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><configuration>\n");
        for (Map.Entry<String, String> property : properties.entrySet()) {
            xml.append("<property><name>");
            escape(xml, property.getKey());
            xml.append("</name><value>");
            escape(xml, property.getValue());
            xml.append("</value><final>").append(finals.contains(property.getKey())).append("</final>");
            String[] sources = conf.getPropertySources(property.getKey());
            if (sources != null) {
                for (String source : sources) {
                    xml.append("<source>");
                    escape(xml, source);
                    xml.append("</source>");
                }
            }
            xml.append("</property>\n");
        }
        xml.append("</configuration>\n");
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        writer.append(xml);
        writer.flush();
    }

    private static void escape(StringBuilder xml, String text)
    {
        for (int i = 0; i < text.length(); i++) {
            char character = text.charAt(i);
            switch (character) {
                case '&' -> xml.append("&amp;");
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '"' -> xml.append("&quot;");
                default -> {
                    if (character < 0x20 && character != '\t' && character != '\n' && character != '\r') {
                        xml.append("&#").append((int) character).append(';');
                    }
                    else {
                        xml.append(character);
                    }
                }
            }
        }
    }

    /** The event schema as {@code writeBytes} writes it (each char's low byte), made once, by the first history written (not on a job's way). */
    private static final class EventSchema
    {
        static final byte[] BYTES = lowBytes(Event.SCHEMA$.toString());

        private static byte[] lowBytes(String text)
        {
            byte[] bytes = new byte[text.length()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) text.charAt(i);
            }
            return bytes;
        }
    }

    /** Hadoop's history file: the format's name, the event schema, then each event as an Avro {@code Event}. */
    static void writeEvents(FSDataOutputStream out, List<HistoryEvent> events, boolean binary)
            throws IOException
    {
        out.writeBytes(binary ? "Avro-Binary" : "Avro-Json");
        out.writeBytes("\n");
        out.write(EventSchema.BYTES);
        out.writeBytes("\n");
        Encoder encoder = binary ? EncoderFactory.get().binaryEncoder(out, null) : EncoderFactory.get().jsonEncoder(Event.SCHEMA$, out);
        SpecificDatumWriter<Event> writer = new SpecificDatumWriter<>(Event.class);
        for (HistoryEvent event : events) {
            Event wrapper = new Event();
            wrapper.setType(event.getEventType());
            wrapper.setEvent(event.getDatum());
            writer.write(wrapper, encoder);
            if (!binary) {
                encoder.flush();
                out.writeBytes("\n");
            }
        }
        encoder.flush();
    }

    /** Hadoop's done-file name, which its JobHistory server parses: fields joined by '-', each URL-encoded, '-' escaped. */
    static String doneFileName(JobID jobId, long submitTime, String user, String jobName, long finishTime, int maps, int reduces, String status,
            String queue, long startTime)
    {
        return String.join("-", encode(jobId.toString()), String.valueOf(submitTime), encode(nonEmpty(user)), trim(encode(nonEmpty(jobName))),
                String.valueOf(finishTime), String.valueOf(maps), String.valueOf(reduces), encode(status), encode(nonEmpty(queue)), String.valueOf(startTime))
                + ".jhist";
    }

    private static String nonEmpty(String value)
    {
        return value == null || value.isEmpty() ? "NA" : value;
    }

    private static String encode(String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("-", "%2D");
    }

    private static String decode(String field)
    {
        return java.net.URLDecoder.decode(field, StandardCharsets.UTF_8);
    }

    /** At most {@link #JOB_NAME_LIMIT} characters, never cutting an escape or a character's escapes apart. */
    private static String trim(String encoded)
    {
        if (encoded.length() <= JOB_NAME_LIMIT) {
            return encoded;
        }
        int end = 0;
        while (end < encoded.length()) {
            int next = end + 1;
            if (encoded.charAt(end) == '%') {
                int first = Integer.parseInt(encoded.substring(end + 1, end + 3), 16);
                next = end + (first < 0x80 ? 3 : first < 0xE0 ? 6 : first < 0xF0 ? 9 : 12);
            }
            if (next > JOB_NAME_LIMIT) {
                break;
            }
            end = next;
        }
        return encoded.substring(0, end);
    }
}
