package io.tusk.io.history;

import io.tusk.engine.status.StatusStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AvroJobLogTest
{
    @TempDir
    java.nio.file.Path temp;

    private static StatusStore.JobRecord job(int id, String name, long submitted)
    {
        StatusStore.AttemptRecord attempt = new StatusStore.AttemptRecord(0, 0, StatusStore.State.SUCCEEDED, submitted + 1, submitted + 5, "local",
                "localhost", "NO_PREFERENCE", null, 40, 1_000, 300);
        StatusStore.AttemptRecord failed = new StatusStore.AttemptRecord(1, 0, StatusStore.State.FAILED, submitted + 1, submitted + 3, "local",
                "localhost", "NO_PREFERENCE", "java.lang.IllegalStateException: boom", 0, 0, 0);
        StatusStore.StageRecord stage = new StatusStore.StageRecord(3, "map at X.java:1", true, 2, List.of(), List.of("map at X.java:1 (MEMORY, cached)"),
                StatusStore.State.SUCCEEDED, submitted,
                submitted + 6, List.of(attempt, failed));
        StatusStore.StageRecord result = new StatusStore.StageRecord(4, "collect at X.java:2", false, 1, List.of(3), List.of(), StatusStore.State.SUCCEEDED,
                submitted + 6, submitted + 9, List.of());
        return new StatusStore.JobRecord(id, "job " + name, "MapReduce", name, "alice", StatusStore.State.SUCCEEDED, submitted, submitted + 10, null,
                List.of(stage, result), Map.of("Map-Reduce Framework", Map.of("Map input records", 7L + id)));
    }

    @Test
    void jobsReadBackWhileTheLogIsWrittenAndAfterItIsComplete()
            throws Exception
    {
        AvroJobLog log = new AvroJobLog(new Path(temp.toUri()), new Configuration());
        log.append(() -> job(0, "first", 1_000));
        log.append(() -> {
            throw new IllegalStateException("not this one");
        });
        awaitFile(log);
        assertThat(log.path().getName()).endsWith(".events.avro.inprogress");

        try (HistoryServer server = HistoryServer.start(new Configuration(), new Path(temp.toUri()), InetAddress.getLoopbackAddress(), 0)) {
            String jobs = get(server, "/api/v1/jobs");
            assertThat(jobs).contains("\"description\":\"job first\"").contains("\"user\":\"alice\"");
            assertThat(get(server, "/api/v1/jobs/0")).contains("\"Map input records\":7").contains("\"parents\":[3]")
                    .contains("\"cached\":[\"map at X.java:1 (MEMORY, cached)\"]");
            assertThat(get(server, "/api/v1/jobs/0/stages/3")).contains("java.lang.IllegalStateException: boom").contains("\"durationMillis\":4").contains("\"shuffleRecords\":40,\"shuffleBytes\":1000,\"spilledBytes\":300");
        }
        log.close();
        try (Stream<java.nio.file.Path> files = Files.list(temp)) {
            assertThat(files.map(file -> file.getFileName().toString())).singleElement().asString().matches("tusk-[0-9]+-[0-9]+\\.events\\.avro");
        }
    }

    @Test
    void theLogOfAKilledProcessReadsBackToItsLastWholeJob()
            throws Exception
    {
        AvroJobLog log = new AvroJobLog(new Path(temp.resolve("live").toUri()), new Configuration());
        log.append(() -> job(0, "first", 1_000));
        log.append(() -> job(1, "second", 2_000));
        awaitFile(log);
        java.nio.file.Path written = java.nio.file.Path.of(log.path().toUri());
        for (long until = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < until; Thread.sleep(20)) {
            if (new String(Files.readAllBytes(written), java.nio.charset.StandardCharsets.ISO_8859_1).contains("second")) {
                break;
            }
        }
        // the process died while writing the second job: its log ends in the middle of it
        byte[] bytes = Files.readAllBytes(written);
        java.nio.file.Path killed = Files.createDirectories(temp.resolve("killed")).resolve(written.getFileName());
        Files.write(killed, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        log.close();

        HistoryServer server = HistoryServer.start(new Configuration(), new Path(temp.resolve("killed").toUri()), InetAddress.getLoopbackAddress(), 0);
        try (server) {
            String jobs = get(server, "/api/v1/jobs");
            assertThat(jobs).contains("\"description\":\"job first\"").doesNotContain("job second");
            // the complete log, once there, adds its second job and only that
            Files.copy(temp.resolve("live").resolve(written.getFileName().toString().replace(".inprogress", "")),
                    temp.resolve("killed").resolve(written.getFileName().toString().replace(".inprogress", "")));
            Files.delete(killed);
            assertThat(server.refresh()).isEqualTo(1);
            assertThat(get(server, "/api/v1/jobs")).contains("job second").containsOnlyOnce("job first");
        }
    }

    @Test
    void aLogThatCannotBeWrittenIsGivenUpWithoutFailingAnything()
            throws Exception
    {
        java.nio.file.Path file = Files.writeString(temp.resolve("a file, not a directory"), "x");
        AvroJobLog log = new AvroJobLog(new Path(file.resolve("logs").toUri()), new Configuration());
        log.append(() -> job(0, "first", 1_000));
        log.close();
        assertThat(log.path()).isNull();
    }

    private static void awaitFile(AvroJobLog log)
            throws InterruptedException
    {
        for (long until = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < until && log.path() == null; Thread.sleep(10)) {
            // written on the log's thread
        }
        assertThat(log.path()).isNotNull();
    }

    private static String get(HistoryServer server, String path)
            throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
