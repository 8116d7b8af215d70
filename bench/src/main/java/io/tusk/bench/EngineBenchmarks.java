package io.tusk.bench;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.dataset.Pair;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Engine benchmarks of the dataset API, each timed as the median of several runs after warm-ups,
 * with runs of the compared programs alternating:
 * <ul>
 * <li>word count on Tusk ({@code local[*]}) against a hand-written single-threaded Java loop over
 * the same file; results are checked equal before any time counts;</li>
 * <li>shuffle throughput: records per second through {@code reduceByKey} (hashed, map-side
 * combine) and {@code sortByKey} (sorted).</li>
 * </ul>
 * Prints a table and writes {@code bench/target/results.csv}.
 */
public final class EngineBenchmarks
{
    private EngineBenchmarks() {}

    public static void main(String[] args)
            throws IOException
    {
        int scaleMb = 200;
        int runs = 3;
        int warmups = 2;
        long records = 5_000_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scale-mb" -> scaleMb = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                case "--records" -> records = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("Usage: bench/run-engine [--scale-mb N] [--runs N] [--warmups N] [--records N]");
                    System.exit(2);
                }
            }
        }
        Path data = Path.of("bench/target/data/words-" + scaleMb + "mb.txt");
        generateText(data, scaleMb);

        List<String> rows = new ArrayList<>();
        rows.add("benchmark,program,median_s,min_s,max_s,detail");
        System.out.printf("Machine: %d cores, heap %d MiB, %s %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name"), System.getProperty("java.version"));

        try (Tusk tusk = Tusk.create(TuskConfig.defaults())) {
            // word count: Tusk against the loop, alternating
            Map<String, Long> expected = loopWordCount(data);
            Map<String, Long> actual = tuskWordCount(tusk, data);
            if (!expected.equals(actual)) {
                throw new IllegalStateException("Tusk's word count differs from the loop's; not timing anything");
            }
            for (int warmup = 1; warmup < warmups; warmup++) {
                tuskWordCount(tusk, data);
                loopWordCount(data);
            }
            List<Double> loopTimes = new ArrayList<>();
            List<Double> tuskTimes = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                tuskTimes.add(time(() -> tuskWordCount(tusk, data)));
                loopTimes.add(time(() -> loopWordCount(data)));
            }
            double tuskMedian = median(tuskTimes);
            double loopMedian = median(loopTimes);
            rows.add(row("wordcount-" + scaleMb + "mb", "tusk local[" + tusk.defaultParallelism() + "]", tuskTimes, ""));
            rows.add(row("wordcount-" + scaleMb + "mb", "single-threaded loop", loopTimes, ""));
            System.out.printf("%nWord count, %d MiB of text (%,d distinct words):%n", scaleMb, expected.size());
            System.out.printf("  Tusk local[%d]          median %6.2f s  (min %.2f, max %.2f)%n", tusk.defaultParallelism(), tuskMedian, min(tuskTimes), max(tuskTimes));
            System.out.printf("  single-threaded loop    median %6.2f s  (min %.2f, max %.2f)%n", loopMedian, min(loopTimes), max(loopTimes));
            System.out.printf("  ratio loop / Tusk: %.2f (higher is better for Tusk)%n", loopMedian / tuskMedian);

            // shuffle throughput
            long count = records;
            tusk.parallelize(List.of(0), 1).count();
            List<Double> reduceTimes = new ArrayList<>();
            List<Double> sortTimes = new ArrayList<>();
            for (int warmup = 0; warmup < warmups; warmup++) {
                reduceByKey(tusk, count);
                sortByKey(tusk, count / 2);
            }
            for (int run = 0; run < runs; run++) {
                reduceTimes.add(time(() -> reduceByKey(tusk, count)));
                sortTimes.add(time(() -> sortByKey(tusk, count / 2)));
            }
            rows.add(row("shuffle-reduceByKey", "tusk", reduceTimes, count + " records"));
            rows.add(row("shuffle-sortByKey", "tusk", sortTimes, count / 2 + " records"));
            System.out.printf("%nShuffle throughput:%n");
            System.out.printf("  reduceByKey, %,d records, 1M keys:  median %.2f s = %,.0f records/s%n", count, median(reduceTimes), count / median(reduceTimes));
            System.out.printf("  sortByKey, %,d random long keys:     median %.2f s = %,.0f records/s%n", count / 2, median(sortTimes), count / 2 / median(sortTimes));
        }
        Path csv = Path.of("bench/target/results.csv");
        Files.createDirectories(csv.getParent());
        Files.write(csv, rows);
        System.out.printf("%nResults: %s%n", csv.toAbsolutePath());
    }

    static Map<String, Long> tuskWordCount(Tusk tusk, Path data)
    {
        return tusk.textFile(data.toAbsolutePath().toString())
                .flatMap(line -> words(line).iterator())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum)
                .collectAsMap();
    }

    static Map<String, Long> loopWordCount(Path data)
    {
        Map<String, long[]> counts = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                for (String word : words(line)) {
                    counts.computeIfAbsent(word, key -> new long[1])[0]++;
                }
            }
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Long> result = new HashMap<>();
        counts.forEach((word, count) -> result.put(word, count[0]));
        return result;
    }

    /** Lower-cased runs of letters and digits, the same split for both programs: the sample's. */
    static List<String> words(String line)
    {
        return io.tusk.samples.WordCount.words(line);
    }

    static long reduceByKey(Tusk tusk, long records)
    {
        int slices = tusk.defaultParallelism() * 4;
        return tusk.parallelize(LongStream.range(0, slices).boxed().toList(), slices)
                .flatMap(slice -> new Random(slice).longs(records / slices, 0, 1_000_000).mapToObj(key -> Pair.of(key, 1L)).iterator())
                .mapToPair(pair -> pair)
                .reduceByKey(Long::sum)
                .count();
    }

    static long sortByKey(Tusk tusk, long records)
    {
        int slices = tusk.defaultParallelism() * 4;
        return tusk.parallelize(LongStream.range(0, slices).boxed().toList(), slices)
                .flatMap(slice -> new Random(slice).longs(records / slices).mapToObj(key -> Pair.of(key, slice)).iterator())
                .mapToPair(pair -> pair)
                .sortByKey()
                .count();
    }

    /** Deterministic English-like text with a 20,000-word Zipf vocabulary; cached on disk. */
    static void generateText(Path path, int megabytes)
            throws IOException
    {
        DataGenerators.zipfText(path, (long) megabytes << 20, 20_000);
    }

    private static double time(Supplier<?> work)
    {
        long start = System.nanoTime();
        Object result = work.get();
        if (result == null) {
            throw new IllegalStateException("benchmark produced nothing");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static String row(String benchmark, String program, List<Double> times, String detail)
    {
        return String.format(Locale.ROOT, "%s,%s,%.3f,%.3f,%.3f,%s", benchmark, program, median(times), min(times), max(times), detail);
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double min(List<Double> values)
    {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values)
    {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
