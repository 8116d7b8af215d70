package io.tusk.engine.scheduler;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.Tusk;
import io.tusk.engine.TuskException;
import io.tusk.engine.dataset.Pair;
import io.tusk.engine.dataset.PairDataset;
import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.serde.KryoSerde;
import io.tusk.engine.shuffle.FetchFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scheduler's rules, as scripts: the testing backend records what the scheduler launches and the
 * test says how each attempt ends (this map finished on exec-b, this executor is lost, this fetch
 * failed), then checks what the scheduler launches next.
 */
class DagSchedulerTest
{
    private static final int MAPS = 3;
    private static final int REDUCES = 2;

    private Tusk tusk;
    private KryoSerde serde;
    private TestingBackend backend;
    private MapOutputTracker tracker;
    private DagScheduler scheduler;
    private DatasetNode reduced;

    @BeforeEach
    void setUp()
    {
        tusk = Tusk.local(1);
        serde = new KryoSerde();
        backend = new TestingBackend(serde);
        tracker = new MapOutputTracker();
        scheduler = new DagScheduler(backend, tracker, serde, 2, datasetId -> false, updates -> {}, new io.tusk.engine.status.StatusStore(10));
        PairDataset<Integer, Integer> pairs = tusk.parallelize(List.of(1, 2, 3, 4, 5, 6), MAPS).mapToPair(x -> Pair.of(x % 2, x));
        reduced = pairs.reduceByKey(Integer::sum, REDUCES).node();
    }

    @AfterEach
    void tearDown()
    {
        scheduler.close();
        tusk.close();
    }

    private CompletableFuture<List<Object>> submit()
    {
        PartitionAction<Object> action = (partition, records, context) -> "reduce " + partition;
        return CompletableFuture.supplyAsync(() -> scheduler.runJob(reduced, action, Map.of(), "test"));
    }

    /** Finishes the given map attempts on the given executors, in order. */
    private void finishMaps(List<TestingBackend.Launched> maps, String... executors)
    {
        for (int i = 0; i < maps.size(); i++) {
            backend.succeed(maps.get(i), executors[i], null);
        }
    }

    private static int shuffleOf(TestingBackend.Launched reduce)
    {
        return reduce.launch().shuffleLocations().keySet().iterator().next();
    }

    @Test
    void partitionsOfAPersistedDatasetRunAgainWhereTheyWereCachedUntilTheirExecutorIsLost()
            throws Exception
    {
        DatasetNode cached = tusk.parallelize(List.of(1, 2, 3, 4), 2).map(x -> x * 10).node();
        Map<Integer, io.tusk.engine.storage.StorageLevel> persisted = Map.of(cached.id(), io.tusk.engine.storage.StorageLevel.MEMORY_ONLY);
        PartitionAction<Object> action = (partition, records, context) -> "p" + partition;
        CompletableFuture<List<Object>> first = CompletableFuture.supplyAsync(() -> scheduler.runJob(cached, action, persisted, "first"));
        List<TestingBackend.Launched> tasks = backend.next(2);
        assertThat(tasks).allSatisfy(task -> assertThat(task.launch().preferredHosts()).isEmpty());
        backend.succeed(tasks.get(0), "exec-a", "p0");
        backend.succeed(tasks.get(1), "exec-b", "p1");
        first.get(10, TimeUnit.SECONDS);

        // a narrow transformation of the cached dataset reads its partitions where they are
        DatasetNode derived = new io.tusk.engine.dataset.Dataset<Integer>(tusk, cached).map(x -> x + 1).node();
        CompletableFuture<List<Object>> second = CompletableFuture.supplyAsync(() -> scheduler.runJob(derived, action, persisted, "second"));
        tasks = backend.next(2);
        assertThat(tasks.get(0).launch().preferredHosts()).containsExactly("host-a");
        assertThat(tasks.get(1).launch().preferredHosts()).containsExactly("host-b");
        backend.succeed(tasks.get(0), "exec-a", "p0");
        backend.succeed(tasks.get(1), "exec-b", "p1");
        second.get(10, TimeUnit.SECONDS);

        scheduler.executorLost("exec-b");
        CompletableFuture<List<Object>> third = CompletableFuture.supplyAsync(() -> scheduler.runJob(derived, action, persisted, "third"));
        tasks = backend.next(2);
        assertThat(tasks.get(0).launch().preferredHosts()).containsExactly("host-a");
        assertThat(tasks.get(1).launch().preferredHosts()).as("the cache was lost with its executor").isEmpty();
        backend.succeed(tasks.get(0), "exec-a", "p0");
        backend.succeed(tasks.get(1), "exec-c", "p1");
        third.get(10, TimeUnit.SECONDS);
    }

    @Test
    void reducersRunAfterEveryMapAndLearnWhereTheOutputsAre()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        List<TestingBackend.Launched> maps = backend.next(MAPS);
        assertThat(maps).extracting(TestingBackend.Launched::partition).containsExactly(0, 1, 2);
        backend.succeed(maps.get(0), "exec-a", null);
        backend.succeed(maps.get(1), "exec-b", null);
        backend.expectNoLaunch();
        backend.succeed(maps.get(2), "exec-a", null);

        List<TestingBackend.Launched> reduces = backend.next(REDUCES);
        assertThat(reduces).extracting(TestingBackend.Launched::partition).containsExactly(0, 1);
        assertThat(reduces.get(0).launch().shuffleLocations().values()).containsExactly(List.of("exec-a", "exec-b", "exec-a"));
        backend.succeed(reduces.get(0), "exec-b", "r0");
        backend.succeed(reduces.get(1), "exec-a", "r1");
        assertThat(job.get(10, TimeUnit.SECONDS)).containsExactly("r0", "r1");
    }

    @Test
    void fetchFailureRerunsTheMapThenTheReducerWithoutCountingItsAttempt()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        finishMaps(backend.next(MAPS), "exec-a", "exec-b", "exec-c");
        List<TestingBackend.Launched> reduces = backend.next(REDUCES);
        int shuffle = shuffleOf(reduces.get(0));
        backend.succeed(reduces.get(1), "exec-a", "r1");

        // twice: more than the two attempts a task may fail, as fetch failures are not the reducer's
        for (int round = 0; round < 2; round++) {
            backend.fail(reduces.get(0), "exec-a", new FetchFailedException(shuffle, 1, round == 0 ? "exec-b" : "exec-d", "connection refused", null));
            TestingBackend.Launched map = backend.next(1).get(0);
            assertThat(map.partition()).as("the map whose output was lost runs again").isEqualTo(1);
            assertThat(map.id().attempt()).isEqualTo(round + 1);
            backend.expectNoLaunch();
            backend.succeed(map, "exec-d", null);
            reduces = List.of(backend.next(1).get(0), reduces.get(1));
            assertThat(reduces.get(0).partition()).isEqualTo(0);
            assertThat(reduces.get(0).id().attempt()).isEqualTo(round + 1);
            assertThat(reduces.get(0).launch().shuffleLocations().get(shuffle)).containsExactly("exec-a", "exec-d", "exec-c");
        }
        backend.succeed(reduces.get(0), "exec-c", "r0");
        assertThat(job.get(10, TimeUnit.SECONDS)).containsExactly("r0", "r1");
    }

    @Test
    void unreachableExecutorLosesAllItsOutputs()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        finishMaps(backend.next(MAPS), "exec-a", "exec-b", "exec-b");
        List<TestingBackend.Launched> reduces = backend.next(REDUCES);
        int shuffle = shuffleOf(reduces.get(0));
        backend.fail(reduces.get(0), "exec-a", new FetchFailedException(shuffle, 1, "exec-b", true, "connection refused", null));
        List<TestingBackend.Launched> maps = backend.next(2);
        assertThat(maps).extracting(TestingBackend.Launched::partition).containsExactlyInAnyOrder(1, 2);
        finishMaps(maps, "exec-c", "exec-c");
        TestingBackend.Launched again = backend.next(1).get(0);
        assertThat(again.launch().shuffleLocations().get(shuffle)).containsExactly("exec-a", "exec-c", "exec-c");
        backend.succeed(again, "exec-a", "r0");
        backend.succeed(reduces.get(1), "exec-a", "r1");
        assertThat(job.get(10, TimeUnit.SECONDS)).containsExactly("r0", "r1");
    }

    @Test
    void lostExecutorsMapOutputIsRecomputedWhileReducersStillNeedIt()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        finishMaps(backend.next(MAPS), "exec-a", "exec-b", "exec-a");
        List<TestingBackend.Launched> reduces = backend.next(REDUCES);
        backend.loseExecutor("exec-a");
        List<TestingBackend.Launched> maps = backend.next(2);
        assertThat(maps).extracting(TestingBackend.Launched::partition).containsExactlyInAnyOrder(0, 2);
        // the reducer on the lost executor ends with it; it runs again without counting as a failure
        backend.fail(reduces.get(1), "exec-a", new ExecutorLostException("exec-a", "container killed"));
        finishMaps(maps, "exec-c", "exec-c");
        TestingBackend.Launched again = backend.next(1).get(0);
        assertThat(again.partition()).isEqualTo(1);
        assertThat(again.launch().shuffleLocations().values()).containsExactly(List.of("exec-c", "exec-b", "exec-c"));
        backend.succeed(reduces.get(0), "exec-b", "r0");
        backend.succeed(again, "exec-c", "r1");
        assertThat(job.get(10, TimeUnit.SECONDS)).containsExactly("r0", "r1");
    }

    @Test
    void outputLostWhileTheMapStageRunsIsRecomputedBeforeReducersStart()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        List<TestingBackend.Launched> maps = backend.next(MAPS);
        backend.succeed(maps.get(0), "exec-a", null);
        backend.succeed(maps.get(1), "exec-b", null);
        backend.loseExecutor("exec-a");
        backend.succeed(maps.get(2), "exec-b", null);
        TestingBackend.Launched rerun = backend.next(1).get(0);
        assertThat(rerun.partition()).isEqualTo(0);
        backend.succeed(rerun, "exec-b", null);
        List<TestingBackend.Launched> reduces = backend.next(REDUCES);
        assertThat(reduces.get(0).launch().shuffleLocations().values()).containsExactly(List.of("exec-b", "exec-b", "exec-b"));
        backend.succeed(reduces.get(0), "exec-b", "r0");
        backend.succeed(reduces.get(1), "exec-b", "r1");
        assertThat(job.get(10, TimeUnit.SECONDS)).containsExactly("r0", "r1");
    }

    @Test
    void lostOutputsOfTwoShufflesInARowAreRecomputedInOrder()
            throws Exception
    {
        // stage A (2 maps) -> shuffle -> stage B (2 maps) -> shuffle -> result stage (2 reduces)
        reduced = tusk.parallelize(List.of(1, 2, 3, 4, 5, 6), 2)
                .mapToPair(x -> Pair.of(x % 3, x))
                .reduceByKey(Integer::sum, 2)
                .mapToPair(pair -> Pair.of(pair.value() % 2, pair.value()))
                .reduceByKey(Integer::sum, 2)
                .node();
        CompletableFuture<List<Object>> job = submit();
        List<TestingBackend.Launched> first = backend.next(2);
        finishMaps(first, "exec-a", "exec-a");
        List<TestingBackend.Launched> second = backend.next(2);
        assertThat(second.get(0).id().stage()).isNotEqualTo(first.get(0).id().stage());
        finishMaps(second, "exec-a", "exec-a");
        List<TestingBackend.Launched> reduces = backend.next(REDUCES);

        backend.loseExecutor("exec-a");
        backend.fail(reduces.get(0), "exec-a", new ExecutorLostException("exec-a", "node stopped"));
        backend.fail(reduces.get(1), "exec-a", new ExecutorLostException("exec-a", "node stopped"));
        List<TestingBackend.Launched> firstAgain = backend.next(2);
        assertThat(firstAgain).as("the first stage runs again first").allSatisfy(attempt -> assertThat(attempt.id().stage()).isEqualTo(first.get(0).id().stage()));
        backend.expectNoLaunch();
        finishMaps(firstAgain, "exec-b", "exec-b");
        List<TestingBackend.Launched> secondAgain = backend.next(2);
        assertThat(secondAgain).allSatisfy(attempt -> assertThat(attempt.id().stage()).isEqualTo(second.get(0).id().stage()));
        assertThat(secondAgain.get(0).launch().shuffleLocations().values()).containsExactly(List.of("exec-b", "exec-b"));
        finishMaps(secondAgain, "exec-b", "exec-b");
        List<TestingBackend.Launched> reducesAgain = backend.next(REDUCES);
        assertThat(reducesAgain).extracting(TestingBackend.Launched::partition).containsExactlyInAnyOrder(0, 1);
        for (TestingBackend.Launched reduce : reducesAgain) {
            backend.succeed(reduce, "exec-b", "r" + reduce.partition());
        }
        assertThat(job.get(10, TimeUnit.SECONDS)).containsExactly("r0", "r1");
    }

    @Test
    void mapOutputReportedByAnExecutorAlreadyLostIsNotUsed()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        List<TestingBackend.Launched> maps = backend.next(MAPS);
        backend.succeed(maps.get(0), "exec-a", null);
        backend.succeed(maps.get(1), "exec-b", null);
        backend.loseExecutor("exec-c");
        backend.succeed(maps.get(2), "exec-c", null);
        TestingBackend.Launched again = backend.next(1).get(0);
        assertThat(again.partition()).isEqualTo(2);
        backend.succeed(again, "exec-a", null);
        List<TestingBackend.Launched> reduces = backend.next(REDUCES);
        assertThat(reduces.get(0).launch().shuffleLocations().values()).containsExactly(List.of("exec-a", "exec-b", "exec-a"));
        backend.succeed(reduces.get(0), "exec-a", "r0");
        backend.succeed(reduces.get(1), "exec-a", "r1");
        assertThat(job.get(10, TimeUnit.SECONDS)).containsExactly("r0", "r1");
    }

    @Test
    void taskThatFailsMaxAttemptsTimesFailsTheJob()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        List<TestingBackend.Launched> maps = backend.next(MAPS);
        backend.fail(maps.get(1), "exec-a", new IllegalStateException("bad record"));
        TestingBackend.Launched retry = backend.next(1).get(0);
        assertThat(retry.id()).isEqualTo(new io.tusk.engine.task.TaskAttemptId(0, maps.get(1).id().stage(), 1, 1));
        backend.fail(retry, "exec-b", new IllegalStateException("bad record"));
        backend.succeed(maps.get(0), "exec-a", null);
        backend.succeed(maps.get(2), "exec-a", null);
        assertThatThrownBy(() -> job.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TuskException.class)
                .cause()
                .satisfies(failure -> assertThat(((TuskException) failure).errorCode()).isEqualTo(ErrorCode.USER_TASK_FAILED))
                .hasMessageContaining("Task failed 2 times")
                .hasMessageContaining("bad record");
        backend.expectNoLaunch();
    }

    @Test
    void failedJobWaitsForRunningAttemptsAndCancelsThem()
            throws Exception
    {
        CompletableFuture<List<Object>> job = submit();
        List<TestingBackend.Launched> maps = backend.next(MAPS);
        backend.fail(maps.get(0), "exec-a", new TuskException(ErrorCode.NOT_SERIALIZABLE, "cannot serialize"));
        Thread.sleep(200);
        assertThat(job).as("the job ends only when its running attempts have").isNotDone();
        assertThat(backend.cancelledJobs()).containsExactly(0);
        backend.fail(maps.get(1), "exec-a", new TuskException(ErrorCode.JOB_CANCELLED, "cancelled"));
        backend.fail(maps.get(2), "exec-a", new TuskException(ErrorCode.JOB_CANCELLED, "cancelled"));
        assertThatThrownBy(() -> job.get(10, TimeUnit.SECONDS)).hasMessageContaining("cannot serialize");
    }
}
