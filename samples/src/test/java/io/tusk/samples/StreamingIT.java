package io.tusk.samples;

import io.tusk.samples.existing.StrictOutputFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.streaming.StreamJob;
import org.apache.hadoop.util.ToolRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Python streaming jobs run by {@code bin/tusk streaming} and by Hadoop's own hadoop-streaming
 * 3.4.2 jar on the LocalJobRunner, each in its own process: the same exit code and byte-identical
 * output files. Exit codes 1 to 6 of hadoop-streaming, each for the situation that gives it.
 */
class StreamingIT
{
    private static final Path STREAMING = Path.of("target/lib/hadoop-streaming-3.4.2.jar").toAbsolutePath();

    @TempDir
    Path work;

    @BeforeEach
    void writeScriptsAndInput()
            throws IOException
    {
        // the word count is the sample's own
        for (String script : List.of("mapper.py", "reducer.py")) {
            Files.copy(Path.of("streaming", script), work.resolve(script));
        }
        Files.writeString(work.resolve("failing.py"), """
                #!/usr/bin/env python3
                import sys
                sys.stderr.write("something is wrong\\n")
                sys.exit(3)
                """);
        Files.writeString(work.resolve("env.py"), """
                #!/usr/bin/env python3
                import os, sys
                name = os.environ.get("mapreduce_map_input_file", "?").rsplit("/", 1)[-1]
                for line in sys.stdin:
                    sys.stderr.write("reporter:counter:tusk,lines,1\\n")
                    print(f"{name}:{os.environ.get('GREETING', '-')}\\t{line.split()[0]}")
                """);
        Files.writeString(work.resolve("pairs.py"), """
                #!/usr/bin/env python3
                import sys
                for line in sys.stdin:
                    words = line.split()
                    print(f"{words[1]}\\t{len(words[3])}\\t{words[3]}")
                """);
        Files.writeString(work.resolve("aggregate.py"), """
                #!/usr/bin/env python3
                import sys
                for line in sys.stdin:
                    for word in line.split():
                        print(f"LongValueSum:{word}\\t1")
                """);
        Files.writeString(work.resolve("noisy.py"), """
                #!/usr/bin/env python3
                import sys
                for line in sys.stdin:
                    sys.stderr.write(("a line of noise for %s " % line.strip()) * 100 + "\\n")
                    print(line.split()[1] + "\\t1")
                """);
        Files.writeString(work.resolve("quitter.py"), """
                #!/usr/bin/env python3
                import sys
                sys.exit(0)
                """);
        for (String script : List.of("mapper.py", "reducer.py", "failing.py", "env.py", "pairs.py", "aggregate.py", "noisy.py", "quitter.py")) {
            work.resolve(script).toFile().setExecutable(true);
        }
        Path input = work.resolve("in");
        Files.createDirectories(input);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            lines.add("tusk w" + (i % 37) + " ivory w" + (i % 11));
        }
        Files.write(input.resolve("a.txt"), lines);
        Files.write(input.resolve("b.txt"), lines.subList(0, 1_000));
    }

    @Test
    void pythonWordCount()
            throws Exception
    {
        assertSameAsHadoop(List.of("-files", "mapper.py,reducer.py", "-mapper", "mapper.py", "-reducer", "reducer.py", "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void pythonWordCountWithCombinerAndTwoReducers()
            throws Exception
    {
        assertSameAsHadoop(List.of("-D", "mapreduce.job.reduces=2", "-files", "mapper.py,reducer.py", "-mapper", "mapper.py", "-combiner", "reducer.py",
                "-reducer", "reducer.py", "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void mapOnly()
            throws Exception
    {
        assertSameAsHadoop(List.of("-files", "mapper.py", "-mapper", "mapper.py", "-reducer", "NONE", "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void failingScriptFailsTheJobWithExitCodeOne()
            throws Exception
    {
        Run tusk = assertSameAsHadoop(List.of("-D", "mapreduce.map.maxattempts=2", "-files", "failing.py", "-mapper", "failing.py", "-reducer", "NONE",
                "-input", "in", "-output", "OUT"), 1);
        // the job's final error names the exit code and ends with the script's stderr
        assertThat(tusk.log).containsPattern("(?s)failed with state FAILED due to: Task failed task_[0-9]+_[0-9]+_m_\\d+ \\(last attempt attempt_[0-9]+_[0-9]+_m_\\d+_1\\): "
                + "java.lang.RuntimeException: PipeMapRed.waitOutputThreads\\(\\): subprocess failed with code 3\n"
                + "Last lines of the attempt's stderr:\nsomething is wrong\n");
    }

    /** About 18 MB of stderr from the mappers: the job runs as on Hadoop, and Tusk keeps only the last lines. */
    @Test
    void scriptThatFloodsItsStderrRunsAsOnHadoop()
            throws Exception
    {
        assertSameAsHadoop(List.of("-files", "noisy.py,reducer.py", "-mapper", "noisy.py", "-reducer", "reducer.py", "-input", "in", "-output", "OUT"), 0);
    }

    /**
     * A mapper that exits (with 0) without reading its input: Hadoop's streaming buffers what it
     * writes to the script (128 KiB), so the broken pipe of these small splits only shows when it
     * closes the pipe, where it is logged and the job succeeds with empty output; so does Tusk's.
     */
    @Test
    void scriptThatExitsBeforeReadingItsInputEndsAsOnHadoop()
            throws Exception
    {
        assertSameAsHadoop(List.of("-D", "mapreduce.map.maxattempts=2", "-files", "quitter.py", "-mapper", "quitter.py", "-reducer", "NONE",
                "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void environmentCmdenvAndCountersFromStderr()
            throws Exception
    {
        assertSameAsHadoop(List.of("-files", "env.py", "-cmdenv", "GREETING=hello", "-mapper", "env.py", "-reducer", "NONE",
                "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void secondarySortWithKeyFieldsAndKeyFieldBasedPartitioner()
            throws Exception
    {
        // all three fields are the key: values of equal keys have no defined order in Hadoop either
        assertSameAsHadoop(List.of("-D", "stream.num.map.output.key.fields=3", "-D", "mapreduce.partition.keypartitioner.options=-k1,1",
                "-D", "mapreduce.job.reduces=2", "-files", "pairs.py", "-mapper", "pairs.py", "-reducer", "cat",
                "-partitioner", "org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner", "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void aggregateReducer()
            throws Exception
    {
        assertSameAsHadoop(List.of("-files", "aggregate.py", "-mapper", "aggregate.py", "-reducer", "aggregate", "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void keyValueInputFormatAndTypedBytes()
            throws Exception
    {
        assertSameAsHadoop(List.of("-inputformat", "org.apache.hadoop.mapred.KeyValueTextInputFormat", "-io", "typedbytes",
                "-mapper", "cat", "-reducer", "cat", "-input", "in", "-output", "OUT"), 0);
    }

    @Test
    void gzipInput()
            throws Exception
    {
        Path gzipped = work.resolve("gz");
        Files.createDirectories(gzipped);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped.resolve("a.txt.gz")))) {
            out.write(Files.readAllBytes(work.resolve("in/a.txt")));
        }
        assertSameAsHadoop(List.of("-files", "mapper.py,reducer.py", "-mapper", "mapper.py", "-reducer", "reducer.py", "-input", "gz", "-output", "OUT"), 0);
    }

    @Test
    void exitCodeTwoForAMissingCacheFile()
            throws Exception
    {
        assertSameAsHadoop(List.of("-cacheFile", work.resolve("missing.txt").toUri() + "#missing", "-mapper", "cat", "-input", "in", "-output", "OUT"), 2);
    }

    @Test
    void exitCodeThreeForAnInvalidJobConf()
            throws Exception
    {
        assertSameAsHadoop(List.of("-D", "mapreduce.output.fileoutputformat.compress=true", "-D", "mapreduce.output.fileoutputformat.compress.type=RECORD",
                "-outputformat", "org.apache.hadoop.mapred.SequenceFileAsBinaryOutputFormat", "-mapper", "cat", "-input", "in", "-output", "OUT"), 3);
    }

    @Test
    void exitCodeFourForAnOutputFormatRefusingAnExistingDirectory()
            throws Exception
    {
        Path formatJar = TestProcesses.jar("io/tusk/samples/existing", work.resolve("strict.jar"), null);
        createOutputDirectories();
        assertSameAsHadoop(List.of("-libjars", formatJar.toString(), "-outputformat", StrictOutputFormat.class.getName(),
                "-mapper", "cat", "-input", "in", "-output", "OUT"), 4);
    }

    @Test
    void exitCodeFiveForAMissingInputOrAnExistingOutput()
            throws Exception
    {
        assertSameAsHadoop(List.of("-mapper", "cat", "-input", "missing", "-output", "OUT"), 5);
        createOutputDirectories();
        assertSameAsHadoop(List.of("-mapper", "cat", "-input", "in", "-output", "OUT"), 5);
    }

    /** A client interrupted while it monitors the job exits with 6; runs in this JVM to interrupt it. */
    @Test
    void exitCodeSixWhenTheMonitoringClientIsInterrupted()
            throws Exception
    {
        Files.writeString(work.resolve("slow.py"), """
                import os, sys, time
                open(sys.argv[1], "w").close()
                time.sleep(1)
                for line in sys.stdin:
                    sys.stdout.write(line)
                """);
        for (String framework : List.of("local", "tusk")) {
            Path started = work.resolve("started-" + framework);
            Path output = work.resolve("out-interrupted-" + framework);
            String[] args = {"-D", "mapreduce.framework.name=" + framework, "-mapper", "python3 " + work.resolve("slow.py") + " " + started,
                    "-reducer", "NONE", "-input", work.resolve("in/b.txt").toString(), "-output", output.toString()};
            AtomicInteger exitCode = new AtomicInteger(-1);
            Thread client = new Thread(() -> {
                try {
                    exitCode.set(ToolRunner.run(new Configuration(), new StreamJob(), args));
                }
                catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, "streaming-client-" + framework);
            client.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(started) && client.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(started).as("the %s job's mapper started", framework).exists();
            client.interrupt();
            client.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(exitCode.get()).as("exit code of the interrupted %s client", framework).isEqualTo(6);
            // the job itself goes on without its client; let it finish before the next one (and
            // before the test's directory is removed): _SUCCESS is written, then its checksum file
            while (!Files.exists(output.resolve("._SUCCESS.crc")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(output.resolve("_SUCCESS")).exists();
            assertThat(output.resolve("._SUCCESS.crc")).exists();
            if (framework.equals("tusk")) {
                // and until Tusk's job has ended in this process (its end comes after its _SUCCESS)
                Configuration conf = new Configuration();
                conf.set("mapreduce.framework.name", "tusk");
                org.apache.hadoop.mapreduce.Cluster cluster = new org.apache.hadoop.mapreduce.Cluster(conf);
                try {
                    while (java.util.Arrays.stream(cluster.getAllJobStatuses()).anyMatch(status -> !status.isJobComplete()) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(cluster.getAllJobStatuses()).as("Tusk's jobs in this process").allMatch(org.apache.hadoop.mapreduce.JobStatus::isJobComplete);
                }
                finally {
                    cluster.close();
                }
            }
        }
    }

    @Test
    void badArguments()
            throws Exception
    {
        assertSameAsHadoop(List.of("-mapper", "mapper.py", "-output", "OUT"), 1);
    }

    /** Runs {@code args} on both, compares, and returns Tusk's run. */
    private Run assertSameAsHadoop(List<String> args, int expectedExit)
            throws Exception
    {
        Run hadoop = run(args, "hadoop", true);
        Run tusk = run(args, "tusk", false);

        assertThat(hadoop.exitCode).as("Hadoop's exit code:%n%s", hadoop.log).isEqualTo(expectedExit);
        assertThat(tusk.exitCode).as("Tusk's exit code:%n%s", tusk.log).isEqualTo(hadoop.exitCode);
        assertThat(files(tusk.output)).isEqualTo(files(hadoop.output));
        if (expectedExit == 0) {
            assertThat(tusk.log).containsPattern("job_[0-9]+_0001").doesNotContain("job_local");
            assertThat(files(tusk.output)).containsKey("_SUCCESS");
        }
        return tusk;
    }

    private record Run(int exitCode, Path output, String log) {}

    private Run run(List<String> args, String name, boolean hadoop)
            throws Exception
    {
        Path output = work.resolve("out-" + name);
        List<String> command = new ArrayList<>(hadoop ? TestProcesses.hadoopRunJar(STREAMING) : TestProcesses.tusk("streaming"));
        if (hadoop) {
            command.addAll(List.of("-D", "mapreduce.framework.name=local"));
        }
        for (String arg : args) {
            command.add(arg.equals("OUT") ? output.toString() : arg);
        }
        TestProcesses.Result result = TestProcesses.run(command, work, work.resolve(name + ".log"));
        return new Run(result.exitCode(), output, result.log());
    }

    /** Makes the output directory of both runs exist beforehand. */
    private void createOutputDirectories()
            throws IOException
    {
        Files.createDirectories(work.resolve("out-hadoop"));
        Files.createDirectories(work.resolve("out-tusk"));
    }

    private static Map<String, String> files(Path directory)
            throws IOException
    {
        return ExamplesIT.files(directory);
    }
}
