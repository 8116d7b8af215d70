package io.tusk.mr.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.tusk.engine.serde.KryoInputs;
import io.tusk.engine.task.TaskContext;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.security.Credentials;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What every task of a MapReduce job needs: the job's configuration, where its splits are, and how
 * many maps and reduces it has. Immutable; travels to tasks through the engine's serde (which
 * copies every stage's tasks), the configuration in Hadoop's own serialized form, written once. The
 * tasks in the process that submitted the job share the spec's copy of the configuration; elsewhere
 * it is parsed once per job in a process (the last jobs' are kept). Task attempts get localized
 * copies.
 */
public final class JobSpec
        implements KryoSerializable
{
    // not final: Kryo reads them in place (read)
    private String jobId;
    private List<SplitRef> splits;
    private int reduces;
    /** The configuration in Hadoop's serialized form: written on the first trip through the serde, kept by the copies. */
    private transient volatile byte[] configuration;
    /** The job's credentials (tokens and secret keys) in Hadoop's serialized form, empty when it has none; written with {@link #configuration}. */
    private transient volatile byte[] credentials;
    private transient volatile JobConf jobConf;

    /** Parsed configurations of the jobs that ran last in this process, by job id (ids are unique in a process). */
    private static final Map<String, JobConf> RECENT_CONFIGURATIONS = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobConf> eldest)
        {
            return size() > 16;
        }
    });

    /** The split files of the jobs that ran last in this process, by path (each job has its own), read whole once: see {@link #split}. */
    private static final Map<String, SplitFile> RECENT_SPLIT_FILES = Collections.synchronizedMap(new LinkedHashMap<>(4, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SplitFile> eldest)
        {
            // an executor's tasks never see their job end: at most 16 MiB, outside the memory budget
            return size() > 4;
        }
    });
    /** The largest split file kept in memory for its job's tasks (some 40,000 splits of files); larger ones are read split by split. */
    private static final long KEPT_SPLIT_FILE_BYTES = 4 << 20;

    /**
     * Where a split is stored in {@code job.split}, the hosts that hold its data, and the executors
     * that keep it in memory (for the driver's placement only: tasks get none).
     */
    record SplitRef(String file, long offset, List<String> hosts, List<String> executors)
    {
        SplitRef(String file, long offset, List<String> hosts)
        {
            this(file, offset, hosts, List.of());
        }
    }

    JobSpec(JobID jobId, JobConf conf, List<SplitRef> splits)
    {
        this.jobId = jobId.toString();
        // a copy: the job's own configuration is the committer's and the driver's to change
        JobConf copy = new JobConf(conf);
        copy.setClassLoader(conf.getClassLoader());
        this.jobConf = copy;
        this.splits = List.copyOf(splits);
        this.reduces = conf.getNumReduceTasks();
        // the copies the serde makes for the tasks find it here instead of parsing it
        RECENT_CONFIGURATIONS.put(this.jobId, copy);
    }

    /**
     * The same job with the splits of {@code keepers}' maps placed on the given executor, or its host,
     * instead of their blocks' (the executor keeps their file in memory: reading it beats reading a
     * local block); only before any task has run.
     */
    JobSpec preferring(Map<Integer, io.tusk.io.cache.KeptLocations.Keeper> keepers)
    {
        List<SplitRef> refs = new ArrayList<>(splits);
        keepers.forEach((map, keeper) -> refs.set(map,
                new SplitRef(refs.get(map).file(), refs.get(map).offset(), List.of(keeper.host()), List.of(keeper.executor()))));
        return new JobSpec(jobId(), jobConf(), refs);
    }

    /**
     * Has the job's tasks in other processes capture what they write in {@code format} (see
     * {@code JobOutputs.CAPTURE}); only before the spec has first been serialized for a task.
     */
    void captureOutputs(String format)
    {
        if (configuration != null) {
            throw new IllegalStateException("The configuration of " + jobId + " has already been sent to tasks");
        }
        jobConf().set(io.tusk.mr.cache.JobOutputs.CAPTURE, format);
    }

    @Override
    public void write(Kryo kryo, Output output)
    {
        output.writeString(jobId);
        byte[] bytes = configuration;
        byte[] tokens = credentials;
        if (bytes == null || tokens == null) {
            tokens = write(jobConf().getCredentials());
            credentials = tokens;
            bytes = write(jobConf());
            configuration = bytes;
        }
        output.writeVarInt(bytes.length, true);
        output.writeBytes(bytes);
        output.writeVarInt(tokens.length, true);
        output.writeBytes(tokens);
        output.writeVarInt(splits.size(), true);
        for (SplitRef split : splits) {
            output.writeString(split.file());
            output.writeVarLong(split.offset(), true);
            output.writeVarInt(split.hosts().size(), true);
            for (String host : split.hosts()) {
                output.writeString(host);
            }
        }
        output.writeVarInt(reduces, true);
    }

    @Override
    public void read(Kryo kryo, Input input)
    {
        jobId = input.readString();
        configuration = input.readBytes(KryoInputs.readCount(input, "bytes of configuration"));
        credentials = input.readBytes(KryoInputs.readCount(input, "bytes of credentials"));
        int count = KryoInputs.readCount(input, "splits");
        List<SplitRef> refs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String file = input.readString();
            long offset = input.readVarLong(true);
            String[] hosts = new String[KryoInputs.readCount(input, "hosts of a split")];
            for (int h = 0; h < hosts.length; h++) {
                hosts[h] = input.readString();
            }
            refs.add(new SplitRef(file, offset, List.of(hosts)));
        }
        splits = List.copyOf(refs);
        reduces = input.readVarInt(true);
    }

    JobID jobId()
    {
        return JobID.forName(jobId);
    }

    public int maps()
    {
        return splits.size();
    }

    public int reduces()
    {
        return reduces;
    }

    List<String> hosts(int map)
    {
        return splits.get(map).hosts();
    }

    List<String> executors(int map)
    {
        return splits.get(map).executors();
    }

    /** The job's configuration as submitted; do not modify it, copy it with {@link #taskConf}. */
    JobConf jobConf()
    {
        JobConf conf = jobConf;
        if (conf == null) {
            // a copy made by the serde (every task gets one): parse the configuration once per job in a process
            conf = RECENT_CONFIGURATIONS.computeIfAbsent(jobId, id -> parse());
            jobConf = conf;
        }
        return conf;
    }

    /** Forgets the job's configuration and split file in this process when the job has ended (copies that need them again read them). */
    void release()
    {
        RECENT_CONFIGURATIONS.remove(jobId);
        splits.stream().map(SplitRef::file).distinct().forEach(RECENT_SPLIT_FILES::remove);
    }

    private JobConf parse()
    {
        JobConf conf = new JobConf(false);
        DataInputBuffer in = new DataInputBuffer();
        in.reset(configuration, configuration.length);
        try {
            conf.readFields(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the configuration of " + jobId, e);
        }
        if (credentials.length > 0) {
            Credentials tokens = new Credentials();
            in.reset(credentials, credentials.length);
            try {
                tokens.readFields(in);
                // as a task of Hadoop's: the job's credentials are its context's, and its tokens the process user's for the job's file systems
                conf.setCredentials(tokens);
                JobCredentials.addNewTokens(org.apache.hadoop.security.UserGroupInformation.getCurrentUser(), tokens);
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read the credentials of " + jobId, e);
            }
        }
        try {
            // an executor that runs job after job: the first task of the job here localizes it
            ExecutorJobs.localize(jobId, conf);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot localize the jar, libraries and cache files of " + jobId, e);
        }
        conf.setClassLoader(JobClassLoaders.get(jobId));
        JobClassLoaders.localSettings(jobId).forEach(conf::set);
        return conf;
    }

    /** The old API's id class, as Hadoop's tasks have: some of Hadoop's own code casts to it. */
    public TaskAttemptID attemptId(TaskType type, int partition, int attempt)
    {
        return new org.apache.hadoop.mapred.TaskAttemptID(new org.apache.hadoop.mapred.TaskID(jobId(), type, partition), attempt);
    }

    /** A copy of the job's configuration with the keys Hadoop localizes for each task. */
    public JobConf taskConf(TaskAttemptID attempt)
    {
        JobConf conf = new JobConf(jobConf());
        conf.setClassLoader(jobConf().getClassLoader());
        // each attempt's own, as each of Hadoop's task JVMs has: tasks that change theirs (Job.getInstance merges into it) do it apart
        conf.setCredentials(new Credentials(jobConf().getCredentials()));
        conf.set("mapreduce.task.id", attempt.getTaskID().toString());
        conf.set("mapreduce.task.attempt.id", attempt.toString());
        conf.setBoolean("mapreduce.task.ismap", attempt.getTaskType() == TaskType.MAP);
        conf.setInt("mapreduce.task.partition", attempt.getTaskID().getId());
        conf.set("mapreduce.job.id", jobId);
        localizeLocalDirs(conf, attempt);
        if (attempt.getTaskType() == TaskType.REDUCE && conf.get("mapreduce.jobtracker.address") == null) {
            // as Hadoop's local runner, which tells its reduce tasks (streaming exports it to scripts)
            conf.set("mapreduce.jobtracker.address", "local");
        }
        return conf;
    }

    /**
     * Gives the attempt local directories of its own under each {@code mapreduce.cluster.local.dir},
     * as Hadoop's local runner gives each task: Hadoop's own task code (the reduce side's backup
     * store of marked values, for one) names its files by task number only, and Tusk runs tasks
     * concurrently. The directories are removed when the attempt ends; they are in the job's
     * {@link TaskDirectories}, which the job's end (or the next process, after a kill) removes.
     */
    private static void localizeLocalDirs(JobConf conf, TaskAttemptID attempt)
    {
        String[] roots = conf.getTrimmedStrings("mapreduce.cluster.local.dir");
        if (roots.length == 0) {
            return;
        }
        List<java.nio.file.Path> jobDirs = TaskDirectories.of(attempt.getJobID().toString(), roots, System.getProperty("user.name", "tusk"));
        String[] dirs = new String[jobDirs.size()];
        for (int i = 0; i < dirs.length; i++) {
            dirs[i] = jobDirs.get(i).resolve(attempt.toString()).toString();
        }
        conf.setStrings("mapreduce.cluster.local.dir", dirs);
        TaskContext.current().ifPresent(context -> context.closeOnCompletion(() -> {
            for (String dir : dirs) {
                FileUtil.fullyDelete(new File(dir));
            }
        }));
    }

    /**
     * The split of map {@code map}, deserialized with the job's serialization; adds the size of its
     * serialized form to {@code rawBytes}, as Hadoop's {@code SPLIT_RAW_BYTES}. The split file is read
     * whole once per job in a process (unless larger than {@value #KEPT_SPLIT_FILE_BYTES} bytes) and
     * each split deserialized from memory: a job of many small files has as many maps, each of which
     * would open the file, check its checksums and seek.
     */
    public <T> T split(int map, JobConf conf, org.apache.hadoop.mapred.Counters.Counter rawBytes)
            throws IOException
    {
        SplitRef ref = splits.get(map);
        Path file = new Path(ref.file());
        FileSystem fs = file.getFileSystem(conf);
        byte[] whole = RECENT_SPLIT_FILES.computeIfAbsent(ref.file(), name -> new SplitFile()).bytes(fs, file);
        if (whole != null && ref.offset() < whole.length) {
            DataInputBuffer in = new DataInputBuffer();
            in.reset(whole, (int) ref.offset(), whole.length - (int) ref.offset());
            return deserialize(in, in::getPosition, ref.offset(), conf, rawBytes);
        }
        try (FSDataInputStream in = fs.open(file)) {
            in.seek(ref.offset());
            return deserialize(in, in::getPos, ref.offset(), conf, rawBytes);
        }
    }

    /** Where a stream is. */
    private interface Position
    {
        long get()
                throws IOException;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deserialize(java.io.DataInputStream in, Position position, long offset, JobConf conf, org.apache.hadoop.mapred.Counters.Counter rawBytes)
            throws IOException
    {
        String className = Text.readString(in);
        Class<T> type;
        try {
            type = (Class<T>) conf.getClassByName(className);
        }
        catch (ClassNotFoundException e) {
            throw new IOException("Split class " + className + " not found", e);
        }
        Deserializer<T> deserializer = new SerializationFactory(conf).getDeserializer(type);
        if (deserializer == null) {
            throw new IOException("No deserializer for split class " + className + "; check io.serializations");
        }
        deserializer.open(in);
        T split = deserializer.deserialize(null);
        rawBytes.increment(position.get() - offset);
        deserializer.close();
        return split;
    }

    /** A job's split file, read whole by the first task that needs it; null bytes when it is too large to keep. */
    private static final class SplitFile
    {
        private boolean read;
        private byte[] bytes;

        synchronized byte[] bytes(FileSystem fs, Path file)
                throws IOException
        {
            if (!read) {
                long length = fs.getFileStatus(file).getLen();
                if (length <= KEPT_SPLIT_FILE_BYTES) {
                    byte[] whole = new byte[(int) length];
                    try (FSDataInputStream in = fs.open(file)) {
                        in.readFully(whole);
                    }
                    bytes = whole;
                }
                read = true;
            }
            return bytes;
        }
    }

    private static byte[] write(JobConf conf)
    {
        return ConfigurationBytes.of(conf);
    }

    private static byte[] write(Credentials credentials)
    {
        if (credentials.numberOfTokens() == 0 && credentials.numberOfSecretKeys() == 0) {
            return new byte[0];
        }
        org.apache.hadoop.io.DataOutputBuffer out = new org.apache.hadoop.io.DataOutputBuffer();
        try {
            credentials.write(out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.copyOf(out.getData(), out.getLength());
    }

    @Override
    public String toString()
    {
        return jobId + " (" + splits.size() + " maps, " + reduces + " reduces)";
    }
}
