package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobCounter;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes of the maps' output flipped on disk while the reduce reads it: the reduce's read fails on a
 * block's checksum, its attempt is killed, the maps whose output is corrupt run again (as Hadoop runs
 * a map again when its output fails its checksum), and the job writes the LocalJobRunner's bytes.
 * Tusk runs in a process of its own with a memory budget small enough to put map output on disk;
 * the reducer's first call flips the bytes, once per process.
 */
class CorruptSpillIT
{
    private static final String CORRUPT_DIR = "test.corrupt.dir";

    @TempDir
    java.nio.file.Path work;

    /** Each word with the offset of its line; no combiner, so that the maps' whole output is shuffled. */
    public static class WordOffsetMapper
            extends Mapper<LongWritable, Text, Text, LongWritable>
    {
        private final Text word = new Text();

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            for (String token : line.toString().split(" ")) {
                if (!token.isEmpty()) {
                    word.set(token);
                    context.write(word, offset);
                }
            }
        }
    }

    /** How often each word occurs and the sum of its offsets (the same whatever the order of its values). */
    public static class CorruptingReducer
            extends Reducer<Text, LongWritable, Text, Text>
    {
        static final AtomicBoolean CORRUPTED = new AtomicBoolean();

        @Override
        protected void reduce(Text word, Iterable<LongWritable> offsets, Context context)
                throws IOException, InterruptedException
        {
            String directory = context.getConfiguration().get(CORRUPT_DIR);
            if (directory != null && CORRUPTED.compareAndSet(false, true)) {
                System.out.println("corrupted files: " + corrupt(java.nio.file.Path.of(directory)));
            }
            long count = 0;
            long sum = 0;
            for (LongWritable offset : offsets) {
                count++;
                sum += offset.get();
            }
            context.write(word, new Text(count + "\t" + sum));
        }
    }

    /**
     * Flips 8 bytes at nine places of every spill file ({@code spill-N}, {@code merged-N}, {@code
     * shuffle-N}: the maps' output) of 256 KiB or more under {@code directory}; returns how many files.
     */
    static int corrupt(java.nio.file.Path directory)
            throws IOException
    {
        List<java.nio.file.Path> files;
        try (Stream<java.nio.file.Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().matches("(spill|merged|shuffle)-[0-9]+"))
                    .filter(file -> size(file) >= 256 << 10).toList();
        }
        for (java.nio.file.Path file : files) {
            try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
                long length = out.length();
                for (int place = 1; place <= 9; place++) {
                    byte[] bytes = new byte[8];
                    out.seek(length * place / 10);
                    out.readFully(bytes);
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = (byte) ~bytes[i];
                    }
                    out.seek(length * place / 10);
                    out.write(bytes);
                }
            }
        }
        return files.size();
    }

    private static long size(java.nio.file.Path file)
    {
        try {
            return Files.size(file);
        }
        catch (IOException e) {
            // removed meanwhile
            return 0;
        }
    }

    static Job job(Configuration conf, Object in, Object out)
            throws IOException
    {
        Job job = Job.getInstance(conf, "word offsets");
        job.setMapperClass(WordOffsetMapper.class);
        job.setReducerClass(CorruptingReducer.class);
        job.setMapOutputKeyClass(Text.class);
        job.setMapOutputValueClass(LongWritable.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(Text.class);
        FileInputFormat.addInputPath(job, new Path(in.toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }

    /** {@code <input> <output> <local dir>}: the job on Tusk, its map output corrupted under the local directory. */
    public static void main(String[] args)
            throws Exception
    {
        Configuration conf = Differential.conf("tusk");
        conf.set(CORRUPT_DIR, args[2]);
        Job job = job(conf, args[0], args[1]);
        if (!job.waitForCompletion(false)) {
            throw new AssertionError("the job failed");
        }
        System.out.println("launched maps: " + job.getCounters().findCounter(JobCounter.TOTAL_LAUNCHED_MAPS).getValue());
        System.out.println("killed reduces: " + job.getCounters().findCounter(JobCounter.NUM_KILLED_REDUCES).getValue());
    }

    @Test
    void corruptMapOutputOnDiskIsCaughtAndItsMapsRunAgain()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("in");
        Differential.writeWords(input, 17, 3, 40_000, 12, 26, 5_000);
        Job hadoop = job(Differential.conf("local"), input, work.resolve("out-local"));
        assertThat(hadoop.waitForCompletion(false)).isTrue();

        java.nio.file.Path local = work.resolve("local");
        List<String> command = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-Dtusk.memory.budget=2m",
                "-Dtusk.local.dir=" + local, "-cp", System.getProperty("java.class.path"), CorruptSpillIT.class.getName(), input.toString(),
                work.resolve("out-tusk").toString(), local.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile()).start();
        boolean ended = process.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        }
        String log = Files.readString(work.resolve("log.txt"), StandardCharsets.UTF_8);
        assertThat(ended).as("the job ended within 5 minutes:%n%s", log).isTrue();
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(number(log, "corrupted files")).as("map output files corrupted on disk%n%s", log).isPositive();
        assertThat(number(log, "launched maps")).as("maps launched, 3 of them once").isGreaterThan(3);
        assertThat(number(log, "killed reduces")).as("reduce attempts killed by a corrupt read").isPositive();
        Differential.assertSameOutput(work.resolve("out-local"), work.resolve("out-tusk"));
    }

    private static long number(String log, String name)
    {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(name + ": (\\d+)").matcher(log);
        assertThat(matcher.find()).as("%s in%n%s", name, log).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
