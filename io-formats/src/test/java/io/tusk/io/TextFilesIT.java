package io.tusk.io;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.TuskException;
import io.tusk.engine.dataset.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextFilesIT
{
    @TempDir
    Path temp;
    private Tusk tusk;

    @BeforeEach
    void setUp()
    {
        tusk = Tusk.create(TuskConfig.fromProperties(Map.of(FileSplitter.MAX_SIZE, "1000"))
                .withThreads(2)
                .withMemoryBudget(32 << 20)
                .withLocalDir(temp.resolve("local")));
    }

    @AfterEach
    void tearDown()
    {
        tusk.close();
    }

    @Test
    void everyLineIsReadExactlyOnceAcrossSplits()
            throws IOException
    {
        List<String> lines = IntStream.range(0, 5_000).mapToObj(i -> "line " + i + " " + "z".repeat(i % 37)).toList();
        Path input = temp.resolve("in.txt");
        Files.write(input, lines);

        var dataset = tusk.textFile(input.toString());

        assertThat(dataset.numPartitions()).isGreaterThan(50);
        assertThat(dataset.collect()).containsExactlyElementsOf(lines);
    }

    @Test
    void windowsLineEndingsAndMissingFinalNewline()
            throws IOException
    {
        Path input = temp.resolve("crlf.txt");
        Files.writeString(input, "one\r\ntwo\r\n\r\nthree");

        assertThat(tusk.textFile(input.toString()).collect()).containsExactly("one", "two", "", "three");
    }

    @Test
    void gzipInputIsDecompressed()
            throws IOException
    {
        Path input = temp.resolve("dir");
        Files.createDirectories(input);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(input.resolve("part.gz")))) {
            out.write("a b\nb c\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(input.resolve("plain.txt"), "c d\n");

        Map<String, Long> counts = tusk.textFile(input.toUri().toString())
                .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum)
                .collectAsMap();

        assertThat(counts).containsOnly(Map.entry("a", 1L), Map.entry("b", 2L), Map.entry("c", 2L), Map.entry("d", 1L));
    }

    @Test
    void savedFilesAreCommittedWithSuccessMarker()
            throws IOException
    {
        Path output = temp.resolve("out");

        tusk.parallelize(IntStream.range(0, 100).boxed().toList(), 3).saveAsTextFile(output.toString());

        try (Stream<Path> files = Files.list(output)) {
            assertThat(files.map(file -> file.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder(".part-00000.crc", ".part-00001.crc", ".part-00002.crc", "._SUCCESS.crc", "_SUCCESS", "part-00000", "part-00001", "part-00002");
        }
        List<String> written = new ArrayList<>();
        for (int part = 0; part < 3; part++) {
            written.addAll(Files.readAllLines(output.resolve(String.format("part-%05d", part))));
        }
        assertThat(written).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(Integer::toString).toList());
        assertThat(tusk.textFile(output.toString()).count()).isEqualTo(100);
    }

    @Test
    void existingOutputFailsBeforeAnyWork()
            throws IOException
    {
        Path output = temp.resolve("exists");
        Files.createDirectories(output);

        assertThatThrownBy(() -> tusk.parallelize(List.of(1, 2)).saveAsTextFile(output.toString()))
                .isInstanceOfSatisfying(TuskException.class, error -> assertThat(error.errorCode()).isEqualTo(ErrorCode.OUTPUT_EXISTS))
                .hasMessageContaining("already exists; delete it or choose another path");
    }

    @Test
    void failedJobLeavesNoOutput()
    {
        Path output = temp.resolve("failed");

        assertThatThrownBy(() -> tusk.parallelize(IntStream.range(0, 100).boxed().toList(), 4)
                .map(value -> {
                    if (value == 99) {
                        throw new IllegalStateException("broken record");
                    }
                    return value;
                })
                .saveAsTextFile(output.toString()))
                .hasMessageContaining("broken record");
        assertThat(output).doesNotExist();
    }
}
