package io.tusk.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Workloads W1 (WordCount of the examples jar) and W4 (TeraSort of TeraGen rows, checked by
 * TeraValidate) of {@code ../shared/BENCH.md}, run unmodified on Tusk and on Hadoop's
 * LocalJobRunner (default and tuned), each run in its own JVM with the same heap. Outputs are
 * checked equal before any time counts; runs alternate between peers after a warm-up; medians with
 * min-max, CPU seconds and peak RSS (from {@code /usr/bin/time}) are reported, and ratios against
 * Tusk. Writes {@code bench/target/mapreduce-results.csv}.
 */
public final class MapReduceBenchmarks
{
    private static final List<String> TUNED = List.of(
            "-D", "mapreduce.local.map.tasks.maximum=2",
            "-D", "mapreduce.local.reduce.tasks.maximum=2",
            "-D", "mapreduce.task.io.sort.mb=512",
            "-D", "mapreduce.task.io.sort.factor=64",
            "-D", "mapreduce.client.progressmonitor.pollinterval=100",
            "-D", "mapreduce.client.completion.pollinterval=100");

    private final Path work;
    private final Path examples;
    private final String heap;
    private final String classpath;

    private MapReduceBenchmarks(Path work, Path examples, String heap)
            throws IOException
    {
        this.work = work;
        this.examples = examples;
        this.heap = heap;
        this.classpath = Path.of("bench/target/tusk-bench-0.1.0-SNAPSHOT.jar").toAbsolutePath() + ":" + Path.of("conf").toAbsolutePath()
                + ":" + Files.readString(Path.of("bench/target/classpath.txt")).trim();
    }

    public static void main(String[] args)
            throws Exception
    {
        int textMb = 256;
        long teraRows = 2_000_000;
        int runs = 3;
        String heap = "4g";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--text-mb" -> textMb = Integer.parseInt(args[++i]);
                case "--tera-rows" -> teraRows = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--heap" -> heap = args[++i];
                default -> {
                    System.err.println("Usage: bench/run-mapreduce [--text-mb N] [--tera-rows N] [--runs N] [--heap 4g]");
                    System.exit(2);
                }
            }
        }
        Path work = Path.of("bench/target/mr").toAbsolutePath();
        Files.createDirectories(work);
        MapReduceBenchmarks bench = new MapReduceBenchmarks(work, Path.of("bench/target/lib/hadoop-mapreduce-examples-3.4.2.jar").toAbsolutePath(), heap);
        System.out.printf("Machine: %d cores, JVM heap per run %s, %s %s%n", Runtime.getRuntime().availableProcessors(), heap,
                System.getProperty("java.vm.name"), System.getProperty("java.version"));

        List<String> rows = new ArrayList<>();
        rows.add("workload,peer,median_s,min_s,max_s,cpu_s,peak_rss_mb,ratio_vs_tusk");

        Path text = work.resolve("w1-text-" + textMb + "mb");
        if (!Files.exists(text.resolve("part-0.txt"))) {
            Files.createDirectories(text);
            EngineBenchmarks.generateText(text.resolve("part-0.txt"), textMb);
        }
        rows.addAll(bench.workload("W1 wordcount " + textMb + "MiB", runs, peer -> List.of("wordcount", "-D", "mapreduce.job.reduces=2", text.toString(), peer.output())));

        Path tera = work.resolve("w4-teragen-" + teraRows);
        if (!Files.exists(tera.resolve("_SUCCESS"))) {
            deleteRecursively(tera);
            Result generated = bench.run(Peer.TUSK, List.of("teragen", "-D", "mapreduce.job.maps=2", Long.toString(teraRows), tera.toString()), work.resolve("teragen.log"));
            if (generated.exitCode != 0) {
                throw new IllegalStateException("teragen failed; see " + work.resolve("teragen.log"));
            }
        }
        rows.addAll(bench.workload("W4 terasort " + teraRows + " rows", runs, peer -> List.of("terasort", "-D", "mapreduce.job.reduces=2", tera.toString(), peer.output())));

        Path csv = Path.of("bench/target/mapreduce-results.csv");
        Files.write(csv, rows);
        System.out.printf("%nResults: %s%n", csv.toAbsolutePath());
    }

    interface Arguments
    {
        List<String> of(PeerRun peer);
    }

    record PeerRun(Peer peer, String output) {}

    enum Peer
    {
        TUSK("Tusk local[*]"), LJR_DEFAULT("LocalJobRunner default"), LJR_TUNED("LocalJobRunner tuned");

        final String label;

        Peer(String label)
        {
            this.label = label;
        }
    }

    record Result(int exitCode, double seconds, double cpuSeconds, long peakRssKb) {}

    private List<String> workload(String name, int runs, Arguments arguments)
            throws Exception
    {
        System.out.printf("%n%s%n", name);
        // warm-up run of each peer doubles as the correctness check
        Map<Peer, Map<String, String>> outputs = new LinkedHashMap<>();
        for (Peer peer : Peer.values()) {
            Path output = work.resolve("out-" + peer.name().toLowerCase(Locale.ROOT));
            deleteRecursively(output);
            Result result = run(peer, arguments.of(new PeerRun(peer, output.toString())), work.resolve(peer + ".log"));
            if (result.exitCode != 0) {
                throw new IllegalStateException(peer.label + " failed on " + name + "; see " + work.resolve(peer + ".log"));
            }
            outputs.put(peer, files(output));
        }
        for (Peer peer : Peer.values()) {
            if (!outputs.get(peer).equals(outputs.get(Peer.TUSK))) {
                throw new IllegalStateException(peer.label + " wrote different output than Tusk on " + name + "; not timing anything");
            }
        }
        Map<Peer, List<Result>> results = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            for (Peer peer : Peer.values()) {
                Path output = work.resolve("out-" + peer.name().toLowerCase(Locale.ROOT));
                deleteRecursively(output);
                Result result = run(peer, arguments.of(new PeerRun(peer, output.toString())), work.resolve(peer + ".log"));
                if (result.exitCode != 0) {
                    throw new IllegalStateException(peer.label + " failed on " + name);
                }
                results.computeIfAbsent(peer, key -> new ArrayList<>()).add(result);
            }
        }
        double tusk = median(results.get(Peer.TUSK).stream().map(Result::seconds).toList());
        List<String> rows = new ArrayList<>();
        System.out.printf("  %-24s %9s %17s %8s %10s %8s%n", "peer", "median s", "min-max s", "cpu s", "peak RSS", "ratio");
        for (Peer peer : Peer.values()) {
            List<Double> times = results.get(peer).stream().map(Result::seconds).toList();
            double median = median(times);
            double cpu = median(results.get(peer).stream().map(Result::cpuSeconds).toList());
            long rss = results.get(peer).stream().mapToLong(Result::peakRssKb).max().orElse(0) / 1024;
            double min = times.stream().min(Comparator.naturalOrder()).orElse(0.0);
            double max = times.stream().max(Comparator.naturalOrder()).orElse(0.0);
            System.out.printf("  %-24s %9.2f %8.2f-%-8.2f %8.1f %7d MB %7.2fx%n", peer.label, median, min, max, cpu, rss, median / tusk);
            rows.add(String.format(Locale.ROOT, "%s,%s,%.3f,%.3f,%.3f,%.1f,%d,%.2f", name, peer.label, median, min, max, cpu, rss, median / tusk));
        }
        return rows;
    }

    private Result run(Peer peer, List<String> programArgs, Path log)
            throws Exception
    {
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M", javaBinary(), "-Xmx" + heap, "-XX:+UseParallelGC",
                "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.xml").toAbsolutePath(), "-cp", classpath));
        command.add(peer == Peer.TUSK ? "io.tusk.mr.TuskJar" : "org.apache.hadoop.util.RunJar");
        command.add(examples.toString());
        command.add(programArgs.get(0));
        command.addAll(List.of("-D", "mapreduce.framework.name=" + (peer == Peer.TUSK ? "tusk" : "local")));
        if (peer == Peer.LJR_TUNED) {
            command.addAll(TUNED);
        }
        command.addAll(programArgs.subList(1, programArgs.size()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(2, TimeUnit.HOURS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String timing = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.startsWith("TIME ")).reduce((a, b) -> b).orElse("TIME 0 0 0 0");
        String[] parts = timing.split(" ");
        return new Result(process.exitValue(), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]) + Double.parseDouble(parts[3]), Long.parseLong(parts[4]));
    }

    private static Map<String, String> files(Path directory)
            throws IOException
    {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().endsWith(".crc")).toList()) {
                files.put(directory.relativize(path).toString(), Long.toHexString(checksum(path)));
            }
        }
        return files;
    }

    private static long checksum(Path file)
            throws IOException
    {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                crc.update(buffer, 0, read);
            }
        }
        return crc.getValue() ^ Files.size(file) << 32;
    }

    private static void deleteRecursively(Path path)
            throws IOException
    {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    private static String javaBinary()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
