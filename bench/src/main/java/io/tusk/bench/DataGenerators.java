package io.tusk.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
