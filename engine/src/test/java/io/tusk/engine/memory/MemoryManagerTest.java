package io.tusk.engine.memory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryManagerTest
{
    @Test
    void grantsWithinTheBudgetOnly()
    {
        MemoryManager memory = new MemoryManager(1000);
        MemoryConsumer owner = () -> "owner";

        assertThat(memory.tryAcquire(owner, 600)).isTrue();
        assertThat(memory.tryAcquire(owner, 600)).isFalse();
        assertThat(memory.usedBy(owner)).isEqualTo(600);

        memory.release(owner, 600);
        assertThat(memory.used()).isZero();
        assertThat(memory.owners()).isEmpty();
    }

    @Test
    void keepsRecycledPagesForTheNextOfTheirLengthWithinTheBudget()
    {
        MemoryManager memory = new MemoryManager(1 << 20);
        byte[] page = new byte[64 << 10];
        memory.recycle(page);

        assertThat(memory.kept()).isEqualTo(64 << 10);
        assertThat(memory.page(128 << 10)).as("another length").isNotSameAs(page).hasSize(128 << 10);
        assertThat(memory.page(64 << 10)).isSameAs(page);
        assertThat(memory.kept()).isZero();
        assertThat(memory.page(64 << 10)).as("none kept: a new page").isNotSameAs(page).hasSize(64 << 10);

        for (int i = 0; i < 20; i++) {
            memory.recycle(new byte[64 << 10]);
        }
        assertThat(memory.kept()).as("the budget").isEqualTo(1 << 20);
        memory.recycle(new byte[1024]);
        assertThat(memory.kept()).as("small pages are left to the collector").isEqualTo(1 << 20);
        assertThat(memory.used()).as("kept pages are not grants").isZero();
    }

    @Test
    void keptPagesGiveWayToGrantsBeforeAnyoneIsAskedToSpill()
    {
        MemoryManager memory = new MemoryManager(1 << 20);
        TestingSpillable cache = new TestingSpillable(memory);
        memory.registerSpillable(cache);
        for (int i = 0; i < 4; i++) {
            memory.recycle(new byte[64 << 10]);
        }
        MemoryConsumer shuffle = () -> "shuffle";

        assertThat(memory.tryAcquire(shuffle, (1 << 20) - (128 << 10))).isTrue();

        assertThat(memory.kept()).as("dropped until the grant fits").isEqualTo(128 << 10);
        assertThat(cache.spillRequests).isZero();
        memory.recycle(new byte[64 << 10]);
        assertThat(memory.kept()).as("no room beside the grants").isEqualTo(128 << 10);
        memory.forceAcquire(shuffle, 64 << 10);
        assertThat(memory.kept()).isEqualTo(64 << 10);
        memory.release(shuffle, memory.usedBy(shuffle));
        memory.recycle(new byte[64 << 10]);
        memory.spillAll();
        assertThat(memory.kept()).as("an attempt that needs the heap drops them").isZero();
    }

    @Test
    void aKeptPageTakenBeforeItsGrantServesItWithTheBudgetFull()
    {
        MemoryManager memory = new MemoryManager(1 << 20);
        MemoryConsumer shuffle = () -> "shuffle";
        assertThat(memory.tryAcquire(shuffle, (1 << 20) - (64 << 10))).isTrue();
        byte[] page = new byte[64 << 10];
        memory.recycle(page);
        assertThat(memory.kept()).isEqualTo(64 << 10);

        assertThat(memory.keptPage(128 << 10)).as("none of that length").isNull();
        assertThat(memory.keptPage(64 << 10)).isSameAs(page);
        assertThat(memory.tryAcquire(shuffle, 64 << 10)).as("the page's grant fits: nothing kept is in its way").isTrue();
        assertThat(memory.used()).isEqualTo(1 << 20);
        assertThat(memory.keptPage(64 << 10)).isNull();

        memory.release(shuffle, 64 << 10);
        memory.recycle(page);
        assertThat(memory.tryAcquire(shuffle, 64 << 10)).as("granted first, the kept page makes room").isTrue();
        assertThat(memory.keptPage(64 << 10)).as("dropped for the very grant it could have served").isNull();
    }

    @Test
    void keptPagesTheCollectorTookBackAreNotHandedOutAndMakeRoomForOthers()
    {
        MemoryManager memory = new MemoryManager(1 << 20);
        for (int i = 0; i < 8; i++) {
            memory.recycle(new byte[64 << 10]);
            memory.recycle(new long[8 << 10]);
        }
        assertThat(memory.kept()).isEqualTo(1 << 20);

        // as the collector does when the heap runs short
        memory.clearKeptPageReferences();
        long[] array = memory.keptLongs(8 << 10);
        assertThat(array).hasSize(8 << 10);
        memory.recycle(array);
        byte[] page = new byte[128 << 10];
        memory.recycle(page);
        assertThat(memory.kept()).as("the pages taken back no longer count once the budget looks full").isEqualTo((512 + 128) << 10);
        assertThat(memory.keptPage(64 << 10)).isNull();
        assertThat(memory.keptPage(128 << 10)).isSameAs(page);

        memory.clearKeptPageReferences();
        memory.recycle(new byte[64 << 10]);
        memory.clearKeptPageReferences();
        MemoryConsumer shuffle = () -> "shuffle";
        assertThat(memory.tryAcquire(shuffle, 512 << 10)).isTrue();
        for (int i = 0; i < 8; i++) {
            assertThat(memory.keptLongs(8 << 10)).as("a grant makes room from the pages taken back before it drops live arrays").isNotNull();
        }
    }

    @Test
    void keepsRecycledArraysForTheNextThatAsksForAtLeastHalfTheirLength()
    {
        MemoryManager memory = new MemoryManager(1 << 22);
        long[] eightThousand = new long[8 << 10];
        long[] twelveThousand = new long[12 << 10];
        memory.recycle(twelveThousand);
        memory.recycle(eightThousand);
        assertThat(memory.kept()).isEqualTo(20L << 13);

        assertThat(memory.keptLongs(13 << 10)).as("none as long").isNull();
        assertThat(memory.keptLongs(3 << 10)).as("none at most twice as long").isNull();
        assertThat(memory.keptLongs(7 << 10, (7 << 10) + (7 << 7))).as("none at most an eighth longer").isNull();
        assertThat(memory.keptLongs(7 << 10, 8 << 10)).as("at most the given length").isSameAs(eightThousand);
        memory.recycle(eightThousand);
        assertThat(memory.keptLongs(6 << 10)).as("the shortest long enough").isSameAs(eightThousand);
        assertThat(memory.keptLongs(6 << 10)).isSameAs(twelveThousand);
        assertThat(memory.keptLongs(6 << 10)).isNull();
        assertThat(memory.kept()).isZero();

        memory.recycle(new long[1024]);
        assertThat(memory.kept()).as("small arrays are left to the collector").isZero();
        for (int i = 0; i < 80; i++) {
            memory.recycle(new long[8 << 10]);
        }
        assertThat(memory.kept()).as("the budget").isEqualTo(4L << 20);
        memory.recycle(new byte[64 << 10]);
        assertThat(memory.kept()).as("pages and arrays share the budget").isEqualTo(4L << 20);
        assertThat(memory.used()).as("kept arrays are not grants").isZero();
    }

    @Test
    void keptArraysGiveWayToGrantsLongestFirst()
    {
        MemoryManager memory = new MemoryManager(1 << 22);
        long[] shortArray = new long[8 << 10];
        memory.recycle(new long[32 << 10]);
        memory.recycle(shortArray);
        memory.recycle(new long[64 << 10]);
        MemoryConsumer shuffle = () -> "shuffle";

        assertThat(memory.tryAcquire(shuffle, (1 << 22) - (320 << 10))).isTrue();

        assertThat(memory.kept()).as("the longest dropped until the grant fits").isEqualTo(40L << 13);
        assertThat(memory.keptLongs(40 << 10)).as("dropped").isNull();
        assertThat(memory.keptLongs(8 << 10)).isSameAs(shortArray);
        memory.recycle(shortArray);
        memory.release(shuffle, memory.usedBy(shuffle));
        memory.spillAll();
        assertThat(memory.kept()).as("an attempt that needs the heap drops them").isZero();
        assertThat(memory.keptLongs(8 << 10)).isNull();
    }

    @Test
    void asksSpillablesToFreeMemoryButNotTheRequester()
    {
        MemoryManager memory = new MemoryManager(1000);
        TestingSpillable cache = new TestingSpillable(memory);
        memory.registerSpillable(cache);
        assertThat(memory.tryAcquire(cache, 900)).isTrue();
        MemoryConsumer shuffle = () -> "shuffle";

        assertThat(memory.tryAcquire(shuffle, 500)).isTrue();

        assertThat(cache.spillRequests).isEqualTo(1);
        assertThat(memory.usedBy(cache)).isEqualTo(500);
        assertThat(memory.tryAcquire(cache, 200)).isFalse();
        assertThat(cache.spillRequests).isEqualTo(1);
    }

    @Test
    void releasingMoreThanHeldIsABug()
    {
        MemoryManager memory = new MemoryManager(1000);
        MemoryConsumer owner = () -> "owner";
        memory.forceAcquire(owner, 1500);
        assertThat(memory.used()).isEqualTo(1500);
        assertThatThrownBy(() -> memory.release(owner, 2000)).hasMessageContaining("releases 2000 bytes but holds 1500");
    }

    private static final class TestingSpillable
            implements MemoryConsumer
    {
        private final MemoryManager memory;
        int spillRequests;

        TestingSpillable(MemoryManager memory)
        {
            this.memory = memory;
        }

        @Override
        public String memoryOwnerName()
        {
            return "cache";
        }

        @Override
        public long spill(long bytes)
        {
            spillRequests++;
            memory.release(this, bytes);
            return bytes;
        }
    }
}
