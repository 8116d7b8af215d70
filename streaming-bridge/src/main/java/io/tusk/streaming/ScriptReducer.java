package io.tusk.streaming;

import io.tusk.engine.shuffle.RecordCursor;
import io.tusk.mr.task.ReduceAccelerator;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.WritableUtils;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.OutputCollector;
import org.apache.hadoop.mapred.Reporter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Hadoop Streaming's reduce with the text protocol, on Tusk's serialized input: every record goes
 * to the script as {@code key SEPARATOR value NEWLINE}, its bytes copied from the merged map output
 * straight into the script's input buffer (map output keys and values are {@code Text}, serialized
 * as a length and the bytes). Behaves as {@code PipeReducer} with {@code TextInputWriter} and
 * {@code TextOutputReader}: the same bytes to the script, the same records out, the same failures.
 */
final class ScriptReducer
        implements ReduceAccelerator.Runner
{
    private final String command;
    private final JobConf conf;
    private final byte[] inputSeparator;
    private final byte[] outputSeparator;
    private final int outputKeyFields;

    ScriptReducer(String command, JobConf conf)
    {
        this.command = command;
        this.conf = conf;
        this.inputSeparator = conf.get("stream.reduce.input.field.separator", "\t").getBytes(StandardCharsets.UTF_8);
        this.outputSeparator = conf.get("stream.reduce.output.field.separator", "\t").getBytes(StandardCharsets.UTF_8);
        this.outputKeyFields = conf.getInt("stream.num.reduce.output.key.fields", 1);
    }

    @Override
    public void run(RecordCursor input, OutputCollector<Object, Object> output, Reporter reporter)
            throws IOException
    {
        ScriptProcess script = new ScriptProcess(command, conf, outputSeparator, outputKeyFields);
        ScriptProcess.ScriptInput stdin = script.input();
        long records = 0;
        try {
            while (input.next()) {
                if (!script.readingStarted()) {
                    // as PipeReducer: the script's output is collected once the reduce has input
                    script.startReading(output, reporter);
                }
                Throwable failure = script.threadFailure();
                if (failure != null) {
                    script.finish();
                    throw new IOException("MROutput/MRErrThread failed:", failure);
                }
                writeText(stdin, input.keyBuffer(), input.keyOffset());
                stdin.write(inputSeparator, 0, inputSeparator.length);
                writeText(stdin, input.valueBuffer(), input.valueOffset());
                stdin.write((byte) '\n');
                records++;
            }
        }
        catch (IOException e) {
            throw failed(script, records, e);
        }
        catch (RuntimeException | Error e) {
            // as Hadoop's reduce task, which closes the reducer quietly after a failure
            try {
                script.finish();
            }
            catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        script.finish();
    }

    /** Writes the characters of a serialized {@code Text}: a variable-length size, then the bytes. */
    private static void writeText(ScriptProcess.ScriptInput stdin, byte[] buffer, int offset)
            throws IOException
    {
        int size = WritableComparator.readVInt(buffer, offset);
        stdin.write(buffer, offset + WritableUtils.decodeVIntSize(buffer[offset]), size);
    }

    /** As PipeReducer: says whether the script is still running, then finishes it. */
    private static IOException failed(ScriptProcess script, long records, IOException cause)
    {
        Integer exit = script.exitCode();
        String state = exit == null ? "subprocess still running\n"
                : exit == 0 ? "subprocess exited successfully\n"
                : "subprocess exited with error code " + exit + "\n";
        script.finish();
        return new IOException(state + "R/W=" + records + "\n" + cause.getMessage(), cause);
    }
}
