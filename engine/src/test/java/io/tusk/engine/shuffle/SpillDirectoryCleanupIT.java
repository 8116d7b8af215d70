package io.tusk.engine.shuffle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Processes killed with {@code kill -9} leave their spill directories behind; the next spill
 * directory in the same parent removes them, and never the directory of a process that lives.
 */
class SpillDirectoryCleanupIT
{
    @TempDir
    Path parent;

    @Test
    void directoriesOfKilledProcessesAreRemovedAndThoseOfLiveOnesKept()
            throws Exception
    {
        Process killed = holder();
        Process alive = holder();
        try {
            Path killedDirectory = holding(killed);
            Path aliveDirectory = holding(alive);
            killed.destroyForcibly();
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(killedDirectory.resolve("spill-0")).as("a killed process cannot clean up").exists();

            try (SpillDirectory next = new SpillDirectory(parent)) {
                assertThat(killedDirectory).doesNotExist();
                assertThat(Path.of(killedDirectory + ".lock")).doesNotExist();
                assertThat(aliveDirectory.resolve("spill-0")).as("the live process's files").exists();
                assertThat(Path.of(aliveDirectory + ".lock")).exists();
                // a second directory of this process does not take the first one for a leftover
                try (SpillDirectory another = new SpillDirectory(parent)) {
                    assertThat(next.root()).exists();
                    assertThat(another.root()).exists();
                }
                assertThat(names()).containsExactlyInAnyOrder(aliveDirectory.getFileName().toString(), aliveDirectory.getFileName() + ".lock",
                        next.root().getFileName().toString(), next.root().getFileName() + ".lock");
            }
            assertThat(names()).as("a closed spill directory leaves nothing").containsExactlyInAnyOrder(aliveDirectory.getFileName().toString(),
                    aliveDirectory.getFileName() + ".lock");
        }
        finally {
            killed.destroyForcibly();
            alive.destroyForcibly();
            alive.waitFor(30, TimeUnit.SECONDS);
        }
        try (SpillDirectory last = new SpillDirectory(parent)) {
            assertThat(names()).hasSize(2);
        }
        assertThat(names()).isEmpty();
    }

    private Process holder()
            throws IOException
    {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"), SpillDirectoryHolder.class.getName(), parent.toString())
                .redirectErrorStream(true)
                .start();
    }

    /** The directory the holder says it holds, once it holds it. */
    private static Path holding(Process holder)
            throws IOException
    {
        BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.startsWith("holding ")) {
                return Path.of(line.substring("holding ".length()));
            }
            lines.add(line);
        }
        throw new IllegalStateException("the holder ended without holding a directory: " + lines);
    }

    private List<String> names()
            throws IOException
    {
        try (Stream<Path> files = Files.list(parent)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }
}
