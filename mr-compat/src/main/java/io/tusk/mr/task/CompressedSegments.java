package io.tusk.mr.task;

import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.shuffle.MergingCursor;
import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.engine.shuffle.SortOrder;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.DefaultCodec;
import org.apache.hadoop.mapred.IFile;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.util.ReflectionUtils;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The lengths of a map's output segments as Hadoop writes them when the job compresses map output
 * ({@code mapreduce.map.output.compress}): each partition's records in order through Hadoop's own
 * {@code IFile.Writer} with the job's codec, counted and dropped. Tusk keeps map output in memory
 * uncompressed, so measuring costs one compression of the output; its counters
 * ({@code MAP_OUTPUT_MATERIALIZED_BYTES}, {@code REDUCE_SHUFFLE_BYTES}) then equal Hadoop's.
 * {@value #ENABLED}{@code =false} skips it: the counters then give the uncompressed sizes.
 */
public final class CompressedSegments
{
    public static final String ENABLED = "tusk.counters.compressed-sizes";

    private CompressedSegments() {}

    /** Whether a job's map output segments are measured compressed. */
    public static boolean measured(JobConf conf)
    {
        return conf.getCompressMapOutput() && conf.getBoolean(ENABLED, true);
    }

    /** Each partition's segment length: its records, the end-of-file marker and the checksum, compressed. */
    static long[] lengths(JobConf conf, MapOutput output, SortOrder order)
            throws IOException
    {
        CompressionCodec codec = ReflectionUtils.newInstance(conf.getMapOutputCompressorClass(DefaultCodec.class), conf);
        long[] lengths = new long[output.partitions()];
        DataInputBuffer key = new DataInputBuffer();
        DataInputBuffer value = new DataInputBuffer();
        for (int partition = 0; partition < lengths.length; partition++) {
            // a merging cursor closes its runs; a run alone is closed as the cursor
            try (RecordCursor records = merged(output.open(partition), order)) {
                IFile.Writer<Object, Object> writer = new IFile.Writer<>(conf, new FSDataOutputStream(OutputStream.nullOutputStream(), null), null, null, codec, null);
                boolean closed = false;
                try {
                    while (records.next()) {
                        key.reset(records.keyBuffer(), records.keyOffset(), records.keyLength());
                        value.reset(records.valueBuffer(), records.valueOffset(), records.valueLength());
                        writer.append(key, value);
                    }
                    writer.close();
                    closed = true;
                }
                finally {
                    if (!closed) {
                        // gives its compressor back to the codec pool
                        writer.close();
                    }
                }
                lengths[partition] = writer.getCompressedLength();
            }
        }
        return lengths;
    }

    private static RecordCursor merged(List<RecordCursor> runs, SortOrder order)
    {
        return runs.size() == 1 ? runs.get(0) : new MergingCursor(order, runs);
    }
}
