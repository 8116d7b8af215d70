package io.tusk.samples;

import io.tusk.samples.isolation.ChainedJobsDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each job a driver submits through {@code bin/tusk jar} gets its classes, and their static state,
 * afresh; classes that cannot hold static state serve the next job too.
 */
class JobIsolationIT
{
    @TempDir
    Path work;

    @Test
    void staticStateDoesNotCarryOverFromOneJobToTheNextButStatelessClassesDo()
            throws Exception
    {
        Path jar = TestProcesses.jar("io/tusk/samples/isolation", work.resolve("isolation.jar"), ChainedJobsDriver.class.getName());
        Path input = work.resolve("in");
        Files.createDirectories(input);
        Files.write(input.resolve("one.txt"), List.of("line"));

        List<String> command = new java.util.ArrayList<>(TestProcesses.tusk("jar"));
        command.addAll(List.of(jar.toString(), input.toString(), work.resolve("out").toString()));
        TestProcesses.Result result = TestProcesses.run(command, work, work.resolve("log.txt"));

        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(Files.readAllLines(work.resolve("out-0/part-m-00000"))).contains("setups\t1");
        assertThat(Files.readAllLines(work.resolve("out-1/part-m-00000"))).as("second job's static count starts afresh").contains("setups\t1");
        List<String> third = Files.readAllLines(work.resolve("out-2/part-m-00000"));
        // the identity map's line, then the loader's
        assertThat(third).hasSize(2).last().asString().startsWith("loader\t" + "io.tusk.mr.TuskJar$JobJarClassLoader@");
        assertThat(Files.readAllLines(work.resolve("out-3/part-m-00000"))).as("the stateless mapper's classes, loaded once").isEqualTo(third);
    }
}
