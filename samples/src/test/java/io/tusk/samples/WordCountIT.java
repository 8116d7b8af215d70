package io.tusk.samples;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class WordCountIT
{
    @TempDir
    Path temp;

    @Test
    void countsTheBundledDataLikeASingleThreadedLoop()
            throws IOException
    {
        Path data = Path.of("data/words");
        Map<String, Long> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    for (String word : WordCount.words(line)) {
                        expected.merge(word, 1L, Long::sum);
                    }
                }
            }
        }

        try (Tusk tusk = Tusk.create(TuskConfig.fromProperties(Map.of()).withThreads(2).withMemoryBudget(64 << 20).withLocalDir(temp))) {
            var counts = WordCount.count(tusk, data.toAbsolutePath().toString());
            assertThat(counts.collect()).extracting(pair -> pair.key()).isSorted();
            assertThat(counts.collectAsMap()).isEqualTo(expected);
        }
    }

    @Test
    void wordsSplitsOnAnythingButLettersAndDigits()
    {
        assertThat(WordCount.words("The tusk, the IVORY-tusk; 42!")).containsExactly("the", "tusk", "the", "ivory", "tusk", "42");
        assertThat(WordCount.words("")).isEmpty();
    }
}
