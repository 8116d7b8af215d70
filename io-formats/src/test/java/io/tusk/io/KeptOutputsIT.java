package io.tusk.io;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.io.cache.OutputCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a dataset saves as text is kept in memory, and {@code textFile} over it reads memory while
 * the files are unchanged, and the files once they changed.
 */
class KeptOutputsIT
{
    @TempDir
    Path temp;
    private Tusk tusk;

    @BeforeEach
    void setUp()
    {
        tusk = Tusk.create(TuskConfig.fromProperties(Map.of(FileSplitter.MAX_SIZE, "4000"))
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
    void savedTextIsReadFromMemoryUntilItChanges()
            throws IOException
    {
        List<String> lines = IntStream.range(0, 20_000).mapToObj(i -> "line " + i + " " + "q".repeat(i % 23)).toList();
        Path output = temp.resolve("saved");
        tusk.parallelize(lines, 3).saveAsTextFile(output.toString());
        long size = 0;
        for (String part : List.of("part-00000", "part-00001", "part-00002")) {
            size += Files.size(output.resolve(part));
        }
        assertThat(tusk.blockStore().hasNamed()).as("the saved files are kept").isTrue();

        long before = LocalReads.bytesRead();
        var dataset = tusk.textFile(output.toString());
        assertThat(dataset.numPartitions()).as("splits of parts of files").isGreaterThan(3);
        assertThat(dataset.collect()).containsExactlyElementsOf(lines);
        assertThat(LocalReads.bytesRead() - before).as("bytes read from the files").isLessThan(size / 10);

        // the same length, other bytes: read from the file
        String first = Files.readString(output.resolve("part-00000"));
        Files.writeString(output.resolve("part-00000"), first.replace('q', 'x'));
        Files.deleteIfExists(output.resolve(".part-00000.crc"));
        List<String> changed = tusk.textFile(output.toString()).collect();
        assertThat(changed).hasSameSizeAs(lines).isNotEqualTo(lines);
        assertThat(changed.subList(0, lines.size() / 3)).allSatisfy(line -> assertThat(line).doesNotContain("q"));
    }

    @Test
    void sequenceFilesRoundTripAndAreReadFromMemory()
            throws IOException
    {
        List<io.tusk.engine.dataset.Pair<org.apache.hadoop.io.Text, org.apache.hadoop.io.IntWritable>> pairs = IntStream.range(0, 20_000)
                .mapToObj(i -> new io.tusk.engine.dataset.Pair<>(new org.apache.hadoop.io.Text("key " + i), new org.apache.hadoop.io.IntWritable(i * 7)))
                .toList();
        Path plain = temp.resolve("sequence");
        io.tusk.engine.dataset.PairDataset.of(tusk.parallelize(pairs, 3)).saveAsSequenceFile(plain.toString(), org.apache.hadoop.io.Text.class, org.apache.hadoop.io.IntWritable.class);
        long size = Files.size(plain.resolve("part-00000")) + Files.size(plain.resolve("part-00001")) + Files.size(plain.resolve("part-00002"));

        long before = LocalReads.bytesRead();
        var read = tusk.sequenceFile(plain.toString(), org.apache.hadoop.io.Text.class, org.apache.hadoop.io.IntWritable.class);
        assertThat(read.numPartitions()).as("splits of parts of files").isGreaterThan(3);
        assertThat(read.collect()).containsExactlyElementsOf(pairs);
        assertThat(LocalReads.bytesRead() - before).as("bytes read from the files").isLessThan(size / 10);

        // compressed: written and read back, but from the files
        Path compressed = temp.resolve("compressed");
        io.tusk.engine.dataset.PairDataset.of(tusk.parallelize(pairs, 2)).saveAsSequenceFile(compressed.toString(), org.apache.hadoop.io.Text.class,
                org.apache.hadoop.io.IntWritable.class, org.apache.hadoop.io.compress.DefaultCodec.class.getName());
        before = LocalReads.bytesRead();
        assertThat(new java.util.ArrayList<Object>(tusk.sequenceFile(compressed.toString(), org.apache.hadoop.io.Writable.class, org.apache.hadoop.io.Writable.class).collect()))
                .as("read as Writables").containsExactlyElementsOf(pairs);
        assertThat(LocalReads.bytesRead() - before).as("compressed files are read from disk").isGreaterThan(Files.size(compressed.resolve("part-00000")));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tusk.sequenceFile(plain.toString(), org.apache.hadoop.io.LongWritable.class, org.apache.hadoop.io.IntWritable.class).count())
                .hasStackTraceContaining("holds org.apache.hadoop.io.Text and org.apache.hadoop.io.IntWritable, not org.apache.hadoop.io.LongWritable");
    }

    @Test
    void disabledCacheKeepsNothing()
    {
        Tusk plain = Tusk.create(TuskConfig.fromProperties(Map.of(OutputCache.ENABLED, "false")).withThreads(2).withLocalDir(temp.resolve("plain")));
        try {
            plain.parallelize(List.of("a", "b", "c"), 2).saveAsTextFile(temp.resolve("plain-out").toString());
            assertThat(plain.blockStore().hasNamed()).isFalse();
            assertThat(plain.textFile(temp.resolve("plain-out").toString()).collect()).containsExactlyInAnyOrder("a", "b", "c");
        }
        finally {
            plain.close();
        }
    }
}
