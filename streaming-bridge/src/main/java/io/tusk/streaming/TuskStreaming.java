package io.tusk.streaming;

import org.apache.hadoop.streaming.HadoopStreaming;

/**
 * {@code tusk streaming [generic options] <streaming options>}: Hadoop Streaming's own command
 * line ({@code hadoop-streaming} 3.4.2's {@code StreamJob}: every option, its usage text and its
 * exit codes) with the job running on Tusk ({@code mapreduce.framework.name=tusk} from Tusk's
 * {@code conf/}). Script processes are run by streaming's {@code PipeMapRunner} and
 * {@code PipeReducer} inside Tusk's tasks.
 */
public final class TuskStreaming
{
    private TuskStreaming() {}

    public static void main(String[] args)
            throws Exception
    {
        HadoopStreaming.main(args);
    }
}
