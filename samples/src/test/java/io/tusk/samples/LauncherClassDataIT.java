package io.tusk.samples;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/tusk} writes a class-data archive of the build once and its JVMs map Hadoop's and
 * Tusk's classes from it; {@code TUSK_CDS=0} runs without. Each test runs a launcher of its own
 * (a copy of {@code bin/tusk} and {@code conf/} beside links to the build's jars and class path),
 * whose archive no other test's launches read or write.
 */
class LauncherClassDataIT
{
    @TempDir
    Path work;

    private Path home;

    @BeforeEach
    void setUpHome()
            throws IOException
    {
        home = work.resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Files.copy(TestProcesses.HOME.resolve("bin/tusk"), home.resolve("bin/tusk"));
        Files.createDirectories(home.resolve("conf"));
        try (Stream<Path> files = Files.list(TestProcesses.HOME.resolve("conf"))) {
            for (Path file : files.toList()) {
                Files.copy(file, home.resolve("conf").resolve(file.getFileName()));
            }
        }
        Path target = home.resolve("samples/target");
        Files.createDirectories(target);
        for (String name : List.of("tusk-samples-0.1.0-SNAPSHOT.jar", "classpath.txt", "tusk-hadoop-defaults.jar")) {
            Files.createSymbolicLink(target.resolve(name), TestProcesses.HOME.resolve("samples/target").resolve(name));
        }
    }

    @Test
    void jobsLoadTheirClassesFromTheArchiveOfTheBuild()
            throws Exception
    {
        TestProcesses.Result first = TestProcesses.run(command(List.of(), "io.tusk.mr.StartupTraining"), work, work.resolve("first.log"));
        assertThat(first.exitCode()).as(first.log()).isZero();
        assertThat(first.log()).contains("writing the class-data archive");
        List<Path> archives = archives();
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

    @Test
    void anArchiveWrittenForAnotherClassPathIsWrittenAgain()
            throws Exception
    {
        TestProcesses.Result first = TestProcesses.run(command(List.of(), "io.tusk.mr.StartupTraining"), work, work.resolve("first.log"));
        assertThat(first.exitCode()).as(first.log()).isZero();
        Path archive = archives().get(0);
        Path classpath = archive.resolveSibling(archive.getFileName() + ".classpath");
        TestProcesses.Result printed = TestProcesses.run(List.of(home.resolve("bin/tusk").toString(), "classpath"), work, work.resolve("classpath.log"));
        assertThat(printed.exitCode()).as(printed.log()).isZero();
        String expected = printed.log().trim();
        assertThat(Files.readString(classpath).trim()).isEqualTo(expected);
        // as if the build's dependencies had changed (new jars, older than the archive): the archive
        // and the last attempt's log were for another class path
        String another = expected.replace("hadoop-common", "hadoop-uncommon") + "\n";
        Files.writeString(classpath, another);
        Files.writeString(archive.resolveSibling(archive.getFileName() + ".log.classpath"), another);

        TestProcesses.Result again = TestProcesses.run(command(List.of(), "io.tusk.mr.StartupTraining"), work, work.resolve("again.log"));
        assertThat(again.exitCode()).as(again.log()).isZero();
        assertThat(again.log()).contains("writing the class-data archive");
        assertThat(Files.readString(classpath).trim()).isEqualTo(expected);

        TestProcesses.Result next = TestProcesses.run(command(List.of(), "io.tusk.mr.StartupTraining"), work, work.resolve("next.log"));
        assertThat(next.exitCode()).as(next.log()).isZero();
        assertThat(next.log()).doesNotContain("class-data archive");
    }

    private List<Path> archives()
            throws IOException
    {
        try (Stream<Path> files = Files.list(home.resolve("samples/target"))) {
            return files.filter(file -> file.getFileName().toString().matches("tusk-classes-\\d+\\.jsa")).toList();
        }
    }

    private List<String> command(List<String> environment, String mainClass)
    {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(environment);
        command.add(home.resolve("bin/tusk").toString());
        command.add("run");
        command.add(mainClass);
        return command;
    }
}
