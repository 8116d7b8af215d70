package io.tusk.mr;

import org.apache.hadoop.mapreduce.Job;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full disk, for real: each case runs Tusk in a process of its own in a private mount namespace
 * ({@code unshare}) with a 4 MiB tmpfs mounted where its spills or its output go. The process
 * checks the small file system itself before it ends (the mount is visible to it only) and prints
 * what it found; the mount goes with the process.
 */
class FullDiskIT
{
    private static final String SMALL_FILE_SYSTEM_SIZE = "4m";

    @TempDir
    Path work;

    private Path input;
    private Path small;

    @BeforeEach
    void writeInput()
            throws IOException
    {
        // about 12 MiB of words from a large vocabulary: the map output and the job's output do not fit 4 MiB
        input = work.resolve("input");
        Files.createDirectories(input);
        Random random = new Random(11);
        try (BufferedWriter out = Files.newBufferedWriter(input.resolve("words.txt"), StandardCharsets.UTF_8)) {
            for (int line = 0; line < 500_000; line++) {
                out.write("w" + random.nextInt(1_000_000) + " w" + random.nextInt(1_000_000) + " w" + random.nextInt(1_000_000) + "\n");
            }
        }
        Files.createDirectories(work.resolve("next-input"));
        Files.writeString(work.resolve("next-input").resolve("words.txt"), "a b a\nc a\n");
        small = Files.createDirectories(work.resolve("small"));
    }

    @Test
    void spillsThatFillTheOnlyLocalDirectoryFailTheJobSayingSoAndLeaveNothing()
            throws Exception
    {
        String log = runWithSmallFileSystem("spill", work.resolve("out"), "-Dtusk.local.dir=" + small, "-Dtusk.memory.budget=8m");

        assertThat(log).contains("FAILED: ").contains("No space left on device").contains("No local directory can take spill files any more")
                .contains(small.toString());
        assertThat(log).as("no partial spill left behind").contains("LEFT: []");
        assertThat(log).as("the next job in the same process").contains("NEXT: SUCCEEDED");
        assertThat(work.resolve("out").resolve("_SUCCESS")).doesNotExist();
    }

    @Test
    void spillsGoToAnotherLocalDirectoryWhenOneIsFull()
            throws Exception
    {
        Path large = Files.createDirectories(work.resolve("large"));
        String log = runWithSmallFileSystem("spill", work.resolve("out"), "-Dtusk.local.dir=" + small + "," + large, "-Dtusk.memory.budget=8m");

        assertThat(log).contains("SUCCEEDED").contains("is taken out of use").contains("No space left on device");
        Job reference = TestJobs.wordCount(Differential.conf("local"), input, work.resolve("reference"));
        assertThat(reference.waitForCompletion(false)).isTrue();
        Differential.assertSameOutput(work.resolve("reference"), work.resolve("out"));
    }

    @Test
    void outputThatFillsItsFileSystemFailsTheJobSayingSoAndLeavesNoOutput()
            throws Exception
    {
        Path output = small.resolve("out");
        String log = runWithSmallFileSystem("output", output, "-Dtusk.local.dir=" + Files.createDirectories(work.resolve("local")));

        assertThat(log).contains("FAILED: ").contains("No space left on device");
        // what a failed job leaves, as on Hadoop: at most its empty output directory
        assertThat(log).contains("OUTPUT: []");
        assertThat(log).contains("NEXT: SUCCEEDED");
    }

    /**
     * Runs {@link #main} in a new process whose mount namespace has a small tmpfs at {@link #small};
     * returns its output once it ended with exit code 0.
     */
    private String runWithSmallFileSystem(String mode, Path output, String... properties)
            throws Exception
    {
        List<String> command = new ArrayList<>(List.of("unshare", "root".equals(System.getProperty("user.name")) ? "-m" : "-rm", "bash", "-c",
                "mount -t tmpfs -o size=" + SMALL_FILE_SYSTEM_SIZE + " tmpfs \"$0\" && exec \"$@\"", small.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FullDiskIT.class.getName(), mode, input.toString(), output.toString(),
                work.resolve("next-input").toString(), work.resolve("next-output").toString(), small.toString()));
        Path logFile = work.resolve(mode + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the process ends").isTrue();
        String log = Files.readString(logFile, StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as("the process (which needs unshare and mount: root, or user namespaces) ended with:\n%s", log)
                .isZero();
        assertThat(log).as("the small file system was mounted").contains("MOUNTED: " + small);
        return log;
    }

    /** {@code mode input output next-input next-output small}: runs the job on Tusk, reports on the small file system, runs a small job. */
    public static void main(String[] args)
            throws Exception
    {
        Path small = Path.of(args[5]);
        java.nio.file.FileStore store = Files.getFileStore(small);
        if (store.type().equals("tmpfs") && store.getTotalSpace() <= 8L << 20) {
            System.out.println("MOUNTED: " + small);
        }
        Path output = Path.of(args[2]);
        Job job = TestJobs.wordCount(Differential.conf("tusk"), Path.of(args[1]), output);
        job.getConfiguration().setInt("mapreduce.map.maxattempts", 2);
        job.getConfiguration().setInt("mapreduce.reduce.maxattempts", 2);
        if (job.waitForCompletion(false)) {
            System.out.println("SUCCEEDED");
        }
        else {
            System.out.println("FAILED: " + job.getStatus().getFailureInfo());
        }
        if (args[0].equals("spill")) {
            // spill files left on the small file system (its directory, lock and the native libraries unpacked
            // there by Snappy for the job history stay while this process runs)
            try (Stream<Path> files = Files.walk(small)) {
                System.out.println("LEFT: " + files.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().endsWith(".lock"))
                        .filter(file -> !file.getParent().getFileName().toString().equals("native"))
                        .map(file -> file + " " + file.toFile().length()).toList());
            }
        }
        else if (Files.isDirectory(output)) {
            try (Stream<Path> files = Files.walk(output)) {
                System.out.println("OUTPUT: " + files.filter(file -> !file.equals(output)).map(Path::toString).toList());
            }
        }
        else {
            System.out.println("OUTPUT: []");
        }
        Job next = TestJobs.wordCount(Differential.conf("tusk"), Path.of(args[3]), Path.of(args[4]));
        System.out.println("NEXT: " + (next.waitForCompletion(false) ? "SUCCEEDED" : "FAILED: " + next.getStatus().getFailureInfo()));
        System.exit(0);
    }
}
