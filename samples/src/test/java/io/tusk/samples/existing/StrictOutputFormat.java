package io.tusk.samples.existing;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.FileOutputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextOutputFormat;

import java.io.IOException;

/**
 * A text output format that refuses an existing output directory with the file system's
 * {@code FileAlreadyExistsException} (the stock formats throw the mapred one), the case for which
 * hadoop-streaming exits with code 4.
 */
public class StrictOutputFormat<K, V>
        extends TextOutputFormat<K, V>
{
    @Override
    public void checkOutputSpecs(FileSystem ignored, JobConf job)
            throws IOException
    {
        Path output = FileOutputFormat.getOutputPath(job);
        if (output.getFileSystem(job).exists(output)) {
            throw new FileAlreadyExistsException("Output directory " + output + " already exists");
        }
        super.checkOutputSpecs(ignored, job);
    }
}
