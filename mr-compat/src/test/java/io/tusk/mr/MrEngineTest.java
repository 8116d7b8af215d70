package io.tusk.mr;

import org.apache.hadoop.mapred.JobConf;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MrEngineTest
{
    @Test
    void hadoopsDefaultLocalDirectoryIsNotTaken()
    {
        JobConf conf = new JobConf();

        assertThat(conf.get("mapreduce.cluster.local.dir")).as("mapred-default.xml sets one").isNotNull();
        assertThat(MrEngine.clusterLocalDirs(conf)).isEmpty();
    }

    @Test
    void aLocalDirectoryListTheJobSetsIsTakenWhole()
    {
        JobConf conf = new JobConf();
        conf.set("mapreduce.cluster.local.dir", " /disk1/mapred ,/disk2/mapred,/disk3/mapred ");

        assertThat(MrEngine.clusterLocalDirs(conf)).contains("/disk1/mapred,/disk2/mapred,/disk3/mapred");
    }

    @Test
    void aSiteFilesLocalDirectoryIsTaken()
    {
        JobConf conf = new JobConf(false);
        conf.addResource(new java.io.ByteArrayInputStream(("<configuration><property><name>mapreduce.cluster.local.dir</name>"
                + "<value>${hadoop.tmp.dir}/a,/b</value></property><property><name>hadoop.tmp.dir</name><value>/data/tmp</value></property>"
                + "</configuration>").getBytes(java.nio.charset.StandardCharsets.UTF_8)), "mapred-site.xml");

        assertThat(MrEngine.clusterLocalDirs(conf)).contains("/data/tmp/a,/b");
    }
}
