package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.MapWritable;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input and bad jobs, each run on the LocalJobRunner and on Tusk: the same outcome (the same
 * output bytes, or a failed job whose error on Tusk names the cause), and Tusk still runs the
 * next job in the same process.
 */
class BadInputIT
{
    @TempDir
    java.nio.file.Path work;

    @AfterEach
    void theNextJobStillRuns()
            throws Exception
    {
        java.nio.file.Path text = work.resolve("after");
        Differential.writeWords(text, 3, 2, 100, 5, 4, 10);
        Differential.runBoth(work.resolve("after-run"), text, TestJobs::wordCount);
    }

    /** Runs the job on both; both fail, and Tusk's failure names the cause. */
    private void assertBothFail(Differential.JobFactory factory, java.nio.file.Path input, String cause)
            throws Exception
    {
        for (String framework : List.of("local", "tusk")) {
            java.nio.file.Path out = work.resolve("out-" + framework);
            Job job = factory.create(Differential.conf(framework), input, out);
            job.getConfiguration().setInt("mapreduce.map.maxattempts", 2);
            assertThat(job.waitForCompletion(false)).as("job on %s", framework).isFalse();
            assertThat(out.resolve("_SUCCESS")).doesNotExist();
            if (framework.equals("tusk")) {
                assertThat(job.getStatus().getFailureInfo()).contains(cause);
            }
        }
    }

    @Test
    void truncatedGzipInputFailsTheJob()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("gzip");
        byte[] compressed = gzip(words(200_000));
        Files.createDirectories(input);
        Files.write(input.resolve("words.txt.gz"), Arrays.copyOf(compressed, compressed.length / 2));

        assertBothFail(TestJobs::wordCount, input, "Unexpected end of input stream");
    }

    @Test
    void corruptBzip2InputFailsTheJob()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("bzip2");
        Files.createDirectories(input);
        org.apache.hadoop.io.compress.BZip2Codec codec = new org.apache.hadoop.io.compress.BZip2Codec();
        codec.setConf(new Configuration());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = codec.createOutputStream(bytes)) {
            out.write(words(200_000));
        }
        byte[] corrupt = bytes.toByteArray();
        for (int i = corrupt.length / 3; i < corrupt.length / 3 + 64; i++) {
            corrupt[i] ^= 0x5A;
        }
        Files.write(input.resolve("words.txt.bz2"), corrupt);

        assertBothFail(TestJobs::wordCount, input, "IOException");
    }

    @Test
    void truncatedSequenceFileFailsTheJob()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("sequence");
        Files.createDirectories(input);
        Configuration conf = new Configuration();
        Path file = new Path(input.resolve("records.seq").toString());
        try (SequenceFile.Writer writer = SequenceFile.createWriter(conf, SequenceFile.Writer.file(file),
                SequenceFile.Writer.keyClass(LongWritable.class), SequenceFile.Writer.valueClass(Text.class))) {
            for (int i = 0; i < 20_000; i++) {
                writer.append(new LongWritable(i), new Text("record " + i + " of a sequence file that will be cut short"));
            }
        }
        byte[] whole = Files.readAllBytes(input.resolve("records.seq"));
        Files.write(input.resolve("records.seq"), Arrays.copyOf(whole, whole.length * 3 / 5));
        // the local file system's checksum would catch the cut first; the reader's own failure is tested
        Files.deleteIfExists(input.resolve(".records.seq.crc"));

        assertBothFail((jobConf, in, out) -> {
            Job job = Job.getInstance(jobConf, "sequence");
            job.setInputFormatClass(SequenceFileInputFormat.class);
            job.setMapperClass(Mapper.class);
            job.setOutputKeyClass(LongWritable.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        }, input, "EOFException");
    }

    @Test
    void invalidUtf8IsCountedAsTheLocalJobRunnerCountsIt()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("utf8");
        Files.createDirectories(input);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Random random = new Random(5);
        for (int line = 0; line < 2_000; line++) {
            bytes.write(("word" + random.nextInt(20) + " ").getBytes(StandardCharsets.UTF_8));
            // a lone continuation byte, a truncated sequence, an overlong encoding
            bytes.write(new byte[][] {{(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xC0, (byte) 0xAF}}[line % 3]);
            bytes.write(" tail\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.write(input.resolve("bad.txt"), bytes.toByteArray());

        Differential.runBoth(work, input, TestJobs::wordCount);
    }

    @Test
    void aSixteenMegabyteLineIsCountedAsTheLocalJobRunnerCountsIt()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("long-line");
        Files.createDirectories(input);
        byte[] line = words(16 << 20);
        for (int i = 0; i < line.length; i++) {
            if (line[i] == '\n') {
                line[i] = ' ';
            }
        }
        Files.write(input.resolve("line.txt"), line);

        Differential.runBoth(work, input, TestJobs::wordCount);
    }

    /** Emits one 6 MiB value per input line: larger than a shuffle page (at most 4 MiB). */
    public static class LargeValueMapper
            extends Mapper<LongWritable, Text, Text, Text>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            char[] value = new char[6 << 20];
            Arrays.fill(value, line.toString().isEmpty() ? '-' : line.toString().charAt(0));
            context.write(line, new Text(new String(value)));
        }
    }

    /** Writes each key with the length and first character of each of its values. */
    public static class ValueLengthReducer
            extends Reducer<Text, Text, Text, Text>
    {
        @Override
        protected void reduce(Text key, Iterable<Text> values, Context context)
                throws IOException, InterruptedException
        {
            for (Text value : values) {
                context.write(key, new Text(value.getLength() + " " + (char) value.getBytes()[0]));
            }
        }
    }

    @Test
    void recordsLargerThanAShufflePageGoThroughTheShuffle()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("large-records");
        Differential.writeLines(input.resolve("lines.txt"), List.of("alpha", "beta", "gamma", "alpha"));

        Differential.runBoth(work, input, (conf, in, out) -> {
            Job job = Job.getInstance(conf, "large records");
            job.setMapperClass(LargeValueMapper.class);
            job.setReducerClass(ValueLengthReducer.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        });
    }

    /** Emits keys of a class that is not comparable: a job cannot sort them. */
    public static class UncomparableKeyMapper
            extends Mapper<LongWritable, Text, MapWritable, Text>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws IOException, InterruptedException
        {
            context.write(new MapWritable(), line);
        }
    }

    @Test
    void aMapOutputKeyClassWithoutAComparatorFailsTheJob()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("uncomparable");
        Differential.writeLines(input.resolve("lines.txt"), List.of("one", "two"));

        assertBothFail((conf, in, out) -> {
            Job job = Job.getInstance(conf, "uncomparable keys");
            job.setMapperClass(UncomparableKeyMapper.class);
            job.setMapOutputKeyClass(MapWritable.class);
            job.setMapOutputValueClass(Text.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(Text.class);
            FileInputFormat.addInputPath(job, new Path(in.toString()));
            FileOutputFormat.setOutputPath(job, new Path(out.toString()));
            return job;
        }, input, "MapWritable");
    }

    /** Asks for more memory than any heap gives. */
    public static class MemoryHungryMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        @Override
        protected void map(LongWritable offset, Text line, Context context)
        {
            long[] hoard = new long[Integer.MAX_VALUE - 2];
            hoard[0] = offset.get();
        }
    }

    @Test
    void aMapperThatRunsOutOfMemoryFailsTheJob()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("hungry");
        Differential.writeLines(input.resolve("lines.txt"), List.of("one", "two"));

        assertBothFail((conf, in, out) -> {
            Job job = TestJobs.wordCount(conf, in, out);
            job.setMapperClass(MemoryHungryMapper.class);
            return job;
        }, input, "OutOfMemoryError");
    }

    /** About {@code bytes} of lines of words. */
    private static byte[] words(int bytes)
    {
        StringBuilder text = new StringBuilder(bytes + 100);
        Random random = new Random(bytes);
        while (text.length() < bytes) {
            for (int word = 0; word < 10; word++) {
                text.append("w").append(random.nextInt(500)).append(word == 9 ? '\n' : ' ');
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes)
            throws IOException
    {
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(bytes);
        }
        return compressed.toByteArray();
    }
}
