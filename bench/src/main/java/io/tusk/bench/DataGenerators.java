package io.tusk.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic inputs of the workloads, cached: a file that exists with its final name is
 * complete (each is written under a temporary name and moved), so an interrupted run regenerates
 * it and a finished one is reused.
 */
final class DataGenerators
{
    private DataGenerators() {}

    /**
     * Text in the style of Hadoop's RandomTextWriter: lines of 5 to 19 words drawn uniformly from a
     * fixed vocabulary of 1,000 words.
     */
    static Path uniformText(Path file, long bytes)
            throws IOException
    {
        String[] vocabulary = vocabulary(1_000, 1);
        return writeText(file, bytes, 2, random -> vocabulary[random.nextInt(vocabulary.length)]);
    }

    /** Text whose words follow a Zipf distribution (exponent 1) over a vocabulary of {@code words} words. */
    static Path zipfText(Path file, long bytes, int words)
            throws IOException
    {
        String[] vocabulary = vocabulary(words, 3);
        double[] cumulative = new double[vocabulary.length];
        double total = 0;
        for (int i = 0; i < vocabulary.length; i++) {
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }
        double sum = total;
        return writeText(file, bytes, 4, random -> {
            int index = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            return vocabulary[index >= 0 ? index : Math.min(-index - 1, vocabulary.length - 1)];
        });
    }

    private interface WordSource
    {
        String next(Random random);
    }

    private static Path writeText(Path file, long bytes, long seed, WordSource words)
            throws IOException
    {
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Random random = new Random(seed);
        long written = 0;
        try (BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            while (written < bytes) {
                line.setLength(0);
                int count = 5 + random.nextInt(15);
                for (int w = 0; w < count; w++) {
                    if (w > 0) {
                        line.append(' ');
                    }
                    line.append(words.next(random));
                }
                line.append('\n');
                writer.append(line);
                written += line.length();
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * The two tables of workload W5, as tab-separated text under {@code directory}: {@code
     * pages/part-0.txt} with {@code pages} lines {@code pageId url rank avgDuration}, page ids 0 to
     * {@code pages - 1} in order, and {@code visits/part-0.txt} with {@code visits} lines {@code
     * visitor pageId date adRevenue userAgent country searchWord duration}. Visits favour low page ids
     * (a page's share falls with the square root of its id), and one in 20 names a page that does not
     * exist, so an inner join drops it.
     */
    static Path joinTables(Path directory, int pages, int visits)
            throws IOException
    {
        Path pagesFile = directory.resolve("pages/part-0.txt");
        Path visitsFile = directory.resolve("visits/part-0.txt");
        String[] words = vocabulary(5_000, 5);
        writeLines(pagesFile, 6, (random, line, index) -> {
            if (index == pages) {
                return false;
            }
            line.append(index).append('\t')
                    .append("https://www.").append(words[random.nextInt(words.length)]).append(".example/")
                    .append(words[random.nextInt(words.length)]).append('/').append(index).append(".html").append('\t')
                    .append(1 + random.nextInt(10_000)).append('\t')
                    .append(1 + random.nextInt(600));
            return true;
        });
        String[] agents = {"Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)", "curl/8.5.0"};
        String[] countries = {"USA", "DEU", "FRA", "JPN", "BRA", "IND", "CHN", "GBR", "CAN", "MEX"};
        int visitors = Math.max(1, visits / 8);
        writeLines(visitsFile, 7, (random, line, index) -> {
            if (index == visits) {
                return false;
            }
            int visitor = random.nextInt(visitors);
            double u = random.nextDouble();
            int page = random.nextInt(20) == 0 ? pages + random.nextInt(Math.max(1, pages / 10)) : (int) (pages * u * u);
            int day = random.nextInt(366);
            int cents = 1 + random.nextInt(100_000);
            line.append(10 + visitor / 65_536).append('.').append(visitor / 256 % 256).append('.').append(visitor % 256).append(".1").append('\t')
                    .append(page).append('\t')
                    .append(LocalDate.ofEpochDay(19_723 + day)).append('\t')
                    .append(cents / 100).append('.').append(cents % 100 / 10).append(cents % 10).append('\t')
                    .append(agents[random.nextInt(agents.length)]).append('\t')
                    .append(countries[random.nextInt(countries.length)]).append('\t')
                    .append(words[random.nextInt(words.length)]).append('\t')
                    .append(1 + random.nextInt(3_600));
            return true;
        });
        return directory;
    }

    /**
     * The graph of workload W6 in the adjacency-list text format that {@link PageRank} reads and
     * writes: one line {@code vertex TAB rank TAB target,target,...} per vertex {@code 0 .. vertices-1},
     * in order, every rank {@link PageRank#ONE}. Out-degrees follow a Pareto distribution (shape 2,
     * at least 1, about {@code edgesPerVertex} on average, at most 10,000); targets favour low vertex
     * ids (a vertex's share of in-links falls with the square root of its id), and no vertex links to
     * itself.
     */
    static Path graph(Path file, int vertices, int edgesPerVertex)
            throws IOException
    {
        int maxDegree = Math.min(10_000, vertices - 1);
        writeLines(file, 8, (random, line, index) -> {
            if (index == vertices) {
                return false;
            }
            double pareto = 1 / Math.sqrt(1 - random.nextDouble());
            int degree = (int) Math.min(maxDegree, 1 + Math.round((edgesPerVertex - 1) * (pareto - 1)));
            line.append(index).append('\t').append(PageRank.ONE).append('\t');
            for (int e = 0; e < degree; e++) {
                double u = random.nextDouble();
                int target = (int) (vertices * u * u);
                if (target == index) {
                    target = (target + 1) % vertices;
                }
                if (e > 0) {
                    line.append(',');
                }
                line.append(target);
            }
            return true;
        });
        return file;
    }

    private interface LineSource
    {
        /** Appends line {@code index} (without its newline) and returns true, or returns false after the last line. */
        boolean next(Random random, StringBuilder line, long index);
    }

    private static void writeLines(Path file, long seed, LineSource lines)
            throws IOException
    {
        if (Files.exists(file)) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Random random = new Random(seed);
        try (BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (long index = 0; ; index++) {
                line.setLength(0);
                if (!lines.next(random, line, index)) {
                    break;
                }
                line.append('\n');
                writer.append(line);
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code size} distinct lower-case words of 2 to 10 letters. */
    private static String[] vocabulary(int size, long seed)
    {
        Random random = new Random(seed);
        Set<String> words = new LinkedHashSet<>();
        while (words.size() < size) {
            int length = 2 + random.nextInt(9);
            StringBuilder word = new StringBuilder(length);
            for (int c = 0; c < length; c++) {
                word.append((char) ('a' + random.nextInt(26)));
            }
            words.add(word.toString());
        }
        return words.toArray(new String[0]);
    }
}
