package io.tusk.mr;

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

    @Override
    public ClientProtocol create(Configuration conf)
    {
        if (!FRAMEWORK_NAME.equals(conf.get(MRConfig.FRAMEWORK_NAME))) {
            return null;
        }
        return new TuskClientProtocol(conf);
    }

    @Override
    public ClientProtocol create(InetSocketAddress address, Configuration conf)
    {
        return create(conf);
    }

    @Override
    public void close(ClientProtocol protocol) {}
}
