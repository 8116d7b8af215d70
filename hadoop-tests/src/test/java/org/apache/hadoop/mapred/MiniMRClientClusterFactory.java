package org.apache.hadoop.mapred;

import io.tusk.hadooptests.TuskMiniMRClientCluster;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/**
 * Tusk's implementation of Hadoop's mini MR cluster factory. It has the name and the methods of the
 * class in Hadoop's jobclient test jar and comes before that jar on the test class path, so Hadoop's
 * tests built on {@code MiniMRClientClusterFactory} or {@code MiniMRCluster} (which delegates here)
 * run their jobs on Tusk instead of a MiniMRYarnCluster. The test sources are not edited.
 */
public final class MiniMRClientClusterFactory
{
    private MiniMRClientClusterFactory() {}

    public static MiniMRClientCluster create(Class<?> caller, int noOfNMs, Configuration conf)
            throws IOException
    {
        return create(caller, caller.getSimpleName(), noOfNMs, conf);
    }

    public static MiniMRClientCluster create(Class<?> caller, String identifier, int noOfNMs, Configuration conf)
            throws IOException
    {
        MiniMRClientCluster cluster = new TuskMiniMRClientCluster(conf == null ? new Configuration() : conf);
        cluster.start();
        return cluster;
    }
}
