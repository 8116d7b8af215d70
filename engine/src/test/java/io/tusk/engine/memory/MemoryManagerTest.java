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
