package io.tusk.streaming;

import io.tusk.mr.task.ReduceAccelerator;
import org.apache.hadoop.mapred.JobConf;

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
    private static final String TEXT = "org.apache.hadoop.io.Text";

    @Override
    public Optional<Runner> runnerFor(JobConf conf)
    {
        if (!PIPE_REDUCER.equals(conf.get("mapred.reducer.class"))
                || !StreamingAccelerators.textProtocol(conf, "stream.reduce.input.writer.class", "stream.reduce.output.reader.class")
                || !TEXT.equals(conf.getMapOutputKeyClass().getName())
                || !TEXT.equals(conf.getMapOutputValueClass().getName())) {
            return Optional.empty();
        }
        return StreamingAccelerators.command(conf, "stream.reduce.streamprocessor").map(command -> new ScriptReducer(command, conf));
    }
}
