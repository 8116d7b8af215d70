package io.tusk.streaming;

import io.tusk.mr.ReduceAccelerator;
import org.apache.hadoop.mapred.JobConf;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.util.Optional;

/**
 * Runs Hadoop Streaming's reduce tasks natively ({@link ScriptReducer}) when they use the text
 * protocol both ways with {@code Text} map output and no record skipping; any other streaming
 * reduce ({@code -io typedbytes|rawbytes}, custom readers or writers, the identity or a Java
 * reducer) runs Hadoop's own {@code PipeReducer}.
 */
public final class StreamingReduceAccelerator
        implements ReduceAccelerator
{
    private static final String PIPE_REDUCER = "org.apache.hadoop.streaming.PipeReducer";
    private static final String TEXT_INPUT_WRITER = "org.apache.hadoop.streaming.io.TextInputWriter";
    private static final String TEXT_OUTPUT_READER = "org.apache.hadoop.streaming.io.TextOutputReader";
    private static final String TEXT = "org.apache.hadoop.io.Text";

    @Override
    public Optional<Runner> runnerFor(JobConf conf)
    {
        String reducer = conf.get("mapred.reducer.class");
        if (!PIPE_REDUCER.equals(reducer)
                || !TEXT_INPUT_WRITER.equals(conf.get("stream.reduce.input.writer.class", TEXT_INPUT_WRITER))
                || !TEXT_OUTPUT_READER.equals(conf.get("stream.reduce.output.reader.class", TEXT_OUTPUT_READER))
                || !TEXT.equals(conf.getMapOutputKeyClass().getName())
                || !TEXT.equals(conf.getMapOutputValueClass().getName())
                || conf.getBoolean("mapreduce.job.skiprecords", false)) {
            return Optional.empty();
        }
        String encoded = conf.get("stream.reduce.streamprocessor");
        if (encoded == null) {
            return Optional.empty();
        }
        String command;
        try {
            command = URLDecoder.decode(encoded, "UTF-8");
        }
        catch (UnsupportedEncodingException | IllegalArgumentException e) {
            return Optional.empty();
        }
        if (command.equals("NONE")) {
            return Optional.empty();
        }
        return Optional.of(new ScriptReducer(command, conf));
    }
}
