package io.tusk.samples;

import io.tusk.samples.isolation.TwoJobsDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each job a driver submits through {@code bin/tusk jar} gets its classes, and their static state, afresh. */
class JobIsolationIT
{
    @TempDir
    Path work;

    @Test
    void staticStateDoesNotCarryOverFromOneJobToTheNext()
            throws Exception
    {
        Path jar = work.resolve("isolation.jar");
        Path classes = Path.of("target/test-classes");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, TwoJobsDriver.class.getName());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> paths = Files.walk(classes.resolve("io/tusk/samples/isolation"))) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString()));
                out.write(Files.readAllBytes(path));
                out.closeEntry();
            }
        }
        Path input = work.resolve("in");
        Files.createDirectories(input);
        Files.write(input.resolve("one.txt"), List.of("line"));

        Process process = new ProcessBuilder(Path.of("../bin/tusk").toAbsolutePath().toString(), "jar", jar.toString(), input.toString(), work.resolve("out").toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).as(Files.readString(work.resolve("log.txt"))).isZero();
        assertThat(Files.readAllLines(work.resolve("out-0/part-m-00000"))).contains("setups\t1");
        assertThat(Files.readAllLines(work.resolve("out-1/part-m-00000"))).as("second job's static count starts afresh").contains("setups\t1");
    }
}
