package io.tusk.mr;

import io.tusk.io.NioLocalFileSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRConfig;
import org.apache.hadoop.mapreduce.protocol.ClientProtocol;
import org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider;

import java.net.InetSocketAddress;

/**
 * Answers {@code mapreduce.framework.name=tusk}: Hadoop's {@code Cluster} finds this provider with
 * {@link java.util.ServiceLoader} and submits jobs to Tusk instead of the local runner or YARN.
 */
public final class TuskClientProtocolProvider
        extends ClientProtocolProvider
{
    public static final String FRAMEWORK_NAME = "tusk";
    /** The source of the values this provider sets in a configuration Hadoop's defaults or the user left open. */
    private static final String SOURCE = "because mapreduce.framework.name is tusk";
    /** The client's poll intervals this provider shortens: status questions to a local Tusk wait for the job's end. */
    private static final String[] POLL_INTERVALS = {"mapreduce.client.completion.pollinterval", "mapreduce.client.progressmonitor.pollinterval"};

    @Override
    public ClientProtocol create(Configuration conf)
    {
        if (!FRAMEWORK_NAME.equals(conf.get(MRConfig.FRAMEWORK_NAME))) {
            return null;
        }
        // Hadoop's clients poll a cluster every 1 to 5 seconds; Tusk's jobs often finish sooner. A
        // status question waits for a running job's end a while (TuskClientProtocol.getJobStatus):
        // the client's sleep between two questions is then only time in which the end goes unseen
        pollOften(conf);
        // as Hadoop's local runner: the old API's split-count hint is 1, so jobs cut the same splits
        // and map-only jobs write the same part files
        setUnlessUserSet(conf, "mapreduce.job.maps", "1");
        // -libjars as files, not as a directory wildcard, so they can be localized one by one
        setUnlessUserSet(conf, "mapreduce.client.libjars.wildcard", "false");
        // tasks run concurrently: with the atomic commit algorithm a failed job's abort removes
        // every task's output, even of tasks that committed before another task failed the job
        setUnlessUserSet(conf, "mapreduce.fileoutputcommitter.algorithm.version", "1");
        // without Hadoop's native library every local chmod forks a process; Tusk's file://
        // file system changes permissions in-process (same files, bytes and permissions)
        setUnlessUserSet(conf, "fs.file.impl", NioLocalFileSystem.class.getName());
        return new TuskClientProtocol(conf);
    }

    /**
     * Shortens the client's poll intervals unless the user set them: for jobs whose status this
     * process answers ({@link TuskClientProtocol}), where a status question waits for the job's end.
     */
    public static void pollOften(Configuration conf)
    {
        for (String interval : POLL_INTERVALS) {
            setUnlessUserSet(conf, interval, "1");
        }
    }

    /** Sets {@code key} unless the user chose a value (Hadoop's defaults do not count). */
    private static void setUnlessUserSet(Configuration conf, String key, String value)
    {
        String[] sources = conf.getPropertySources(key);
        boolean userSet = false;
        if (sources != null) {
            for (String source : sources) {
                if (!source.equals("mapred-default.xml") && !source.equals(SOURCE)) {
                    userSet = true;
                }
            }
        }
        if (!userSet) {
            conf.set(key, value, SOURCE);
        }
    }

    /**
     * Takes back the poll intervals this provider set in {@code conf}, for a configuration that goes
     * on to a cluster: there a status question does not wait, and 1 ms polls would flood it.
     */
    public static void forgetLocalPollIntervals(Configuration conf)
    {
        for (String interval : POLL_INTERVALS) {
            String[] sources = conf.getPropertySources(interval);
            if (sources != null && sources.length > 0 && SOURCE.equals(sources[sources.length - 1])) {
                conf.unset(interval);
            }
        }
    }

    @Override
    public ClientProtocol create(InetSocketAddress address, Configuration conf)
    {
        return create(conf);
    }

    @Override
    public void close(ClientProtocol protocol) {}
}
