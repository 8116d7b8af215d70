package io.tusk.mr;

import com.sun.net.httpserver.HttpServer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mapreduce.job.end-notification.url}: when a job ends, Tusk calls the URL with the job's id
 * and final state filled in, retrying as configured, as Hadoop's LocalJobRunner does.
 */
class JobEndNotificationIT
{
    @TempDir
    Path temp;
    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    /** Status codes to answer, in order; 200 once empty. */
    private final Deque<Integer> answers = new ArrayDeque<>();

    @BeforeEach
    void start()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/end", exchange -> {
            received.add(exchange.getRequestURI().getQuery());
            Integer code;
            synchronized (answers) {
                code = answers.poll();
            }
            exchange.sendResponseHeaders(code == null ? 200 : code, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop()
    {
        server.stop(0);
    }

    private String url()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/end?id=$jobId&status=$jobStatus";
    }

    /** Fails on every record. */
    public static class FailingMapper
            extends Mapper<LongWritable, Text, Text, IntWritable>
    {
        @Override
        protected void map(LongWritable key, Text value, Context context)
        {
            throw new IllegalStateException("this mapper fails");
        }
    }

    private Job job(String framework, Path input, Path output, Class<? extends Mapper> mapper)
            throws IOException
    {
        Configuration conf = Differential.conf(framework);
        conf.set("mapreduce.job.end-notification.url", url());
        conf.setInt("mapreduce.map.maxattempts", 1);
        Job job = Job.getInstance(conf, "notified");
        job.setMapperClass(mapper);
        job.setReducerClass(TestJobs.SumReducer.class);
        job.setOutputKeyClass(Text.class);
        job.setOutputValueClass(IntWritable.class);
        FileInputFormat.addInputPath(job, new org.apache.hadoop.fs.Path(input.toString()));
        FileOutputFormat.setOutputPath(job, new org.apache.hadoop.fs.Path(output.toString()));
        return job;
    }

    private void awaitNotifications(int count)
            throws InterruptedException
    {
        long until = System.currentTimeMillis() + 20_000;
        while (received.size() < count && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
    }

    @Test
    void endedJobsAreNotifiedAsOnTheLocalJobRunner()
            throws Exception
    {
        Path input = temp.resolve("in");
        Differential.writeWords(input, 3, 2, 200, 6, 5, 20);

        Job hadoop = job("local", input, temp.resolve("out-local"), TestJobs.WordMapper.class);
        assertThat(hadoop.waitForCompletion(false)).isTrue();
        awaitNotifications(1);
        assertThat(received).containsExactly("id=" + hadoop.getJobID() + "&status=SUCCEEDED");
        received.clear();

        Job tusk = job("tusk", input, temp.resolve("out-tusk"), TestJobs.WordMapper.class);
        assertThat(tusk.waitForCompletion(false)).isTrue();
        assertThat(received).as("notified before the job reports its end").containsExactly("id=" + tusk.getJobID() + "&status=SUCCEEDED");
        received.clear();

        Job failing = job("tusk", input, temp.resolve("out-failing"), FailingMapper.class);
        assertThat(failing.waitForCompletion(false)).isFalse();
        assertThat(received).containsExactly("id=" + failing.getJobID() + "&status=FAILED");
    }

    @Test
    void failedNotificationsAreRetriedAsConfiguredAndNeverFailTheJob()
            throws Exception
    {
        Path input = temp.resolve("in");
        Differential.writeWords(input, 5, 1, 50, 4, 3, 10);
        synchronized (answers) {
            answers.add(500);
            answers.add(503);
        }
        Job retried = job("tusk", input, temp.resolve("out-retried"), TestJobs.WordMapper.class);
        retried.getConfiguration().setInt("mapreduce.job.end-notification.retry.attempts", 3);
        retried.getConfiguration().setInt("mapreduce.job.end-notification.retry.interval", 50);
        assertThat(retried.waitForCompletion(false)).isTrue();
        assertThat(received).hasSize(3).allMatch(query -> query.equals("id=" + retried.getJobID() + "&status=SUCCEEDED"));
        received.clear();

        // nobody listens: the job still succeeds
        Job unheard = job("tusk", input, temp.resolve("out-unheard"), TestJobs.WordMapper.class);
        unheard.getConfiguration().set("mapreduce.job.end-notification.url", "http://127.0.0.1:1/end?id=$jobId");
        unheard.getConfiguration().setInt("mapreduce.job.end-notification.retry.interval", 10);
        assertThat(unheard.waitForCompletion(false)).isTrue();
    }
}
