package io.tusk.mr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tusk.engine.Tusk;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.CounterGroup;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI of the process that runs MapReduce jobs: a running job with its running tasks, then
 * the finished job with its stages, tasks and the counters the driver reads.
 */
class WebUiIT
{
    @TempDir
    Path temp;

    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode get(URI ui, String path)
            throws Exception
    {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(ui.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    /** Counts words after the test lets its first record go. */
    public static class HeldMapper
            extends TestJobs.WordMapper
    {
        static final CountDownLatch STARTED = new CountDownLatch(1);
        static final CountDownLatch RELEASED = new CountDownLatch(1);

        @Override
        protected void map(LongWritable offset, Text line, Context context)
                throws java.io.IOException, InterruptedException
        {
            STARTED.countDown();
            RELEASED.await();
            super.map(offset, line, context);
        }
    }

    @Test
    void showsARunningJobThenItsStagesTasksAndCounters()
            throws Exception
    {
        Path input = temp.resolve("in");
        Differential.writeWords(input, 9, 2, 200, 8, 6, 30);
        Configuration conf = Differential.conf("tusk");
        Job job = TestJobs.wordCount(conf, input, temp.resolve("out"));
        job.setJobName("held word count");
        job.setMapperClass(HeldMapper.class);
        job.setNumReduceTasks(3);
        job.submit();
        assertThat(HeldMapper.STARTED.await(60, TimeUnit.SECONDS)).isTrue();
        URI ui = awaitUi();
        assertThat(job.getTrackingURL()).isEqualTo(ui + "#/find/" + job.getJobID());

        JsonNode running = jobNamed(get(ui, "/api/v1/jobs"), job.getJobID().toString());
        assertThat(running.get("state").asText()).isEqualTo("RUNNING");
        assertThat(running.get("kind").asText()).isEqualTo("MapReduce");
        assertThat(running.get("name").asText()).isEqualTo("held word count");
        assertThat(running.get("runningTasks").asInt()).isPositive();
        assertThat(running.get("tasks").asInt()).isEqualTo(2 + 3);

        HeldMapper.RELEASED.countDown();
        assertThat(job.waitForCompletion(false)).isTrue();
        Counters reported = job.getCounters();

        JsonNode done = get(ui, "/api/v1/jobs/" + running.get("id").asInt());
        assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.get("succeededTasks").asInt()).isEqualTo(5);
        JsonNode stages = done.get("stages");
        assertThat(stages).hasSize(2);
        JsonNode mapStage = stages.get(0);
        assertThat(mapStage.get("kind").asText()).isEqualTo("shuffle map");
        assertThat(mapStage.get("tasks").asInt()).isEqualTo(2);
        assertThat(stages.get(1).get("parents").get(0).asInt()).isEqualTo(mapStage.get("id").asInt());
        assertThat(stages.get(1).get("tasks").asInt()).isEqualTo(3);
        for (CounterGroup group : reported) {
            for (Counter counter : group) {
                assertThat(done.get("counters").get(group.getDisplayName()).get(counter.getDisplayName()).asLong())
                        .as("%s / %s", group.getDisplayName(), counter.getDisplayName()).isEqualTo(counter.getValue());
            }
        }

        JsonNode attempts = get(ui, "/api/v1/jobs/" + running.get("id").asInt() + "/stages/" + mapStage.get("id").asInt()).get("taskAttempts");
        assertThat(attempts).hasSize(2);
        for (JsonNode attempt : attempts) {
            assertThat(attempt.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(attempt.get("host").asText()).isEqualTo("localhost");
            assertThat(attempt.get("durationMillis").asLong()).isNotNegative();
        }
        assertThat(get(ui, "/api/v1/memory").get("budget").asLong()).isPositive();
    }

    private static JsonNode jobNamed(JsonNode jobs, String description)
    {
        for (JsonNode job : jobs.get("jobs")) {
            if (job.get("description").asText().equals(description)) {
                return job;
            }
        }
        throw new AssertionError("no job " + description + " in " + jobs);
    }

    private static URI awaitUi()
            throws InterruptedException
    {
        for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Thread.sleep(20)) {
            var ui = Tusk.openLocal().flatMap(Tusk::uiAddress);
            if (ui.isPresent()) {
                return ui.get();
            }
        }
        throw new AssertionError("no UI");
    }
}
