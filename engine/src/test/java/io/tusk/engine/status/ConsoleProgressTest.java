package io.tusk.engine.status;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleProgressTest
{
    @Test
    void aBarPerRunningStageWithTasksRecordsPerSecondAndTheJobsTime()
    {
        List<StatusStore.RunningStage> stages = List.of(
                new StatusStore.RunningStage(1, 3, "map", 10, 5, 2, 4_000, 1_000, 0),
                new StatusStore.RunningStage(1, 4, "result", 2, 0, 0, 0, 4_000, 0));
        assertThat(ConsoleProgress.line(stages, 5_000))
                .isEqualTo("[Stage 3 map:==========>          5/10 (2 running), 1.0 k records/s] [Stage 4 result:>                    0/2] 0:05");
        assertThat(ConsoleProgress.line(List.of(new StatusStore.RunningStage(1, 3, "map", 4, 4, 0, 3_000_000, 0, 0)), 1_000))
                .isEqualTo("[Stage 3 map:==================== 4/4, 3.0 M records/s] 0:01");
        assertThat(ConsoleProgress.line(List.of(), 1_000)).isEmpty();
    }

    @Test
    void theBarIsDrawnInPlaceOnTheTerminalAndClearedWhenNothingRuns()
            throws Exception
    {
        StatusStore store = new StatusStore(10);
        java.io.ByteArrayOutputStream terminal = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(terminal, true, java.nio.charset.StandardCharsets.UTF_8);
        io.tusk.engine.scheduler.Stage stage = new io.tusk.engine.scheduler.Stage(0, new io.tusk.engine.plan.SourceNode(0, "source",
                new io.tusk.engine.plan.CollectionSource(List.of(1, 2), 2)), null, List.of());
        store.jobSubmitted(0, "job", List.of(stage), java.util.Map.of(), System.currentTimeMillis());
        store.stageSubmitted(0, 0, System.currentTimeMillis());
        try (ConsoleProgress progress = new ConsoleProgress(store, out, 10)) {
            for (long until = System.currentTimeMillis() + 10_000; !terminal.toString(java.nio.charset.StandardCharsets.UTF_8).contains("[Stage 0 result:")
                    && System.currentTimeMillis() < until; Thread.sleep(10)) {
                // drawn by its thread
            }
            store.jobEnded(0, StatusStore.State.SUCCEEDED, null, System.currentTimeMillis());
            Thread.sleep(100);
        }
        String drawn = terminal.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(drawn).startsWith("\r[Stage 0 result:>").contains("0/2] 0:0").doesNotContain("\n").endsWith("\r\u001b[K");
    }
}
