package io.tusk.streaming;

import org.apache.hadoop.mapred.JobConf;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.util.Optional;

/** What the streaming accelerators check in a task's configuration. */
final class StreamingAccelerators
{
    private static final String TEXT_INPUT_WRITER = "org.apache.hadoop.streaming.io.TextInputWriter";
    private static final String TEXT_OUTPUT_READER = "org.apache.hadoop.streaming.io.TextOutputReader";

    private StreamingAccelerators() {}

    /** True when the script is fed by TextInputWriter and read by TextOutputReader, and records are not skipped. */
    static boolean textProtocol(JobConf conf, String writerKey, String readerKey)
    {
        return TEXT_INPUT_WRITER.equals(conf.get(writerKey, TEXT_INPUT_WRITER))
                && TEXT_OUTPUT_READER.equals(conf.get(readerKey, TEXT_OUTPUT_READER))
                && !conf.getBoolean("mapreduce.job.skiprecords", false);
    }

    /** The URL-encoded command under {@code key}, decoded; empty when unset, {@code NONE} or undecodable. */
    static Optional<String> command(JobConf conf, String key)
    {
        String encoded = conf.get(key);
        if (encoded == null) {
            return Optional.empty();
        }
        try {
            String command = URLDecoder.decode(encoded, "UTF-8");
            return command.equals("NONE") ? Optional.empty() : Optional.of(command);
        }
        catch (UnsupportedEncodingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
