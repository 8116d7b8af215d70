package io.tusk.io;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSplitterTest
{
    @TempDir
    Path temp;

    @Test
    void splitsByGoalSizeWithSlopAndSkipsHiddenFiles()
            throws IOException
    {
        Files.writeString(temp.resolve("a.txt"), "x".repeat(1000));
        Files.writeString(temp.resolve("b.txt"), "y".repeat(100));
        Files.writeString(temp.resolve("_SUCCESS"), "");
        Files.writeString(temp.resolve(".a.txt.crc"), "hidden");

        List<FileSplit> splits = FileSplitter.split(temp.toUri().toString(), 4, new Configuration());

        // goal 1100 / 4 = 275: a.txt in 275, 275, 275 and a last 175; b.txt whole (100 / 275 < 1.1)
        assertThat(splits).extracting(FileSplit::length).containsExactly(275L, 275L, 275L, 175L, 100L);
        assertThat(splits).extracting(FileSplit::start).containsExactly(0L, 275L, 550L, 825L, 0L);
        assertThat(splits).allSatisfy(split -> assertThat(split.path()).doesNotContain("_SUCCESS", ".crc"));
    }

    @Test
    void splitsOfAFileAnExecutorKeepsAreOnThatExecutorUntilTheFileChanges()
            throws IOException
    {
        Path file = temp.resolve("kept.txt");
        Files.writeString(file, "k".repeat(1000));
        Files.writeString(temp.resolve("other.txt"), "o".repeat(100));
        io.tusk.io.cache.KeptLocations.kept("node-b", "executor-2@node-b",
                List.of(io.tusk.io.cache.FileVersion.of(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(file.toUri()))
                        .orElseThrow()));

        List<FileSplit> splits = FileSplitter.split(temp.toUri().toString(), 2, new Configuration());
        assertThat(splits).filteredOn(split -> split.path().endsWith("kept.txt")).hasSize(2).allSatisfy(split -> {
            assertThat(split.hosts()).containsExactly("node-b");
            assertThat(split.executors()).containsExactly("executor-2@node-b");
        });
        assertThat(splits).filteredOn(split -> split.path().endsWith("other.txt")).singleElement()
                .satisfies(split -> assertThat(split.executors()).isEmpty());

        // rewritten since: no executor keeps this version
        Files.writeString(file, "K".repeat(1001));
        assertThat(FileSplitter.split(temp.toUri().toString(), 2, new Configuration())).allSatisfy(split -> assertThat(split.executors()).isEmpty());
    }

    @Test
    void compressedFilesAreNotSplit()
            throws IOException
    {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(temp.resolve("big.gz")))) {
            out.write("line\n".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        }
        Configuration configuration = new Configuration();
        configuration.setLong(FileSplitter.MAX_SIZE, 100);

        assertThat(FileSplitter.split(temp.resolve("big.gz").toUri().toString(), 8, configuration)).hasSize(1);
    }

    @Test
    void missingInputIsReported()
    {
        assertThatThrownBy(() -> FileSplitter.split(temp.resolve("nothing").toUri().toString(), 1, new Configuration()))
                .hasMessageContaining("Input path does not exist");
    }
}
