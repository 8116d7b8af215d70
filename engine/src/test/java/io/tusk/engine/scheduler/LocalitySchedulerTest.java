package io.tusk.engine.scheduler;

import io.tusk.engine.task.TaskAttemptId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Delay scheduling, step by step: slots on named hosts are offered at given times. */
class LocalitySchedulerTest
{
    private static final long WAIT = 3000;
    private static final Map<String, String> RACKS = Map.of("host-a", "/rack-1", "host-b", "/rack-1", "host-c", "/rack-2", "host-d", "/rack-2");

    private final LocalityScheduler<String> scheduler = new LocalityScheduler<>(RACKS::get, WAIT);

    private static TaskLaunch task(int partition, String... hosts)
    {
        return new TaskLaunch(new TaskAttemptId(0, 0, partition, 0), new byte[0], Map.of(), List.of(hosts), Map.of());
    }

    private static LocalityScheduler.Slot slot(String host)
    {
        return new LocalityScheduler.Slot("exec-" + host, host);
    }

    private List<LocalityScheduler.Assignment<String>> offer(long now, String... hosts)
    {
        return scheduler.offer(java.util.Arrays.stream(hosts).map(LocalitySchedulerTest::slot).toList(), now);
    }

    @Test
    void nodeLocalSlotIsTakenAtOnce()
    {
        scheduler.add(task(0, "host-a"), "t0", 0);
        scheduler.add(task(1, "host-c"), "t1", 0);
        List<LocalityScheduler.Assignment<String>> placed = offer(0, "host-c");
        assertThat(placed).singleElement().satisfies(assignment -> {
            assertThat(assignment.attachment()).isEqualTo("t1");
            assertThat(assignment.locality()).isEqualTo(Locality.NODE_LOCAL);
        });
    }

    @Test
    void taskWaitsForItsHostThenTakesItsRackThenAnyHost()
    {
        scheduler.add(task(0, "host-a"), "t0", 0);
        assertThat(offer(0, "host-b", "host-c")).as("no local slot yet").isEmpty();
        assertThat(offer(WAIT - 1, "host-b", "host-c")).as("still waiting for host-a").isEmpty();
        assertThat(scheduler.nextLevelChange()).contains(WAIT);
        assertThat(offer(WAIT, "host-c", "host-b")).singleElement().satisfies(assignment -> {
            assertThat(assignment.slot().host()).as("rack-local before off-rack").isEqualTo("host-b");
            assertThat(assignment.locality()).isEqualTo(Locality.RACK_LOCAL);
        });

        scheduler.add(task(1, "host-a"), "t1", WAIT);
        assertThat(offer(WAIT + 1, "host-c")).as("rack-local allowed, but host-c is on another rack").isEmpty();
        assertThat(offer(3 * WAIT, "host-c")).singleElement()
                .satisfies(assignment -> assertThat(assignment.locality()).isEqualTo(Locality.OFF_RACK));
    }

    @Test
    void nodeLocalPlacementResetsTheWait()
    {
        for (int partition = 0; partition < 4; partition++) {
            scheduler.add(task(partition, partition % 2 == 0 ? "host-a" : "host-c"), "t" + partition, 0);
        }
        assertThat(offer(2000, "host-a")).extracting(LocalityScheduler.Assignment::attachment).containsExactly("t0");
        // 4 s after the start, but only 2 s after the last node-local placement: still node-local only
        assertThat(offer(4000, "host-b")).isEmpty();
        assertThat(offer(4000, "host-c")).extracting(LocalityScheduler.Assignment::attachment).containsExactly("t1");
        assertThat(offer(7000, "host-d")).extracting(LocalityScheduler.Assignment::locality).containsExactly(Locality.RACK_LOCAL);
    }

    @Test
    void tasksWithoutPreferenceGoAnywhereAtOnce()
    {
        scheduler.add(task(0), "t0", 0);
        scheduler.add(task(1, "host-a"), "t1", 0);
        assertThat(offer(0, "host-d", "host-c")).extracting(LocalityScheduler.Assignment::attachment, LocalityScheduler.Assignment::locality)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t0", Locality.NO_PREFERENCE));
        assertThat(scheduler.pending()).isEqualTo(1);
    }

    @Test
    void attemptsWithFewerLocalChoicesArePlacedFirst()
    {
        scheduler.add(task(0, "host-a", "host-b"), "t0", 0);
        scheduler.add(task(1, "host-b"), "t1", 0);
        List<LocalityScheduler.Assignment<String>> placed = offer(10 * WAIT, "host-c", "host-b", "host-a");
        assertThat(placed).extracting(assignment -> assignment.attachment() + "@" + assignment.slot().host() + ":" + assignment.locality())
                .containsExactlyInAnyOrder("t0@host-a:NODE_LOCAL", "t1@host-b:NODE_LOCAL");
    }

    @Test
    void taskKeepsWaitingForAnExecutorStartingOnItsHost()
    {
        scheduler.add(task(0, "host-a"), "t0", 0);
        scheduler.add(task(1, "host-c"), "t1", 0);
        List<LocalityScheduler.Assignment<String>> placed = scheduler.offer(List.of(slot("host-b"), slot("host-d")), 10 * WAIT, "host-a"::equals);
        assertThat(placed).extracting(LocalityScheduler.Assignment::attachment).containsExactly("t1");
        assertThat(scheduler.offer(List.of(slot("host-b")), 10 * WAIT, host -> false)).extracting(LocalityScheduler.Assignment::attachment)
                .as("once no executor is starting there, it goes elsewhere").containsExactly("t0");
    }

    @Test
    void removedTasksAreNotPlaced()
    {
        scheduler.add(task(0, "host-a"), "t0", 0);
        scheduler.add(new TaskLaunch(new TaskAttemptId(1, 0, 0, 0), new byte[0], Map.of(), List.of("host-a"), Map.of()), "other job", 0);
        assertThat(scheduler.remove(launch -> launch.attemptId().job() == 0)).extracting(LocalityScheduler.Assignment::attachment).containsExactly("t0");
        assertThat(offer(0, "host-a")).extracting(LocalityScheduler.Assignment::attachment).containsExactly("other job");
    }

    /** An attempt whose input executor {@code executor} on {@code host} keeps in memory. */
    private static TaskLaunch keptBy(int partition, String host, String executor)
    {
        return new TaskLaunch(new TaskAttemptId(0, 0, partition, 0), new byte[0], Map.of(), List.of(host), List.of(executor), Map.of(), false);
    }

    private static String placed(LocalityScheduler.Assignment<String> assignment)
    {
        return assignment.attachment() + "@" + assignment.slot().executor() + ":" + assignment.locality();
    }

    @Test
    void attemptTakesTheSlotOfTheExecutorThatKeepsItsInputBeforeAnotherOnItsHost()
    {
        scheduler.add(task(0), "anywhere", 0);
        scheduler.add(task(1, "host-a"), "host-a", 0);
        scheduler.add(keptBy(2, "host-a", "exec-a2"), "kept", 0);
        List<LocalityScheduler.Slot> slots = List.of(new LocalityScheduler.Slot("exec-a2", "host-a"), new LocalityScheduler.Slot("exec-a1", "host-a"),
                new LocalityScheduler.Slot("exec-a3", "host-a"));
        assertThat(scheduler.offer(slots, 0)).extracting(LocalitySchedulerTest::placed)
                .containsExactlyInAnyOrder("kept@exec-a2:NODE_LOCAL", "anywhere@exec-a1:NO_PREFERENCE", "host-a@exec-a3:NODE_LOCAL");
    }

    @Test
    void attemptWaitsForTheExecutorThatKeepsItsInputThenTakesAnotherOnItsHost()
    {
        scheduler.add(keptBy(0, "host-a", "exec-a2"), "kept", 0);
        LocalityScheduler.Slot other = new LocalityScheduler.Slot("exec-a1", "host-a");
        assertThat(scheduler.offer(List.of(other, slot("host-b")), 0)).as("its executor is busy").isEmpty();
        assertThat(scheduler.offer(List.of(other), WAIT - 1)).isEmpty();
        assertThat(scheduler.nextLevelChange()).contains(WAIT);
        assertThat(scheduler.offer(List.of(slot("host-b"), other), WAIT)).extracting(LocalitySchedulerTest::placed)
                .as("after the wait: its host, another executor").containsExactly("kept@exec-a1:NODE_LOCAL");
    }

    @Test
    void anExecutorWaitThatIsOverWakesNoTimer()
    {
        scheduler.add(keptBy(0, "host-a", "exec-a2"), "kept", 0);
        assertThat(scheduler.offer(List.of(slot("host-c")), WAIT + 5)).as("another rack, before off-rack is allowed").isEmpty();
        assertThat(scheduler.nextLevelChange()).as("the next level, not the executor wait already over").contains(2 * WAIT);
    }
}
