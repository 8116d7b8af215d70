package io.tusk.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The benchmark suite of {@code ../shared/BENCH.md}: {@code bench/run [--scale small|default|F]
 * [--runs N] [--only W1,W7] [--heap 2g]}.
 * <p>
 * Every peer runs in its own process with the same JDK and heap. Before any time counts, the
 * warm-up run of every peer must write the same output as Tusk's (the part files' bytes, in file
 * name order); a mismatch stops the run. Timed runs then alternate between peers (A B C A B C …).
 * Prints a table (median seconds, min-max, CPU seconds, peak RSS, ratio against Tusk) and writes
 * {@code bench/target/suite/results.csv} and {@code results.svg}. Workloads and peers that Tusk or
 * the harness cannot run yet are listed as such, and so is a peer that fails (the run goes on).
 * <p>
 * Input sizes are BENCH.md's times the scale factor; inputs are generated deterministically and
 * cached under {@code bench/target/suite/data}.
 */
public final class Suite
{
    static final String TUSK = "Tusk local[*]";
    static final String LJR_DEFAULT = "LocalJobRunner default";
    static final String LJR_TUNED = "LocalJobRunner tuned";
    static final String STREAMING_FLOOR = "cat|mapper|sort|reducer";
    private static final List<String> PEERS = List.of(TUSK, LJR_DEFAULT, LJR_TUNED, STREAMING_FLOOR);
    private static final List<String> TUNED = List.of(
            "-D", "mapreduce.local.map.tasks.maximum=2",
            "-D", "mapreduce.local.reduce.tasks.maximum=2",
            "-D", "mapreduce.task.io.sort.mb=512",
            "-D", "mapreduce.task.io.sort.factor=64",
            "-D", "mapreduce.client.progressmonitor.pollinterval=100",
            "-D", "mapreduce.client.completion.pollinterval=100");
    private static final double DEFAULT_SCALE = 1.0 / 16;
    private static final double SMALL_SCALE = 1.0 / 256;
    private static final long MIB = 1 << 20;

    private final Path home;
    private final Path root;
    private final Path data;
    private final String heap;
    private final int runs;
    private final String classpath;
    private final Path examples;
    private final Path streaming;

    private Suite(Path home, String heap, int runs)
            throws IOException
    {
        this.home = home;
        this.root = home.resolve("bench/target/suite");
        this.data = root.resolve("data");
        this.heap = heap;
        this.runs = runs;
        this.classpath = home.resolve("bench/target/tusk-bench-0.1.0-SNAPSHOT.jar") + ":" + Files.readString(home.resolve("bench/target/classpath.txt")).trim();
        this.examples = home.resolve("bench/target/lib/hadoop-mapreduce-examples-3.4.2.jar");
        this.streaming = home.resolve("bench/target/lib/hadoop-streaming-3.4.2.jar");
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
                        default -> Double.parseDouble(scaleName);
                    };
                }
                case "--runs" -> runs = Integer.valueOf(args[++i]);
                case "--heap" -> heap = args[++i];
                case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
                default -> {
                    System.err.println("Usage: bench/run [--scale small|default|F] [--runs N] [--only W1,W7] [--heap 2g]");
                    System.exit(2);
                }
            }
        }
        // a small run is a smoke test of the harness: one timed run after the checked warm-up
        int timedRuns = runs != null ? runs : scale <= SMALL_SCALE ? 1 : 3;
        if (timedRuns < 1) {
            throw new IllegalArgumentException("--runs must be at least 1");
        }
        Path home = Path.of("").toAbsolutePath();
        Suite suite = new Suite(home, heap, timedRuns);
        String machine = String.format(Locale.ROOT, "%s, %d cores, %s %s, heap %s per peer, scale %s (%.4f), %d timed runs after a warm-up",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                heap, scaleName, scale, timedRuns);
        System.out.println("Tusk benchmark suite: " + machine);
        suite.run(scale, only, machine);
    }

    private void run(double scale, Set<String> only, String machine)
            throws Exception
    {
        Files.createDirectories(root.resolve("work"));
        List<Row> rows = new ArrayList<>();
        for (Workload workload : workloads(scale)) {
            if (!only.isEmpty() && !only.contains(workload.id())) {
                continue;
            }
            if (workload.peers().isEmpty()) {
                System.out.printf("%n%s %s: %s%n", workload.id(), workload.title(), workload.note());
                rows.add(new Row(workload.id(), workload.title(), "-", null, workload.note()));
                continue;
            }
            try {
                rows.addAll(measure(workload));
            }
            catch (PeerFailed e) {
                // a peer that cannot run a workload is a result too; a wrong output still stops the run
                System.out.printf("  %s%n", e.getMessage());
                rows.add(new Row(workload.id(), workload.title(), e.peer, null, e.getMessage()));
            }
        }
        writeResults(rows, machine);
    }

    /**
     * A workload: peers in order, Tusk first; {@code note} says what is not run yet. Outputs of an
     * unordered workload are compared as sorted lines: Hadoop does not define the order of the
     * values of one key, and its own order depends on its sort buffer's size and spills.
     */
    record Workload(String id, String title, List<PeerRun> peers, String note, Check check, boolean ordered)
    {
        Workload(String id, String title, List<PeerRun> peers, String note, Check check)
        {
            this(id, title, peers, note, check, true);
        }
    }

    /** How one peer runs a workload, writing into {@code output}. */
    record PeerRun(String peer, Command command) {}

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

    record Result(double seconds, double cpuSeconds, long peakRssKb) {}

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

    record Row(String workload, String title, String peer, Stats stats, String note) {}

    record Stats(double median, double min, double max, double cpu, long peakRssMb, double ratio) {}

    private List<Workload> workloads(double scale)
            throws Exception
    {
        Path w1Text = data.resolve("w1-uniform-" + megabytes(1024, scale) + "m/part-0.txt");
        Path w2Text = data.resolve("w2-zipf-" + megabytes(512, scale) + "m/part-0.txt");
        Path w7Text = data.resolve("w7-uniform-" + megabytes(256, scale) + "m/part-0.txt");
        long teraRows = Math.max(10_000, Math.round(10_000_000 * scale));
        Path tera = data.resolve("w4-teragen-" + teraRows);
        int w9HeapMb = (int) Math.max(128, Math.round(1024 * scale));
        Path w9Text = data.resolve("w9-uniform-" + 4 * w9HeapMb + "m/part-0.txt");
        Path w8Text = data.resolve("w8-tiny/part-0.txt");
        List<Workload> workloads = new ArrayList<>();

        DataGenerators.uniformText(w1Text, megabytes(1024, scale) * MIB);
        workloads.add(mapReduce("W1", "WordCount (examples jar), " + megabytes(1024, scale) + " MiB uniform text",
                output -> List.of("wordcount", "-D", "mapreduce.job.reduces=2", w1Text.getParent().toString(), output.toString()), null));

        DataGenerators.zipfText(w2Text, megabytes(512, scale) * MIB, 1_000_000);
        workloads.add(mapReduce("W2", "WordCount (examples jar), " + megabytes(512, scale) + " MiB Zipf text, 1M-word vocabulary",
                output -> List.of("wordcount", "-D", "mapreduce.job.reduces=2", w2Text.getParent().toString(), output.toString()), null));

        // words of equal counts have no defined order: compared as sorted lines
        Workload grep = mapReduce("W3", "Grep (examples jar, search + sort jobs) on the W1 input",
                output -> List.of("grep", w1Text.getParent().toString(), output.toString(), "[a-e][a-z]*[xyz]"), null);
        workloads.add(new Workload(grep.id(), grep.title(), grep.peers(), grep.note(), null, false));

        generateTera(tera, teraRows);
        workloads.add(mapReduce("W4", "TeraSort (examples jar) of " + teraRows + " TeraGen rows, checked by TeraValidate",
                output -> List.of("terasort", "-D", "mapreduce.job.reduces=2", tera.toString(), output.toString()), this::teraValidate));

        workloads.add(new Workload("W5", "reduce-side join with secondary sort", List.of(), "not yet: the job and its inputs are not written", null));
        workloads.add(new Workload("W6", "PageRank, 10 chained MR jobs", List.of(), "not yet: the job and its graph are not written", null));

        DataGenerators.uniformText(w7Text, megabytes(256, scale) * MIB);
        workloads.add(streamingWordCount(w7Text, megabytes(256, scale)));

        DataGenerators.uniformText(w8Text, 1024);
        Path benchJar = home.resolve("bench/target/tusk-bench-0.1.0-SNAPSHOT.jar");
        String jobs = Integer.toString((int) Math.max(4, Math.min(20, Math.round(20 * scale * 16))));
        workloads.add(new Workload("W8", jobs + " no-op jobs in one driver, 1 KB input (BENCH: 20 at full and default scale)", List.of(
                new PeerRun(TUSK, output -> java(heap, "io.tusk.mr.TuskJar", concat(List.of(benchJar.toString(), NoOpJobs.class.getName()),
                        List.of("-D", "mapreduce.framework.name=tusk", w8Text.getParent().toString(), output.toString(), jobs)))),
                new PeerRun(LJR_DEFAULT, output -> java(heap, "org.apache.hadoop.util.RunJar", concat(List.of(benchJar.toString(), NoOpJobs.class.getName()),
                        List.of("-D", "mapreduce.framework.name=local", w8Text.getParent().toString(), output.toString(), jobs)))),
                new PeerRun(LJR_TUNED, output -> java(heap, "org.apache.hadoop.util.RunJar", concat(List.of(benchJar.toString(), NoOpJobs.class.getName()),
                        concat(concat(List.of("-D", "mapreduce.framework.name=local"), TUNED), List.of(w8Text.getParent().toString(), output.toString(), jobs)))))),
                "", null));

        if (scale <= SMALL_SCALE) {
            workloads.add(new Workload("W9", "WordCount with input 4x the heap", List.of(), "skipped at small scale: its input is at least 512 MiB", null));
            return workloads;
        }
        DataGenerators.uniformText(w9Text, 4L * w9HeapMb * MIB);
        workloads.add(new Workload("W9", "WordCount of " + 4 * w9HeapMb + " MiB, 4x Tusk's heap of " + w9HeapMb + " MiB (spill path)", List.of(
                new PeerRun(TUSK, output -> java(w9HeapMb + "m", "io.tusk.mr.TuskJar", List.of(examples.toString(), "wordcount",
                        "-D", "mapreduce.framework.name=tusk", "-D", "mapreduce.job.reduces=2", w9Text.getParent().toString(), output.toString())))),
                "Tusk only: the goal is to complete with peak RSS <= heap + 25%", null));
        return workloads;
    }

    private static long megabytes(long full, double scale)
    {
        return Math.max(1, Math.round(full * scale));
    }

    /** A job of the examples jar on Tusk and on both LocalJobRunner configurations. */
    private Workload mapReduce(String id, String title, Command program, Check check)
    {
        return new Workload(id, title, List.of(
                new PeerRun(TUSK, output -> examplesJob("io.tusk.mr.TuskJar", "tusk", List.of(), program.of(output))),
                new PeerRun(LJR_DEFAULT, output -> examplesJob("org.apache.hadoop.util.RunJar", "local", List.of(), program.of(output))),
                new PeerRun(LJR_TUNED, output -> examplesJob("org.apache.hadoop.util.RunJar", "local", TUNED, program.of(output)))),
                "", check);
    }

    private List<String> examplesJob(String launcher, String framework, List<String> settings, List<String> program)
    {
        List<String> args = new ArrayList<>(List.of(examples.toString(), program.get(0), "-D", "mapreduce.framework.name=" + framework));
        args.addAll(settings);
        args.addAll(program.subList(1, program.size()));
        return java(heap, launcher, args);
    }

    private Workload streamingWordCount(Path text, long megabytes)
    {
        Path mapper = home.resolve("samples/streaming/mapper.py");
        Path reducer = home.resolve("samples/streaming/reducer.py");
        Command streamingArgs = output -> List.of("-files", mapper + "," + reducer, "-mapper", "mapper.py", "-reducer", "reducer.py",
                "-input", text.getParent().toString(), "-output", output.toString());
        return new Workload("W7", "Streaming word count in Python 3, " + megabytes + " MiB uniform text", List.of(
                new PeerRun(TUSK, output -> java(heap, "io.tusk.streaming.TuskStreaming", concat(List.of("-D", "mapreduce.framework.name=tusk"), streamingArgs.of(output)))),
                new PeerRun(LJR_DEFAULT, output -> java(heap, "org.apache.hadoop.util.RunJar",
                        concat(List.of(streaming.toString(), "-D", "mapreduce.framework.name=local"), streamingArgs.of(output)))),
                new PeerRun(LJR_TUNED, output -> java(heap, "org.apache.hadoop.util.RunJar",
                        concat(concat(List.of(streaming.toString(), "-D", "mapreduce.framework.name=local"), TUNED), streamingArgs.of(output)))),
                new PeerRun(STREAMING_FLOOR, output -> {
                    Files.createDirectories(output);
                    return timed(List.of("bash", "-c", String.format("cat '%s' | python3 '%s' | LC_ALL=C sort | python3 '%s' > '%s'",
                            text, mapper, reducer, output.resolve("part-00000"))));
                })),
                "", null);
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

    private List<Row> measure(Workload workload)
            throws Exception
    {
        System.out.printf("%n%s %s%n", workload.id(), workload.title());
        Path work = root.resolve("work");
        // the warm-up run of each peer doubles as the output check
        String expected = null;
        for (PeerRun peer : workload.peers()) {
            Path output = outputOf(work, peer);
            Execution execution = execute(peer.command().of(output), logOf(work, workload, peer));
            if (execution.exitCode() != 0) {
                throw new PeerFailed(peer.peer(), "failed: " + peer.peer() + " exited with " + execution.exitCode() + "; see " + logOf(work, workload, peer));
            }
            String digest = digest(output, workload.ordered());
            if (expected == null) {
                expected = digest;
                if (workload.check() != null) {
                    workload.check().verify(output);
                }
            }
            else if (!digest.equals(expected)) {
                throw new IllegalStateException(peer.peer() + " wrote different output than Tusk on " + workload.id() + " (" + digest + " vs " + expected
                        + "); not timing anything. Outputs: " + work);
            }
        }
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            for (PeerRun peer : workload.peers()) {
                Path output = outputOf(work, peer);
                Execution execution = execute(peer.command().of(output), logOf(work, workload, peer));
                if (execution.exitCode() != 0) {
                    throw new PeerFailed(peer.peer(), "failed: " + peer.peer() + " exited with " + execution.exitCode() + "; see " + logOf(work, workload, peer));
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
                    median(times) / tusk);
            System.out.printf(Locale.ROOT, "  %-24s %9.2f %8.2f-%-8.2f %8.1f %7d MB %7.2fx%n", entry.getKey(), stats.median(), stats.min(), stats.max(),
                    stats.cpu(), stats.peakRssMb(), stats.ratio());
            rows.add(new Row(workload.id(), workload.title(), entry.getKey(), stats, workload.note()));
        }
        if (!workload.note().isEmpty()) {
            System.out.println("  " + workload.note());
        }
        return rows;
    }

    private static Path outputOf(Path work, PeerRun peer)
            throws IOException
    {
        Path output = work.resolve("out-" + peer.peer().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        deleteRecursively(output);
        return output;
    }

    private static Path logOf(Path work, Workload workload, PeerRun peer)
    {
        return work.resolve(workload.id() + "-" + peer.peer().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".log");
    }

    private void writeResults(List<Row> rows, String machine)
            throws IOException
    {
        List<String> csv = new ArrayList<>();
        csv.add("workload,title,peer,median_s,min_s,max_s,cpu_s,peak_rss_mb,ratio_vs_tusk,note");
        List<SvgChart.Bar> bars = new ArrayList<>();
        for (Row row : rows) {
            Stats s = row.stats();
            csv.add(s == null
                    ? String.join(",", row.workload(), quote(row.title()), row.peer(), "", "", "", "", "", "", quote(row.note()))
                    : String.format(Locale.ROOT, "%s,%s,%s,%.3f,%.3f,%.3f,%.1f,%d,%.2f,%s", row.workload(), quote(row.title()), row.peer(),
                            s.median(), s.min(), s.max(), s.cpu(), s.peakRssMb(), s.ratio(), quote(row.note())));
            if (s != null) {
                bars.add(new SvgChart.Bar(row.workload(), row.peer(), s.ratio(), s.median()));
            }
        }
        csv.add(String.format("# Spark local[2] and the user-code floor are not run yet; %s", machine));
        Path csvFile = root.resolve("results.csv");
        Files.write(csvFile, csv, StandardCharsets.UTF_8);
        Path svgFile = root.resolve("results.svg");
        SvgChart.write(svgFile, "Tusk benchmark suite — " + machine, bars, PEERS);
        System.out.printf("%nNot run yet: Spark local[2] (every workload) and the user-code floor (W1, W2).%nResults: %s and %s%n", csvFile, svgFile);
    }

    private static String quote(String value)
    {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /**
     * A JVM running {@code mainClass}. Tusk's launchers get Tusk's {@code conf/} on the class path,
     * as {@code bin/tusk} gives it; Hadoop's peers run with Hadoop's defaults only.
     */
    private List<String> java(String heapSize, String mainClass, List<String> args)
    {
        String path = mainClass.startsWith("io.tusk.") ? home.resolve("conf") + ":" + classpath : classpath;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heapSize,
                "-XX:+UseParallelGC", "-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.xml"), "-cp", path, mainClass));
        command.addAll(args);
        return timed(command);
    }

    private static List<String> timed(List<String> command)
    {
        return concat(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M"), command);
    }

    private static List<String> concat(List<String> first, List<String> second)
    {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    record Execution(int exitCode, Result result) {}

    /** Runs a {@code /usr/bin/time}-wrapped command in the work directory, its output going to {@code log}. */
    private Execution execute(List<String> command, Path log)
            throws Exception
    {
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.resolve("work").toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        // Python scripts write through a block buffer, as in a user's shell; an inherited
        // PYTHONUNBUFFERED=1 makes every peer's scripts issue a write per line
        builder.environment().remove("PYTHONUNBUFFERED");
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.HOURS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out after 2 hours: " + command);
        }
        String timing = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.startsWith("TIME ")).reduce((a, b) -> b).orElse("TIME 0 0 0 0");
        String[] parts = timing.split(" ");
        return new Execution(process.exitValue(),
                new Result(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]) + Double.parseDouble(parts[3]), Long.parseLong(parts[4])));
    }

    /**
     * The bytes of the part files under {@code directory}, in path order, as one checksum; or, not
     * {@code ordered}, the checksum of all their lines sorted.
     */
    private static String digest(Path directory, boolean ordered)
            throws IOException
    {
        CRC32C crc = new CRC32C();
        long bytes = 0;
        List<Path> parts;
        try (Stream<Path> paths = Files.walk(directory)) {
            parts = paths.filter(Files::isRegularFile).filter(path -> path.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        if (!ordered) {
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
