package io.tusk.engine.dataset;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.ErrorType;
import io.tusk.engine.Tusk;
import io.tusk.engine.TuskConfig;
import io.tusk.engine.TuskException;
import io.tusk.engine.storage.StorageLevel;
import io.tusk.engine.task.TaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class DatasetIT
{
    private static final AtomicInteger COMPUTATIONS = new AtomicInteger();
    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static final AtomicBoolean STUBBORN_RELEASED = new AtomicBoolean();
    private static final AtomicInteger STUBBORN_STARTED = new AtomicInteger();
    private static final AtomicBoolean FIRST_STARTED = new AtomicBoolean();
    private static final AtomicInteger MOST_BESIDE_RETRY = new AtomicInteger();
    private static final ThreadLocal<int[]> TASKS_ON_THIS_THREAD = ThreadLocal.withInitial(() -> new int[1]);
    private static final List<String> LINES = List.of(
            "the quick brown fox",
            "jumps over the lazy dog",
            "the dog barks",
            "",
            "fox and dog and fox");

    @TempDir
    Path temp;
    private Tusk tusk;

    @BeforeEach
    void setUp()
    {
        COMPUTATIONS.set(0);
        tusk = TestingTusk.create(temp, 2, 64 << 20);
    }

    @AfterEach
    void tearDown()
    {
        if (tusk != null) {
            tusk.close();
        }
    }

    @Test
    void wordCount()
    {
        Map<String, Long> counts = tusk.parallelize(LINES, 3)
                .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                .filter(word -> !word.isEmpty())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum)
                .collectAsMap();

        Map<String, Long> expected = LINES.stream()
                .flatMap(line -> Arrays.stream(line.split(" ")))
                .filter(word -> !word.isEmpty())
                .collect(Collectors.groupingBy(word -> word, Collectors.counting()));
        assertThat(counts).isEqualTo(expected);
    }

    @Test
    void cachedDatasetIsComputedOnceAcrossThreeActions()
    {
        Dataset<Integer> squares = tusk.parallelize(range(1_000), 4)
                .map(value -> {
                    COMPUTATIONS.incrementAndGet();
                    return value * value;
                })
                .cache();

        long count = squares.count();
        int sum = squares.reduce(Integer::sum);
        List<Integer> firstFive = squares.take(5);

        assertThat(count).isEqualTo(1_000);
        assertThat(sum).isEqualTo(IntStream.range(0, 1_000).map(value -> value * value).sum());
        assertThat(firstFive).containsExactly(0, 1, 4, 9, 16);
        assertThat(COMPUTATIONS).hasValue(1_000);

        squares.unpersist();
        squares.count();
        assertThat(COMPUTATIONS).hasValue(2_000);
    }

    @Test
    void shuffleOutputIsReusedByLaterActions()
    {
        PairDataset<Integer, Long> counts = tusk.parallelize(range(10_000), 4)
                .map(value -> {
                    COMPUTATIONS.incrementAndGet();
                    return value;
                })
                .mapToPair(value -> Pair.of(value % 7, 1L))
                .reduceByKey(Long::sum, 3);

        assertThat(counts.count()).isEqualTo(7);
        assertThat(counts.collectAsMap().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);
        assertThat(COMPUTATIONS).as("the map side ran once").hasValue(10_000);
        assertThat(counts.explain()).contains("output available, map stage skipped");
    }

    @Test
    void keyValueOperations()
    {
        PairDataset<String, Integer> left = tusk.parallelize(List.of(Pair.of("a", 1), Pair.of("b", 2), Pair.of("a", 3), Pair.of("c", 4)), 2)
                .mapToPair(pair -> pair);
        PairDataset<String, String> right = tusk.parallelize(List.of(Pair.of("a", "x"), Pair.of("b", "y"), Pair.of("b", "z"), Pair.of("d", "w")), 3)
                .mapToPair(pair -> pair);

        assertThat(sorted(left.groupByKey().mapValues(values -> values.stream().sorted().toList()).collect()))
                .containsExactly(Pair.of("a", List.of(1, 3)), Pair.of("b", List.of(2)), Pair.of("c", List.of(4)));
        assertThat(left.aggregateByKey(new ArrayList<Integer>(), (list, value) -> {
            list.add(value);
            return list;
        }, (one, two) -> {
            one.addAll(two);
            return one;
        }).mapValues(list -> list.stream().mapToInt(Integer::intValue).sum()).collectAsMap())
                .containsOnly(entry("a", 4), entry("b", 2), entry("c", 4));
        assertThat(sorted(left.join(right).collect()))
                .containsExactly(Pair.of("a", Pair.of(1, "x")), Pair.of("a", Pair.of(3, "x")), Pair.of("b", Pair.of(2, "y")), Pair.of("b", Pair.of(2, "z")));
        assertThat(sorted(left.leftOuterJoin(right).collect()))
                .containsExactly(
                        Pair.of("a", Pair.of(1, Optional.of("x"))), Pair.of("a", Pair.of(3, Optional.of("x"))),
                        Pair.of("b", Pair.of(2, Optional.of("y"))), Pair.of("b", Pair.of(2, Optional.of("z"))),
                        Pair.of("c", Pair.of(4, Optional.empty())));
        Map<String, Pair<List<Integer>, List<String>>> cogrouped = left.cogroup(right).collectAsMap();
        assertThat(cogrouped).containsOnlyKeys("a", "b", "c", "d");
        assertThat(cogrouped.get("d")).isEqualTo(Pair.of(List.of(), List.of("w")));
        assertThat(left.countByKey()).containsOnly(entry("a", 2L), entry("b", 1L), entry("c", 1L));
        assertThat(left.keys().distinct().collect()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(left.keys().union(right.keys()).count()).isEqualTo(8);
        assertThat(left.sortByKey(false).keys().collect()).containsExactly("c", "b", "a", "a");
    }

    @Test
    void broadcastAndAccumulators()
    {
        Broadcast<Map<Integer, String>> names = tusk.broadcast(Map.of(1, "one", 2, "two"));
        LongAccumulator misses = tusk.longAccumulator("misses");

        List<String> named = tusk.parallelize(List.of(1, 2, 3, 1), 2)
                .map(value -> {
                    String name = names.value().get(value);
                    if (name == null) {
                        misses.add(1);
                        return "?";
                    }
                    return name;
                })
                .collect();

        assertThat(named).containsExactly("one", "two", "?", "one");
        assertThat(misses.sum()).isEqualTo(1);
    }

    @Test
    void failedAttemptIsRetriedAndOnlySuccessfulAttemptsCount()
    {
        LongAccumulator seen = tusk.longAccumulator("seen");

        long count = tusk.parallelize(range(100), 4)
                .map(value -> {
                    seen.add(1);
                    TaskContext context = TaskContext.get();
                    if (context.partition() == 1 && context.attemptNumber() == 0 && value == 40) {
                        throw new IllegalStateException("transient failure");
                    }
                    return value;
                })
                .count();

        assertThat(count).isEqualTo(100);
        assertThat(seen.sum()).isEqualTo(100);
    }

    /**
     * Attempts share the heap, so an attempt that ran out of memory may have failed for what the
     * attempts beside it held: its retry waits for them and runs alone, as a Hadoop task's retry gets
     * a JVM of its own. Partition 0 fails at once; the others each run 400 ms, two at a time.
     */
    @Test
    void anAttemptThatRanOutOfMemoryRunsAgainAlone()
    {
        RUNNING.set(0);
        MOST_BESIDE_RETRY.set(-1);
        List<Integer> results = tusk.parallelize(range(4), 4)
                .map(partition -> {
                    int running = RUNNING.incrementAndGet();
                    try {
                        TaskContext context = TaskContext.get();
                        if (partition == 0 && context.attemptNumber() == 0) {
                            Thread.sleep(50);
                            throw new OutOfMemoryError("Java heap space (simulated)");
                        }
                        if (partition == 0) {
                            int most = running;
                            for (int sample = 0; sample < 20; sample++) {
                                Thread.sleep(10);
                                most = Math.max(most, RUNNING.get());
                            }
                            MOST_BESIDE_RETRY.set(most - 1);
                        }
                        else {
                            Thread.sleep(400);
                        }
                        return partition;
                    }
                    finally {
                        RUNNING.decrementAndGet();
                    }
                })
                .collect();

        assertThat(results).containsExactly(0, 1, 2, 3);
        assertThat(MOST_BESIDE_RETRY).as("attempts running beside the retry").hasValue(0);
    }

    @Test
    void taskThatAlwaysFailsFailsTheJobWithItsContext()
    {
        Dataset<Integer> failing = tusk.parallelize(range(100), 4)
                .map(value -> {
                    COMPUTATIONS.incrementAndGet();
                    if (value == 60) {
                        throw new IllegalArgumentException("bad record 60");
                    }
                    return value;
                });

        assertThatThrownBy(failing::count)
                .isInstanceOfSatisfying(TuskException.class, error -> {
                    assertThat(error.errorCode()).isEqualTo(ErrorCode.USER_TASK_FAILED);
                    assertThat(error.errorType()).isEqualTo(ErrorType.USER);
                })
                .hasMessageContaining("Task failed 4 times")
                .hasMessageContaining("partition 2")
                .hasMessageContaining("attempt 3")
                .hasMessageContaining("map at DatasetIT.java")
                .hasMessageContaining("IllegalArgumentException: bad record 60")
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failedJobReportsOnlyAfterItsOtherAttemptsHaveEnded()
    {
        Dataset<Integer> oneFailsOneWaits = tusk.parallelize(range(2), 2)
                .map(partition -> {
                    RUNNING.incrementAndGet();
                    try {
                        if (partition == 0) {
                            throw new IllegalStateException("partition 0 fails");
                        }
                        Thread.sleep(30_000);
                        return partition;
                    }
                    finally {
                        RUNNING.decrementAndGet();
                    }
                });

        assertThatThrownBy(oneFailsOneWaits::count).hasMessageContaining("partition 0 fails");
        assertThat(RUNNING).as("no attempt of the failed job is still running").hasValue(0);
    }

    /** Runs until the test sets {@link #STUBBORN_RELEASED}, swallowing interrupts as user code sometimes does. */
    private static void ignoreInterruptsUntilReleased()
    {
        while (!STUBBORN_RELEASED.get()) {
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException swallowed) {
                // as user code sometimes does
            }
        }
    }

    /** A small context on {@code threads} threads that waits 300 ms for cancelled attempts to end. */
    private TuskConfig shortCancelGrace(int threads)
    {
        return TuskConfig.fromProperties(Map.of(TuskConfig.CANCEL_GRACE, "300"))
                .withThreads(threads)
                .withMemoryBudget(64 << 20)
                .withPageSize(1 << 20)
                .withLocalDir(temp);
    }

    @Test
    void cancelledAttemptsThatIgnoreTheInterruptHoldNeitherTheJobNorTheirSlots()
    {
        STUBBORN_RELEASED.set(false);
        TuskConfig config = shortCancelGrace(2);
        try (Tusk stubborn = Tusk.create(config)) {
            Dataset<Integer> oneFailsOneIgnoresTheInterrupt = stubborn.parallelize(range(2), 2)
                    .map(partition -> {
                        if (partition == 0) {
                            Thread.sleep(100);
                            throw new IllegalStateException("partition 0 fails");
                        }
                        ignoreInterruptsUntilReleased();
                        return partition;
                    });

            assertThatThrownBy(oneFailsOneIgnoresTheInterrupt::count).hasMessageContaining("partition 0 fails");
            // the stubborn attempt gave up its slot: two tasks still run at once
            assertThat(stubborn.parallelize(range(4), 4).map(partition -> partition + 1).collect()).containsExactlyInAnyOrder(1, 2, 3, 4);
        }
        finally {
            STUBBORN_RELEASED.set(true);
        }
    }

    /**
     * A job cancelled (its driver thread interrupted) while some of its attempts still wait for a
     * slot: those never start (each would ignore the interrupt and hold the job for good), and the
     * job ends at once.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void attemptsStillQueuedWhenTheirJobIsCancelledNeverStart()
            throws Exception
    {
        STUBBORN_RELEASED.set(false);
        STUBBORN_STARTED.set(0);
        FIRST_STARTED.set(false);
        TuskConfig config = shortCancelGrace(1);
        try (Tusk oneSlot = Tusk.create(config)) {
            Dataset<Integer> firstWaitsTheRestIgnoreTheInterrupt = oneSlot.parallelize(range(3), 3)
                    .map(partition -> {
                        if (partition == 0) {
                            FIRST_STARTED.set(true);
                            Thread.sleep(600_000);
                            return partition;
                        }
                        STUBBORN_STARTED.incrementAndGet();
                        ignoreInterruptsUntilReleased();
                        return partition;
                    });
            java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
            Thread driver = new Thread(() -> {
                try {
                    firstWaitsTheRestIgnoreTheInterrupt.count();
                }
                catch (Throwable e) {
                    ended.set(e);
                }
            }, "driver");
            driver.start();
            while (!FIRST_STARTED.get()) {
                Thread.sleep(10);
            }
            // partition 0 runs in the only slot; 1 and 2 wait for it
            driver.interrupt();
            driver.join(60_000);

            assertThat(driver.isAlive()).as("the cancelled job still runs").isFalse();

            assertThat(ended.get()).isInstanceOf(TuskException.class).hasMessageContaining("cancelled");
            assertThat(STUBBORN_STARTED).as("attempts of the cancelled job that started after it was cancelled").hasValue(0);
            assertThat(oneSlot.parallelize(range(2), 2).map(partition -> partition + 1).collect()).containsExactlyInAnyOrder(1, 2);
        }
        finally {
            STUBBORN_RELEASED.set(true);
        }
    }

    /**
     * Attempts that stop ticking their progress for longer than their task's timeout fail and run
     * again: one that sleeps is interrupted at once, one that swallows the interrupt is abandoned
     * after the grace and gives up its slot; a task that ticks runs past the timeout.
     */
    @Test
    void attemptsThatStopMakingProgressTimeOutAndRunAgain()
    {
        STUBBORN_RELEASED.set(false);
        COMPUTATIONS.set(0);
        TuskConfig config = shortCancelGrace(2);
        try (Tusk tusk = Tusk.create(config)) {
            List<Integer> results = tusk.parallelize(range(2), 2)
                    .map(partition -> {
                        TaskContext context = TaskContext.get();
                        context.progress().watch(200, "no progress for 200 ms");
                        if (context.attemptNumber() == 0) {
                            COMPUTATIONS.incrementAndGet();
                            if (partition == 0) {
                                Thread.sleep(60_000);
                            }
                            ignoreInterruptsUntilReleased();
                        }
                        for (int step = 0; step < 6; step++) {
                            Thread.sleep(60);
                            context.progress().tick();
                        }
                        return partition * 10;
                    })
                    .collect();

            assertThat(results).containsExactly(0, 10);
            assertThat(COMPUTATIONS).as("first attempts").hasValue(2);
        }
        finally {
            STUBBORN_RELEASED.set(true);
        }
    }

    @Test
    void anAttemptThatTimesOutOnEveryTryFailsTheJobWithItsTimeout()
    {
        TuskConfig config = TuskConfig.fromProperties(Map.of(TuskConfig.MAX_ATTEMPTS, "2"))
                .withThreads(2)
                .withMemoryBudget(64 << 20)
                .withPageSize(1 << 20)
                .withLocalDir(temp);
        try (Tusk tusk = Tusk.create(config)) {
            Dataset<Integer> hanging = tusk.parallelize(range(1), 1)
                    .map(partition -> {
                        TaskContext.get().progress().watch(100, "no progress for 100 ms");
                        Thread.sleep(60_000);
                        return partition;
                    });

            assertThatThrownBy(hanging::count)
                    .hasMessageContaining("no progress for 100 ms")
                    .satisfies(e -> {
                        List<ErrorCode> codes = new ArrayList<>();
                        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                            if (cause instanceof TuskException failure) {
                                codes.add(failure.errorCode());
                            }
                        }
                        assertThat(codes).contains(ErrorCode.TASK_TIMED_OUT);
                    });
        }
    }

    @Test
    void functionsCapturingTheContextAreRejected()
    {
        Dataset<Integer> numbers = tusk.parallelize(range(10), 2);
        assertThatThrownBy(() -> numbers.map(value -> numbers.numPartitions() + value).collect())
                .isInstanceOfSatisfying(TuskException.class, error -> assertThat(error.errorCode()).isEqualTo(ErrorCode.NOT_SERIALIZABLE))
                .hasMessageContaining("exists only on the driver");
    }

    @Test
    void shuffleOfThreeTimesTheMemoryBudgetSpillsAndCleansUp()
            throws Exception
    {
        tusk.close();
        long budget = 8 << 20;
        tusk = TestingTusk.create(temp, 2, budget);
        int keys = 300_000;
        PairDataset<Long, String> longest = tusk.parallelize(range(8), 8)
                .flatMap(seed -> IntStream.range(0, 75_000)
                        .mapToObj(i -> Pair.of((long) ((seed * 75_000L + i) % keys), "value-" + seed + "-" + i + "-0123456789abcdefghijklmnopqrstuvwxyz"))
                        .iterator())
                .mapToPair(pair -> pair)
                .reduceByKey((one, two) -> one.compareTo(two) >= 0 ? one : two, 4);

        long count = longest.count();
        long keySum = longest.keys().reduce(Long::sum);
        long spillFiles = tusk.spillDirectory().fileCount();
        Path spillRoot = tusk.spillDirectory().root();

        assertThat(count).isEqualTo(keys);
        assertThat(keySum).isEqualTo((long) keys * (keys - 1) / 2);
        assertThat(spillFiles).as("the shuffle spilled").isPositive();
        long slack = 4L * tusk.config().pageSize() + (1 << 20);
        assertThat(tusk.memoryManager().peak()).isLessThanOrEqualTo(budget + slack);

        tusk.close();
        assertThat(Files.exists(spillRoot)).isFalse();
        tusk = null;
    }

    @Test
    void growingCombinersAreMeasuredAndFlushed()
    {
        tusk.close();
        long budget = 4 << 20;
        tusk = TestingTusk.create(temp, 2, budget);

        Map<Integer, Integer> sizes = tusk.parallelize(range(4), 4)
                .flatMap(seed -> IntStream.range(0, 100_000).mapToObj(i -> Pair.of(i % 10, new ArrayList<>(List.of(seed * 100_000 + i)))).iterator())
                .mapToPair(pair -> pair)
                .reduceByKey((left, right) -> {
                    left.addAll(right);
                    return left;
                })
                .mapValues(List::size)
                .collectAsMap();

        assertThat(sizes).hasSize(10).allSatisfy((key, size) -> assertThat(size).isEqualTo(40_000));
        long slack = 4L * tusk.config().pageSize() + (1 << 20);
        assertThat(tusk.memoryManager().peak()).as("combiner growth was accounted").isGreaterThan(budget / 2).isLessThanOrEqualTo(budget + 2 * slack);
    }

    @Test
    void sortOfOneMillionRandomKeysIsGloballyOrdered()
    {
        PairDataset<Long, Integer> sorted = tusk.parallelize(range(4), 4)
                .flatMap(seed -> new java.util.Random(seed).longs(250_000).mapToObj(key -> Pair.of(key, seed)).iterator())
                .mapToPair(pair -> pair)
                .sortByKey(null, true, 5);

        List<long[]> partitions = sorted.mapPartitions(records -> {
            long count = 0;
            long first = 0;
            long last = Long.MIN_VALUE;
            long ordered = 1;
            while (records.hasNext()) {
                long key = records.next().key();
                if (count == 0) {
                    first = key;
                }
                else if (key < last) {
                    ordered = 0;
                }
                last = key;
                count++;
            }
            return List.of(new long[] {count, first, last, ordered}).iterator();
        }).collect();

        assertThat(partitions).hasSize(5);
        assertThat(partitions.stream().mapToLong(stats -> stats[0]).sum()).isEqualTo(1_000_000);
        for (int i = 0; i < partitions.size(); i++) {
            assertThat(partitions.get(i)[3]).as("partition %s sorted", i).isEqualTo(1);
            assertThat(partitions.get(i)[0]).as("partition %s not empty", i).isPositive();
            if (i > 0) {
                assertThat(partitions.get(i)[1]).as("partition %s after %s", i, i - 1).isGreaterThanOrEqualTo(partitions.get(i - 1)[2]);
            }
        }
    }

    @Test
    void datasetLargerThanMemoryKeepsWhatFits()
    {
        tusk.close();
        tusk = TestingTusk.create(temp, 1, 2 << 20);
        Dataset<String> big = rows(8, 10_000).persist(StorageLevel.MEMORY_ONLY_SER);

        assertThat(big.count()).isEqualTo(80_000);
        int firstPass = COMPUTATIONS.get();
        assertThat(big.count()).isEqualTo(80_000);

        assertThat(firstPass).isEqualTo(80_000);
        assertThat(COMPUTATIONS.get()).as("partitions that fit are reused, the others recomputed").isBetween(80_001, 159_999);
        assertThat(tusk.memoryManager().used()).isLessThanOrEqualTo(2 << 20);
    }

    @Test
    void evictedPartitionsAreRecomputedFromLineage()
    {
        tusk.close();
        tusk = TestingTusk.create(temp, 1, 2 << 20);
        Dataset<String> first = rows(4, 5_000).persist(StorageLevel.MEMORY_ONLY_SER);
        assertThat(first.count()).isEqualTo(20_000);
        assertThat(first.count()).isEqualTo(20_000);
        assertThat(COMPUTATIONS).as("all of the first dataset fits").hasValue(20_000);

        Dataset<String> second = rows(8, 5_000).persist(StorageLevel.MEMORY_ONLY_SER);
        assertThat(second.count()).isEqualTo(40_000);
        assertThat(tusk.blockStore().evictions()).as("the second dataset evicted some of the first").isPositive();

        COMPUTATIONS.set(0);
        assertThat(first.collect()).hasSize(20_000).contains("row-3-4999-padding-padding-padding");
        assertThat(COMPUTATIONS.get()).as("evicted partitions of the first dataset recomputed").isPositive().isLessThanOrEqualTo(20_000);
        assertThat(tusk.memoryManager().used()).isLessThanOrEqualTo(2 << 20);
    }

    private Dataset<String> rows(int partitions, int perPartition)
    {
        return tusk.parallelize(range(partitions), partitions)
                .flatMap(seed -> IntStream.range(0, perPartition).mapToObj(i -> {
                    COMPUTATIONS.incrementAndGet();
                    return "row-" + seed + "-" + i + "-padding-padding-padding";
                }).iterator());
    }

    @Test
    void everyTaskRunsOnAThreadOfItsOwn()
    {
        List<Integer> counts = tusk.parallelize(range(12), 12)
                .mapPartitions(records -> List.of(++TASKS_ON_THIS_THREAD.get()[0]).iterator())
                .collect();

        assertThat(counts).as("thread-local state never carries over from one task to the next").hasSize(12).containsOnly(1);
    }

    @Test
    void explainShowsStagesAndFusedOperators()
    {
        PairDataset<String, Long> counts = tusk.parallelize(LINES, 2)
                .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum);

        String plan = counts.explain();

        assertThat(plan)
                .contains("(result), 2 tasks")
                .contains("(shuffle map, writes shuffle")
                .contains("reduceByKey at DatasetIT.java")
                .contains("flatMap at DatasetIT.java")
                .contains("mapToPair at DatasetIT.java")
                .contains("map-side combine");
    }

    private static List<Integer> range(int count)
    {
        return IntStream.range(0, count).boxed().toList();
    }

    private static <K extends Comparable<K>, V> List<Pair<K, V>> sorted(List<Pair<K, V>> pairs)
    {
        List<Pair<K, V>> copy = new ArrayList<>(pairs);
        copy.sort((one, two) -> {
            int byKey = one.key().compareTo(two.key());
            return byKey != 0 ? byKey : String.valueOf(one.value()).compareTo(String.valueOf(two.value()));
        });
        return copy;
    }

}
