package io.tusk.samples;

import io.tusk.samples.libjars.CacheDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @TempDir
    Path work;

    @Test
    void filesArchivesAndLibjarsReachTheTasks()
            throws Exception
    {
        Path jobJar = TestProcesses.jar("io/tusk/samples/libjars", work.resolve("job.jar"), CacheDriver.class.getName());
        Path libJar = TestProcesses.jar("io/tusk/samples/libhelper", work.resolve("helper.jar"), null);
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
        List<String> command = new ArrayList<>(hadoop ? TestProcesses.hadoopRunJar(jobJar) : TestProcesses.tusk("jar"));
        if (hadoop) {
            command.addAll(List.of("-D", "mapreduce.framework.name=local"));
        }
        else {
            command.add(jobJar.toString());
        }
        command.addAll(options);
        command.add(work.resolve("in").toString());
        command.add(work.resolve("out-" + name).toString());
        Path directory = work.resolve("cwd-" + name);
        Files.createDirectories(directory);
        return TestProcesses.run(command, directory, work.resolve(name + ".log")).exitCode();
    }
}
