package io.tusk.yarn;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.dataset.Broadcast;
import io.tusk.engine.dataset.LongAccumulator;
import io.tusk.engine.dataset.Pair;
import io.tusk.engine.dataset.PairDataset;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.examples.terasort.TeraGen;
import org.apache.hadoop.examples.terasort.TeraSort;
import org.apache.hadoop.examples.terasort.TeraValidate;
import org.apache.hadoop.streaming.StreamJob;
import org.apache.hadoop.util.ToolRunner;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobCounter;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.task.JobContextImpl;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs on {@code mapreduce.framework.name=tusk-yarn} on a three-node cluster whose nodes have host
 * identities of their own: the same output as Hadoop's LocalJobRunner, maps next to their blocks.
 * The test that measures locality runs when the other tests' jobs have run executors on every node
 * (the first on a node waits for it to localize Tusk's jars); the test that stops a node runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnJobsIT
{
    private static final int FILES = 12;
    private static MultiHostCluster cluster;
    private static File base;

    @BeforeAll
    static void start()
            throws Exception
    {
        // in target/, kept after the run: the containers' logs are there
        base = Files.createTempDirectory(Files.createDirectories(java.nio.file.Path.of("target", "clusters")), "jobs").toFile();
        cluster = new MultiHostCluster(base).start();
        localWordCount = null;
        // twelve single-block files, four on each node
        Random random = new Random(7);
        for (int file = 0; file < FILES; file++) {
            try (OutputStream out = cluster.createOn(new Path("/in/words-" + file), file % MultiHostCluster.HOSTS.length, 1024 * 1024)) {
                StringBuilder text = new StringBuilder();
                for (int line = 0; line < 8_000; line++) {
                    for (int word = 0; word < 8; word++) {
                        text.append("w").append(random.nextInt(2000)).append(word == 7 ? '\n' : ' ');
                    }
                }
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @AfterAll
    static void stop()
    {
        if (cluster != null) {
            cluster.close();
        }
        org.apache.hadoop.fs.FileUtil.fullyDelete(new File(base, "dfs"));
    }

    /** A client of the cluster that runs jobs on Tusk, uploading Tusk's jars as a deployment has them. */
    static Configuration tuskConf()
            throws IOException
    {
        Configuration conf = cluster.conf();
        conf.set("mapreduce.framework.name", YarnSettings.FRAMEWORK_NAME);
        conf.setInt("yarn.app.mapreduce.am.resource.mb", 512);
        conf.setInt(YarnSettings.EXECUTOR_MEMORY_MB, 512);
        conf.setInt(YarnSettings.EXECUTOR_CORES, 4);
        conf.set("yarn.app.mapreduce.am.staging-dir", "/staging");
        conf.setInt("mapreduce.client.progressmonitor.pollinterval", 100);
        conf.setInt("mapreduce.client.completion.pollinterval", 100);
        conf.set("tusk.yarn.jars", tuskJars());
        // the jobs here take seconds: masters and executors spend less CPU with the quick compiler alone
        conf.set(YarnSettings.AM_JAVA_OPTS, "-XX:TieredStopAtLevel=1");
        conf.set(YarnSettings.EXECUTOR_JAVA_OPTS, "-XX:TieredStopAtLevel=1");
        return conf;
    }

    private static String tuskJars()
            throws IOException
    {
        String runtime = Files.readString(java.nio.file.Path.of("target", "runtime-classpath.txt")).trim();
        return new File("target/classes").getAbsolutePath() + File.pathSeparator + runtime;
    }

    static Configuration localConf()
            throws IOException
    {
        Configuration conf = cluster.conf();
        conf.set("mapreduce.framework.name", "local");
        conf.setInt("mapreduce.client.completion.pollinterval", 50);
        return conf;
    }

    private static Job wordCount(Configuration conf, String output)
            throws IOException
    {
        return TestJobs.wordCount(conf, "/in", output);
    }

    private static final Path LOCAL_WORD_COUNT = new Path("/out/wordcount-local");
    private static Job localWordCount;

    /** The word count of the input on Hadoop's LocalJobRunner, run once: what every word count on the cluster must write. */
    private static synchronized Job localWordCount()
            throws Exception
    {
        if (localWordCount == null) {
            Job local = wordCount(localConf(), LOCAL_WORD_COUNT.toString());
            assertThat(local.waitForCompletion(false)).isTrue();
            localWordCount = local;
        }
        return localWordCount;
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void wordCountWritesWhatTheLocalJobRunnerWritesWithMapsNextToTheirBlocks()
            throws Exception
    {
        Job local = localWordCount();
        // the first executor on a node waits for the node to localize Tusk's jars: locality is measured
        // once every node has run one (the jobs of the tests before this one do; if not, a warm-up job)
        if (!everyNodeRanAnExecutor()) {
            Job warmUp = wordCount(tuskConf(), "/out/wordcount-warm-up");
            assertThat(warmUp.waitForCompletion(false)).isTrue();
        }
        Job tusk = wordCount(tuskConf(), "/out/wordcount-tusk");
        assertThat(tusk.waitForCompletion(true)).isTrue();
        assertSameOutput(LOCAL_WORD_COUNT, new Path("/out/wordcount-tusk"));

        long maps = tusk.getCounters().findCounter(JobCounter.TOTAL_LAUNCHED_MAPS).getValue();
        long dataLocal = tusk.getCounters().findCounter(JobCounter.DATA_LOCAL_MAPS).getValue();
        assertThat(maps).isEqualTo(FILES);
        assertThat(dataLocal).as("data-local maps of %s", maps).isGreaterThanOrEqualTo((long) Math.ceil(0.9 * maps));
        // as on a cluster, the CPU time of each task (the thread it ran on) is counted; the local runner counts none
        assertThat(tusk.getCounters().findCounter(org.apache.hadoop.mapreduce.TaskCounter.CPU_MILLISECONDS).getValue()).isPositive();
        assertThat(local.getCounters().findCounter(org.apache.hadoop.mapreduce.TaskCounter.CPU_MILLISECONDS).getValue()).isZero();

        // each map's report names the host it ran on: the host of its split's block, but for the few that may not be
        List<InputSplit> splits = splitsAsSubmitted(tuskConf());
        TaskReport[] reports = tusk.getTaskReports(TaskType.MAP);
        int onTheirBlock = 0;
        for (TaskReport report : reports) {
            String host = report.getState().substring(report.getState().lastIndexOf(' ') + 1);
            assertThat(host).isIn((Object[]) MultiHostCluster.HOSTS);
            if (List.of(splits.get(report.getTaskID().getId()).getLocations()).contains(host)) {
                onTheirBlock++;
            }
        }
        assertThat(onTheirBlock).isEqualTo((int) dataLocal);

        ApplicationReport application = application(tusk);
        assertThat(application.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(application.getApplicationType()).isEqualTo("TUSK");

        // the containers that ended left class-data archives on their nodes for the next ones
        assertThat(classDataArchives()).anyMatch(name -> name.startsWith("executor-")).anyMatch(name -> name.startsWith("master-"));

        // the master wrote the job's history as Hadoop's does, and Hadoop's parser reads it
        org.apache.hadoop.mapreduce.jobhistory.JobHistoryParser.JobInfo history = history(tusk);
        assertThat(history.getJobStatus()).isEqualTo("SUCCEEDED");
        assertThat(history.getSucceededMaps()).isEqualTo(FILES);
        assertThat(history.getAllTasks()).hasSize(FILES + tusk.getNumReduceTasks());
        assertThat(history.getAllTasks().values()).allSatisfy(task -> assertThat(task.getAllTaskAttempts().values())
                .anySatisfy(attempt -> assertThat(attempt.getHostname()).isIn((Object[]) MultiHostCluster.HOSTS)));
        assertThat(history.getTotalCounters().findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS).getValue())
                .isEqualTo(tusk.getCounters().findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS).getValue());

        // the master served the UI at the tracking URL, and left Tusk's event log beside the history: the history server shows the job
        assertThat(application.getOriginalTrackingUrl()).startsWith("http://");
        try (io.tusk.io.history.HistoryServer server = io.tusk.io.history.HistoryServer.start(cluster.conf(),
                cluster.fileSystem().makeQualified(historyDirectory()), java.net.InetAddress.getLoopbackAddress(), 0)) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            String[] jobs = new String[1];
            MultiHostCluster.waitFor(() -> {
                try {
                    server.refresh();
                    jobs[0] = client.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/v1/jobs")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                }
                catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return jobs[0].contains("\"description\":\"" + tusk.getJobID() + "\"");
            }, 30_000, "Tusk's event log of " + tusk.getJobID());
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\{\"id\":([0-9]+),\"description\":\"" + tusk.getJobID() + "\"").matcher(jobs[0]);
            assertThat(id.find()).isTrue();
            String job = client.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/v1/jobs/" + id.group(1))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher firstStage = java.util.regex.Pattern.compile("\"stages\":\\[\\{\"id\":([0-9]+)").matcher(job);
            assertThat(firstStage.find()).as(job).isTrue();
            assertThat(job).contains("\"kind\":\"MapReduce\"");
            String mapStage = client.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/v1/jobs/" + id.group(1) + "/stages/"
                    + firstStage.group(1))).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(mapStage).contains("\"state\":\"SUCCEEDED\"").containsPattern("\"host\":\"(" + String.join("|", MultiHostCluster.HOSTS) + ")\"");
        }
    }

    private static Path historyDirectory()
            throws IOException
    {
        return new Path("/staging/history/done_intermediate/" + org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName());
    }

    /** The history of {@code job} in the intermediate done directory of the staging directory, once its master wrote it (at most 30 s). */
    private static org.apache.hadoop.mapreduce.jobhistory.JobHistoryParser.JobInfo history(Job job)
            throws Exception
    {
        org.apache.hadoop.fs.FileSystem fs = cluster.fileSystem();
        Path directory = new Path("/staging/history/done_intermediate/" + org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName());
        for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Thread.sleep(200)) {
            if (fs.exists(directory)) {
                for (org.apache.hadoop.fs.FileStatus file : fs.listStatus(directory)) {
                    String name = file.getPath().getName();
                    if (name.startsWith(job.getJobID() + "-") && name.endsWith(".jhist")) {
                        return new org.apache.hadoop.mapreduce.jobhistory.JobHistoryParser(fs, file.getPath()).parse();
                    }
                }
            }
        }
        throw new AssertionError("no history of " + job.getJobID() + " in " + directory);
    }

    /** Whether an executor ended on every node: it left a class-data archive there, and the node has Tusk's jars. */
    private static boolean everyNodeRanAnExecutor()
            throws IOException
    {
        Set<String> nodes = new java.util.HashSet<>();
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.find(base.toPath(), 6,
                (path, attributes) -> path.getParent().getFileName().toString().equals("tusk-class-data") && path.getFileName().toString().startsWith("executor-"))) {
            files.forEach(path -> {
                String nodeManager = base.toPath().relativize(path).getName(0).toString();
                for (String host : MultiHostCluster.HOSTS) {
                    if (nodeManager.startsWith("nm-" + host + "-")) {
                        nodes.add(host);
                    }
                }
            });
        }
        return nodes.size() == MultiHostCluster.HOSTS.length;
    }

    /** The class-data archives on the nodes, once the containers that write them have ended (at most 30 s). */
    private static List<String> classDataArchives()
            throws Exception
    {
        List<String> archives = List.of();
        for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Thread.sleep(200)) {
            try (java.util.stream.Stream<java.nio.file.Path> files = Files.find(base.toPath(), 6,
                    (path, attributes) -> path.getParent().getFileName().toString().equals("tusk-class-data") && path.toString().endsWith(".jsa"))) {
                archives = files.map(path -> path.getFileName().toString()).toList();
            }
            if (archives.stream().anyMatch(name -> name.startsWith("executor-")) && archives.stream().anyMatch(name -> name.startsWith("master-"))) {
                break;
            }
        }
        return archives;
    }

    @Test
    void teraSortAndTeraValidateWriteWhatTheLocalJobRunnerWrites()
            throws Exception
    {
        assertThat(ToolRunner.run(localConf(), new TeraGen(), new String[] {"-D", "mapreduce.job.maps=3", "30000", "/tera/in"})).isZero();
        String[] sort = {"-D", "mapreduce.job.reduces=3", "/tera/in", "/tera/sorted-%s"};
        assertThat(ToolRunner.run(localConf(), new TeraSort(), withRunner(sort, "local"))).isZero();
        assertThat(ToolRunner.run(tuskConf(), new TeraSort(), withRunner(sort, "tusk"))).isZero();
        assertSameOutput(new Path("/tera/sorted-local"), new Path("/tera/sorted-tusk"));
        String[] validate = {"/tera/sorted-%s", "/tera/report-%s"};
        assertThat(ToolRunner.run(localConf(), new TeraValidate(), withRunner(validate, "local"))).isZero();
        assertThat(ToolRunner.run(tuskConf(), new TeraValidate(), withRunner(validate, "tusk"))).isZero();
        assertSameOutput(new Path("/tera/report-local"), new Path("/tera/report-tusk"));
        assertThat(files(new Path("/tera/report-tusk")).get("part-r-00000")).startsWith("checksum\t").doesNotContain("error");
    }

    private static String[] withRunner(String[] arguments, String runner)
    {
        String[] formatted = new String[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            formatted[i] = String.format(arguments[i], runner);
        }
        return formatted;
    }

    @Test
    void pythonStreamingWordCountWithACombinerWritesWhatTheLocalJobRunnerWrites()
            throws Exception
    {
        String scripts = new File("../samples/streaming/mapper.py").getAbsolutePath() + "," + new File("../samples/streaming/reducer.py").getAbsolutePath();
        String[] arguments = {"-D", "mapreduce.job.reduces=2", "-files", scripts, "-mapper", "mapper.py", "-combiner", "reducer.py", "-reducer", "reducer.py",
                "-input", "/in/words-[0-3]", "-output", "/streaming-%s"};
        assertThat(ToolRunner.run(localConf(), new StreamJob(), withRunner(arguments, "local"))).isZero();
        assertThat(ToolRunner.run(tuskConf(), new StreamJob(), withRunner(arguments, "tusk"))).isZero();
        assertSameOutput(new Path("/streaming-local"), new Path("/streaming-tusk"));
    }

    @Test
    void oldApiJobWithTheDistributedCacheWritesWhatTheLocalJobRunnerWrites()
            throws Exception
    {
        try (OutputStream out = cluster.fileSystem().create(new Path("/cache/stop.txt"))) {
            out.write("w1\nw2\nw3\nw10\n".getBytes(StandardCharsets.UTF_8));
        }
        for (String runner : List.of("local", "tusk")) {
            assertThat(stopWords(runner.equals("local") ? localConf() : tuskConf(), runner, "/cache/stop.txt", "/in", "/old-api-" + runner).isSuccessful()).isTrue();
        }
        assertSameOutput(new Path("/old-api-local"), new Path("/old-api-tusk"));
        assertThat(files(new Path("/old-api-tusk")).values()).noneMatch(contents -> contents.startsWith("w1\t") || contents.contains("\nw10\t") || ("\n" + contents).contains("\nw4\t"));
    }

    @Test
    void mapReduceSessionRunsAChainInOneApplicationAndReadsEachOutputFromExecutorsMemory()
            throws Exception
    {
        try (OutputStream out = cluster.fileSystem().create(new Path("/cache/session-stop.txt"))) {
            out.write("w1\nw2\n".getBytes(StandardCharsets.UTF_8));
        }
        Configuration session = tuskConf();
        session.setBoolean(YarnSettings.SESSION, true);
        session.set(YarnSettings.DRIVER_HOST, "127.0.0.1");
        session.set(YarnSettings.APP_NAME, "mr session");
        // one executor per node (its vcores)
        session.setInt(YarnSettings.EXECUTOR_CORES, MultiHostCluster.NODE_VCORES);
        session.setInt(YarnSettings.MAX_EXECUTORS, 3);
        session.setLong(YarnSettings.LOCALITY_WAIT, 30_000);
        try {
            // a word count, then an old-API job with a cache file over its output, on the LocalJobRunner and in one session
            for (String runner : List.of("local", "tusk")) {
                Configuration conf = runner.equals("local") ? localConf() : session;
                Job count = testJob(conf, "/session-" + runner + "/counts", TestJobs.SlowTokenizer.class);
                assertThat(count.waitForCompletion(false)).isTrue();
                org.apache.hadoop.mapred.RunningJob next = stopWords(conf, runner, "/cache/session-stop.txt", "/session-" + runner + "/counts", "/session-" + runner + "/next");
                assertThat(next.isSuccessful()).isTrue();
                if (runner.equals("tusk")) {
                    assertThat(next.getCounters().findCounter(io.tusk.mr.counters.OutputCacheCounter.SPLITS_FROM_MEMORY).getValue())
                            .as("splits of the word count's three part files read from the executors' memory").isEqualTo(3);
                }
                // and a Python streaming job over it, its scripts shipped with -files
                String scripts = new File("../samples/streaming/mapper.py").getAbsolutePath() + "," + new File("../samples/streaming/reducer.py").getAbsolutePath();
                String[] streaming = {"-D", "mapreduce.job.reduces=2", "-files", scripts, "-mapper", "mapper.py", "-reducer", "reducer.py",
                        "-input", "/session-" + runner + "/counts", "-output", "/session-" + runner + "/streamed"};
                assertThat(ToolRunner.run(new Configuration(conf), new StreamJob(), streaming)).isZero();
            }
            assertSameOutput(new Path("/session-local/counts"), new Path("/session-tusk/counts"));
            assertSameOutput(new Path("/session-local/next"), new Path("/session-tusk/next"));
            assertSameOutput(new Path("/session-local/streamed"), new Path("/session-tusk/streamed"));

            // a part file rewritten with the same length through another client is read from HDFS, the other two from memory
            Path rewritten = new Path("/session-tusk/counts/part-r-00000");
            byte[] bytes;
            try (java.io.InputStream in = cluster.fileSystem().open(rewritten)) {
                bytes = in.readAllBytes();
            }
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = bytes[i] == 'w' ? (byte) 'x' : bytes[i];
            }
            try (FileSystem other = FileSystem.newInstance(cluster.conf()); OutputStream out = other.create(rewritten, true)) {
                out.write(bytes);
            }
            org.apache.hadoop.mapred.RunningJob again = stopWords(session, "tusk", "/cache/session-stop.txt", "/session-tusk/counts", "/session-tusk/again");
            assertThat(again.isSuccessful()).isTrue();
            assertThat(again.getCounters().findCounter(io.tusk.mr.counters.OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).isEqualTo(2);
            assertThat(stopWords(localConf(), "local", "/cache/session-stop.txt", "/session-tusk/counts", "/session-local/again").isSuccessful()).isTrue();
            assertSameOutput(new Path("/session-local/again"), new Path("/session-tusk/again"));
            assertThat(files(new Path("/session-tusk/again")).values()).as("words of the rewritten file").anyMatch(contents -> contents.contains("\nx"));
            assertThat(sessionApplications()).as("one application for the session's four jobs").hasSize(1);

            // the session's application killed through YARN: the next job runs in a new one
            try (YarnClient yarn = YarnClient.createYarnClient()) {
                yarn.init(cluster.conf());
                yarn.start();
                yarn.killApplication(sessionApplications().get(0).getApplicationId());
            }
            MultiHostCluster.waitFor(() -> io.tusk.yarn.client.MapReduceSession.failure().isPresent(), 60_000, "the session hears its application was killed");
            Job afterKill = wordCount(session, "/session-tusk/after-kill");
            assertThat(afterKill.waitForCompletion(false)).isTrue();
            localWordCount();
            assertSameOutput(LOCAL_WORD_COUNT, new Path("/session-tusk/after-kill"));
        }
        finally {
            io.tusk.yarn.client.MapReduceSession.end();
        }
        List<ApplicationReport> applications = sessionApplications();
        assertThat(applications).extracting(ApplicationReport::getFinalApplicationStatus).as("the killed session's application, then the next")
                .containsExactly(FinalApplicationStatus.KILLED, FinalApplicationStatus.SUCCEEDED);
        MultiHostCluster.waitFor(() -> cluster.runningContainers() == 0, 60_000, "every executor of the ended session ends");
    }

    /**
     * Clients that name a session (each with its own client protocol, as separate {@code hadoop jar}
     * processes have) run their jobs in one application with a master of its own, which the first
     * starts; the second job reads the first's output from the executors' memory; once no job has
     * run for the idle time, the session ends SUCCEEDED, leaving no container nor staging directory.
     */
    @Test
    void namedSessionRunsTheJobsOfSeparateClientsInOneApplicationThatEndsWhenIdle()
            throws Exception
    {
        try (OutputStream out = cluster.fileSystem().create(new Path("/cache/named-stop.txt"))) {
            out.write("w1\nw2\n".getBytes(StandardCharsets.UTF_8));
        }
        // on the LocalJobRunner first: the session's two jobs then follow each other within its idle time
        Job localCount = testJob(localConf(), "/named-local/counts", TestJobs.SlowTokenizer.class);
        assertThat(localCount.waitForCompletion(false)).isTrue();
        assertThat(stopWords(localConf(), "local", "/cache/named-stop.txt", "/named-local/counts", "/named-local/next").isSuccessful()).isTrue();

        List<String> applicationsBefore = applicationNames();
        Configuration first = tuskConf();
        first.set(YarnSettings.SESSION_NAME, "Nightly");
        first.setInt(YarnSettings.EXECUTOR_CORES, MultiHostCluster.NODE_VCORES);
        first.setInt(YarnSettings.MAX_EXECUTORS, 3);
        first.setLong(YarnSettings.LOCALITY_WAIT, 30_000);
        first.setLong(YarnSettings.SESSION_IDLE_TIMEOUT, 8_000);
        Job count = testJob(first, "/named-tusk/counts", TestJobs.SlowTokenizer.class);
        assertThat(count.waitForCompletion(false)).isTrue();
        assertThat(count.getCounters().findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS).getValue()).isPositive();

        // another client of the session (its own configuration, its own client protocol), naming it as
        // TUSK_OPTS=-Dtusk.yarn.session.name=… does under the launcher
        org.apache.hadoop.mapred.RunningJob next;
        System.setProperty(YarnSettings.SESSION_NAME, "nightly");
        try {
            next = stopWords(tuskConf(), "tusk", "/cache/named-stop.txt", "/named-tusk/counts", "/named-tusk/next");
        }
        finally {
            System.clearProperty(YarnSettings.SESSION_NAME);
        }
        assertThat(next.isSuccessful()).isTrue();
        assertThat(next.getCounters().findCounter(io.tusk.mr.counters.OutputCacheCounter.SPLITS_FROM_MEMORY).getValue())
                .as("splits of the first job's three part files read from the session's executors' memory").isEqualTo(3);
        assertSameOutput(new Path("/named-local/counts"), new Path("/named-tusk/counts"));
        assertSameOutput(new Path("/named-local/next"), new Path("/named-tusk/next"));
        List<String> applications = applicationNames();
        assertThat(applications.subList(applicationsBefore.size(), applications.size())).as("one application for both clients' jobs")
                .containsExactly("Tusk session Nightly");

        // idle: the session ends on its own
        MultiHostCluster.waitFor(() -> namedSession().getYarnApplicationState() == org.apache.hadoop.yarn.api.records.YarnApplicationState.FINISHED,
                90_000, "the idle session ends");
        assertThat(namedSession().getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(next.getCounters().findCounter(io.tusk.mr.counters.OutputCacheCounter.SPLITS_FROM_MEMORY).getValue())
                .as("counters from the final state the master left, once it is gone").isEqualTo(3);
        MultiHostCluster.waitFor(() -> cluster.runningContainers() == 0, 60_000, "every container of the ended session ends");
        assertThat(cluster.fileSystem().globStatus(new Path("/staging/*/.staging/tusk-session-*"))).as("the session's staging directory").isNullOrEmpty();
    }

    private static ApplicationReport namedSession()
    {
        try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(cluster.conf());
            yarn.start();
            return yarn.getApplications().stream().filter(report -> report.getName().equals("Tusk session Nightly")).findFirst().orElseThrow();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sessionWhoseDriverExitsWhileAJobRunsKillsItLeavingNoOutputAndEndsFailed()
            throws Exception
    {
        Configuration session = tuskConf();
        session.setBoolean(YarnSettings.SESSION, true);
        session.set(YarnSettings.DRIVER_HOST, "127.0.0.1");
        session.set(YarnSettings.APP_NAME, "exiting session");
        session.setInt(YarnSettings.MAX_EXECUTORS, 1);
        // maps that take a minute: the driver exits while they run
        session.set(YarnSettings.EXECUTOR_JAVA_OPTS, "-XX:TieredStopAtLevel=1 -Dtusk.test.map.pause=240000");
        File confFile = new File(base, "exiting-session.xml");
        try (OutputStream out = Files.newOutputStream(confFile.toPath())) {
            session.writeXml(out);
        }
        String classpath = new File("target/test-classes").getAbsolutePath() + File.pathSeparator + new File("target/classes").getAbsolutePath()
                + File.pathSeparator + Files.readString(java.nio.file.Path.of("target", "test-classpath.txt")).trim();
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp", classpath,
                "-Djdk.net.hosts.file=" + new File("target/test-hosts").getAbsolutePath(), SessionExitDriver.class.getName(),
                confFile.getAbsolutePath(), "/in/words-[0-1]", "/session-exit", base.getAbsolutePath());
        Process driver = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(new File(base, "exiting-session.log")).start();
        assertThat(driver.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("the driver exits (log: %s)", new File(base, "exiting-session.log")).isTrue();
        assertThat(driver.exitValue()).as("the driver exited while a map ran (log: %s)", new File(base, "exiting-session.log")).isEqualTo(3);

        assertNoOutput(new Path("/session-exit"));
        assertThat(cluster.fileSystem().exists(new Path("/session-exit/_temporary"))).as("the killed job's temporary output, aborted").isFalse();
        List<ApplicationReport> applications;
        try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(cluster.conf());
            yarn.start();
            applications = yarn.getApplications().stream().filter(report -> report.getName().equals("exiting session")).toList();
        }
        assertThat(applications).hasSize(1);
        assertThat(applications.get(0).getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.FAILED);
        assertThat(applications.get(0).getDiagnostics()).contains("the driver exited while 1 of its MapReduce jobs ran");
        MultiHostCluster.waitFor(() -> cluster.runningContainers() == 0, 60_000, "every executor of the ended session ends");
    }

    /** The applications of the test's session, oldest first. */
    private static List<ApplicationReport> sessionApplications()
            throws Exception
    {
        try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(cluster.conf());
            yarn.start();
            return yarn.getApplications().stream().filter(report -> report.getName().equals("mr session"))
                    .sorted(Comparator.comparing(ApplicationReport::getApplicationId)).toList();
        }
    }

    /**
     * The old API's word count of {@code input}'s lines split at spaces, without the words of the
     * cache file {@code stopWords} (linked as {@code stopwords}), run to its end on {@code runner}.
     */
    private static org.apache.hadoop.mapred.RunningJob stopWords(Configuration conf, String runner, String stopWords, String input, String output)
            throws Exception
    {
        org.apache.hadoop.mapred.JobConf job = new org.apache.hadoop.mapred.JobConf(conf);
        job.setJobName("stop words");
        job.setJar(TestJobs.jar(base).getAbsolutePath());
        job.setMapperClass(TestJobs.StopWordMapper.class);
        job.setCombinerClass(TestJobs.OldApiSum.class);
        job.setReducerClass(TestJobs.OldApiSum.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        job.setNumReduceTasks(2);
        job.setNumMapTasks(1);
        job.setBoolean("test.local.dirs.in.container", runner.equals("tusk"));
        // a secret the driver hands its tasks through the job's credentials (as jobs pass passwords)
        job.getCredentials().addSecretKey(new Text("test.stopwords"), "w4".getBytes(StandardCharsets.UTF_8));
        org.apache.hadoop.mapreduce.filecache.DistributedCache.addCacheFile(
                new java.net.URI(cluster.fileSystem().makeQualified(new Path(stopWords)) + "#stopwords"), job);
        org.apache.hadoop.mapred.FileInputFormat.setInputPaths(job, new Path(input));
        org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(job, new Path(output));
        return org.apache.hadoop.mapred.JobClient.runJob(job);
    }

    /** A word count whose classes come from the test's own job jar. */
    private static Job testJob(Configuration conf, String output, Class<? extends org.apache.hadoop.mapreduce.Mapper<?, ?, ?, ?>> mapper)
            throws IOException
    {
        Job job = wordCount(conf, output);
        job.setJar(TestJobs.jar(base).getAbsolutePath());
        job.setMapperClass(mapper);
        job.setCombinerClass(TestJobs.IntSumReducer.class);
        job.setReducerClass(TestJobs.IntSumReducer.class);
        return job;
    }

    @Test
    void failingMapperFailsTheJobAsLocallyAndLeavesNoOutput()
            throws Exception
    {
        Job job = testJob(tuskConf(), "/out/failing", TestJobs.FailingMapper.class);
        job.getConfiguration().setInt("mapreduce.map.maxattempts", 2);
        assertThat(job.waitForCompletion(false)).isFalse();
        assertThat(job.getStatus().getState()).isEqualTo(org.apache.hadoop.mapreduce.JobStatus.State.FAILED);
        assertThat(job.getStatus().getFailureInfo())
                .contains("Task failed task_")
                .contains("java.lang.IllegalStateException: bad record at offset 0")
                .contains("Job failed as tasks failed. failedMaps:");
        // each failed attempt's diagnostics, as the client prints them
        org.apache.hadoop.mapreduce.TaskCompletionEvent[] events = job.getTaskCompletionEvents(0, 100);
        assertThat(events).anySatisfy(event -> {
            assertThat(event.getStatus()).isEqualTo(org.apache.hadoop.mapreduce.TaskCompletionEvent.Status.FAILED);
            try {
                assertThat(job.getTaskDiagnostics(event.getTaskAttemptId())).singleElement().asString().contains("bad record at offset 0");
            }
            catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertNoOutput(new Path("/out/failing"));
        assertThat(application(job).getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.FAILED);
    }

    @Test
    void killedJobEndsItsApplicationAndLeavesNoOutputNorContainers()
            throws Exception
    {
        Job job = testJob(tuskConf(), "/out/killed", TestJobs.SlowTokenizer.class);
        job.getConfiguration().set("mapreduce.map.java.opts", "-Dtusk.test.map.pause=60000");
        job.submit();
        waitForRunningMaps(job);
        job.killJob();
        MultiHostCluster.waitFor(() -> {
            try {
                return job.isComplete();
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, 60_000, "the job ends");
        assertThat(job.getStatus().getState()).isEqualTo(org.apache.hadoop.mapreduce.JobStatus.State.KILLED);
        assertThat(application(job).getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.KILLED);
        assertNoOutput(new Path("/out/killed"));
        MultiHostCluster.waitFor(() -> cluster.runningContainers() == 0, 60_000, "every container of the killed job ends");
    }

    @Test
    void jobSurvivesAnExecutorKilledWhileItsMapsRun()
            throws Exception
    {
        Job job = testJob(tuskConf(), "/out/executor-killed", TestJobs.SlowTokenizer.class);
        job.getConfiguration().set("mapreduce.map.java.opts", "-Dtusk.test.map.pause=1500");
        job.submit();
        waitForCompletedMaps(job, 2);
        // the application's tracking URL is the master's web UI: the running job, its tasks on the cluster's executors
        String ui = application(job, false).getOriginalTrackingUrl();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String jobs = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui + "api/v1/jobs")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(jobs).contains("\"description\":\"" + job.getJobID() + "\"").contains("\"state\":\"RUNNING\"").contains("\"kind\":\"MapReduce\"");
        String executors = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui + "api/v1/executors")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(executors).containsPattern("\"host\":\"(" + String.join("|", MultiHostCluster.HOSTS) + ")\"");
        killAnExecutorOf(job);
        assertThat(job.waitForCompletion(false)).as("the job succeeds without the killed executor").isTrue();
        localWordCount();
        assertSameOutput(LOCAL_WORD_COUNT, new Path("/out/executor-killed"));
        assertThat(job.getCounters().findCounter(JobCounter.NUM_KILLED_MAPS).getValue() + job.getCounters().findCounter(JobCounter.TOTAL_LAUNCHED_MAPS).getValue())
                .as("maps ran again").isGreaterThan(FILES);
    }

    @Test
    void jobSurvivesAnExecutorKilledWhileItsReducesRun()
            throws Exception
    {
        Configuration conf = tuskConf();
        // three executors of one slot each: the maps and the reduces spread over them, and the reduces fetch over the network
        conf.setInt(YarnSettings.EXECUTOR_CORES, 1);
        conf.setInt(YarnSettings.MAX_EXECUTORS, 3);
        Job job = testJob(conf, "/out/executor-killed-reducing", TestJobs.SlowTokenizer.class);
        job.setReducerClass(TestJobs.SlowSumReducer.class);
        // executors take the maps' JVM options
        job.getConfiguration().set("mapreduce.map.java.opts", "-Dtusk.test.reduce.pause=6000");
        // the reduces fetch the maps' outputs from the other executors compressed with the job's codec
        job.getConfiguration().setBoolean("mapreduce.map.output.compress", true);
        job.getConfiguration().set("mapreduce.map.output.compress.codec", org.apache.hadoop.io.compress.GzipCodec.class.getName());
        job.submit();
        // every map done, an executor runs a reduce (in its first six seconds): that executor is killed
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String[] reducing = new String[1];
        MultiHostCluster.waitFor(() -> {
            try {
                TaskReport[] maps = job.getTaskReports(TaskType.MAP);
                if (maps.length < FILES || !java.util.Arrays.stream(maps).allMatch(report -> report.getCurrentStatus() == org.apache.hadoop.mapred.TIPStatus.COMPLETE)) {
                    return false;
                }
                java.net.URI executorsApi = java.net.URI.create(application(job, false).getOriginalTrackingUrl() + "api/v1/executors");
                String executors = client.send(java.net.http.HttpRequest.newBuilder(executorsApi).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                java.util.regex.Matcher running = java.util.regex.Pattern.compile("\"id\":\"(container_[0-9_]+)[^\"]*\",\"host\":\"[^\"]*\",\"lost\":false,\"runningTasks\":[1-9]")
                        .matcher(executors);
                if (running.find()) {
                    reducing[0] = running.group(1);
                    return true;
                }
                return false;
            }
            catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 120_000, "an executor runs a reduce");
        killExecutor(reducing[0]);
        assertThat(job.waitForCompletion(false)).as("the job succeeds without the killed executor").isTrue();
        localWordCount();
        assertSameOutput(LOCAL_WORD_COUNT, new Path("/out/executor-killed-reducing"));
        Counters counters = job.getCounters();
        assertThat(counters.findCounter(JobCounter.NUM_KILLED_REDUCES).getValue()).as("the reduce lost with its executor ran again").isGreaterThan(0);
    }

    /**
     * A master stopped with SIGTERM (as a node manager that stops, or YARN ending the attempt, stops
     * it) while attempts are left ends its tasks but leaves the job's files: the next attempt runs the
     * job. So does a master killed with SIGKILL: the job runs in its third attempt.
     */
    @Test
    void jobRunsAgainInTheNextMasterAttemptWhenItsMasterIsStoppedOrKilled()
            throws Exception
    {
        String output = "/out/master-ended";
        Job job = testJob(tuskConf(), output, TestJobs.SlowTokenizer.class);
        job.getConfiguration().set("mapreduce.map.java.opts", "-Dtusk.test.map.pause=1500");
        job.getConfiguration().setInt("mapreduce.am.max-attempts", 3);
        job.submit();
        String application = job.getJobID().toString().replace("job_", "application_");
        waitForCompletedMaps(job, 2);
        ProcessHandle first = masterOf(application);
        first.destroy();
        // the second attempt's own maps: its master's process is another one
        MultiHostCluster.waitFor(() -> !first.isAlive() && masterRunning(application, first), 120_000, "a second master attempt");
        MultiHostCluster.waitFor(() -> {
            try {
                return java.util.Arrays.stream(job.getTaskReports(TaskType.MAP))
                        .filter(report -> report.getCurrentStatus() == org.apache.hadoop.mapred.TIPStatus.COMPLETE).count() >= 2;
            }
            catch (IOException | RuntimeException e) {
                // the client finds the new master through the resource manager once it registered
                return false;
            }
            catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, 120_000, "2 maps of the second attempt succeed");
        masterOf(application).destroyForcibly();
        assertThat(job.waitForCompletion(false)).as("the third master attempt runs the job").isTrue();
        localWordCount();
        assertSameOutput(LOCAL_WORD_COUNT, new Path(output));
        assertThat(cluster.fileSystem().exists(new Path(output + "/_temporary"))).as("the earlier attempts' temporary output").isFalse();
        ApplicationReport report = application(job);
        assertThat(report.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(report.getCurrentApplicationAttemptId().getAttemptId()).isEqualTo(3);
    }

    /** The JVM of the application's master, not the container's launch scripts (tusk-java.sh waits for the JVM while it writes a class-data archive). */
    private static ProcessHandle masterOf(String application)
    {
        return masters(application).findFirst().orElseThrow(() -> new AssertionError("no master process of " + application));
    }

    private static boolean masterRunning(String application, ProcessHandle other)
    {
        return masters(application).anyMatch(process -> process.pid() != other.pid());
    }

    private static java.util.stream.Stream<ProcessHandle> masters(String application)
    {
        return jvms("io.tusk.yarn.master.ApplicationMaster", application);
    }

    /** The JVMs (not the launch scripts that start them) running {@code mainClass} whose command line names {@code id}. */
    private static java.util.stream.Stream<ProcessHandle> jvms(String mainClass, String id)
    {
        return ProcessHandle.allProcesses()
                .filter(process -> commandLine(process).contains(mainClass) && commandLine(process).contains(id))
                .filter(process -> process.info().command().map(command -> command.endsWith("/java")).orElse(false));
    }

    @Test
    void applicationKilledThroughYarnEndsTheJobWithoutOutputNorContainers()
            throws Exception
    {
        Job job = testJob(tuskConf(), "/out/yarn-killed", TestJobs.SlowTokenizer.class);
        job.getConfiguration().set("mapreduce.map.java.opts", "-Dtusk.test.map.pause=60000");
        job.submit();
        waitForRunningMaps(job);
        try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(cluster.conf());
            yarn.start();
            yarn.killApplication(application(job, false).getApplicationId());
        }
        MultiHostCluster.waitFor(() -> {
            try {
                return job.isComplete();
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, 60_000, "the client hears that the job ended");
        assertThat(job.getStatus().getState()).isEqualTo(org.apache.hadoop.mapreduce.JobStatus.State.KILLED);
        assertThat(job.isSuccessful()).isFalse();
        assertThat(application(job).getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.KILLED);
        MultiHostCluster.waitFor(() -> cluster.runningContainers() == 0, 60_000, "every container of the killed application ends");
        assertNoOutput(new Path("/out/yarn-killed"));
    }

    /** Word counts of the input without two words, joined with labels of the first hundred words; a cached dataset used twice. */
    private static List<String> datasetProgram(Tusk tusk, String input, LongAccumulator computed, String output)
    {
        Broadcast<Set<String>> skipped = tusk.broadcast(Set.of("w1", "w2"));
        PairDataset<String, Long> counts = tusk.textFile(input)
                .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                .filter(word -> !skipped.value().contains(word))
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum)
                .mapToPair(count -> {
                    computed.add(1);
                    return count;
                })
                .cache();
        List<Pair<String, String>> labels = new ArrayList<>();
        for (int word = 0; word < 100; word++) {
            labels.add(Pair.of("w" + word, word % 2 == 0 ? "even" : "odd"));
        }
        List<String> result = new ArrayList<>();
        result.add("distinct " + counts.count());
        counts.join(PairDataset.of(tusk.parallelize(labels, 4)))
                .collect()
                .forEach(joined -> result.add(joined.key() + " " + joined.value().key() + " " + joined.value().value()));
        result.sort(null);
        counts.saveAsTextFile(output);
        return result;
    }

    /** The lines of the text files at {@code path}, adding the bytes their tasks' threads read from HDFS while reading them to {@code hdfsBytes}. */
    private static List<String> readMeasuringHdfs(Tusk tusk, String path, LongAccumulator hdfsBytes)
    {
        return tusk.textFile(path).mapPartitions(lines -> {
            long before = threadBytesReadFromHdfs();
            List<String> all = new ArrayList<>();
            lines.forEachRemaining(all::add);
            hdfsBytes.add(threadBytesReadFromHdfs() - before);
            return all.iterator();
        }).collect();
    }

    private static long threadBytesReadFromHdfs()
    {
        long total = 0;
        for (org.apache.hadoop.fs.FileSystem.Statistics statistics : org.apache.hadoop.fs.FileSystem.getAllStatistics()) {
            if (statistics.getScheme().equals("hdfs")) {
                total += statistics.getThreadStatistics().getBytesRead();
            }
        }
        return total;
    }

    /** The lines of every file under {@code directory}, sorted. */
    private static List<String> sortedLines(Path directory)
            throws IOException
    {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> file : files(directory).entrySet()) {
            if (file.getKey().startsWith("part-")) {
                lines.addAll(List.of(file.getValue().split("\n")));
            }
        }
        lines.sort(null);
        return lines;
    }

    @Test
    void mapReduceJobsOfADatasetProgramRunInItsApplicationAndShareOutputsWithItsDatasets()
            throws Exception
    {
        List<String> applicationsBefore = applicationNames();
        Configuration program = programConf("program with jobs");
        // executors of one core, up to four on three nodes: a node with several, of which one keeps a file
        program.setInt(YarnSettings.EXECUTOR_CORES, 1);
        program.setInt(YarnSettings.MAX_EXECUTORS, 4);
        // what is tested is where the maps of kept files are placed, not how long they wait for it
        program.setLong(YarnSettings.LOCALITY_WAIT, 30_000);
        List<String> counted;
        long countsFromHdfs;
        long savedSplitsFromMemory;
        try (Tusk tusk = Tusk.yarn(program)) {
            // a MapReduce job the program submits (tusk-yarn, no session asked for) runs in the program's application
            Job count = wordCount(tuskConf(), "/shared/counts");
            assertThat(count.waitForCompletion(false)).isTrue();
            LongAccumulator fromHdfs = tusk.longAccumulator("HDFS bytes read of the job's output");
            counted = readMeasuringHdfs(tusk, "/shared/counts", fromHdfs);
            countsFromHdfs = fromHdfs.sum();

            // and a job reads what a dataset saved from the executors' memory
            tusk.textFile("/in/words-[0-2]").saveAsTextFile("/shared/saved");
            Job recount = TestJobs.wordCount(tuskConf(), "/shared/saved", "/shared/recount-tusk");
            assertThat(recount.waitForCompletion(false)).isTrue();
            savedSplitsFromMemory = recount.getCounters().findCounter(io.tusk.mr.counters.OutputCacheCounter.SPLITS_FROM_MEMORY).getValue();
        }
        localWordCount();
        assertSameOutput(LOCAL_WORD_COUNT, new Path("/shared/counts"));
        assertThat(counted.stream().sorted().toList()).isEqualTo(sortedLines(new Path("/shared/counts")));
        assertThat(countsFromHdfs).as("bytes of the job's output read from HDFS by the dataset: the executors that wrote it keep it").isZero();
        long savedFiles = files(new Path("/shared/saved")).keySet().stream().filter(name -> name.startsWith("part-")).count();
        assertThat(savedSplitsFromMemory).as("splits of the dataset's %d saved files read from memory by the job", savedFiles).isEqualTo(savedFiles).isPositive();
        Job local = TestJobs.wordCount(localConf(), "/shared/saved", "/shared/recount-local");
        assertThat(local.waitForCompletion(false)).isTrue();
        assertSameOutput(new Path("/shared/recount-local"), new Path("/shared/recount-tusk"));
        List<String> applications = applicationNames();
        assertThat(applications.subList(applicationsBefore.size(), applications.size()))
                .as("applications started by the program: its own, none for its jobs").containsExactly("program with jobs");
    }

    /**
     * A dataset program's context on the cluster, application {@code name}: the test's classes
     * travel with Tusk's jars, executors of 2 cores (at most 3) connect to the driver on loopback.
     */
    private static Configuration programConf(String name)
            throws IOException
    {
        Configuration conf = tuskConf();
        conf.set("tusk.yarn.jars", tuskJars() + File.pathSeparator + new File("target/test-classes").getAbsolutePath());
        conf.set(YarnSettings.DRIVER_HOST, "127.0.0.1");
        conf.set(YarnSettings.APP_NAME, name);
        conf.setInt(YarnSettings.EXECUTOR_CORES, 2);
        conf.setInt(YarnSettings.MAX_EXECUTORS, 3);
        return conf;
    }

    /** The names of the cluster's applications, oldest first. */
    private static List<String> applicationNames()
            throws Exception
    {
        try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(cluster.conf());
            yarn.start();
            return yarn.getApplications().stream().sorted(Comparator.comparing(ApplicationReport::getApplicationId)).map(ApplicationReport::getName).toList();
        }
    }

    @Test
    void datasetProgramWithACacheAndAJoinComputesOnYarnWhatItComputesLocally()
            throws Exception
    {
        String input = cluster.conf().get("fs.defaultFS") + "/in";
        List<String> local;
        try (Tusk tusk = Tusk.create(TuskConfig.fromProperties(Map.of(TuskConfig.MASTER, "local[2]", "fs.defaultFS", cluster.conf().get("fs.defaultFS"))))) {
            local = datasetProgram(tusk, input, tusk.longAccumulator("computed"), "/out/dataset-local");
        }

        Configuration conf = programConf("dataset program");
        conf.setInt(TuskConfig.DEFAULT_PARALLELISM, 6);
        List<String> onYarn;
        long computed;
        List<String> readBack;
        long savedFromHdfs;
        int inputLines;
        long inputFromHdfs;
        ApplicationReport application;
        try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(cluster.conf());
            yarn.start();
            try (Tusk tusk = Tusk.yarn(conf)) {
                LongAccumulator counter = tusk.longAccumulator("computed");
                // a path without a scheme: the driver and the executors resolve it against the configuration's fs.defaultFS
                onYarn = datasetProgram(tusk, input, counter, "/out/dataset-yarn");
                computed = counter.sum();

                // what the program saved is kept by the executors that wrote it: reading it back reads their memory
                LongAccumulator savedBytesRead = tusk.longAccumulator("HDFS bytes read of the saved output");
                readBack = readMeasuringHdfs(tusk, "/out/dataset-yarn", savedBytesRead);
                savedFromHdfs = savedBytesRead.sum();
                LongAccumulator inputBytesRead = tusk.longAccumulator("HDFS bytes read of the input");
                inputLines = readMeasuringHdfs(tusk, input, inputBytesRead).size();
                inputFromHdfs = inputBytesRead.sum();

                // the application's tracking URL shows the driver's web UI: the program's jobs, its executors on the cluster's nodes
                String ui = yarn.getApplications(java.util.EnumSet.of(org.apache.hadoop.yarn.api.records.YarnApplicationState.RUNNING)).stream()
                        .filter(report -> report.getName().equals("dataset program")).findFirst().orElseThrow().getOriginalTrackingUrl();
                java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
                assertThat(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui + "api/v1/jobs")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body()).contains("\"kind\":\"Dataset\"").contains("\"state\":\"SUCCEEDED\"");
                assertThat(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui + "api/v1/executors")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body()).containsPattern("\"host\":\"(" + String.join("|", MultiHostCluster.HOSTS) + ")\"");
            }
            application = yarn.getApplications(java.util.EnumSet.of(org.apache.hadoop.yarn.api.records.YarnApplicationState.FINISHED)).stream()
                    .filter(report -> report.getName().equals("dataset program"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no finished application of the dataset program"));
        }
        assertThat(onYarn).isEqualTo(local).hasSizeGreaterThan(90);
        assertThat(cluster.fileSystem().exists(new Path("/out/dataset-yarn/_SUCCESS"))).isTrue();
        assertThat(sortedLines(new Path("/out/dataset-yarn"))).isEqualTo(sortedLines(new Path("/out/dataset-local"))).isNotEmpty();
        long distinct = Long.parseLong(local.get(0).substring("distinct ".length()));
        // each partition of the cached counts is computed once by count(); join reads it from the executor that cached it
        assertThat(computed).as("cached partitions computed again by the join").isLessThan(2 * distinct).isGreaterThanOrEqualTo(distinct);
        assertThat(readBack.stream().sorted().toList()).isEqualTo(sortedLines(new Path("/out/dataset-yarn")));
        assertThat(savedFromHdfs).as("bytes of the saved output read from HDFS: the executors that wrote it keep it").isZero();
        assertThat(inputLines).isEqualTo(FILES * 8_000);
        assertThat(inputFromHdfs).as("bytes of the input read from HDFS").isGreaterThan(FILES * 100_000L);
        assertThat(readBack.stream().sorted().toList()).isEqualTo(sortedLines(new Path("/out/dataset-yarn")));
        assertThat(savedFromHdfs).as("bytes of the saved output read from HDFS: the executors that wrote it keep it").isZero();
        assertThat(inputLines).isEqualTo(FILES * 8_000);
        assertThat(inputFromHdfs).as("bytes of the input read from HDFS").isGreaterThan(FILES * 100_000L);
        assertThat(application.getApplicationType()).isEqualTo("TUSK");
        assertThat(application.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(application.getOriginalTrackingUrl()).as("the driver's status page").startsWith("http://127.0.0.1:");
        MultiHostCluster.waitFor(() -> cluster.runningContainers() == 0, 60_000, "every executor of the closed context ends");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void jobSurvivesANodeManagerStoppedWhileItsMapsRun()
            throws Exception
    {
        Job job = testJob(tuskConf(), "/out/node-stopped", TestJobs.SlowTokenizer.class);
        job.getConfiguration().set("mapreduce.map.java.opts", "-Dtusk.test.map.pause=2000");
        job.submit();
        waitForCompletedMaps(job, 2);
        // a node that runs an executor, not the master
        String master = application(job, false).getHost();
        int node = -1;
        for (int i = 0; i < MultiHostCluster.HOSTS.length; i++) {
            if (!MultiHostCluster.HOSTS[i].equals(master)) {
                node = i;
            }
        }
        cluster.stopNodeManager(node);
        assertThat(job.waitForCompletion(false)).as("the job succeeds without the stopped node").isTrue();
        localWordCount();
        assertSameOutput(LOCAL_WORD_COUNT, new Path("/out/node-stopped"));
    }

    private static void waitForRunningMaps(Job job)
            throws InterruptedException
    {
        MultiHostCluster.waitFor(() -> {
            try {
                return job.getStatus().getState() == org.apache.hadoop.mapreduce.JobStatus.State.RUNNING && job.getTaskReports(TaskType.MAP).length > 0
                        && java.util.Arrays.stream(job.getTaskReports(TaskType.MAP)).anyMatch(report -> !report.getRunningTaskAttemptIds().isEmpty());
            }
            catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, 120_000, "the maps run");
    }

    private static void waitForCompletedMaps(Job job, int maps)
            throws InterruptedException
    {
        MultiHostCluster.waitFor(() -> {
            try {
                return java.util.Arrays.stream(job.getTaskReports(TaskType.MAP))
                        .filter(report -> report.getCurrentStatus() == org.apache.hadoop.mapred.TIPStatus.COMPLETE).count() >= maps;
            }
            catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, 120_000, maps + " maps succeed");
    }

    /**
     * Kills one executor process of the job's application, as {@code kill -9} would: the JVM itself,
     * not the container's launch scripts (tusk-java.sh waits for the JVM while it writes a class-data
     * archive; killed alone, it would leave the executor running).
     */
    private static void killAnExecutorOf(Job job)
    {
        killExecutor(job.getJobID().toString().replace("job_", "container_"));
    }

    /** Kills the executor JVM whose container's id starts with {@code containers}, as {@code kill -9} would. */
    private static void killExecutor(String containers)
    {
        ProcessHandle executor = jvms("io.tusk.yarn.executor.ExecutorMain", containers)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no executor process of " + containers));
        executor.destroyForcibly();
    }

    private static String commandLine(ProcessHandle process)
    {
        try {
            return Files.readString(java.nio.file.Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        }
        catch (IOException e) {
            return "";
        }
    }

    /** As Hadoop's committer leaves it after a failed or killed job: no file, at most an empty directory. */
    private static void assertNoOutput(Path output)
            throws IOException
    {
        FileSystem fs = cluster.fileSystem();
        if (fs.exists(output)) {
            assertThat(fs.listFiles(output, true).hasNext()).as("files under %s", output).isFalse();
        }
    }

    /** The splits of the word count's input in the order JobSubmitter numbers the maps: largest first. */
    private static List<InputSplit> splitsAsSubmitted(Configuration conf)
            throws Exception
    {
        Job job = wordCount(conf, "/unused");
        List<InputSplit> splits = new ArrayList<>(new TextInputFormat().getSplits(new JobContextImpl(job.getConfiguration(), job.getJobID())));
        splits.sort(Comparator.comparingLong((InputSplit split) -> {
            try {
                return split.getLength();
            }
            catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).reversed());
        return splits;
    }

    /** YARN's report of the job's application once it has ended (its master ends soon after the client hears the job's end). */
    static ApplicationReport application(Job job)
            throws Exception
    {
        return application(job, true);
    }

    static ApplicationReport application(Job job, boolean ended)
            throws Exception
    {
        try (YarnClient client = YarnClient.createYarnClient()) {
            client.init(cluster.conf());
            client.start();
            org.apache.hadoop.mapreduce.JobID id = job.getJobID();
            org.apache.hadoop.yarn.api.records.ApplicationId application = org.apache.hadoop.yarn.api.records.ApplicationId.newInstance(
                    Long.parseLong(id.getJtIdentifier()), id.getId());
            ApplicationReport[] report = new ApplicationReport[1];
            MultiHostCluster.waitFor(() -> {
                try {
                    report[0] = client.getApplicationReport(application);
                }
                catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return !ended || report[0].getFinalApplicationStatus() != FinalApplicationStatus.UNDEFINED;
            }, 60_000, "application " + application + " ends");
            return report[0];
        }
    }

    static void assertSameOutput(Path expected, Path actual)
            throws IOException
    {
        Map<String, String> expectedFiles = files(expected);
        Map<String, String> actualFiles = files(actual);
        assertThat(actualFiles.keySet()).as("files written").containsExactlyElementsOf(expectedFiles.keySet());
        for (String name : expectedFiles.keySet()) {
            assertThat(actualFiles.get(name)).as("contents of %s", name).isEqualTo(expectedFiles.get(name));
        }
    }

    static Map<String, String> files(Path directory)
            throws IOException
    {
        return cluster.files(directory);
    }
}
