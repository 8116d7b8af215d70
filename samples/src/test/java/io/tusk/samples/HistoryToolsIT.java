package io.tusk.samples;

import io.tusk.io.history.HistoryServer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a job leaves behind for the tools that look at it after its process has ended, as users run
 * them: {@code bin/tusk jar} writes the job's Hadoop history and Tusk's event log;
 * {@code bin/tusk job -history <job id>} prints the job from the history in a new process; Tusk's
 * history server shows the job, its stages, tasks and counters from the event log.
 */
class HistoryToolsIT
{
    private static final Path EXAMPLES = Path.of("target/lib/hadoop-mapreduce-examples-3.4.2.jar").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void aJobsHistoryIsReadByHadoopsJobCommandAndTusksHistoryServerAfterItsProcessEnded()
            throws Exception
    {
        Path history = work.resolve("history");
        String historyOption = "mapreduce.jobhistory.intermediate-done-dir=" + history;
        List<String> command = new ArrayList<>(TestProcesses.tusk("jar"));
        command.addAll(List.of(EXAMPLES.toString(), "wordcount", "-D", historyOption, TestProcesses.HOME.resolve("samples/data/words").toString(),
                work.resolve("out").toString()));
        TestProcesses.Result job = TestProcesses.run(command, work, work.resolve("job.txt"));
        assertThat(job.exitCode()).as(job.log()).isZero();
        Matcher id = Pattern.compile("Running job: (job_[0-9]+_0001)").matcher(job.log());
        assertThat(id.find()).as(job.log()).isTrue();
        Matcher inputRecords = Pattern.compile("Map input records=([0-9]+)").matcher(job.log());
        assertThat(inputRecords.find()).isTrue();
        assertThat(job.log()).contains("Tusk UI: http://127.0.0.1:").contains("The url to track the job: http://127.0.0.1:");

        Path userDirectory = history.resolve(UserGroupInformation.getCurrentUser().getShortUserName());
        try (Stream<Path> files = Files.list(userDirectory)) {
            assertThat(files.map(file -> file.getFileName().toString()).toList())
                    .anyMatch(name -> name.startsWith(id.group(1) + "-") && name.endsWith(".jhist"))
                    .contains(id.group(1) + "_conf.xml")
                    .anyMatch(name -> name.startsWith("tusk-") && name.endsWith(".events.avro"))
                    .noneMatch(name -> name.endsWith(".inprogress") || name.endsWith("_tmp") || name.endsWith(".crc"));
        }

        // Hadoop's job command, in a process of its own, by the job's id
        List<String> show = new ArrayList<>(TestProcesses.tusk("job"));
        show.addAll(List.of("-D", historyOption, "-history", id.group(1)));
        TestProcesses.Result shown = TestProcesses.run(show, work, work.resolve("history.txt"));
        assertThat(shown.exitCode()).as(shown.log()).isZero();
        assertThat(shown.log()).contains("Hadoop job: " + id.group(1)).contains("Status: SUCCEEDED").contains("JobName: word count")
                .containsPattern("Map input records\\s*\\|" + String.format("%,d", Long.parseLong(inputRecords.group(1))).replace(",", "\\,"));

        // Tusk's history server
        try (HistoryServer server = HistoryServer.start(new Configuration(), new org.apache.hadoop.fs.Path(userDirectory.toUri()),
                InetAddress.getLoopbackAddress(), 0)) {
            HttpClient client = HttpClient.newHttpClient();
            String jobs = client.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/jobs")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(jobs).contains("\"description\":\"" + id.group(1) + "\"").contains("\"kind\":\"MapReduce\"").contains("\"name\":\"word count\"")
                    .contains("\"state\":\"SUCCEEDED\"").contains("\"tasks\":3,\"succeededTasks\":3");
            URI detail = server.uri().resolve("/api/v1/jobs/0");
            String shownJob = client.send(HttpRequest.newBuilder(detail).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(shownJob).contains("\"Map input records\":" + inputRecords.group(1)).contains("\"kind\":\"shuffle map\"");
            String page = client.send(HttpRequest.newBuilder(server.uri()).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("<title>Tusk");
        }
    }
}
