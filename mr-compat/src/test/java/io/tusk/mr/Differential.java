package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the same job on Hadoop's LocalJobRunner and on Tusk and compares what they wrote, byte for
 * byte: the same files (part files, {@code _SUCCESS}) with the same contents.
 */
final class Differential
{
    /** Builds a job that reads {@code input} and writes {@code output}. */
    interface JobFactory
    {
        Job create(Configuration conf, Path input, Path output)
                throws Exception;
    }

    private Differential() {}

    static Configuration conf(String framework)
    {
        Configuration conf = new Configuration();
        conf.set("mapreduce.framework.name", framework);
        conf.set("fs.defaultFS", "file:///");
        // LocalJobRunner jobs finish in about a second; Hadoop polls every 5 seconds by default
        conf.setInt("mapreduce.client.completion.pollinterval", 50);
        return conf;
    }

    /** Runs the job on both and asserts equal output; returns the Tusk job for further checks. */
    static Job runBoth(Path work, Path input, JobFactory factory)
            throws Exception
    {
        Path hadoopOut = work.resolve("out-local");
        Path tuskOut = work.resolve("out-tusk");
        Job hadoop = factory.create(conf("local"), input, hadoopOut);
        assertThat(hadoop.waitForCompletion(false)).as("job succeeds on LocalJobRunner").isTrue();
        Job tusk = factory.create(conf("tusk"), input, tuskOut);
        assertThat(tusk.waitForCompletion(false)).as("job succeeds on Tusk").isTrue();
        assertSameOutput(hadoopOut, tuskOut);
        return tusk;
    }

    static void assertSameOutput(Path expected, Path actual)
            throws IOException
    {
        Map<String, byte[]> expectedFiles = files(expected);
        Map<String, byte[]> actualFiles = files(actual);
        assertThat(actualFiles.keySet()).as("files written").containsExactlyElementsOf(expectedFiles.keySet());
        for (String name : expectedFiles.keySet()) {
            assertThat(new String(actualFiles.get(name), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("contents of %s", name)
                    .isEqualTo(new String(expectedFiles.get(name), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Asserts that two directories of SequenceFiles hold the same files with the same records (key
     * and value classes, keys and values in order): their bytes differ by each writer's random
     * sync mark.
     */
    static void assertSameSequenceFiles(Path expected, Path actual)
            throws IOException
    {
        Map<String, byte[]> expectedFiles = files(expected);
        assertThat(files(actual).keySet()).as("files written").containsExactlyElementsOf(expectedFiles.keySet());
        for (String name : expectedFiles.keySet()) {
            if (name.startsWith("_")) {
                continue;
            }
            assertThat(sequenceRecords(actual.resolve(name))).as("records of %s", name).isEqualTo(sequenceRecords(expected.resolve(name)));
        }
    }

    static List<String> sequenceRecords(Path file)
            throws IOException
    {
        Configuration conf = new Configuration();
        List<String> records = new java.util.ArrayList<>();
        try (org.apache.hadoop.io.SequenceFile.Reader reader = new org.apache.hadoop.io.SequenceFile.Reader(conf,
                org.apache.hadoop.io.SequenceFile.Reader.file(new org.apache.hadoop.fs.Path(file.toString())))) {
            records.add(reader.getKeyClassName() + " " + reader.getValueClassName() + " " + reader.getCompressionType());
            Object key = null;
            Object value = null;
            while ((key = reader.next(key)) != null) {
                value = reader.getCurrentValue(value);
                records.add(key + "\t" + value);
            }
        }
        return records;
    }

    /** The visible files of an output directory (no checksum files), with their bytes. */
    static Map<String, byte[]> files(Path directory)
            throws IOException
    {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                String name = directory.relativize(path).toString();
                if (!path.getFileName().toString().endsWith(".crc")) {
                    files.put(name, Files.readAllBytes(path));
                }
            }
        }
        return files;
    }

    /**
     * Writes {@code files} files {@code part<n>.txt} of {@code lines} lines each into {@code directory}:
     * up to {@code maxWords - 1} words per line (some lines empty), each word a letter of the first
     * {@code letters} and a number below {@code numbers}.
     */
    static void writeWords(Path directory, long seed, int files, int lines, int maxWords, int letters, int numbers)
            throws IOException
    {
        java.util.Random random = new java.util.Random(seed);
        for (int file = 0; file < files; file++) {
            List<String> text = new java.util.ArrayList<>();
            for (int line = 0; line < lines; line++) {
                StringBuilder builder = new StringBuilder();
                int words = random.nextInt(maxWords);
                for (int word = 0; word < words; word++) {
                    builder.append(word == 0 ? "" : " ").append((char) ('a' + random.nextInt(letters))).append(random.nextInt(numbers));
                }
                text.add(builder.toString());
            }
            writeLines(directory.resolve("part" + file + ".txt"), text);
        }
    }

    static void writeLines(Path file, List<String> lines)
            throws IOException
    {
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
    }
}
