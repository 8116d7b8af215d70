package io.tusk.hadooptests;

import io.tusk.mr.TuskClientProtocolProvider;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.MiniMRClientCluster;
import org.apache.hadoop.mapreduce.MRConfig;

/**
 * What Hadoop's tests get when they ask for a mini MapReduce cluster: Tusk, in this process. Jobs
 * submitted with {@link #getConfig()} run on Tusk's engine; there are no daemons to start or stop.
 */
public final class TuskMiniMRClientCluster
        implements MiniMRClientCluster
{
    private final Configuration conf;

    public TuskMiniMRClientCluster(Configuration conf)
    {
        this.conf = new Configuration(conf);
        this.conf.set(MRConfig.FRAMEWORK_NAME, TuskClientProtocolProvider.FRAMEWORK_NAME, "TuskMiniMRClientCluster");
    }

    @Override
    public void start() {}

    @Override
    public void restart() {}

    @Override
    public void stop() {}

    @Override
    public Configuration getConfig()
    {
        return new Configuration(conf);
    }
}
