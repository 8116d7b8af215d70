package io.tusk.mr.task;

import io.tusk.engine.shuffle.MergingCursor;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.SortOrder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.mapred.IFile;
import org.apache.hadoop.mapred.Merger;
import org.apache.hadoop.mapred.RawKeyValueIterator;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tusk's merge of sorted runs against Hadoop's own {@link Merger} over the same runs written as
 * IFiles: with many equal keys, the values come out in the same order, runs that are empty or end
 * early included.
 */
class MergeOrderTest
{
    @SuppressWarnings("unchecked")
    private static final RawComparator<IntWritable> KEYS = WritableComparator.get(IntWritable.class);

    @TempDir
    java.nio.file.Path temp;

    @Test
    void equalKeysLeaveTheMergeInTheOrderTheyLeaveHadoopsIn()
            throws IOException
    {
        Configuration conf = new Configuration();
        FileSystem fs = FileSystem.getLocal(conf);
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            List<List<int[]>> runs = new ArrayList<>();
            for (int run = 2 + random.nextInt(9); run > 0; run--) {
                List<int[]> records = new ArrayList<>();
                int key = 0;
                for (int i = random.nextInt(30); i > 0; i--) {
                    key += random.nextInt(3) == 0 ? 1 : 0;
                    records.add(new int[] {key, runs.size() * 1000 + records.size()});
                }
                runs.add(records);
            }

            assertThat(tusk(runs)).as("seed %s", seed).containsExactlyElementsOf(hadoop(conf, fs, runs, seed));
        }
    }

    private List<String> hadoop(Configuration conf, FileSystem fs, List<List<int[]>> runs, int seed)
            throws IOException
    {
        List<Merger.Segment<IntWritable, Text>> segments = new ArrayList<>();
        for (int run = 0; run < runs.size(); run++) {
            Path file = new Path(temp.resolve("seed-" + seed + "-run-" + run).toString());
            IFile.Writer<IntWritable, Text> writer = new IFile.Writer<>(conf, fs.create(file), IntWritable.class, Text.class, null, null, true);
            for (int[] record : runs.get(run)) {
                writer.append(new IntWritable(record[0]), new Text(String.valueOf(record[1])));
            }
            writer.close();
            segments.add(new Merger.Segment<>(conf, fs, file, null, false));
        }
        RawKeyValueIterator merged = Merger.merge(conf, fs, IntWritable.class, Text.class, segments, segments.size(),
                new Path(temp.resolve("merge-" + seed).toString()), KEYS, Reporter.NULL, null, null, new Progress());
        List<String> values = new ArrayList<>();
        Text value = new Text();
        while (merged.next()) {
            DataInputBuffer bytes = merged.getValue();
            value.readFields(bytes);
            values.add(value.toString());
        }
        merged.close();
        return values;
    }

    private static List<String> tusk(List<List<int[]>> runs)
            throws IOException
    {
        List<RecordCursor> cursors = new ArrayList<>();
        for (List<int[]> run : runs) {
            cursors.add(new WritableCursor(run.stream().map(record -> Map.entry(new IntWritable(record[0]), new Text(String.valueOf(record[1])))).toList()));
        }
        List<String> values = new ArrayList<>();
        try (MergingCursor merged = new MergingCursor(SortOrder.sorted(KEYS::compare), cursors)) {
            Text value = new Text();
            DataInputBuffer in = new DataInputBuffer();
            while (merged.next()) {
                in.reset(merged.valueBuffer(), merged.valueOffset(), merged.valueLength());
                value.readFields(in);
                values.add(value.toString());
            }
        }
        return values;
    }
}
