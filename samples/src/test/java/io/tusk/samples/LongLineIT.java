package io.tusk.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A text file that is one 200 MiB line, through the examples' word count with {@code bin/tusk jar}
 * and a 3 GiB heap: the line is one record of the first split (each later split reads the rest of
 * it to skip it, as Hadoop's line reader does), and every word is counted.
 * <p>
 * Why 3 GiB: the mapper's {@code Text.toString()} decodes with the JDK's UTF-8 decoder, which sizes
 * its first buffer as {@code (int) (bytes * 1.0f)}; for most lengths near 200 MiB the float rounds
 * below the length, the buffer overflows and is replaced by one twice as large, so the one call holds
 * 0.4 + 0.8 GB of chars beside the line's 256 MiB {@code Text}. With 2 GiB that fits only when the
 * collector finds 0.8 GB contiguous (G1 does not move such arrays; the serial collector's old
 * generation is two thirds of the heap), on Hadoop's LocalJobRunner as on Tusk: the job then fails
 * with the {@code OutOfMemoryError} in its error (seen on a CI machine).
 */
class LongLineIT
{
    private static final Path EXAMPLES = Path.of("target/lib/hadoop-mapreduce-examples-3.4.2.jar").toAbsolutePath();
    private static final long LINE_BYTES = 200L << 20;

    @TempDir
    Path work;

    @Test
    void aTwoHundredMegabyteLineIsCountedWordForWord()
            throws Exception
    {
        Path input = work.resolve("in");
        Files.createDirectories(input);
        Map<String, Long> expected = writeLine(input.resolve("line.txt"));

        Path output = work.resolve("out");
        List<String> command = new ArrayList<>(List.of("env", "TUSK_HEAP=3g"));
        command.addAll(TestProcesses.tusk("jar"));
        command.addAll(List.of(EXAMPLES.toString(), "wordcount", input.toString(), output.toString()));
        TestProcesses.Result result = TestProcesses.run(command, work, work.resolve("log.txt"));

        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(result.log()).contains("Map input records=1");
        Map<String, Long> counted = new TreeMap<>();
        for (String line : Files.readAllLines(output.resolve("part-r-00000"), StandardCharsets.UTF_8)) {
            String[] fields = line.split("\t");
            counted.put(fields[0], Long.parseLong(fields[1]));
        }
        assertThat(counted).isEqualTo(expected);
    }

    /** Writes one line of about {@link #LINE_BYTES} of words and a newline; the count of each word. */
    private static Map<String, Long> writeLine(Path file)
            throws IOException
    {
        Random random = new Random(200);
        String[] vocabulary = new String[5_000];
        for (int word = 0; word < vocabulary.length; word++) {
            vocabulary[word] = "w" + Integer.toString(random.nextInt(1 << 30), 36);
        }
        Map<String, Long> counts = new TreeMap<>();
        long written = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            while (written < LINE_BYTES) {
                String word = vocabulary[random.nextInt(vocabulary.length)];
                out.write(word);
                out.write(' ');
                written += word.length() + 1;
                counts.merge(word, 1L, Long::sum);
            }
            out.write('\n');
        }
        return counts;
    }
}
