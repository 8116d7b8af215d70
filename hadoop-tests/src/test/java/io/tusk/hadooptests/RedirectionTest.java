package io.tusk.hadooptests;

import io.tusk.mr.TuskClientProtocol;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.HadoopTestCase;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.MiniMRCluster;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.MRConfig;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that the Hadoop tests of this module run their jobs on Tusk and not on Hadoop's local
 * runner or a YARN mini cluster: each way a Hadoop test obtains its configuration submits to Tusk,
 * which counts the jobs it was given, and whose local job ids are digits ({@code job_local…} on the
 * local runner).
 */
class RedirectionTest
{
    @TempDir
    java.nio.file.Path work;

    @Test
    void defaultConfigurationRunsOnTusk()
            throws Exception
    {
        assertThat(new JobConf().get(MRConfig.FRAMEWORK_NAME)).isEqualTo("tusk");
        assertThat(runIdentityJob(new JobConf(), "default")).matches("job_[0-9]+_[0-9]{4}");
    }

    @Test
    void forcedLocalFrameworkRunsOnTusk()
            throws Exception
    {
        JobConf conf = new JobConf();
        conf.set(MRConfig.FRAMEWORK_NAME, MRConfig.LOCAL_FRAMEWORK_NAME);
        assertThat(runIdentityJob(conf, "local")).matches("job_[0-9]+_[0-9]{4}");
    }

    @Test
    void miniMRClusterRunsOnTusk()
            throws Exception
    {
        MiniMRCluster cluster = new MiniMRCluster(1, "file:///", 1);
        try {
            assertThat(runIdentityJob(cluster.createJobConf(), "mini")).matches("job_[0-9]+_[0-9]{4}");
        }
        finally {
            cluster.shutdown();
        }
    }

    @Test
    void hadoopTestCaseInClusterModeRunsOnTusk()
            throws Exception
    {
        ClusterCase test = new ClusterCase();
        test.setUp();
        try {
            assertThat(runIdentityJob(test.jobConf(), "cluster-case")).matches("job_[0-9]+_[0-9]{4}");
        }
        finally {
            test.tearDown();
        }
    }

    private String runIdentityJob(Configuration conf, String name)
            throws Exception
    {
        int submitted = TuskClientProtocol.jobsSubmitted();
        java.nio.file.Path input = Files.writeString(work.resolve(name + ".txt"), "a\nb\n");
        Job job = Job.getInstance(conf, name);
        FileInputFormat.addInputPath(job, new Path(input.toUri()));
        FileOutputFormat.setOutputPath(job, new Path(work.resolve(name + "-out").toUri()));
        assertThat(job.waitForCompletion(false)).isTrue();
        assertThat(TuskClientProtocol.jobsSubmitted()).as("jobs Tusk was given").isEqualTo(submitted + 1);
        assertThat(Files.readString(work.resolve(name + "-out").resolve("part-r-00000"))).isEqualTo("0\ta\n2\tb\n");
        return job.getJobID().toString();
    }

    static final class ClusterCase
            extends HadoopTestCase
    {
        ClusterCase()
                throws java.io.IOException
        {
            super(CLUSTER_MR, LOCAL_FS, 1, 1);
        }

        JobConf jobConf()
        {
            return createJobConf();
        }
    }
}
