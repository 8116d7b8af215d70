package io.tusk.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/tusk} writes a class-data archive of the build once and its JVMs map Hadoop's and
 * Tusk's classes from it; {@code TUSK_CDS=0} runs without.
 */
class LauncherClassDataIT
{
    @TempDir
    Path work;

    @Test
    void jobsLoadTheirClassesFromTheArchiveOfTheBuild()
            throws Exception
    {
        // the first run of this build writes the archive (unless an earlier test's run did)
        TestProcesses.Result first = TestProcesses.run(command(List.of(), "io.tusk.mr.StartupTraining"), work, work.resolve("first.log"));
        assertThat(first.exitCode()).as(first.log()).isZero();
        List<Path> archives;
        try (Stream<Path> files = Files.list(TestProcesses.HOME.resolve("samples/target"))) {
            archives = files.filter(file -> file.getFileName().toString().matches("tusk-classes-\\d+\\.jsa")).toList();
        }
        assertThat(archives).as("one archive, of this build's class path").hasSize(1);
        assertThat(Files.getLastModifiedTime(archives.get(0)))
                .isGreaterThan(Files.getLastModifiedTime(TestProcesses.HOME.resolve("samples/target/tusk-samples-0.1.0-SNAPSHOT.jar")));

        Path classes = work.resolve("shared.log");
        TestProcesses.Result shared = TestProcesses.run(command(List.of("TUSK_OPTS=-Xlog:class+load=info:file=" + classes), "io.tusk.mr.StartupTraining"),
                work, work.resolve("shared-run.log"));
        assertThat(shared.exitCode()).as(shared.log()).isZero();
        assertThat(shared.log()).doesNotContain("class-data archive");
        assertThat(Files.readString(classes)).contains("org.apache.hadoop.conf.Configuration source: shared objects file (top)")
                .contains("io.tusk.mr.job.MrJob source: shared objects file (top)");

        Path unshared = work.resolve("unshared.log");
        TestProcesses.Result off = TestProcesses.run(command(List.of("TUSK_CDS=0", "TUSK_OPTS=-Xlog:class+load=info:file=" + unshared), "io.tusk.mr.StartupTraining"),
                work, work.resolve("unshared-run.log"));
        assertThat(off.exitCode()).as(off.log()).isZero();
        assertThat(Files.readString(unshared)).doesNotContain("shared objects file (top)").contains("io.tusk.mr.job.MrJob source: file:");
    }

    private static List<String> command(List<String> environment, String mainClass)
    {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(environment);
        command.addAll(TestProcesses.tusk("run"));
        command.add(mainClass);
        return command;
    }
}
