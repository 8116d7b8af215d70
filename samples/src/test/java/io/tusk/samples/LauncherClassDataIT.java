package io.tusk.samples;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
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

    /**
     * An archive rests on the base archive of the JVM that wrote it, which ignores it once that JVM
     * is updated or another runs: the launcher writes it again then. The JVM here is a JDK home whose
     * {@code bin/java} runs this one; the test changes its release file, its own class-data archive,
     * and then the JDK a linked JAVA_HOME leads to (each JAVA_HOME keeps an archive of its own).
     */
    @Test
    void anArchiveWrittenByAnotherJvmIsWrittenAgain()
            throws Exception
    {
        Path jdk = fakeJdk("jdk");
        // a main class of the launcher's class path that only prints Hadoop's version
        String quick = "org.apache.hadoop.util.VersionInfo";
        assertThat(launch(jdk, quick, "first")).contains("writing the class-data archive");
        assertThat(launch(jdk, quick, "same")).doesNotContain("class-data archive");
        Path archive = archives().get(0);
        assertThat(Files.readString(archive.resolveSibling(archive.getFileName() + ".jvm")))
                .startsWith(jdk.resolve("bin/java").toRealPath() + "\n").contains("JAVA_RUNTIME_VERSION=\"17.0.99+1\"");

        // an update in place: another release
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.99\"\nJAVA_RUNTIME_VERSION=\"17.0.99+2\"\n");
        assertThat(launch(jdk, quick, "updated")).contains("writing the class-data archive");
        assertThat(launch(jdk, quick, "updated-again")).doesNotContain("class-data archive");

        // its base archive written again (as -Xshare:dump or a package's installation does)
        Path base = jdk.resolve("lib/server/classes.jsa");
        Files.setLastModifiedTime(base, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 10_000));
        assertThat(launch(jdk, quick, "dumped")).contains("writing the class-data archive");
        Files.setLastModifiedTime(base, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() - 10_000));
        assertThat(launch(jdk, quick, "dumped-again")).doesNotContain("class-data archive");

        // JAVA_HOME a link that is turned from one JDK to another with the same release
        Path link = Files.createSymbolicLink(work.resolve("current"), jdk);
        assertThat(launch(link, quick, "linked")).as("another JAVA_HOME, another archive").contains("writing the class-data archive");
        assertThat(launch(link, quick, "linked-again")).doesNotContain("class-data archive");
        Path other = fakeJdk("other");
        Files.writeString(other.resolve("release"), Files.readString(jdk.resolve("release")));
        Files.delete(link);
        Files.createSymbolicLink(link, other);
        assertThat(launch(link, quick, "other")).contains("writing the class-data archive");
        assertThat(launch(link, quick, "other-again")).doesNotContain("class-data archive");
        // the first JAVA_HOME kept its own archive
        assertThat(launch(jdk, quick, "first-again")).doesNotContain("class-data archive");
    }

    /** A JDK home named {@code name} whose {@code bin/java} runs this JVM, with a release file and a base archive of its own. */
    private Path fakeJdk(String name)
            throws IOException
    {
        Path jdk = work.resolve(name);
        Files.createDirectories(jdk.resolve("bin"));
        Files.createDirectories(jdk.resolve("lib/server"));
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.99\"\nJAVA_RUNTIME_VERSION=\"17.0.99+1\"\n");
        Files.writeString(jdk.resolve("lib/server/classes.jsa"), "");
        Files.setLastModifiedTime(jdk.resolve("lib/server/classes.jsa"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return jdk;
    }

    /** The log of {@code bin/tusk run mainClass} with JAVA_HOME {@code jdk}; fails unless it exits 0. */
    private String launch(Path jdk, String mainClass, String name)
            throws Exception
    {
        List<String> command = List.of("env", "JAVA_HOME=" + jdk, home.resolve("bin/tusk").toString(), "run", mainClass);
        TestProcesses.Result result = TestProcesses.run(command, work, work.resolve(name + ".log"));
        assertThat(result.exitCode()).as(result.log()).isZero();
        return result.log();
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
