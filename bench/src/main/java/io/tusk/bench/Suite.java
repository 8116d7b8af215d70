package io.tusk.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The benchmark suite of {@code ../shared/BENCH.md}: {@code bench/run [--scale small|default|F|1/N]
 * [--runs N] [--only W1,W7] [--heap 2g]}.
 * <p>
 * Every peer runs in its own process with the same JDK and heap. Before any time counts, the
 * warm-up run of every peer must write the same output as Tusk's, compared as each peer's {@link
 * Comparison} says (Hadoop's peers: the part files' bytes, in file name order; Spark: sorted lines;
 * the user-code floor: the number of words and the sum of their counts); a mismatch stops the run.
 * Timed runs then alternate between peers (A B C A B C …). The user-code floor reports the time of
 * its own loop, which the table shows instead of its process's (mostly reading the input); its ratio
 * to Tusk is BENCH.md's engine efficiency.
 * Prints a table (median seconds, min-max, CPU seconds, peak RSS, ratio against Tusk) and writes
 * {@code bench/target/suite/results.csv} and {@code results.svg}. Workloads and peers that Tusk or
 * the harness cannot run yet are listed as such, and so is a peer that fails (the run goes on).
 * <p>
 * Input sizes are BENCH.md's times the scale factor (W8: its number of jobs; W9: its heap); inputs
 * are generated deterministically and cached under {@code bench/target/suite/data}. The Spark peer
 * runs from its own module's class path ({@code bench-spark/target/classpath.txt}), never Tusk's.
 */
public final class Suite
{
    static final String TUSK = "Tusk local[*]";
    static final String LJR_DEFAULT = "LocalJobRunner default";
    static final String LJR_TUNED = "LocalJobRunner tuned";
    static final String SPARK = "Spark local[2]";
    static final String USER_CODE_FLOOR = "user-code floor";
    static final String STREAMING_FLOOR = "cat|mapper|sort|reducer";
    private static final List<String> PEERS = List.of(TUSK, LJR_DEFAULT, LJR_TUNED, SPARK, USER_CODE_FLOOR, STREAMING_FLOOR);
    private static final List<String> TUNED = List.of(
            "-D", "mapreduce.local.map.tasks.maximum=2",
            "-D", "mapreduce.local.reduce.tasks.maximum=2",
            "-D", "mapreduce.task.io.sort.mb=512",
            "-D", "mapreduce.task.io.sort.factor=64",
            "-D", "mapreduce.client.progressmonitor.pollinterval=100",
            "-D", "mapreduce.client.completion.pollinterval=100");
    /**
     * The JVM options Spark 4.0's launcher adds on JDK 17 ({@code
     * org.apache.spark.launcher.JavaModuleOptions}): Spark reaches into JDK internals.
     */
    private static final List<String> SPARK_JVM_OPTIONS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-modules=jdk.incubator.vector",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");
    private static final String SPARK_MAIN = "io.tusk.bench.spark.SparkWorkloads";
    /**
     * About 10 minutes on 2 cores: most of a run at this size is the peers' fixed costs (JVM, Hadoop
     * and Spark start-up, the LocalJobRunner's polls), 4 runs of about 30 processes.
     */
    private static final double DEFAULT_SCALE = 1.0 / 128;
    private static final double SMALL_SCALE = 1.0 / 256;
    /** BENCH.md's W8: 20 no-op jobs in one driver. */
    private static final int NO_OP_JOBS = 20;
    private static final int PAGE_RANK_ITERATIONS = 10;
    private static final long MIB = 1 << 20;
    /** The line a program prints to report the time of its own timed section. */
    private static final String OWN_TIME = "BENCH_SECONDS ";
    private static final String ARCHIVE_AT_EXIT = "-XX:ArchiveClassesAtExit=";
    /** Peers whose checked run goes at the same time: the checked runs are not timed (but in a smoke run, which is no measurement). */
    private static final int CHECKED_RUNS_AT_ONCE = 2;
    private static final String NOT_RUN = "Not run: Spark on W7 (BENCH.md has no Spark peer for streaming) and W8 (it measures MapReduce job"
            + " submission); the user-code floor exists for W1 and W2 only (W7 has the streaming floor); W9 is Tusk only";

    private final Path home;
    private final Path root;
    private final Path data;
    private final String heap;
    private final int runs;
    private final String classpath;
    private final Path benchJar;
    private final Path examples;
    private final Path streaming;
    private final String sparkClasspath;
    /**
     * A smoke run (no timed runs) checks the harness and the outputs, and should take about a minute: its
     * JVMs compile with C1 only and share their classes' data through archives cached in {@code cds/}.
     */
    private final boolean smoke;
    private final Path archives;
    private final AtomicInteger archivesWritten = new AtomicInteger();

    private Suite(Path home, String heap, int runs)
            throws IOException
    {
        this.home = home;
        this.root = home.resolve("bench/target/suite");
        this.data = root.resolve("data");
        this.heap = heap;
        this.runs = runs;
        this.smoke = runs == 0;
        this.archives = root.resolve("cds");
        this.benchJar = home.resolve("bench/target/tusk-bench-0.1.0-SNAPSHOT.jar");
        this.classpath = benchJar + ":" + readClasspath(home.resolve("bench/target/classpath.txt"));
        this.examples = home.resolve("bench/target/lib/hadoop-mapreduce-examples-3.4.2.jar");
        this.streaming = home.resolve("bench/target/lib/hadoop-streaming-3.4.2.jar");
        this.sparkClasspath = home.resolve("bench-spark/target/tusk-bench-spark-0.1.0-SNAPSHOT.jar") + ":"
                + readClasspath(home.resolve("bench-spark/target/classpath.txt"));
    }

    private static String readClasspath(Path file)
            throws IOException
    {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " does not exist; build the benchmarks first: mvn -B -Pbench -DskipTests package -pl samples,bench,bench-spark -am");
        }
        return Files.readString(file).trim();
    }

    public static void main(String[] args)
            throws Exception
    {
        double scale = DEFAULT_SCALE;
        String scaleName = "default";
        Integer runs = null;
        String heap = "2g";
        Set<String> only = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scale" -> {
                    scaleName = args[++i];
                    scale = switch (scaleName) {
                        case "default" -> DEFAULT_SCALE;
                        case "small" -> SMALL_SCALE;
                        default -> scaleName.startsWith("1/") ? 1.0 / Double.parseDouble(scaleName.substring(2)) : Double.parseDouble(scaleName);
                    };
                }
                case "--runs" -> runs = Integer.valueOf(args[++i]);
                case "--heap" -> heap = args[++i];
                case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
                default -> {
                    System.err.println("Usage: bench/run [--scale small|default|F|1/N] [--runs N] [--only W1,W7] [--heap 2g]");
                    System.exit(2);
                }
            }
        }
        // a small run is a smoke test of the harness and the jobs: the checked run's times, no timed runs
        int timedRuns = runs != null ? runs : scale <= SMALL_SCALE ? 0 : 3;
        if (timedRuns < 0) {
            throw new IllegalArgumentException("--runs must not be negative");
        }
        Path home = Path.of("").toAbsolutePath();
        Suite suite = new Suite(home, heap, timedRuns);
        String machine = String.format(Locale.ROOT, "%s, %d cores, %s %s, heap %s per peer, scale %s (%s), %s",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                heap, scaleName, fraction(scale), timedRuns == 0 ? "one checked run per peer, two at a time, C1 only, shared class data (a smoke test: the times are no measurement)"
                        : timedRuns + " timed runs after a checked warm-up (W9: one run)");
        System.out.println("Tusk benchmark suite: " + machine);
        suite.run(scale, only, machine);
    }

    private void run(double scale, Set<String> only, String machine)
            throws Exception
    {
        Files.createDirectories(root.resolve("work"));
        List<Workload> workloads = workloads(scale, only);
        List<Row> rows = new ArrayList<>();
        ExecutorService checking = Executors.newFixedThreadPool(CHECKED_RUNS_AT_ONCE);
        try {
            // a smoke run queues every workload's checked runs at once; a measuring run starts a workload's when the previous one's timed runs are over
            Map<String, Map<String, Future<Execution>>> started = new LinkedHashMap<>();
            if (smoke) {
                for (Workload workload : workloads) {
                    started.put(workload.id(), startChecks(workload, checking));
                }
            }
            for (Workload workload : workloads) {
                if (workload.peers().isEmpty()) {
                    System.out.printf("%n%s %s: %s%n", workload.id(), workload.title(), workload.note());
                    rows.add(new Row(workload.id(), workload.title(), workload.scale(), "-", null, workload.note()));
                    continue;
                }
                try {
                    Map<String, Future<Execution>> checks = started.get(workload.id());
                    rows.addAll(measure(workload, checks != null ? checks : startChecks(workload, checking)));
                }
                catch (PeerFailed e) {
                    // a peer that cannot run a workload is a result too; a wrong output still stops the run
                    System.out.printf("  %s%n", e.getMessage());
                    rows.add(new Row(workload.id(), workload.title(), workload.scale(), e.peer, null, e.getMessage()));
                }
            }
        }
        finally {
            // a run that stops (a wrong output) stops the peers still running
            checking.shutdownNow();
        }
        writeResults(rows, machine);
    }

    /**
     * A workload: peers in order, Tusk first; {@code scale} says what fraction of BENCH.md's size it
     * runs at, {@code note} what the table should say about it.
     */
    record Workload(String id, String title, String scale, List<PeerRun> peers, String note, Check check) {}

    /** How one peer runs a workload, writing into {@code output}, and how its output is compared with Tusk's. */
    record PeerRun(String peer, Command command, Comparison comparison) {}

    /** How a peer's output is compared with Tusk's before anything is timed. */
    enum Comparison
    {
        /** The part files' bytes, in path order: Hadoop's peers, which partition and sort as Tusk does. */
        BYTES,
        /**
         * All lines of the part files, sorted: Spark, which partitions its own way, and Hadoop's peers
         * where Hadoop does not define the order (the values of one key, equal counts), which then
         * depends on its sort buffer's size and spills.
         */
        SORTED_LINES,
        /**
         * A word count's number of words and the sum of their counts: the user-code floor discards
         * its output and writes these into {@code summary.txt} instead.
         */
        WORD_COUNT_TOTALS
    }

    interface Command
    {
        List<String> of(Path output)
                throws IOException;
    }

    /** A further check of Tusk's output before anything is timed. */
    interface Check
    {
        void verify(Path tuskOutput)
                throws Exception;
    }

    /** A run's wall and CPU seconds and peak RSS; {@code warmJobMs} is W8's time per warm job, or NaN. */
    record Result(double seconds, double cpuSeconds, long peakRssKb, double warmJobMs) {}

    /** A peer's process failed on a workload. */
    private static final class PeerFailed
            extends Exception
    {
        final String peer;

        PeerFailed(String peer, String message)
        {
            super(message);
            this.peer = peer;
        }
    }

    record Row(String workload, String title, String scale, String peer, Stats stats, String note) {}

    record Stats(double median, double min, double max, double cpu, long peakRssMb, double ratio, double warmJobMs) {}

    private List<Workload> workloads(double scale, Set<String> only)
            throws Exception
    {
        String fraction = fraction(scale);
        Path w1Text = data.resolve("w1-uniform-" + megabytes(1024, scale) + "m/part-0.txt");
        Path w2Text = data.resolve("w2-zipf-" + megabytes(512, scale) + "m/part-0.txt");
        Path w7Text = data.resolve("w7-uniform-" + megabytes(256, scale) + "m/part-0.txt");
        long teraRows = Math.max(10_000, Math.round(10_000_000 * scale));
        Path tera = data.resolve("w4-teragen-" + teraRows);
        int pages = (int) Math.max(1_000, Math.round(200_000 * scale));
        int visits = (int) Math.max(10_000, Math.round(2_000_000 * scale));
        Path joinTables = data.resolve("w5-join-" + pages + "-" + visits);
        int vertices = (int) Math.max(1_000, Math.round(500_000 * scale));
        Path graph = data.resolve("w6-graph-" + vertices + "/part-0.txt");
        int w9HeapMb = (int) Math.max(128, Math.round(1024 * scale));
        Path w9Text = data.resolve("w9-uniform-" + 4 * w9HeapMb + "m/part-0.txt");
        Path w8Text = data.resolve("w8-tiny/part-0.txt");
        List<Workload> workloads = new ArrayList<>();
        // inputs are generated only for the workloads that run
        Predicate<String> selected = id -> only.isEmpty() || only.contains(id);

        if (selected.test("W1") || selected.test("W3")) {
            DataGenerators.uniformText(w1Text, megabytes(1024, scale) * MIB);
        }
        if (selected.test("W1")) {
            workloads.add(wordCount("W1", megabytes(1024, scale) + " MiB uniform text", w1Text, fraction));
        }

        if (selected.test("W2")) {
            DataGenerators.zipfText(w2Text, megabytes(512, scale) * MIB, 1_000_000);
            workloads.add(wordCount("W2", megabytes(512, scale) + " MiB Zipf text, 1M-word vocabulary", w2Text, fraction));
        }

        if (selected.test("W3")) {
            String regex = "[a-e][a-z]*[xyz]";
            // words of equal counts have no defined order: compared as sorted lines
            Command grep = output -> List.of("grep", w1Text.getParent().toString(), output.toString(), regex);
            workloads.add(new Workload("W3", "Grep (examples jar, search + sort jobs) on the W1 input", fraction,
                    concat(examplesJobs(grep, Comparison.SORTED_LINES), List.of(
                            spark(output -> List.of("grep", w1Text.getParent().toString(), output.toString(), regex)))),
                    "", null));
        }

        if (selected.test("W4")) {
            generateTera(tera, teraRows);
            Command teraSort = output -> List.of("terasort", "-D", "mapreduce.job.reduces=2", tera.toString(), output.toString());
            // a globally sorted output's part files, concatenated, are its sorted records: Spark's must equal Tusk's byte for byte
            PeerRun spark = spark(output -> List.of("terasort", tera.toString(), output.toString()));
            workloads.add(new Workload("W4", "TeraSort (examples jar) of " + teraRows + " TeraGen rows, checked by TeraValidate", fraction,
                    concat(examplesJobs(teraSort, Comparison.BYTES), List.of(new PeerRun(spark.peer(), spark.command(), Comparison.BYTES))),
                    "", this::teraValidate));
        }

        if (selected.test("W5")) {
            DataGenerators.joinTables(joinTables, pages, visits);
            Path pagesDirectory = joinTables.resolve("pages");
            Path visitsDirectory = joinTables.resolve("visits");
            workloads.add(new Workload("W5", "reduce-side join with secondary sort (bench jar), " + visits + " visits x " + pages + " pages", fraction,
                    concat(benchJarJobs(PageVisitsJoin.class.getName(), output -> List.of("-D", "mapreduce.job.reduces=2",
                                    pagesDirectory.toString(), visitsDirectory.toString(), output.toString())),
                            List.of(spark(output -> List.of("join", pagesDirectory.toString(), visitsDirectory.toString(), output.toString())))),
                    "", null));
        }

        if (selected.test("W6")) {
            DataGenerators.graph(graph, vertices, 10);
            // a smoke run needs the chain, not its length
            int rounds = scale <= SMALL_SCALE ? 3 : PAGE_RANK_ITERATIONS;
            String iterations = Integer.toString(rounds);
            workloads.add(new Workload("W6", "PageRank (bench jar), " + iterations + " chained jobs, " + vertices + " vertices, ~10 out-links each",
                    rounds == PAGE_RANK_ITERATIONS ? fraction : fraction + ", " + rounds + " of " + PAGE_RANK_ITERATIONS + " iterations",
                    concat(benchJarJobs(PageRank.class.getName(), output -> List.of("-D", "mapreduce.job.reduces=2",
                                    graph.getParent().toString(), output.toString(), iterations)),
                            List.of(spark(output -> List.of("pagerank", graph.getParent().toString(), output.toString(), iterations)))),
                    "", null));
        }

        if (selected.test("W7")) {
            DataGenerators.uniformText(w7Text, megabytes(256, scale) * MIB);
            workloads.add(streamingWordCount(w7Text, megabytes(256, scale), fraction));
        }

        if (selected.test("W8")) {
            DataGenerators.uniformText(w8Text, 1024);
            int jobs = noOpJobs(scale);
            String count = Integer.toString(jobs);
            workloads.add(new Workload("W8", jobs + " no-op jobs in one driver (bench jar), 1 KB input", jobs + " of " + NO_OP_JOBS + " jobs",
                    benchJarJobs(NoOpJobs.class.getName(), output -> List.of(w8Text.getParent().toString(), output.toString(), count)),
                    "Spark not run: W8 measures a MapReduce job's submission and start-up", null));
        }

        if (!selected.test("W9")) {
            return workloads;
        }
        if (scale <= SMALL_SCALE) {
            workloads.add(new Workload("W9", "WordCount with input 4x the heap", "-", List.of(), "skipped at small scale: its input is at least 512 MiB", null));
            return workloads;
        }
        DataGenerators.uniformText(w9Text, 4L * w9HeapMb * MIB);
        workloads.add(new Workload("W9", "WordCount of " + 4 * w9HeapMb + " MiB, 4x Tusk's heap of " + w9HeapMb + " MiB (spill path)",
                "heap " + w9HeapMb + " of 1024 MiB", List.of(
                new PeerRun(TUSK, output -> java(w9HeapMb + "m", "io.tusk.mr.TuskJar", List.of(examples.toString(), "wordcount",
                        "-D", "mapreduce.framework.name=tusk", "-D", "mapreduce.job.reduces=2", w9Text.getParent().toString(), output.toString())), Comparison.BYTES)),
                "Tusk only: the goal is to complete with peak RSS <= heap + 25%", null));
        return workloads;
    }

    /** The examples' WordCount of {@code text} on every peer, the user-code floor included. */
    private Workload wordCount(String id, String input, Path text, String fraction)
    {
        String directory = text.getParent().toString();
        Command wordCount = output -> List.of("wordcount", "-D", "mapreduce.job.reduces=2", directory, output.toString());
        return new Workload(id, "WordCount (examples jar), " + input, fraction,
                concat(examplesJobs(wordCount, Comparison.BYTES), List.of(
                        spark(output -> List.of("wordcount", directory, output.toString())),
                        userCodeFloor(text))),
                "user-code floor: its ratio is the engine efficiency, floor time / Tusk time (goal >= 0.7); its output is discarded,"
                        + " so it is checked by its number of words and their total count only", null);
    }

    private static long megabytes(long full, double scale)
    {
        return Math.max(1, Math.round(full * scale));
    }

    /**
     * W8's number of jobs: BENCH.md's 20 from scale 1/8 up, fewer below (at least 2, one of them warm):
     * each costs the LocalJobRunner default 5 s, its completion poll.
     */
    private static int noOpJobs(double scale)
    {
        return (int) Math.max(2, Math.min(NO_OP_JOBS, Math.round(NO_OP_JOBS * scale * 8)));
    }

    /** A scale factor as the table shows it: {@code 1/16}, or a decimal if it is no such fraction. */
    static String fraction(double scale)
    {
        long denominator = Math.round(1 / scale);
        if (scale < 1 && Math.abs(1.0 / denominator - scale) < 1e-9) {
            return "1/" + denominator;
        }
        return String.format(Locale.ROOT, "%.4f", scale);
    }

    /** A job of the examples jar on Tusk and on both LocalJobRunner configurations. */
    private List<PeerRun> examplesJobs(Command program, Comparison comparison)
    {
        return List.of(
                new PeerRun(TUSK, output -> examplesJob("io.tusk.mr.TuskJar", "tusk", List.of(), program.of(output)), comparison),
                new PeerRun(LJR_DEFAULT, output -> examplesJob("org.apache.hadoop.util.RunJar", "local", List.of(), program.of(output)), comparison),
                new PeerRun(LJR_TUNED, output -> examplesJob("org.apache.hadoop.util.RunJar", "local", TUNED, program.of(output)), comparison));
    }

    private List<String> examplesJob(String launcher, String framework, List<String> settings, List<String> program)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of(examples.toString(), program.get(0), "-D", "mapreduce.framework.name=" + framework));
        args.addAll(settings);
        args.addAll(program.subList(1, program.size()));
        return java(heap, launcher, args);
    }

    /**
     * A job of the bench jar ({@code mainClass}, a {@code Tool}) on Tusk ({@code tusk jar}) and on
     * both LocalJobRunner configurations ({@code hadoop jar}), compared byte for byte.
     */
    private List<PeerRun> benchJarJobs(String mainClass, Command program)
    {
        return List.of(
                new PeerRun(TUSK, output -> java(heap, "io.tusk.mr.TuskJar",
                        concat(List.of(benchJar.toString(), mainClass, "-D", "mapreduce.framework.name=tusk"), program.of(output))), Comparison.BYTES),
                new PeerRun(LJR_DEFAULT, output -> java(heap, "org.apache.hadoop.util.RunJar",
                        concat(List.of(benchJar.toString(), mainClass, "-D", "mapreduce.framework.name=local"), program.of(output))), Comparison.BYTES),
                new PeerRun(LJR_TUNED, output -> java(heap, "org.apache.hadoop.util.RunJar",
                        concat(concat(List.of(benchJar.toString(), mainClass, "-D", "mapreduce.framework.name=local"), TUNED), program.of(output))),
                        Comparison.BYTES));
    }

    /**
     * The workload on Spark {@code local[2]}: {@code SparkWorkloads} of module bench-spark, in a JVM
     * of its own class path, heap and GC as the other peers', and the module options Spark's launcher
     * gives it. Compared as sorted lines: Spark partitions its own way.
     */
    private PeerRun spark(Command program)
    {
        return new PeerRun(SPARK, output -> {
            List<String> command = jvm(heap, sparkClasspath, SPARK_MAIN);
            command.addAll(SPARK_JVM_OPTIONS);
            command.addAll(List.of("-cp", sparkClasspath, SPARK_MAIN));
            command.addAll(program.of(output));
            return timed(command);
        }, Comparison.SORTED_LINES);
    }

    /**
     * The user-code floor of a word count of {@code text}: {@link UserCodeFloor}, with the examples
     * jar, whose mapper and reducer it calls, on its class path (it is on no other peer's). It holds
     * every line of the input as a {@code Text} before it starts the clock: an input larger than an
     * eighth of the heap gets a heap of four times the input (the floor is a bound, not a peer).
     */
    private PeerRun userCodeFloor(Path text)
    {
        return new PeerRun(USER_CODE_FLOOR, output -> {
            String path = classpath + ":" + examples;
            long inputMegabytes = Math.max(1, Files.size(text) >> 20);
            String floorHeap = inputMegabytes * 8 > heapMegabytes() ? (inputMegabytes * 4) + "m" : heap;
            List<String> command = jvm(floorHeap, path, UserCodeFloor.class.getName());
            command.addAll(List.of("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.xml"), "-cp", path, UserCodeFloor.class.getName()));
            command.addAll(List.of(text.getParent().toString(), output.toString()));
            return timed(command);
        }, Comparison.WORD_COUNT_TOTALS);
    }

    private Workload streamingWordCount(Path text, long megabytes, String fraction)
    {
        Path mapper = home.resolve("samples/streaming/mapper.py");
        Path reducer = home.resolve("samples/streaming/reducer.py");
        Command streamingArgs = output -> List.of("-files", mapper + "," + reducer, "-mapper", "mapper.py", "-reducer", "reducer.py",
                "-input", text.getParent().toString(), "-output", output.toString());
        return new Workload("W7", "Streaming word count in Python 3, " + megabytes + " MiB uniform text", fraction, List.of(
                new PeerRun(TUSK, output -> java(heap, "io.tusk.streaming.TuskStreaming", concat(List.of("-D", "mapreduce.framework.name=tusk"), streamingArgs.of(output))),
                        Comparison.BYTES),
                new PeerRun(LJR_DEFAULT, output -> java(heap, "org.apache.hadoop.util.RunJar",
                        concat(List.of(streaming.toString(), "-D", "mapreduce.framework.name=local"), streamingArgs.of(output))), Comparison.BYTES),
                new PeerRun(LJR_TUNED, output -> java(heap, "org.apache.hadoop.util.RunJar",
                        concat(concat(List.of(streaming.toString(), "-D", "mapreduce.framework.name=local"), TUNED), streamingArgs.of(output))), Comparison.BYTES),
                new PeerRun(STREAMING_FLOOR, output -> {
                    Files.createDirectories(output);
                    return timed(List.of("bash", "-c", String.format("cat '%s' | python3 '%s' | LC_ALL=C sort | python3 '%s' > '%s'",
                            text, mapper, reducer, output.resolve("part-00000"))));
                }, Comparison.BYTES)),
                "Spark not run: BENCH.md has no Spark peer for a streaming job", null);
    }

    private void generateTera(Path tera, long rows)
            throws Exception
    {
        if (Files.exists(tera.resolve("_SUCCESS"))) {
            return;
        }
        deleteRecursively(tera);
        Path log = root.resolve("teragen.log");
        int exit = execute(examplesJob("io.tusk.mr.TuskJar", "tusk", List.of(),
                List.of("teragen", "-D", "mapreduce.job.maps=2", Long.toString(rows), tera.toString())), log).exitCode();
        if (exit != 0) {
            throw new IllegalStateException("teragen failed; see " + log);
        }
    }

    private void teraValidate(Path sorted)
            throws Exception
    {
        Path report = root.resolve("work/teravalidate");
        deleteRecursively(report);
        Path log = root.resolve("teravalidate.log");
        if (execute(examplesJob("io.tusk.mr.TuskJar", "tusk", List.of(), List.of("teravalidate", sorted.toString(), report.toString())), log).exitCode() != 0) {
            throw new IllegalStateException("teravalidate failed; see " + log);
        }
        for (String line : Files.readAllLines(report.resolve("part-r-00000"))) {
            if (!line.startsWith("checksum")) {
                throw new IllegalStateException("TeraValidate found the sort wrong: " + line);
            }
        }
    }

    /**
     * Queues the checked run of each of {@code workload}'s peers: the warm-up run doubles as the output
     * check. These runs are not timed (but in a smoke run) and go a few at a time, each peer in a working
     * directory of its own (LocalJobRunner links a job's cache files there).
     */
    private Map<String, Future<Execution>> startChecks(Workload workload, ExecutorService checking)
            throws IOException
    {
        Map<String, Future<Execution>> checks = new LinkedHashMap<>();
        Path work = root.resolve("work").resolve(workload.id());
        for (PeerRun peer : workload.peers()) {
            // the command is made when the run starts: it may use the class-data archive a run before it wrote
            checks.put(peer.peer(), checking.submit(() -> execute(peer.command().of(outputOf(work, peer)), logOf(workload, peer), directoryOf(work, peer))));
        }
        return checks;
    }

    private List<Row> measure(Workload workload, Map<String, Future<Execution>> checks)
            throws Exception
    {
        System.out.printf("%n%s %s (scale %s)%n", workload.id(), workload.title(), workload.scale());
        Path work = root.resolve("work").resolve(workload.id());
        Path tuskOutput = null;
        Map<Comparison, String> expected = new EnumMap<>(Comparison.class);
        Map<String, Result> checkedRuns = new LinkedHashMap<>();
        for (PeerRun peer : workload.peers()) {
            Path output = work.resolve(nameOf("out", peer));
            Execution execution = checks.get(peer.peer()).get();
            if (execution.exitCode() != 0) {
                throw new PeerFailed(peer.peer(), "failed: " + peer.peer() + " exited with " + execution.exitCode() + "; see " + logOf(workload, peer));
            }
            checkedRuns.put(peer.peer(), execution.result());
            if (tuskOutput == null) {
                tuskOutput = output;
                if (workload.check() != null) {
                    workload.check().verify(output);
                }
            }
            if (!expected.containsKey(peer.comparison())) {
                expected.put(peer.comparison(), digest(tuskOutput, peer.comparison()));
            }
            String digest = digest(output, peer.comparison());
            if (!digest.equals(expected.get(peer.comparison()))) {
                throw new IllegalStateException(peer.peer() + " wrote different output than Tusk on " + workload.id() + " (" + digest + " vs "
                        + expected.get(peer.comparison()) + "); not timing anything. Outputs: " + work);
            }
        }
        // a workload of one peer (W9) has nothing to compare or alternate with: its goal is to complete within its memory
        int timedRuns = workload.peers().size() == 1 ? 0 : runs;
        Map<String, List<Result>> results = new LinkedHashMap<>();
        if (timedRuns == 0) {
            for (Map.Entry<String, Result> checked : checkedRuns.entrySet()) {
                results.put(checked.getKey(), List.of(checked.getValue()));
            }
        }
        for (int run = 0; run < timedRuns; run++) {
            for (PeerRun peer : workload.peers()) {
                Path output = outputOf(work, peer);
                Execution execution = execute(peer.command().of(output), logOf(workload, peer), directoryOf(work, peer));
                if (execution.exitCode() != 0) {
                    throw new PeerFailed(peer.peer(), "failed: " + peer.peer() + " exited with " + execution.exitCode() + "; see " + logOf(workload, peer));
                }
                results.computeIfAbsent(peer.peer(), key -> new ArrayList<>()).add(execution.result());
            }
        }
        double tusk = median(results.get(TUSK).stream().map(Result::seconds).toList());
        List<Row> rows = new ArrayList<>();
        System.out.printf("  %-24s %9s %17s %8s %10s %8s%n", "peer", "median s", "min-max s", "cpu s", "peak RSS", "ratio");
        for (Map.Entry<String, List<Result>> entry : results.entrySet()) {
            List<Double> times = entry.getValue().stream().map(Result::seconds).toList();
            Stats stats = new Stats(
                    median(times),
                    times.stream().min(Comparator.naturalOrder()).orElseThrow(),
                    times.stream().max(Comparator.naturalOrder()).orElseThrow(),
                    median(entry.getValue().stream().map(Result::cpuSeconds).toList()),
                    entry.getValue().stream().mapToLong(Result::peakRssKb).max().orElse(0) / 1024,
                    median(times) / tusk,
                    median(entry.getValue().stream().map(Result::warmJobMs).toList()));
            System.out.printf(Locale.ROOT, "  %-24s %9.2f %8.2f-%-8.2f %8.1f %7d MB %7.2fx%n", entry.getKey(), stats.median(), stats.min(), stats.max(),
                    stats.cpu(), stats.peakRssMb(), stats.ratio());
            rows.add(new Row(workload.id(), workload.title(), workload.scale(), entry.getKey(), stats, workload.note()));
        }
        List<String> warmJobs = rows.stream().filter(row -> !Double.isNaN(row.stats().warmJobMs()))
                .map(row -> String.format(Locale.ROOT, "%s %.0f", row.peer(), row.stats().warmJobMs())).toList();
        if (!warmJobs.isEmpty()) {
            System.out.println("  median ms per warm job (goal for Tusk <= 20): " + String.join(", ", warmJobs));
        }
        if (!workload.note().isEmpty()) {
            System.out.println("  " + workload.note());
        }
        return rows;
    }

    /** The output directory of {@code peer}, emptied. */
    private static Path outputOf(Path work, PeerRun peer)
            throws IOException
    {
        Path output = work.resolve(nameOf("out", peer));
        deleteRecursively(output);
        return output;
    }

    /** The working directory of {@code peer}'s processes. */
    private static Path directoryOf(Path work, PeerRun peer)
    {
        return work.resolve(nameOf("run", peer));
    }

    private static String nameOf(String prefix, PeerRun peer)
    {
        return prefix + "-" + peer.peer().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    private Path logOf(Workload workload, PeerRun peer)
    {
        return root.resolve("work").resolve(workload.id() + "-" + peer.peer().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".log");
    }

    private void writeResults(List<Row> rows, String machine)
            throws IOException
    {
        List<String> csv = new ArrayList<>();
        csv.add("workload,title,scale,peer,median_s,min_s,max_s,cpu_s,peak_rss_mb,ratio_vs_tusk,warm_job_ms,note");
        List<SvgChart.Bar> bars = new ArrayList<>();
        for (Row row : rows) {
            Stats s = row.stats();
            csv.add(s == null
                    ? String.join(",", row.workload(), quote(row.title()), quote(row.scale()), row.peer(), "", "", "", "", "", "", "", quote(row.note()))
                    : String.format(Locale.ROOT, "%s,%s,%s,%s,%.3f,%.3f,%.3f,%.1f,%d,%.2f,%s,%s", row.workload(), quote(row.title()), quote(row.scale()), row.peer(),
                            s.median(), s.min(), s.max(), s.cpu(), s.peakRssMb(), s.ratio(),
                            Double.isNaN(s.warmJobMs()) ? "" : String.format(Locale.ROOT, "%.0f", s.warmJobMs()), quote(row.note())));
            if (s != null) {
                bars.add(new SvgChart.Bar(row.workload(), row.peer(), s.ratio(), s.median()));
            }
        }
        csv.add(String.format("# %s; %s", NOT_RUN, machine));
        Path csvFile = root.resolve("results.csv");
        Files.write(csvFile, csv, StandardCharsets.UTF_8);
        Path svgFile = root.resolve("results.svg");
        SvgChart.write(svgFile, "Tusk benchmark suite — " + machine, bars, PEERS);
        System.out.printf("%n%s.%nResults: %s and %s%n", NOT_RUN, csvFile, svgFile);
    }

    private static String quote(String value)
    {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /**
     * A JVM running {@code mainClass}. Tusk runs as its users run it, through its launcher {@code
     * bin/tusk} (Tusk's {@code conf/}, its class-data archive), with the peers' heap and collector;
     * Hadoop's peers run with Hadoop's defaults only.
     */
    private List<String> java(String heapSize, String mainClass, List<String> args)
            throws IOException
    {
        String launcherCommand = switch (mainClass) {
            case "io.tusk.mr.TuskJar" -> "jar";
            case "io.tusk.streaming.TuskStreaming" -> "streaming";
            default -> null;
        };
        if (launcherCommand != null) {
            List<String> command = new ArrayList<>(List.of("env", "TUSK_HEAP=" + heapSize,
                    "TUSK_OPTS=-XX:+UseParallelGC" + (smoke ? " -XX:TieredStopAtLevel=1" : ""), home.resolve("bin/tusk").toString(), launcherCommand));
            command.addAll(args);
            return timed(command);
        }
        List<String> command = jvm(heapSize, classpath, mainClass);
        command.addAll(List.of("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.xml"), "-cp", classpath, mainClass));
        command.addAll(args);
        return timed(command);
    }

    /**
     * The JVM of a peer: the same JDK, heap and collector for all. A smoke run's JVMs also compile with
     * C1 only and map their classes from an archive of {@code mainClass}'s run on {@code path}, written
     * by the first such run (dumped at its exit and put in place by {@link #execute}): start-up is most
     * of a small run, and it is not a measurement.
     */
    /** The peers' heap, {@code -Xmx} as given, in megabytes. */
    private long heapMegabytes()
    {
        String size = heap.toLowerCase(java.util.Locale.ROOT);
        long number = Long.parseLong(size.replaceAll("[^0-9]", ""));
        return switch (size.charAt(size.length() - 1)) {
            case 'g' -> number * 1024;
            case 'm' -> number;
            case 'k' -> Math.max(1, number / 1024);
            default -> Math.max(1, number >> 20);
        };
    }

    private List<String> jvm(String heapSize, String path, String mainClass)
            throws IOException
    {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + heapSize, "-XX:+UseParallelGC"));
        // what Tusk's launcher adds to its own JVM, given to the peers to see what it is worth to them
        String peerOptions = System.getenv("BENCH_PEER_OPTS");
        if (peerOptions != null && !peerOptions.isBlank()) {
            command.addAll(List.of(peerOptions.trim().replace("{heap}", heapSize).split("\\s+")));
        }
        if (smoke) {
            command.add("-XX:TieredStopAtLevel=1");
            Path archive = classDataArchive(path, mainClass);
            command.add(Files.exists(archive)
                    ? "-XX:SharedArchiveFile=" + archive
                    : ARCHIVE_AT_EXIT + archive + "." + archivesWritten.incrementAndGet() + ".tmp");
        }
        return command;
    }

    /** The class-data archive of {@code mainClass} on {@code path}, named after the path's jars, their sizes and times. */
    private Path classDataArchive(String path, String mainClass)
            throws IOException
    {
        CRC32C key = new CRC32C();
        key.update((mainClass + "\n" + path).getBytes(StandardCharsets.UTF_8));
        for (String entry : path.split(":")) {
            Path file = Path.of(entry);
            if (Files.isRegularFile(file)) {
                key.update((Files.size(file) + "/" + Files.getLastModifiedTime(file).toMillis()).getBytes(StandardCharsets.UTF_8));
            }
        }
        Files.createDirectories(archives);
        return archives.resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-" + Long.toHexString(key.getValue()) + ".jsa");
    }

    private static String javaExecutable()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> timed(List<String> command)
    {
        return concat(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M"), command);
    }

    private static <T> List<T> concat(List<T> first, List<T> second)
    {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    record Execution(int exitCode, Result result) {}

    /** Runs a {@code /usr/bin/time}-wrapped command in the work directory, its output going to {@code log}. */
    private Execution execute(List<String> command, Path log)
            throws Exception
    {
        return execute(command, log, root.resolve("work"));
    }

    /**
     * Waits, untimed, until the files the runs before wrote are on disk ({@code sync}): peers run
     * in turn, and a run that follows one that wrote gigabytes (a TeraSort's output, the
     * LocalJobRunner's spills) would otherwise share both cores with the kernel writing them back.
     */
    private static void settleWrites()
            throws Exception
    {
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (!sync.waitFor(10, TimeUnit.MINUTES)) {
            sync.destroyForcibly();
            throw new IllegalStateException("sync did not finish within 10 minutes");
        }
    }

    /**
     * Runs a {@code /usr/bin/time}-wrapped command in {@code directory}, its output going to {@code log};
     * a class-data archive the JVM wrote at its exit is put in place for the next runs.
     */
    private Execution execute(List<String> command, Path log, Path directory)
            throws Exception
    {
        Files.createDirectories(directory);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        // Python scripts write through a block buffer, as in a user's shell; an inherited
        // PYTHONUNBUFFERED=1 makes every peer's scripts issue a write per line
        builder.environment().remove("PYTHONUNBUFFERED");
        // Spark binds its driver to the host's address, warning when the host name resolves to loopback
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        settleWrites();
        Process process = builder.start();
        try {
            if (!process.waitFor(2, TimeUnit.HOURS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after 2 hours: " + command);
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        for (String argument : command) {
            if (argument.startsWith(ARCHIVE_AT_EXIT)) {
                keepArchive(Path.of(argument.substring(ARCHIVE_AT_EXIT.length())));
            }
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        String timing = lines.stream().filter(line -> line.startsWith("TIME ")).reduce((a, b) -> b).orElse("TIME 0 0 0 0");
        String[] parts = timing.split(" ");
        double seconds = Double.parseDouble(parts[1]);
        // a program that times its own loop (the user-code floor) reports that time instead of its process's
        Optional<String> own = lines.stream().filter(line -> line.startsWith(OWN_TIME)).reduce((a, b) -> b);
        if (own.isPresent()) {
            seconds = Double.parseDouble(own.get().substring(OWN_TIME.length()).trim());
        }
        double warmJobMs = lines.stream().filter(line -> line.startsWith(NoOpJobs.WARM_JOB_MS)).reduce((a, b) -> b)
                .map(line -> Double.parseDouble(line.substring(NoOpJobs.WARM_JOB_MS.length()).trim())).orElse(Double.NaN);
        return new Execution(process.exitValue(), new Result(seconds, Double.parseDouble(parts[2]) + Double.parseDouble(parts[3]), Long.parseLong(parts[4]), warmJobMs));
    }

    /**
     * Puts an archive written at a JVM's exit ({@code <archive>.<n>.tmp}) in place, unless another run's
     * already is, and deletes the same program's archives of jars that have changed since.
     */
    private static void keepArchive(Path written)
            throws IOException
    {
        if (!Files.exists(written)) {
            return;
        }
        String name = written.getFileName().toString();
        Path archive = written.resolveSibling(name.substring(0, name.lastIndexOf('.', name.length() - ".tmp".length() - 1)));
        String program = name.substring(0, name.lastIndexOf('-') + 1);
        synchronized (Suite.class) {
            if (Files.exists(archive)) {
                Files.delete(written);
                return;
            }
            Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
            try (Stream<Path> archives = Files.list(archive.getParent())) {
                for (Path old : archives.filter(path -> path.getFileName().toString().startsWith(program) && path.toString().endsWith(".jsa")
                        && !path.equals(archive)).toList()) {
                    Files.delete(old);
                }
            }
        }
    }

    /** The output of {@code directory} as {@code comparison} compares it: a checksum and a size, or the word count's totals. */
    private static String digest(Path directory, Comparison comparison)
            throws IOException
    {
        List<Path> parts;
        try (Stream<Path> paths = Files.walk(directory)) {
            parts = paths.filter(Files::isRegularFile).filter(path -> path.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        CRC32C crc = new CRC32C();
        long bytes = 0;
        switch (comparison) {
            case BYTES -> {
                byte[] buffer = new byte[1 << 16];
                for (Path part : parts) {
                    try (InputStream in = Files.newInputStream(part)) {
                        int read;
                        while ((read = in.read(buffer)) > 0) {
                            crc.update(buffer, 0, read);
                            bytes += read;
                        }
                    }
                }
                return Long.toHexString(crc.getValue()) + "/" + bytes + " bytes";
            }
            case SORTED_LINES -> {
                List<String> lines = new ArrayList<>();
                for (Path part : parts) {
                    lines.addAll(Files.readAllLines(part, StandardCharsets.ISO_8859_1));
                }
                lines.sort(null);
                for (String line : lines) {
                    byte[] raw = (line + "\n").getBytes(StandardCharsets.ISO_8859_1);
                    crc.update(raw);
                    bytes += raw.length;
                }
                return Long.toHexString(crc.getValue()) + "/" + bytes + " bytes, lines sorted";
            }
            case WORD_COUNT_TOTALS -> {
                Path summary = directory.resolve("summary.txt");
                if (Files.exists(summary)) {
                    return Files.readString(summary, StandardCharsets.UTF_8).trim();
                }
                long keys = 0;
                long total = 0;
                for (Path part : parts) {
                    for (String line : Files.readAllLines(part, StandardCharsets.ISO_8859_1)) {
                        keys++;
                        total += Long.parseLong(line.substring(line.lastIndexOf('\t') + 1));
                    }
                }
                return UserCodeFloor.summary(keys, total);
            }
            default -> throw new IllegalArgumentException("Unknown comparison: " + comparison);
        }
    }

    private static void deleteRecursively(Path path)
            throws IOException
    {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path file : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
