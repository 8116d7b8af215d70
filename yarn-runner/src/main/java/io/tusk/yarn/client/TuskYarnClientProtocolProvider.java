package io.tusk.yarn.client;

import io.tusk.yarn.YarnSettings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRConfig;
import org.apache.hadoop.mapreduce.protocol.ClientProtocol;
import org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Answers {@code mapreduce.framework.name=tusk-yarn}: Hadoop's {@code Cluster} finds this provider
 * with {@link java.util.ServiceLoader} and submits each job as a YARN application whose master runs
 * it on Tusk. Under Tusk's launcher ({@code bin/tusk}, which reads the cluster's site files from
 * {@code HADOOP_CONF_DIR}), it also answers {@code yarn}: what the cluster would run on MapReduce
 * runs on Tusk. With {@value YarnSettings#SESSION}, or while the program has a YARN context of the
 * dataset API open, the jobs run in one application: see {@link MapReduceSession}. With
 * {@value YarnSettings#SESSION_NAME}, in the named session's application, shared with other processes.
 */
public final class TuskYarnClientProtocolProvider
        extends ClientProtocolProvider
{
    /** System property that Tusk's launcher sets. */
    public static final String LAUNCHER = "tusk.launcher";

    @Override
    public ClientProtocol create(Configuration conf)
            throws IOException
    {
        String framework = conf.get(MRConfig.FRAMEWORK_NAME);
        boolean launcher = Boolean.getBoolean(LAUNCHER);
        if (!YarnSettings.FRAMEWORK_NAME.equals(framework) && !(launcher && MRConfig.YARN_FRAMEWORK_NAME.equals(framework))) {
            return null;
        }
        // a configuration that went through a local Tusk client first
        io.tusk.mr.TuskClientProtocolProvider.forgetLocalPollIntervals(conf);
        boolean named = !YarnSettings.sessionName(conf).isEmpty();
        if ((conf.getBoolean(YarnSettings.SESSION, false) && !named) || MapReduceSession.program().isPresent()) {
            // this process is the master: status questions are answered here; the application starts with the first job
            io.tusk.mr.TuskClientProtocolProvider.pollOften(conf);
            return new io.tusk.mr.TuskClientProtocol(conf, () -> MapReduceSession.get(conf));
        }
        return new TuskYarnClientProtocol(conf);
    }

    @Override
    public ClientProtocol create(InetSocketAddress address, Configuration conf)
            throws IOException
    {
        return create(conf);
    }

    @Override
    public void close(ClientProtocol protocol)
            throws IOException
    {
        if (protocol instanceof TuskYarnClientProtocol yarn) {
            yarn.close();
        }
    }
}
