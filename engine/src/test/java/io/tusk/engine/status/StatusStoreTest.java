package io.tusk.engine.status;

import io.tusk.engine.plan.CollectionSource;
import io.tusk.engine.scheduler.Locality;
import io.tusk.engine.scheduler.Stage;
import io.tusk.engine.scheduler.TaskPlacement;
import io.tusk.engine.task.TaskAttemptId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusStoreTest
{
    @Test
    void jobsStagesAndAttemptsAsTheSchedulerReportsThem()
    {
        StatusStore store = new StatusStore(10);
        Stage stage = new Stage(4, new io.tusk.engine.plan.SourceNode(7, "parallelize at Test.java:1", new CollectionSource(List.of(1, 2, 3), 2)), null, List.of());
        store.jobSubmitted(1, "job_1_0001", List.of(stage), Map.of(4, List.of("parallelize at Test.java:1 (MEMORY, cached)")), 1_000);
        store.describe("job_1_0001", new StatusStore.Details()
        {
            @Override
            public String kind()
            {
                return "MapReduce";
            }

            @Override
            public String name()
            {
                return "word count";
            }

            @Override
            public String user()
            {
                return "alice";
            }

            @Override
            public Map<String, Map<String, Long>> counters()
            {
                return Map.of("Map-Reduce Framework", Map.of("Map input records", 42L));
            }
        });
        store.stageSubmitted(1, 4, 1_100);
        store.taskLaunched(new TaskAttemptId(1, 4, 0, 0), 1_200);
        store.taskLaunched(new TaskAttemptId(1, 4, 1, 0), 1_200);
        store.taskEnded(new TaskAttemptId(1, 4, 0, 0), new TaskPlacement("e1", "node-a", Locality.NODE_LOCAL), null, false,
                new io.tusk.engine.scheduler.TaskMetrics(30, 700, 200), 1_500);
        store.taskEnded(new TaskAttemptId(1, 4, 1, 0), new TaskPlacement("e2", "node-b", Locality.OFF_RACK), new IllegalStateException("bad record"), false,
                io.tusk.engine.scheduler.TaskMetrics.NONE, 1_600);

        assertThat(store.jobsJson()).contains("\"id\":1,\"description\":\"job_1_0001\",\"state\":\"RUNNING\"")
                .contains("\"kind\":\"MapReduce\",\"name\":\"word count\",\"user\":\"alice\"")
                .contains("\"tasks\":2,\"succeededTasks\":1,\"runningTasks\":0")
                .doesNotContain("counters");
        assertThat(store.jobJson(1)).contains("\"counters\":{\"Map-Reduce Framework\":{\"Map input records\":42}}")
                .contains("\"id\":4,\"name\":\"parallelize at Test.java:1\",\"kind\":\"result\",\"state\":\"RUNNING\"");
        assertThat(store.stageJson(1, 4))
                .contains("{\"partition\":0,\"attempt\":0,\"state\":\"SUCCEEDED\",\"started\":1200,\"ended\":1500,\"durationMillis\":300,\"executor\":\"e1\","
                        + "\"host\":\"node-a\",\"locality\":\"NODE_LOCAL\",\"error\":null,\"shuffleRecords\":30,\"shuffleBytes\":900,\"spilledBytes\":200}")
                .contains("\"shuffleRecords\":30,\"shuffleBytes\":900,\"spilledBytes\":200,\"parents\":[],\"cached\":[\"parallelize at Test.java:1 (MEMORY, cached)\"]")
                .contains("\"state\":\"FAILED\"").contains("java.lang.IllegalStateException: bad record");
        assertThat(store.executorsJson()).contains("\"id\":\"e1\",\"host\":\"node-a\",\"lost\":false,\"runningTasks\":0,\"succeededTasks\":1");

        store.taskLaunched(new TaskAttemptId(1, 4, 1, 1), 1_700);
        store.jobEnded(1, StatusStore.State.KILLED, "killed by the user", 1_800);
        assertThat(store.jobJson(1)).contains("\"state\":\"KILLED\"").contains("\"completed\":1800").contains("killed by the user");
        assertThat(store.stageJson(1, 4)).contains("\"partition\":1,\"attempt\":1,\"state\":\"KILLED\"");
        assertThat(store.jobJson(2)).isNull();
    }

    @Test
    void finishedJobsAreForgottenOldestFirstWhileTheirAttemptsExceedTheLimit()
    {
        StatusStore store = new StatusStore(100, 5);
        Stage stage = new Stage(0, new io.tusk.engine.plan.SourceNode(0, "source", new CollectionSource(List.of(1, 2, 3), 3)), null, List.of());
        for (int job = 0; job < 3; job++) {
            store.jobSubmitted(job, "job " + job, List.of(stage), Map.of(), job);
            for (int partition = 0; partition < 3; partition++) {
                store.taskLaunched(new TaskAttemptId(job, 0, partition, 0), job);
            }
            store.jobEnded(job, StatusStore.State.SUCCEEDED, null, job + 1);
        }
        // 9 attempts of 3 jobs, at most 5 kept: the two oldest jobs go
        assertThat(store.jobJson(0)).isNull();
        assertThat(store.jobJson(1)).isNull();
        assertThat(store.jobJson(2)).isNotNull();
    }

    @Test
    void onlyTheNewestFinishedJobsAreKept()
    {
        StatusStore store = new StatusStore(2);
        for (int job = 0; job < 5; job++) {
            store.jobSubmitted(job, "job " + job, List.of(), Map.of(), job);
            store.jobEnded(job, StatusStore.State.SUCCEEDED, null, job + 1);
        }
        store.jobSubmitted(5, "running", List.of(), Map.of(), 10);
        assertThat(store.jobJson(2)).isNull();
        assertThat(store.jobJson(3)).isNotNull();
        assertThat(store.jobJson(4)).isNotNull();
        assertThat(store.jobJson(5)).isNotNull();
        assertThat(store.jobsJson()).containsSubsequence("\"id\":5", "\"id\":4", "\"id\":3");
    }
}
