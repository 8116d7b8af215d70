package io.tusk.mr.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.mapred.JobConf;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationBytesTest
{
    /**
     * Hadoop's serialized form byte for byte, and read back by Hadoop: every key with its value
     * and its sources — defaults, a loaded resource, keys set by code, with a source of their own,
     * and deprecated keys.
     */
    @Test
    void writesWhatHadoopWritesAndReadsBackWithEverySource()
            throws Exception
    {
        JobConf conf = new JobConf();
        conf.addResource(new ByteArrayInputStream(("<configuration><property><name>tusk.test.loaded</name><value>from xml</value></property>"
                + "<property><name>mapreduce.job.reduces</name><value>5</value></property></configuration>").getBytes(StandardCharsets.UTF_8)),
                "tusk-test-resource.xml");
        conf.set("tusk.test.set", "by code");
        conf.set("tusk.test.sourced", "with a source", "tusk-test-source");
        conf.set("mapred.reduce.tasks", "3");
        conf.set("tusk.test.\u00e9t\u00e9", "\u00e9t\u00e9 \u2603");
        conf.setClassLoader(getClass().getClassLoader());

        byte[] bytes = ConfigurationBytes.of(conf);

        // Hadoop's own write of a copy (a copy's properties iterate as those of every copy of the same configuration)
        DataOutputBuffer hadoop = new DataOutputBuffer();
        new Configuration(conf).write(hadoop);
        assertThat(bytes).isEqualTo(java.util.Arrays.copyOf(hadoop.getData(), hadoop.getLength()));
        Configuration read = new Configuration(false);
        DataInputBuffer in = new DataInputBuffer();
        in.reset(bytes, bytes.length);
        read.readFields(in);
        assertThat(in.available()).isZero();
        int keys = 0;
        for (Map.Entry<String, String> entry : conf) {
            assertThat(read.getRaw(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
            if (!Configuration.isDeprecated(entry.getKey()) && !entry.getKey().equals("mapreduce.job.reduces")) {
                // (Hadoop's own reading sets a deprecated key's sources and its new name's as it meets them, in hash order)
                assertThat(read.getPropertySources(entry.getKey())).as(entry.getKey()).isEqualTo(conf.getPropertySources(entry.getKey()));
            }
            keys++;
        }
        assertThat(read.size()).isEqualTo(keys);
        assertThat(keys).isGreaterThan(100);
        assertThat(read.getPropertySources("tusk.test.sourced")).containsExactly("tusk-test-source");
        assertThat(read.getPropertySources("tusk.test.loaded")).containsExactly("tusk-test-resource.xml");
        assertThat(read.getPropertySources("fs.defaultFS")).containsExactly("core-default.xml");
        assertThat(read.get("mapreduce.job.reduces")).isEqualTo("3");
    }
}
