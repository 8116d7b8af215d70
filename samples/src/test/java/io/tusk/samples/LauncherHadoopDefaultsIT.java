package io.tusk.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/tusk} puts the build's copies of Hadoop's default configuration files, without their
 * descriptions, before Hadoop's jars, and a job's configuration read through them is the one
 * Hadoop's own files give; its JVMs log through one log4j context.
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
        try (JarFile jar = new JarFile(first)) {
            for (String name : List.of("core-default.xml", "mapred-default.xml", "yarn-default.xml")) {
                assertThat(jar.getEntry(name)).as(name).isNotNull();
            }
        }

        // core, MapReduce and YARN defaults and Tusk's site files, each property with its sources
        String tests = Path.of("target/test-classes").toAbsolutePath().toString();
        String throughTrimmed = output(java(classpath + File.pathSeparator + tests), "trimmed");
        String throughHadoops = output(java(classpath.substring(first.length() + 1) + File.pathSeparator + tests), "original");
        assertThat(throughTrimmed).contains("<name>fs.defaultFS</name>").contains("<source>mapred-default.xml</source>")
                .contains("<source>yarn-default.xml</source>").isEqualTo(throughHadoops);

        // one logging context for the process: log4j's BasicContextSelector names it Default
        Path err = work.resolve("logging.err");
        ProcessBuilder builder = new ProcessBuilder(TestProcesses.HOME.resolve("bin/tusk").toString(), "run", "org.apache.hadoop.conf.Configuration")
                .directory(work.toFile()).redirectOutput(work.resolve("logging.out").toFile()).redirectError(err.toFile());
        builder.environment().put("TUSK_HEAP", "256m");
        builder.environment().put("TUSK_OPTS", TestProcesses.QUICK_JIT + " -Dlog4j2.debug=true");
        assertThat(builder.start().waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(Files.readString(err, StandardCharsets.UTF_8)).contains("LoggerContext[name=Default,");
    }

    private static List<String> java(String classpath)
    {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", TestProcesses.QUICK_JIT,
                "-Dlog4j2.configurationFile=" + TestProcesses.HOME.resolve("conf/log4j2.xml"), "-cp", classpath, PrintJobDefaults.class.getName());
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
