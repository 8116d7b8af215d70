package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Map output that spills is stored as the job asks Hadoop to store intermediate data — compressed
 * with the map output codec, encrypted — and reads back to the same output as on the
 * LocalJobRunner. The Tusk side runs in a process of its own with a memory budget small enough to
 * make its maps spill.
 */
class IntermediateDataIT
{
    @TempDir
    Path work;

    static Configuration conf(String framework)
    {
        Configuration conf = Differential.conf(framework);
        conf.setBoolean("mapreduce.map.output.compress", true);
        conf.set("mapreduce.map.output.compress.codec", "org.apache.hadoop.io.compress.GzipCodec");
        conf.setBoolean("mapreduce.job.encrypted-intermediate-data", true);
        return conf;
    }

    /** {@code <input> <output>}: the word count on Tusk; prints the records it spilled. */
    public static void main(String[] args)
            throws Exception
    {
        Job job = OutputCacheIT.wordCount(conf("tusk"), args[0], args[1]);
        if (!job.waitForCompletion(false)) {
            throw new AssertionError("the job failed");
        }
        System.out.println("spilled records: " + job.getCounters().findCounter(TaskCounter.SPILLED_RECORDS).getValue());
    }

    @Test
    void compressedAndEncryptedSpillsReadBackToTheLocalJobRunnersOutput()
            throws Exception
    {
        Path input = work.resolve("in");
        Differential.writeWords(input, 11, 3, 40_000, 12, 26, 5_000);
        Job hadoop = OutputCacheIT.wordCount(conf("local"), input, work.resolve("out-local"));
        assertThat(hadoop.waitForCompletion(false)).isTrue();

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-Dtusk.memory.budget=2m",
                "-cp", System.getProperty("java.class.path"), IntermediateDataIT.class.getName(), input.toString(), work.resolve("out-tusk").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(work.resolve("log.txt"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(log).isZero();
        long spilled = Long.parseLong(log.replaceAll("(?s).*spilled records: (\\d+).*", "$1"));
        assertThat(spilled).as("the maps spilled under a 2 MiB budget").isPositive();
        Differential.assertSameOutput(work.resolve("out-local"), work.resolve("out-tusk"));
    }
}
