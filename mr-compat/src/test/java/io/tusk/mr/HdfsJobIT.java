package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The same job reading and writing hdfs:// paths on a MiniDFSCluster, on both runners. */
class HdfsJobIT
{
    private static MiniDFSCluster cluster;
    private static java.nio.file.Path base;

    @BeforeAll
    static void startCluster()
            throws IOException
    {
        base = Files.createTempDirectory("tusk-mr-hdfs");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        conf.setLong("dfs.namenode.fs-limits.min-block-size", 64 * 1024);
        conf.setLong("dfs.blocksize", 256 * 1024);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(2).build();
        cluster.waitActive();
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null) {
            cluster.shutdown(true);
        }
        org.apache.hadoop.fs.FileUtil.fullyDelete(base.toFile());
    }

    @Test
    void wordCountOnHdfs()
            throws Exception
    {
        FileSystem fs = cluster.getFileSystem();
        String root = fs.getUri().toString();
        try (FSDataOutputStream out = fs.create(new Path("/in/text.txt"))) {
            StringBuilder text = new StringBuilder();
            for (int line = 0; line < 40_000; line++) {
                text.append("w").append(line % 97).append(" x").append(line % 13).append('\n');
            }
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        Map<String, Map<String, String>> outputs = new TreeMap<>();
        for (String framework : new String[] {"local", "tusk"}) {
            Configuration conf = Differential.conf(framework);
            conf.set("fs.defaultFS", root);
            Job job = Job.getInstance(conf, "hdfs word count");
            job.setMapperClass(TestJobs.WordMapper.class);
            job.setCombinerClass(TestJobs.SumReducer.class);
            job.setReducerClass(TestJobs.SumReducer.class);
            job.setOutputKeyClass(Text.class);
            job.setOutputValueClass(IntWritable.class);
            job.setNumReduceTasks(2);
            FileInputFormat.addInputPath(job, new Path(root + "/in"));
            FileOutputFormat.setOutputPath(job, new Path(root + "/out-" + framework));
            assertThat(job.waitForCompletion(false)).as("job on %s", framework).isTrue();
            outputs.put(framework, read(fs, new Path("/out-" + framework)));
        }

        assertThat(outputs.get("tusk")).containsKeys("_SUCCESS", "part-r-00000", "part-r-00001").isEqualTo(outputs.get("local"));
    }

    private static Map<String, String> read(FileSystem fs, Path directory)
            throws IOException
    {
        Map<String, String> files = new TreeMap<>();
        for (FileStatus status : fs.listStatus(directory)) {
            try (var in = fs.open(status.getPath())) {
                files.put(status.getPath().getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }
}
