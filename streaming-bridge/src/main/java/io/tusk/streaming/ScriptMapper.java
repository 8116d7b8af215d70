package io.tusk.streaming;

import io.tusk.mr.task.MapAccelerator;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Hadoop Streaming's map with the text protocol: each input record goes to the script as
 * {@code [key SEPARATOR] value NEWLINE} through a large buffer, and the script's output lines go
 * from its stdout straight into the shuffle as serialized {@code Text} (or through the collector of
 * a map-only job). Behaves as {@code PipeMapRunner}/{@code PipeMapper} with {@code TextInputWriter}
 * and {@code TextOutputReader}: the key is left out for {@code TextInputFormat} unless
 * {@code stream.map.input.ignoreKey} says otherwise; the same failures.
 */
final class ScriptMapper
        implements MapAccelerator.Runner
{
    private static final Logger LOG = LogManager.getLogger(ScriptMapper.class);

    private final String command;
    private final JobConf conf;
    private final boolean ignoreKey;
    private final byte[] inputSeparator;
    private final byte[] outputSeparator;
    private final int outputKeyFields;

    ScriptMapper(String command, JobConf conf, boolean ignoreKey)
    {
        this.command = command;
        this.conf = conf;
        this.ignoreKey = ignoreKey;
        this.inputSeparator = conf.get("stream.map.input.field.separator", "\t").getBytes(StandardCharsets.UTF_8);
        this.outputSeparator = conf.get("stream.map.output.field.separator", "\t").getBytes(StandardCharsets.UTF_8);
        this.outputKeyFields = conf.getInt("stream.num.map.output.key.fields", 1);
    }

    @Override
    public void run(RecordReader<Object, Object> input, OutputCollector<Object, Object> output, MapAccelerator.TextSink text, Reporter reporter)
            throws IOException
    {
        ScriptProcess script = new ScriptProcess(command, conf, outputSeparator, outputKeyFields);
        script.startReading(output, text, reporter);
        ScriptProcess.ScriptInput stdin = script.input();
        Object key = input.createKey();
        Object value = input.createValue();
        long records = 0;
        try {
            while (input.next(key, value)) {
                Throwable failure = script.threadFailure();
                if (failure != null) {
                    throw new IOException("MROutput/MRErrThread failed:", failure);
                }
                records++;
                try {
                    if (!ignoreKey) {
                        write(stdin, key);
                        stdin.write(inputSeparator, 0, inputSeparator.length);
                    }
                    write(stdin, value);
                    stdin.write((byte) '\n');
                }
                catch (IOException e) {
                    LOG.info("The streaming command stopped taking input after {} records", records, e);
                    throw e;
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // as PipeMapper and MapRunner: the script is finished (which fails on its exit code) before the error goes on
            script.finish();
            throw e;
        }
        script.finish();
    }

    /** As {@code TextInputWriter}: the bytes of Text and BytesWritable, else the UTF-8 of toString. */
    private static void write(ScriptProcess.ScriptInput stdin, Object object)
            throws IOException
    {
        if (object instanceof Text text) {
            stdin.write(text.getBytes(), 0, text.getLength());
        }
        else if (object instanceof BytesWritable bytes) {
            stdin.write(bytes.getBytes(), 0, bytes.getLength());
        }
        else {
            byte[] utf8 = object.toString().getBytes(StandardCharsets.UTF_8);
            stdin.write(utf8, 0, utf8.length);
        }
    }
}
