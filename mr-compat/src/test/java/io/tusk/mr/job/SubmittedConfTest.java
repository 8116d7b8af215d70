package io.tusk.mr.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class SubmittedConfTest
{
    @TempDir
    java.nio.file.Path directory;

    @Test
    void copiesTheClientsConfigurationWhenItIsTheOneWrittenIntoTheSubmitDirectory()
    {
        Path submitDir = new Path(directory.toUri().toString(), "job_1");
        Configuration client = new Configuration(false);
        client.set("tusk.test.key", "client");
        client.set(MRJobConfig.MAPREDUCE_JOB_DIR, submitDir.toString());

        // no job.xml exists: a parse would fail
        JobConf conf = MrJob.submittedConf(client, submitDir);
        client.set("tusk.test.key", "changed later");

        assertThat(conf.get("tusk.test.key")).isEqualTo("client");
        assertThat(conf.get(MRJobConfig.MAPREDUCE_JOB_DIR)).isEqualTo(submitDir.toString());
    }

    @Test
    void parsesJobXmlWhenTheClientsConfigurationIsAnotherJobs()
            throws IOException
    {
        Path submitDir = writeJobXml("job_2", "submitted");
        Configuration client = new Configuration(false);
        client.set("tusk.test.key", "client");
        client.set(MRJobConfig.MAPREDUCE_JOB_DIR, new Path(directory.toUri().toString(), "job_1").toString());

        assertThat(MrJob.submittedConf(client, submitDir).get("tusk.test.key")).isEqualTo("submitted");
        assertThat(MrJob.submittedConf(null, submitDir).get("tusk.test.key")).isEqualTo("submitted");
    }

    @Test
    void keepsFinalParametersAsTheirResourcesSetThem()
            throws IOException
    {
        Path submitDir = writeJobXml("job_3", "submitted");
        Configuration client = new Configuration(false);
        client.addResource(new ByteArrayInputStream(("<configuration><property><name>tusk.test.final</name><value>site</value>"
                + "<final>true</final></property></configuration>").getBytes(StandardCharsets.UTF_8)), "site.xml");
        client.set("tusk.test.key", "client");
        client.set(MRJobConfig.MAPREDUCE_JOB_DIR, submitDir.toString());
        assertThat(client.getFinalParameters()).containsExactly("tusk.test.final");

        // untouched final parameters: the client's copy
        assertThat(MrJob.submittedConf(client, submitDir).get("tusk.test.key")).isEqualTo("client");

        // a final parameter the program set: what a parse of job.xml gives
        client.set("tusk.test.final", "program");
        assertThat(MrJob.submittedConf(client, submitDir).get("tusk.test.key")).isEqualTo("submitted");
    }

    private Path writeJobXml(String name, String value)
            throws IOException
    {
        Configuration written = new Configuration(false);
        written.set("tusk.test.key", value);
        java.nio.file.Path dir = Files.createDirectories(directory.resolve(name));
        try (OutputStream out = Files.newOutputStream(dir.resolve("job.xml"))) {
            written.writeXml(out);
        }
        return new Path(dir.toUri().toString());
    }
}
