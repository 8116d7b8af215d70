package io.tusk.mr.history;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.jobhistory.JobHistoryParser;
import org.apache.hadoop.mapreduce.v2.jobhistory.FileNameIndexUtils;
import org.apache.hadoop.mapreduce.v2.jobhistory.JobIndexInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The history Tusk writes is read back by Hadoop's own {@link JobHistoryParser} and file-name parser. */
class JobHistoryRecorderTest
{
    private static final JobID JOB = new JobID("1796404440696", 7);

    @TempDir
    java.nio.file.Path history;

    private JobConf conf(String name)
    {
        JobConf conf = new JobConf(false);
        conf.set("mapreduce.jobhistory.intermediate-done-dir", history.toString());
        conf.setJobName(name);
        conf.setUser("alice");
        conf.set("mapreduce.job.queuename", "default");
        return conf;
    }

    @Test
    void aSucceededJobWithAFailedAttemptReadsBackWithItsTasksAttemptsHostsAndCounters()
            throws Exception
    {
        JobHistoryRecorder recorder = JobHistoryRecorder.of(JOB, conf("word-count of some-thing"), 1_000);
        recorder.jobStarted(1_100, 2, 1);
        TaskAttemptID map0 = new TaskAttemptID(new TaskID(JOB, TaskType.MAP, 0), 0);
        TaskAttemptID map1 = new TaskAttemptID(new TaskID(JOB, TaskType.MAP, 1), 0);
        TaskAttemptID map1Again = new TaskAttemptID(new TaskID(JOB, TaskType.MAP, 1), 1);
        TaskAttemptID reduce0 = new TaskAttemptID(new TaskID(JOB, TaskType.REDUCE, 0), 0);
        recorder.attemptStarted(map0, 1_200);
        recorder.attemptStarted(map1, 1_200);
        recorder.attemptSucceeded(map0, 1_500, "node-a", "NODE_LOCAL", records(TaskCounter.MAP_INPUT_RECORDS, 1_000));
        recorder.attemptFailed(map1, 1_600, "node-b", false, "java.lang.IllegalStateException: a bad record");
        recorder.attemptStarted(map1Again, 1_700);
        recorder.attemptSucceeded(map1Again, 1_900, "node-c", "RACK_LOCAL", records(TaskCounter.MAP_INPUT_RECORDS, 234));
        recorder.attemptStarted(reduce0, 2_000);
        recorder.attemptSucceeded(reduce0, 2_500, "node-a", "OFF_SWITCH", records(TaskCounter.REDUCE_INPUT_RECORDS, 99));
        Counters counters = new Counters();
        counters.findCounter(TaskCounter.MAP_INPUT_RECORDS).setValue(1_234);
        recorder.jobEnded(JobStatus.State.SUCCEEDED, 2_600, 2, 1, 2, 1, 1, 0, 0, 0, counters, "");

        java.nio.file.Path file = historyFile();
        JobIndexInfo index = FileNameIndexUtils.getIndexInfo(file.getFileName().toString());
        assertThat(index.getJobId().toString()).isEqualTo(JOB.toString());
        assertThat(index.getJobName()).isEqualTo("word-count of some-thing");
        assertThat(index.getUser()).isEqualTo("alice");
        assertThat(index.getSubmitTime()).isEqualTo(1_000);
        assertThat(index.getFinishTime()).isEqualTo(2_600);
        assertThat(index.getNumMaps()).isEqualTo(2);
        assertThat(index.getNumReduces()).isEqualTo(1);
        assertThat(index.getJobStatus()).isEqualTo("SUCCEEDED");
        assertThat(file.resolveSibling(JOB + "_conf.xml")).exists();
        assertThat(file.resolveSibling(JOB + ".summary")).exists();

        JobHistoryParser.JobInfo info = parse(file);
        assertThat(info.getJobId().toString()).isEqualTo(JOB.toString());
        assertThat(info.getJobStatus()).isEqualTo("SUCCEEDED");
        assertThat(info.getJobname()).isEqualTo("word-count of some-thing");
        assertThat(info.getUsername()).isEqualTo("alice");
        assertThat(info.getSubmitTime()).isEqualTo(1_000);
        assertThat(info.getLaunchTime()).isEqualTo(1_100);
        assertThat(info.getFinishTime()).isEqualTo(2_600);
        assertThat(info.getSucceededMaps()).isEqualTo(2);
        assertThat(info.getFailedMaps()).isEqualTo(1);
        assertThat(info.getAllTasks()).hasSize(3);
        JobHistoryParser.TaskInfo task1 = task(info, map1.getTaskID());
        assertThat(task1.getTaskStatus()).isEqualTo("SUCCEEDED");
        assertThat(task1.getSuccessfulAttemptId().toString()).isEqualTo(map1Again.toString());
        assertThat(task1.getAllTaskAttempts()).hasSize(2);
        assertThat(attempt(task1, map1).getTaskStatus()).isEqualTo("FAILED");
        assertThat(attempt(task1, map1).getError()).contains("a bad record");
        assertThat(attempt(task1, map1).getHostname()).isEqualTo("node-b");
        assertThat(attempt(task1, map1Again).getHostname()).isEqualTo("node-c");
        assertThat(attempt(task1, map1Again).getStartTime()).isEqualTo(1_700);
        assertThat(attempt(task1, map1Again).getFinishTime()).isEqualTo(1_900);
        assertThat(task(info, reduce0.getTaskID()).getTaskType()).isEqualTo(TaskType.REDUCE);
        assertThat(info.getTotalCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(1_234);
        // each attempt's and task's own counters, and the maps' and reduces' sums
        assertThat(attempt(task1, map1Again).getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(234);
        assertThat(task1.getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(234);
        assertThat(task(info, map0.getTaskID()).getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(1_000);
        assertThat(info.getMapCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(1_234);
        assertThat(info.getReduceCounters().findCounter(TaskCounter.REDUCE_INPUT_RECORDS).getValue()).isEqualTo(99);
        assertThat(info.getMapCounters().findCounter(TaskCounter.REDUCE_INPUT_RECORDS).getValue()).isZero();
    }

    @Test
    void aFailedJobReadsBackWithItsFailedTaskAndError()
            throws Exception
    {
        JobHistoryRecorder recorder = JobHistoryRecorder.of(JOB, conf("failing"), 1_000);
        recorder.jobStarted(1_100, 1, 0);
        TaskAttemptID map0 = new TaskAttemptID(new TaskID(JOB, TaskType.MAP, 0), 0);
        recorder.attemptStarted(map0, 1_200);
        recorder.attemptFailed(map0, 1_300, "localhost", false, "java.lang.IllegalStateException: boom");
        recorder.taskFailed(map0, 1_300, "java.lang.IllegalStateException: boom");
        recorder.jobEnded(JobStatus.State.FAILED, 1_400, 1, 0, 0, 0, 1, 0, 0, 0, new Counters(), "Task failed task_1796404440696_0007_m_000000");

        java.nio.file.Path file = historyFile();
        assertThat(FileNameIndexUtils.getIndexInfo(file.getFileName().toString()).getJobStatus()).isEqualTo("FAILED");
        JobHistoryParser.JobInfo info = parse(file);
        assertThat(info.getJobStatus()).isEqualTo("FAILED");
        assertThat(info.getErrorInfo()).contains("Task failed task_1796404440696_0007_m_000000");
        JobHistoryParser.TaskInfo task = task(info, map0.getTaskID());
        assertThat(task.getTaskStatus()).isEqualTo("FAILED");
        assertThat(task.getError()).contains("boom");
        assertThat(attempt(task, map0).getError()).contains("boom");
    }

    /** What cannot be made into events when the history is written is left out; the rest is written. */
    @Test
    void anAttemptWhoseCountersCannotBeReadIsLeftOutOfAnOtherwiseWrittenHistory()
            throws Exception
    {
        JobHistoryRecorder recorder = JobHistoryRecorder.of(JOB, conf("unreadable counters"), 1_000);
        recorder.jobStarted(1_100, 2, 0);
        TaskAttemptID map0 = new TaskAttemptID(new TaskID(JOB, TaskType.MAP, 0), 0);
        TaskAttemptID map1 = new TaskAttemptID(new TaskID(JOB, TaskType.MAP, 1), 0);
        org.apache.hadoop.mapred.Counters unreadable = new org.apache.hadoop.mapred.Counters()
        {
            @Override
            public java.util.Iterator<Group> iterator()
            {
                throw new IllegalStateException("counters that cannot be read");
            }
        };
        recorder.attemptSucceeded(map0, 1_500, "node-a", "NODE_LOCAL", unreadable);
        recorder.attemptSucceeded(map1, 1_600, "node-b", "NODE_LOCAL", records(TaskCounter.MAP_INPUT_RECORDS, 7));
        recorder.jobEnded(JobStatus.State.SUCCEEDED, 1_700, 2, 0, 2, 0, 0, 0, 0, 0, new Counters(), "");

        JobHistoryParser.JobInfo info = parse(historyFile());
        assertThat(info.getJobStatus()).isEqualTo("SUCCEEDED");
        assertThat(task(info, map1.getTaskID()).getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(7);
        assertThat(info.getMapCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(7);
    }

    @Test
    void jobsThatTurnItOffOrHaveTheLocalRunnersIdHaveNone()
    {
        JobConf off = conf("off");
        off.setBoolean(JobHistoryRecorder.ENABLED, false);
        assertThat(JobHistoryRecorder.of(JOB, off, 1)).isNull();
        assertThat(JobHistoryRecorder.of(new JobID("local123", 1), conf("local"), 1)).isNull();
    }

    @Test
    void onlyHistoriesOlderThanTheMaximumAgeAreRemoved()
            throws Exception
    {
        // a user name with a space and a letter beyond ASCII, which Hadoop leaves unescaped in its URIs
        // (where the platform's file names can hold it)
        boolean unicodeNames = java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).newEncoder().canEncode('\u00e9');
        java.nio.file.Path directory = Files.createDirectories(history.resolve(unicodeNames ? "alice jos\u00e9" : "alice jose"));
        long now = System.currentTimeMillis();
        List<String> old = List.of("job_1_0001-1-alice-x-2-1-1-SUCCEEDED-default-1.jhist", "job_1_0001_conf.xml", "job_1_0001.summary", "job_1_0002.summary_tmp");
        List<String> young = List.of("job_1_0003-1-alice-x-2-1-1-SUCCEEDED-default-1.jhist", "job_1_0003_conf.xml");
        for (String name : old) {
            Files.setLastModifiedTime(Files.writeString(directory.resolve(name), "x"), java.nio.file.attribute.FileTime.fromMillis(now - 10_000));
        }
        for (String name : young) {
            Files.writeString(directory.resolve(name), "x");
        }
        Files.setLastModifiedTime(Files.writeString(directory.resolve("notes.txt"), "not a history"), java.nio.file.attribute.FileTime.fromMillis(now - 10_000));

        JobHistoryRecorder.removeOldHistories(FileSystem.getLocal(new Configuration()), new Path(directory.toString()), now - 5_000);

        try (Stream<java.nio.file.Path> files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("job_1_0003-1-alice-x-2-1-1-SUCCEEDED-default-1.jhist",
                    "job_1_0003_conf.xml", "notes.txt");
        }
    }

    /** Listing a directory of many histories takes seconds: a process prunes it only if no one did in the last hour. */
    @Test
    void oldHistoriesAreRemovedAtMostHourly()
            throws Exception
    {
        java.nio.file.Path directory = Files.createDirectories(history.resolve("bob"));
        FileSystem local = FileSystem.getLocal(new Configuration()).getRaw();
        long now = System.currentTimeMillis();
        java.nio.file.Path first = Files.writeString(directory.resolve("job_1_0001_conf.xml"), "x");
        Files.setLastModifiedTime(first, java.nio.file.attribute.FileTime.fromMillis(now - 10_000));
        JobHistoryRecorder.pruneNowAndThen(local, new Path(directory.toString()), now - 5_000);
        assertThat(first).doesNotExist();
        assertThat(directory.resolve(JobHistoryRecorder.PRUNED_MARKER)).exists();

        java.nio.file.Path second = Files.writeString(directory.resolve("job_1_0002_conf.xml"), "x");
        Files.setLastModifiedTime(second, java.nio.file.attribute.FileTime.fromMillis(now - 10_000));
        JobHistoryRecorder.pruneNowAndThen(local, new Path(directory.toString()), now - 5_000);
        assertThat(second).as("pruned less than an hour ago").exists();

        Files.setLastModifiedTime(directory.resolve(JobHistoryRecorder.PRUNED_MARKER), java.nio.file.attribute.FileTime.fromMillis(now - 2 * 3_600_000L));
        JobHistoryRecorder.pruneNowAndThen(local, new Path(directory.toString()), now - 5_000);
        assertThat(second).as("pruned two hours ago").doesNotExist();
    }

    @Test
    void theJobsConfigurationReadsBackAsHadoopWroteIt()
            throws Exception
    {
        JobConf conf = new JobConf();
        conf.set("plain", "value");
        conf.set("marked up", "<a href=\"x\">&amp; more</a>\ttab\nline");
        conf.set("with.variable", "${plain}/sub");
        java.io.ByteArrayOutputStream ours = new java.io.ByteArrayOutputStream();
        JobHistoryRecorder.writeConf(conf, ours);
        java.io.ByteArrayOutputStream hadoops = new java.io.ByteArrayOutputStream();
        conf.writeXml(hadoops);

        Configuration fromOurs = new Configuration(false);
        fromOurs.addResource(new java.io.ByteArrayInputStream(ours.toByteArray()));
        Configuration fromHadoops = new Configuration(false);
        fromHadoops.addResource(new java.io.ByteArrayInputStream(hadoops.toByteArray()));
        assertThat(properties(fromOurs)).isEqualTo(properties(fromHadoops)).containsEntry("marked up", "<a href=\"x\">&amp; more</a>\ttab\nline")
                .containsEntry("with.variable", "${plain}/sub").hasSizeGreaterThan(500);
        for (String name : List.of("plain", "mapreduce.job.reduces")) {
            assertThat(writtenSources(fromOurs, name)).isEqualTo(writtenSources(fromHadoops, name)).isNotEmpty();
        }
    }

    /**
     * As Hadoop's application master: the history's configuration has the value of each property
     * {@code mapreduce.job.redacted-properties} names replaced, set or not, and the others as they were.
     */
    @Test
    void propertiesTheJobMarksRedactedAreNotWrittenIntoItsHistory()
            throws Exception
    {
        JobConf conf = conf("with a secret");
        conf.set("fs.s3a.secret.key", "hunter2");
        conf.set("plain", "value");
        conf.set("mapreduce.job.redacted-properties", " fs.s3a.secret.key, never.set ");
        JobHistoryRecorder recorder = JobHistoryRecorder.of(JOB, conf, 1_000);
        recorder.jobStarted(1_100, 0, 0);
        recorder.jobEnded(JobStatus.State.SUCCEEDED, 1_200, 0, 0, 0, 0, 0, 0, 0, 0, new Counters(), "");
        java.nio.file.Path written = historyFile().resolveSibling(JOB + "_conf.xml");
        assertThat(Files.readString(written)).doesNotContain("hunter2");

        Configuration fromOurs = new Configuration(false);
        fromOurs.addResource(new Path(written.toUri()));
        Configuration hadoops = new Configuration(conf);
        org.apache.hadoop.mapreduce.util.MRJobConfUtil.redact(hadoops);
        assertThat(properties(fromOurs)).isEqualTo(properties(hadoops)).containsEntry("fs.s3a.secret.key", "*********(redacted)")
                .containsEntry("never.set", "*********(redacted)").containsEntry("plain", "value");
        assertThat(conf.get("fs.s3a.secret.key")).as("the job's own configuration").isEqualTo("hunter2");
    }

    /** The sources a property was written with: the last is the stream it was read from. */
    private static List<String> writtenSources(Configuration conf, String name)
    {
        List<String> sources = List.of(conf.getPropertySources(name));
        return sources.subList(0, sources.size() - 1);
    }

    private static java.util.Map<String, String> properties(Configuration conf)
    {
        java.util.Map<String, String> properties = new java.util.TreeMap<>();
        conf.forEach(property -> properties.put(property.getKey(), property.getValue()));
        return properties;
    }

    private static org.apache.hadoop.mapred.Counters records(TaskCounter counter, long value)
    {
        org.apache.hadoop.mapred.Counters counters = new org.apache.hadoop.mapred.Counters();
        counters.findCounter(counter).setValue(value);
        return counters;
    }

    /** The parser keys tasks and attempts by the old API's ids, which never equal the new API's. */
    private static JobHistoryParser.TaskInfo task(JobHistoryParser.JobInfo info, TaskID id)
    {
        return info.getAllTasks().values().stream().filter(task -> task.getTaskId().toString().equals(id.toString())).findFirst().orElseThrow();
    }

    private static JobHistoryParser.TaskAttemptInfo attempt(JobHistoryParser.TaskInfo task, TaskAttemptID id)
    {
        return task.getAllTaskAttempts().values().stream().filter(attempt -> attempt.getAttemptId().toString().equals(id.toString())).findFirst().orElseThrow();
    }

    /** The job's history file, once written (in the background). */
    private java.nio.file.Path historyFile()
            throws Exception
    {
        java.nio.file.Path directory = history.resolve("alice");
        for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Thread.sleep(20)) {
            if (Files.isDirectory(directory)) {
                try (Stream<java.nio.file.Path> files = Files.list(directory)) {
                    List<java.nio.file.Path> histories = files.filter(path -> path.toString().endsWith(".jhist")).toList();
                    if (!histories.isEmpty()) {
                        return histories.get(0);
                    }
                }
            }
        }
        throw new AssertionError("no history file in " + directory);
    }

    private static JobHistoryParser.JobInfo parse(java.nio.file.Path file)
            throws IOException
    {
        JobHistoryParser parser = new JobHistoryParser(FileSystem.getLocal(new Configuration()), new Path(file.toString()));
        JobHistoryParser.JobInfo info = parser.parse();
        assertThat(parser.getParseException()).isNull();
        return info;
    }
}
