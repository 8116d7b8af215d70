package io.tusk.engine.ui;

import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.dataset.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A context's web UI: its pages and JSON API over HTTP, on the loopback address, while and after it runs jobs. */
class UiServerIT
{
    @TempDir
    Path temp;

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(URI base, String path)
            throws Exception
    {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI awaitUi(Tusk tusk)
            throws InterruptedException
    {
        // the UI starts in the background: asking with a wait gets its address as soon as it is up
        return tusk.uiAddress(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError("the UI did not start"));
    }

    @Test
    void servesTheJobsTheirStagesAndTasksAndThePages()
            throws Exception
    {
        try (Tusk tusk = Tusk.create(TuskConfig.fromProperties(Map.of()).withThreads(2).withLocalDir(temp))) {
            URI ui = awaitUi(tusk);
            assertThat(ui.getHost()).isEqualTo("127.0.0.1");
            Map<String, Long> counts = tusk.parallelize(List.of("a b", "b c", "c c"), 3)
                    .flatMap(line -> List.of(line.split(" ")).iterator())
                    .mapToPair(word -> Pair.of(word, 1L))
                    .reduceByKey(Long::sum, 2)
                    .collectAsMap();
            assertThat(counts).containsEntry("c", 3L);

            String jobs = get(ui, "/api/v1/jobs").body();
            assertThat(jobs).contains("\"state\":\"SUCCEEDED\"").contains("\"kind\":\"Dataset\"").contains("\"tasks\":5,\"succeededTasks\":5");
            int job = Integer.parseInt(jobs.replaceAll("(?s).*?\"jobs\":\\[\\{\"id\":(\\d+).*", "$1"));
            String detail = get(ui, "/api/v1/jobs/" + job).body();
            assertThat(detail).contains("\"kind\":\"shuffle map\"").contains("\"kind\":\"result\"").contains("reduceByKey");
            int mapStage = Integer.parseInt(detail.replaceAll("(?s).*?\\{\"id\":(\\d+),\"name\":\"[^\"]*\",\"kind\":\"shuffle map\".*", "$1"));
            String stage = get(ui, "/api/v1/jobs/" + job + "/stages/" + mapStage).body();
            assertThat(stage).contains("\"partition\":0").contains("\"partition\":2").contains("\"executor\":\"local\"").contains("\"host\":\"localhost\"")
                    .doesNotContain("\"partition\":3");

            assertThat(get(ui, "/api/v1/executors").body()).contains("\"id\":\"local\"").contains("\"succeededTasks\":5");

            // a cached dataset: the stage that computes it says so, and the next job's stage reads it from the cache
            var words = tusk.parallelize(List.of("x y", "y"), 2).flatMap(line -> List.of(line.split(" ")).iterator()).cache();
            assertThat(words.count()).isEqualTo(3);
            assertThat(words.count()).isEqualTo(3);
            String cachedJobs = get(ui, "/api/v1/jobs").body();
            assertThat(cachedJobs).contains("(MEMORY_ONLY, cached as computed)\"]").contains("(MEMORY_ONLY, cached)\"]");
            assertThat(get(ui, "/api/v1/memory").body()).contains("\"budget\":" + tusk.config().memoryBudget());
            HttpResponse<String> index = get(ui, "/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(index.body()).contains("/static/app.js").doesNotContain("http://").doesNotContain("https://");
            assertThat(get(ui, "/static/app.js").body()).contains("/api/v1/jobs");
            assertThat(get(ui, "/api/v1/jobs/999999").statusCode()).isEqualTo(404);
            assertThat(get(ui, "/nothing").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aContextWithTheUiTurnedOffServesNone()
            throws Exception
    {
        try (Tusk tusk = Tusk.create(TuskConfig.fromProperties(Map.of(Tusk.UI_ENABLED, "false")).withThreads(1).withLocalDir(temp))) {
            assertThat(tusk.uiAddress(Duration.ofSeconds(30))).isEmpty();
            Thread.sleep(300);
            assertThat(tusk.uiAddress()).isEmpty();
        }
    }
}
