package io.tusk.samples;

import io.tusk.samples.libjars.CacheDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code -files}, {@code -archives} and {@code -libjars} on the command line of a ToolRunner driver,
 * through {@code bin/tusk jar} and through Hadoop's RunJar on the LocalJobRunner: the same output.
 * On Tusk the helper class is only in the {@code -libjars} jar.
 */
class GenericOptionsIT
{
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void filesArchivesAndLibjarsReachTheTasks()
            throws Exception
    {
        Path classes = Path.of("target/test-classes");
        Path jobJar = jar(classes, "io/tusk/samples/libjars", work.resolve("job.jar"), CacheDriver.class.getName());
        Path libJar = jar(classes, "io/tusk/samples/libhelper", work.resolve("helper.jar"), null);
        Files.write(work.resolve("dict.txt"), List.of("tusk", "herd"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(work.resolve("data.zip")))) {
            zip.putNextEntry(new ZipEntry("inner.txt"));
            zip.write("from the archive\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path input = work.resolve("in");
        Files.createDirectories(input);
        Files.write(input.resolve("words.txt"), List.of("tusk ivory", "herd river tusk"));

        List<String> options = List.of("-files", work.resolve("dict.txt").toString(), "-archives", work.resolve("data.zip").toString(),
                "-libjars", libJar.toString());
        int hadoop = run(jobJar, options, "hadoop", true);
        int tusk = run(jobJar, options, "tusk", false);

        assertThat(hadoop).as(Files.readString(work.resolve("hadoop.log"))).isZero();
        assertThat(tusk).as(Files.readString(work.resolve("tusk.log"))).isZero();
        String expected = Files.readString(work.resolve("out-hadoop/part-r-00000"));
        assertThat(expected).contains("lib:tusk\ttrue from the archive");
        assertThat(Files.readString(work.resolve("out-tusk/part-r-00000"))).isEqualTo(expected);
    }

    private int run(Path jobJar, List<String> options, String name, boolean hadoop)
            throws Exception
    {
        List<String> command = new ArrayList<>();
        if (hadoop) {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    "-Dlog4j2.configurationFile=" + HOME.resolve("conf/log4j2.xml"), "org.apache.hadoop.util.RunJar", jobJar.toString(),
                    "-D", "mapreduce.framework.name=local"));
        }
        else {
            command.addAll(List.of(HOME.resolve("bin/tusk").toString(), "jar", jobJar.toString()));
        }
        command.addAll(options);
        command.add(work.resolve("in").toString());
        command.add(work.resolve("out-" + name).toString());
        Path directory = work.resolve("cwd-" + name);
        Files.createDirectories(directory);
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return process.exitValue();
    }

    private static Path jar(Path classes, String packageDirectory, Path jar, String mainClass)
            throws IOException
    {
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
