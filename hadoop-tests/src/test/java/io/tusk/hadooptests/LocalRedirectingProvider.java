package io.tusk.hadooptests;

import io.tusk.mr.TuskClientProtocolProvider;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRConfig;
import org.apache.hadoop.mapreduce.protocol.ClientProtocol;
import org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider;

import java.net.InetSocketAddress;

/**
 * The one redirection Hadoop's tests need beyond {@code mapred-site.xml}: several set
 * {@code mapreduce.framework.name=local} in code (HadoopTestCase's LOCAL_MR mode, TestComparators, the
 * combiner grouping tests, ...). With the system property {@code tusk.redirect.local=true} this
 * provider, registered ahead of Hadoop's LocalClientProtocolProvider on the test class path, answers
 * {@code local} with Tusk, and {@code yarn} too when no resource manager is configured (tests on a
 * mini MR cluster that set {@code yarn} in code, as TestMiniMRClasspath does). Without the property
 * it answers nothing.
 */
public final class LocalRedirectingProvider
        extends ClientProtocolProvider
{
    public static final String PROPERTY = "tusk.redirect.local";

    @Override
    public ClientProtocol create(Configuration conf)
    {
        if (!Boolean.getBoolean(PROPERTY)) {
            return null;
        }
        String framework = conf.get(MRConfig.FRAMEWORK_NAME, MRConfig.LOCAL_FRAMEWORK_NAME);
        // tests on a mini MR cluster (Tusk's, see MiniMRClientClusterFactory) that ask for yarn without a resource manager to reach
        String resourceManager = conf.get("yarn.resourcemanager.address");
        boolean yarnWithoutResourceManager = MRConfig.YARN_FRAMEWORK_NAME.equals(framework) && (resourceManager == null || resourceManager.startsWith("0.0.0.0:"));
        if (!MRConfig.LOCAL_FRAMEWORK_NAME.equals(framework) && !yarnWithoutResourceManager) {
            return null;
        }
        conf.set(MRConfig.FRAMEWORK_NAME, TuskClientProtocolProvider.FRAMEWORK_NAME, "because " + PROPERTY + " is true");
        return new TuskClientProtocolProvider().create(conf);
    }

    @Override
    public ClientProtocol create(InetSocketAddress address, Configuration conf)
    {
        return create(conf);
    }

    @Override
    public void close(ClientProtocol protocol) {}
}
