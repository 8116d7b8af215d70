package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobClient;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.CounterGroup;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.jobhistory.JobHistoryParser;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.ToolRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs run locally leave their history in Hadoop's format where Hadoop's application master would:
 * Hadoop's own {@link JobHistoryParser} reads back a succeeded, a failed and a killed job with the
 * tasks, attempts, hosts and counters the job reported, and {@code mapred job -history} prints one.
 */
class JobHistoryIT
{
    @TempDir
    Path temp;

    private Configuration conf()
    {
        Configuration conf = Differential.conf("tusk");
        conf.set("mapreduce.jobhistory.intermediate-done-dir", temp.resolve("history").toString());
        return conf;
    }

    private Job wordCount(Configuration conf, Path input, String output)
            throws IOException
    {
        Job job = TestJobs.wordCount(conf, input, temp.resolve(output));
        job.setNumReduceTasks(2);
        return job;
    }

    @Test
    void aSucceededJobsHistoryHoldsItsTasksAttemptsAndCounters()
            throws Exception
    {
        Path input = temp.resolve("in");
        Differential.writeWords(input, 5, 3, 300, 8, 6, 30);
        Job job = wordCount(conf(), input, "out");
        assertThat(job.waitForCompletion(false)).isTrue();
        Counters reported = job.getCounters();

        Path file = historyFile(job);
        JobHistoryParser.JobInfo info = parse(file);
        assertThat(info.getJobId().toString()).isEqualTo(job.getJobID().toString());
        assertThat(info.getJobStatus()).isEqualTo("SUCCEEDED");
        assertThat(info.getJobname()).isEqualTo("word count");
        assertThat(info.getTotalMaps()).isEqualTo(3);
        assertThat(info.getTotalReduces()).isEqualTo(2);
        assertThat(info.getSucceededMaps()).isEqualTo(3);
        assertThat(info.getSucceededReduces()).isEqualTo(2);
        assertThat(info.getSubmitTime()).isPositive().isLessThanOrEqualTo(info.getLaunchTime());
        assertThat(info.getLaunchTime()).isLessThanOrEqualTo(info.getFinishTime());
        assertThat(info.getAllTasks()).hasSize(5);
        for (JobHistoryParser.TaskInfo task : info.getAllTasks().values()) {
            assertThat(task.getTaskStatus()).isEqualTo("SUCCEEDED");
            assertThat(task.getAllTaskAttempts()).hasSize(1);
            JobHistoryParser.TaskAttemptInfo attempt = task.getAllTaskAttempts().values().iterator().next();
            assertThat(attempt.getHostname()).isEqualTo("localhost");
            assertThat(attempt.getTaskStatus()).isEqualTo("SUCCEEDED");
            assertThat(attempt.getStartTime()).isPositive().isLessThanOrEqualTo(attempt.getFinishTime());
        }
        // every counter the job reported, in the history's totals
        for (CounterGroup group : reported) {
            for (Counter counter : group) {
                assertThat(info.getTotalCounters().findCounter(group.getName(), counter.getName()).getValue())
                        .as("%s %s", group.getName(), counter.getName()).isEqualTo(counter.getValue());
            }
        }
        // the tasks' own counters add up to the job's
        assertThat(sum(info, TaskType.MAP, TaskCounter.MAP_INPUT_RECORDS)).isEqualTo(reported.findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue())
                .isEqualTo(900);
        assertThat(sum(info, TaskType.REDUCE, TaskCounter.REDUCE_OUTPUT_RECORDS)).isEqualTo(reported.findCounter(TaskCounter.REDUCE_OUTPUT_RECORDS).getValue())
                .isPositive();
        assertThat(info.getMapCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(900);
        assertThat(info.getReduceCounters().findCounter(TaskCounter.REDUCE_OUTPUT_RECORDS).getValue())
                .isEqualTo(reported.findCounter(TaskCounter.REDUCE_OUTPUT_RECORDS).getValue());
        assertThat(file.resolveSibling(job.getJobID() + "_conf.xml")).content().contains("<name>mapreduce.job.reduces</name>");

        // Hadoop's job command prints it
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int exit;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            exit = ToolRunner.run(new JobClient(conf()), new String[] {"-history", file.toString()});
        }
        finally {
            System.setOut(out);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("Hadoop job: " + job.getJobID()).contains("Status: SUCCEEDED").contains("Map input records")
                .containsPattern("Map\\s+3\\s+3\\s+0\\s+0");
    }

    private static long sum(JobHistoryParser.JobInfo info, TaskType type, TaskCounter counter)
    {
        return info.getAllTasks().values().stream().filter(task -> task.getTaskType() == type)
                .mapToLong(task -> task.getCounters().findCounter(counter).getValue()).sum();
    }

    /** Fails on every record. */
    public static class FailingMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        @Override
        protected void map(LongWritable key, Text value, Context context)
        {
            throw new IllegalStateException("no record is right for this mapper");
        }
    }

    @Test
    void aFailedJobsHistoryHoldsItsFailedAttemptsAndTheirErrors()
            throws Exception
    {
        Path input = temp.resolve("in");
        Differential.writeWords(input, 5, 1, 10, 8, 6, 30);
        Configuration conf = conf();
        conf.setInt("mapreduce.map.maxattempts", 2);
        Job job = wordCount(conf, input, "out");
        job.setMapperClass(FailingMapper.class);
        assertThat(job.waitForCompletion(false)).isFalse();

        JobHistoryParser.JobInfo info = parse(historyFile(job));
        assertThat(info.getJobStatus()).isEqualTo("FAILED");
        assertThat(info.getFailedMaps()).isEqualTo(2);
        JobHistoryParser.TaskInfo map = info.getAllTasks().values().stream().filter(task -> task.getTaskType() == TaskType.MAP).findFirst().orElseThrow();
        assertThat(map.getTaskStatus()).isEqualTo("FAILED");
        assertThat(map.getAllTaskAttempts()).hasSize(2);
        assertThat(map.getAllTaskAttempts().values()).allSatisfy(attempt -> {
            assertThat(attempt.getTaskStatus()).isEqualTo("FAILED");
            assertThat(attempt.getError()).contains("no record is right for this mapper");
        });
    }

    /** Waits in its first record until the test lets it go (or the job is killed). */
    public static class WaitingMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        static final CountDownLatch STARTED = new CountDownLatch(1);

        @Override
        protected void map(LongWritable key, Text value, Context context)
                throws InterruptedException
        {
            STARTED.countDown();
            Thread.sleep(600_000);
        }
    }

    @Test
    void aKilledJobsHistorySaysItWasKilled()
            throws Exception
    {
        Path input = temp.resolve("in");
        Differential.writeWords(input, 5, 1, 10, 8, 6, 30);
        Job job = wordCount(conf(), input, "out");
        job.setMapperClass(WaitingMapper.class);
        job.submit();
        assertThat(WaitingMapper.STARTED.await(60, TimeUnit.SECONDS)).isTrue();
        // a status question waits a moment for the end, but answers while the job runs
        assertThat(job.isComplete()).isFalse();
        job.killJob();
        assertThat(job.waitForCompletion(false)).isFalse();

        JobHistoryParser.JobInfo info = parse(historyFile(job));
        assertThat(info.getJobStatus()).isEqualTo("KILLED");
        assertThat(info.getSucceededMaps()).isZero();
    }

    /** The job's history file, once written (in the background after the job ends). */
    private Path historyFile(Job job)
            throws Exception
    {
        // the submitting user's directory
        Path directory = temp.resolve("history").resolve(org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName());
        for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Thread.sleep(20)) {
            if (Files.isDirectory(directory)) {
                try (Stream<Path> files = Files.list(directory)) {
                    List<Path> histories = files.filter(path -> path.getFileName().toString().startsWith(job.getJobID() + "-")
                            && path.toString().endsWith(".jhist")).toList();
                    if (!histories.isEmpty()) {
                        return histories.get(0);
                    }
                }
            }
        }
        throw new AssertionError("no history of " + job.getJobID() + " in " + directory);
    }

    private static JobHistoryParser.JobInfo parse(Path file)
            throws IOException
    {
        JobHistoryParser parser = new JobHistoryParser(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(file.toString()));
        JobHistoryParser.JobInfo info = parser.parse();
        assertThat(parser.getParseException()).isNull();
        return info;
    }
}
