package io.tusk.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/tusk} puts the build's copies of Hadoop's default configuration files, without their
 * descriptions, before Hadoop's jars, and a configuration read through them is the one Hadoop's own
 * files give.
 */
class LauncherHadoopDefaultsIT
{
    @TempDir
    Path work;

    @Test
    void theLaunchersConfigurationIsTheOneHadoopsOwnDefaultFilesGive()
            throws Exception
    {
        String classpath = output(List.of(TestProcesses.HOME.resolve("bin/tusk").toString(), "classpath"), "classpath").trim();
        String first = classpath.substring(0, classpath.indexOf(File.pathSeparatorChar));
        assertThat(first).isEqualTo(TestProcesses.HOME.resolve("samples/target/tusk-hadoop-defaults.jar").toString());
        assertThat(Path.of(first)).isRegularFile();

        // Hadoop's Configuration.main writes the whole core configuration, with each property's source
        String throughTrimmed = output(List.of(TestProcesses.HOME.resolve("bin/tusk").toString(), "run", "org.apache.hadoop.conf.Configuration"), "trimmed");
        String throughHadoops = output(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", TestProcesses.QUICK_JIT,
                "-Dlog4j2.configurationFile=" + TestProcesses.HOME.resolve("conf/log4j2.xml"),
                "-cp", classpath.substring(first.length() + 1), "org.apache.hadoop.conf.Configuration"), "original");
        assertThat(throughTrimmed).contains("<name>fs.defaultFS</name>").contains("<source>core-default.xml</source>").isEqualTo(throughHadoops);
    }

    private String output(List<String> command, String name)
            throws Exception
    {
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("TUSK_HEAP", "256m");
        builder.environment().put("TUSK_OPTS", TestProcesses.QUICK_JIT);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        assertThat(process.exitValue()).as(Files.readString(err, StandardCharsets.UTF_8)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
