package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tusk-java.sh} run for real, as a node manager runs it: containers of one node, each with
 * its own directory of links to the jars in the node's cache.
 */
class ClassDataLauncherIT
{
    private Path node;

    private Path script;
    private final List<Path> jars = new ArrayList<>();

    @BeforeEach
    void setUp()
            throws IOException
    {
        // not JUnit's temporary directory, which warns of every link it deletes
        node = Files.createTempDirectory(Files.createDirectories(Path.of("target", "class-data-it")), "node").toAbsolutePath();
        script = node.resolve("tusk-java.sh");
        try (InputStream in = ClassDataLauncherIT.class.getResourceAsStream("/io/tusk/yarn/" + YarnSettings.JAVA_LAUNCHER)) {
            Files.write(script, in.readAllBytes());
        }
        probeJar = probeJar();
        // the test's jars, as the node's cache holds them: Hadoop's common jar a file of its own, the others links
        Path common = Path.of(Configuration.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        jars.add(cache(common, true));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            // not the test runner's manifest-only jar, whose class path names directories
            if (entry.endsWith(".jar") && !jar.equals(common) && Files.isRegularFile(jar) && !jar.getFileName().toString().startsWith("surefire")) {
                jars.add(cache(jar, false));
            }
        }
    }

    private Path probeJar;

    /** The probe's class in a jar of the node's cache: classes loaded from a directory cannot be archived. */
    private Path probeJar()
            throws IOException
    {
        Path jar = node.resolve("filecache/probe/probe.jar");
        Files.createDirectories(jar.getParent());
        String name = ClassDataProbe.class.getName().replace('.', '/') + ".class";
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                InputStream in = ClassDataProbe.class.getClassLoader().getResourceAsStream(name)) {
            out.putNextEntry(new java.util.jar.JarEntry(name));
            in.transferTo(out);
        }
        return jar;
    }

    private Path cache(Path jar, boolean copy)
            throws IOException
    {
        Path cached = node.resolve("filecache").resolve(Integer.toString(jars.size())).resolve(jar.getFileName());
        Files.createDirectories(cached.getParent());
        if (copy) {
            Files.copy(jar, cached);
        }
        else {
            Files.createSymbolicLink(cached, jar.toAbsolutePath());
        }
        return cached;
    }

    @AfterEach
    void tearDown()
            throws IOException
    {
        try (Stream<Path> files = Files.walk(node)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private Path archives()
    {
        return node.resolve("local/usercache/alice/tusk-class-data");
    }

    private List<String> files(Path directory)
            throws IOException
    {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private record Run(int status, String output) {}

    /** Runs the probe in a new container of the node through the script, as {@code role}. */
    private Run container(String name, String role, int exitStatus, String... options)
            throws Exception
    {
        return containerWith(null, null, name, role, exitStatus, options);
    }

    /**
     * @param firstEntry a class path entry before the jars, or null
     * @param lastEntry a class path entry after all others that holds the probe's class, which then
     *         comes from there rather than from a jar; or null
     */
    private Run containerWith(String firstEntry, String lastEntry, String name, String role, int exitStatus, String... options)
            throws Exception
    {
        Path directory = Files.createDirectories(node.resolve("containers").resolve(name));
        Files.createDirectories(node.resolve("local/usercache/alice/appcache/application_1"));
        List<String> classpath = new ArrayList<>();
        if (firstEntry != null) {
            classpath.add(firstEntry);
        }
        for (Path jar : jars) {
            Path link = Files.createDirectories(directory.resolve("tusk-lib")).resolve(jar.getFileName());
            Files.createSymbolicLink(link, jar);
            classpath.add(link.toString());
        }
        if (lastEntry == null) {
            classpath.add(probeJar.toString());
        }
        // a directory last, as the container's own directory is in a container's class path
        classpath.add(directory.toString());
        if (lastEntry != null) {
            classpath.add(lastEntry);
        }
        List<String> command = new ArrayList<>(List.of("/bin/bash", script.toString(), role, System.getProperty("java.home") + "/bin/java", "-Xmx64m",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), ClassDataProbe.class.getName(), Integer.toString(exitStatus)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().put("LOCAL_DIRS", node.resolve("local/usercache/alice/appcache/application_1") + "," + node.resolve("other"));
        builder.environment().put("CONTAINER_ID", name);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Run run = new Run(process.waitFor(), output);
        if (run.status() != exitStatus) {
            System.err.println(output.lines().filter(line -> !line.contains("[class,load]")).limit(40).reduce("", (a, b) -> a + b + "\n"));
        }
        return run;
    }

    private static final String FROM_ARCHIVE = "org.apache.hadoop.conf.Configuration source: shared objects file (top)";

    @Test
    void theFirstContainerOfARoleWritesTheArchiveAndLaterContainersOfTheNodeStartFromIt()
            throws Exception
    {
        Run first = container("container_1", "executor", 0, "-Xlog:class+load");
        assertThat(first.status()).isZero();
        assertThat(first.output()).contains("org.apache.hadoop.conf.Configuration source: file:").doesNotContain(FROM_ARCHIVE);
        List<String> written = files(archives());
        assertThat(written).singleElement().asString().startsWith("executor-").endsWith(".jsa");

        // another container, its own links to the same files: the classes come from the archive
        Run second = container("container_2", "executor", 0, "-Xlog:class+load");
        assertThat(second.status()).isZero();
        assertThat(second.output()).contains(FROM_ARCHIVE);
        assertThat(files(archives())).isEqualTo(written);

        // another role keeps its own archive
        assertThat(container("container_3", "master", 0).status()).isZero();
        assertThat(files(archives())).hasSize(2).anyMatch(name -> name.startsWith("master-"));
    }

    @Test
    void aJvmThatFailsWritesNoArchiveAndItsStatusIsTheContainers()
            throws Exception
    {
        assertThat(container("container_1", "executor", 3).status()).isEqualTo(3);
        assertThat(files(archives())).isEmpty();
        assertThat(container("container_2", "executor", 0).status()).isZero();
        assertThat(files(archives())).hasSize(1);
    }

    @Test
    void jarsOfANewBuildGetTheirOwnArchive()
            throws Exception
    {
        assertThat(container("container_1", "executor", 0).status()).isZero();
        Path jar = jars.get(0);
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        Run again = container("container_2", "executor", 0, "-Xlog:class+load");
        assertThat(again.status()).isZero();
        // the old archive no longer matches the jar: the JVM loads it from the jar and writes a new archive
        assertThat(again.output()).doesNotContain(FROM_ARCHIVE);
        assertThat(files(archives())).hasSize(2);
    }

    @Test
    void jobOptionsThatSetClassDataSharingThemselvesWin()
            throws Exception
    {
        Run run = container("container_1", "executor", 0, "-Xshare:off", "-Xlog:class+load");
        assertThat(run.status()).isZero();
        assertThat(run.output()).contains("org.apache.hadoop.conf.Configuration source: file:");
        assertThat(files(archives())).isEmpty();
    }

    @Test
    void jarsLocalizedForOneApplicationOnlyGetNoArchive()
            throws Exception
    {
        Files.createDirectories(node.resolve("local/usercache/alice/appcache/application_1"));
        // jars localized for one application only serve no other: no archive
        Path appJar = node.resolve("local/usercache/alice/appcache/application_1/filecache/9/" + jars.get(0).getFileName());
        Files.createDirectories(appJar.getParent());
        Files.copy(jars.get(0), appJar);
        jars.set(0, appJar);
        assertThat(container("container_1", "executor", 0).status()).isZero();
        assertThat(files(archives())).isEmpty();
    }

    @Test
    void aDirectoryOfClassesBeforeTheJarsRunsTheJvmAsItIs()
            throws Exception
    {
        // the probe's class from a directory before the jars: the JVM could write no archive of it
        Path classes = Path.of(ClassDataProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (int exitStatus : new int[] {0, 3}) {
            assertThat(containerWith(classes.toString(), null, "container_" + exitStatus, "executor", exitStatus).status()).isEqualTo(exitStatus);
        }
        assertThat(files(archives())).isEmpty();
    }

    @Test
    void aClassPathThatNoArchiveCanBeWrittenOfRunsAsItIsFromThenOn()
            throws Exception
    {
        // the probe's class from a directory after the jars: only the JVM finds, at its end, that it cannot write an archive
        Path classes = Path.of(ClassDataProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Run first = containerWith(null, classes.toString(), "container_1", "executor", 0);
        assertThat(first.status()).as("the JVM's own status when it cannot write the archive").isEqualTo(1);
        assertThat(first.output()).contains("Cannot have non-empty directory in paths");
        assertThat(files(archives())).singleElement().asString().endsWith(".jsa.failed");
        Run second = containerWith(null, classes.toString(), "container_2", "executor", 0);
        assertThat(second.status()).isZero();
        assertThat(files(archives())).singleElement().asString().endsWith(".jsa.failed");
    }
}
