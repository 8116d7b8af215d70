package io.tusk.streaming;

import io.tusk.mr.task.MapAccelerator;
import org.apache.hadoop.mapred.JobConf;

import java.util.Optional;

/**
 * Runs Hadoop Streaming's map tasks natively ({@link ScriptMapper}) when they use the text protocol
 * both ways without record skipping; any other streaming map ({@code -io typedbytes|rawbytes},
 * custom readers or writers, a Java mapper) runs Hadoop's own {@code PipeMapRunner}.
 */
public final class StreamingMapAccelerator
        implements MapAccelerator
{
    private static final String PIPE_MAP_RUNNER = "org.apache.hadoop.streaming.PipeMapRunner";
    private static final String PIPE_MAPPER = "org.apache.hadoop.streaming.PipeMapper";
    private static final String OLD_TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat";

    @Override
    public Optional<Runner> runnerFor(JobConf conf)
    {
        if (!PIPE_MAP_RUNNER.equals(conf.get("mapred.map.runner.class"))
                || !PIPE_MAPPER.equals(conf.get("mapred.mapper.class"))
                || !StreamingAccelerators.textProtocol(conf, "stream.map.input.writer.class", "stream.map.output.reader.class")
                || conf.get("stream.minRecWrittenToEnableSkip_") != null) {
            return Optional.empty();
        }
        return StreamingAccelerators.command(conf, "stream.map.streamprocessor").map(command -> {
            boolean ignoreKey = conf.getBoolean("stream.map.input.ignoreKey", OLD_TEXT_INPUT_FORMAT.equals(conf.get("mapred.input.format.class", OLD_TEXT_INPUT_FORMAT)));
            return new ScriptMapper(command, conf, ignoreKey);
        });
    }
}
