package io.tusk.mr;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import io.tusk.mr.counters.OutputCacheCounter;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter;
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

    /**
     * The chain of OutputCacheIT on HDFS: outputs and counters equal with the cache on, off and on
     * the LocalJobRunner, the input format's BYTES_READ included (HDFS counts the bytes the reader
     * takes), the output format's BYTES_WRITTEN equal to the bytes of the job's files; the later
     * jobs read from memory and less from HDFS; a file rewritten with the same length through
     * another client, or appended to, is then read from HDFS.
     */
    @Test
    void chainOnHdfsReadsFromMemory()
            throws Exception
    {
        FileSystem fs = cluster.getFileSystem();
        String root = fs.getUri().toString();
        java.nio.file.Path text = Files.createTempDirectory("tusk-chain-text");
        Differential.writeWords(text, 9, 2, 500, 8, 5, 40);
        for (String name : new String[] {"part0.txt", "part1.txt"}) {
            fs.copyFromLocalFile(new Path(text.resolve(name).toString()), new Path("/chain-in/" + name));
        }
        org.apache.hadoop.fs.FileUtil.fullyDelete(text.toFile());

        Map<String, java.util.List<org.apache.hadoop.mapreduce.Counters>> counters = new TreeMap<>();
        for (String run : new String[] {"local", "cached", "uncached"}) {
            Configuration conf = OutputCacheIT.conf(run.equals("local") ? "local" : "tusk", !run.equals("uncached"));
            conf.set("fs.defaultFS", root);
            counters.put(run, OutputCacheIT.chain(conf, root + "/chain-in", root + "/chain-" + run, run.equals("cached")));
        }
        for (String job : new String[] {"1", "2", "3"}) {
            Map<String, String> expected = read(fs, new Path("/chain-local/" + job));
            assertThat(read(fs, new Path("/chain-cached/" + job))).as("output %s with the cache", job).isEqualTo(expected);
            assertThat(read(fs, new Path("/chain-uncached/" + job))).as("output %s without the cache", job).isEqualTo(expected);
        }
        for (int job = 0; job < 3; job++) {
            // the LocalJobRunner's BYTES_WRITTEN is the change in the process's HDFS statistics while
            // its task ran, so another thread's writes at that time (an earlier job's history) count
            // in it too: Tusk's is compared with the bytes of the job's files instead
            Map<String, Long> expected = withoutBytesWritten(OutputCacheIT.values(counters.get("local").get(job), FileInputFormatCounter.BYTES_READ));
            for (String run : new String[] {"cached", "uncached"}) {
                assertThat(withoutBytesWritten(OutputCacheIT.values(counters.get(run).get(job), FileInputFormatCounter.BYTES_READ)))
                        .as("counters of job %s, %s", job + 1, run).isEqualTo(expected);
                assertThat(counters.get(run).get(job).findCounter(FileOutputFormatCounter.BYTES_WRITTEN).getValue())
                        .as("bytes written by job %s, %s", job + 1, run).isEqualTo(fs.getContentSummary(new Path("/chain-" + run + "/" + (job + 1))).getLength()).isPositive();
            }
        }
        for (int job = 1; job < 3; job++) {
            org.apache.hadoop.mapreduce.Counters cached = counters.get("cached").get(job);
            assertThat(cached.findCounter(OutputCacheCounter.RECORDS_FROM_MEMORY).getValue())
                    .isEqualTo(cached.findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS).getValue()).isPositive();
            assertThat(cached.findCounter("FileSystemCounters", "HDFS_BYTES_READ").getValue())
                    .isLessThan(counters.get("uncached").get(job).findCounter("FileSystemCounters", "HDFS_BYTES_READ").getValue());
        }

        // a rewrite of the same length through another client, and an append
        Configuration conf = OutputCacheIT.conf("tusk", true);
        conf.set("fs.defaultFS", root);
        assertThat(OutputCacheIT.wordCount(conf, root + "/chain-in", root + "/changed/1").waitForCompletion(false)).isTrue();
        try (FileSystem other = FileSystem.newInstance(fs.getUri(), conf)) {
            Path rewritten = new Path("/changed/1/part-r-00000");
            byte[] bytes;
            try (var in = other.open(rewritten)) {
                bytes = in.readAllBytes();
            }
            try (FSDataOutputStream out = other.create(rewritten, true)) {
                out.write(new String(bytes, StandardCharsets.UTF_8).replace('c', 'q').getBytes(StandardCharsets.UTF_8));
            }
            try (FSDataOutputStream out = other.append(new Path("/changed/1/part-r-00001"))) {
                out.write("appended\t3\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        Job next = OutputCacheIT.wordsPerCount(conf, root + "/changed/1", root + "/changed/2");
        assertThat(next.waitForCompletion(false)).isTrue();
        assertThat(next.getCounters().findCounter(OutputCacheCounter.SPLITS_FROM_MEMORY).getValue()).isZero();
        Configuration local = OutputCacheIT.conf("local", true);
        local.set("fs.defaultFS", root);
        assertThat(OutputCacheIT.wordsPerCount(local, root + "/changed/1", root + "/changed/expected").waitForCompletion(false)).isTrue();
        assertThat(read(fs, new Path("/changed/2"))).isEqualTo(read(fs, new Path("/changed/expected")));
    }

    private static Map<String, Long> withoutBytesWritten(Map<String, Long> values)
    {
        Map<String, Long> kept = new TreeMap<>(values);
        kept.remove(FileOutputFormatCounter.BYTES_WRITTEN.name());
        return kept;
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
