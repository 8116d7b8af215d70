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
 * jar, its spill directory, its job's working directory and its tasks' directories under {@code
 * mapreduce.cluster.local.dir} behind; the next Tusk process that uses
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

        // task-private directories where the job says, as a site file or a job may
        Path clusterLocal = work.resolve("cluster-local");
        String localDirSetting = "mapreduce.cluster.local.dir=" + clusterLocal;

        // a streaming job whose mapper sleeps, with a file in its working directory
        List<String> command = tuskJar(temporary, TestProcesses.HOME.resolve("samples/target/lib/hadoop-streaming-3.4.2.jar").toString(), "-D", localDirSetting,
                "-files", ship.toString(), "-input", input.toString(), "-output", work.resolve("killed-output").toString(), "-mapper", "sleep 120", "-reducer", "cat");
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
            assertThat(killed.descendants()).as("the mapper's script runs").anyMatch(child -> child.info().command().orElse("").endsWith("sleep"));
        }
        finally {
            List<ProcessHandle> children = killed.descendants().toList();
            killed.destroyForcibly();
            killed.waitFor(1, TimeUnit.MINUTES);
            // the killed process's script would sleep on; Hadoop's would too
            children.forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(files(temporary)).as("what the killed process left in its temporary directory").anyMatch(file -> file.endsWith(".lock"))
                .anyMatch(file -> file.contains("org/apache/hadoop/streaming"));
        // the local directory (mapreduce.cluster.local.dir is one when tusk.local.dir is not set)
        assertThat(files(clusterLocal)).as("what the killed process left in its local directory").anyMatch(file -> file.endsWith("shipped.txt"));
        Path jobcache = clusterLocal.resolve("taskTracker").resolve(System.getProperty("user.name")).resolve("jobcache");
        assertThat(files(jobcache)).as("the killed job's task directories").anyMatch(file -> file.matches(".*/job_[0-9]+_0001-[0-9]+\\.lock"))
                .anyMatch(file -> file.matches(".*/job_[0-9]+_0001-[0-9]+"));

        TestProcesses.Result result = TestProcesses.run(tuskJar(temporary, TestProcesses.HOME.resolve("samples/target/lib/hadoop-mapreduce-examples-3.4.2.jar").toString(),
                "wordcount", "-D", localDirSetting, input.toString(), work.resolve("next-output").toString()), work, work.resolve("next.log"));
        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(Files.readString(work.resolve("next-output").resolve("part-r-00000"))).isEqualTo("a\t1\nb\t2\nc\t3\n");

        // but Hadoop's StreamJob's own jar of the job (deleted on exit, as on Hadoop; not Tusk's to remove)
        assertThat(files(temporary)).as("left in the temporary directory")
                .allMatch(file -> Path.of(file).getFileName().toString().matches("streamjob\\d+\\.jar"));
        assertThat(work.resolve("killed-output").resolve("_SUCCESS")).doesNotExist();
        assertThat(files(clusterLocal)).as("left in the local directory")
                .containsExactlyInAnyOrder(jobcache.getParent().getParent().toString(), jobcache.getParent().toString(), jobcache.toString());
    }

    @Test
    void aJobKilledAtAnyMomentHasSuccessOnlyWithItsWholeOutput()
            throws Exception
    {
        Path temporary = Files.createDirectories(work.resolve("tmp"));
        Path input = Files.createDirectories(work.resolve("input"));
        java.util.Random random = new java.util.Random(5);
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 200_000; line++) {
            text.append("w").append(random.nextInt(50_000)).append(" w").append(random.nextInt(50_000)).append('\n');
        }
        Files.writeString(input.resolve("words.txt"), text);

        // the whole run first: its output, and how long a run takes; many reduces make the job's commit long
        long started = System.nanoTime();
        TestProcesses.Result whole = TestProcesses.run(wordCount(temporary, input, work.resolve("whole")), work, work.resolve("whole.log"));
        long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(whole.exitCode()).as(whole.log()).isZero();
        java.util.Map<String, String> expected = outputs(work.resolve("whole"));
        assertThat(expected).hasSize(REDUCES);

        int succeeded = 0;
        for (int run = 0; run < 8; run++) {
            // killed from a third of a run's time to its end; the last one while the job commits
            long killAfter = runMillis / 3 + run * (runMillis * 2 / 3) / 7;
            Path output = work.resolve("killed-" + run);
            Process process = new ProcessBuilder(wordCount(temporary, input, output)).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("killed-" + run + ".log").toFile()).start();
            if (run == 7) {
                // during the job's commit: as soon as its first part file is in the output directory
                killAfter = waitForAPartFile(process, output);
            }
            else if (process.waitFor(killAfter, TimeUnit.MILLISECONDS)) {
                succeeded++;
            }
            process.destroyForcibly();
            process.waitFor(1, TimeUnit.MINUTES);
            System.out.printf("run %d killed after %d ms (a whole run: %d ms): %s%n", run, killAfter, runMillis,
                    Files.exists(output.resolve("_SUCCESS")) ? "_SUCCESS" : Files.isDirectory(output) ? outputs(output).size() + " part files" : "no output directory");
            if (Files.exists(output.resolve("_SUCCESS"))) {
                assertThat(outputs(output)).as("the output of run %s, killed after %s ms, with _SUCCESS", run, killAfter).isEqualTo(expected);
            }
            else if (Files.isDirectory(output)) {
                // without _SUCCESS: the temporary directory, and (killed while the job commits) whole part files moved out of it
                try (Stream<Path> files = Files.list(output)) {
                    List<String> names = files.map(file -> file.getFileName().toString()).toList();
                    assertThat(names).as("run %s, killed after %s ms", run, killAfter).allMatch(name -> name.equals("_temporary")
                            || expected.containsKey(name) || name.startsWith(".") && name.endsWith(".crc") && expected.containsKey(name.substring(1, name.length() - 4)));
                }
                for (java.util.Map.Entry<String, String> part : outputs(output).entrySet()) {
                    assertThat(part.getValue()).as("%s of run %s", part.getKey(), run).isEqualTo(expected.get(part.getKey()));
                }
            }
        }
        assertThat(succeeded).as("runs that ended before they were killed").isLessThan(8);

        // the next process removes what the killed ones left
        TestProcesses.Result next = TestProcesses.run(wordCount(temporary, input, work.resolve("next")), work, work.resolve("next.log"));
        assertThat(next.exitCode()).as(next.log()).isZero();
        assertThat(outputs(work.resolve("next"))).isEqualTo(expected);
        assertThat(files(temporary)).as("left in the temporary directory").isEmpty();
    }

    private static final int REDUCES = 100;

    /** Waits until a part file is in {@code output} or the process ended; returns the milliseconds waited. */
    private static long waitForAPartFile(Process process, Path output)
            throws InterruptedException
    {
        long started = System.nanoTime();
        while (process.isAlive()) {
            String[] names = output.toFile().list();
            if (names != null && java.util.Arrays.stream(names).anyMatch(name -> name.startsWith("part-"))) {
                break;
            }
            Thread.sleep(0, 200_000);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static List<String> wordCount(Path temporary, Path input, Path output)
    {
        return tuskJar(temporary, TestProcesses.HOME.resolve("samples/target/lib/hadoop-mapreduce-examples-3.4.2.jar").toString(), "wordcount",
                "-D", "mapreduce.job.reduces=" + REDUCES, input.toString(), output.toString());
    }

    /** {@code bin/tusk jar} with {@code arguments}, its temporary directory {@code temporary}. */
    private static List<String> tuskJar(Path temporary, String... arguments)
    {
        List<String> command = new ArrayList<>(List.of("env", "TUSK_HEAP=512m", "TUSK_OPTS=-Djava.io.tmpdir=" + temporary));
        command.addAll(TestProcesses.tusk("jar"));
        command.addAll(List.of(arguments));
        return command;
    }

    /** The part files of a job's output by name, with their contents. */
    private static java.util.Map<String, String> outputs(Path output)
            throws java.io.IOException
    {
        java.util.Map<String, String> parts = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith("part-")).toList()) {
                parts.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return parts;
    }

    private static List<String> files(Path directory)
            throws java.io.IOException
    {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> !file.equals(directory)).map(Path::toString).toList();
        }
    }
}
