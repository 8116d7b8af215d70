package io.tusk.engine.task;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpareCoresTest
{
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @BeforeEach
    void lendEveryProcessor()
    {
        SpareCores.limitTo(CORES);
    }

    @AfterEach
    void restore()
    {
        SpareCores.limitTo(CORES);
    }

    /** An executor of one slot lends nothing to its attempt, whatever the processors. */
    @Test
    void anExecutorOfOneSlotLendsNothing()
    {
        new AttemptSlots(1);
        try (SpareCores.Running running = SpareCores.taskRunning()) {
            assertThat(SpareCores.spare()).isZero();
            assertThat(SpareCores.tryFork(() -> {})).isNull();
        }
        new AttemptSlots(CORES);
        assertThat(SpareCores.spare()).isEqualTo(CORES);
    }

    /** Every part runs once; with cores spare some run on helper threads, and all have run when the call returns. */
    @Test
    void runAllRunsEveryPartOnceBeforeItReturns()
    {
        boolean spare = SpareCores.spare() > 0;
        AtomicInteger ran = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Runnable> parts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            parts.add(() -> {
                threads.add(Thread.currentThread().getName());
                busyFor(20);
                ran.incrementAndGet();
            });
        }
        SpareCores.runAll(parts);
        assertThat(ran.get()).isEqualTo(8);
        if (spare) {
            assertThat(threads).as("parts ran on spare cores too").anyMatch(name -> name.startsWith("tusk-spare-core-"));
        }
    }

    /** With every core taken by running attempts nothing is lent: parts run on the caller's thread. */
    @Test
    void nothingIsLentWhileEveryCoreRunsAnAttempt()
    {
        List<SpareCores.Running> running = new ArrayList<>();
        try {
            for (int i = 0; i < CORES; i++) {
                running.add(SpareCores.taskRunning());
            }
            assertThat(SpareCores.tryFork(() -> {})).isNull();
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            SpareCores.runAll(List.of(() -> threads.add(Thread.currentThread()), () -> threads.add(Thread.currentThread())));
            assertThat(threads).containsExactly(Thread.currentThread());
        }
        finally {
            running.forEach(SpareCores.Running::close);
        }
        // closed (twice for one: counted once), the cores are spare again
        running.get(0).close();
        if (SpareCores.spare() > 0) {
            SpareCores.Fork fork = SpareCores.tryFork(() -> {});
            assertThat(fork).isNotNull();
            fork.join();
        }
    }

    /** A part's failure is thrown to the caller once every other part has run; an interrupt while joining is kept, not lost. */
    @Test
    void aPartsFailureIsThrownAfterTheOthersRan()
            throws InterruptedException
    {
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch slow = new CountDownLatch(1);
        List<Runnable> parts = List.of(
                () -> {
                    busyFor(100);
                    ran.incrementAndGet();
                    slow.countDown();
                },
                () -> {
                    throw new IllegalStateException("part failed");
                },
                ran::incrementAndGet);
        assertThatThrownBy(() -> SpareCores.runAll(parts)).isInstanceOf(IllegalStateException.class).hasMessage("part failed");
        assertThat(slow.await(0, TimeUnit.SECONDS)).as("the slow part had run").isTrue();
        assertThat(ran.get()).isEqualTo(2);

        if (SpareCores.spare() > 0) {
            CountDownLatch release = new CountDownLatch(1);
            SpareCores.Fork fork = SpareCores.tryFork(() -> awaitQuietly(release));
            assertThat(fork).isNotNull();
            Thread.currentThread().interrupt();
            new Thread(() -> {
                busyFor(50);
                release.countDown();
            }).start();
            fork.join();
            assertThat(release.getCount()).as("joined only once the part ended").isZero();
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
    }

    /** A helper thread ends once it has been idle a while: a process between jobs keeps none of them. */
    @Test
    void helperThreadsEndWhenIdle()
            throws InterruptedException
    {
        if (SpareCores.spare() == 0) {
            return;
        }
        SpareCores.Fork fork = SpareCores.tryFork(() -> {});
        assertThat(fork).isNotNull();
        fork.join();
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); helperThreads() > 0 && System.nanoTime() < until; ) {
            Thread.sleep(100);
        }
        assertThat(helperThreads()).isZero();
    }

    private static long helperThreads()
    {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("tusk-spare-core-")).count();
    }

    private static void busyFor(long millis)
    {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void awaitQuietly(CountDownLatch latch)
    {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
