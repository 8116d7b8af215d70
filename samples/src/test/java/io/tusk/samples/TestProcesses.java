package io.tusk.samples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Runs {@code bin/tusk} and Hadoop's own {@code RunJar} as separate processes for the samples' integration tests. */
final class TestProcesses
{
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    private TestProcesses() {}

    /** How a process ended, with everything it printed. */
    record Result(int exitCode, String log) {}

    /**
     * JIT settings for the processes of these tests, whose jobs take a second or two: compiled by
     * the quick compiler only, they spend less CPU compiling than their jobs would gain from it.
     */
    static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

    /** The command that runs {@code jar} with Hadoop's RunJar on the LocalJobRunner, with this test's classpath. */
    static List<String> hadoopRunJar(Path jar)
    {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", QUICK_JIT, "-cp", System.getProperty("java.class.path"),
                "-Dlog4j2.configurationFile=" + HOME.resolve("conf/log4j2.xml"), "org.apache.hadoop.util.RunJar", jar.toString());
    }

    /** The {@code bin/tusk} command with its first argument ({@code jar}, {@code streaming}, …). */
    static List<String> tusk(String command)
    {
        return List.of(HOME.resolve("bin/tusk").toString(), command);
    }

    /** Runs {@code command} in {@code directory}, its output going to {@code log}; fails after five minutes. */
    static Result run(List<String> command, Path directory, Path log)
            throws IOException, InterruptedException
    {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TUSK_HEAP", "512m");
        builder.environment().put("TUSK_OPTS", QUICK_JIT);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Packs the compiled test classes of one package into a jar, with a main class if given. */
    static Path jar(String packageDirectory, Path jar, String mainClass)
            throws IOException
    {
        Path classes = Path.of("target/test-classes");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> paths = Files.walk(classes.resolve(packageDirectory))) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString()));
                out.write(Files.readAllBytes(path));
                out.closeEntry();
            }
        }
        return jar;
    }
}
