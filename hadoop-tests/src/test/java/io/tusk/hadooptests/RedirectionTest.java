package io.tusk.hadooptests;

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
 * whose job ids read {@code job_tusk…}.
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
        assertThat(runIdentityJob(new JobConf(), "default")).startsWith("job_tusk");
    }

    @Test
    void forcedLocalFrameworkRunsOnTusk()
            throws Exception
    {
        JobConf conf = new JobConf();
        conf.set(MRConfig.FRAMEWORK_NAME, MRConfig.LOCAL_FRAMEWORK_NAME);
        assertThat(runIdentityJob(conf, "local")).startsWith("job_tusk");
    }

    @Test
    void miniMRClusterRunsOnTusk()
            throws Exception
    {
        MiniMRCluster cluster = new MiniMRCluster(1, "file:///", 1);
        try {
            assertThat(runIdentityJob(cluster.createJobConf(), "mini")).startsWith("job_tusk");
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
            assertThat(runIdentityJob(test.jobConf(), "cluster-case")).startsWith("job_tusk");
        }
        finally {
            test.tearDown();
        }
    }

    private String runIdentityJob(Configuration conf, String name)
            throws Exception
    {
        java.nio.file.Path input = Files.writeString(work.resolve(name + ".txt"), "a\nb\n");
        Job job = Job.getInstance(conf, name);
        FileInputFormat.addInputPath(job, new Path(input.toUri()));
        FileOutputFormat.setOutputPath(job, new Path(work.resolve(name + "-out").toUri()));
        assertThat(job.waitForCompletion(false)).isTrue();
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
