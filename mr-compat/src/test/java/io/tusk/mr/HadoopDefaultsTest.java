package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.JobConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's copies of Hadoop's default configuration files read as the originals do, without
 * the descriptions that made up most of their bytes.
 */
class HadoopDefaultsTest
{
    @TempDir
    Path work;

    @Test
    void aConfigurationOverTheTrimmedJarReadsWhatHadoopsOwnFilesSay()
            throws Exception
    {
        Path jar = work.resolve("defaults.jar");
        HadoopDefaults.main(new String[] {jar.toString()});
        try (JarFile written = new JarFile(jar.toFile())) {
            assertThat(written.getEntry("core-default.xml")).isNotNull();
            assertThat(written.getEntry("mapred-default.xml")).isNotNull();
            long original = Configuration.class.getClassLoader().getResource("core-default.xml").openConnection().getContentLengthLong();
            assertThat(written.getEntry("core-default.xml").getSize()).isLessThan(original / 2);
            assertThat(new String(written.getInputStream(written.getEntry("core-default.xml")).readAllBytes(), StandardCharsets.UTF_8))
                    .doesNotContain("<description>").contains("<name>fs.defaultFS</name>");
        }

        // the same files make the same jar, which is left as it is (with its time)
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(jar, old);
        byte[] bytes = Files.readAllBytes(jar);
        HadoopDefaults.main(new String[] {jar.toString()});
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(old);
        assertThat(Files.readAllBytes(jar)).isEqualTo(bytes);

        ClassLoader parent = getClass().getClassLoader();
        try (URLClassLoader trimmedFirst = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve)
                    throws ClassNotFoundException
            {
                return parent.loadClass(name);
            }

            @Override
            public URL getResource(String name)
            {
                URL own = findResource(name);
                return own != null ? own : parent.getResource(name);
            }
        }) {
            assertThat(trimmedFirst.getResource("core-default.xml").toString()).startsWith("jar:" + jar.toUri().toURL());
            Map<String, String> trimmed = everything(trimmedFirst);
            Map<String, String> original = everything(parent);
            assertThat(trimmed).hasSizeGreaterThan(500).isEqualTo(original);
        }
    }

    @Test
    void descriptionsGoWithTheirLinesAndNothingElseDoes()
    {
        String xml = """
                <configuration>
                <property>
                  <name>a</name>
                  <value>1</value>
                  <description>what a
                    says</description>
                </property>
                <property><name>b</name><value>2</value><description>b</description><final>true</final></property>
                </configuration>
                """;
        assertThat(HadoopDefaults.withoutDescriptions(xml)).isEqualTo("""
                <configuration>
                <property>
                  <name>a</name>
                  <value>1</value>
                </property>
                <property><name>b</name><value>2</value><final>true</final></property>
                </configuration>
                """);
        assertThat(HadoopDefaults.trimmed("test-default.xml", xml.getBytes(StandardCharsets.UTF_8))).isPresent();
    }

    @Test
    void aFileThatReadsDifferentlyWithoutItsDescriptionsIsLeftAsItIs()
    {
        // the element's text is a value here: stripping it would change what Hadoop reads
        String xml = """
                <configuration>
                <property><name>a</name><value><![CDATA[x<description>inner</description>z]]></value></property>
                </configuration>
                """;
        assertThat(HadoopDefaults.withoutDescriptions(xml)).doesNotContain("inner");
        assertThat(HadoopDefaults.trimmed("test-default.xml", xml.getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(HadoopDefaults.trimmed("test-default.xml", "<configuration/>".getBytes(StandardCharsets.UTF_8))).as("nothing to trim").isEmpty();
    }

    /** Every property of a job's configuration (core and MapReduce defaults) as {@code loader} finds them, with finality and sources. */
    private static Map<String, String> everything(ClassLoader loader)
    {
        Configuration conf = new Configuration(false);
        conf.setClassLoader(loader);
        conf.addResource("core-default.xml");
        conf.addResource("mapred-default.xml");
        Map<String, String> read = new TreeMap<>();
        for (Map.Entry<String, String> property : conf) {
            String key = property.getKey();
            read.put(key, property.getValue() + " final=" + conf.getFinalParameters().contains(key) + " sources=" + String.join(",", conf.getPropertySources(key)));
        }
        assertThat(new JobConf(conf).get("mapreduce.task.io.sort.mb")).isEqualTo("100");
        return read;
    }
}
