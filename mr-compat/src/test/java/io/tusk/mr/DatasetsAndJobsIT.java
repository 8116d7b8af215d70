package io.tusk.mr;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.mr.counters.OutputCacheCounter;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.mapreduce.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A program that uses the dataset API and submits MapReduce jobs in one process: the jobs run on
 * the program's context, read what a dataset saved from memory, and a dataset reads what a job
 * wrote from memory. Runs in a process of its own (other tests' jobs have their own context).
 */
class DatasetsAndJobsIT
{
    @TempDir
    Path work;

    /** Bytes read from local files by every thread so far. */
    private static long fileBytesRead()
    {
        long total = 0;
        for (FileSystem.Statistics statistics : FileSystem.getAllStatistics()) {
            if (statistics.getScheme().equals("file")) {
                total += statistics.getBytesRead();
            }
        }
        return total;
    }

    /** {@code work}: saves words and counts with a dataset, counts them with a job, reads the job's output with a dataset. */
    public static void main(String[] args)
            throws Exception
    {
        Path work = Path.of(args[0]);
        Tusk tusk = Tusk.create(TuskConfig.defaults().withThreads(2).withLocalDir(work.resolve("local")));
        try {
            List<String> lines = IntStream.range(0, 5000).mapToObj(i -> "w" + i + "\t" + (i % 17)).toList();
            tusk.parallelize(lines, 2).saveAsTextFile(work.resolve("saved").toString());
            Job job = OutputCacheIT.wordsPerCount(OutputCacheIT.conf("tusk", true), work.resolve("saved"), work.resolve("counted"));
            if (!job.waitForCompletion(false)) {
                throw new AssertionError("the job failed");
            }
            System.out.println("job records from memory: " + job.getCounters().findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue());
            List<io.tusk.engine.dataset.Pair<org.apache.hadoop.io.Text, org.apache.hadoop.io.IntWritable>> pairs = IntStream.range(0, 3000)
                    .mapToObj(i -> new io.tusk.engine.dataset.Pair<>(new org.apache.hadoop.io.Text("w" + i), new org.apache.hadoop.io.IntWritable(i % 5)))
                    .toList();
            io.tusk.engine.dataset.PairDataset.of(tusk.parallelize(pairs, 2))
                    .saveAsSequenceFile(work.resolve("pairs").toString(), org.apache.hadoop.io.Text.class, org.apache.hadoop.io.IntWritable.class);
            Job sequence = Job.getInstance(OutputCacheIT.conf("tusk", true), "count a dataset's SequenceFile");
            sequence.setInputFormatClass(org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class);
            sequence.setMapperClass(OutputCacheIT.SequenceCountMapper.class);
            sequence.setReducerClass(TestJobs.SumReducer.class);
            sequence.setOutputKeyClass(org.apache.hadoop.io.Text.class);
            sequence.setOutputValueClass(org.apache.hadoop.io.IntWritable.class);
            org.apache.hadoop.mapreduce.lib.input.FileInputFormat.addInputPath(sequence, new org.apache.hadoop.fs.Path(work.resolve("pairs").toString()));
            org.apache.hadoop.mapreduce.lib.output.FileOutputFormat.setOutputPath(sequence, new org.apache.hadoop.fs.Path(work.resolve("pairs-counted").toString()));
            if (!sequence.waitForCompletion(false)) {
                throw new AssertionError("the SequenceFile job failed");
            }
            System.out.println("sequence job records from memory: " + sequence.getCounters().findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue());

            long before = fileBytesRead();
            List<String> read = new ArrayList<>(tusk.textFile(work.resolve("counted").toString()).collect());
            System.out.println("dataset bytes read from files: " + (fileBytesRead() - before));
            Files.write(work.resolve("read.txt"), read);
        }
        finally {
            tusk.close();
        }
    }

    @Test
    void jobsAndDatasetsShareKeptOutputs()
            throws Exception
    {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), DatasetsAndJobsIT.class.getName(), work.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(work.resolve("log.txt"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("job records from memory: 5000");
        assertThat(log).contains("sequence job records from memory: 3000");
        assertThat(Files.readAllLines(work.resolve("pairs-counted").resolve("part-r-00000"))).containsExactly("0\t600", "1\t600", "2\t600", "3\t600", "4\t600");
        long written = Files.size(work.resolve("counted").resolve("part-r-00000")) + Files.size(work.resolve("counted").resolve("part-r-00001"));
        long readFromFiles = Long.parseLong(log.replaceAll("(?s).*dataset bytes read from files: (\\d+).*", "$1"));
        assertThat(readFromFiles).as("the job's output read from memory (%s bytes written)", written).isLessThan(written / 2);
        List<String> expected = new ArrayList<>(Files.readAllLines(work.resolve("counted").resolve("part-r-00000")));
        expected.addAll(Files.readAllLines(work.resolve("counted").resolve("part-r-00001")));
        assertThat(Files.readAllLines(work.resolve("read.txt"))).containsExactlyElementsOf(expected);
    }
}
