package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.examples.terasort.TeraGen;
import org.apache.hadoop.examples.terasort.TeraSort;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobCounter;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * W10 of BENCH.md, run by {@code bench/run-yarn}: the examples' word count and TeraSort on the
 * three-node mini cluster of the integration tests, Tusk on YARN against Hadoop MapReduce on YARN
 * on the same cluster and the same input. The outputs of both are compared byte for byte before
 * anything is timed. Not a test: it asserts no timing.
 */
public final class YarnBench
{
    private static final String TEXT = "/bench/text";
    private static final String TERA = "/bench/tera";
    private static final int TEXT_FILES = 6;
    private static final int REDUCERS = 3;
    private static final int CHAIN_JOBS = 5;

    private final MultiHostCluster cluster;
    /** Profiling: Tusk's runs only, with its master and executors logging every attempt; nothing compared. */
    private final boolean tuskOnly;
    /** Profiling: the executors' JVM options to compare. */
    private final List<String> variants;
    private final StringBuilder report = new StringBuilder();

    private YarnBench(MultiHostCluster cluster, boolean tuskOnly, List<String> variants)
    {
        this.cluster = cluster;
        this.tuskOnly = tuskOnly;
        this.variants = variants;
    }

    public static void main(String[] args)
            throws Exception
    {
        int textMb = 96;
        long rows = 500_000;
        int runs = 3;
        String only = null;
        boolean keep = false;
        boolean tuskOnly = false;
        List<String> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--text-mb" -> textMb = Integer.parseInt(args[++i]);
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--keep" -> keep = true;
                case "--tusk-only" -> tuskOnly = true;
                case "--executor-opts" -> variants.add(args[++i]);
                default -> {
                    System.err.println("usage: bench/run-yarn [--text-mb N] [--rows N] [--runs N] [--only W1|W4|chain] [--keep] [--tusk-only [--executor-opts OPTS]...]");
                    System.exit(2);
                }
            }
        }
        File base = Files.createTempDirectory(Files.createDirectories(java.nio.file.Path.of("target", "bench")), "cluster").toFile();
        try (MultiHostCluster cluster = new MultiHostCluster(base).withMapReduce().start()) {
            YarnBench bench = new YarnBench(cluster, tuskOnly, variants.isEmpty() ? List.of("") : variants);
            bench.run(textMb, rows, runs, only);
        }
        finally {
            if (keep) {
                System.out.println("The cluster's directories, with every container's logs, are kept in " + base.getAbsolutePath());
            }
            else {
                org.apache.hadoop.fs.FileUtil.fullyDelete(base);
            }
        }
        System.exit(0);
    }

    private void run(int textMb, long rows, int runs, String only)
            throws Exception
    {
        line("# W10: Tusk on YARN vs Hadoop MapReduce on YARN, three-node mini cluster on this machine");
        line("");
        line(String.format(Locale.ROOT, "%d cores, %s; W1: %d MiB of text in %d files (16 MiB blocks), %d reducers; W4: TeraSort of %,d rows, %d reducers; "
                + "%d timed runs each, alternating, after a checked warm-up run", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                textMb, TEXT_FILES, REDUCERS, rows, REDUCERS, runs));
        line("");
        line("| workload | MapReduce on YARN | Tusk on YARN | ratio | CPU seconds (MapReduce / Tusk) | data-local maps (MapReduce / Tusk) |");
        line("|---|---|---|---|---|---|");
        if (only == null || only.equals("W1")) {
            writeText(textMb);
            measure("W1 word count", runs, (conf, output) -> wordCount(conf, output));
        }
        if (only == null || only.equals("W4")) {
            generateTera(rows);
            measure("W4 TeraSort", runs, (conf, output) -> teraSort(conf, output));
        }
        if (only == null || only.equals("chain")) {
            if (!cluster.fileSystem().exists(new Path(TEXT))) {
                writeText(textMb);
            }
            // Tusk twice: an application per job, and all jobs of the chain in one session
            measure("chain of " + CHAIN_JOBS + " jobs", runs, YarnBench::chain, Map.of(
                    "Tusk on YARN", this::tuskConf,
                    "Tusk session", () -> {
                        Configuration conf = tuskConf();
                        conf.setBoolean(YarnSettings.SESSION, true);
                        conf.set(YarnSettings.DRIVER_HOST, "127.0.0.1");
                        return conf;
                    }));
        }
        java.nio.file.Path results = java.nio.file.Path.of("target", "bench", "results.md");
        Files.writeString(results, report);
        System.out.println("Wrote " + results.toAbsolutePath());
    }

    private void line(String text)
    {
        System.out.println(text);
        report.append(text).append('\n');
    }

    /** Text of a 1,000-word vocabulary, as RandomTextWriter writes it, spread over the three nodes. */
    private void writeText(int megabytes)
            throws Exception
    {
        Random random = new Random(42);
        String[] vocabulary = new String[1000];
        for (int i = 0; i < vocabulary.length; i++) {
            StringBuilder word = new StringBuilder();
            for (int letter = 2 + random.nextInt(9); letter > 0; letter--) {
                word.append((char) ('a' + random.nextInt(26)));
            }
            vocabulary[i] = word.toString();
        }
        long perFile = (long) megabytes * 1024 * 1024 / TEXT_FILES;
        for (int file = 0; file < TEXT_FILES; file++) {
            try (OutputStream out = cluster.createOn(new Path(TEXT, "part-" + file), file % MultiHostCluster.HOSTS.length, 16L * 1024 * 1024)) {
                long written = 0;
                StringBuilder line = new StringBuilder();
                while (written < perFile) {
                    line.setLength(0);
                    for (int word = 5 + random.nextInt(10); word > 0; word--) {
                        line.append(vocabulary[random.nextInt(vocabulary.length)]).append(word == 1 ? '\n' : ' ');
                    }
                    byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
                    out.write(bytes);
                    written += bytes.length;
                }
            }
        }
    }

    private void generateTera(long rows)
            throws Exception
    {
        Configuration conf = tuskConf();
        conf.setInt("mapreduce.job.maps", 2 * MultiHostCluster.HOSTS.length);
        conf.setLong("dfs.blocksize", 16L * 1024 * 1024);
        int exit = org.apache.hadoop.util.ToolRunner.run(conf, new TeraGen(), new String[] {Long.toString(rows), TERA});
        if (exit != 0) {
            throw new IllegalStateException("TeraGen failed");
        }
    }

    private interface Workload
    {
        /** Runs the job on {@code conf}'s framework into {@code output}; its counters. */
        Counters run(Configuration conf, String output)
                throws Exception;
    }

    private static Counters wordCount(Configuration conf, String output)
            throws Exception
    {
        Job job = TestJobs.wordCount(conf, TEXT, output);
        if (!job.waitForCompletion(false)) {
            throw new IllegalStateException("word count failed on " + conf.get("mapreduce.framework.name") + ": " + job.getStatus().getFailureInfo());
        }
        return job.getCounters();
    }

    /**
     * A chain of {@value #CHAIN_JOBS} jobs, each reading the output of the one before, as drivers of
     * pipelines and loops run them: the word count of the text, then jobs that count the lines of
     * the previous output (each line, key and count, becomes a key of the next). In a session the
     * session ends with the chain, so its start is in the chain's time.
     */
    private static Counters chain(Configuration conf, String output)
            throws Exception
    {
        try {
            String input = TEXT;
            Counters counters = null;
            for (int job = 1; job <= CHAIN_JOBS; job++) {
                String out = job == CHAIN_JOBS ? output : output + "-step-" + job;
                FileSystem.get(conf).delete(new Path(out), true);
                Job step = TestJobs.wordCount(conf, input, out);
                step.setJobName("chain step " + job);
                if (!step.waitForCompletion(false)) {
                    throw new IllegalStateException("chain step " + job + " failed on " + conf.get("mapreduce.framework.name") + ": " + step.getStatus().getFailureInfo());
                }
                counters = job == 1 ? step.getCounters() : counters;
                input = out;
            }
            return counters;
        }
        finally {
            io.tusk.yarn.client.MapReduceSession.end();
        }
    }

    private static Counters teraSort(Configuration conf, String output)
            throws Exception
    {
        conf.setInt("mapreduce.job.reduces", REDUCERS);
        TeraSort sort = new TeraSort();
        int exit = org.apache.hadoop.util.ToolRunner.run(conf, sort, new String[] {TERA, output});
        if (exit != 0) {
            throw new IllegalStateException("TeraSort failed on " + conf.get("mapreduce.framework.name"));
        }
        // TeraSort does not hand out its job: the data-local share is read from neither; see measure()
        return null;
    }

    private interface ConfSource
    {
        Configuration get()
                throws Exception;
    }

    private void measure(String name, int runs, Workload workload)
            throws Exception
    {
        measure(name, runs, workload, Map.of("Tusk on YARN", this::tuskConf));
    }

    /** MapReduce on YARN against each of Tusk's {@code variants} (by name), alternating; a line each. */
    private void measure(String name, int runs, Workload workload, Map<String, ConfSource> variants)
            throws Exception
    {
        variants = new java.util.TreeMap<>(variants);
        FileSystem fs = cluster.fileSystem();
        String mapReduceOut = "/bench/out/" + name.hashCode() + "-mapreduce";
        String tuskOut = "/bench/out/" + name.hashCode() + "-tusk";
        fs.delete(new Path(mapReduceOut), true);
        fs.delete(new Path(tuskOut), true);
        if (tuskOnly) {
            profile(name, runs, workload, tuskOut);
            return;
        }
        System.err.println(name + ": checked warm-up runs");
        workload.run(mapReduceConf(), mapReduceOut);
        Map<String, String> expected = cluster.files(new Path(mapReduceOut));
        for (Map.Entry<String, ConfSource> variant : variants.entrySet()) {
            workload.run(variant.getValue().get(), tuskOut);
            if (!expected.equals(cluster.files(new Path(tuskOut)))) {
                throw new IllegalStateException(name + ": " + variant.getKey() + " wrote other bytes than MapReduce on YARN in " + tuskOut + " and " + mapReduceOut);
            }
        }
        List<Double> mapReduce = new ArrayList<>();
        List<Double> mapReduceCpu = new ArrayList<>();
        Counters[] mapReduceCounters = new Counters[1];
        Map<String, List<Double>> tusk = new LinkedHashMap<>();
        Map<String, List<Double>> tuskCpu = new LinkedHashMap<>();
        Map<String, Counters[]> tuskCounters = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            System.err.println(name + ": timed run " + (run + 1) + " of " + runs);
            mapReduce.add(timed(workload, mapReduceConf(), mapReduceOut, mapReduceCounters, mapReduceCpu));
            for (Map.Entry<String, ConfSource> variant : variants.entrySet()) {
                String key = variant.getKey();
                tusk.computeIfAbsent(key, ignored -> new ArrayList<>()).add(timed(workload, variant.getValue().get(), tuskOut,
                        tuskCounters.computeIfAbsent(key, ignored -> new Counters[1]), tuskCpu.computeIfAbsent(key, ignored -> new ArrayList<>())));
            }
        }
        for (String key : tusk.keySet()) {
            double ratio = median(mapReduce) / median(tusk.get(key));
            String label = variants.size() == 1 ? name : name + ", " + key;
            line(String.format(Locale.ROOT, "| %s | %s | %s | **%.2f×** | %.0f / %.0f | %s / %s |", label, seconds(mapReduce), seconds(tusk.get(key)), ratio,
                    median(mapReduceCpu), median(tuskCpu.get(key)), local(mapReduceCounters[0]), local(tuskCounters.get(key)[0])));
        }
    }

    private void profile(String name, int runs, Workload workload, String output)
            throws Exception
    {
        Counters[] counters = new Counters[1];
        workload.run(tuskConf(), output);
        // the variants alternate, run by run, so that a slower stretch of the machine falls on all of them
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            for (String options : variants) {
                Configuration conf = tuskConf();
                conf.set(YarnSettings.AM_JAVA_OPTS, "-Dtusk.log.level=debug");
                conf.set(YarnSettings.EXECUTOR_JAVA_OPTS, "-Dtusk.log.level=debug " + options);
                long start = System.currentTimeMillis();
                double seconds = timed(workload, conf, output, counters, cpu.computeIfAbsent(options, key -> new ArrayList<>()));
                System.err.printf(Locale.ROOT, "%s [%s]: run %d started at %tT.%<tL, took %.1f s%n", name, options, run, start, seconds);
                times.computeIfAbsent(options, key -> new ArrayList<>()).add(seconds);
            }
        }
        if (counters[0] != null) {
            System.err.println(counters[0]);
        }
        times.forEach((options, tusk) -> line(String.format(Locale.ROOT, "| %s [%s] | — | %s | — | — / %.0f | — / %s |", name, options, seconds(tusk),
                median(cpu.get(options)), local(counters[0]))));
    }

    /** Seconds of one run; its counters into {@code counters}[0]. */
    private double timed(Workload workload, Configuration conf, String output, Counters[] counters, List<Double> cpuSeconds)
            throws Exception
    {
        cluster.fileSystem().delete(new Path(output), true);
        awaitNoContainers();
        try (CpuMeter cpu = new CpuMeter()) {
            long start = System.nanoTime();
            counters[0] = workload.run(conf, output);
            double seconds = (System.nanoTime() - start) / 1e9;
            awaitNoContainers();
            cpuSeconds.add(cpu.seconds());
            return seconds;
        }
    }

    /** Waits (at most 30 s) until the containers of the last job have exited. */
    private static void awaitNoContainers()
            throws InterruptedException
    {
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until && ProcessHandle.current().descendants().anyMatch(YarnBench::isContainer)) {
            Thread.sleep(50);
        }
    }

    /** Whether a process is a container's JVM (or its launcher), from /proc: ProcessHandle shows no command line as long as a container's. */
    private static boolean isContainer(ProcessHandle process)
    {
        String command;
        try {
            command = new String(Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(process.pid()), "cmdline")), java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (IOException | RuntimeException e) {
            command = process.info().commandLine().orElse("");
        }
        return command.contains("ExecutorMain") || command.contains("ApplicationMaster") || command.contains("YarnChild") || command.contains("MRAppMaster");
    }

    /**
     * CPU seconds spent by this JVM (the cluster's daemons and the client) and by every process it
     * starts (the containers) while the meter runs, from /proc: each process is read every 100 ms
     * while it lives (a container killed at the end of its application is never reaped by this JVM,
     * so the kernel's children's times would miss it). NaN where there is no /proc.
     */
    private static final class CpuMeter
            implements AutoCloseable
    {
        private final Map<Long, Long> ticksByProcess = new java.util.concurrent.ConcurrentHashMap<>();
        private final long ownBefore = ticks(ProcessHandle.current().pid());
        private final Thread sampler = new Thread(this::sample, "cpu-meter");
        private volatile boolean running = true;

        CpuMeter()
        {
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample()
        {
            while (running) {
                readDescendants();
                try {
                    Thread.sleep(100);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void readDescendants()
        {
            ProcessHandle.current().descendants().forEach(process -> {
                long ticks = ticks(process.pid());
                if (ticks >= 0) {
                    ticksByProcess.merge(process.pid(), ticks, Math::max);
                }
            });
        }

        double seconds()
        {
            readDescendants();
            long own = ticks(ProcessHandle.current().pid());
            if (own < 0 || ownBefore < 0) {
                return Double.NaN;
            }
            long children = ticksByProcess.values().stream().mapToLong(Long::longValue).sum();
            return (own - ownBefore + children) / 100.0;
        }

        /** User and system time of a process in clock ticks (100 a second on Linux), fields 14 and 15 of proc(5); -1 if unknown. */
        private static long ticks(long pid)
        {
            try {
                String stat = Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
            catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }

        @Override
        public void close()
                throws InterruptedException
        {
            running = false;
            sampler.interrupt();
            sampler.join();
        }
    }

    private static String local(Counters counters)
    {
        if (counters == null) {
            return "—";
        }
        long maps = counters.findCounter(JobCounter.TOTAL_LAUNCHED_MAPS).getValue();
        long dataLocal = counters.findCounter(JobCounter.DATA_LOCAL_MAPS).getValue();
        return String.format(Locale.ROOT, "%d of %d", dataLocal, maps);
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String seconds(List<Double> values)
    {
        return String.format(Locale.ROOT, "%.1f s (%.1f–%.1f)", median(values), Collections.min(values), Collections.max(values));
    }

    /** Hadoop's MapReduce on the cluster: a master and one JVM per task, containers of 512 MB as Tusk's master. */
    private Configuration mapReduceConf()
    {
        Configuration conf = cluster.conf();
        conf.set("mapreduce.framework.name", "yarn");
        conf.setInt("yarn.app.mapreduce.am.resource.mb", 512);
        conf.set("yarn.app.mapreduce.am.command-opts", "-Xmx400m");
        conf.setInt("mapreduce.map.memory.mb", 512);
        conf.setInt("mapreduce.reduce.memory.mb", 512);
        conf.set("mapreduce.map.java.opts", "-Xmx400m");
        conf.set("mapreduce.reduce.java.opts", "-Xmx400m");
        conf.setInt("mapreduce.task.io.sort.mb", 100);
        conf.setBoolean("mapreduce.job.ubertask.enable", false);
        conf.setInt("mapreduce.client.progressmonitor.pollinterval", 100);
        conf.setInt("mapreduce.client.completion.pollinterval", 100);
        return conf;
    }

    /** Tusk on the cluster: a master of 512 MB and one executor of 1 GB and 4 cores per node (the same memory as three task containers). */
    private Configuration tuskConf()
            throws Exception
    {
        Configuration conf = cluster.conf();
        conf.set("mapreduce.framework.name", YarnSettings.FRAMEWORK_NAME);
        conf.setInt("yarn.app.mapreduce.am.resource.mb", 512);
        conf.setInt(YarnSettings.EXECUTOR_MEMORY_MB, 1024);
        conf.setInt(YarnSettings.EXECUTOR_CORES, 4);
        conf.setInt(YarnSettings.MAX_EXECUTORS, MultiHostCluster.HOSTS.length);
        conf.setInt("mapreduce.client.progressmonitor.pollinterval", 100);
        conf.setInt("mapreduce.client.completion.pollinterval", 100);
        String runtime = Files.readString(java.nio.file.Path.of("target", "runtime-classpath.txt")).trim();
        conf.set("tusk.yarn.jars", new File("target/classes").getAbsolutePath() + File.pathSeparator + runtime);
        return conf;
    }
}
