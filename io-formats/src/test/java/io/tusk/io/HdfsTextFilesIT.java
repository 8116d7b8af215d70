package io.tusk.io;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.dataset.Pair;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HdfsTextFilesIT
{
    private static MiniDFSCluster cluster;
    private static java.nio.file.Path base;

    @BeforeAll
    static void startCluster()
            throws IOException
    {
        base = Files.createTempDirectory("tusk-hdfs");
        Configuration configuration = new Configuration();
        configuration.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        configuration.setLong("dfs.blocksize", 1024 * 1024);
        cluster = new MiniDFSCluster.Builder(configuration).numDataNodes(2).build();
        cluster.waitActive();
    }

    @AfterAll
    static void stopCluster()
            throws IOException
    {
        if (cluster != null) {
            cluster.shutdown(true);
        }
        org.apache.hadoop.fs.FileUtil.fullyDelete(base.toFile());
    }

    @Test
    void wordCountFromHdfsToHdfs()
            throws IOException
    {
        FileSystem fs = cluster.getFileSystem();
        String root = fs.getUri().toString();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            lines.add("word" + (i % 10) + " common");
        }
        try (FSDataOutputStream out = fs.create(new Path("/in/words.txt"))) {
            out.write(String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
        }

        try (Tusk tusk = Tusk.create(TuskConfig.fromProperties(Map.of()).withThreads(2).withMemoryBudget(32 << 20))) {
            var words = tusk.textFile(root + "/in/words.txt", 2);
            assertThat(words.node().preferredHosts(0)).as("splits know their block hosts").isNotEmpty();
            words.flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                    .mapToPair(word -> Pair.of(word, 1L))
                    .reduceByKey(Long::sum, 2)
                    .sortByKey()
                    .map(pair -> pair.key() + "\t" + pair.value())
                    .saveAsTextFile(root + "/out");
        }

        assertThat(fs.exists(new Path("/out/_SUCCESS"))).isTrue();
        List<String> result = new ArrayList<>();
        for (var status : fs.listStatus(new Path("/out"), path -> path.getName().startsWith("part-"))) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(status.getPath()), StandardCharsets.UTF_8))) {
                reader.lines().forEach(result::add);
            }
        }
        List<String> expected = new ArrayList<>();
        expected.add("common\t60000");
        for (int i = 0; i < 10; i++) {
            expected.add("word" + i + "\t6000");
        }
        assertThat(result).containsExactlyElementsOf(expected);
    }
}
