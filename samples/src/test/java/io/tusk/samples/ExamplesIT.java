package io.tusk.samples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hadoop's example jobs ({@code hadoop-mapreduce-examples}, unmodified) run through
 * {@code bin/tusk jar} and through Hadoop's own {@code RunJar} on the LocalJobRunner, each in its
 * own process: the same exit code and byte-identical output files.
 */
class ExamplesIT
{
    private static final Path EXAMPLES = Path.of("target/lib/hadoop-mapreduce-examples-3.4.2.jar").toAbsolutePath();

    @TempDir
    static Path shared;
    private static Path text;

    @TempDir
    Path work;

    @BeforeAll
    static void writeInput()
            throws IOException
    {
        text = shared.resolve("text");
        Files.createDirectories(text);
        Random random = new Random(11);
        String[] vocabulary = {"tusk", "ivory", "herd", "river", "the", "a", "elephant", "savanna", "memory", "trunk", "dust", "rain"};
        for (int file = 0; file < 3; file++) {
            List<String> lines = new ArrayList<>();
            for (int line = 0; line < 3_000; line++) {
                StringBuilder builder = new StringBuilder();
                int words = 1 + random.nextInt(12);
                for (int word = 0; word < words; word++) {
                    builder.append(word == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
                    if (random.nextInt(10) == 0) {
                        builder.append(random.nextInt(100));
                    }
                }
                lines.add(builder.toString());
            }
            Files.write(text.resolve("part-" + file + ".txt"), lines);
        }
    }

    @Test
    void wordcount()
            throws Exception
    {
        assertSameAsHadoop("wordcount", List.of(), List.of(text.toString()));
    }

    @Test
    void wordcountWithThreeReducers()
            throws Exception
    {
        assertSameAsHadoop("wordcount", List.of("-D", "mapreduce.job.reduces=3"), List.of(text.toString()));
    }

    @Test
    void grep()
            throws Exception
    {
        assertSameAsHadoop("grep", List.of(), List.of(text.toString(), "OUT", "t[a-z]+k"));
    }

    /**
     * Many words share a count: the sort job writes words of equal counts in the order Hadoop's map
     * sort and reduce merge leave them in (its two maps read the two files of the counting job).
     */
    @Test
    void grepWithTwoReducersWritesWordsOfEqualCountsInHadoopsOrder()
            throws Exception
    {
        assertSameAsHadoop("grep", List.of("-D", "mapreduce.job.reduces=2"), List.of(text.toString(), "OUT", "[a-z]+[0-9]+"));
    }

    @Test
    void wordmean()
            throws Exception
    {
        assertSameAsHadoop("wordmean", List.of(), List.of(text.toString()));
    }

    @Test
    void wordmedian()
            throws Exception
    {
        assertSameAsHadoop("wordmedian", List.of(), List.of(text.toString()));
    }

    @Test
    void wordstandarddeviation()
            throws Exception
    {
        assertSameAsHadoop("wordstandarddeviation", List.of(), List.of(text.toString()));
    }

    @Test
    void secondarysort()
            throws Exception
    {
        Path input = work.resolve("pairs");
        Files.createDirectories(input);
        Random random = new Random(5);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            lines.add(random.nextInt(50) + " " + random.nextInt(1000));
        }
        Files.write(input.resolve("pairs.txt"), lines);
        assertSameAsHadoop("secondarysort", List.of(), List.of(input.toString()));
    }

    @Test
    void multifilewc()
            throws Exception
    {
        assertSameAsHadoop("multifilewc", List.of(), List.of(text.toString()));
    }

    @Test
    void aggregatewordcount()
            throws Exception
    {
        assertSameAsHadoop("aggregatewordcount", List.of(), List.of(text.toString(), "OUT", "1", "textinputformat"));
    }

    @Test
    void aggregatewordhist()
            throws Exception
    {
        assertSameAsHadoop("aggregatewordhist", List.of(), List.of(text.toString(), "OUT", "1", "textinputformat"));
    }

    @Test
    void pi()
            throws Exception
    {
        Run hadoop = run("pi", List.of(), List.of("3", "2000"), work.resolve("hadoop"), true, false);
        Run tusk = run("pi", List.of(), List.of("3", "2000"), work.resolve("tusk"), false, false);

        assertThat(tusk.exitCode).as("exit code (Tusk output:%n%s)", tusk.log).isEqualTo(hadoop.exitCode).isZero();
        assertThat(estimate(tusk.log)).isEqualTo(estimate(hadoop.log)).startsWith("Estimated value of Pi is 3.1");
    }

    @Test
    void sortOfRandomWriterOutput()
            throws Exception
    {
        Path random = work.resolve("random");
        Run writer = run("randomwriter", List.of("-D", "mapreduce.randomwriter.bytespermap=300000", "-D", "mapreduce.randomwriter.mapsperhost=2"),
                List.of(random.toString()), work.resolve("writer"), false);
        assertThat(writer.exitCode).as("randomwriter on Tusk:%n%s", writer.log).isZero();

        assertSameAsHadoop("sort", List.of(), List.of("-r", "2", random.toString(), "OUT"));
    }

    @Test
    void teragenTerasortTeravalidate()
            throws Exception
    {
        Path generated = work.resolve("teragen");
        Run teragen = run("teragen", List.of("-D", "mapreduce.job.maps=2"), List.of("20000", generated.toString()), work.resolve("gen"), false, false);
        assertThat(teragen.exitCode).as("teragen on Tusk:%n%s", teragen.log).isZero();

        Run hadoopSort = run("terasort", List.of("-D", "mapreduce.job.reduces=2"), List.of(generated.toString()), work.resolve("hadoop-sort"), true);
        Run tuskSort = run("terasort", List.of("-D", "mapreduce.job.reduces=2"), List.of(generated.toString()), work.resolve("tusk-sort"), false);
        assertThat(tuskSort.exitCode).as("terasort on Tusk:%n%s", tuskSort.log).isEqualTo(hadoopSort.exitCode).isZero();
        assertThat(files(tuskSort.output)).isEqualTo(files(hadoopSort.output));

        Run hadoopValidate = run("teravalidate", List.of(), List.of(hadoopSort.output.toString(), "OUT"), work.resolve("hadoop-validate"), true);
        Run tuskValidate = run("teravalidate", List.of(), List.of(tuskSort.output.toString(), "OUT"), work.resolve("tusk-validate"), false);
        assertThat(tuskValidate.exitCode).as("teravalidate on Tusk:%n%s", tuskValidate.log).isEqualTo(hadoopValidate.exitCode).isZero();
        Map<String, String> report = files(tuskValidate.output);
        assertThat(report).isEqualTo(files(hadoopValidate.output));
        assertThat(String.join("", report.values())).contains("checksum").doesNotContain("error");
    }

    @Test
    void join()
            throws Exception
    {
        Path left = work.resolve("left");
        Path right = work.resolve("right");
        List<String> leftLines = new ArrayList<>();
        List<String> rightLines = new ArrayList<>();
        for (int key = 0; key < 2_000; key++) {
            String name = String.format("k%05d", key);
            if (key % 3 != 0) {
                leftLines.add(name + "\tleft" + key);
            }
            if (key % 2 == 0) {
                rightLines.add(name + "\tright" + key);
            }
        }
        Files.createDirectories(left);
        Files.createDirectories(right);
        Files.write(left.resolve("part-00000"), leftLines);
        Files.write(right.resolve("part-00000"), rightLines);

        // join sizes its reduces from the cluster (0.9 x slots); give both the same count
        assertSameAsHadoop("join", List.of(), List.of("-r", "1", "-inFormat", "org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat",
                "-outFormat", "org.apache.hadoop.mapreduce.lib.output.TextOutputFormat", "-outKey", "org.apache.hadoop.io.Text",
                "-joinOp", "inner", left.toString(), right.toString(), "OUT"));
    }

    /**
     * A map-side join of two inputs of two sorted files each, with keys repeated on both sides: every
     * key's tuples leave its map in the order of Hadoop's map sort, and two maps' outputs meet in
     * each of two reducers in the order of Hadoop's merge.
     */
    @Test
    void innerAndOuterJoinOfRepeatedKeysWithTwoReducersWriteTuplesInHadoopsOrder()
            throws Exception
    {
        Path left = work.resolve("left");
        Path right = work.resolve("right");
        Files.createDirectories(left);
        Files.createDirectories(right);
        Random random = new Random(5);
        for (int file = 0; file < 2; file++) {
            List<String> leftLines = new ArrayList<>();
            List<String> rightLines = new ArrayList<>();
            for (int key = file * 1_000; key < (file + 1) * 1_000; key++) {
                String name = String.format("k%05d", key);
                for (int copy = random.nextInt(4); copy > 0; copy--) {
                    leftLines.add(name + "\tleft" + key + "-" + copy);
                }
                for (int copy = random.nextInt(4); copy > 0; copy--) {
                    rightLines.add(name + "\tright" + key + "-" + copy);
                }
            }
            Files.write(left.resolve(String.format("part-%05d", file)), leftLines);
            Files.write(right.resolve(String.format("part-%05d", file)), rightLines);
        }
        for (String operation : List.of("inner", "outer")) {
            assertSameAsHadoop("join", List.of(), List.of("-r", "2", "-inFormat", "org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat",
                    "-outFormat", "org.apache.hadoop.mapreduce.lib.output.TextOutputFormat", "-outKey", "org.apache.hadoop.io.Text",
                    "-joinOp", operation, left.toString(), right.toString(), "OUT"), operation);
        }
    }

    private static String estimate(String log)
    {
        return log.lines().filter(line -> line.startsWith("Estimated value of Pi is")).findFirst().orElse("no estimate printed:\n" + log);
    }

    /**
     * Runs {@code program} on both; {@code args} are the program's arguments where the output
     * directory is {@code OUT} (or, when absent, appended last).
     */
    private void assertSameAsHadoop(String program, List<String> genericOptions, List<String> args)
            throws Exception
    {
        assertSameAsHadoop(program, genericOptions, args, "");
    }

    /** As {@link #assertSameAsHadoop(String, List, List)}, in directories named after {@code run}. */
    private void assertSameAsHadoop(String program, List<String> genericOptions, List<String> args, String run)
            throws Exception
    {
        Run hadoop = run(program, genericOptions, args, work.resolve("hadoop" + run), true);
        Run tusk = run(program, genericOptions, args, work.resolve("tusk" + run), false);

        assertThat(tusk.exitCode).as("exit code (Tusk output:%n%s)", tusk.log).isEqualTo(hadoop.exitCode).isZero();
        assertThat(hadoop.log).as("Hadoop ran on the LocalJobRunner").contains("job_local");
        assertThat(tusk.log).as("Tusk ran the jobs").containsPattern("job_[0-9]+_0001").doesNotContain("job_local");
        Map<String, String> expected = files(hadoop.output);
        assertThat(expected).as("Hadoop wrote output").isNotEmpty();
        assertThat(files(tusk.output)).isEqualTo(expected);
    }

    private record Run(int exitCode, Path output, String log) {}

    private static Run run(String program, List<String> genericOptions, List<String> args, Path directory, boolean hadoop)
            throws Exception
    {
        return run(program, genericOptions, args, directory, hadoop, true);
    }

    /** @param appendOutput whether to append the output directory when {@code args} has no {@code OUT} */
    private static Run run(String program, List<String> genericOptions, List<String> args, Path directory, boolean hadoop, boolean appendOutput)
            throws Exception
    {
        Files.createDirectories(directory);
        Path output = directory.resolve("out");
        List<String> command = new ArrayList<>(hadoop ? TestProcesses.hadoopRunJar(EXAMPLES) : TestProcesses.tusk("jar"));
        if (!hadoop) {
            command.add(EXAMPLES.toString());
        }
        command.add(program);
        if (hadoop) {
            command.addAll(List.of("-D", "mapreduce.framework.name=local"));
        }
        command.addAll(genericOptions);
        boolean placed = false;
        for (String arg : args) {
            if (arg.equals("OUT")) {
                command.add(output.toString());
                placed = true;
            }
            else {
                command.add(arg);
            }
        }
        if (!placed && appendOutput) {
            command.add(output.toString());
        }
        TestProcesses.Result result = TestProcesses.run(command, directory, directory.resolve("log.txt"));
        return new Run(result.exitCode(), output, result.log());
    }

    private static String contents(Path path)
            throws IOException
    {
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length < 3 || bytes[0] != 'S' || bytes[1] != 'E' || bytes[2] != 'Q') {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        StringBuilder records = new StringBuilder();
        try (org.apache.hadoop.io.SequenceFile.Reader reader = new org.apache.hadoop.io.SequenceFile.Reader(conf,
                org.apache.hadoop.io.SequenceFile.Reader.file(new org.apache.hadoop.fs.Path(path.toUri())))) {
            records.append(reader.getKeyClassName()).append(' ').append(reader.getValueClassName()).append('\n');
            org.apache.hadoop.io.DataOutputBuffer key = new org.apache.hadoop.io.DataOutputBuffer();
            org.apache.hadoop.io.SequenceFile.ValueBytes value = reader.createValueBytes();
            org.apache.hadoop.io.DataOutputBuffer valueBytes = new org.apache.hadoop.io.DataOutputBuffer();
            while (reader.nextRaw(key, value) != -1) {
                valueBytes.reset();
                value.writeUncompressedBytes(valueBytes);
                records.append(java.util.HexFormat.of().formatHex(key.getData(), 0, key.getLength())).append('\t')
                        .append(java.util.HexFormat.of().formatHex(valueBytes.getData(), 0, valueBytes.getLength())).append('\n');
                key.reset();
            }
        }
        return records.toString();
    }


    /**
     * The visible files of an output directory with their contents; SequenceFiles as their records,
     * since every SequenceFile has a random sync marker.
     */
    static Map<String, String> files(Path directory)
            throws IOException
    {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                if (!path.getFileName().toString().endsWith(".crc")) {
                    files.put(directory.relativize(path).toString(), contents(path));
                }
            }
        }
        return files;
    }
}
