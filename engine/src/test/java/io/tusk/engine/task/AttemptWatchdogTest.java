package io.tusk.engine.task;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptWatchdogTest
{
    private long now;
    private final AttemptWatchdog watchdog = new AttemptWatchdog(() -> now);
    private final List<TuskException> timeouts = new ArrayList<>();

    @Test
    void anAttemptThatStopsTickingTimesOutOnceAfterItsTimeout()
    {
        AttemptProgress progress = new AttemptProgress();
        Thread attempt = new Thread(() -> {});
        progress.watch(1_000, "no progress for 1 s");
        watchdog.watch(progress, attempt, timeouts::add);

        checkAt(0);
        progress.tick();
        checkAt(900);
        checkAt(1_800);
        assertThat(timeouts).as("ticked at 900 ms").isEmpty();
        assertThat(progress.timedOut()).isNull();

        checkAt(1_900);
        assertThat(timeouts).singleElement().satisfies(error -> {
            assertThat(error.errorCode()).isEqualTo(ErrorCode.TASK_TIMED_OUT);
            assertThat(error).hasMessage("no progress for 1 s");
        });
        assertThat(progress.timedOut()).isSameAs(timeouts.get(0));
        assertThat(attempt.isInterrupted()).isTrue();

        checkAt(5_000);
        assertThat(timeouts).as("told once").hasSize(1);
    }

    @Test
    void attemptsWithoutATimeoutOrUnwatchedNeverTimeOut()
    {
        AttemptProgress unwatched = new AttemptProgress();
        AttemptProgress withoutTimeout = new AttemptProgress();
        AttemptProgress late = new AttemptProgress();
        watchdog.watch(unwatched, new Thread(() -> {}), timeouts::add);
        watchdog.watch(withoutTimeout, new Thread(() -> {}), timeouts::add);
        watchdog.watch(late, new Thread(() -> {}), timeouts::add);
        unwatched.watch(100, "unwatched");

        checkAt(0);
        watchdog.unwatch(unwatched);
        checkAt(10_000);
        // a timeout asked for late counts from the last check before it
        late.watch(100, "late");
        checkAt(10_050);
        assertThat(timeouts).isEmpty();
        checkAt(10_150);
        assertThat(timeouts).extracting(Throwable::getMessage).containsExactly("late");
    }

    private void checkAt(long millis)
    {
        now = millis;
        watchdog.check();
    }
}
