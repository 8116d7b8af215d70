package io.tusk.mr;

import org.apache.hadoop.examples.WordCount;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples' word count classes, configured as WordCount's driver does, on both runners. */
class WordCountDifferentialIT
{
    @TempDir
    java.nio.file.Path work;

    @Test
    void wordCountWithCombinerAndTwoReducers()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("in");
        Random random = new Random(3);
        for (int file = 0; file < 3; file++) {
            Differential.writeLines(input.resolve("part" + file + ".txt"), randomWords(random, 2_000, 8, 500));
        }

        Job tusk = Differential.runBoth(work, input, (conf, in, out) -> wordCount(conf, in, out, 2));

        assertThat(tusk.getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue()).isEqualTo(6_000);
        assertThat(tusk.getCounters().findCounter(TaskCounter.MAP_OUTPUT_RECORDS).getValue()).isEqualTo(48_000);
        assertThat(tusk.getCounters().findCounter(TaskCounter.REDUCE_OUTPUT_RECORDS).getValue()).isEqualTo(500);
    }

    /**
     * Words that rarely repeat, more than one map's sorted buffer combines at once: the map combines
     * runs of its sorted buffer and merges them, combining again (which Hadoop's merge of spills does
     * too, and counts).
     */
    @Test
    void wordCountOfManyDistinctWordsCombinesRunsOfTheSortedBufferAndMergesThem()
            throws Exception
    {
        java.nio.file.Path input = work.resolve("in");
        Differential.writeLines(input.resolve("words.txt"), randomWords(new Random(5), 75_000, 10, 300_000));

        Job tusk = Differential.runBoth(work, input, (conf, in, out) -> wordCount(conf, in, out, 3));

        long mapOutput = tusk.getCounters().findCounter(TaskCounter.MAP_OUTPUT_RECORDS).getValue();
        assertThat(mapOutput).isEqualTo(750_000);
        assertThat(tusk.getCounters().findCounter(TaskCounter.COMBINE_INPUT_RECORDS).getValue())
                .as("the merge of the combined runs combines again").isGreaterThan(mapOutput);
        assertThat(tusk.getCounters().findCounter(TaskCounter.SPILLED_RECORDS).getValue()).isZero();
    }

    /** {@code lines} lines of {@code words} words {@code w<n>}, n drawn below {@code vocabulary}. */
    private static List<String> randomWords(Random random, int lines, int words, int vocabulary)
    {
        List<String> text = new ArrayList<>();
        for (int line = 0; line < lines; line++) {
            StringBuilder built = new StringBuilder();
            for (int word = 0; word < words; word++) {
                built.append(word == 0 ? "" : " ").append("w").append(random.nextInt(vocabulary));
            }
            text.add(built.toString());
        }
        return text;
    }

    /** The job WordCount's driver configures, with {@code reduces} reducers. */
    private static Job wordCount(org.apache.hadoop.conf.Configuration conf, java.nio.file.Path in, java.nio.file.Path out, int reduces)
            throws java.io.IOException
    {
        Job job = Job.getInstance(conf, "word count");
        job.setJarByClass(WordCount.class);
        job.setMapperClass(WordCount.TokenizerMapper.class);
        job.setCombinerClass(WordCount.IntSumReducer.class);
        job.setReducerClass(WordCount.IntSumReducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        job.setNumReduceTasks(reduces);
        FileInputFormat.addInputPath(job, new Path(in.toString()));
        FileOutputFormat.setOutputPath(job, new Path(out.toString()));
        return job;
    }
}
