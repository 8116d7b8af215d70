package io.tusk.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code tusk jar} process killed with {@code kill -9} while its job runs leaves its unpacked job
 * jar, its spill directory and its job's working directory behind; the next Tusk process that uses
 * the same directories removes them, and its own when it ends: nothing is left but the jar that
 * Hadoop's {@code StreamJob} writes to the temporary directory (deleted on exit, left by kill -9 on
 * Hadoop too).
 */
class KilledProcessIT
{
    @TempDir
    Path work;

    @Test
    void whatAKilledProcessLeftIsRemovedByTheNext()
            throws Exception
    {
        Path temporary = Files.createDirectories(work.resolve("tmp"));
        Path input = Files.createDirectories(work.resolve("input"));
        Files.writeString(input.resolve("words.txt"), "a b c\nb c\nc\n");
        Path ship = Files.writeString(work.resolve("shipped.txt"), "shipped with -files\n");

        // a streaming job whose mapper sleeps, with a file in its working directory
        List<String> command = new ArrayList<>(List.of("env", "TUSK_HEAP=512m", "TUSK_OPTS=-Djava.io.tmpdir=" + temporary));
        command.addAll(TestProcesses.tusk("jar"));
        command.addAll(List.of(TestProcesses.HOME.resolve("samples/target/lib/hadoop-streaming-3.4.2.jar").toString(), "-files", ship.toString(),
                "-input", input.toString(), "-output", work.resolve("killed-output").toString(), "-mapper", "sleep 120", "-reducer", "cat"));
        Path killedLog = work.resolve("killed.log");
        Process killed = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(killedLog.toFile()).start();
        try {
            long until = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(2);
            while (!Files.readString(killedLog, StandardCharsets.UTF_8).contains("map 0%") && System.currentTimeMillis() < until && killed.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(killedLog, StandardCharsets.UTF_8)).as("the job runs").contains("map 0%");
            // the mapper's script runs: the job has its working directory and spill directory
            until = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(1);
            while (killed.descendants().noneMatch(child -> child.info().command().orElse("").endsWith("sleep")) && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
        }
        finally {
            List<ProcessHandle> children = killed.descendants().toList();
            killed.destroyForcibly();
            killed.waitFor(1, TimeUnit.MINUTES);
            // the killed process's script would sleep on; Hadoop's would too
            children.forEach(ProcessHandle::destroyForcibly);
        }
        List<String> left = files(temporary);
        assertThat(left).as("what the killed process left").anyMatch(file -> file.endsWith(".lock"))
                .anyMatch(file -> file.contains("org/apache/hadoop/streaming"))
                .anyMatch(file -> file.endsWith("shipped.txt"));

        List<String> next = new ArrayList<>(List.of("env", "TUSK_OPTS=-Djava.io.tmpdir=" + temporary));
        next.addAll(TestProcesses.tusk("jar"));
        next.addAll(List.of(TestProcesses.HOME.resolve("samples/target/lib/hadoop-mapreduce-examples-3.4.2.jar").toString(), "wordcount",
                input.toString(), work.resolve("next-output").toString()));
        TestProcesses.Result result = TestProcesses.run(next, work, work.resolve("next.log"));
        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(Files.readString(work.resolve("next-output").resolve("part-r-00000"))).isEqualTo("a\t1\nb\t2\nc\t3\n");

        // but Hadoop's StreamJob's own jar of the job (deleted on exit, as on Hadoop; not Tusk's to remove)
        assertThat(files(temporary)).as("left in the temporary directory")
                .allMatch(file -> Path.of(file).getFileName().toString().matches("streamjob\\d+\\.jar"));
        assertThat(work.resolve("killed-output").resolve("_SUCCESS")).doesNotExist();
    }

    private static List<String> files(Path directory)
            throws java.io.IOException
    {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> !file.equals(directory)).map(Path::toString).toList();
        }
    }
}
