package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.v2.hs.JobHistoryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hadoop's own JobHistory server takes the history a Tusk job leaves, as it takes the MapReduce
 * application master's: it lists the job with its state, tasks and counters in its REST API.
 */
class JobHistoryServerIT
{
    @TempDir
    Path temp;

    @Test
    void hadoopsJobHistoryServerListsATuskJobWithItsTasksAndCounters()
            throws Exception
    {
        // this module's test JVMs resolve names from the hosts file the cluster of the other tests writes: write it, in case this test runs first
        MultiHostCluster.writeHostsFile();
        Configuration conf = new Configuration();
        conf.set("fs.defaultFS", "file:///");
        conf.set("mapreduce.jobhistory.intermediate-done-dir", temp.resolve("intermediate").toString());
        conf.set("mapreduce.jobhistory.done-dir", temp.resolve("done").toString());
        conf.set("mapreduce.framework.name", "tusk");
        conf.setInt("mapreduce.client.completion.pollinterval", 50);

        Path input = Files.createDirectories(temp.resolve("in"));
        Files.write(input.resolve("a.txt"), List.of("a b c", "b c", "c"));
        Files.write(input.resolve("b.txt"), List.of("d d", "a"));
        Job job = TestJobs.wordCount(conf, input.toUri().toString(), temp.resolve("out").toUri().toString());
        assertThat(job.waitForCompletion(false)).isTrue();
        String id = job.getJobID().toString();
        long inputRecords = job.getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue();

        Configuration server = new Configuration(conf);
        server.set("mapreduce.jobhistory.address", "localhost:0");
        server.set("mapreduce.jobhistory.webapp.address", "localhost:0");
        server.set("mapreduce.jobhistory.admin.address", "localhost:0");
        JobHistoryServer history = new JobHistoryServer();
        history.init(server);
        history.start();
        try {
            URI web = URI.create("http://" + history.getConfig().get("mapreduce.jobhistory.webapp.address") + "/ws/v1/history/mapreduce/jobs");
            HttpClient client = HttpClient.newHttpClient();
            String jobs = "";
            for (long until = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < until && !jobs.contains(id); Thread.sleep(200)) {
                jobs = get(client, web);
            }
            assertThat(jobs).contains("\"id\":\"" + id + "\"").contains("\"state\":\"SUCCEEDED\"").contains("\"name\":\"word count\"")
                    .contains("\"mapsTotal\":2").contains("\"mapsCompleted\":2");
            assertThat(get(client, URI.create(web + "/" + id + "/tasks"))).contains("\"type\":\"MAP\"").contains("\"type\":\"REDUCE\"")
                    .contains("\"state\":\"SUCCEEDED\"");
            String counters = get(client, URI.create(web + "/" + id + "/counters"));
            assertThat(counters).containsPattern("\"name\":\"MAP_INPUT_RECORDS\",\"totalCounterValue\":" + inputRecords + ",\"mapCounterValue\":" + inputRecords);
        }
        finally {
            history.stop();
        }
    }

    private static String get(HttpClient client, URI uri)
            throws Exception
    {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "";
    }
}
